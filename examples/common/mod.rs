//! What the examples share: the default report and the choice of models.
//!
//! The model choice lives here, in one place, so that every example compiles with and
//! without the `torch` feature: without it (`--no-default-features`) the examples run on the
//! model-free [`GazetteerRecognizer`] and no stance; with it they will use the transformer
//! models.
#![allow(dead_code)]

use std::io::Read;

#[cfg(not(feature = "torch"))]
use reportage::entities::GazetteerRecognizer;
use reportage::events::EventExtractor;
use reportage::{EntityRecognition, Result, SentenceSplitter, StanceDetection};

/// The report the examples read when given no file.
pub const DEFAULT_REPORT: &str = include_str!("../data/aleppo-advance.txt");
/// Its id in the output.
pub const DEFAULT_REPORT_ID: &str = "aleppo-advance";

/// The report named on the command line (a path, or `-` for stdin), else the default one.
/// Returns `(id, text)`.
pub fn report_from_args() -> Result<(String, String)> {
    match std::env::args().nth(1).as_deref() {
        None => Ok((DEFAULT_REPORT_ID.to_string(), DEFAULT_REPORT.to_string())),
        Some("-") => {
            let mut s = String::new();
            std::io::stdin()
                .read_to_string(&mut s)
                .map_err(|e| reportage::Error::Config(format!("reading stdin: {e}")))?;
            Ok(("stdin".to_string(), s))
        }
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| reportage::Error::Config(format!("{path}: {e}")))?;
            let id = std::path::Path::new(path)
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| path.to_string());
            Ok((id, text))
        }
    }
}

/// The entity recognizer the examples use.
#[cfg(not(feature = "torch"))]
pub fn entity_recognizer() -> Result<Box<dyn EntityRecognition>> {
    Ok(Box::new(GazetteerRecognizer::default()))
}

/// The entity recognizer the examples use: `reportage::presets::recognizer`, the default
/// model first, then the gazetteer (models/README.md says how it was chosen).
#[cfg(feature = "torch")]
pub fn entity_recognizer() -> Result<Box<dyn EntityRecognition>> {
    // Every example builds its recognizer first, before any thread starts: the moment
    // `tune_malloc` (called by the preset) asks for.
    let registry = reportage::ModelRegistry::load_default()?;
    Ok(Box::new(reportage::presets::recognizer(&registry)?))
}

/// The stance detector the examples use, if any.
#[cfg(not(feature = "torch"))]
pub fn stance_detector() -> Result<Option<Box<dyn StanceDetection>>> {
    // No model-free stance detector exists: events come without stances.
    Ok(None)
}

/// The stance detector the examples use: `stance-default`, the fine-tuned target/text
/// classifier (models/README.md has its card and dev scores).
#[cfg(feature = "torch")]
pub fn stance_detector() -> Result<Option<Box<dyn StanceDetection>>> {
    stance_detector_named(reportage::presets::STANCE_MODEL).map(Some)
}

/// A stance detector from any registry model of task `stance` or `zero-shot`.
#[cfg(feature = "torch")]
pub fn stance_detector_named(name: &str) -> Result<Box<dyn StanceDetection>> {
    let registry = reportage::ModelRegistry::load_default()?;
    reportage::presets::stance_detector(&registry, name)
}

/// Without libtorch there is no stance model to name.
#[cfg(not(feature = "torch"))]
pub fn stance_detector_named(name: &str) -> Result<Box<dyn StanceDetection>> {
    Err(reportage::Error::Config(format!(
        "model `{name}`: stance models need the `torch` feature"
    )))
}

/// The event extractor with the models above.
pub fn extractor() -> Result<EventExtractor> {
    Ok(EventExtractor::builder()
        .sentences(SentenceSplitter::new())
        .entities_boxed(entity_recognizer()?)
        .stance_boxed(stance_detector()?)
        .build())
}
