#!/usr/bin/env bash
# Install what Briefly needs on a fresh Debian/Ubuntu machine, idempotently.
#   scripts/install-deps.sh          # to build and run Briefly
#   scripts/install-deps.sh --test   # also what the test suite needs (PostgreSQL, S3 server, ...)
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=false
[ "${1:-}" = "--test" ] && want_test=true

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

# Build dependencies: C toolchain for -sys crates, FFmpeg and clang for the media worker,
# OpenBLAS for whisper.cpp's encoder.
packages=(build-essential pkg-config clang libclang-dev cmake curl ca-certificates python3 python3-pip python3-venv
  libopenblas-dev libavcodec-dev libavformat-dev libavutil-dev libswscale-dev libswresample-dev libavfilter-dev libavdevice-dev)
if $want_test; then
  # Fixtures (speech, media), the PostgreSQL the suite talks to, and the browser tests'
  # Chromium, an emoji font for its screenshots, and Node (tests/e2e drives Debian's
  # chromium with playwright-core).
  packages+=(espeak-ng sox ffmpeg postgresql postgresql-client python3-pip chromium fonts-noto-color-emoji)
  # Node may come from elsewhere (NodeSource bundles npm); only fall back to Debian's.
  command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)
fi

missing=()
for pkg in "${packages[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "Rust is missing: install it with rustup (https://rustup.rs), then run this again" >&2
  exit 1
fi

if $want_test; then
  tools="${BRIEFLY_TOOLS_DIR:-$HOME/.cache/briefly/tools}"
  # s3s-fs: a small S3-compatible server for the storage tests, built once and cached.
  # 0.14.1 is the last release that builds with this toolchain.
  if [ ! -x "$tools/bin/s3s-fs" ]; then
    echo "building s3s-fs (once)"
    cargo install s3s-fs --version 0.14.1 --features binary --locked --root "$tools" --quiet
  fi
  # The docker compose CLI plugin, to validate docker-compose.yml (no engine needed).
  bash scripts/install-compose.sh
fi
