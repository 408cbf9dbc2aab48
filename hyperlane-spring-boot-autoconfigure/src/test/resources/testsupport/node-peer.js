// A small Node.js HTTP server used as a real peer by the client tests (see NodePeer).
//
// Usage: node node-peer.js [keepAliveTimeoutMs]
//
// Listens on 127.0.0.1 with an OS-assigned port and prints "LISTENING <port>" on stdout once it accepts
// connections. Without an argument Node's default keepAliveTimeout (5000 ms) is left as it is, so responses
// carry "Keep-Alive: timeout=5". Exits when its standard input closes, so it cannot outlive the JVM that
// started it.
//
// Routes:
//   GET  /hello             200 {"hello":"world"}
//   POST /echo              200 with the request body and content type
//   GET  /slow?ms=N         200 "slept N" after N milliseconds
//   GET  /pause?ms=N&type=T 200 with Content-Type T (default application/octet-stream), chunked: a first part at
//                           once, a second part N milliseconds later, then the end; for text/event-stream the
//                           parts are the events "data: one" and "data: two", else the lines "one" and "two"
//   GET  /__count?path=/x   200 text/plain: how many requests /x has seen (queries to /__count are not counted)
// Every other request is counted too and answered 404.
'use strict';

const http = require('node:http');

const counts = new Map();

function send(res, status, type, body) {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://127.0.0.1');
  const path = url.pathname;
  if (path !== '/__count') {
    counts.set(path, (counts.get(path) || 0) + 1);
  }
  if (path === '/__count' && req.method === 'GET') {
    send(res, 200, 'text/plain', String(counts.get(url.searchParams.get('path')) || 0));
  }
  else if (path === '/hello' && req.method === 'GET') {
    send(res, 200, 'application/json', '{"hello":"world"}');
  }
  else if (path === '/echo' && req.method === 'POST') {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      res.writeHead(200, {
        'Content-Type': req.headers['content-type'] || 'application/octet-stream',
        'Content-Length': body.length,
      });
      res.end(body);
    });
  }
  else if (path === '/slow' && req.method === 'GET') {
    const ms = Math.max(0, Number.parseInt(url.searchParams.get('ms') || '0', 10) || 0);
    setTimeout(() => send(res, 200, 'text/plain', 'slept ' + ms), ms);
  }
  else if (path === '/pause' && req.method === 'GET') {
    const ms = Math.max(0, Number.parseInt(url.searchParams.get('ms') || '0', 10) || 0);
    const type = url.searchParams.get('type') || 'application/octet-stream';
    const events = type.startsWith('text/event-stream');
    res.writeHead(200, { 'Content-Type': type });
    res.write(events ? 'data: one\n\n' : 'one\n');
    const timer = setTimeout(() => res.end(events ? 'data: two\n\n' : 'two\n'), ms);
    res.on('close', () => clearTimeout(timer));
  }
  else {
    req.resume();
    send(res, 404, 'text/plain', 'no route for ' + req.method + ' ' + path);
  }
});

if (process.argv.length > 2) {
  server.keepAliveTimeout = Number.parseInt(process.argv[2], 10);
}

server.listen(0, '127.0.0.1', () => {
  console.log('LISTENING ' + server.address().port);
});

process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
process.on('SIGTERM', () => process.exit(0));
