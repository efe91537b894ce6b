// Recordings a reload or closed tab interrupted: their chunks are still in IndexedDB.
// They are sent on, and the video completed with what was recorded.
import { h, replace } from '../lib/dom.js';
import { UploadSession } from './upload-session.js';

export async function leftoverPanel(container, userId) {
  let sessions;
  try {
    sessions = await UploadSession.leftovers(userId);
  } catch {
    return;
  }
  if (!sessions.length) return;
  const list = h('ul', {});
  replace(container, h('section', { class: 'notice', role: 'status' }, h('p', {}, 'Finishing recordings that were interrupted:'), list));
  for (const session of sessions) {
    const state = h('span', {}, 'sending…');
    list.append(h('li', {}, h('a', { href: `/v/${session.videoId}` }, `Recording ${session.videoId}`), ' — ', state));
    session.onstate = ({ pendingChunks, offline, complete, error }) => {
      state.textContent = error ? `problem: ${error}` : complete ? 'done' : offline ? 'offline, retrying…' : `${pendingChunks} pieces left`;
    };
    session.finish().catch(() => {});
  }
}
