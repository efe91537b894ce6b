// A URL the browser must fetch afresh (a corrected transcript, captions after a correction):
// the same file with a new `v=`. The server's own `v=` (the media revision) only exists to
// defeat caches, so a newer value replaces it; other parameters (`edit=`, the version the
// URL belongs to) stay as they are.

export function freshUrl(url, now = Date.now()) {
  const [path, query = ''] = url.split('?');
  const rest = query.split('&').filter((p) => p && !p.startsWith('v='));
  return `${path}?${[`v=${now}`, ...rest].join('&')}`;
}
