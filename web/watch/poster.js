// Choosing the poster: the frame the player shows now (made by a job; the video's
// poster_url changes when it is done), or an uploaded JPEG or PNG of at most 5 MiB
// (checked here first so a wrong file fails at once, and by the server again).
import { h } from '../lib/dom.js';
import { put } from '../lib/api.js';
import { formatTime } from '../lib/time.js';

const MAX_BYTES = 5 * 1024 * 1024;
const TYPES = ['image/jpeg', 'image/png'];

export class PosterControls {
  /** `onupdate(video)` with the server's video after an upload. */
  constructor({ videoId, player, onupdate }) {
    this.path = `/api/videos/${encodeURIComponent(videoId)}/poster`;
    this.player = player;
    this.onupdate = onupdate;
    this.frame = h('button', { type: 'button', class: 'button', id: 'poster-frame', onclick: () => this.useFrame() }, 'Use current frame as poster');
    this.file = h('input', { type: 'file', id: 'poster-file', accept: TYPES.join(',') });
    this.status = h('p', { class: 'muted', role: 'status', id: 'poster-status' });
    this.file.addEventListener('change', () => this.upload());
    this.el = h('fieldset', { class: 'edit-group' },
      h('legend', {}, 'Poster'),
      h('div', { class: 'button-row' }, this.frame),
      h('div', { class: 'field' }, h('label', { for: 'poster-file' }, 'Upload a poster image (JPEG or PNG, at most 5 MB)'), this.file),
      this.status);
  }

  async useFrame() {
    const at = this.player.currentMs;
    this.frame.disabled = true;
    try {
      await put(this.path, { timestamp_ms: at });
      this.status.textContent = `The poster from ${formatTime(at)} is being made.`;
    } catch (err) {
      this.status.textContent = `Poster not changed: ${err.message}`;
    } finally {
      this.frame.disabled = false;
    }
  }

  async upload() {
    const file = this.file.files?.[0];
    if (!file) return;
    if (!TYPES.includes(file.type)) {
      this.status.textContent = 'Poster not changed: choose a JPEG or PNG image.';
      return;
    }
    if (file.size > MAX_BYTES) {
      this.status.textContent = 'Poster not changed: the image is larger than 5 MB.';
      return;
    }
    this.status.textContent = 'Uploading the poster…';
    try {
      this.onupdate(await put(this.path, file, { timeoutMs: 60000 }));
      this.status.textContent = 'The uploaded image is the poster now.';
    } catch (err) {
      this.status.textContent = `Poster not changed: ${err.message}`;
    } finally {
      this.file.value = '';
    }
  }
}
