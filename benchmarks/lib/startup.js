// Start-up scenario (S9) of benchmarks/run.sh: starts one server process, times its start-up, reads its memory,
// stops it.
// Usage: node startup.js <url> <timeoutMs> <settleMs> <clkTck> <log> -- <command> [args...]
//   Starts <command> with its stdout and stderr in <log>, asks GET <url> every 10 ms (a fresh connection each
//   time) until one answer has a 2xx status, reads the CPU time the process has used by then (user + system),
//   waits <settleMs> ms without load, reads its resident set (VmRSS of /proc/<pid>/status), and stops it (TERM,
//   KILL after 10 s).
//   Spring Boot's "Started <app> in X seconds (process running for Y)" is read from <log> (INFO logging).
// Prints one line:
//   RESULT first_answer_ms=N started_s=X running_s=Y rss_kib=N cpu_ms=N
// (started_s and running_s are NA when the log has no such line), or "RESULT error=<reason>" when the process
// exits or gives no 2xx answer within <timeoutMs>. Bounded: the process is killed at the latest after
// <timeoutMs> + <settleMs> + 10 s, and when this script gets TERM or INT.
const { spawn } = require('child_process');
const fs = require('fs');
const http = require('http');

const sep = process.argv.indexOf('--');
const [url, timeoutText, settleText, clkText, log] = process.argv.slice(2, sep < 0 ? undefined : sep);
const command = sep < 0 ? [] : process.argv.slice(sep + 1);
const timeoutMs = Number(timeoutText);
const settleMs = Number(settleText);
const clkTck = Number(clkText);
if (!url || !(timeoutMs > 0) || !(settleMs >= 0) || !(clkTck > 0) || !log || command.length === 0) {
  console.error('usage: node startup.js <url> <timeoutMs> <settleMs> <clkTck> <log> -- <command> [args...]');
  process.exit(2);
}

const out = fs.openSync(log, 'w');
const t0 = process.hrtime.bigint();
const child = spawn(command[0], command.slice(1), { stdio: ['ignore', out, out] });
let exited = false;
child.on('exit', () => { exited = true; });

const elapsedMs = () => Number(process.hrtime.bigint() - t0) / 1e6;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function answered() {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false, timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode >= 200 && res.statusCode < 300);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

function cpuMs() { // utime + stime of the child, from /proc/<pid>/stat
  try {
    const stat = fs.readFileSync(`/proc/${child.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Math.round((Number(fields[11]) + Number(fields[12])) * 1000 / clkTck);
  } catch (e) {
    return -1;
  }
}

function rssKib() {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'));
    return m ? Number(m[1]) : -1;
  } catch (e) {
    return -1;
  }
}

async function stop() {
  if (exited) {
    return;
  }
  child.kill('SIGTERM');
  for (let i = 0; i < 100 && !exited; i++) {
    await sleep(100);
  }
  if (!exited) {
    child.kill('SIGKILL');
  }
}

const abort = () => { if (!exited) { child.kill('SIGKILL'); } process.exit(1); };
process.on('SIGTERM', abort);
process.on('SIGINT', abort);

(async () => {
  let firstAnswerMs = -1;
  while (elapsedMs() < timeoutMs && !exited) {
    if (await answered()) {
      firstAnswerMs = elapsedMs();
      break;
    }
    await sleep(10);
  }
  if (firstAnswerMs < 0) {
    const reason = exited ? 'exited' : 'timeout';
    await stop();
    console.log(`RESULT error=${reason}`);
    process.exit(1);
  }
  const cpu = cpuMs();
  await sleep(settleMs);
  const rss = rssKib();
  await stop();
  const text = fs.readFileSync(log, 'utf8');
  const m = /Started \S+ in ([0-9.]+) seconds \(process running for ([0-9.]+)\)/.exec(text);
  console.log(`RESULT first_answer_ms=${firstAnswerMs.toFixed(0)} started_s=${m ? m[1] : 'NA'} `
    + `running_s=${m ? m[2] : 'NA'} rss_kib=${rss} cpu_ms=${cpu}`);
  process.exit(0);
})();
