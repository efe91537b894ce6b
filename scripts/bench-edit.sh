#!/usr/bin/env bash
# Edit render benchmark: three cuts of a 5-minute 720p H.264 recording, Briefly's smart
# cut next to the ffmpeg CLI (-ss/-to segments with libx264 veryfast, then concat):
#   bash scripts/bench-edit.sh [--minutes 5] [--height 720]
# The recording is made once under target/bench-edit and reused.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --test
source scripts/build-bench.sh
trap 'rm -rf "$bench_bin"' EXIT
"$bench" edit "$@"
