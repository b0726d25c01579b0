//! A trained event type classifier: one sentence in, the probability that it reports no
//! event and that it reports each PLOVER type out.
//!
//! [`TypeScores`] is what such a classifier returns; [`SentenceTypeClassifier`] (feature
//! `torch`) runs a registry model of task `event-types` (labels `NONE` and the type names),
//! such as the default `events-default`. The extractor uses the scores as
//! [`ClassifierPolicy`] says: to veto lexicon events, to retype them, and to add events the
//! lexicon has no trigger for, in sentences without lexicon events or beside them.

use serde::{Deserialize, Serialize};

use super::lexicon::TypeInfo;
use super::types::EventType;
use crate::Result;

/// Probabilities for one sentence: of no event, and of each type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TypeScores {
    /// The probability that the sentence reports no event.
    pub none: f32,
    /// One probability per type, in [`EventType::ALL`] order.
    pub types: [f32; 16],
}

impl TypeScores {
    /// The probability of `t`.
    ///
    /// ```
    /// use reportage::events::{EventType, TypeScores};
    /// let mut types = [0.0; 16];
    /// types[15] = 0.7; // ASSAULT, the last of EventType::ALL
    /// let s = TypeScores { none: 0.3, types };
    /// assert_eq!(s.of(EventType::Assault), 0.7);
    /// assert_eq!(s.best(), Some((EventType::Assault, 0.7)));
    /// ```
    pub fn of(&self, t: EventType) -> f32 {
        EventType::ALL
            .iter()
            .position(|&x| x == t)
            .map_or(0.0, |i| self.types[i])
    }

    /// The most probable type and its probability (`None` only if every score is NaN).
    pub fn best(&self) -> Option<(EventType, f32)> {
        EventType::ALL
            .iter()
            .zip(self.types)
            .filter(|(_, p)| !p.is_nan())
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(&t, p)| (t, p))
    }

    /// Every type scoring at least `min`, the most probable first. A softmax gives at most
    /// one type above 0.5; a multi-label classifier (independent sigmoids) may give several,
    /// as a sentence may report several events ("backed by air support, troops advanced":
    /// AID and ASSAULT).
    ///
    /// ```
    /// use reportage::events::{EventType, TypeScores};
    /// let mut types = [0.0; 16];
    /// types[15] = 0.7; // ASSAULT
    /// types[5] = 0.9; // AID
    /// let s = TypeScores { none: 0.0, types };
    /// assert_eq!(s.at_least(0.5), [(EventType::Aid, 0.9), (EventType::Assault, 0.7)]);
    /// assert!(s.at_least(0.95).is_empty());
    /// ```
    pub fn at_least(&self, min: f32) -> Vec<(EventType, f32)> {
        let mut out: Vec<(EventType, f32)> = EventType::ALL
            .iter()
            .zip(self.types)
            .filter(|(_, p)| *p >= min)
            .map(|(&t, p)| (t, p))
            .collect();
        out.sort_by(|a, b| b.1.total_cmp(&a.1));
        out
    }
}

/// What the extractor does with a sentence classifier's [`TypeScores`] (see
/// [`EventExtractorBuilder::classifier_policy`](super::EventExtractorBuilder::classifier_policy)).
///
/// The lexicon's triggers stay the explanation of an event whenever they found it; the
/// classifier can change its type, and find events the lexicon has no word for.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ClassifierPolicy {
    /// A lexicon event whose type scores under this is dropped (every classifier; the
    /// pairwise ones score this alone).
    pub min_score: f32,
    /// A lexicon event whose own type scores under `min_score` is given the classifier's
    /// best type, instead of being dropped, when that type scores at least this. `None`
    /// never to retype.
    pub retype_above: Option<f32>,
    /// In a sentence with no lexicon event, an event of each type scoring at least this is
    /// added ([`TypeScores::at_least`]: one type at most from a softmax when this is over
    /// 0.5, maybe several from a multi-label classifier; their actors come from the role
    /// tagger; without one, or when it finds none, nothing is added). `None` never to add.
    pub add_above: Option<f32>,
    /// In a sentence with lexicon events, an event of each type scoring at least this that
    /// none of them has is added beside them (types and actors as for `add_above`). It
    /// gives the event the lexicon has no word for ("began joint military
    /// exercises": MOBILIZE from the lexicon, COOPERATE from the classifier), and the event
    /// that takes the place of a lexicon event vetoed under `min_score` ("Japan provides $20
    /// million in support for flood victims": AID, not SUPPORT). Applied after
    /// `retype_above`. `None` never to add beside.
    #[serde(default)]
    pub add_beside: Option<f32>,
}

impl Default for ClassifierPolicy {
    fn default() -> Self {
        ClassifierPolicy {
            min_score: 0.2,
            retype_above: None,
            add_above: None,
            add_beside: None,
        }
    }
}

/// Where each label of a type classifier goes: `None` for NONE, else the type's index in
/// [`EventType::ALL`] (labels in any order, any case; every type and NONE must be there).
/// An error names what is wrong with the label map.
// Pure, tested without libtorch; only the model-backed classifiers call them.
#[cfg_attr(not(feature = "torch"), allow(dead_code))]
pub(crate) fn label_slots(labels: &[String]) -> std::result::Result<Vec<Option<usize>>, String> {
    let mut slots = Vec::with_capacity(labels.len());
    for label in labels {
        if label.eq_ignore_ascii_case("none") {
            slots.push(None);
            continue;
        }
        let t: EventType = label
            .parse()
            .map_err(|_| format!("label `{label}` is neither NONE nor a PLOVER type"))?;
        slots.push(EventType::ALL.iter().position(|&x| x == t));
    }
    for t in EventType::ALL {
        let i = EventType::ALL.iter().position(|&x| x == t);
        if !slots.contains(&i) {
            return Err(format!("no label for {t}"));
        }
    }
    if !slots.contains(&None) {
        return Err("no NONE label".into());
    }
    Ok(slots)
}

/// One sentence's probabilities, in label order, placed by [`label_slots`].
#[cfg_attr(not(feature = "torch"), allow(dead_code))]
pub(crate) fn type_scores(slots: &[Option<usize>], probs: &[f32]) -> TypeScores {
    let mut scores = TypeScores {
        none: 0.0,
        types: [0.0; 16],
    };
    for (&slot, &x) in slots.iter().zip(probs) {
        match slot {
            None => scores.none = x,
            Some(i) => scores.types[i] = x,
        }
    }
    scores
}

/// [`EventTypeClassifier::score_batch`] of a classifier that scores whole sentences: each
/// distinct sentence scored once, then each pair's type read from its scores.
#[cfg_attr(not(feature = "torch"), allow(dead_code))]
pub(crate) fn pair_scores(
    pairs: &[(&str, &TypeInfo)],
    scores: impl FnOnce(&[&str]) -> Result<Vec<TypeScores>>,
) -> Result<Vec<f32>> {
    let mut distinct: Vec<&str> = pairs.iter().map(|(s, _)| *s).collect();
    distinct.sort_unstable();
    distinct.dedup();
    let scores = scores(&distinct)?;
    Ok(pairs
        .iter()
        .map(|(s, info)| {
            distinct
                .binary_search(s)
                .ok()
                .and_then(|i| scores.get(i))
                .map_or(0.0, |sc| sc.of(info.event_type))
        })
        .collect())
}

#[cfg(feature = "torch")]
pub use model::SentenceTypeClassifier;

#[cfg(feature = "torch")]
mod model {
    use tch::Device;
    use tokenizers::Encoding;

    use super::{label_slots, pair_scores, type_scores, TypeScores};
    use crate::events::lexicon::TypeInfo;
    use crate::events::EventTypeClassifier;
    use crate::models::{ModelRegistry, ResolvedModel};
    use crate::torch::model::SequenceClassifier;
    use crate::torch::runner::Runner;
    use crate::torch::Backend;
    use crate::{Error, Result};

    /// A registry model of task `event-types`: a sequence classifier whose labels are `NONE`
    /// and PLOVER type names (any order, any case; every type must be there). Its scores are
    /// a softmax over the labels, or one sigmoid per label when its config.json says
    /// `multi_label_classification` (as `events-default`'s does), as `transformers` reads it.
    ///
    /// ```no_run
    /// use reportage::events::{EventType, SentenceTypeClassifier};
    /// use reportage::ModelRegistry;
    /// let registry = ModelRegistry::load_default()?;
    /// let c = SentenceTypeClassifier::from_registry(&registry, "events-default", reportage::Device::Cpu)?;
    /// let scores = c.type_scores(&["Protesters burned flags in Homs."])?;
    /// println!("{:?}", scores[0].best());
    /// # Ok::<(), reportage::Error>(())
    /// ```
    pub struct SentenceTypeClassifier {
        runner: Runner<SequenceClassifier>,
        /// For each model label, where it goes: `None` for NONE, else the type's index in
        /// [`EventType::ALL`].
        slots: Vec<Option<usize>>,
    }

    impl SentenceTypeClassifier {
        /// Load `model` on `device`.
        pub fn new(model: &ResolvedModel, device: Device) -> Result<Self> {
            Self::with_backend(model, device, Backend::RustBert)
        }

        /// Load `model` on `device`, run by the forward pass `backend` chooses.
        pub fn with_backend(
            model: &ResolvedModel,
            device: Device,
            backend: Backend,
        ) -> Result<Self> {
            let loaded = SequenceClassifier::load_backend(model, device, backend)?;
            let runner = Runner::new(model, loaded, 16)?;
            let slots = label_slots(runner.labels()).map_err(|message| Error::LabelMap {
                model: model.name().to_string(),
                message,
            })?;
            Ok(SentenceTypeClassifier { runner, slots })
        }

        /// Load the registry model `name` on `device`.
        pub fn from_registry(registry: &ModelRegistry, name: &str, device: Device) -> Result<Self> {
            Self::new(&registry.resolve(name)?, device)
        }

        /// The scores of each sentence, in input order.
        pub fn type_scores(&self, sentences: &[&str]) -> Result<Vec<TypeScores>> {
            if sentences.is_empty() {
                return Ok(Vec::new());
            }
            let encodings = self
                .runner
                .loaded
                .tokenizer
                .encode_batch(sentences.to_vec(), true)
                .map_err(|e| self.runner.tokenizer_error(e))?;
            let rows: Vec<&Encoding> = encodings.iter().collect();
            let probs = self.runner.probabilities(&rows, |_| Ok(()))?;
            Ok(probs.iter().map(|p| type_scores(&self.slots, p)).collect())
        }
    }

    impl EventTypeClassifier for SentenceTypeClassifier {
        fn score_batch(&self, pairs: &[(&str, &TypeInfo)]) -> Result<Vec<f32>> {
            pair_scores(pairs, |sentences| self.type_scores(sentences))
        }

        fn sentence_scores(&self, sentences: &[&str]) -> Result<Option<Vec<TypeScores>>> {
            self.type_scores(sentences).map(Some)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{label_slots, type_scores};
    use crate::events::EventType;

    #[test]
    fn label_maps_must_name_none_and_every_type() {
        let mut labels: Vec<String> = EventType::ALL.iter().map(|t| t.to_string()).collect();
        assert_eq!(label_slots(&labels).unwrap_err(), "no NONE label");
        labels.insert(0, "NONE".into());
        let slots = label_slots(&labels).unwrap();
        assert_eq!(slots[0], None);
        assert_eq!(slots[16], Some(15));
        labels[16] = "PER".into();
        assert!(label_slots(&labels).unwrap_err().contains("`PER`"));
        labels.pop();
        labels.push("assault".into());
        labels.remove(1);
        assert_eq!(label_slots(&labels).unwrap_err(), "no label for AGREE");
    }

    #[test]
    fn scores_follow_the_label_order() {
        // ASSAULT first, NONE last: the model's order, not EventType::ALL's.
        let mut labels = vec!["assault".to_string()];
        labels.extend(EventType::ALL[..15].iter().map(|t| t.to_string()));
        labels.push("none".into());
        let slots = label_slots(&labels).unwrap();
        let mut probs = vec![0.0; 17];
        probs[0] = 0.6;
        probs[16] = 0.3;
        probs[1] = 0.1; // AGREE
        let s = type_scores(&slots, &probs);
        assert_eq!(s.best(), Some((EventType::Assault, 0.6)));
        assert_eq!(s.none, 0.3);
        assert_eq!(s.of(EventType::Agree), 0.1);
    }
}
