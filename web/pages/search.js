// Search results grouped by video; each hit opens the video at the moment it was said.
import { h, replace } from '../lib/dom.js';
import { get, requireLogin } from '../lib/api.js';
import { formatTime } from '../lib/time.js';
import { snippetNodes } from '../lib/snippet.js';

const KIND_LABELS = { transcript: 'Said', title: 'Title', comment: 'Comment' };

function groupByVideo(hits) {
  const groups = new Map();
  for (const hit of hits) {
    if (!groups.has(hit.video_id)) groups.set(hit.video_id, { title: hit.title, hits: [] });
    groups.get(hit.video_id).hits.push(hit);
  }
  return [...groups.entries()];
}

function hitLink(videoId, hit) {
  const seconds = Math.floor((hit.start_ms || 0) / 1000);
  const timed = hit.kind !== 'title' && hit.start_ms != null;
  const href = timed ? `/v/${encodeURIComponent(videoId)}?t=${seconds}` : `/v/${encodeURIComponent(videoId)}`;
  return h(
    'li',
    { class: 'search-hit' },
    h(
      'a',
      { href, class: 'search-hit-link' },
      timed ? h('span', { class: 'timestamp' }, formatTime(hit.start_ms)) : null,
      h('span', { class: 'hit-kind' }, KIND_LABELS[hit.kind] || hit.kind),
      h('span', { class: 'snippet' }, snippetNodes(hit.snippet || '')),
    ),
  );
}

export async function render(root, { user }) {
  if (!user) return requireLogin();
  const q = (new URLSearchParams(location.search).get('q') || '').trim();
  const status = h('p', { role: 'status', class: 'muted' });
  const results = h('div', { class: 'search-results' });
  replace(root, h('h1', {}, q ? `Results for “${q}”` : 'Search'), status, results);
  if (!q) {
    status.textContent = 'Type words someone said, a title or a comment in the search box.';
    return;
  }
  status.textContent = 'Searching…';
  const { hits } = await get(`/api/search?${new URLSearchParams({ q, limit: '50' })}`);
  const groups = groupByVideo(hits);
  status.textContent = hits.length ? `${hits.length} match${hits.length === 1 ? '' : 'es'} in ${groups.length} video${groups.length === 1 ? '' : 's'}` : 'Nothing matched.';
  for (const [videoId, group] of groups) {
    results.append(
      h(
        'section',
        { class: 'card search-group' },
        h('h2', {}, h('a', { href: `/v/${encodeURIComponent(videoId)}` }, group.title)),
        h('ul', { class: 'search-hits' }, group.hits.map((hit) => hitLink(videoId, hit))),
      ),
    );
  }
}
