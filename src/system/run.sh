#!/bin/bash
# Starts the whole beeldbel system on this machine and stops it on Ctrl-C:
#   Janus (the SFU), configured from src/system/janus/*.jcfg.in
#   the web server for the widget bundle and demo page (dist/), and the
#   officer's console on an origin (port) of its own
# Every process is stopped by the PID this script started it with.
#
# Environment (all optional):
#   BB_NET            loopback | host          (default loopback: all traffic stays
#                     on 127.0.0.1; host: the sites and Janus listen on every
#                     address and Janus offers this machine's, for other devices)
#   BB_HOST           the address other devices use with BB_NET=host (default:
#                     this machine's first, as `hostname -I` lists them)
#   BB_HTTP_PORT      web server port          (default 8470)
#   BB_CONSOLE_PORT   officer console port     (default 8472)
#   BB_JANUS_WS_PORT  Janus WebSocket port     (default 8188)
#   BB_RTP_RANGE      Janus media UDP ports    (default 20000-20199)
#   BB_CONTACT_PORT   contact service port     (default 8471)
#   BB_JANUS_HTTP_PORT Janus HTTP port, 127.0.0.1, for the contact service (default 8089)
#   BB_RUN_DIR        generated config/secrets (default build/run)
#   BB_JANUS_DEBUG    Janus log level 0-7      (default 4)
#   BB_DEMO           1 | 0                    (default 1: demo officer accounts matching the
#                     demo certificates, passwords printed; 0: none, as in production)
#   BB_SCALE          single | demo            (default single: one contact service on SQLite,
#                     one Janus; demo: a PostgreSQL cluster beside the run dir, two contact
#                     service instances sharing it behind the web servers' proxy, and two
#                     Janus servers, the second in build/run/janus2 on BB_JANUS_WS_PORT2
#                     (8190), media ports BB_RTP_RANGE2 (20200-20399))
#   BB_CONTACT_PORT2  the second instance's port with BB_SCALE=demo (default 8481)
#   BB_PG_PORT        PostgreSQL's port with BB_SCALE=demo, 127.0.0.1 (default 8477)
#   BB_BUILD, BB_DIST where make built         (default build, dist)
set -euo pipefail
cd "$(dirname "$0")/../.."

NET=${BB_NET:-loopback}
HTTP_PORT=${BB_HTTP_PORT:-8470}
CONSOLE_PORT=${BB_CONSOLE_PORT:-8472}
WS_PORT=${BB_JANUS_WS_PORT:-8188}
RTP_RANGE=${BB_RTP_RANGE:-20000-20199}
WS_PORT2=${BB_JANUS_WS_PORT2:-8190}
RTP_RANGE2=${BB_RTP_RANGE2:-20200-20399}
RUN=${BB_RUN_DIR:-${BB_BUILD:-build}/run}
DEBUG_LEVEL=${BB_JANUS_DEBUG:-4}
BUILD=${BB_BUILD:-build}
DIST=${BB_DIST:-dist}
SHIM=$BUILD/native/libbb_loopback.so
# contact service
CONTACT_PORT=${BB_CONTACT_PORT:-8471}
JANUS_HTTP_PORT=${BB_JANUS_HTTP_PORT:-8089}
CONTACT_BIN=$BUILD/bin/beeldbel-contact
OFFICER_BIN=$BUILD/bin/beeldbel-officer
DEMO=${BB_DEMO:-1}
SCALE=${BB_SCALE:-single}
CONTACT_PORT2=${BB_CONTACT_PORT2:-8481}
PG_PORT=${BB_PG_PORT:-8477}
PG_DIR=${RUN%/}-postgres

say() { printf 'run: %s\n' "$*"; }
die() { printf 'run: %s\n' "$*" >&2; exit 1; }

case $NET in host|loopback) ;; *) die "BB_NET must be loopback or host (BB_NET moet loopback of host zijn)";; esac
case $DEMO in 0|1) ;; *) die "BB_DEMO must be 1 or 0 (BB_DEMO moet 1 of 0 zijn)";; esac
case $SCALE in single|demo) ;; *) die "BB_SCALE must be single or demo (BB_SCALE moet single of demo zijn)";; esac
command -v janus >/dev/null || die "janus is not installed; run 'make deps' (janus ontbreekt; voer 'make deps' uit)"

# Secrets are made once per machine and never committed.
mkdir -p "$RUN/janus"
chmod 700 "$RUN"
if [ ! -s "$RUN/secrets.env" ]; then
  umask 077
  {
    echo "BB_JANUS_TOKEN_SECRET=$(head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
    echo "BB_JANUS_ADMIN_SECRET=$(head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
    echo "BB_VIDEOROOM_ADMIN_KEY=$(head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
  } > "$RUN/secrets.env"
fi
# shellcheck disable=SC1091
. "$RUN/secrets.env"

# HTTPS: browsers give camera and microphone only to secure origins, and a
# page served over HTTPS opens only secure WebSockets. The sites and Janus's
# WebSocket share one certificate from a demo CA made once per run directory
# (tls/ca.pem: trust it on a device to call from it); the certificate names
# localhost, 127.0.0.1 and ::1 (and BB_HOST with BB_NET=host), lives 90 days
# and is made afresh when a name changes or it nears its end.
TLS_DIR=$RUN/tls
if [ "$NET" = host ]; then
  HOST=${BB_HOST:-$(hostname -I 2>/dev/null | awk '{ print $1 }')}
  LISTEN=0.0.0.0
  [ -n "$HOST" ] || die "no network address found; set BB_HOST (geen netwerkadres gevonden; zet BB_HOST)"
else
  HOST=127.0.0.1
  LISTEN=127.0.0.1
fi
case $HOST in *[!0-9A-Za-z.:-]*) die "BB_HOST must be an address or host name (BB_HOST moet een adres of hostnaam zijn)";; esac
command -v openssl >/dev/null || die "openssl is not installed; run 'make deps' (openssl ontbreekt)"
names="DNS:localhost,IP:127.0.0.1,IP:::1"
case $HOST in
  127.0.0.1) ;;
  *:*) names="$names,IP:$HOST" ;;          # IPv6
  *[!0-9.]*) names="$names,DNS:$HOST" ;;   # a host name
  *) names="$names,IP:$HOST" ;;            # IPv4
esac
mkdir -p "$TLS_DIR"
chmod 700 "$TLS_DIR"
bash src/system/demo-ca.sh "$TLS_DIR" ||
  die "cannot make the demo TLS CA (kan de demo-TLS-CA niet maken); see $TLS_DIR/openssl.log"
if [ ! -s "$TLS_DIR/site.pem" ] || [ ! -s "$TLS_DIR/site.key" ] || [ "$(cat "$TLS_DIR/site.names" 2>/dev/null)" != "$names" ] ||
   ! openssl x509 -checkend 2592000 -noout -in "$TLS_DIR/site.pem" > /dev/null 2>&1; then
  ( umask 077
    printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=%s\n' \
      "$names" > "$TLS_DIR/site.ext"
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/O=beeldbel demo/CN=$HOST" \
      -keyout "$TLS_DIR/site.key" -out "$TLS_DIR/site.csr" 2> "$TLS_DIR/openssl.log" &&
    openssl x509 -req -in "$TLS_DIR/site.csr" -CA "$TLS_DIR/ca.pem" -CAkey "$TLS_DIR/ca.key" \
      -set_serial "0x$(openssl rand -hex 16)" -days 90 -sha256 -extfile "$TLS_DIR/site.ext" \
      -out "$TLS_DIR/site.crt" 2>> "$TLS_DIR/openssl.log" &&
    cat "$TLS_DIR/site.crt" "$TLS_DIR/ca.pem" > "$TLS_DIR/site.pem" &&
    printf '%s\n' "$names" > "$TLS_DIR/site.names" ) ||
    die "cannot make the site's TLS certificate (kan het TLS-certificaat niet maken); see $TLS_DIR/openssl.log"
fi
TLS_CA_SHA256=$(openssl x509 -in "$TLS_DIR/ca.pem" -noout -fingerprint -sha256 | cut -d= -f2)
URL_HOST=$HOST
case $HOST in *:*) URL_HOST="[$HOST]" ;; esac   # an IPv6 address in a URL
SITE_URL="https://$URL_HOST:$HTTP_PORT"
CONSOLE_URL="https://$URL_HOST:$CONSOLE_PORT"
JANUS_WS_URL="wss://$URL_HOST:$WS_PORT"
JANUS_WS_URL2="wss://$URL_HOST:$WS_PORT2"

# Where Debian put Janus's plugins (multiarch path).
# (sed reads all of dpkg's output: an early exit would SIGPIPE it under pipefail)
videoroom_so=$(dpkg -L janus | sed -n '/\/plugins\/libjanus_videoroom\.so$/p')
LIB_DIR=$(dirname "$(dirname "${videoroom_so%%$'\n'*}")")
[ -d "$LIB_DIR/plugins" ] || die "cannot find Janus plugins (Janus-plugins niet gevonden)"

if [ "$NET" = loopback ]; then
  # Janus skips loopback interfaces for ICE; the shim clears that flag.
  [ -f "$SHIM" ] || die "$SHIM missing; run 'make native'"
  GENERAL_NET='	interface = "127.0.0.1"'
  NAT_NET='	ice_enforce_list = "127.0.0.1"'
  PRELOAD=$(pwd)/$SHIM
else
  GENERAL_NET=''
  NAT_NET='	ice_ignore_list = "vmnet,docker,veth"'
  PRELOAD=''
fi

# Fills @NAME@ in a Janus template. The values (secrets among them) reach
# awk through its environment, never its argument list, which every user of
# the machine can read in the process table.
abs() { case $1 in /*) printf '%s' "$1" ;; *) printf '%s/%s' "$(pwd)" "$1" ;; esac; }
# One Janus server's own values: J_DIR (its config folder), J_WS, J_HTTP, J_RTP.
render() { # template output
  BB_T_CONF_DIR="$(abs "$J_DIR")" BB_T_LIB_DIR="$LIB_DIR" BB_T_DEBUG_LEVEL="$DEBUG_LEVEL" \
  BB_T_TOKEN_SECRET="$BB_JANUS_TOKEN_SECRET" BB_T_ADMIN_SECRET="$BB_JANUS_ADMIN_SECRET" \
  BB_T_VIDEOROOM_ADMIN_KEY="$BB_VIDEOROOM_ADMIN_KEY" BB_T_RTP_RANGE="$J_RTP" BB_T_WS_PORT="$J_WS" \
  BB_T_WS_IP="$LISTEN" BB_T_JANUS_HTTP_PORT="$J_HTTP" \
  BB_T_TLS_CERT="$(abs "$TLS_DIR/site.pem")" BB_T_TLS_KEY="$(abs "$TLS_DIR/site.key")" \
  BB_T_GENERAL_NET="$GENERAL_NET" BB_T_NAT_NET="$NAT_NET" awk '
    function put(s, key, val,   out, i) {   # literal replacement: no regex, no & or \ surprises
      out = ""
      while ((i = index(s, key)) > 0) { out = out substr(s, 1, i - 1) val; s = substr(s, i + length(key)) }
      return out s
    }
    $0 == "@GENERAL_NET@" { print ENVIRON["BB_T_GENERAL_NET"]; next }
    $0 == "@NAT_NET@" { print ENVIRON["BB_T_NAT_NET"]; next }
    {
      n = split("CONF_DIR LIB_DIR DEBUG_LEVEL TOKEN_SECRET ADMIN_SECRET VIDEOROOM_ADMIN_KEY RTP_RANGE WS_PORT WS_IP JANUS_HTTP_PORT TLS_CERT TLS_KEY", k, " ")
      for (j = 1; j <= n; j++) $0 = put($0, "@" k[j] "@", ENVIRON["BB_T_" k[j]])
      print
    }' "$1" > "$2"
}
# The contact service and Janus's HTTP transport are reached only through
# this machine (serve.mjs proxies /api/): when their default port is taken
# (say, by another test run) any free port will do; a port set explicitly
# must be free.
contact_port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
if contact_port_busy "$CONTACT_PORT"; then
  [ -z "${BB_CONTACT_PORT:-}" ] || die "port $CONTACT_PORT is in use (BB_CONTACT_PORT) / poort $CONTACT_PORT is bezet"
  CONTACT_PORT=$(free_port)
fi
if contact_port_busy "$JANUS_HTTP_PORT"; then
  [ -z "${BB_JANUS_HTTP_PORT:-}" ] || die "port $JANUS_HTTP_PORT is in use (BB_JANUS_HTTP_PORT) / poort $JANUS_HTTP_PORT is bezet"
  JANUS_HTTP_PORT=$(free_port)
fi
J_DIR=$RUN/janus J_WS=$WS_PORT J_HTTP=$JANUS_HTTP_PORT J_RTP=$RTP_RANGE
for t in src/system/janus/*.jcfg.in; do
  render "$t" "$RUN/janus/$(basename "$t" .in)"
done
chmod 600 "$RUN"/janus/*.jcfg
JANUS_COUNT=1
if [ "$SCALE" = demo ]; then
  JANUS_COUNT=2
  JANUS_HTTP_PORT2=$(free_port)
  mkdir -p "$RUN/janus2"
  J_DIR=$RUN/janus2 J_WS=$WS_PORT2 J_HTTP=$JANUS_HTTP_PORT2 J_RTP=$RTP_RANGE2
  for t in src/system/janus/*.jcfg.in; do
    render "$t" "$RUN/janus2/$(basename "$t" .in)"
  done
  chmod 600 "$RUN"/janus2/*.jcfg
fi

pids=()
stop_all() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  # Janus can miss a SIGTERM that arrives during its start-up: ask again.
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ $alive = 0 ] && break
    sleep 0.3
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  done
  for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  [ "$SCALE" = demo ] && bash src/system/postgres.sh stop "$PG_DIR" > /dev/null 2>&1
  say "stopped (gestopt)"
}
trap 'stop_all; exit 0' INT TERM
trap stop_all EXIT

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port_open "$WS_PORT" && die "port $WS_PORT is in use (BB_JANUS_WS_PORT) / poort $WS_PORT is bezet"
port_open "$HTTP_PORT" && die "port $HTTP_PORT is in use (BB_HTTP_PORT) / poort $HTTP_PORT is bezet"
port_open "$CONSOLE_PORT" && die "port $CONSOLE_PORT is in use (BB_CONSOLE_PORT) / poort $CONSOLE_PORT is bezet"
[ -x "$CONTACT_BIN" ] || die "$CONTACT_BIN missing; run 'make native' (ontbreekt)"

say "network mode: $NET"
# Janus is pids[0] (and, with BB_SCALE=demo, the second pids[1]): alone, the
# supervisor at the end starts it again if it dies; one of two stays down,
# and its calls move to the other (the contact service's calls/where).
# BB_JANUS_PRELOAD: extra shims for tests (e.g. tests/system/udp_loss_shim.c).
start_janus() { # [1: the second]
  local k=${1:-0} dir=$RUN/janus log=$RUN/janus.log port=$WS_PORT pidfile=$RUN/janus.pid
  [ "$k" = 1 ] && { dir=$RUN/janus2; log=$RUN/janus2.log; port=$WS_PORT2; pidfile=$RUN/janus2.pid; }
  LD_PRELOAD="$PRELOAD${BB_JANUS_PRELOAD:+ $BB_JANUS_PRELOAD}" janus -C "$dir/janus.jcfg" -F "$dir" -o >> "$log" 2>&1 &
  pids[k]=$!
  echo "${pids[k]}" > "$pidfile"
  for _ in $(seq 1 100); do port_open "$port" && break; kill -0 "${pids[k]}" 2>/dev/null || break; sleep 0.1; done
  port_open "$port"
}
: > "$RUN/janus.log"
start_janus || { tail -n 20 "$RUN/janus.log" >&2; die "Janus did not start (Janus startte niet); log: $RUN/janus.log"; }
if [ "$JANUS_COUNT" = 2 ]; then
  port_open "$WS_PORT2" && die "port $WS_PORT2 is in use (BB_JANUS_WS_PORT2) / poort $WS_PORT2 is bezet"
  : > "$RUN/janus2.log"
  start_janus 1 || { tail -n 20 "$RUN/janus2.log" >&2; die "the second Janus did not start (tweede Janus startte niet); log: $RUN/janus2.log"; }
fi

# Police CA: a demo root CA (made once, kept under the run dir,
# never committed) and short-lived demo officer certificates, issued afresh
# on every start. The widget's root and the revocation list are served
# from the bundle as $DIST/police/root.pem and crl.pem; the root's hash is
# pinned into the bundle (seal-bundle.mjs), so the widget trusts no other.
CA_BIN=$BUILD/bin/beeldbel-ca
CA_DIR=$RUN/ca
[ -x "$CA_BIN" ] || die "$CA_BIN missing; run 'make native' (ontbreekt)"
[ -s "$CA_DIR/root.pem" ] || "$CA_BIN" init "$CA_DIR" > /dev/null
# The police time-stamping service's key and certificate (the contact
# service stamps officers' signatures on statements with them).
"$CA_BIN" tsa "$CA_DIR" > /dev/null
mkdir -p "$CA_DIR/officers"
# The demo officers: certificate file, name, team, neighbourhood (as the
# certificate and the contact service write it), officer number, account.
DEMO_OFFICERS='jan-de-vries|Jan de Vries|Basisteam Groningen-Noord|Groningen-Noord|groningen-noord|100001|jan
sanne-bakker|Sanne Bakker|Basisteam Groningen-Zuid|Groningen-Zuid|groningen-zuid|100002|sanne
ahmed-el-amrani|Ahmed El Amrani|Basisteam Groningen-Noord|Groningen-Noord|groningen-noord|100003|ahmed'
while IFS='|' read -r file name team hood _ number _; do
  "$CA_BIN" issue "$CA_DIR" --name "$name" --team "$team" --neighbourhood "$hood" --id "$number" \
    --out "$CA_DIR/officers/$file" > /dev/null
done <<< "$DEMO_OFFICERS"
mkdir -p "$DIST/police"
cp "$CA_DIR/crl.pem" "$DIST/police/"
node src/scripts/seal-bundle.mjs "$DIST" "$CA_DIR/root.pem" "$("$CA_BIN" crl-time "$CA_DIR")" > /dev/null ||
  die "could not pin the police root into $DIST (kon de politie-root niet vastzetten)"
say "police CA (politie-CA): $CA_DIR, demo officers in $CA_DIR/officers/"

# The contact service's database: a SQLite file in the run dir, or with
# BB_SCALE=demo a PostgreSQL cluster beside it (src/system/postgres.sh; the run
# dir itself is root's alone, the cluster's folder the postgres user's) that
# every instance shares, its URI (with the password) passed in the
# environment only.
DB_ARGS=(--db "$RUN/contact.db")
CONTACT_PORTS=$CONTACT_PORT
if [ "$SCALE" = demo ]; then
  contact_port_busy "$CONTACT_PORT2" && die "port $CONTACT_PORT2 is in use (BB_CONTACT_PORT2) / poort $CONTACT_PORT2 is bezet"
  BB_CONTACT_DB=$(bash src/system/postgres.sh start "$PG_DIR" "$PG_PORT") ||
    die "PostgreSQL did not start (PostgreSQL startte niet); log: $PG_DIR/server.log"
  export BB_CONTACT_DB BB_CONTACT_EVIDENCE_DIR=$RUN/evidence
  DB_ARGS=()
  CONTACT_PORTS=$CONTACT_PORT,$CONTACT_PORT2
fi

# Demo officer accounts, one per demo certificate, so a call can be tried at
# once: passwords and second-factor (TOTP) secrets made once per run
# directory (demo-accounts, mode 600: "user password secret") and printed
# below. Secrets go to and from the account tool through stdin and stdout,
# never in argv. Not with BB_DEMO=0.
DEMO_FILE=$RUN/demo-accounts
# demo_field USER N: field N (2 password, 3 TOTP secret) of USER's line.
demo_field() { awk -v u="$1" -v n="$2" '$1 == u { print $n }' "$DEMO_FILE"; }
if [ "$DEMO" = 1 ]; then
  fresh=0
  if [ ! -s "$DEMO_FILE" ]; then
    fresh=1
    ( umask 077
      while IFS='|' read -r _ _ _ _ _ _ user; do
        printf '%s %s\n' "$user" "$(head -c 12 /dev/urandom | base64 | tr -d '/+=')"
      done <<< "$DEMO_OFFICERS" > "$DEMO_FILE" )
  fi
  ( umask 077
    while IFS='|' read -r _ name team _ hood number user; do
      pw=$(demo_field "$user" 2)
      secret=$(demo_field "$user" 3)
      if ! "$OFFICER_BIN" "${DB_ARGS[@]}" has "$user"; then
        printf '%s\n' "$pw" | "$OFFICER_BIN" "${DB_ARGS[@]}" add "$user" --name "$name" --team "$team" \
          --neighbourhoods "$hood" --number "$number" > /dev/null || die "cannot create demo account $user (kan demo-account niet maken)"
        secret=
      elif [ "$fresh" = 1 ]; then
        printf '%s\n' "$pw" | "$OFFICER_BIN" "${DB_ARGS[@]}" password "$user" > /dev/null ||
          die "cannot set the password of demo account $user (kan wachtwoord niet zetten)"
        secret=
      fi
      if [ -z "$secret" ]; then
        secret=$("$OFFICER_BIN" "${DB_ARGS[@]}" totp "$user" | awk '$1 == "secret" { print $2 }')
        [ -n "$secret" ] || die "cannot give demo account $user a second factor (kan geen tweede factor maken)"
      fi
      printf '%s %s %s\n' "$user" "$pw" "$secret"
    done <<< "$DEMO_OFFICERS" > "$DEMO_FILE.new" ) || exit 1
  mv "$DEMO_FILE.new" "$DEMO_FILE"
fi

# Contact service: callback requests, officer console API,
# invitations; database under the run dir, loopback only, stopped by PID.
# It creates rooms through Janus's HTTP transport (127.0.0.1) and signs
# Janus tokens with the secrets above.
for _ in $(seq 1 50); do port_open "$JANUS_HTTP_PORT" && break; sleep 0.1; done
JANUS_SERVERS=
JANUS_WS_URLS=$JANUS_WS_URL
if [ "$JANUS_COUNT" = 2 ]; then
  for _ in $(seq 1 50); do port_open "$JANUS_HTTP_PORT2" && break; sleep 0.1; done
  JANUS_SERVERS="http://127.0.0.1:$JANUS_HTTP_PORT/janus|$JANUS_WS_URL,http://127.0.0.1:$JANUS_HTTP_PORT2/janus|$JANUS_WS_URL2"
  JANUS_WS_URLS="$JANUS_WS_URL $JANUS_WS_URL2"
fi
: > "$RUN/contact.log"
for port in ${CONTACT_PORTS//,/ }; do
  BB_CONTACT_PORT=$port BB_CONTACT_PROXY_HOPS=1 BB_CONTACT_LOG_REQUESTS=1 BB_SITE_URL="$SITE_URL" \
    BB_CONSOLE_URL="$CONSOLE_URL" \
    BB_JANUS_HTTP_URL="http://127.0.0.1:$JANUS_HTTP_PORT/janus" BB_JANUS_WS_URL="$JANUS_WS_URL" \
    BB_JANUS_SERVERS="$JANUS_SERVERS" \
    BB_JANUS_TOKEN_SECRET=$BB_JANUS_TOKEN_SECRET BB_VIDEOROOM_ADMIN_KEY=$BB_VIDEOROOM_ADMIN_KEY \
    BB_CONTACT_TSA_KEY="$CA_DIR/tsa.key" BB_CONTACT_TSA_CERT="$CA_DIR/tsa.pem" \
    BB_CONTACT_POLICE_ROOT="$CA_DIR/root.pem" BB_CONTACT_POLICE_CRL="$CA_DIR/crl.pem" \
    "$CONTACT_BIN" "${DB_ARGS[@]}" >> "$RUN/contact.log" 2>&1 &
  pids+=($!)
done
for port in ${CONTACT_PORTS//,/ }; do
  for _ in $(seq 1 50); do port_open "$port" && break; sleep 0.1; done
  port_open "$port" || die "the contact service did not start (contactdienst startte niet); log: $RUN/contact.log"
done

# Two sites from dist/, each on its own origin: the public one (widget,
# demo page, citizens' API) and the officers' console (its API only).
: > "$RUN/web.log"
for site in public console; do
  port=$HTTP_PORT; [ "$site" = console ] && port=$CONSOLE_PORT
  BB_SITE=$site BB_CONTACT_PORTS=$CONTACT_PORTS BB_JANUS_WS_URL="$JANUS_WS_URLS" BB_HTTP_HOST="$LISTEN" \
    BB_TLS_CERT="$TLS_DIR/site.pem" BB_TLS_KEY="$TLS_DIR/site.key" \
    node src/system/serve.mjs "$DIST" "$port" >> "$RUN/web.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 50); do port_open "$port" && break; sleep 0.1; done
  port_open "$port" || die "the $site web server did not start (webserver startte niet); log: $RUN/web.log"
done

cat <<MSG
run: beeldbel is running / draait:
run:   demo page (demopagina)   $SITE_URL/demo/
run:   officer console (agent)  $CONSOLE_URL/console/
run:   Janus WebSocket (SFU)    $JANUS_WS_URLS  (janus-protocol, token auth)
run:   Janus media (UDP)        ports $RTP_RANGE
run:   contact API              $SITE_URL/api/v1/, officers' part on $CONSOLE_URL (-> 127.0.0.1:$CONTACT_PORTS)
run:   logs                     $RUN/janus.log, $RUN/web.log, $RUN/contact.log
run: HTTPS with a demo CA made for this machine (HTTPS met een demo-CA van deze machine):
run:   $TLS_DIR/ca.pem  SHA-256 $TLS_CA_SHA256
run:   trust it in the browser or phone you call from (vertrouw hem in de browser of telefoon waarmee je belt):
run:   Chromium/Chrome: Settings > Privacy and security > Security > Manage certificates > Authorities > Import;
run:   Firefox: Settings > Certificates > View Certificates > Authorities > Import; Android: Settings > Security >
run:   Encryption & credentials > Install a certificate > CA certificate; iOS: open the file, then Settings >
run:   General > About > Certificate Trust Settings. Check the SHA-256 above before you trust it.
MSG
if [ "$NET" = loopback ]; then
  say "only this machine can call (alleen deze machine kan bellen); from a phone on this network: BB_NET=host make run"
fi
if [ "$DEMO" = 1 ]; then
  pw_of() { demo_field "$1" 2; }
  cat <<MSG
run: try a call (probeer een gesprek):
run:   1. $SITE_URL/demo/ - ask for a video callback in Groningen-Noord (vraag terugbellen met beeld aan)
run:   2. $CONSOLE_URL/console/ in another window - log in as jan / $(pw_of jan),
run:      with the code of an authenticator app given the secret $(demo_field jan 3) (TOTP, 6 digits, 30 s),
run:      claim the request, "Terugbellen met beeld", choose $CA_DIR/officers/jan-de-vries.pem and .key, join
run:   3. open the invitation link in the first window and join (neem deel): both sides show the same code
run:   demo accounts (BB_DEMO=0: none): jan / $(pw_of jan) (Groningen-Noord), sanne / $(pw_of sanne) (Groningen-Zuid),
run:      ahmed / $(pw_of ahmed) (Groningen-Noord, to invite as a colleague); passwords and TOTP secrets in $DEMO_FILE
MSG
else
  say "no demo accounts (BB_DEMO=0; geen demo-accounts): add officers with $OFFICER_BIN (each enrols a second factor at the first login)"
fi
say "press Ctrl-C to stop (Ctrl-C om te stoppen)"
[ -n "${BB_READY_FILE:-}" ] && echo "ready" > "$BB_READY_FILE"

# Stay up until a signal. If Janus dies, start it again (calls resume by
# themselves: clients reconnect and rejoin); if another service dies, stop.
set +e
restarts=0
watching=("${pids[@]}")
while true; do
  wait -n "${watching[@]}"
  if ! kill -0 "${pids[0]}" 2>/dev/null && [ "$JANUS_COUNT" = 1 ] && [ "$restarts" -lt 20 ]; then
    restarts=$((restarts + 1))
    say "Janus stopped; starting it again (Janus gestopt; opnieuw gestart) [$restarts]"
    start_janus && { watching=("${pids[@]}"); continue; }
  fi
  if [ "$JANUS_COUNT" = 2 ]; then
    live=()
    for k in "${!watching[@]}"; do kill -0 "${watching[k]}" 2>/dev/null && live+=("${watching[k]}"); done
    janus_alive=0
    for k in 0 1; do kill -0 "${pids[k]}" 2>/dev/null && janus_alive=$((janus_alive + 1)); done
    # One Janus of two stopped: its calls move to the other; anything else stops everything.
    if [ "$janus_alive" = 1 ] && [ ${#live[@]} = $(( ${#watching[@]} - 1 )) ]; then
      say "a Janus server stopped; its calls move to the other (een Janus-server gestopt; gesprekken verhuizen)"
      watching=("${live[@]}")
      continue
    fi
  fi
  say "a service stopped unexpectedly (een dienst stopte onverwacht); see $RUN/*.log"
  exit 1
done
