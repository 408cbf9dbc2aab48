#!/usr/bin/env bash
# Benchmark suite: the Hyperlane starter against plain Spring Boot ("vanilla"), Spring Boot with its own
# observability ("vanilla-obs"), a bare Reactor Netty server ("raw") and, for balancing, HAProxy.
# See benchmarks/README.md.
#
# Usage: benchmarks/run.sh [--quick] [--check] [--no-build] [--reps N] [scenario...]
#   scenarios: s9 s1 s4 s2 s8 s7 s5 s3 s6 (default: all, run in this order; s8 is measured during s1's runs, so
#   it brings s1; s3 needs root for network namespaces and tc)
#     s9  start-up and RSS: vanilla, vanilla-obs and hyperlane started S9_REPS times each, one at a time,
#         before any other target runs: time to the first HTTP answer, Spring's "Started ... in", RSS, CPU,
#         fat-jar size and number of jars in BOOT-INF/lib
#     s1  plaintext and 1 KB JSON (s8: allocation and GC from the same runs)
#     s4  the @LoadBalanced WebClient fan-out to three backends, one SLOW_MS slower, at each of S4_CONNS
#         connections: the first count measures balancing (latency-bound), the last makes the caller CPU-bound
#         (caller, backends and wrk share the machine's CPUs), so the client path's CPU and allocation show
#     s2  1 MB JSON      s7  observability on (sampling 0.1 and 1.0) vs off, vanilla-obs and vanilla for reference
#     s5  idle-connection faults      s3  1 MB gzip over a shaped link      s6  idle keep-alive connections
#   --quick     warm-up 5 s instead of 20 s, 2 s runs, 2 repetitions (1 for S3 and S6; 2 starts per target in
#               S9), no wait for a quiet machine, 2,000 idle connections in S6; the results say so
#   --check     parse the arguments and the configuration, print the plan, start nothing
#   --no-build  use the jars already built (target/ of the benchmark modules)
#   --reps N    repetitions of every measured cell (S9: S9_REPS)
#   -h, --help  this text
# Knobs (environment variables, defaults in brackets):
#   DIAG [1; quick: 0] (1 adds the target "hyperlane-off" to S1: the hyperlane jar with
#   hyperlane.enabled=false, which tells the starter's own cost from that of the dependencies it brings)
#   WARMUP [20; quick: 5] (s: each target's first warm-up, and S4's and S7's)   SCEN_WARMUP [8; quick: 5] (s:
#   warm-up of an already warm target for S2 and S3, and at S4's later connection counts)
#   DURATION [8; quick: 2] (s per measured run)   REPS [3; quick: 2]   REPS_EXTRA [REPS; quick: 1] (repetitions
#   of S3 and S6)   QUIET_SAMPLE [2; quick: 0] (s of CPU sampling before each run; 0 skips the wait for a quiet
#   machine)   BASE_PORT [18100] (targets on BASE_PORT+1..12, HAProxy +10, backends +21..23, S5 +31..32, S3 +41..42)
#   JAVA_OPTS ["-Xms512m -Xmx512m"] (every JVM target)   S1_CONNS ["64 256"]   S4_CONNS ["32 256"]
#   S2_CONNS [16]   S3_CONNS [16]   S3_RATE [100mbit]   S3_DELAY [1ms] (each way; needs the netem qdisc)
#   S5_GAPS ["5.0 6.0 5.0"; quick: "5.0"] (s of idle before each S5 batch)   S5_BATCH [16]   S5_TIMEOUT [12] (s
#   after which an S5 request counts as hung)   S5_MIDDLEBOX_IDLE_MS [3000]   S6_CONNS [10000; quick: 2000]
#   S6_HOLD [3; quick: 2] (s the connections are held idle before memory is read)
#   S9_REPS [5; quick: 2] (starts of each jar)   S9_SETTLE [2] (s without load between the first answer and
#   reading RSS)   S9_TIMEOUT [120] (s a start may take before it counts as failed)   S9_JAVA_OPTS [JAVA_OPTS]
#   SLOW_MS [50] (extra latency of the slow backend)   QUIET_MAX [0.25] (cores other processes may use
#   before a run starts; waited for up to QUIET_WAIT [20] s)   CONTAM_MAX [0.15] (cores other processes may use
#   during a run before it is measured again; at most MAX_ATTEMPTS [2] runs per cell)
#   BOOST_NICE [-10] (nice of this script's autogroup during warm-ups and runs; 0 disables; needs root)
#   RESULTS_DIR [benchmarks/results]   BUDGET [2700; quick: 900] (s from the start, build included; repeats
#   and waits are only spent while the rest still fits; cells that no longer fit are skipped and listed)
# Everything listens on 127.0.0.1 only; every wrk run is bounded by -d, every S9 start by S9_TIMEOUT; every
# process this script starts is stopped on exit, Ctrl-C or TERM.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$SCRIPT_DIR/.." && pwd)"
COMMAND_LINE="benchmarks/run.sh${*:+ $*}"

QUICK=0; CHECK=0; BUILD=1; REQUESTED=()
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --check) CHECK=1 ;;
    --no-build) BUILD=0 ;;
    --reps) shift; REPS="${1:?--reps needs a number}" ;;
    -h|--help) awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$0"; exit 0 ;;
    s1|s2|s3|s4|s5|s6|s7|s8|s9) REQUESTED+=("$1") ;;
    *) echo "unknown argument: $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done
[ ${#REQUESTED[@]} -eq 0 ] && REQUESTED=(s9 s1 s4 s2 s8 s7 s5 s3 s6)
want() { local s; for s in "${REQUESTED[@]}"; do [ "$s" = "$1" ] && return 0; done; return 1; }
# S9 starts its jars by itself, one at a time; every other scenario needs the long-running targets
NEED_TARGETS=0; for s in "${REQUESTED[@]}"; do [ "$s" != s9 ] && NEED_TARGETS=1; done
# s8 is read from s1's runs
want s8 && ! want s1 && REQUESTED+=(s1)

if [ "$QUICK" = 1 ]; then
  WARMUP="${WARMUP:-5}"; SCEN_WARMUP="${SCEN_WARMUP:-5}"; DURATION="${DURATION:-2}"; REPS="${REPS:-2}"
  REPS_EXTRA="${REPS_EXTRA:-1}"; QUIET_SAMPLE="${QUIET_SAMPLE:-0}"
  DIAG="${DIAG:-0}"; S5_GAPS="${S5_GAPS:-5.0}"; S6_CONNS="${S6_CONNS:-2000}"; S6_HOLD="${S6_HOLD:-2}"
  S9_REPS="${S9_REPS:-2}"; BUDGET="${BUDGET:-900}"
else
  WARMUP="${WARMUP:-20}"; SCEN_WARMUP="${SCEN_WARMUP:-8}"; DURATION="${DURATION:-8}"; REPS="${REPS:-3}"
  REPS_EXTRA="${REPS_EXTRA:-$REPS}"; BUDGET="${BUDGET:-2700}"; QUIET_SAMPLE="${QUIET_SAMPLE:-2}"
  DIAG="${DIAG:-1}"; S5_GAPS="${S5_GAPS:-5.0 6.0 5.0}"; S6_CONNS="${S6_CONNS:-10000}"; S6_HOLD="${S6_HOLD:-3}"
  S9_REPS="${S9_REPS:-5}"
fi
# Targets of S2 and S6; S1 also has, with DIAG=1, "hyperlane-off": the hyperlane jar with hyperlane.enabled=false,
# i.e. the starter's dependencies (actuator, Spring Cloud LoadBalancer with Caffeine, native transports) without
# its tuning
TARGETS=(vanilla hyperlane raw)
S1_TARGETS=(vanilla vanilla-obs hyperlane raw); [ "$DIAG" = 1 ] && S1_TARGETS+=(hyperlane-off)
# S4: "haproxy" is the vanilla application calling one instance that is HAProxy in front of the same backends
S4_TARGETS=(vanilla vanilla-obs hyperlane haproxy)
# S7: the hyperlane jar with observability on at sampling 0.1 (Boot's default) and 1.0, and off; vanilla-obs and
# vanilla for reference, on JVMs of their own (the S7_JVM_OF below) so that all five have had the same load
S7_TARGETS=(obs-0.1 obs-1.0 obs-off vanilla-obs vanilla)
declare -A S7_JVM_OF=([vanilla-obs]=s7-vanilla-obs [vanilla]=s7-vanilla)
S9_TARGETS=(vanilla vanilla-obs hyperlane)
N_TARGETS=${#TARGETS[@]}; N_S1_TARGETS=${#S1_TARGETS[@]}
BASE_PORT="${BASE_PORT:-18100}"
JAVA_OPTS="${JAVA_OPTS:--Xms512m -Xmx512m}"
S1_CONNS="${S1_CONNS:-64 256}"
S4_CONNS="${S4_CONNS:-32 256}"
S2_CONNS="${S2_CONNS:-16}"
SLOW_MS="${SLOW_MS:-50}"
S3_CONNS="${S3_CONNS:-16}"; S3_RATE="${S3_RATE:-100mbit}"; S3_DELAY="${S3_DELAY:-1ms}"
S5_BATCH="${S5_BATCH:-16}"; S5_TIMEOUT="${S5_TIMEOUT:-12}"; S5_MIDDLEBOX_IDLE_MS="${S5_MIDDLEBOX_IDLE_MS:-3000}"
S9_SETTLE="${S9_SETTLE:-2}"; S9_TIMEOUT="${S9_TIMEOUT:-120}"; S9_JAVA_OPTS="${S9_JAVA_OPTS:-$JAVA_OPTS}"
QUIET_MAX="${QUIET_MAX:-0.25}"
QUIET_WAIT="${QUIET_WAIT:-20}"
CONTAM_MAX="${CONTAM_MAX:-0.15}"
MAX_ATTEMPTS="${MAX_ATTEMPTS:-2}"
BOOST_NICE="${BOOST_NICE:--10}"
HOST=127.0.0.1
for n in WARMUP DURATION REPS BUDGET BASE_PORT SLOW_MS MAX_ATTEMPTS S2_CONNS S3_CONNS S5_BATCH S5_TIMEOUT \
    S5_MIDDLEBOX_IDLE_MS S6_CONNS S6_HOLD S9_REPS S9_SETTLE S9_TIMEOUT; do
  [[ "${!n}" =~ ^[0-9]+$ ]] || { echo "$n must be a whole number, got '${!n}'" >&2; exit 2; }
done
for n in S1_CONNS S4_CONNS; do
  [ -n "${!n}" ] || { echo "$n must list at least one number" >&2; exit 2; }
  for c in ${!n}; do [[ "$c" =~ ^[0-9]+$ ]] || { echo "$n must list whole numbers, got '${!n}'" >&2; exit 2; }; done
done

PORT_VANILLA=$((BASE_PORT + 1)); PORT_HYPERLANE=$((BASE_PORT + 2)); PORT_RAW=$((BASE_PORT + 3))
PORT_OBS_1=$((BASE_PORT + 4)); PORT_OBS_OFF=$((BASE_PORT + 5)); PORT_HYPERLANE_OFF=$((BASE_PORT + 6)); PORT_OBS_01=$((BASE_PORT + 7))
PORT_VANILLA_OBS=$((BASE_PORT + 8)); PORT_S9=$((BASE_PORT + 9)); PORT_HAPROXY=$((BASE_PORT + 10))
PORT_S7_VANILLA=$((BASE_PORT + 11)); PORT_S7_VANILLA_OBS=$((BASE_PORT + 12))
BACKEND_PORTS=($((BASE_PORT + 21)) $((BASE_PORT + 22)) $((BASE_PORT + 23)))   # the last one is the slow one
PORT_UPSTREAM=$((BASE_PORT + 31)); PORT_MIDDLEBOX=$((BASE_PORT + 32))          # S5
S3_NS=hlbench-s3; S3_IF_HOST=hlbs3a; S3_IF_NS=hlbs3b; S3_HOST_IP=10.203.0.1; S3_NS_IP=10.203.0.2  # S3
PORT_S3_VANILLA=$((BASE_PORT + 41)); PORT_S3_HYPERLANE=$((BASE_PORT + 42))   # S3 forwarders on S3_HOST_IP

MODULES="benchmarks/target-vanilla,benchmarks/target-vanilla-obs,benchmarks/target-hyperlane,benchmarks/target-raw,benchmarks/report"
JAR_VANILLA="$SCRIPT_DIR/target-vanilla/target/hyperlane-benchmark-vanilla-0.1.0-SNAPSHOT.jar"
JAR_VANILLA_OBS="$SCRIPT_DIR/target-vanilla-obs/target/hyperlane-benchmark-vanilla-obs-0.1.0-SNAPSHOT.jar"
JAR_HYPERLANE="$SCRIPT_DIR/target-hyperlane/target/hyperlane-benchmark-hyperlane-0.1.0-SNAPSHOT.jar"
JAR_RAW="$SCRIPT_DIR/target-raw/target/hyperlane-benchmark-raw-0.1.0-SNAPSHOT.jar"
JAR_REPORT="$SCRIPT_DIR/report/target/hyperlane-benchmark-report-0.1.0-SNAPSHOT.jar"
METADATA="$REPO_DIR/hyperlane-spring-boot-autoconfigure/target/classes/META-INF/spring-configuration-metadata.json"
OBS_PROPERTY="hyperlane.observability.enabled"

# ---------------------------------------------------------------- plan
# S7 needs the observability switch; it is skipped (and the results say so) while the starter lacks it.
s7_available() { [ -f "$METADATA" ] && grep -q "\"$OBS_PROPERTY\"" "$METADATA"; }
count_words() { set -- $1; echo $#; }
N_S1_CONNS=$(count_words "$S1_CONNS"); N_S4_CONNS=$(count_words "$S4_CONNS")
plan_cells() {
  local n=0
  want s1 && n=$((n + N_S1_TARGETS * 2 * N_S1_CONNS * REPS))
  want s4 && n=$((n + ${#S4_TARGETS[@]} * N_S4_CONNS * REPS))
  want s2 && n=$((n + N_TARGETS * REPS))
  want s7 && s7_available && n=$((n + ${#S7_TARGETS[@]} * 2 * REPS))
  want s3 && n=$((n + 2 * REPS_EXTRA))
  want s6 && n=$((n + N_TARGETS * REPS_EXTRA))
  echo "$n"
}
plan_warmup_seconds() {
  local n=0
  want s1 && n=$((n + N_S1_TARGETS * (WARMUP + 1)))
  want s4 && n=$((n + ${#S4_TARGETS[@]} * (WARMUP + 1 + (N_S4_CONNS - 1) * (SCEN_WARMUP + 1))))
  want s2 && n=$((n + N_TARGETS * (SCEN_WARMUP + 1)))
  want s7 && s7_available && n=$((n + ${#S7_TARGETS[@]} * (WARMUP + 1)))
  want s3 && n=$((n + 2 * (SCEN_WARMUP + 1)))
  echo "$n"
}
CELL_EST=$((DURATION + QUIET_SAMPLE + 1))
TOTAL_CELLS=$(plan_cells)
# S9: one start is estimated at 8 s (5 to 10 s to the first answer in quick runs on this machine) plus the settle time
S9_START_EST=$((8 + S9_SETTLE + QUIET_SAMPLE))
S9_TOTAL=0; want s9 && S9_TOTAL=$((${#S9_TARGETS[@]} * S9_REPS))
S5_EST=0
if want s5; then for g in $S5_GAPS; do S5_EST=$(awk -v a="$S5_EST" -v g="$g" -v t="$S5_TIMEOUT" 'BEGIN{printf "%d", a + g + t}'); done; fi
START_EST=0; [ "$NEED_TARGETS" = 1 ] && START_EST=120   # the targets' start, all at once
EST=$(( TOTAL_CELLS * CELL_EST + $(plan_warmup_seconds) + START_EST + S5_EST + S9_TOTAL * S9_START_EST ))
echo "plan: scenarios ${REQUESTED[*]}; warm-up ${WARMUP}s; runs of ${DURATION}s; $REPS repetitions; $TOTAL_CELLS measured runs$(want s9 && echo " and $S9_TOTAL starts (S9)"); about $((EST / 60)) min plus the build; budget ${BUDGET}s" >&2
if [ "$CHECK" = 1 ]; then
  bash -n "$0"
  for f in report.lua backends.js middlebox.js idle-clients.js startup.js; do
    [ -f "$SCRIPT_DIR/lib/$f" ] || { echo "missing lib file: benchmarks/lib/$f" >&2; exit 1; }
  done
  for m in ${MODULES//,/ }; do
    [ -f "$REPO_DIR/$m/pom.xml" ] || { echo "missing module: $m" >&2; exit 1; }
    grep -q "<module>$m</module>" "$REPO_DIR/pom.xml" || { echo "$m is not a module of the benchmarks profile" >&2; exit 1; }
  done
  echo "check passed" >&2
  exit 0
fi

# ---------------------------------------------------------------- prerequisites
missing=()
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
command -v h2load >/dev/null 2>&1 || missing+=(nghttp2-client)
command -v haproxy >/dev/null 2>&1 || missing+=(haproxy)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]} with apt-get" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
for tool in java mvn curl awk ps ss unzip; do
  command -v "$tool" >/dev/null 2>&1 || { echo "missing required tool: $tool" >&2; exit 1; }
done

STAMP="$(date -u +%Y-%m-%d-%H%MZ)"; [ "$QUICK" = 1 ] && STAMP="$STAMP-quick"
WORK="$SCRIPT_DIR/work/run-$STAMP"
RESULTS_DIR="${RESULTS_DIR:-$SCRIPT_DIR/results}"
RESULT_MD="$RESULTS_DIR/$STAMP.md"
PNG_DIR="$RESULTS_DIR/$STAMP"
CSV="$WORK/figures.csv"
mkdir -p "$WORK/jars" "$WORK/logs"
TIMES_FILE="$WORK/.times"
T_START=$(date +%s)
STARTED_UTC="$(date -u +%Y-%m-%dT%H:%M:%SZ)"

if [ "$BUILD" = 1 ]; then
  echo "building the benchmark targets (mvn -Pbenchmarks ... package, tests skipped)" >&2
  # Spring Boot does not repackage a jar it repackaged before: without this a changed library would be left out.
  rm -f "$SCRIPT_DIR"/target-*/target/*.jar "$SCRIPT_DIR"/target-*/target/*.jar.original "$SCRIPT_DIR"/report/target/*.jar*
  (cd "$REPO_DIR" && mvn -B -q -Pbenchmarks -pl "$MODULES" -am package -DskipTests) >"$WORK/logs/build.log" 2>&1 \
    || { echo "build failed, see $WORK/logs/build.log" >&2; exit 1; }
fi
for jar in "$JAR_VANILLA" "$JAR_VANILLA_OBS" "$JAR_HYPERLANE" "$JAR_RAW" "$JAR_REPORT"; do
  [ -f "$jar" ] || { echo "missing $jar; run without --no-build" >&2; exit 1; }
  cp "$jar" "$WORK/jars/"   # private copies: a rebuild during the run changes nothing
done
J_VANILLA="$WORK/jars/$(basename "$JAR_VANILLA")"; J_VANILLA_OBS="$WORK/jars/$(basename "$JAR_VANILLA_OBS")"
J_HYPERLANE="$WORK/jars/$(basename "$JAR_HYPERLANE")"
J_RAW="$WORK/jars/$(basename "$JAR_RAW")"; J_REPORT="$WORK/jars/$(basename "$JAR_REPORT")"

for port in $PORT_VANILLA $PORT_VANILLA_OBS $PORT_HYPERLANE $PORT_HYPERLANE_OFF $PORT_RAW $PORT_OBS_1 $PORT_OBS_01 $PORT_OBS_OFF \
    $PORT_S9 $PORT_S7_VANILLA $PORT_S7_VANILLA_OBS $PORT_HAPROXY "${BACKEND_PORTS[@]}" $PORT_UPSTREAM $PORT_MIDDLEBOX; do
  if ss -Hltn "sport = :$port" | grep -q .; then echo "port $port is in use; set BASE_PORT=..." >&2; exit 1; fi
done

# S6 holds 10,000 connections: every process started from here may open files up to the hard limit
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

# ---------------------------------------------------------------- processes: every one is stopped on exit
PIDS=()
AUTOGROUP_FILE=/proc/self/autogroup
BASE_NICE=""
if [ "$BOOST_NICE" != "0" ] && [ "$(id -u)" -eq 0 ] && [ -w "$AUTOGROUP_FILE" ] \
   && [ "$(cat /proc/sys/kernel/sched_autogroup_enabled 2>/dev/null || echo 0)" = "1" ]; then
  BASE_NICE="$(awk '{print $NF}' "$AUTOGROUP_FILE")"
else
  BOOST_NICE=0
fi
boost_on()  { if [ -n "$BASE_NICE" ]; then echo "$BOOST_NICE" >"/proc/$$/autogroup" 2>/dev/null || true; fi; }
boost_off() { if [ -n "$BASE_NICE" ]; then echo "$BASE_NICE" >"/proc/$$/autogroup" 2>/dev/null || true; fi; }
stop_all() {
  local pid
  boost_off
  pkill -TERM -P $$ 2>/dev/null || true   # this script's own children only (wrk, S5's curl batches)
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for _ in $(seq 1 40); do
    local alive=0
    for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.25
  done
  for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  PIDS=()
  if [ "${S3_CREATED:-0}" = 1 ]; then   # removing the namespace removes the veth pair with it
    ip netns del "$S3_NS" 2>/dev/null || true; ip link del "$S3_IF_HOST" 2>/dev/null || true; S3_CREATED=0
  fi
}
trap 'stop_all' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

declare -A PID_OF PORT_OF JVM_OF   # JVM_OF: the JVM whose figures a target's runs read (default: itself)
start_bg() { # $1 name, $2 log, rest: command
  local name="$1" log="$2"; shift 2
  "$@" >"$log" 2>&1 &
  PID_OF[$name]=$!
  PIDS+=($!)
}
wait_http() { # $1 name, $2 url, $3 seconds
  local i
  for i in $(seq 1 $(( $3 * 2 ))); do
    curl -sf --max-time 2 -o /dev/null "$2" 2>/dev/null && return 0
    kill -0 "${PID_OF[$1]}" 2>/dev/null || { echo "$1 died during start-up, see $WORK/logs/$1.log" >&2; exit 1; }
    sleep 0.5
  done
  echo "$1 did not answer $2 within $3 s, see $WORK/logs/$1.log" >&2
  exit 1
}

JVM_COMMON=($JAVA_OPTS)
# SPRING_BASE: what every Spring target gets; the long-running ones log at WARN, S9's starts at Boot's default INFO
SPRING_BASE=(--server.address=$HOST
  "--spring.cloud.discovery.client.simple.instances.backends[0].uri=http://$HOST:${BACKEND_PORTS[0]}"
  "--spring.cloud.discovery.client.simple.instances.backends[1].uri=http://$HOST:${BACKEND_PORTS[1]}"
  "--spring.cloud.discovery.client.simple.instances.backends[2].uri=http://$HOST:${BACKEND_PORTS[2]}"
  "--spring.cloud.discovery.client.simple.instances.haproxy[0].uri=http://$HOST:$PORT_HAPROXY"
  --bench.upstream.direct=http://$HOST:$PORT_UPSTREAM --bench.upstream.middlebox=http://$HOST:$PORT_MIDDLEBOX)
SPRING_COMMON=("${SPRING_BASE[@]}" --logging.level.root=WARN)
# Per jar, in every scenario: the actuator endpoints each target exposes (words without spaces)
declare -A JAR_OF JAR_ARGS
JAR_OF[vanilla]="$J_VANILLA"; JAR_OF[vanilla-obs]="$J_VANILLA_OBS"; JAR_OF[hyperlane]="$J_HYPERLANE"
JAR_ARGS[vanilla]=""
JAR_ARGS[vanilla-obs]="--management.endpoints.web.exposure.include=health,prometheus"
JAR_ARGS[hyperlane]="--management.endpoints.web.exposure.include=health,hyperlane"
start_spring() { # $1 name, $2 jar, $3 port, rest: extra properties
  local name="$1" jar="$2" port="$3"; shift 3
  PORT_OF[$name]=$port
  start_bg "$name" "$WORK/logs/$name.log" java "${JVM_COMMON[@]}" "-Xlog:gc:file=$WORK/logs/$name.gc.log" \
    -jar "$jar" --server.port="$port" "${SPRING_COMMON[@]}" "$@"
}


# ---------------------------------------------------------------- CPU accounting (as in benchmarks/allocator)
CLK_TCK="$(getconf CLK_TCK)"
busy_ticks() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9; exit}' /proc/stat; }
pids_ticks() { # summed utime+stime of live processes
  local pid sum=0 t
  for pid in "$@"; do
    t=$(awk '{sub(/^.*\) /, ""); print $12 + $13}' "/proc/$pid/stat" 2>/dev/null || echo 0)
    sum=$((sum + t))
  done
  echo "$sum"
}
CHILD_TICKS=0
read_children_ticks() { # CPU time of finished children (wrk); `times` must run in this shell
  times >"$TIMES_FILE"
  CHILD_TICKS="$(awk -v hz="$CLK_TCK" 'NR==2{t=0; for(i=1;i<=2;i++){split($i,a,"m"); sub(/s$/,"",a[2]); t+=a[1]*60+a[2]} printf "%d", t*hz}' "$TIMES_FILE")"
}
other_cores() { awk -v b="$1" -v o="$2" -v s="$3" -v hz="$CLK_TCK" 'BEGIN{v=(b-o)/hz/s; if(v<0)v=0; printf "%.2f", v}'; }
le() { awk -v a="$1" -v b="$2" 'BEGIN{exit !(a <= b)}'; }
cores_of() { awk -v t="$1" -v hz="$CLK_TCK" -v s="$2" 'BEGIN{printf "%.2f", t / hz / s}'; }   # <ticks> <seconds>

CELL=0
slack_ok() { [ $(( $(date +%s) - T_START + (TOTAL_CELLS - CELL + 1) * CELL_EST )) -lt "$BUDGET" ]; }
in_budget() { [ $(( $(date +%s) - T_START + CELL_EST )) -lt "$BUDGET" ]; }
wait_for_quiet() { # $@: our pids; waits until the others use at most QUIET_MAX cores over QUIET_SAMPLE s
  local waited=0 b0 o0 b1 o1 v
  [ "$QUIET_SAMPLE" = 0 ] && return 0
  while :; do
    b0=$(busy_ticks); o0=$(pids_ticks "$@"); sleep "$QUIET_SAMPLE"; b1=$(busy_ticks); o1=$(pids_ticks "$@")
    v=$(other_cores $((b1 - b0)) $((o1 - o0)) "$QUIET_SAMPLE")
    le "$v" "$QUIET_MAX" && return 0
    if [ "$waited" -ge "$QUIET_WAIT" ] || ! slack_ok; then
      echo "    other processes still use $v cores; measuring anyway" >&2; return 0
    fi
    echo "    other processes use $v cores; waiting" >&2
    sleep 3; waited=$((waited + 5))
  done
}
json_num() { local v; v="$(printf '%s' "$1" | grep -o "\"$2\":-\?[0-9]*" | head -n1 | cut -d: -f2 || true)"; echo "${v:-NA}"; }
result_field() { awk -v k="$2" '/^RESULT /{for(i=2;i<=NF;i++){split($i,a,"="); if(a[1]==k) print a[2]}}' "$1"; }

echo "scenario,case,target,rep,metric,value" >"$CSV"
WRK_PREFIX=(); WRK_EXTRA=()   # S3 runs wrk inside its network namespace and asks for gzip
emit() { echo "$1,$2,$3,$4,$5,$6" >>"$CSV"; }
SKIPPED=()
RETRIED=0

# measure <scenario> <case> <target> <rep> <url> <connections> <aux pids...>
measure() {
  local scen="$1" cas="$2" target="$3" rep="$4" url="$5" conns="$6"; shift 6
  local jvm="${JVM_OF[$target]:-$target}"
  local pid="${PID_OF[$jvm]}" ours=("${PID_OF[$jvm]}" "$@")
  local jurl="http://$HOST:${PORT_OF[$jvm]}/bench/jvm"
  CELL=$((CELL + 1))
  if ! in_budget; then SKIPPED+=("$scen $cas $target rep $rep"); echo "[$CELL/$TOTAL_CELLS] $scen $cas $target rep $rep: skipped, budget spent" >&2; return 0; fi
  echo "[$CELL/$TOTAL_CELLS +$(( $(date +%s) - T_START ))s] $scen $cas $target rep $rep" >&2
  local attempt=0 out others secs j0 j1 b0 b1 o0 o1 t0 t1 c0 c1 w0 w1 counts0=() counts1=()
  while :; do
    attempt=$((attempt + 1))
    wait_for_quiet "${ours[@]}"
    boost_on
    j0="$(curl -sf --max-time 5 "$jurl" || true)"
    if [ "$scen" = s4 ]; then counts0=(); for p in "${BACKEND_PORTS[@]}"; do counts0+=("$(curl -sf --max-time 5 "http://$HOST:$p/count" || echo 0)"); done; fi
    out="$WORK/logs/$scen-${cas// /_}-$target-r$rep-a$attempt.txt"
    read_children_ticks; c0=$CHILD_TICKS
    b0=$(busy_ticks); o0=$(pids_ticks "${ours[@]}"); t0=$(pids_ticks "$pid"); w0=$(date +%s.%N)
    "${WRK_PREFIX[@]}" wrk -t1 -c"$conns" -d"${DURATION}s" --timeout 10s "${WRK_EXTRA[@]}" -s "$SCRIPT_DIR/lib/report.lua" "$url" >"$out" 2>&1 || true
    b1=$(busy_ticks); o1=$(pids_ticks "${ours[@]}"); t1=$(pids_ticks "$pid"); w1=$(date +%s.%N)
    read_children_ticks; c1=$CHILD_TICKS
    j1="$(curl -sf --max-time 5 "$jurl" || true)"
    if [ "$scen" = s4 ]; then counts1=(); for p in "${BACKEND_PORTS[@]}"; do counts1+=("$(curl -sf --max-time 5 "http://$HOST:$p/count" || echo 0)"); done; fi
    boost_off
    secs=$(awk -v a="$w0" -v b="$w1" 'BEGIN{printf "%.2f", b-a}')
    others=$(other_cores $((b1 - b0)) $(( (o1 - o0) + (c1 - c0) )) "$secs")
    le "$others" "$CONTAM_MAX" && break
    if [ "$attempt" -ge "$MAX_ATTEMPTS" ] || ! slack_ok; then
      echo "    other processes used $others cores during the run; kept (attempt $attempt)" >&2; break
    fi
    echo "    other processes used $others cores during the run; measuring again" >&2
    RETRIED=$((RETRIED + 1))
  done
  local req dur bytes p50 p99 errs
  req="$(result_field "$out" requests)"; dur="$(result_field "$out" duration_us)"; bytes="$(result_field "$out" bytes)"
  if [ -z "$req" ] || [ "$req" = 0 ]; then
    echo "    no request completed (see $out)" >&2
    emit "$scen" "$cas" "$target" "$rep" errors 1
    return 0
  fi
  p50="$(result_field "$out" p50_us)"; p99="$(result_field "$out" p99_us)"
  errs=$(( $(result_field "$out" connect_errors) + $(result_field "$out" read_errors) + $(result_field "$out" write_errors) \
    + $(result_field "$out" status_errors) + $(result_field "$out" timeouts) ))
  local rps; rps=$(awk -v r="$req" -v d="$dur" 'BEGIN{printf "%.1f", r / (d / 1e6)}')
  emit "$scen" "$cas" "$target" "$rep" rps "$rps"
  emit "$scen" "$cas" "$target" "$rep" p50_ms "$(awk -v v="$p50" 'BEGIN{printf "%.3f", v / 1000}')"
  emit "$scen" "$cas" "$target" "$rep" p99_ms "$(awk -v v="$p99" 'BEGIN{printf "%.3f", v / 1000}')"
  emit "$scen" "$cas" "$target" "$rep" errors "$errs"
  emit "$scen" "$cas" "$target" "$rep" other_cores "$others"
  # CPU time of the measured JVM (the edge JVM in S4) per request: user + system, in microseconds
  emit "$scen" "$cas" "$target" "$rep" cpu_us_req "$(awk -v t=$((t1 - t0)) -v hz="$CLK_TCK" -v r="$req" 'BEGIN{printf "%.1f", t / hz * 1e6 / r}')"
  local rss; rss=$(ps -o rss= -p "$pid" | tr -d ' ' || true); rss=${rss:-0}
  local line="    rps=$rps p50=$((p50 / 1000))ms p99=$((p99 / 1000))ms errors=$errs other=$others cpu=$(( (t1 - t0) * 1000000 / CLK_TCK / req ))us/req"
  case "$scen" in
    s1|s2|s3|s7)
      emit "$scen" "$cas" "$target" "$rep" rss_mib "$(awk -v v="$rss" 'BEGIN{printf "%.1f", v / 1024}')" ;;
  esac
  if [ "$scen" = s3 ]; then
    emit "$scen" "$cas" "$target" "$rep" wire_mb_s "$(awk -v b="$bytes" -v d="$dur" 'BEGIN{printf "%.2f", b / (d / 1e6) / 1e6}')"
  fi
  if [ "$scen" = s2 ]; then
    emit "$scen" "$cas" "$target" "$rep" mb_s "$(awk -v b="$bytes" -v d="$dur" 'BEGIN{printf "%.2f", b / (d / 1e6) / 1e6}')"
    emit "$scen" "$cas" "$target" "$rep" bytes_resp "$(awk -v b="$bytes" -v r="$req" 'BEGIN{printf "%.0f", b / r}')"
    local jd nd; jd=$(json_num "$j1" directBytes); nd=$(json_num "$j1" nettyDirectBytes)
    [ "$jd" != NA ] && emit "$scen" "$cas" "$target" "$rep" direct_mib "$(awk -v v="$jd" 'BEGIN{printf "%.2f", v / 1048576}')"
    [ "$nd" != NA ] && [ "$nd" -ge 0 ] && emit "$scen" "$cas" "$target" "$rep" netty_direct_mib "$(awk -v v="$nd" 'BEGIN{printf "%.2f", v / 1048576}')"
    line="$line MB/s=$(awk -v b="$bytes" -v d="$dur" 'BEGIN{printf "%.0f", b / (d / 1e6) / 1e6}') rss=$((rss / 1024))MiB direct=$jd"
  fi
  if [ "$scen" = s1 ] || [ "$scen" = s7 ] || [ "$scen" = s4 ]; then
    local a0 a1 g0 g1 n0 n1 to; a0=$(json_num "$j0" allocatedBytes); a1=$(json_num "$j1" allocatedBytes)
    g0=$(json_num "$j0" gcTimeMs); g1=$(json_num "$j1" gcTimeMs); n0=$(json_num "$j0" gcCount); n1=$(json_num "$j1" gcCount)
    to=$scen; [ "$scen" = s1 ] && to=s8
    if [ "$a0" != NA ] && [ "$a1" != NA ] && [ "$a0" -ge 0 ]; then
      emit "$to" "$cas" "$target" "$rep" alloc_kb_req "$(awk -v a="$a0" -v b="$a1" -v r="$req" 'BEGIN{printf "%.3f", (b - a) / r / 1024}')"
      line="$line alloc=$(( (a1 - a0) / req ))B/req"
    fi
    if [ "$scen" = s1 ] && [ "$g0" != NA ] && [ "$g1" != NA ]; then
      emit s8 "$cas" "$target" "$rep" gc_ms $((g1 - g0))
      emit s8 "$cas" "$target" "$rep" gc_count $((n1 - n0))
      line="$line gc=$((g1 - g0))ms/$((n1 - n0))"
    fi
  fi
  if [ "$scen" = s4 ]; then
    # Whether the caller is CPU-bound: the cores its JVM used, and the cores busy on the whole machine
    local jc bc; jc=$(cores_of $((t1 - t0)) "$secs"); bc=$(cores_of $((b1 - b0)) "$secs")
    emit "$scen" "$cas" "$target" "$rep" jvm_cores "$jc"
    emit "$scen" "$cas" "$target" "$rep" busy_cores "$bc"
    line="$line edge=${jc}cores busy=${bc}cores"
    local d0 d1 d2; d0=$((counts1[0] - counts0[0])); d1=$((counts1[1] - counts0[1])); d2=$((counts1[2] - counts0[2]))
    if [ $((d0 + d1 + d2)) -gt 0 ]; then
      emit "$scen" "$cas" "$target" "$rep" slow_share_pct "$(awk -v s="$d2" -v t=$((d0 + d1 + d2)) 'BEGIN{printf "%.2f", 100 * s / t}')"
      line="$line slow=$d2/$((d0 + d1 + d2))"
    fi
  fi
  echo "$line" >&2
}

declare -A WARMED
warm() { # <target> <url> <connections> [paths]: WARMUP seconds of the scenario's own load
  warm_for "$WARMUP" "$@"
}
warm_again() { # as warm, SCEN_WARMUP seconds for a target that had its full warm-up already
  if [ -n "${WARMED[$1]:-}" ]; then warm_for "$SCEN_WARMUP" "$@"; else warm_for "$WARMUP" "$@"; fi
}
warm_for() { # <seconds> <target> <url> <connections> [paths]
  local secs="$1" target="$2" url="$3" conns="$4" paths="${5:-}"
  echo "  warm-up ${secs}s: $target $url${paths:+ ($paths)}" >&2
  WARMED[${JVM_OF[$target]:-$target}]=1
  boost_on
  WRK_PATHS="$paths" "${WRK_PREFIX[@]}" wrk -t1 -c"$conns" -d"${secs}s" --timeout 10s "${WRK_EXTRA[@]}" -s "$SCRIPT_DIR/lib/report.lua" "$url" \
    >"$WORK/logs/warmup-$target-$(date +%s).txt" 2>&1 || true
  boost_off
}
rotate() { # <rep> <names...>: the names rotated by rep-1
  local rep="$1"; shift; local arr=("$@") n=$# i
  for ((i = 0; i < n; i++)); do echo "${arr[$(( (i + rep - 1) % n ))]}"; done
}
url_of() { echo "http://$HOST:${PORT_OF[$1]}$2"; }

# ---------------------------------------------------------------- S9 start-up and RSS
if want s9; then
  echo "S9: start-up and RSS; ${S9_TARGETS[*]} started $S9_REPS times each, one at a time, nothing else running" >&2
  # Each start: java with S9_JAVA_OPTS and the jar's usual arguments (Boot's default INFO logging, for the
  # "Started ... in" line) on PORT_S9; lib/startup.js times it to the first 2xx answer to GET /plaintext, reads the
  # CPU time used by then, waits S9_SETTLE s, reads the RSS and stops the process (TERM, KILL after 10 s).
  for t in "${S9_TARGETS[@]}"; do
    jar="${JAR_OF[$t]}"
    emit s9 start-up "$t" 1 jar_mb "$(awk -v b="$(stat -c %s "$jar")" 'BEGIN{printf "%.1f", b / 1e6}')"
    emit s9 start-up "$t" 1 lib_jars "$(unzip -Z1 "$jar" | grep -c '^BOOT-INF/lib/.*\.jar$' || true)"
  done
  S9_CELL=0
  for rep in $(seq 1 "$S9_REPS"); do
    for t in $(rotate "$rep" "${S9_TARGETS[@]}"); do
      S9_CELL=$((S9_CELL + 1))
      if [ $(( $(date +%s) - T_START + S9_START_EST )) -ge "$BUDGET" ]; then SKIPPED+=("s9 $t start $rep"); continue; fi
      echo "[s9 $S9_CELL/$S9_TOTAL +$(( $(date +%s) - T_START ))s] s9 $t start $rep" >&2
      wait_for_quiet
      out="$WORK/logs/s9-$t-r$rep.txt"
      boost_on
      node "$SCRIPT_DIR/lib/startup.js" "http://$HOST:$PORT_S9/plaintext" $((S9_TIMEOUT * 1000)) $((S9_SETTLE * 1000)) \
        "$CLK_TCK" "$WORK/logs/s9-$t-r$rep.log" -- java $S9_JAVA_OPTS -jar "${JAR_OF[$t]}" --server.port="$PORT_S9" \
        "${SPRING_BASE[@]}" ${JAR_ARGS[$t]} >"$out" 2>&1 || true
      boost_off
      first="$(result_field "$out" first_answer_ms)"
      if [ -z "$first" ]; then
        echo "    failed: $(grep -o 'error=[a-z]*' "$out" || echo 'no result') (see $WORK/logs/s9-$t-r$rep.log)" >&2
        emit s9 start-up "$t" "$rep" errors 1
        continue
      fi
      started="$(result_field "$out" started_s)"; running="$(result_field "$out" running_s)"
      rss="$(result_field "$out" rss_kib)"; cpu="$(result_field "$out" cpu_ms)"
      emit s9 start-up "$t" "$rep" first_answer_ms "$first"
      emit s9 start-up "$t" "$rep" started_s "$started"
      emit s9 start-up "$t" "$rep" running_s "$running"
      emit s9 start-up "$t" "$rep" errors 0
      [ "$rss" -gt 0 ] && emit s9 start-up "$t" "$rep" rss_mib "$(awk -v v="$rss" 'BEGIN{printf "%.1f", v / 1024}')"
      [ "$cpu" -ge 0 ] && emit s9 start-up "$t" "$rep" start_cpu_s "$(awk -v v="$cpu" 'BEGIN{printf "%.2f", v / 1000}')"
      echo "    first answer ${first} ms, Started in ${started} s (JVM ${running} s), RSS $((rss / 1024)) MiB, CPU ${cpu} ms" >&2
    done
  done
fi
# ---------------------------------------------------------------- the targets of S1-S8: started once, up for the whole run
[ "$NEED_TARGETS" = 1 ] && echo "starting the targets" >&2
if want s4; then
  start_bg backends "$WORK/logs/backends.log" node "$SCRIPT_DIR/lib/backends.js" "$SLOW_MS" \
    "${BACKEND_PORTS[0]}" "${BACKEND_PORTS[1]}" "${BACKEND_PORTS[2]}:slow"
  "$SCRIPT_DIR/lib/haproxy-http.sh" "$HOST:$PORT_HAPROXY" leastconn \
    "$HOST:${BACKEND_PORTS[0]}" "$HOST:${BACKEND_PORTS[1]}" "$HOST:${BACKEND_PORTS[2]}" >"$WORK/haproxy.cfg"
  haproxy -c -q -f "$WORK/haproxy.cfg" >"$WORK/logs/haproxy-check.log" 2>&1 || { echo "haproxy rejects its configuration, see $WORK/logs" >&2; exit 1; }
  start_bg haproxy "$WORK/logs/haproxy.log" haproxy -db -f "$WORK/haproxy.cfg"
fi
if want s5; then
  KEEP_ALIVE_MS=5000 start_bg upstream "$WORK/logs/upstream.log" node "$SCRIPT_DIR/lib/backends.js" 0 "$PORT_UPSTREAM"
  start_bg middlebox "$WORK/logs/middlebox.log" node "$SCRIPT_DIR/lib/middlebox.js" "$PORT_MIDDLEBOX" "$PORT_UPSTREAM" "$S5_MIDDLEBOX_IDLE_MS"
fi
S7_NOTE=""
if [ "$NEED_TARGETS" = 1 ]; then
  start_spring vanilla "$J_VANILLA" "$PORT_VANILLA" ${JAR_ARGS[vanilla]}
  start_spring hyperlane "$J_HYPERLANE" "$PORT_HYPERLANE" ${JAR_ARGS[hyperlane]}
  PORT_OF[raw]=$PORT_RAW
  start_bg raw "$WORK/logs/raw.log" java "${JVM_COMMON[@]}" "-Xlog:gc:file=$WORK/logs/raw.gc.log" -jar "$J_RAW" "$PORT_RAW"
fi
if want s1 || want s4 || want s7; then
  start_spring vanilla-obs "$J_VANILLA_OBS" "$PORT_VANILLA_OBS" ${JAR_ARGS[vanilla-obs]}
fi
if [ "$DIAG" = 1 ] && want s1; then
  start_spring hyperlane-off "$J_HYPERLANE" "$PORT_HYPERLANE_OFF" --hyperlane.enabled=false
fi
if want s7; then
  if s7_available; then
    # obs-0.1 and obs-1.0: observability on, every 10th and every request traced; obs-off: off, nothing sampled
    start_spring obs-0.1 "$J_HYPERLANE" "$PORT_OBS_01" "--$OBS_PROPERTY=true" --management.tracing.sampling.probability=0.1
    start_spring obs-1.0 "$J_HYPERLANE" "$PORT_OBS_1" "--$OBS_PROPERTY=true" --management.tracing.sampling.probability=1.0
    start_spring obs-off "$J_HYPERLANE" "$PORT_OBS_OFF" "--$OBS_PROPERTY=false" --management.tracing.sampling.probability=0.0
    start_spring s7-vanilla-obs "$J_VANILLA_OBS" "$PORT_S7_VANILLA_OBS" ${JAR_ARGS[vanilla-obs]}
    start_spring s7-vanilla "$J_VANILLA" "$PORT_S7_VANILLA" ${JAR_ARGS[vanilla]}
  else
    S7_NOTE="S7 (observability cost) was not run: the starter built here has no \`$OBS_PROPERTY\` property yet."
    echo "$S7_NOTE" >&2
  fi
fi
if want s4; then
  for p in "${BACKEND_PORTS[@]}"; do wait_http backends "http://$HOST:$p/count" 30; done
  wait_http haproxy "http://$HOST:$PORT_HAPROXY/work" 30
fi
if want s5; then
  wait_http upstream "http://$HOST:$PORT_UPSTREAM/count" 30
  wait_http middlebox "http://$HOST:$PORT_MIDDLEBOX/count" 30
fi
# up to ten JVMs start at once on the machine's CPUs (nine took 95 s on 2 cores): each gets 300 s
for t in vanilla vanilla-obs hyperlane raw hyperlane-off obs-0.1 obs-1.0 obs-off s7-vanilla-obs s7-vanilla; do
  [ -n "${PORT_OF[$t]:-}" ] && wait_http "$t" "http://$HOST:${PORT_OF[$t]}/plaintext" 300
done
[ "$NEED_TARGETS" = 1 ] && echo "all targets up after $(( $(date +%s) - T_START ))s" >&2
# vanilla-obs must really observe: its Prometheus scrape lists the server observation of the requests above
VANILLA_OBS_CHECK=""
if [ -n "${PORT_OF[vanilla-obs]:-}" ]; then
  n_series=$(curl -sf --max-time 5 "$(url_of vanilla-obs /actuator/prometheus)" | grep -c '^http_server_requests_seconds_count' || true)
  if [ "${n_series:-0}" -gt 0 ]; then
    VANILLA_OBS_CHECK="vanilla-obs check: its \`/actuator/prometheus\` listed $n_series \`http_server_requests_seconds_count\` series after start (the server observation is on)."
  else
    VANILLA_OBS_CHECK="**vanilla-obs check failed**: its \`/actuator/prometheus\` listed no \`http_server_requests_seconds\` series; its figures do not show Boot's observability."
  fi
  echo "$VANILLA_OBS_CHECK" >&2
fi

# ---------------------------------------------------------------- S1 (and S8 from the same runs)
if want s1; then
  echo "S1: plaintext and 1 KB JSON" >&2
  for t in "${S1_TARGETS[@]}"; do
    warm "$t" "$(url_of "$t" /)" 64 "/plaintext /json"
  done
  for rep in $(seq 1 "$REPS"); do
    for path in /plaintext /json; do
      name=plaintext; [ "$path" = /json ] && name=json-1k
      for c in $S1_CONNS; do
        for t in $(rotate "$rep" "${S1_TARGETS[@]}"); do
          measure s1 "$name c$c" "$t" "$rep" "$(url_of "$t" "$path")" "$c"
        done
      done
    done
  done
fi

# ---------------------------------------------------------------- S4 fan-out
if want s4; then
  echo "S4: fan-out through the @LoadBalanced WebClient to three backends, one ${SLOW_MS} ms slower, at $S4_CONNS connections" >&2
  # "haproxy": the vanilla application calls the service "haproxy", whose one instance is HAProxy (balance
  # leastconn) in front of the same three backends; the edge path is otherwise the same.
  # Each connection count is measured in turn: the full warm-up before the first (the client path is new code),
  # a shorter one at each later count (the pools grow to the new concurrency).
  JVM_OF[haproxy]=vanilla
  s4_edge() { if [ "$1" = haproxy ]; then url_of vanilla /edge/haproxy; else url_of "$1" /edge/backends; fi; }
  s4_warm=$WARMUP
  for c in $S4_CONNS; do
    for t in "${S4_TARGETS[@]}"; do warm_for "$s4_warm" "$t" "$(s4_edge "$t")" "$c"; done
    s4_warm=$SCEN_WARMUP
    for rep in $(seq 1 "$REPS"); do
      for t in $(rotate "$rep" "${S4_TARGETS[@]}"); do
        measure s4 "c$c" "$t" "$rep" "$(s4_edge "$t")" "$c" "${PID_OF[backends]}" "${PID_OF[haproxy]}"
      done
    done
  done
  # The balancer's own view once the load has stopped: every request has ended, so "inFlight" should be 0
  sleep 2
  LB_JSON="$(curl -sf --max-time 5 "http://$HOST:$PORT_HYPERLANE/actuator/hyperlane/loadbalancers" || true)"
  printf '%s\n' "$LB_JSON" >"$WORK/logs/s4-hyperlane-loadbalancers.json"
  LB_INFLIGHT="$(printf '%s' "$LB_JSON" | grep -o '"[0-9.]*:[0-9]*":{"inFlight":[0-9]*' | sed 's/"\([^"]*\)":{"inFlight":\([0-9]*\)/\1 \2/' | tr '\n' ';' || true)"
fi

# ---------------------------------------------------------------- S2 1 MB JSON
if want s2; then
  echo "S2: 1 MB JSON" >&2
  for t in "${TARGETS[@]}"; do warm_again "$t" "$(url_of "$t" /json/large)" "$S2_CONNS"; done
  for rep in $(seq 1 "$REPS"); do
    for t in $(rotate "$rep" "${TARGETS[@]}"); do
      measure s2 "json-1m c$S2_CONNS" "$t" "$rep" "$(url_of "$t" /json/large)" "$S2_CONNS"
    done
  done
fi

# ---------------------------------------------------------------- S7 observability on vs off
if want s7 && [ -z "$S7_NOTE" ]; then
  echo "S7: observability on (sampling 0.1 and 1.0) vs off; vanilla-obs and vanilla for reference" >&2
  # every S7 JVM started with the others and served nothing before: the same warm-up for all five
  for t in "${!S7_JVM_OF[@]}"; do JVM_OF[$t]=${S7_JVM_OF[$t]}; done
  for t in "${S7_TARGETS[@]}"; do warm "$t" "$(url_of "${JVM_OF[$t]:-$t}" /)" 64 "/plaintext /json"; done
  for rep in $(seq 1 "$REPS"); do
    for path in /plaintext /json; do
      name=plaintext; [ "$path" = /json ] && name=json-1k
      for t in $(rotate "$rep" "${S7_TARGETS[@]}"); do
        measure s7 "$name c64" "$t" "$rep" "$(url_of "${JVM_OF[$t]:-$t}" "$path")" 64
      done
    done
  done
  for t in "${!S7_JVM_OF[@]}"; do unset "JVM_OF[$t]"; done
fi

# ---------------------------------------------------------------- S5 idle-connection faults
if want s5; then
  echo "S5: idle-connection faults (Node.js upstream with 5 s keep-alive, directly and through a middlebox that forgets flows idle ${S5_MIDDLEBOX_IDLE_MS} ms)" >&2
  # Correctness, not speed: both targets and both paths run at once. Before each batch the clients sit idle
  # for one gap of S5_GAPS; each batch is S5_BATCH concurrent GETs per target and path through the edge's
  # plain WebClient. A request answered 200 is fine; another status is an error; no answer within
  # S5_TIMEOUT s is a hung request (vanilla's client has no response timeout of its own).
  S5_DIR="$WORK/s5"; mkdir -p "$S5_DIR"
  s5_batch() { # <round>
    local round="$1" t p i cpids=()
    for t in vanilla hyperlane; do
      for p in direct middlebox; do
        for i in $(seq 1 "$S5_BATCH"); do
          ( rc=0; code=$(curl -s -o /dev/null -w '%{http_code}' --max-time "$S5_TIMEOUT" "$(url_of "$t" "/upstream/$p")") || rc=$?
            echo "$code $rc" >"$S5_DIR/$t-$p-$round-$i" ) &
          cpids+=($!)
        done
      done
    done
    wait "${cpids[@]}" 2>/dev/null || true
  }
  s5_batch 0   # opens the pooled connections; not counted
  round=0
  for gap in $S5_GAPS; do
    round=$((round + 1))
    if ! in_budget; then SKIPPED+=("s5 round $round"); continue; fi
    echo "  round $round: idle ${gap}s, then $S5_BATCH requests per target and path" >&2
    sleep "$gap"
    s5_batch "$round"
    for t in vanilla hyperlane; do
      for p in direct middlebox; do
        ok=0; err=0; hung=0
        for f in "$S5_DIR/$t-$p-$round-"*; do
          read -r code rc <"$f"
          if [ "$code" = 200 ]; then ok=$((ok + 1)); elif [ "$rc" = 28 ]; then hung=$((hung + 1)); else err=$((err + 1)); fi
        done
        emit s5 "$p" "$t" "$round" errors "$err"
        emit s5 "$p" "$t" "$round" hung "$hung"
        emit s5 "$p" "$t" "$round" failed_pct "$(awk -v e=$((err + hung)) -v n="$S5_BATCH" 'BEGIN{printf "%.1f", 100 * e / n}')"
        echo "    $t $p: ok=$ok errors=$err hung=$hung" >&2
      done
    done
  done
fi

# ---------------------------------------------------------------- S3 compressed JSON over a constrained link
S3_NOTE=""
if want s3; then
  if [ "$(id -u)" -ne 0 ] || ! command -v ip >/dev/null 2>&1 || ! command -v tc >/dev/null 2>&1; then
    S3_NOTE="S3 was not run: it needs root, \`ip\` and \`tc\` (iproute2)."
  else
    echo "S3: 1 MB JSON with Accept-Encoding: gzip over a shaped veth pair" >&2
    ip netns del "$S3_NS" 2>/dev/null || true; ip link del "$S3_IF_HOST" 2>/dev/null || true
    S3_CREATED=1
    ip netns add "$S3_NS"
    ip link add "$S3_IF_HOST" type veth peer name "$S3_IF_NS"
    ip link set "$S3_IF_NS" netns "$S3_NS"
    ip addr add "$S3_HOST_IP/30" dev "$S3_IF_HOST"; ip link set "$S3_IF_HOST" up
    ip netns exec "$S3_NS" ip addr add "$S3_NS_IP/30" dev "$S3_IF_NS"
    ip netns exec "$S3_NS" ip link set "$S3_IF_NS" up; ip netns exec "$S3_NS" ip link set lo up
    # netem gives rate and delay; kernels without sch_netem get the rate alone from a token bucket (tbf)
    if tc qdisc add dev "$S3_IF_HOST" root netem delay "$S3_DELAY" rate "$S3_RATE" 2>/dev/null; then
      ip netns exec "$S3_NS" tc qdisc add dev "$S3_IF_NS" root netem delay "$S3_DELAY" rate "$S3_RATE"
      S3_LINK="netem: $S3_RATE and $S3_DELAY delay each way"
    else
      tc qdisc add dev "$S3_IF_HOST" root tbf rate "$S3_RATE" burst 64kb latency 50ms
      ip netns exec "$S3_NS" tc qdisc add dev "$S3_IF_NS" root tbf rate "$S3_RATE" burst 64kb latency 50ms
      S3_LINK="tbf: $S3_RATE each way, no added delay (this kernel has no netem qdisc)"
    fi
    echo "  link: $S3_LINK" >&2
    # the targets listen on 127.0.0.1 only: a one-thread HAProxy in TCP mode carries the link's side to them
    cat >"$WORK/s3-forward.cfg" <<CFG
global
  maxconn 4096
  nbthread 1
defaults
  mode tcp
  timeout connect 2s
  timeout client 60s
  timeout server 60s
listen vanilla
  bind $S3_HOST_IP:$PORT_S3_VANILLA
  server vanilla $HOST:$PORT_VANILLA
listen hyperlane
  bind $S3_HOST_IP:$PORT_S3_HYPERLANE
  server hyperlane $HOST:$PORT_HYPERLANE
CFG
    start_bg s3-forward "$WORK/logs/s3-forward.log" haproxy -db -f "$WORK/s3-forward.cfg"
    sleep 1
    WRK_PREFIX=(ip netns exec "$S3_NS"); WRK_EXTRA=(-H "Accept-Encoding: gzip")
    s3_url() { if [ "$1" = vanilla ]; then echo "http://$S3_HOST_IP:$PORT_S3_VANILLA/json/large"; else echo "http://$S3_HOST_IP:$PORT_S3_HYPERLANE/json/large"; fi; }
    for t in vanilla hyperlane; do
      warm_again "$t" "$(s3_url "$t")" "$S3_CONNS"
      # the size of one response as sent (wrk's byte count also holds responses cut off at the end of a run)
      size=$(curl -s --max-time 10 -H 'Accept-Encoding: gzip' "$(url_of "$t" /json/large)" | wc -c)
      emit s3 "json-1m gzip c$S3_CONNS" "$t" 1 bytes_resp "$size"
    done
    for rep in $(seq 1 "$REPS_EXTRA"); do
      for t in $(rotate "$rep" vanilla hyperlane); do
        measure s3 "json-1m gzip c$S3_CONNS" "$t" "$rep" "$(s3_url "$t")" "$S3_CONNS" "${PID_OF[s3-forward]}"
      done
    done
    WRK_PREFIX=(); WRK_EXTRA=()
    kill -TERM "${PID_OF[s3-forward]}" 2>/dev/null || true
    ip netns del "$S3_NS" 2>/dev/null || true; ip link del "$S3_IF_HOST" 2>/dev/null || true; S3_CREATED=0
  fi
  if [ -n "$S3_NOTE" ]; then echo "$S3_NOTE" >&2; fi
fi

# ---------------------------------------------------------------- S6 idle keep-alive connections
if want s6; then
  echo "S6: $S6_CONNS idle keep-alive connections" >&2
  for rep in $(seq 1 "$REPS_EXTRA"); do
    for t in $(rotate "$rep" "${TARGETS[@]}"); do
      CELL=$((CELL + 1))
      if ! in_budget; then SKIPPED+=("s6 $t rep $rep"); continue; fi
      echo "[$CELL/$TOTAL_CELLS +$(( $(date +%s) - T_START ))s] s6 $t rep $rep" >&2
      jurl="http://$HOST:${PORT_OF[$t]}/bench/jvm"; pid="${PID_OF[$t]}"
      r0=$(ps -o rss= -p "$pid" | tr -d ' ' || true); r0=${r0:-0}
      clog="$WORK/logs/s6-$t-r$rep.txt"
      node "$SCRIPT_DIR/lib/idle-clients.js" "${PORT_OF[$t]}" "$S6_CONNS" 120000 >"$clog" 2>&1 &
      cpid=$!; PIDS+=($cpid)
      for _ in $(seq 1 120); do grep -q '^OPEN' "$clog" && break; kill -0 "$cpid" 2>/dev/null || break; sleep 0.5; done
      sleep "$S6_HOLD"
      j1="$(curl -sf --max-time 5 "$jurl" || true)"; r1=$(ps -o rss= -p "$pid" | tr -d ' ' || true); r1=${r1:-0}
      opened=$(awk '/^OPEN/{print $2}' "$clog"); opened=${opened:-0}
      kill -TERM "$cpid" 2>/dev/null || true; wait "$cpid" 2>/dev/null || true
      cas="c$S6_CONNS idle"
      emit s6 "$cas" "$t" "$rep" open_conns "$opened"
      emit s6 "$cas" "$t" "$rep" rss_mib "$(awk -v v="$r1" 'BEGIN{printf "%.1f", v / 1024}')"
      emit s6 "$cas" "$t" "$rep" rss_delta_mib "$(awk -v a="$r0" -v b="$r1" 'BEGIN{printf "%.1f", (b - a) / 1024}')"
      d1=$(json_num "$j1" directBytes)
      if [ "$d1" != NA ]; then emit s6 "$cas" "$t" "$rep" direct_mib "$(awk -v v="$d1" 'BEGIN{printf "%.2f", v / 1048576}')"; fi
      echo "    open=$opened rss=$((r1 / 1024))MiB (+$(( (r1 - r0) / 1024 ))) direct=$d1" >&2
      sleep 2   # lets the server drop the closed connections
    done
  done
fi

# ---------------------------------------------------------------- facts recorded with the results
TRANSPORT_JSON="$(curl -sf --max-time 5 "http://$HOST:$PORT_HYPERLANE/actuator/hyperlane/transport" || true)"
TRANSPORT="$(printf '%s' "$TRANSPORT_JSON" | grep -o '"transport":"[a-z_]*"' | head -n1 | cut -d'"' -f4 || true)"
LOOPS="$(printf '%s' "$TRANSPORT_JSON" | grep -o '"threads":[0-9]*' | head -n1 | cut -d: -f2 || true)"
ALLOCATOR="$(printf '%s' "$TRANSPORT_JSON" | grep -o '"type":"[a-z]*"' | head -n1 | cut -d'"' -f4 || true)"
stop_all
FINISHED_UTC="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
ELAPSED=$(( $(date +%s) - T_START ))
echo "measurements done in ${ELAPSED}s; writing the report" >&2

lib_version() { unzip -l "$J_HYPERLANE" 2>/dev/null | grep -o "BOOT-INF/lib/$1-[0-9][^/]*\.jar" | head -n1 | sed "s#BOOT-INF/lib/$1-##; s#\.jar##"; }
mkdir -p "$RESULTS_DIR"
rm -rf "$PNG_DIR"; mkdir -p "$PNG_DIR"
cp "$CSV" "$PNG_DIR/figures.csv"
java -jar "$J_REPORT" "$CSV" "$PNG_DIR" "$STAMP/" >"$WORK/tables.md" 2>"$WORK/logs/report.log" \
  || { echo "report failed, see $WORK/logs/report.log" >&2; exit 1; }
GIT_REV="$(cd "$REPO_DIR" && git rev-parse --short HEAD)$(cd "$REPO_DIR" && git diff --quiet HEAD -- . ':!benchmarks/results' ':!benchmarks/README.md' || echo ' (with uncommitted changes)')"
MAX_OTHER="$(awk -F, '$5=="other_cores"{if($6+0>m)m=$6+0} END{printf "%.2f", m}' "$CSV")"
{
  echo "# Benchmark results $STAMP"
  echo ""
  if [ "$QUICK" = 1 ]; then
    echo "**Quick mode**: warm-up shortened to ${WARMUP} s per target and scenario (the full suite uses 20 s), runs of ${DURATION} s, $REPS repetitions. Treat the figures as a smoke check of the harness; they are noisier than a full run's."
    echo ""
  fi
  echo "- Command: \`$COMMAND_LINE\` (from the repository root), source revision $GIT_REV"
  echo "- Started $STARTED_UTC, measurements finished $FINISHED_UTC ($((ELAPSED / 60)) min $((ELAPSED % 60)) s including the build)"
  echo "- Warm-up with each scenario's own load: ${WARMUP} s for each target's first scenario, for S4's first connection count and for S7, ${SCEN_WARMUP} s for S2, S3 and S4's later connection counts; measured runs of ${DURATION} s; $REPS repetitions ($REPS_EXTRA for S3 and S6, $S9_REPS starts per jar in S9); targets interleaved inside each repetition, their order rotated from one repetition to the next; every process stays up for the whole run"
  echo "- Machine: $(nproc) CPUs ($(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo)), $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo) RAM, kernel $(uname -r)"
  echo "- JDK: $(java -version 2>&1 | head -n1); JVM flags of every Java target: \`$JAVA_OPTS\` (G1)"
  echo "- Load generator: wrk $(wrk -v 2>&1 | head -n1 | awk '{print $2}') (\`-t1\`, HTTP/1.1 keep-alive, latency percentiles from \`benchmarks/lib/report.lua\`); HAProxy $(haproxy -v 2>/dev/null | head -n1 | awk '{print $3}'); Node.js $(node --version); h2load $(h2load --version 2>/dev/null | awk '{print $2}') (installed, not used by these scenarios)"
  echo "- Software: Spring Boot $(lib_version spring-boot), Spring Cloud LoadBalancer $(lib_version spring-cloud-loadbalancer), Reactor Netty $(lib_version reactor-netty-http), Netty $(lib_version netty-common), Jackson $(lib_version jackson-databind)"
  echo "- hyperlane target: the starter's defaults (transport ${TRANSPORT:-unknown}, ${LOOPS:-?} event loops, ${ALLOCATOR:-?} allocator, as its endpoint reported); vanilla and raw: Reactor Netty's defaults (epoll, which Reactor Netty uses when its native library is on the class path, as here; max(CPUs, 4) = 4 event loops; Netty's default allocator)"
  echo "- Quiet-machine check: before each run the harness waited (up to ${QUIET_WAIT} s) for other processes to use at most ${QUIET_MAX} core; a run during which they used more than ${CONTAM_MAX} core was measured again (at most ${MAX_ATTEMPTS} attempts). Runs repeated: $RETRIED; largest CPU used by other processes during a kept run: $MAX_OTHER core. Scheduler nice of the harness's own processes during warm-ups and runs: $BOOST_NICE (0 = unchanged)"
  if [ ${#SKIPPED[@]} -gt 0 ]; then
    echo "- Skipped because the time budget (${BUDGET} s) was spent: ${SKIPPED[*]}"
  fi
  [ -n "$S7_NOTE" ] && echo "- $S7_NOTE"
  [ -n "$VANILLA_OBS_CHECK" ] && echo "- $VANILLA_OBS_CHECK"
  if [ -n "${S3_NOTE:-}" ]; then echo "- $S3_NOTE"; fi
  if [ -n "${LB_INFLIGHT:-}" ]; then echo "- Hyperlane's balancer, 2 s after the last S4 run (no request in progress), reported these requests in flight per backend (\`/actuator/hyperlane/loadbalancers\`, address and count): ${LB_INFLIGHT%;}. Non-zero counts are requests the balancer still believes are running after the load generator closed its connections (cancelled calls)."; fi
  echo ""
  echo "## Targets and scenarios"
  echo ""
  echo "- \`vanilla\`: the benchmark application (\`benchmarks/app\`) with Spring Boot WebFlux and Spring Cloud LoadBalancer (round robin); \`vanilla-obs\`: the same plus Spring Boot's own observability with its defaults (actuator, \`micrometer-registry-prometheus\`, \`spring-boot-micrometer-tracing-opentelemetry\` with \`micrometer-tracing-bridge-otel\`, sampling probability 0.1, no span exporter; Boot instruments the server, not the \`@LoadBalanced WebClient.builder()\` client, which is built outside Boot's builder bean); \`hyperlane\`: the same jar contents as vanilla plus the starter (peak-EWMA balancing; metrics in Micrometer's default registry, no Prometheus registry); \`raw\`: a bare Reactor Netty \`HttpServer\` with the same endpoints and the same Jackson serialization; \`haproxy\`: the vanilla application calling a service whose one instance is HAProxy (\`balance leastconn\`, one thread) in front of the same backends.$([ "$DIAG" = 1 ] && echo ' `hyperlane-off` (S1 and S8 only; a diagnostic, not a contender): the hyperlane jar started with `hyperlane.enabled=false`, so it carries the starter'"'"'s dependencies (actuator with its HTTP server observation, Spring Cloud LoadBalancer with Caffeine, native transports) without the starter'"'"'s own tuning; hyperlane vs hyperlane-off is the cost of the tuning, hyperlane-off vs vanilla the cost of the dependencies.')"
  echo "- S1: \`GET /plaintext\` (13 bytes) and \`GET /json\` (about 1 KB, serialized per request) at ${S1_CONNS// / and } connections. S8 is read from the same runs: heap bytes allocated per request (HotSpot's per-thread counters, read before and after each run) and the GC pause time and count of the run."
  echo "- S4: \`GET /edge/{service}\` at ${S4_CONNS// / and } connections; each request makes one call through the \`@LoadBalanced\` WebClient to one of three Node.js backends (one process) on 127.0.0.1, one of which answers ${SLOW_MS} ms late; the share sent to the slow one is counted by the backends. At the lowest count the run is bound by latency (balancing decides the figures); at the highest the caller, the backends and wrk share the $(nproc) CPUs and the caller is CPU-bound, so its CPU and heap allocation per request show the cost of the client path. \"JVM cores\" is the caller JVM's CPU time over the run's wall time, \"machine cores busy\" the whole machine's (from \`/proc/stat\`); CPU and allocation per request are the caller JVM's (the vanilla JVM for \`haproxy\`)."
  echo "- S7: as S1 at 64 connections, on the hyperlane jar started three more times: \`obs-0.1\` with \`$OBS_PROPERTY=true\` and \`management.tracing.sampling.probability=0.1\` (Boot's default), \`obs-1.0\` the same with 1.0 (every request traced), \`obs-off\` with \`$OBS_PROPERTY=false\` and 0.0; \`vanilla-obs\` (sampling 0.1) and \`vanilla\` for reference, on JVMs of their own started with the others (all five served only S7's load: the same warm-up); obs-off/vanilla is the cost of the starter's tuning with its observability off."
  echo "- S9: each of ${S9_TARGETS[*]} started $S9_REPS times, one at a time (interleaved, the order rotated), before any other target runs, with \`$S9_JAVA_OPTS\`, the jar's usual arguments and Boot's default INFO logging; time to the first 2xx answer to \`GET /plaintext\` from the launch of \`java\` (polled every 10 ms by \`benchmarks/lib/startup.js\`), Spring's \"Started ... in X seconds (process running for Y)\", the JVM's CPU time (user + system) at the first answer, its RSS ${S9_SETTLE} s after the first answer without load; fat-jar size (MB = 10^6 bytes) and number of jars in \`BOOT-INF/lib\`."
  echo "- S2: \`GET /json/large\` (about 1 MB) at $S2_CONNS connections; RSS and JVM direct memory read right after each run (the processes served S1 and S4 before)."
  echo "- S5: a Node.js upstream that closes idle connections after 5 s (Node's default keep-alive), called by each target's plain \`WebClient\` (\`GET /upstream/{direct|middlebox}\`) directly and through a TCP middlebox (\`benchmarks/lib/middlebox.js\`) that silently drops flows idle for ${S5_MIDDLEBOX_IDLE_MS} ms; after one batch that opens the connections, each round waits one idle gap ($S5_GAPS s) and sends $S5_BATCH concurrent requests per target and path; an answer other than 200 is an error, no answer within $S5_TIMEOUT s a hung request. Vanilla and hyperlane run at the same time (correctness, not speed)."
  echo "- S3: \`GET /json/large\` with \`Accept-Encoding: gzip\` at $S3_CONNS connections from a network namespace over a veth pair shaped by ${S3_LINK:-netem or tbf}, through a one-thread HAProxy in TCP mode to the targets on 127.0.0.1. Vanilla does not compress (Spring Boot's default), hyperlane does (the starter's default); "MB/s on the wire" counts the (compressed) bytes received; requests/s is what the link allows."
  echo "- S6: $S6_CONNS keep-alive connections opened by \`benchmarks/lib/idle-clients.js\`, one \`GET /plaintext\` each, then held idle ${S6_HOLD} s before the server's RSS and JVM direct memory are read; the RSS increase is against the RSS just before the connections were opened (heap pages touched earlier are not counted again, so it mostly shows memory outside the heap)."
  echo "- RSS is read with \`ps\` right after each run; MB = 10^6 bytes; JVM CPU per request is the target JVM's user + system time over the run divided by the requests completed."
  echo ""
  echo "## Results"
  echo ""
  cat "$WORK/tables.md"
  echo "Raw figures: [\`$STAMP/figures.csv\`]($STAMP/figures.csv); logs were kept under \`benchmarks/work/run-$STAMP/\` (not committed)."
} >"$RESULT_MD"
rm -rf "$WORK/jars"   # copies of the built jars; the logs stay
echo "results written to $RESULT_MD" >&2
