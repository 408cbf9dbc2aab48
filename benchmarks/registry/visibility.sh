#!/usr/bin/env bash
# How long a payments instance that joins stays invisible to the storefront's balancer, and how long one that
# leaves stays visible, through the Eureka registry (sample-registry), for several settings of the registry's
# response cache, the Eureka client's registry fetch and Spring Cloud LoadBalancer's instance cache. The numbers
# behind the eureka profile's values (README.md, "Running with a registry").
#
# Per setting: the registry, payments instance P1 and the storefront start (profile eureka, on free ports, each
# payments instance on its own in-memory database); a caller asks the storefront GET /checkout/payments-status
# every 50 ms, which names the payments instance the balancer chose. Then P2 starts:
#   joined   = first answer naming P2 - P2's registration (the "registration status: 204" line of its log)
# then P2 gets SIGTERM with a deregistration delay of 120 s, so that it keeps answering after leaving the registry:
#   left     = last answer naming P2 - SIGTERM (P2 deregisters at once)
# Slow start is off in the storefront and it balances round robin, so that the first choice of P2 measures
# visibility, not the ramp or the peak-EWMA estimate of a new instance (30 ms at first, decaying over tens of
# seconds towards the few milliseconds of P1 when one caller asks in sequence).
# Writes benchmarks/results/registry-visibility-<date>.md. Run it on a quiet machine:
#   benchmarks/registry/visibility.sh            (about 4 minutes; up to 10 with CYCLES=3 DEFAULT_CYCLES=2)
# CYCLES repeats the profile's setting, DEFAULT_CYCLES the defaults' (each of those cycles takes up to 4 minutes).
# Needs the jars: mvn -B -q package -DskipTests -pl sample-payments,sample-ecommerce,sample-registry -am
set -euo pipefail
cd "$(dirname "$0")/../.."

CYCLES="${CYCLES:-1}"
DEFAULT_CYCLES="${DEFAULT_CYCLES:-1}"
JAVA_OPTS="${JAVA_OPTS:--Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1}"
payments_jar="$(ls sample-payments/target/sample-payments-*-exec.jar | head -n 1)"
storefront_jar="$(ls sample-ecommerce/target/sample-ecommerce-*[0-9T].jar | head -n 1)"
registry_jar="$(ls sample-registry/target/sample-registry-*-exec.jar | head -n 1)"
work="$(mktemp -d "${TMPDIR:-/tmp}/registry-visibility.XXXXXX")"
out="benchmarks/results/registry-visibility-$(date -u +%Y-%m-%d-%H%MZ).md"

# cycles | name | registry arguments | storefront arguments
settings=(
  "$DEFAULT_CYCLES|defaults: registry read-only cache 30 s, fetch 30 s, LB cache 35 s|--eureka.server.use-read-only-response-cache=true --eureka.server.response-cache-update-interval-ms=30000|--eureka.client.registry-fetch-interval-seconds=30 --spring.cloud.loadbalancer.cache.enabled=true --spring.cloud.loadbalancer.cache.ttl=35s"
  "$CYCLES|registry read-write, fetch 3 s, LB cache off (profile eureka)||"
)

pids=()
cleanup() { for pid in ${pids[@]+"${pids[@]}"}; do kill -KILL "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
now_ms() { date +%s%3N; }
ready() { curl -sf -o /dev/null "http://127.0.0.1:$1/actuator/health/readiness"; }
await_ready() {
  for _ in $(seq 1 600); do ready "$1" && return 0; sleep 0.2; done
  echo "port $1 not ready after 120 s; logs in $work" >&2; exit 1
}
# log line time of P2's registration, in ms since the epoch
registered_ms() {
  local line
  for _ in $(seq 1 300); do
    line="$(grep -m 1 'registration status: 204' "$1" || true)"
    if [ -n "$line" ]; then date -d "$(cut -d' ' -f1 <<<"$line")" +%s%3N; return 0; fi
    sleep 0.2
  done
  echo "no registration in $1" >&2; exit 1
}

{
  echo "# Registry visibility, $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "\`CYCLES=$CYCLES DEFAULT_CYCLES=$DEFAULT_CYCLES benchmarks/registry/visibility.sh\`, on the 2-core machine with nothing else running; the"
  echo "storefront asks for /checkout/payments-status every 50 ms. joined: P2's registration to the first answer"
  echo "from P2; left: P2's SIGTERM (it deregisters, then keeps serving) to the last answer from P2. Milliseconds."
  echo
  echo "| setting | joined (each cycle) | left (each cycle) |"
  echo "|---|---|---|"
} >"$out"

for setting in "${settings[@]}"; do
  IFS='|' read -r cycles name registry_args storefront_args <<<"$setting"
  registry_port="$(free_port)"; p1="$(free_port)"; storefront="$(free_port)"
  log="$work/$(tr -c 'a-z0-9' '-' <<<"$name" | cut -c1-40)"
  mkdir -p "$log"
  # shellcheck disable=SC2086
  java $JAVA_OPTS -jar "$registry_jar" --server.port="$registry_port" $registry_args >"$log/registry.log" 2>&1 &
  pids+=($!)
  await_ready "$registry_port"
  export EUREKA_CLIENT_SERVICEURL_DEFAULTZONE="http://127.0.0.1:$registry_port/eureka/"
  common=(--spring.profiles.active=eureka --eureka.instance.ip-address=127.0.0.1 --hyperlane.live-view.enabled=false)
  # shellcheck disable=SC2086
  java $JAVA_OPTS -jar "$payments_jar" --server.port="$p1" --payments.instance-id=p1 "${common[@]}" >"$log/p1.log" 2>&1 &
  pids+=($!)
  # shellcheck disable=SC2086
  java $JAVA_OPTS -jar "$storefront_jar" --server.port="$storefront" "${common[@]}" \
    --hyperlane.loadbalancer.slow-start.window=0s --hyperlane.loadbalancer.strategy=round-robin $storefront_args >"$log/storefront.log" 2>&1 &
  pids+=($!)
  await_ready "$p1"; await_ready "$storefront"
  # the caller: one line per answer, "<ms> <instance>"
  (while true; do
     printf '%s %s\n' "$(now_ms)" "$(curl -s -m 5 "http://127.0.0.1:$storefront/checkout/payments-status" \
       | sed -n 's/.*"instance":"\([^"]*\)".*/\1/p')"
     sleep 0.05
   done) >"$log/answers.txt" &
  caller=$!
  pids+=("$caller")
  joined=(); left=()
  for cycle in $(seq 1 "$cycles"); do
    p2="$(free_port)"
    java $JAVA_OPTS -jar "$payments_jar" --server.port="$p2" --payments.instance-id="p2-$cycle" "${common[@]}" \
      --payments.shutdown.deregistration-delay=120s >"$log/p2-$cycle.log" 2>&1 &
    p2_pid=$!
    pids+=("$p2_pid")
    registered="$(registered_ms "$log/p2-$cycle.log")"
    first=""
    for _ in $(seq 1 1200); do
      first="$(awk -v n="p2-$cycle" '$2 == n { print $1; exit }' "$log/answers.txt")"
      [ -n "$first" ] && break
      sleep 0.1
    done
    joined+=("$(( ${first:-0} - registered ))")
    # Eureka's client sends at most 2 x 60 / 5 status updates a minute (payments' replication interval, burst 2):
    # let the join's two pass first
    sleep 10
    sigterm="$(now_ms)"
    kill -TERM "$p2_pid"
    # visible until its answers stop; 100 s at most (defaults: up to 30 + 30 + 35 s)
    sleep 3
    last=""
    for _ in $(seq 1 100); do
      last="$(awk -v n="p2-$cycle" '$2 == n { t = $1 } END { print t }' "$log/answers.txt")"
      if [ -n "$last" ] && [ "$(( $(now_ms) - last ))" -gt 5000 ]; then break; fi
      sleep 1
    done
    left+=("$(( ${last:-0} - sigterm ))")
    kill -KILL "$p2_pid" 2>/dev/null || true
    wait "$p2_pid" 2>/dev/null || true
  done
  echo "| $name | ${joined[*]} | ${left[*]} |" | tee -a "$out"
  kill -KILL "$caller" 2>/dev/null || true
  cleanup
  pids=()
  wait 2>/dev/null || true
done
echo >>"$out"
echo "Logs: $work (not kept in the repository)." >>"$out"
echo "wrote $out"
