// Times on the page: milliseconds in, "1:05" / "1:02:03" out, and `?t=` parsing.

export function formatTime(ms) {
  if (!Number.isFinite(ms) || ms < 0) ms = 0;
  const total = Math.floor(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** "0:03.2": a time to the tenth of a second, for cut and trim points. */
export function formatPrecise(ms) {
  if (!Number.isFinite(ms) || ms < 0) ms = 0;
  const tenths = Math.floor(ms / 100);
  return `${formatTime(Math.floor(tenths / 10) * 1000)}.${tenths % 10}`;
}

/** Accessible wording: "1 minute 5 seconds". */
export function spokenTime(ms) {
  const total = Math.floor(Math.max(0, ms) / 1000);
  const m = Math.floor(total / 60);
  const s = total % 60;
  const parts = [];
  if (m) parts.push(`${m} minute${m === 1 ? '' : 's'}`);
  parts.push(`${s} second${s === 1 ? '' : 's'}`);
  return parts.join(' ');
}

/** `?t=93`, `?t=1m33s`, `?t=1h2m3s`, `?t=1:33` -> milliseconds, or null. */
export function parseStartTime(value) {
  if (!value) return null;
  const text = String(value).trim().toLowerCase();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(parseFloat(text) * 1000);
  const units = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s)?$/.exec(text);
  if (units && text) {
    const [, h = 0, m = 0, s = 0] = units;
    return Math.round((Number(h) * 3600 + Number(m) * 60 + Number(s)) * 1000);
  }
  const clock = /^(?:(\d+):)?(\d+):(\d{1,2})$/.exec(text);
  if (clock) {
    const [, h = 0, m, s] = clock;
    return (Number(h) * 3600 + Number(m) * 60 + Number(s)) * 1000;
  }
  return null;
}

/** "3 minutes ago" style, for list items. */
export function relativeTime(iso) {
  const then = Date.parse(iso);
  if (!Number.isFinite(then)) return '';
  const seconds = Math.round((Date.now() - then) / 1000);
  const steps = [
    [60, 'second'],
    [60, 'minute'],
    [24, 'hour'],
    [30, 'day'],
    [12, 'month'],
    [Infinity, 'year'],
  ];
  let amount = seconds;
  for (const [size, unit] of steps) {
    if (Math.abs(amount) < size) {
      return new Intl.RelativeTimeFormat('en', { numeric: 'auto' }).format(-amount, unit);
    }
    amount = Math.round(amount / size);
  }
  return '';
}
