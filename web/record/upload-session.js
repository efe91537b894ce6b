// Upload while recording: chunks go into the local queue first, then one drain loop sends
// them in order with PATCH. Failures are retried with exponential backoff; a 409 (the
// server has a different offset, e.g. a response was lost) is settled with HEAD, skipping
// bytes the server already has. The last PATCH declares Upload-Length, which completes the
// upload and makes the video watchable: when the recording's final bytes are still queued
// at stop, they go in that same PATCH (one request less between stop and the share page).
import * as queue from './chunk-store.js';
import { backoff, patchAt, terminate, uploadOffset } from '../lib/tus.js';

const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 8000;
/** Give up (keeping the queue for a later resume) after this long without progress. */
const GIVE_UP_AFTER_MS = 30 * 60 * 1000;

export class UploadSession {
  /** `onstate({pendingChunks, offline, error, complete})` reports progress to the page. */
  constructor(record, onstate = () => {}) {
    this.record = record;
    this.onstate = onstate;
    this.draining = null;
    this.serverOffset = null;
    this.cancelled = false;
    // Queue writes happen one after another, so the end marker always lands last.
    this.writes = Promise.resolve();
  }

  static async start({ videoId, uploadUrl, userId }, onstate) {
    const record = { id: crypto.randomUUID(), videoId, uploadUrl, userId, enqueued: 0, finished: false, createdAt: Date.now() };
    await queue.saveSession(record);
    return new UploadSession(record, onstate);
  }

  /** This user's sessions left unfinished by a reload or a closed tab (the browser may be
   * shared: another account's uploads are not ours to send). */
  static async leftovers(userId, onstate) {
    const mine = (await queue.allSessions()).filter((record) => record.userId === userId);
    return mine.map((record) => new UploadSession(record, onstate));
  }

  get videoId() {
    return this.record.videoId;
  }

  /** Queue a chunk; `final`: the recording ends with it (the end marker follows at once). */
  add(blob, { final = false } = {}) {
    this.writes = this.writes.then(async () => {
      if (this.cancelled || (blob.size === 0 && !final)) return;
      if (blob.size > 0) await queue.enqueueChunk(this.record.id, blob);
      if (final) await queue.enqueueChunk(this.record.id, new Blob([]), true);
      this.drain();
    });
    return this.writes;
  }

  /** No more chunks: queue the end marker and wait until the server has everything. */
  async finish() {
    await this.writes;
    const fresh = await queue.loadSession(this.record.id);
    if (fresh && !fresh.finished) await queue.enqueueChunk(this.record.id, new Blob([]), true);
    this.record = (await queue.loadSession(this.record.id)) || this.record;
    return this.drain();
  }

  drain() {
    this.draining ??= this.drainLoop().finally(() => {
      this.draining = null;
    });
    return this.draining;
  }

  async drainLoop() {
    let delay = FIRST_RETRY_MS;
    let lastProgress = Date.now();
    for (;;) {
      if (this.cancelled) return;
      const chunk = await queue.firstChunk(this.record.id);
      if (!chunk) {
        await this.report({});
        return;
      }
      try {
        const closes = chunk.last || (await queue.isFinalData(chunk));
        await this.send(chunk, closes);
        delay = FIRST_RETRY_MS;
        lastProgress = Date.now();
        if (closes && this.serverOffset === chunk.start + chunk.blob.size) {
          await queue.deleteSession(this.record.id);
          this.onstate({ complete: true, pendingChunks: 0 });
          return;
        }
        await this.report({});
      } catch (err) {
        if (!err.retryable) {
          // The upload is gone for good (deleted, expired, not ours): keeping its chunks
          // would only retry forever.
          if ([403, 404, 410].includes(err.status)) await queue.deleteSession(this.record.id);
          this.onstate({ error: err.message });
          throw err;
        }
        if (Date.now() - lastProgress > GIVE_UP_AFTER_MS) {
          this.onstate({ error: 'The upload made no progress for 30 minutes; it will resume when you reopen this page.' });
          throw err;
        }
        await this.report({ offline: true });
        await backoff(delay);
        delay = Math.min(delay * 2, MAX_RETRY_MS);
      }
    }
  }

  async report(extra) {
    this.onstate({ pendingChunks: await queue.countChunks(this.record.id), ...extra });
  }

  /** Send one queued chunk (or the part of it the server does not have yet); `closes`:
   * it ends the recording, so the PATCH declares the total length. */
  async send(chunk, closes) {
    const { uploadUrl } = this.record;
    if (this.serverOffset === null) this.serverOffset = (await uploadOffset(uploadUrl)).offset;
    const end = chunk.start + chunk.blob.size;
    if (this.serverOffset > end || (this.serverOffset === end && !closes)) {
      await queue.deleteChunk(chunk); // already there: a response went missing earlier
      return;
    }
    const skip = this.serverOffset - chunk.start;
    if (skip < 0) throw Object.assign(new Error(`the server is missing bytes ${this.serverOffset}..${chunk.start}`), { retryable: false });
    // The end marker is empty and starts at the recording's total length.
    const length = closes ? end : null;
    const result = await patchAt(uploadUrl, this.serverOffset, chunk.blob.slice(skip), length);
    if (result.conflict) {
      this.serverOffset = null; // ask again with HEAD on the next attempt
      throw Object.assign(new Error('offset moved'), { retryable: true });
    }
    this.serverOffset = result.offset;
    await queue.deleteChunk(chunk);
  }

  /** Discard everything: local queue, the server's upload. */
  async cancel() {
    this.cancelled = true;
    await queue.deleteSession(this.record.id);
    await terminate(this.record.uploadUrl).catch(() => {});
  }
}
