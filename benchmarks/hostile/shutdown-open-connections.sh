#!/usr/bin/env bash
# Time from SIGTERM to exit of the hyperlane benchmark target while 20 clients hold keep-alive connections open, each
# with one answered request and half of a second one sent (issue 14: io_uring shutdowns seen waiting 15 s).
# Usage: benchmarks/hostile/shutdown-open-connections.sh TRANSPORT [JVM options...]   (from the repository root, after
#        building benchmarks/target-hyperlane), e.g. io_uring -Dio.netty.iouring.acceptMultiShotEnabled=true
# Bounded: 90 s for the start, 40 s for the exit.
set -uo pipefail
cd "$(dirname "$0")/../.."
t=$1; shift
port=${PORT:-18209}
jar=$(ls benchmarks/target-hyperlane/target/hyperlane-benchmark-hyperlane-*.jar | head -1)
log=$(mktemp)
java -Xms256m -Xmx256m "$@" -jar "$jar" --server.port=$port --hyperlane.transport.type=$t >"$log" 2>&1 &
pid=$!
for i in $(seq 1 90); do curl -fs localhost:$port/plaintext >/dev/null && break; sleep 1; done
python3 - $port <<'PY' &
import socket, sys, time
port = int(sys.argv[1]); socks = []
for i in range(20):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"GET /plaintext HTTP/1.1\r\nHost: x\r\n\r\nGET /plaintext HTTP/1.1\r\nHo")
    s.recv(4096)
    socks.append(s)
time.sleep(60)
PY
holder=$!
sleep 2
start=$(date +%s.%N)
kill -TERM $pid
timeout 40 tail --pid=$pid -f /dev/null
end=$(date +%s.%N)
kill $holder 2>/dev/null
echo "$t $*: exited $(awk -v a="$start" -v b="$end" 'BEGIN{printf "%.1f", b-a}') s after SIGTERM; log: $log"
