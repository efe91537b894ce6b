//! Recordings processed while they are recorded: a recording streamed the way the
//! recorder streams it (tus with a deferred length, a PATCH per second of media, here
//! 4x faster than real time; six different sentences over 40 s) is followed by the live job and ends with the same video
//! and transcript as the same file uploaded whole; stalls, termination and more live
//! recordings than live workers are handled. Both backends, the real tiny.en model.

use std::time::{Duration, Instant};

use briefly::db::Db;
use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::fixtures::{self, fixture, mp4_top_level_boxes, packet_end_secs, stream_codecs};
use crate::helpers::{header, TestApp, Tweaks, User};
use crate::matrix;
use crate::processing::{bytes, settled};

fn with_model() -> Tweaks {
    Tweaks { whisper_model: Some(fixtures::whisper_model()), ..Default::default() }
}

fn with_short_stalls() -> Tweaks {
    Tweaks { live_stall_after: Some(Duration::from_secs(2)), ..with_model() }
}

matrix!(
    tweaks = super::with_model;
    a_live_recording_ends_as_the_uploaded_file_does,
    a_recording_terminated_midway_leaves_nothing,
    recordings_beyond_the_live_workers_are_processed_after_upload
);
matrix!(tweaks = super::with_short_stalls; a_stalled_recording_yields_and_resumes);

/// A recording in progress, as the recorder streams it.
pub struct Recording {
    pub location: String,
    pub video_id: String,
    data: Vec<u8>,
    /// Bytes of about one second of media.
    per_second: usize,
    sent: usize,
}

impl Recording {
    pub async fn start(user: &User, name: &str) -> Recording {
        let path = fixture(name);
        let data = std::fs::read(&path).unwrap();
        let per_second = (data.len() as f64 / packet_end_secs(&path)).ceil() as usize;
        let created = user.tus_create(None, &[("filename", name), ("filetype", "video/webm")]).await;
        assert_eq!(created.status(), StatusCode::CREATED);
        let location = header(&created, "location");
        Recording { video_id: header(&created, "briefly-video-id"), location, data, per_second, sent: 0 }
    }

    /// Send `seconds` of media, one second per PATCH every `interval`; never the last one.
    pub async fn send(&mut self, user: &User, seconds: usize, interval: Duration) {
        for _ in 0..seconds {
            let end = (self.sent + self.per_second).min(self.data.len() - 1);
            if end <= self.sent {
                return;
            }
            let response = user.tus_patch(&self.location, self.sent as u64, self.data[self.sent..end].to_vec()).await;
            assert_eq!(response.status(), StatusCode::NO_CONTENT, "PATCH at {}", self.sent);
            self.sent = end;
            tokio::time::sleep(interval).await;
        }
    }

    pub fn seconds_left(&self) -> usize {
        (self.data.len() - self.sent).div_ceil(self.per_second)
    }

    /// The rest, with the length: what the recorder sends when its user presses stop.
    pub async fn stop(&mut self, user: &User) {
        let (offset, length) = (self.sent as u64, self.data.len() as u64);
        let response = user.tus_patch_final(&self.location, offset, self.data[self.sent..].to_vec(), length).await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
        self.sent = self.data.len();
    }
}

pub async fn session_state(db: &Db, video_id: &str) -> Option<String> {
    db.live_session(video_id).await.unwrap().map(|s| s.state)
}

/// Bounded wait for the live session to reach `state`.
pub async fn wait_for_session(db: &Db, video_id: &str, state: &str, bound: Duration) {
    let started = Instant::now();
    while started.elapsed() < bound {
        if session_state(db, video_id).await.as_deref() == Some(state) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("session of {video_id} never became {state}: {:?}", session_state(db, video_id).await);
}

/// The transcript's words, lower case without punctuation.
pub async fn transcript_words(user: &User, video_id: &str) -> Vec<String> {
    let transcript = user.get_json(&format!("/api/videos/{video_id}/transcript")).await;
    let segments = transcript["segments"].as_array().unwrap();
    let mut last_end = 0;
    for segment in segments {
        let (start, end) = (segment["start_ms"].as_i64().unwrap(), segment["end_ms"].as_i64().unwrap());
        assert!(start >= last_end && end >= start, "segments overlap or go back: {transcript}");
        last_end = end;
    }
    segments
        .iter()
        .flat_map(|s| s["words"].as_array().unwrap())
        .map(|w| w["text"].as_str().unwrap().to_lowercase().chars().filter(|c| c.is_alphanumeric()).collect())
        .filter(|w: &String| !w.is_empty())
        .collect()
}

/// How many words one transcript has that the other lacks (the larger of the two counts,
/// as multisets): a substituted word counts once.
pub fn word_difference(a: &[String], b: &[String]) -> usize {
    let mut rest = b.to_vec();
    let mut only_in_a = 0;
    for word in a {
        match rest.iter().position(|w| w == word) {
            Some(i) => {
                rest.swap_remove(i);
            }
            None => only_in_a += 1,
        }
    }
    only_in_a.max(rest.len())
}

/// Where a search for the closing words lands in `video_id`, if it does.
pub async fn closing_words_found_at(user: &User, video_id: &str) -> Option<i64> {
    let hits = user.get_json("/api/search?q=launch%20party").await;
    hits["hits"].as_array().unwrap().iter().find(|h| h["video_id"] == video_id).and_then(|h| h["start_ms"].as_i64())
}

async fn db_of(app: &TestApp) -> Db {
    Db::connect(app.config.database_url()).await.unwrap()
}

async fn a_live_recording_ends_as_the_uploaded_file_does(app: TestApp) {
    let db = db_of(&app).await;
    let ada = app.sign_up("Ada").await;
    let name = "recorder-long-h264.webm";
    let mut recording = Recording::start(&ada, name).await;
    recording.send(&ada, 3, Duration::from_millis(250)).await;
    wait_for_session(&db, &recording.video_id, "following", Duration::from_secs(20)).await;
    let left = recording.seconds_left();
    recording.send(&ada, left, Duration::from_millis(250)).await;
    let video: Value = ada.get_json(&format!("/api/videos/{}", recording.video_id)).await;
    assert_eq!(video["status"], "uploading", "nothing is published before the recording stops: {video}");
    recording.stop(&ada).await;
    let stopped = Instant::now();
    let live = settled(&ada, &recording.video_id).await;
    println!("live recording ready {:?} after stop (4x real-time replay)", stopped.elapsed());
    assert_eq!((live["status"].as_str(), live["transcript_status"].as_str()), (Some("ready"), Some("ready")), "{live}");
    assert_eq!(session_state(&db, &recording.video_id).await.as_deref(), Some("done"));

    let data = std::fs::read(fixture(name)).unwrap();
    let whole = ada.upload_file(&data, 4 << 20, &[("filename", name), ("filetype", "video/webm")]).await;
    let uploaded = settled(&ada, &whole).await;
    assert_eq!(uploaded["status"], "ready", "{uploaded}");
    assert_eq!(session_state(&db, &whole).await, None, "a file of known length has no live session");

    let (live_ms, uploaded_ms) = (live["duration_ms"].as_i64().unwrap(), uploaded["duration_ms"].as_i64().unwrap());
    assert!((live_ms - uploaded_ms).abs() <= 40, "durations {live_ms} and {uploaded_ms} ms");
    let dir = tempfile::tempdir().unwrap();
    let mut codecs = Vec::new();
    for id in [&recording.video_id, &whole] {
        let (_, mp4) = bytes(&ada, &format!("/api/videos/{id}/media.mp4")).await;
        let boxes = mp4_top_level_boxes(&mp4);
        let (moov, mdat) = (boxes.iter().position(|b| b == "moov"), boxes.iter().position(|b| b == "mdat"));
        assert!(moov.is_some() && moov < mdat, "moov first: {boxes:?}");
        let path = dir.path().join(format!("{id}.mp4"));
        std::fs::write(&path, mp4).unwrap();
        codecs.push(stream_codecs(&path));
    }
    assert_eq!(codecs[0], codecs[1]);
    assert_eq!(codecs[0], ["h264", "aac"]);

    let (live_words, uploaded_words) =
        (transcript_words(&ada, &recording.video_id).await, transcript_words(&ada, &whole).await);
    // Live speech windows are shorter, so whisper may hear a seam differently: allow 10 %.
    let difference = word_difference(&live_words, &uploaded_words);
    if difference * 10 > uploaded_words.len() {
        for id in [&recording.video_id, &whole] {
            let t = ada.get_json(&format!("/api/videos/{id}/transcript")).await;
            for s in t["segments"].as_array().unwrap() {
                println!("{id} {} {} {}", s["start_ms"], s["end_ms"], s["text"]);
            }
        }
    }
    assert!(difference * 10 <= uploaded_words.len(), "{difference} words differ:\n{live_words:?}\n{uploaded_words:?}");
    for word in ["migration", "budget", "questions", "customer", "office", "launch"] {
        assert!(live_words.iter().any(|w| w.starts_with(word)), "no {word:?} in {live_words:?}");
    }
    let at = closing_words_found_at(&ada, &recording.video_id).await.expect("the last sentence is searchable");
    assert!(at >= live_ms - 10_000, "found at {at} ms of {live_ms}");
}

async fn a_recording_terminated_midway_leaves_nothing(app: TestApp) {
    let db = db_of(&app).await;
    let ada = app.sign_up("Ada").await;
    let mut recording = Recording::start(&ada, "recorder-long-h264.webm").await;
    recording.send(&ada, 3, Duration::from_millis(250)).await;
    wait_for_session(&db, &recording.video_id, "following", Duration::from_secs(20)).await;
    recording.send(&ada, 5, Duration::from_millis(250)).await;
    let response = ada.request(Method::DELETE, &recording.location).header("Tus-Resumable", "1.0.0").send().await;
    assert_eq!(response.unwrap().status(), StatusCode::NO_CONTENT);
    // The video was made for the upload, so it goes (and its session with it).
    let response = ada.get(&format!("/api/videos/{}", recording.video_id)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let work = app.config.data_dir.join("work");
    let started = Instant::now();
    loop {
        let left: Vec<String> = std::fs::read_dir(&work)
            .map(|d| d.flatten().map(|e| e.file_name().to_string_lossy().to_string()).collect())
            .unwrap_or_default();
        if !left.iter().any(|n| n.starts_with("video-")) {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "the live job kept its scratch folder: {left:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(session_state(&db, &recording.video_id).await, None);
    // The worker carries on: the next recording is processed.
    let data = std::fs::read(fixture("recorder-h264.webm")).unwrap();
    let next = ada.upload_file(&data, 1 << 20, &[("filename", "next.webm"), ("filetype", "video/webm")]).await;
    assert_eq!(settled(&ada, &next).await["status"], "ready");
}

async fn recordings_beyond_the_live_workers_are_processed_after_upload(app: TestApp) {
    let db = db_of(&app).await;
    let ada = app.sign_up("Ada").await;
    let mut first = Recording::start(&ada, "recorder-long-h264.webm").await;
    first.send(&ada, 2, Duration::from_millis(250)).await;
    wait_for_session(&db, &first.video_id, "following", Duration::from_secs(20)).await;
    // One live worker (the default): the second recording waits its turn...
    let mut second = Recording::start(&ada, "recorder-long-h264.webm").await;
    for _ in 0..6 {
        first.send(&ada, 1, Duration::from_millis(125)).await;
        second.send(&ada, 1, Duration::from_millis(125)).await;
    }
    assert_eq!(session_state(&db, &second.video_id).await.as_deref(), Some("pending"));
    // ...and, stopped first, is processed after upload on the media queue.
    second.stop(&ada).await;
    let done = settled(&ada, &second.video_id).await;
    assert_eq!((done["status"].as_str(), done["transcript_status"].as_str()), (Some("ready"), Some("ready")));
    assert_eq!(session_state(&db, &second.video_id).await.as_deref(), Some("fallen_back"));
    let left = first.seconds_left();
    first.send(&ada, left, Duration::from_millis(125)).await;
    first.stop(&ada).await;
    let done = settled(&ada, &first.video_id).await;
    assert_eq!((done["status"].as_str(), done["transcript_status"].as_str()), (Some("ready"), Some("ready")));
    assert_eq!(session_state(&db, &first.video_id).await.as_deref(), Some("done"));
    assert!(closing_words_found_at(&ada, &first.video_id).await.is_some());
    assert!(closing_words_found_at(&ada, &second.video_id).await.is_some());
}

async fn a_stalled_recording_yields_and_resumes(app: TestApp) {
    let db = db_of(&app).await;
    let ada = app.sign_up("Ada").await;
    let mut recording = Recording::start(&ada, "recorder-long-h264.webm").await;
    recording.send(&ada, 4, Duration::from_millis(250)).await;
    wait_for_session(&db, &recording.video_id, "following", Duration::from_secs(20)).await;
    // The tab went offline: after 2 s without a byte the live worker gives up its turn.
    wait_for_session(&db, &recording.video_id, "yielded", Duration::from_secs(20)).await;
    let yielded = db.live_session(&recording.video_id).await.unwrap().unwrap();
    assert_eq!(yielded.yielded_offset, Some(recording.sent as i64));
    // Back online: the recorder sends the rest; the job comes back and finishes it.
    let left = recording.seconds_left();
    recording.send(&ada, left, Duration::from_millis(250)).await;
    recording.stop(&ada).await;
    let done = settled(&ada, &recording.video_id).await;
    assert_eq!((done["status"].as_str(), done["transcript_status"].as_str()), (Some("ready"), Some("ready")));
    let state = session_state(&db, &recording.video_id).await.unwrap();
    // Usually the resumed live job finishes it; on a slow machine its stop may come before
    // the job resumed, and the after-upload job takes it. Either way it is whole.
    assert!(state == "done" || state == "fallen_back", "{state}");
    println!("stalled recording finished by: {state}");
    let words = transcript_words(&ada, &recording.video_id).await;
    for word in ["migration", "budget", "questions", "customer", "office", "launch"] {
        assert!(words.iter().any(|w| w.starts_with(word)), "no {word:?} in {words:?}");
    }
    assert!(closing_words_found_at(&ada, &recording.video_id).await.is_some());
}
