#!/usr/bin/env bash
# Quick interleaved A/B of already built jars on S4's client path (not part of run.sh's scenarios): GET
# /edge/backends, each request one call through the @LoadBalanced WebClient to one of three Node.js backends
# (backends.js, one of them SLOW_MS slower), as run.sh's S4 sets them up.
# usage: benchmarks/lib/ab-edge.sh OUTDIR WARMUP_S DURATION_S ROUNDS CONNECTIONS name=jar[,arg,arg...]...
# Starts every jar at once (-Xms512m -Xmx512m, WARN logging, ports from 19101, backends on 19121-19123), warms each
# with wrk for WARMUP_S, then ROUNDS rounds of one DURATION_S wrk run per target in turn. Per run: requests/s, the
# caller JVM's CPU (utime+stime) and heap allocated (allocatedBytes of /bench/jvm) per request, p50 and p99, and the
# share of calls the slow backend answered. Run it under an exclusive CPU lock and with a bound (timeout).
set -uo pipefail
OUT=$1 WARM=$2 DUR=$3 ROUNDS=$4 CONNS=$5; shift 5
HERE="$(cd "$(dirname "$0")" && pwd)"
SLOW_MS="${SLOW_MS:-50}"
H=127.0.0.1; B=(19121 19122 19123)
mkdir -p "$OUT"
declare -a NAMES PIDS PORTS
node "$HERE/backends.js" "$SLOW_MS" ${B[0]} ${B[1]} ${B[2]}:slow >"$OUT/backends.log" 2>&1 &
BPID=$!
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; kill $BPID 2>/dev/null; wait 2>/dev/null; }
trap cleanup EXIT
port=19100
for spec in "$@"; do
  name=${spec%%=*}; rest=${spec#*=}; IFS=, read -r jar args <<<"$rest"
  port=$((port+1))
  extra=(); if [ -n "${args:-}" ]; then IFS=, read -r -a extra <<<"$args"; fi
  java -Xms512m -Xmx512m -jar "$jar" --server.port=$port --server.address=$H --logging.level.root=WARN \
    "--spring.cloud.discovery.client.simple.instances.backends[0].uri=http://$H:${B[0]}" \
    "--spring.cloud.discovery.client.simple.instances.backends[1].uri=http://$H:${B[1]}" \
    "--spring.cloud.discovery.client.simple.instances.backends[2].uri=http://$H:${B[2]}" \
    "${extra[@]}" >"$OUT/$name.log" 2>&1 &
  PIDS+=($!); NAMES+=("$name"); PORTS+=($port)
done
for i in "${!NAMES[@]}"; do
  for t in $(seq 1 240); do curl -sf "http://$H:${PORTS[$i]}/edge/backends" >/dev/null && break; sleep 0.5; done
done
HZ=$(getconf CLK_TCK)
ticks() { awk '{sub(/^.*\) /, ""); print $12 + $13}' /proc/$1/stat; }
alloc() { curl -s "http://$H:$1/bench/jvm" | grep -o '"allocatedBytes":[0-9-]*' | cut -d: -f2; }
slowcount() { curl -s "http://$H:${B[2]}/count"; }
for i in "${!NAMES[@]}"; do wrk -t1 -c$CONNS -d${WARM}s "http://$H:${PORTS[$i]}/edge/backends" >/dev/null 2>&1; done
for r in $(seq 1 $ROUNDS); do
  for i in "${!NAMES[@]}"; do
    pid=${PIDS[$i]}; p=${PORTS[$i]}; n=${NAMES[$i]}
    s0=$(slowcount); t0=$(ticks $pid); a0=$(alloc $p)
    res=$(wrk -t1 -c$CONNS -d${DUR}s -s "$HERE/report.lua" "http://$H:$p/edge/backends" 2>&1 | grep RESULT)
    t1=$(ticks $pid); a1=$(alloc $p); s1=$(slowcount)
    get() { echo "$res" | grep -o "$1=[0-9]*" | cut -d= -f2; }
    awk -v n=$n -v r=$r -v q=$(get requests) -v d=$(get duration_us) -v t=$((t1-t0)) -v hz=$HZ -v a=$((a1-a0)) \
      -v p50=$(get p50_us) -v p99=$(get p99_us) -v s=$((s1-s0)) \
      'BEGIN{printf "%s round %d rps %.0f cpu_us_per_req %.1f KB_per_req %.2f p50_ms %.2f p99_ms %.2f slow_pct %.2f\n", n, r, q/(d/1e6), t/hz*1e6/q, a/q/1000, p50/1000, p99/1000, s*100/q}' \
      | tee -a "$OUT/results.txt"
  done
done
