import { h, replace } from '../lib/dom.js';

export function render(root) {
  replace(root, h('div', { class: 'card narrow' }, h('h1', {}, 'Page not found'), h('p', {}, h('a', { href: '/' }, 'Back to your videos'))));
}
