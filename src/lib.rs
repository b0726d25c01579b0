//! # reportage
//!
//! Reads news and field reports and turns them into typed records: sentences with offsets,
//! named entities, stance toward targets, and events (actor, action, target, place, time,
//! evidence, confidence).
//!
//! Modules, one per capability:
//! - [`sentences`]: rule-based sentence splitting with byte offsets (no libtorch);
//! - [`entities`]: transformer NER through rust-bert (feature `torch`);
//! - [`stance`]: stance toward a target with NLI zero-shot or fine-tuned classifiers;
//! - [`events`]: event records assembled from the above;
//! - [`models`]: the registry of known models (`models.toml`) and their verified files;
//! - [`evaluation`]: scoring models on labelled data (CoNLL, JSON Lines), as `seqeval` and
//!   scikit-learn score them, and timing them (no libtorch);
//! - [`jsonl`]: JSON Lines input that reports bad lines by number and goes on;
//! - `presets` (feature `torch`): the recommended set-up of the default models.
//!
//! All positions are byte [`Span`]s into the text you passed in; all failures are [`Error`].

mod error;
pub mod jsonl;
pub mod span;

pub mod entities;
pub mod evaluation;
pub mod events;
pub mod models;
#[cfg(feature = "torch")]
pub mod presets;
pub mod sentences;
pub mod stance;

pub use entities::{Entity, EntityKind, EntityRecognition, GazetteerRecognizer, MergedRecognizer};
#[cfg(feature = "torch")]
pub use entities::{EntityRecognizer, EntityRecognizerConfig};
pub use error::{Error, Result};
pub use events::{Event, EventExtractor, EventType, Report};
pub use models::{ModelRegistry, Task};
pub use sentences::{Sentence, SentenceSegmentation, SentenceSplitter};
pub use span::{CharSpan, Span};
#[cfg(feature = "torch")]
pub use stance::{ClassifierStanceDetector, NliStanceDetector, ZeroShotClassifier};
pub use stance::{Stance, StanceDetection, StanceScores};

/// Where transformer models run (`Device::Cpu`, `Device::Cuda(0)`); re-exported from `tch`
/// so callers need no direct dependency on it.
#[cfg(feature = "torch")]
pub use tch::Device;
