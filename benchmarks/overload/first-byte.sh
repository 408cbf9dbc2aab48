#!/usr/bin/env bash
# Time to first byte for new connections at the onset of overload (issue 14), per transport.
#
# The storefront sample (GET /products, CPU-bound here) is warmed with wrk at C connections (the concurrency that
# saturates it), then loaded with 4 x C; from the moment the overload starts, a new connection is opened every
# PROBE_EVERY seconds with curl (one request each; its start, `%{time_connect} %{time_starttransfer} %{http_code}`,
# 000 when it got no answer within 15 s) while wrk's
# connections keep the server busy. Targets, interleaved per repetition: TARGETS, each "name:jvm-args" where the JVM
# arguments select the transport (io_uring with the starter's single accepts, io_uring with Netty's multishot
# accept, epoll by default); any JVM argument fits, e.g. the storefront on PostgreSQL and Redis:
#   TARGETS="io_uring-postgres:-Dhyperlane.transport.type=io_uring,-Dspring.profiles.active=postgres" REPS=1
#
# Usage: benchmarks/overload/first-byte.sh    Knobs: REPS [2] WARMUP [30] (s) DURATION [20] (s) CONNS [8]
#   PROBE_EVERY [0.5] (s) PORT [18091] JAR [sample-ecommerce/target/sample-ecommerce-0.1.0-SNAPSHOT.jar]
#   OUT [benchmarks/work/first-byte] TARGETS
# Every wrk run is bounded by -d, every curl by --max-time 15; the server is stopped on exit.
set -euo pipefail
REPS="${REPS:-2}"; WARMUP="${WARMUP:-30}"; DURATION="${DURATION:-20}"; CONNS="${CONNS:-8}"; PORT="${PORT:-18091}"
PROBE_EVERY="${PROBE_EVERY:-0.5}"
OUT="${OUT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/work/first-byte}"
TARGETS="${TARGETS:-io_uring:-Dhyperlane.transport.type=io_uring io_uring-multishot:-Dhyperlane.transport.type=io_uring,-Dio.netty.iouring.acceptMultiShotEnabled=true epoll:-Dhyperlane.transport.type=epoll}"
URL="http://127.0.0.1:$PORT/products"
mkdir -p "$OUT"
# shellcheck source=storefront.sh
. "$(dirname "${BASH_SOURCE[0]}")/storefront.sh"

start_server() { # $1 = name, $2 = comma-separated JVM arguments
  local args; IFS=',' read -r -a args <<< "$2"
  start_storefront "$OUT/server-$1.log" "${args[@]}" --
}

RESULTS="$OUT/results.tsv"
printf 'rep\ttarget\ttransport\tprobes\tunanswered\tfirst_byte_max_ms\tfirst_byte_median_ms\tprobes_over_1s\tconnect_max_ms\toverload_rps\n' > "$RESULTS"
for rep in $(seq "$REPS"); do
  # shellcheck disable=SC2206
  targets=($TARGETS)
  [ $((rep % 2)) -eq 0 ] && targets=($(printf '%s\n' "${targets[@]}" | tac))
  for target in "${targets[@]}"; do
    name="${target%%:*}"; args="${target#*:}"
    start_server "$name" "$args"
    # the transport the server runs on: from the endpoint, else from the start-up report (which names it when it
    # differs from Boot's choice); a transport asked for by name that cannot load fails the start-up
    transport=$( (curl -s "http://127.0.0.1:$PORT/actuator/hyperlane" | grep -o '"transport":"[a-z_]*"' | cut -d'"' -f4;
      grep -o 'hyperlane.transport.type=[a-z_]*' "$OUT/server-$name.log" | cut -d= -f2) | head -1 || true)
    wrk -t1 -c"$CONNS" -d"${WARMUP}s" "$URL" > /dev/null
    probes="$OUT/probes-$name-$rep.txt"; : > "$probes"
    wrk -t1 -c$((CONNS * 4)) -d"${DURATION}s" "$URL" > "$OUT/overload-$name-$rep.txt" &
    WRK_PID=$!
    end=$((SECONDS + DURATION - 1)); t0=$(date +%s.%N); probe_pids=()
    while [ "$SECONDS" -lt "$end" ]; do
      at=$(awk -v a="$(date +%s.%N)" -v b="$t0" 'BEGIN {printf "%.2f", a - b}')
      curl -s -o /dev/null --max-time 15 -w "$at %{time_connect} %{time_starttransfer} %{http_code}\n" "$URL" >> "$probes" &
      probe_pids+=($!)
      sleep "$PROBE_EVERY"
    done
    wait "$WRK_PID"; for pid in "${probe_pids[@]}"; do wait "$pid" || true; done
    stop_server
    summary=$(awk '{n++; if ($4 == "000") {lost++; next}; c=$2*1000; t=$3*1000; m++; v[m]=t; if (t>max) max=t;
      if (c>cmax) cmax=c; if (t>1000) slow++} END {asort(v); printf "%d\t%d\t%.0f\t%.0f\t%d\t%.1f", n, lost, max,
      v[int((m+1)/2)], slow, cmax}' "$probes")
    printf '%s\t%s\t%s\t%s\t%s\n' "$rep" "$name" "${transport:-?}" "$summary" \
      "$(awk '/Requests\/sec/ {print $2}' "$OUT/overload-$name-$rep.txt")" | tee -a "$RESULTS"
  done
done
echo "results: $RESULTS"
