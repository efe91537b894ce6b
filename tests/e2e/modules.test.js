// The app's small pure modules, exercised in the real browser they run in: time parsing and
// formatting, the search-snippet sanitiser, and storyboard parsing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { startServer } from './support/server.js';
import { ARTIFACTS } from './support/artifacts.js';

let server;
let browser;
let page;

before(async () => {
  server = await startServer({ artifactsDir: ARTIFACTS });
  browser = await chromium.launch({ executablePath: process.env.BRIEFLY_CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  page = await browser.newPage({ baseURL: server.base });
  await page.goto('/login');
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('?t= accepts seconds, 1m33s and 1:33; times format as m:ss', async () => {
  const result = await page.evaluate(async () => {
    const t = await import('/assets/lib/time.js');
    return {
      plain: t.parseStartTime('93'),
      units: t.parseStartTime('1m33s'),
      hours: t.parseStartTime('1h2m3s'),
      clock: t.parseStartTime('1:33'),
      junk: t.parseStartTime('soon'),
      empty: t.parseStartTime(''),
      short: t.formatTime(65000),
      long: t.formatTime(3723000),
    };
  });
  assert.deepEqual(result, { plain: 93000, units: 93000, hours: 3723000, clock: 93000, junk: null, empty: null, short: '1:05', long: '1:02:03' });
});

test('search snippets keep <mark> and nothing else', async () => {
  const html = await page.evaluate(async () => {
    const { snippetNodes } = await import('/assets/lib/snippet.js');
    const box = document.createElement('div');
    box.append(snippetNodes('we &lt;b&gt;moved&lt;/b&gt; the <mark>migration</mark> <img src=x onerror="window.pwned=1"><script>window.pwned=2</script><mark onclick="x()">again</mark>'));
    document.body.append(box);
    return { html: box.innerHTML, pwned: window.pwned ?? null };
  });
  assert.equal(html.pwned, null);
  assert.equal(html.html, 'we &lt;b&gt;moved&lt;/b&gt; the <mark>migration</mark> window.pwned=2<mark>again</mark>');
});

test('storyboard cues are parsed from the WebVTT thumbnails track', async () => {
  const cues = await page.evaluate(async () => {
    const { parseStoryboard, cueAt } = await import('/assets/lib/../watch/storyboard.js');
    const vtt = 'WEBVTT\n\n00:00:00.000 --> 00:00:05.000\nstoryboard/0.jpg#xywh=0,0,160,90\n\n00:00:05.000 --> 00:00:10.000\nstoryboard/0.jpg#xywh=160,0,160,90\n';
    const parsed = parseStoryboard(vtt, new URL('http://x/api/videos/v1/storyboard.vtt'));
    return { parsed, at7: cueAt(parsed, 7000) };
  });
  assert.equal(cues.parsed.length, 2);
  assert.deepEqual(cues.at7, { start: 5000, end: 10000, url: 'http://x/api/videos/v1/storyboard/0.jpg', x: 160, y: 0, w: 160, h: 90 });
});
