// Shared sign-up / sign-in form: labelled fields, inline error, redirect to ?next=.
import { h, replace } from '../lib/dom.js';
import { post } from '../lib/api.js';

/**
 * Where `?next=` may send someone after signing in: a path on this origin, judged after
 * the browser's own URL parsing, which is what `location.assign` will follow. A string
 * check alone is not enough: the parser turns `\` into `/` and drops tabs and newlines,
 * so `/\evil.example/` and `/<tab>/evil.example/` become `//evil.example/`, and
 * dot segments can make `/.//evil.example` a path starting with `//`. Returns an absolute
 * same-origin URL (never a path to be parsed again), or the home page.
 */
export function safeNext(raw, origin = location.origin) {
  const home = new URL('/', origin).href;
  // Nothing this app links to has these; a browser would silently rewrite or drop them.
  if (typeof raw !== 'string' || !raw.startsWith('/') || /[\\\u0000-\u001f\u007f]/.test(raw)) return home;
  let url;
  try {
    url = new URL(raw, origin);
  } catch {
    return home;
  }
  if (url.origin !== origin || url.username || url.password) return home;
  return url.href;
}

/** The `?next=` of this page, made safe. */
export function nextPath() {
  return safeNext(new URLSearchParams(location.search).get('next') || '/');
}

/** `page` (the other auth page) carrying this page's `?next=` along; judged again there. */
export function withNext(page) {
  const url = new URL(nextPath());
  const path = url.pathname + url.search + url.hash;
  return path === '/' ? page : `${page}?next=${encodeURIComponent(path)}`;
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
