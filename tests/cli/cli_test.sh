#!/usr/bin/env bash
# End-to-end test of the `zhijian` command: demo data, accounts, API keys, the audit chain and
# its tamper detection, errors and exit codes. Usage: cli_test.sh PATH/TO/zhijian
set -uo pipefail
BIN=${1:?usage: cli_test.sh ZHIJIAN_BINARY}
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
DB="sqlite:$DIR/zj.db"
. "$(dirname "$0")/lib.sh"

check "demo-init" "$BIN" demo-init --db "$DB" --password-file "$DIR/pw.json"
check "demo-init prints accounts" grep -q "regulator-sd" "$DIR/out"
check "demo-init is idempotent" "$BIN" --db "$DB" demo-init --password-file "$DIR/pw.json"
check "no new institutions" grep -q "(0 new)" "$DIR/out"
check "user add" "$BIN" --db "$DB" user add li.si --role regulator --region 370100 --name 李四
check "generated password printed" grep -q "^password: " "$DIR/out"
check "user list" "$BIN" --db "$DB" user list
check "scope normalised" grep -q "li.si .*regulator *3701 " "$DIR/out"
refuse "unknown region" 1 "region\." "$BIN" --db "$DB" user add wang.wu --role regulator --region 99
refuse "bad role" 1 "user.bad-role" "$BIN" --db "$DB" user add wang.wu --role king
refuse "duplicate user" 1 "user.exists" "$BIN" --db "$DB" user add li.si --role inspector --region 37
refuse "weak password" 1 "password\." sh -c "echo short | '$BIN' --db '$DB' user add zhao.liu --role inspector --region 37 --password-stdin"
check "passwd" "$BIN" --db "$DB" user passwd li.si
check "apikey" "$BIN" --db "$DB" user apikey inst-demo --name LIMS
check "apikey printed once" grep -q "^zjk_" "$DIR/out"
refuse "apikey of unknown user" 1 "user.not-found" "$BIN" --db "$DB" user apikey nobody
check "disable" "$BIN" --db "$DB" user disable li.si
refuse "usage error" 2 "" "$BIN" --db "$DB" user frobnicate
refuse "unknown option" 2 "" "$BIN" --db "$DB" user list --frobnicate
check "audit verify" "$BIN" --db "$DB" audit verify
check "audit ok" grep -q "audit trail ok" "$DIR/out"

# Tampering with a record directly in the database must be detected and named.
sqlite3 "$DIR/zj.db" "UPDATE audit_log SET actor = 'someone-else' WHERE seq = 4"
refuse "changed record" 1 "seq 4: audit.record-changed" "$BIN" --db "$DB" audit verify
sqlite3 "$DIR/zj.db" "UPDATE audit_log SET actor = 'cli' WHERE seq = 4"
check "restored" "$BIN" --db "$DB" audit verify
sqlite3 "$DIR/zj.db" "DELETE FROM audit_log WHERE seq = 7"
refuse "removed record" 1 "seq 7: audit.gap" "$BIN" --db "$DB" audit verify

# serve: listens on a free port, answers, and stops cleanly (exit 0) on SIGTERM.
"$BIN" --db "$DB" serve --id-key "$DIR/id.key" --port 0 --port-file "$DIR/port" >"$DIR/serve.out" 2>"$DIR/serve.err" &
SERVE_PID=$!
for _ in $(seq 100); do [ -s "$DIR/port" ] && break; sleep 0.05; done
check "serve writes its port" test -s "$DIR/port"
PORT=$(cat "$DIR/port" 2>/dev/null || echo 0)
check "healthz over HTTP" curl -sf "http://127.0.0.1:$PORT/healthz"
check "healthz says ok" grep -q '"status":"ok"' "$DIR/out"
check "request logged" grep -q "route=healthz status=200" "$DIR/serve.err"
refuse "port already in use" 1 "error" "$BIN" --db "$DB" serve --id-key "$DIR/id.key" --port "$PORT"
kill -TERM "$SERVE_PID"
wait "$SERVE_PID"
rc=$?
if [ "$rc" -eq 0 ] && grep -q "stopped" "$DIR/serve.err"; then pass=$((pass + 1)); else
  fail=$((fail + 1)); echo "FAIL: graceful stop on SIGTERM (exit $rc)"; cat "$DIR/serve.err"; fi

finish
