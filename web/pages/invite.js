// Accepting an invitation link: sign in (or up) first, then join with one click.
import { h, replace } from '../lib/dom.js';
import { post, requireLogin } from '../lib/api.js';
import { rememberWorkspace } from '../lib/workspace.js';

export function render(root, { user }) {
  if (!user) return requireLogin();
  const token = decodeURIComponent(location.pathname.split('/')[2] || '');
  const error = h('p', { class: 'form-error', role: 'alert' });
  const join = h('button', { type: 'button', class: 'button primary', id: 'accept-invite' }, 'Join workspace');
  join.addEventListener('click', async () => {
    join.disabled = true;
    try {
      const ws = await post(`/api/invites/${encodeURIComponent(token)}/accept`);
      rememberWorkspace(ws.id);
      location.assign('/');
    } catch (err) {
      error.textContent = err.status === 410 ? 'This invitation has expired or was revoked. Ask for a new one.' : err.message;
      join.disabled = false;
    }
  });
  replace(root, h('div', { class: 'card narrow' }, h('h1', {}, 'You are invited to a Briefly workspace'), h('p', {}, `Signed in as ${user.name}.`), join, error));
  join.focus();
}
