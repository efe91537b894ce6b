//! Structural check of a whisper.cpp ggml model file, done before whisper.cpp sees it.
//!
//! Why: whisper.cpp's loader trusts its input. A file with the right magic but an
//! unknown `ftype` hits a `GGML_ASSERT` (process `abort()`), a tensor with more than
//! four dimensions overflows a stack array, an unknown tensor type indexes past a
//! table, and absurd sizes throw C++ exceptions across the FFI boundary. Any of those
//! takes the whole server down with it, so we walk the same layout that
//! `whisper_model_load` reads (header, mel filters, vocabulary, tensor table) and hand
//! over only a file whose every count, type and length adds up to exactly its size.
//! Tensor data is skipped with seeks, so the check costs a few hundred KB of reads.
//!
//! Not checked: tensor names and shapes against the architecture; whisper.cpp checks
//! those itself and fails cleanly (returns NULL) on a mismatch.

use std::fs::File;
use std::io::{self, BufReader, Read, Seek};
use std::path::Path;

use super::error::SpeechError;

/// `GGML_FILE_MAGIC`: the bytes "lmgg" read as a little-endian u32.
const GGML_MAGIC: u32 = 0x6767_6d6c;
/// whisper.cpp stores `ftype` as `quantization_version * 1000 + ftype`.
const QNT_VERSION_FACTOR: i32 = 1000;
/// whisper.cpp's `is_multilingual()` test: English-only vocabularies have 51864 tokens.
const MULTILINGUAL_MIN_VOCAB: i32 = 51865;

/// What the header says, for logging and for the caller's sanity checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ModelInfo {
    pub n_vocab: i32,
    pub n_audio_layer: i32,
    pub n_text_layer: i32,
    pub n_mels: i32,
    pub ftype: i32,
    pub n_tensors: usize,
    pub multilingual: bool,
}

/// Checks the file at `path`; every failure is a [`SpeechError`].
pub(crate) fn check_model_file(path: &Path) -> Result<ModelInfo, SpeechError> {
    let unreadable = |source: io::Error| match source.kind() {
        io::ErrorKind::NotFound => SpeechError::ModelNotFound { path: path.to_owned() },
        _ => SpeechError::ModelUnreadable { path: path.to_owned(), source },
    };
    let file = File::open(path).map_err(unreadable)?;
    let meta = file.metadata().map_err(unreadable)?;
    if !meta.is_file() {
        return Err(SpeechError::InvalidModel { path: path.to_owned(), reason: "not a regular file".into() });
    }
    check_layout(BufReader::new(file), meta.len()).map_err(|e| match e {
        Bad::Io(source) => SpeechError::ModelUnreadable { path: path.to_owned(), source },
        Bad::Layout(reason) => SpeechError::InvalidModel { path: path.to_owned(), reason },
    })
}

enum Bad {
    Io(io::Error),
    Layout(String),
}

impl From<io::Error> for Bad {
    fn from(e: io::Error) -> Self {
        // A short read means the file ended inside a structure: that is a layout fault.
        if e.kind() == io::ErrorKind::UnexpectedEof {
            Bad::Layout("file is truncated".into())
        } else {
            Bad::Io(e)
        }
    }
}

fn bad<T>(reason: impl Into<String>) -> Result<T, Bad> {
    Err(Bad::Layout(reason.into()))
}

struct Cursor<R> {
    r: R,
    pos: u64,
    len: u64,
}

impl<R: Read + Seek> Cursor<R> {
    fn i32(&mut self) -> Result<i32, Bad> {
        let mut b = [0u8; 4];
        self.r.read_exact(&mut b)?;
        self.pos += 4;
        Ok(i32::from_le_bytes(b))
    }

    /// Skips `n` bytes, refusing to move past the end: a count that points beyond the
    /// file is exactly the corruption we are looking for.
    fn skip(&mut self, n: u64) -> Result<(), Bad> {
        if n > self.len - self.pos {
            return bad("a length field points past the end of the file");
        }
        if n <= 4096 {
            // Short skips (vocabulary words) read through the buffer; a seek could
            // throw the buffer away and turn 50k words into 50k reads.
            if io::copy(&mut (&mut self.r).take(n), &mut io::sink())? != n {
                return bad("file is truncated");
            }
        } else {
            let off = i64::try_from(n).map_err(|_| Bad::Layout("length overflow".into()))?;
            self.r.seek_relative(off)?;
        }
        self.pos += n;
        Ok(())
    }
}

fn in_range(name: &str, v: i32, lo: i32, hi: i32) -> Result<i32, Bad> {
    if (lo..=hi).contains(&v) {
        Ok(v)
    } else {
        bad(format!("{name} = {v} is outside {lo}..={hi}"))
    }
}

/// (block size in elements, bytes per block) of the ggml tensor types whisper models
/// use; values from ggml-common.h. Anything else is refused rather than guessed.
fn tensor_type_size(ttype: i32) -> Option<(u64, u64)> {
    Some(match ttype {
        0 => (1, 4),                                                       // F32
        1 => (1, 2),                                                       // F16
        2 => (32, 18),                                                     // Q4_0
        3 => (32, 20),                                                     // Q4_1
        6 => (32, 22),                                                     // Q5_0
        7 => (32, 24),                                                     // Q5_1
        8 => (32, 34),                                                     // Q8_0
        10..=14 => (256, [84, 110, 144, 176, 210][(ttype - 10) as usize]), // Q2_K..Q6_K
        30 => (1, 2),                                                      // BF16
        _ => return None,
    })
}

/// `ggml_ftype` values that `ggml_ftype_to_ggml_type` maps; any other value aborts.
fn known_ftype(ftype: i32) -> bool {
    matches!(ftype, 0..=3 | 7..=14 | 24)
}

fn check_layout<R: Read + Seek>(r: R, len: u64) -> Result<ModelInfo, Bad> {
    if len < 4 {
        return bad("file is too small to be a model");
    }
    let mut c = Cursor { r, pos: 0, len };
    if c.i32()? as u32 != GGML_MAGIC {
        return bad("bad magic (expected ggml)");
    }

    // Hyper-parameters, in file order. Bounds are generous around real Whisper models
    // (tiny..large-v3) but small enough that nothing downstream allocates absurdly.
    let n_vocab = in_range("n_vocab", c.i32()?, 1, 100_000)?;
    in_range("n_audio_ctx", c.i32()?, 1, 4096)?;
    let n_audio_state = in_range("n_audio_state", c.i32()?, 1, 8192)?;
    let n_audio_head = in_range("n_audio_head", c.i32()?, 1, 128)?;
    let n_audio_layer = in_range("n_audio_layer", c.i32()?, 1, 128)?;
    in_range("n_text_ctx", c.i32()?, 1, 4096)?;
    let n_text_state = in_range("n_text_state", c.i32()?, 1, 8192)?;
    let n_text_head = in_range("n_text_head", c.i32()?, 1, 128)?;
    let n_text_layer = in_range("n_text_layer", c.i32()?, 1, 128)?;
    let n_mels = c.i32()?;
    let ftype = c.i32()?;
    if n_mels != 80 && n_mels != 128 {
        return bad(format!("n_mels = {n_mels}, expected 80 or 128"));
    }
    if n_text_state != n_audio_state || n_audio_state % n_audio_head != 0 || n_text_state % n_text_head != 0 {
        return bad("inconsistent attention dimensions");
    }
    if ftype < 0 || !known_ftype(ftype % QNT_VERSION_FACTOR) {
        return bad(format!("unsupported ftype {ftype}"));
    }

    // Mel filterbank: n_mel x n_fft floats.
    let f_mel = c.i32()?;
    let f_fft = in_range("filters.n_fft", c.i32()?, 1, 4096)?;
    if f_mel != n_mels {
        return bad(format!("filterbank has {f_mel} mel bands, header says {n_mels}"));
    }
    c.skip(f_mel as u64 * f_fft as u64 * 4)?;

    // Vocabulary: a count (at most n_vocab; whisper.cpp synthesises the rest) and
    // length-prefixed token strings.
    let n_words = in_range("vocab size", c.i32()?, 0, n_vocab)?;
    for _ in 0..n_words {
        let word_len = c.i32()? as u32;
        if word_len > 1024 {
            return bad(format!("vocabulary entry of {word_len} bytes"));
        }
        c.skip(word_len as u64)?;
    }

    // Tensor table, up to the end of the file. whisper.cpp stops at end-of-file only
    // when a header read fails, so the last tensor must end exactly at `len`.
    let mut n_tensors = 0usize;
    while c.pos < len {
        if n_tensors >= 10_000 {
            return bad("too many tensors");
        }
        let n_dims = in_range("tensor n_dims", c.i32()?, 1, 4)?;
        let name_len = in_range("tensor name length", c.i32()?, 1, 512)?;
        let ttype = c.i32()?;
        let Some((block, block_bytes)) = tensor_type_size(ttype) else {
            return bad(format!("tensor {n_tensors} has unsupported type {ttype}"));
        };
        // whisper.cpp multiplies the dimensions in an i32: keep the product in range.
        let mut n_elements: i64 = 1;
        for _ in 0..n_dims {
            n_elements *= in_range("tensor dimension", c.i32()?, 1, i32::MAX)? as i64;
            if n_elements > i32::MAX as i64 {
                return bad(format!("tensor {n_tensors} is too large"));
            }
        }
        if n_elements as u64 % block != 0 {
            return bad(format!("tensor {n_tensors} is not a whole number of blocks"));
        }
        c.skip(name_len as u64)?;
        c.skip(n_elements as u64 / block * block_bytes)?;
        n_tensors += 1;
    }
    if n_tensors == 0 {
        // whisper.cpp accepts this as a "test model" and then crashes on first use.
        return bad("model has no tensors");
    }

    Ok(ModelInfo {
        n_vocab,
        n_audio_layer,
        n_text_layer,
        n_mels,
        ftype: ftype % QNT_VERSION_FACTOR,
        n_tensors,
        multilingual: n_vocab >= MULTILINGUAL_MIN_VOCAB,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_bytes(bytes: &[u8]) -> Result<ModelInfo, String> {
        check_layout(io::Cursor::new(bytes), bytes.len() as u64).map_err(|e| match e {
            Bad::Io(e) => format!("io: {e}"),
            Bad::Layout(r) => r,
        })
    }

    /// A structurally valid, tiny model: header, 80x2 filterbank, 2 words, one F32
    /// tensor of 3 elements. (whisper.cpp would reject its tensor set, cleanly.)
    fn tiny_model(ftype: i32) -> Vec<u8> {
        let mut v = Vec::new();
        let mut put = |x: i32| v.extend_from_slice(&x.to_le_bytes());
        put(GGML_MAGIC as i32);
        for x in [51864, 1500, 384, 6, 4, 448, 384, 6, 4, 80, ftype] {
            put(x);
        }
        put(80);
        put(2);
        v.extend(std::iter::repeat_n(0u8, 80 * 2 * 4));
        v.extend_from_slice(&2i32.to_le_bytes());
        for w in [&b"hi"[..], b" there"] {
            v.extend_from_slice(&(w.len() as i32).to_le_bytes());
            v.extend_from_slice(w);
        }
        for x in [1i32, 4, 0, 3] {
            v.extend_from_slice(&x.to_le_bytes());
        }
        v.extend_from_slice(b"name");
        v.extend(std::iter::repeat_n(0u8, 12));
        v
    }

    #[test]
    fn accepts_a_well_formed_file() {
        let info = check_bytes(&tiny_model(1)).unwrap();
        assert_eq!(info.n_tensors, 1);
        assert!(!info.multilingual);
        assert_eq!(check_bytes(&tiny_model(2001)).unwrap().ftype, 1, "qnt version stripped");
    }

    #[test]
    fn rejects_garbage_truncation_and_fields_that_would_abort() {
        assert!(check_bytes(b"").unwrap_err().contains("too small"));
        assert!(check_bytes(b"this is not a model at all").unwrap_err().contains("magic"));
        let good = tiny_model(1);
        assert!(check_bytes(&good[..good.len() - 1]).unwrap_err().contains("past the end"));
        assert!(check_bytes(&good[..30]).unwrap_err().contains("truncated"));
        // ftype 5 is a hole in ggml_ftype: whisper.cpp would GGML_ASSERT on it.
        assert!(check_bytes(&tiny_model(5)).unwrap_err().contains("ftype"));
        let mut trailing = good.clone();
        trailing.extend_from_slice(&[0, 0]);
        assert!(check_bytes(&trailing).unwrap_err().contains("truncated"));
        let mut five_dims = good.clone();
        let table = good.len() - 12 - 4 - 4 * 4;
        five_dims[table..table + 4].copy_from_slice(&5i32.to_le_bytes());
        assert!(check_bytes(&five_dims).unwrap_err().contains("n_dims"));
    }
}
