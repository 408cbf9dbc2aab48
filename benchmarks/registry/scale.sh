#!/usr/bin/env bash
# Many instances and services behind the starter's balancer (issue 15's scale benchmark), two parts:
#   benchmarks/registry/scale.sh choice    time per choice at 1 and 50 services of 5, 50 and 500 instances
#                                          (timings: run it on a quiet machine; about 3 minutes)
#   benchmarks/registry/scale.sh residue   memory, meters, pools and endpoint bytes per instance, then churn of
#                                          10 % of 990 instances per churn minute with the residue check (no
#                                          timings; about 5 minutes)
# Each writes benchmarks/results/registry-scale-<date>-<part>.md. The instances' servers run in a JVM of their own
# (a few Reactor Netty servers on free ports, reached through distinct 127.1.x.y addresses, one per instance), so
# that the measured JVM holds only the caller. Knobs: WARMUP (s, 30), WINDOW_MS (2000), REPS (3), CHURN_MINUTES (10),
# CHURN_MINUTE_MS (6000: ten churn minutes in one minute, the same membership changes ten times faster).
# Needs the jar: mvn -B -q -Pbenchmarks -Dmaven.test.skip=true -pl benchmarks/registry -am package
set -euo pipefail
cd "$(dirname "$0")/../.."

part="${1:-}"
WARMUP="${WARMUP:-30}"
WINDOW_MS="${WINDOW_MS:-2000}"
REPS="${REPS:-3}"
CHURN_MINUTES="${CHURN_MINUTES:-10}"
CHURN_MINUTE_MS="${CHURN_MINUTE_MS:-6000}"
jar="$(ls benchmarks/registry/target/hyperlane-benchmark-registry-*.jar | grep -v original | head -n 1)"
work="$(mktemp -d "${TMPDIR:-/tmp}/registry-scale.XXXXXX")"
out="benchmarks/results/registry-scale-$(date -u +%Y-%m-%d-%H%MZ)-$part.md"

pids=()
cleanup() { for pid in ${pids[@]+"${pids[@]}"}; do kill -KILL "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

header() {
  {
    echo "# Registry scale: $1, $(date -u +%Y-%m-%dT%H:%MZ)"
    echo
    echo "\`$2\` on $(nproc) cores, $(java -version 2>&1 | head -n 1); the caller JVM: \`$3\`."
    echo
  } >"$out"
}

servers() {
  java -Xmx256m -jar "$jar" servers 16 "$work/ports" 900 >"$work/servers.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 300); do [ -s "$work/ports" ] && return 0; sleep 0.1; done
  echo "servers not up after 30 s; log in $work" >&2; exit 1
}

case "$part" in
  choice)
    opts="-Xms1g -Xmx1g"
    header "time per choice" "WARMUP=$WARMUP WINDOW_MS=$WINDOW_MS REPS=$REPS benchmarks/registry/scale.sh choice" "$opts"
    {
      echo "Nanoseconds per choice on one thread, median (min-max) of $REPS repetitions of ${WINDOW_MS} ms after"
      echo "$WARMUP s of warm-up; each call of a setting goes to its next service in turn. No HTTP call is made."
      echo
    } >>"$out"
    # shellcheck disable=SC2086
    java $opts -jar "$jar" choice "$WARMUP" "$WINDOW_MS" "$REPS" "$out" >"$work/choice.log" 2>&1 \
      || { cat "$work/choice.log" >&2; exit 1; }
    ;;
  residue)
    opts="-Xms1g -Xmx1g -XX:+UseSerialGC"
    header "memory per instance and churn" "CHURN_MINUTES=$CHURN_MINUTES CHURN_MINUTE_MS=$CHURN_MINUTE_MS REPS=$REPS benchmarks/registry/scale.sh residue" "$opts"
    servers
    {
      echo "## Per instance"
      echo
      echo "Differences between every instance listed and called and one instance per service listed and"
      echo "called, divided by the added instances; median (min-max) of $REPS interleaved repetitions. Heap after"
      echo "full collections (Serial GC), so small settings are within a few KB of noise."
      echo
    } >>"$out"
    # shellcheck disable=SC2086
    java $opts -jar "$jar" memory "$work/ports" "$REPS" "$out" >"$work/memory.log" 2>&1 \
      || { cat "$work/memory.log" >&2; exit 1; }
    { echo; echo "## Churn"; echo; } >>"$out"
    # shellcheck disable=SC2086
    java $opts -jar "$jar" churn "$work/ports" "$CHURN_MINUTES" "$CHURN_MINUTE_MS" "$out" >"$work/churn.log" 2>&1 \
      || { cat "$work/churn.log" >&2; exit 1; }
    ;;
  *)
    echo "usage: benchmarks/registry/scale.sh choice|residue" >&2; exit 2 ;;
esac
{ echo; echo "Logs: $work (not kept in the repository)."; } >>"$out"
cat "$out"
echo "wrote $out"
