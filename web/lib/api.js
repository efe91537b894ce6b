// JSON calls to the Briefly API. Errors become ApiError with the server's stable code.
// A Blob body (an uploaded image) is sent as it is, with its own type.

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message || code || `HTTP ${status}`);
    this.status = status;
    this.code = code;
  }
}

const DEFAULT_TIMEOUT_MS = 20000;

export async function api(method, path, body, { timeoutMs = DEFAULT_TIMEOUT_MS } = {}) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const raw = body instanceof Blob;
  let headers = {};
  if (raw) headers = { 'Content-Type': body.type || 'application/octet-stream' };
  else if (body !== undefined) headers = { 'Content-Type': 'application/json' };
  let response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers,
      body: raw || body === undefined ? body : JSON.stringify(body),
      signal: controller.signal,
    });
  } catch (err) {
    throw new ApiError(0, 'network', 'Network error: check your connection');
  } finally {
    clearTimeout(timer);
  }
  if (response.status === 204) return null;
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!response.ok) {
    const error = data && data.error ? data.error : {};
    throw new ApiError(response.status, error.code, error.message);
  }
  return data;
}

export const get = (path, opts) => api('GET', path, undefined, opts);
export const post = (path, body, opts) => api('POST', path, body ?? {}, opts);
export const patch = (path, body, opts) => api('PATCH', path, body, opts);
export const put = (path, body, opts) => api('PUT', path, body, opts);
export const del = (path, opts) => api('DELETE', path, undefined, opts);

let mePromise;
/** The signed-in user (`GET /api/me`), or null when signed out. Cached per page. */
export function me() {
  mePromise ??= get('/api/me').catch((err) => {
    if (err.status === 401) return null;
    throw err;
  });
  return mePromise;
}

/** Send the visitor to sign in, coming back here afterwards. */
export function requireLogin() {
  const next = location.pathname + location.search;
  location.assign(`/login?next=${encodeURIComponent(next)}`);
}
