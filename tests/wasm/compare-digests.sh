#!/bin/bash
# Compares the "digest NAME HEX" lines of the native and WASM unit test runs:
# one test per digest, so a codec build that drifts fails by name.
set -u
native=$1 wasm=$2
pass=0 fail=0
while read -r _ name hex; do
  other=$(grep -E "^digest $name " "$wasm" | awk '{print $3}')
  if [ "$other" = "$hex" ]; then
    echo "ok ${name}_native_equals_wasm"; pass=$((pass + 1))
  else
    echo "FAIL ${name}_native_equals_wasm"; echo "  native $hex"; echo "  wasm   ${other:-missing}"; fail=$((fail + 1))
  fi
done < <(grep -E '^digest ' "$native")
[ $((pass + fail)) -gt 0 ] || { echo "FAIL no digests found"; fail=1; }
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
