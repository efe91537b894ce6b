// Driving /record the way a person does: pick a mode, start, talk, stop.
export async function startRecording(page, { mode = 'Camera only', countdown = false, title } = {}) {
  await page.goto('/record');
  await page.getByLabel(mode).check();
  if (title) await page.getByLabel('Title').fill(title);
  const box = page.getByLabel('3-2-1 countdown');
  if ((await box.isChecked()) !== countdown) await box.setChecked(countdown);
  await page.getByRole('button', { name: 'Start recording' }).click();
  // The share link is shown when recording starts.
  await page.waitForFunction(() => document.getElementById('share-link')?.value.includes('/v/'), null, { timeout: 20000 });
  const shareLink = await page.inputValue('#share-link');
  return { shareLink, videoId: shareLink.split('/v/')[1], startedAt: Date.now() };
}

/** Press stop; resolves with ms from the click until the share page's video is playing. */
export async function stopAndTimePlayback(page, videoId) {
  const stopPressedAt = Date.now();
  await page.getByRole('button', { name: 'Stop and share' }).click();
  await page.waitForURL(new RegExp(`/v/${videoId}`), { timeout: 30000 });
  const playingAt = await page.waitForFunction(() => window.__brieflyFirstPlayingAt, null, { timeout: 30000, polling: 20 });
  return (await playingAt.jsonValue()) - stopPressedAt;
}

export async function videoJson(page, videoId) {
  return page.evaluate(async (id) => (await fetch(`/api/videos/${id}`)).json(), videoId);
}

/** Wait (bounded) until the video satisfies `predicate`, polling the API. */
export async function waitForVideo(page, videoId, predicate, timeoutMs = 240000) {
  const deadline = Date.now() + timeoutMs;
  let video;
  while (Date.now() < deadline) {
    video = await videoJson(page, videoId);
    if (predicate(video)) return video;
    await page.waitForTimeout(1000);
  }
  throw new Error(`video ${videoId} did not get there in time; last state: ${JSON.stringify(video)}`);
}
