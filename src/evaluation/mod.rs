//! Scoring models against labelled data: the pure half of the `evaluate` example.
//!
//! Nothing here runs a model or needs libtorch; it reads data files, turns predictions into
//! the form the gold data has, and computes the figures the usual Python tools compute:
//!
//! - [`conll`]: CoNLL files (token per line, tag in the last column, `-DOCSTART-` and blank
//!   lines between sentences) read into sentences rebuilt with exact byte offsets, with the
//!   BIO or IOBES scheme checked line by line;
//! - [`sequence`]: entity chunks from tag sequences exactly as `seqeval` 1.2.2 extracts them
//!   (its default, conlleval-compatible mode and its strict mode), precision / recall / F1
//!   per type, micro, macro and weighted, and the way back from predicted byte spans to tags;
//! - [`classes`]: confusion matrices, per-class scores, accuracy, macro F1 and SemEval-2016's
//!   F1avg(FAVOR, AGAINST), as scikit-learn and the task's scorer compute them;
//! - [`data`]: stance and NLI examples from JSON Lines, labels typed, with line numbers;
//! - [`events`]: a gold file of events per report and the scores of extracted events;
//! - [`speed`]: latency percentiles, throughput and the process's peak resident memory.
//!
//! Bad input is an [`Error`] naming the file and the line, never a panic and
//! never a silent repair.
//!
//! ```
//! use reportage::evaluation::conll::{ConllCorpus, ConllOptions};
//! use reportage::evaluation::sequence::{score_sequences, ChunkMode};
//!
//! let gold = ConllCorpus::parse(
//!     "Kofi B-PER\nAnnan I-PER\nvisited O\nGaza B-LOC\n",
//!     "gold.conll",
//!     &ConllOptions::default(),
//! )?;
//! let sentence = &gold.sentences[0];
//! assert_eq!(sentence.text, "Kofi Annan visited Gaza");
//! assert_eq!(&sentence.text[sentence.tokens[3].span.range()], "Gaza");
//!
//! // A prediction that finds the person but not the place.
//! let predicted = vec![sentence.tags().into_iter().take(3).chain([Default::default()]).collect()];
//! let report = score_sequences(&gold.tags(), &predicted, ChunkMode::Conlleval)?;
//! assert_eq!((report.micro.precision, report.micro.recall), (1.0, 0.5));
//! # Ok::<(), reportage::Error>(())
//! ```

pub mod classes;
pub mod conll;
pub mod data;
pub mod events;
pub mod sequence;
pub mod speed;

use std::path::Path;

use serde::Serialize;

use crate::Error;

/// Precision, recall and F1 of one class (or an average), with its support: the number of
/// gold items of the class.
///
/// Undefined ratios (no prediction, no gold item) are 0, as in scikit-learn and `seqeval`
/// with their default `zero_division="warn"`.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Scores {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    /// Gold items of the class (for averages: of all classes).
    pub support: usize,
}

impl Scores {
    /// Scores from counts: `true_positives` of `predicted` predictions were right, out of
    /// `gold` gold items.
    ///
    /// F1 is `2PR / (P + R)` from the two ratios, the formula of scikit-learn and `seqeval`
    /// (equal to `2TP / (predicted + gold)` up to rounding).
    ///
    /// ```
    /// use reportage::evaluation::Scores;
    /// let s = Scores::from_counts(3, 4, 6);
    /// assert_eq!((s.precision, s.recall, s.support), (0.75, 0.5, 6));
    /// assert!((s.f1 - 0.6).abs() < 1e-12);
    /// assert_eq!(Scores::from_counts(0, 0, 2).f1, 0.0);
    /// ```
    pub fn from_counts(true_positives: usize, predicted: usize, gold: usize) -> Scores {
        let ratio = |n: usize, d: usize| if d == 0 { 0.0 } else { n as f64 / d as f64 };
        let precision = ratio(true_positives, predicted);
        let recall = ratio(true_positives, gold);
        Scores {
            precision,
            recall,
            f1: f1(precision, recall),
            support: gold,
        }
    }

    /// The unweighted mean of each score over `classes` (macro average); support is summed.
    /// No classes: all zero.
    pub fn macro_average(classes: &[Scores]) -> Scores {
        let n = classes.len() as f64;
        let mean = |f: fn(&Scores) -> f64| {
            if classes.is_empty() {
                0.0
            } else {
                classes.iter().map(f).sum::<f64>() / n
            }
        };
        Scores {
            precision: mean(|s| s.precision),
            recall: mean(|s| s.recall),
            f1: mean(|s| s.f1),
            support: classes.iter().map(|s| s.support).sum(),
        }
    }

    /// The mean of each score over `classes` weighted by support (scikit-learn's and
    /// `seqeval`'s `weighted avg`). With no support at all they return 0 for every score
    /// (recall 0 too: `zero_division` "warn" acts as 0), which this follows.
    pub fn weighted_average(classes: &[Scores]) -> Scores {
        let total: usize = classes.iter().map(|s| s.support).sum();
        if total == 0 {
            return Scores::default();
        }
        let mean = |f: fn(&Scores) -> f64| {
            classes.iter().map(|s| f(s) * s.support as f64).sum::<f64>() / total as f64
        };
        Scores {
            precision: mean(|s| s.precision),
            recall: mean(|s| s.recall),
            f1: mean(|s| s.f1),
            support: total,
        }
    }
}

/// `2PR / (P + R)`, 0 when both are 0.
pub(crate) fn f1(precision: f64, recall: f64) -> f64 {
    let denominator = precision + recall;
    if denominator == 0.0 {
        0.0
    } else {
        2.0 * precision * recall / denominator
    }
}

/// An error about the content of a data file: the file, the line (1-based) when there is
/// one, and what is wrong. Carried as [`Error::Io`] with kind `InvalidData`, the kind std
/// uses for a file whose bytes are not what the reader expects, so that the message reads
/// `FILE: line N: ...`.
pub(crate) fn data_error(origin: &Path, line: Option<usize>, message: impl Into<String>) -> Error {
    let message = message.into();
    let message = match line {
        Some(line) => format!("line {line}: {message}"),
        None => message,
    };
    Error::io(
        origin,
        std::io::Error::new(std::io::ErrorKind::InvalidData, message),
    )
}

/// Read a whole data file as UTF-8; a UTF-8 byte-order mark is dropped.
pub(crate) fn read_text(path: &Path) -> crate::Result<String> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn averages_follow_sklearn() {
        let a = Scores::from_counts(1, 2, 4);
        let b = Scores::from_counts(0, 1, 0);
        let m = Scores::macro_average(&[a, b]);
        assert_eq!(m.precision, 0.25);
        assert_eq!(m.recall, 0.125);
        assert_eq!(m.support, 4);
        // b has no support: the weighted average is a's scores.
        assert_eq!(
            Scores::weighted_average(&[a, b]),
            Scores { support: 4, ..a }
        );
        assert_eq!(Scores::weighted_average(&[b]), Scores::default());
        assert_eq!(Scores::macro_average(&[]), Scores::default());
    }

    #[test]
    fn data_errors_name_file_and_line() {
        let e = data_error(Path::new("x.conll"), Some(7), "bad tag");
        assert_eq!(e.to_string(), "x.conll: line 7: bad tag");
        let e = data_error(Path::new("x.conll"), None, "empty");
        assert_eq!(e.to_string(), "x.conll: empty");
    }
}
