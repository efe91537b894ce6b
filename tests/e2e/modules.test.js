// The app's small pure modules, exercised in the real browser they run in: time parsing and
// formatting, the search-snippet sanitiser, storyboard parsing, and the editor's range
// arithmetic (draft -> kept ranges, positions across versions, word snapping).
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

test('editing: a draft of trim and cuts becomes kept ranges of the original', async () => {
  const r = await page.evaluate(async () => {
    const t = await import('/assets/watch/edit-timeline.js');
    // Unedited 10-s video: trim 0.5 s off the start and 1 s off the end, cut 3-4 s and an
    // overlapping 3.5-4.5 s, and a sliver the server would refuse.
    const playing = t.draftKeep({ durationMs: 10000, trimStartMs: 500, trimEndMs: 9000, cuts: [{ start_ms: 3000, end_ms: 4000 }, { start_ms: 3500, end_ms: 4500 }, { start_ms: 4520, end_ms: 6000 }] });
    // An edited version keeping 1-3 s and 5-9 s: playing 1.5-2.5 s is original 2.5-3 s and 5-5.5 s.
    const kept = [{ start_ms: 1000, end_ms: 3000 }, { start_ms: 5000, end_ms: 9000 }];
    return {
      playing,
      original: t.toOriginal(playing, null),
      throughEdit: t.toOriginal([{ start_ms: 0, end_ms: 1500 }, { start_ms: 2500, end_ms: 6000 }], kept),
      removed: t.complement(playing, 10000),
      total: t.totalMs(playing),
      same: t.sameKeep(null, [{ start_ms: 0, end_ms: 4000 }, { start_ms: 4000, end_ms: 10000 }], 10000),
      differs: t.sameKeep(kept, [{ start_ms: 1000, end_ms: 3000 }], 10000),
    };
  });
  assert.deepEqual(r.playing, [{ start_ms: 500, end_ms: 3000 }, { start_ms: 6000, end_ms: 9000 }]);
  assert.deepEqual(r.original, r.playing);
  assert.deepEqual(r.throughEdit, [{ start_ms: 1000, end_ms: 2500 }, { start_ms: 5500, end_ms: 9000 }]);
  assert.deepEqual(r.removed, [{ start_ms: 0, end_ms: 500 }, { start_ms: 3000, end_ms: 6000 }, { start_ms: 9000, end_ms: 10000 }]);
  assert.equal(r.total, 5500);
  assert.equal(r.same, true, 'touching ranges keep what the original keeps');
  assert.equal(r.differs, false);
});

test('editing: positions map between versions; a cut moment goes to the cut point', async () => {
  const r = await page.evaluate(async () => {
    const t = await import('/assets/watch/edit-timeline.js');
    const kept = [{ start_ms: 1000, end_ms: 3000 }, { start_ms: 5000, end_ms: 9000 }];
    const later = [{ start_ms: 1000, end_ms: 2000 }, { start_ms: 5000, end_ms: 9000 }];
    return {
      place: [1500, 5500, 500, 4000, 9000, 9500].map((ms) => t.place(ms, kept)),
      originalOf: [0, 1999, 2000, 5999, 7000].map((ms) => t.originalOf(ms, kept)),
      // Original -> edited: 6.5 s of the recording plays at 3.5 s.
      toEdited: t.mapPosition(6500, null, kept),
      // Edited -> original: back again, and from an edit to a further one.
      toOriginal: t.mapPosition(3500, kept, null),
      inLaterCut: t.mapPosition(1500, kept, later),
      afterLaterCut: t.mapPosition(2500, kept, later),
      range: t.mapRange({ start_ms: 1500, end_ms: 2500 }, kept, later),
      gone: t.mapRange({ start_ms: 1200, end_ms: 1800 }, kept, later),
      skip: [t.skipTarget(3500, [{ start_ms: 3000, end_ms: 4000 }]), t.skipTarget(4000, [{ start_ms: 3000, end_ms: 4000 }])],
    };
  });
  assert.deepEqual(r.place, [{ ms: 500, cut: false }, { ms: 2500, cut: false }, { ms: 0, cut: true }, { ms: 2000, cut: true }, { ms: 6000, cut: false }, { ms: 6000, cut: true }]);
  assert.deepEqual(r.originalOf, [1000, 2999, 5000, 8999, 9000]);
  assert.equal(r.toEdited, 3500);
  assert.equal(r.toOriginal, 6500);
  // Kept 1-3 s then 1-2 s: edited 1.5 s (original 2.5 s) was cut; it lands at the cut point, 1 s.
  assert.equal(r.inLaterCut, 1000);
  assert.equal(r.afterLaterCut, 1500);
  assert.deepEqual(r.range, { start_ms: 1000, end_ms: 1500 });
  assert.equal(r.gone, null);
  assert.deepEqual(r.skip, [4000, null]);
});

test('editing: a word selection snaps to whole words with padding inside the gaps', async () => {
  const r = await page.evaluate(async () => {
    const t = await import('/assets/watch/edit-timeline.js');
    const words = t.transcriptWords({ segments: [
      { words: [{ start_ms: 0, end_ms: 500, text: ' a' }, { start_ms: 700, end_ms: 1200, text: ' b' }] },
      { words: [{ start_ms: 1220, end_ms: 1800, text: ' c' }, { start_ms: 2500, end_ms: 3000, text: ' d' }] },
    ] });
    return {
      words: words.map((w) => [w.text, w.segment]),
      // The same cases as the server's own test (src/edits/words.rs).
      middle: t.snapToWords({ start_ms: 900, end_ms: 1300 }, words),
      between: t.snapToWords({ start_ms: 2000, end_ms: 2100 }, words),
      first: t.snapToWords({ start_ms: 0, end_ms: 500 }, words),
      last: t.snapToWords({ start_ms: 2500, end_ms: 3000 }, words),
      precise: (await import('/assets/lib/time.js')).formatPrecise(63250),
    };
  });
  assert.deepEqual(r.words, [['a', 0], ['b', 0], ['c', 1], ['d', 1]]);
  assert.deepEqual(r.middle, { start_ms: 640, end_ms: 1860 });
  assert.deepEqual(r.between, { start_ms: 2000, end_ms: 2100 });
  assert.deepEqual(r.first, { start_ms: 0, end_ms: 560 });
  assert.deepEqual(r.last, { start_ms: 2440, end_ms: 3060 });
  assert.equal(r.precise, '1:03.2');
});

test('editing: a poster-only revision keeps the URLs the page plays; a new version is told apart', async () => {
  const r = await page.evaluate(async () => {
    const n = await import('/assets/watch/new-version.js');
    const shown = n.versionOf({ edit_version: 2, kept_ranges: [{ start_ms: 0, end_ms: 5000 }], media_url: '/api/videos/v/media?v=3', captions_url: '/api/videos/v/captions.vtt?v=3', poster_url: '/p?v=3' });
    const next = n.versionOf({ edit_version: 2, kept_ranges: [{ start_ms: 0, end_ms: 5000 }], media_url: '/api/videos/v/media?v=4', captions_url: '/api/videos/v/captions.vtt?v=4', poster_url: '/p?v=4' });
    const { freshUrl } = await import('/assets/lib/fresh-url.js');
    return {
      shown,
      merged: n.sameVersion(shown, next),
      unedited: n.versionOf({}),
      fresh: [freshUrl('/a', 7), freshUrl('/a?v=2&edit=1', 7), freshUrl('/a?edit=0', 7)],
    };
  });
  assert.equal(r.shown.poster_url, undefined, 'the poster is not a version field');
  assert.equal(r.merged.media_url, '/api/videos/v/media?v=3');
  assert.equal(r.merged.captions_url, '/api/videos/v/captions.vtt?v=3');
  assert.equal(r.unedited.edit_version, 0);
  assert.equal(r.unedited.kept_ranges, null);
  // A fresh fetch: a new `v=` in place of the revision, first; the edit version stays.
  assert.deepEqual(r.fresh, ['/a?v=7', '/a?v=7&edit=1', '/a?v=7&edit=0']);
});
