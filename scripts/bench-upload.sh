#!/usr/bin/env bash
# Upload benchmark, both stores, one run each side by side with its reference:
#   bash scripts/bench-upload.sh [extra `briefly-bench upload` flags, e.g. --size 268435456]
# Starts a throwaway s3s-fs on a loopback port for the S3 half.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --test
source scripts/build-bench.sh
work=$(mktemp -d)
s3_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$work/s3/bench"
"$HOME/.cache/briefly/tools/bin/s3s-fs" --host 127.0.0.1 --port "$s3_port" \
  --access-key bench --secret-key bench-secret "$work/s3" >"$work/s3.log" 2>&1 &
s3_pid=$!
trap 'kill $s3_pid 2>/dev/null || true; rm -rf "$work" "$bench_bin"' EXIT
for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$s3_port") 2>/dev/null && break; sleep 0.05; done

echo "== disk"
env -u BRIEFLY_S3_BUCKET "$bench" upload --work-dir "$work/disk" "$@"
echo "== s3 (s3s-fs on loopback)"
BRIEFLY_S3_BUCKET=bench BRIEFLY_S3_ENDPOINT="http://127.0.0.1:$s3_port" \
  AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench-secret \
  "$bench" upload --work-dir "$work/s3-bench" "$@"
