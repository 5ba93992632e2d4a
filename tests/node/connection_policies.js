// Connection Policies and their Targets through Twilio's official Node client, written the
// way Twilio's Node examples are. Only the transport differs: either the client's Voice
// domain is pointed at a fake-voice server (FAKE_VOICE_URL), or the code is untouched and
// the environment sends it through `fake-voice serve --proxy` (HTTP_PROXY and
// NODE_EXTRA_CA_CERTS). tests/test_server_node.py runs this and compares every printed line.
const twilio = require("twilio");

const accountSid = process.env.TWILIO_ACCOUNT_SID;
const authToken = process.env.TWILIO_AUTH_TOKEN;
const client = twilio(accountSid, authToken);
if (process.env.FAKE_VOICE_URL) {
  client.voice.baseUrl = process.env.FAKE_VOICE_URL;
}

function show(record) {
  return `${record.sid} "${record.friendlyName}"`;
}

function showTarget(target) {
  return (
    `${target.sid} ${target.target} priority=${target.priority} ` +
    `weight=${target.weight} enabled=${target.enabled}`
  );
}

async function main() {
  const policy = await client.voice.v1.connectionPolicies.create({
    friendlyName: "Primary carrier",
  });
  console.log(`created policy ${show(policy)}`);
  console.log(`url ${policy.url}`);
  console.log(`targets link ${policy.links.targets}`);

  const backup = await client.voice.v1.connectionPolicies.create({
    friendlyName: "Backup carrier",
  });
  console.log(`created policy ${show(backup)}`);

  const fetched = await client.voice.v1.connectionPolicies(policy.sid).fetch();
  console.log(`fetched policy ${show(fetched)} of ${fetched.accountSid}`);

  // pageSize 1 makes the client follow next_page_url, which must stay on the server.
  const connectionPolicies = await client.voice.v1.connectionPolicies.list({
    pageSize: 1,
    limit: 20,
  });
  connectionPolicies.forEach((c) => console.log(`listed policy ${show(c)}`));

  const updated = await client.voice.v1
    .connectionPolicies(policy.sid)
    .update({ friendlyName: "Primary carrier (EU)" });
  console.log(`updated policy ${show(updated)}`);

  const target = await client.voice.v1
    .connectionPolicies(policy.sid)
    .targets.create({
      friendlyName: "Frankfurt",
      target: "sip:sip-box.example.com:5060",
      priority: 1,
      weight: 20,
      enabled: true,
    });
  console.log(`created target ${showTarget(target)} of ${target.connectionPolicySid}`);

  const fallback = await client.voice.v1
    .connectionPolicies(policy.sid)
    .targets.create({ target: "sip:fallback.example.com" });
  console.log(`created target ${showTarget(fallback)}`);

  const fetchedTarget = await client.voice.v1
    .connectionPolicies(policy.sid)
    .targets(target.sid)
    .fetch();
  console.log(`fetched target "${fetchedTarget.friendlyName}" ${fetchedTarget.url}`);

  const updatedTarget = await client.voice.v1
    .connectionPolicies(policy.sid)
    .targets(target.sid)
    .update({ enabled: false, priority: 5 });
  console.log(`updated target ${showTarget(updatedTarget)}`);

  const targets = await client.voice.v1
    .connectionPolicies(policy.sid)
    .targets.list({ limit: 20 });
  targets.forEach((t) => console.log(`listed target ${showTarget(t)}`));

  try {
    await client.voice.v1
      .connectionPolicies(policy.sid)
      .targets.create({ target: "sips:secure.example.com" });
  } catch (error) {
    console.log(`refused ${error.status} ${error.code} ${error.message}`);
  }

  const removedTarget = await client.voice.v1
    .connectionPolicies(policy.sid)
    .targets(fallback.sid)
    .remove();
  console.log(`removed target ${removedTarget}`);

  const removed = await client.voice.v1.connectionPolicies(policy.sid).remove();
  console.log(`removed policy ${removed}`);

  try {
    await client.voice.v1.connectionPolicies(policy.sid).fetch();
  } catch (error) {
    console.log(`fetch after remove ${error.status} ${error.code} ${error.message}`);
  }

  const remaining = await client.voice.v1.connectionPolicies.list({ limit: 20 });
  console.log(`remaining ${remaining.map(show).join(", ")}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
