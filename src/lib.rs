//! # reportage
//!
//! Reads news and field reports and turns them into typed records: sentences with offsets,
//! named entities, stance toward targets, and events (actor, action, target, place, time,
//! evidence, confidence).
//!
//! Modules, one per capability; each imports only the layers above it in this list:
//! - [`text`]: byte spans into the text, word tokens and the stemmer;
//! - [`sentences`]: rule-based sentence splitting with byte offsets (no libtorch);
//! - [`models`]: the registry of known models (`models.toml`), their verified files and
//!   their `config.json`;
//! - [`torch`]: loading and running models in libtorch (feature `torch`): weights, batches,
//!   forward passes, probabilities; and [`torch::tune_malloc`];
//! - [`entities`]: transformer NER through rust-bert (feature `torch`), and a gazetteer;
//! - [`stance`]: stance toward a target with NLI zero-shot or fine-tuned classifiers;
//! - [`events`]: event records assembled from the above;
//! - `presets` (feature `torch`): the recommended set-up of the default models.
//!
//! Beside them: [`evaluation`] scores models on labelled data (CoNLL, JSON Lines) as
//! `seqeval` and scikit-learn score them, and times them (no libtorch); [`jsonl`] reads
//! JSON Lines input, reporting bad lines by number and going on.
//!
//! All positions are byte [`Span`]s into the text you passed in; all failures are [`Error`].

mod error;
pub mod jsonl;
pub mod text;
/// Kept at the crate root for callers that name `reportage::span::CharIndex`.
pub use text::span;

pub mod entities;
pub mod evaluation;
pub mod events;
pub mod models;
#[cfg(feature = "torch")]
pub mod presets;
pub mod sentences;
pub mod stance;
pub mod torch;

pub use entities::{Entity, EntityKind, EntityRecognition, GazetteerRecognizer, MergedRecognizer};
#[cfg(feature = "torch")]
pub use entities::{EntityRecognizer, EntityRecognizerConfig};
pub use error::{Error, Result};
pub use events::{Event, EventExtractor, EventType, Report};
pub use models::{ModelRegistry, Task};
pub use sentences::{Sentence, SentenceSegmentation, SentenceSplitter};
#[cfg(feature = "torch")]
pub use stance::{ClassifierStanceDetector, NliStanceDetector, ZeroShotClassifier};
pub use stance::{Stance, StanceDetection, StanceScores};
pub use text::{CharSpan, Span};

/// Where transformer models run (`Device::Cpu`, `Device::Cuda(0)`); re-exported from `tch`
/// so callers need no direct dependency on it.
#[cfg(feature = "torch")]
pub use tch::Device;
