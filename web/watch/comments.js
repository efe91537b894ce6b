// Comments: a composer that pins the comment to the current time (toggleable), threads
// with replies, edit/delete for the author, and times that seek the player. Everything a
// person wrote is set as text, never as markup.
import { h, replace, toast } from '../lib/dom.js';
import { get, post, patch, del } from '../lib/api.js';
import { formatTime, relativeTime } from '../lib/time.js';

export class CommentsPanel {
  constructor({ videoId, player, user, onchange }) {
    this.videoId = videoId;
    this.player = player;
    this.user = user;
    this.onchange = onchange;
    this.comments = new Map(); // id -> comment (replies included, with parent_id)
    this.list = h('ol', { class: 'comment-list', id: 'comments', 'aria-live': 'polite' });
    this.el = h('section', { class: 'card comments', 'aria-labelledby': 'comments-heading' },
      h('h2', { id: 'comments-heading' }, 'Comments'),
      user ? this.composer() : h('p', {}, h('a', { href: `/login?next=${encodeURIComponent(location.pathname)}` }, 'Sign in'), ' to comment.'),
      this.list);
  }

  composer() {
    this.body = h('textarea', { id: 'comment-body', rows: 3, maxlength: 10000, required: true, placeholder: 'Add a comment…' });
    this.atTime = h('input', { type: 'checkbox', id: 'comment-at-time', checked: true });
    this.atLabel = h('span', {}, 'at 0:00');
    this.capturedMs = 0;
    // The time is captured when you start typing, not when you finish.
    const capture = () => {
      if (this.body.value.length === 0) {
        this.capturedMs = this.player.currentMs;
        this.atLabel.textContent = `at ${formatTime(this.capturedMs)}`;
      }
    };
    this.body.addEventListener('focus', capture);
    this.player.video.addEventListener('timeupdate', capture);
    const error = h('p', { class: 'form-error', role: 'alert' });
    const form = h('form', { class: 'comment-form' },
      h('label', { for: 'comment-body', class: 'visually-hidden' }, 'Comment'),
      this.body,
      h('div', { class: 'form-row' },
        h('label', { class: 'choice' }, this.atTime, ' ', this.atLabel),
        h('button', { type: 'submit', class: 'button primary', id: 'comment-submit' }, 'Comment')),
      error);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      error.textContent = '';
      const text = this.body.value.trim();
      if (!text) return;
      try {
        const comment = await post(`/api/videos/${this.videoId}/comments`, {
          body: text,
          timestamp_ms: this.atTime.checked ? this.capturedMs : undefined,
        });
        this.body.value = '';
        this.upsert(comment);
      } catch (err) {
        error.textContent = err.message;
      }
    });
    return form;
  }

  async load() {
    let cursor = null;
    for (let page = 0; page < 20; page++) {
      const params = new URLSearchParams({ limit: '100' });
      if (cursor) params.set('cursor', cursor);
      const data = await get(`/api/videos/${this.videoId}/comments?${params}`);
      for (const c of data.comments) {
        this.comments.set(c.id, c);
        for (const reply of c.replies || []) this.comments.set(reply.id, reply);
      }
      cursor = data.next_cursor;
      if (!cursor) break;
    }
    this.render();
  }

  upsert(comment) {
    this.comments.set(comment.id, { ...this.comments.get(comment.id), ...comment });
    this.render();
  }

  remove(id) {
    const existing = this.comments.get(id);
    if (!existing) return;
    const hasReplies = [...this.comments.values()].some((c) => c.parent_id === id);
    if (hasReplies) this.comments.set(id, { ...existing, deleted: true, body: '' });
    else this.comments.delete(id);
    this.render();
  }

  /** Timestamped comments in time order, then general ones; replies oldest first. */
  ordered() {
    const all = [...this.comments.values()];
    const top = all.filter((c) => !c.parent_id);
    top.sort((a, b) => (a.timestamp_ms ?? Infinity) - (b.timestamp_ms ?? Infinity) || a.created_at.localeCompare(b.created_at));
    return top.map((c) => ({
      comment: c,
      replies: all.filter((r) => r.parent_id === c.id).sort((a, b) => a.created_at.localeCompare(b.created_at)),
    }));
  }

  render() {
    const threads = this.ordered();
    replace(this.list, threads.length ? threads.map(({ comment, replies }) => this.item(comment, replies)) : h('li', { class: 'muted' }, 'No comments yet.'));
    this.onchange?.([...this.comments.values()]);
  }

  item(comment, replies = []) {
    const mine = this.user && comment.author?.id === this.user.id && !comment.deleted;
    const time = comment.timestamp_ms !== null && comment.timestamp_ms !== undefined
      ? h('button', { type: 'button', class: 'timestamp', onclick: () => { this.player.seek(comment.timestamp_ms); this.player.play(); } }, formatTime(comment.timestamp_ms))
      : null;
    const body = h('p', { class: 'comment-body' }, comment.deleted ? h('em', {}, 'Comment deleted') : comment.body);
    const actions = h('div', { class: 'comment-actions' });
    if (this.user && !comment.parent_id && !comment.deleted) actions.append(h('button', { type: 'button', class: 'link-button', onclick: () => this.replyForm(li, comment) }, 'Reply'));
    if (mine) {
      actions.append(
        h('button', { type: 'button', class: 'link-button', onclick: () => this.editForm(li, body, comment) }, 'Edit'),
        h('button', { type: 'button', class: 'link-button', onclick: () => this.delete(comment) }, 'Delete'),
      );
    }
    const li = h('li', { class: 'comment', dataset: { commentId: comment.id } },
      h('div', { class: 'comment-meta' }, h('strong', {}, comment.author?.name || 'Someone'), ' ', time, ' ',
        h('span', { class: 'muted', title: comment.created_at }, relativeTime(comment.created_at)), comment.edited_at ? h('span', { class: 'muted' }, ' (edited)') : null),
      body,
      actions,
      replies.length ? h('ol', { class: 'replies' }, replies.map((r) => this.item(r))) : null);
    return li;
  }

  replyForm(li, parent) {
    if (li.querySelector('.reply-form')) return;
    const input = h('textarea', { rows: 2, 'aria-label': `Reply to ${parent.author?.name || 'comment'}`, required: true });
    const form = h('form', { class: 'reply-form' }, input, h('button', { type: 'submit', class: 'button' }, 'Reply'));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      try {
        this.upsert(await post(`/api/videos/${this.videoId}/comments`, { body: input.value.trim(), parent_id: parent.id }));
      } catch (err) {
        toast(err.message);
      }
    });
    li.append(form);
    input.focus();
  }

  editForm(li, bodyEl, comment) {
    const input = h('textarea', { rows: 3, 'aria-label': 'Edit comment', value: comment.body });
    const form = h('form', { class: 'edit-form' }, input,
      h('button', { type: 'submit', class: 'button primary' }, 'Save'),
      h('button', { type: 'button', class: 'button', onclick: () => this.render() }, 'Cancel'));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      try {
        this.upsert(await patch(`/api/comments/${comment.id}`, { body: input.value.trim() }));
      } catch (err) {
        toast(err.message);
      }
    });
    bodyEl.replaceWith(form);
    input.focus();
  }

  async delete(comment) {
    if (!confirm('Delete this comment?')) return;
    try {
      await del(`/api/comments/${comment.id}`);
      this.remove(comment.id);
    } catch (err) {
      toast(err.message);
    }
  }
}
