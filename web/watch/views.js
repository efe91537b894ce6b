// Reporting how much of the video this viewer watched, for the owner's "seen by" list.
import { post } from '../lib/api.js';

const REPORT_EVERY_MS = 10000;
const VIEWER_KEY = 'briefly.viewer_id';

export function trackViews(videoId, player, signedIn) {
  let furthestMs = 0;
  let lastSent = -1;
  const send = async () => {
    if (furthestMs === lastSent) return;
    lastSent = furthestMs;
    try {
      const body = { watched_ms: Math.round(furthestMs) };
      // Signed-in viewers are known by their account; anonymous ones by the id we got.
      const viewer = signedIn ? null : localStorage.getItem(VIEWER_KEY);
      if (viewer) body.viewer_id = viewer;
      const result = await post(`/api/videos/${videoId}/views`, body);
      if (!signedIn && result?.viewer_id) localStorage.setItem(VIEWER_KEY, result.viewer_id);
    } catch {
      /* views are best effort */
    }
  };
  player.video.addEventListener('timeupdate', () => {
    furthestMs = Math.max(furthestMs, player.currentMs);
  });
  player.video.addEventListener('play', send, { once: true });
  player.video.addEventListener('pause', send);
  player.video.addEventListener('ended', send);
  setInterval(() => !player.video.paused && send(), REPORT_EVERY_MS);
}
