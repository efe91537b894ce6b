// Editing after recording (issue 16), in real Chromium against the real server: the owner
// uploads a clip with speech, opens the editor, selects transcript words and deletes them
// (the preview skips them at once), saves, and once the new version is rendered switches
// to it: the player is shorter, the words are gone from the transcript, and it plays. A
// save from a stale version is refused and says why; "Revert to original" brings the
// whole recording back.
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
import { waitForVideo, videoJson } from './support/recorder.js';

let server;
let browser;
let alice;
let fixtures;
let videoId;
let originalMs;

before(async () => {
  fixtures = mkdtempSync(join(tmpdir(), 'briefly-e2e-fixtures-'));
  server = await startServer({ artifactsDir: ARTIFACTS });
  browser = await launchBrowser(speechWav(fixtures));
  alice = await newUserContext(browser, server.base, { name: 'Alice Editor', email: `alice-edit-${Date.now()}@example.test` });
  // confirm() for "Revert to original".
  alice.page.on('dialog', (dialog) => dialog.accept());
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const bare = (text) => text.toLowerCase().replace(/[^a-z0-9]/g, '');
const playerDuration = (page) => page.evaluate(() => document.querySelector('video.player-video').duration);
const editJson = (page, id) => page.evaluate(async (v) => (await fetch(`/api/videos/${v}/edit`)).json(), id);

/**
 * Wait for the new-version notice, press Switch, and wait for the new source to load. (A
 * page whose old file stops loading switches by itself: then there is nothing to press.)
 */
async function switchToNewVersion(page, shot = null) {
  const before = await page.evaluate(() => document.querySelector('video.player-video').currentSrc);
  await page.waitForFunction((src) => !document.getElementById('new-version').hidden || document.querySelector('video.player-video').currentSrc !== src,
    before, { timeout: 240000 });
  if (await page.locator('#switch-version').isVisible()) {
    if (shot) await screenshot(page, shot);
    await page.locator('#switch-version').click();
  }
  await page.waitForFunction((src) => {
    const v = document.querySelector('video.player-video');
    return v.currentSrc !== src && v.readyState >= 1 && Number.isFinite(v.duration);
  }, before, { timeout: 30000 });
  await page.locator('#new-version').waitFor({ state: 'hidden' });
}

test('an uploaded clip with speech is processed and transcribed', async () => {
  const { page } = alice;
  // The spoken sentence once (no loop), over a test picture: every word is said once.
  const clip = join(fixtures, 'speech-clip.mp4');
  execFileSync('ffmpeg', ['-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=25', '-i', join(fixtures, 'speech-48k.wav'),
    '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-g', '25', '-c:a', 'aac', '-shortest', '-y', clip]);
  await page.goto('/record');
  await page.locator('#file-input').waitFor({ state: 'attached' });
  await page.setInputFiles('#file-input', clip);
  await page.waitForURL(/\/v\/[^/?]+$/, { timeout: 30000 });
  videoId = new URL(page.url()).pathname.split('/')[2];
  const video = await waitForVideo(page, videoId, (v) => (v.status === 'ready' && v.transcript_status === 'ready') || v.status === 'failed');
  assert.equal(video.status, 'ready', JSON.stringify(video));
  assert.equal(video.edit_version, 0);
  assert.equal(video.kept_ranges, null);
  originalMs = video.duration_ms;
});

test('the owner deletes transcript words, hears the preview skip them, saves, and plays the shorter version', async () => {
  const { page } = alice;
  await page.goto(`/v/${videoId}`);
  await page.locator('#transcript .transcript-line').first().waitFor({ timeout: 30000 });
  await page.waitForFunction(() => Number.isFinite(document.querySelector('video.player-video').duration));
  const durationBefore = await playerDuration(page);

  const toggle = page.getByRole('button', { name: 'Edit video' });
  await toggle.click();
  assert.equal(await page.getByRole('button', { name: 'Close editor' }).getAttribute('aria-expanded'), 'true');
  await page.locator('#edit-state', { hasText: 'Unedited' }).waitFor();
  const words = page.locator('#edit-words [role=option]');
  await words.first().waitFor();

  // Proposals can be listed (nothing applied: the clip's pauses are short).
  await page.getByRole('button', { name: 'Find silences' }).click();
  await page.locator('#silences-status').filter({ hasText: /proposed cut|No long silences/ }).waitFor({ timeout: 60000 });

  // Two neighbouring words, each said once in the whole clip, from the middle.
  const texts = await words.allInnerTexts();
  const counts = new Map();
  for (const t of texts) counts.set(bare(t), (counts.get(bare(t)) || 0) + 1);
  const unique = (i) => bare(texts[i]).length >= 4 && counts.get(bare(texts[i])) === 1;
  const candidates = [];
  for (let i = 1; i + 2 < texts.length; i++) if (unique(i) && unique(i + 1)) candidates.push(i);
  assert.ok(candidates.length, `two neighbouring unique words in: ${texts.join(' ')}`);
  const first = candidates[Math.floor(candidates.length / 2)];
  const deleted = [texts[first], texts[first + 1]];
  await words.nth(first).click();
  await words.nth(first + 1).click({ modifiers: ['Shift'] });
  assert.deepEqual(await words.evaluateAll((os) => os.filter((o) => o.getAttribute('aria-selected') === 'true').map((o) => o.textContent)), deleted);
  await page.keyboard.press('Delete');
  const cut = page.locator('#pending-cuts .pending-cut');
  await cut.waitFor();
  assert.equal(await cut.count(), 1);
  assert.match(await cut.innerText(), new RegExp(deleted.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join(' ')));
  const [cutStart, cutEnd] = [Number(await cut.getAttribute('data-start')), Number(await cut.getAttribute('data-end'))];
  assert.ok(cutEnd > cutStart, `cut ${cutStart}-${cutEnd}`);
  assert.equal(await words.nth(first).evaluate((o) => o.classList.contains('cut')), true, 'the deleted words are struck through');

  // The preview: a seek into the cut lands after it, and playing over it jumps it.
  const landed = await page.evaluate(async ([from, to]) => {
    const v = document.querySelector('video.player-video');
    v.currentTime = (from + to) / 2000;
    await new Promise((r) => setTimeout(r, 500));
    return v.currentTime * 1000;
  }, [cutStart, cutEnd]);
  assert.ok(landed >= cutEnd - 1, `a seek into ${cutStart}-${cutEnd} landed at ${landed}`);
  const heard = await page.evaluate(async ([from, to]) => {
    const v = document.querySelector('video.player-video');
    v.muted = true;
    v.currentTime = Math.max(0, from - 600) / 1000;
    await new Promise((r) => v.addEventListener('seeked', r, { once: true }));
    const seen = [];
    const watch = () => seen.push(v.currentTime * 1000);
    v.addEventListener('timeupdate', watch);
    await v.play();
    await new Promise((r) => setTimeout(r, 1500));
    v.pause();
    v.removeEventListener('timeupdate', watch);
    return { seen, at: v.currentTime * 1000 };
  }, [cutStart, cutEnd]);
  assert.ok(heard.at > cutEnd, `playback went past the cut: ${JSON.stringify(heard)}`);
  assert.ok(!heard.seen.some((ms) => ms > cutStart + 150 && ms < cutEnd - 150), `nothing inside the cut played: ${JSON.stringify(heard.seen)}`);
  await screenshot(page, 'edit-01-editor-word-cut');

  const saved = page.waitForResponse((r) => r.request().method() === 'PUT' && r.url().endsWith(`/api/videos/${videoId}/edit`));
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  const response = await saved;
  assert.equal(response.status(), 200, await response.text());
  const body = await response.json();
  assert.equal(body.version, 1);
  assert.ok(Math.abs(body.duration_ms - (originalMs - (cutEnd - cutStart))) <= 1, `saved ${JSON.stringify(body)}`);
  await page.locator('#edit-state', { hasText: /^Edited \(version 1\)/ }).waitFor({ timeout: 240000 });
  assert.equal((await editJson(page, videoId)).state, 'ready');
  await page.locator('#pending-cuts', { hasText: 'No cuts yet' }).waitFor();

  await switchToNewVersion(page, 'edit-02-new-version-notice');
  const durationAfter = await playerDuration(page);
  const cutSeconds = (cutEnd - cutStart) / 1000;
  assert.ok(durationAfter < durationBefore - cutSeconds + 0.15 && durationAfter > durationBefore - cutSeconds - 0.15,
    `duration ${durationBefore} s -> ${durationAfter} s for a ${cutSeconds} s cut`);
  // The transcript shown (and the editor's words) no longer have the deleted words.
  await page.waitForFunction((gone) => {
    const text = document.getElementById('transcript').textContent.toLowerCase().replace(/[^a-z0-9 ]/g, ' ');
    return text.trim().length > 0 && gone.every((w) => !text.split(/\s+/).includes(w));
  }, deleted.map(bare), { timeout: 30000 });
  const pickerWords = (await words.allInnerTexts()).map(bare);
  for (const w of deleted) assert.ok(!pickerWords.includes(bare(w)), `${w} is gone from the editor's words`);
  assert.equal(pickerWords.length, texts.length - 2);
  const video = await videoJson(page, videoId);
  assert.equal(video.edit_version, 1);
  assert.equal(video.kept_ranges.length, 2);

  // It plays.
  const start = await page.evaluate(async () => {
    const v = document.querySelector('video.player-video');
    v.muted = true;
    v.currentTime = 0;
    await v.play();
    return v.currentTime;
  });
  await page.waitForFunction((t) => document.querySelector('video.player-video').currentTime > t + 0.5, start, { timeout: 15000 });
  await page.evaluate(() => document.querySelector('video.player-video').pause());
  await screenshot(page, 'edit-03-edited-version-playing');
});

test('a save from a stale version is refused and says why', async () => {
  const { page } = alice;
  // A draft in this page: the start trimmed by 0.5 s with the keyboard.
  await page.getByLabel('Trim start', { exact: true }).focus();
  for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
  assert.equal(await page.locator('output[for=trim-start]').innerText(), '0:00.5');
  // Meanwhile another editor saves a version (the last 0.5 s trimmed).
  const other = await page.evaluate(async (id) => {
    const edit = await (await fetch(`/api/videos/${id}/edit`)).json();
    const keep = edit.keep.map((r) => ({ ...r }));
    keep[keep.length - 1].end_ms -= 500;
    const response = await fetch(`/api/videos/${id}/edit`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ version: edit.version, keep }) });
    return response.status;
  }, videoId);
  assert.equal(other, 200);
  const refused = page.waitForResponse((r) => r.request().method() === 'PUT' && r.url().endsWith(`/api/videos/${videoId}/edit`));
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  assert.equal((await refused).status(), 409);
  await page.locator('#edit-error', { hasText: 'someone else changed this video’s edit' }).waitFor();
  await screenshot(page, 'edit-04-stale-save-refused');
  // Theirs renders; once switched to it, the draft's trim is still there to save again.
  await switchToNewVersion(page);
  assert.equal((await editJson(page, videoId)).version, 2);
  assert.equal(await page.locator('output[for=trim-start]').innerText(), '0:00.5');
});

test('"Revert to original" brings the whole recording back', async () => {
  const { page } = alice;
  await page.getByRole('button', { name: 'Discard changes' }).click();
  await page.getByRole('button', { name: 'Revert to original' }).click();
  await page.locator('#edit-state', { hasText: 'Unedited' }).waitFor({ timeout: 30000 });
  await switchToNewVersion(page);
  const duration = await playerDuration(page);
  assert.ok(Math.abs(duration * 1000 - originalMs) < 150, `reverted duration ${duration} s, original ${originalMs} ms`);
  const video = await videoJson(page, videoId);
  assert.equal(video.kept_ranges, null);
  assert.equal(video.edit_version, 3);
  await screenshot(page, 'edit-05-reverted');
});

test('the editor works from the keyboard: open, select words with the arrows, delete, take the cut back', async () => {
  const { page } = alice;
  const toggle = page.locator('#edit-toggle');
  await toggle.focus();
  await page.keyboard.press('Enter');
  assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
  assert.equal(await page.locator('#editor').isVisible(), false);
  await page.keyboard.press('Enter');
  assert.equal(await page.locator('#editor').isVisible(), true);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'trim-start', 'the panel opens at its first control');

  const words = page.locator('#edit-words [role=option]');
  const texts = await words.allInnerTexts();
  await words.first().focus();
  const before = await page.evaluate(() => document.querySelector('video.player-video').currentTime);
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Shift+ArrowRight');
  assert.deepEqual(await words.evaluateAll((os) => os.map((o, i) => o.getAttribute('aria-selected') === 'true' && i).filter((i) => i !== false)), [1, 2]);
  assert.equal(await page.evaluate(() => document.querySelector('video.player-video').currentTime), before, 'the arrows are the list’s, not the player’s');
  assert.equal(await page.getByRole('button', { name: 'Delete selected words' }).isDisabled(), false);
  await page.keyboard.press('Delete');
  const cut = page.locator('#pending-cuts .pending-cut');
  await cut.waitFor();
  assert.ok((await cut.innerText()).includes(`${texts[1]} ${texts[2]}`), await cut.innerText());
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('role')), 'option', 'focus stays in the words');
  await page.getByRole('button', { name: /^Remove cut / }).focus();
  await page.keyboard.press('Enter');
  await page.locator('#pending-cuts', { hasText: 'No cuts yet' }).waitFor();
  await screenshot(page, 'edit-06-keyboard');
});

test('a viewer is told of a new version and switches without losing their place', async () => {
  const { page } = alice;
  const visible = await page.evaluate(async (id) => (await fetch(`/api/videos/${id}`, { method: 'PATCH', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ visibility: 'unlisted' }) })).status, videoId);
  assert.equal(visible, 200);
  const viewer = await browser.newContext({ baseURL: server.base, viewport: { width: 1280, height: 900 } });
  try {
    const watcher = await viewer.newPage();
    await watcher.goto(`/v/${videoId}`);
    await watcher.waitForFunction(() => document.querySelector('video.player-video')?.readyState >= 1);
    assert.equal(await watcher.locator('#edit-toggle').count(), 0, 'no editor for a viewer');
    const seekTo = (ms) => watcher.evaluate(async (t) => {
      const v = document.querySelector('video.player-video');
      v.currentTime = t / 1000;
      await new Promise((r) => v.addEventListener('seeked', r, { once: true }));
    }, ms);
    const at = () => watcher.evaluate(() => document.querySelector('video.player-video').currentTime * 1000);
    /** The owner saves `keep` (via the API, as another tab would); resolves with the new version. */
    const ownerSaves = async (keep) => page.evaluate(async ([id, k]) => {
      const edit = await (await fetch(`/api/videos/${id}/edit`)).json();
      const response = await fetch(`/api/videos/${id}/edit`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ version: edit.version, keep: k }) });
      return (await response.json()).version;
    }, [videoId, keep]);
    const waitForPlace = (expected) => watcher.waitForFunction((ms) => Math.abs(document.querySelector('video.player-video').currentTime * 1000 - ms) < 80, expected, { timeout: 30000 });

    // 1-2 s of the original is cut: a viewer at 5 s is at 4 s of the new version.
    await seekTo(5000);
    await ownerSaves([{ start_ms: 0, end_ms: 1000 }, { start_ms: 2000, end_ms: originalMs }]);
    await watcher.locator('#new-version', { hasText: 'A new version of this video is ready' }).waitFor({ timeout: 240000 });
    assert.ok(Math.abs((await at()) - 5000) < 80, 'the old version keeps playing until the viewer switches');
    await screenshot(watcher, 'edit-07-viewer-new-version');
    await switchToNewVersion(watcher);
    await waitForPlace(4000);

    // Then 3-4 s of the new version (original 4-5 s) goes: a viewer at 3.5 s, inside it,
    // lands on the cut point, 3 s.
    await seekTo(3500);
    await ownerSaves([{ start_ms: 0, end_ms: 1000 }, { start_ms: 2000, end_ms: 4000 }, { start_ms: 5000, end_ms: originalMs }]);
    await switchToNewVersion(watcher);
    await waitForPlace(3000);
    const duration = await watcher.evaluate(() => document.querySelector('video.player-video').duration * 1000);
    assert.ok(Math.abs(duration - (originalMs - 2000)) < 150, `duration ${duration} ms after cutting 2 s of ${originalMs} ms`);
  } finally {
    await viewer.close();
  }
});

test('the poster: from the current frame, or an uploaded image; the player does not reload', async () => {
  const { page } = alice;
  await page.reload();
  await page.waitForFunction(() => document.querySelector('video.player-video')?.readyState >= 1);
  if (!(await page.locator('#editor').isVisible())) await page.locator('#edit-toggle').click();
  const src = await page.evaluate(() => document.querySelector('video.player-video').currentSrc);
  const before = (await videoJson(page, videoId)).poster_url;
  await page.evaluate(async () => {
    const v = document.querySelector('video.player-video');
    v.currentTime = 1.5;
    await new Promise((r) => v.addEventListener('seeked', r, { once: true }));
  });
  await page.getByRole('button', { name: 'Use current frame as poster' }).click();
  await page.locator('#poster-status', { hasText: 'The poster from 0:01 is being made.' }).waitFor();
  const framed = await waitForVideo(page, videoId, (v) => v.poster_url !== before, 60000);
  const png = join(fixtures, 'poster.png');
  execFileSync('ffmpeg', ['-loglevel', 'error', '-f', 'lavfi', '-i', 'color=c=red:s=320x180', '-frames:v', '1', '-y', png]);
  await page.setInputFiles('#poster-file', png);
  await page.locator('#poster-status', { hasText: 'The uploaded image is the poster now.' }).waitFor();
  await waitForVideo(page, videoId, (v) => v.poster_url !== framed.poster_url, 30000);
  // A poster is no new version: same video, no notice, no reload.
  await page.waitForTimeout(1000);
  assert.equal(await page.evaluate(() => document.querySelector('video.player-video').currentSrc), src);
  assert.equal(await page.locator('#new-version').isVisible(), false);
  await screenshot(page, 'edit-08-poster');
});
