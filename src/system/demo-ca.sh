#!/bin/bash
# Makes a demo TLS certificate authority in DIR, once: ca.pem and ca.key
# (ECDSA P-256, 10 years, may sign site certificates only), the key mode 600.
# make run's (src/system/run.sh) and the tests' (tests/browser/lib.mjs) alike.
#   demo-ca.sh DIR [NAME]
set -euo pipefail
dir=$1
name=${2:-beeldbel demo CA $(hostname)}
[ -s "$dir/ca.pem" ] && [ -s "$dir/ca.key" ] && exit 0
mkdir -p "$dir"
umask 077
openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -sha256 -days 3650 \
  -subj "/O=beeldbel demo/CN=$name" -keyout "$dir/ca.key" -out "$dir/ca.pem" \
  -addext "basicConstraints=critical,CA:TRUE,pathlen:0" -addext "keyUsage=critical,keyCertSign,cRLSign" \
  2> "$dir/openssl.log"
