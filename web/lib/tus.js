// A small tus 1.0.0 client for Briefly's /api/uploads: creation (deferred or known length),
// PATCH at an offset, HEAD for the server's offset, termination.

export const TUS_VERSION = '1.0.0';
const REQUEST_TIMEOUT_MS = 60000;

export class TusError extends Error {
  /** `retryable`: worth trying again later (network, 423, 5xx); otherwise give up. */
  constructor(status, message, retryable) {
    super(message);
    this.status = status;
    this.retryable = retryable;
  }
}

function encodeMetadata(fields) {
  const b64 = (text) => btoa(String.fromCharCode(...new TextEncoder().encode(text)));
  return Object.entries(fields)
    .filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => `${k} ${b64(String(v))}`)
    .join(',');
}

async function request(method, url, headers, body) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
  try {
    return await fetch(url, {
      method,
      headers: { 'Tus-Resumable': TUS_VERSION, ...headers },
      body,
      credentials: 'same-origin',
      signal: controller.signal,
    });
  } catch (err) {
    throw new TusError(0, 'network error', true);
  } finally {
    clearTimeout(timer);
  }
}

async function failure(response) {
  let message = `HTTP ${response.status}`;
  try {
    const data = await response.json();
    message = data?.error?.message || message;
  } catch {
    /* not JSON */
  }
  const retryable = response.status === 423 || response.status === 429 || response.status >= 500;
  return new TusError(response.status, message, retryable);
}

/** Create an upload. `length` null = deferred (a recording still in progress). */
export async function createUpload({ length = null, metadata }) {
  const headers = { 'Upload-Metadata': encodeMetadata(metadata) };
  if (length === null) headers['Upload-Defer-Length'] = '1';
  else headers['Upload-Length'] = String(length);
  const response = await request('POST', '/api/uploads', headers);
  if (response.status !== 201) throw await failure(response);
  return { url: response.headers.get('Location'), videoId: response.headers.get('Briefly-Video-Id') };
}

/** The server's current offset (and length, when declared). */
export async function uploadOffset(url) {
  const response = await request('HEAD', url, { 'Cache-Control': 'no-store' });
  if (!response.ok) throw await failure(response);
  const length = response.headers.get('Upload-Length');
  return { offset: Number(response.headers.get('Upload-Offset')), length: length === null ? null : Number(length) };
}

/** Send `blob` at `offset`; `uploadLength` declares the total (the last PATCH of a recording). */
export async function patchAt(url, offset, blob, uploadLength = null) {
  const headers = { 'Upload-Offset': String(offset), 'Content-Type': 'application/offset+octet-stream' };
  if (uploadLength !== null) headers['Upload-Length'] = String(uploadLength);
  const response = await request('PATCH', url, headers, blob);
  if (response.status === 409) return { conflict: true };
  if (response.status !== 204) throw await failure(response);
  return { offset: Number(response.headers.get('Upload-Offset')) };
}

export async function terminate(url) {
  const response = await request('DELETE', url, {});
  if (!response.ok && response.status !== 404) throw await failure(response);
}

/** Wait `ms`, or less if the browser reports the network came back. */
export function backoff(ms) {
  return new Promise((resolve) => {
    const wake = () => {
      clearTimeout(timer);
      window.removeEventListener('online', wake);
      resolve();
    };
    const timer = setTimeout(wake, ms);
    window.addEventListener('online', wake);
  });
}
