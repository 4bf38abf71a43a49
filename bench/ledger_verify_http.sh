#!/usr/bin/env bash
# Public verification over HTTP (issue 4): GET /api/v1/public/verify/{code} with wrk on
# loopback (64 connections by default), public rate limit off, a log of REPORTS reports with a
# published checkpoint; each request looks up the report, its events, certificate history, the
# latest checkpoint and an inclusion proof per event. Codes rotate over 1,000 reports (a Lua
# script), so no single row stays hot. Prints wrk's figures and the response size; then, in the
# same run, nginx (Debian's, 2 worker processes like our 2 I/O threads, access log off) serving
# a static file holding one such response, with the same wrk settings, and our requests/s as a
# ratio of nginx's. The server runs without arrival checks (--no-arrival-checks): otherwise its
# background thread would be checking the reports just registered during the run, and that CPU
# time would count as the requests'. Also prints the server's CPU time (user + system, from
# /proc/PID/stat) per request over the wrk run, which depends much less on other load on the
# machine than requests/s.
# Usage: bench/ledger_verify_http.sh [ZHIJIAN_BINARY] [CONNECTIONS] [SECONDS] [REPORTS]
set -euo pipefail
. "$(dirname "$(realpath "$0")")/lib.sh"
BIN=${1:-build/zhijian}
CONN=${2:-64}
SECS=${3:-10}
REPORTS=${4:-20000}
DIR=$(mktemp -d)
cleanup() {
  bench_stop
  [ -s "$DIR/nginx.pid" ] && kill "$(cat "$DIR/nginx.pid")" 2>/dev/null
  rm -rf "$DIR"
}
trap cleanup EXIT
"$BIN" keys init --dir "$DIR/keys" >/dev/null
"$BIN" --db "sqlite:$DIR/zj.db" demo-init --password-file "$DIR/pw.json" >/dev/null
bench_valid_certificates "$DIR/zj.db"
python3 - "$DIR" "$REPORTS" <<'PY'
import hashlib, json, sqlite3, sys
d, n = sys.argv[1], int(sys.argv[2])
con = sqlite3.connect(d + "/zj.db")
insts = con.execute("SELECT id, uscc FROM institutions ORDER BY id").fetchall()
con.commit()
with open(d + "/reports.jsonl", "w") as f:
    for i in range(n):
        f.write(json.dumps({"institution": insts[i % len(insts)][1], "report_no": "V-%07d" % i,
                            "issue_date": "2025-%02d-%02d" % (i % 12 + 1, i % 28 + 1),
                            "document_sha256": hashlib.sha256(b"%d" % i).hexdigest(),
                            "client": "委托方", "sample": "样品"}, ensure_ascii=False) + "\n")
PY
"$BIN" --db "sqlite:$DIR/zj.db" reports register "$DIR/reports.jsonl" --log-key "$DIR/keys/log.key" >/dev/null
sqlite3 "$DIR/zj.db" "SELECT code FROM reports ORDER BY random() LIMIT 1000" >"$DIR/codes"
{
  echo 'codes = {}'
  while read -r c; do echo "codes[#codes + 1] = \"$c\""; done <"$DIR/codes"
  echo 'i = 0'
  echo 'request = function() i = i % #codes + 1; return wrk.format("GET", "/api/v1/public/verify/" .. codes[i]) end'
} >"$DIR/rotate.lua"
bench_serve "sqlite:$DIR/zj.db" "$DIR" --id-key "$DIR/id.key" --log-key "$DIR/keys/log.key" --public-rate 0 \
  --no-arrival-checks
mkdir -p "$DIR/www"
curl -s "http://127.0.0.1:$PORT/api/v1/public/verify/$(head -1 "$DIR/codes")" >"$DIR/www/verify.json"
chmod a+rx "$DIR" "$DIR/www" && chmod a+r "$DIR/www/verify.json"  # nginx workers drop root
echo "response: $(wc -c <"$DIR/www/verify.json") bytes"
echo "== zhijian: wrk -t2 -c$CONN -d${SECS}s, $REPORTS reports, 1,000 codes rotating ($(nproc) cores)"
before=$(bench_cpu_ticks)
wrk -t2 -c"$CONN" -d"${SECS}s" --latency -s "$DIR/rotate.lua" "http://127.0.0.1:$PORT" | tee "$DIR/ours.txt"
after=$(bench_cpu_ticks)
bench_cpu_per_request "$before" "$after" "$DIR/ours.txt"

NGINX=${NGINX:-/usr/sbin/nginx}
if [ ! -x "$NGINX" ]; then
  echo "nginx not found ($NGINX): no baseline" >&2
  exit 0
fi
NPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$DIR/nginx-tmp"
cat >"$DIR/nginx.conf" <<CONF
worker_processes 2;
pid $DIR/nginx.pid;
error_log $DIR/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $DIR/nginx-tmp;
  proxy_temp_path $DIR/nginx-tmp;
  fastcgi_temp_path $DIR/nginx-tmp;
  uwsgi_temp_path $DIR/nginx-tmp;
  scgi_temp_path $DIR/nginx-tmp;
  types { application/json json; }
  server {
    listen 127.0.0.1:$NPORT;
    root $DIR/www;
  }
}
CONF
"$NGINX" -c "$DIR/nginx.conf" -p "$DIR" -e "$DIR/nginx-error.log"
for _ in $(seq 100); do [ -s "$DIR/nginx.pid" ] && break; sleep 0.05; done
echo "== nginx $("$NGINX" -v 2>&1 | sed 's/.*\///'): the same response as a static file, same wrk settings"
wrk -t2 -c"$CONN" -d"${SECS}s" --latency "http://127.0.0.1:$NPORT/verify.json" | tee "$DIR/nginx.txt"
if grep -q 'Non-2xx' "$DIR/nginx.txt"; then
  echo "nginx answered errors: see $DIR/nginx-error.log" >&2
  cat "$DIR/nginx-error.log" >&2
  exit 1
fi
ours=$(awk '/^Requests\/sec/ {print $2}' "$DIR/ours.txt")
theirs=$(awk '/^Requests\/sec/ {print $2}' "$DIR/nginx.txt")
python3 -c "print('zhijian verify / nginx static: %.2f (%s / %s requests/s)' % ($ours / $theirs, '$ours', '$theirs'))"
