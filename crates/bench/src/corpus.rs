//! Synthetic spoken-update text for the search benchmark: sentences whose words follow a
//! Zipf distribution (the word of rank r appears with probability ∝ 1/r), as words do in
//! real speech, so a few words are everywhere and most are rare.
//!
//! The most frequent ranks are English function words (what the search drops as
//! stopwords); every other rank is a pronounceable made-up word built from consonant-vowel
//! syllables, distinct per rank and left alone by the English stemmers. Generation is
//! seeded, so both databases receive exactly the same text.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const FUNCTION_WORDS: &[&str] = &[
    "the", "we", "to", "and", "a", "of", "is", "that", "it", "in", "i", "this", "for", "so", "on", "with", "be", "our",
    "are", "was", "have", "you", "will", "but", "not", "at", "as", "they", "from", "what", "by", "or", "there", "can",
    "all", "an", "if", "do", "about", "when",
];
const CONSONANTS: &[u8] = b"bdfgklmnprstvz";
// No 'e': a trailing 'e' is the one ending the stemmers would strip.
const VOWELS: &[u8] = b"aiou";

pub struct Corpus {
    /// Cumulative weights of ranks 1..=len, for sampling by binary search.
    cumulative: Vec<f64>,
    rng: StdRng,
}

impl Corpus {
    /// A vocabulary of `content_words` made-up words after the function words.
    pub fn new(content_words: usize, seed: u64) -> Corpus {
        let size = FUNCTION_WORDS.len() + content_words;
        let mut total = 0.0;
        let cumulative = (1..=size)
            .map(|rank| {
                total += 1.0 / rank as f64;
                total
            })
            .collect();
        Corpus { cumulative, rng: StdRng::seed_from_u64(seed) }
    }

    /// The `n`-th most frequent content word (n = 1 is the most frequent).
    pub fn content_word(n: usize) -> String {
        assert!(n >= 1, "content word ranks start at 1");
        made_up_word(n - 1)
    }

    /// One transcript-segment-like sentence of 8 to 16 words.
    pub fn sentence(&mut self) -> String {
        let words = self.rng.gen_range(8..=16);
        let mut text = String::with_capacity(words * 7);
        for i in 0..words {
            let word = self.sample_word();
            if i == 0 {
                let mut chars = word.chars();
                if let Some(first) = chars.next() {
                    text.extend(first.to_uppercase());
                    text.push_str(chars.as_str());
                }
            } else {
                text.push(' ');
                text.push_str(&word);
            }
        }
        text.push('.');
        text
    }

    fn sample_word(&mut self) -> String {
        let total = self.cumulative.last().copied().unwrap_or(1.0);
        let target = self.rng.gen::<f64>() * total;
        let index = self.cumulative.partition_point(|&c| c < target).min(self.cumulative.len() - 1);
        match FUNCTION_WORDS.get(index) {
            Some(word) => (*word).to_string(),
            None => made_up_word(index - FUNCTION_WORDS.len()),
        }
    }
}

/// Word `index` of the made-up vocabulary: two syllables for the first 56², three after.
fn made_up_word(index: usize) -> String {
    let syllables = CONSONANTS.len() * VOWELS.len();
    let (mut rest, count) = if index < syllables * syllables { (index, 2) } else { (index - syllables * syllables, 3) };
    let mut word = String::with_capacity(count * 2);
    for _ in 0..count {
        let syllable = rest % syllables;
        rest /= syllables;
        word.push(CONSONANTS[syllable / VOWELS.len()] as char);
        word.push(VOWELS[syllable % VOWELS.len()] as char);
    }
    word
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn made_up_words_are_distinct() {
        let words: std::collections::HashSet<String> = (1..=60_000).map(Corpus::content_word).collect();
        assert_eq!(words.len(), 60_000);
        assert!(words.iter().all(|w| !FUNCTION_WORDS.contains(&w.as_str())));
    }

    #[test]
    fn frequent_words_dominate_and_generation_is_seeded() {
        let mut a = Corpus::new(50_000, 7);
        let mut b = Corpus::new(50_000, 7);
        let text: Vec<String> = (0..2_000).map(|_| a.sentence()).collect();
        assert_eq!(text, (0..2_000).map(|_| b.sentence()).collect::<Vec<_>>());
        let joined = text.join(" ");
        let count =
            |w: &str| joined.split(|c: char| !c.is_alphanumeric()).filter(|t| t.eq_ignore_ascii_case(w)).count();
        assert!(count("the") > 20 * count(&Corpus::content_word(1)).max(1) / 10);
        assert!(count(&Corpus::content_word(1)) > count(&Corpus::content_word(40_000)));
    }
}
