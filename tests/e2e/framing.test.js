// Clickjacking, in real Chromium: a page on another origin (localhost, not the server's
// 127.0.0.1) puts the app's watch page in an <iframe> — the browser refuses to show it
// (`frame-ancestors 'none'`, `X-Frame-Options: DENY`) — and the embeddable player that
// oEmbed hands out (`?embed=1`), which does load and render there.
import { test, before, after } from 'node:test';
import http from 'node:http';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from './support/server.js';
import { launchBrowser, newUserContext } from './support/browser.js';
import { speechWav } from './support/speech.js';
import { ARTIFACTS } from './support/artifacts.js';

let server;
let browser;
let attacker; // {server, origin}

function startAttackerSite(html) {
  return new Promise((resolve) => {
    const site = http.createServer((request, response) => {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(html());
    });
    site.listen(0, '127.0.0.1', () => resolve({ server: site, origin: `http://localhost:${site.address().port}` }));
  });
}

before(async () => {
  server = await startServer({ artifactsDir: ARTIFACTS });
  browser = await launchBrowser(speechWav(mkdtempSync(join(tmpdir(), 'briefly-e2e-fixtures-'))));
});

after(async () => {
  await browser?.close();
  await server?.stop();
  attacker?.server.close();
});

test('another site cannot frame the app, but can embed the player', async () => {
  const { context, page } = await newUserContext(browser, server.base, { name: 'Fran Frame', email: `fran-${Date.now()}@example.test` });
  const video = await page.evaluate(async () => {
    const response = await fetch('/api/videos', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Framed update', visibility: 'public' }),
    });
    return response.json();
  });
  assert.ok(video.id, JSON.stringify(video));
  const watch = `${server.base}/v/${video.id}`;
  const oembed = await (await fetch(`${server.base}/oembed?url=${encodeURIComponent(watch)}`)).json();
  const player = /src="([^"]+)"/.exec(oembed.html)[1].replaceAll('&amp;', '&');
  assert.equal(player, `${watch}?embed=1`);

  attacker = await startAttackerSite(() => `<!doctype html><title>Win a prize</title>
    <iframe id="app" src="${watch}" width="800" height="600"></iframe>
    <iframe id="player" src="${player}" width="640" height="360"></iframe>`);
  const visit = await context.newPage();
  const refusals = [];
  visit.on('console', (message) => {
    if (/frame-ancestors|X-Frame-Options/.test(message.text())) refusals.push(message.text());
  });
  await visit.goto(`${attacker.origin}/`);

  // The player loads on the other site and renders the video's embed layout.
  const playerFrame = await (await visit.waitForSelector('#player')).contentFrame();
  await playerFrame.waitForSelector('.watch.embed', { timeout: 15000 });
  assert.equal(new URL(playerFrame.url()).origin, server.base);

  // The full watch page (share box, comments, owner controls) does not.
  const appFrame = await (await visit.waitForSelector('#app')).contentFrame();
  await visit.waitForTimeout(1000);
  const rendered = await appFrame.evaluate(() => Boolean(document.querySelector('.watch'))).catch(() => false);
  assert.equal(rendered, false, 'the framed watch page must not render');
  assert.notEqual(appFrame.url(), watch, `the frame was replaced by an error page, not ${appFrame.url()}`);
  // One refusal (Chromium names the origin, not the page): the app's frame, not the player's.
  assert.equal(refusals.length, 1, `Chromium reports one refusal: ${JSON.stringify(refusals)}`);
  assert.ok(refusals[0].includes(server.base) && refusals[0].includes("frame-ancestors 'none'"), refusals[0]);
  await visit.screenshot({ path: join(ARTIFACTS, '40-framing.png'), fullPage: true });
  await context.close();
});
