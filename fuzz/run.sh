#!/usr/bin/env bash
# Runs every libFuzzer target of fuzz/ for a while, each on a copy of its seed corpus.
#
#   fuzz/run.sh [SECONDS_PER_TARGET]     (default 20; builds nothing: see fuzz/README.md)
#
# Environment: ZJ_FUZZ_BUILD (default build-fuzz) is the build directory; ZJ_FUZZ_TARGETS
# (default: every folder of fuzz/corpus) a space-separated subset of the targets.
# A crash, leak, UB report, failed invariant, timeout (10 s per input) or out-of-memory
# (2048 MB) fails the target; its input and the log are kept in test-artifacts/fuzz/<target>/.
# The seed corpus in the repository is never written to. Exit status 1 when a target failed.
set -uo pipefail
cd "$(dirname "$0")/.."

secs=${1:-20}
if ! [[ "$secs" =~ ^[0-9]+$ ]] || [ "$secs" -lt 1 ]; then
  echo "usage: fuzz/run.sh [SECONDS_PER_TARGET]" >&2
  exit 2
fi
build=${ZJ_FUZZ_BUILD:-build-fuzz}
artifacts=test-artifacts/fuzz
if [ -n "${ZJ_FUZZ_TARGETS:-}" ]; then
  read -r -a targets <<<"$ZJ_FUZZ_TARGETS"
else
  targets=()
  for d in fuzz/corpus/*/; do targets+=("$(basename "$d")"); done
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/zj-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

passed=0
failed=0
failed_names=()
for t in "${targets[@]}"; do
  bin=$build/fuzz/$t
  if [ ! -x "$bin" ]; then
    echo "$t: FAILED — $bin is not built (cmake --build $build --target fuzz)"
    failed=$((failed + 1))
    failed_names+=("$t")
    continue
  fi
  corpus=$work/$t
  mkdir -p "$corpus"
  if [ -d "fuzz/corpus/$t" ]; then cp -r "fuzz/corpus/$t/." "$corpus/"; fi
  out=$artifacts/$t
  mkdir -p "$out"
  log=$work/$t.log
  "$bin" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$out/" "$corpus" >"$log" 2>&1
  rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -1)
  units=$(find "$corpus" -type f | wc -l)
  if [ "$rc" -eq 0 ]; then
    echo "$t: ok — ${execs:-?} executions, ${cov:-cov: ?}, corpus $units inputs"
    passed=$((passed + 1))
    rmdir "$out" 2>/dev/null || true
  else
    cp "$log" "$out/$t.log"
    echo "$t: FAILED (exit $rc) — log and input in $out/"
    grep -E 'ERROR: |SUMMARY: |invariant failed|runtime error|Test unit written' "$log" | head -8 |
      sed 's/^/    /'
    failed=$((failed + 1))
    failed_names+=("$t")
  fi
done
rmdir "$artifacts" 2>/dev/null || true

echo "$passed passed, $failed failed"
if [ "$failed" -gt 0 ]; then
  echo "failed: ${failed_names[*]}"
  exit 1
fi
