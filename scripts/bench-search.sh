#!/usr/bin/env bash
# Search benchmark: GET /api/search over 1,000,000 transcript segments next to a plain
# LIKE '%word%' scan, on SQLite and on PostgreSQL (fresh databases, dropped afterwards):
#   bash scripts/bench-search.sh [extra `briefly-bench search` flags, e.g. --databases sqlite]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --test
bash scripts/start-postgres.sh
source scripts/build-bench.sh
work=$(mktemp -d)
trap 'rm -rf "$work" "$bench_bin"' EXIT
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
"$bench" search --work-dir "$work" "$@"
