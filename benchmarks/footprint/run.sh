#!/usr/bin/env bash
# Footprint of the starter: fat jar size, number of libraries, start-up time and resident memory after start of the
# benchmark application without the starter ("vanilla"), with it ("hyperlane"), and with it switched off
# ("hyperlane-off": hyperlane.enabled=false, the dependencies without the tuning).
#
# Usage: benchmarks/footprint/run.sh [--no-build] [target...]   (targets: vanilla hyperlane hyperlane-off baseline)
# Knobs: RUNS [5] (starts per target, interleaved; the median is reported)   JAVA_OPTS ["-Xms512m -Xmx512m", as
#   benchmarks/run.sh]   RSS_DELAY [1] (s after the "Started" line before VmRSS is read)   EXTRA_ARGS [] (more
#   application arguments, such as --spring.main.log-startup-info=true)   BASELINE_JAR [] (the hyperlane target built
#   from another commit, measured as "baseline" interleaved with the others: before/after figures of a change)
# Start-up is Spring Boot's own figure, "process running for N" of the "Started ..." line: JVM start to the
# application ready, port bound. Run it on a quiet machine (nothing else loading the CPU).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "$0")" && pwd)"
REPO_DIR="$(cd "$SCRIPT_DIR/../.." && pwd)"
RUNS="${RUNS:-5}"
JAVA_OPTS="${JAVA_OPTS:--Xms512m -Xmx512m}"
RSS_DELAY="${RSS_DELAY:-1}"
EXTRA_ARGS="${EXTRA_ARGS:-}"
BUILD=1
TARGETS=()
for arg in "$@"; do
  case "$arg" in
    --no-build) BUILD=0 ;;
    vanilla|hyperlane|hyperlane-off|baseline) TARGETS+=("$arg") ;;
    *) echo "unknown argument: $arg" >&2; exit 2 ;;
  esac
done
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(vanilla hyperlane hyperlane-off)
BASELINE_JAR="${BASELINE_JAR:-}"
if [[ " ${TARGETS[*]} " == *" baseline "* ]] && [ ! -f "$BASELINE_JAR" ]; then
  echo "target baseline needs BASELINE_JAR, a hyperlane benchmark jar built from another commit" >&2; exit 2
fi

JAR_VANILLA="$REPO_DIR/benchmarks/target-vanilla/target/hyperlane-benchmark-vanilla-0.1.0-SNAPSHOT.jar"
JAR_HYPERLANE="$REPO_DIR/benchmarks/target-hyperlane/target/hyperlane-benchmark-hyperlane-0.1.0-SNAPSHOT.jar"

if [ "$BUILD" = 1 ]; then
  # Spring Boot does not repackage a jar it repackaged before: without this a changed library would be left out.
  rm -f "$REPO_DIR"/benchmarks/target-{vanilla,hyperlane}/target/*.jar*
  (cd "$REPO_DIR" && mvn -B -q -Pbenchmarks -pl benchmarks/target-vanilla,benchmarks/target-hyperlane -am package \
    -DskipTests)
fi

jar_of() { case "$1" in vanilla) echo "$JAR_VANILLA" ;; baseline) echo "$BASELINE_JAR" ;; *) echo "$JAR_HYPERLANE" ;; esac; }
args_of() { case "$1" in hyperlane-off) echo "--hyperlane.enabled=false" ;; *) echo "" ;; esac; }

echo "| jar | size (MB) | libraries |"
echo "|---|---:|---:|"
for target in vanilla hyperlane $([ -n "$BASELINE_JAR" ] && echo baseline); do
  jar="$(jar_of "$target")"
  size=$(stat -c %s "$jar")
  libs=$(unzip -l "$jar" | grep -c 'BOOT-INF/lib/.*\.jar$')
  printf '| %s | %.1f | %d |\n' "$target" "$(echo "$size / 1048576" | bc -l)" "$libs"
done
echo

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
start_once() { # $1 target -> "startup_s rss_mb"
  local target="$1" log="$WORK/$1.log" pid started="" i
  # shellcheck disable=SC2046,SC2086
  java $JAVA_OPTS -jar "$(jar_of "$target")" --server.port=0 --spring.main.banner-mode=off \
    $(args_of "$target") $EXTRA_ARGS >"$log" 2>&1 &
  pid=$!
  for i in $(seq 1 600); do
    started=$(grep -o 'process running for [0-9.]*' "$log" | grep -o '[0-9.]*$' || true)
    [ -n "$started" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if [ -z "$started" ]; then
    echo "$target did not start; its log:" >&2; cat "$log" >&2; kill "$pid" 2>/dev/null || true; exit 1
  fi
  sleep "$RSS_DELAY"
  local rss_kb
  rss_kb=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
  kill "$pid"; wait "$pid" 2>/dev/null || true
  cp "$log" "$WORK/last-$target.log"
  echo "$started $(echo "$rss_kb / 1024" | bc -l)"
}

for target in "${TARGETS[@]}"; do : >"$WORK/$target.results"; done
for run in $(seq 1 "$RUNS"); do
  for target in "${TARGETS[@]}"; do
    start_once "$target" >>"$WORK/$target.results"
  done
done

median() { sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
echo "| target | start-up (s), median of $RUNS | runs | RSS after start (MB), median | runs |"
echo "|---|---:|---|---:|---|"
for target in "${TARGETS[@]}"; do
  r="$WORK/$target.results"
  printf '| %s | %.2f | %s | %.0f | %s |\n' "$target" "$(cut -d' ' -f1 "$r" | median)" \
    "$(cut -d' ' -f1 "$r" | xargs printf '%.2f ' | sed 's/ $//')" "$(cut -d' ' -f2 "$r" | median)" \
    "$(cut -d' ' -f2 "$r" | xargs printf '%.0f ' | sed 's/ $//')"
done
echo
echo "JDK: $(java -version 2>&1 | head -n1); JAVA_OPTS: $JAVA_OPTS; CPUs: $(nproc)"
