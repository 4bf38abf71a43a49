# The assertions of the CLI tests (sourced): check/refuse count into $pass and $fail; the
# caller sets $DIR (a scratch directory) first and ends with `finish`.
pass=0
fail=0
check() {  # check NAME COMMAND...: the command must succeed
  local name=$1; shift
  if "$@" >"$DIR/run" 2>&1; then pass=$((pass + 1)); else
    fail=$((fail + 1)); echo "FAIL: $name"; cat "$DIR/run"; fi
  [ "$1" = grep ] || cp "$DIR/run" "$DIR/out"
}
refuse() {  # refuse NAME EXPECTED_EXIT PATTERN COMMAND...: must exit EXPECTED_EXIT and print PATTERN
  local name=$1 want=$2 pattern=$3; shift 3
  "$@" >"$DIR/run" 2>&1; local rc=$?; cp "$DIR/run" "$DIR/out"
  if [ "$rc" -eq "$want" ] && grep -q -- "$pattern" "$DIR/out"; then pass=$((pass + 1)); else
    fail=$((fail + 1)); echo "FAIL: $name (exit $rc, want $want and /$pattern/)"; cat "$DIR/out"; fi
}
finish() {  # prints the totals; the exit status is 0 only when nothing failed
  echo "$pass passed, $fail failed"
  [ "$fail" -eq 0 ]
}
