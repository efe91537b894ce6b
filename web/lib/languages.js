// Spoken languages: the list the server transcribes (GET /api/languages, Whisper's codes)
// and the English names shown for them.
import { get } from './api.js';

const names = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'none' });

/** "es" -> "Spanish". Whisper has codes Intl does not know (e.g. "jw"): then the server's
 * own name, capitalised, else the code itself. "und" and null have no name (null). */
export function languageName(code, serverName) {
  if (!code || code === 'und') return null;
  let name;
  try {
    name = names.of(code);
  } catch {
    name = undefined; // not a well-formed code
  }
  if (name && name !== code) return name;
  if (serverName) return serverName.charAt(0).toUpperCase() + serverName.slice(1);
  return code;
}

let listPromise;
/** `[{code, name}]` in the server's order, `name` already in English for display.
 * Cached per page; a failed fetch is retried on the next call. */
export function loadLanguages() {
  listPromise ??= get('/api/languages').then(
    ({ languages }) => languages.map((l) => ({ code: l.code, name: languageName(l.code, l.name) })),
    (err) => {
      listPromise = null;
      throw err;
    },
  );
  return listPromise;
}

/** `<option>`s for a language <select>: the leading `[value, label]` pairs, then every language. */
export function languageOptions(h, languages, leading, selected) {
  return [
    ...leading.map(([value, label]) => h('option', { value, selected: value === selected }, label)),
    ...languages.map((l) => h('option', { value: l.code, selected: l.code === selected }, l.name)),
  ];
}
