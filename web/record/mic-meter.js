// Live microphone level, and a warning when the chosen microphone stays silent: people
// otherwise only find out after sending a recording nobody can hear.

const SILENCE_LEVEL = 0.003; // RMS below this is "nothing" (a quiet room still measures above)
const SILENCE_WARN_AFTER_MS = 5000; // longer than a pause for breath

export class MicMeter {
  /** `onlevel(level 0..1, silentForMs)` is called about 20 times a second. */
  constructor(stream, onlevel) {
    this.context = new AudioContext();
    this.source = this.context.createMediaStreamSource(stream);
    this.analyser = this.context.createAnalyser();
    this.analyser.fftSize = 2048;
    this.source.connect(this.analyser);
    this.samples = new Float32Array(this.analyser.fftSize);
    this.silentSince = performance.now();
    this.timer = setInterval(() => {
      this.analyser.getFloatTimeDomainData(this.samples);
      let sum = 0;
      for (const s of this.samples) sum += s * s;
      const rms = Math.sqrt(sum / this.samples.length);
      const now = performance.now();
      if (rms > SILENCE_LEVEL) this.silentSince = now;
      onlevel(Math.min(1, rms * 4), now - this.silentSince);
    }, 50);
  }

  static get warnAfterMs() {
    return SILENCE_WARN_AFTER_MS;
  }

  stop() {
    clearInterval(this.timer);
    this.source.disconnect();
    this.context.close().catch(() => {});
  }
}
