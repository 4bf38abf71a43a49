#!/usr/bin/env bash
# Requests per second of GET /healthz (a database round trip included) with wrk on loopback.
# The public rate limit is switched off: this measures the server, not the limiter. Also prints
# the server's CPU time (user + system, /proc/PID/stat) per request over the run.
# Usage: bench/http_healthz.sh [ZHIJIAN_BINARY] [CONNECTIONS] [SECONDS] [PATH]
set -euo pipefail
BIN=${1:-build/zhijian}
CONN=${2:-64}
SECS=${3:-10}
URL_PATH=${4:-/healthz}
DIR=$(mktemp -d)
cleanup() {
  [ -n "${PID:-}" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
  rm -rf "$DIR"
}
trap cleanup EXIT
"$BIN" --db "sqlite:$DIR/zj.db" migrate >/dev/null
"$BIN" --db "sqlite:$DIR/zj.db" serve --id-key "$DIR/id.key" --public-rate 0 --port 0 --port-file "$DIR/port" 2>"$DIR/server.log" >/dev/null &
PID=$!
for _ in $(seq 100); do [ -s "$DIR/port" ] && break; sleep 0.05; done
PORT=$(cat "$DIR/port")
echo "zhijian serve on :$PORT, wrk -t2 -c$CONN -d${SECS}s $URL_PATH ($(nproc) cores)"
cpu_ticks() { awk '{print $14 + $15}' "/proc/$PID/stat"; }
before=$(cpu_ticks)
wrk -t2 -c"$CONN" -d"${SECS}s" --latency "http://127.0.0.1:$PORT$URL_PATH" | tee "$DIR/wrk.txt"
after=$(cpu_ticks)
requests=$(awk '/requests in/ {print $1}' "$DIR/wrk.txt")
python3 -c "print('server CPU: %.1f us per request (%d ticks of 1/%d s, %d requests); load %s' % (($after - $before) * 1e6 / $(getconf CLK_TCK) / $requests, $after - $before, $(getconf CLK_TCK), $requests, '$(cut -d' ' -f1-3 /proc/loadavg)'))"
