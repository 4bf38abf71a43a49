#!/usr/bin/env bash
# Bulk registration through the CLI (issue 4): `zhijian reports register FILE` of a generated
# JSONL of REPORTS registrations into a fresh SQLite database (demo institutions, each given a
# valid CMA certificate). Prints reports per second, CPU seconds, and the bytes the process
# wrote (/usr/bin/time -v "File system outputs", 512-byte blocks) per report.
# Usage: bench/ledger_cli_register.sh [ZHIJIAN_BINARY] [REPORTS] [EXTRA register OPTIONS...]
# ZJ_BENCH_KEEP=DIR keeps the database there (e.g. to look at table sizes with dbstat).
set -euo pipefail
. "$(dirname "$(realpath "$0")")/lib.sh"
BIN=${1:-build-bench/zhijian}
TOTAL=${2:-1000000}
shift 2 || true
DIR=$(mktemp -d)
DB=sqlite:$DIR/zj.db
trap 'rm -rf "$DIR"' EXIT
"$BIN" --db "$DB" demo-init --password-file "$DIR/pw.json" >/dev/null
bench_valid_certificates "$DIR/zj.db"
python3 - "$DIR" "$TOTAL" <<'PY'
import hashlib, json, sys, sqlite3
d, total = sys.argv[1], int(sys.argv[2])
con = sqlite3.connect(d + "/zj.db")
insts = con.execute("SELECT id, uscc FROM institutions ORDER BY id").fetchall()
with open(d + "/reports.jsonl", "w") as f:
    for i in range(total):
        f.write(json.dumps({
            "institution": insts[i % len(insts)][1], "report_no": "C-%09d" % i,
            "issue_date": "2025-%02d-%02d" % (i % 12 + 1, i % 28 + 1),
            "document_sha256": hashlib.sha256(b"%d" % i).hexdigest(),
            "client": "济南某食品有限公司%d" % (i % 977), "sample": "小麦粉 批号 %d" % i,
            "conclusion": "所检项目符合 GB 2762-2022 要求",
            "test_lines": [{"item": "铅", "standard": "GB 5009.12-2017", "result": "0.05",
                            "unit": "mg/kg", "limit": "≤0.2", "verdict": "合格"},
                           {"item": "镉", "standard": "GB 5009.15-2014", "result": "未检出",
                            "unit": "mg/kg", "limit": "≤0.1", "verdict": "合格"}],
            "signatories": ["张三"]}, ensure_ascii=False) + "\n")
PY
sync
echo "zhijian reports register: $TOTAL reports ($(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
/usr/bin/time -v "$BIN" --db "$DB" reports register "$DIR/reports.jsonl" "$@" \
  >"$DIR/out.txt" 2>"$DIR/time.txt" || { cat "$DIR/out.txt" "$DIR/time.txt"; exit 1; }
tail -2 "$DIR/out.txt"
python3 - "$DIR/time.txt" "$TOTAL" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
n = int(sys.argv[2])
def field(name):
    return re.search(re.escape(name) + r".*?: ([^\n]*)", t).group(1).strip()
wall = field("Elapsed (wall clock) time")
parts = [float(x) for x in wall.split(":")]
secs = sum(p * 60 ** (len(parts) - 1 - i) for i, p in enumerate(parts))
cpu = float(field("User time")) + float(field("System time"))
out = int(field("File system outputs")) * 512
print(f"{n / secs:,.0f} reports/s ({secs:.1f} s wall), CPU {cpu / n * 1e6:.1f} µs/report, "
      f"{out / n:,.0f} bytes written/report, max RSS {int(field('Maximum resident set size')) // 1024} MiB")
PY
if [ -n "${ZJ_BENCH_KEEP:-}" ]; then mkdir -p "$ZJ_BENCH_KEEP" && cp "$DIR"/zj.db* "$ZJ_BENCH_KEEP"/; fi
