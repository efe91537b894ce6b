#!/usr/bin/env bash
# Transcription benchmark: Briefly's whisper.cpp vs faster-whisper on the same weights, per
# model and language (English, Spanish, German, French, Russian passages; tiny.en runs
# English only).
#   bash scripts/bench-transcribe.sh [--model tiny.en,base] [--runs 3] [--languages en,ru]
# Prepares (once, cached) a Python venv with faster-whisper; briefly-bench installs each
# model in both forms itself (scripts/install-model.sh, and with --ct2).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --test
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/briefly/target}"
source scripts/faster-whisper-venv.sh

source scripts/build-bench.sh
work="$(mktemp -d)"
trap 'rm -rf "$bench_bin" "$work"' EXIT
RUST_LOG="${RUST_LOG:-warn}" "$bench" transcribe --python "$faster_whisper_python" --work-dir "$work" "$@"
