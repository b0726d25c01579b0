//! Word lists the splitter consults: abbreviations and sentence starters, kept as data files.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

use crate::{Error, Result};

/// How an abbreviation behaves before the next word; see `abbreviations.txt` for examples.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AbbreviationKind {
    /// Written before a name (`Dr.`, `Gen.`, `Lt.`): never ends a sentence before a word.
    Title,
    /// Written before a number (`No.`, `p.`, `Fig.`): no sentence end before a digit.
    Number,
    /// May end a sentence (`Inc.`, `U.S.`, `etc.`, `Jan.`): does so only before a common
    /// sentence-starting word ("It", "The", "How"...), never before a digit.
    General,
    /// A time of day (`a.m.`, `p.m.`): ends a sentence before a capitalised word unless the
    /// word is a day, a month or an all-capitals time zone ("4 p.m. GMT", "10 a.m. Tuesday").
    Time,
}

/// Longest abbreviation (bytes, without its final period) the splitter looks up. The word
/// before a period is read backwards at most this far, which keeps a 50 MB run of
/// non-space characters linear.
pub(crate) const MAX_WORD: usize = 32;

pub(crate) const ENGLISH_ABBREVIATIONS: &str = include_str!("abbreviations.txt");
pub(crate) const ENGLISH_STARTERS: &str = include_str!("sentence_starters.txt");

/// FNV-1a: the keys are a few bytes long and not attacker-chosen in any way that matters
/// (a bad key costs one slow lookup), and SipHash was a tenth of the splitting time.
#[derive(Default)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

type FnvBuild = BuildHasherDefault<Fnv>;

#[derive(Debug, Clone, Default)]
pub(crate) struct Lexicon {
    abbreviations: HashMap<Box<[u8]>, AbbreviationKind, FnvBuild>,
    starters: HashSet<Box<[u8]>, FnvBuild>,
}

impl Lexicon {
    pub(crate) fn english() -> Self {
        let mut lex = Lexicon::default();
        // The bundled lists are tested to parse; an error here is a build-time data bug.
        lex.add_abbreviation_list(ENGLISH_ABBREVIATIONS)
            .expect("bundled abbreviations.txt parses");
        for line in data_lines(ENGLISH_STARTERS) {
            lex.starters
                .insert(line.to_ascii_lowercase().into_bytes().into());
        }
        lex
    }

    /// Parse the `abbreviations.txt` format: `[title]`/`[number]`/`[general]` sections,
    /// one abbreviation a line, `#` comments.
    pub(crate) fn add_abbreviation_list(&mut self, data: &str) -> Result<()> {
        let mut kind = AbbreviationKind::General;
        for line in data_lines(data) {
            kind = match line {
                "[title]" => AbbreviationKind::Title,
                "[number]" => AbbreviationKind::Number,
                "[general]" => AbbreviationKind::General,
                "[time]" => AbbreviationKind::Time,
                _ if line.starts_with('[') => {
                    return Err(Error::Unparsable(format!(
                        "abbreviation list: unknown section {line}"
                    )))
                }
                _ => {
                    self.add_abbreviation(line, kind)?;
                    kind
                }
            };
        }
        Ok(())
    }

    pub(crate) fn add_abbreviation(&mut self, word: &str, kind: AbbreviationKind) -> Result<()> {
        let word = word.trim();
        let word = word.strip_suffix('.').unwrap_or(word);
        if word.is_empty() || word.len() > MAX_WORD || word.contains(char::is_whitespace) {
            return Err(Error::InvalidArgument(format!(
                "abbreviation {word:?}: must be 1 to {MAX_WORD} bytes without whitespace"
            )));
        }
        self.abbreviations
            .insert(word.to_ascii_lowercase().into_bytes().into(), kind);
        Ok(())
    }

    /// Kind of `word` (ASCII-lowercased by the caller).
    pub(crate) fn abbreviation(&self, lower: &[u8]) -> Option<AbbreviationKind> {
        self.abbreviations.get(lower).copied()
    }

    pub(crate) fn is_starter(&self, lower: &[u8]) -> bool {
        self.starters.contains(lower)
    }

    /// Whether there is a starter list at all (the language-neutral fallback has none).
    pub(crate) fn knows_starters(&self) -> bool {
        !self.starters.is_empty()
    }
}

fn data_lines(data: &str) -> impl Iterator<Item = &str> {
    data.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_lists_parse_and_classify() {
        let lex = Lexicon::english();
        assert_eq!(lex.abbreviation(b"mr"), Some(AbbreviationKind::Title));
        assert_eq!(lex.abbreviation(b"no"), Some(AbbreviationKind::Number));
        assert_eq!(lex.abbreviation(b"inc"), Some(AbbreviationKind::General));
        assert_eq!(
            lex.abbreviation(b"u.s"),
            None,
            "dotted acronyms go by shape"
        );
        assert_eq!(lex.abbreviation(b"a.m"), Some(AbbreviationKind::Time));
        assert_eq!(
            lex.abbreviation("n°".as_bytes()),
            Some(AbbreviationKind::Number)
        );
        assert!(lex.is_starter(b"the") && !lex.is_starter(b"government"));
    }

    #[test]
    fn bad_entries_are_errors() {
        let mut lex = Lexicon::default();
        assert!(matches!(
            lex.add_abbreviation(".", AbbreviationKind::General),
            Err(Error::InvalidArgument(_))
        ));
        assert!(matches!(
            lex.add_abbreviation("a b", AbbreviationKind::General),
            Err(Error::InvalidArgument(_))
        ));
        assert!(matches!(
            lex.add_abbreviation_list("[nonsense]\nfoo"),
            Err(Error::Unparsable(_))
        ));
        lex.add_abbreviation("Brig.", AbbreviationKind::Title)
            .unwrap();
        assert_eq!(lex.abbreviation(b"brig"), Some(AbbreviationKind::Title));
    }
}
