// The network drops in the middle of a recording and comes back: the chunks wait in
// IndexedDB, are sent when the connection returns, and the video is complete.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from './support/server.js';
import { launchBrowser, newUserContext, COUNT_RECORDED_BYTES } from './support/browser.js';
import { speechWav } from './support/speech.js';
import { ARTIFACTS, screenshot } from './support/artifacts.js';
import { startRecording, stopAndTimePlayback, waitForVideo } from './support/recorder.js';

let server;
let browser;

before(async () => {
  server = await startServer({ artifactsDir: ARTIFACTS });
  browser = await launchBrowser(speechWav(mkdtempSync(join(tmpdir(), 'briefly-e2e-fixtures-'))));
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('going offline mid-recording still yields the complete video', async () => {
  const { context, page } = await newUserContext(browser, server.base, { name: 'Olive Offline', email: `olive-${Date.now()}@example.test` });
  await context.addInitScript(COUNT_RECORDED_BYTES);
  const rec = await startRecording(page, { mode: 'Camera only', title: 'Train tunnel update' });
  await page.waitForTimeout(3000);
  await context.setOffline(true);
  await page.waitForFunction(() => /Connection lost/.test(document.getElementById('upload-state').textContent), null, { timeout: 10000 });
  await page.waitForTimeout(4000);
  await screenshot(page, '10-recorder-offline');
  const queued = await page.evaluate(() => document.getElementById('upload-state').textContent);
  console.log(`while offline: ${queued}`);
  await context.setOffline(false);
  await page.waitForTimeout(3000);
  const recordedForMs = Date.now() - rec.startedAt;
  await stopAndTimePlayback(page, rec.videoId);
  const recordedBytes = Number(await page.evaluate(() => sessionStorage.getItem('e2e.recordedBytes')));
  const video = await waitForVideo(page, rec.videoId, (v) => v.status === 'ready' || v.status === 'failed');
  assert.equal(video.status, 'ready', `processing failed: ${video.error}`);
  assert.equal(video.size_bytes, recordedBytes, 'every recorded byte reached the server');
  assert.ok(Math.abs(video.duration_ms - recordedForMs) < 2000, `duration ${video.duration_ms} ms, recorded for ~${recordedForMs} ms`);
  await context.close();
});

test('a reload mid-recording loses nothing that was recorded', async () => {
  const { context, page } = await newUserContext(browser, server.base, { name: 'Rita Reload', email: `rita-${Date.now()}@example.test` });
  await context.addInitScript(COUNT_RECORDED_BYTES);
  const rec = await startRecording(page, { mode: 'Camera only', title: 'Interrupted update' });
  // Offline first, so the chunks are only in IndexedDB when the page goes away.
  await page.waitForTimeout(2000);
  await context.setOffline(true);
  await page.waitForTimeout(3000);
  const recordedBytes = Number(await page.evaluate(() => sessionStorage.getItem('e2e.recordedBytes')));
  await context.setOffline(false);
  await page.reload();
  await page.getByText('Finishing recordings that were interrupted').waitFor({ timeout: 10000 });
  await page.locator('li', { hasText: 'done' }).waitFor({ timeout: 30000 });
  await screenshot(page, '11-recorder-resumed-after-reload');
  const video = await waitForVideo(page, rec.videoId, (v) => v.original_url);
  // What was recorded before the reload is all there (the unload may flush one more chunk).
  assert.ok(video.size_bytes >= recordedBytes && recordedBytes > 0, `server has ${video.size_bytes} bytes, ${recordedBytes} were recorded before reload`);
  await context.close();
});
