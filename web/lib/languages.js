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

// Whisper's languages in its order, for a server without GET /api/languages (older than
// issue 15's endpoint): the same codes, named by Intl.
const WHISPER_CODES = ('en zh de es ru ko fr ja pt tr pl ca nl ar sv it id hi fi vi he uk el ms cs ro da hu ta no th ur hr bg lt la mi ml cy sk te fa lv bn sr az sl kn et mk br eu is hy ne mn bs kk sq sw gl mr pa si km sn yo so af oc ka be tg sd gu am yi lo uz fo ht ps tk nn mt sa lb my bo tl mg as tt haw ln ha ba jw su yue').split(' ');

async function fetchLanguages() {
  try {
    return (await get('/api/languages')).languages;
  } catch (err) {
    if (err.status === 404) return WHISPER_CODES.map((code) => ({ code }));
    throw err;
  }
}

let listPromise;
/** `[{code, name}]` in the server's order, `name` already in English for display.
 * Cached per page; a failed fetch is retried on the next call. */
export function loadLanguages() {
  listPromise ??= fetchLanguages().then(
    (languages) => languages.map((l) => ({ code: l.code, name: languageName(l.code, l.name) })),
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
