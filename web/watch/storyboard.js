// Storyboard thumbnails: a WebVTT track whose cues are sprite-sheet regions
// (`storyboard/0.jpg#xywh=x,y,w,h`), shown above the timeline while scrubbing.

function parseTimestamp(text) {
  const parts = text.trim().split(':').map(Number);
  while (parts.length < 3) parts.unshift(0);
  return Math.round(((parts[0] * 60 + parts[1]) * 60 + parts[2]) * 1000);
}

export function parseStoryboard(vtt, baseUrl) {
  const cues = [];
  for (const block of vtt.split(/\r?\n\r?\n/)) {
    const lines = block.split(/\r?\n/).filter(Boolean);
    const timing = lines.findIndex((l) => l.includes('-->'));
    if (timing < 0 || !lines[timing + 1]) continue;
    const [start, end] = lines[timing].split('-->').map((t) => parseTimestamp(t.split(' ').filter(Boolean)[0] || t));
    const [path, fragment = ''] = lines[timing + 1].trim().split('#');
    const xywh = /xywh=(\d+),(\d+),(\d+),(\d+)/.exec(fragment);
    if (!xywh) continue;
    const [, x, y, w, hgt] = xywh.map(Number);
    cues.push({ start, end, url: new URL(path, baseUrl).href, x, y, w, h: hgt });
  }
  return cues;
}

export async function loadStoryboard(url) {
  const response = await fetch(url, { credentials: 'same-origin' });
  if (!response.ok) return [];
  return parseStoryboard(await response.text(), new URL(url, location.href));
}

export function cueAt(cues, ms) {
  return cues.find((c) => ms >= c.start && ms < c.end) || cues[cues.length - 1] || null;
}
