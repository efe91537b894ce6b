// Your account, on the settings page: API tokens (create, list, revoke), password change,
// sign out everywhere. Plain forms and buttons, so all of it works from the keyboard.
import { h, replace, toast, copyText } from '../lib/dom.js';
import { get, post, del } from '../lib/api.js';
import { relativeTime } from '../lib/time.js';

const EXPIRY_CHOICES = [['', 'Never'], ['7', 'In 7 days'], ['30', 'In 30 days'], ['90', 'In 90 days'], ['365', 'In a year']];

function section(id, heading, ...body) {
  return h('section', { class: 'card', 'aria-labelledby': id }, h('h2', { id }, heading), body);
}

function tokenLine(token, onRevoke) {
  const expired = token.expires_at && Date.parse(token.expires_at) <= Date.now();
  const facts = [
    `created ${relativeTime(token.created_at)}`,
    token.last_used_at ? `last used ${relativeTime(token.last_used_at)}` : 'never used',
    token.expires_at ? `${expired ? 'expired' : 'expires'} ${relativeTime(token.expires_at)}` : 'never expires',
  ];
  return h('li', { dataset: { tokenId: token.id } },
    h('strong', {}, token.name), ` · ${facts.join(' · ')} `,
    h('button', { type: 'button', class: 'link-button', 'aria-label': `Revoke token ${token.name}`, onclick: onRevoke }, 'Revoke'));
}

async function tokensSection() {
  const list = h('ul', { class: 'plain-list', id: 'tokens' });
  const created = h('div', { role: 'status', id: 'token-created' });
  const name = h('input', { id: 'token-name', required: true, maxlength: 100, autocomplete: 'off' });
  const expiry = h('select', { id: 'token-expiry' }, EXPIRY_CHOICES.map(([value, label]) => h('option', { value }, label)));
  const load = async () => {
    const { tokens } = await get('/api/tokens');
    replace(list, tokens.length ? tokens.map((t) => tokenLine(t, async () => {
      if (!confirm(`Revoke the token "${t.name}"? Scripts using it stop working at once.`)) return;
      try {
        await del(`/api/tokens/${t.id}`);
        toast(`Revoked ${t.name}`);
      } catch (err) {
        toast(err.message);
      }
      await load();
      document.getElementById('token-name')?.focus();
    })) : h('li', { class: 'muted' }, 'No API tokens.'));
  };
  const form = h('form', { class: 'form-row' },
    h('label', { for: 'token-name' }, 'Token used for'), name,
    h('label', { for: 'token-expiry' }, 'Expires'), expiry,
    h('button', { type: 'submit', class: 'button primary' }, 'Create token'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const body = { name: name.value.trim() };
      if (expiry.value) body.expires_in_days = Number(expiry.value);
      const token = await post('/api/tokens', body);
      const input = h('input', { type: 'text', readonly: true, id: 'token-secret', value: token.token, 'aria-label': 'New API token' });
      replace(created, h('p', {}, 'Your new token (shown once; send it as "Authorization: Bearer ..."):'),
        h('div', { class: 'input-with-button' }, input, h('button', { type: 'button', class: 'button', onclick: () => copyText(input.value, input) }, 'Copy')));
      name.value = '';
      await load();
      input.focus();
      input.select();
    } catch (err) {
      toast(err.message);
    }
  });
  await load().catch((e) => replace(list, h('li', { class: 'muted' }, e.message)));
  return section('tokens-heading', 'API tokens',
    h('p', { class: 'muted' }, 'For scripts and the command line. A token works until you revoke it or it expires; signing out does not end it.'),
    form, created, list);
}

function passwordSection() {
  const current = h('input', { id: 'current-password', type: 'password', required: true, autocomplete: 'current-password' });
  const next = h('input', { id: 'new-password', type: 'password', required: true, minlength: 8, autocomplete: 'new-password' });
  const error = h('p', { class: 'form-error', role: 'alert', id: 'password-error' });
  const done = h('p', { role: 'status', id: 'password-status' });
  const form = h('form', { 'aria-describedby': 'password-error' },
    h('div', { class: 'field' }, h('label', { for: 'current-password' }, 'Current password'), current),
    h('div', { class: 'field' }, h('label', { for: 'new-password' }, 'New password (at least 8 characters)'), next),
    error, done,
    h('button', { type: 'submit', class: 'button primary' }, 'Change password'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.textContent = '';
    done.textContent = '';
    try {
      await post('/api/auth/password', { current_password: current.value, new_password: next.value });
      current.value = '';
      next.value = '';
      done.textContent = 'Password changed. Your other sessions were signed out; this one stays signed in.';
    } catch (err) {
      error.textContent = err.code === 'wrong_password' ? 'The current password is wrong.' : err.message;
      current.focus();
    }
  });
  return section('password-heading', 'Password',
    h('p', { class: 'muted' }, 'Changing it signs out every other session. API tokens keep working.'), form);
}

function sessionsSection() {
  const button = h('button', { type: 'button', class: 'button', id: 'logout-everywhere', onclick: async () => {
    if (!confirm('Sign out of every browser and device, this one included?')) return;
    try {
      await post('/api/auth/logout-everywhere');
      location.assign('/login');
    } catch (err) {
      toast(err.message);
    }
  } }, 'Sign out everywhere');
  return section('sessions-heading', 'Sessions',
    h('p', { class: 'muted' }, 'Ends every session of yours, on every device. API tokens keep working: revoke them above.'), button);
}

/** The account sections, in page order. */
export async function accountSections() {
  return [h('h1', { id: 'account-heading' }, 'Your account'), await tokensSection(), passwordSection(), sessionsSection()];
}
