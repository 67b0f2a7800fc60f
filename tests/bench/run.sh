#!/bin/bash
# make bench: the same benchmark program natively and as WASM (node), in one
# run on the same machine, then ratio lines wasm_over_native. Also the size of
# the engine module raw / gzip -9 / brotli. Lines: bench <name> <value> <unit>
set -euo pipefail
native=$1 wasm=$2 wasm_simd=$3
out=${BB_BUILD:-build}/test-output
mkdir -p "$out"
"$native" | sed 's/^bench \([^ ]*\)/bench \1.native/' | tee "$out/bench-native.txt"
# The WASM lines are the module browsers with WebAssembly SIMD run (libvpx's
# SIMD kernels); the scalar module, for browsers without, is measured for VP8.
node --no-experimental-fetch --no-wasm-dynamic-tiering "$wasm_simd" | sed 's/^bench \([^ ]*\)/bench \1.wasm/' | tee "$out/bench-wasm.txt"
node --no-experimental-fetch --no-wasm-dynamic-tiering "$wasm" codec | grep '^bench vp8\.' |
  sed 's/^bench \([^ ]*\)/bench \1.wasm_scalar/' | tee "$out/bench-wasm-scalar.txt"
# Ratios: higher is better for every line above, so wasm/native < 1 is slower.
# Only the bench lines (the programs also print explanations), in one
# collation for sort and join.
ratios() { # SUFFIX FILE
  LC_ALL=C join <(sed -n 's/^bench \([^ ]*\)\.native /\1 /p' "$out/bench-native.txt" | LC_ALL=C sort) \
       <(sed -n "s/^bench \\([^ ]*\\)\\.$1 /\\1 /p" "$2" | LC_ALL=C sort) |
    awk -v s="$1" '{ printf "bench %s.%s_over_native %.3f ratio\n", $1, s, $4 / $2 }'
}
ratios wasm "$out/bench-wasm.txt"
ratios wasm_scalar "$out/bench-wasm-scalar.txt"
# Each SIMD kernel against the C it replaces (the same module, the same run).
kernels=$(dirname "$wasm_simd")/bench-kernels.js
[ -f "$kernels" ] && node --no-experimental-fetch --no-wasm-dynamic-tiering "$kernels"
# Signing a statement in the officer's engine (WASM), as time: PDF, consent
# check, PAdES and the time stamp (the service's part made in the same program).
awk '$2 == "doc.sign.wasm" { printf "bench doc.sign_ms %.1f ms\n", 1000 / $3 }' "$out/bench-wasm.txt"

# Sizes: engine_wasm is the module with SIMD kernels (what nearly every
# browser loads), engine_wasm_scalar the one without.
for m in engine_wasm:beeldbel-engine-simd128.wasm engine_wasm_scalar:beeldbel-engine.wasm; do
  f=${BB_DIST:-dist}/engine/${m#*:}
  [ -f "$f" ] || continue
  raw=$(stat -c %s "$f")
  gz=$(gzip -9 -c "$f" | wc -c)
  br=$(brotli -q 11 -c "$f" | wc -c)
  echo "bench ${m%%:*}.size_raw $(awk -v b="$raw" 'BEGIN{printf "%.1f", b/1024}') KiB"
  echo "bench ${m%%:*}.size_gzip9 $(awk -v b="$gz" 'BEGIN{printf "%.1f", b/1024}') KiB"
  echo "bench ${m%%:*}.size_brotli $(awk -v b="$br" 'BEGIN{printf "%.1f", b/1024}') KiB"
done
wasm_file=${BB_DIST:-dist}/engine/beeldbel-engine.wasm

# What documents (statements, their PDF, consent and signatures) and files
# shared in the call add to the widget's first load, brotli: the engine
# linked once more without its document and file code (src/doc, files in the
# call, their bindings; tests/bench/nodoc_stub.c stands in), and the
# document and file modules of the widget and the engine Worker (with the
# page side of the PDF viewer). pdf.js itself is not in it: it loads only when
# a person opens a shared PDF (doc.pdf_viewer_kb, what that costs then).
objs=${BB_BUILD:-build}/wasm/obj
if [ -f "$wasm_file" ] && [ -d "$objs/src/doc" ]; then
  nodoc=${BB_BUILD:-build}/wasm/nodoc
  mkdir -p "$nodoc"
  EM_CONFIG=$PWD/emsdk.cfg NODE_PATH=/usr/share/nodejs NODE_OPTIONS=--no-experimental-fetch emcc -O3 -Iinclude \
    -c tests/bench/nodoc_stub.c -o "$nodoc/stub.o"
  EM_CONFIG=$PWD/emsdk.cfg NODE_PATH=/usr/share/nodejs NODE_OPTIONS=--no-experimental-fetch emcc -O3 -sMODULARIZE=1 \
    -sEXPORT_ES6=1 -sENVIRONMENT=web,worker -sALLOW_MEMORY_GROWTH=1 -sINITIAL_MEMORY=33554432 -sFILESYSTEM=0 \
    -sDYNAMIC_EXECUTION=0 -sTEXTDECODER=2 -sEXPORTED_FUNCTIONS=_malloc,_free \
    -sEXPORTED_RUNTIME_METHODS=UTF8ToString,stringToUTF8,lengthBytesUTF8 -o "$nodoc/engine.mjs" \
    $(ls "$objs"/src/*/*.o | grep -v -e '/doc/' -e 'wasm_doc\.o' -e 'wasm_file\.o' -e '/call/files\.o') "$nodoc/stub.o" \
    build/deps/wasm/lib/libvpx.a build/deps/wasm/lib/libopus.a build/deps/wasm/lib/libmbedcrypto.a build/deps/wasm/lib/libcjson.a
  with=$(brotli -q 11 -c "$wasm_file" | wc -c)
  without=$(brotli -q 11 -c "$nodoc/engine.wasm" | wc -c)
  js=$(cat web/ui/statement-view.js web/engine/documents.js web/engine/call-documents.js \
    web/ui/file-share.js web/ui/file-texts.js web/ui/pdf-view.js web/engine/call-files.js | brotli -q 11 -c | wc -c)
  echo "bench doc.widget_extra_kb $(awk -v w="$with" -v o="$without" -v j="$js" 'BEGIN{printf "%.1f", (w - o + j)/1024}') KiB"
fi
dist_engine=${BB_DIST:-dist}/engine
if [ -f "$dist_engine/pdf.min.mjs" ]; then
  pdf=$(( $(brotli -q 11 -c "$dist_engine/pdf.min.mjs" | wc -c) + $(brotli -q 11 -c "$dist_engine/pdf.worker.min.mjs" | wc -c) ))
  echo "bench doc.pdf_viewer_kb $(awk -v b="$pdf" 'BEGIN{printf "%.1f", b/1024}') KiB (brotli, loaded when a PDF is opened)"
fi

# Widget: first-load size of everything the snippet loads (raw,
# brotli; budget 400 KB brotli) and page load -> interactive on loopback, in
# Chromium. Lower is better here, so no ratio line.
if [ -f "${BB_DIST:-dist}/beeldbel.js" ]; then
  node tests/bench/widget-load.mjs | tee "$out/bench-widget.txt"
fi

# Contact service: create requests/s and p99 latency at 50
# concurrent clients for 30 s on loopback (no wasm twin, so no ratio line).
# Then on PostgreSQL (a throw-away cluster in the build folder), one and
# two instances sharing it.
if [ -x "${BB_BUILD:-build}/bin/beeldbel-contact" ]; then
  node tests/contact/bench.mjs | tee "$out/bench-contact.txt"
  pg_dir=${BB_BUILD:-build}/pg-bench
  bash src/system/postgres.sh stop "$pg_dir" > /dev/null 2>&1 || true
  rm -rf "$pg_dir"
  if pg_url=$(bash src/system/postgres.sh start "$pg_dir" "${BB_PG_BENCH_PORT:-8478}"); then
    for n in 1 2; do
      BB_BENCH_DB=$pg_url BB_BENCH_INSTANCES=$n node tests/contact/bench.mjs | tee -a "$out/bench-contact.txt"
    done
    bash src/system/postgres.sh stop "$pg_dir"
  fi
fi

# Call: our pipeline (default and forced-WASM codec paths, and three parties)
# against Chromium's own WebRTC through our Janus, the baseline
# they are compared against, with ratio lines of their own.
node tests/bench/call.bench.mjs | tee "$out/bench-call.txt"

# A file shared in the call (5 MB, end to end encrypted, through Janus on a
# clean loopback) against Chromium's own data channel, peer to peer.
node tests/bench/transfer.bench.mjs | tee "$out/bench-transfer.txt"

# Capacity: how many calls one Janus core relays with our data-channel media
# before anyone's delivery falls under 99 % (synthetic participants playing
# what the media engine sends at the default profile; Janus given a share of
# a core, since the browser making the load needs the rest of this machine).
node tests/bench/scale.bench.mjs | tee "$out/bench-scale.txt"

# Failover: a call's Janus killed (BB_SCALE=demo's layout), video both ways
# again on the other server (the make test suite contact-failover, its bench line).
ca=$(node -e "import('./tests/browser/lib.mjs').then((m) => console.log(m.ensureTestCa() + '/ca.pem'))")
NODE_EXTRA_CA_CERTS=$ca node tests/contact/failover.test.mjs | grep '^bench ' | tee -a "$out/bench-scale.txt"
