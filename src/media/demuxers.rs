//! Which FFmpeg demuxers and protocols may read an upload.
//!
//! FFmpeg picks a demuxer by sniffing the bytes, and some demuxers read more than the file:
//! an HLS playlist or a DASH manifest names segments by URL (`http://`, `file:/...`), a
//! concat script names other files. Opened with every demuxer, an uploaded `.m3u8` made the
//! server fetch a URL of the uploader's choosing or copy one of its own files into the
//! video. So uploads are opened only by the demuxers of what people record and upload, and
//! only through the `file` protocol (the scratch copy itself): nested opens inherit both
//! lists, so even a whitelisted demuxer cannot reach the network.

use std::path::Path;

use ffmpeg::format::context::{Input, StreamIo};
use ffmpeg::Dictionary;
use ffmpeg_next as ffmpeg;

/// FFmpeg demuxer names (`ffmpeg -demuxers`), matched per comma-separated component: what
/// browsers record (Matroska/WebM, MP4, Ogg), what phones and cameras make (MOV/MP4/3GP,
/// MPEG-TS and -PS, AVI), and plain audio files. Not playlists, manifests, concat scripts,
/// image sequences, devices or raw streams.
pub(super) const DEMUXERS: &str = "matroska,webm,mov,mp4,m4a,3gp,3g2,mj2,ogg,wav,w64,mp3,flac,aac,aiff,caf,\
avi,mpegts,mpeg,asf,flv";

/// Open an upload with the demuxer and protocol whitelists.
pub(super) fn open(path: &Path) -> Result<Input, ffmpeg::Error> {
    ffmpeg::format::input_with_dictionary(path, whitelists())
}

/// Open an upload that is still arriving, read through `io` (a growing recording). The
/// same two lists apply: the custom reader is the only source, and a nested open by a
/// demuxer (which this whitelist already excludes) could reach only `file`.
pub(super) fn open_stream(io: StreamIo) -> Result<Input, ffmpeg::Error> {
    ffmpeg::format::input_from_stream(io, None, Some(whitelists()))
}

fn whitelists() -> Dictionary<'static> {
    let mut options = Dictionary::new();
    options.set("format_whitelist", DEMUXERS);
    options.set("protocol_whitelist", "file");
    options
}
