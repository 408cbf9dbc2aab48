// Idle keep-alive connections for S6: opens <count> connections to 127.0.0.1:<port>, sends one
// "GET /plaintext" on each and reads the answer, then leaves every connection open and idle.
// Prints "OPEN <opened> FAILED <failed>" once all attempts are settled, and holds the connections until
// <holdMs> has passed or it is stopped (SIGTERM/SIGINT), then closes them and exits.
// Usage: node idle-clients.js <port> <count> <holdMs>
const net = require('net');

const [port, count, holdMs] = process.argv.slice(2).map(Number);
if (!port || !(count > 0) || !(holdMs > 0)) {
  console.error('usage: node idle-clients.js <port> <count> <holdMs>');
  process.exit(2);
}
const request = 'GET /plaintext HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n';
const sockets = [];
let opened = 0;
let failed = 0;
let started = 0;
const BATCH = 200; // connection attempts in flight at once

function settle(ok) {
  if (ok) opened++; else failed++;
  if (started < count) {
    openOne();
  } else if (opened + failed === count) {
    console.log(`OPEN ${opened} FAILED ${failed}`);
  }
}

function openOne() {
  started++;
  let done = false;
  const socket = net.connect(port, '127.0.0.1');
  socket.setTimeout(15000);
  const finish = (ok) => {
    if (done) return;
    done = true;
    socket.setTimeout(0);
    if (ok) sockets.push(socket); else socket.destroy();
    settle(ok);
  };
  socket.on('connect', () => socket.write(request));
  socket.on('data', (chunk) => { if (chunk.toString('latin1').startsWith('HTTP/1.1 200')) finish(true); });
  socket.on('timeout', () => finish(false));
  socket.on('error', () => finish(false));
  socket.on('close', () => finish(false));
}

for (let i = 0; i < Math.min(BATCH, count); i++) openOne();

const stop = () => {
  for (const s of sockets) s.destroy();
  process.exit(0);
};
setTimeout(stop, holdMs);
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
