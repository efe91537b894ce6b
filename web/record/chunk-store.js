// The recorder's local queue (IndexedDB): every MediaRecorder chunk is written here before
// it is sent, and removed only once the server acknowledged it. A network outage or a
// reload therefore loses nothing: the queue is drained when the connection (or the page)
// comes back.
//
// sessions: {id, videoId, uploadUrl, enqueued (bytes queued so far), finished (no more
//            chunks will come), createdAt}
// chunks:   {session, start (byte offset in the recording), blob, last (the end marker)}

const DB_NAME = 'briefly-recorder';
const DB_VERSION = 1;

let dbPromise;
function open() {
  dbPromise ??= new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, DB_VERSION);
    request.onupgradeneeded = () => {
      const db = request.result;
      db.createObjectStore('sessions', { keyPath: 'id' });
      db.createObjectStore('chunks', { keyPath: ['session', 'start', 'last'] });
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  return dbPromise;
}

function done(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function store(name, mode = 'readonly') {
  const db = await open();
  return db.transaction(name, mode).objectStore(name);
}

export async function saveSession(session) {
  await done((await store('sessions', 'readwrite')).put(session));
}

export async function loadSession(id) {
  return done((await store('sessions')).get(id));
}

export async function allSessions() {
  return done((await store('sessions')).getAll());
}

/** Queue a chunk and advance the session's byte count in one transaction. */
export async function enqueueChunk(sessionId, blob, last = false) {
  const db = await open();
  const tx = db.transaction(['sessions', 'chunks'], 'readwrite');
  const sessions = tx.objectStore('sessions');
  const session = await done(sessions.get(sessionId));
  if (!session) throw new Error('recording session is gone');
  const chunk = { session: sessionId, start: session.enqueued, blob, last: last ? 1 : 0 };
  session.enqueued += blob.size;
  if (last) session.finished = true;
  sessions.put(session);
  tx.objectStore('chunks').put(chunk);
  await new Promise((resolve, reject) => {
    tx.oncomplete = resolve;
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error || new Error('IndexedDB transaction aborted'));
  });
  return chunk;
}

/** The oldest queued chunk of a session, or undefined. */
export async function firstChunk(sessionId) {
  const chunks = await store('chunks');
  const range = IDBKeyRange.bound([sessionId, 0, 0], [sessionId, Infinity, 1]);
  return new Promise((resolve, reject) => {
    const request = chunks.openCursor(range);
    request.onsuccess = () => resolve(request.result ? request.result.value : undefined);
    request.onerror = () => reject(request.error);
  });
}

/** Whether `chunk` holds the recording's last bytes: the session is finished and nothing
 * but the (empty) end marker comes after it. */
export async function isFinalData(chunk) {
  const session = await loadSession(chunk.session);
  return Boolean(session?.finished) && chunk.start + chunk.blob.size === session.enqueued;
}

export async function countChunks(sessionId) {
  const range = IDBKeyRange.bound([sessionId, 0, 0], [sessionId, Infinity, 1]);
  return done((await store('chunks')).count(range));
}

export async function deleteChunk(chunk) {
  await done((await store('chunks', 'readwrite')).delete([chunk.session, chunk.start, chunk.last]));
}

export async function deleteSession(sessionId) {
  const db = await open();
  const tx = db.transaction(['sessions', 'chunks'], 'readwrite');
  tx.objectStore('chunks').delete(IDBKeyRange.bound([sessionId, 0, 0], [sessionId, Infinity, 1]));
  tx.objectStore('sessions').delete(sessionId);
  await new Promise((resolve, reject) => {
    tx.oncomplete = resolve;
    tx.onerror = () => reject(tx.error);
  });
}
