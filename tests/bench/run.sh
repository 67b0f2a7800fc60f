#!/bin/bash
# make bench: the same benchmark program natively and as WASM (node), in one
# run on the same machine, then ratio lines wasm_over_native. Also the size of
# the engine module raw / gzip -9 / brotli. Lines: bench <name> <value> <unit>
set -euo pipefail
native=$1 wasm=$2
out=${BB_BUILD:-build}/test-output
mkdir -p "$out"
"$native" | sed 's/^bench \([^ ]*\)/bench \1.native/' | tee "$out/bench-native.txt"
node --no-experimental-fetch --no-wasm-dynamic-tiering "$wasm" | sed 's/^bench \([^ ]*\)/bench \1.wasm/' | tee "$out/bench-wasm.txt"
# Ratios: higher is better for every line above, so wasm/native < 1 is slower.
join <(sed 's/^bench \([^ ]*\)\.native /\1 /' "$out/bench-native.txt" | sort) \
     <(sed 's/^bench \([^ ]*\)\.wasm /\1 /' "$out/bench-wasm.txt" | sort) |
  awk '{ printf "bench %s.wasm_over_native %.3f ratio\n", $1, $4 / $2 }'

wasm_file=${BB_DIST:-dist}/engine/beeldbel-engine.wasm
if [ -f "$wasm_file" ]; then
  raw=$(stat -c %s "$wasm_file")
  gz=$(gzip -9 -c "$wasm_file" | wc -c)
  br=$(brotli -q 11 -c "$wasm_file" | wc -c)
  echo "bench engine_wasm.size_raw $(awk -v b="$raw" 'BEGIN{printf "%.1f", b/1024}') KiB"
  echo "bench engine_wasm.size_gzip9 $(awk -v b="$gz" 'BEGIN{printf "%.1f", b/1024}') KiB"
  echo "bench engine_wasm.size_brotli $(awk -v b="$br" 'BEGIN{printf "%.1f", b/1024}') KiB"
fi

# Widget: first-load size of everything the snippet loads (raw,
# brotli; budget 400 KB brotli) and page load -> interactive on loopback, in
# Chromium. Lower is better here, so no ratio line.
if [ -f "${BB_DIST:-dist}/beeldbel.js" ]; then
  node tests/bench/widget-load.mjs | tee "$out/bench-widget.txt"
fi

# Contact service: create requests/s and p99 latency at 50
# concurrent clients for 30 s on loopback (no wasm twin, so no ratio line).
if [ -x "${BB_BUILD:-build}/bin/beeldbel-contact" ]; then
  node tests/contact/bench.mjs | tee "$out/bench-contact.txt"
fi

# Call: our pipeline (default and forced-WASM codec paths, and three parties)
# against Chromium's own WebRTC through our Janus, the baseline
# they are compared against, with ratio lines of their own.
node tests/bench/call.bench.mjs | tee "$out/bench-call.txt"
