#!/usr/bin/env bash
# Batched report registration over HTTP (issue 4): POST /api/v1/reports/batch with an
# administrator's API key, 1,000 reports per request, PARALLEL requests at a time, into a fresh
# SQLite database (or --db URL), server on loopback. Prints reports per second, and how many of
# them the arrival checks (issue 5, on by default) had checked when the last batch returned.
# Usage: bench/ledger_http_register.sh [ZHIJIAN_BINARY] [REPORTS] [PARALLEL] [DB_URL]
# ZJ_SERVE_ARGS adds options to `serve`, e.g. ZJ_SERVE_ARGS=--no-arrival-checks.
set -euo pipefail
. "$(dirname "$(realpath "$0")")/lib.sh"
BIN=${1:-build/zhijian}
TOTAL=${2:-200000}
PAR=${3:-2}
DIR=$(mktemp -d)
DB=${4:-sqlite:$DIR/zj.db}
cleanup() {
  bench_stop
  rm -rf "$DIR"
}
trap cleanup EXIT
"$BIN" --db "$DB" demo-init --password-file "$DIR/pw.json" >/dev/null
# A valid CMA certificate for each demo institution (the registration rule).
"$BIN" --db "$DB" user apikey admin --name bench | grep '^zjk_' >"$DIR/key"
bench_valid_certificates "${DB#sqlite:}"
python3 - "$DB" "$DIR" "$TOTAL" <<'EOF'
import hashlib, json, sys, sqlite3
db, d, total = sys.argv[1], sys.argv[2], int(sys.argv[3])
assert db.startswith("sqlite:"), "the generator reads institutions from SQLite"
con = sqlite3.connect(db[len("sqlite:"):])
insts = con.execute("SELECT id, uscc FROM institutions ORDER BY id").fetchall()
for b in range((total + 999) // 1000):
    items = []
    for i in range(b * 1000, min(total, (b + 1) * 1000)):
        items.append({"institution": insts[i % len(insts)][1], "report_no": "H-%08d" % i,
                      "issue_date": "2025-%02d-%02d" % (i % 12 + 1, i % 28 + 1),
                      "document_sha256": hashlib.sha256(b"%d" % i).hexdigest(),
                      "client": "济南某食品有限公司%d" % (i % 977), "sample": "小麦粉 批号 %d" % i,
                      "conclusion": "所检项目符合要求",
                      "test_lines": [{"item": "铅", "standard": "GB 5009.12-2017",
                                      "result": "0.05", "unit": "mg/kg", "limit": "≤0.2",
                                      "verdict": "合格"}]})
    with open("%s/batch-%05d.json" % (d, b), "w") as f:
        json.dump(items, f, ensure_ascii=False)
EOF
bench_serve "$DB" "$DIR" --id-key "$DIR/id.key" --public-rate 0 --body-limit 4194304 ${ZJ_SERVE_ARGS:-}
KEY=$(cat "$DIR/key")
echo "zhijian serve on :$PORT; $TOTAL reports in batches of 1,000, $PAR requests at a time ($(nproc) cores)"
START=$(date +%s.%N)
ls "$DIR"/batch-*.json | xargs -P "$PAR" -I{} curl -sf -o /dev/null -X POST \
  -H "X-Api-Key: $KEY" -H "Content-Type: application/json" --data-binary @{} \
  "http://127.0.0.1:$PORT/api/v1/reports/batch"
END=$(date +%s.%N)
CHECKED=$(sqlite3 "${DB#sqlite:}" "SELECT COUNT(*) FROM report_checks" 2>/dev/null || echo "?")
COUNT=$("$BIN" --db "$DB" log audit >/dev/null 2>&1 && sqlite3 "${DB#sqlite:}" "SELECT COUNT(*) FROM reports" 2>/dev/null || echo "?")
python3 -c "import sys; t=float(sys.argv[2])-float(sys.argv[1]); n=int(sys.argv[3]); print('%d reports in %.2f s: %.0f reports/s' % (n, t, n/t))" "$START" "$END" "$TOTAL"
echo "stored reports: $COUNT; checked on arrival by the end of registration: $CHECKED"
