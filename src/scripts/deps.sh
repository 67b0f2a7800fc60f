#!/bin/sh
# Fetches the Debian source packages of the libraries the engine links and
# builds each one as a static library, for WebAssembly and natively.
#   deps.sh fetch SRCDIR              download + dpkg-source -x (apt has checked
#                                     the .dsc hashes against the signed index;
#                                     dpkg-source checks the tarballs against it)
#   deps.sh build LIB TARGET SRCDIR PREFIX CONFIG_DIR
#                                     LIB: opus | libvpx | mbedtls | cjson
#                                     TARGET: wasm | native, and for libvpx
#                                     also wasm-simd128: Debian's source with
#                                     our WebAssembly SIMD kernels
#                                     (src/codec/libvpx-simd128: the files,
#                                     then the patches in name order)
set -eu

PKGS="opus libvpx mbedtls cjson"

fetch() {
  srcdir=$1
  mkdir -p "$srcdir/dl"
  cd "$srcdir/dl"
  for p in $PKGS; do
    if ! ls "$p"_*.dsc >/dev/null 2>&1; then
      apt-get source --download-only "$p" || {
        echo "deps: 'apt-get source $p' failed. Is there a deb-src entry? (make deps writes one)" >&2
        echo "deps: 'apt-get source $p' mislukt. Is er een deb-src-regel? (make deps schrijft die)" >&2
        exit 1; }
    fi
  done
  for dsc in *.dsc; do
    p=${dsc%%_*}
    [ -d "../$p" ] && continue
    rm -rf "../$p.tmp"
    dpkg-source --no-copy -x "$dsc" "../$p.tmp"
    mv "../$p.tmp" "../$p"
  done
}

ncpu() { nproc 2>/dev/null || echo 2; }

build_opus() { # TARGET SRC PREFIX
  t=$1 src=$2 prefix=$3 b="$src/../build-opus-$1"
  rm -rf "$b"; mkdir -p "$b"; cd "$b"
  if [ "$t" = wasm ]; then
    # Optimised for size: -Os makes the module 19 KB (brotli) smaller and
    # Opus about 10 % slower, still 50 times faster than real time at 24 kbit/s.
    emconfigure "$src/configure" --prefix="$prefix" --disable-shared --enable-static \
      --disable-intrinsics --disable-rtcd --disable-asm --disable-doc --disable-extra-programs \
      --disable-stack-protector \
      CFLAGS="-Os" >configure.log 2>&1 || { tail -30 configure.log; exit 1; }
    emmake make -j"$(ncpu)" install >make.log 2>&1 || { tail -30 make.log; exit 1; }
  else
    "$src/configure" --prefix="$prefix" --disable-shared --enable-static --with-pic \
      --disable-doc --disable-extra-programs CFLAGS="-O2 -g" >configure.log 2>&1 || { tail -30 configure.log; exit 1; }
    make -j"$(ncpu)" install >make.log 2>&1 || { tail -30 make.log; exit 1; }
  fi
}

build_libvpx() { # TARGET SRC PREFIX [KERNELS_DIR]
  t=$1 src=$2 prefix=$3 b="$src/../build-libvpx-$1"
  rm -rf "$b"; mkdir -p "$b"
  common="--prefix=$prefix --enable-static --disable-shared --enable-realtime-only
    --enable-vp8 --disable-vp9 --disable-examples --disable-tools --disable-docs
    --disable-unit-tests --disable-install-bins --disable-install-docs"
  if [ "$t" = wasm-simd128 ]; then
    # A copy of the source, so the other builds keep Debian's as it is.
    tree="$src/../libvpx-simd128"
    rm -rf "$tree"; cp -r "$src" "$tree"; src=$tree
    cp -r "$4/files/." "$src/"
    for p in "$4"/[0-9]*.patch; do
      patch -s -p1 -d "$src" < "$p" || { echo "deps: $p does not apply" >&2; exit 1; }
    done
  fi
  cd "$b"
  if [ "$t" = wasm ] || [ "$t" = wasm-simd128 ]; then
    simd=; cflags=-O3
    [ "$t" = wasm-simd128 ] && { simd=--enable-simd128; cflags="-O3 -msimd128"; }
    # shellcheck disable=SC2086
    emconfigure "$src/configure" --target=generic-gnu --disable-multithread $simd \
      --extra-cflags="$cflags" $common >configure.log 2>&1 || { tail -30 configure.log; exit 1; }
    emmake make -j"$(ncpu)" install >make.log 2>&1 || { tail -30 make.log; exit 1; }
    emranlib "$prefix/lib/libvpx.a"   # emar leaves no index: "archive has no index"
  else
    # shellcheck disable=SC2086
    "$src/configure" --enable-pic --disable-multithread $common >configure.log 2>&1 || { tail -30 configure.log; exit 1; }
    make -j"$(ncpu)" install >make.log 2>&1 || { tail -30 make.log; exit 1; }
  fi
}

# Mbed TLS and cJSON are plain C without configure steps; compiling them
# directly lets both targets use our trimmed config (src/crypto/mbedtls_config.h).
build_mbedtls() {
  t=$1 src=$2 prefix=$3 cfgdir=$4 b="$src/../build-mbedtls-$1"
  rm -rf "$b"; mkdir -p "$b" "$prefix/lib" "$prefix/include"
  if [ "$t" = wasm ]; then cc=emcc ar=emar opt=-O3; else cc=cc ar=ar opt="-O2 -g -fPIC"; fi
  export cc opt src cfgdir b
  ls "$src"/library/*.c | xargs -P"$(ncpu)" -I{} sh -c \
    '"$cc" $opt -I"$src/include" -I"$cfgdir" -DMBEDTLS_CONFIG_FILE="\"mbedtls_config.h\"" -c "$1" -o "$b/$(basename "$1" .c).o"' _ {}
  rm -f "$prefix/lib/libmbedcrypto.a"
  "$ar" rcs "$prefix/lib/libmbedcrypto.a" "$b"/*.o
  rm -rf "$prefix/include/mbedtls"; cp -r "$src/include/mbedtls" "$prefix/include/"
  cp "$cfgdir/mbedtls_config.h" "$prefix/include/mbedtls/beeldbel_config.h"
}

build_cjson() {
  t=$1 src=$2 prefix=$3 b="$src/../build-cjson-$1"
  rm -rf "$b"; mkdir -p "$b" "$prefix/lib" "$prefix/include/cjson"
  if [ "$t" = wasm ]; then cc=emcc ar=emar opt=-O3; else cc=cc ar=ar opt="-O2 -g -fPIC"; fi
  "$cc" $opt -std=c89 -c "$src/cJSON.c" -o "$b/cJSON.o"
  rm -f "$prefix/lib/libcjson.a"
  "$ar" rcs "$prefix/lib/libcjson.a" "$b/cJSON.o"
  cp "$src/cJSON.h" "$prefix/include/cjson/cJSON.h"
}

case "${1:-}" in
  fetch) fetch "$2" ;;
  build)
    lib=$2 t=$3 srcroot=$4 prefix=$5 cfgdir=${6:-}
    mkdir -p "$prefix"
    prefix=$(cd "$prefix" && pwd); srcroot=$(cd "$srcroot" && pwd)
    [ -n "$cfgdir" ] && cfgdir=$(cd "$cfgdir" && pwd)
    case $lib in
      opus) build_opus "$t" "$srcroot/opus" "$prefix" ;;
      libvpx) build_libvpx "$t" "$srcroot/libvpx" "$prefix" "$(cd "$(dirname "$0")/../codec/libvpx-simd128" && pwd)" ;;
      mbedtls) build_mbedtls "$t" "$srcroot/mbedtls" "$prefix" "$cfgdir" ;;
      cjson) build_cjson "$t" "$srcroot/cjson" "$prefix" ;;
      *) echo "deps: unknown library $lib" >&2; exit 2 ;;
    esac ;;
  *) echo "usage: deps.sh fetch SRCDIR | build LIB TARGET SRCDIR PREFIX [CONFIG_DIR]" >&2; exit 2 ;;
esac
