import { h } from '../lib/dom.js';
import { authForm, withNext } from './auth-form.js';

export function render(root) {
  authForm(root, {
    heading: 'Create your Briefly account',
    fields: [
      ['name', 'Your name', 'text', 'name'],
      ['email', 'Email', 'email', 'email'],
      ['password', 'Password (at least 8 characters)', 'password', 'new-password', { minlength: 8 }],
    ],
    submitLabel: 'Sign up',
    endpoint: '/api/auth/signup',
    footer: h('p', {}, 'Already have an account? ', h('a', { href: withNext('/login') }, 'Sign in')),
  });
}
