#!/usr/bin/env bash
# End-to-end test of the ledger commands (issue 4): keys init, reports register (JSON Lines and
# CSV, located errors), log audit and its tamper detection (a report row or a log entry changed
# or deleted with the sqlite3 shell must fail the audit and be named), serve --log-key (QR codes,
# 503 without a key), verify --offline of a scanned PNG, and log audit --from-url.
# Usage: ledger_cli_test.sh PATH/TO/zhijian
set -uo pipefail
BIN=${1:?usage: ledger_cli_test.sh ZHIJIAN_BINARY}
DIR=$(mktemp -d)
SERVE_PID=
cleanup() {
  [ -n "$SERVE_PID" ] && kill "$SERVE_PID" 2>/dev/null
  rm -rf "$DIR"
}
trap cleanup EXIT
DB="sqlite:$DIR/zj.db"
. "$(dirname "$0")/lib.sh"
start_server() {  # start_server EXTRA_ARGS...: serve on a free port; sets PORT and SERVE_PID
  rm -f "$DIR/port"
  "$BIN" --db "$DB" serve --id-key "$DIR/id.key" --port 0 --port-file "$DIR/port" \
    --checkpoint-ms 50 "$@" >"$DIR/serve.out" 2>"$DIR/serve.err" &
  SERVE_PID=$!
  for _ in $(seq 200); do [ -s "$DIR/port" ] && break; sleep 0.05; done
  PORT=$(cat "$DIR/port" 2>/dev/null || echo 0)
}
stop_server() {
  kill -TERM "$SERVE_PID" 2>/dev/null
  wait "$SERVE_PID" 2>/dev/null
  SERVE_PID=
}

# Keys: created 0600, never overwritten.
check "keys init" "$BIN" keys init --dir "$DIR/keys" --name zj.example.cn/log
check "verifier key printed" grep -q "^zj.example.cn/log+[0-9a-f]\{8\}+" "$DIR/out"
check "signer key is 0600" test "$(stat -c %a "$DIR/keys/log.key")" = 600
refuse "keys init refuses to overwrite" 1 "key-file.exists" "$BIN" keys init --dir "$DIR/keys"
check "keys init --if-missing keeps them" "$BIN" keys init --dir "$DIR/keys" --if-missing
refuse "bad algorithm" 1 "note.unsupported-algorithm" "$BIN" keys init --dir "$DIR/k2" --algorithm rsa

# Demo institutions, one with a CMA certificate.
check "demo-init" "$BIN" --db "$DB" demo-init --password-file "$DIR/pw.json"
USCC=$(sqlite3 "$DIR/zj.db" "SELECT uscc FROM institutions WHERE region_code = '370102' ORDER BY id LIMIT 1")
OTHER=$(sqlite3 "$DIR/zj.db" "SELECT uscc FROM institutions WHERE region_code = '370202' ORDER BY id LIMIT 1")
sqlite3 "$DIR/zj.db" "INSERT INTO certificates (institution_id, number, issued_on, expires_on, status, created_at, updated_at) SELECT id, '210015340001', '2021-03-01', '2099-12-31', 'valid', 'x', 'x' FROM institutions WHERE uscc = '$USCC'; INSERT INTO certificate_status_history (certificate_id, status, effective_on, recorded_at) SELECT id, 'valid', '2021-03-01', 'x' FROM certificates WHERE number = '210015340001'"

# Registration from JSON Lines: good lines registered, bad ones located (file:line:column).
D=0000000000000000000000000000000000000000000000000000000000000000
{
  for i in $(seq 1 40); do
    printf '{"report_no":"JL-%d","issue_date":"2025-10-%02d","document_sha256":"%s","client":"委托方%d","sample":"样品","test_lines":[{"item":"铅","result":"0.0%d"}]}\n' "$i" $((i % 28 + 1)) "$D" "$i" $((i % 10))
  done
  printf '{"report_no":"JL-BAD-1","issue_date":"2099-01-01","document_sha256":"%s"}\n' "$D"
  printf '{"report_no":"JL-BAD-2", "issue_date":"2025-10-01","document_sha256":"xyz"}\n'
  printf 'not json\n'
  printf '{"institution":"%s","report_no":"JL-BAD-3","issue_date":"2025-10-01","document_sha256":"%s"}\n' "$OTHER" "$D"
} >"$DIR/reports.jsonl"
refuse "register JSONL (some refused: exit 1)" 1 "40 registered" \
  "$BIN" --db "$DB" reports register "$DIR/reports.jsonl" --institution "$USCC" --batch 16 --log-key "$DIR/keys/log.key"
check "future date located" grep -q "reports.jsonl:41:[0-9]*: error: .*report.future-issue-date" "$DIR/out"
check "bad digest located at its field" grep -q "reports.jsonl:42:52: error: .*registration.bad-field" "$DIR/out"
check "malformed JSON located" grep -q "reports.jsonl:43:1: error: .*request.malformed-json" "$DIR/out"
check "no certificate located" grep -q "reports.jsonl:44:[0-9]*: error: .*report.no-valid-certificate" "$DIR/out"
check "checkpoint published" grep -q "checkpoint: size 40" "$DIR/out"
refuse "register again: nothing new" 1 "0 registered, 40 already registered" \
  "$BIN" --db "$DB" reports register "$DIR/reports.jsonl" --institution "$USCC"
printf 'institution,report_no,issue_date,document_sha256,client,signatories,test_lines\n%s,CSV-1,2025-11-01,%s,某公司,张三;李四,"[{""item"":""镉""}]"\n%s,CSV-2,2025-11-01,%s,某公司,,\n' \
  "$USCC" "$D" "$USCC" "bad" >"$DIR/reports.csv"
refuse "register CSV" 1 "1 registered" "$BIN" --db "$DB" reports register "$DIR/reports.csv"
check "CSV error located by cell" grep -q "reports.csv:3:4: error: .*registration.bad-field" "$DIR/out"
printf 'institution,report_number\n' >"$DIR/bad.csv"
refuse "unknown CSV column" 1 "registration.unknown-field" "$BIN" --db "$DB" reports register "$DIR/bad.csv"
test "$(sqlite3 "$DIR/zj.db" 'SELECT COUNT(*) FROM reports')" = 41 && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL: 41 reports stored"; }

# The audit passes, and names what was changed behind its back.
check "log audit" "$BIN" --db "$DB" log audit --key "$DIR/keys/log.pub"
check "log audit ok" grep -q "log audit ok: .*41 entries, 1 checkpoints (signatures verified), 41 reports" "$DIR/out"
CODE=$(sqlite3 "$DIR/zj.db" "SELECT code FROM reports WHERE report_no = 'JL-7'")
LEAF=$(sqlite3 "$DIR/zj.db" "SELECT leaf_index FROM reports WHERE report_no = 'JL-7'")
sqlite3 "$DIR/zj.db" "UPDATE reports SET client = '别人' WHERE code = '$CODE'"
refuse "changed report row" 1 "entry $LEAF (report $CODE): log.report-differs: the database's client" \
  "$BIN" --db "$DB" log audit --key "$DIR/keys/log.pub"
sqlite3 "$DIR/zj.db" "UPDATE reports SET client = '委托方7' WHERE code = '$CODE'"
check "restored" "$BIN" --db "$DB" log audit --key "$DIR/keys/log.pub"
sqlite3 "$DIR/zj.db" "UPDATE reports SET issue_date = '2025-10-07' WHERE code = '$CODE'"
refuse "back-dated report" 1 "entry $LEAF (report $CODE): log.report-differs: the database's issue date" \
  "$BIN" --db "$DB" log audit --key "$DIR/keys/log.pub"
sqlite3 "$DIR/zj.db" "UPDATE reports SET issue_date = '2025-10-08' WHERE code = '$CODE'"
check "restored again" "$BIN" --db "$DB" log audit --key "$DIR/keys/log.pub"
sqlite3 "$DIR/zj.db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
cp "$DIR/zj.db" "$DIR/clean.db"
sqlite3 "$DIR/zj.db" "DELETE FROM reports WHERE code = '$CODE'"
refuse "deleted report row" 1 "entry $LEAF (report $CODE): log.report-missing" \
  "$BIN" --db "$DB" log audit --key "$DIR/keys/log.pub"
cp "$DIR/clean.db" "$DIR/zj.db"
# The 41 entries are the partial bundle 0: log_tail rows, one per entry (migration 0014).
sqlite3 "$DIR/zj.db" "DELETE FROM log_tail WHERE leaf_index = 0"
refuse "deleted entry" 1 "entry 0: log.entry-missing" "$BIN" --db "$DB" log audit --key "$DIR/keys/log.pub"
cp "$DIR/clean.db" "$DIR/zj.db"
# Byte 50 of the first entry: leaf 0.
sqlite3 "$DIR/zj.db" "UPDATE log_tail SET entry = substr(entry, 1, 50) || X'FF' || substr(entry, 52) WHERE leaf_index = 0"
refuse "changed entry" 1 "entry 0: log.leaf-hash-mismatch" "$BIN" --db "$DB" log audit --key "$DIR/keys/log.pub"
cp "$DIR/clean.db" "$DIR/zj.db"
"$BIN" keys init --dir "$DIR/other" --name zj.example.cn/log >/dev/null
refuse "another key" 1 "log.checkpoint-signature" "$BIN" --db "$DB" log audit --key "$DIR/other/log.pub"
rm -f "$DIR"/zj.db-wal "$DIR"/zj.db-shm

# Bulk registration with SQLite's rollback journal (reports register), killed -9 at random
# moments: the batch in flight is rolled back on the next open, the log audits clean, and the
# same file run again registers the rest (and only the rest).
cp "$DIR/clean.db" "$DIR/bulk.db"
BULK="sqlite:$DIR/bulk.db"
BEFORE=$(sqlite3 "$DIR/bulk.db" "SELECT COUNT(*) FROM reports")
python3 - "$DIR/bulk.jsonl" "$USCC" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    for i in range(30000):
        f.write('{"institution":"%s","report_no":"BK-%06d","issue_date":"2025-10-%02d",'
                '"document_sha256":"%064x","client":"委托方%d","sample":"样品"}\n'
                % (sys.argv[2], i, i % 28 + 1, i, i % 97))
PY
for round in 1 2 3; do
  "$BIN" --db "$BULK" reports register "$DIR/bulk.jsonl" --batch 1000 >/dev/null 2>&1 &
  BPID=$!
  sleep "0.$((RANDOM % 9 + 1))"
  kill -9 "$BPID" 2>/dev/null
  wait "$BPID" 2>/dev/null
  check "bulk round $round: audit after kill -9" "$BIN" --db "$BULK" log audit --key "$DIR/keys/log.pub"
done
check "bulk: the file run again completes" "$BIN" --db "$BULK" reports register "$DIR/bulk.jsonl" --batch 1000
check "bulk: audit after completion" "$BIN" --db "$BULK" log audit --key "$DIR/keys/log.pub"
test "$(sqlite3 "$DIR/bulk.db" 'SELECT COUNT(*) FROM reports')" = $((BEFORE + 30000)) && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL: bulk: every report once"; }
test "$(sqlite3 "$DIR/bulk.db" 'PRAGMA journal_mode')" = wal && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL: bulk: an ordinary open returns the file to WAL"; }

# serve without a key: registration works, QR codes and the key route are 503.
"$BIN" --db "$DB" user apikey admin >"$DIR/key.out" 2>&1
KEY=$(grep '^zjk_' "$DIR/key.out")
start_server
check "serve writes its port" test "$PORT" != 0
curl -s -o "$DIR/qr.json" -w '%{http_code}' -H "X-Api-Key: $KEY" "http://127.0.0.1:$PORT/api/v1/reports/$CODE/qr.svg" >"$DIR/status"
check "no key: QR is 503" grep -q 503 "$DIR/status"
check "no key: clear code" grep -q '"code":"ledger.no-log-key"' "$DIR/qr.json"
stop_server

# serve with the key: the QR PNG, scanned by zbarimg, verifies offline with the public key.
start_server --log-key "$DIR/keys/log.key" --public-url https://zj.example.cn
check "QR PNG" curl -sf -o "$DIR/qr.png" -H "X-Api-Key: $KEY" "http://127.0.0.1:$PORT/api/v1/reports/$CODE/qr.png"
check "verify --offline PNG" "$BIN" verify --offline "$DIR/qr.png" --key "$DIR/keys/log.pub"
check "verify prints the code" grep -q "code / 报告编码: *$CODE" "$DIR/out"
check "verify shows the host" grep -q "HTTPS://ZJ.EXAMPLE.CN" "$DIR/out"
TEXT=$(zbarimg --raw -q "$DIR/qr.png" 2>/dev/null)
check "verify --offline text" "$BIN" verify --offline "$TEXT" --key "$DIR/keys/log.pub"
refuse "verify with another key" 1 "qr.unknown-key" "$BIN" verify --offline "$TEXT" --key "$DIR/other/log.pub"
FORGED=$(python3 -c "import sys,base64;t=sys.argv[1];i=t.index('/V/')+3;p=bytearray(base64.b32decode(t[i:i+200]));p[30]^=1;print(t[:i]+base64.b32encode(bytes(p)).decode().rstrip('=')+t[i+200:])" "$TEXT")
refuse "verify a changed payload" 1 "qr.bad-signature" "$BIN" verify --offline "$FORGED" --key "$DIR/keys/log.pub"
printf 'the report' >"$DIR/report.pdf"
refuse "verify --document mismatch" 1 "DOCUMENT MISMATCH" "$BIN" verify --offline "$TEXT" --key "$DIR/keys/log.pub" --document "$DIR/report.pdf"
# The served log audits clean from outside; a monitor's state file carries to the next run.
check "audit --from-url" "$BIN" log audit --from-url "http://127.0.0.1:$PORT" --key "$DIR/keys/log.pub" --state "$DIR/state"
check "remote audit ok" grep -q "log audit ok: http://127.0.0.1:$PORT, 41 entries" "$DIR/out"
check "state kept" grep -q "^zj.example.cn/log$" "$DIR/state"
check "audit --from-url again" "$BIN" log audit --from-url "http://127.0.0.1:$PORT" --key "$DIR/keys/log.pub" --state "$DIR/state"
stop_server

finish
