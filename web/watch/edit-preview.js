// Hearing an edit before it is rendered: while the editor is open the player jumps over
// the stretches the draft removes. `timeupdate` alone comes only every ~250 ms, so while
// playing each animation frame checks too; a seek into a removed stretch lands after it.
// Past the last kept moment (a trimmed end) the player stops there.
import { skipTarget } from './edit-timeline.js';

// How close to the end a removed stretch must reach to count as the trimmed end.
const END_SLACK_MS = 20;

export class CutPreview {
  constructor(video) {
    this.video = video;
    this.removed = [];
    this.durationMs = 0;
    this.active = false;
    this.frame = null;
    const check = () => this.check();
    video.addEventListener('timeupdate', check);
    video.addEventListener('seeking', check);
    video.addEventListener('play', () => this.loop());
  }

  /** Skip `removed` (playing timeline, in order, merged) of a video `durationMs` long. */
  set(removed, durationMs) {
    this.removed = removed;
    this.durationMs = durationMs;
  }

  start() {
    this.active = true;
    this.check();
    this.loop();
  }

  stop() {
    this.active = false;
    if (this.frame !== null) cancelAnimationFrame(this.frame);
    this.frame = null;
  }

  loop() {
    if (!this.active || this.frame !== null) return;
    const tick = () => {
      this.frame = null;
      if (!this.active || this.video.paused) return;
      this.check();
      this.frame = requestAnimationFrame(tick);
    };
    this.frame = requestAnimationFrame(tick);
  }

  check() {
    if (!this.active || !this.removed.length) return;
    const ms = this.video.currentTime * 1000;
    const to = skipTarget(ms, this.removed);
    if (to === null) return;
    if (this.durationMs && to >= this.durationMs - END_SLACK_MS) {
      // The trimmed end: stop just before it, where the edited video will end.
      const stretch = this.removed.find((r) => ms >= r.start_ms && ms < r.end_ms);
      this.video.pause();
      this.video.currentTime = Math.max(0, stretch.start_ms - 1) / 1000;
      return;
    }
    this.video.currentTime = to / 1000;
  }
}
