#!/usr/bin/env bash
# Hedged requests against a tail of late answers (issue 16): three equally fast Node.js backends (benchmarks/lib/
# backends.js), each answering TAIL_PERCENT % of its calls LATE_MS late (drawn per call), called through the
# benchmark application's `@LoadBalanced WebClient.Builder` (`GET /edge/{service}` of the hyperlane target, built
# from this checkout) by an open-loop load generator at a fixed rate (benchmarks/hedging/load.js).
#
#   benchmarks/hedging/run.sh               builds the hyperlane target, runs every variant, writes
#                                           benchmarks/results/hedging-<date>-<time>Z.md
#   benchmarks/hedging/run.sh --no-build    uses the jar already built
#   benchmarks/hedging/run.sh --check       prints the plan and starts nothing
#
# Variants (VARIANTS, in this order; each on a JVM of its own, started, warmed up, measured and stopped in turn;
# with REPS > 1 the whole sequence runs REPS times, so the repetitions of a variant are interleaved with the others):
#   hedging        the starter's balancer with hyperlane.loadbalancer.hedging.enabled=true (delay: recent p95)
#   hedging-10ms   the same with a fixed delay (hyperlane.loadbalancer.hedging.delay=10ms)
#   hedging-off    the starter's balancer, hedging off (its default)
#   round-robin    hyperlane.loadbalancer.enabled=false: Spring Cloud LoadBalancer's own round robin
#   haproxy        as round-robin, calling one instance that is HAProxy (balance roundrobin) before the backends
# Knobs (environment): REPS (repetitions of every variant, 1; with more, the results give each figure's median and
# range over the repetitions), RATE (requests/s, 400), WARMUP (s, 30), DURATION (s, 50), WINDOW (s, 10: the measured
# run is also cut into windows, whose p99s give a median and a range), TAIL_PERCENT (3), LATE_MS (200), JAVA_OPTS,
# RESULTS_DIR (benchmarks/results).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BENCH_DIR="$(dirname "$SCRIPT_DIR")"
REPO_DIR="$(dirname "$BENCH_DIR")"
REPS="${REPS:-1}"; RATE="${RATE:-400}"; WARMUP="${WARMUP:-30}"; DURATION="${DURATION:-50}"; WINDOW="${WINDOW:-10}"
TAIL_PERCENT="${TAIL_PERCENT:-3}"; LATE_MS="${LATE_MS:-200}"
JAVA_OPTS="${JAVA_OPTS:--Xms512m -Xmx512m}"
VARIANTS="${VARIANTS:-hedging hedging-10ms hedging-off round-robin haproxy}"
HOST=127.0.0.1
BUILD=1; CHECK=0
COMMAND_LINE="$(printf '%s ' REPS="$REPS" RATE="$RATE" WARMUP="$WARMUP" DURATION="$DURATION" benchmarks/hedging/run.sh "$@")"
for arg in "$@"; do
  case "$arg" in
    --no-build) BUILD=0 ;;
    --check) CHECK=1 ;;
    --help|-h) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument $arg (see --help)" >&2; exit 2 ;;
  esac
done

variant_args() {
  case "$1" in
    hedging) echo "--hyperlane.loadbalancer.hedging.enabled=true" ;;
    hedging-10ms) echo "--hyperlane.loadbalancer.hedging.enabled=true --hyperlane.loadbalancer.hedging.delay=10ms" ;;
    hedging-off) echo "" ;;
    round-robin|haproxy) echo "--hyperlane.loadbalancer.enabled=false" ;;
    *) echo "unknown variant $1" >&2; exit 2 ;;
  esac
}
for v in $VARIANTS; do variant_args "$v" >/dev/null; done
[[ "$REPS" =~ ^[1-9][0-9]*$ ]] || { echo "REPS must be 1 or more, was $REPS" >&2; exit 2; }
N_VARIANTS=$(wc -w <<<"$VARIANTS")
echo "plan: $REPS x $N_VARIANTS variants ($VARIANTS) x (start + ${WARMUP} s warm-up + ${DURATION} s measured) at $RATE" \
  "requests/s; backends: 3, each $TAIL_PERCENT % of calls $LATE_MS ms late;" \
  "about $(( REPS * N_VARIANTS * (WARMUP + DURATION + 15) )) s" >&2
[ "$CHECK" = 1 ] && exit 0

STAMP="$(date -u +%Y-%m-%d-%H%MZ)"
WORK="$BENCH_DIR/work/hedging-$STAMP"
RESULTS_DIR="${RESULTS_DIR:-$BENCH_DIR/results}"
RESULT_MD="$RESULTS_DIR/hedging-$STAMP.md"
mkdir -p "$WORK/logs" "$RESULTS_DIR"
STARTED_UTC="$(date -u +%Y-%m-%dT%H:%M:%SZ)"

if [ "$BUILD" = 1 ]; then
  echo "building the hyperlane target (mvn -Pbenchmarks ... package, tests skipped)" >&2
  # Spring Boot does not repackage a jar it repackaged before: without this a changed library would be left out.
  rm -f "$BENCH_DIR"/target-hyperlane/target/*.jar "$BENCH_DIR"/target-hyperlane/target/*.jar.original
  (cd "$REPO_DIR" && mvn -B -q -Pbenchmarks -pl benchmarks/target-hyperlane -am package -DskipTests) \
    >"$WORK/logs/build.log" 2>&1 || { echo "build failed, see $WORK/logs/build.log" >&2; exit 1; }
fi
JAR_BUILT="$(ls "$BENCH_DIR"/target-hyperlane/target/hyperlane-benchmark-hyperlane-*.jar 2>/dev/null | head -n1 || true)"
[ -n "$JAR_BUILT" ] || { echo "no hyperlane benchmark jar; run without --no-build" >&2; exit 1; }
JAR="$WORK/$(basename "$JAR_BUILT")"; cp "$JAR_BUILT" "$JAR"   # a private copy: a rebuild during the run changes nothing

# ---------------------------------------------------------------- processes: every one is stopped on exit
PIDS=()
stop_pid() { # $1 pid: TERM, up to 10 s, then KILL
  kill -TERM "$1" 2>/dev/null || return 0
  for _ in $(seq 1 50); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.2; done
  kill -KILL "$1" 2>/dev/null || true
}
cleanup() { for pid in "${PIDS[@]}"; do stop_pid "$pid"; done; }
trap cleanup EXIT
trap 'exit 130' INT TERM
free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
wait_http() { # $1 url, $2 seconds, $3 pid that must stay alive
  for _ in $(seq 1 $(( $2 * 4 ))); do
    curl -sf --max-time 2 -o /dev/null "$1" && return 0
    kill -0 "$3" 2>/dev/null || { echo "process $3 died while starting, see $WORK/logs" >&2; exit 1; }
    sleep 0.25
  done
  echo "$1 did not answer within $2 s" >&2; exit 1
}

B1=$(free_port); B2=$(free_port); B3=$(free_port); PH=$(free_port)
node "$BENCH_DIR/lib/backends.js" "$LATE_MS" "$B1:tail=$TAIL_PERCENT" "$B2:tail=$TAIL_PERCENT" "$B3:tail=$TAIL_PERCENT" \
  >"$WORK/logs/backends.log" 2>&1 &
PID_BACKENDS=$!; PIDS+=($PID_BACKENDS)
"$BENCH_DIR/lib/haproxy-http.sh" "$HOST:$PH" roundrobin "$HOST:$B1" "$HOST:$B2" "$HOST:$B3" >"$WORK/haproxy.cfg"
haproxy -db -f "$WORK/haproxy.cfg" >"$WORK/logs/haproxy.log" 2>&1 &
PID_HAPROXY=$!; PIDS+=($PID_HAPROXY)
for p in $B1 $B2 $B3; do wait_http "http://$HOST:$p/count" 20 "$PID_BACKENDS"; done
wait_http "http://$HOST:$PH/count" 20 "$PID_HAPROXY"

CLK_TCK="$(getconf CLK_TCK)"
busy_ticks() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9; exit}' /proc/stat; }
pid_ticks() { awk '{sub(/^.*\) /, ""); print $12 + $13}' "/proc/$1/stat" 2>/dev/null || echo 0; }
backend_calls() { local sum=0 p; for p in $B1 $B2 $B3; do sum=$((sum + $(curl -sf --max-time 5 "http://$HOST:$p/count"))); done; echo "$sum"; }
hedge_counts() { # $1 port: "sent won refused" of the service "backends" (0 0 0 without the section)
  curl -sf --max-time 5 "http://$HOST:$1/actuator/hyperlane/hedging" 2>/dev/null | node -e '
    let t = ""; process.stdin.on("data", (d) => (t += d)).on("end", () => {
      let s = {}; try { s = JSON.parse(t).services.backends || {}; } catch (e) {}
      console.log([s.hedgesSent || 0, s.hedgesWon || 0, s.budgetRefusals || 0, JSON.stringify(s.delay || "")].join(" "));
    });' || true
}
json_get() { node -e 'const o = JSON.parse(process.argv[1]); console.log(process.argv[2].split(".").reduce((a, k) => a[k], o))' "$1" "$2"; }

ROWS="$WORK/rows.tsv"; : >"$ROWS"
T_START=$(date +%s)
for rep in $(seq 1 "$REPS"); do
for v in $VARIANTS; do
  port=$(free_port)
  service=backends; [ "$v" = haproxy ] && service=haproxy
  url="http://$HOST:$port/edge/$service"
  # shellcheck disable=SC2046
  java $JAVA_OPTS -jar "$JAR" --server.port="$port" --server.address=$HOST \
    "--spring.cloud.discovery.client.simple.instances.backends[0].uri=http://$HOST:$B1" \
    "--spring.cloud.discovery.client.simple.instances.backends[1].uri=http://$HOST:$B2" \
    "--spring.cloud.discovery.client.simple.instances.backends[2].uri=http://$HOST:$B3" \
    "--spring.cloud.discovery.client.simple.instances.haproxy[0].uri=http://$HOST:$PH" \
    --logging.level.root=WARN --management.endpoints.web.exposure.include=health,hyperlane \
    $(variant_args "$v") >"$WORK/logs/$v-$rep.log" 2>&1 &
  pid=$!; PIDS+=($pid)
  wait_http "http://$HOST:$port/plaintext" 90 "$pid"
  echo "[+$(( $(date +%s) - T_START ))s] rep $rep/$REPS $v: warm-up ${WARMUP} s" >&2
  node "$SCRIPT_DIR/load.js" "$url" "$RATE" "$WARMUP" >"$WORK/logs/$v-$rep-warmup.json"
  read -r h_sent0 h_won0 h_ref0 _ <<<"$(hedge_counts "$port")"
  calls0=$(backend_calls); jvm0=$(pid_ticks "$pid"); busy0=$(busy_ticks); t0=$(date +%s%N)
  echo "[+$(( $(date +%s) - T_START ))s] rep $rep/$REPS $v: measured ${DURATION} s" >&2
  node "$SCRIPT_DIR/load.js" "$url" "$RATE" "$DURATION" "$WINDOW" >"$WORK/logs/$v-$rep.json"
  t1=$(date +%s%N); busy1=$(busy_ticks); jvm1=$(pid_ticks "$pid"); calls1=$(backend_calls)
  read -r h_sent1 h_won1 h_ref1 h_delay <<<"$(hedge_counts "$port")"
  stop_pid "$pid"
  r="$(cat "$WORK/logs/$v-$rep.json")"
  ok=$(json_get "$r" ok); errors=$(json_get "$r" errors)
  win_p99=$(node -e 'const w = JSON.parse(process.argv[1]).windows.map((x) => x.p99).sort((a, b) => a - b);
    console.log(w[Math.floor(w.length / 2)] + " (" + w[0] + "-" + w[w.length - 1] + ")")' "$r")
  awk -v v="$v" -v ok="$ok" -v err="$errors" -v calls=$((calls1 - calls0)) \
    -v p50="$(json_get "$r" all.p50)" -v p99="$(json_get "$r" all.p99)" -v p999="$(json_get "$r" all.p999)" \
    -v max="$(json_get "$r" all.max)" -v wp99="$win_p99" -v hs=$((h_sent1 - h_sent0)) -v hw=$((h_won1 - h_won0)) \
    -v hr=$((h_ref1 - h_ref0)) -v hd="${h_delay:-}" -v jvm=$((jvm1 - jvm0)) -v busy=$((busy1 - busy0)) \
    -v ns=$((t1 - t0)) -v tck="$CLK_TCK" -v rep="$rep" 'BEGIN {
      s = ns / 1e9
      printf "%s\t%d\t%d\t%s\t%s\t%s\t%s\t%s\t%.1f\t%d\t%d\t%d\t%s\t%.2f\t%.2f\t%d\n", v, ok, err, p50, p99, p999, max, wp99,
        (ok > 0 ? (calls - ok) * 100 / ok : 0), hs, hw, hr, hd, jvm / tck / s, busy / tck / s, rep }' >>"$ROWS"
  tail -n1 "$ROWS" >&2
done
done
FINISHED_UTC="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
cleanup; PIDS=()

# ---------------------------------------------------------------- the results file
GIT_REV="$(cd "$REPO_DIR" && git rev-parse --short HEAD)$(cd "$REPO_DIR" && git diff --quiet HEAD -- . ':!benchmarks/results' ':!README.md' || echo ' (with uncommitted changes)')"
lib_version() { unzip -l "$JAR" 2>/dev/null | grep -o "BOOT-INF/lib/$1-[0-9][^/]*\.jar" | head -n1 | sed "s#BOOT-INF/lib/$1-##; s#\.jar##"; }
{
  echo "# Hedging benchmark $STAMP"
  echo ""
  echo "- Command: \`$COMMAND_LINE\` (from the repository root, on a quiet machine), source revision $GIT_REV"
  echo "- Started $STARTED_UTC, finished $FINISHED_UTC"
  echo "- Machine: $(nproc) CPUs ($(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo)), $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo) RAM, kernel $(uname -r); everything on 127.0.0.1"
  echo "- JDK: $(java -version 2>&1 | head -n1); caller JVM flags \`$JAVA_OPTS\`; Spring Boot $(lib_version spring-boot), Spring Cloud LoadBalancer $(lib_version spring-cloud-loadbalancer), Reactor Netty $(lib_version reactor-netty-http); Node.js $(node --version); HAProxy $(haproxy -v 2>/dev/null | head -n1 | awk '{print $3}')"
  echo "- Backends: three HTTP servers in one Node.js process (\`benchmarks/lib/backends.js\`), equally fast (answer at once), each answering $TAIL_PERCENT % of its calls (drawn at random per call) $LATE_MS ms late"
  echo "- Caller: the hyperlane benchmark target (\`benchmarks/target-hyperlane\`, the starter's defaults), \`GET /edge/{service}\`: one call through the \`@LoadBalanced WebClient.Builder\`; one JVM per variant and repetition, started, warmed up and stopped in turn; $REPS repetition(s) of the whole sequence, interleaved"
  echo "- Load: \`benchmarks/hedging/load.js\`, open loop at $RATE requests/s over HTTP/1.1 keep-alive, latency counted from the time each request was due (no coordinated omission); ${WARMUP} s warm-up at the same rate, then ${DURATION} s measured; p99 of windows: the median and range of the p99s of the measured run's ${WINDOW} s windows"
  echo "- Extra calls: calls counted by the backends during the measured run over the requests answered, minus one (hedges, including those cancelled after the backend received them); hedges sent, won and refused by the budget from \`/actuator/hyperlane/hedging\`"
  echo "- Caller cores: the caller JVM's CPU time over the run's wall time; machine cores: the whole machine's busy time (\`/proc/stat\`), load generator and backends included"
  echo ""
  echo "## Every run"
  echo ""
  echo "| rep | variant | answered | errors | p50 ms | p99 ms | p99.9 ms | max ms | p99 of ${WINDOW} s windows, median (range) | extra calls % | hedges sent / won / refused | hedge delay at the end | caller cores | machine cores |"
  echo "|---:|---|---:|---:|---:|---:|---:|---:|---|---:|---|---|---:|---:|"
  awk -F'\t' '{ gsub(/"/, "", $13); printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%s| %s | %s |\n", $16, $1, $2, $3, $4, $5, $6, $7, $8, $9,
    ($1 ~ /^hedging/ && $1 != "hedging-off") ? $10 " / " $11 " / " $12 : "-", ($13 == "") ? " - " : " " $13 " ", $14, $15 }' "$ROWS"
  echo ""
  node "$SCRIPT_DIR/summary.js" "$ROWS" "$VARIANTS"
  echo "Logs and the load generator's raw output were kept under \`benchmarks/work/hedging-$STAMP/\` (not committed)."
} >"$RESULT_MD"
echo "results written to $RESULT_MD" >&2
