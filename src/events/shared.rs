//! One encoder pass for a sentence's entities and its event types.
//!
//! A token classifier with a sentence head (see
//! [`SENTENCE_LABEL_PREFIX`](crate::entities::SENTENCE_LABEL_PREFIX)) tags entities and
//! scores event types in the same forward pass. [`SharedEncoder`] hands it to the extractor
//! twice: as its entity recognizer, which keeps the sentence scores of the sentences it
//! read, and as its type classifier, which answers from those scores. The extractor asks
//! the recognizer about every sentence before it asks the classifier, so the classifier
//! runs the model again only for sentences it is asked about first (used alone, or on text
//! the recognizer did not see).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use super::classify::{label_slots, pair_scores, type_scores, TypeScores};
use super::lexicon::TypeInfo;
use super::EventTypeClassifier;
use crate::entities::{Entity, EntityRecognition, EntityRecognizer};
use crate::{Error, Result};

/// A model that reads a sentence once for its entities and its event types, shared by an
/// [`EntityRecognition`] ([`entities`](Self::entities)) and an [`EventTypeClassifier`]
/// ([`types`](Self::types)) of the same extractor.
///
/// ```no_run
/// use reportage::entities::{EntityRecognizer, EntityRecognizerConfig};
/// use reportage::events::{EventExtractor, SharedEncoder};
/// use reportage::ModelRegistry;
///
/// let registry = ModelRegistry::load_default()?;
/// let model = EntityRecognizer::from_registry(
///     &registry,
///     "entities-events-default",
///     EntityRecognizerConfig::default(),
/// )?;
/// let shared = SharedEncoder::new(model)?;
/// let extractor = EventExtractor::builder()
///     .entities(shared.entities())
///     .classifier(shared.types())
///     .build();
/// # Ok::<(), reportage::Error>(())
/// ```
#[derive(Clone)]
pub struct SharedEncoder {
    inner: Arc<Mutex<Inner>>,
}

struct Inner {
    model: EntityRecognizer,
    /// Where each sentence label goes in [`TypeScores`].
    slots: Vec<Option<usize>>,
    /// The type scores of the sentences of the recognizer's last call (only the last, so
    /// that memory stays that of one batch).
    last: HashMap<String, TypeScores>,
}

impl SharedEncoder {
    /// Share `model`, whose sentence labels must be `NONE` and every PLOVER type.
    pub fn new(model: EntityRecognizer) -> Result<Self> {
        let slots = label_slots(model.sentence_labels()).map_err(|message| Error::LabelMap {
            model: model.name().to_string(),
            message: format!("the sentence head is not an event type head: {message}"),
        })?;
        Ok(SharedEncoder {
            inner: Arc::new(Mutex::new(Inner {
                model,
                slots,
                last: HashMap::new(),
            })),
        })
    }

    /// The entity recognizer side: [`EntityRecognizer`]'s entities, the sentence scores
    /// kept for [`types`](Self::types).
    pub fn entities(&self) -> SharedEntities {
        SharedEntities(self.clone())
    }

    /// The event type classifier side: the scores the recognizer side kept, the model run
    /// for any other sentence.
    pub fn types(&self) -> SharedTypes {
        SharedTypes(self.clone())
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic inside the model is caught and returned as an error where it happens, so
        // a poisoned lock only means another thread died between two calls: the model
        // itself is intact.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Inner {
    /// Entities and type scores of `texts`, the scores kept as the last call's.
    fn read(&mut self, texts: &[&str]) -> Result<Vec<Vec<Entity>>> {
        let read = self.model.recognize_batch_with_sentence_scores(texts)?;
        self.last.clear();
        for (text, p) in texts.iter().zip(&read.sentence_scores) {
            self.last
                .insert(text.to_string(), type_scores(&self.slots, p));
        }
        Ok(read.entities)
    }
}

/// [`SharedEncoder`] as an entity recognizer.
pub struct SharedEntities(SharedEncoder);

impl EntityRecognition for SharedEntities {
    fn recognize_batch(&self, texts: &[&str]) -> Result<Vec<Vec<Entity>>> {
        self.0.lock().read(texts)
    }
}

/// [`SharedEncoder`] as an event type classifier.
pub struct SharedTypes(SharedEncoder);

impl SharedTypes {
    /// The type scores of each sentence, in input order.
    pub fn type_scores(&self, sentences: &[&str]) -> Result<Vec<TypeScores>> {
        let mut inner = self.0.lock();
        let mut missing: Vec<&str> = sentences
            .iter()
            .copied()
            .filter(|s| !inner.last.contains_key(*s))
            .collect();
        missing.sort_unstable();
        missing.dedup();
        if !missing.is_empty() {
            // Keep what the recognizer left: the extractor asks about its sentences in
            // several calls.
            let kept = std::mem::take(&mut inner.last);
            inner.read(&missing)?;
            inner.last.extend(kept);
        }
        sentences
            .iter()
            .map(|s| {
                inner.last.get(*s).cloned().ok_or_else(|| {
                    Error::MalformedOutput(format!("no type scores for sentence {s:?}"))
                })
            })
            .collect()
    }
}

impl EventTypeClassifier for SharedTypes {
    fn score_batch(&self, pairs: &[(&str, &TypeInfo)]) -> Result<Vec<f32>> {
        pair_scores(pairs, |sentences| self.type_scores(sentences))
    }

    fn sentence_scores(&self, sentences: &[&str]) -> Result<Option<Vec<TypeScores>>> {
        self.type_scores(sentences).map(Some)
    }
}
