#!/usr/bin/env bash
# Benchmark suite: the Hyperlane starter against plain Spring Boot ("vanilla"), a bare Reactor Netty server
# ("raw") and, for balancing, HAProxy. See benchmarks/README.md.
#
# Usage: benchmarks/run.sh [--quick] [--check] [--no-build] [--reps N] [scenario...]
#   scenarios: s1 s4 s2 s8 s7 (default: all of them; s8 is measured during s1's runs, so it brings s1)
#   --quick     warm-up 5 s instead of 20 s, 2 s runs, 2 repetitions (under 5 minutes); the results say so
#   --check     parse the arguments and the configuration, print the plan, start nothing
#   --no-build  use the jars already built (target/ of the benchmark modules)
#   --reps N    repetitions of every measured cell
# Knobs (environment variables, defaults in brackets):
#   DIAG [1; quick: 0] (1 adds the target "hyperlane-off" to S1 and S2: the hyperlane jar with
#   hyperlane.enabled=false, which tells the starter's own cost from that of the dependencies it brings)
#   WARMUP [20] (s per target and scenario)   DURATION [10] (s per measured run)   REPS [3]
#   BASE_PORT [18100] (targets on BASE_PORT+1.., HAProxy +10, backends +21..23)
#   JAVA_OPTS ["-Xms512m -Xmx512m"] (every JVM target)   S1_CONNS ["64 256"]   S4_CONNS [32]   S2_CONNS [16]
#   SLOW_MS [50] (extra latency of the slow backend)   QUIET_MAX [0.25] (cores other processes may use
#   before a run starts; waited for up to QUIET_WAIT [20] s)   CONTAM_MAX [0.15] (cores other processes may use
#   during a run before it is measured again; at most MAX_ATTEMPTS [2] runs per cell)
#   BOOST_NICE [-10] (nice of this script's autogroup during warm-ups and runs; 0 disables; needs root)
#   RESULTS_DIR [benchmarks/results]   BUDGET [1680] s (quick: 270; repeats and waits are only spent while the rest still fits; cells that no
#   longer fit are skipped and listed in the results)
# Everything listens on 127.0.0.1 only; every wrk run is bounded by -d; every process this script starts is
# stopped on exit, Ctrl-C or TERM.
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
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    s1|s2|s4|s7|s8) REQUESTED+=("$1") ;;
    s3|s5|s6) echo "scenario $1 is not implemented yet (see benchmarks/README.md)" >&2; exit 2 ;;
    *) echo "unknown argument: $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done
[ ${#REQUESTED[@]} -eq 0 ] && REQUESTED=(s1 s4 s2 s8 s7)
want() { local s; for s in "${REQUESTED[@]}"; do [ "$s" = "$1" ] && return 0; done; return 1; }
# s8 is read from s1's runs
want s8 && ! want s1 && REQUESTED+=(s1)

if [ "$QUICK" = 1 ]; then
  WARMUP="${WARMUP:-5}"; DURATION="${DURATION:-2}"; REPS="${REPS:-2}"; BUDGET="${BUDGET:-285}"; QUIET_SAMPLE=1
  DIAG="${DIAG:-0}"
else
  WARMUP="${WARMUP:-20}"; DURATION="${DURATION:-10}"; REPS="${REPS:-3}"; BUDGET="${BUDGET:-1680}"; QUIET_SAMPLE=2
  DIAG="${DIAG:-1}"
fi
# S1 and S2 targets; with DIAG=1 also "hyperlane-off": the hyperlane jar with hyperlane.enabled=false, i.e. the
# starter's dependencies (actuator, Spring Cloud LoadBalancer with Caffeine, native transports) without its tuning
TARGETS=(vanilla hyperlane raw); [ "$DIAG" = 1 ] && TARGETS+=(hyperlane-off)
N_TARGETS=${#TARGETS[@]}
BASE_PORT="${BASE_PORT:-18100}"
JAVA_OPTS="${JAVA_OPTS:--Xms512m -Xmx512m}"
S1_CONNS="${S1_CONNS:-64 256}"
S4_CONNS="${S4_CONNS:-32}"
S2_CONNS="${S2_CONNS:-16}"
SLOW_MS="${SLOW_MS:-50}"
QUIET_MAX="${QUIET_MAX:-0.25}"
QUIET_WAIT="${QUIET_WAIT:-20}"
CONTAM_MAX="${CONTAM_MAX:-0.15}"
MAX_ATTEMPTS="${MAX_ATTEMPTS:-2}"
BOOST_NICE="${BOOST_NICE:--10}"
HOST=127.0.0.1
for n in WARMUP DURATION REPS BUDGET BASE_PORT SLOW_MS MAX_ATTEMPTS S4_CONNS S2_CONNS; do
  [[ "${!n}" =~ ^[0-9]+$ ]] || { echo "$n must be a whole number, got '${!n}'" >&2; exit 2; }
done
for c in $S1_CONNS; do [[ "$c" =~ ^[0-9]+$ ]] || { echo "S1_CONNS must list whole numbers" >&2; exit 2; }; done

PORT_VANILLA=$((BASE_PORT + 1)); PORT_HYPERLANE=$((BASE_PORT + 2)); PORT_RAW=$((BASE_PORT + 3))
PORT_OBS_ON=$((BASE_PORT + 4)); PORT_OBS_OFF=$((BASE_PORT + 5)); PORT_HYPERLANE_OFF=$((BASE_PORT + 6)); PORT_HAPROXY=$((BASE_PORT + 10))
BACKEND_PORTS=($((BASE_PORT + 21)) $((BASE_PORT + 22)) $((BASE_PORT + 23)))   # the last one is the slow one
SLOW_PORT=${BACKEND_PORTS[2]}

MODULES="benchmarks/target-vanilla,benchmarks/target-hyperlane,benchmarks/target-raw,benchmarks/report"
JAR_VANILLA="$SCRIPT_DIR/target-vanilla/target/hyperlane-benchmark-vanilla-0.1.0-SNAPSHOT.jar"
JAR_HYPERLANE="$SCRIPT_DIR/target-hyperlane/target/hyperlane-benchmark-hyperlane-0.1.0-SNAPSHOT.jar"
JAR_RAW="$SCRIPT_DIR/target-raw/target/hyperlane-benchmark-raw-0.1.0-SNAPSHOT.jar"
JAR_REPORT="$SCRIPT_DIR/report/target/hyperlane-benchmark-report-0.1.0-SNAPSHOT.jar"
METADATA="$REPO_DIR/hyperlane-spring-boot-autoconfigure/target/classes/META-INF/spring-configuration-metadata.json"
OBS_PROPERTY="hyperlane.observability.enabled"

# ---------------------------------------------------------------- plan
# S7 needs the observability switch; it is skipped (and the results say so) while the starter lacks it.
s7_available() { [ -f "$METADATA" ] && grep -q "\"$OBS_PROPERTY\"" "$METADATA"; }
count_words() { set -- $1; echo $#; }
N_S1_CONNS=$(count_words "$S1_CONNS")
plan_cells() {
  local n=0
  want s1 && n=$((n + N_TARGETS * 2 * N_S1_CONNS * REPS))
  want s4 && n=$((n + 3 * REPS))
  want s2 && n=$((n + N_TARGETS * REPS))
  want s7 && s7_available && n=$((n + 2 * 2 * REPS))
  echo "$n"
}
plan_warmups() {
  local n=0
  want s1 && n=$((n + N_TARGETS)); want s4 && n=$((n + 3)); want s2 && n=$((n + N_TARGETS)); want s7 && s7_available && n=$((n + 2))
  echo "$n"
}
CELL_EST=$((DURATION + QUIET_SAMPLE + 2))
TOTAL_CELLS=$(plan_cells)
EST=$(( TOTAL_CELLS * CELL_EST + $(plan_warmups) * (WARMUP + 1) + 60 ))
echo "plan: scenarios ${REQUESTED[*]}; warm-up ${WARMUP}s; runs of ${DURATION}s; $REPS repetitions; $TOTAL_CELLS measured runs; about $((EST / 60)) min plus the build; budget ${BUDGET}s" >&2
if [ "$CHECK" = 1 ]; then
  bash -n "$0"
  [ -f "$SCRIPT_DIR/lib/report.lua" ] && [ -f "$SCRIPT_DIR/lib/backends.js" ] || { echo "missing lib files" >&2; exit 1; }
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
for tool in java mvn curl awk ps ss; do
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
for jar in "$JAR_VANILLA" "$JAR_HYPERLANE" "$JAR_RAW" "$JAR_REPORT"; do
  [ -f "$jar" ] || { echo "missing $jar; run without --no-build" >&2; exit 1; }
  cp "$jar" "$WORK/jars/"   # private copies: a rebuild during the run changes nothing
done
J_VANILLA="$WORK/jars/$(basename "$JAR_VANILLA")"; J_HYPERLANE="$WORK/jars/$(basename "$JAR_HYPERLANE")"
J_RAW="$WORK/jars/$(basename "$JAR_RAW")"; J_REPORT="$WORK/jars/$(basename "$JAR_REPORT")"

for port in $PORT_VANILLA $PORT_HYPERLANE $PORT_HYPERLANE_OFF $PORT_RAW $PORT_OBS_ON $PORT_OBS_OFF $PORT_HAPROXY "${BACKEND_PORTS[@]}"; do
  if ss -Hltn "sport = :$port" | grep -q .; then echo "port $port is in use; set BASE_PORT=..." >&2; exit 1; fi
done

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
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for _ in $(seq 1 40); do
    local alive=0
    for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.25
  done
  for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  PIDS=()
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
SPRING_COMMON=(--server.address=$HOST --logging.level.root=WARN
  "--spring.cloud.discovery.client.simple.instances.backends[0].uri=http://$HOST:${BACKEND_PORTS[0]}"
  "--spring.cloud.discovery.client.simple.instances.backends[1].uri=http://$HOST:${BACKEND_PORTS[1]}"
  "--spring.cloud.discovery.client.simple.instances.backends[2].uri=http://$HOST:${BACKEND_PORTS[2]}"
  "--spring.cloud.discovery.client.simple.instances.haproxy[0].uri=http://$HOST:$PORT_HAPROXY")
start_spring() { # $1 name, $2 jar, $3 port, rest: extra properties
  local name="$1" jar="$2" port="$3"; shift 3
  PORT_OF[$name]=$port
  start_bg "$name" "$WORK/logs/$name.log" java "${JVM_COMMON[@]}" "-Xlog:gc:file=$WORK/logs/$name.gc.log" \
    -jar "$jar" --server.port="$port" "${SPRING_COMMON[@]}" "$@"
}

echo "starting the targets" >&2
if want s4; then
  start_bg backends "$WORK/logs/backends.log" node "$SCRIPT_DIR/lib/backends.js" "$SLOW_MS" \
    "${BACKEND_PORTS[0]}" "${BACKEND_PORTS[1]}" "${BACKEND_PORTS[2]}:slow"
  cat >"$WORK/haproxy.cfg" <<EOF
global
  maxconn 4096
  nbthread 1
defaults
  mode http
  option http-keep-alive
  timeout connect 2s
  timeout client 60s
  timeout server 60s
  timeout http-keep-alive 60s
frontend edge
  bind $HOST:$PORT_HAPROXY
  default_backend backends
backend backends
  balance leastconn
  http-reuse always
  server b1 $HOST:${BACKEND_PORTS[0]}
  server b2 $HOST:${BACKEND_PORTS[1]}
  server b3 $HOST:${BACKEND_PORTS[2]}
EOF
  haproxy -c -q -f "$WORK/haproxy.cfg" >"$WORK/logs/haproxy-check.log" 2>&1 || { echo "haproxy rejects its configuration, see $WORK/logs" >&2; exit 1; }
  start_bg haproxy "$WORK/logs/haproxy.log" haproxy -db -f "$WORK/haproxy.cfg"
fi
start_spring vanilla "$J_VANILLA" "$PORT_VANILLA"
start_spring hyperlane "$J_HYPERLANE" "$PORT_HYPERLANE" --management.endpoints.web.exposure.include=health,hyperlane
[ "$DIAG" = 1 ] && start_spring hyperlane-off "$J_HYPERLANE" "$PORT_HYPERLANE_OFF" --hyperlane.enabled=false
PORT_OF[raw]=$PORT_RAW
start_bg raw "$WORK/logs/raw.log" java "${JVM_COMMON[@]}" "-Xlog:gc:file=$WORK/logs/raw.gc.log" -jar "$J_RAW" "$PORT_RAW"
S7_NOTE=""
if want s7; then
  if s7_available; then
    start_spring obs-on "$J_HYPERLANE" "$PORT_OBS_ON" "--$OBS_PROPERTY=true" --management.tracing.sampling.probability=1.0
    start_spring obs-off "$J_HYPERLANE" "$PORT_OBS_OFF" "--$OBS_PROPERTY=false" --management.tracing.sampling.probability=0.0
  else
    S7_NOTE="S7 (observability cost) was not run: the starter built here has no \`$OBS_PROPERTY\` property yet."
    echo "$S7_NOTE" >&2
  fi
fi
if want s4; then
  for p in "${BACKEND_PORTS[@]}"; do wait_http backends "http://$HOST:$p/count" 30; done
  wait_http haproxy "http://$HOST:$PORT_HAPROXY/work" 30
fi
for t in vanilla hyperlane raw hyperlane-off obs-on obs-off; do
  [ -n "${PORT_OF[$t]:-}" ] && wait_http "$t" "http://$HOST:${PORT_OF[$t]}/plaintext" 120
done
echo "all targets up after $(( $(date +%s) - T_START ))s" >&2

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

CELL=0
slack_ok() { [ $(( $(date +%s) - T_START + (TOTAL_CELLS - CELL + 1) * CELL_EST )) -lt "$BUDGET" ]; }
in_budget() { [ $(( $(date +%s) - T_START + CELL_EST )) -lt "$BUDGET" ]; }
wait_for_quiet() { # $@: our pids; waits until the others use at most QUIET_MAX cores over 2 s
  local waited=0 b0 o0 b1 o1 v
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
    wrk -t1 -c"$conns" -d"${DURATION}s" --timeout 10s -s "$SCRIPT_DIR/lib/report.lua" "$url" >"$out" 2>&1 || true
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
  local rss; rss=$(ps -o rss= -p "$pid" | tr -d ' ')
  local line="    rps=$rps p50=$((p50 / 1000))ms p99=$((p99 / 1000))ms errors=$errs other=$others cpu=$(( (t1 - t0) * 1000000 / CLK_TCK / req ))us/req"
  case "$scen" in
    s1|s2|s7)
      emit "$scen" "$cas" "$target" "$rep" rss_mib "$(awk -v v="$rss" 'BEGIN{printf "%.1f", v / 1024}')" ;;
  esac
  if [ "$scen" = s2 ]; then
    emit "$scen" "$cas" "$target" "$rep" mb_s "$(awk -v b="$bytes" -v d="$dur" 'BEGIN{printf "%.2f", b / (d / 1e6) / 1e6}')"
    emit "$scen" "$cas" "$target" "$rep" bytes_resp "$(awk -v b="$bytes" -v r="$req" 'BEGIN{printf "%.0f", b / r}')"
    local jd nd; jd=$(json_num "$j1" directBytes); nd=$(json_num "$j1" nettyDirectBytes)
    [ "$jd" != NA ] && emit "$scen" "$cas" "$target" "$rep" direct_mib "$(awk -v v="$jd" 'BEGIN{printf "%.2f", v / 1048576}')"
    [ "$nd" != NA ] && [ "$nd" -ge 0 ] && emit "$scen" "$cas" "$target" "$rep" netty_direct_mib "$(awk -v v="$nd" 'BEGIN{printf "%.2f", v / 1048576}')"
    line="$line MB/s=$(awk -v b="$bytes" -v d="$dur" 'BEGIN{printf "%.0f", b / (d / 1e6) / 1e6}') rss=$((rss / 1024))MiB direct=$jd"
  fi
  if [ "$scen" = s1 ] || [ "$scen" = s7 ]; then
    local a0 a1 g0 g1 n0 n1 to; a0=$(json_num "$j0" allocatedBytes); a1=$(json_num "$j1" allocatedBytes)
    g0=$(json_num "$j0" gcTimeMs); g1=$(json_num "$j1" gcTimeMs); n0=$(json_num "$j0" gcCount); n1=$(json_num "$j1" gcCount)
    to=s8; [ "$scen" = s7 ] && to=s7
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
    local d0 d1 d2; d0=$((counts1[0] - counts0[0])); d1=$((counts1[1] - counts0[1])); d2=$((counts1[2] - counts0[2]))
    if [ $((d0 + d1 + d2)) -gt 0 ]; then
      emit "$scen" "$cas" "$target" "$rep" slow_share_pct "$(awk -v s="$d2" -v t=$((d0 + d1 + d2)) 'BEGIN{printf "%.2f", 100 * s / t}')"
      line="$line slow=$d2/$((d0 + d1 + d2))"
    fi
  fi
  echo "$line" >&2
}

warm() { # <target> <url> <connections> [paths]: WARMUP seconds of the scenario's own load
  local target="$1" url="$2" conns="$3" paths="${4:-}"
  echo "  warm-up ${WARMUP}s: $target $url${paths:+ ($paths)}" >&2
  boost_on
  WRK_PATHS="$paths" wrk -t1 -c"$conns" -d"${WARMUP}s" --timeout 10s -s "$SCRIPT_DIR/lib/report.lua" "$url" \
    >"$WORK/logs/warmup-$target-$(date +%s).txt" 2>&1 || true
  boost_off
}
rotate() { # <rep> <names...>: the names rotated by rep-1
  local rep="$1"; shift; local arr=("$@") n=$# i
  for ((i = 0; i < n; i++)); do echo "${arr[$(( (i + rep - 1) % n ))]}"; done
}
url_of() { echo "http://$HOST:${PORT_OF[$1]}$2"; }

# ---------------------------------------------------------------- S1 (and S8 from the same runs)
if want s1; then
  echo "S1: plaintext and 1 KB JSON" >&2
  for t in "${TARGETS[@]}"; do
    warm "$t" "$(url_of "$t" /)" 64 "/plaintext /json"
  done
  for rep in $(seq 1 "$REPS"); do
    for path in /plaintext /json; do
      name=plaintext; [ "$path" = /json ] && name=json-1k
      for c in $S1_CONNS; do
        for t in $(rotate "$rep" "${TARGETS[@]}"); do
          measure s1 "$name c$c" "$t" "$rep" "$(url_of "$t" "$path")" "$c"
        done
      done
    done
  done
fi

# ---------------------------------------------------------------- S4 fan-out
if want s4; then
  echo "S4: fan-out through the balancer to three backends, one ${SLOW_MS} ms slower" >&2
  # "haproxy": the vanilla application calls the service "haproxy", whose one instance is HAProxy (balance
  # leastconn) in front of the same three backends; the edge path is otherwise the same.
  JVM_OF[haproxy]=vanilla
  warm vanilla "$(url_of vanilla /edge/backends)" "$S4_CONNS"
  warm hyperlane "$(url_of hyperlane /edge/backends)" "$S4_CONNS"
  warm haproxy "$(url_of vanilla /edge/haproxy)" "$S4_CONNS"
  for rep in $(seq 1 "$REPS"); do
    for t in $(rotate "$rep" vanilla hyperlane haproxy); do
      if [ "$t" = haproxy ]; then edge="$(url_of vanilla /edge/haproxy)"; else edge="$(url_of "$t" /edge/backends)"; fi
      measure s4 "c$S4_CONNS" "$t" "$rep" "$edge" "$S4_CONNS" "${PID_OF[backends]}" "${PID_OF[haproxy]}"
    done
  done
fi

# ---------------------------------------------------------------- S2 1 MB JSON
if want s2; then
  echo "S2: 1 MB JSON" >&2
  for t in "${TARGETS[@]}"; do warm "$t" "$(url_of "$t" /json/large)" "$S2_CONNS"; done
  for rep in $(seq 1 "$REPS"); do
    for t in $(rotate "$rep" "${TARGETS[@]}"); do
      measure s2 "json-1m c$S2_CONNS" "$t" "$rep" "$(url_of "$t" /json/large)" "$S2_CONNS"
    done
  done
fi

# ---------------------------------------------------------------- S7 observability on vs off
if want s7 && [ -z "$S7_NOTE" ]; then
  echo "S7: observability on vs off" >&2
  for t in obs-on obs-off; do warm "$t" "$(url_of "$t" /)" 64 "/plaintext /json"; done
  for rep in $(seq 1 "$REPS"); do
    for path in /plaintext /json; do
      name=plaintext; [ "$path" = /json ] && name=json-1k
      for t in $(rotate "$rep" obs-on obs-off); do
        measure s7 "$name c64" "$t" "$rep" "$(url_of "$t" "$path")" 64
      done
    done
  done
fi

# ---------------------------------------------------------------- facts recorded with the results
TRANSPORT="$(curl -sf --max-time 5 "http://$HOST:$PORT_HYPERLANE/actuator/hyperlane/transport" | grep -o '"transport":"[a-z_]*"' | head -n1 | cut -d'"' -f4 || true)"
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
  echo "- Warm-up ${WARMUP} s per target and scenario with the scenario's own load; measured runs of ${DURATION} s; $REPS repetitions; targets interleaved inside each repetition, their order rotated from one repetition to the next"
  echo "- Machine: $(nproc) CPUs ($(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo)), $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo) RAM, kernel $(uname -r)"
  echo "- JDK: $(java -version 2>&1 | head -n1); JVM flags of every Java target: \`$JAVA_OPTS\` (G1)"
  echo "- Load generator: wrk $(wrk -v 2>&1 | head -n1 | awk '{print $2}') (\`-t1\`, HTTP/1.1 keep-alive, latency percentiles from \`benchmarks/lib/report.lua\`); HAProxy $(haproxy -v 2>/dev/null | head -n1 | awk '{print $3}'); Node.js $(node --version); h2load $(h2load --version 2>/dev/null | awk '{print $2}') (installed, not used by these scenarios)"
  echo "- Software: Spring Boot $(lib_version spring-boot), Spring Cloud LoadBalancer $(lib_version spring-cloud-loadbalancer), Reactor Netty $(lib_version reactor-netty-http), Netty $(lib_version netty-common), Jackson $(lib_version jackson-databind)"
  echo "- hyperlane target: transport ${TRANSPORT:-unknown}, otherwise the starter's defaults; vanilla: Reactor Netty's defaults as Spring Boot sets them"
  echo "- Quiet-machine check: before each run the harness waited (up to ${QUIET_WAIT} s) for other processes to use at most ${QUIET_MAX} core; a run during which they used more than ${CONTAM_MAX} core was measured again (at most ${MAX_ATTEMPTS} attempts). Runs repeated: $RETRIED; largest CPU used by other processes during a kept run: $MAX_OTHER core. Scheduler nice of the harness's own processes during warm-ups and runs: $BOOST_NICE (0 = unchanged)"
  if [ ${#SKIPPED[@]} -gt 0 ]; then
    echo "- Skipped because the time budget (${BUDGET} s) was spent: ${SKIPPED[*]}"
  fi
  [ -n "$S7_NOTE" ] && echo "- $S7_NOTE"
  echo "- Not implemented yet: S3 (compressed JSON over a constrained link), S5 (idle-connection faults), S6 (10,000 idle connections)"
  echo ""
  echo "## Targets and scenarios"
  echo ""
  echo "- \`vanilla\`: the benchmark application (\`benchmarks/app\`) with Spring Boot WebFlux and Spring Cloud LoadBalancer (round robin); \`hyperlane\`: the same jar contents plus the starter (peak-EWMA balancing); \`raw\`: a bare Reactor Netty \`HttpServer\` with the same endpoints and the same Jackson serialization; \`haproxy\`: the vanilla application calling a service whose one instance is HAProxy (\`balance leastconn\`, one thread) in front of the same backends.$([ "$DIAG" = 1 ] && echo ' `hyperlane-off` (S1, S2, S8; a diagnostic, not a contender): the hyperlane jar started with `hyperlane.enabled=false`, so it carries the starter'"'"'s dependencies (actuator with its HTTP server observation, Spring Cloud LoadBalancer with Caffeine, native transports) without the starter'"'"'s own tuning; hyperlane vs hyperlane-off is the cost of the tuning, hyperlane-off vs vanilla the cost of the dependencies.')"
  echo "- S1: \`GET /plaintext\` (13 bytes) and \`GET /json\` (about 1 KB, serialized per request) at ${S1_CONNS// / and } connections. S8 is read from the same runs: heap bytes allocated per request (HotSpot's per-thread counters, read before and after each run) and the GC pause time and count of the run."
  echo "- S4: \`GET /edge/{service}\` at $S4_CONNS connections; each request makes one call through the \`@LoadBalanced\` WebClient to one of three Node.js backends on 127.0.0.1, one of which answers ${SLOW_MS} ms late; the share sent to the slow one is counted by the backends."
  echo "- S2: \`GET /json/large\` (about 1 MB) at $S2_CONNS connections; RSS and JVM direct memory read right after each run (the processes served S1 and S4 before)."
  echo "- RSS is read with \`ps\` right after each run; MB = 10^6 bytes."
  echo ""
  echo "## Results"
  echo ""
  cat "$WORK/tables.md"
  echo "Raw figures: [\`$STAMP/figures.csv\`]($STAMP/figures.csv); logs were kept under \`benchmarks/work/run-$STAMP/\` (not committed)."
} >"$RESULT_MD"
echo "results written to $RESULT_MD" >&2
