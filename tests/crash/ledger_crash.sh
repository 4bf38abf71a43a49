#!/usr/bin/env bash
# Crash test of the report ledger (issue 4): kill -9 the server during bulk registration over
# HTTP, ZJ_CRASH_ROUNDS times (default 20) at random moments. After each crash:
#   - every report the server acknowledged (HTTP 200 with its code) is in the database with
#     that code;
#   - `zhijian log audit` of the database is clean (tree, tiles, head, signatures, every stored
#     checkpoint consistent with the next, every report row in the log);
#   - after the restart, the checkpoint served last before the crash is consistent with the
#     new one (`zhijian log audit --from-url --state`, the monitor's view);
#   - the batch in flight at the crash, sent again, gets the same codes for what was stored
#     (idempotency across crashes).
# Usage: tests/crash/ledger_crash.sh PATH/TO/zhijian
set -uo pipefail
BIN=${1:?usage: ledger_crash.sh ZHIJIAN_BINARY}
ROUNDS=${ZJ_CRASH_ROUNDS:-20}
DIR=$(mktemp -d)
PID=
CLIENT=
cleanup() {
  [ -n "$CLIENT" ] && kill "$CLIENT" 2>/dev/null
  [ -n "$PID" ] && kill -9 "$PID" 2>/dev/null
  rm -rf "$DIR"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
DB="sqlite:$DIR/zj.db"

"$BIN" keys init --dir "$DIR/keys" --name crash.example/log >/dev/null || fail "keys init"
"$BIN" --db "$DB" demo-init --password-file "$DIR/pw.json" >/dev/null || fail "demo-init"
KEY=$("$BIN" --db "$DB" user apikey admin --name crash | grep '^zjk_') || fail "apikey"
sqlite3 "$DIR/zj.db" "INSERT INTO certificates (institution_id, number, issued_on, expires_on, status, created_at, updated_at) SELECT id, '21001534' || printf('%04d', id), '2021-01-01', '2099-12-31', 'valid', 'x', 'x' FROM institutions; INSERT INTO certificate_status_history (certificate_id, status, effective_on, recorded_at) SELECT id, 'valid', '2021-01-01', 'x' FROM certificates" || fail "certificates"
mkdir -p "$DIR/batches" "$DIR/acks"
python3 - "$DIR" <<'EOF' || fail "batches"
import hashlib, json, sqlite3, sys
d = sys.argv[1]
usccs = [r[0] for r in sqlite3.connect(d + "/zj.db").execute("SELECT uscc FROM institutions ORDER BY id")]
for b in range(4000):
    items = [{"institution": usccs[(b + i) % len(usccs)], "report_no": "K-%05d-%03d" % (b, i),
              "issue_date": "2025-%02d-%02d" % (b % 12 + 1, i % 28 + 1),
              "document_sha256": hashlib.sha256(b"%d-%d" % (b, i)).hexdigest(),
              "client": "委托方%d" % i, "sample": "样品"} for i in range(100)]
    with open("%s/batches/%05d.json" % (d, b), "w") as f:
        json.dump(items, f, ensure_ascii=False)
EOF

start_server() {
  rm -f "$DIR/port"
  "$BIN" --db "$DB" serve --id-key "$DIR/id.key" --log-key "$DIR/keys/log.key" --public-rate 0 \
    --checkpoint-every 100 --checkpoint-ms 20 --port 0 --port-file "$DIR/port" \
    >>"$DIR/serve.out" 2>>"$DIR/serve.err" &
  PID=$!
  for _ in $(seq 200); do [ -s "$DIR/port" ] && break; sleep 0.02; done
  PORT=$(cat "$DIR/port" 2>/dev/null) || fail "the server did not start"
}

# Posts batches from $1 on; a batch's response is kept only when it was acknowledged.
client() {
  local b=$1
  while [ -f "$DIR/batches/$(printf %05d "$b").json" ]; do
    local f; f=$(printf %05d "$b")
    echo "$f" >"$DIR/inflight"
    if curl -sf -m 10 -o "$DIR/acks/$f.tmp" -X POST -H "X-Api-Key: $KEY" \
      -H "Content-Type: application/json" --data-binary "@$DIR/batches/$f.json" \
      "http://127.0.0.1:$PORT/api/v1/reports/batch"; then
      mv "$DIR/acks/$f.tmp" "$DIR/acks/$f.json"
    else
      rm -f "$DIR/acks/$f.tmp"
      return
    fi
    curl -sf -m 5 -o "$DIR/checkpoint.tmp" "http://127.0.0.1:$PORT/log/checkpoint" &&
      mv "$DIR/checkpoint.tmp" "$DIR/checkpoint"
    b=$((b + 1))
  done
}

next=0
for round in $(seq 1 "$ROUNDS"); do
  start_server
  # The monitor's view: the checkpoint served before the crash is consistent with the new log.
  if [ -s "$DIR/checkpoint" ]; then
    cp "$DIR/checkpoint" "$DIR/state"
    "$BIN" log audit --from-url "http://127.0.0.1:$PORT" --key "$DIR/keys/log.pub" \
      --state "$DIR/state" >"$DIR/remote.out" 2>&1 ||
      { cat "$DIR/remote.out"; fail "round $round: the log after the restart is not consistent with the checkpoint served before the crash"; }
  fi
  # Send again the batch that was in flight at the crash: stored items keep their codes.
  inflight=$(cat "$DIR/inflight" 2>/dev/null || true)
  if [ -n "$inflight" ] && [ ! -f "$DIR/acks/$inflight.json" ]; then
    curl -sf -m 10 -o "$DIR/acks/$inflight.json" -X POST -H "X-Api-Key: $KEY" \
      -H "Content-Type: application/json" --data-binary "@$DIR/batches/$inflight.json" \
      "http://127.0.0.1:$PORT/api/v1/reports/batch" || fail "round $round: resend"
    next=$((10#$inflight + 1))
  fi
  client "$next" &
  CLIENT=$!
  sleep "$(python3 -c 'import random; print(round(random.uniform(0.2, 1.2), 3))')"
  kill -9 "$PID"
  wait "$PID" 2>/dev/null
  PID=
  wait "$CLIENT" 2>/dev/null
  CLIENT=
  last=$(ls "$DIR/acks" | grep -c json)
  next=$((10#$(cat "$DIR/inflight") + 1))
  # Every acknowledged report is stored with its code.
  python3 - "$DIR" <<'EOF' || fail "round $round: an acknowledged report is missing or changed"
import glob, json, sqlite3, sys
d = sys.argv[1]
stored = dict(sqlite3.connect(d + "/zj.db").execute("SELECT report_no, code FROM reports"))
acked = 0
for path in glob.glob(d + "/acks/*.json"):
    batch = json.load(open(d + "/batches/" + path.split("/")[-1]))
    for item, result in zip(batch, json.load(open(path))["results"]):
        if not result["ok"]:
            sys.exit("refused: %s %s" % (item["report_no"], result))
        acked += 1
        if stored.get(item["report_no"]) != result["code"]:
            sys.exit("acknowledged %s = %s, stored %s" % (item["report_no"], result["code"],
                                                           stored.get(item["report_no"])))
print(acked, "acknowledged reports all stored")
EOF
  "$BIN" --db "$DB" log audit --key "$DIR/keys/log.pub" >"$DIR/audit.out" 2>&1 ||
    { cat "$DIR/audit.out"; fail "round $round: log audit after the crash"; }
  echo "round $round: killed after $last acknowledged batches; $(grep -o '[0-9]* entries, [0-9]* checkpoints' "$DIR/audit.out"); audit clean"
done
echo "ledger crash test: $ROUNDS kill -9 rounds, no acknowledged report lost, log consistent"
