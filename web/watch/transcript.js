// The transcript panel: lines follow playback, a click on a line or word seeks, and a
// filter box highlights the lines that contain the words typed. Its heading names the
// language; managers can correct a line (transcript-edit.js).
import { h, replace } from '../lib/dom.js';
import { formatTime } from '../lib/time.js';
import { languageName } from '../lib/languages.js';
import { openLineEditor, editedTitle } from './transcript-edit.js';

function lineWords(segment) {
  return segment.words?.length
    ? segment.words.map((w) => [h('span', { class: 'word', dataset: { ms: w.start_ms } }, w.text.trim()), ' '])
    : [segment.text.trim()];
}

export class TranscriptPanel {
  /** With `editing` ({videoId, nameOf(userId), oncorrected(segment)}) lines get an Edit button. */
  constructor(player, editing = null) {
    this.player = player;
    this.editing = editing;
    this.lines = [];
    this.language = h('span', { id: 'transcript-language' });
    this.filter = h('input', { type: 'search', id: 'transcript-filter', placeholder: 'Search the transcript' });
    this.count = h('span', { class: 'muted', role: 'status' });
    this.list = h('ol', { class: 'transcript-lines', id: 'transcript' });
    this.status = h('p', { class: 'muted' }, 'The transcript appears here once the video is processed.');
    this.el = h(
      'section',
      { class: 'card transcript', 'aria-labelledby': 'transcript-heading' },
      h('h2', { id: 'transcript-heading' }, 'Transcript', this.language),
      h('label', { for: 'transcript-filter', class: 'visually-hidden' }, 'Search the transcript'),
      this.filter,
      this.count,
      this.status,
      this.list,
    );
    this.filter.addEventListener('input', () => this.applyFilter());
    player.video.addEventListener('timeupdate', () => this.follow());
  }

  setStatus(text) {
    this.status.textContent = text;
    this.status.hidden = !text;
  }

  /** "Transcript · Spanish"; nothing added for "und" or before a transcript. */
  setLanguage(code) {
    const name = languageName(code);
    this.language.textContent = name ? ` · ${name}` : '';
  }

  show(transcript) {
    this.setStatus(transcript.segments.length ? '' : 'No speech was found in this video.');
    this.lines = transcript.segments.map((segment, index) => this.line(segment, index));
    replace(this.list, this.lines.map((l) => l.el));
    this.applyFilter();
  }

  line(segment, index) {
    const at = formatTime(segment.start_ms);
    const text = h('span', { class: 'line-text' }, lineWords(segment));
    const edited = h('span', { class: 'edited-mark muted' });
    const el = h('li', { class: 'transcript-line', dataset: { start: segment.start_ms, index } },
      h('button', { type: 'button', class: 'timestamp', 'aria-label': `Play from ${at}` }, at),
      h('span', { class: 'line-body' }, text, edited));
    const line = { el, start: segment.start_ms, end: segment.end_ms, text: segment.text.toLowerCase() };
    const markEdited = (seg) => {
      edited.textContent = seg.edited_at || seg.edited_by ? ' (edited)' : '';
      edited.title = edited.textContent ? editedTitle(seg, this.editing?.nameOf || (() => null)) : '';
    };
    markEdited(segment);
    if (this.editing) {
      const edit = h('button', { type: 'button', class: 'link-button line-edit-button', 'aria-label': `Edit line at ${at}` }, 'Edit');
      edit.addEventListener('click', () => {
        edit.hidden = true;
        openLineEditor({
          videoId: this.editing.videoId,
          index,
          segment,
          textEl: text,
          after: text,
          onsaved: (corrected) => {
            segment = corrected;
            replace(text, lineWords(corrected));
            line.text = corrected.text.toLowerCase();
            markEdited(corrected);
            this.applyFilter();
            this.editing.oncorrected?.(corrected);
          },
          onclose: () => {
            edit.hidden = false;
            edit.focus();
          },
        });
      });
      el.append(edit);
    }
    el.addEventListener('click', (event) => {
      // Clicks inside the editor or on its button are not "play from here".
      if (event.target.closest('.line-edit, .line-edit-button')) return;
      const word = event.target.closest('.word');
      this.player.seek(Number(word ? word.dataset.ms : segment.start_ms));
      this.player.play();
    });
    return line;
  }

  follow() {
    const ms = this.player.currentMs;
    for (const line of this.lines) {
      const current = ms >= line.start && ms < line.end;
      if (current !== line.el.classList.contains('current')) {
        line.el.classList.toggle('current', current);
        if (current && !this.list.matches(':hover') && !this.list.contains(document.activeElement)) {
          line.el.scrollIntoView({ block: 'nearest' });
        }
      }
    }
  }

  applyFilter() {
    const words = this.filter.value.toLowerCase().split(/\s+/).filter(Boolean);
    let matches = 0;
    for (const line of this.lines) {
      const hit = words.length > 0 && words.every((w) => line.text.includes(w));
      line.el.classList.toggle('match', hit);
      if (hit) matches++;
    }
    this.count.textContent = words.length ? `${matches} matching line${matches === 1 ? '' : 's'}` : '';
    const first = this.lines.find((l) => l.el.classList.contains('match'));
    first?.el.scrollIntoView({ block: 'nearest' });
  }
}
