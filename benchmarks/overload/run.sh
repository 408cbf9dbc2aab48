#!/usr/bin/env bash
# Overload benchmark for hyperlane.server.concurrency-limit (issue: reliability and security).
#
# The storefront sample (embedded H2, GET /products: 300 products, about 77 KB of JSON per answer, CPU-bound on
# this machine) is loaded by wrk with C connections, the concurrency at which it is saturated, then with 4 x C
# (closed-loop overload: four times the requests in flight it can serve). The latency of admitted requests is read
# from the server's own `http.server.requests` timer for status 200 (p50 and p99 over a 15 s window that ends with
# the overload run, from /actuator/prometheus): it is the time from the request reaching WebFlux to its answer, so
# it leaves out time in socket buffers before that, which makes the run without a limit look better, not worse.
# wrk's figures (all answers, 503s included) and its count of non-2xx answers are recorded too. Two targets,
# interleaved per repetition: the concurrency limit off (Hyperlane's default) and on (LIMIT_ARGS: gradient2, initial
# 8, min 2 by default; LIMIT_ARGS="--hyperlane.server.concurrency-limit.algorithm=fixed
# --hyperlane.server.concurrency-limit.initial-limit=8 --hyperlane.server.concurrency-limit.min-limit=2" for a fixed
# limit of 8).
#
# Usage: benchmarks/overload/run.sh     Knobs: REPS [3] WARMUP [20] (s) DURATION [15] (s) CONNS [8] PORT [18090] LIMIT_ARGS
#   JAR [sample-ecommerce/target/sample-ecommerce-0.1.0-SNAPSHOT.jar]  OUT [benchmarks/work/overload]
# Every wrk run is bounded by -d, every probe loop by time; the server is stopped on exit.
set -euo pipefail
REPS="${REPS:-3}"; WARMUP="${WARMUP:-20}"; DURATION="${DURATION:-15}"; CONNS="${CONNS:-8}"; PORT="${PORT:-18090}"
OUT="${OUT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/work/overload}"
# the limit's settings for the "on" target
LIMIT_ARGS="${LIMIT_ARGS:---hyperlane.server.concurrency-limit.algorithm=gradient2 --hyperlane.server.concurrency-limit.initial-limit=8 --hyperlane.server.concurrency-limit.min-limit=2}"
URL="http://127.0.0.1:$PORT/products"
mkdir -p "$OUT"

command -v wrk >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
# shellcheck source=storefront.sh
. "$(dirname "${BASH_SOURCE[0]}")/storefront.sh"

start_server() { # $1 = off|on
  local extra=()
  if [ "$1" = on ]; then
    # shellcheck disable=SC2206
    extra=(--hyperlane.server.concurrency-limit.enabled=true $LIMIT_ARGS)
  fi
  start_storefront "$OUT/server-$1.log" -- \
    --management.metrics.distribution.percentiles.http.server.requests=0.5,0.99 \
    --management.metrics.distribution.expiry.http.server.requests=15s \
    --management.metrics.distribution.buffer-length.http.server.requests=3 "${extra[@]}"
}

rps() { awk '/Requests\/sec/ {print $2}' "$1"; }
non2xx() { awk '/Non-2xx/ {print $5}' "$1"; }

quantile() { # $1 = scrape file, $2 = quantile: admitted (status 200) GET /products, in ms
  awk -v q="$2" '/^http_server_requests_seconds\{/ && /status="200"/ && /uri="\/products"/ && index($0, "quantile=\"" q "\"") {
    printf "%.1f", $2 * 1000; exit }' "$1"
}

RESULTS="$OUT/results.tsv"
printf 'rep\tlimit\tsaturated_rps\toverload_rps\toverload_non2xx\tadmitted_p50_ms\tadmitted_p99_ms\twrk_p99_all_ms\n' > "$RESULTS"
for rep in $(seq "$REPS"); do
  order="off on"; [ $((rep % 2)) -eq 0 ] && order="on off"
  for limit in $order; do
    start_server "$limit"
    wrk -t1 -c"$CONNS" -d"${WARMUP}s" "$URL" > /dev/null
    wrk -t1 -c"$CONNS" -d"${DURATION}s" "$URL" > "$OUT/saturated-$limit-$rep.txt"
    wrk -t1 -c$((CONNS * 4)) -d"${DURATION}s" --latency "$URL" > "$OUT/overload-$limit-$rep.txt"
    curl -s "http://127.0.0.1:$PORT/actuator/prometheus" > "$OUT/scrape-$limit-$rep.txt"
    stop_server
    wrk_p99=$(awk '$1=="99%" {v=$2; if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; print v}' "$OUT/overload-$limit-$rep.txt")
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$rep" "$limit" "$(rps "$OUT/saturated-$limit-$rep.txt")" \
      "$(rps "$OUT/overload-$limit-$rep.txt")" "$(non2xx "$OUT/overload-$limit-$rep.txt")" \
      "$(quantile "$OUT/scrape-$limit-$rep.txt" 0.5)" "$(quantile "$OUT/scrape-$limit-$rep.txt" 0.99)" "$wrk_p99" \
      | tee -a "$RESULTS"
  done
done
echo "results: $RESULTS"
