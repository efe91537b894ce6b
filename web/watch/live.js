// Live updates for one video: the server's event stream (SSE, resumed with Last-Event-ID by
// the browser), plus a slow status poll while the video is still processing so the page
// also catches up if the stream is unavailable.
const POLL_MS = 2000;
const POLL_FOR_AT_MOST_MS = 2 * 60 * 60 * 1000;

export function subscribe(videoId, handlers) {
  const source = new EventSource(`/api/videos/${encodeURIComponent(videoId)}/events`);
  const on = (name, fn) =>
    source.addEventListener(name, (event) => {
      try {
        fn(JSON.parse(event.data));
      } catch (err) {
        console.warn('bad event', name, err);
      }
    });
  on('comment.created', handlers.commentCreated);
  on('comment.updated', handlers.commentUpdated);
  on('comment.deleted', (d) => handlers.commentDeleted(d.id));
  on('reaction.created', handlers.reactionCreated);
  on('reaction.deleted', (d) => handlers.reactionDeleted(d.id));
  on('video.updated', handlers.videoUpdated);
  source.addEventListener('open', () => handlers.connection?.(true));
  source.addEventListener('error', () => handlers.connection?.(source.readyState === EventSource.OPEN));
  return () => source.close();
}

/** Poll `GET /api/videos/{id}` until `done(video)` says stop. */
export function pollStatus(videoId, fetchVideo, onvideo, done) {
  const started = Date.now();
  let timer;
  const tick = async () => {
    try {
      const video = await fetchVideo(videoId);
      onvideo(video);
      if (done(video)) return;
    } catch {
      /* try again next tick */
    }
    if (Date.now() - started < POLL_FOR_AT_MOST_MS) timer = setTimeout(tick, POLL_MS);
  };
  timer = setTimeout(tick, POLL_MS);
  return () => clearTimeout(timer);
}
