//! Spoken languages: the codes Whisper knows, what a manager may ask for, and how each
//! language is searched.
//!
//! A [`Language`] is one of Whisper's language codes (ISO 639-1 where one exists, plus
//! "haw" and "yue"), checked against the list below; a [`LanguageChoice`] is a language or
//! `auto` (detect it from the first words). How a language is indexed for search is
//! decided here too, so both database backends agree on it.

use std::fmt;

/// Whisper's languages, in its own order (`whisper.cpp`'s `g_lang`); a unit test in
/// `speech` checks each against the linked whisper.cpp.
pub const WHISPER_LANGUAGES: [&str; 100] = [
    "en", "zh", "de", "es", "ru", "ko", "fr", "ja", "pt", "tr", "pl", "ca", "nl", "ar", "sv", "it", "id", "hi", "fi",
    "vi", "he", "uk", "el", "ms", "cs", "ro", "da", "hu", "ta", "no", "th", "ur", "hr", "bg", "lt", "la", "mi", "ml",
    "cy", "sk", "te", "fa", "lv", "bn", "sr", "az", "sl", "kn", "et", "mk", "br", "eu", "is", "hy", "ne", "mn", "bs",
    "kk", "sq", "sw", "gl", "mr", "pa", "si", "km", "sn", "yo", "so", "af", "oc", "ka", "be", "tg", "sd", "gu", "am",
    "yi", "lo", "uz", "fo", "ht", "ps", "tk", "nn", "mt", "sa", "lb", "my", "bo", "tl", "mg", "as", "tt", "haw", "ln",
    "ha", "ba", "jw", "su", "yue",
];

/// The languages PostgreSQL stems, by Whisper code, with the configuration migration 0012
/// made for each (the language's snowball stemmer after `unaccent`).
const POSTGRES_STEMMED: [(&str, &str); 28] = [
    ("ar", "briefly_arabic"),
    ("hy", "briefly_armenian"),
    ("eu", "briefly_basque"),
    ("ca", "briefly_catalan"),
    ("da", "briefly_danish"),
    ("nl", "briefly_dutch"),
    ("en", "briefly_english"),
    ("fi", "briefly_finnish"),
    ("fr", "briefly_french"),
    ("de", "briefly_german"),
    ("el", "briefly_greek"),
    ("hi", "briefly_hindi"),
    ("hu", "briefly_hungarian"),
    ("id", "briefly_indonesian"),
    ("it", "briefly_italian"),
    ("lt", "briefly_lithuanian"),
    ("ne", "briefly_nepali"),
    ("no", "briefly_norwegian"),
    ("nn", "briefly_norwegian"),
    ("pt", "briefly_portuguese"),
    ("ro", "briefly_romanian"),
    ("ru", "briefly_russian"),
    ("sr", "briefly_serbian"),
    ("es", "briefly_spanish"),
    ("sv", "briefly_swedish"),
    ("ta", "briefly_tamil"),
    ("tr", "briefly_turkish"),
    ("yi", "briefly_yiddish"),
];

/// The configuration for every language PostgreSQL does not stem (and for "und").
pub const POSTGRES_SIMPLE_CONFIG: &str = "briefly_simple";

/// A language Whisper can transcribe.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Language(&'static str);

impl Language {
    pub const ENGLISH: Language = Language("en");

    pub fn parse(code: &str) -> Option<Language> {
        WHISPER_LANGUAGES.iter().find(|known| **known == code).map(|known| Language(known))
    }

    pub fn code(&self) -> &'static str {
        self.0
    }

    /// The PostgreSQL text search configuration its segments are indexed and queried with.
    pub fn postgres_config(&self) -> &'static str {
        postgres_config_of(self.0)
    }
}

/// The configuration for a stored language code ("und" or anything unknown: simple).
pub fn postgres_config_of(code: &str) -> &'static str {
    POSTGRES_STEMMED.iter().find(|(c, _)| *c == code).map_or(POSTGRES_SIMPLE_CONFIG, |(_, config)| config)
}

/// Whether a name is one of the configurations above: the only names ever written into
/// a search query's SQL.
pub fn is_postgres_config(name: &str) -> bool {
    name == POSTGRES_SIMPLE_CONFIG || POSTGRES_STEMMED.iter().any(|(_, config)| *config == name)
}

/// Letters SQLite's FTS5 does not fold and PostgreSQL's `unaccent` does, with what they
/// fold to: Russian ё, Greek tonos and dialytika, ł, ø. The SQLite migration 0012 folds
/// non-English transcript text with this list on the way into its index; a query term
/// with one of them is searched both as typed and folded (`fold_letters`).
pub const FOLDED_LETTERS: [(char, char); 26] = [
    ('ё', 'е'),
    ('Ё', 'Е'),
    ('ά', 'α'),
    ('έ', 'ε'),
    ('ή', 'η'),
    ('ί', 'ι'),
    ('ό', 'ο'),
    ('ύ', 'υ'),
    ('ώ', 'ω'),
    ('ΐ', 'ι'),
    ('ΰ', 'υ'),
    ('ϊ', 'ι'),
    ('ϋ', 'υ'),
    ('Ά', 'Α'),
    ('Έ', 'Ε'),
    ('Ή', 'Η'),
    ('Ί', 'Ι'),
    ('Ό', 'Ο'),
    ('Ύ', 'Υ'),
    ('Ώ', 'Ω'),
    ('Ϊ', 'Ι'),
    ('Ϋ', 'Υ'),
    ('ł', 'l'),
    ('Ł', 'L'),
    ('ø', 'o'),
    ('Ø', 'O'),
];

/// `text` with each of [`FOLDED_LETTERS`] replaced by its plain letter.
pub fn fold_letters(text: &str) -> String {
    text.chars().map(|c| FOLDED_LETTERS.iter().find(|(from, _)| *from == c).map_or(c, |(_, to)| *to)).collect()
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

/// What a manager asks for: detect the language, or transcribe in this one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LanguageChoice {
    Auto,
    Fixed(Language),
}

impl LanguageChoice {
    pub const AUTO: &'static str = "auto";

    pub fn parse(text: &str) -> Result<LanguageChoice, String> {
        if text == Self::AUTO {
            return Ok(LanguageChoice::Auto);
        }
        Language::parse(text).map(LanguageChoice::Fixed).ok_or_else(|| {
            format!("unknown language {text:?}: use \"auto\" or a Whisper language code such as \"es\" or \"de\"")
        })
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            LanguageChoice::Auto => Self::AUTO,
            LanguageChoice::Fixed(language) => language.code(),
        }
    }

    /// The language to hand the recogniser (`None`: detect it).
    pub fn language(&self) -> Option<&Language> {
        match self {
            LanguageChoice::Auto => None,
            LanguageChoice::Fixed(language) => Some(language),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sqlite_index_folds_the_same_letters_as_queries() {
        let migration = include_str!("../../migrations/sqlite/0012_languages.sql");
        for (from, to) in FOLDED_LETTERS {
            // Once in the insert trigger, once in the delete trigger.
            assert_eq!(migration.matches(&format!("'{from}', '{to}')")).count(), 2, "{from} -> {to}");
        }
        assert_eq!(migration.matches("replace(").count(), 2 * FOLDED_LETTERS.len());
        assert_eq!(fold_letters("Идём в Αθήνα, Łódź"), "Идем в Αθηνα, Lódź");
    }

    #[test]
    fn codes_and_choices_parse() {
        assert_eq!(Language::parse("es").unwrap().code(), "es");
        assert!(Language::parse("xx").is_none());
        assert!(Language::parse("ES").is_none(), "codes are lower case");
        assert_eq!(LanguageChoice::parse("auto"), Ok(LanguageChoice::Auto));
        assert_eq!(LanguageChoice::parse("de").unwrap().as_str(), "de");
        assert!(LanguageChoice::parse("").is_err());
        assert!(LanguageChoice::parse("english").is_err());
    }

    #[test]
    fn each_language_has_a_search_configuration() {
        assert_eq!(postgres_config_of("es"), "briefly_spanish");
        assert_eq!(postgres_config_of("ru"), "briefly_russian");
        assert_eq!(postgres_config_of("ja"), POSTGRES_SIMPLE_CONFIG);
        assert_eq!(postgres_config_of("und"), POSTGRES_SIMPLE_CONFIG);
        for (code, name) in POSTGRES_STEMMED {
            assert_eq!(postgres_config_of(code), name);
            assert!(Language::parse(code).is_some(), "{code} is a Whisper language");
            assert!(is_postgres_config(postgres_config_of(code)));
        }
        assert!(!is_postgres_config("english'); DROP TABLE videos; --"));
    }
}
