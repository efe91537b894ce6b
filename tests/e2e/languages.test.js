// Transcripts in the speaker's language (issue 15), in real Chromium against the real
// server: the captions track is labelled with the video's language, a manager corrects a
// transcript line with the keyboard alone and the captions follow, a bad correction is
// refused in place, the spoken-language choice re-transcribes, the English translation
// adds a second track to pick, and the workspace's default language is saved by its
// owners and shown to its members. The model is tiny.en (English only), so the speech is
// English throughout; multilingual detection is the API tests' to check.
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

let server;
let browser;
let alice;
let videoId;

before(async () => {
  server = await startServer({ artifactsDir: ARTIFACTS });
  browser = await launchBrowser(speechWav(mkdtempSync(join(tmpdir(), 'briefly-e2e-fixtures-'))));
  alice = await newUserContext(browser, server.base, { name: 'Alice Example', email: `alice-lang-${Date.now()}@example.test` });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const transcriptJson = (page, id) => page.evaluate(async (v) => (await fetch(`/api/videos/${v}/transcript`)).json(), id);
const captionsVtt = (page, id) => page.evaluate(async (v) => (await fetch(`/api/videos/${v}/captions.vtt`, { cache: 'no-store' })).text(), id);

/** The cues the browser loaded for caption track `index` (loading it hidden if it is off). */
async function loadedCues(page, index = 0) {
  return page.evaluate(async (i) => {
    const track = document.querySelectorAll('video track')[i];
    if (track.track.mode === 'disabled') track.track.mode = 'hidden';
    for (let n = 0; n < 50 && !(track.track.cues && track.track.cues.length); n++) await new Promise((r) => setTimeout(r, 100));
    return [...(track.track.cues || [])].map((c) => c.text).join(' ');
  }, index);
}

test('a recording is transcribed; its captions track is labelled with its language', async () => {
  const { page } = alice;
  const rec = await startRecording(page, { mode: 'Camera only', title: 'Language check' });
  videoId = rec.videoId;
  await page.waitForTimeout(8000);
  await stopAndTimePlayback(page, videoId);
  const video = await waitForVideo(page, videoId, (v) => v.status === 'ready' && v.transcript_status === 'ready');
  assert.equal(video.language, 'en', `tiny.en transcribes English: ${JSON.stringify(video)}`);
  await page.goto(`/v/${videoId}`);
  await page.locator('#transcript .transcript-line').first().waitFor({ timeout: 30000 });
  const track = page.locator('video track');
  assert.equal(await track.count(), 1, 'one caption track without a translation');
  assert.equal(await track.getAttribute('srclang'), 'en');
  assert.equal(await track.getAttribute('label'), 'English');
  assert.equal(await page.locator('#transcript-heading').innerText(), 'Transcript · English');
  // One track: no picker; `c` turns it on and off.
  assert.equal(await page.locator('#captions-choice').isVisible(), false);
  const mode = () => page.evaluate(() => document.querySelector('video').textTracks[0].mode);
  await page.locator('body').press('c');
  assert.equal(await mode(), 'showing');
  await page.locator('body').press('c');
  assert.notEqual(await mode(), 'showing');
});

test('a manager corrects a line with the keyboard; captions follow at once', async () => {
  const { page } = alice;
  const before = await transcriptJson(page, videoId);
  const first = before.segments[0];
  const at = `${Math.floor(first.start_ms / 60000)}:${String(Math.floor(first.start_ms / 1000) % 60).padStart(2, '0')}`;
  // From the transcript's search box: Tab to the first line's time, Tab to its Edit button.
  await page.getByLabel('Search the transcript').focus();
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-label')), `Edit line at ${at}`);
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-label')), `Text of line at ${at}`);
  assert.equal(await page.evaluate(() => document.activeElement.value), first.text.trim());
  await screenshot(page, 'lang-01-transcript-line-editor');
  const corrected = 'Good morning everyone, this is the corrected line.';
  // The old text is selected: typing replaces it.
  await page.keyboard.type(corrected);
  await page.keyboard.press('Enter');
  const line = page.locator('#transcript .transcript-line').first();
  await line.locator('.line-text', { hasText: corrected }).waitFor();
  assert.equal(await page.locator('.line-edit').count(), 0, 'the editor closed');
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-label')), `Edit line at ${at}`, 'focus is back on Edit');
  const mark = line.locator('.edited-mark');
  assert.equal((await mark.innerText()).trim(), '(edited)');
  assert.match(await mark.getAttribute('title'), /^Edited by Alice Example on /);
  // The server's transcript and captions have it, and the player reloaded its track.
  const after = await transcriptJson(page, videoId);
  assert.equal(after.segments[0].text, corrected);
  assert.match(await captionsVtt(page, videoId), /corrected line/);
  assert.match(await page.locator('video track').getAttribute('src'), /captions\.vtt\?v=\d+&edit=\d+$/);
  assert.match(await loadedCues(page), /corrected line/);
  // Still there after a reload.
  await page.reload();
  await page.locator('#transcript .transcript-line').first().locator('.line-text', { hasText: corrected }).waitFor();
  await page.locator('#transcript .transcript-line').first().locator('.edited-mark', { hasText: 'edited' }).waitFor();
});

test('an empty correction is refused in place and the old text stays', async () => {
  const { page } = alice;
  const before = await transcriptJson(page, videoId);
  const index = before.segments.length > 1 ? 1 : 0;
  const line = page.locator('#transcript .transcript-line').nth(index);
  const oldText = (await line.locator('.line-text').innerText()).trim();
  await line.locator('.line-edit-button').focus();
  await page.keyboard.press('Enter');
  const box = line.locator('.line-edit-input');
  await box.fill('');
  await box.press('Enter');
  const error = line.locator('.line-edit .form-error');
  await error.filter({ hasText: /^Not saved: ./ }).waitFor();
  await screenshot(page, 'lang-02-transcript-correction-refused');
  await box.press('Escape');
  assert.equal(await line.locator('.line-edit').count(), 0);
  assert.equal((await line.locator('.line-text').innerText()).trim(), oldText);
  assert.equal((await transcriptJson(page, videoId)).segments[index].text, before.segments[index].text);
});

test('choosing the spoken language re-transcribes; the correction survives', async () => {
  const { page } = alice;
  await page.goto(`/v/${videoId}`);
  await page.locator('#transcript .transcript-line').first().waitFor();
  const select = page.getByLabel('Spoken language');
  await select.locator('option[value="es"]').waitFor({ state: 'attached' });
  // "Workspace default", "Detect automatically", then Whisper's languages (English first).
  const options = await select.locator('option').evaluateAll((os) => os.map((o) => [o.value, o.textContent]));
  assert.deepEqual(options.slice(0, 3), [['', 'Workspace default (Detect automatically)'], ['auto', 'Detect automatically'], ['en', 'English']]);
  assert.ok(options.some(([v, label]) => v === 'es' && label === 'Spanish'), 'Spanish is offered');
  assert.equal(await select.inputValue(), '', 'a new video follows the workspace');
  // Record what the status line says, however briefly it says it.
  await page.evaluate(() => {
    window.__languageStatuses = [];
    const status = document.getElementById('video-language-status');
    new MutationObserver(() => window.__languageStatuses.push(status.textContent)).observe(status, { childList: true, characterData: true, subtree: true });
  });
  await select.selectOption('en');
  const patched = page.waitForResponse((r) => r.request().method() === 'PATCH' && r.url().endsWith(`/api/videos/${videoId}`));
  await page.getByRole('button', { name: 'Save language settings' }).click();
  const response = await patched;
  assert.equal(response.status(), 200);
  const body = await response.json();
  assert.equal(body.language_setting, 'en');
  assert.equal(body.transcript_status, 'processing', 'a new transcript was started');
  // The status says the transcript is being made, then names its language when done.
  await page.waitForFunction(() => {
    const said = window.__languageStatuses;
    const busy = said.findIndex((s) => s.startsWith('Transcribing in the chosen language'));
    return busy >= 0 && said.slice(busy + 1).some((s) => s.startsWith('Transcript language: English.'));
  }, null, { timeout: 120000 });
  const video = await waitForVideo(page, videoId, (v) => v.transcript_status === 'ready');
  assert.equal(video.language, 'en');
  await page.locator('#processing-note').waitFor({ state: 'hidden' });
  // The new transcript kept the manager's correction, and the page shows the new one.
  const transcript = await transcriptJson(page, videoId);
  assert.ok(transcript.segments.some((s) => s.text.includes('corrected line')), JSON.stringify(transcript.segments));
  await page.locator('#transcript .line-text', { hasText: 'corrected line' }).waitFor();
  await page.reload();
  assert.equal(await page.getByLabel('Spoken language').inputValue(), 'en');
  await screenshot(page, 'lang-03-watch-language-settings');
});

test('the English translation adds a second track, picked from the keyboard', async () => {
  const { page } = alice;
  await page.getByLabel('Add an English translation').check();
  await page.getByRole('button', { name: 'Save language settings' }).click();
  // English speech: the "translation" is the transcript itself, made by a small job.
  const picker = page.getByLabel('Captions', { exact: true });
  await picker.waitFor({ timeout: 60000 });
  const tracks = await page.locator('video track').evaluateAll((ts) => ts.map((t) => [t.getAttribute('label'), t.getAttribute('srclang')]));
  assert.deepEqual(tracks, [['English', 'en'], ['English (translation)', 'en']]);
  assert.equal(await picker.inputValue(), 'off');
  // Off -> English -> English (translation), with the arrow keys.
  await picker.focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  assert.equal(await picker.inputValue(), '1');
  const modes = () => page.evaluate(() => [...document.querySelector('video').textTracks].map((t) => t.mode));
  assert.deepEqual(await modes(), ['disabled', 'showing']);
  // `c` (outside the picker, where keys are the select's) turns it off and back on in the
  // track chosen, and the picker follows.
  await picker.evaluate((el) => el.blur());
  await page.keyboard.press('c');
  assert.deepEqual(await modes(), ['disabled', 'disabled']);
  assert.equal(await picker.inputValue(), 'off');
  await page.keyboard.press('c');
  assert.deepEqual(await modes(), ['disabled', 'showing']);
  assert.equal(await picker.inputValue(), '1');
  await screenshot(page, 'lang-04-watch-two-caption-tracks');
});

test('the workspace default language: owners save it, it survives reload, members only see it', async () => {
  const { page } = alice;
  const created = await page.evaluate(async () => {
    const response = await fetch('/api/workspaces', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'Lingua Team' }) });
    return response.json();
  });
  await page.goto(`/settings?workspace=${created.id}`);
  const select = page.getByLabel('Default spoken language');
  assert.equal(await select.inputValue(), 'auto');
  await select.selectOption('es');
  await page.getByRole('button', { name: 'Save default language' }).click();
  await page.locator('#toast', { hasText: 'Default language saved' }).waitFor();
  await page.reload();
  assert.equal(await page.getByLabel('Default spoken language').inputValue(), 'es');
  await screenshot(page, 'lang-05-settings-default-language');

  // A member sees the choice but cannot change it.
  const invite = await page.evaluate(async (id) => {
    const response = await fetch(`/api/workspaces/${id}/invites`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ role: 'member' }) });
    return response.json();
  }, created.id);
  const bob = await newUserContext(browser, server.base, { name: 'Bob Member', email: `bob-lang-${Date.now()}@example.test` });
  try {
    const token = invite.url.split('/').pop();
    const joined = await bob.page.evaluate(async (t) => (await fetch(`/api/invites/${t}/accept`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' })).status, token);
    assert.equal(joined, 200);
    await bob.page.goto(`/settings?workspace=${created.id}`);
    await bob.page.locator('#workspace-language', { hasText: 'Default spoken language: Spanish' }).waitFor();
    assert.equal(await bob.page.locator('select#workspace-language').count(), 0);
    await screenshot(bob.page, 'lang-06-settings-member-language');
  } finally {
    await bob.context.close();
  }
});
