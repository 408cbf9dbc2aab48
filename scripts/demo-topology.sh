#!/usr/bin/env bash
# Starts the demo topology on this machine: three sample-payments instances (8081, 8082, and 8083 made slow
# through its properties) and the sample-ecommerce storefront on 8080, which balances its payment calls over
# them. Builds the jars first when they are missing (or with --build). Prints where to look, then waits;
# Ctrl-C stops every process this script started, and nothing else.
#
# Needs a JDK 17+ and Maven; nothing else: the samples run on in-memory databases and an in-process cache.
# Environment: SLOW_LATENCY (default 250ms) is the slow instance's payments.acquirer.latency; JAVA_OPTS is
# passed to every JVM, and so is SPRING_PROFILES_ACTIVE (postgres: PostgreSQL and Redis on 127.0.0.1); extra
# arguments go to the storefront.
set -euo pipefail
cd "$(dirname "$0")/.."

STOREFRONT_PORT=8080
PAYMENTS_PORTS=(8081 8082 8083)
SLOW_PORT=8083
SLOW_LATENCY="${SLOW_LATENCY:-250ms}"
JAVA_OPTS="${JAVA_OPTS:--Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1}"

build=false
storefront_args=()
for arg in "$@"; do
  if [ "$arg" = "--build" ]; then build=true; else storefront_args+=("$arg"); fi
done

jar_of() { ls $1 2>/dev/null | head -n 1; }
payments_jar="$(jar_of 'sample-payments/target/sample-payments-*-exec.jar')"
storefront_jar="$(jar_of 'sample-ecommerce/target/sample-ecommerce-*[0-9T].jar')"
if $build || [ -z "$payments_jar" ] || [ -z "$storefront_jar" ]; then
  echo "building the samples (mvn -B -q package -DskipTests) ..."
  mvn -B -q package -DskipTests -pl sample-payments,sample-ecommerce -am
  payments_jar="$(jar_of 'sample-payments/target/sample-payments-*-exec.jar')"
  storefront_jar="$(jar_of 'sample-ecommerce/target/sample-ecommerce-*[0-9T].jar')"
fi

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for port in "$STOREFRONT_PORT" "${PAYMENTS_PORTS[@]}"; do
  if port_open "$port"; then
    echo "port $port is already in use: stop what runs there first" >&2
    exit 1
  fi
done

logs="$(mktemp -d "${TMPDIR:-/tmp}/hyperlane-demo.XXXXXX")"
pids=()
stop_all() {
  trap - INT TERM EXIT
  if [ "${#pids[@]}" -gt 0 ]; then
    echo
    echo "stopping ${#pids[@]} processes: ${pids[*]}"
    kill -TERM "${pids[@]}" 2>/dev/null || true
    for _ in $(seq 1 50); do
      alive=()
      for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive+=("$pid"); done
      [ "${#alive[@]}" -eq 0 ] && break
      sleep 0.5
    done
    for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  fi
  echo "logs kept in $logs"
}
trap stop_all EXIT
trap 'exit 130' INT TERM

instances=()
for port in "${PAYMENTS_PORTS[@]}"; do
  args=(--server.port="$port" --payments.instance-id="payments-$port")
  if [ "$port" = "$SLOW_PORT" ]; then args+=(--payments.acquirer.latency="$SLOW_LATENCY"); fi
  # shellcheck disable=SC2086
  java $JAVA_OPTS -jar "$payments_jar" "${args[@]}" >"$logs/payments-$port.log" 2>&1 &
  pids+=($!)
  instances+=("--spring.cloud.discovery.client.simple.instances.payments[${#instances[@]}].uri=http://127.0.0.1:$port")
done
# shellcheck disable=SC2086
java $JAVA_OPTS -jar "$storefront_jar" --server.port="$STOREFRONT_PORT" "${instances[@]}" \
  ${storefront_args[@]+"${storefront_args[@]}"} >"$logs/storefront.log" 2>&1 &
pids+=($!)

ready() {
  local answer
  answer="$( (exec 3<>"/dev/tcp/127.0.0.1/$1" && printf 'GET /actuator/health/readiness HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3 \
    && head -n 1 <&3) 2>/dev/null || true)"
  [[ "$answer" == *" 200"* ]]
}
echo "starting payments on ${PAYMENTS_PORTS[*]} (${SLOW_PORT} answers after $SLOW_LATENCY) and the storefront on $STOREFRONT_PORT; logs in $logs"
for port in "${PAYMENTS_PORTS[@]}" "$STOREFRONT_PORT"; do
  for attempt in $(seq 1 240); do
    ready "$port" && break
    for pid in "${pids[@]}"; do
      if ! kill -0 "$pid" 2>/dev/null; then
        echo "a process stopped during start-up; see the logs in $logs" >&2
        exit 1
      fi
    done
    if [ "$attempt" -eq 240 ]; then echo "port $port not ready after 120 s; see $logs" >&2; exit 1; fi
    sleep 0.5
  done
done

cat <<TEXT

The demo topology is up.
  storefront         http://localhost:$STOREFRONT_PORT/products/3
  place an order     curl -s -XPOST localhost:$STOREFRONT_PORT/orders -H 'Content-Type: application/json' -d '{"items":[{"productId":3,"quantity":1}]}'
  some traffic       for i in \$(seq 200); do curl -s -o /dev/null -XPOST localhost:$STOREFRONT_PORT/orders -H 'Content-Type: application/json' -d '{"items":[{"productId":5,"quantity":1}]}'; done
  balancing          http://localhost:$STOREFRONT_PORT/actuator/hyperlane/loadbalancers   (payments-$SLOW_PORT is the slow one)
  everything         http://localhost:$STOREFRONT_PORT/actuator/hyperlane
  live view          http://localhost:$STOREFRONT_PORT/actuator/hyperlane-view
  metrics            http://localhost:$STOREFRONT_PORT/actuator/prometheus   (and on ${PAYMENTS_PORTS[*]})
Ctrl-C stops all ${#pids[@]} processes.
TEXT
wait
