#!/bin/sh
# Installs the Debian packages beeldbel needs, only when one is missing, so a
# second run costs a few dpkg-query calls and no network.
#   apt-deps.sh "PKG PKG ..." "CMD:PKG CMD:PKG ..."
# The second list names commands that may come from another install (a newer
# node with its own npm): the package is only installed if the command is absent.
set -eu
missing=""
for p in $1; do
  st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [ "$st" = installed ] || missing="$missing $p"
done
for cp in $2; do
  command -v "${cp%%:*}" >/dev/null 2>&1 || missing="$missing ${cp#*:}"
done
[ -z "$missing" ] && exit 0

echo "apt-deps: missing Debian packages / ontbrekende Debian-pakketten:$missing"
if [ "$(id -u)" != 0 ]; then
  echo "apt-deps: run as root (sudo make ...) to install them." >&2
  echo "apt-deps: voer uit als root (sudo make ...) om ze te installeren." >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
here=$(dirname "$0")
sh "$here/apt-get.sh" update -q
# shellcheck disable=SC2086
sh "$here/apt-get.sh" install -y -q --no-install-recommends $missing
