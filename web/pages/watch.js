// The watch page: player + timeline + reactions, transcript beside it, comments below,
// owner controls; all kept current by the live event stream. A new transcript (another
// language) replaces the shown one and its captions when it is done.
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
    languageSettings?.update(video);
    title.textContent = video.title;
    document.title = `${video.title} · Briefly`;
    note.textContent = processingNote(video);
    note.hidden = !note.textContent;
    player.update(video);
    timeline.setDuration(player.durationMs(video));
    if (video.transcript_status === 'disabled') transcript.setStatus('Transcription is not enabled on this server.');
    if (video.transcript_status === 'failed') transcript.setStatus('The transcript could not be made.');
    if (transcriptShown && !transcriptStale && (TRANSCRIBING.includes(video.transcript_status) || (video.language && video.language !== transcriptLanguage))) {
      transcriptStale = true;
      transcript.setStatus('Transcribing again… the lines below are from the earlier transcript.');
    }
    if (video.transcript_url && (!transcriptShown || transcriptStale)) {
      const again = transcriptShown;
      transcriptShown = true;
      transcriptStale = false;
      // Same URL as before: a new query so the browser does not reuse the earlier one.
      const data = await get(again ? `${video.transcript_url}?v=${Date.now()}` : video.transcript_url);
      nameMap = await names;
      transcriptLanguage = video.language ?? data.language ?? null;
      transcript.show(data);
      if (again) player.reloadCaptions();
    }
    transcript.setLanguage(transcriptShown ? transcriptLanguage : null);
    if (video.storyboard_url && !storyboardShown) {
      storyboardShown = true;
      timeline.storyboard = await loadStoryboard(video.storyboard_url).catch(() => []);
    }
  };

  const stage = h('div', { class: 'watch-main' },
    h('div', { class: 'player' }, player.video),
    timeline.el,
    h('div', { class: 'player-bar' }, reactions.el, h('div', { class: 'player-choices' }, player.captions.el, h('label', { class: 'speed' }, 'Speed ', player.speed))),
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
