#!/bin/bash
# Runs each libFuzzer target in build/fuzz for SECONDS, starting from the
# committed seeds in tests/fuzz/corpus/<target>/ (new inputs go to a scratch
# corpus under build/, never into the repository). A crash fails the test and
# leaves the reproducer in build/test-output/fuzz-<target>/.
set -u
seconds=${1:-10}
pass=0 fail=0
B=${BB_BUILD:-build}
for bin in "$B"/fuzz/fuzz_*; do
  [ -x "$bin" ] || continue
  name=$(basename "$bin")
  seeds="tests/fuzz/corpus/${name#fuzz_}"
  work="$B/fuzz-corpus/$name"
  art="$B/test-output/fuzz-$name"
  mkdir -p "$work" "$art"
  if "$bin" -max_total_time="$seconds" -seed=1 -timeout=10 -rss_limit_mb=2048 \
       -print_final_stats=1 -artifact_prefix="$art/" "$work" "$seeds" > "$art/log.txt" 2>&1; then
    runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$art/log.txt" | grep -oE '[0-9]+$')
    echo "ok ${name}_${seconds}s (${runs:-?} runs)"; pass=$((pass + 1))
  else
    echo "FAIL $name"; grep -E 'ERROR|SUMMARY|Test unit written' "$art/log.txt" | head -n 5 | sed 's/^/  /'
    fail=$((fail + 1))
  fi
done
[ $((pass + fail)) -gt 0 ] || { echo "FAIL no fuzz targets built"; fail=1; }
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
