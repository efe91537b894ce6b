// The Edit panel (managers): trim handles, words picked in the transcript and deleted,
// proposed silence and filler cuts, the list of pending cuts, the poster, and Save /
// Revert. The draft lives in the timeline that plays now (what the author sees and
// hears); while the panel is open the player skips what it removes (edit-preview.js).
// Saving sends kept ranges of the original recording (`PUT /edit`), compare-and-set on
// the version read: a 409 means someone else saved first. Word cuts are snapped to word
// boundaries here exactly as the server snaps them, so the preview skips what the render
// will cut.
import { h, replace, toast } from '../lib/dom.js';
import { get, put, del } from '../lib/api.js';
import { formatPrecise, formatTime } from '../lib/time.js';
import { complement, draftKeep, mapRange, mapPosition, sameKeep, snapToWords, toOriginal, totalMs, transcriptWords } from './edit-timeline.js';
import { CutPreview } from './edit-preview.js';
import { WordPicker } from './word-picker.js';
import { TrimControls } from './trim.js';
import { SilenceReview } from './silences.js';
import { PosterControls } from './poster.js';

const POLL_MS = 2000;

export class Editor {
  /**
   * `shown()`: the version the page shows ({edit_version, kept_ranges, duration_ms});
   * `onupdate(video)`: a video the server answered with; `refresh()`: fetch the video
   * again (after a save, so the page learns of a new version even without live events).
   */
  constructor({ videoId, player, shown, onupdate, refresh }) {
    this.videoId = videoId;
    this.path = `/api/videos/${encodeURIComponent(videoId)}/edit`;
    this.player = player;
    this.shown = shown;
    this.refresh = refresh;
    this.edit = null;
    this.words = [];
    this.cuts = []; // [{start_ms, end_ms, kind, label}], playing timeline
    this.open = false;
    this.pollTimer = null;
    this.preview = new CutPreview(player.video);

    this.button = h('button', { type: 'button', class: 'button', id: 'edit-toggle', 'aria-expanded': 'false', 'aria-controls': 'editor', hidden: true, onclick: () => this.toggle() }, 'Edit video');
    this.trim = new TrimControls({ player, onchange: () => this.changed() });
    this.picker = new WordPicker({ player, ondelete: (a, b) => this.cutWords(a, b), onselect: (range) => this.selected(range) });
    this.deleteWords = h('button', { type: 'button', class: 'button', id: 'delete-words', disabled: true, onclick: () => this.deleteSelection() }, 'Delete selected words');
    this.silences = new SilenceReview({ videoId, onapply: (cuts) => this.addCuts(cuts) });
    this.poster = new PosterControls({ videoId, player, onupdate });
    this.cutList = h('ul', { class: 'plain-list pending-cuts', id: 'pending-cuts' });
    this.summary = h('p', { id: 'edit-summary' });
    this.state = h('p', { class: 'notice', role: 'status', id: 'edit-state' });
    this.error = h('p', { class: 'form-error', role: 'alert', id: 'edit-error' });
    this.saveButton = h('button', { type: 'button', class: 'button primary', id: 'edit-save', onclick: () => this.save() }, 'Save');
    this.discardButton = h('button', { type: 'button', class: 'button', onclick: () => this.discard() }, 'Discard changes');
    this.revertButton = h('button', { type: 'button', class: 'button danger', id: 'edit-revert', onclick: () => this.revert() }, 'Revert to original');
    this.el = h('section', { class: 'card editor', id: 'editor', 'aria-labelledby': 'editor-heading', hidden: true },
      h('h2', { id: 'editor-heading' }, 'Edit video'),
      h('p', { class: 'muted' }, 'Nothing changes for viewers until you save. While this panel is open the player skips what you remove.'),
      this.state,
      h('fieldset', { class: 'edit-group' }, h('legend', {}, 'Trim'), this.trim.el),
      h('fieldset', { class: 'edit-group' },
        h('legend', {}, 'Cut words'),
        h('p', { class: 'muted', id: 'edit-words-help' }, 'Click a word, shift-click another to select the words between (or use the arrow keys, with Shift to extend), then press Delete.'),
        this.picker.el,
        h('div', { class: 'button-row' }, this.deleteWords)),
      this.silences.el,
      h('fieldset', { class: 'edit-group' }, h('legend', {}, 'Pending cuts'), this.cutList, this.summary),
      h('div', { class: 'button-row' }, this.saveButton, this.discardButton, this.revertButton),
      this.error,
      this.poster.el);
    this.picker.list.setAttribute('aria-describedby', 'edit-words-help');
  }

  /** The page's video changed (live event, poll, our own change). */
  videoChanged(video) {
    this.button.hidden = video.status !== 'ready';
    if (this.open && this.edit && video.edit_version !== this.edit.published_version) this.load();
    else this.showState();
  }

  /** The transcript the page shows (of the version shown). */
  setTranscript(transcript) {
    this.words = transcriptWords(transcript);
    this.picker.show(this.words);
    this.changed();
  }

  /** The page switched from the version of `oldKept` to that of `newKept`: carry the draft over. */
  versionSwitched(oldKept, newKept) {
    const d = this.durationMs();
    if (this.trimmed()) {
      this.trim.reset(d, mapPosition(this.trim.startMs, oldKept, newKept), Math.min(d, mapPosition(this.trim.endMs, oldKept, newKept)));
    } else {
      this.trim.reset(d);
    }
    this.cuts = this.cuts.map((c) => {
      const moved = mapRange(c, oldKept, newKept);
      return moved && { ...c, ...moved };
    }).filter(Boolean);
    this.silences.reset();
    if (this.open) this.load();
    this.changed();
  }

  /** Whether a trim handle was moved in. */
  trimmed() {
    return Boolean(this.trim.durationMs) && (this.trim.startMs > 0 || this.trim.endMs < this.trim.durationMs);
  }

  /** The handles follow the length once it is known (or changes), unless moved in. */
  syncTrim() {
    const d = this.durationMs();
    if (this.trim.durationMs === d) return;
    if (this.trimmed()) this.trim.reset(d, Math.min(this.trim.startMs, d), Math.min(this.trim.endMs, d));
    else this.trim.reset(d);
  }

  /** The length of the version shown: the server's, which kept ranges are measured in. */
  durationMs() {
    const shown = this.shown();
    return Math.round(shown?.duration_ms || this.player.durationMs(shown));
  }

  toggle() {
    this.open = !this.open;
    this.el.hidden = !this.open;
    this.button.setAttribute('aria-expanded', String(this.open));
    this.button.textContent = this.open ? 'Close editor' : 'Edit video';
    if (!this.open) {
      this.preview.stop();
      clearTimeout(this.pollTimer);
      return;
    }
    this.changed();
    this.preview.start();
    this.load();
    this.el.querySelector('#trim-start').focus();
  }

  async load() {
    clearTimeout(this.pollTimer);
    try {
      this.edit = await get(this.path);
    } catch (err) {
      this.error.textContent = `The edit could not be loaded: ${err.message}`;
      return;
    }
    this.showState();
    if (this.edit.state === 'rendering' && this.open) this.pollTimer = setTimeout(() => this.load(), POLL_MS);
    else if (this.edit.published_version !== this.shown().edit_version) this.refresh();
  }

  /** The panel's state line, and which actions make sense now. */
  showState() {
    const edit = this.edit;
    const behind = edit && edit.published_version !== this.shown().edit_version;
    let text = 'Loading the edit…';
    if (edit) {
      if (edit.state === 'original') text = 'Unedited: the original recording plays.';
      if (edit.state === 'ready') text = `Edited (version ${edit.version}): ${formatTime(edit.duration_ms)} of the original ${formatTime(edit.source_duration_ms)} plays.`;
      if (edit.state === 'rendering') text = `Rendering version ${edit.version}… the current version keeps playing meanwhile.`;
      if (edit.state === 'failed') text = `Version ${edit.version} could not be rendered${edit.error ? `: ${edit.error}` : ''}. The previous version keeps playing.`;
      if (behind && edit.state !== 'rendering') text += ' A newer version than the one shown is out: switch to it (the notice above the video) to edit it.';
    }
    this.state.textContent = text;
    this.state.classList.toggle('error', edit?.state === 'failed');
    const idle = Boolean(edit) && edit.state !== 'rendering' && !behind;
    this.saveButton.disabled = !idle || !this.hasChanges();
    this.revertButton.disabled = !edit || edit.state === 'original';
    this.silences.setEnabled(idle);
  }

  /** What the draft keeps, in the playing timeline. */
  keep() {
    return draftKeep({ durationMs: this.durationMs(), trimStartMs: this.trim.startMs, trimEndMs: this.trim.endMs, cuts: this.cuts });
  }

  hasChanges() {
    return this.cuts.length > 0 || this.trimmed();
  }

  /** Redraw everything the draft shows, and tell the preview what to skip. */
  changed() {
    this.syncTrim();
    const d = this.durationMs();
    const kept = this.keep();
    const removed = kept.length ? complement(kept, d) : [];
    this.preview.set(removed, d);
    this.trim.showRemoved(removed);
    this.picker.markCut(removed);
    const sorted = [...this.cuts].sort((a, b) => a.start_ms - b.start_ms);
    replace(this.cutList, sorted.length
      ? sorted.map((cut) => h('li', { class: 'pending-cut', dataset: { start: cut.start_ms, end: cut.end_ms } },
        h('span', {}, `${formatPrecise(cut.start_ms)}–${formatPrecise(cut.end_ms)} · ${cut.label}`),
        h('button', { type: 'button', class: 'link-button', 'aria-label': `Remove cut ${formatPrecise(cut.start_ms)}–${formatPrecise(cut.end_ms)}`, onclick: () => this.removeCut(cut) }, 'Remove')))
      : h('li', { class: 'muted' }, 'No cuts yet.'));
    this.summary.textContent = kept.length
      ? `Length after the edit: ${formatPrecise(totalMs(kept))} (now ${formatPrecise(d)}).`
      : 'This would remove everything: keep something.';
    this.showState();
  }

  selected(range) {
    this.deleteWords.disabled = !range;
  }

  deleteSelection() {
    const range = this.picker.selection();
    if (range) this.cutWords(...range);
  }

  /** Words `first`..`last` become a cut, snapped to the words as the server would. */
  cutWords(first, last) {
    const words = this.words.slice(first, last + 1);
    const snapped = snapToWords({ start_ms: words[0].start_ms, end_ms: words[words.length - 1].end_ms }, this.words);
    const text = words.map((w) => w.text).join(' ');
    this.addCuts([{ start_ms: snapped.start_ms, end_ms: Math.min(snapped.end_ms, this.durationMs()), kind: 'words', label: `words “${text}”` }]);
    this.picker.clear();
    this.picker.focus();
    toast(`Cut “${text}”`);
  }

  addCuts(cuts) {
    this.cuts.push(...cuts.filter((c) => c.end_ms > c.start_ms));
    this.error.textContent = '';
    this.changed();
  }

  removeCut(cut) {
    this.cuts = this.cuts.filter((c) => c !== cut);
    this.changed();
    this.cutList.querySelector('button')?.focus();
  }

  discard() {
    this.cuts = [];
    this.trim.reset(this.durationMs());
    this.picker.clear();
    this.error.textContent = '';
    this.changed();
  }

  async save() {
    const shown = this.shown();
    const kept = this.keep();
    this.error.textContent = '';
    if (!this.edit) return;
    if (!kept.length) {
      this.error.textContent = 'Not saved: the edit would remove everything.';
      return;
    }
    const keep = toOriginal(kept, shown.kept_ranges);
    if (sameKeep(keep, shown.kept_ranges, this.edit.source_duration_ms)) {
      this.error.textContent = 'Nothing to save: the draft keeps everything that plays now.';
      return;
    }
    this.saveButton.disabled = true;
    try {
      this.edit = await put(this.path, { version: this.edit.version, keep });
      this.cuts = [];
      this.trim.reset(this.durationMs());
      this.changed();
      toast('Edit saved');
      this.load();
    } catch (err) {
      if (err.code === 'stale_edit') {
        // Someone saved since we read: load theirs; the draft stays to check and save again.
        this.error.textContent = 'Not saved: someone else changed this video’s edit meanwhile. Their version was loaded; your cuts are still listed — check them and save again.';
        await this.load();
      } else {
        this.error.textContent = `Not saved: ${err.message}`;
        this.showState();
      }
    }
  }

  async revert() {
    if (!confirm('Revert to the original recording? Every cut is undone for everyone who watches.')) return;
    this.revertButton.disabled = true;
    this.error.textContent = '';
    try {
      this.edit = await del(this.path);
      toast('Reverted to the original');
      this.showState();
      this.refresh();
    } catch (err) {
      this.error.textContent = err.code === 'stale_edit'
        ? 'Not reverted: someone else changed the edit meanwhile. It was reloaded.'
        : `Not reverted: ${err.message}`;
      await this.load();
    }
  }
}
