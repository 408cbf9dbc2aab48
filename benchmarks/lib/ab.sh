#!/usr/bin/env bash
# Quick interleaved A/B of already built jars on one path (not part of run.sh's scenarios).
# usage: benchmarks/lib/ab.sh OUTDIR WARMUP_S DURATION_S ROUNDS PATH CONNECTIONS name=jar[,arg,arg...]...
# Starts every jar at once (-Xms512m -Xmx512m plus JVM_ARGS if set, e.g. JVM_ARGS=-Xlog:gc:file=OUT/gc-%p.log; WARN
# logging, ports from 18301), warms each with wrk for WARMUP_S, then ROUNDS rounds of one DURATION_S wrk run per target
# in turn. Per run: requests/s, JVM CPU (utime+stime) per request, heap allocated per request (allocatedBytes of
# /bench/jvm before and after), p50, p90, p99 and p99.9. With PATH
# /edge/backends (S4's client path) it also starts three Node.js backends (backends.js on 19121-19123, the last
# SLOW_MS [50] ms slower), points every target's `backends` service at them, and reports the share of calls the slow
# one answered. Run it under an exclusive CPU lock and with a bound (timeout).
set -uo pipefail
OUT=$1 WARM=$2 DUR=$3 ROUNDS=$4 URLPATH=$5 CONNS=$6; shift 6
HERE="$(cd "$(dirname "$0")" && pwd)"
H=127.0.0.1
mkdir -p "$OUT"
declare -a NAMES PIDS PORTS
EDGE=(); BACKENDS=(19121 19122 19123); BPID=
if [ "$URLPATH" = /edge/backends ]; then
  node "$HERE/backends.js" "${SLOW_MS:-50}" ${BACKENDS[0]} ${BACKENDS[1]} ${BACKENDS[2]}:slow >"$OUT/backends.log" 2>&1 &
  BPID=$!
  for i in 0 1 2; do EDGE+=("--spring.cloud.discovery.client.simple.instances.backends[$i].uri=http://$H:${BACKENDS[$i]}"); done
fi
port=18300
JVMX=(); if [ -n "${JVM_ARGS:-}" ]; then read -r -a JVMX <<<"$JVM_ARGS"; fi
cleanup() { for p in "${PIDS[@]}" $BPID; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; }
trap cleanup EXIT
for spec in "$@"; do
  name=${spec%%=*}; rest=${spec#*=}; IFS=, read -r jar args <<<"$rest"
  port=$((port+1))
  extra=(); if [ -n "${args:-}" ]; then IFS=, read -r -a extra <<<"$args"; fi
  java -Xms512m -Xmx512m "${JVMX[@]}" -jar "$jar" --server.port=$port --server.address=$H --logging.level.root=WARN "${EDGE[@]}" "${extra[@]}" >"$OUT/$name.log" 2>&1 &
  PIDS+=($!); NAMES+=("$name"); PORTS+=($port)
done
for i in "${!NAMES[@]}"; do
  for t in $(seq 1 240); do curl -sf "http://$H:${PORTS[$i]}$URLPATH" >/dev/null && break; sleep 0.5; done
done
HZ=$(getconf CLK_TCK)
ticks() { awk '{sub(/^.*\) /, ""); print $12 + $13}' /proc/$1/stat; }
alloc() { curl -s "http://$H:$1/bench/jvm" | grep -o '"allocatedBytes":[0-9-]*' | cut -d: -f2; }
slowcount() { if [ -n "$BPID" ]; then curl -s "http://$H:${BACKENDS[2]}/count"; else echo 0; fi; }
for i in "${!NAMES[@]}"; do
  wrk -t1 -c$CONNS -d${WARM}s "http://$H:${PORTS[$i]}$URLPATH" >/dev/null 2>&1
done
for r in $(seq 1 $ROUNDS); do
  for i in "${!NAMES[@]}"; do
    pid=${PIDS[$i]}; p=${PORTS[$i]}; n=${NAMES[$i]}
    s0=$(slowcount); t0=$(ticks $pid); a0=$(alloc $p)
    res=$(wrk -t1 -c$CONNS -d${DUR}s -s "$HERE/report.lua" "http://$H:$p$URLPATH" 2>&1 | grep RESULT)
    t1=$(ticks $pid); a1=$(alloc $p); s1=$(slowcount)
    get() { echo "$res" | grep -o "$1=[0-9]*" | cut -d= -f2; }
    line=$(awk -v n=$n -v r=$r -v q=$(get requests) -v d=$(get duration_us) -v t=$((t1-t0)) -v hz=$HZ -v a=$((a1-a0)) \
      -v p50=$(get p50_us) -v p90=$(get p90_us) -v p99=$(get p99_us) -v p999=$(get p999_us) \
      'BEGIN{printf "%s round %d rps %.0f cpu_us_per_req %.1f alloc_B_per_req %.0f p50_ms %.2f p90_ms %.2f p99_ms %.2f p999_ms %.2f", n, r, q/(d/1e6), t/hz*1e6/q, a/q, p50/1000, p90/1000, p99/1000, p999/1000}')
    [ -n "$BPID" ] && line="$line $(awk -v s=$((s1-s0)) -v q=$(get requests) 'BEGIN{printf "slow_pct %.2f", s*100/q}')"
    echo "$line" | tee -a "$OUT/results.txt"
  done
done
