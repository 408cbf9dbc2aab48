#!/usr/bin/env bash
# Checks that the storefront's R2DBC pool survives clients that leave mid-response: runs ROUNDS bursts of
# `wrk -c16 -d8s` on GET /products (wrk drops its in-flight requests when it stops), then asks for /products
# and /products/3 with the default pool of 10 connections. Prints one line per round; stops at the first
# round after which the catalog no longer answers.
# usage: benchmarks/allocator/pool-check.sh [JAR] [PORT] [ROUNDS]
set -uo pipefail
JAR=${1:-sample-ecommerce/target/sample-ecommerce-0.1.0-SNAPSHOT.jar}
PORT=${2:-18090}
ROUNDS=${3:-4}
command -v wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk; }
java -Xms512m -Xmx512m -jar "$JAR" --server.port="$PORT" > "${TMPDIR:-/tmp}/pool-check-$PORT.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null' EXIT
for _ in $(seq 1 120); do curl -sf "127.0.0.1:$PORT/actuator/health" >/dev/null && break; sleep 0.5; done
for round in $(seq 1 "$ROUNDS"); do
  load=$(wrk -t1 -c16 -d8s --timeout 5s "http://127.0.0.1:$PORT/products" | grep -E 'requests in' | tr -s ' ')
  list=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "127.0.0.1:$PORT/products")
  one=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "127.0.0.1:$PORT/products/3")
  echo "round $round:$load | /products -> $list, /products/3 -> $one"
  [ "$list" = "200" ] || exit 1
done
