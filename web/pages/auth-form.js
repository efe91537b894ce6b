// Shared sign-up / sign-in form: labelled fields, inline error, redirect to ?next=.
import { h, replace } from '../lib/dom.js';
import { post } from '../lib/api.js';

/** Only same-site paths are followed after signing in. */
export function nextPath() {
  const next = new URLSearchParams(location.search).get('next') || '/';
  return next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export function authForm(root, { heading, fields, submitLabel, endpoint, footer }) {
  const error = h('p', { class: 'form-error', role: 'alert', id: 'auth-error' });
  const inputs = {};
  const form = h(
    'form',
    { class: 'card narrow', 'aria-describedby': 'auth-error' },
    h('h1', {}, heading),
    fields.map(([name, label, type, autocomplete, extra = {}]) => {
      inputs[name] = h('input', { id: `f-${name}`, name, type, autocomplete, required: true, ...extra });
      return h('div', { class: 'field' }, h('label', { for: `f-${name}` }, label), inputs[name]);
    }),
    error,
    h('button', { class: 'button primary', type: 'submit' }, submitLabel),
    footer,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    const body = Object.fromEntries(Object.entries(inputs).map(([k, input]) => [k, input.value]));
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      await post(endpoint, body);
      location.assign(nextPath());
    } catch (err) {
      error.textContent = err.message;
      button.disabled = false;
    }
  });
  replace(root, form);
  inputs[fields[0][0]].focus();
}
