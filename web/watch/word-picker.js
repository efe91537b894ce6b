// The transcript's words in the editor, to select and delete: a multi-select listbox with
// one tab stop. Click a word to select it (the player goes there), shift-click to extend;
// by keyboard ←/→ move and select, Shift+←/→ extend, Home/End, Space selects, Escape
// clears, Enter plays from the word, Delete or Backspace deletes the selection. Words that
// the draft already cuts are struck through.
import { h, replace } from '../lib/dom.js';
import { formatTime } from '../lib/time.js';

export class WordPicker {
  /** `ondelete(first, last)` gets the indices (into `words`) of the selection to cut. */
  constructor({ player, ondelete, onselect }) {
    this.player = player;
    this.ondelete = ondelete;
    this.onselect = onselect;
    this.words = [];
    this.options = [];
    this.anchor = null;
    this.focusAt = 0;
    this.range = null; // [first, last] selected, or null
    this.empty = h('p', { class: 'muted' }, 'The transcript’s words appear here once it is made.');
    this.list = h('div', {
      class: 'word-picker',
      id: 'edit-words',
      role: 'listbox',
      'aria-multiselectable': 'true',
      'aria-label': 'Transcript words: select some, then press Delete',
    });
    this.el = h('div', {}, this.empty, this.list);
    this.list.addEventListener('keydown', (e) => this.key(e));
    // Shift-click extends the word selection, not the page's text selection.
    this.list.addEventListener('mousedown', (e) => {
      if (e.shiftKey) e.preventDefault();
    });
    this.list.addEventListener('click', (e) => {
      const option = e.target.closest('[role=option]');
      if (!option) return;
      const i = Number(option.dataset.index);
      this.select(e.shiftKey && this.anchor !== null ? this.anchor : i, i);
      this.moveFocus(i);
      this.player.seek(this.words[i].start_ms);
    });
  }

  /** Show `words` (from transcriptWords); the selection is cleared. */
  show(words) {
    this.words = words;
    this.anchor = null;
    this.range = null;
    this.focusAt = 0;
    this.options = words.map((w, i) =>
      h('span', { role: 'option', class: 'pick-word', id: `edit-word-${i}`, tabindex: i === 0 ? 0 : -1, 'aria-selected': 'false', title: formatTime(w.start_ms), dataset: { index: i } }, w.text));
    // One group per transcript line, so the words read as they do in the transcript.
    const groups = [];
    words.forEach((w, i) => {
      if (!groups.length || groups[groups.length - 1].segment !== w.segment) groups.push({ segment: w.segment, items: [] });
      groups[groups.length - 1].items.push(this.options[i], ' ');
    });
    replace(this.list, groups.map((g) => h('div', { role: 'group', class: 'pick-line', 'aria-label': `Line at ${formatTime(words.find((w) => w.segment === g.segment).start_ms)}` }, g.items)));
    this.empty.hidden = words.length > 0;
    this.list.hidden = words.length === 0;
    this.onselect?.(null);
  }

  /** Strike through the words that `removed` (playing timeline) covers. */
  markCut(removed) {
    this.words.forEach((w, i) => {
      const cut = removed.some((r) => w.start_ms >= r.start_ms && w.end_ms <= r.end_ms);
      this.options[i].classList.toggle('cut', cut);
    });
  }

  /** The selection as `[first, last]` word indices, or null. */
  selection() {
    return this.range;
  }

  select(from, to) {
    this.anchor = from;
    this.range = [Math.min(from, to), Math.max(from, to)];
    this.options.forEach((o, i) => o.setAttribute('aria-selected', String(i >= this.range[0] && i <= this.range[1])));
    this.onselect?.(this.range);
  }

  clear() {
    this.anchor = null;
    this.range = null;
    this.options.forEach((o) => o.setAttribute('aria-selected', 'false'));
    this.onselect?.(null);
  }

  moveFocus(i) {
    if (!this.options.length) return;
    const next = Math.max(0, Math.min(this.options.length - 1, i));
    this.options[this.focusAt]?.setAttribute('tabindex', '-1');
    this.options[next].setAttribute('tabindex', '0');
    this.focusAt = next;
    this.options[next].focus();
  }

  /** Keep the focus in the list after the words were redrawn or cut. */
  focus() {
    this.options[this.focusAt]?.focus();
  }

  key(e) {
    if (!this.options.length || e.ctrlKey || e.metaKey || e.altKey) return;
    const at = this.focusAt;
    const go = (i) => {
      const next = Math.max(0, Math.min(this.options.length - 1, i));
      this.moveFocus(next);
      this.select(e.shiftKey && this.anchor !== null ? this.anchor : next, next);
    };
    const actions = {
      ArrowRight: () => go(at + 1),
      ArrowDown: () => go(at + 1),
      ArrowLeft: () => go(at - 1),
      ArrowUp: () => go(at - 1),
      Home: () => go(0),
      End: () => go(this.options.length - 1),
      ' ': () => this.select(e.shiftKey && this.anchor !== null ? this.anchor : at, at),
      Escape: () => this.clear(),
      Enter: () => {
        this.player.seek(this.words[at].start_ms);
        this.player.play();
      },
      Delete: () => this.range && this.ondelete(...this.range),
      Backspace: () => this.range && this.ondelete(...this.range),
    };
    const action = actions[e.key];
    if (!action) return;
    // These keys are the list's here, not the player's shortcuts.
    e.preventDefault();
    e.stopPropagation();
    action();
  }
}
