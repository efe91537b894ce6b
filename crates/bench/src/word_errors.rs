//! Word error rate of a transcript of the benchmark's speech track (one paragraph spoken
//! again and again, cut at an exact length), so a speed-up that costs accuracy shows.
//!
//! The hypothesis is aligned against the paragraph repeated as often as it was spoken
//! whole, plus the part of one more repeat that best fits the hypothesis's end: the
//! track is cut mid-paragraph, and where exactly is not the engine's error. Otherwise it
//! is the usual edit distance (substitutions, insertions, deletions, each costing one).

/// Lower case, punctuation removed (apostrophes kept), split on white space.
fn normalise(text: &str) -> Vec<String> {
    text.split_whitespace()
        .map(|w| w.chars().filter(|c| c.is_alphanumeric() || *c == '\'').collect::<String>().to_lowercase())
        .filter(|w| !w.is_empty())
        .collect()
}

/// Errors per reference word (0.0 = perfect) of `hypothesis` against `paragraph`
/// spoken `whole_repeats` times and then cut somewhere in the next repeat. `None` when
/// the paragraph has no words.
pub fn word_error_rate(paragraph: &str, whole_repeats: usize, hypothesis: &str) -> Option<f64> {
    let once = normalise(paragraph);
    if once.is_empty() {
        return None;
    }
    let hyp = normalise(hypothesis);
    let reference: Vec<&String> = once.iter().cycle().take(once.len() * (whole_repeats + 1)).collect();

    // previous[j] = edit distance of hyp[..i] against reference[..j]; one row at a time.
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
    // The cut: the best place in the last repeat to end on (ties: the longer reference).
    let whole = once.len() * whole_repeats;
    let (length, errors) = previous
        .iter()
        .enumerate()
        .skip(whole)
        .min_by_key(|(j, e)| (**e, std::cmp::Reverse(*j)))
        .map(|(j, e)| (j, *e))?;
    Some(errors as f64 / length.max(1) as f64)
}

#[cfg(test)]
mod tests {
    use super::word_error_rate;

    const PARAGRAPH: &str = "Good morning, team. We decided to delay the migration.";

    #[test]
    fn a_perfect_transcript_cut_mid_paragraph_has_no_errors() {
        let hypothesis = "good morning team we decided to delay the migration good morning Team. We decided";
        assert_eq!(word_error_rate(PARAGRAPH, 1, hypothesis), Some(0.0));
    }

    #[test]
    fn a_transcript_that_stops_early_misses_what_it_did_not_hear() {
        // Spoken twice whole; only the first six words were transcribed.
        let wer = word_error_rate(PARAGRAPH, 2, "good morning team we decided to").unwrap();
        assert!((wer - 12.0 / 18.0).abs() < 1e-9, "{wer}");
        assert_eq!(word_error_rate(PARAGRAPH, 1, ""), Some(1.0));
    }

    #[test]
    fn substitutions_insertions_and_deletions_count_once_each() {
        // 9 reference words: one substitution (delay -> relay), one deletion (the),
        // one insertion (uh).
        let wer = word_error_rate(PARAGRAPH, 0, "good morning team uh we decided to relay migration").unwrap();
        assert!((wer - 3.0 / 9.0).abs() < 1e-9, "{wer}");
    }

    #[test]
    fn nothing_heard_is_all_errors_and_no_paragraph_is_none() {
        assert_eq!(word_error_rate(PARAGRAPH, 0, "completely unrelated words here"), Some(4.0 / 4.0));
        assert_eq!(word_error_rate("", 1, "anything"), None);
    }
}
