#!/usr/bin/env bash
# Accuracy and speed of report intake (智识, issue 5) on a generated corpus: field accuracy per
# field for text PDFs and for scans, median milliseconds per text PDF (target ≤ 100 ms with the
# checks) and per scanned page (target ≤ 3 s).
#
# Usage: bench/intake_bench.sh [ZHIJIAN_BINARY] [DATA_DIR] [TEXT_REPORTS] [SCAN_REPORTS]
#   ZHIJIAN_BINARY  default build/zhijian
#   DATA_DIR        default: bench-intake next to the binary; holds the demo registry (generated
#                   once), the corpora and the intake outputs
#   TEXT_REPORTS    text PDFs (default 60); SCAN_REPORTS scanned reports (default 12; 200, 250
#                   or 300 dpi each, 1-3 pages)
# The registry is `gen registry --scale demo --seed 1 --today 2025-06-01`; the corpora are
# `gen reports` with seeds 1 (text) and 2 (scans), defects 0.3. Each corpus is read by one
# `zhijian intake --json` process (one Tesseract engine, initialised on the first page: its
# ~1 s is in the first file's time; the median is unaffected). Scans are read with --hints
# against the registry the corpus was drawn from (names and standards of the report's
# institution, intake/hints.h), as a checker would. Scored by bench/intake_score.py.
set -euo pipefail
BIN=$(realpath "${1:-build/zhijian}")
DATA=${2:-$(dirname "$BIN")/bench-intake}
TEXT=${3:-60}
SCANS=${4:-12}
TODAY=2025-06-01
HERE=$(dirname "$(realpath "$0")")
mkdir -p "$DATA"
DATA=$(realpath "$DATA")
export OMP_THREAD_LIMIT=1

if [ ! -s "$DATA/registry/institutions.csv" ]; then
  "$BIN" gen registry --scale demo --seed 1 --today "$TODAY" --quiet --out "$DATA/registry" >/dev/null
fi
if [ ! -s "$DATA/text/labels.jsonl" ] || [ "$(wc -l <"$DATA/text/labels.jsonl")" -ne "$TEXT" ]; then
  "$BIN" gen reports --pdf --registry-dir "$DATA/registry" --id-key "$DATA/id.key" --out "$DATA/text" \
    --count "$TEXT" --seed 1 --today "$TODAY" --defects 0.3 --quiet | tail -3
fi
if [ ! -s "$DATA/scan/labels.jsonl" ] || [ "$(wc -l <"$DATA/scan/labels.jsonl")" -ne "$SCANS" ]; then
  "$BIN" --db "sqlite:$DATA/text/registry.db" gen reports --scan --out "$DATA/scan" \
    --count "$SCANS" --seed 2 --today "$TODAY" --defects 0.3 --quiet | tail -3
fi

echo "machine: $(getconf _NPROCESSORS_ONLN) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs);" \
  "load $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%Y-%m-%dT%H:%MZ)"
(cd "$DATA/text" && "$BIN" intake --json pdf/*.pdf >"$DATA/text-intake.jsonl") || true
python3 "$HERE/intake_score.py" "$DATA/text/labels.jsonl" "$DATA/text-intake.jsonl" pdf \
  "text PDFs ($TEXT reports)"
(cd "$DATA/scan" && "$BIN" --db "sqlite:$DATA/text/registry.db" intake --json --hints scan/r*.pdf \
  >"$DATA/scan-intake.jsonl") || true
python3 "$HERE/intake_score.py" "$DATA/scan/labels.jsonl" "$DATA/scan-intake.jsonl" scan \
  "scans ($SCANS reports, 200-300 dpi)"
