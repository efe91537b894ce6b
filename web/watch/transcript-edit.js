// Correcting one transcript line in place (managers): the line's text becomes a text box
// with Save and Cancel; Enter saves, Escape cancels. The server's answer replaces the line.
import { h, replace } from '../lib/dom.js';
import { get, patch } from '../lib/api.js';
import { formatTime } from '../lib/time.js';

const when = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' });

/** "Edited by Alice on 5 May 2025, 10:03", from what the server knows of the edit. */
export function editedTitle(segment, nameOf) {
  const who = segment.edited_by ? nameOf(segment.edited_by) : null;
  const at = segment.edited_at ? new Date(segment.edited_at) : null;
  return ['Edited', who ? `by ${who}` : '', at && !Number.isNaN(at.getTime()) ? `on ${when.format(at)}` : ''].filter(Boolean).join(' ');
}

/** Names of the workspace's members by user id, for "edited by"; empty when not allowed. */
export async function memberNames(workspaceId, user) {
  const names = new Map(user ? [[user.id, user.name]] : []);
  if (!workspaceId) return names;
  try {
    const { members } = await get(`/api/workspaces/${encodeURIComponent(workspaceId)}/members`);
    for (const m of members) names.set(m.user.id, m.user.name);
  } catch {
    /* a manager outside the workspace: names stay unknown */
  }
  return names;
}

/**
 * Open the editor on a line: `textEl` (the line's text) is hidden while the form shows.
 * `onsaved(segment)` gets the corrected segment; `onclose()` runs when the form goes.
 */
export function openLineEditor({ videoId, index, segment, textEl, after, onsaved, onclose }) {
  const at = formatTime(segment.start_ms);
  const input = h('textarea', { class: 'line-edit-input', rows: 2, maxlength: 2000, 'aria-label': `Text of line at ${at}`, value: segment.text.trim() });
  const error = h('p', { class: 'form-error', role: 'alert' });
  const save = h('button', { type: 'submit', class: 'button primary small' }, 'Save');
  const cancel = h('button', { type: 'button', class: 'button small' }, 'Cancel');
  const form = h('form', { class: 'line-edit' }, input, h('div', { class: 'button-row' }, save, cancel), error);

  const close = () => {
    form.remove();
    textEl.hidden = false;
    onclose();
  };
  const submit = async () => {
    save.disabled = true;
    replace(error);
    try {
      const corrected = await patch(`/api/videos/${encodeURIComponent(videoId)}/transcript/segments/${index}`, { text: input.value });
      form.remove();
      textEl.hidden = false;
      onsaved(corrected);
      onclose();
    } catch (err) {
      // The line keeps its old text; the typed one stays in the box to fix.
      error.textContent = `Not saved: ${err.message}`;
      save.disabled = false;
      input.focus();
    }
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    submit();
  });
  cancel.addEventListener('click', close);
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      if (!save.disabled) submit();
    } else if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      close();
    }
  });
  textEl.hidden = true;
  after.after(form);
  input.focus();
  input.select();
}
