// Voice v2 Configurations and v3 Transcriptions through Twilio's official Node client, as a
// user writes them; only the transport differs: the Voice domain points at a fake-voice
// server (FAKE_VOICE_URL). tests/test_server_node.py runs this and compares every line.
const twilio = require("twilio");

const client = twilio(process.env.TWILIO_ACCOUNT_SID, process.env.TWILIO_AUTH_TOKEN);
client.voice.baseUrl = process.env.FAKE_VOICE_URL;

const transcription = {
  configurationType: "Transcription",
  transcriptionEngine: "deepgram",
  speechModel: "nova-3",
  language: "en-US",
  transcriptionStatusCallback: { url: "https://example.com/transcripts", method: "POST" },
  participantDefaults: [
    { audioChannelIndex: 1, type: "CUSTOMER" },
    { audioChannelIndex: 2, type: "HUMAN_AGENT" },
  ],
};

async function refused(what, call) {
  try {
    await call();
    console.log(`${what} was accepted`);
  } catch (error) {
    console.log(`${what} refused ${error.status} ${error.code} ${error.constructor.name}`);
  }
}

async function main() {
  const v2 = client.voice.v2;
  const recording = await v2.recording.create({
    unique_name: "calls",
    configuration: { configurationType: "Recording", compositionPolicy: { channels: "mono" } },
  });
  console.log(`created recording ${recording.id} ${recording.uniqueName}`);
  const fetched = await v2.recording("calls").fetch();
  console.log(`fetched recording ${fetched.id} channels=${fetched.configuration.compositionPolicy.channels}`);
  const updated = await v2.recording(recording.id).update({
    unique_name: "calls",
    description: "every call",
    configuration: { configurationType: "Recording" },
  });
  console.log(`updated recording ${updated.description}`);

  const setup = await v2.configurations("Transcription").create({
    unique_name: "support",
    configuration: transcription,
  });
  console.log(`created transcription configuration ${setup.id}`);
  // The description answers this with 204 and no body; twilio-node 6.3.1 parses the empty
  // body as JSON and rejects, though the default was set.
  try {
    await v2.configurations("Transcription").default.create({ configuration_id: "support" });
  } catch (error) {
    console.log(`set default, and twilio-node threw ${error.constructor.name}`);
  }
  const chosen = await v2.configurations("Transcription").default.fetch();
  console.log(`default transcription configuration ${chosen.id}`);
  const typed = await v2.type("Transcription", "support").fetch();
  console.log(`typed fetch ${typed.uniqueName} ${typed.configuration.language}`);
  const british = await v2.transcription("support").update({
    unique_name: "support",
    configuration: { ...transcription, language: "en-GB" },
  });
  console.log(`updated transcription configuration ${british.configuration.language}`);

  const summary = await v2.configurations("Summary").create({
    configuration: { configurationType: "Summary", length: "short" },
  });
  console.log(`created summary ${summary.id.startsWith("voice_summaryconfiguration_")}`);
  const renamed = await v2.type("Summary", summary.id).update({
    unique_name: "brief",
    configuration: { configurationType: "Summary", length: "long" },
  });
  console.log(`updated summary ${renamed.uniqueName} ${renamed.configuration.length}`);
  const brief = await v2.type("Summary", "brief").fetch();
  console.log(`fetched summary ${brief.id === summary.id}`);
  console.log(`removed summary ${await v2.type("Summary", "brief").remove()}`);

  const account = await v2.accountDefaultConfiguration("Recording").create({
    configuration: { configurationType: "Recording" },
  });
  console.log(`account default ${account.accountSid}`);
  const described = await v2.accountDefaultConfiguration("Recording").update({
    description: "all calls",
    configuration: { configurationType: "Recording", compositionPolicy: { track: "both" } },
  });
  console.log(`updated account default ${described.description}`);
  const current = await v2.accountDefaultConfiguration("Recording").fetch();
  console.log(`fetched account default ${current.configuration.compositionPolicy.track}`);
  await refused("second account default", () =>
    v2.accountDefaultConfiguration("Recording").create({
      configuration: { configurationType: "Recording" },
    })
  );
  console.log(`removed account default ${await v2.accountDefaultConfiguration("Recording").remove()}`);

  const v3 = client.voice.v3;
  const first = await v3.transcriptions.create(
    { transcriptionConfigurationId: setup.id, sourceId: "RE" + "a".repeat(32) },
    { "Idempotency-Key": "node-1" }
  );
  const again = await v3.transcriptions.create(
    { transcriptionConfigurationId: setup.id, sourceId: "RE" + "a".repeat(32) },
    { "Idempotency-Key": "node-1" }
  );
  console.log(`created transcription ${first.status} same=${first.transcription.id === again.transcription.id}`);
  const second = await v3.transcriptions.create({
    transcriptionConfigurationId: setup.id,
    mediaUrl: "https://example.com/audio.wav",
  });
  const operation = await v3.transcriptions(first.transcription.id).fetch();
  console.log(`fetched transcription ${operation.operationId === first.transcription.id} ${operation.status}`);
  const page = await v3.transcriptions.page({ pageSize: 1 });
  const next = await page.nextPage();
  console.log(`pages ${page.instances[0].id === second.transcription.id} ${next.instances[0].id === first.transcription.id}`);
  await refused("both sources", () =>
    v3.transcriptions.create({
      transcriptionConfigurationId: setup.id,
      sourceId: "RE" + "a".repeat(32),
      mediaUrl: "https://example.com/audio.wav",
    })
  );
  await refused("unknown transcription", () =>
    v3.transcriptions("voice_transcription_" + "0".repeat(26)).fetch()
  );
  console.log(`removed recording ${await v2.recording("calls").remove()}`);
  console.log(`removed transcription configuration ${await v2.transcription(setup.id).remove()}`);
  await refused("removed recording", () => v2.recording("calls").fetch());
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
