//! Stance of a text toward a target: favor, against, neutral (and unrelated, where a model
//! has that label).
//!
//! Two model-backed detectors implement [`StanceDetection`] (feature `torch`):
//!
//! - [`NliStanceDetector`]: zero-shot through any NLI model (BERT, RoBERTa, XLM-R,
//!   DeBERTa(-v2), DistilBERT, ALBERT, MobileBERT, BART). Each stance is a hypothesis
//!   ("The author supports {target}.") scored against the text exactly as
//!   `transformers`' `ZeroShotClassificationPipeline` does; several template sets are averaged.
//! - [`ClassifierStanceDetector`]: a sequence classifier fine-tuned with stance labels
//!   (`FAVOR` / `AGAINST` / `NONE`, `agree` / `disagree` / `discuss` / `unrelated`, ...),
//!   fed `(target, text)` as a pair or the text alone.
//!
//! [`ZeroShotClassifier`] is the generic zero-shot pipeline underneath (any candidate labels).
//!
//! Everything that does not run a model is pure and usable without libtorch: hypothesis
//! templates and their validation ([`StanceTemplates`]), reading the entailment and
//! contradiction indices from a label map ([`NliLabelMap`]), the pipeline's score math
//! ([`zero_shot_scores`]), label-to-stance mapping ([`stance_from_label`]), and
//! document-level aggregation over the sentences that mention a target ([`document_stance`]).
//!
//! No real NLI or stance model ships with the crate or could be obtained where it was
//! built: the tests run tiny random-weight models and check that scores equal those of
//! `transformers` on the same weights. They say nothing about accuracy on real text.
//!
//! ```
//! use reportage::stance::{Stance, StanceDetection, StanceScores};
//!
//! /// A stand-in backend: favours every target it is asked about.
//! struct AlwaysFavor;
//! impl StanceDetection for AlwaysFavor {
//!     fn detect_batch(&self, pairs: &[(&str, &str)]) -> reportage::Result<Vec<StanceScores>> {
//!         pairs
//!             .iter()
//!             .map(|_| StanceScores::from_scores(vec![(Stance::Favor, 0.9), (Stance::Against, 0.1)]))
//!             .collect()
//!     }
//! }
//! let s = AlwaysFavor.detect("Officials welcomed the ceasefire.", "the ceasefire").unwrap();
//! assert_eq!(s.stance, Stance::Favor);
//! assert_eq!(s.score_of(Stance::Against), Some(0.1));
//! ```

mod document;
mod labels;
mod templates;
#[cfg(feature = "torch")]
mod torch;

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{Error, Result};

pub use document::{
    aggregate_mean, document_stance, entity_mentions, string_mentions, DocumentStance, Evidence,
    Mentions, Target,
};
pub use labels::{
    average_scores, classifier_scores, softmax, stance_from_label, zero_shot_scores, NliLabelMap,
};
pub use templates::{render_template, StanceTemplates};
#[cfg(feature = "torch")]
pub use torch::{
    ClassifierInput, ClassifierStanceConfig, ClassifierStanceDetector, NliStanceConfig,
    NliStanceDetector, ZeroShotClassifier, ZeroShotResult,
};

/// A stance toward a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stance {
    Favor,
    Against,
    Neutral,
    /// The text is not about the target at all (only where a model provides this label).
    Unrelated,
}

impl Stance {
    /// Lower-case name, as serialised.
    pub fn as_str(&self) -> &'static str {
        match self {
            Stance::Favor => "favor",
            Stance::Against => "against",
            Stance::Neutral => "neutral",
            Stance::Unrelated => "unrelated",
        }
    }
}

impl fmt::Display for Stance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The stance a model gives one (text, target) pair, with a score for every label it knows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StanceScores {
    /// The highest-scoring stance.
    pub stance: Stance,
    /// Its score.
    pub score: f32,
    /// Every label the backend scores, highest first.
    pub scores: Vec<(Stance, f32)>,
}

impl StanceScores {
    /// Build from one score per stance (any order); the result is sorted highest first.
    /// Fails on an empty list, a stance listed twice, or a score that is not finite.
    ///
    /// ```
    /// use reportage::stance::{Stance, StanceScores};
    /// let s = StanceScores::from_scores(vec![(Stance::Neutral, 0.2), (Stance::Against, 0.7)]).unwrap();
    /// assert_eq!((s.stance, s.score), (Stance::Against, 0.7));
    /// assert!(StanceScores::from_scores(vec![]).is_err());
    /// ```
    pub fn from_scores(mut scores: Vec<(Stance, f32)>) -> Result<Self> {
        if scores.iter().any(|(_, s)| !s.is_finite()) {
            return Err(Error::InvalidArgument(format!(
                "stance scores must be finite: {scores:?}"
            )));
        }
        for (i, (stance, _)) in scores.iter().enumerate() {
            if scores[..i].iter().any(|(s, _)| s == stance) {
                return Err(Error::InvalidArgument(format!(
                    "stance {stance} is scored twice"
                )));
            }
        }
        // Stable sort: ties keep the caller's order, as the pipeline's argsort keeps label order.
        scores.sort_by(|a, b| b.1.total_cmp(&a.1));
        let (stance, score) = *scores
            .first()
            .ok_or_else(|| Error::InvalidArgument("no stance scores".into()))?;
        Ok(StanceScores {
            stance,
            score,
            scores,
        })
    }

    /// The score of one stance, if the backend scores it.
    pub fn score_of(&self, stance: Stance) -> Option<f32> {
        self.scores
            .iter()
            .find(|(s, _)| *s == stance)
            .map(|&(_, score)| score)
    }
}

/// Anything that scores stance toward a target: NLI zero-shot, a fine-tuned classifier, a fake.
pub trait StanceDetection: Send {
    /// Score each `(text, target)` pair. Fails (never panics) on an empty text or target.
    fn detect_batch(&self, pairs: &[(&str, &str)]) -> Result<Vec<StanceScores>>;

    /// Score one pair.
    fn detect(&self, text: &str, target: &str) -> Result<StanceScores> {
        self.detect_batch(&[(text, target)])?.pop().ok_or_else(|| {
            crate::Error::MalformedOutput("stance backend returned no result".into())
        })
    }
}

/// Reject empty texts and targets before any model runs.
#[cfg_attr(not(feature = "torch"), allow(dead_code))]
pub(crate) fn check_pairs(pairs: &[(&str, &str)]) -> Result<()> {
    for (text, target) in pairs {
        if text.trim().is_empty() {
            return Err(Error::EmptyInput("stance text"));
        }
        if target.trim().is_empty() {
            return Err(Error::EmptyInput("stance target"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_sorted_and_validated() {
        let s = StanceScores::from_scores(vec![
            (Stance::Favor, 0.1),
            (Stance::Against, 0.6),
            (Stance::Neutral, 0.3),
        ])
        .unwrap();
        assert_eq!(s.stance, Stance::Against);
        assert_eq!(
            s.scores.iter().map(|p| p.0).collect::<Vec<_>>(),
            [Stance::Against, Stance::Neutral, Stance::Favor]
        );
        assert_eq!(s.score_of(Stance::Favor), Some(0.1));
        assert_eq!(s.score_of(Stance::Unrelated), None);
        assert!(
            StanceScores::from_scores(vec![(Stance::Favor, 0.1), (Stance::Favor, 0.2)]).is_err()
        );
        assert!(StanceScores::from_scores(vec![(Stance::Favor, f32::NAN)]).is_err());
    }

    #[test]
    fn empty_inputs_are_errors() {
        assert!(matches!(
            check_pairs(&[("text", " ")]),
            Err(Error::EmptyInput("stance target"))
        ));
        assert!(matches!(
            check_pairs(&[("", "t")]),
            Err(Error::EmptyInput("stance text"))
        ));
        assert!(check_pairs(&[("text", "t")]).is_ok());
    }
}
