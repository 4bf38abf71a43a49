#!/usr/bin/env bash
# Time of a full data-quality run (智查, issue 6) over the province-scale generated registry
# (target: ≤ 30 s, DESIGN.md §5), with its memory.
#
# Usage: bench/quality_bench.sh [ZHIJIAN_BINARY] [DATA_DIR] [SCALE] [RUNS]
#   ZHIJIAN_BINARY  default build/zhijian (use a Release or RelWithDebInfo build)
#   DATA_DIR        default: bench-quality-SCALE next to the binary (the build directory), so the
#                   generated database is cached per build tree and reused by later runs; it
#                   holds zj.db, id.key and load.log
#   SCALE           demo | province (default) | national
#   RUNS            timed runs (default 2: the first compares with nothing stored before it, later
#                   ones with the previous run, which adds the fingerprint comparison)
# The data set is generated with a fixed seed, reference date and defect rate and loaded
# (`zhijian gen registry --load`, timed; about 5 minutes at province scale) only when zj.db is
# missing; the generated CSV files are deleted after the load. Each run is
# `zhijian quality run --today 2026-06-30 --json --quiet`; its wall time comes from /usr/bin/time
# (with the maximum resident set size), the phase times and the finding counts from the JSON.
# Every run is stored in zj.db (runs accumulate; delete zj.db to start over).
set -euo pipefail
BIN=$(realpath "${1:-build/zhijian}")
SCALE=${3:-province}
DATA=${2:-$(dirname "$BIN")/bench-quality-$SCALE}
RUNS=${4:-2}
TODAY=2026-06-30
mkdir -p "$DATA"
DATA=$(realpath "$DATA")
DB="$DATA/zj.db"
URL="sqlite:$DB"

for tool in jq /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "needs $tool" >&2; exit 2; }
done

if [ ! -s "$DB" ]; then
  echo "== generating and loading the $SCALE data set into $DB"
  start=$(date +%s.%N)
  "$BIN" --db "$URL" gen registry --scale "$SCALE" --seed 1 --today "$TODAY" --defect-rate 0.02 \
    --quiet --out "$DATA/gen" --load --id-key "$DATA/id.key" | tee "$DATA/load.log"
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" 'BEGIN {printf "generate + load: %.1f s\n", b - a}' |
    tee -a "$DATA/load.log"
  rm -rf "$DATA/gen"
fi
# A data set loaded by an older binary gets this binary's schema first.
"$BIN" --db "$URL" migrate >/dev/null
echo "== data set: $(du -h "$DB" | cut -f1) ($SCALE, seed 1, today $TODAY)"

printf '%-4s %8s %8s %8s %8s %9s %10s %8s %8s %9s\n' run wall_s load_s eval_s save_s \
  findings records new resolved maxrss_MB
for i in $(seq "$RUNS"); do
  out=$(mktemp)
  /usr/bin/time -f '%e %M' -o "$out.time" "$BIN" --db "$URL" quality run --today "$TODAY" \
    --json --quiet >"$out"
  read -r wall rss_kb <"$out.time"
  jq -r --arg wall "$wall" --arg rss "$rss_kb" --arg i "$i" '
    [$i, $wall, (.seconds.load * 10 | round / 10), (.seconds.evaluate * 10 | round / 10),
     (.seconds.save * 10 | round / 10), .findings,
     ([.entities[].records] | add), .new_findings, .resolved_findings,
     (($rss | tonumber) / 1024 | round)] | @tsv' "$out" |
    awk -F'\t' '{printf "%-4s %8s %8s %8s %8s %9s %10s %8s %8s %9s\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10}'
  if [ "$i" = "$RUNS" ]; then
    echo "== last run: snapshot ≈ $(jq '.snapshot_bytes / 1e6 | round' "$out") MB; findings per rule:"
    jq -r '.rules | to_entries | map(select(.value > 0)) | .[] | "   \(.key) \(.value)"' "$out"
  fi
  rm -f "$out" "$out.time"
done
