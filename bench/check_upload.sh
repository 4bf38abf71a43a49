#!/usr/bin/env bash
# End-to-end latency of report documents through POST /api/v1/checks (issue 5, multipart upload):
# one text PDF and one scanned PDF, each uploaded REPS times (after 2 warm-up uploads), as a
# regulator of region 37 on the demo data set.
#
# Usage: bench/check_upload.sh [ZHIJIAN_BINARY] [DEMO_DIR] [REPS]
#   DEMO_DIR (default var/bench-checks) holds zj.db and the sample reports: made with
#   `zhijian demo-init --registry-dir DEMO_DIR/registry --samples-dir DEMO_DIR/samples` when
#   missing. REPS defaults to 30.
#
# A sample is curl's time_total for one request on a fresh connection (multipart body built by
# curl -F, "Expect:" suppressed): upload on loopback, multipart parsing, intake (poppler text
# layer, or rendering + Tesseract OCR), the registry facts query, the rules and the JSON answer.
# Nothing is stored (documents default to store=false). Every answer must be 200 with the
# document read ("ok": true), or the script fails. Percentiles are nearest rank.
set -euo pipefail
. "$(dirname "$(realpath "$0")")/lib.sh"
BIN=$(realpath "${1:-build/zhijian}")
DATA=${2:-var/bench-checks}
REPS=${3:-30}
mkdir -p "$DATA"
DATA=$(realpath "$DATA")
URL="sqlite:$DATA/zj.db"
WORK=$(mktemp -d)
cleanup() {
  bench_stop
  rm -rf "$WORK"
}
trap cleanup EXIT
for tool in curl jq; do command -v "$tool" >/dev/null || { echo "needs $tool" >&2; exit 2; }; done

if [ ! -s "$DATA/samples/labels.jsonl" ]; then
  echo "== demo-init with sample reports into $DATA"
  "$BIN" --db "$URL" demo-init --password-file "$DATA/pw.json" --registry-dir "$DATA/registry" \
    --id-key "$DATA/id.key" --samples-dir "$DATA/samples" | tail -3
fi
PASSWORD=Qx7-upload-probe-2026
if ! "$BIN" --db "$URL" user list 2>/dev/null | grep -q '^bench-checks\b'; then
  echo "$PASSWORD" | "$BIN" --db "$URL" user add bench-checks --role regulator --region 37 \
    --password-stdin >/dev/null 2>&1 || true
fi
bench_serve "$URL" "$WORK" --id-key "$DATA/id.key" --public-rate 0 --no-arrival-checks
curl -sf -c "$WORK/cookies" -H 'Content-Type: application/json' \
  -d "{\"username\":\"bench-checks\",\"password\":\"$PASSWORD\"}" "$BASE/api/v1/auth/login" >/dev/null

measure() {  # name file
  local name=$1 file=$2 out="$WORK/$1.times"
  : >"$out"
  for i in $(seq $((REPS + 2))); do
    t=$(curl -s -b "$WORK/cookies" -H 'Expect:' -F "file=@$file" -o "$WORK/answer.json" \
      -w '%{http_code} %{time_total}' "$BASE/api/v1/checks")
    [ "${t%% *}" = 200 ] || { echo "$name: HTTP ${t%% *}" >&2; cat "$WORK/answer.json" >&2; exit 1; }
    [ "$(jq -r '.results[0].ok' "$WORK/answer.json")" = true ] ||
      { echo "$name: not read" >&2; cat "$WORK/answer.json" >&2; exit 1; }
    [ "$i" -gt 2 ] && echo "${t#* }" >>"$out"
  done
  local findings source
  findings=$(jq '.results[0].findings | length' "$WORK/answer.json")
  source=$(jq -r '.results[0].document.source' "$WORK/answer.json")
  sort -n "$out" | awk -v name="$name" -v f="$findings" -v s="$source" -v size="$(stat -c %s "$file")" '
    { v[NR] = $1 }
    END {
      i50 = int((NR * 50 + 99) / 100); i95 = int((NR * 95 + 99) / 100)
      printf "%-9s %s, %d bytes, %d findings: n=%d  median %.0f ms  p95 %.0f ms  min %.0f ms  max %.0f ms\n",
        name, s, size, f, NR, v[i50] * 1000, v[i95] * 1000, v[1] * 1000, v[NR] * 1000
    }'
}
PDF=$(ls "$DATA"/samples/pdf/*.pdf | head -1)
SCAN=$(ls "$DATA"/samples/scan/*.pdf | head -1)
echo "== $REPS uploads each to $BASE (binary $BIN; load average $(cut -d' ' -f1-3 /proc/loadavg))"
measure text-pdf "$PDF"
measure scan "$SCAN"
