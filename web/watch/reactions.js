// The reaction bar: an emoji drops onto the timeline at the current time.
import { h, toast } from '../lib/dom.js';
import { get, post } from '../lib/api.js';

export const EMOJI = ['👍', '❤️', '😂', '🎉', '😮', '👏', '🤔'];
const LABELS = { '👍': 'thumbs up', '❤️': 'heart', '😂': 'laughing', '🎉': 'party', '😮': 'surprised', '👏': 'clapping', '🤔': 'thinking' };

export class ReactionBar {
  constructor({ videoId, player, timeline, user }) {
    this.videoId = videoId;
    this.player = player;
    this.timeline = timeline;
    this.counts = {};
    this.buttons = EMOJI.map((emoji) =>
      h('button', { type: 'button', class: 'reaction-button', 'aria-label': `React with ${LABELS[emoji]}`, disabled: !user, onclick: () => this.react(emoji) },
        emoji, h('span', { class: 'reaction-count' })));
    this.el = h('div', { class: 'reaction-bar', role: 'group', 'aria-label': user ? 'React at the current time' : 'Reactions (sign in to react)' }, this.buttons);
  }

  async load() {
    const data = await get(`/api/videos/${this.videoId}/reactions?limit=1000`);
    this.counts = data.counts || {};
    this.timeline.setReactions(data.reactions);
    this.showCounts();
  }

  showCounts() {
    EMOJI.forEach((emoji, i) => {
      const n = this.counts[emoji] || 0;
      this.buttons[i].querySelector('.reaction-count').textContent = n ? String(n) : '';
    });
  }

  /** A reaction arrived (ours or live); count it once. */
  added(reaction) {
    if (this.timeline.reactions.some((r) => r.id === reaction.id)) return;
    this.counts[reaction.emoji] = (this.counts[reaction.emoji] || 0) + 1;
    this.timeline.dropReaction(reaction);
    this.showCounts();
  }

  removed(id) {
    const r = this.timeline.reactions.find((x) => x.id === id);
    if (!r) return;
    this.counts[r.emoji] = Math.max(0, (this.counts[r.emoji] || 1) - 1);
    this.timeline.setReactions(this.timeline.reactions.filter((x) => x.id !== id));
    this.showCounts();
  }

  async react(emoji) {
    try {
      this.added(await post(`/api/videos/${this.videoId}/reactions`, { emoji, timestamp_ms: this.player.currentMs }));
    } catch (err) {
      toast(err.message);
    }
  }
}
