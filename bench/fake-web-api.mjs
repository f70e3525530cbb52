// The smallest Slack Web API the ack bench needs (auth.test, chat.*, a response_url sink), in its
// own process as Slack's servers are: receiving the bot's answers must not take the bot's thread.
// Started with fork(): sends { port } once listening; answers { answers, busy } to every 'count'.
import http from 'node:http';

const busyMark = process.argv[2] ?? '';
let answers = 0;
let busy = 0;
const server = http.createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    const path = req.url ?? '/';
    if (path.startsWith('/response/')) {
      answers++;
      if (busyMark && body.includes(busyMark)) busy++;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      path === '/api/auth.test'
        ? JSON.stringify({ ok: true, user_id: 'UBENCH', bot_id: 'BBENCH', team_id: 'TBENCH' })
        : JSON.stringify({ ok: true, ts: '1700000000.000100' }),
    );
  });
});
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
process.on('message', (m) => {
  if (m === 'count') process.send({ answers, busy });
});
process.on('disconnect', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
