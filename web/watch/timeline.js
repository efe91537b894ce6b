// The timeline under the player: progress, comment markers and reaction emoji at their
// timestamps, storyboard thumbnails while hovering. It is a keyboard slider too.
import { h, replace } from '../lib/dom.js';
import { formatTime, spokenTime } from '../lib/time.js';
import { cueAt } from './storyboard.js';

export class Timeline {
  constructor(player) {
    this.player = player;
    this.durationMs = 0;
    this.comments = [];
    this.reactions = [];
    this.storyboard = [];
    this.fill = h('div', { class: 'timeline-fill' });
    this.markers = h('div', { class: 'timeline-markers' });
    this.preview = h('div', { class: 'timeline-preview', hidden: true }, h('div', { class: 'timeline-thumb' }), h('span', { class: 'timeline-preview-time' }));
    this.track = h('div', {
      class: 'timeline-track',
      role: 'slider',
      tabindex: 0,
      'aria-label': 'Seek',
      'aria-valuemin': 0,
      'aria-valuemax': 0,
      'aria-valuenow': 0,
    }, this.fill);
    this.el = h('div', { class: 'timeline', id: 'timeline' }, this.preview, this.markers, this.track);
    this.track.addEventListener('click', (e) => player.seek(this.msAt(e.clientX)));
    this.track.addEventListener('pointermove', (e) => this.showPreview(this.msAt(e.clientX)));
    this.track.addEventListener('pointerleave', () => (this.preview.hidden = true));
    this.track.addEventListener('keydown', (e) => {
      const steps = { ArrowLeft: -5000, ArrowRight: 5000, PageDown: -30000, PageUp: 30000 };
      if (e.key in steps) {
        e.preventDefault();
        e.stopPropagation();
        player.seek(player.currentMs + steps[e.key]);
      } else if (e.key === 'Home' || e.key === 'End') {
        e.preventDefault();
        player.seek(e.key === 'Home' ? 0 : this.durationMs);
      }
    });
    player.video.addEventListener('timeupdate', () => this.showProgress());
    player.video.addEventListener('durationchange', () => this.setDuration(player.durationMs()));
  }

  msAt(clientX) {
    const rect = this.track.getBoundingClientRect();
    return Math.max(0, Math.min(1, (clientX - rect.left) / rect.width)) * this.durationMs;
  }

  setDuration(ms) {
    if (!ms || Math.abs(ms - this.durationMs) < 1) return;
    this.durationMs = ms;
    this.track.setAttribute('aria-valuemax', Math.round(ms / 1000));
    this.render();
  }

  showProgress() {
    const ms = this.player.currentMs;
    const pct = this.durationMs ? Math.min(100, (ms / this.durationMs) * 100) : 0;
    this.fill.style.width = `${pct}%`;
    this.track.setAttribute('aria-valuenow', Math.round(ms / 1000));
    this.track.setAttribute('aria-valuetext', `${spokenTime(ms)} of ${spokenTime(this.durationMs)}`);
  }

  showPreview(ms) {
    const [thumb, label] = this.preview.children;
    label.textContent = formatTime(ms);
    const cue = this.storyboard.length ? cueAt(this.storyboard, ms) : null;
    thumb.hidden = !cue;
    if (cue) {
      thumb.style.backgroundImage = `url("${cue.url}")`;
      thumb.style.backgroundPosition = `-${cue.x}px -${cue.y}px`;
      thumb.style.width = `${cue.w}px`;
      thumb.style.height = `${cue.h}px`;
    }
    this.preview.style.left = `${this.position(ms)}%`;
    this.preview.hidden = false;
  }

  position(ms) {
    return this.durationMs ? Math.max(0, Math.min(100, (ms / this.durationMs) * 100)) : 0;
  }

  setComments(comments) {
    this.comments = comments.filter((c) => c.timestamp_ms !== null && c.timestamp_ms !== undefined && !c.deleted);
    this.render();
  }

  setReactions(reactions) {
    this.reactions = reactions;
    this.render();
  }

  /** A reaction just made here or live: add it with a small drop animation. */
  dropReaction(reaction) {
    if (this.reactions.some((r) => r.id === reaction.id)) return;
    this.reactions.push(reaction);
    const el = this.reactionMarker(reaction);
    el.classList.add('dropping');
    this.markers.append(el);
  }

  reactionMarker(reaction) {
    const el = h('span', { class: 'marker reaction-marker', title: `${reaction.emoji} ${reaction.user?.name || ''} at ${formatTime(reaction.timestamp_ms)}`, dataset: { reactionId: reaction.id } }, reaction.emoji);
    el.style.left = `${this.position(reaction.timestamp_ms)}%`;
    return el;
  }

  commentMarker(comment) {
    const tip = h('span', { class: 'marker-tip', role: 'tooltip' }, h('strong', {}, comment.author?.name || ''), ' ', formatTime(comment.timestamp_ms), h('br'), comment.body);
    const el = h(
      'button',
      {
        type: 'button',
        class: 'marker comment-marker',
        'aria-label': `Comment by ${comment.author?.name || 'someone'} at ${formatTime(comment.timestamp_ms)}: ${comment.body}`,
        dataset: { commentId: comment.id },
        onclick: () => this.player.seek(comment.timestamp_ms),
      },
      tip,
    );
    el.style.left = `${this.position(comment.timestamp_ms)}%`;
    return el;
  }

  render() {
    if (!this.durationMs) return replace(this.markers);
    replace(this.markers, this.comments.map((c) => this.commentMarker(c)), this.reactions.map((r) => this.reactionMarker(r)));
  }
}
