// Time-range arithmetic for editing, with no DOM: the editor's draft (trim + cuts, in the
// timeline that plays) becomes kept ranges of the original recording, and a viewer's
// place moves from one version to the next. Ranges are `{start_ms, end_ms}`, half open,
// as the API sends them. `kept` is a video's `kept_ranges`: null when the original plays.
// The rules follow the server's (src/domain/edit.rs, src/edits/words.rs), so what the
// preview skips is what the render cuts.

/** The server refuses kept ranges shorter than this (about one frame). */
export const MIN_RANGE_MS = 34;
/** Kept on each side of a cut snapped to words (WORD_PADDING_MS on the server). */
export const WORD_PADDING_MS = 60;

const range = (start_ms, end_ms) => ({ start_ms, end_ms });
const length = (r) => r.end_ms - r.start_ms;

/** In order, overlapping and touching ranges merged, empty ones dropped. */
export function normalize(ranges) {
  const sorted = ranges.filter((r) => r.end_ms > r.start_ms).map((r) => range(r.start_ms, r.end_ms)).sort((a, b) => a.start_ms - b.start_ms);
  const out = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.start_ms <= last.end_ms) last.end_ms = Math.max(last.end_ms, r.end_ms);
    else out.push(r);
  }
  return out;
}

/** Total length of `ranges`. */
export const totalMs = (ranges) => ranges.reduce((sum, r) => sum + length(r), 0);

/** `ranges` less `cuts`; slivers shorter than MIN_RANGE_MS go too, as on the server. */
export function subtract(ranges, cuts) {
  let kept = normalize(ranges);
  for (const cut of normalize(cuts)) {
    kept = kept
      .flatMap((r) => [range(r.start_ms, Math.min(r.end_ms, cut.start_ms)), range(Math.max(r.start_ms, cut.end_ms), r.end_ms)])
      .filter((piece) => length(piece) >= MIN_RANGE_MS);
  }
  return kept;
}

/** The stretches of [0, durationMs) that `kept` leaves out. */
export function complement(kept, durationMs) {
  const removed = [];
  let at = 0;
  for (const r of normalize(kept)) {
    if (r.start_ms > at) removed.push(range(at, r.start_ms));
    at = Math.max(at, r.end_ms);
  }
  if (at < durationMs) removed.push(range(at, durationMs));
  return removed;
}

/**
 * What a draft keeps of the version that plays, in its timeline: the stretch between the
 * trim handles, less the cuts.
 */
export function draftKeep({ durationMs, trimStartMs = 0, trimEndMs = durationMs, cuts = [] }) {
  return subtract([range(Math.max(0, trimStartMs), Math.min(durationMs, trimEndMs))], cuts);
}

/** The original stretches that playing ranges `playing` show, under `kept`. */
export function toOriginal(playing, kept) {
  if (!kept) return normalize(playing);
  const pieces = [];
  for (const r of playing) {
    let offset = 0;
    for (const k of kept) {
      const from = Math.max(r.start_ms, offset);
      const to = Math.min(r.end_ms, offset + length(k));
      if (from < to) pieces.push(range(k.start_ms + from - offset, k.start_ms + to - offset));
      offset += length(k);
    }
  }
  return normalize(pieces).filter((piece) => length(piece) >= MIN_RANGE_MS);
}

/**
 * Where original moment `ms` plays under `kept`: `{ms, cut}`. A removed moment goes to the
 * cut point (where what followed it now starts), as comments on the server do.
 */
export function place(ms, kept) {
  if (!kept) return { ms, cut: false };
  let offset = 0;
  for (const k of kept) {
    if (ms >= k.start_ms && ms < k.end_ms) return { ms: offset + ms - k.start_ms, cut: false };
    if (ms < k.start_ms) return { ms: offset, cut: true };
    offset += length(k);
  }
  const last = kept[kept.length - 1];
  return { ms: offset, cut: !(last && ms === last.end_ms) };
}

/** The original moment that playing position `ms` shows under `kept`. */
export function originalOf(ms, kept) {
  if (!kept) return ms;
  let offset = 0;
  for (const k of kept) {
    if (ms < offset + length(k)) return k.start_ms + Math.max(0, ms - offset);
    offset += length(k);
  }
  return kept.length ? kept[kept.length - 1].end_ms : 0;
}

/** A viewer's place `ms` in the version of `oldKept`, in the version of `newKept`. */
export function mapPosition(ms, oldKept, newKept) {
  return place(originalOf(ms, oldKept), newKept).ms;
}

/** A range of the old version in the new one; null when it was cut away entirely. */
export function mapRange(r, oldKept, newKept) {
  const start = mapPosition(r.start_ms, oldKept, newKept);
  const end = mapPosition(r.end_ms, oldKept, newKept);
  return end > start ? range(start, end) : null;
}

/** Whether two lists of kept ranges (null = the original) keep the same. */
export function sameKeep(a, b, sourceMs) {
  const x = normalize(a || [range(0, sourceMs)]);
  const y = normalize(b || [range(0, sourceMs)]);
  return x.length === y.length && x.every((r, i) => r.start_ms === y[i].start_ms && r.end_ms === y[i].end_ms);
}

/** The end of the removed stretch that `ms` is in, or null when `ms` is kept. */
export function skipTarget(ms, removed) {
  const hit = removed.find((r) => ms >= r.start_ms && ms < r.end_ms);
  return hit ? hit.end_ms : null;
}

/**
 * `cut` grown to the whole words it touches, less a padding on each side that stays inside
 * the gaps between words (half the gap, at most WORD_PADDING_MS); a cut touching no word
 * is returned as it is. The server snaps a transcript selection the same way.
 */
export function snapToWords(cut, words) {
  const touched = [];
  words.forEach((w, i) => {
    if (w.start_ms < cut.end_ms && w.end_ms > cut.start_ms) touched.push(i);
  });
  if (!touched.length) return range(cut.start_ms, cut.end_ms);
  const first = touched[0];
  const last = touched[touched.length - 1];
  const gapBefore = first > 0 ? words[first].start_ms - words[first - 1].end_ms : WORD_PADDING_MS * 2;
  const gapAfter = last + 1 < words.length ? words[last + 1].start_ms - words[last].end_ms : WORD_PADDING_MS * 2;
  const pad = (gap) => Math.min(WORD_PADDING_MS, Math.max(0, Math.trunc(gap / 2)));
  return range(Math.max(0, words[first].start_ms - pad(gapBefore)), words[last].end_ms + pad(gapAfter));
}

/** Every word of a transcript (`{segments: [{words}]}`), in order, with its segment's index. */
export function transcriptWords(transcript) {
  return (transcript?.segments || []).flatMap((segment, index) =>
    (segment.words || []).map((w) => ({ start_ms: w.start_ms, end_ms: w.end_ms, text: w.text.trim(), segment: index })));
}
