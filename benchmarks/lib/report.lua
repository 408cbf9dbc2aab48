-- wrk script of benchmarks/run.sh.
-- At the end of a run it prints one machine-readable line:
--   RESULT requests=N duration_us=N bytes=N p50_us=N p90_us=N p99_us=N p999_us=N max_us=N
--          connect_errors=N read_errors=N write_errors=N status_errors=N timeouts=N
-- Latencies are wrk's own per-request figures (from the request being written to the response being read,
-- so waiting behind a slow response on the same connection is not counted: no correction for coordinated
-- omission). If WRK_PATHS is set (space-separated paths), requests rotate over those paths (warm-up).
local paths = {}
local env = os.getenv("WRK_PATHS")
if env ~= nil then
  for p in string.gmatch(env, "%S+") do
    paths[#paths + 1] = p
  end
end

if #paths > 0 then
  local i = 0
  request = function()
    i = i + 1
    return wrk.format("GET", paths[(i % #paths) + 1])
  end
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d bytes=%d p50_us=%d p90_us=%d p99_us=%d p999_us=%d max_us=%d "
      .. "connect_errors=%d read_errors=%d write_errors=%d status_errors=%d timeouts=%d\n",
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout))
end
