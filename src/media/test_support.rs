//! Test-only helpers: fixtures made with the `ffmpeg` CLI (tests only — the
//! pipeline itself never shells out) and small readers for checking outputs.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use ffmpeg_next as ffmpeg;

/// Run `ffmpeg` with `args` (output path last); panics with stderr on failure.
pub fn ffmpeg_cli(args: &[&str]) {
    let out = Command::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-nostdin", "-y"])
        .args(args)
        .output()
        .expect("the ffmpeg CLI is needed to build test fixtures");
    assert!(out.status.success(), "ffmpeg {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
}

/// Like [`ffmpeg_cli`] but streams the container to a pipe, as a browser's
/// MediaRecorder does: the muxer cannot seek back, so no duration and no cues.
pub fn ffmpeg_cli_piped(args: &[&str], out_path: &Path) {
    let file = File::create(out_path).unwrap();
    let out = Command::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-nostdin", "-y"])
        .args(args)
        .arg("pipe:1")
        .stdout(Stdio::from(file))
        .stderr(Stdio::piped())
        .output()
        .expect("the ffmpeg CLI is needed to build test fixtures");
    assert!(out.status.success(), "ffmpeg {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
}

pub fn testsrc(w: u32, h: u32, secs: f64) -> String {
    format!("testsrc=size={w}x{h}:rate=30:duration={secs}")
}

pub fn sine(secs: f64) -> String {
    format!("sine=frequency=440:sample_rate=48000:duration={secs}")
}

const VP8: [&str; 10] = ["-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "16", "-threads", "2", "-b:v", "1M"];

/// VP8 + Opus WebM shaped like a MediaRecorder upload (no duration, no cues).
pub fn recorder_webm(dir: &Path, name: &str, w: u32, h: u32, secs: f64) -> PathBuf {
    let path = dir.join(name);
    let (v, a) = (testsrc(w, h, secs), sine(secs));
    let mut args = vec!["-f", "lavfi", "-i", &v, "-f", "lavfi", "-i", &a];
    args.extend(VP8);
    args.extend(["-c:a", "libopus", "-f", "webm"]);
    ffmpeg_cli_piped(&args, &path);
    path
}

/// H.264 (no B-frames, as Chrome records it) + Opus in streamed Matroska: what Chrome
/// records as `video/webm;codecs=h264,opus`.
pub fn recorder_h264_webm(dir: &Path, name: &str, w: u32, h: u32, secs: f64) -> PathBuf {
    let path = dir.join(name);
    let (v, a) = (testsrc(w, h, secs), sine(secs));
    let mut args = vec!["-f", "lavfi", "-i", &v, "-f", "lavfi", "-i", &a];
    args.extend(["-c:v", "libx264", "-preset", "ultrafast", "-bf", "0", "-pix_fmt", "yuv420p"]);
    args.extend(["-c:a", "libopus", "-f", "matroska"]);
    ffmpeg_cli_piped(&args, &path);
    path
}

/// A reader that hands out `path` in slices of at most `slice` bytes with a pause before
/// each, like a recording arriving over the network.
pub struct Trickle {
    file: File,
    slice: usize,
    pause: std::time::Duration,
}

impl Trickle {
    pub fn new(path: &Path, slice: usize, pause: std::time::Duration) -> Trickle {
        Trickle { file: File::open(path).unwrap(), slice, pause }
    }
}

impl Read for Trickle {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        std::thread::sleep(self.pause);
        let n = buf.len().min(self.slice);
        self.file.read(&mut buf[..n])
    }
}

/// VP8 + Opus WebM written to a seekable file (has duration and cues).
pub fn seekable_webm(dir: &Path, name: &str, w: u32, h: u32, secs: f64) -> PathBuf {
    let path = dir.join(name);
    let (v, a) = (testsrc(w, h, secs), sine(secs));
    let mut args = vec!["-f", "lavfi", "-i", &v, "-f", "lavfi", "-i", &a];
    args.extend(VP8);
    args.extend(["-c:a", "libopus", path.to_str().unwrap()]);
    ffmpeg_cli(&args);
    path
}

/// H.264 + AAC MP4 (extra args go before the output, e.g. metadata).
pub fn h264_aac_mp4(dir: &Path, name: &str, w: u32, h: u32, secs: f64, extra: &[&str]) -> PathBuf {
    let path = dir.join(name);
    let (v, a) = (testsrc(w, h, secs), sine(secs));
    let mut args = vec!["-f", "lavfi", "-i", &v, "-f", "lavfi", "-i", &a];
    args.extend(["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac"]);
    args.extend(extra);
    args.push(path.to_str().unwrap());
    ffmpeg_cli(&args);
    path
}

/// Top-level ISO-BMFF box types in file order.
pub fn top_level_boxes(path: &Path) -> Vec<String> {
    let mut f = File::open(path).unwrap();
    let len = f.metadata().unwrap().len();
    let mut boxes = vec![];
    let mut pos = 0u64;
    while pos + 8 <= len {
        let mut head = [0u8; 16];
        f.read_exact(&mut head[..8]).unwrap();
        let size32 = u32::from_be_bytes([head[0], head[1], head[2], head[3]]) as u64;
        boxes.push(String::from_utf8_lossy(&head[4..8]).into_owned());
        let size = match size32 {
            0 => len - pos,
            1 => {
                f.read_exact(&mut head[8..16]).unwrap();
                u64::from_be_bytes(head[8..16].try_into().unwrap())
            }
            n => n,
        };
        assert!(size >= 8, "bad box size at {pos}");
        pos += size;
        std::io::Seek::seek(&mut f, std::io::SeekFrom::Start(pos)).unwrap();
    }
    boxes
}

/// First decoded video frame of a file.
pub fn first_frame(path: &Path) -> ffmpeg::frame::Video {
    let mut input = ffmpeg::format::input(path).unwrap();
    let stream = input.streams().best(ffmpeg::media::Type::Video).unwrap();
    let index = stream.index();
    let ctx = ffmpeg::codec::Context::from_parameters(stream.parameters()).unwrap();
    let mut dec = ctx.decoder().video().unwrap();
    let mut frame = ffmpeg::frame::Video::empty();
    for (s, pkt) in input.packets() {
        if s.index() != index {
            continue;
        }
        dec.send_packet(&pkt).unwrap();
        if dec.receive_frame(&mut frame).is_ok() {
            return frame;
        }
    }
    dec.send_eof().unwrap();
    dec.receive_frame(&mut frame).unwrap();
    frame
}

/// Luma samples of the first plane, row by row.
fn luma_rows(frame: &ffmpeg::frame::Video) -> Vec<Vec<f64>> {
    let (w, h, stride) = (frame.width() as usize, frame.height() as usize, frame.stride(0));
    frame.data(0).chunks(stride).take(h).map(|row| row[..w].iter().map(|&v| f64::from(v)).collect()).collect()
}

/// Width, height, mean and standard deviation of the first frame's luma
/// (for the MJPEG posters the first plane is full-range Y).
pub fn first_frame_luma(path: &Path) -> (u32, u32, f64, f64) {
    let frame = first_frame(path);
    let values: Vec<f64> = luma_rows(&frame).into_iter().flatten().collect();
    let mean = values.iter().sum::<f64>() / values.len() as f64;
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / values.len() as f64;
    (frame.width(), frame.height(), mean, var.sqrt())
}

/// Mean luma of each cell of an `n` x `n` grid over the first frame, row-major:
/// a coarse fingerprint for checking orientation.
pub fn luma_grid(path: &Path, n: usize) -> Vec<f64> {
    let rows = luma_rows(&first_frame(path));
    let (h, w) = (rows.len(), rows[0].len());
    let mut cells = vec![0f64; n * n];
    let mut counts = vec![0f64; n * n];
    for (y, row) in rows.iter().enumerate() {
        for (x, v) in row.iter().enumerate() {
            let cell = (y * n / h) * n + x * n / w;
            cells[cell] += v;
            counts[cell] += 1.0;
        }
    }
    cells.iter().zip(counts).map(|(c, k)| c / k).collect()
}
