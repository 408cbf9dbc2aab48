// Open-loop load at a fixed rate for the hedging benchmark: requests are sent on a schedule (one every 1/rate
// seconds, whatever the answers do), and each latency is counted from the time the request was due, so a late
// answer never hides the requests that would have waited behind it (no coordinated omission).
// Usage: node load.js <url> <requestsPerSecond> <seconds> [<windowSeconds>]
// Prints one JSON line: requests due, answered 200, errors (other status, socket error, or no answer within
// 5 s), the percentiles of the whole run in milliseconds, and the same percentiles for each window of
// <windowSeconds> (default: the whole run). Every request ends within 5 s after the last one is due.
const http = require('http');

const [url, rateText, secondsText, windowText] = process.argv.slice(2);
const rate = Number(rateText);
const seconds = Number(secondsText);
const windowSeconds = Number(windowText || secondsText);
if (!url || !(rate > 0) || !(seconds > 0) || !(windowSeconds > 0)) {
  console.error('usage: node load.js <url> <requestsPerSecond> <seconds> [<windowSeconds>]');
  process.exit(2);
}
const TIMEOUT_MS = 5000;
const total = Math.round(rate * seconds);
const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });
const windows = Math.ceil(seconds / windowSeconds);
const latencies = Array.from({ length: windows }, () => []);
let sent = 0;
let ok = 0;
let errors = 0;
let open = 0;
const start = process.hrtime.bigint();
const elapsedMs = () => Number(process.hrtime.bigint() - start) / 1e6;

function send(index) {
  const dueMs = (index * 1000) / rate;
  const window = Math.min(windows - 1, Math.floor(dueMs / 1000 / windowSeconds));
  open++;
  let done = false;
  const finish = (good) => {
    if (done) return;
    done = true;
    open--;
    if (good) {
      ok++;
      latencies[window].push(elapsedMs() - dueMs);
    } else {
      errors++;
    }
  };
  const request = http.get(url, { agent }, (response) => {
    response.resume();
    response.on('end', () => finish(response.statusCode === 200));
    response.on('error', () => finish(false));
  });
  request.setTimeout(TIMEOUT_MS, () => request.destroy(new Error('timeout')));
  request.on('error', () => finish(false));
}

function percentiles(values) {
  const sorted = Float64Array.from(values).sort();
  const at = (q) => (sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]);
  const round = (v) => (v === null ? null : Math.round(v * 100) / 100);
  return { n: sorted.length, p50: round(at(0.5)), p99: round(at(0.99)), p999: round(at(0.999)), max: round(at(1)) };
}

function report() {
  const all = [].concat(...latencies);
  console.log(JSON.stringify({ due: total, sent, ok, errors, all: percentiles(all), windows: latencies.map(percentiles) }));
  agent.destroy();
  process.exit(0);
}

const tick = setInterval(() => {
  const due = Math.min(total, Math.floor((elapsedMs() * rate) / 1000) + 1);
  while (sent < due) {
    send(sent);
    sent++;
  }
  if (sent >= total) {
    clearInterval(tick);
    const deadline = Date.now() + TIMEOUT_MS + 500;
    const wait = setInterval(() => {
      if (open === 0 || Date.now() > deadline) {
        clearInterval(wait);
        report();
      }
    }, 20);
  }
}, 1);
