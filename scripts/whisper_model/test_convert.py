"""Tests for convert_ct2_to_ggml on small synthetic inputs.

Run with:  python3 -m pytest scripts/whisper_model
Needs only numpy and pytest; no real model is downloaded.
"""

import io
import json
import struct
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import convert_ct2_to_ggml as conv  # noqa: E402

# --------------------------------------------------------------------------
# helpers: a CTranslate2 writer and a ggml reader, written from the format
# descriptions in the converter, so the tests exercise both directions.
# --------------------------------------------------------------------------

DTYPE_IDS = {np.dtype("<f4"): 0, np.dtype("i1"): 1, np.dtype("<i2"): 2,
             np.dtype("<i4"): 3, np.dtype("<f2"): 4}


def ct2_string(s):
    raw = s.encode("utf-8")
    return struct.pack("<H", len(raw) + 1) + raw + b"\0"


def ct2_bytes(variables, aliases=(), spec="WhisperSpec", revision=3, version=6):
    out = [struct.pack("<I", version), ct2_string(spec), struct.pack("<II", revision, len(variables))]
    for name in sorted(variables):
        arr = np.asarray(variables[name])
        out.append(ct2_string(name))
        out.append(struct.pack("<B", arr.ndim))
        out.append(struct.pack("<%dI" % arr.ndim, *arr.shape))
        out.append(struct.pack("<BI", DTYPE_IDS[arr.dtype.newbyteorder("<")], arr.nbytes))
        out.append(arr.tobytes())
    out.append(struct.pack("<I", len(aliases)))
    for alias, target in aliases:
        out += [ct2_string(alias), ct2_string(target)]
    return b"".join(out)


def read_ggml(data):
    """Parse a ggml whisper file into (hparams, ftype, mel, vocab, tensors)."""
    cur = conv._Cursor(data)
    assert cur.unpack("i") == conv.GGML_MAGIC
    hp = dict(zip(conv.HPARAM_ORDER, struct.unpack("<10i", cur.take(40))))
    ftype = cur.unpack("i")
    rows, cols = struct.unpack("<ii", cur.take(8))
    mel = np.frombuffer(cur.take(rows * cols * 4), dtype="<f4").reshape(rows, cols)
    vocab = [cur.take(cur.unpack("i")) for _ in range(cur.unpack("i"))]
    tensors = {}
    while cur.pos < len(data):
        n_dims, name_len, ttype = struct.unpack("<iii", cur.take(12))
        dims = struct.unpack("<%di" % n_dims, cur.take(4 * n_dims))
        name = cur.take(name_len).decode()
        count = int(np.prod(dims))
        if ttype == conv.GGML_Q8_0:
            arr = dequantize_q8_0(cur.take(count // 32 * 34))
        else:
            dtype = np.dtype("<f4") if ttype == conv.GGML_F32 else np.dtype("<f2")
            arr = np.frombuffer(cur.take(count * dtype.itemsize), dtype=dtype)
        tensors[name] = (ttype, dims, arr.reshape(tuple(reversed(dims))))
    return hp, ftype, mel, vocab, tensors


def dequantize_q8_0(raw):
    """Q8_0 blocks (f16 scale + 32 int8) back to f32, as ggml reads them."""
    blocks = np.frombuffer(raw, dtype=np.dtype([("d", "<f2"), ("qs", "i1", (32,))]))
    return (blocks["d"].astype("f4")[:, None] * blocks["qs"].astype("f4")).reshape(-1)


# Tiny Whisper: 8-dim state, 2 heads, 1 encoder layer, 2 decoder layers.
S, HEADS, MELS, AUDIO_CTX, TEXT_CTX, N_VOCAB, FF = 8, 2, 4, 6, 5, 7, 16


def tiny_whisper_variables(seed=0, enc_layers=1, dec_layers=2):
    rng = np.random.default_rng(seed)

    def w(*shape):
        return rng.standard_normal(shape).astype("<f2")

    def fused(n_parts):
        bias = w(n_parts * S)
        # key slice is zero, as CTranslate2 writes it for Whisper
        key_slot = 1 if n_parts == 3 else 0
        bias[key_slot * S:(key_slot + 1) * S] = 0
        return w(n_parts * S, S), bias

    v = {
        "encoder/num_heads": np.array(HEADS, dtype="<i2"),
        "decoder/num_heads": np.array(HEADS, dtype="<i2"),
        "decoder/activation": np.array(3, dtype="i1"),
        "encoder/conv1/weight": w(S, MELS, 3), "encoder/conv1/bias": w(S),
        "encoder/conv2/weight": w(S, S, 3), "encoder/conv2/bias": w(S),
        "encoder/position_encodings/encodings": w(AUDIO_CTX, S),
        "decoder/position_encodings/encodings": w(TEXT_CTX, S),
        "decoder/embeddings/weight": w(N_VOCAB, S),
    }

    def norm(prefix):
        v[prefix + "/gamma"], v[prefix + "/beta"] = w(S), w(S)

    def linear(prefix, n_out, n_in):
        v[prefix + "/weight"], v[prefix + "/bias"] = w(n_out, n_in), w(n_out)

    def block(prefix, cross):
        norm(prefix + "/self_attention/layer_norm")
        v[prefix + "/self_attention/linear_0/weight"], v[prefix + "/self_attention/linear_0/bias"] = fused(3)
        linear(prefix + "/self_attention/linear_1", S, S)
        if cross:
            norm(prefix + "/attention/layer_norm")
            linear(prefix + "/attention/linear_0", S, S)
            v[prefix + "/attention/linear_1/weight"], v[prefix + "/attention/linear_1/bias"] = fused(2)
            linear(prefix + "/attention/linear_2", S, S)
        norm(prefix + "/ffn/layer_norm")
        linear(prefix + "/ffn/linear_0", FF, S)
        linear(prefix + "/ffn/linear_1", S, FF)

    for i in range(enc_layers):
        block("encoder/layer_%d" % i, cross=False)
    for i in range(dec_layers):
        block("decoder/layer_%d" % i, cross=True)
    norm("encoder/layer_norm")
    norm("decoder/layer_norm")
    return v


VOCAB_LINES = ["!", "hello", "\u0120world", "caf\u00c3\u00a9", "\u010a", "<|endoftext|>", "<|startoftranscript|>"]


@pytest.fixture
def tiny_model(tmp_path):
    variables = tiny_whisper_variables()
    model_dir = tmp_path / "model"
    model_dir.mkdir()
    (model_dir / "model.bin").write_bytes(
        ct2_bytes(variables, aliases=[("decoder/projection/weight", "decoder/embeddings/weight")])
    )
    (model_dir / "vocabulary.txt").write_text("\n".join(VOCAB_LINES) + "\n", encoding="utf-8")
    mel = np.arange(MELS * 5, dtype="<f4").reshape(MELS, 5) / 7
    np.savez(tmp_path / "mel_filters.npz", mel_4=mel, mel_2=mel[:2])
    return model_dir, tmp_path / "mel_filters.npz", variables, mel


# --------------------------------------------------------------------------
# CTranslate2 reader
# --------------------------------------------------------------------------


def test_read_ct2_values_shapes_and_aliases(tmp_path):
    variables = {
        "a/weight": np.arange(6, dtype="<f2").reshape(2, 3),
        "a/scale": np.array([1.5, -2.0], dtype="<f4"),
        "num_heads": np.array(6, dtype="<i2"),
        "flag": np.array(1, dtype="i1"),
    }
    path = tmp_path / "model.bin"
    path.write_bytes(ct2_bytes(variables, aliases=[("b/weight", "a/weight")], spec="X", revision=7))

    name, rev, got = conv.read_ct2_model(path)

    assert (name, rev) == ("X", 7)
    assert set(got) == {"a/weight", "a/scale", "num_heads", "flag", "b/weight"}
    assert got["a/weight"].dtype == np.float16 and got["a/weight"].shape == (2, 3)
    np.testing.assert_array_equal(got["a/weight"], variables["a/weight"])
    np.testing.assert_array_equal(got["a/scale"], [1.5, -2.0])
    assert int(got["num_heads"]) == 6 and got["num_heads"].shape == ()
    assert got["b/weight"] is got["a/weight"]


def test_read_ct2_rejects_unknown_version(tmp_path):
    path = tmp_path / "model.bin"
    path.write_bytes(ct2_bytes({"x": np.zeros(2, "<f4")}, version=99))
    with pytest.raises(ValueError, match="binary version 99"):
        conv.read_ct2_model(path)


def test_read_ct2_rejects_truncated_file(tmp_path):
    path = tmp_path / "model.bin"
    path.write_bytes(ct2_bytes({"x": np.zeros(64, "<f4")})[:-40])
    with pytest.raises(ValueError, match="truncated"):
        conv.read_ct2_model(path)


def test_read_ct2_rejects_bfloat16(tmp_path):
    blob = bytearray(ct2_bytes({"x": np.zeros(2, "<f2")}))
    # patch the dtype byte (float16 = 4) to bfloat16 = 5
    idx = blob.index(struct.pack("<BI", 4, 4))
    blob[idx] = 5
    path = tmp_path / "model.bin"
    path.write_bytes(bytes(blob))
    with pytest.raises(ValueError, match="dtype id 5"):
        conv.read_ct2_model(path)


# --------------------------------------------------------------------------
# vocabulary
# --------------------------------------------------------------------------


def test_byte_decoder_is_a_bijection_over_all_bytes():
    dec = conv.gpt2_byte_decoder()
    assert len(dec) == 256
    assert sorted(dec.values()) == list(range(256))


@pytest.mark.parametrize(
    "char, byte",
    [("A", 0x41), ("!", 0x21), ("~", 0x7E), ("\u00e9", 0xE9),
     ("\u0100", 0x00), ("\u010a", 0x0A), ("\u0120", 0x20),
     ("\u0121", 0x7F), ("\u0142", 0xA0), ("\u0143", 0xAD)],
)
def test_byte_decoder_known_characters(char, byte):
    assert conv.gpt2_byte_decoder()[char] == byte


def test_decode_token_restores_utf8_bytes():
    dec = conv.gpt2_byte_decoder()
    assert conv.decode_token("\u0120caf\u00c3\u00a9", dec) == " café".encode("utf-8")
    with pytest.raises(ValueError):
        conv.decode_token("\u4e2d", dec)


def test_load_text_vocab_stops_at_endoftext(tmp_path):
    path = tmp_path / "vocabulary.txt"
    path.write_text("\n".join(VOCAB_LINES) + "\n", encoding="utf-8")
    assert conv.load_text_vocab(path) == [b"!", b"hello", b" world", "café".encode(), b"\n"]


def test_load_text_vocab_requires_endoftext(tmp_path):
    path = tmp_path / "vocabulary.txt"
    path.write_text("a\nb\n", encoding="utf-8")
    with pytest.raises(ValueError, match="endoftext"):
        conv.load_text_vocab(path)


# --------------------------------------------------------------------------
# weight mapping
# --------------------------------------------------------------------------


def test_split_fused_qkv_keeps_row_blocks_in_order():
    weight = np.arange(6 * 2, dtype="<f2").reshape(6, 2)
    bias = np.array([1, 2, 0, 0, 5, 6], dtype="<f2")
    (wq, bq), (wk, bk), (wv, bv) = conv.split_fused(weight, bias, 3)
    np.testing.assert_array_equal(wq, [[0, 1], [2, 3]])
    np.testing.assert_array_equal(wk, [[4, 5], [6, 7]])
    np.testing.assert_array_equal(wv, [[8, 9], [10, 11]])
    np.testing.assert_array_equal(bq, [1, 2])
    np.testing.assert_array_equal(bk, [0, 0])
    np.testing.assert_array_equal(bv, [5, 6])


def test_split_fused_rejects_uneven_rows():
    with pytest.raises(ValueError):
        conv.split_fused(np.zeros((5, 2)), np.zeros(5), 3)


def test_nonzero_key_bias_is_refused():
    conv.require_zero_key_bias(np.zeros(4, "<f2"), "ok")
    with pytest.raises(ValueError, match="key bias"):
        conv.require_zero_key_bias(np.array([0, 0, 1e-3, 0], "<f2"), "layer")


def test_hparams_from_weights():
    hp = conv.hparams_from_weights(tiny_whisper_variables())
    assert hp == {
        "n_vocab": N_VOCAB, "n_audio_ctx": AUDIO_CTX, "n_audio_state": S,
        "n_audio_head": HEADS, "n_audio_layer": 1, "n_text_ctx": TEXT_CTX,
        "n_text_state": S, "n_text_head": HEADS, "n_text_layer": 2, "n_mels": MELS,
    }


@pytest.mark.parametrize(
    "name, shape, expected",
    [("decoder.ln.weight", (8,), conv.GGML_F32),
     ("encoder.conv1.bias", (8, 1), conv.GGML_F32),
     ("encoder.positional_embedding", (6, 8), conv.GGML_F32),
     ("decoder.positional_embedding", (5, 8), conv.GGML_F32),
     ("encoder.conv1.weight", (8, 4, 3), conv.GGML_F16),
     ("decoder.token_embedding.weight", (7, 8), conv.GGML_F16),
     ("encoder.blocks.0.attn.query.weight", (8, 8), conv.GGML_F16)],
)
def test_ggml_type_rule(name, shape, expected):
    assert conv.ggml_type_for(name, np.zeros(shape)) == expected


# --------------------------------------------------------------------------
# ggml writer
# --------------------------------------------------------------------------


def test_write_ggml_header_layout_is_exact():
    hp = dict(zip(conv.HPARAM_ORDER, range(101, 111)))
    mel = np.array([[0.5, -1.0, 2.0]], dtype="<f4")
    vocab = [b"ab", b"\xff"]
    weight = np.array([[1, 2, 3], [4, 5, 6]], dtype="<f2")
    bias = np.array([7, 8], dtype="<f2")
    buf = io.BytesIO()

    conv.write_ggml(buf, hp, mel, vocab, [("t.weight", weight), ("t.bias", bias)])

    data = buf.getvalue()
    # magic 0x67676d6c ("ggml") as a little-endian int32 reads "lmgg" on disk
    assert data[:4] == b"lmgg"
    assert struct.unpack("<11i", data[4:48]) == (*range(101, 111), 1)
    assert struct.unpack("<ii3f", data[48:68]) == (1, 3, 0.5, -1.0, 2.0)
    assert data[68:83] == struct.pack("<i", 2) + struct.pack("<i", 2) + b"ab" + struct.pack("<i", 1) + b"\xff"
    pos = 83
    # 2-D tensor: f16, dims reversed (ggml's ne0 = columns)
    assert struct.unpack("<iii", data[pos:pos + 12]) == (2, 8, 1)
    assert struct.unpack("<ii", data[pos + 12:pos + 20]) == (3, 2)
    assert data[pos + 20:pos + 28] == b"t.weight"
    assert data[pos + 28:pos + 40] == weight.tobytes()
    pos += 40
    # 1-D tensor: widened to f32
    assert struct.unpack("<iiii", data[pos:pos + 16]) == (1, 6, 0, 2)
    assert data[pos + 16:pos + 22] == b"t.bias"
    assert struct.unpack("<2f", data[pos + 22:pos + 30]) == (7.0, 8.0)
    assert len(data) == pos + 30


# --------------------------------------------------------------------------
# end to end on the synthetic model
# --------------------------------------------------------------------------


def expected_whisper_cpp_names(enc_layers, dec_layers):
    """Every tensor name whisper.cpp looks up when loading a model."""
    def lin(p, bias=True):
        return [p + ".weight"] + ([p + ".bias"] if bias else [])

    def attn(p):
        return lin(p + ".query") + lin(p + ".key", bias=False) + lin(p + ".value") + lin(p + ".out")

    def common(p):
        return lin(p + ".attn_ln") + attn(p + ".attn") + lin(p + ".mlp_ln") + lin(p + ".mlp.0") + lin(p + ".mlp.2")

    names = ["encoder.positional_embedding"] + lin("encoder.conv1") + lin("encoder.conv2") + lin("encoder.ln_post")
    for i in range(enc_layers):
        names += common("encoder.blocks.%d" % i)
    names += ["decoder.positional_embedding", "decoder.token_embedding.weight"] + lin("decoder.ln")
    for i in range(dec_layers):
        p = "decoder.blocks.%d" % i
        names += common(p) + lin(p + ".cross_attn_ln") + attn(p + ".cross_attn")
    return names


def test_convert_end_to_end(tiny_model, tmp_path):
    model_dir, mel_path, v, mel = tiny_model
    out = tmp_path / "ggml.bin"

    hp = conv.convert(model_dir, mel_path, out)

    data = out.read_bytes()
    got_hp, ftype, got_mel, vocab, tensors = read_ggml(data)
    assert got_hp == hp and hp["n_audio_layer"] == 1 and hp["n_text_layer"] == 2
    assert ftype == 1
    np.testing.assert_array_equal(got_mel, mel)
    assert vocab == [b"!", b"hello", b" world", "café".encode(), b"\n"]
    names = expected_whisper_cpp_names(1, 2)
    assert sorted(tensors) == sorted(names) and len(tensors) == len(names)

    # fused self-attention split back into q / k / v (key bias dropped)
    fused_w = v["decoder/layer_1/self_attention/linear_0/weight"]
    fused_b = v["decoder/layer_1/self_attention/linear_0/bias"]
    np.testing.assert_array_equal(tensors["decoder.blocks.1.attn.query.weight"][2], fused_w[:S])
    np.testing.assert_array_equal(tensors["decoder.blocks.1.attn.key.weight"][2], fused_w[S:2 * S])
    np.testing.assert_array_equal(tensors["decoder.blocks.1.attn.value.weight"][2], fused_w[2 * S:])
    np.testing.assert_array_equal(tensors["decoder.blocks.1.attn.value.bias"][2], fused_b[2 * S:])
    # fused cross-attention k / v
    kv_w = v["decoder/layer_0/attention/linear_1/weight"]
    np.testing.assert_array_equal(tensors["decoder.blocks.0.cross_attn.key.weight"][2], kv_w[:S])
    np.testing.assert_array_equal(tensors["decoder.blocks.0.cross_attn.value.weight"][2], kv_w[S:])
    # layer norm gamma/beta -> weight/bias, widened to f32 without change
    ttype, dims, arr = tensors["encoder.ln_post.weight"]
    assert (ttype, dims) == (conv.GGML_F32, (S,))
    np.testing.assert_array_equal(arr, v["encoder/layer_norm/gamma"].astype("f4"))
    # conv bias becomes [S, 1] in numpy terms, i.e. ggml dims (1, S), f32
    ttype, dims, arr = tensors["encoder.conv2.bias"]
    assert (ttype, dims) == (conv.GGML_F32, (1, S))
    np.testing.assert_array_equal(arr[:, 0], v["encoder/conv2/bias"].astype("f4"))
    # conv weight stays f16 with dims reversed
    ttype, dims, _ = tensors["encoder.conv1.weight"]
    assert (ttype, dims) == (conv.GGML_F16, (3, MELS, S))
    assert tensors["decoder.positional_embedding"][:2] == (conv.GGML_F32, (S, TEXT_CTX))
    assert tensors["decoder.token_embedding.weight"][:2] == (conv.GGML_F16, (S, N_VOCAB))
    # mlp.0 / mlp.2 come from ffn linear_0 / linear_1
    np.testing.assert_array_equal(
        tensors["encoder.blocks.0.mlp.2.weight"][2], v["encoder/layer_0/ffn/linear_1/weight"])


def test_convert_is_deterministic(tiny_model, tmp_path):
    model_dir, mel_path, _, _ = tiny_model
    conv.convert(model_dir, mel_path, tmp_path / "a.bin")
    conv.convert(model_dir, mel_path, tmp_path / "b.bin")
    assert (tmp_path / "a.bin").read_bytes() == (tmp_path / "b.bin").read_bytes()


def test_convert_refuses_nonzero_key_bias(tmp_path):
    v = tiny_whisper_variables()
    v["encoder/layer_0/self_attention/linear_0/bias"][S] = 1.0
    model_dir = tmp_path / "m"
    model_dir.mkdir()
    (model_dir / "model.bin").write_bytes(ct2_bytes(v))
    (model_dir / "vocabulary.txt").write_text("\n".join(VOCAB_LINES) + "\n", encoding="utf-8")
    np.savez(tmp_path / "mel.npz", mel_4=np.zeros((MELS, 5), "<f4"))
    with pytest.raises(ValueError, match="key bias"):
        conv.convert(model_dir, tmp_path / "mel.npz", tmp_path / "out.bin")


def test_convert_refuses_other_specs(tmp_path):
    model_dir = tmp_path / "m"
    model_dir.mkdir()
    (model_dir / "model.bin").write_bytes(ct2_bytes({"x": np.zeros(1, "<f4")}, spec="TransformerSpec"))
    with pytest.raises(ValueError, match="WhisperSpec"):
        conv.convert(model_dir, tmp_path / "none.npz", tmp_path / "out.bin")


def test_missing_mel_size_is_reported(tmp_path):
    np.savez(tmp_path / "mel.npz", mel_80=np.zeros((80, 201), "<f4"))
    with pytest.raises(ValueError, match="mel_128"):
        conv.load_mel_filters(tmp_path / "mel.npz", 128)


# --------------------------------------------------------------------------
# Q8_0 quantization
# --------------------------------------------------------------------------


def test_q8_0_block_layout_and_rounding():
    # One block: max |x| = 127 gives scale 1, so values are rounded as they are;
    # halves go away from zero (C's roundf), not to even.
    x = np.zeros(32, dtype="f4")
    x[:6] = [127.0, -127.0, 2.5, -2.5, 0.49, 3.5]
    raw = conv.quantize_q8_0(x)
    assert len(raw) == 34
    assert struct.unpack("<e", raw[:2])[0] == 1.0
    assert list(np.frombuffer(raw[2:8], dtype="i1")) == [127, -127, 3, -3, 0, 4]
    assert raw[8:] == bytes(26)


def test_q8_0_zero_block_and_error_bound():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((4, 64)).astype("f4")
    x[1, :32] = 0.0  # an all-zero block must not divide by zero
    back = dequantize_q8_0(conv.quantize_q8_0(x)).reshape(x.shape)
    assert np.all(back[1, :32] == 0.0)
    # Each value is off by at most half a step (d/2) plus the f16 rounding of d.
    step = np.abs(x).reshape(-1, 32).max(axis=1) / 127
    bound = np.repeat(step * 0.5 + step * 127 * 2.0 ** -10, 32).reshape(x.shape)
    assert np.all(np.abs(back - x) <= bound + 1e-7)


@pytest.mark.parametrize(
    "name, shape, expected",
    [("encoder.blocks.0.mlp.0.weight", (64, 32), conv.GGML_Q8_0),
     ("decoder.token_embedding.weight", (7, 32), conv.GGML_Q8_0),
     ("encoder.conv1.weight", (32, 4, 3), conv.GGML_F16),
     ("encoder.positional_embedding", (6, 32), conv.GGML_F32),
     ("encoder.blocks.0.mlp.0.bias", (64,), conv.GGML_F32)],
)
def test_q8_0_storage_rule(name, shape, expected):
    assert conv.storage_type(name, np.zeros(shape, "f2"), "q8_0") == expected
    assert conv.storage_type(name, np.zeros(shape, "f2"), "f16") == conv.ggml_type_for(name, np.zeros(shape))


def test_q8_0_refuses_rows_that_do_not_fill_blocks():
    with pytest.raises(ValueError, match="Q8_0 blocks"):
        conv.storage_type("decoder.blocks.0.attn.query.weight", np.zeros((8, 8), "f2"), "q8_0")


def test_write_ggml_q8_0_file():
    hp = dict(zip(conv.HPARAM_ORDER, range(1, 11)))
    rng = np.random.default_rng(2)
    weight = rng.standard_normal((3, 64)).astype("f2")
    conv_w = rng.standard_normal((32, 4, 3)).astype("f2")
    bias = rng.standard_normal(3).astype("f2")
    tensors = [("encoder.blocks.0.mlp.0.weight", weight), ("encoder.conv1.weight", conv_w),
               ("encoder.blocks.0.mlp.0.bias", bias)]
    out = io.BytesIO()
    conv.write_ggml(out, hp, np.zeros((2, 3), "f4"), [b"a"], tensors, quantize="q8_0")
    _, ftype, _, _, got = read_ggml(out.getvalue())
    assert ftype == 2007  # quantization version 2, mostly Q8_0
    ttype, dims, arr = got["encoder.blocks.0.mlp.0.weight"]
    assert (ttype, dims) == (conv.GGML_Q8_0, (64, 3))
    np.testing.assert_allclose(arr, weight.astype("f4"), atol=0.03)
    assert got["encoder.conv1.weight"][0] == conv.GGML_F16
    np.testing.assert_array_equal(got["encoder.conv1.weight"][2], conv_w)
    assert got["encoder.blocks.0.mlp.0.bias"][0] == conv.GGML_F32
    with pytest.raises(ValueError, match="quantization"):
        conv.write_ggml(io.BytesIO(), hp, np.zeros((2, 3), "f4"), [b"a"], tensors, quantize="q4_0")


# --------------------------------------------------------------------------
# multilingual vocabularies (base, small): special token layout, config.json
# --------------------------------------------------------------------------

# Real Whisper vocabulary sizes, with placeholder text tokens: the layout check
# only looks at where the special tokens are.
def whisper_vocab_lines(n_vocab, hebrew="he"):
    multilingual = n_vocab >= 51865
    n_text = 50256 + multilingual
    n_languages = n_vocab - 51765 - multilingual
    codes = [("iw" if c == "he" else c) if hebrew == "iw" else c for c in conv.WHISPER_LANGUAGES[:n_languages]]
    lines = ["t%d" % i for i in range(n_text)]
    if multilingual:
        lines[-1] = ""  # token 50256 is empty in multilingual.tiktoken
    lines += ["<|endoftext|>", "<|startoftranscript|>"] + ["<|%s|>" % c for c in codes]
    lines += ["<|translate|>", "<|transcribe|>", "<|startoflm|>", "<|startofprev|>",
              "<|nocaptions|>", "<|notimestamps|>"]
    lines += ["<|%.2f|>" % (i / 50) for i in range(1501)]
    return lines


@pytest.mark.parametrize("n_vocab, multilingual, n_languages, last_language",
                         [(51864, False, 99, "su"), (51865, True, 99, "su"), (51866, True, 100, "yue")])
def test_check_vocabulary_accepts_whisper_layouts(n_vocab, multilingual, n_languages, last_language):
    lines = whisper_vocab_lines(n_vocab)
    assert len(lines) == n_vocab
    info = conv.check_vocabulary(lines, n_vocab)
    assert info["multilingual"] is multilingual
    assert len(info["languages"]) == n_languages and info["languages"][-1] == last_language
    assert info["languages"][:4] == ("en", "zh", "de", "es")
    # token ids as whisper.cpp computes them: sot + 1 + language index
    first_language = 50258 + multilingual
    assert info["language_ids"] == list(range(first_language, first_language + n_languages))
    assert lines[info["language_ids"][3]] == "<|es|>"


def test_check_vocabulary_accepts_old_hebrew_code():
    info = conv.check_vocabulary(whisper_vocab_lines(51864, hebrew="iw"), 51864)
    assert "he" in info["languages"]


@pytest.mark.parametrize("damage, message", [
    (lambda l: l.__setitem__(50259 + 3, "<|fr|>"), "token 50262 is '<|fr|>'"),
    (lambda l: l.__setitem__(50358, "<|transcribe|>"), "whisper.cpp expects '<|translate|>'"),
    (lambda l: l.__setitem__(-1, "<|29.99|>"), "expects '<|30.00|>'"),
    (lambda l: l.__setitem__(100, "<|xx|>"), "before <|endoftext|>"),
])
def test_check_vocabulary_refuses_misplaced_special_tokens(damage, message):
    lines = whisper_vocab_lines(51865)
    damage(lines)
    with pytest.raises(ValueError, match=message.replace("|", r"\|").replace("(", r"\(")):
        conv.check_vocabulary(lines, 51865)


def test_check_vocabulary_length_must_match_embedding():
    with pytest.raises(ValueError, match="51864 tokens, the token embedding 51865 rows"):
        conv.check_vocabulary(whisper_vocab_lines(51864), 51865)
    with pytest.raises(ValueError, match="not a Whisper vocabulary"):
        conv.check_vocabulary(["x"] * 51867, 51867)


def test_check_config_lang_ids_and_alignment_heads():
    hp = {"n_text_layer": 6, "n_text_head": 8}
    info = conv.check_vocabulary(whisper_vocab_lines(51865), 51865)
    config = {"lang_ids": list(range(50259, 50358)), "alignment_heads": [[3, 1], [5, 6]]}
    assert conv.check_config(config, info, hp) == [(3, 1), (5, 6)]
    with pytest.raises(ValueError, match="lang_ids"):
        conv.check_config(dict(config, lang_ids=list(range(50258, 50357))), info, hp)
    with pytest.raises(ValueError, match="alignment head \\(6, 0\\)"):
        conv.check_config(dict(config, alignment_heads=[[6, 0]]), info, hp)
    # English-only exports carry the multilingual lang_ids; they are not used then.
    en = conv.check_vocabulary(whisper_vocab_lines(51864), 51864)
    assert conv.check_config(config, en, hp) == [(3, 1), (5, 6)]
    assert conv.check_config({}, info, hp) == []


def test_convert_multilingual_end_to_end(tmp_path):
    n_vocab = 51865
    v = tiny_whisper_variables(seed=3)
    v["decoder/embeddings/weight"] = np.random.default_rng(4).standard_normal((n_vocab, S)).astype("<f2")
    model_dir = tmp_path / "model"
    model_dir.mkdir()
    (model_dir / "model.bin").write_bytes(
        ct2_bytes(v, aliases=[("decoder/projection/weight", "decoder/embeddings/weight")]))
    lines = whisper_vocab_lines(n_vocab)
    lines[0], lines[1] = "\u0120Hola", "\u00c3\u00b1"  # " Hola", "ñ" in GPT-2's byte alphabet
    (model_dir / "vocabulary.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (model_dir / "config.json").write_text(json.dumps(
        {"lang_ids": list(range(50259, 50358)), "alignment_heads": [[1, 0], [0, 1]]}), encoding="utf-8")
    np.savez(tmp_path / "mel.npz", mel_4=np.ones((MELS, 5), "<f4"))
    out = tmp_path / "ggml.bin"

    hp = conv.convert(model_dir, tmp_path / "mel.npz", out)

    got_hp, ftype, _, vocab, tensors = read_ggml(out.read_bytes())
    assert got_hp["n_vocab"] == hp["n_vocab"] == n_vocab and ftype == 1
    # whisper.cpp gets the 50,257 text tokens (the last one empty) and adds the
    # special ones itself, placing <|endoftext|> at 50257 for n_vocab >= 51865.
    assert len(vocab) == 50257
    assert vocab[0] == b" Hola" and vocab[1] == "ñ".encode() and vocab[-1] == b""
    assert tensors["decoder.token_embedding.weight"][1] == (S, n_vocab)


def test_convert_refuses_config_that_disagrees(tmp_path):
    v = tiny_whisper_variables()
    v["decoder/embeddings/weight"] = np.zeros((51865, S), "<f2")
    model_dir = tmp_path / "model"
    model_dir.mkdir()
    (model_dir / "model.bin").write_bytes(ct2_bytes(v))
    (model_dir / "vocabulary.txt").write_text("\n".join(whisper_vocab_lines(51865)) + "\n", encoding="utf-8")
    (model_dir / "config.json").write_text(json.dumps({"alignment_heads": [[2, 0]]}), encoding="utf-8")
    np.savez(tmp_path / "mel.npz", mel_4=np.ones((MELS, 5), "<f4"))
    with pytest.raises(ValueError, match="alignment head"):
        conv.convert(model_dir, tmp_path / "mel.npz", tmp_path / "out.bin")
    assert not (tmp_path / "out.bin").exists()
