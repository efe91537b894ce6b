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

/**
 * Press stop and measure when each step between the click and playback happened, from the
 * page's own clock: the share page is drawn in the same document, so its resource timings
 * (which CDP events would report late) cover the whole way. Steps: the completing PATCH
 * (the last one to the upload) answered, the video JSON answered, the original's first
 * bytes, playing. Resolves with `{ total, phases: [[name, ms]...] }`, each phase the time
 * since the one before (a full navigation, the fallback, leaves only the total).
 */
export async function stopAndTimePhases(page, videoId) {
  // Every PATCH of the recording is in the buffer (250 entries by default): start afresh.
  await page.evaluate(() => performance.clearResourceTimings());
  const clickedAt = await page.evaluate(() => performance.timeOrigin + performance.now());
  const total = await stopAndTimePlayback(page, videoId);
  const marks = await page.evaluate((id) => {
    const at = (entry, field) => performance.timeOrigin + entry[field];
    const named = (test) => performance.getEntriesByType('resource').filter((e) => test(new URL(e.name).pathname));
    const patches = named((path) => path.startsWith('/api/uploads/'));
    const json = named((path) => path === `/api/videos/${id}`);
    const original = named((path) => path === `/api/videos/${id}/original`);
    return {
      completing_patch_answered: patches.length ? at(patches[patches.length - 1], 'responseEnd') : null,
      video_json_answered: json.length ? at(json[0], 'responseEnd') : null,
      original_first_bytes: original.length ? at(original[0], 'responseStart') : null,
      playing: window.__brieflyFirstPlayingAt ?? null,
    };
  }, videoId);
  const phases = [];
  let last = clickedAt;
  for (const [name, when] of Object.entries(marks)) {
    if (when === null) continue;
    phases.push([name, Math.round(when - last)]);
    last = when;
  }
  return { total, phases };
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
