// Backends of the fan-out scenario (S4): one Node.js process, one HTTP server per port on 127.0.0.1.
// Usage: node backends.js <slowDelayMs> <port>[:slow|:tail=<percent>] ...
//   GET /work  -> {"instance":"<port>"} after 0 ms, or after <slowDelayMs> on the ports marked :slow; a port marked
//                 :tail=<percent> answers that percentage of its calls (drawn at random, each call on its own) after
//                 <slowDelayMs> and the others at once (the hedging benchmark, benchmarks/hedging)
//   GET /count -> number of /work requests served by this port since start
// Keep-alive is held for KEEP_ALIVE_MS (environment; default 120000) milliseconds: S4 keeps it long so that idle
// gaps between runs never close pooled connections (that is the subject of S5, not of S4); S5's upstream runs
// with KEEP_ALIVE_MS=5000, Node.js's own default.
const http = require('http');

const slowDelay = Number(process.argv[2]);
const keepAlive = Number(process.env.KEEP_ALIVE_MS || 120000);
const specs = process.argv.slice(3);
if (!(slowDelay >= 0) || specs.length === 0) {
  console.error('usage: node backends.js <slowDelayMs> <port>[:slow] ...');
  process.exit(2);
}

for (const spec of specs) {
  const [portText, mode = ''] = spec.split(':');
  const port = Number(portText);
  const delay = mode === 'slow' ? slowDelay : 0;
  const tailShare = mode.startsWith('tail=') ? Number(mode.slice(5)) / 100 : 0;
  if (!(tailShare >= 0 && tailShare <= 1)) {
    console.error(`bad tail percentage in ${spec}`);
    process.exit(2);
  }
  const body = JSON.stringify({ instance: String(port) });
  let served = 0;
  const server = http.createServer((req, res) => {
    if (req.url === '/count') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(String(served));
      return;
    }
    served++;
    const answer = () => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    };
    if (delay > 0) {
      setTimeout(answer, delay);
    } else if (tailShare > 0 && Math.random() < tailShare) {
      setTimeout(answer, slowDelay);
    } else {
      answer();
    }
  });
  server.keepAliveTimeout = keepAlive;
  server.headersTimeout = keepAlive + 1000;
  server.listen(port, '127.0.0.1', () => console.log(`backend ${port} (${delay} ms, ${tailShare * 100} % after ${slowDelay} ms) listening`));
}

const stop = () => process.exit(0);
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
