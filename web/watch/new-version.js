// "A new version is ready": shown when a video's published edit changes under a viewer.
// The page keeps playing what it shows until the viewer presses Switch (a new version
// mid-sentence would be jarring); switching maps their place onto the new version.
import { h } from '../lib/dom.js';

/** The fields that belong to one version of a video: its files and timeline. */
export const VERSION_FIELDS = ['edit_version', 'kept_ranges', 'duration_ms', 'media_url', 'seekable_url', 'storyboard_url', 'captions_url', 'transcript_url', 'translation_url'];
// Files whose URL gains a new `?v=` when only the poster changed: same content, so the
// page keeps the URL it has (a new one would make the player load the video again).
const SAME_CONTENT = ['media_url', 'seekable_url', 'storyboard_url', 'captions_url', 'transcript_url', 'translation_url'];

const path = (url) => (url ? url.split('?')[0] : url);

/** The version-owned fields of `video`. */
export function versionOf(video) {
  return Object.fromEntries(VERSION_FIELDS.map((k) => [k, video[k] ?? (k === 'edit_version' ? 0 : null)]));
}

/** `next` (the same version as `shown`), with the URLs of `shown` where only the revision differs. */
export function sameVersion(shown, next) {
  const merged = { ...next };
  for (const k of SAME_CONTENT) if (shown[k] && next[k] && path(shown[k]) === path(next[k])) merged[k] = shown[k];
  return merged;
}

export class NewVersionNotice {
  constructor(onswitch) {
    this.pending = false;
    this.text = h('span');
    this.button = h('button', { type: 'button', class: 'button small', id: 'switch-version', onclick: () => onswitch() }, 'Switch');
    this.el = h('div', { class: 'notice new-version', id: 'new-version', role: 'status' }, this.text, ' ', this.button);
    this.el.hidden = true;
  }

  offer() {
    if (this.pending) return;
    this.pending = true;
    this.text.textContent = 'A new version of this video is ready.';
    this.el.hidden = false;
  }

  clear() {
    this.pending = false;
    this.text.textContent = '';
    this.el.hidden = true;
  }
}
