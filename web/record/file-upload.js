// Upload an existing file: drag and drop (or pick), sent with tus in 8 MiB PATCHes with a
// progress bar. The upload URL is remembered per file, so picking the same file again
// after a failure or reload resumes where it stopped.
import { h } from '../lib/dom.js';
import { backoff, createUpload, patchAt, uploadOffset } from '../lib/tus.js';

const CHUNK_BYTES = 8 * 1024 * 1024;
const MAX_ATTEMPTS = 8;

function fingerprint(file) {
  return `briefly.upload:${file.name}:${file.size}:${file.lastModified}`;
}

async function resumeOrCreate(file) {
  const saved = localStorage.getItem(fingerprint(file));
  if (saved) {
    try {
      const { url, videoId } = JSON.parse(saved);
      const { offset } = await uploadOffset(url);
      return { url, videoId, offset };
    } catch {
      localStorage.removeItem(fingerprint(file));
    }
  }
  const created = await createUpload({ length: file.size, metadata: { filename: file.name, filetype: file.type } });
  localStorage.setItem(fingerprint(file), JSON.stringify(created));
  return { ...created, offset: 0 };
}

async function uploadFile(file, progress, status) {
  let { url, videoId, offset } = await resumeOrCreate(file);
  let failures = 0;
  while (offset < file.size) {
    progress.value = offset / file.size;
    status.textContent = `${Math.floor((offset / file.size) * 100)}% uploaded`;
    try {
      const result = await patchAt(url, offset, file.slice(offset, offset + CHUNK_BYTES));
      offset = result.conflict ? (await uploadOffset(url)).offset : result.offset;
      failures = 0;
    } catch (err) {
      if (!err.retryable || ++failures > MAX_ATTEMPTS) throw err;
      status.textContent = 'Connection problem, retrying…';
      await backoff(Math.min(500 * 2 ** failures, 8000));
    }
  }
  progress.value = 1;
  localStorage.removeItem(fingerprint(file));
  return videoId;
}

export function fileUploadPanel() {
  const input = h('input', { type: 'file', id: 'file-input', accept: 'video/*,audio/*', class: 'visually-hidden' });
  const progress = h('progress', { max: 1, value: 0, hidden: true, 'aria-label': 'Upload progress' });
  const status = h('p', { role: 'status', class: 'muted' });
  const zone = h(
    'div',
    { class: 'drop-zone' },
    h('p', {}, 'Drop a video file here, or '),
    h('label', { for: 'file-input', class: 'button' }, 'choose a file'),
    input,
    progress,
    status,
  );
  const start = async (file) => {
    if (!file) return;
    progress.hidden = false;
    try {
      const videoId = await uploadFile(file, progress, status);
      status.textContent = 'Uploaded. Opening…';
      location.assign(`/v/${videoId}`);
    } catch (err) {
      status.textContent = `Upload failed: ${err.message}. Choose the same file again to resume.`;
    }
  };
  input.addEventListener('change', () => start(input.files[0]));
  zone.addEventListener('dragover', (event) => {
    event.preventDefault();
    zone.classList.add('dragging');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('dragging'));
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.classList.remove('dragging');
    start(event.dataTransfer.files[0]);
  });
  return h('section', { class: 'card', 'aria-labelledby': 'file-heading' }, h('h2', { id: 'file-heading' }, 'Or upload a file'), zone);
}
