// Entry point: draws the top bar, then loads the module for this page (named by the
// server in <body data-page>).
import { h, replace } from './lib/dom.js';
import { me, post } from './lib/api.js';

const PAGES = {
  library: './pages/library.js',
  signup: './pages/signup.js',
  login: './pages/login.js',
  record: './pages/record.js',
  watch: './pages/watch.js',
  search: './pages/search.js',
  settings: './pages/settings.js',
  invite: './pages/invite.js',
  'not-found': './pages/not-found.js',
};

async function drawTopbar(user) {
  const bar = document.getElementById('topbar');
  const query = new URLSearchParams(location.search).get('q') || '';
  const search = h(
    'form',
    { class: 'topbar-search', role: 'search', action: '/search', method: 'get' },
    h('label', { for: 'topbar-q', class: 'visually-hidden' }, 'Search videos and transcripts'),
    h('input', { id: 'topbar-q', name: 'q', type: 'search', placeholder: 'Search what was said…', value: query }),
  );
  const right = user
    ? [
        h('a', { class: 'button primary', href: '/record' }, 'Record'),
        h('a', { href: '/settings' }, 'Workspace'),
        h(
          'button',
          {
            class: 'link-button',
            type: 'button',
            onclick: async () => {
              await post('/api/auth/logout').catch(() => {});
              location.assign('/login');
            },
          },
          'Sign out',
        ),
        h('span', { class: 'topbar-user', title: user.email }, user.name),
      ]
    : [h('a', { href: '/login' }, 'Sign in'), h('a', { class: 'button primary', href: '/signup' }, 'Sign up')];
  replace(
    bar,
    h('a', { class: 'brand', href: '/' }, h('img', { src: '/assets/icon.svg', alt: '', width: 24, height: 24 }), 'Briefly'),
    user ? search : null,
    h('nav', { class: 'topbar-nav', 'aria-label': 'Account' }, right),
  );
}

async function main() {
  const page = document.body.dataset.page;
  const embed = new URLSearchParams(location.search).get('embed') === '1';
  // Fetch the page's code while asking who is signed in: the share page opened at the
  // end of a recording should start playing as soon as possible.
  const modulePromise = import(PAGES[page] || PAGES['not-found']);
  const user = await me().catch(() => null);
  if (embed) document.body.classList.add('embed');
  else drawTopbar(user);
  const module = await modulePromise;
  const root = document.getElementById('main');
  try {
    await module.render(root, { user, embed });
  } catch (err) {
    console.error(err);
    replace(root, h('div', { class: 'notice error', role: 'alert' }, `Something went wrong: ${err.message}`));
  }
}

main();
