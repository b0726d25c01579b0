//! Offsets into the original text.
//!
//! Every position the crate reports is a byte [`Span`] into the text it was given, so that
//! `&text[span.range()]` is always the reported surface. [`CharSpan`] is offered for
//! consumers that count Unicode scalar values (Python, JavaScript-ish tooling).

use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// A half-open byte range `start..end` into a UTF-8 text.
///
/// ```
/// use reportage::Span;
/// let text = "Aleppo, Syria";
/// let span = Span::new(0, 6);
/// assert_eq!(span.slice(text).unwrap(), "Aleppo");
/// assert_eq!(span.len(), 6);
/// ```
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default,
)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

/// A half-open range counted in Unicode scalar values (`char`s) rather than bytes.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default,
)]
pub struct CharSpan {
    pub start: usize,
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end` (bytes). `start > end` is normalised to an empty span at `start`.
    pub const fn new(start: usize, end: usize) -> Self {
        let end = if end < start { start } else { end };
        Span { start, end }
    }

    /// Length in bytes.
    pub const fn len(&self) -> usize {
        self.end - self.start
    }

    /// Whether the span covers no bytes.
    pub const fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// The span as a `Range<usize>`.
    pub const fn range(&self) -> std::ops::Range<usize> {
        self.start..self.end
    }

    /// Whether `other` lies entirely within this span.
    pub const fn contains(&self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    /// Whether the two spans share at least one byte.
    pub const fn overlaps(&self, other: Span) -> bool {
        self.start < other.end && other.start < self.end
    }

    /// This span moved `by` bytes to the right (for spans relative to a slice of a larger text).
    pub const fn shift(&self, by: usize) -> Span {
        Span {
            start: self.start + by,
            end: self.end + by,
        }
    }

    /// The text the span covers, or an error if it is out of range or cuts a character.
    pub fn slice<'a>(&self, text: &'a str) -> Result<&'a str> {
        text.get(self.range()).ok_or(Error::InvalidSpan {
            start: self.start,
            end: self.end,
            len: text.len(),
        })
    }

    /// The same range counted in `char`s. O(end) per call; use [`CharIndex`] for many spans.
    pub fn to_chars(&self, text: &str) -> Result<CharSpan> {
        self.slice(text)?;
        let start = text[..self.start].chars().count();
        let end = start + text[self.range()].chars().count();
        Ok(CharSpan { start, end })
    }
}

impl From<std::ops::Range<usize>> for Span {
    fn from(r: std::ops::Range<usize>) -> Self {
        Span::new(r.start, r.end)
    }
}

/// Converts many byte offsets of one text to char offsets in O(log n) each.
///
/// ```
/// use reportage::{span::CharIndex, Span};
/// let text = "«Halab» is Aleppo";
/// let index = CharIndex::new(text);
/// let span = Span::new(text.find("Aleppo").unwrap(), text.len());
/// assert_eq!(index.char_span(span).unwrap().start, 11);
/// ```
#[derive(Debug, Clone)]
pub struct CharIndex {
    /// For every multi-byte char: its byte start, its width, and the extra bytes (width - 1)
    /// summed over it and every multi-byte char before it. ASCII-only texts cost nothing.
    wide: Vec<(usize, usize, usize)>,
    len: usize,
}

impl CharIndex {
    /// Index `text`.
    pub fn new(text: &str) -> Self {
        let mut wide = Vec::new();
        let mut extra = 0usize;
        for (bi, ch) in text.char_indices() {
            let w = ch.len_utf8();
            if w > 1 {
                extra += w - 1;
                wide.push((bi, w, extra));
            }
        }
        CharIndex {
            wide,
            len: text.len(),
        }
    }

    /// Char offset of a byte offset that lies on a char boundary.
    pub fn char_offset(&self, byte: usize) -> Result<usize> {
        let bad = || Error::InvalidSpan {
            start: byte,
            end: byte,
            len: self.len,
        };
        if byte > self.len {
            return Err(bad());
        }
        let k = self.wide.partition_point(|(b, _, _)| *b < byte);
        if k == 0 {
            return Ok(byte);
        }
        let (start, width, extra) = self.wide[k - 1];
        if byte < start + width {
            return Err(bad());
        }
        Ok(byte - extra)
    }

    /// Char span of a byte span.
    pub fn char_span(&self, span: Span) -> Result<CharSpan> {
        Ok(CharSpan {
            start: self.char_offset(span.start)?,
            end: self.char_offset(span.end)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn char_index_matches_naive_count() {
        let text = "a€b😀c «d» e";
        let index = CharIndex::new(text);
        for (b, _) in text
            .char_indices()
            .chain(std::iter::once((text.len(), ' ')))
        {
            assert_eq!(
                index.char_offset(b).unwrap(),
                text[..b].chars().count(),
                "byte {b}"
            );
        }
        assert!(index.char_offset(2).is_err(), "inside the euro sign");
    }

    #[test]
    fn slice_rejects_cut_characters_and_out_of_range() {
        let text = "€uro";
        assert!(Span::new(1, 3).slice(text).is_err());
        assert!(Span::new(0, 10).slice(text).is_err());
        assert_eq!(Span::new(0, 3).slice(text).unwrap(), "€");
        assert_eq!(
            Span::new(0, 3).to_chars(text).unwrap(),
            CharSpan { start: 0, end: 1 }
        );
    }
}
