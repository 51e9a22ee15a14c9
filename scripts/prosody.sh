#!/usr/bin/env bash
# A throwaway Prosody on loopback for the tests and the demo.
#   scripts/prosody.sh start DIR [HTTP_PORT] [C2S_PORT]   prints the PID once the WebSocket endpoint answers
#   scripts/prosody.sh stop DIR
#   scripts/prosody.sh kill DIR          SIGKILL, for crash tests (start again with the same DIR keeps the data)
#   scripts/prosody.sh adduser DIR USER HOST PASSWORD
# Hosts: "localhost" (internal_hashed: SCRAM-SHA-1, PLAIN) and "sha256.localhost"
# (internal_plain: also SCRAM-SHA-256), and "anon.localhost" (SASL ANONYMOUS). Accounts alice, bob and carol (password "password")
# exist on both. XEP-0363 uploads at upload.localhost (16 MiB per file).
# PROSODY_LOG_LEVEL=debug logs what each session read (e.g. the bytes of XML it found not well-formed).
# Everything lives in DIR; nothing outside it is touched.
set -euo pipefail
cmd=${1:?start|stop|adduser}; dir=${2:?directory}
mkdir -p "$dir"; dir=$(cd "$dir" && pwd)
cfg="$dir/prosody.cfg.lua"

case "$cmd" in
start)
  http=${3:-5280}; c2s=${4:-5222}
  if ss -ltn | grep -qE "127\.0\.0\.1:($http|$c2s)\b"; then
    echo "prosody.sh: port $http or $c2s is already in use" >&2; exit 1
  fi
  mkdir -p "$dir/data" "$dir/certs"
  root=false; [[ $(id -u) == 0 ]] && root=true
  cat > "$cfg" <<LUA
local base = "$dir"
data_path = base .. "/data"
pidfile = base .. "/prosody.pid"
certificates = base .. "/certs"
log = { { levels = { min = "${PROSODY_LOG_LEVEL:-info}" }, to = "file", filename = base .. "/prosody.log" } }
run_as_root = $root
interfaces = { "127.0.0.1" }
local_interfaces = { "127.0.0.1" }
c2s_ports = { $c2s }
c2s_interfaces = { "127.0.0.1" }
s2s_ports = { }
http_ports = { $http }
http_interfaces = { "127.0.0.1" }
https_ports = { }
https_interfaces = { }
modules_enabled = {
  "roster"; "saslauth"; "disco"; "carbons"; "mam"; "offline"; "ping";
  "register"; "smacks"; "websocket"; "posix"; "admin_shell"; "blocklist";
}
modules_disabled = { "s2s"; "tls" }
allow_registration = true
min_seconds_between_registrations = 0
registration_throttle_max = 1000
c2s_require_encryption = false
consider_websocket_secure = true
authentication = "internal_hashed"
storage = "internal"
archive_expires_after = "1d"
max_archive_query_results = 250
default_archive_policy = true
-- XEP-0198: how long a dropped session waits to be resumed (the tests shorten it)
smacks_hibernation_time = ${XMPP_HIBERNATION_SECONDS:-300}
limits = { c2s = { rate = "10mb/s" } }
VirtualHost "localhost"
VirtualHost "sha256.localhost"
  authentication = "internal_plain"
VirtualHost "anon.localhost"
  authentication = "anonymous"
-- XEP-0363 HTTP upload (Prosody 0.12's own module), listed in localhost's disco#items as a
-- subdomain. Its URLs name 127.0.0.1 (the name resolves everywhere, Node.js included); CORS
-- is on by default (the page's origin is echoed, with the Authorization header allowed).
Component "upload.localhost" "http_file_share"
  http_host = "127.0.0.1"
  http_external_url = "http://127.0.0.1:$http/"
  http_file_share_size_limit = ${XMPP_UPLOAD_LIMIT:-16777216}
  http_file_share_daily_quota = 10737418240
  http_file_share_global_quota = 10737418240
LUA
  prosody --config "$cfg" -F > "$dir/stdout.log" 2>&1 &
  pid=$!
  echo "$pid" > "$dir/pid"
  for _ in $(seq 1 100); do
    if curl -sf "http://127.0.0.1:$http/xmpp-websocket" >/dev/null 2>&1; then break; fi
    if ! kill -0 "$pid" 2>/dev/null; then echo "prosody.sh: prosody exited:" >&2; cat "$dir/stdout.log" "$dir/prosody.log" >&2 || true; exit 1; fi
    sleep 0.1
  done
  curl -sf "http://127.0.0.1:$http/xmpp-websocket" >/dev/null || { echo "prosody.sh: not ready" >&2; exit 1; }
  if [[ ! -f "$dir/accounts-created" ]]; then
    for host in localhost sha256.localhost; do
      for u in alice bob carol; do
        prosodyctl --config "$cfg" register "$u" "$host" password >/dev/null
      done
    done
    touch "$dir/accounts-created"
  fi
  echo "$pid"
  ;;
adduser)
  prosodyctl --config "$cfg" register "${3:?user}" "${4:?host}" "${5:?password}" >/dev/null
  ;;
kill)
  if [[ -f "$dir/pid" ]]; then
    pid=$(cat "$dir/pid")
    kill -9 "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    rm -f "$dir/pid"
  fi
  ;;
stop)
  if [[ -f "$dir/pid" ]]; then
    pid=$(cat "$dir/pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$dir/pid"
  fi
  ;;
*) echo "usage: $0 start|stop|kill|adduser DIR ..." >&2; exit 2 ;;
esac
