#!/bin/sh
# Assembles the widget bundle in DIST from web/ and the built engine:
#   DIST/beeldbel.js            the snippet's entry module
#   DIST/engine/*               engine glue, worker, WASM module
#   DIST/demo/*                 the demo host page, with the snippet's SRI hash
#   DIST/beeldbel.js.sri        the integrity value for the host page's <script>
# Usage: web-dist.sh WASM_BUILD_DIR DIST
set -eu
wasm=$1 dist=$2
rm -rf "$dist.tmp"
mkdir -p "$dist.tmp/engine" "$dist.tmp/demo"
cp web/widget/beeldbel.js "$dist.tmp/beeldbel.js"
cp web/engine/*.js "$dist.tmp/engine/"
cp "$wasm/beeldbel-engine.mjs" "$wasm/beeldbel-engine.wasm" "$dist.tmp/engine/"
sri="sha384-$(node -e "process.stdout.write(require('crypto').createHash('sha384').update(require('fs').readFileSync(process.argv[1])).digest('base64'))" "$dist.tmp/beeldbel.js")"
printf '%s\n' "$sri" > "$dist.tmp/beeldbel.js.sri"
for f in web/demo/*; do
  case $f in
    *.html) sed "s|@BEELDBEL_SRI@|$sri|g" "$f" > "$dist.tmp/demo/$(basename "$f")" ;;
    *) cp "$f" "$dist.tmp/demo/" ;;
  esac
done
rm -rf "$dist"
mv "$dist.tmp" "$dist"
