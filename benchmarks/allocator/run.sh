#!/usr/bin/env bash
# Allocator benchmark for hyperlane.transport.allocator (pooled | adaptive | unpooled).
#
# For every (repetition, scenario, allocator) cell it starts a fresh server from the
# sample-ecommerce jar, warms it up with wrk, measures with wrk --latency, then records
# requests/s, p50, p99, the server's RSS and the JVM/allocator direct memory figures.
# Allocators are interleaved inside each repetition, and the order rotates from one
# repetition to the next so that slow drift of the machine does not favour one of them.
#
# Usage:  benchmarks/allocator/run.sh
# Knobs (environment variables, defaults in brackets):
#   ALLOCATORS ["pooled adaptive unpooled"]   REPS [3]   WARMUP [20] (s)   DURATION [10] (s)
#   SCENARIOS ["small large"]   PORT [18080]   JAR [benchmarks/work/sample-ecommerce.jar]
#   JAVA_OPTS ["-Xms512m -Xmx512m"]   OUT_DIR [benchmarks/work/allocator]
#   APP_ARGS ["--spring.r2dbc.pool.max-size=64"] (extra application arguments, same for every
#   allocator; the sample leaks an R2DBC connection when a client drops a streaming GET /products,
#   which wrk does to its in-flight requests when it stops, and the default pool of 10 runs dry)
#   QUIET_MAX [0.25] (CPU cores other processes may use before a server is started)
#   QUIET_WAIT [30] (s to wait for that, per check)   CONTAM_MAX [0.15] (cores used by other
#   processes during a measured run above which the run is discarded and measured again)
#   MAX_ATTEMPTS [3] (measured runs per cell at most)
#   BUDGET [1140] (s; waits and repeated runs are only spent while the whole run still fits)
#   BOOST_NICE [-10] (scheduler nice given to this script's own autogroup -- the server and
#   wrk -- during warm-up and measured runs only, so that unrelated jobs on a shared machine take less
#   of the CPU; 0 disables it; needs root and kernel autogroups, otherwise it is skipped)
# Only 127.0.0.1 is targeted; every wrk run is bounded by -d; every server started is
# stopped on exit (trap on EXIT, INT, TERM).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BENCH_DIR="$(cd "$SCRIPT_DIR/.." && pwd)"
REPO_DIR="$(cd "$BENCH_DIR/.." && pwd)"

ALLOCATORS="${ALLOCATORS:-pooled adaptive unpooled}"
REPS="${REPS:-3}"
WARMUP="${WARMUP:-20}"
DURATION="${DURATION:-10}"
SCENARIOS="${SCENARIOS:-small large}"
PORT="${PORT:-18080}"
JAR="${JAR:-$BENCH_DIR/work/sample-ecommerce.jar}"
JAVA_OPTS="${JAVA_OPTS:--Xms512m -Xmx512m}"
APP_ARGS="${APP_ARGS:---spring.r2dbc.pool.max-size=64}"
OUT_DIR="${OUT_DIR:-$BENCH_DIR/work/allocator}"
QUIET_MAX="${QUIET_MAX:-0.25}"
QUIET_WAIT="${QUIET_WAIT:-30}"
CONTAM_MAX="${CONTAM_MAX:-0.15}"
MAX_ATTEMPTS="${MAX_ATTEMPTS:-3}"
BOOST_NICE="${BOOST_NICE:--10}"
BUDGET="${BUDGET:-1140}"
HOST=127.0.0.1

# scenario -> path and connection count
scenario_path() { case "$1" in small) echo "/products/3" ;; large) echo "/products" ;; *) echo "unknown scenario $1" >&2; exit 2 ;; esac; }
scenario_conns() { case "$1" in small) echo 64 ;; large) echo 16 ;; *) exit 2 ;; esac; }
scenario_label() { case "$1" in small) echo "S-small GET /products/3 c64" ;; large) echo "S-large GET /products c16" ;; esac; }

# ---------------------------------------------------------------- prerequisites
if ! command -v wrk >/dev/null 2>&1; then
  echo "wrk not found; installing it with apt-get" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq wrk >/dev/null
fi
for tool in java curl awk ps; do
  command -v "$tool" >/dev/null 2>&1 || { echo "missing required tool: $tool" >&2; exit 1; }
done

mkdir -p "$OUT_DIR"
if [ ! -f "$JAR" ]; then
  # Work on a private copy: the module's own jar may be rebuilt while the benchmark runs.
  src="$(ls "$REPO_DIR"/sample-ecommerce/target/sample-ecommerce-*.jar 2>/dev/null | grep -v -- '-plain\.jar$' | head -n1 || true)"
  if [ -z "$src" ]; then
    echo "no jar at $JAR and none in sample-ecommerce/target; build it first:" >&2
    echo "  mvn -q -pl sample-ecommerce -am package -DskipTests" >&2
    exit 1
  fi
  mkdir -p "$(dirname "$JAR")"
  cp "$src" "$JAR"
  echo "copied $src -> $JAR" >&2
fi

if curl -s -o /dev/null --max-time 1 "http://$HOST:$PORT/" 2>/dev/null; then
  echo "port $PORT is already in use; set PORT=..." >&2
  exit 1
fi

STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
CSV="$OUT_DIR/results-$STAMP.csv"
TABLE="$OUT_DIR/table-$STAMP.md"
LOG_DIR="$OUT_DIR/logs-$STAMP"
mkdir -p "$LOG_DIR"
TIMES_FILE="$LOG_DIR/.times"

# ---------------------------------------------------------------- measured-window priority
# Only this script's own autogroup (itself, the server and wrk) is changed, and only from the
# start of a warm-up to the end of its measured run; it is put back afterwards and on exit.
AUTOGROUP_FILE=/proc/self/autogroup
BASE_NICE=""
if [ "$BOOST_NICE" != "0" ] && [ "$(id -u)" -eq 0 ] && [ -w "$AUTOGROUP_FILE" ] \
   && [ "$(cat /proc/sys/kernel/sched_autogroup_enabled 2>/dev/null || echo 0)" = "1" ]; then
  BASE_NICE="$(awk '{print $NF}' "$AUTOGROUP_FILE")"
else
  BOOST_NICE=0
fi
boost_on()  { [ -n "$BASE_NICE" ] && echo "$BOOST_NICE" >"/proc/$$/autogroup" 2>/dev/null || true; }
boost_off() { [ -n "$BASE_NICE" ] && echo "$BASE_NICE" >"/proc/$$/autogroup" 2>/dev/null || true; }

# ---------------------------------------------------------------- server lifecycle
SERVER_PID=""
stop_server() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.25; done
    kill -0 "$SERVER_PID" 2>/dev/null && kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=""
}
trap 'boost_off; stop_server' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

start_server() { # $1 allocator, $2 log file
  # shellcheck disable=SC2086
  java $JAVA_OPTS -jar "$JAR" --server.port="$PORT" --hyperlane.transport.allocator="$1" $APP_ARGS >"$2" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 120); do   # up to 60 s
    if curl -sf --max-time 2 "http://$HOST:$PORT/actuator/health" >/dev/null 2>&1; then return 0; fi
    kill -0 "$SERVER_PID" 2>/dev/null || { echo "server died during startup, see $2" >&2; return 1; }
    sleep 0.5
  done
  echo "server did not become healthy within 60 s, see $2" >&2
  return 1
}

# wrk latency value ("812.00us", "1.23ms", "1.01s") -> milliseconds
to_ms() {
  awk -v v="$1" 'BEGIN{
    n=v; sub(/[a-z]+$/,"",n); u=v; sub(/^[0-9.]+/,"",u);
    if(u=="us") n/=1000; else if(u=="s") n*=1000; else if(u=="m") n*=60000;
    printf "%.3f", n }'
}

# ---------------------------------------------------------------- CPU accounting
# On a shared 2-core machine any other busy process distorts the figures. The CPU time
# used by "others" is the machine's busy time (/proc/stat) minus the server's and wrk's
# (kernel interrupt work for the loopback traffic is counted as "others": a few hundredths).
CLK_TCK="$(getconf CLK_TCK)"
busy_ticks() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9; exit}' /proc/stat; }
pid_ticks() { # utime+stime of a live process, 0 if gone
  awk '{sub(/^.*\) /, ""); print $12 + $13}' "/proc/$1/stat" 2>/dev/null || echo 0
}
CHILD_TICKS=0
read_children_ticks() { # CPU time of the script's finished children (wrk) into CHILD_TICKS.
  # `times` must run in this shell, not in a $(...) subshell, whose child counters start at 0.
  times >"$TIMES_FILE"
  CHILD_TICKS="$(awk -v hz="$CLK_TCK" 'NR==2{t=0; for(i=1;i<=2;i++){split($i,a,"m"); sub(/s$/,"",a[2]); t+=a[1]*60+a[2]} printf "%d", t*hz}' "$TIMES_FILE")"
}
other_cores() { # $1 busy ticks delta, $2 our ticks delta, $3 seconds -> cores used by others
  awk -v b="$1" -v o="$2" -v s="$3" -v hz="$CLK_TCK" 'BEGIN{v=(b-o)/hz/s; if(v<0)v=0; printf "%.2f", v}'
}
wait_for_quiet() { # waits until other processes use at most QUIET_MAX cores over 2 s
  local waited=0 b0 s0 b1 s1 v
  while :; do
    b0=$(busy_ticks); s0=$( [ -n "$SERVER_PID" ] && pid_ticks "$SERVER_PID" || echo 0 )
    sleep 2
    b1=$(busy_ticks); s1=$( [ -n "$SERVER_PID" ] && pid_ticks "$SERVER_PID" || echo 0 )
    v=$(other_cores $((b1 - b0)) $((s1 - s0)) 2)
    if awk -v v="$v" -v m="$QUIET_MAX" 'BEGIN{exit !(v <= m)}'; then
      [ "$waited" -gt 0 ] && echo "    machine quiet again after ${waited}s" >&2
      return 0
    fi
    if [ "$waited" -ge "$QUIET_WAIT" ] || ! slack_ok; then
      echo "    other processes still use $v cores after ${waited}s; measuring anyway" >&2
      return 0
    fi
    [ $((waited % 30)) -eq 0 ] && echo "    other processes use $v cores; waiting for a quiet machine (${waited}s)" >&2
    sleep 3; waited=$((waited + 5))
  done
}

json_num() { # $1 json text, $2 key -> first numeric value of that key, or NA
  local v
  v="$(printf '%s' "$1" | grep -o "\"$2\":[0-9]*" | head -n1 | cut -d: -f2 || true)"
  echo "${v:-NA}"
}

# ---------------------------------------------------------------- header
{
  echo "date_utc: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "nproc: $(nproc)"
  echo "kernel: $(uname -r)"
  echo "java: $(java -version 2>&1 | head -n1)"
  echo "wrk: $(wrk -v 2>&1 | head -n1 | awk '{print $1, $2}')"
  echo "jar: $JAR ($(sha256sum "$JAR" | cut -c1-12))"
  echo "java opts: $JAVA_OPTS; app args: $APP_ARGS"
  echo "autogroup nice during warm-up and measured runs: $BOOST_NICE (0 = not changed)"
  echo "allocators: $ALLOCATORS; scenarios: $SCENARIOS; reps: $REPS; warmup: ${WARMUP}s; measure: ${DURATION}s; budget: ${BUDGET}s"
} | tee "$OUT_DIR/env-$STAMP.txt" >&2

echo "rep,scenario,allocator,order,rps,p50_ms,p99_ms,errors,rss_kb,jvm_direct_bytes,alloc_direct_bytes,heap_used_bytes,transport,other_cores,attempts,db_pool_acquired,valid" >"$CSV"

read -r -a ALLOC_ARR <<<"$ALLOCATORS"
read -r -a SCEN_ARR <<<"$SCENARIOS"
n_alloc=${#ALLOC_ARR[@]}
total=$(( REPS * ${#SCEN_ARR[@]} * n_alloc ))
cell=0
t0=$(date +%s)
CELL_EST=$(( WARMUP + DURATION + 17 ))   # start-up, warm-up, measured run, shut-down
# true while the cells still to run (this one included) fit in BUDGET at their plain cost
slack_ok() { [ $(( $(date +%s) - t0 + (total - cell + 1) * CELL_EST )) -lt "$BUDGET" ]; }

for rep in $(seq 1 "$REPS"); do
  for scen in "${SCEN_ARR[@]}"; do
    path="$(scenario_path "$scen")"; conns="$(scenario_conns "$scen")"
    url="http://$HOST:$PORT$path"
    for k in $(seq 0 $((n_alloc - 1))); do
      # rotate the order every repetition: rep1 A B C, rep2 B C A, rep3 C A B, ...
      alloc="${ALLOC_ARR[$(( (k + rep - 1) % n_alloc ))]}"
      cell=$((cell + 1))
      tag="r${rep}-${scen}-${alloc}"
      echo "[$cell/$total +$(( $(date +%s) - t0 ))s] rep $rep, $scen, $alloc" >&2
      wait_for_quiet
      start_server "$alloc" "$LOG_DIR/$tag.server.log"
      # the transport in use (io_uring / epoll / nio) is recorded with the figures
      transport_json="$(curl -sf --max-time 5 "http://$HOST:$PORT/actuator/hyperlane/transport" || true)"
      transport="$(printf '%s' "$transport_json" | grep -o '"transport":"[a-z_]*"' | head -n1 | cut -d'"' -f4 || true)"
      boost_on
      wrk -t1 -c"$conns" -d"${WARMUP}s" --timeout 5s "$url" >"$LOG_DIR/$tag.warmup.txt" 2>&1
      attempt=0
      while :; do
        attempt=$((attempt + 1))
        if [ "$attempt" -gt 1 ]; then boost_off; wait_for_quiet; boost_on; fi
        out="$LOG_DIR/$tag.wrk.$attempt.txt"
        read_children_ticks; c0=$CHILD_TICKS
        b0=$(busy_ticks); s0=$(pid_ticks "$SERVER_PID"); w0=$(date +%s.%N)
        wrk -t1 -c"$conns" -d"${DURATION}s" --timeout 5s --latency "$url" >"$out" 2>&1
        b1=$(busy_ticks); s1=$(pid_ticks "$SERVER_PID"); w1=$(date +%s.%N)
        read_children_ticks; c1=$CHILD_TICKS
        secs=$(awk -v a="$w0" -v b="$w1" 'BEGIN{printf "%.2f", b-a}')
        others=$(other_cores $((b1 - b0)) $(( (s1 - s0) + (c1 - c0) )) "$secs")
        if awk -v v="$others" -v m="$CONTAM_MAX" 'BEGIN{exit !(v <= m)}'; then break; fi
        if [ "$attempt" -ge "$MAX_ATTEMPTS" ] || ! slack_ok; then
          echo "    other processes used $others cores during the run; kept after $attempt attempt(s) (flagged)" >&2
          break
        fi
        echo "    other processes used $others cores during the run; discarding it and measuring again" >&2
      done
      rps="$(awk '/^Requests\/sec:/{print $2}' "$out")"
      p50="$(to_ms "$(awk '$1=="50%"{print $2}' "$out")")"
      p99="$(to_ms "$(awk '$1=="99%"{print $2}' "$out")")"
      errs="$(awk '/Non-2xx/{n+=$NF} /Socket errors/{gsub(/,/,""); n+=$4+$6+$8+$10} END{print n+0}' "$out")"
      # figures taken right after the measured run, while the server is still up
      rss="$(ps -o rss= -p "$SERVER_PID" | tr -d ' ')"
      runtime_json="$(curl -sf --max-time 5 "http://$HOST:$PORT/actuator/hyperlane/runtime" || true)"
      transport_json="$(curl -sf --max-time 5 "http://$HOST:$PORT/actuator/hyperlane/transport" || true)"
      jvm_direct="$(json_num "$runtime_json" directMemoryUsedBytes)"
      heap_used="$(json_num "$runtime_json" heapUsedBytes)"
      alloc_direct="$(json_num "$transport_json" usedDirectMemoryBytes)"
      boost_off
      # connections still held by the pool after the run (leaked ones stay "acquired")
      pool_json="$(curl -sf --max-time 5 "http://$HOST:$PORT/actuator/metrics/r2dbc.pool.acquired" || true)"
      pool_acq="$(printf '%s' "$pool_json" | grep -o '"value":[0-9.]*' | head -n1 | cut -d: -f2 || true)"
      # a run that completed no request (a stalled server) is kept in the CSV but left out of the table
      valid=1
      awk -v r="${rps:-0}" 'BEGIN{exit !(r + 0 < 1)}' && valid=0
      [ "$valid" = 0 ] && echo "    no request completed: run marked invalid" >&2
      order="$((k + 1))"
      echo "$rep,$scen,$alloc,$order,$rps,$p50,$p99,$errs,$rss,$jvm_direct,$alloc_direct,$heap_used,${transport:-NA},$others,$attempt,${pool_acq:-NA},$valid" >>"$CSV"
      echo "    rps=$rps p50=${p50}ms p99=${p99}ms errors=$errs rss=${rss}KB jvmDirect=$jvm_direct allocDirect=$alloc_direct otherCores=$others" >&2
      stop_server
    done
  done
done

echo "finished $total cells in $(( $(date +%s) - t0 ))s; raw results: $CSV" >&2

# ---------------------------------------------------------------- summary table
summarize() {
  awk -F, -v allocs="$ALLOCATORS" -v scens="$SCENARIOS" -v cmax="$CONTAM_MAX" '
  function median(s,   a, n, i, j, t) {
    n = split(s, a, " ")
    for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] + 0 > t + 0; j--) a[j+1] = a[j]; a[j+1] = t }
    if (n == 0) return "NA"
    return (n % 2) ? a[(n+1)/2] : (a[n/2] + a[n/2+1]) / 2
  }
  function mn(s,   a, n, i, m) { n = split(s, a, " "); m = a[1]; for (i = 2; i <= n; i++) if (a[i]+0 < m+0) m = a[i]; return m }
  function mx(s,   a, n, i, m) { n = split(s, a, " "); m = a[1]; for (i = 2; i <= n; i++) if (a[i]+0 > m+0) m = a[i]; return m }
  function fmt(v, d) { return (v == "NA" || v == "") ? "NA" : sprintf("%." d "f", v) }
  function cellstr(s, d, div) {
    if (s == "") return "NA"
    return fmt(median(s) / div, d) " (" fmt(mn(s) / div, d) "-" fmt(mx(s) / div, d) ")"
  }
  NR > 1 && $17 == "0" { invalid[$2 SUBSEP $3]++; next }
  NR > 1 {
    key = $2 SUBSEP $3
    rps[key] = rps[key] " " $5; p50[key] = p50[key] " " $6; p99[key] = p99[key] " " $7
    rss[key] = rss[key] " " $9; err[key] += $8
    if ($10 != "NA") jd[key] = jd[key] " " $10
    if ($11 != "NA") ad[key] = ad[key] " " $11
    nrun[key]++
    if (!(key in omax) || $14 + 0 > omax[key]) omax[key] = $14 + 0
    if ($14 + 0 > cmax) flagged[key]++
  }
  END {
    na = split(allocs, A, " "); ns = split(scens, S, " ")
    label["small"] = "S-small `GET /products/3` c64"; label["large"] = "S-large `GET /products` c16"
    print "Median (min-max) over the repetitions; RSS and direct memory are read right after each measured run."
    print ""
    print "| scenario | allocator | runs | requests/s | p50 ms | p99 ms | RSS MiB | JVM direct MiB | allocator direct MiB | errors | max other CPU (cores) |"
    print "|---|---|---|---|---|---|---|---|---|---|---|"
    for (s = 1; s <= ns; s++) for (a = 1; a <= na; a++) {
      key = S[s] SUBSEP A[a]
      if (!(key in nrun) && !(key in invalid)) continue
      printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %d | %.2f%s |\n", label[S[s]], A[a], nrun[key] (invalid[key] ? " (+" invalid[key] " stalled)" : ""),
        cellstr(rps[key], 0, 1), cellstr(p50[key], 2, 1), cellstr(p99[key], 2, 1),
        cellstr(rss[key], 0, 1024), cellstr(jd[key], 1, 1048576), cellstr(ad[key], 1, 1048576), err[key],
        omax[key], (flagged[key] ? " (" flagged[key] " run(s) above " cmax ")" : "")
    }
    print ""
    print "Ratios of medians against pooled (x/pooled; for requests/s higher is better, for the rest lower is better):"
    print ""
    print "| scenario | ratio | requests/s | p50 | p99 | RSS | JVM direct |"
    print "|---|---|---|---|---|---|---|"
    for (s = 1; s <= ns; s++) {
      base = S[s] SUBSEP "pooled"
      if (!(base in nrun)) continue
      for (a = 1; a <= na; a++) {
        if (A[a] == "pooled") continue
        key = S[s] SUBSEP A[a]
        if (!(key in nrun)) continue
        printf "| %s | %s/pooled | %.3f | %.3f | %.3f | %.3f | %s |\n", label[S[s]], A[a],
          median(rps[key]) / median(rps[base]), median(p50[key]) / median(p50[base]),
          median(p99[key]) / median(p99[base]), median(rss[key]) / median(rss[base]),
          (jd[key] != "" && jd[base] != "" && median(jd[base]) > 0) ? sprintf("%.3f", median(jd[key]) / median(jd[base])) : "NA"
      }
    }
  }' "$CSV"
}

summarize | tee "$TABLE"
echo "" >&2
echo "table written to $TABLE" >&2
