// Settings: the workspace (its spoken language, members, invitations, webhooks; owners
// manage, members see), then your account (API tokens, password, sessions).
import { h, replace, toast, copyText } from '../lib/dom.js';
import { get, post, patch, del, requireLogin } from '../lib/api.js';
import { loadLanguages, languageOptions, languageName } from '../lib/languages.js';
import { relativeTime } from '../lib/time.js';
import { currentWorkspace } from '../lib/workspace.js';
import { workspaceSwitcher } from '../lib/workspace-switcher.js';
import { accountSections } from './account-settings.js';

const WEBHOOK_EVENTS = ['video.ready', 'comment.created', 'reaction.created'];

function section(id, heading, ...body) {
  return h('section', { class: 'card', 'aria-labelledby': id }, h('h2', { id }, heading), body);
}

const choiceName = (code) => (code === 'auto' ? 'Detect automatically' : languageName(code) || code);

/** What the workspace's videos are transcribed in, unless a video says otherwise. */
async function languageSection(ws) {
  const heading = 'Spoken language';
  const about = h('p', { class: 'muted' }, 'New videos are transcribed in this language unless their owner picks another one.');
  if (ws.role !== 'owner') {
    return section('language-heading', heading, about,
      h('p', { id: 'workspace-language' }, `Default spoken language: ${choiceName(ws.default_language || 'auto')} (set by the workspace owners).`));
  }
  const select = h('select', { id: 'workspace-language' });
  const error = h('p', { class: 'form-error', role: 'alert' });
  const leading = [['auto', 'Detect automatically']];
  try {
    replace(select, languageOptions(h, await loadLanguages(), leading, ws.default_language || 'auto'));
  } catch (err) {
    replace(select, languageOptions(h, [], leading, ws.default_language || 'auto'));
    error.textContent = `Languages could not be loaded: ${err.message}`;
  }
  const save = h('button', { type: 'submit', class: 'button' }, 'Save default language');
  const form = h('form', { class: 'form-row' }, h('label', { for: 'workspace-language' }, 'Default spoken language'), select, save);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.textContent = '';
    save.disabled = true;
    try {
      const updated = await patch(`/api/workspaces/${ws.id}`, { default_language: select.value });
      ws.default_language = updated.default_language;
      toast('Default language saved');
    } catch (err) {
      error.textContent = `Not saved: ${err.message}`;
    } finally {
      save.disabled = false;
    }
  });
  return section('language-heading', heading, about, form, error);
}

async function membersSection(ws, user) {
  const list = h('ul', { class: 'plain-list', id: 'members' });
  const load = async () => {
    const { members } = await get(`/api/workspaces/${ws.id}/members`);
    replace(list, members.map((m) => {
      const self = m.user.id === user.id;
      const canRemove = ws.role === 'owner' ? !self : self;
      return h('li', {},
        h('strong', {}, m.user.name), ` ${m.user.email || ''} · ${m.role}`,
        canRemove && !ws.personal
          ? h('button', { type: 'button', class: 'link-button', onclick: async () => {
              if (!confirm(self ? 'Leave this workspace?' : `Remove ${m.user.name}?`)) return;
              await del(`/api/workspaces/${ws.id}/members/${m.user.id}`).catch((e) => toast(e.message));
              self ? location.assign('/') : load();
            } }, self ? 'Leave' : 'Remove')
          : null);
    }));
  };
  await load().catch((e) => replace(list, h('li', { class: 'muted' }, e.message)));
  return section('members-heading', 'Members', list);
}

async function invitesSection(ws) {
  const list = h('ul', { class: 'plain-list', id: 'invites' });
  const created = h('div', { role: 'status' });
  const role = h('select', { id: 'invite-role' }, h('option', { value: 'member' }, 'Member'), h('option', { value: 'owner' }, 'Owner'));
  const load = async () => {
    const { invites } = await get(`/api/workspaces/${ws.id}/invites`);
    replace(list, invites.length ? invites.map((i) => h('li', {}, `${i.role} invite, expires ${relativeTime(i.expires_at)} `,
      h('button', { type: 'button', class: 'link-button', onclick: async () => {
        await del(`/api/workspaces/${ws.id}/invites/${i.id}`).catch((e) => toast(e.message));
        load();
      } }, 'Revoke'))) : h('li', { class: 'muted' }, 'No open invitations.'));
  };
  const form = h('form', { class: 'form-row' }, h('label', { for: 'invite-role' }, 'Invite as'), role, h('button', { type: 'submit', class: 'button primary' }, 'Create invite link'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const invite = await post(`/api/workspaces/${ws.id}/invites`, { role: role.value });
      const input = h('input', { type: 'text', readonly: true, id: 'invite-link', value: new URL(invite.url, location.origin).href, 'aria-label': 'Invite link' });
      replace(created, h('p', {}, 'Send this link to your teammate (shown once):'), h('div', { class: 'input-with-button' }, input, h('button', { type: 'button', class: 'button', onclick: () => copyText(input.value, input) }, 'Copy')));
      load();
    } catch (err) {
      toast(err.message);
    }
  });
  await load().catch((e) => replace(list, h('li', { class: 'muted' }, e.message)));
  return section('invites-heading', 'Invitations', form, created, list);
}

async function webhooksSection(ws) {
  const list = h('ul', { class: 'plain-list', id: 'webhooks' });
  const secret = h('div', { role: 'status' });
  const url = h('input', { type: 'url', id: 'webhook-url', required: true, placeholder: 'https://example.com/hooks/briefly' });
  const boxes = WEBHOOK_EVENTS.map((ev) => h('label', { class: 'choice' }, h('input', { type: 'checkbox', value: ev, checked: true }), ev));
  const load = async () => {
    const { webhooks } = await get(`/api/workspaces/${ws.id}/webhooks`);
    replace(list, webhooks.length ? webhooks.map((w) => {
      const deliveries = h('ul', { class: 'deliveries' });
      return h('li', {}, h('code', {}, w.url), ` · ${w.events.join(', ')} `,
        h('button', { type: 'button', class: 'link-button', onclick: async () => {
          const { deliveries: items } = await get(`/api/workspaces/${ws.id}/webhooks/${w.id}/deliveries`);
          replace(deliveries, items.length ? items.map((d) => h('li', {}, `${d.event}: ${d.status} (${d.attempts} attempt${d.attempts === 1 ? '' : 's'}${d.response_status ? `, HTTP ${d.response_status}` : ''}${d.error ? `, ${d.error}` : ''}) ${relativeTime(d.created_at)}`)) : h('li', { class: 'muted' }, 'No deliveries yet.'));
        } }, 'Deliveries'),
        ' ',
        h('button', { type: 'button', class: 'link-button', onclick: async () => {
          if (!confirm('Delete this webhook?')) return;
          await del(`/api/workspaces/${ws.id}/webhooks/${w.id}`).catch((e) => toast(e.message));
          load();
        } }, 'Delete'),
        deliveries);
    }) : h('li', { class: 'muted' }, 'No webhooks.'));
  };
  const form = h('form', {}, h('div', { class: 'field' }, h('label', { for: 'webhook-url' }, 'Endpoint URL'), url),
    h('fieldset', { class: 'choices' }, h('legend', {}, 'Events'), boxes),
    h('button', { type: 'submit', class: 'button primary' }, 'Add webhook'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const events = boxes.map((b) => b.querySelector('input')).filter((i) => i.checked).map((i) => i.value);
      const hook = await post(`/api/workspaces/${ws.id}/webhooks`, { url: url.value, events });
      replace(secret, h('p', {}, 'Signing secret (shown once): ', h('code', {}, hook.secret)));
      url.value = '';
      load();
    } catch (err) {
      toast(err.message);
    }
  });
  await load().catch((e) => replace(list, h('li', { class: 'muted' }, e.status === 404 ? 'Webhooks are not available on this server.' : e.message)));
  return section('webhooks-heading', 'Webhooks', form, secret, list);
}

function newWorkspaceSection() {
  const name = h('input', { id: 'new-workspace', required: true, maxlength: 100 });
  const form = h('form', { class: 'form-row' }, h('label', { for: 'new-workspace' }, 'Name'), name, h('button', { type: 'submit', class: 'button' }, 'Create workspace'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const ws = await post('/api/workspaces', { name: name.value.trim() });
      localStorage.setItem('briefly.workspace', ws.id);
      location.assign(`/settings?workspace=${ws.id}`);
    } catch (err) {
      toast(err.message);
    }
  });
  return section('new-ws-heading', 'New team workspace', form);
}

export async function render(root, { user }) {
  if (!user) return requireLogin();
  const draw = async (ws) => {
    const parts = [h('div', { class: 'page-head' }, h('h1', {}, `Workspace: ${ws.name}`), workspaceSwitcher(user, draw))];
    parts.push(await languageSection(ws));
    parts.push(await membersSection(ws, user));
    if (ws.role === 'owner' && !ws.personal) parts.push(await invitesSection(ws));
    if (ws.role === 'owner') parts.push(await webhooksSection(ws));
    parts.push(newWorkspaceSection());
    parts.push(...(await accountSections()));
    replace(root, parts);
  };
  const ws = currentWorkspace(user);
  if (!ws) return replace(root, h('p', {}, 'You have no workspace.'), ...(await accountSections()));
  await draw(ws);
}
