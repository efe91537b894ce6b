//! A video's lifecycle: the one place its state changes.
//!
//! Every change is a [`Transition`]; each names the states it may start from, and
//! [`Lifecycle::apply`] writes it together with the `video.updated` event live watchers
//! receive (if they would see a difference), in one transaction, refusing it when the
//! video is elsewhere in its life.
//!
//! ```text
//! waiting_upload ──StartUpload──▶ uploading ──FinishUpload──▶ uploaded ──StartProcessing──▶ processing
//!       ▲                            │                           │                        │   │
//!       └───────AbandonUpload────────┘                           └──────── Fail ──────────┤   │ FinishMedia
//!                                    └──────────────── Fail ─────────────────▶ failed ◀───┘   ▼
//!                                                                                           ready
//! ```
//! `StoreSeekableCopy` and a repeated `StartProcessing` (a retried job) stay in
//! `processing`; `RestartTranscript` and `FinishTranscript` move only the transcript, of a
//! `ready` video, and `FinishTranslation` only its translation track; `EditDetails`
//! (title, visibility) and `ChooseLanguage` apply in any state. `PublishEdit` (a rendered
//! edit, or the original again) and `ChoosePoster` change what a `ready` video plays and
//! shows, never its state.

use crate::db::{ChangeGuard, Db, EventRow, TranscriptLock, VideoChange, VideoRow};
use crate::domain::{TranscriptStatus, VideoStatus, Visibility};
use crate::events::{EventHub, EventKind};

use super::error::{VideoError, VideoResult};
use super::view::VideoView;

use VideoStatus::{Failed, Processing, Ready, Uploaded, Uploading, WaitingUpload};

/// Longest `error` a failed video shows.
pub const MAX_FAIL_REASON_CHARS: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transition {
    /// An upload was attached to a video waiting for one.
    StartUpload,
    /// The upload went away before it finished; the video waits for another.
    AbandonUpload,
    /// Every byte is stored as the original.
    FinishUpload { original_key: String, size: i64, content_type: String },
    /// A worker took the video (again, after a crash); `transcript` is `processing`, or
    /// `disabled` when no speech model is configured.
    StartProcessing { transcript: TranscriptStatus },
    /// The quick seekable copy is stored; its measured length is known from now on.
    StoreSeekableCopy { duration_ms: i64 },
    /// The playable media is stored.
    FinishMedia { duration_ms: i64 },
    /// Processing failed for good; an unfinished transcript fails with it. `reason` is what
    /// the owner reads as the video's `error`: one short user-facing sentence (the error
    /// chain belongs in the log). Only its first line, cut to `MAX_FAIL_REASON_CHARS`, is kept.
    Fail { reason: String },
    /// The transcript of a ready video is stored (or could not be made); `language` is
    /// the one it was made in.
    FinishTranscript { succeeded: bool, language: Option<String> },
    /// The transcript of a ready video is being made again (its language changed).
    RestartTranscript,
    /// The English translation track is stored (or could not be made).
    FinishTranslation { succeeded: bool },
    /// Title and visibility, whatever the state.
    EditDetails { title: String, visibility: Visibility },
    /// The language a manager asked for (`None`: the workspace's default) and whether an
    /// English translation is wanted, whatever the state. Turning translation off hides
    /// the track at once.
    ChooseLanguage { setting: Option<String>, translate: bool },
    /// Edit `version` is rendered and plays from now on: `kept_ranges` is its stored list
    /// (`None`: the original again), `duration_ms` its length. Its English translation is
    /// made again for the new timeline.
    PublishEdit { version: i64, kept_ranges: Option<String>, duration_ms: i64 },
    /// A poster was chosen: a moment of the original timeline, or an uploaded image.
    ChoosePoster { poster_ms: Option<i64>, uploaded: bool },
}

impl Transition {
    pub fn name(&self) -> &'static str {
        match self {
            Transition::StartUpload => "an upload",
            Transition::AbandonUpload => "abandoning its upload",
            Transition::FinishUpload { .. } => "a finished upload",
            Transition::StartProcessing { .. } => "processing",
            Transition::StoreSeekableCopy { .. } => "a seekable copy",
            Transition::FinishMedia { .. } => "finished media",
            Transition::Fail { .. } => "a failure",
            Transition::FinishTranscript { .. } => "a finished transcript",
            Transition::RestartTranscript => "a new transcript",
            Transition::FinishTranslation { .. } => "a finished translation",
            Transition::EditDetails { .. } => "new details",
            Transition::ChooseLanguage { .. } => "a language choice",
            Transition::PublishEdit { .. } => "a new version",
            Transition::ChoosePoster { .. } => "a new poster",
        }
    }

    /// The states this transition may start from.
    pub fn allowed_from(&self) -> &'static [VideoStatus] {
        match self {
            Transition::StartUpload => &[WaitingUpload],
            Transition::AbandonUpload => &[Uploading],
            Transition::FinishUpload { .. } => &[Uploading],
            Transition::StartProcessing { .. } => &[Uploaded, Processing],
            Transition::StoreSeekableCopy { .. } => &[Processing],
            Transition::FinishMedia { .. } => &[Processing],
            // A job given up while the upload's last step was interrupted fails too.
            Transition::Fail { .. } => &[Uploading, Uploaded, Processing],
            Transition::FinishTranscript { .. }
            | Transition::RestartTranscript
            | Transition::FinishTranslation { .. }
            | Transition::PublishEdit { .. }
            | Transition::ChoosePoster { .. } => &[Ready],
            Transition::EditDetails { .. } | Transition::ChooseLanguage { .. } => &VideoStatus::ALL,
        }
    }

    /// Whether watchers hear of it. An upload starting or going away changes nothing they
    /// can see (the media is not there either way), so those two stay quiet.
    pub fn is_announced(&self) -> bool {
        !matches!(self, Transition::StartUpload | Transition::AbandonUpload)
    }

    /// The transcript states it may start from, when it cares.
    fn transcript_from(&self) -> Option<&'static [TranscriptStatus]> {
        match self {
            Transition::FinishTranscript { .. } => Some(&[TranscriptStatus::Processing]),
            // A transcript still running is simply made again by the queued job.
            Transition::RestartTranscript => {
                Some(&[TranscriptStatus::Ready, TranscriptStatus::Failed, TranscriptStatus::Processing])
            }
            Transition::FinishTranslation { .. } => Some(&[TranscriptStatus::Ready]),
            _ => None,
        }
    }

    /// The state a video in `from` is in afterwards, or `None` when it may not take this.
    pub fn target(&self, from: VideoStatus) -> Option<VideoStatus> {
        if !self.allowed_from().contains(&from) {
            return None;
        }
        Some(match self {
            Transition::StartUpload => Uploading,
            Transition::AbandonUpload => WaitingUpload,
            Transition::FinishUpload { .. } => Uploaded,
            Transition::StartProcessing { .. } | Transition::StoreSeekableCopy { .. } => Processing,
            Transition::FinishMedia { .. } => Ready,
            Transition::Fail { .. } => Failed,
            Transition::FinishTranscript { .. }
            | Transition::RestartTranscript
            | Transition::FinishTranslation { .. }
            | Transition::EditDetails { .. }
            | Transition::ChooseLanguage { .. }
            | Transition::PublishEdit { .. }
            | Transition::ChoosePoster { .. } => from,
        })
    }

    fn change(&self) -> VideoChange {
        let mut change = VideoChange::default();
        match self {
            Transition::StartUpload => change.status = Some(Uploading),
            Transition::AbandonUpload => change.status = Some(WaitingUpload),
            Transition::FinishUpload { original_key, size, content_type } => {
                change.status = Some(Uploaded);
                change.original = Some((original_key.clone(), *size, content_type.clone()));
            }
            Transition::StartProcessing { transcript } => {
                change.status = Some(Processing);
                change.transcript_status = Some(*transcript);
                change.error = Some(None);
            }
            Transition::StoreSeekableCopy { duration_ms } => {
                change.has_seekable = Some(true);
                change.duration_ms = Some(*duration_ms);
            }
            Transition::FinishMedia { duration_ms } => {
                change.status = Some(Ready);
                change.duration_ms = Some(*duration_ms);
            }
            Transition::Fail { reason } => {
                change.status = Some(Failed);
                change.error = Some(Some(short_reason(reason)));
                change.fail_unfinished_transcript = true;
            }
            Transition::FinishTranscript { succeeded, language } => {
                change.transcript_status =
                    Some(if *succeeded { TranscriptStatus::Ready } else { TranscriptStatus::Failed });
                if *succeeded {
                    change.language = Some(language.clone());
                }
            }
            Transition::RestartTranscript => change.transcript_status = Some(TranscriptStatus::Processing),
            Transition::FinishTranslation { succeeded } => change.translation_ready = Some(*succeeded),
            Transition::EditDetails { title, visibility } => change.details = Some((title.clone(), *visibility)),
            Transition::ChooseLanguage { setting, translate } => {
                change.language_request = Some((setting.clone(), *translate));
                if !translate {
                    change.translation_ready = Some(false);
                }
            }
            Transition::PublishEdit { version, kept_ranges, duration_ms } => {
                change.published_edit = Some((*version, kept_ranges.clone(), *duration_ms));
                change.translation_ready = Some(false);
                change.bump_revision = true;
            }
            Transition::ChoosePoster { poster_ms, uploaded } => {
                change.poster = Some((*poster_ms, *uploaded));
                change.bump_revision = true;
            }
        }
        change
    }
}

/// Applies transitions: the only writer of a video's state.
#[derive(Clone)]
pub struct Lifecycle {
    db: Db,
    events: EventHub,
}

impl Lifecycle {
    pub fn new(db: Db, events: EventHub) -> Lifecycle {
        Lifecycle { db, events }
    }

    /// [`Lifecycle::apply`] inside a transcript lock's transaction: the change is written
    /// with whatever else the lock holder writes, and announced by [`Lifecycle::announce`]
    /// once the lock is committed.
    pub async fn apply_locked(
        &self,
        lock: &mut TranscriptLock,
        transition: Transition,
    ) -> VideoResult<(VideoRow, Option<EventRow>)> {
        let guard = ChangeGuard { from: transition.allowed_from(), transcript_from: transition.transcript_from() };
        let announced = transition.is_announced();
        let video_id = lock.video_id().to_string();
        let applied = self
            .db
            .change_video_in(lock.transaction(), &video_id, guard, &transition.change(), |row| {
                announced
                    .then(|| EventHub::event(&row.id, EventKind::VideoUpdated, &VideoView::for_watchers(row)))
                    .transpose()
            })
            .await?;
        match applied {
            Some(applied) => Ok(applied),
            None => match self.db.video(&video_id).await? {
                None => Err(VideoError::NotFound),
                Some(row) => Err(VideoError::IllegalTransition { from: row.status, transition }),
            },
        }
    }

    /// Tell watchers of a change [`Lifecycle::apply_locked`] wrote, once it is committed.
    pub fn announce(&self, event: Option<EventRow>) {
        if let Some(event) = event {
            self.events.fan_out(event);
        }
    }

    /// Apply `transition` to the video and announce it, or refuse it (`IllegalTransition`
    /// when the video is in a state the transition may not start from).
    pub async fn apply(&self, video_id: &str, transition: Transition) -> VideoResult<VideoRow> {
        let guard = ChangeGuard { from: transition.allowed_from(), transcript_from: transition.transcript_from() };
        let announced = transition.is_announced();
        let applied = self
            .db
            .change_video(video_id, guard, &transition.change(), |row| {
                // The video as anyone allowed to watch it sees it: no manager-only fields.
                announced
                    .then(|| EventHub::event(&row.id, EventKind::VideoUpdated, &VideoView::for_watchers(row)))
                    .transpose()
            })
            .await?;
        match applied {
            Some((row, event)) => {
                if let Some(event) = event {
                    self.events.fan_out(event);
                }
                Ok(row)
            }
            None => match self.db.video(video_id).await? {
                None => Err(VideoError::NotFound),
                Some(row) => Err(VideoError::IllegalTransition { from: row.status, transition }),
            },
        }
    }
}

/// The first line of `reason`, at most `MAX_FAIL_REASON_CHARS` characters: a stray
/// multi-line chain or backtrace never reaches the owner whole.
fn short_reason(reason: &str) -> String {
    let line = reason.lines().next().unwrap_or_default().trim();
    match line.char_indices().nth(MAX_FAIL_REASON_CHARS) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None => line.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finish_upload() -> Transition {
        Transition::FinishUpload { original_key: "k".into(), size: 1, content_type: "video/webm".into() }
    }

    /// Every state a transition is tried from, and where it lands (`None`: refused).
    fn assert_rule(transition: Transition, expected: &[(VideoStatus, Option<VideoStatus>)]) {
        assert_eq!(expected.len(), VideoStatus::ALL.len(), "the rule covers every state");
        for (from, to) in expected {
            assert_eq!(transition.target(*from), *to, "{} from {}", transition.name(), from.as_str());
        }
    }

    #[test]
    fn an_upload_starts_only_on_a_video_waiting_for_one() {
        assert_rule(
            Transition::StartUpload,
            &[
                (WaitingUpload, Some(Uploading)),
                (Uploading, None),
                (Uploaded, None),
                (Processing, None),
                (Ready, None),
                (Failed, None),
            ],
        );
    }

    #[test]
    fn an_abandoned_upload_gives_the_video_back_only_while_uploading() {
        assert_rule(
            Transition::AbandonUpload,
            &[
                (WaitingUpload, None),
                (Uploading, Some(WaitingUpload)),
                (Uploaded, None),
                (Processing, None),
                (Ready, None),
                (Failed, None),
            ],
        );
    }

    #[test]
    fn an_upload_finishes_only_while_uploading() {
        assert_rule(
            finish_upload(),
            &[
                (WaitingUpload, None),
                (Uploading, Some(Uploaded)),
                (Uploaded, None),
                (Processing, None),
                (Ready, None),
                (Failed, None),
            ],
        );
    }

    #[test]
    fn processing_starts_on_an_uploaded_video_and_restarts_after_a_crash() {
        assert_rule(
            Transition::StartProcessing { transcript: TranscriptStatus::Processing },
            &[
                (WaitingUpload, None),
                (Uploading, None),
                (Uploaded, Some(Processing)),
                (Processing, Some(Processing)),
                (Ready, None),
                (Failed, None),
            ],
        );
    }

    #[test]
    fn a_seekable_copy_is_stored_only_during_processing() {
        assert_rule(
            Transition::StoreSeekableCopy { duration_ms: 1 },
            &[
                (WaitingUpload, None),
                (Uploading, None),
                (Uploaded, None),
                (Processing, Some(Processing)),
                (Ready, None),
                (Failed, None),
            ],
        );
    }

    #[test]
    fn media_finishes_only_during_processing() {
        assert_rule(
            Transition::FinishMedia { duration_ms: 1 },
            &[
                (WaitingUpload, None),
                (Uploading, None),
                (Uploaded, None),
                (Processing, Some(Ready)),
                (Ready, None),
                (Failed, None),
            ],
        );
    }

    #[test]
    fn a_ready_or_failed_video_cannot_fail_and_one_never_uploaded_cannot_either() {
        assert_rule(
            Transition::Fail { reason: "bad media".into() },
            &[
                (WaitingUpload, None),
                (Uploading, Some(Failed)),
                (Uploaded, Some(Failed)),
                (Processing, Some(Failed)),
                (Ready, None),
                (Failed, None),
            ],
        );
    }

    #[test]
    fn a_transcript_finishes_only_on_a_ready_video_whose_transcript_is_running() {
        let transition = Transition::FinishTranscript { succeeded: true, language: Some("es".into()) };
        assert_rule(
            transition.clone(),
            &[
                (WaitingUpload, None),
                (Uploading, None),
                (Uploaded, None),
                (Processing, None),
                (Ready, Some(Ready)),
                (Failed, None),
            ],
        );
        assert_eq!(transition.transcript_from(), Some(&[TranscriptStatus::Processing][..]));
        assert_eq!(transition.change().transcript_status, Some(TranscriptStatus::Ready));
        assert_eq!(transition.change().language, Some(Some("es".into())));
        let failed = Transition::FinishTranscript { succeeded: false, language: None };
        assert_eq!(failed.change().transcript_status, Some(TranscriptStatus::Failed));
        assert_eq!(failed.change().language, None, "a failed attempt keeps the language known before");
    }

    #[test]
    fn a_transcript_restarts_and_a_translation_lands_only_on_a_ready_video() {
        let ready_only: Vec<_> = VideoStatus::ALL.into_iter().map(|s| (s, (s == Ready).then_some(Ready))).collect();
        assert_rule(Transition::RestartTranscript, &ready_only);
        assert_rule(Transition::FinishTranslation { succeeded: true }, &ready_only);
        assert_eq!(Transition::RestartTranscript.change().transcript_status, Some(TranscriptStatus::Processing));
        assert!(!Transition::RestartTranscript.transcript_from().unwrap().contains(&TranscriptStatus::Disabled));
        assert_eq!(
            Transition::FinishTranslation { succeeded: true }.transcript_from(),
            Some(&[TranscriptStatus::Ready][..])
        );
    }

    #[test]
    fn a_language_choice_applies_in_any_state_and_hides_a_translation_turned_off() {
        let every_state: Vec<_> = VideoStatus::ALL.into_iter().map(|s| (s, Some(s))).collect();
        let on = Transition::ChooseLanguage { setting: Some("de".into()), translate: true };
        assert_rule(on.clone(), &every_state);
        assert_eq!(on.change().language_request, Some((Some("de".into()), true)));
        assert_eq!(on.change().translation_ready, None);
        let off = Transition::ChooseLanguage { setting: None, translate: false };
        assert_eq!(off.change().translation_ready, Some(false));
    }

    #[test]
    fn details_change_in_any_state_and_leave_it_alone() {
        let transition = Transition::EditDetails { title: "t".into(), visibility: Visibility::Public };
        let every_state: Vec<_> = VideoStatus::ALL.into_iter().map(|s| (s, Some(s))).collect();
        assert_rule(transition.clone(), &every_state);
        assert_eq!(transition.change().status, None);
    }

    #[test]
    fn watchers_hear_of_every_change_but_an_upload_coming_and_going() {
        assert!(!Transition::StartUpload.is_announced());
        assert!(!Transition::AbandonUpload.is_announced());
        assert!(finish_upload().is_announced());
        assert!(Transition::FinishMedia { duration_ms: 1 }.is_announced());
        assert!(Transition::EditDetails { title: "t".into(), visibility: Visibility::Private }.is_announced());
    }

    #[test]
    fn failing_records_the_reason_and_fails_an_unfinished_transcript() {
        let change = Transition::Fail { reason: "bad media".into() }.change();
        assert_eq!(change.status, Some(Failed));
        assert_eq!(change.error, Some(Some("bad media".into())));
        assert!(change.fail_unfinished_transcript);
        let restart = Transition::StartProcessing { transcript: TranscriptStatus::Disabled }.change();
        assert_eq!(restart.error, Some(None), "a restart clears the old failure");
        assert_eq!(restart.transcript_status, Some(TranscriptStatus::Disabled));
    }

    #[test]
    fn a_failure_reason_is_one_short_line() {
        let chain = "gave up\n\nCaused by:\n    0: reading /var/lib/briefly/work/x/original";
        assert_eq!(Transition::Fail { reason: chain.into() }.change().error, Some(Some("gave up".into())));
        let long = "é".repeat(MAX_FAIL_REASON_CHARS + 50);
        let kept = Transition::Fail { reason: long }.change().error.unwrap().unwrap();
        assert_eq!(kept.chars().count(), MAX_FAIL_REASON_CHARS + 1, "cut, with an ellipsis");
    }
}
