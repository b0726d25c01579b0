//! What the examples share: the default report and the choice of models.
//!
//! The model choice lives here, in one place, so that every example compiles with and
//! without the `torch` feature: without it (`--no-default-features`) the examples run on the
//! model-free [`GazetteerRecognizer`] and no stance; with it they will use the transformer
//! models.
#![allow(dead_code)]

use std::io::Read;

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

/// The entity recognizer the examples use.
#[cfg(feature = "torch")]
pub fn entity_recognizer() -> Result<Box<dyn EntityRecognition>> {
    // TODO(integrator): once issue 4 lands, return the transformer recognizer with the
    // default model, e.g. `Ok(Box::new(reportage::entities::EntityRecognizer::default_model()?))`.
    // Until then the torch build runs on the gazetteer too.
    Ok(Box::new(GazetteerRecognizer::default()))
}

/// The stance detector the examples use, if any.
#[cfg(not(feature = "torch"))]
pub fn stance_detector() -> Result<Option<Box<dyn StanceDetection>>> {
    // No model-free stance detector exists: events come without stances.
    Ok(None)
}

/// The stance detector the examples use, if any.
#[cfg(feature = "torch")]
pub fn stance_detector() -> Result<Option<Box<dyn StanceDetection>>> {
    // TODO(integrator): once issue 5 lands, return the default NLI stance detector, e.g.
    // `Ok(Some(Box::new(reportage::stance::ZeroShotStance::default_model()?)))`.
    Ok(None)
}

/// The event extractor with the models above.
pub fn extractor() -> Result<EventExtractor> {
    Ok(EventExtractor::builder()
        .sentences(SentenceSplitter::new())
        .entities_boxed(entity_recognizer()?)
        .stance_boxed(stance_detector()?)
        .build())
}
