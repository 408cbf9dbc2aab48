#!/usr/bin/env bash
# Correctness check for issue 14's "benchmark target running out of heap under 1 MB JSON": the hyperlane benchmark
# target (benchmarks/target-hyperlane, the JVM flags of benchmarks/run.sh) on each of TRANSPORTS serves
# GET /json/large (about 1 MB) to wrk at each of CONNECTIONS for DURATION seconds; after each load it reports the
# heap in use after a full GC (jcmd GC.run, then /bench/jvm), the direct memory, the non-2xx answers and socket
# errors wrk saw, and whether the log holds an OutOfMemoryError. It reports no timings.
#
# Usage: benchmarks/hostile/large-json.sh    (from the repository root, after
#        mvn -B -q -Pbenchmarks -Dmaven.test.skip=true -pl benchmarks/target-hyperlane -am package)
# Knobs: TRANSPORTS [epoll io_uring]  CONNECTIONS [16 64 256]  DURATION [30] (s)  JAVA_OPTS [-Xms512m -Xmx512m]
#        PORT [18290]
set -euo pipefail
cd "$(dirname "$0")/../.."
TRANSPORTS=${TRANSPORTS:-epoll io_uring}
CONNECTIONS=${CONNECTIONS:-16 64 256}
DURATION=${DURATION:-30}
JAVA_OPTS=${JAVA_OPTS:--Xms512m -Xmx512m}
PORT=${PORT:-18290}
JAR=$(ls benchmarks/target-hyperlane/target/hyperlane-benchmark-hyperlane-*.jar | head -n1)
WORK=$(mktemp -d)
pid=
stop() { [ -z "$pid" ] || { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; pid=; }; }
trap 'stop; rm -rf "$WORK"' EXIT
for transport in $TRANSPORTS; do
	log="$WORK/$transport.log"
	# shellcheck disable=SC2086
	java $JAVA_OPTS -jar "$JAR" --server.port="$PORT" --hyperlane.transport.type="$transport" >"$log" 2>&1 &
	pid=$!
	for _ in $(seq 1 120); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/plaintext" && break; sleep 0.5; done
	for c in $CONNECTIONS; do
		out=$(wrk -t1 -c"$c" -d"${DURATION}s" "http://127.0.0.1:$PORT/json/large" 2>&1 || true)
		requests=$(printf '%s\n' "$out" | awk '/requests in/ {print $1}')
		non2xx=$(printf '%s\n' "$out" | awk '/Non-2xx/ {print $NF}')
		errors=$(printf '%s\n' "$out" | awk -F'Socket errors: ' '/Socket errors/ {print $2}')
		alive=yes; kill -0 "$pid" 2>/dev/null || alive=no
		jvm=-
		if [ "$alive" = yes ]; then
			jcmd "$pid" GC.run >/dev/null 2>&1 || true
			jvm=$(curl -sf --max-time 10 "http://127.0.0.1:$PORT/bench/jvm" || echo unanswered)
		fi
		oom=$(grep -c OutOfMemoryError "$log" || true)
		echo "$transport c$c ${DURATION}s: requests ${requests:-?}, non-2xx ${non2xx:-0}, socket errors ${errors:-none}," \
			"process alive $alive, OutOfMemoryError lines $oom, after a full GC $jvm"
	done
	stop
done
