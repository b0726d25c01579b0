//! Sentence splitting with byte offsets into the original text.

use crate::Span;

/// One sentence: a slice of the input and where it lies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sentence<'a> {
    /// The sentence text, `&input[span.range()]`, without surrounding whitespace.
    pub text: &'a str,
    /// Byte span into the input.
    pub span: Span,
}

/// Anything that splits text into sentences (the rule-based splitter, or a fake).
pub trait SentenceSegmentation: Send + Sync {
    /// The sentences of `text`, in order, non-overlapping.
    fn split<'a>(&self, text: &'a str) -> Vec<Sentence<'a>>;
}

/// PLACEHOLDER until issue 3 lands: the whole trimmed text as one sentence.
#[derive(Debug, Clone, Default)]
pub struct SentenceSplitter;

impl SentenceSplitter {
    /// A splitter with the default configuration.
    pub fn new() -> Self {
        SentenceSplitter
    }
}

impl SentenceSegmentation for SentenceSplitter {
    fn split<'a>(&self, text: &'a str) -> Vec<Sentence<'a>> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Vec::new();
        }
        let start = trimmed.as_ptr() as usize - text.as_ptr() as usize;
        vec![Sentence {
            text: trimmed,
            span: Span::new(start, start + trimmed.len()),
        }]
    }
}
