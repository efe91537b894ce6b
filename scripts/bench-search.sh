#!/usr/bin/env bash
# Search benchmark: GET /api/search over 1,000,000 transcript segments next to a plain
# LIKE '%word%' scan, on SQLite and on PostgreSQL (fresh databases, dropped afterwards):
#   bash scripts/bench-search.sh [extra `briefly bench search` flags, e.g. --databases sqlite]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --test
bash scripts/start-postgres.sh
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/briefly/target}"
cargo build --release --quiet
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
"$CARGO_TARGET_DIR/release/briefly" bench search --work-dir "$work" "$@"
