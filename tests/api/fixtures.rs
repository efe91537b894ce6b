//! Media fixtures made at test time with espeak-ng, sox and the ffmpeg CLI (the CLI only
//! makes and inspects fixtures; Briefly itself never shells out to it).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

pub const SENTENCE: &str = "Hello team. We decided to delay the migration until next quarter.";
/// Silence before the speech starts, so timings can be checked against a known offset.
pub const LEAD_IN_MS: i64 = 1_500;

fn run(command: &mut Command) {
    let output = command.output().unwrap_or_else(|e| panic!("{command:?} could not start: {e}"));
    assert!(output.status.success(), "{command:?} failed: {}", String::from_utf8_lossy(&output.stderr));
}

fn fixture_dir() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().unwrap()).path()
}

/// Spoken English: LEAD_IN_MS of silence, the sentence, one second of silence; 48 kHz mono WAV.
pub fn speech_wav() -> PathBuf {
    static DONE: OnceLock<PathBuf> = OnceLock::new();
    DONE.get_or_init(|| {
        let raw = fixture_dir().join("speech-raw.wav");
        let padded = fixture_dir().join("speech.wav");
        run(Command::new("espeak-ng").args(["-s", "150", "-w"]).arg(&raw).arg(SENTENCE));
        let lead = format!("{:.3}", LEAD_IN_MS as f64 / 1000.0);
        run(Command::new("sox").arg(&raw).args(["-r", "48000", "-c", "1"]).arg(&padded).args(["pad", &lead, "1"]));
        padded
    })
    .clone()
}

/// The long recording's sentences after `SENTENCE`, in order; the last is said at its very end.
pub const LONG_SENTENCES: [&str; 5] = [
    "The budget review is scheduled for Thursday morning.",
    "Please send your questions before the meeting ends.",
    "Our customers asked for a darker theme and faster exports.",
    "The new office opens in March, next to the river.",
    "Finally, the launch party moves to Friday afternoon.",
];

/// About 40 s of speech: `speech_wav` (the sentence), then each of `LONG_SENTENCES`
/// with a second of silence around it.
pub fn long_speech_wav() -> PathBuf {
    static DONE: OnceLock<PathBuf> = OnceLock::new();
    DONE.get_or_init(|| {
        let long = fixture_dir().join("speech-long.wav");
        let mut sox = Command::new("sox");
        sox.arg(speech_wav());
        for (i, sentence) in LONG_SENTENCES.iter().enumerate() {
            let raw = fixture_dir().join(format!("long-{i}-raw.wav"));
            let padded = fixture_dir().join(format!("long-{i}.wav"));
            run(Command::new("espeak-ng").args(["-s", "150", "-w"]).arg(&raw).arg(sentence));
            run(Command::new("sox").arg(&raw).args(["-r", "48000", "-c", "1"]).arg(&padded).args(["pad", "1", "1"]));
            sox.arg(padded);
        }
        run(sox.arg(&long));
        long
    })
    .clone()
}

fn ffmpeg() -> Command {
    let mut command = Command::new("ffmpeg");
    command.args(["-hide_banner", "-loglevel", "error", "-y"]);
    command
}

/// Make (once) a fixture by name. Tests run in parallel, so fixtures are made one at a
/// time and only ever appear complete (written under a temporary name, then renamed).
pub fn fixture(name: &str) -> PathBuf {
    static MAKING: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _one_at_a_time = MAKING.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let path = fixture_dir().join(name);
    if !path.exists() {
        let partial = fixture_dir().join(format!("partial-{name}"));
        make_fixture(name, &partial);
        std::fs::rename(&partial, &path).unwrap();
    }
    path
}

fn make_fixture(name: &str, path: &Path) {
    let speech = speech_wav();
    let video = "testsrc2=size=640x360:rate=25";
    match name {
        "speech.webm" => run(ffmpeg()
            .args(["-f", "lavfi", "-i", video, "-i"])
            .arg(&speech)
            .args(["-shortest", "-c:v", "libvpx", "-b:v", "400k", "-c:a", "libopus", "-b:a", "48k"])
            .arg(path)),
        // Like MediaRecorder output: written as a stream, so no duration and no cues.
        "recorder.webm" => {
            let output = ffmpeg()
                .args(["-f", "lavfi", "-i", video, "-i"])
                .arg(&speech)
                .args(["-shortest", "-c:v", "libvpx", "-b:v", "400k", "-c:a", "libopus", "-f", "webm", "pipe:1"])
                .output()
                .unwrap();
            assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
            std::fs::write(path, output.stdout).unwrap();
        }
        // What Chrome records as `video/webm;codecs=h264,opus`: Matroska holding H.264 and
        // Opus, written as a stream (no duration, no cues).
        "recorder-h264.webm" => {
            let output = ffmpeg()
                .args(["-f", "lavfi", "-i", video, "-i"])
                .arg(&speech)
                .args(["-shortest", "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p"])
                .args(["-c:a", "libopus", "-f", "matroska", "pipe:1"])
                .output()
                .unwrap();
            assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
            std::fs::write(path, output.stdout).unwrap();
        }
        "speech.mp4" => run(ffmpeg()
            .args(["-f", "lavfi", "-i", video, "-i"])
            .arg(&speech)
            // A keyframe every 30 frames (1.2 s), as screen recorders write: edits copy whole GOPs.
            .args(["-shortest", "-c:v", "libx264", "-preset", "veryfast", "-g", "30", "-pix_fmt", "yuv420p"])
            .args(["-c:a", "aac"])
            .arg(path)),
        // What the recorder streams (Chrome's H.264 has no B-frames), about 40 s of it.
        "recorder-long-h264.webm" => {
            let output = ffmpeg()
                .args(["-f", "lavfi", "-i", video, "-i"])
                .arg(long_speech_wav())
                .args(["-shortest", "-c:v", "libx264", "-preset", "veryfast", "-bf", "0", "-pix_fmt", "yuv420p"])
                .args(["-c:a", "libopus", "-f", "matroska", "pipe:1"])
                .output()
                .unwrap();
            assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
            std::fs::write(path, output.stdout).unwrap();
        }
        "speech-audio-only.webm" => {
            run(ffmpeg().arg("-i").arg(&speech).args(["-c:a", "libopus", "-b:a", "48k"]).arg(path))
        }
        "video-only.webm" => {
            run(ffmpeg().args(["-f", "lavfi", "-i", video, "-t", "4", "-c:v", "libvpx", "-b:v", "400k"]).arg(path))
        }
        "truncated.webm" => {
            let whole_path = fixture_dir().join("speech.webm");
            if !whole_path.exists() {
                make_fixture("speech.webm", &whole_path);
            }
            let whole = std::fs::read(whole_path).unwrap();
            std::fs::write(path, &whole[..whole.len() / 3]).unwrap();
        }
        "not-media.webm" => std::fs::write(path, "this is a text file pretending to be a video\n".repeat(100)).unwrap(),
        "empty.webm" => std::fs::write(path, b"").unwrap(),
        other => panic!("unknown fixture {other}"),
    }
}

/// Codec names of a file's streams, by the ffprobe CLI (an independent check).
pub fn stream_codecs(path: &Path) -> Vec<String> {
    let output = Command::new("ffprobe")
        .args(["-v", "error", "-show_entries", "stream=codec_name", "-of", "csv=p=0"])
        .arg(path)
        .output()
        .unwrap();
    String::from_utf8_lossy(&output.stdout).lines().map(|l| l.trim().to_string()).filter(|l| !l.is_empty()).collect()
}

pub fn duration_secs(path: &Path) -> f64 {
    header_duration_secs(path).unwrap_or_else(|| panic!("{} has no duration in its header", path.display()))
}

/// Where the last packet ends, read packet by packet: the length of a file whose header
/// declares none (a MediaRecorder-style stream).
pub fn packet_end_secs(path: &Path) -> f64 {
    let output = Command::new("ffprobe")
        .args(["-v", "error", "-show_entries", "packet=pts_time,duration_time", "-of", "csv=p=0"])
        .arg(path)
        .output()
        .unwrap();
    let ends = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| {
            let mut parts = line.split(',').map(|p| p.trim().parse::<f64>().ok());
            Some(parts.next()?? + parts.next().flatten().unwrap_or(0.0))
        })
        .fold(0.0f64, f64::max);
    assert!(ends > 0.0, "{} has packets", path.display());
    ends
}

/// The duration the container's header declares, if any (ffprobe prints N/A otherwise).
pub fn header_duration_secs(path: &Path) -> Option<f64> {
    let output = Command::new("ffprobe")
        .args(["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0"])
        .arg(path)
        .output()
        .unwrap();
    String::from_utf8_lossy(&output.stdout).trim().parse().ok()
}

/// Top-level MP4 box names in order (to check moov comes before mdat: "faststart").
pub fn mp4_top_level_boxes(data: &[u8]) -> Vec<String> {
    let mut boxes = Vec::new();
    let mut at = 0usize;
    while at + 8 <= data.len() && boxes.len() < 64 {
        let size32 = u32::from_be_bytes(data[at..at + 4].try_into().unwrap()) as u64;
        let name = String::from_utf8_lossy(&data[at + 4..at + 8]).to_string();
        let size = match size32 {
            1 if at + 16 <= data.len() => u64::from_be_bytes(data[at + 8..at + 16].try_into().unwrap()),
            0 => (data.len() - at) as u64,
            n => n,
        };
        boxes.push(name);
        if size < 8 {
            break;
        }
        at += size as usize;
    }
    boxes
}

pub fn whisper_model() -> PathBuf {
    let path = std::env::var("BRIEFLY_TEST_WHISPER_MODEL").map(PathBuf::from).unwrap_or_else(|_| {
        PathBuf::from(std::env::var("HOME").unwrap()).join(".cache/briefly/models/ggml-tiny.en.bin")
    });
    assert!(
        path.exists(),
        "speech model missing at {}: run scripts/install-model.sh (scripts/test.sh does)",
        path.display()
    );
    path
}

/// Width and height from a baseline or progressive JPEG's frame header (SOF0/SOF2).
pub fn jpeg_dimensions(data: &[u8]) -> Option<(u16, u16)> {
    let mut at = 2;
    while at + 9 < data.len() {
        if data[at] != 0xFF {
            return None;
        }
        let marker = data[at + 1];
        let length = usize::from(u16::from_be_bytes([data[at + 2], data[at + 3]]));
        if matches!(marker, 0xC0 | 0xC2) {
            let height = u16::from_be_bytes([data[at + 5], data[at + 6]]);
            let width = u16::from_be_bytes([data[at + 7], data[at + 8]]);
            return Some((width, height));
        }
        at += 2 + length;
    }
    None
}

/// Speech in one language, for the multilingual model: what espeak-ng is told to say (by
/// which voice, how fast) and a word a search should find it by, accented and plain (for
/// Russian, "ё" and "е"). espeak-ng's French and Russian are hard to understand: these
/// voices, speeds and sentences are ones Whisper base hears (tried against others).
pub struct Spoken {
    pub language: &'static str,
    pub voice: &'static str,
    pub words_per_minute: u32,
    pub sentence: &'static str,
    pub accented: &'static str,
    pub unaccented: &'static str,
}

pub const SPANISH: Spoken = Spoken {
    language: "es",
    voice: "es",
    words_per_minute: 140,
    sentence: "Hola equipo. La reunión del miércoles se cancela. La próxima revisión será en junio.",
    accented: "reunión",
    unaccented: "reunion",
};
pub const GERMAN: Spoken = Spoken {
    language: "de",
    voice: "de",
    words_per_minute: 140,
    sentence: "Hallo zusammen. Die Prüfung der neuen Funktionen ist für nächste Woche geplant.",
    accented: "nächste",
    unaccented: "nachste",
};
pub const FRENCH: Spoken = Spoken {
    language: "fr",
    voice: "fr+m3",
    words_per_minute: 110,
    sentence: "Bonjour à tous. Le café de l'équipe est très bon.",
    accented: "équipe",
    unaccented: "equipe",
};
pub const RUSSIAN: Spoken = Spoken {
    language: "ru",
    voice: "ru+f2",
    words_per_minute: 110,
    sentence: "Доброе утро. Сегодня хорошая погода, и мы идём в парк.",
    accented: "идём",
    unaccented: "идем",
};

/// `spoken` said by espeak-ng's voice for its language, after LEAD_IN_MS of silence, made
/// once per language. Lossless (FLAC in Matroska, at the recogniser's 16 kHz): through
/// Opus and two resamplings, French and Russian from espeak-ng lose words Whisper base
/// otherwise hears.
pub fn spoken_recording(spoken: &Spoken) -> PathBuf {
    static MAKING: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _one_at_a_time = MAKING.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let path = fixture_dir().join(format!("spoken-{}.mkv", spoken.language));
    if !path.exists() {
        let raw = fixture_dir().join(format!("spoken-{}-raw.wav", spoken.language));
        let padded = fixture_dir().join(format!("spoken-{}.wav", spoken.language));
        let speed = spoken.words_per_minute.to_string();
        run(Command::new("espeak-ng").args(["-v", spoken.voice, "-s", &speed, "-w"]).arg(&raw).arg(spoken.sentence));
        let lead = format!("{:.3}", LEAD_IN_MS as f64 / 1000.0);
        run(Command::new("sox").arg(&raw).args(["-r", "16000", "-c", "1"]).arg(&padded).args(["pad", &lead, "1"]));
        let partial = fixture_dir().join(format!("partial-spoken-{}.mkv", spoken.language));
        run(ffmpeg().arg("-i").arg(&padded).args(["-c:a", "flac", "-f", "matroska"]).arg(&partial));
        std::fs::rename(&partial, &path).unwrap();
    }
    path
}

/// The multilingual Whisper model (base), which scripts/test.sh installs besides tiny.en.
pub fn multilingual_model() -> PathBuf {
    let path = std::env::var("BRIEFLY_TEST_WHISPER_MULTILINGUAL_MODEL")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(std::env::var("HOME").unwrap()).join(".cache/briefly/models/ggml-base.bin"));
    assert!(
        path.exists(),
        "multilingual speech model missing at {}: run scripts/install-model.sh --model base (scripts/test.sh does)",
        path.display()
    );
    path
}

/// Lower case, without accents or punctuation: how a test compares heard words with said
/// ones (Whisper may or may not write an accent espeak-ng pronounced).
pub fn plain_words(text: &str) -> Vec<String> {
    use unicode_normalization::UnicodeNormalization;
    text.nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .collect::<String>()
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}
