// Processing while recording, in real Chromium against the real server: a ~20 s camera
// recording with speech from the fake microphone is processed while it records, so after
// stop it is ready with its transcript, the transcript panel shows the words, and a
// search for the last sentence said lands on that moment, near the end.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from './support/server.js';
import { launchBrowser, newUserContext } from './support/browser.js';
import { speechWav } from './support/speech.js';
import { ARTIFACTS, screenshot } from './support/artifacts.js';
import { startRecording, stopAndTimePlayback, waitForVideo } from './support/recorder.js';

// Generous: catches a recording that is never processed, not a slow one (the seconds
// after stop are `briefly-bench live`'s to measure).
const READY_BOUND_MS = 120000;
let server;
let browser;
let alice;

before(async () => {
  const fixtures = mkdtempSync(join(tmpdir(), 'briefly-e2e-fixtures-'));
  server = await startServer({ artifactsDir: ARTIFACTS });
  browser = await launchBrowser(speechWav(fixtures));
  alice = await newUserContext(browser, server.base, { name: 'Alice Live', email: `alice-live-${Date.now()}@example.test` });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('a 20 s recording is transcribed and searchable soon after stop', async () => {
  const { page } = alice;
  const rec = await startRecording(page, { mode: 'Camera only', title: 'Live update' });
  await page.waitForTimeout(20000);
  await stopAndTimePlayback(page, rec.videoId);
  const stopped = Date.now();
  const video = await waitForVideo(page, rec.videoId, (v) => v.status === 'ready' && v.transcript_status === 'ready', READY_BOUND_MS);
  console.log(`live recording: stop -> ready with transcript ${Date.now() - stopped} ms (includes the page's polling)`);
  assert.ok(Math.abs(video.duration_ms - 20000) < 4000, `duration ${video.duration_ms} ms for a ~20 s recording`);

  await page.goto(`/v/${rec.videoId}`);
  const panel = page.locator('#transcript');
  await panel.locator('.transcript-line').first().waitFor({ timeout: 30000 });
  const text = (await panel.innerText()).toLowerCase();
  assert.match(text, /migration|thursday|monday/, `transcript: ${text}`);
  await screenshot(page, 'live-01-transcript');

  // The last sentence said: the last segment with a word of five letters or more.
  const transcript = await page.evaluate(async (id) => (await fetch(`/api/videos/${id}/transcript`)).json(), rec.videoId);
  const longWords = (seg) => seg.text.split(/\W+/).filter((w) => w.length >= 5);
  const last = [...transcript.segments].reverse().find((seg) => longWords(seg).length >= 1);
  assert.ok(last, `a segment with words: ${JSON.stringify(transcript.segments)}`);
  // Said in the last 10 s (the fake microphone loops its clip, so a sentence may start earlier).
  assert.ok(last.end_ms >= video.duration_ms - 10000, `the last sentence ends at ${last.end_ms} of ${video.duration_ms} ms`);
  const query = longWords(last).slice(-2).join(' ');
  const box = page.getByLabel('Search videos and transcripts');
  await box.fill(query);
  await box.press('Enter');
  await page.waitForURL(/\/search\?q=/);
  const hits = page.locator(`.search-hit-link[href^="/v/${rec.videoId}?t="]`);
  await hits.first().waitFor();
  const moments = await hits.evaluateAll((links) => links.map((a) => Number(new URL(a.href).searchParams.get('t'))));
  assert.ok(
    moments.includes(Math.floor(last.start_ms / 1000)),
    `a hit for "${query}" at the last sentence (${last.start_ms} ms): ${moments}`,
  );
  await screenshot(page, 'live-02-search');
});
