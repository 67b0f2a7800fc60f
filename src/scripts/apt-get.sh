#!/bin/sh
# apt-get, waiting while another apt or dpkg holds its locks (on a fresh
# machine the daily upgrade often runs at first boot; or a second make is
# installing): up to 10 minutes, then the lock error stands. Any other
# failure fails at once.
#   apt-get.sh ARGS...
set -u
err=$(mktemp)
trap 'rm -f "$err"' EXIT
tries=0
while :; do
  if apt-get -o DPkg::Lock::Timeout=600 "$@" 2>"$err"; then
    cat "$err" >&2
    exit 0
  fi
  rc=$?
  cat "$err" >&2
  grep -qE 'Could not get lock|Unable to (acquire|lock)' "$err" || exit $rc
  tries=$((tries + 1))
  [ $tries -lt 60 ] || exit $rc
  echo "apt-get.sh: apt is busy elsewhere; trying again in 10 s (apt is elders bezig; over 10 s opnieuw)" >&2
  sleep 10
done
