#!/usr/bin/env bash
# Starts the demo topology on this machine: three sample-payments instances (8081, 8082, and 8083 made slow
# through its properties) and the sample-ecommerce storefront on 8080, which balances its payment calls over
# them. Builds the jars first when they are missing (or with --build). Prints where to look, then waits;
# Ctrl-C stops every process this script started, and nothing else.
# With --registry the topology runs through a service registry: sample-registry (a Eureka server) on 8761 starts
# first, every service runs with the eureka profile and registers with it, and the storefront finds the payments
# instances through it instead of a fixed list; start or stop payments instances while it runs and watch
# /actuator/hyperlane/loadbalancers follow.
#
# Needs a JDK 17+ and Maven; nothing else. The payments instances share one database, so an Idempotency-Key is
# authorized once whichever instance it reaches, and payments and orders survive a restart of any service:
# the local PostgreSQL (127.0.0.1:5432, database test, user postgres) when it answers, else an H2 database
# server this script starts on 127.0.0.1:9092 (files in DEMO_DATA, default ${TMPDIR:-/tmp}/hyperlane-demo-data;
# delete them to start afresh). The storefront's catalog cache is Redis when 127.0.0.1:6379 answers and
# PostgreSQL is in use, else in process.
# Environment: DEMO_DATABASE (auto, postgres or h2; default auto) picks the database; SLOW_LATENCY (default
# 250ms) is the slow instance's payments.acquirer.latency; JAVA_OPTS is passed to every JVM; extra arguments
# go to the storefront.
set -euo pipefail
cd "$(dirname "$0")/.."

STOREFRONT_PORT=8080
REGISTRY_PORT=8761
PAYMENTS_PORTS=(8081 8082 8083)
SLOW_PORT=8083
SLOW_LATENCY="${SLOW_LATENCY:-250ms}"
DEMO_DATABASE="${DEMO_DATABASE:-auto}"
DEMO_DATA="${DEMO_DATA:-${TMPDIR:-/tmp}/hyperlane-demo-data}"
H2_PORT=9092
JAVA_OPTS="${JAVA_OPTS:--Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1}"

build=false
registry=false
storefront_args=()
for arg in "$@"; do
  case "$arg" in
    --build) build=true ;;
    --registry) registry=true ;;
    *) storefront_args+=("$arg") ;;
  esac
done

jar_of() { ls $1 2>/dev/null | head -n 1; }
payments_jar="$(jar_of 'sample-payments/target/sample-payments-*-exec.jar')"
storefront_jar="$(jar_of 'sample-ecommerce/target/sample-ecommerce-*[0-9T].jar')"
registry_jar="$(jar_of 'sample-registry/target/sample-registry-*-exec.jar')"
if $build || [ -z "$payments_jar" ] || [ -z "$storefront_jar" ] || { $registry && [ -z "$registry_jar" ]; }; then
  echo "building the samples (mvn -B -q package -DskipTests) ..."
  mvn -B -q package -DskipTests -pl sample-payments,sample-ecommerce,sample-registry -am
  payments_jar="$(jar_of 'sample-payments/target/sample-payments-*-exec.jar')"
  storefront_jar="$(jar_of 'sample-ecommerce/target/sample-ecommerce-*[0-9T].jar')"
  registry_jar="$(jar_of 'sample-registry/target/sample-registry-*-exec.jar')"
fi

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
case "$DEMO_DATABASE" in
  auto) if port_open 5432; then DEMO_DATABASE=postgres; else DEMO_DATABASE=h2; fi ;;
  postgres | h2) ;;
  *) echo "DEMO_DATABASE must be auto, postgres or h2, not '$DEMO_DATABASE'" >&2; exit 1 ;;
esac
service_ports=("$STOREFRONT_PORT" "${PAYMENTS_PORTS[@]}")
if [ "$DEMO_DATABASE" = h2 ]; then service_ports+=("$H2_PORT"); fi
if $registry; then service_ports+=("$REGISTRY_PORT"); fi
for port in "${service_ports[@]}"; do
  if port_open "$port"; then
    echo "port $port is already in use: stop what runs there first" >&2
    exit 1
  fi
done

logs="$(mktemp -d "${TMPDIR:-/tmp}/hyperlane-demo.XXXXXX")"
pids=()
db_pids=()
# stop PID...: TERM, up to 25 s to finish, then KILL
stop() {
  kill -TERM "$@" 2>/dev/null || true
  for _ in $(seq 1 50); do
    alive=()
    for pid in "$@"; do kill -0 "$pid" 2>/dev/null && alive+=("$pid"); done
    [ "${#alive[@]}" -eq 0 ] && break
    sleep 0.5
  done
  for pid in "$@"; do kill -KILL "$pid" 2>/dev/null || true; done
}
stop_all() {
  trap - INT TERM EXIT
  if [ "${#pids[@]}" -gt 0 ]; then
    echo
    echo "stopping ${#pids[@]} processes: ${pids[*]}"
    stop "${pids[@]}"
  fi
  # the database server last, once no service writes to it
  if [ "${#db_pids[@]}" -gt 0 ]; then stop "${db_pids[@]}"; fi
  echo "logs kept in $logs"
}
trap stop_all EXIT
trap 'exit 130' INT TERM

# await_port PORT CHECK: wait up to 120 s for CHECK PORT to succeed, giving up when a started process stopped
await_port() {
  for attempt in $(seq 1 240); do
    "$2" "$1" && return 0
    for pid in ${pids[@]+"${pids[@]}"} ${db_pids[@]+"${db_pids[@]}"}; do
      if ! kill -0 "$pid" 2>/dev/null; then
        echo "a process stopped during start-up; see the logs in $logs" >&2
        exit 1
      fi
    done
    if [ "$attempt" -eq 240 ]; then echo "port $1 not ready after 120 s; see $logs" >&2; exit 1; fi
    sleep 0.5
  done
}
ready() {
  local answer
  answer="$( (exec 3<>"/dev/tcp/127.0.0.1/$1" && printf 'GET /actuator/health/readiness HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3 \
    && head -n 1 <&3) 2>/dev/null || true)"
  [[ "$answer" == *" 200"* ]]
}

# One database for every payments instance (and the storefront's own beside it): the command line of each service
# names it, so a service restarted with the same command finds its data again.
payments_db=()
storefront_db=()
if [ "$DEMO_DATABASE" = postgres ]; then
  payments_db=(--spring.profiles.active=postgres)
  storefront_db=(--spring.profiles.active=postgres)
  if ! port_open 6379; then storefront_db+=(--catalog.cache.type=in-process); fi
  where="PostgreSQL on 127.0.0.1:5432 (schemas payments and storefront of database test)"
else
  mkdir -p "$DEMO_DATA"
  h2_jar="$DEMO_DATA/h2.jar"
  if [ ! -f "$h2_jar" ]; then
    entry="$(jar tf "$payments_jar" | grep -m 1 '^BOOT-INF/lib/h2-.*\.jar$')"
    (cd "$DEMO_DATA" && jar xf "$OLDPWD/$payments_jar" "$entry" && mv "$entry" h2.jar && rm -r BOOT-INF)
  fi
  # a database server of its own: killing a payments instance loses nothing it committed; local connections only
  java -cp "$h2_jar" org.h2.tools.Server -tcp -tcpPort "$H2_PORT" -ifNotExists -baseDir "$DEMO_DATA" \
    >"$logs/h2.log" 2>&1 &
  db_pids+=($!)
  await_port "$H2_PORT" port_open
  h2() {
    echo --spring.r2dbc.url="r2dbc:h2:///?url=tcp%3A%2F%2F127.0.0.1%3A$H2_PORT%2F$1" --spring.r2dbc.username=sa \
      --spring.r2dbc.password= --spring.flyway.url="jdbc:h2:tcp://127.0.0.1:$H2_PORT/$1" --spring.flyway.user=sa \
      --spring.flyway.password=
  }
  read -r -a payments_db <<<"$(h2 payments)"
  read -r -a storefront_db <<<"$(h2 storefront)"
  where="an H2 server on 127.0.0.1:$H2_PORT (files in $DEMO_DATA)"
fi

# How the storefront finds payments: a fixed list of the three, or the registry (profile eureka in every service)
instances=()
if $registry; then
  echo "starting the registry (Eureka) on $REGISTRY_PORT"
  # shellcheck disable=SC2086
  java $JAVA_OPTS -jar "$registry_jar" --server.port="$REGISTRY_PORT" >"$logs/registry.log" 2>&1 &
  # stopped last with the database, so that the services deregister on their way out
  db_pids+=($!)
  await_port "$REGISTRY_PORT" ready
  export EUREKA_CLIENT_SERVICEURL_DEFAULTZONE="http://127.0.0.1:$REGISTRY_PORT/eureka/"
  with_registry() { echo "--spring.profiles.active=${1}eureka" --eureka.instance.ip-address=127.0.0.1; }
  if [ "${#payments_db[@]}" -gt 0 ] && [ "${payments_db[0]}" = --spring.profiles.active=postgres ]; then
    read -r -a payments_db <<<"$(with_registry postgres,) ${payments_db[*]:1}"
    read -r -a storefront_db <<<"$(with_registry postgres,) ${storefront_db[*]:1}"
  else
    payments_db+=($(with_registry))
    storefront_db+=($(with_registry))
  fi
else
  for port in "${PAYMENTS_PORTS[@]}"; do
    instances+=("--spring.cloud.discovery.client.simple.instances.payments[${#instances[@]}].uri=http://127.0.0.1:$port")
  done
fi
echo "starting payments on ${PAYMENTS_PORTS[*]} (${SLOW_PORT} answers after $SLOW_LATENCY) and the storefront on $STOREFRONT_PORT,"
echo "all on $where; logs in $logs"
for port in "${PAYMENTS_PORTS[@]}"; do
  args=(--server.port="$port" --payments.instance-id="payments-$port" "${payments_db[@]}")
  if [ "$port" = "$SLOW_PORT" ]; then args+=(--payments.acquirer.latency="$SLOW_LATENCY"); fi
  # shellcheck disable=SC2086
  java $JAVA_OPTS -jar "$payments_jar" "${args[@]}" >"$logs/payments-$port.log" 2>&1 &
  pids+=($!)
  if [ "$port" = "${PAYMENTS_PORTS[0]}" ]; then
    # the first instance migrates the shared database alone (the others find it migrated) while the storefront starts
    # shellcheck disable=SC2086
    java $JAVA_OPTS -jar "$storefront_jar" --server.port="$STOREFRONT_PORT" "${storefront_db[@]}" ${instances[@]+"${instances[@]}"} \
      ${storefront_args[@]+"${storefront_args[@]}"} >"$logs/storefront.log" 2>&1 &
    pids+=($!)
    await_port "$port" ready
  fi
done
for port in "${PAYMENTS_PORTS[@]}" "$STOREFRONT_PORT"; do
  await_port "$port" ready
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
  one key, two instances: the second answer replays the first payment (Idempotent-Replayed: true)
    for p in ${PAYMENTS_PORTS[0]} ${PAYMENTS_PORTS[1]}; do curl -si -XPOST localhost:\$p/payments -H 'Idempotency-Key: demo-1' -H 'Content-Type: application/json' -d '{"amount":"9.99","currency":"EUR","orderReference":"demo"}' | grep -i -e '^HTTP' -e replayed; done
Database: $where.
$(if $registry; then echo "Registry: http://localhost:$REGISTRY_PORT/ (Eureka); the storefront finds payments there. Another instance:"; \
  echo "  EUREKA_CLIENT_SERVICEURL_DEFAULTZONE=$EUREKA_CLIENT_SERVICEURL_DEFAULTZONE java -jar $payments_jar --server.port=8084 ${payments_db[*]}"; fi)
Ctrl-C stops all $((${#pids[@]} + ${#db_pids[@]})) processes.
TEXT
wait
