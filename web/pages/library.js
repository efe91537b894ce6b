// The library: this workspace's videos, newest first, with thumbnail, status and counts.
import { h, replace } from '../lib/dom.js';
import { get, requireLogin } from '../lib/api.js';
import { formatTime, relativeTime } from '../lib/time.js';
import { currentWorkspace } from '../lib/workspace.js';
import { workspaceSwitcher } from '../lib/workspace-switcher.js';

const STATUS_LABELS = {
  waiting_upload: 'Waiting for upload',
  uploading: 'Uploading',
  uploaded: 'Processing',
  processing: 'Processing',
  ready: 'Ready',
  failed: 'Failed',
};

function count(n, word) {
  return Number.isFinite(n) ? `${n} ${word}${n === 1 ? '' : 's'}` : null;
}

function videoCard(video) {
  // The 320-px list thumbnail: a card needs no 1280-px poster.
  const poster = video.thumbnail_url
    ? h('img', { src: video.thumbnail_url, alt: '', loading: 'lazy', width: 320 })
    : h('div', { class: 'poster-placeholder', 'aria-hidden': 'true' }, '▶');
  const facts = [
    STATUS_LABELS[video.status] || video.status,
    count(video.view_count, 'view'),
    count(video.comment_count, 'comment'),
    relativeTime(video.created_at),
  ].filter(Boolean);
  const factsLine = h('p', { class: `video-facts status-${video.status}` }, facts.join(' · '));
  if (!('view_count' in video)) fillCounts(video, facts, factsLine);
  return h(
    'li',
    { class: 'video-card' },
    h(
      'a',
      { href: video.share_path, class: 'video-card-link' },
      h('div', { class: 'poster' }, poster, video.duration_ms ? h('span', { class: 'duration' }, formatTime(video.duration_ms)) : null),
      h('span', { class: 'video-title' }, video.title),
    ),
    factsLine,
  );
}

/** When the listing carries no counts, ask the comments and viewers endpoints (one page
 * each; "100+" beyond that). Best effort: a failure just leaves the counts out. */
async function fillCounts(video, facts, line) {
  try {
    const [comments, viewers] = await Promise.all([
      get(`/api/videos/${video.id}/comments?limit=100`),
      get(`/api/videos/${video.id}/viewers`).catch(() => null),
    ]);
    const n = comments.comments.reduce((sum, c) => sum + 1 + (c.replies?.length || 0), 0);
    const extra = [];
    if (viewers) extra.push(count(viewers.view_count, 'view'));
    extra.push(comments.next_cursor ? '100+ comments' : count(n, 'comment'));
    facts.splice(1, 0, ...extra.filter(Boolean));
    line.textContent = facts.join(' · ');
  } catch {
    /* counts are decoration */
  }
}

async function loadInto(list, more, workspace, cursor) {
  const params = new URLSearchParams({ limit: '24' });
  if (workspace) params.set('workspace_id', workspace.id);
  if (cursor) params.set('cursor', cursor);
  const page = await get(`/api/videos?${params}`);
  for (const video of page.videos) list.append(videoCard(video));
  more.hidden = !page.next_cursor;
  more.onclick = () => loadInto(list, more, workspace, page.next_cursor);
  return page;
}

export async function render(root, { user }) {
  if (!user) return requireLogin();
  const list = h('ul', { class: 'video-grid', 'aria-label': 'Videos' });
  const more = h('button', { class: 'button', type: 'button', hidden: true }, 'Show more');
  const empty = h('p', { class: 'empty', hidden: true }, 'No videos yet. ', h('a', { href: '/record' }, 'Record your first update'), '.');
  const show = async (workspace) => {
    list.replaceChildren();
    const page = await loadInto(list, more, workspace);
    empty.hidden = page.videos.length > 0;
  };
  replace(
    root,
    h(
      'div',
      { class: 'page-head' },
      h('h1', {}, 'Your videos'),
      workspaceSwitcher(user, show),
      h('a', { class: 'button primary', href: '/record' }, 'Record a video'),
    ),
    empty,
    list,
    more,
  );
  await show(currentWorkspace(user));
}
