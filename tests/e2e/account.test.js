// Account security in real Chromium against the real server: `?next=` after sign-in stays
// on this origin whatever the browser's URL parser makes of it (backslash, tab, newline,
// encoded variants), and the settings page manages API tokens, the password and sessions
// from the keyboard.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { startServer } from './support/server.js';
import { newUserContext } from './support/browser.js';
import { ARTIFACTS, screenshot } from './support/artifacts.js';

const PASSWORD = 'correct horse battery';
let server;
let browser;
let alice;
const email = `alice-account-${Date.now()}@example.test`;

before(async () => {
  server = await startServer({ artifactsDir: ARTIFACTS });
  browser = await chromium.launch({ executablePath: process.env.BRIEFLY_CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  alice = await newUserContext(browser, server.base, { name: 'Alice Account', email });
});

after(async () => {
  await alice?.context.close();
  await browser?.close();
  await server?.stop();
});

/** A fresh browser signs in at `/login?<query>`; returns the URL it ends up on. Requests to
 * evil.example are answered locally, so an off-site redirect shows without leaving the machine. */
async function signInWithQuery(query, password = PASSWORD) {
  const context = await browser.newContext({ baseURL: server.base });
  await context.route((url) => url.hostname.endsWith('evil.example'), (route) =>
    route.fulfill({ status: 200, contentType: 'text/html', body: '<h1>evil</h1>' }));
  const page = await context.newPage();
  await page.goto(`/login?${query}`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.origin !== server.base || url.pathname !== '/login', { timeout: 15000 });
  const landed = new URL(page.url());
  await context.close();
  return landed;
}

test('?next= after sign-in never leaves the origin: backslash, tab, newline and encoded variants', async () => {
  const attacks = [
    'next=/%5Cevil.example/', // "/\evil.example/": the parser reads "\" as "/"
    'next=/%5C%5Cevil.example/',
    'next=/%09/evil.example/', // "/<tab>/evil.example/": the tab is dropped
    'next=/%0A/evil.example/', // newline, likewise
    'next=%2F%2Fevil.example%2F', // "//evil.example/", encoded
    'next=https://evil.example/',
  ];
  for (const query of attacks) {
    const landed = await signInWithQuery(query);
    assert.equal(landed.origin, server.base, `/login?${query} sent the browser to ${landed.href}`);
    assert.equal(landed.pathname, '/', `/login?${query} falls back to the home page`);
  }
  // A real same-origin path (with its query) is still followed.
  const landed = await signInWithQuery(`next=${encodeURIComponent('/search?q=hello')}`);
  assert.equal(landed.href, `${server.base}/search?q=hello`);
});

test('safeNext judges the parsed URL, not the string', async () => {
  const page = await browser.newPage({ baseURL: server.base });
  await page.goto('/login');
  const results = await page.evaluate(async () => {
    const { safeNext } = await import('/assets/pages/auth-form.js');
    const raw = ['/\\evil.example/', '/\t/evil.example/', '/\n/evil.example/', '/\r\n/evil.example', '//evil.example/',
      '/%5Cevil.example', '/.//evil.example', 'javascript:alert(1)', 'https://evil.example/', ' /evil', '/\u0000x',
      '/v/abc?t=5#c', '/search?q=%2F%2Fx'];
    return Object.fromEntries(raw.map((r) => [r, safeNext(r)]));
  });
  await page.close();
  const home = `${server.base}/`;
  for (const [raw, result] of Object.entries(results)) {
    assert.equal(new URL(result).origin, server.base, `${JSON.stringify(raw)} -> ${result}`);
  }
  for (const raw of ['/\\evil.example/', '/\t/evil.example/', '/\n/evil.example/', '/\r\n/evil.example', '//evil.example/', 'javascript:alert(1)', 'https://evil.example/', ' /evil', '/\u0000x']) {
    assert.equal(results[raw], home, JSON.stringify(raw));
  }
  // Encoded characters stay encoded in the path: same origin, nothing decoded twice.
  assert.equal(results['/%5Cevil.example'], `${server.base}/%5Cevil.example`);
  assert.equal(results['/.//evil.example'], `${server.base}//evil.example`);
  assert.equal(results['/v/abc?t=5#c'], `${server.base}/v/abc?t=5#c`);
  assert.equal(results['/search?q=%2F%2Fx'], `${server.base}/search?q=%2F%2Fx`);
});

/** `GET /api/me` from `page`, with a bearer token if given: the status. */
const meStatus = (page, token) => page.evaluate(async (t) => (await fetch('/api/me', t ? { headers: { Authorization: `Bearer ${t}` } } : {})).status, token);

test('settings: create, see and revoke an API token from the keyboard', async () => {
  const { page } = alice;
  page.on('dialog', (dialog) => dialog.accept());
  await page.goto('/settings');
  await page.getByRole('heading', { name: 'API tokens' }).waitFor();
  await page.locator('#tokens', { hasText: 'No API tokens.' }).waitFor();
  await page.getByLabel('Token used for').focus();
  await page.keyboard.type('deploy script');
  await page.getByLabel('Expires').selectOption('7');
  await page.getByLabel('Token used for').press('Enter');
  const secret = page.locator('#token-secret');
  await secret.waitFor();
  const token = await secret.inputValue();
  assert.match(token, /^bfy_/);
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'token-secret', 'the new token has the focus');
  const item = page.locator('#tokens li', { hasText: 'deploy script' });
  await item.waitFor();
  assert.match(await item.innerText(), /never used/);
  assert.match(await item.innerText(), /expires in 7 days/);
  assert.equal(await meStatus(page, token), 200);

  await page.reload();
  await page.locator('#tokens li', { hasText: 'deploy script' }).waitFor();
  assert.match(await page.locator('#tokens li', { hasText: 'deploy script' }).innerText(), /last used/);
  assert.ok(!(await page.locator('#tokens').innerText()).includes(token), 'the list never shows the secret');
  await screenshot(page, '30-settings-account');

  await page.getByRole('button', { name: 'Revoke token deploy script' }).focus();
  await page.keyboard.press('Enter');
  await page.locator('#tokens', { hasText: 'No API tokens.' }).waitFor();
  assert.equal(await meStatus(page, token), 401, 'a revoked token stops working');
});

test('settings: password change signs out the other sessions, sign out everywhere signs out all', async () => {
  const { page } = alice;
  const laptop = await browser.newContext({ baseURL: server.base });
  const laptopPage = await laptop.newPage();
  await laptopPage.goto('/login');
  await laptopPage.getByLabel('Email').fill(email);
  await laptopPage.getByLabel('Password').fill(PASSWORD);
  await laptopPage.getByRole('button', { name: 'Sign in' }).click();
  await laptopPage.waitForURL(`${server.base}/`);
  assert.equal(await meStatus(laptopPage), 200);

  await page.goto('/settings');
  await page.getByLabel('Current password').focus();
  await page.keyboard.type('not my password');
  await page.keyboard.press('Tab');
  await page.keyboard.type('a brand new secret');
  await page.keyboard.press('Enter');
  await page.locator('#password-error', { hasText: 'The current password is wrong.' }).waitFor();
  assert.equal(await meStatus(laptopPage), 200, 'a wrong current password changes nothing');

  await page.getByLabel('Current password').fill(PASSWORD);
  await page.getByLabel('New password').fill('a brand new secret');
  await page.getByLabel('New password').press('Enter');
  await page.locator('#password-status', { hasText: 'Password changed' }).waitFor();
  assert.equal(await meStatus(page), 200, 'this session stays signed in');
  assert.equal(await meStatus(laptopPage), 401, 'the other session is over');

  // The laptop signs in with the new password; then "Sign out everywhere" ends both.
  await laptopPage.goto('/login');
  await laptopPage.getByLabel('Email').fill(email);
  await laptopPage.getByLabel('Password').fill('a brand new secret');
  await laptopPage.getByRole('button', { name: 'Sign in' }).click();
  await laptopPage.waitForURL(`${server.base}/`);
  await page.getByRole('button', { name: 'Sign out everywhere' }).focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/login$/);
  assert.equal(await meStatus(page), 401);
  assert.equal(await meStatus(laptopPage), 401, 'every session is over');
  await laptop.close();
});
