#!/usr/bin/env bash
# Runs the whole test suite, installing what it needs (the README's test command; .ci/run calls it):
#   1. lint: cargo fmt --check, clippy -D warnings (native and wasm32)
#   2. core unit, transcript and property tests (cargo test, native), two 30 s fuzzing runs
#      (no panic on any frame; no stanza from another user ends the session)
#   3. release build of the npm package into pkg/ (size printed), tests of the build's rewrites
#   4. tsc --strict on a typed usage example; npm pack installed into a fresh Vite app
#   5. a throwaway Prosody on loopback, the npm package under Node.js (node --test), then the
#      browser tests and the demo e2e test in headless Chromium (Playwright)
#   6. the Node.js, browser and e2e tests again against a throwaway ejabberd
# Stops at the first failing suite and ends with one line: "N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
passed=0; failed=0
work=$(mktemp -d /tmp/xmpp-ftw-wasm-test.XXXXXX)
http_port=${TEST_PROSODY_HTTP_PORT:-5380}; c2s_port=${TEST_PROSODY_C2S_PORT:-5322}
export XMPP_WS_URL="ws://127.0.0.1:$http_port/xmpp-websocket" XMPP_SERVER=prosody XMPP_C2S_PORT=$c2s_port
export TEST_HTTP_PORT=${TEST_HTTP_PORT:-8189}
# XEP-0198 hibernation of both servers: short, so that a test can outlast it
export XMPP_HIBERNATION_SECONDS=${XMPP_HIBERNATION_SECONDS:-8}
# The reliability tests kill and restart this Prosody.
export PROSODY_DIR="$work/prosody" PROSODY_HTTP_PORT=$http_port PROSODY_C2S_PORT=$c2s_port

finish() {
  "$root/scripts/prosody.sh" stop "$work/prosody" >/dev/null 2>&1 || true
  [[ -n ${ejd_dir:-} ]] && "$root/scripts/ejabberd.sh" stop "$ejd_dir" >/dev/null 2>&1 || true
  echo "$passed passed, $failed failed"
  [[ $failed == 0 ]] && exit 0 || exit 1
}
fail() { echo "test.sh: $*" >&2; failed=$((failed + ${2:-1})); finish; }
# Adds the summaries of node --test runs in log $1 ("# pass N" / "# fail M"; several runs add
# up) to the totals; stops if the runs' exit status $2 is not 0 or no test ran. $3: which tests.
node_summary() {
  local p f
  p=$(sed -nE 's/^# pass ([0-9]+)$/\1/p' "$1" | awk '{s+=$1} END {print s+0}')
  f=$(sed -nE 's/^# fail ([0-9]+)$/\1/p' "$1" | awk '{s+=$1} END {print s+0}')
  passed=$((passed + p)); failed=$((failed + f))
  if [[ $2 != 0 ]]; then fail "node --test $3 failed" 0; fi
  if [[ $p == 0 ]]; then fail "node --test ran no test $3"; fi
}

./scripts/setup.sh || fail "setup failed"

echo "== lint"
cargo fmt --check || fail "cargo fmt --check"
cargo clippy --all-targets -q -- -D warnings || fail "clippy (native)"
cargo clippy --lib --example jid_prep --example incoming_wasm --target wasm32-unknown-unknown -q -- -D warnings || fail "clippy (wasm32)"
# The crates in patches/: the wasm side of idna and unicode-normalization (their native side is
# upstream's code, as published); stringprep (published, its B.2 lookup changed),
# rxml_validation (published, its ASCII checks changed) and unicode-bidi (written here) on both sides.
cargo clippy -p idna -p unicode-normalization -p stringprep -p unicode-bidi -p rxml_validation@0.12.0 --target wasm32-unknown-unknown -q -- -D warnings || fail "clippy (patches/, wasm32)"
cargo clippy -p stringprep -p unicode-bidi -p rxml_validation@0.12.0 --all-targets -q -- -D warnings || fail "clippy (patches/, native)"
for f in patches/idna/src/web.rs patches/unicode-normalization/src/lib.rs patches/unicode-bidi/src/lib.rs; do
  rustfmt --check --edition 2021 "$f" || fail "rustfmt --check $f"
done

echo "== core unit and transcript tests (and patches/' stringprep, unicode-bidi and rxml_validation: every code point)"
cargo test --all-targets -p xmpp-ftw-wasm -p stringprep -p unicode-bidi -p rxml_validation@0.12.0 2>&1 | tee "$work/cargo.log"
cargo_rc=${PIPESTATUS[0]}
p=$(sed -nE 's/^test result: .* ([0-9]+) passed; ([0-9]+) failed.*/\1/p' "$work/cargo.log" | awk '{s+=$1} END {print s+0}')
f=$(sed -nE 's/^test result: .* ([0-9]+) passed; ([0-9]+) failed.*/\2/p' "$work/cargo.log" | awk '{s+=$1} END {print s+0}')
passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
if [[ $cargo_rc != 0 ]]; then fail "cargo test failed" 0; fi
if [[ ${p:-0} == 0 ]]; then fail "cargo test ran no test"; fi

# One fuzz target for 30 s from its corpus and seeds; its whole output goes to
# fuzz/artifacts/<target>.log, and on failure the seed and the panic are printed (libFuzzer's
# input alone may not replay it: the strangers target keeps one session across inputs).
fuzz() {
  local target=$1; shift
  mkdir -p "fuzz/corpus/$target" fuzz/artifacts
  if (cd fuzz && cargo fuzz run -s none "$target" "corpus/$target" "seeds/$target" -- -max_total_time=30 -rss_limit_mb=1024 "$@" > "artifacts/$target.log" 2>&1); then
    tail -3 "fuzz/artifacts/$target.log"
    return 0
  fi
  grep -m1 'INFO: Seed' "fuzz/artifacts/$target.log"
  grep -m1 -A12 'panicked' "fuzz/artifacts/$target.log" | grep -v '^ *[0-9]*: \|^ *at '
  tail -5 "fuzz/artifacts/$target.log"
  return 1
}
echo "== fuzzing smoke run (cargo fuzz, 30 s; the full run is: cd fuzz && cargo fuzz run -s none frames)"
if fuzz frames; then
  echo "fuzz: frames ok"; passed=$((passed + 1))
else
  fail "fuzzing found a crash (see fuzz/artifacts/frames)"
fi
echo "== fuzzing with the session's invariant (30 s): stanzas from other people never end the session"
if fuzz strangers -max_len=4096; then
  echo "fuzz: strangers ok"; passed=$((passed + 1))
else
  fail "fuzzing broke the invariant (see fuzz/artifacts/strangers)"
fi

echo "== build pkg/"
./scripts/build.sh || fail "build failed"
echo "== the build's rewrites of the wasm (node --test tests/build)"
node --test tests/build/ 2>&1 | tee "$work/build-rewrites.log"
node_summary "$work/build-rewrites.log" "${PIPESTATUS[0]}" "of the build's rewrites"
echo "== build examples/jid_prep.rs for WebAssembly into .work/jid-prep (tests/browser/jid.spec.mjs)"
{ cargo build --release --target wasm32-unknown-unknown --example jid_prep -q &&
  wasm-bindgen --target web --out-dir .work/jid-prep target/wasm32-unknown-unknown/release/examples/jid_prep.wasm; } ||
  fail "examples/jid_prep.rs did not build"

echo "== TypeScript: tsc --noEmit --strict on www/types-check.ts"
if npx tsc -p tsconfig.json; then echo "tsc: ok"; passed=$((passed + 1)); else fail "tsc found type errors"; fi

echo "== npm pack into a fresh Vite app"
./scripts/vite-app.sh || fail "the Vite fixture did not build"

echo "== the README's install section, as written, from a fresh directory"
if ./scripts/install-test.sh; then passed=$((passed + 1)); else fail "the README's install section did not work"; fi

./scripts/prosody.sh start "$work/prosody" "$http_port" "$c2s_port" >/dev/null || fail "Prosody did not start"

# The Node.js suite (node --test; summary "# pass N" / "# fail M") and the browser and e2e
# suite (Playwright; "N passed" / "N failed") against the server at $XMPP_WS_URL. $1 names the
# server in the logs and messages.
node_suite() {
  # two runs (Node.js 20, then 22): their summaries add up
  ./scripts/node-test.sh 2>&1 | tee "$work/node-$1.log"
  node_summary "$work/node-$1.log" "${PIPESTATUS[0]}" "against $1"
}
browser_suite() {
  local log="$work/playwright-$1.log" rc p f
  npx playwright test 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  p=$(grep -oE '^ +[0-9]+ passed' "$log" | grep -oE '[0-9]+' | tail -1)
  f=$(grep -oE '^ +[0-9]+ failed' "$log" | grep -oE '[0-9]+' | tail -1)
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
  if [[ $rc != 0 ]]; then fail "browser tests against $1 failed" 0; fi
  if [[ ${p:-0} == 0 ]]; then fail "playwright ran no test against $1"; fi
}

echo "== the npm package under Node.js (node --test, packed tarball, Prosody on 127.0.0.1:$http_port)"
node_suite prosody
echo "== browser and e2e tests (Prosody on 127.0.0.1:$http_port)"
browser_suite prosody

# The same browser, e2e and Node.js tests against ejabberd (the test that kills and restarts
# the server is Prosody's: it skips itself without PROSODY_DIR).
ejd_http=${TEST_EJABBERD_HTTP_PORT:-5480}; ejd_c2s=${TEST_EJABBERD_C2S_PORT:-5422}
echo "== the same against ejabberd (127.0.0.1:$ejd_http)"
"$root/scripts/prosody.sh" stop "$work/prosody" >/dev/null 2>&1 || true
# its own directory under /tmp: ejabberd runs as its own user, which cannot enter $work (0700)
ejd_dir=$(mktemp -d /tmp/xmpp-ftw-wasm-ejabberd.XXXXXX)
./scripts/ejabberd.sh start "$ejd_dir" "$ejd_http" "$ejd_c2s" >/dev/null || fail "ejabberd did not start"
export XMPP_WS_URL="ws://127.0.0.1:$ejd_http/xmpp-websocket" XMPP_SERVER=ejabberd XMPP_C2S_PORT=$ejd_c2s EJABBERD_DIR=$ejd_dir
unset PROSODY_DIR
node_suite ejabberd
browser_suite ejabberd
finish
