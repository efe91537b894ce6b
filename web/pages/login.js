import { h } from '../lib/dom.js';
import { authForm, withNext } from './auth-form.js';

export function render(root) {
  authForm(root, {
    heading: 'Sign in to Briefly',
    fields: [
      ['email', 'Email', 'email', 'email'],
      ['password', 'Password', 'password', 'current-password'],
    ],
    submitLabel: 'Sign in',
    endpoint: '/api/auth/login',
    footer: h('p', {}, 'New here? ', h('a', { href: withNext('/signup') }, 'Create an account')),
  });
}
