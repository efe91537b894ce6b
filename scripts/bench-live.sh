#!/usr/bin/env bash
# Live processing benchmark: a recording replayed as the recorder streams it (a PATCH per
# second of media), stop -> ready and searchable, next to the same file uploaded whole.
#   bash scripts/bench-live.sh [--minutes 1,5,20] [--codec h264,vp8] [--speed 1]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --test
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/briefly/target}"
model="$(bash scripts/install-model.sh | tail -n 1)"

source scripts/build-bench.sh
trap 'rm -rf "$bench_bin"' EXIT
"$bench" live --whisper-model "$model" --work-dir "${BRIEFLY_BENCH_WORK:-$(mktemp -d)}" "$@"
