// The recorder: pick a mode and microphone, watch the level meter, count down, record
// while uploading every chunk as it is produced, and land on the share page at stop.
import { h, replace, toast, copyText } from '../lib/dom.js';
import { post, del, requireLogin } from '../lib/api.js';
import { createUpload } from '../lib/tus.js';
import { formatTime } from '../lib/time.js';
import { currentWorkspace } from '../lib/workspace.js';
import { BubbleCompositor, camera, microphone, microphones, recordingMimeType, screen } from '../record/capture.js';
import { MicMeter } from '../record/mic-meter.js';
import { UploadSession } from '../record/upload-session.js';
import { fileUploadPanel } from '../record/file-upload.js';
import { leftoverPanel } from '../record/leftovers.js';
import { openInPlace } from '../lib/open-page.js';

const CHUNK_MS = 1000;
const MODES = [
  ['screen-camera', 'Screen + camera bubble'],
  ['screen', 'Screen only'],
  ['camera', 'Camera only'],
];
const MAX_MINUTES = [1, 5, 15, 30, 60];

function defaultTitle() {
  const when = new Date().toLocaleString('en', { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
  return `Update · ${when}`;
}

export async function render(root, { user }) {
  if (!user) return requireLogin();
  const ui = buildUi(user);
  replace(root, ui.page);
  const recorder = new RecorderController(ui, user);
  await recorder.setupMicrophone();
  leftoverPanel(ui.leftovers, user.id);
}

function buildUi(user) {
  const ui = {};
  ui.modeInputs = MODES.map(([value, label], i) =>
    h('label', { class: 'choice' }, h('input', { type: 'radio', name: 'mode', value, checked: i === 0 }), label),
  );
  ui.mic = h('select', { id: 'mic-select' }, h('option', { value: '' }, 'Default microphone'));
  ui.meter = h('meter', { id: 'mic-level', min: 0, max: 1, low: 0.05, value: 0, 'aria-label': 'Microphone level' });
  ui.silent = h('p', { class: 'notice warning', role: 'alert', hidden: true, id: 'mic-silent' },
    'Your microphone seems silent. Check it is not muted, or choose another one.');
  ui.title = h('input', { id: 'rec-title', type: 'text', value: defaultTitle(), maxlength: 200 });
  ui.visibility = h(
    'select',
    { id: 'rec-visibility' },
    h('option', { value: 'unlisted', selected: true }, 'Anyone with the link'),
    h('option', { value: 'private' }, 'Workspace members only'),
    h('option', { value: 'public' }, 'Public (listed and searchable)'),
  );
  ui.maxMinutes = h('select', { id: 'rec-max' }, MAX_MINUTES.map((m) => h('option', { value: m, selected: m === 15 }, `${m} min`)));
  ui.countdownToggle = h('input', { id: 'rec-countdown', type: 'checkbox', checked: true });
  ui.start = h('button', { class: 'button primary big', type: 'button', id: 'start-recording' }, 'Start recording');
  ui.setupError = h('p', { class: 'form-error', role: 'alert' });
  ui.setup = h(
    'section',
    { class: 'card', 'aria-labelledby': 'setup-heading' },
    h('h2', { id: 'setup-heading' }, 'Set up'),
    h('fieldset', { class: 'choices' }, h('legend', {}, 'What to record'), ui.modeInputs),
    h('div', { class: 'field' }, h('label', { for: 'mic-select' }, 'Microphone'), ui.mic),
    h('div', { class: 'field' }, h('label', { for: 'rec-title' }, 'Title'), ui.title),
    h('div', { class: 'field-row' },
      h('div', { class: 'field' }, h('label', { for: 'rec-visibility' }, 'Who can watch'), ui.visibility),
      h('div', { class: 'field' }, h('label', { for: 'rec-max' }, 'Maximum length'), ui.maxMinutes)),
    h('label', { class: 'choice' }, ui.countdownToggle, '3-2-1 countdown'),
    ui.setupError,
    ui.start,
  );

  ui.preview = h('div', { class: 'preview', 'aria-label': 'Recording preview' },
    h('p', { class: 'preview-hint' }, 'Your preview appears here when you start. For the screen, the browser asks which screen, window or tab to share.'));
  ui.countdown = h('div', { class: 'countdown', 'aria-live': 'assertive', hidden: true });
  ui.clock = h('span', { class: 'rec-clock', role: 'timer', 'aria-label': 'Recording time' }, '0:00');
  ui.recDot = h('span', { class: 'rec-dot', 'aria-hidden': 'true' });
  ui.shareLink = h('input', { id: 'share-link', type: 'text', readonly: true, value: '' });
  ui.copy = h('button', { class: 'button', type: 'button' }, 'Copy link');
  ui.pause = h('button', { class: 'button', type: 'button', id: 'pause-recording' }, 'Pause');
  ui.stop = h('button', { class: 'button primary', type: 'button', id: 'stop-recording' }, 'Stop and share');
  ui.cancel = h('button', { class: 'button danger', type: 'button', id: 'cancel-recording' }, 'Cancel');
  ui.uploadState = h('p', { class: 'muted', role: 'status', id: 'upload-state' });
  ui.controls = h(
    'section',
    { class: 'card recording-controls', hidden: true, 'aria-label': 'Recording' },
    h('div', { class: 'rec-status' }, ui.recDot, ui.clock),
    h('div', { class: 'field' }, h('label', { for: 'share-link' }, 'Share link (works the moment you stop)'),
      h('div', { class: 'input-with-button' }, ui.shareLink, ui.copy)),
    h('div', { class: 'button-row' }, ui.pause, ui.stop, ui.cancel),
    ui.uploadState,
  );
  ui.leftovers = h('div');
  ui.page = h(
    'div',
    { class: 'recorder' },
    h('h1', {}, 'Record a video'),
    ui.leftovers,
    h('div', { class: 'recorder-layout' },
      h('div', { class: 'stage' }, ui.preview, ui.countdown),
      // The level meter stays visible while recording: a mic can go quiet mid-way.
      h('div', {}, h('div', { class: 'field mic-level' }, h('label', { for: 'mic-level' }, 'Microphone level'), ui.meter), ui.silent, ui.setup, ui.controls)),
    fileUploadPanel(currentWorkspace(user)),
  );
  return ui;
}

class RecorderController {
  constructor(ui, user) {
    this.ui = ui;
    this.user = user;
    this.micStream = null;
    this.meter = null;
    this.ui.mic.addEventListener('change', () => this.setupMicrophone(this.ui.mic.value));
    this.ui.start.addEventListener('click', () => this.start());
    this.ui.pause.addEventListener('click', () => this.togglePause());
    this.ui.stop.addEventListener('click', () => this.stop());
    this.ui.cancel.addEventListener('click', () => this.cancel());
    this.ui.copy.addEventListener('click', () => copyText(this.ui.shareLink.value, this.ui.shareLink));
  }

  async setupMicrophone(deviceId = '') {
    this.meter?.stop();
    this.micStream?.getTracks().forEach((t) => t.stop());
    try {
      this.micStream = await microphone(deviceId);
    } catch (err) {
      this.micStream = null;
      this.ui.setupError.textContent = `No microphone: ${err.message}. You can still record without sound.`;
      return;
    }
    const list = await microphones();
    const chosen = this.micStream.getAudioTracks()[0]?.getSettings().deviceId;
    replace(this.ui.mic, list.map((d, i) => h('option', { value: d.deviceId, selected: d.deviceId === chosen }, d.label || `Microphone ${i + 1}`)));
    this.meter = new MicMeter(this.micStream, (level, silentMs) => {
      this.ui.meter.value = level;
      this.ui.silent.hidden = silentMs < MicMeter.warnAfterMs;
    });
  }

  mode() {
    return this.ui.modeInputs.map((l) => l.querySelector('input')).find((i) => i.checked).value;
  }

  /** The stream to record for the chosen mode, plus a preview element. */
  async captureStreams() {
    const mode = this.mode();
    this.sources = [];
    let video;
    if (mode === 'camera') {
      const cam = await camera();
      this.sources.push(cam);
      video = cam.getVideoTracks()[0];
      this.showPreview(cam);
    } else {
      const display = await screen();
      this.sources.push(display);
      display.getVideoTracks()[0].addEventListener('ended', () => this.stop());
      if (mode === 'screen') {
        video = display.getVideoTracks()[0];
        this.showPreview(display);
      } else {
        const cam = await camera();
        this.sources.push(cam);
        this.compositor = new BubbleCompositor(display, cam);
        video = this.compositor.stream().getVideoTracks()[0];
        this.showCompositePreview();
      }
    }
    const tracks = [video];
    if (this.micStream) tracks.push(...this.micStream.getAudioTracks());
    return new MediaStream(tracks);
  }

  showPreview(stream) {
    const video = h('video', { muted: true, playsinline: true, autoplay: true, 'aria-label': 'Live preview' });
    video.muted = true;
    video.srcObject = stream;
    replace(this.ui.preview, video);
  }

  /** The composite canvas is the preview; drag the bubble (or use arrow keys) to move it. */
  showCompositePreview() {
    const canvas = this.compositor.canvas;
    canvas.tabIndex = 0;
    canvas.setAttribute('role', 'application');
    canvas.setAttribute('aria-label', 'Preview. Drag the camera bubble, or use the arrow keys to move it.');
    let dragging = false;
    const moveTo = (event) => {
      const rect = canvas.getBoundingClientRect();
      this.compositor.moveBubble((event.clientX - rect.left) / rect.width, (event.clientY - rect.top) / rect.height);
    };
    canvas.addEventListener('pointerdown', (event) => {
      dragging = true;
      canvas.setPointerCapture(event.pointerId);
      moveTo(event);
    });
    canvas.addEventListener('pointermove', (event) => dragging && moveTo(event));
    canvas.addEventListener('pointerup', () => (dragging = false));
    canvas.addEventListener('keydown', (event) => {
      const step = 0.03;
      const moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
      const move = moves[event.key];
      if (!move) return;
      event.preventDefault();
      const b = this.compositor.bubble;
      this.compositor.moveBubble(b.x + move[0], b.y + move[1]);
    });
    replace(this.ui.preview, canvas);
  }

  async start() {
    const { ui } = this;
    ui.setupError.textContent = '';
    ui.start.disabled = true;
    try {
      const stream = await this.captureStreams();
      const workspace = currentWorkspace(this.user);
      const video = await post('/api/videos', {
        title: ui.title.value.trim() || defaultTitle(),
        visibility: ui.visibility.value,
        workspace_id: workspace?.id,
      });
      this.video = video;
      const mimeType = recordingMimeType();
      const upload = await createUpload({
        metadata: { video_id: video.id, filename: `${video.title}.webm`, filetype: mimeType.split(';')[0] || 'video/webm' },
      });
      this.upload = await UploadSession.start({ videoId: video.id, uploadUrl: upload.url, userId: this.user.id }, (state) => this.showUploadState(state));
      ui.setup.hidden = true;
      ui.controls.hidden = false;
      if (ui.countdownToggle.checked) await this.countdown();
      this.mediaRecorder = new MediaRecorder(stream, mimeType ? { mimeType, videoBitsPerSecond: 2_500_000 } : {});
      // The recorder is already inactive when it hands over its last chunk (stop() changes
      // the state first): that chunk and the end marker are queued together, so the last
      // bytes and the total length can leave in one PATCH.
      this.mediaRecorder.addEventListener('dataavailable', (event) =>
        this.upload.add(event.data, { final: this.mediaRecorder.state === 'inactive' }),
      );
      this.stopped = new Promise((resolve) => this.mediaRecorder.addEventListener('stop', resolve, { once: true }));
      this.mediaRecorder.start(CHUNK_MS);
      // The share page's code, loaded now so that stop can draw it at once.
      this.sharePage = import('./watch.js');
      this.sharePage.catch(() => {});
      // The link is live from this moment: copy it into chat while still talking.
      ui.shareLink.value = new URL(video.share_path, location.origin).href;
      document.body.classList.add('is-recording');
      this.startClock(Number(ui.maxMinutes.value) * 60000);
      ui.stop.focus();
    } catch (err) {
      console.error(err);
      ui.setupError.textContent = `Could not start recording: ${err.message}`;
      ui.start.disabled = false;
      ui.setup.hidden = false;
      ui.controls.hidden = true;
      this.releaseSources();
      if (this.video) await del(`/api/videos/${this.video.id}`).catch(() => {});
    }
  }

  countdown() {
    const box = this.ui.countdown;
    box.hidden = false;
    return new Promise((resolve) => {
      let n = 3;
      const tick = () => {
        if (n === 0) {
          box.hidden = true;
          resolve();
          return;
        }
        box.textContent = String(n--);
        setTimeout(tick, 1000);
      };
      tick();
    });
  }

  startClock(maxMs) {
    this.recordedMs = 0;
    this.segmentStart = performance.now();
    this.clockTimer = setInterval(() => {
      const elapsed = this.elapsedMs();
      this.ui.clock.textContent = formatTime(elapsed);
      if (elapsed >= maxMs) {
        toast('Maximum length reached');
        this.stop();
      }
    }, 250);
  }

  elapsedMs() {
    return this.recordedMs + (this.segmentStart === null ? 0 : performance.now() - this.segmentStart);
  }

  togglePause() {
    const rec = this.mediaRecorder;
    if (!rec) return;
    if (rec.state === 'recording') {
      rec.pause();
      this.recordedMs = this.elapsedMs();
      this.segmentStart = null;
      this.ui.pause.textContent = 'Resume';
      document.body.classList.add('is-paused');
    } else if (rec.state === 'paused') {
      rec.resume();
      this.segmentStart = performance.now();
      this.ui.pause.textContent = 'Pause';
      document.body.classList.remove('is-paused');
    }
  }

  async stop() {
    const rec = this.mediaRecorder;
    if (!rec || rec.state === 'inactive' || this.stopping) return;
    this.stopping = true;
    clearInterval(this.clockTimer);
    rec.stop();
    this.ui.pause.disabled = this.ui.stop.disabled = true;
    this.ui.uploadState.textContent = 'Finishing upload…';
    await this.stopped;
    this.releaseSources();
    document.body.classList.remove('is-recording', 'is-paused');
    try {
      await this.upload.finish();
      await this.openSharePage();
    } catch (err) {
      this.ui.uploadState.textContent = `Upload stopped: ${err.message}. Your recording is saved in this browser; reopen this page to retry.`;
    }
  }

  async cancel() {
    if (!confirm('Discard this recording? It will be deleted.')) return;
    this.stopping = true;
    clearInterval(this.clockTimer);
    if (this.mediaRecorder && this.mediaRecorder.state !== 'inactive') this.mediaRecorder.stop();
    this.releaseSources();
    await this.upload?.cancel();
    if (this.video) await del(`/api/videos/${this.video.id}`).catch(() => {});
    toast('Recording discarded');
    location.assign('/record');
  }

  /** The share page in place of the recorder (a full navigation if that fails). */
  async openSharePage() {
    const path = `${this.video.share_path}?autoplay=1`;
    this.meter?.stop();
    this.micStream?.getTracks().forEach((t) => t.stop());
    try {
      const watch = await (this.sharePage ?? import('./watch.js'));
      await openInPlace(path, 'watch', watch, { user: this.user, embed: false });
    } catch (err) {
      console.error(err);
      location.assign(path);
    }
  }

  releaseSources() {
    this.compositor?.stop();
    for (const stream of this.sources || []) stream.getTracks().forEach((t) => t.stop());
  }

  showUploadState({ pendingChunks = 0, offline = false, error = null, complete = false }) {
    const el = this.ui.uploadState;
    if (error) el.textContent = `Upload problem: ${error}`;
    else if (complete) el.textContent = 'Uploaded.';
    else if (offline) el.textContent = `Connection lost: ${pendingChunks} piece${pendingChunks === 1 ? '' : 's'} saved in this browser, retrying…`;
    else el.textContent = pendingChunks > 1 ? `Uploading (${pendingChunks} pieces waiting)…` : 'Uploading as you record.';
  }
}
