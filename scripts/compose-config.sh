#!/usr/bin/env bash
# Validate docker-compose.yml without a Docker engine:
#   scripts/compose-config.sh            # quiet check, exit 0 when valid
#   scripts/compose-config.sh --services # any other `compose config` flags pass through
#
# Installs the Compose CLI plugin first if needed (scripts/install-compose.sh),
# then prefers `docker compose` (plugin form) and falls back to the standalone
# Compose v2+ binary `docker-compose` when no docker CLI is present. The legacy
# Python docker-compose 1.x is refused: it does not understand this file format.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-compose.sh

if [ "$#" -eq 0 ]; then set -- -q; fi

if command -v docker >/dev/null 2>&1 && docker compose version >/dev/null 2>&1; then
  exec docker compose -f docker-compose.yml config "$@"
fi

standalone="$(command -v docker-compose || true)"
[ -n "$standalone" ] || standalone=/usr/local/lib/docker/cli-plugins/docker-compose
if [ -x "$standalone" ]; then
  version="$("$standalone" version --short 2>/dev/null || true)"
  case "${version#v}" in
    1.*|"") echo "compose-config: $standalone is Compose ${version:-?}; need v2 or newer" >&2; exit 1 ;;
  esac
  exec "$standalone" -f docker-compose.yml config "$@"
fi

echo "compose-config: no Compose v2+ found (run scripts/install-compose.sh)" >&2
exit 1
