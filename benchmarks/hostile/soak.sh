#!/usr/bin/env bash
# Soak of the hostile-client attacks (issue 14): runs HostileClientTests (incomplete 1 MB bodies, slow bodies,
# a pipelining client that never reads; in a JVM with 64 MB of direct memory) on TRANSPORTS, ROUNDS times with
# CONNECTIONS attackers, and stops at the first failure or after BUDGET seconds.
#
# Usage: benchmarks/hostile/soak.sh                          (from the repository root)
#        TRANSPORTS=epoll BUDGET=420 benchmarks/hostile/soak.sh
# Knobs: TRANSPORTS [io_uring,epoll,nio]  ROUNDS [5]  CONNECTIONS [550] (the issue's figure; the test in verify
# uses 120)  BUDGET [900] (s; checked before each round, and a round takes 1-2 minutes)  MAVEN_ARGS [] (more
# arguments for Maven, such as -Dio.netty.iouring.acceptMultiShotEnabled=false, a system property of the test JVM)
# Each round prints the MEASURED lines of the test (peak direct memory, heap in use, event-loop threads alive, the
# JVM's CPU so far, bodies refused, bytes written before the server stopped reading) and the time the round took;
# the summary is the last line.
set -euo pipefail
cd "$(dirname "$0")/../.."
TRANSPORTS=${TRANSPORTS:-io_uring,epoll,nio}
ROUNDS=${ROUNDS:-5}
CONNECTIONS=${CONNECTIONS:-550}
BUDGET=${BUDGET:-900}
# CPU: an optional command that wraps each build (a lock on a shared machine); empty by default
CPU=${CPU-}
[ -z "$CPU" ] || [ -x "$CPU" ] || CPU=
start=$(date +%s)
passed=0
for round in $(seq 1 "$ROUNDS"); do
	if (( $(date +%s) - start > BUDGET )); then
		echo "budget of ${BUDGET}s reached after $passed round(s)"
		break
	fi
	echo "round $round of $ROUNDS: $CONNECTIONS attackers on $TRANSPORTS"
	log=$(mktemp)
	rc=0
	round_start=$(date +%s)
	$CPU mvn -B -o -pl hyperlane-spring-boot-autoconfigure -am test -Dtest=HostileClientTests \
		-Dsurefire.failIfNoSpecifiedTests=false -Dhostile.connections="$CONNECTIONS" \
		-Dhyperlane.test.transports="$TRANSPORTS" ${MAVEN_ARGS:-} >"$log" 2>&1 || rc=$?
	grep -E "MEASURED|Tests run:.*HostileClientTests|FAIL|<<<" "$log" || true
	echo "round $round: $(( $(date +%s) - round_start ))s"
	if [ "$rc" -ne 0 ]; then
		grep -E -A12 "<<< (FAILURE|ERROR)" "$log" | head -60 || true
		echo "round $round failed after $passed passed round(s); its build log: $log"
		exit 1
	fi
	rm -f "$log"
	passed=$((passed + 1))
done
echo "soak: $passed round(s) passed in $(( $(date +%s) - start ))s with $CONNECTIONS attackers on $TRANSPORTS"
