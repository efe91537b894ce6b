// Caption tracks of a video: the transcript in the language it was spoken in, and the
// English translation when one was made; plus the picker that chooses which one shows.
import { h, replace } from '../lib/dom.js';
import { languageName } from '../lib/languages.js';

/** `[{key, src, label, srclang?}]` for `video`, the transcript's track first. */
export function captionTracks(video) {
  const tracks = [];
  if (video.captions_url) {
    const name = languageName(video.language);
    // "und" (nothing heard) or an unknown language: a plain label and no srclang, which
    // would otherwise claim a language the captions are not in.
    tracks.push({ key: 'transcript', src: video.captions_url, label: name || 'Captions', srclang: name ? video.language : null });
  }
  if (video.translation_url) {
    tracks.push({ key: 'translation', src: video.translation_url, label: 'English (translation)', srclang: 'en' });
  }
  return tracks;
}

/** A labelled <select> of "Off" and each track; shown only when there is a choice to make. */
export class CaptionsPicker {
  constructor(onpick) {
    this.select = h('select', { id: 'captions-choice' });
    this.select.addEventListener('change', () => onpick(this.select.value === 'off' ? null : Number(this.select.value)));
    this.el = h('span', { class: 'captions-choice', hidden: true }, h('label', { for: 'captions-choice' }, 'Captions'), ' ', this.select);
  }

  /** `labels` of the tracks in order; `showing` the index of the one shown, or null. */
  set(labels, showing) {
    replace(this.select,
      h('option', { value: 'off' }, 'Off'),
      labels.map((label, i) => h('option', { value: String(i) }, label)));
    this.show(showing);
    this.el.hidden = labels.length < 2;
  }

  show(index) {
    this.select.value = index === null ? 'off' : String(index);
  }
}
