#!/bin/sh
# Assembles the widget bundle in DIST from web/ and the built engine:
#   DIST/beeldbel.js            the snippet's entry module (the whole widget and
#                               the page side of the call, bundled), carrying the
#                               SHA-384 of each engine file it loads
#   DIST/engine/*.bundle.js     the engine Worker and the wire Worker, each one file
#                               (these three minified: minify.mjs)
#   DIST/engine/*               the engine's modules as they are (for the officer's
#                               console and the test pages), the WASM module, and
#                               pdf.js (pdf.min.mjs, pdf.worker.min.mjs)
#   DIST/demo/*                 the demo host page, with the snippet's SRI hash
#   DIST/beeldbel.js.sri        the integrity value for the host page's <script>
# The police root is pinned into the bundle afterwards (seal-bundle.mjs, at
# start-up with the root in use), which updates the SRI hash and the demo page.
# Usage: web-dist.sh WASM_BUILD_DIR DIST
set -eu
wasm=$1 dist=$2
rm -rf "$dist.tmp"
mkdir -p "$dist.tmp/engine" "$dist.tmp/demo"
# Widget: web/widget/**/*.js bundled into one beeldbel.js, so
# the host's one SRI hash covers all widget code; the NL Design System
# component CSS (web/node_modules, `make npm`) and web/widget/styles.css go
# inside it as a constructed stylesheet (no inline styles: strict CSP).
ut=web/node_modules/@utrecht
widget_css=""
for c in button textbox textarea select form-field form-label form-fieldset \
         form-field-description form-field-error-message radio-button checkbox \
         alert heading-2 heading-3 paragraph; do
  f="$ut/$c-css/dist/index.min.css"
  [ -f "$f" ] || { echo "web-dist: $f missing: run make npm (ontbreekt)" >&2; exit 1; }
  widget_css="$widget_css $f"
done
cp web/engine/*.js "$dist.tmp/engine/"
cp "$wasm/beeldbel-engine.mjs" "$wasm/beeldbel-engine.wasm" "$dist.tmp/engine/"
cp "$wasm/simd128/beeldbel-engine.wasm" "$dist.tmp/engine/beeldbel-engine-simd128.wasm"
# Mozilla's pdf.js (its build for older browsers too), for PDFs shared in a
# call; loaded only when one is opened (web/ui/pdf-view.js).
pdfjs=web/node_modules/pdfjs-dist
[ -f "$pdfjs/legacy/build/pdf.min.mjs" ] || { echo "web-dist: $pdfjs missing: run make npm (ontbreekt)" >&2; exit 1; }
cp "$pdfjs/legacy/build/pdf.min.mjs" "$pdfjs/legacy/build/pdf.worker.min.mjs" "$dist.tmp/engine/"
cp "$pdfjs/LICENSE" "$dist.tmp/engine/pdf.LICENSE.txt"
node src/scripts/bundle.mjs "$dist.tmp/engine/worker.js" "$dist.tmp/engine/worker.bundle.js"
node src/scripts/bundle.mjs "$dist.tmp/engine/wire-worker.js" "$dist.tmp/engine/wire-worker.bundle.js"
node src/scripts/minify.mjs "$dist.tmp/engine/worker.bundle.js" "$dist.tmp/engine/wire-worker.bundle.js"
sha384() { node -e "process.stdout.write('sha384-' + require('crypto').createHash('sha384').update(require('fs').readFileSync(process.argv[1])).digest('base64'))" "$1"; }
{
  printf '{'
  sep=''
  for f in worker.bundle.js wire-worker.bundle.js audio-worklet.js beeldbel-engine.wasm beeldbel-engine-simd128.wasm \
           pdf.min.mjs pdf.worker.min.mjs; do
    printf '%s"%s":"%s"' "$sep" "$f" "$(sha384 "$dist.tmp/engine/$f")"
    sep=','
  done
  printf '}'
} > "$dist.tmp/engine-hashes.json"
css_args=""
for f in $widget_css web/ui/nlds-tokens.css web/widget/styles.css web/ui/call.css; do css_args="$css_args --css $f"; done
# shellcheck disable=SC2086  # word splitting of the CSS list is intended
node src/scripts/bundle.mjs web/widget/beeldbel.js "$dist.tmp/beeldbel.js" $css_args \
  --define "BEELDBEL_ENGINE_HASHES=$dist.tmp/engine-hashes.json"
node src/scripts/minify.mjs "$dist.tmp/beeldbel.js"
rm "$dist.tmp/engine-hashes.json"
cp web/widget/beeldbel.d.ts "$dist.tmp/beeldbel.d.ts"
sri=$(sha384 "$dist.tmp/beeldbel.js")
printf '%s\n' "$sri" > "$dist.tmp/beeldbel.js.sri"
for f in web/demo/*; do
  case $f in
    *.html) sed "s|@BEELDBEL_SRI@|$sri|g" "$f" > "$dist.tmp/demo/$(basename "$f")" ;;
    *) cp "$f" "$dist.tmp/demo/" ;;
  esac
done
# The in-call view and the helpers the widget and the console share, as they
# are (the console loads them as modules; the widget has them in its bundle).
mkdir -p "$dist.tmp/ui"
cp web/ui/*.js web/ui/*.css "$dist.tmp/ui/"
# Officer console: web/console as is, plus the NL Design
# System tokens and the few Utrecht components it uses in one nlds.css.
mkdir -p "$dist.tmp/console"
cp web/console/*.html web/console/*.js web/console/*.css "$dist.tmp/console/"
for c in design-tokens/dist/index.css document-css/dist/index.min.css heading-1-css/dist/index.min.css \
         heading-2-css/dist/index.min.css paragraph-css/dist/index.min.css button-css/dist/index.min.css \
         textbox-css/dist/index.min.css textarea-css/dist/index.min.css select-css/dist/index.min.css \
         form-field-css/dist/index.min.css form-label-css/dist/index.min.css alert-css/dist/index.min.css; do
  f="web/node_modules/@utrecht/$c"
  [ -f "$f" ] || { echo "web-dist: $f missing: run make npm (ontbreekt)" >&2; exit 1; }
  cat "$f"; echo
done > "$dist.tmp/console/nlds.css"
rm -rf "$dist"
mv "$dist.tmp" "$dist"
