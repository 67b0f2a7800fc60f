#!/bin/bash
# Runs every test suite and prints the total as its last line:
#   "N passed, N failed"
# Each suite prints its own "N passed, N failed" line; output is kept in
# build/test-output/<suite>.txt. Exit status is non-zero on any failure.
set -u
cd "$(dirname "$0")/.."
# BB_BUILD / BB_DIST: where the Makefile built (helpers and CI may use others).
B=${BB_BUILD:-build}
export BB_BUILD=$B BB_DIST=${BB_DIST:-dist}
OUT=$B/test-output
mkdir -p "$OUT"
FUZZ_SECONDS=${FUZZ_SECONDS:-10}
# Emscripten 3.1.6's node runtime needs fetch off (emsdk.cfg). WASM test
# files also exit explicitly (harness run({ exit: true })): node 20 can hang
# at exit after instantiating a large module.
NODE="node --no-experimental-fetch"
# No suite may take longer than this; a hang fails by name instead of
# eating CI's time.
SUITE_TIMEOUT=${SUITE_TIMEOUT:-900}

total_pass=0
total_fail=0
failed_suites=()

# run_suite NAME COMMAND...: runs, tees output, adds the suite's counts.
run_suite() {
  local name=$1; shift
  local log="$OUT/$name.txt" start end
  echo "== $name"
  start=$EPOCHREALTIME
  timeout -k 10 "$SUITE_TIMEOUT" "$@" > "$log" 2>&1 < /dev/null
  local rc=$?
  [ $rc -eq 124 ] && echo "   $name: timed out after $SUITE_TIMEOUT s" >> "$log"
  end=$EPOCHREALTIME
  grep -E '^(FAIL|  )' "$log" | head -n 40
  local line
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1)
  if [ -z "$line" ]; then
    echo "   $name: no result line (exit $rc); last output:"
    tail -n 20 "$log" | sed 's/^/   | /'
    total_fail=$((total_fail + 1)); failed_suites+=("$name"); return
  fi
  local p f
  p=${line%% passed*}; f=${line#*, }; f=${f%% failed*}
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then  # crashed or hung after counting
    f=1; line="$line, but exit status $rc"
  fi
  total_pass=$((total_pass + p)); total_fail=$((total_fail + f))
  [ "$f" -gt 0 ] && failed_suites+=("$name")
  awk -v l="$line" -v a="$start" -v b="$end" 'BEGIN { printf "   %s (%.1f s)\n", l, b - a }'
}

# The systems the tests start serve HTTPS with certificates from one test
# CA (tests/browser/lib.mjs): Node's own requests trust it too.
NODE_EXTRA_CA_CERTS=$(node -e "import('./tests/browser/lib.mjs').then((m) => console.log(m.ensureTestCa() + '/ca.pem'))")
export NODE_EXTRA_CA_CERTS

# Native C unit tests under AddressSanitizer + UBSan.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
run_suite native-unit "$B/native/unit_tests"

# The PDF writer against poppler (pdfinfo, pdftotext, pdfsig) and qpdf.
run_suite pdf-tools "$B/native/pdf_tools"
# A recorded interview: its WebM against ffprobe and ffmpeg, its seal against beeldbel-verify.
run_suite rec-tools "$B/native/rec_tools"

# Media engine: the seven simulated-network scenarios, 60 s each,
# and the engine in WASM through its JS glue.
run_suite netsim "$B/native-opt/netsim_scenarios"
run_suite wasm-media $NODE tests/wasm/media.test.mjs

# The same C tests compiled to WASM, under node.
run_suite wasm-unit $NODE "$B/wasm/unit_tests.js"

# Native and WASM must produce identical bitstreams, with libvpx's
# WebAssembly SIMD kernels too (each checked against its C version first).
run_suite digests bash tests/wasm/compare-digests.sh "$OUT/native-unit.txt" "$OUT/wasm-unit.txt"
run_suite wasm-simd128-kernels $NODE "$B/wasm/vpx_simd128.js"
run_suite wasm-unit-simd128 $NODE "$B/wasm/unit_tests_simd128.js"
run_suite digests-simd128 bash tests/wasm/compare-digests.sh "$OUT/native-unit.txt" "$OUT/wasm-unit-simd128.txt"

# The WASM engine through its JS glue, compared against native output.
BB_NATIVE_OUTPUT="$OUT/native-unit.txt" run_suite wasm-engine $NODE tests/wasm/engine.test.mjs

# End-to-end encryption and officer verification through the JS glue.
run_suite wasm-e2ee $NODE tests/wasm/e2ee.test.mjs

# Fuzzing: every libFuzzer target for FUZZ_SECONDS, seeded from tests/fuzz/corpus.
run_suite fuzz bash tests/fuzz/run.sh "$FUZZ_SECONDS"

# Browser: the demo page in Debian's Chromium, driven by playwright-core.
run_suite browser node tests/browser/demo.test.mjs

# The citizen widget: request form against a fake contact service,
# invitation -> device check -> waiting room -> call against a fake call
# session; axe in both themes, keyboard only, hostile host CSS, strict CSP.
run_suite widget node tests/browser/widget.test.mjs

# The system `make run` starts (Janus + web server) on loopback, stopped by PID.
run_suite system node tests/browser/system.test.mjs

# A call through the real Janus: 2 and 3 parties, leave/rejoin,
# WebSocket loss, a wrong token; our unordered channels, never Janus's own.
run_suite call node tests/browser/call.test.mjs
# The same through Janus losing 10 % of its UDP: our channels stay
# unordered and unreliable (evidence for DESIGN.md's data-channel facts).
run_suite loss node tests/browser/loss.test.mjs

# End-to-end encryption through the real Janus: officer with a
# demo-CA certificate and citizen with the invitation secret agree keys over
# our channels; Janus's own recording never holds the protected text.
run_suite e2ee node tests/browser/e2ee.test.mjs

# The real call: video and audio encoded, encrypted and decoded by
# the WASM engine in each page's Worker, through Janus: 2 and 3 parties,
# leave/rejoin, real-time text, a 3 s network cut, Janus killed mid-call, and
# Janus's recording never holding the plaintext video or text.
run_suite session node tests/browser/session.test.mjs

# A recorded interview held for BB_SOAK_MINUTES (3 here; make soak: 60):
# officer, citizen and interpreter through Janus, the officer's engine
# recording and sealing; memory, latency and frame rate per minute must not
# drift, and the recording verifies and shows every participant's camera.
run_suite soak node tests/browser/soak.test.mjs

# Files in the real call through Janus losing 3 % of its UDP: a 5 MB PDF and
# a photo both ways, checked whole, the photo without its metadata; cancel;
# a 12 s cut that the transfer survives; Janus's recording without them.
run_suite files node tests/browser/files.test.mjs

# The same call while another program takes one of the machine's cores for
# 20 s: video keeps moving, delay stays low, and full quality returns.
run_suite load node tests/browser/load.test.mjs

# The citizen on a phone (Chromium's device emulation, touch) in the real
# call from the officer's console: a phone four times slower (the DevTools
# throttle, then the whole renderer) keeps the call going, smaller before
# jerkier, and is back at full size afterwards; every control reachable
# upright and turned mid-call; the on-screen keyboard not hiding the latest
# text line; front and back camera switched mid-call.
run_suite mobile node tests/browser/mobile.test.mjs

# Browser media plumbing: fake camera -> I420 -> VP8 -> WebGL,
# fake microphone -> AudioWorklet -> Opus -> AudioWorklet.
run_suite media node tests/browser/media.test.mjs

# Contact service: C unit tests (ASan+UBSan), the HTTP API with
# hostile requests, kill -9 durability, and the browser flow on run.sh.
run_suite contact-unit "$B/contact/unit_tests"
# A throw-away PostgreSQL cluster in the build folder (src/system/postgres.sh:
# the postgres user, 127.0.0.1 only, a password made for it), made anew for
# every run and stopped at the end; the same unit tests against it, every
# store test with them.
PG_DIR=$B/pg-test
PG_PORT=${BB_PG_PORT:-8476}
bash src/system/postgres.sh stop "$PG_DIR" > /dev/null 2>&1 || true
rm -rf "$PG_DIR"
BB_TEST_DB=$(bash src/system/postgres.sh start "$PG_DIR" "$PG_PORT" 2> "$OUT/postgres-start.txt") || BB_TEST_DB=
export BB_TEST_DB BB_TEST_PG_DIR=$PG_DIR
trap 'bash src/system/postgres.sh stop "$PG_DIR" > /dev/null 2>&1 || true' EXIT
if [ -n "$BB_TEST_DB" ]; then
  run_suite contact-unit-postgres "$B/contact/unit_tests"
  # Several service instances on it: sessions, claims, links, limits and
  # the proxy across instances; PostgreSQL crashing under load.
  run_suite contact-scale node tests/contact/scale.test.mjs
else
  run_suite contact-unit-postgres sh -c "cat '$OUT/postgres-start.txt'; echo '0 passed, 1 failed'"
fi
run_suite contact-api node tests/contact/api.test.mjs
# 60+ hostile requests through the web server's proxy, each from its own
# loopback address: status, NL/EN answer, nothing stored.
run_suite contact-hostile node tests/contact/hostile.test.mjs
run_suite contact-durability node tests/contact/durability.test.mjs
# Two (fake) Janus servers: calls placed on the one with the fewest, none on
# one that died within 5 s, and a call on it moved when a participant asks.
run_suite contact-janus node tests/contact/janus-servers.test.mjs
run_suite contact-browser node tests/contact/console.test.mjs
# The officer's side of the real call in the console (call-panel.js): the
# officer joins with the demo CA's certificate, the citizen through the
# widget's invitation link; video, the same code, real-time text, axe.
run_suite contact-call node tests/contact/console-call.test.mjs

# BB_SCALE=demo's layout (two Janus servers, two service instances on
# PostgreSQL): the Janus a call is on killed, both sides find the call on
# the other server by themselves, video again within 10 s.
run_suite contact-failover node tests/contact/failover.test.mjs

# Statements signed in the engine (WASM, in node) with the police
# time-stamping service, checked with pdfsig, OpenSSL and qpdf.
run_suite documents node tests/doc/doc.test.mjs

# Other browsers, from Debian's packages: Firefox ESR (puppeteer-core over
# WebDriver BiDi) with the real call against an officer in Chromium and as
# the officer; WebKitGTK (WebKitWebDriver on a virtual X server) up to the
# transport it lacks, and the way out it shows instead.
run_suite firefox node tests/browser/firefox.test.mjs
run_suite webkit node tests/browser/webkit.test.mjs

# The README's browser support table, from this run's results.
node tests/browser/support-table.mjs > "$OUT/browser-support.md" 2>&1 || echo "   browser support table: not made (see $OUT/browser-support.md)"

echo
if [ ${#failed_suites[@]} -gt 0 ]; then echo "failed suites: ${failed_suites[*]}"; fi
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
