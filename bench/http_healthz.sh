#!/usr/bin/env bash
# Requests per second of GET /healthz (a database round trip included) with wrk on loopback.
# The public rate limit is switched off: this measures the server, not the limiter. Also prints
# the server's CPU time (user + system, /proc/PID/stat) per request over the run.
# Usage: bench/http_healthz.sh [ZHIJIAN_BINARY] [CONNECTIONS] [SECONDS] [PATH]
set -euo pipefail
. "$(dirname "$(realpath "$0")")/lib.sh"
BIN=${1:-build/zhijian}
CONN=${2:-64}
SECS=${3:-10}
URL_PATH=${4:-/healthz}
DIR=$(mktemp -d)
cleanup() {
  bench_stop
  rm -rf "$DIR"
}
trap cleanup EXIT
"$BIN" --db "sqlite:$DIR/zj.db" migrate >/dev/null
bench_serve "sqlite:$DIR/zj.db" "$DIR" --id-key "$DIR/id.key" --public-rate 0
echo "zhijian serve on :$PORT, wrk -t2 -c$CONN -d${SECS}s $URL_PATH ($(nproc) cores)"
before=$(bench_cpu_ticks)
wrk -t2 -c"$CONN" -d"${SECS}s" --latency "http://127.0.0.1:$PORT$URL_PATH" | tee "$DIR/wrk.txt"
after=$(bench_cpu_ticks)
bench_cpu_per_request "$before" "$after" "$DIR/wrk.txt"
