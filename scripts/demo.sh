#!/usr/bin/env bash
# Builds everything and serves the demo (the README's demo command): a Prosody on loopback with
# the demo accounts alice, bob and carol (password "password") on host "localhost", and the
# www/ page. Prints the URL to open; Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
http_port=${DEMO_PROSODY_HTTP_PORT:-5280}; c2s_port=${DEMO_PROSODY_C2S_PORT:-5222}; web_port=${DEMO_WEB_PORT:-8080}
./scripts/setup.sh
./scripts/build.sh
work=.work/demo-prosody
./scripts/prosody.sh stop "$work" >/dev/null 2>&1 || true
./scripts/prosody.sh start "$work" "$http_port" "$c2s_port" >/dev/null
trap './scripts/prosody.sh stop "'"$work"'"' EXIT
ws="ws://127.0.0.1:$http_port/xmpp-websocket"
echo
echo "  Demo chat: http://127.0.0.1:$web_port/?ws=$ws   (open it in two windows to chat)"
echo "  Accounts: alice@localhost, bob@localhost, carol@localhost (password: password)"
echo
# --demo: only the page and the package are served, never the rest of the repository (the demo
# Prosody's accounts and archives are under .work/).
XMPP_WS_URL="$ws" node tests/server.mjs "$web_port" --demo
