// The editor's timeline: a bar that shows what the draft keeps and removes, and the two
// trim handles (range inputs, so arrow keys move them 0.1 s and Page Up/Down 1 s), each
// with a button that sets it to the player's current moment. The inputs count tenths of a
// second: a range input's value snaps to its steps, and the end handle at the last step
// (rounded up) must mean the very end, not up to 99 ms before it.
import { h, replace } from '../lib/dom.js';
import { formatPrecise } from '../lib/time.js';

const STEP_MS = 100;
const toSteps = (ms) => Math.round(ms / STEP_MS);
// The handles stay this far apart: an edit must keep something.
const MIN_KEPT_MS = 500;

export class TrimControls {
  /** `onchange({startMs, endMs})` on every move. */
  constructor({ player, onchange }) {
    this.player = player;
    this.onchange = onchange;
    this.durationMs = 0;
    this.startInput = h('input', { type: 'range', id: 'trim-start', min: 0, max: 0, step: 1, value: 0 });
    this.endInput = h('input', { type: 'range', id: 'trim-end', min: 0, max: 0, step: 1, value: 0 });
    this.startOut = h('output', { for: 'trim-start', class: 'trim-time' });
    this.endOut = h('output', { for: 'trim-end', class: 'trim-time' });
    this.bar = h('div', { class: 'edit-bar', 'aria-hidden': 'true' });
    this.cursor = h('div', { class: 'edit-bar-cursor' });
    const handle = (input, out, label, which) =>
      h('div', { class: 'trim-handle' },
        h('label', { for: input.id }, label),
        input,
        out,
        h('button', { type: 'button', class: 'button small', onclick: () => this.setToCurrent(which) }, `Set ${label.toLowerCase()} to the current moment`));
    this.el = h('div', { class: 'trim' },
      h('div', { class: 'edit-bar-wrap' }, this.bar, this.cursor),
      handle(this.startInput, this.startOut, 'Trim start', 'start'),
      handle(this.endInput, this.endOut, 'Trim end', 'end'));
    this.startInput.addEventListener('input', () => this.moved('start'));
    this.endInput.addEventListener('input', () => this.moved('end'));
    player.video.addEventListener('timeupdate', () => this.showCursor());
  }

  get startMs() {
    return Math.min(this.durationMs, Number(this.startInput.value) * STEP_MS);
  }

  get endMs() {
    return Math.min(this.durationMs, Number(this.endInput.value) * STEP_MS);
  }

  /** A new timeline `durationMs` long, with the handles at `startMs` and `endMs`. */
  reset(durationMs, startMs = 0, endMs = durationMs) {
    this.durationMs = durationMs;
    const max = Math.ceil(durationMs / STEP_MS);
    for (const input of [this.startInput, this.endInput]) input.max = String(max);
    this.startInput.value = String(toSteps(startMs));
    this.endInput.value = String(endMs >= durationMs ? max : toSteps(endMs));
    this.label();
  }

  setToCurrent(which) {
    (which === 'start' ? this.startInput : this.endInput).value = String(toSteps(this.player.currentMs));
    this.moved(which);
  }

  moved(which) {
    // The handle being moved stops at the other one.
    if (which === 'start' && this.startMs > this.endMs - MIN_KEPT_MS) this.startInput.value = String(Math.max(0, Math.floor((this.endMs - MIN_KEPT_MS) / STEP_MS)));
    if (which === 'end' && this.endMs < this.startMs + MIN_KEPT_MS) this.endInput.value = String(Math.ceil((this.startMs + MIN_KEPT_MS) / STEP_MS));
    this.label();
    this.player.seek(which === 'start' ? this.startMs : Math.max(0, this.endMs - 1000));
    this.onchange({ startMs: this.startMs, endMs: this.endMs });
  }

  label() {
    this.startOut.textContent = formatPrecise(this.startMs);
    this.endOut.textContent = formatPrecise(this.endMs);
    this.startInput.setAttribute('aria-valuetext', formatPrecise(this.startMs));
    this.endInput.setAttribute('aria-valuetext', formatPrecise(this.endMs));
  }

  /** Draw `removed` (playing timeline) on the bar. */
  showRemoved(removed) {
    const pct = (ms) => (this.durationMs ? (ms / this.durationMs) * 100 : 0);
    replace(this.bar, removed.map((r) => {
      const el = h('span', { class: 'edit-bar-cut' });
      el.style.left = `${pct(r.start_ms)}%`;
      el.style.width = `${Math.max(0.3, pct(r.end_ms - r.start_ms))}%`;
      return el;
    }));
  }

  showCursor() {
    const pct = this.durationMs ? Math.min(100, (this.player.currentMs / this.durationMs) * 100) : 0;
    this.cursor.style.left = `${pct}%`;
  }
}
