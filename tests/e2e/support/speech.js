// The microphone's input for the tests: espeak-ng speech, converted to what Chromium's fake
// audio capture reads best (48 kHz, 16-bit, mono WAV), with silence after it so the clip
// loops with a pause.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export const SPOKEN =
  'Good morning team. This is the Monday update. The database migration moved to Thursday, because the vendor was late.';

export function speechWav(dir) {
  const raw = join(dir, 'speech-raw.wav');
  const wav = join(dir, 'speech-48k.wav');
  execFileSync('espeak-ng', ['-s', '150', '-w', raw, SPOKEN]);
  execFileSync('sox', [raw, '-r', '48000', '-b', '16', '-c', '1', wav, 'pad', '0.3', '1.2']);
  return wav;
}

/** A microphone that records nothing: digital silence, as from a muted headset. */
export function silentWav(dir) {
  const wav = join(dir, 'silence-48k.wav');
  execFileSync('sox', ['-n', '-r', '48000', '-b', '16', '-c', '1', wav, 'trim', '0', '5']);
  return wav;
}
