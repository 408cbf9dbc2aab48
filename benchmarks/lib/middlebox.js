// A TCP middlebox for the idle-connection scenario (S5) that forgets flows silently, as NAT gateways, firewalls
// and cloud load balancers do with flows idle longer than their timeout: once a flow has carried no data for
// <idleMs>, every byte arriving from either side is dropped and neither side is told (no FIN, no RST), so a
// client that reuses the pooled connection waits for an answer that never comes.
// Usage: node middlebox.js <listenPort> <upstreamPort> <idleMs>   (127.0.0.1 only)
const net = require('net');

const [listenPort, upstreamPort, idleMs] = process.argv.slice(2).map(Number);
if (!listenPort || !upstreamPort || !(idleMs > 0)) {
  console.error('usage: node middlebox.js <listenPort> <upstreamPort> <idleMs>');
  process.exit(2);
}

let forgotten = 0;
const server = net.createServer((client) => {
  const upstream = net.connect(upstreamPort, '127.0.0.1');
  let last = Date.now();
  let alive = true;
  const relay = (from, to) => {
    from.on('data', (chunk) => {
      if (!alive) {
        return; // a forgotten flow: dropped without a word
      }
      last = Date.now();
      to.write(chunk);
    });
    from.on('end', () => { if (alive) to.end(); });
    from.on('error', () => { if (alive) to.destroy(); });
    from.on('close', () => { if (alive) to.destroy(); clearInterval(timer); });
  };
  const timer = setInterval(() => {
    if (alive && Date.now() - last > idleMs) {
      alive = false;
      forgotten++;
    }
  }, 100);
  relay(client, upstream);
  relay(upstream, client);
});
server.listen(listenPort, '127.0.0.1', () => console.log(`middlebox ${listenPort} -> ${upstreamPort}, forgets flows idle ${idleMs} ms`));

const stop = () => {
  console.log(`flows forgotten: ${forgotten}`);
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
