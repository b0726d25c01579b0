//! Sentence splitting with byte offsets into the original text.
//!
//! [`SentenceSplitter`] is a rule-based splitter tuned for news and field reports: it knows
//! titles and abbreviations (`Lt. Col.`, `U.S.`, `a.m.`, `No. 10`), initials
//! (`J. R. R. Tolkien`), decimals and money (`3.5 km`, `$1.2bn`), ellipses, quotations and
//! brackets around sentence ends (`"... the city." he said.`), `?!`, list items and bullets,
//! headlines ended by a blank line, datelines, URLs and e-mail addresses, and scripts with
//! their own full stops (`。`, `।`, `؟`). It needs no model and makes one pass over the text.
//!
//! # Tiling
//!
//! The sentences of a text *tile* it: every [`Sentence`] is non-empty and has no leading or
//! trailing whitespace; sentences come in order without overlapping; and everything between
//! two sentences, before the first and after the last is whitespace (`char::is_whitespace`).
//! So no character other than whitespace is ever dropped, nothing is invented, and
//! `sentence.text == &text[sentence.span.range()]` always holds. [`check_tiling`] verifies
//! this for any [`SentenceSegmentation`]. Empty and whitespace-only texts have no sentences.
//!
//! ```
//! use reportage::sentences::{SentenceSegmentation, SentenceSplitter};
//!
//! let text = "ALEPPO, Syria (Reuters) - Lt. Col. Smith arrived at 5 a.m. on Jan. 3. \
//!             \"We saw 3.5 km of ruins.\" he said. The U.S. How did it react?";
//! let sentences = SentenceSplitter::new().split(text);
//! let texts: Vec<&str> = sentences.iter().map(|s| s.text).collect();
//! assert_eq!(
//!     texts,
//!     [
//!         "ALEPPO, Syria (Reuters) - Lt. Col. Smith arrived at 5 a.m. on Jan. 3.",
//!         "\"We saw 3.5 km of ruins.\" he said.",
//!         "The U.S.",
//!         "How did it react?",
//!     ]
//! );
//! assert_eq!(&text[sentences[1].span.range()], sentences[1].text);
//! reportage::sentences::check_tiling(text, &sentences).unwrap();
//! ```

mod lexicon;
mod scan;

use std::sync::{Arc, OnceLock};

pub use lexicon::AbbreviationKind;

use crate::text::span::CharIndex;
use crate::text::{CharSpan, Span};
use crate::{Error, Result};
use lexicon::Lexicon;

/// One sentence: a slice of the input and where it lies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sentence<'a> {
    /// The sentence text, `&input[span.range()]`, without surrounding whitespace.
    pub text: &'a str,
    /// Byte span into the input.
    pub span: Span,
}

impl Sentence<'_> {
    /// The sentence's span counted in `char`s, through an index built once for the text.
    ///
    /// ```
    /// use reportage::{sentences::{SentenceSegmentation, SentenceSplitter}, span::CharIndex};
    /// let text = "«Halab» fell. Aleppo is quiet.";
    /// let index = CharIndex::new(text);
    /// let second = SentenceSplitter::new().split(text)[1];
    /// assert_eq!(second.span.start, 16);
    /// assert_eq!(second.char_span(&index).unwrap().start, 14);
    /// ```
    pub fn char_span(&self, index: &CharIndex) -> Result<CharSpan> {
        index.char_span(self.span)
    }
}

/// Anything that splits text into sentences (the rule-based splitter, or a fake).
///
/// Implementations must return sentences that tile the text (see the [module docs](self)
/// and [`check_tiling`]): in order, non-overlapping, trimmed, with only whitespace between.
pub trait SentenceSegmentation: Send + Sync {
    /// The sentences of `text`, in order, non-overlapping.
    fn split<'a>(&self, text: &'a str) -> Vec<Sentence<'a>>;
}

/// When a line break ends a sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum NewlineMode {
    /// A blank line (two line breaks with only spaces or tabs between, `\r\n` counted as
    /// one break), a paragraph separator (U+2029), or a line that opens with a bullet or a
    /// list number ends the sentence; a single line break is a space. Headlines without
    /// final punctuation above a blank line come out as sentences of their own, and
    /// hard-wrapped text reads as running text. The default.
    #[default]
    Paragraph,
    /// Every line break ends a sentence (one sentence or item per line, subtitles, tables).
    Line,
    /// Line breaks are spaces; only punctuation (and bullets) end sentences.
    Ignore,
}

/// Which built-in word lists the splitter uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Language {
    /// English abbreviations (`abbreviations.txt`) and sentence starters
    /// (`sentence_starters.txt`). The default.
    #[default]
    English,
    /// No word lists: a period followed by a space and a word that is not lower case ends
    /// a sentence, except after a single capital letter (an initial). Abbreviations added
    /// through the builder still apply. For text in other languages.
    Neutral,
}

/// The rule-based sentence splitter. Cheap to clone (the word lists are shared).
///
/// ```
/// use reportage::sentences::{SentenceSegmentation, SentenceSplitter};
/// let s = SentenceSplitter::new().split("She has $100.00 in her bag. It is safe.");
/// assert_eq!(s.len(), 2);
/// assert_eq!(s[1].text, "It is safe.");
/// assert_eq!((s[1].span.start, s[1].span.end), (28, 39));
/// ```
#[derive(Debug, Clone)]
pub struct SentenceSplitter {
    lexicon: Arc<Lexicon>,
    newlines: NewlineMode,
    max_bytes: Option<usize>,
}

impl Default for SentenceSplitter {
    fn default() -> Self {
        Self::new()
    }
}

impl SentenceSplitter {
    /// A splitter with the default configuration: English, [`NewlineMode::Paragraph`].
    pub fn new() -> Self {
        static ENGLISH: OnceLock<Arc<Lexicon>> = OnceLock::new();
        SentenceSplitter {
            lexicon: ENGLISH.get_or_init(|| Arc::new(Lexicon::english())).clone(),
            newlines: NewlineMode::default(),
            max_bytes: None,
        }
    }

    /// Configure a splitter: language, extra abbreviations, newline handling.
    ///
    /// ```
    /// use reportage::sentences::{AbbreviationKind, NewlineMode, SentenceSegmentation, SentenceSplitter};
    /// let splitter = SentenceSplitter::builder()
    ///     .abbreviation("Brig", AbbreviationKind::Title)
    ///     .newlines(NewlineMode::Line)
    ///     .build()
    ///     .unwrap();
    /// let s = splitter.split("Brig. Ahmed spoke\nThe crowd listened");
    /// assert_eq!(s.len(), 2);
    /// assert_eq!(s[0].text, "Brig. Ahmed spoke");
    /// ```
    pub fn builder() -> SentenceSplitterBuilder {
        SentenceSplitterBuilder::default()
    }

    /// The byte spans of the sentences of `text` (what [`split`](SentenceSegmentation::split)
    /// returns, without the text slices).
    pub fn split_spans(&self, text: &str) -> Vec<Span> {
        let mut out = Vec::with_capacity(text.len() / 100 + 1);
        self.split_spans_into(text, &mut out);
        out
    }

    /// Like [`split_spans`](Self::split_spans), appending to a buffer the caller reuses.
    pub fn split_spans_into(&self, text: &str, out: &mut Vec<Span>) {
        let first = out.len();
        scan::Scanner::new(text, &self.lexicon, self.newlines, out).run();
        let Some(max) = self.max_bytes else {
            return;
        };
        if out[first..].iter().all(|s| s.len() <= max) {
            return;
        }
        let long: Vec<Span> = out.drain(first..).collect();
        for span in long {
            cut_long_into(text, span, max, out);
        }
    }

    /// The sentences with their spans also counted in `char`s.
    ///
    /// ```
    /// use reportage::sentences::SentenceSplitter;
    /// let text = "Café opened. Ça va.";
    /// let s = SentenceSplitter::new().split_with_char_spans(text);
    /// assert_eq!(s[1].0.span.start, 14);
    /// assert_eq!(s[1].1.start, 13);
    /// ```
    pub fn split_with_char_spans<'a>(&self, text: &'a str) -> Vec<(Sentence<'a>, CharSpan)> {
        let index = CharIndex::new(text);
        self.split(text)
            .into_iter()
            .filter_map(|s| Some((s, s.char_span(&index).ok()?)))
            .collect()
    }
}

impl SentenceSegmentation for SentenceSplitter {
    fn split<'a>(&self, text: &'a str) -> Vec<Sentence<'a>> {
        self.split_spans(text)
            .into_iter()
            .filter_map(|span| {
                Some(Sentence {
                    text: text.get(span.range())?,
                    span,
                })
            })
            .collect()
    }
}

/// Builder for [`SentenceSplitter`]; see [`SentenceSplitter::builder`].
#[derive(Debug, Clone, Default)]
pub struct SentenceSplitterBuilder {
    language: Language,
    newlines: NewlineMode,
    abbreviations: Vec<(String, AbbreviationKind)>,
    max_bytes: Option<usize>,
}

impl SentenceSplitterBuilder {
    /// Which built-in word lists to use (default [`Language::English`]).
    pub fn language(mut self, language: Language) -> Self {
        self.language = language;
        self
    }

    /// When line breaks end sentences (default [`NewlineMode::Paragraph`]).
    pub fn newlines(mut self, mode: NewlineMode) -> Self {
        self.newlines = mode;
        self
    }

    /// Cut sentences longer than `max` bytes at the last whitespace before the limit (inside
    /// a word only when there is none), as [`cut_long`] does; default: no limit. Text with no
    /// sentence punctuation at all (lists, tables, garbage) then still comes out in pieces
    /// a model or a rule can take whole.
    ///
    /// ```
    /// use reportage::sentences::{SentenceSegmentation, SentenceSplitter};
    /// let splitter = SentenceSplitter::builder().max_bytes(12).build().unwrap();
    /// let s = splitter.split("one two three four five");
    /// let texts: Vec<&str> = s.iter().map(|s| s.text).collect();
    /// assert_eq!(texts, ["one two", "three four", "five"]);
    /// ```
    pub fn max_bytes(mut self, max: usize) -> Self {
        self.max_bytes = Some(max);
        self
    }

    /// Add an abbreviation, written with or without its final period (`"Brig"`, `"Gov."`,
    /// `"H.E."`); compared case-insensitively. A later entry for the same word wins.
    pub fn abbreviation(mut self, word: impl Into<String>, kind: AbbreviationKind) -> Self {
        self.abbreviations.push((word.into(), kind));
        self
    }

    /// Add several [`AbbreviationKind::General`] abbreviations.
    pub fn abbreviations<I, S>(mut self, words: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.abbreviations.extend(
            words
                .into_iter()
                .map(|w| (w.into(), AbbreviationKind::General)),
        );
        self
    }

    /// The splitter, or [`Error::InvalidArgument`] for an empty abbreviation, one longer than 32
    /// bytes, or one containing whitespace, or a zero `max_bytes`.
    ///
    /// ```
    /// use reportage::sentences::SentenceSplitter;
    /// assert!(SentenceSplitter::builder().abbreviations(["two words"]).build().is_err());
    /// ```
    pub fn build(self) -> Result<SentenceSplitter> {
        if self.max_bytes == Some(0) {
            return Err(Error::InvalidArgument(
                "sentence splitter: max_bytes must be at least 1".into(),
            ));
        }
        let base = SentenceSplitter::new();
        let lexicon = match (self.language, self.abbreviations.is_empty()) {
            (Language::English, true) => base.lexicon,
            (Language::English, false) => {
                let mut lex = Lexicon::clone(&base.lexicon);
                add_all(&mut lex, &self.abbreviations)?;
                Arc::new(lex)
            }
            (Language::Neutral, _) => {
                let mut lex = Lexicon::default();
                add_all(&mut lex, &self.abbreviations)?;
                Arc::new(lex)
            }
        };
        Ok(SentenceSplitter {
            lexicon,
            newlines: self.newlines,
            max_bytes: self.max_bytes,
        })
    }
}

fn add_all(lex: &mut Lexicon, words: &[(String, AbbreviationKind)]) -> Result<()> {
    words
        .iter()
        .try_for_each(|(w, kind)| lex.add_abbreviation(w, *kind))
}

/// `span` of `text` cut into pieces of at most `max_bytes` bytes (a piece holds at least
/// one character, so a longer character is its own piece), each cut at the last whitespace
/// before the limit if there is one; pieces are trimmed and tile the span as sentences tile
/// a text. A span that is not a valid slice of `text` gives nothing.
///
/// For sentences from any [`SentenceSegmentation`], where
/// [`SentenceSplitterBuilder::max_bytes`] cannot apply.
///
/// ```
/// use reportage::{sentences::cut_long, Span};
/// let text = "aaa bbb ccc";
/// let got: Vec<&str> = cut_long(text, Span::new(0, text.len()), 8)
///     .iter().map(|s| &text[s.range()]).collect();
/// assert_eq!(got, ["aaa bbb", "ccc"]);
/// ```
pub fn cut_long(text: &str, span: Span, max_bytes: usize) -> Vec<Span> {
    let mut out = Vec::new();
    cut_long_into(text, span, max_bytes, &mut out);
    out
}

fn cut_long_into(text: &str, span: Span, max_bytes: usize, out: &mut Vec<Span>) {
    let Some(s) = text.get(span.range()) else {
        return;
    };
    let mut from = 0;
    while s.len() - from > max_bytes {
        let mut cut = from + max_bytes;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        if cut == from {
            // A character longer than the limit: it stands alone rather than be split.
            cut = from + s[from..].chars().next().map_or(1, char::len_utf8);
        } else if let Some(k) = s[from..cut].rfind(char::is_whitespace) {
            if k > 0 {
                cut = from + k;
            }
        }
        push_trimmed(out, s, span.start, from, cut);
        from = cut;
    }
    push_trimmed(out, s, span.start, from, s.len());
}

/// Push `s[from..to]` trimmed, shifted by `offset`, if anything is left.
fn push_trimmed(out: &mut Vec<Span>, s: &str, offset: usize, from: usize, to: usize) {
    let piece = &s[from..to];
    let trimmed = piece.trim_start();
    let start = offset + from + (piece.len() - trimmed.len());
    let trimmed = trimmed.trim_end();
    if !trimmed.is_empty() {
        out.push(Span::new(start, start + trimmed.len()));
    }
}

/// Check that `sentences` tile `text` (see the [module docs](self)): every span lies in the
/// text on character boundaries, `text` fields equal the spanned text, sentences are
/// non-empty, trimmed, in order and non-overlapping, and only whitespace lies outside them.
/// The error names the first offending span (or the gap that holds non-whitespace).
///
/// ```
/// use reportage::{sentences::{check_tiling, Sentence}, Span};
/// let text = "One. Two.";
/// let good = [Sentence { text: "One.", span: Span::new(0, 4) }, Sentence { text: "Two.", span: Span::new(5, 9) }];
/// assert!(check_tiling(text, &good).is_ok());
/// assert!(check_tiling(text, &good[..1]).is_err(), "\"Two.\" is lost");
/// ```
pub fn check_tiling(text: &str, sentences: &[Sentence<'_>]) -> Result<()> {
    let bad = |start, end| Error::InvalidSpan {
        start,
        end,
        len: text.len(),
    };
    let gap_ok = |from: usize, to: usize| {
        text.get(from..to)
            .is_some_and(|g| g.chars().all(char::is_whitespace))
    };
    let mut prev = 0;
    for s in sentences {
        let Span { start, end } = s.span;
        let slice = text.get(start..end).ok_or(bad(start, end))?;
        if start < prev || slice.is_empty() || slice != s.text || slice.trim() != slice {
            return Err(bad(start, end));
        }
        if !gap_ok(prev, start) {
            return Err(bad(prev, start));
        }
        prev = end;
    }
    if gap_ok(prev, text.len()) {
        Ok(())
    } else {
        Err(bad(prev, text.len()))
    }
}

#[cfg(test)]
mod tests;
