#!/usr/bin/env bash
# Collaboration benchmark: with wrk on loopback, the comments page and reaction writes on a
# video with 10,000 comments and 50,000 reactions, each next to GET /healthz on the same
# server, on SQLite and on PostgreSQL (fresh databases, dropped afterwards):
#   bash scripts/bench-collab.sh [extra `briefly-bench collab` flags, e.g. --seconds 20]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --test
bash scripts/start-postgres.sh
if ! command -v wrk >/dev/null 2>&1; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "installing: wrk"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk >/dev/null
fi
source scripts/build-bench.sh
work=$(mktemp -d)
trap 'rm -rf "$work" "$bench_bin"' EXIT
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
"$bench" collab --work-dir "$work" "$@"
