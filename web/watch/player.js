// The player: best available source (playback MP4 > seekable WebM > the original as
// uploaded), switching up as processing finishes without losing the viewer's place;
// playback speed; captions in the spoken language (and the English translation);
// keyboard shortcuts.
import { h, isTyping } from '../lib/dom.js';
import { captionTracks, CaptionsPicker } from './captions.js';
import { freshUrl } from '../lib/fresh-url.js';

const SPEEDS = [1, 1.25, 1.5, 1.75, 2];

export function bestSource(video) {
  return video.media_url || video.seekable_url || video.original_url || null;
}

export class Player {
  constructor({ startMs = null, autoplay = false }) {
    this.video = h('video', {
      class: 'player-video',
      controls: true,
      playsinline: true,
      // Autoplay (the share page opened at stop) buffers at once instead of stopping at
      // the metadata and starting again when play() comes.
      preload: autoplay ? 'auto' : 'metadata',
      'aria-label': 'Video',
    });
    this.source = null;
    this.startMs = startMs;
    this.autoplay = autoplay;
    this.speed = h('select', { id: 'speed', 'aria-label': 'Playback speed' }, SPEEDS.map((s) => h('option', { value: s, selected: s === 1 }, `${s}×`)));
    this.speed.addEventListener('change', () => (this.video.playbackRate = Number(this.speed.value)));
    this.video.addEventListener('ratechange', () => (this.speed.value = String(this.video.playbackRate)));
    this.captionsKey = null;
    this.captionsShowing = null; // index of the track shown, or null
    this.lastShown = 0; // what `c` turns back on
    this.captions = new CaptionsPicker((index) => this.showCaptions(index));
    // The native controls' captions menu changes modes too: keep the picker in step.
    this.video.textTracks.addEventListener('change', () => {
      const tracks = [...this.video.textTracks];
      const index = tracks.findIndex((t) => t.mode === 'showing');
      this.captionsShowing = index < 0 ? null : index;
      this.captions.show(this.captionsShowing);
    });
    this.video.addEventListener('playing', () => {
      // Read by the browser test's stop-to-playing benchmark.
      window.__brieflyFirstPlayingAt ??= Date.now();
    });
  }

  get currentMs() {
    return Math.round(this.video.currentTime * 1000);
  }

  /** Duration in ms: the server's measurement, since a browser recording carries none. */
  durationMs(video) {
    const d = this.video.duration;
    if (Number.isFinite(d) && d > 0) return d * 1000;
    return video?.duration_ms || 0;
  }

  seek(ms) {
    this.video.currentTime = Math.max(0, ms / 1000);
  }

  /** Point the player at the best source of `video`, keeping position and play state;
   * `atMs` puts it at another moment instead (the same place in a new version). */
  update(video, { atMs = null } = {}) {
    this.setCaptions(video);
    const src = bestSource(video);
    if (src && src === this.source && atMs !== null) this.seek(atMs);
    if (!src || src === this.source) return;
    const first = this.source === null;
    const at = atMs === null ? this.video.currentTime : atMs / 1000;
    const wasPlaying = !this.video.paused;
    this.source = src;
    if (video.poster_url) this.video.poster = video.poster_url;
    this.video.src = src;
    this.video.addEventListener(
      'loadedmetadata',
      () => {
        if (first && this.startMs !== null) this.seek(this.startMs);
        else if ((!first || atMs !== null) && at > 0) this.video.currentTime = at;
        this.video.playbackRate = Number(this.speed.value);
        if ((first && this.autoplay) || wasPlaying) this.play();
      },
      { once: true },
    );
  }

  /** Caption tracks for `video`; redrawn only when its tracks change. During a new
   * transcript (no captions_url for a while) the old tracks stay until the new ones come. */
  setCaptions(video) {
    const tracks = captionTracks(video);
    if (!tracks.length) return;
    const key = JSON.stringify(tracks);
    if (key === this.captionsKey) return;
    this.captionsKey = key;
    this.tracks = tracks;
    this.drawTracks(false);
  }

  /** Fetch the captions again (after a correction or a new transcript): the URLs stay the
   * same, so a new query makes the browser load the file afresh. */
  reloadCaptions() {
    if (this.tracks?.length) this.drawTracks(true);
  }

  /** `fresh`: with URLs the browser has not cached (see freshUrl). */
  drawTracks(fresh) {
    const showing = this.captionsShowing;
    this.video.querySelectorAll('track').forEach((t) => t.remove());
    for (const t of this.tracks) {
      this.video.append(h('track', { kind: 'captions', label: t.label, srclang: t.srclang, src: fresh ? freshUrl(t.src) : t.src, dataset: { track: t.key } }));
    }
    this.captions.set(this.tracks.map((t) => t.label), null);
    if (showing !== null) this.showCaptions(Math.min(showing, this.tracks.length - 1));
  }

  /** Show track `index` (hiding the others), or none for null. */
  showCaptions(index) {
    [...this.video.textTracks].forEach((t, i) => (t.mode = i === index ? 'showing' : 'disabled'));
    this.captionsShowing = index;
    if (index !== null) this.lastShown = index;
    this.captions.show(index);
  }

  /** Start playing; when the browser refuses sound without a click, play muted instead. */
  async play() {
    try {
      await this.video.play();
    } catch {
      this.video.muted = true;
      await this.video.play().catch(() => {});
    }
  }

  /** `c`: captions off, or back on in the track last chosen (the transcript's at first). */
  toggleCaptions() {
    const count = this.video.textTracks.length;
    if (!count) return;
    this.showCaptions(this.captionsShowing === null ? Math.min(this.lastShown, count - 1) : null);
  }

  /** space/k play-pause, j/l ±10 s, ←/→ ±5 s, ↑/↓ volume, f fullscreen, c captions, m mute. */
  bindShortcuts(target = document) {
    target.addEventListener('keydown', (event) => {
      if (isTyping(event) || event.ctrlKey || event.metaKey || event.altKey) return;
      if (event.target instanceof HTMLElement && ['BUTTON', 'A'].includes(event.target.tagName) && event.key === ' ') return;
      const v = this.video;
      const jump = (s) => (v.currentTime = Math.max(0, v.currentTime + s));
      const actions = {
        ' ': () => (v.paused ? this.play() : v.pause()),
        k: () => (v.paused ? this.play() : v.pause()),
        j: () => jump(-10),
        l: () => jump(10),
        ArrowLeft: () => jump(-5),
        ArrowRight: () => jump(5),
        ArrowUp: () => (v.volume = Math.min(1, v.volume + 0.1)),
        ArrowDown: () => (v.volume = Math.max(0, v.volume - 0.1)),
        f: () => (document.fullscreenElement ? document.exitFullscreen() : v.requestFullscreen?.()),
        c: () => this.toggleCaptions(),
        m: () => (v.muted = !v.muted),
      };
      const action = actions[event.key];
      if (!action) return;
      // The video's native controls already handle space and arrows when it has focus.
      if (event.target === v && (event.key === ' ' || event.key.startsWith('Arrow'))) return;
      event.preventDefault();
      action();
    });
  }
}
