#!/bin/sh
# Writes a deb-src twin of the Debian sources apt is already configured with,
# so `apt-get source` can fetch the libraries we compile to WebAssembly.
# No host name is written by us: every URI is copied from the existing files.
# Usage: apt-deb-src.sh OUTFILE
set -eu
out=$1
codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
[ -n "$codename" ] || { echo "apt-deb-src: cannot read VERSION_CODENAME from /etc/os-release" >&2; exit 1; }
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT

# deb822 files (Debian 12 default: debian.sources). A stanza is copied when it
# has type deb and a suite of this release; its Types line becomes deb-src.
for f in /etc/apt/sources.list.d/*.sources; do
  [ -f "$f" ] || continue
  [ "$f" = "$out" ] && continue
  awk -v rel="$codename" '
    function flush() {
      if (n > 0 && has_deb && has_rel) {
        for (i = 1; i <= n; i++) print lines[i]
        print ""
      }
      n = 0; has_deb = 0; has_rel = 0
    }
    /^[ \t]*$/ { flush(); next }
    /^[ \t]*#/ { next }
    /^Types:/ { if ($0 ~ /[ \t]deb([ \t]|$)/) has_deb = 1; lines[++n] = "Types: deb-src"; next }
    /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == rel || index($i, rel "-") == 1) has_rel = 1 }
    { lines[++n] = $0 }
    END { flush() }
  ' "$f" >> "$tmp"
done

# One-line format (/etc/apt/sources.list and *.list).
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
  [ -f "$f" ] || continue
  awk -v rel="$codename" '
    $1 == "deb" { for (i = 2; i <= NF; i++) if ($i == rel || index($i, rel "-") == 1) { sub(/^deb/, "deb-src"); print; next } }
  ' "$f" >> "$tmp.list"
done

if [ ! -s "$tmp" ] && [ ! -s "$tmp.list" ]; then
  echo "apt-deb-src: no Debian '$codename' source found in /etc/apt to derive deb-src from" >&2
  rm -f "$tmp.list"; exit 1
fi
if [ -s "$tmp" ]; then
  mv "$tmp" "$out"
else
  mv "$tmp.list" "${out%.sources}.list"
fi
rm -f "$tmp.list"
echo "apt-deb-src: wrote deb-src entries derived from the configured Debian sources"
