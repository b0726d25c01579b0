//! Named entities: typed kinds, spans into the original text, scores.
//!
//! The model-backed `EntityRecognizer` (feature `torch`) runs a token-classification
//! transformer through rust-bert. Everything else here is pure and tested without
//! libtorch: label schemes and kinds ([`EntityKind`], [`LabelScheme`]), aggregation of
//! sub-word predictions into entities ([`aggregate`]), and windows over long texts
//! ([`window`]).

pub mod aggregate;
mod gazetteer;
mod kind;
mod merge;
#[cfg(feature = "torch")]
mod recognizer;
pub mod window;

pub use aggregate::{AggregationStrategy, WordBoundaries};
pub use gazetteer::{GazetteerRecognizer, DEFAULT_GAZETTEER, GENERATED_GAZETTEER};
pub use kind::{parse_label, EntityKind, LabelScheme, Tag};
pub use merge::MergedRecognizer;
#[cfg(feature = "torch")]
pub use recognizer::{
    EntityRecognizer, EntityRecognizerConfig, Recognition, SENTENCE_LABEL_PREFIX,
};

use serde::{Deserialize, Serialize};

use crate::text::{CharSpan, Span};
use crate::Result;

/// One entity found in a text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entity {
    /// What the entity is.
    pub kind: EntityKind,
    /// The surface text, exactly `&input[span.range()]`.
    pub text: String,
    /// Byte span into the input text.
    pub span: Span,
    /// The same span in chars.
    pub char_span: CharSpan,
    /// The model's confidence in `[0, 1]` (aggregated over the entity's tokens).
    pub score: f32,
    /// The label as the model emitted it: for grouped entities its type without the scheme
    /// prefix (`PER`, `GPE`, like `transformers`' `entity_group`); for token-level results
    /// ([`AggregationStrategy::None`]) the full label (`B-PER`). Labels the crate does not
    /// know are kept here and in [`EntityKind::Other`].
    pub label: String,
}

/// Anything that finds entities in texts: the transformer recognizer, or a fake in tests.
///
/// This is the narrow seam between the model-backed code and the code that uses entities
/// (events, document stance).
pub trait EntityRecognition: Send {
    /// Entities of each text, in text order, with spans into that text.
    fn recognize_batch(&self, texts: &[&str]) -> Result<Vec<Vec<Entity>>>;

    /// Entities of one text.
    fn recognize(&self, text: &str) -> Result<Vec<Entity>> {
        Ok(self.recognize_batch(&[text])?.pop().unwrap_or_default())
    }
}
