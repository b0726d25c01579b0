//! CoNLL files: one token per line, its tag in the last column, sentences separated by
//! blank lines and `-DOCSTART-` lines.
//!
//! Each sentence is rebuilt as its tokens joined by single spaces, with every token's exact
//! byte span in that text, so that a model that reads text (not tokens) can be run on it
//! and its entities brought back to the tokens. Tags are checked against the file's scheme
//! (BIO or IOBES, detected or given) line by line: a sequence that breaks it is an error
//! with the line number, unless the file is read leniently, as conlleval and `seqeval`'s
//! default mode read it.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::sequence::{first_violation, TagScheme, TokenTag};
use super::{data_error, read_text};
use crate::text::Span;
use crate::Result;

/// How to read a CoNLL file. `Default`: detect the scheme, reject sequences that break
/// it, tag in the last column.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ConllOptions {
    /// The tag scheme; `None` detects it (IOBES if any `E-`/`S-` tag occurs, else BIO).
    pub scheme: Option<TagScheme>,
    /// Accept sequences that break the scheme (`I-X` after `O`, a type change inside an
    /// entity), to be scored as conlleval scores them. Default `false`: they are errors.
    pub lenient: bool,
    /// Which column holds the tag, counted from the last: 0 (default) is the last column,
    /// 1 the one before it (for files with gold and predicted tags side by side).
    pub tag_column_from_end: usize,
}

/// One token of a CoNLL sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct ConllToken {
    /// The token as written in the first column.
    pub text: String,
    /// Its byte span in [`ConllSentence::text`].
    pub span: Span,
    pub tag: TokenTag,
    /// Its line in the file (1-based).
    pub line: usize,
}

/// One sentence: its tokens and the text rebuilt from them.
#[derive(Debug, Clone, PartialEq)]
pub struct ConllSentence {
    /// The tokens joined by single spaces.
    pub text: String,
    pub tokens: Vec<ConllToken>,
}

impl ConllSentence {
    /// The tags of the tokens, in order.
    pub fn tags(&self) -> Vec<TokenTag> {
        self.tokens.iter().map(|t| t.tag.clone()).collect()
    }

    /// The byte spans of the tokens, in order.
    pub fn spans(&self) -> Vec<Span> {
        self.tokens.iter().map(|t| t.span).collect()
    }
}

/// A whole CoNLL file.
#[derive(Debug, Clone, PartialEq)]
pub struct ConllCorpus {
    /// Where it was read from (for messages).
    pub origin: PathBuf,
    pub sentences: Vec<ConllSentence>,
    /// The scheme its tags were read with.
    pub scheme: TagScheme,
}

impl ConllCorpus {
    /// Read and check a file.
    pub fn read(path: impl AsRef<Path>, options: &ConllOptions) -> Result<ConllCorpus> {
        let path = path.as_ref();
        Self::parse(&read_text(path)?, path, options)
    }

    /// Read and check the text of a file; `origin` names it in errors.
    ///
    /// Errors (each with its line): a line with fewer columns than the tag column needs, a
    /// tag that is not `O` or `B-`/`I-`/`E-`/`S-` + type, a sequence that breaks the
    /// scheme (unless [`ConllOptions::lenient`]), and a file with no token at all.
    ///
    /// ```
    /// use reportage::evaluation::conll::{ConllCorpus, ConllOptions};
    /// let text = "-DOCSTART- O\n\nEU B-ORG\nrejects O\n\nPeter B-PER\n";
    /// let c = ConllCorpus::parse(text, "x.conll", &ConllOptions::default()).unwrap();
    /// assert_eq!(c.sentences.len(), 2);
    /// assert_eq!(c.sentences[0].text, "EU rejects");
    /// assert_eq!(c.sentences[1].tokens[0].line, 6);
    ///
    /// let err = ConllCorpus::parse("EU O\nrejects I-ORG\n", "x.conll", &ConllOptions::default())
    ///     .unwrap_err();
    /// assert!(err.to_string().starts_with("x.conll: line 2: "), "{err}");
    /// ```
    pub fn parse(
        text: &str,
        origin: impl AsRef<Path>,
        options: &ConllOptions,
    ) -> Result<ConllCorpus> {
        let origin = origin.as_ref();
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut sentences = Vec::new();
        let mut current: Vec<ConllToken> = Vec::new();
        let mut sentence_text = String::new();
        let mut finish = |tokens: &mut Vec<ConllToken>, text: &mut String| {
            if !tokens.is_empty() {
                sentences.push(ConllSentence {
                    text: std::mem::take(text),
                    tokens: std::mem::take(tokens),
                });
            }
        };
        for (index, line) in text.lines().enumerate() {
            let number = index + 1;
            let columns: Vec<&str> = line.split_whitespace().collect();
            if columns.is_empty() || columns[0] == "-DOCSTART-" {
                finish(&mut current, &mut sentence_text);
                continue;
            }
            let needed = options.tag_column_from_end + 2;
            if columns.len() < needed {
                return Err(data_error(
                    origin,
                    Some(number),
                    format!(
                        "expected a token and {} tag column(s), found {} column(s): `{line}`",
                        options.tag_column_from_end + 1,
                        columns.len()
                    ),
                ));
            }
            let label = columns[columns.len() - 1 - options.tag_column_from_end];
            let tag = TokenTag::parse(label).map_err(|m| data_error(origin, Some(number), m))?;
            if !sentence_text.is_empty() {
                sentence_text.push(' ');
            }
            let start = sentence_text.len();
            sentence_text.push_str(columns[0]);
            current.push(ConllToken {
                text: columns[0].to_string(),
                span: Span::new(start, sentence_text.len()),
                tag,
                line: number,
            });
        }
        finish(&mut current, &mut sentence_text);
        if sentences.is_empty() {
            return Err(data_error(
                origin,
                None,
                "no tokens: the file is empty or holds only separators",
            ));
        }
        let scheme = options.scheme.unwrap_or_else(|| {
            TagScheme::detect(
                sentences
                    .iter()
                    .flat_map(|s| s.tokens.iter().map(|t| &t.tag)),
            )
        });
        if !options.lenient {
            for s in &sentences {
                if let Some((i, why)) = first_violation(&s.tags(), scheme) {
                    let detected = if options.scheme.is_none() {
                        " (detected)"
                    } else {
                        ""
                    };
                    return Err(data_error(
                        origin,
                        Some(s.tokens[i].line),
                        format!(
                            "{why}; the file breaks the {scheme}{detected} scheme here \
                             (read it leniently to score it as conlleval does)"
                        ),
                    ));
                }
            }
        }
        Ok(ConllCorpus {
            origin: origin.to_path_buf(),
            sentences,
            scheme,
        })
    }

    /// Every sentence's tags.
    pub fn tags(&self) -> Vec<Vec<TokenTag>> {
        self.sentences.iter().map(ConllSentence::tags).collect()
    }

    /// The entity types the tags use, sorted.
    pub fn types(&self) -> Vec<String> {
        let set: BTreeSet<&str> = self
            .sentences
            .iter()
            .flat_map(|s| &s.tokens)
            .filter(|t| !t.tag.is_outside())
            .map(|t| t.tag.kind.as_str())
            .collect();
        set.into_iter().map(String::from).collect()
    }

    /// Tokens in all sentences.
    pub fn token_count(&self) -> usize {
        self.sentences.iter().map(|s| s.tokens.len()).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str, options: &ConllOptions) -> Result<ConllCorpus> {
        ConllCorpus::parse(text, "t.conll", options)
    }

    #[test]
    fn offsets_are_exact_and_separators_split() {
        let text =
            "-DOCSTART- -X- O O\n\nAl-Assad NNP S-PER\nvisited VBD O\n\n\n«Halab» NNP S-LOC\n";
        let c = parse(text, &ConllOptions::default()).unwrap();
        assert_eq!(c.scheme, TagScheme::Iobes);
        assert_eq!(c.sentences.len(), 2);
        let s = &c.sentences[0];
        assert_eq!(s.text, "Al-Assad visited");
        for t in &s.tokens {
            assert_eq!(&s.text[t.span.range()], t.text);
        }
        let halab = &c.sentences[1].tokens[0];
        assert_eq!((halab.span, halab.line), (Span::new(0, 9), 7));
        assert_eq!(c.types(), ["LOC", "PER"]);
    }

    #[test]
    fn bad_files_name_the_line() {
        let default = ConllOptions::default();
        let message = |text: &str, o: &ConllOptions| parse(text, o).unwrap_err().to_string();
        assert!(message("", &default).contains("no tokens"));
        assert!(message("\n-DOCSTART- O\n\n", &default).contains("no tokens"));
        assert!(message("a O\nb\n", &default).starts_with("t.conll: line 2: expected"));
        assert!(message("a O\n\nb X-PER\n", &default).starts_with("t.conll: line 3: "));
        let m = message("a B-PER\nb I-LOC\n", &default);
        assert!(
            m.starts_with("t.conll: line 2: ") && m.contains("type changes"),
            "{m}"
        );
        // The same sequence read leniently is accepted.
        let lenient = ConllOptions {
            lenient: true,
            ..ConllOptions::default()
        };
        assert!(parse("a B-PER\nb I-LOC\n", &lenient).is_ok());
        // IOBES detected from S-; an unclosed B- is reported where the next tag is.
        let m = message("a S-PER\n\nb B-LOC\nc O\n", &default);
        assert!(
            m.starts_with("t.conll: line 4: ") && m.contains("IOBES"),
            "{m}"
        );
        // BIO forced: E- is an error.
        let bio = ConllOptions {
            scheme: Some(TagScheme::Bio),
            ..ConllOptions::default()
        };
        assert!(message("a B-PER\nb E-PER\n", &bio).starts_with("t.conll: line 2: "));
    }

    #[test]
    fn tag_column_can_be_counted_from_the_end() {
        let text = "Kofi B-PER O\nAnnan I-PER B-PER\n";
        let second = ConllOptions {
            tag_column_from_end: 1,
            ..ConllOptions::default()
        };
        let gold = parse(text, &second).unwrap();
        let pred = parse(text, &ConllOptions::default()).unwrap();
        assert_eq!(gold.sentences[0].text, "Kofi Annan");
        assert_eq!(gold.tags()[0][1].to_string(), "I-PER");
        assert_eq!(pred.tags()[0][1].to_string(), "B-PER");
        let m = parse("Kofi B-PER\n", &second).unwrap_err().to_string();
        assert!(m.contains("line 1"), "{m}");
    }
}
