//! Codec extradata (an H.264 stream's `avcC`), which ffmpeg-next has no accessor for:
//! read from codec parameters and encoders, and replaced on a copy of parameters. The
//! only `unsafe` in media/, one foreign field access or call per function.

use ffmpeg::codec;
use ffmpeg_next as ffmpeg;

use super::error::MediaError;

/// The extradata of `params` (empty when it has none).
#[allow(unsafe_code)]
pub(super) fn of_parameters(params: &codec::Parameters) -> Vec<u8> {
    // SAFETY: `params` owns its AVCodecParameters, whose `extradata` is null or
    // `extradata_size` valid bytes; they are copied out while `params` is borrowed.
    unsafe { copy_out((*params.as_ptr()).extradata, (*params.as_ptr()).extradata_size) }
}

/// The extradata an opened encoder wrote (its parameter sets, with a global header).
#[allow(unsafe_code)]
pub(super) fn of_encoder(enc: &ffmpeg::encoder::Video) -> Vec<u8> {
    // SAFETY: as above, for the encoder's AVCodecContext.
    unsafe { copy_out((*enc.as_ptr()).extradata, (*enc.as_ptr()).extradata_size) }
}

#[allow(unsafe_code)]
unsafe fn copy_out(data: *const u8, size: i32) -> Vec<u8> {
    match usize::try_from(size) {
        // SAFETY: the callers pass a field pair FFmpeg keeps consistent.
        Ok(len) if !data.is_null() && len > 0 => unsafe { std::slice::from_raw_parts(data, len) }.to_vec(),
        _ => Vec::new(),
    }
}

/// `params` with its extradata replaced by `bytes`.
#[allow(unsafe_code)]
pub(super) fn replace(params: &mut codec::Parameters, bytes: &[u8]) -> Result<(), MediaError> {
    let size = i32::try_from(bytes.len()).map_err(|_| MediaError::internal("extradata too large"))?;
    // SAFETY: `params` is an owned copy; its old extradata is freed with av_freep and
    // replaced by an av_mallocz allocation with the zeroed padding FFmpeg reads past the
    // end, and the size is set to match.
    unsafe {
        let p = params.as_mut_ptr();
        ffmpeg::ffi::av_freep(std::ptr::addr_of_mut!((*p).extradata).cast());
        (*p).extradata_size = 0;
        let padded = bytes.len() + ffmpeg::ffi::AV_INPUT_BUFFER_PADDING_SIZE as usize;
        let buf = ffmpeg::ffi::av_mallocz(padded).cast::<u8>();
        if buf.is_null() {
            return Err(MediaError::internal("allocating extradata"));
        }
        std::ptr::copy_nonoverlapping(bytes.as_ptr(), buf, bytes.len());
        (*p).extradata = buf;
        (*p).extradata_size = size;
    }
    Ok(())
}
