// The watch page: player + timeline + reactions, transcript beside it, comments below,
// owner controls and the editor; all kept current by the live event stream. A new
// transcript (another language) replaces the shown one and its captions when it is done.
// A new edited version does not: the page keeps showing the version it plays (`shown`)
// and offers to switch, mapping the viewer's place onto the new timeline.
import { h, replace, copyText } from '../lib/dom.js';
import { get, requireLogin } from '../lib/api.js';
import { parseStartTime } from '../lib/time.js';
import { Player } from '../watch/player.js';
import { Timeline } from '../watch/timeline.js';
import { TranscriptPanel } from '../watch/transcript.js';
import { CommentsPanel } from '../watch/comments.js';
import { ReactionBar } from '../watch/reactions.js';
import { loadStoryboard } from '../watch/storyboard.js';
import { subscribe, pollStatus } from '../watch/live.js';
import { ownerPanel } from '../watch/owner.js';
import { LanguageSettings } from '../watch/language.js';
import { memberNames } from '../watch/transcript-edit.js';
import { trackViews } from '../watch/views.js';
import { Editor } from '../watch/editor.js';
import { NewVersionNotice, versionOf, sameVersion } from '../watch/new-version.js';
import { freshUrl } from '../lib/fresh-url.js';
import { mapPosition } from '../watch/edit-timeline.js';

const fetchVideo = (id) => get(`/api/videos/${encodeURIComponent(id)}`);
const TRANSCRIBING = ['pending', 'processing'];
const settled = (v) => (v.status === 'ready' && !TRANSCRIBING.includes(v.transcript_status)) || v.status === 'failed';

function processingNote(video) {
  if (video.status === 'failed') return `Processing failed${video.error ? `: ${video.error}` : ''}. The original recording still plays.`;
  if (video.status === 'waiting_upload' || video.status === 'uploading') return 'Waiting for the recording to finish uploading…';
  if (video.status !== 'ready') return 'Processing: you are watching the original recording; the optimised version and transcript are on their way.';
  if (TRANSCRIBING.includes(video.transcript_status)) return 'Transcribing…';
  return '';
}

export async function render(root, { user, embed }) {
  const id = decodeURIComponent(location.pathname.split('/')[2] || '');
  const params = new URLSearchParams(location.search);
  let video;
  try {
    video = await fetchVideo(id);
  } catch (err) {
    if (err.status === 404 && !user) return requireLogin();
    replace(root, h('div', { class: 'card narrow' }, h('h1', {}, 'Video not found'), h('p', {}, 'It may have been deleted, or you may not have access.')));
    return;
  }

  // Live events carry the video as watchers see it (no can_manage): decide once.
  const canManage = Boolean(video.can_manage) && !embed;
  const player = new Player({ startMs: parseStartTime(params.get('t')), autoplay: params.get('autoplay') === '1' });
  const timeline = new Timeline(player);
  const names = canManage ? memberNames(video.workspace_id, user) : Promise.resolve(new Map());
  let nameMap = new Map();
  const transcript = new TranscriptPanel(player, canManage
    ? { videoId: id, nameOf: (userId) => nameMap.get(userId) || null, oncorrected: () => player.reloadCaptions() }
    : null);
  const comments = new CommentsPanel({ videoId: id, player, user, onchange: (all) => timeline.setComments(all) });
  const reactions = new ReactionBar({ videoId: id, player, timeline, user });
  const title = h('h1', { id: 'video-title' }, video.title);
  const note = h('p', { class: 'notice', role: 'status', id: 'processing-note' });
  const shareInput = h('input', { type: 'text', readonly: true, id: 'watch-share-link', value: new URL(video.share_path, location.origin).href, 'aria-label': 'Share link' });
  const ownerSlot = h('div');
  let transcriptShown = false;
  let transcriptLanguage = null; // of the transcript shown
  let transcriptStale = false; // a new one is being made or is ready
  let storyboardShown = false;
  let polling = false;
  let languageSettings = null;
  let shown = null; // the version shown (versionOf): its media, transcript and timeline
  let editor = null;
  const playing = () => ({ ...video, ...shown });

  // Poll while processing, as well as the event stream, so the page catches up without it.
  const follow = () => {
    if (polling || settled(video)) return;
    polling = true;
    pollStatus(id, fetchVideo, apply, (v) => {
      polling = !settled(v);
      return !polling;
    });
  };

  const apply = async (next) => {
    // Answers and events can cross: a PATCH's answer (or a poll) may arrive after the live
    // event of a later change, e.g. an English "translation" made within milliseconds.
    // An older state never replaces a newer one.
    if (next.updated_at && video.updated_at && next.updated_at < video.updated_at) return;
    video = { ...video, ...next };
    follow();
    const latest = versionOf(video);
    if (!shown) shown = latest;
    else if (latest.edit_version === shown.edit_version) shown = sameVersion(shown, latest);
    else notice.offer();
    const v = playing();
    languageSettings?.update(video);
    editor?.videoChanged(video);
    title.textContent = video.title;
    document.title = `${video.title} · Briefly`;
    note.textContent = processingNote(video);
    note.hidden = !note.textContent;
    player.update(v);
    timeline.setDuration(player.durationMs(v));
    if (video.transcript_status === 'disabled') transcript.setStatus('Transcription is not enabled on this server.');
    if (video.transcript_status === 'failed') transcript.setStatus('The transcript could not be made.');
    if (transcriptShown && !transcriptStale && (TRANSCRIBING.includes(video.transcript_status) || (video.language && video.language !== transcriptLanguage))) {
      transcriptStale = true;
      transcript.setStatus('Transcribing again… the lines below are from the earlier transcript.');
    }
    if (v.transcript_url && (!transcriptShown || transcriptStale)) {
      const again = transcriptShown;
      transcriptShown = true;
      transcriptStale = false;
      // Same URL as before: a new query so the browser does not reuse the earlier one.
      await showTranscript(v, again);
      if (again) player.reloadCaptions();
    }
    transcript.setLanguage(transcriptShown ? transcriptLanguage : null);
    if (v.storyboard_url && !storyboardShown) {
      storyboardShown = true;
      timeline.storyboard = await loadStoryboard(v.storyboard_url).catch(() => []);
    }
  };

  const showTranscript = async (v, refetch) => {
    const data = await get(refetch ? freshUrl(v.transcript_url) : v.transcript_url);
    nameMap = await names;
    transcriptLanguage = v.language ?? data.language ?? null;
    transcript.show(data);
    editor?.setTranscript(data);
  };

  // To the latest version: the same moment of the recording (a moment that was cut goes to
  // the cut point), with its transcript, captions, storyboard, comments and reactions.
  const switchVersion = async () => {
    const oldKept = shown.kept_ranges;
    const atMs = mapPosition(player.currentMs, oldKept, video.kept_ranges ?? null);
    shown = versionOf(video);
    notice.clear();
    const v = playing();
    player.update(v, { atMs });
    timeline.setDuration(player.durationMs(v));
    editor?.versionSwitched(oldKept, shown.kept_ranges);
    storyboardShown = Boolean(v.storyboard_url);
    const loads = [
      comments.load().catch(() => {}),
      reactions.load().catch(() => {}),
      v.storyboard_url ? loadStoryboard(v.storyboard_url).then((cues) => (timeline.storyboard = cues), () => {}) : null,
    ];
    if (v.transcript_url) {
      transcriptShown = true;
      transcriptStale = false;
      loads.push(showTranscript(v, false).catch(() => transcript.setStatus('The transcript could not be loaded.')));
    }
    await Promise.all(loads);
  };
  const notice = new NewVersionNotice(() => switchVersion());
  // A version's files are replaced on the server: if the old one stops loading, switch.
  player.video.addEventListener('error', () => {
    if (notice.pending) switchVersion();
  });

  if (canManage) {
    editor = new Editor({
      videoId: id,
      player,
      shown: () => shown,
      onupdate: (updated) => apply(updated),
      refresh: () => fetchVideo(id).then(apply, () => {}),
    });
  }
  const stage = h('div', { class: 'watch-main' },
    notice.el,
    h('div', { class: 'player' }, player.video),
    timeline.el,
    h('div', { class: 'player-bar' }, reactions.el, h('div', { class: 'player-choices' }, player.captions.el, h('label', { class: 'speed' }, 'Speed ', player.speed))),
    editor ? h('div', { class: 'edit-slot' }, editor.button) : null,
    editor?.el,
    note,
    title,
    embed ? null : h('div', { class: 'input-with-button share' }, shareInput, h('button', { type: 'button', class: 'button', onclick: () => copyText(shareInput.value, shareInput) }, 'Copy link')),
    h('p', { class: 'muted shortcuts' }, 'Keys: space or k play/pause · j/l back/forward 10 s · ←/→ 5 s · c captions · f full screen'));
  replace(root, h('div', { class: embed ? 'watch embed' : 'watch' }, stage, h('aside', { class: 'watch-side' }, transcript.el), embed ? null : h('div', { class: 'watch-below' }, comments.el, ownerSlot)));

  if (canManage) {
    const onupdate = (updated) => {
      apply(updated);
      drawOwner();
    };
    const workspaceDefault = user?.workspaces?.find((w) => w.id === video.workspace_id)?.default_language;
    languageSettings = new LanguageSettings(video, { workspaceDefault, onupdate });
    const drawOwner = () => replace(ownerSlot, ownerPanel(video, onupdate, languageSettings.el));
    drawOwner();
  }
  player.bindShortcuts();
  await apply(video);
  trackViews(id, player, Boolean(user));

  subscribe(id, {
    commentCreated: (c) => comments.upsert(c),
    commentUpdated: (c) => comments.upsert(c),
    commentDeleted: (cid) => comments.remove(cid),
    reactionCreated: (r) => reactions.added(r),
    reactionDeleted: (rid) => reactions.removed(rid),
    videoUpdated: apply,
  });
  await Promise.all([comments.load().catch(() => comments.render()), reactions.load().catch(() => {})]);
}
