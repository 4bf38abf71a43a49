#!/usr/bin/env bash
# Latency of a mix of representative registry queries through the HTTP API (issue 3: p95 ≤ 50 ms
# on SQLite at province scale), and the server's RSS afterwards.
#
# Usage: bench/registry_queries.sh [ZHIJIAN_BINARY] [DATA_DIR] [REPS] [SCALE]
#   DATA_DIR (default var/bench-registry) holds zj.db and id.key; the data set is generated and
#   loaded (`zhijian gen registry --scale SCALE --load`, timed) only when zj.db is missing, and
#   the generated import files are deleted after the load. SCALE defaults to province.
#   REPS (default 30) timed requests per query, after 3 warm-up requests.
#
# One regulator session (region 37, Shandong) sends every request sequentially over one
# keep-alive connection (curl, one process per query); a sample is curl's time_total, so it
# includes the HTTP round trip on loopback, JSON rendering and the SQL. Percentiles are nearest
# rank. Query values (names, numbers, items) are read from the database with sqlite3 so that
# every query has matches. Every request must answer 200, or the script fails.
#
# PostgreSQL: ZJ_BENCH_DB_URL=postgresql://... (a database already loaded, e.g. with
# `zhijian --db URL gen registry --scale province --load`); values are then read with psql and
# DATA_DIR holds only id.key.
set -euo pipefail
. "$(dirname "$(realpath "$0")")/lib.sh"
BIN=$(realpath "${1:-build/zhijian}")
DATA=${2:-var/bench-registry}
REPS=${3:-30}
SCALE=${4:-province}
mkdir -p "$DATA"
DATA=$(realpath "$DATA")
DB="$DATA/zj.db"
URL=${ZJ_BENCH_DB_URL:-sqlite:$DB}
PG=0
[[ "$URL" == postgres* ]] && PG=1
WORK=$(mktemp -d)
cleanup() {
  bench_stop
  rm -rf "$WORK"
}
trap cleanup EXIT

if [ "$PG" = 1 ]; then
  q() { psql "$URL" -XAt -c "$1"; }
else
  q() { sqlite3 "$DB" "$1"; }
fi
for tool in $([ "$PG" = 1 ] && echo psql || echo sqlite3) curl jq; do
  command -v "$tool" >/dev/null || { echo "needs $tool" >&2; exit 2; }
done

if [ "$PG" = 0 ] && [ ! -s "$DB" ]; then
  echo "== generating and loading the $SCALE data set into $DB"
  start=$(date +%s.%N)
  "$BIN" --db "$URL" gen registry --scale "$SCALE" --seed 1 --quiet --out "$DATA/gen" --load \
    --id-key "$DATA/id.key" | tee "$DATA/load.log"
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" 'BEGIN {printf "generate + load: %.1f s\n", b - a}' |
    tee -a "$DATA/load.log"
  rm -rf "$DATA/gen"
fi
SIZE=$([ "$PG" = 1 ] && q "SELECT pg_size_pretty(pg_database_size(current_database()))" ||
  du -h "$DB" | cut -f1)
echo "== data set ($([ "$PG" = 1 ] && echo PostgreSQL || echo SQLite)): $SIZE $(q "SELECT (SELECT \
COUNT(*) FROM institutions) || ' institutions, ' || (SELECT COUNT(*) FROM capabilities) || \
' capability rows, ' || (SELECT COUNT(*) FROM standards) || ' standards'")"

# A data set loaded by an older binary gets this binary's schema (indexes) first.
"$BIN" --db "$URL" migrate >/dev/null
PASSWORD=Qx7-latency-probe-2026
if ! q "SELECT 1 FROM users WHERE username = 'bench'" | grep -q 1; then
  echo "$PASSWORD" | "$BIN" --db "$URL" user add bench --role regulator --region 37 \
    --password-stdin >/dev/null
fi

bench_serve "$URL" "$WORK" --id-key "$DATA/id.key" --public-rate 0
curl -sf -c "$WORK/cookies" -H 'Content-Type: application/json' \
  -d "{\"username\":\"bench\",\"password\":\"$PASSWORD\"}" "$BASE/api/v1/auth/login" >/dev/null

# ---- query values, read from the data -------------------------------------------------------
enc() { jq -rn --arg v "$1" '$v|@uri'; }
# A typical institution in Shandong: the median id among those with capability rows.
INST=$(q "SELECT id FROM institutions WHERE region_code LIKE '37%' AND EXISTS (SELECT 1 FROM \
capabilities k WHERE k.institution_id = institutions.id) ORDER BY id LIMIT 1 OFFSET (SELECT \
COUNT(*)/2 FROM institutions WHERE region_code LIKE '37%')")
USCC=$(q "SELECT uscc FROM institutions WHERE id = $INST")
CERT=$(q "SELECT number FROM certificates WHERE institution_id = $INST LIMIT 1")
# Two characters of a name: a common substring (e.g. 检测) and a rarer one from this name.
NAME_COMMON=检测
NAME_RARE=$(q "SELECT substr(name, 3, 2) FROM institutions WHERE id = $INST")
CITY=$(q "SELECT substr(region_code, 1, 4) FROM institutions WHERE id = $INST")
COUNTY=$(q "SELECT region_code FROM institutions WHERE id = $INST")
if [ "$PG" = 1 ]; then
  DOMAIN=$(q "SELECT split_part(domains, '|', 2) FROM institutions WHERE id = $INST")
else
  DOMAIN=$(q "SELECT substr(domains, 2, instr(substr(domains, 2), '|') - 1) FROM institutions \
WHERE id = $INST")
fi
# The most frequent item, and a lead item with its most frequent standard (GB 5009.12 if present).
ITEM=$(q "SELECT item FROM capabilities WHERE item <> '' GROUP BY item ORDER BY COUNT(*) DESC \
LIMIT 1")
PARAM=$(q "SELECT parameter FROM capabilities WHERE parameter <> '' GROUP BY parameter ORDER BY \
COUNT(*) DESC LIMIT 1")
STD_ITEM=$(q "SELECT item FROM capabilities WHERE standard_key = 'GB 5009.12' GROUP BY item ORDER \
BY COUNT(*) DESC LIMIT 1")
STD_NO=$(q "SELECT standard_no FROM capabilities WHERE standard_key = 'GB 5009.12' GROUP BY \
standard_no ORDER BY COUNT(*) DESC LIMIT 1")
if [ -z "$STD_NO" ]; then
  STD_NO=$(q "SELECT standard_no FROM capabilities GROUP BY standard_no ORDER BY COUNT(*) DESC \
LIMIT 1")
  STD_ITEM=$(q "SELECT item FROM capabilities WHERE standard_no = '$STD_NO' GROUP BY item ORDER \
BY COUNT(*) DESC LIMIT 1")
fi
STD_KEY=$(q "SELECT standard_key FROM capabilities WHERE standard_no = '$STD_NO' LIMIT 1")
# Standard name: the specific part of the title (after the last space: 食品中铅的测定), and a
# broad prefix that matches a whole family (食品安全).
STD_NAME=$(q "SELECT name FROM standards WHERE number = '$STD_NO'")
STD_NAME_BROAD=$(q "SELECT substr(name, 1, 4) FROM standards WHERE number = '$STD_NO'")
[ -n "$STD_NAME_BROAD" ] || STD_NAME_BROAD=食品安全
STD_NAME=${STD_NAME##* }
[ -n "$STD_NAME" ] || STD_NAME=铅的测定
AS_OF=$(date +%Y-%m-%d)
echo "== values: institution $INST ($USCC, $CERT), name '$NAME_RARE', city $CITY, county \
$COUNTY, domain '$DOMAIN', item '$ITEM', parameter '$PARAM', standard '$STD_NO' / '$STD_KEY' \
('$STD_NAME' / '$STD_NAME_BROAD'), item by standard '$STD_ITEM', as of $AS_OF"

R=/api/v1/registry
I="$R/institutions?limit=20"
# Second page of the default listing: the cursor from the first page.
CURSOR=$(curl -sf -b "$WORK/cookies" "$BASE$I&region=37" | jq -r .next_cursor)
QUERIES=(
  "list all (region 37, by name)|$I&region=37"
  "name substring, common|$I&name=$(enc "$NAME_COMMON")"
  "name substring, rare|$I&name=$(enc "$NAME_RARE")"
  "USCC|$I&uscc=$USCC"
  "certificate number|$I&certificate_no=$CERT"
  "certificate valid on date|$I&valid_on=$AS_OF"
  "region prefix, city|$I&region=$CITY"
  "region prefix, county|$I&region=$COUNTY"
  "domain|$I&domain=$(enc "$DOMAIN")"
  "national centre|$I&national_centre=true"
  "capability item|$I&item=$(enc "$ITEM")"
  "standard number with year|$I&standard_no=$(enc "$STD_NO")"
  "standard number without year|$I&standard_no=$(enc "$STD_KEY")"
  "standard name substring, specific|$I&standard_name=$(enc "$STD_NAME")"
  "standard name substring, broad|$I&standard_name=$(enc "$STD_NAME_BROAD")"
  "penalties in a period|$I&penalties_from=2024-01-01&penalties_to=2025-12-31"
  "on a credit list|$I&credit_list=any"
  "combined: city+domain+item+valid|$I&region=$CITY&domain=$(enc "$DOMAIN")&item=$(enc \
"$STD_ITEM")&as_of=$AS_OF"
  "combined: std no year+valid, by expiry|$I&standard_no=$(enc "$STD_KEY")&valid_on=$AS_OF&sort=expiry"
  "sort by region desc|$I&sort=region&order=desc"
  "sort by certificate expiry|$I&sort=expiry"
  "sort by capability count desc|$I&sort=capabilities&order=desc"
  "second page (cursor)|$I&region=37&cursor=$CURSOR"
  "cross-search item+std+region+date|$R/capabilities?item=$(enc "$STD_ITEM")&standard_no=$(enc \
"$STD_NO")&region=37&as_of=$AS_OF"
  "cross-search item, city|$R/capabilities?item=$(enc "$ITEM")&region=$CITY"
  "portrait|$R/institutions/$INST"
  "standards of an institution|$R/institutions/$INST/standards"
  "abolished standards listed|$R/abolished-standards?as_of=$AS_OF"
  "abolished standards, city|$R/abolished-standards?as_of=$AS_OF&region=$CITY"
  "public lookup by name|/api/v1/public/institutions?name=$(enc "$NAME_RARE")"
  "public lookup by certificate|/api/v1/public/institutions?certificate_no=$CERT"
)

# The parameter dimension only when the data has parameter values (the generator writes none).
if [ -n "$PARAM" ]; then
  QUERIES+=("capability parameter|$I&parameter=$(enc "$PARAM")")
  QUERIES+=("cross-search parameter, city|$R/capabilities?parameter=$(enc "$PARAM")&region=$CITY")
fi

# ---- measurement ----------------------------------------------------------------------------
# pct FILE P: nearest-rank percentile of the numbers in FILE (one per line), in ms.
pct() { sort -g "$1" | awk -v p="$2" '{a[NR]=$1} END {i=int((p*NR+99)/100); if (i<1) i=1; \
printf "%.1f", a[i]*1000}'; }
: >"$WORK/all"
printf '%-38s %8s %8s %8s %8s %s\n' query p50_ms p95_ms max_ms bytes status
for entry in "${QUERIES[@]}"; do
  label=${entry%%|*}
  path=${entry#*|}
  cfg="$WORK/curl.cfg"
  : >"$cfg"
  for _ in $(seq $((REPS + 3))); do printf 'url = "%s"\noutput = /dev/null\n' "$BASE$path" >>"$cfg"; done
  curl -s -b "$WORK/cookies" --max-time 60 -K "$cfg" \
    -w '%{http_code} %{time_total} %{size_download}\n' >"$WORK/out"
  tail -n "$REPS" "$WORK/out" | awk '{print $2}' >"$WORK/t"
  codes=$(awk '{print $1}' "$WORK/out" | sort -u | tr '\n' ' ')
  bytes=$(tail -n 1 "$WORK/out" | awk '{print $3}')
  cat "$WORK/t" >>"$WORK/all"
  printf '%-38s %8s %8s %8s %8s %s\n' "$label" "$(pct "$WORK/t" 50)" "$(pct "$WORK/t" 95)" \
    "$(pct "$WORK/t" 100)" "$bytes" "$codes"
  if [ "$codes" != "200 " ]; then
    echo "FAILED: $label answered $codes ($BASE$path)" >&2
    exit 1
  fi
done
echo "== ${#QUERIES[@]} queries x $REPS: overall p50 $(pct "$WORK/all" 50) ms, p95 \
$(pct "$WORK/all" 95) ms, p99 $(pct "$WORK/all" 99) ms, max $(pct "$WORK/all" 100) ms"
grep -E 'VmRSS|VmHWM' "/proc/$PID/status" | tr -s ' \t' ' ' | sed 's/^/== server /'
