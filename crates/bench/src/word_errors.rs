//! Word error rate of a transcript against the text that was spoken, so a speed-up that
//! costs accuracy shows.
//!
//! Two references: a passage spoken once ([`word_error_rate`]), and one paragraph
//! spoken again and again and cut at an exact length ([`word_error_rate_cut`], the
//! processing benchmark's long track). For the second, the hypothesis is aligned against
//! the paragraph repeated as often as it was spoken whole, plus the part of one more
//! repeat that best fits the hypothesis's end: the track is cut mid-paragraph, and where
//! exactly is not the engine's error. Otherwise it is the usual edit distance
//! (substitutions, insertions, deletions, each costing one) over normalised words.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// The words of `text` as both engines' transcripts and the reference are compared:
/// lower case; diacritics removed (canonical decomposition, then the combining marks
/// dropped: "é" is "e", "ü" is "u", and in Russian "ё" is "е" and "й" is "и"), so an
/// engine is not charged for an accent the synthetic voice barely voices; letters of
/// any script kept; every other character but the apostrophe (typographic ones made
/// plain) separates words, so "après-midi" and "après midi" are the same two words;
/// apostrophes at a word's ends (quotes) dropped.
pub fn normalise(text: &str) -> Vec<String> {
    let plain: String = text
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| match c {
            '\u{2019}' | '\u{2018}' | '\u{02BC}' => '\'',
            c if c.is_alphanumeric() || c == '\'' => c,
            _ => ' ',
        })
        .collect();
    plain.split_whitespace().map(|w| w.trim_matches('\'').to_lowercase()).filter(|w| !w.is_empty()).collect()
}

/// Errors per reference word (0.0 = perfect) of `hypothesis` against `reference` spoken
/// once, whole. `None` when the reference has no words.
pub fn word_error_rate(reference: &str, hypothesis: &str) -> Option<f64> {
    let reference = normalise(reference);
    if reference.is_empty() {
        return None;
    }
    let errors = *last_row(&reference.iter().collect::<Vec<_>>(), &normalise(hypothesis)).last()?;
    Some(errors as f64 / reference.len() as f64)
}

/// Errors per reference word (0.0 = perfect) of `hypothesis` against `paragraph`
/// spoken `whole_repeats` times and then cut somewhere in the next repeat. `None` when
/// the paragraph has no words.
pub fn word_error_rate_cut(paragraph: &str, whole_repeats: usize, hypothesis: &str) -> Option<f64> {
    let once = normalise(paragraph);
    if once.is_empty() {
        return None;
    }
    let reference: Vec<&String> = once.iter().cycle().take(once.len() * (whole_repeats + 1)).collect();
    let distances = last_row(&reference, &normalise(hypothesis));
    // The cut: the best place in the last repeat to end on (ties: the longer reference).
    let whole = once.len() * whole_repeats;
    let (length, errors) = distances
        .iter()
        .enumerate()
        .skip(whole)
        .min_by_key(|(j, e)| (**e, std::cmp::Reverse(*j)))
        .map(|(j, e)| (j, *e))?;
    Some(errors as f64 / length.max(1) as f64)
}

/// The edit distance of all of `hyp` against each prefix of `reference`: element j is
/// the distance to `reference[..j]`. Computed one row at a time.
fn last_row(reference: &[&String], hyp: &[String]) -> Vec<usize> {
    let mut previous: Vec<usize> = (0..=reference.len()).collect();
    let mut current = vec![0; reference.len() + 1];
    for (i, h) in hyp.iter().enumerate() {
        current[0] = i + 1;
        for (j, r) in reference.iter().enumerate() {
            let substitution = previous[j] + usize::from(h != *r);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous
}

#[cfg(test)]
mod tests {
    use super::{normalise, word_error_rate, word_error_rate_cut};

    const PARAGRAPH: &str = "Good morning, team. We decided to delay the migration.";

    #[test]
    fn a_perfect_transcript_cut_mid_paragraph_has_no_errors() {
        let hypothesis = "good morning team we decided to delay the migration good morning Team. We decided";
        assert_eq!(word_error_rate_cut(PARAGRAPH, 1, hypothesis), Some(0.0));
    }

    #[test]
    fn a_transcript_that_stops_early_misses_what_it_did_not_hear() {
        // Spoken twice whole; only the first six words were transcribed.
        let wer = word_error_rate_cut(PARAGRAPH, 2, "good morning team we decided to").unwrap();
        assert!((wer - 12.0 / 18.0).abs() < 1e-9, "{wer}");
        assert_eq!(word_error_rate_cut(PARAGRAPH, 1, ""), Some(1.0));
    }

    #[test]
    fn substitutions_insertions_and_deletions_count_once_each() {
        // 9 reference words: one substitution (delay -> relay), one deletion (the),
        // one insertion (uh).
        let wer = word_error_rate_cut(PARAGRAPH, 0, "good morning team uh we decided to relay migration").unwrap();
        assert!((wer - 3.0 / 9.0).abs() < 1e-9, "{wer}");
        let wer = word_error_rate(PARAGRAPH, "good morning team uh we decided to relay migration").unwrap();
        assert!((wer - 3.0 / 9.0).abs() < 1e-9, "{wer}");
    }

    #[test]
    fn nothing_heard_is_all_errors_and_no_paragraph_is_none() {
        assert_eq!(word_error_rate_cut(PARAGRAPH, 0, "completely unrelated words here"), Some(4.0 / 4.0));
        assert_eq!(word_error_rate_cut("", 1, "anything"), None);
        assert_eq!(word_error_rate("", "anything"), None);
        assert_eq!(word_error_rate(PARAGRAPH, ""), Some(1.0));
    }

    #[test]
    fn a_passage_spoken_once_counts_a_transcript_that_stops_early() {
        // Unlike the cut track, the words not transcribed at the end are errors.
        let wer = word_error_rate(PARAGRAPH, "good morning team we decided").unwrap();
        assert!((wer - 4.0 / 9.0).abs() < 1e-9, "{wer}");
        assert_eq!(word_error_rate(PARAGRAPH, "Good morning team, we decided to delay the migration!"), Some(0.0));
    }

    #[test]
    fn accents_are_removed_and_case_folded_in_latin_scripts() {
        // ß is a letter of its own, not an accented s: it stays (lower-cased).
        assert_eq!(
            normalise("À l'équipe: Über GRÜẞE, año, façade, naïve."),
            ["a", "l'equipe", "uber", "gruße", "ano", "facade", "naive"]
        );
        // A precomposed and a decomposed "é" are the same letter.
        assert_eq!(normalise("caf\u{e9}"), normalise("cafe\u{301}"));
        assert_eq!(word_error_rate("Después del miércoles", "despues del miercoles"), Some(0.0));
    }

    #[test]
    fn cyrillic_survives_lower_cased_with_yo_and_short_i_folded() {
        assert_eq!(normalise("Доброе утро, ВСЕМ! Отчёт — майский."), ["доброе", "утро", "всем", "отчет", "маискии"]);
        assert_eq!(word_error_rate("Всё ещё зависит", "все еще зависит"), Some(0.0));
        assert_eq!(word_error_rate("Доброе утро", "доброе вечер"), Some(0.5));
    }

    #[test]
    fn hyphens_dashes_and_quotes_separate_words_but_apostrophes_inside_stay() {
        assert_eq!(
            normalise("après-midi « envoyez-moi » l’ancien 'quoted' don't"),
            ["apres", "midi", "envoyez", "moi", "l'ancien", "quoted", "don't"]
        );
        assert_eq!(normalise("après midi"), normalise("Après-midi."));
    }
}
