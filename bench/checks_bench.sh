#!/usr/bin/env bash
# Precision and recall of the report compliance checks (智识, issue 5) per finding category on a
# generated corpus: `gen reports` injects labelled defects, `zhijian check --json` reads each
# document (intake) and checks it against the registry the corpus was drawn from, and
# bench/checks_score.py prints TP/FP/FN, precision, recall and the confusion table per category.
#
# Usage: bench/checks_bench.sh [ZHIJIAN_BINARY] [DATA_DIR] [TEXT_REPORTS] [SCAN_REPORTS] [DEFECTS]
#                              [SEED]
#   ZHIJIAN_BINARY  default build/zhijian
#   DATA_DIR        default: bench-checks next to the binary (registry, corpora, outputs)
#   TEXT_REPORTS    text PDFs (default 300); SCAN_REPORTS scans (default 0 = none; each page
#                   costs ~2 s of OCR)
#   DEFECTS         share of reports with one defect (default 0.6: every category gets cases)
#   SEED            corpus seed of the text PDFs (default 11); the scans use SEED + 1
# Environment: CHECK_FLAGS, extra flags of `zhijian check` (e.g. "--hints": OCR readings
# corrected against the registry, as the HTTP upload does).
# The registry is `gen registry --scale demo --seed 1 --today 2025-06-01`; the corpora are
# `gen reports` with seeds SEED (text) and SEED + 1 (scans). The reports that a duplicate-report-number
# defect repeats (`duplicate_of`) are registered in the ledger first (with their document's
# SHA-256), as the institution would have done; every report is then checked with
# --today 2025-06-01.
set -euo pipefail
BIN=$(realpath "${1:-build/zhijian}")
DATA=${2:-$(dirname "$BIN")/bench-checks}
TEXT=${3:-300}
SCANS=${4:-0}
SHARE=${5:-0.6}
SEED=${6:-11}
TODAY=2025-06-01
HERE=$(dirname "$(realpath "$0")")
mkdir -p "$DATA"
DATA=$(realpath "$DATA")
export OMP_THREAD_LIMIT=1

if [ ! -s "$DATA/registry/institutions.csv" ]; then
  "$BIN" gen registry --scale demo --seed 1 --today "$TODAY" --quiet --out "$DATA/registry" >/dev/null
fi

# run KIND DIR COUNT SEED FLAG TITLE
run() {
  local kind=$1 dir=$2 count=$3 seed=$4 flag=$5 title=$6
  rm -rf "$dir"
  "$BIN" gen reports "$flag" --registry-dir "$DATA/registry" --id-key "$DATA/id.key" --out "$dir" \
    --count "$count" --seed "$seed" --today "$TODAY" --defects "$SHARE" --quiet | tail -2
  python3 - "$dir" "$kind" >"$dir/originals.jsonl" <<'PY'
import hashlib, json, sys
d, kind = sys.argv[1:3]
labels = [json.loads(l) for l in open(f"{d}/labels.jsonl", encoding="utf-8")]
by_id = {l["id"]: l for l in labels}
names = ["institution", "report_no", "issue_date", "certificate", "client", "sample", "conclusion",
         "sampling_date", "receipt_date", "test_start_date", "test_end_date", "signatories",
         "test_lines"]
for lab in labels:
    if "duplicate_of" not in lab:
        continue
    o = by_id[lab["duplicate_of"]]
    reg = {k: o["fields"][k] for k in names if o["fields"].get(k) not in (None, "", [])}
    reg["document_sha256"] = hashlib.sha256(open(f"{d}/{o[kind]}", "rb").read()).hexdigest()
    print(json.dumps(reg, ensure_ascii=False))
PY
  if [ -s "$dir/originals.jsonl" ]; then
    "$BIN" --db "sqlite:$dir/registry.db" reports register "$dir/originals.jsonl" | tail -1
  fi
  echo "machine: $(getconf _NPROCESSORS_ONLN) cores, load $(cut -d' ' -f1-3 /proc/loadavg);" \
    "$(date -u +%Y-%m-%dT%H:%MZ)"
  local start=$SECONDS
  (cd "$dir" && "$BIN" --db "sqlite:registry.db" check --json --quiet --today "$TODAY" ${CHECK_FLAGS:-} \
    $(python3 -c "import json,sys; [print(json.loads(l)['$kind']) for l in open('labels.jsonl')]") \
    >"$dir/check.json") || true
  echo "checked in $((SECONDS - start)) s"
  python3 "$HERE/checks_score.py" "$dir/labels.jsonl" "$dir/check.json" "$kind" "$title"
}

run pdf "$DATA/text" "$TEXT" "$SEED" --pdf "text PDFs ($TEXT reports, defects $SHARE)"
if [ "$SCANS" -gt 0 ]; then
  run scan "$DATA/scan" "$SCANS" $((SEED + 1)) --scan "scans ($SCANS reports, 200-300 dpi, defects $SHARE)"
fi
