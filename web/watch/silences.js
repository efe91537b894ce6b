// "Find silences": the server's proposed cuts (long pauses from the audio, and the filler
// words the transcript has), each with a checkbox, and "Apply" to add the ticked ones to
// the draft. Proposals come in the timeline that plays now, like the draft's cuts.
import { h, replace } from '../lib/dom.js';
import { get } from '../lib/api.js';
import { formatPrecise } from '../lib/time.js';

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

export class SilenceReview {
  /** `onapply(cuts)` gets `[{start_ms, end_ms, kind, label}]`. */
  constructor({ videoId, onapply }) {
    this.videoId = videoId;
    this.onapply = onapply;
    this.find = h('button', { type: 'button', class: 'button', id: 'find-silences', onclick: () => this.load() }, 'Find silences');
    this.status = h('p', { class: 'muted', role: 'status', id: 'silences-status' });
    this.list = h('ul', { class: 'plain-list proposals', id: 'proposals' });
    this.apply = h('button', { type: 'button', class: 'button', hidden: true, onclick: () => this.applyChecked() }, 'Apply');
    this.items = [];
    this.el = h('fieldset', { class: 'edit-group' },
      h('legend', {}, 'Silences and filler words'),
      h('p', { class: 'muted' }, 'Pauses quieter than −35 dB for a second or more (keeping 0.3 s of each), and “um”s and “uh”s the transcript has.'),
      this.find, this.status, this.list, this.apply);
  }

  /** Proposals of another version mean nothing in this one: clear them. */
  reset() {
    this.show([]);
    this.status.textContent = '';
  }

  /** Whether there is something to find in (a processed video that plays its latest version). */
  setEnabled(enabled) {
    this.find.disabled = !enabled;
  }

  async load() {
    this.find.disabled = true;
    this.status.textContent = 'Looking for silences…';
    this.show([]);
    try {
      const found = await get(`/api/videos/${encodeURIComponent(this.videoId)}/edit/proposals`, { timeoutMs: 120000 });
      const items = [
        ...found.silences.map((r) => ({ ...r, kind: 'silence', label: `Silence ${formatPrecise(r.start_ms)}–${formatPrecise(r.end_ms)} (${seconds(r.end_ms - r.start_ms)})` })),
        ...found.fillers.map((f) => ({ start_ms: f.start_ms, end_ms: f.end_ms, kind: 'filler', label: `Filler “${f.text}” at ${formatPrecise(f.start_ms)}` })),
      ].sort((a, b) => a.start_ms - b.start_ms);
      this.show(items);
      this.status.textContent = items.length
        ? `${items.length} proposed cut${items.length === 1 ? '' : 's'}: untick any to keep, then Apply.`
        : 'No long silences or filler words found.';
    } catch (err) {
      this.status.textContent = `Could not look for silences: ${err.message}`;
    } finally {
      this.find.disabled = false;
    }
  }

  show(items) {
    this.items = items.map((item, i) => ({ item, box: h('input', { type: 'checkbox', id: `proposal-${i}`, checked: true }) }));
    replace(this.list, this.items.map(({ item, box }) => h('li', {}, h('label', { class: 'choice', for: box.id }, box, item.label))));
    this.apply.hidden = this.items.length === 0;
  }

  applyChecked() {
    const chosen = this.items.filter(({ box }) => box.checked).map(({ item }) => item);
    this.onapply(chosen);
    this.show([]);
    this.status.textContent = chosen.length ? `${chosen.length} cut${chosen.length === 1 ? '' : 's'} added to the edit.` : 'Nothing added.';
  }
}
