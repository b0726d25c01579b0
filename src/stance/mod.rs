//! Stance of a text toward a target: favor, against, neutral.
//!
//! Backends (NLI zero-shot, fine-tuned classifiers) implement [`StanceDetection`]; the
//! document-level aggregation on top of it is pure.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::Result;

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

/// Anything that scores stance toward a target: NLI zero-shot, a fine-tuned classifier, a fake.
pub trait StanceDetection: Send {
    /// Score each `(text, target)` pair.
    fn detect_batch(&self, pairs: &[(&str, &str)]) -> Result<Vec<StanceScores>>;

    /// Score one pair.
    fn detect(&self, text: &str, target: &str) -> Result<StanceScores> {
        self.detect_batch(&[(text, target)])?
            .pop()
            .ok_or_else(|| crate::Error::Config("stance backend returned no result".into()))
    }
}
