#!/usr/bin/env bash
# Prints the HAProxy configuration of the benchmarks' HTTP balancer: one thread, keep-alive on both sides,
# connections to the backends reused across client connections.
# Usage: haproxy-http.sh <bind host:port> <balance algorithm> <backend host:port> ...
set -euo pipefail
bind="$1"; balance="$2"; shift 2
cat <<CFG
global
  maxconn 4096
  nbthread 1
defaults
  mode http
  option http-keep-alive
  timeout connect 2s
  timeout client 60s
  timeout server 60s
  timeout http-keep-alive 60s
frontend edge
  bind $bind
  default_backend backends
backend backends
  balance $balance
  http-reuse always
CFG
n=0
for server in "$@"; do
  n=$((n + 1))
  echo "  server b$n $server"
done
