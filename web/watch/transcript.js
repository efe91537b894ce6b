// The transcript panel: lines follow playback, a click on a line or word seeks, and a
// filter box highlights the lines that contain the words typed.
import { h, replace } from '../lib/dom.js';
import { formatTime } from '../lib/time.js';

export class TranscriptPanel {
  constructor(player) {
    this.player = player;
    this.lines = [];
    this.filter = h('input', { type: 'search', id: 'transcript-filter', placeholder: 'Search the transcript' });
    this.count = h('span', { class: 'muted', role: 'status' });
    this.list = h('ol', { class: 'transcript-lines', id: 'transcript' });
    this.status = h('p', { class: 'muted' }, 'The transcript appears here once the video is processed.');
    this.el = h(
      'section',
      { class: 'card transcript', 'aria-labelledby': 'transcript-heading' },
      h('h2', { id: 'transcript-heading' }, 'Transcript'),
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

  show(transcript) {
    this.setStatus(transcript.segments.length ? '' : 'No speech was found in this video.');
    this.lines = transcript.segments.map((segment) => {
      const words = segment.words?.length
        ? segment.words.map((w) => [h('span', { class: 'word', dataset: { ms: w.start_ms } }, w.text.trim()), ' '])
        : [segment.text.trim()];
      const el = h(
        'li',
        { class: 'transcript-line', dataset: { start: segment.start_ms } },
        h('button', { type: 'button', class: 'timestamp', 'aria-label': `Play from ${formatTime(segment.start_ms)}` }, formatTime(segment.start_ms)),
        h('span', { class: 'line-text' }, words),
      );
      el.addEventListener('click', (event) => {
        const word = event.target.closest('.word');
        this.player.seek(Number(word ? word.dataset.ms : segment.start_ms));
        this.player.play();
      });
      return { el, start: segment.start_ms, end: segment.end_ms, text: segment.text.toLowerCase() };
    });
    replace(this.list, this.lines.map((l) => l.el));
    this.applyFilter();
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
