// Controls for the video's managers: rename, visibility, language (`extra`, drawn by
// language.js), delete, and who has watched.
import { h, replace, toast } from '../lib/dom.js';
import { get, patch, del } from '../lib/api.js';
import { formatTime, relativeTime } from '../lib/time.js';

export function ownerPanel(video, onupdate, extra = null) {
  const title = h('input', { id: 'owner-title', type: 'text', value: video.title, maxlength: 200 });
  const visibility = h(
    'select',
    { id: 'owner-visibility' },
    [['private', 'Workspace members only'], ['unlisted', 'Anyone with the link'], ['public', 'Public']].map(([v, label]) =>
      h('option', { value: v, selected: video.visibility === v }, label)),
  );
  const save = async (changes) => {
    try {
      onupdate(await patch(`/api/videos/${video.id}`, changes));
      toast('Saved');
    } catch (err) {
      toast(err.message);
    }
  };
  const renameForm = h('form', { class: 'field' },
    h('label', { for: 'owner-title' }, 'Title'),
    h('div', { class: 'input-with-button' }, title, h('button', { type: 'submit', class: 'button' }, 'Rename')));
  renameForm.addEventListener('submit', (e) => {
    e.preventDefault();
    save({ title: title.value.trim() });
  });
  visibility.addEventListener('change', () => save({ visibility: visibility.value }));
  const remove = h('button', { type: 'button', class: 'button danger', onclick: async () => {
    if (!confirm(`Delete “${video.title}” for everyone? This cannot be undone.`)) return;
    try {
      await del(`/api/videos/${video.id}`);
      location.assign('/');
    } catch (err) {
      toast(err.message);
    }
  } }, 'Delete video');
  const seenBy = h('div', { id: 'seen-by' }, h('p', { class: 'muted' }, 'Loading viewers…'));
  loadViewers(video.id, seenBy);
  return h('section', { class: 'card owner', 'aria-labelledby': 'owner-heading' },
    h('h2', { id: 'owner-heading' }, 'Manage'),
    renameForm,
    h('div', { class: 'field' }, h('label', { for: 'owner-visibility' }, 'Who can watch'), visibility),
    extra,
    remove,
    h('h3', {}, 'Seen by'),
    seenBy);
}

async function loadViewers(videoId, container) {
  try {
    const data = await get(`/api/videos/${videoId}/viewers`);
    const anon = data.anonymous_count ? h('p', { class: 'muted' }, `and ${data.anonymous_count} anonymous viewer${data.anonymous_count === 1 ? '' : 's'}`) : null;
    replace(container,
      data.viewers.length
        ? h('ul', { class: 'viewers' }, data.viewers.map((v) => h('li', {}, h('strong', {}, v.user.name), ` watched ${formatTime(v.watched_ms)}${v.completion_percent == null ? '' : ` (${Math.round(v.completion_percent)}%)`} · ${relativeTime(v.last_seen_at)}`)))
        : h('p', { class: 'muted' }, 'Nobody has watched yet.'),
      anon);
  } catch (err) {
    replace(container, h('p', { class: 'muted' }, err.status === 404 ? 'Viewer list not available.' : err.message));
  }
}
