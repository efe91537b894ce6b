#!/usr/bin/env bash
# Schema conformance: run schemathesis against a real `briefly serve` (SQLite + disk in a
# temp dir, on a free loopback port) using the server's own /api/openapi.json. Fails on
# any 5xx, any status code the document does not list for that operation, and any
# response whose body, content type or documented headers do not match the document.
#
# Environment: BRIEFLY_SCHEMA_MAX_EXAMPLES (default 100) bounds the test cases per
# operation and phase, so the whole run stays within a few minutes on 2 cores.
#   scripts/test-api-schema.sh --install-only   # only prepare schemathesis's venv
set -euo pipefail
cd "$(dirname "$0")/.."

schemathesis_version=4.32.5
venv="$HOME/.cache/briefly/schemathesis-$schemathesis_version"
if [ ! -x "$venv/bin/schemathesis" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$schemathesis_version"
fi
[ "${1:-}" = "--install-only" ] && exit 0

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/briefly/target}"
work=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
cargo build --release --quiet --bin briefly
# Run a private copy: the build cache may be shared with other checkouts whose builds
# would replace the binary under a running test.
cp "$CARGO_TARGET_DIR/release/briefly" "$work/briefly"

# Generous write and sign-in limits: the fuzzer should reach the comment, reaction and
# account logic rather than spend its examples on 429s (which stay documented and are
# tested in tests/api/).
# Port 0: the server picks a free port and logs it, so no other process can take the
# port between choosing and binding it.
BRIEFLY_LISTEN=127.0.0.1:0 BRIEFLY_DATA_DIR="$work/data" DATABASE_URL="sqlite:$work/data/briefly.db" \
  BRIEFLY_COMMENTS_PER_MINUTE=1000000 BRIEFLY_REACTIONS_PER_MINUTE=1000000 \
  BRIEFLY_LOGIN_FAILURES_PER_ACCOUNT_PER_HOUR=1000000 BRIEFLY_AUTH_ATTEMPTS_PER_CLIENT_PER_MINUTE=1000000 \
  BRIEFLY_WEBHOOK_ALLOW_PRIVATE_TARGETS=true \
  "$work/briefly" serve --no-worker >"$work/server.log" 2>&1 &
server_pid=$!

address=""
for _ in $(seq 1 200); do
  address=$(grep -a "briefly is listening" "$work/server.log" | grep -ao '127\.0\.0\.1:[0-9]*' | head -n 1 || true)
  [ -n "$address" ] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log"; exit 1; }
  sleep 0.05
done
[ -n "$address" ] || { echo "the server did not start"; cat "$work/server.log"; exit 1; }
base="http://$address"
curl -sf "$base/healthz" >/dev/null

# A signed-in user with a token, and one of everything an id in a path can name, so the
# fuzzer's requests reach past the 404 of made-up ids. schemathesis draws path ids from
# these dictionaries half of the time and generates its own the other half.
python3 scripts/api_schema_seed.py "$base" "$work/schemathesis.toml"
token=$(cat "$work/schemathesis.toml.token")

# Not fuzzed:
# - GET /api/videos/{id}/events is a Server-Sent Events stream that stays open until the
#   client leaves; every request would end in a client timeout. tests/api/events.rs and
#   tests/api/sse.rs cover it.
# - POST /api/workspaces/{id}/webhooks looks up the target's host name in DNS: fuzzed URLs
#   would send lookups for made-up names off this machine. tests/api/webhooks.rs covers
#   it; the seed registers one loopback hook (private targets are allowed on this
#   server, and without a worker nothing is ever delivered) for the other webhook calls.
# tus bodies (`application/offset+octet-stream`) are sent as raw bytes; see the hooks file.
# One worker: with two, hypothesis' shared caches occasionally raise an internal error
# (a KeyError describing a lambda) that fails the run without any finding.
# It runs inside the temp dir, where it keeps its caches, so nothing lands in the checkout.
status=0
scripts_dir="$PWD/scripts"
(cd "$work" && PYTHONPATH="$scripts_dir" SCHEMATHESIS_HOOKS=api_schema_hooks \
  "$venv/bin/schemathesis" --config-file "$work/schemathesis.toml" run "$base/api/openapi.json" \
  --header "Authorization: Bearer $token" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance \
  --phases "${BRIEFLY_SCHEMA_PHASES:-examples,coverage,fuzzing,stateful}" \
  --exclude-operation-id events_stream \
  --exclude-operation-id webhooks_create \
  --max-examples "${BRIEFLY_SCHEMA_MAX_EXAMPLES:-100}" \
  --request-timeout 10 \
  --seed "${BRIEFLY_SCHEMA_SEED:-20261125}" \
  --workers 1 \
  --no-color) || status=$?

# A 5xx is already a finding; an internal error the client never saw (a failed stream
# after the status was sent) would not be, so the server's log is checked too.
if grep -aqE "request failed|panicked" "$work/server.log"; then
  echo "the server logged internal errors:"
  grep -aE "ERROR|panicked" "$work/server.log" | tail -n 40
  [ "$status" -ne 0 ] || status=1
fi
exit "$status"
