#!/usr/bin/env bash
# Soak of the hostile-client attacks (issue 14): runs HostileClientTests (incomplete 1 MB bodies, slow bodies,
# a pipelining client that never reads; each on io_uring and epoll, in a JVM with 64 MB of direct memory) ROUNDS
# times with CONNECTIONS attackers, and stops at the first failure or after BUDGET seconds.
#
# Usage: benchmarks/hostile/soak.sh            (from the repository root)
# Knobs: ROUNDS [5]  CONNECTIONS [550] (the issue's figure; the test in verify uses 120)  BUDGET [900] (s)
# Each round prints the MEASURED lines of the test (peak direct memory, bodies refused, bytes written before the
# server stopped reading); the summary is the last line.
set -euo pipefail
cd "$(dirname "$0")/../.."
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
	echo "round $round of $ROUNDS: $CONNECTIONS attackers"
	log=$(mktemp)
	rc=0
	$CPU mvn -B -q -o -pl hyperlane-spring-boot-autoconfigure -am verify -Dtest=HostileClientTests \
		-Dsurefire.failIfNoSpecifiedTests=false -Dhostile.connections="$CONNECTIONS" >"$log" 2>&1 || rc=$?
	grep -E "MEASURED|Tests run:|FAIL" "$log" || true
	rm -f "$log"
	if [ "$rc" -ne 0 ]; then
		echo "round $round failed after $passed passed round(s)"
		exit 1
	fi
	passed=$((passed + 1))
done
echo "soak: $passed round(s) passed in $(( $(date +%s) - start ))s with $CONNECTIONS attackers"
