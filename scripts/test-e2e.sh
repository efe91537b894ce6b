#!/usr/bin/env bash
# Browser tests: the real `briefly serve` (release build, shared with scripts/run.sh) driven through Debian's Chromium by
# playwright-core. Screenshots and server logs go to tests/artifacts/e2e/.
#   scripts/test-e2e.sh              # every browser test (not the benchmark)
#   scripts/test-e2e.sh bench        # the stop -> playing benchmark (3 runs; prints figures)
#   scripts/test-e2e.sh journey      # only tests/e2e/journey.test.js (also: account, languages, offline, framing, bench)
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh --test
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/briefly/target}"
if [ -z "${BRIEFLY_WHISPER_MODEL:-}" ]; then
  BRIEFLY_WHISPER_MODEL="$(bash scripts/install-model.sh | tail -n 1)"
  export BRIEFLY_WHISPER_MODEL
fi
cargo build --release --bin briefly
# Copy the binary at once: another checkout sharing the target folder (a worktree) would
# overwrite target/release/briefly with its own build on its next cargo run.
bin_copy="$(mktemp -d)"
trap 'rm -rf "$bin_copy"' EXIT
cp "$CARGO_TARGET_DIR/release/briefly" "$bin_copy/briefly"
if ! grep -q 'Skip to content' "$bin_copy/briefly"; then
  echo "test-e2e: $CARGO_TARGET_DIR/release/briefly has no web app in it (replaced by another checkout's build?); run again" >&2
  exit 1
fi
export BRIEFLY_BIN="$bin_copy/briefly"

cd tests/e2e
# The lockfile pins playwright-core; its browser download is never used (Debian's chromium is).
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --silent
if [ $# -gt 0 ]; then
  files=()
  for name in "$@"; do files+=("$name.test.js"); done
else
  files=(modules.test.js account.test.js silent-mic.test.js journey.test.js live.test.js languages.test.js editing.test.js recorder-controls.test.js offline.test.js framing.test.js)
fi
mkdir -p ../artifacts/e2e
node --test --test-concurrency=1 --test-timeout=900000 "${files[@]}"
