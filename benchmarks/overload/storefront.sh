# Sourced by run.sh and first-byte.sh: the storefront sample the overload benchmarks load, started and stopped.
# Expects PORT; sets BENCH_DIR, REPO_DIR, JAR (a knob) and SERVER_PID, and stops the server on exit.
BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPO_DIR="$(cd "$BENCH_DIR/.." && pwd)"
JAR="${JAR:-$REPO_DIR/sample-ecommerce/target/sample-ecommerce-0.1.0-SNAPSHOT.jar}"
[ -f "$JAR" ] || (cd "$REPO_DIR" && mvn -B -q package -DskipTests -pl sample-ecommerce -am)

SERVER_PID=""
stop_server() { if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""; fi; }
trap stop_server EXIT INT TERM

# start_storefront LOG [JVM_ARG...] -- [APP_ARG...]: the storefront on PORT with a 512 MB heap, the access log and
# the pending-order retry off and 64 database connections; returns once /actuator/health answers 200 (60 s at most; a process that exits fails at once)
start_storefront() {
  local log="$1" jvm=()
  shift
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do jvm+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  java -Xms512m -Xmx512m -XX:+UseG1GC "${jvm[@]}" -jar "$JAR" --server.port="$PORT" \
    --hyperlane.server.access-log=false --orders.pending-retry.interval=0s --spring.r2dbc.pool.max-size=64 \
    "$@" > "$log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 120); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/actuator/health")" = 200 ] && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.5
  done
  echo "server did not start; see $log" >&2; exit 1
}
