#!/usr/bin/env bash
# Quick interleaved A/B of already built jars on one path (not part of run.sh's scenarios).
# usage: benchmarks/lib/ab.sh OUTDIR WARMUP_S DURATION_S ROUNDS PATH CONNECTIONS name=jar[,arg,arg...]...
# Starts every jar at once (-Xms512m -Xmx512m, WARN logging, ports from 18301), warms each with wrk for WARMUP_S,
# then ROUNDS rounds of one DURATION_S wrk run per target in turn. Per run: requests/s, JVM CPU (utime+stime) per
# request, and heap allocated per request (allocatedBytes of /bench/jvm before and after). Run it under
# an exclusive CPU lock and with a bound (timeout).
set -uo pipefail
OUT=$1 WARM=$2 DUR=$3 ROUNDS=$4 URLPATH=$5 CONNS=$6; shift 6
LUA="$(cd "$(dirname "$0")" && pwd)/report.lua"
mkdir -p "$OUT"
declare -a NAMES PIDS PORTS
port=18300
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; }
trap cleanup EXIT
for spec in "$@"; do
  name=${spec%%=*}; rest=${spec#*=}; IFS=, read -r jar args <<<"$rest"
  port=$((port+1))
  extra=(); if [ -n "${args:-}" ]; then IFS=, read -r -a extra <<<"$args"; fi
  java -Xms512m -Xmx512m -jar "$jar" --server.port=$port --server.address=127.0.0.1 --logging.level.root=WARN "${extra[@]}" >"$OUT/$name.log" 2>&1 &
  PIDS+=($!); NAMES+=("$name"); PORTS+=($port)
done
for i in "${!NAMES[@]}"; do
  for t in $(seq 1 240); do curl -sf "http://127.0.0.1:${PORTS[$i]}$URLPATH" >/dev/null && break; sleep 0.5; done
done
HZ=$(getconf CLK_TCK)
ticks() { awk '{sub(/^.*\) /, ""); print $12 + $13}' /proc/$1/stat; }
alloc() { curl -s "http://127.0.0.1:$1/bench/jvm" | grep -o '"allocatedBytes":[0-9-]*' | cut -d: -f2; }
for i in "${!NAMES[@]}"; do
  wrk -t1 -c$CONNS -d${WARM}s "http://127.0.0.1:${PORTS[$i]}$URLPATH" >/dev/null 2>&1
done
for r in $(seq 1 $ROUNDS); do
  for i in "${!NAMES[@]}"; do
    pid=${PIDS[$i]}; p=${PORTS[$i]}; n=${NAMES[$i]}
    t0=$(ticks $pid); a0=$(alloc $p)
    res=$(wrk -t1 -c$CONNS -d${DUR}s -s "$LUA" "http://127.0.0.1:$p$URLPATH" 2>&1 | grep RESULT)
    t1=$(ticks $pid); a1=$(alloc $p)
    reqs=$(echo "$res" | grep -o 'requests=[0-9]*' | cut -d= -f2); dus=$(echo "$res" | grep -o 'duration_us=[0-9]*' | cut -d= -f2)
    awk -v n=$n -v r=$r -v q=$reqs -v d=$dus -v t=$((t1-t0)) -v hz=$HZ -v a=$((a1-a0)) 'BEGIN{printf "%s round %d rps %.0f cpu_us_per_req %.1f alloc_B_per_req %.0f\n", n, r, q/(d/1e6), t/hz*1e6/q, a/q}' | tee -a "$OUT/results.txt"
  done
done
