#!/usr/bin/env bash
# End-to-end test of `zhijian check` (issue 5): JSON and JSON Lines reports against the registry,
# the findings with their basis in text and JSON, located errors (the batch goes on), documents
# refused until intake is wired in, exit codes (0, 1, 3 with --fail-on), --store (audited), and
# --pending for reports registered with `zhijian reports register`.
# Usage: check_cli_test.sh PATH/TO/zhijian
set -uo pipefail
BIN=${1:?usage: check_cli_test.sh ZHIJIAN_BINARY}
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
DB="sqlite:$DIR/zj.db"
. "$(dirname "$0")/lib.sh"

check "demo-init" "$BIN" --db "$DB" demo-init --password-file "$DIR/pw.json"
# The Jinan demo institution: a valid certificate with 铅 (GB 5009.12-2017) in scope and one
# signatory, 张明 (食品).
sqlite3 "$DIR/zj.db" <<'EOF'
INSERT INTO certificates (institution_id, number, issued_on, expires_on, status, created_at, updated_at)
  SELECT id, '211534110001', '2021-03-01', '2099-12-31', 'valid', 'x', 'x' FROM institutions
  WHERE region_code = '370102' ORDER BY id LIMIT 1;
INSERT INTO capabilities (certificate_id, institution_id, category, object, item, standard_no,
  standard_key, valid_from, created_at, updated_at)
  SELECT id, institution_id, '食品', '蔬菜', '铅', 'GB 5009.12-2017', 'GB 5009.12', '2021-03-01', 'x', 'x'
  FROM certificates WHERE number = '211534110001';
INSERT INTO people (institution_id, name, id_hash, roles, created_at, updated_at)
  SELECT institution_id, '张明', 'aa', '|授权签字人|', 'x', 'x' FROM certificates WHERE number = '211534110001';
INSERT INTO signatory_fields (person_id, field, authorized_from)
  SELECT id, '食品', '2021-03-01' FROM people WHERE name = '张明';
EOF
USCC=$(sqlite3 "$DIR/zj.db" "SELECT uscc FROM institutions WHERE region_code = '370102' ORDER BY id LIMIT 1")
report() {  # report NO SIGNER ITEM: one report as a JSON object
  printf '{"institution":"%s","report_no":"%s","issue_date":"2025-11-20","sampling_date":"2025-11-01","receipt_date":"2025-11-02","test_start_date":"2025-11-04","test_end_date":"2025-11-10","document_sha256":"%064d","client":"济南某食品有限公司","sample":"菠菜","conclusion":"所检项目符合要求","signatories":["%s"],"test_lines":[{"item":"%s","standard":"GB 5009.12-2017","result":"0.05","unit":"mg/kg","limit":"≤0.3","verdict":"合格"}]}' \
    "$USCC" "$1" "${#1}" "$2" "$3"
}
report CLI-1 张明 铅 >"$DIR/clean.json"
report CLI-2 李华 汞 >"$DIR/bad.json"
{ report CLI-3 张明 铅; echo; echo 'not json'; report CLI-4 张明 铅 | sed 's/"report_no":"CLI-4",//'; echo; } >"$DIR/mixed.jsonl"
: >"$DIR/scan.pdf"

check "a clean report" "$BIN" --db "$DB" check "$DIR/clean.json"
check "no findings" grep -q "CLI-1 .* 0 findings" "$DIR/out"
refuse "findings with --fail-on error exit 3" 3 "out-of-scope.item" \
  "$BIN" --db "$DB" check "$DIR/bad.json" --fail-on error
check "evidence and basis printed" grep -q "依据 (2025-11-20): 《检验检测机构资质认定管理办法》" "$DIR/out"
check "2025 numbering of Order 39" grep -q "Art. 12" "$DIR/out"
refuse "a bad line is located, the batch goes on" 1 "mixed.jsonl:2: error: malformed JSON" \
  "$BIN" --db "$DB" check "$DIR/mixed.jsonl"
check "the good lines were checked" grep -q "mixed.jsonl:1  CLI-3" "$DIR/out"
check "a report without its number is refused" grep -q "mixed.jsonl:3: .*registration.missing-field" "$DIR/out"
refuse "an empty document is refused with intake's reason" 1 "intake.empty" \
  "$BIN" --db "$DB" check "$DIR/scan.pdf"
# A generated report PDF goes through intake and the same checks (against this small registry
# its institution is unknown: findings, exit 3).
check "gen registry" "$BIN" gen registry --scale demo --seed 1 --quiet --out "$DIR/reg"
check "gen reports --pdf" "$BIN" gen reports --pdf --registry-dir "$DIR/reg" --out "$DIR/corpus" \
  --count 2 --seed 3
PDF=$(ls "$DIR"/corpus/pdf/*.pdf | head -1)
"$BIN" --db "$DB" check "$PDF" --json >"$DIR/pdf.json" 2>"$DIR/pdf.err"
rc=$?
if [ "$rc" -eq 0 ] || [ "$rc" -eq 3 ]; then pass=$((pass + 1)); else
  fail=$((fail + 1)); echo "FAIL: a generated PDF is checked (exit $rc)"; cat "$DIR/pdf.err"; fi
check "the PDF's report number was read and checked" python3 - "$DIR/pdf.json" "$DIR/corpus/labels.jsonl" <<'EOF'
import json, sys
o = json.load(open(sys.argv[1]))
labels = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
numbers = {l["fields"]["report_no"] for l in labels if "fields" in l and "report_no" in l["fields"]}
read = [r["report_no"] for r in o["reports"]]
assert read and read[0] in numbers, (read, numbers)
EOF
refuse "unknown file type" 1 "checks.unknown-file-type" "$BIN" --db "$DB" check "$DIR/pw.json.txt"
check "JSON output" sh -c "'$BIN' --db '$DB' check '$DIR/bad.json' '$DIR/clean.json' --json >'$DIR/out.json'"
check "JSON findings" python3 - "$DIR/out.json" <<'EOF'
import json, sys
o = json.load(open(sys.argv[1]))
rules = [f["rule"] for f in o["reports"][0]["findings"]]
assert rules == ["out-of-scope.item", "signatory-unauthorized.not-signatory"], rules
f = o["reports"][0]["findings"][1]
assert f["basis"][0]["regulation"] == "SAMR-39" and f["basis"][0]["version"] == "2025", f
assert o["reports"][1]["findings"] == [] and o["totals"]["checked"] == 2, o["totals"]
assert o["reports"][0]["check_id"] == 0 and o["exit_code"] == 0
EOF
check "nothing stored without --store" test "$(sqlite3 "$DIR/zj.db" 'SELECT COUNT(*) FROM report_checks')" = 0
check "--store" "$BIN" --db "$DB" check "$DIR/bad.json" --store
check "stored with its findings" test "$(sqlite3 "$DIR/zj.db" 'SELECT COUNT(*) FROM report_findings')" = 2
check "audited" test "$(sqlite3 "$DIR/zj.db" "SELECT COUNT(*) FROM audit_log WHERE action = 'report.check'")" = 1
check "audit chain intact" "$BIN" --db "$DB" audit verify

# Registered without a server: checked by --pending, once.
{ report REG-1 李华 铅; echo; report REG-2 张明 铅; echo; } >"$DIR/reg.jsonl"
check "register" "$BIN" --db "$DB" reports register "$DIR/reg.jsonl"
check "--pending" "$BIN" --db "$DB" check --pending
check "two reports checked" grep -q "^2 registered reports checked, 1 findings stored" "$DIR/out"
check "--pending again" "$BIN" --db "$DB" check --pending
check "nothing left" grep -q "^0 registered reports checked" "$DIR/out"

finish
