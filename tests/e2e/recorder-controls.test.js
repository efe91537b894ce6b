// Recorder controls beyond start/stop: pause/resume leaves the paused time out, cancel
// deletes the video, the maximum length stops the recording, and an existing file uploads
// with progress and opens its share page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from './support/server.js';
import { launchBrowser, newUserContext } from './support/browser.js';
import { speechWav } from './support/speech.js';
import { ARTIFACTS, screenshot } from './support/artifacts.js';
import { startRecording, stopAndTimePlayback, waitForVideo } from './support/recorder.js';

let server;
let browser;
let user;
let fixtures;

before(async () => {
  fixtures = mkdtempSync(join(tmpdir(), 'briefly-e2e-fixtures-'));
  server = await startServer({ artifactsDir: ARTIFACTS });
  browser = await launchBrowser(speechWav(fixtures));
  user = await newUserContext(browser, server.base, { name: 'Pat Pause', email: `pat-${Date.now()}@example.test` });
});

after(async () => {
  await user?.context.close();
  await browser?.close();
  await server?.stop();
});

test('pause and resume: the paused time is not in the video', async () => {
  const { page } = user;
  const rec = await startRecording(page, { mode: 'Camera only', title: 'Paused update' });
  await page.waitForTimeout(3000);
  await page.getByRole('button', { name: 'Pause' }).click();
  await page.waitForTimeout(4000);
  await page.getByRole('button', { name: 'Resume' }).click();
  await page.waitForTimeout(3000);
  await stopAndTimePlayback(page, rec.videoId);
  const video = await waitForVideo(page, rec.videoId, (v) => v.duration_ms);
  assert.ok(video.duration_ms > 4500 && video.duration_ms < 8000, `about 6 s recorded, 4 s paused: duration ${video.duration_ms} ms`);
});

test('cancel discards the recording and deletes the video', async () => {
  const { page } = user;
  const rec = await startRecording(page, { mode: 'Camera only', title: 'Discarded take' });
  await page.waitForTimeout(2000);
  page.once('dialog', (dialog) => dialog.accept());
  // The page reloads /record once the video is deleted.
  const reloaded = page.waitForEvent('framenavigated', { timeout: 15000 });
  await page.getByRole('button', { name: 'Cancel' }).click();
  await reloaded;
  await page.waitForLoadState('load');
  const status = await page.evaluate(async (id) => (await fetch(`/api/videos/${id}`)).status, rec.videoId);
  assert.equal(status, 404);
});

test('the maximum length stops the recording by itself', async () => {
  const { page } = user;
  await page.goto('/record');
  await page.locator('#rec-max').waitFor();
  // The shortest choice is a minute; shorten it for the test by adding an option, as the
  // select's values are plain minutes.
  await page.evaluate(() => {
    const select = document.getElementById('rec-max');
    select.append(new Option('3 s', String(3 / 60)));
    select.value = String(3 / 60);
  });
  await page.getByLabel('Camera only').check();
  await page.getByLabel('3-2-1 countdown').setChecked(false);
  await page.getByRole('button', { name: 'Start recording' }).click();
  await page.waitForURL(/\/v\/[^/?]+\?autoplay=1/, { timeout: 20000 });
  const id = new URL(page.url()).pathname.split('/')[2];
  const video = await waitForVideo(page, id, (v) => v.duration_ms);
  assert.ok(video.duration_ms > 2000 && video.duration_ms < 5000, `duration ${video.duration_ms} ms for a 3 s limit`);
});

test('an existing file uploads with progress and plays at its share page', async () => {
  const { page } = user;
  const file = join(fixtures, 'existing-clip.mp4');
  execFileSync('ffmpeg', ['-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=15', '-f', 'lavfi', '-i', 'sine=frequency=440',
    '-t', '3', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', '-y', file]);
  await page.goto('/record');
  await page.locator('#file-input').waitFor({ state: 'attached' });
  await page.setInputFiles('#file-input', file);
  await page.waitForURL(/\/v\/[^/?]+$/, { timeout: 30000 });
  await page.getByRole('heading', { name: 'existing-clip' }).waitFor();
  await page.locator('video').evaluate((v) => v.play().catch(() => { v.muted = true; return v.play(); }));
  await page.waitForFunction(() => document.querySelector('video').currentTime > 0.2, null, { timeout: 15000 });
  await screenshot(page, '17-watch-uploaded-file');
});
