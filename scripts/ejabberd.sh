#!/usr/bin/env bash
# A throwaway ejabberd (Debian's 23.01) on loopback, as its own Erlang node; scripts/test.sh
# runs the Node.js, browser and e2e tests against it after Prosody:
#   scripts/ejabberd.sh start DIR [http_port] [c2s_port]   (accounts alice, bob, carol: "password";
#                                                          bob@sha256.localhost; anon.localhost)
#   scripts/ejabberd.sh stop DIR
#   scripts/ejabberd.sh ctl DIR COMMAND...    (ejabberdctl for that node, e.g. import_piefxis FILE)
# WebSocket at ws://127.0.0.1:HTTP/xmpp-websocket; SCRAM (passwords stored as SCRAM), stream
# management with resumption, MAM, carbons, offline storage, roster, in-band registration.
set -euo pipefail
cmd=${1:?start|stop}; dir=${2:?directory}
ctl() { ejabberdctl --config "$dir/ejabberd.yml" --ctl-config "$dir/ejabberdctl.cfg" \
  --spool "$dir/spool" --logs "$dir/logs" --node "ejd$(cat "$dir/port")@localhost" "$@"; }
case "$cmd" in
start)
  http=${3:-5480}; c2s=${4:-5422}
  command -v ejabberdctl >/dev/null || { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ejabberd >/dev/null; }
  mkdir -p "$dir/spool" "$dir/logs" "$dir/upload"
  echo "$http" > "$dir/port"
  cat > "$dir/ejabberdctl.cfg" <<CFG
INET_DIST_INTERFACE=127.0.0.1
ERL_EPMD_ADDRESS=127.0.0.1
CFG
  cat > "$dir/ejabberd.yml" <<YML
# the same hosts as the Prosody of scripts/prosody.sh: SCRAM-SHA-256 and SASL ANONYMOUS each
# on a host of their own
hosts: [localhost, sha256.localhost, anon.localhost]
host_config:
  sha256.localhost:
    auth_scram_hash: sha256
  anon.localhost:
    auth_method: anonymous
    anonymous_protocol: sasl_anon
loglevel: warning
certfiles: []
listen:
  - port: $http
    ip: "127.0.0.1"
    module: ejabberd_http
    request_handlers:
      /xmpp-websocket: ejabberd_http_ws
      /upload: mod_http_upload
  - port: $c2s
    ip: "127.0.0.1"
    module: ejabberd_c2s
    starttls: false
auth_method: internal
auth_password_format: scram
# tests create many accounts from one address (the default allows one every 600 s)
registration_timeout: infinity
default_db: mnesia
acl:
  local:
    user_regexp: ""
access_rules:
  local:
    allow: local
  register:
    allow: all
modules:
  mod_roster:
    versioning: true
  mod_disco: {}
  mod_ping: {}
  mod_carboncopy: {}
  mod_mam:
    db_type: mnesia
    default: always
    assume_mam_usage: true
  mod_offline: {}
  mod_stream_mgmt:
    resume_timeout: ${XMPP_HIBERNATION_SECONDS:-300}
    # stanzas a dropped session never acknowledged go to offline storage, not away
    resend_on_timeout: if_offline
  mod_caps: {}
  # XEP-0191 (ejabberd 23.01 builds it on mod_privacy)
  mod_privacy: {}
  mod_blocking: {}
  mod_register:
    access: register
    ip_access: all
  # XEP-0363 at upload.HOST, served on the WebSocket's port (several hosts: @HOST@ in the
  # path); CORS for any page origin
  mod_http_upload:
    put_url: "http://127.0.0.1:$http/upload/@HOST@"
    docroot: "$dir/upload"
    max_size: ${XMPP_UPLOAD_LIMIT:-16777216}
    custom_headers:
      "Access-Control-Allow-Origin": "*"
      "Access-Control-Allow-Methods": "GET, HEAD, PUT, OPTIONS"
      "Access-Control-Allow-Headers": "Content-Type, Authorization"
YML
  chown -R ejabberd: "$dir"
  setsid ejabberdctl --config "$dir/ejabberd.yml" --ctl-config "$dir/ejabberdctl.cfg" \
    --spool "$dir/spool" --logs "$dir/logs" --node "ejd$http@localhost" foreground \
    > "$dir/stdout.log" 2>&1 < /dev/null &
  echo $! > "$dir/pid"
  for _ in $(seq 1 60); do ctl started >/dev/null 2>&1 && break; sleep 0.5; done
  ctl started >/dev/null
  for u in alice bob carol; do ctl register "$u" localhost password >/dev/null; done
  ctl register bob sha256.localhost password >/dev/null
  cat "$dir/pid"
  ;;
ctl)
  shift 2
  ctl "$@"
  ;;
stop)
  ctl stop >/dev/null 2>&1 || true
  [[ -f "$dir/pid" ]] && kill "$(cat "$dir/pid")" 2>/dev/null || true
  # The Erlang port mapper the node started goes too, unless another node still uses it.
  sleep 1
  if ! epmd -names 2>/dev/null | grep -q '^name '; then epmd -kill >/dev/null 2>&1 || true; fi
  ;;
esac
