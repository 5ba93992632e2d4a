// The load generator of benchmarks/bench_server_prism.py: CLIENTS keep-alive connections,
// each a loop that creates a Connection Policy, fetches it back and lists a page, with
// Basic auth, for SECONDS. Node and its http module only (no dependency), so that it costs
// far less than either server it loads. Prints one JSON line: requests answered, seconds,
// each request's latency in milliseconds, how many got another status than expected and
// the first few of those.
//
//   node benchmarks/load.js URL CLIENTS SECONDS
"use strict";
const http = require("http");

const [url, clients, seconds] = [
  new URL(process.argv[2]),
  Number(process.argv[3]),
  Number(process.argv[4]),
];
const auth = "Basic " + Buffer.from("AC" + "1".repeat(32) + ":token").toString("base64");

function send(agent, method, path, body) {
  return new Promise((resolve, reject) => {
    const headers = { Authorization: auth };
    if (body !== undefined) {
      headers["Content-Type"] = "application/x-www-form-urlencoded";
      headers["Content-Length"] = Buffer.byteLength(body);
    }
    const request = http.request(
      { agent, host: url.hostname, port: url.port, method, path, headers },
      (response) => {
        const chunks = [];
        response.on("data", (chunk) => chunks.push(chunk));
        response.on("end", () =>
          resolve({ status: response.statusCode, body: Buffer.concat(chunks).toString() }),
        );
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}

async function client(number, deadline, latencies, failures) {
  // One socket per client, kept open across its requests.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const timed = async (expected, method, path, body) => {
    const started = process.hrtime.bigint();
    const answer = await send(agent, method, path, body);
    latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
    if (answer.status !== expected) {
      failures.count += 1;
      if (failures.samples.length < 5) {
        failures.samples.push(`${method} ${path}: ${answer.status} ${answer.body.slice(0, 200)}`);
      }
    }
    return answer;
  };
  for (let i = 0; Date.now() < deadline; i++) {
    const body = `FriendlyName=load-${number}-${i}`;
    const made = await timed(201, "POST", "/v1/ConnectionPolicies", body);
    const sid = made.status === 201 ? JSON.parse(made.body).sid : "NY" + "0".repeat(32);
    await timed(200, "GET", `/v1/ConnectionPolicies/${sid}`);
    await timed(200, "GET", "/v1/ConnectionPolicies?PageSize=20");
  }
  agent.destroy();
}

async function main() {
  const latencies = [];
  const failures = { count: 0, samples: [] };
  const started = process.hrtime.bigint();
  const deadline = Date.now() + seconds * 1000;
  const loops = [];
  for (let number = 0; number < clients; number++) {
    loops.push(client(number, deadline, latencies, failures));
  }
  await Promise.all(loops);
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  const summary = { requests: latencies.length, seconds: elapsed, latencies };
  console.log(JSON.stringify({ ...summary, failed: failures.count, samples: failures.samples }));
}

main().catch((error) => {
  console.error(error.stack || String(error));
  process.exit(1);
});
