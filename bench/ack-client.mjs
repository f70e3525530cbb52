// The load generator of the Slack ack bench, in its own process as Slack is: it signs and sends
// slash commands and times each HTTP ack, so its own work never sits on the bot's event loop.
// Reads one JSON round per stdin line ({ from, count }) and answers one JSON line per round.
import { createHmac } from 'node:crypto';
import http from 'node:http';
import { createInterface } from 'node:readline';

const { url, secret, origin, command, questions, concurrency } = JSON.parse(process.argv[2]);
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });

/** A signed request, built before the round starts: Slack's senders are other machines, so the
 * generator's own signing must not take CPU from the bot while acks are timed. */
function signed(i) {
  const body = new URLSearchParams({
    team_id: 'TBENCH',
    channel_id: 'CBENCH',
    user_id: `U${i}`,
    command,
    text: questions[i % questions.length],
    response_url: `${origin}/response/${i}`,
    trigger_id: `bench.${i}.${Date.now()}`,
  }).toString();
  const ts = Math.floor(Date.now() / 1000);
  const sig = `v0=${createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}`;
  return {
    body,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'content-length': Buffer.byteLength(body),
      'x-slack-request-timestamp': String(ts),
      'x-slack-signature': sig,
    },
  };
}

function send({ body, headers }) {
  return new Promise((resolve) => {
    const started = performance.now();
    const req = http.request(url, { method: 'POST', agent, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve({ ms: performance.now() - started, status: res.statusCode ?? 0 }));
    });
    req.on('error', () => resolve({ ms: performance.now() - started, status: 0 }));
    req.end(body);
  });
}

async function round(from, count) {
  const timings = [];
  let failures = 0;
  const requests = Array.from({ length: count }, (_, k) => signed(from + k));
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const r = await send(requests[next++]);
      timings.push(r.ms);
      if (r.status !== 200) failures++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return { timings, failures };
}

for await (const line of createInterface({ input: process.stdin })) {
  if (!line.trim()) continue;
  const { from, count } = JSON.parse(line);
  process.stdout.write(`${JSON.stringify(await round(from, count))}\n`);
}
agent.destroy();
