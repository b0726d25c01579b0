//! The recommended set-up: the default models combined the way they score best on the
//! project's held-out data (models/README.md), in one call each.
//!
//! - [`recognizer`]: the gazetteer first (exact on the names it lists), then `ner-default`'s
//!   entities scored [`NER_MIN_SCORE`] or more for everything else;
//! - [`stance_detector`]: any registry model of task `stance` (a fine-tuned classifier) or
//!   `zero-shot` (NLI with the default hypothesis templates); [`STANCE_MODEL`] by default;
//! - [`role_tagger`]: `roles-plover`, the learned event role tagger (trained on our real
//!   sentences coded in PLOVER), combined with the rules' actors as [`ROLE_MERGE`] says;
//!   `roles-default`, trained on ConfliBERT's role set, tags in that set's scheme;
//! - [`type_classifier`]: `events-default`, the trained event type classifier, vetoing
//!   lexicon events and adding missed ones as [`CLASSIFIER_POLICY`] says
//!   ([`SHARED_CLASSIFIER_POLICY`] with the shared encoder);
//! - [`extractor`]: the event extractor with all of them; with
//!   [`Preset::shared_encoder`], one model, [`ENTITIES_EVENTS_MODEL`], reads each sentence
//!   once for both its entities and its event types instead of `ner-default` and
//!   `events-default` reading it twice (faster, a little less accurate).
//!
//! Their token classifiers read words with [`AGGREGATION`] (Viterbi decoding);
//! [`Preset::aggregation`] changes it.
//!
//! Each also calls [`tune_malloc`] first, which a program that runs models on Linux wants
//! before it starts threads (see its docs).
//!
//! ```no_run
//! use reportage::{presets, ModelRegistry, Report};
//! let registry = ModelRegistry::load_default()?;
//! let extractor = presets::extractor(&registry)?;
//! let events = extractor.extract(&Report::new("r1", "Rebels shelled Aleppo on Monday."))?;
//! # Ok::<(), reportage::Error>(())
//! ```

use crate::entities::{
    AggregationStrategy, EntityRecognition, EntityRecognizer, EntityRecognizerConfig,
    GazetteerRecognizer, MergedRecognizer,
};
use crate::error::{Error, Result};
use crate::events::{
    ClassifierPolicy, EventExtractor, RoleMerge, RoleTagger, SentenceTypeClassifier, SharedEncoder,
};
use crate::models::{ModelRegistry, Task};
use crate::sentences::SentenceSplitter;
use crate::stance::{
    ClassifierStanceConfig, ClassifierStanceDetector, NliStanceConfig, NliStanceDetector,
    StanceDetection,
};
use crate::torch::{tune_malloc, Backend};

/// The registry name of the default NER model.
pub const NER_MODEL: &str = "ner-default";
/// The registry name of the default stance model.
pub const STANCE_MODEL: &str = "stance-default";
/// The registry name of the default NLI model.
pub const NLI_MODEL: &str = "nli-default";
/// The registry name of the default event role tagger: `roles-plover`, trained on real news
/// sentences we coded in PLOVER, whose sources and targets it marks the way PLOVER coders
/// write them ("the UN's findings" has the target "UN"). `roles-default` marks ConfliBERT's
/// role-set scheme instead (its annotators keep articles, possessive phrases and lists as
/// one span): through the extractor its exact sources and targets scored lower on every set
/// coded in PLOVER (by overlap, mixed: two sources more on our 45 dev sentences, fewer on
/// 508 others), and higher on that role set (models/README.md, "roles-plover").
pub const ROLES_MODEL: &str = "roles-plover";

/// How the role tagger's actors combine with the rules' (measured on the hand-coded real
/// sentences and the gold reports: models/README.md, "roles-default").
pub const ROLE_MERGE: RoleMerge = RoleMerge::TaggerFirst;
/// How every token classifier of the preset (`ner-default`, the role tagger, the shared
/// encoder's entities) reads words: each word takes its first token's probabilities and the
/// sentence the most probable label sequence BIO allows, so a long span is kept or dropped
/// whole instead of cut where one word is doubtful. Measured against "first" (the way the
/// models were trained and scored) on dev sets (models/README.md): the role tagger's span
/// F1 on the role set 0.731 to 0.766; `ner-default` on CoNLL-2003 dev 0.933 to 0.940, the
/// recommended recognizer 0.885 to 0.891; events on the 3,046 hand-coded sentences level on
/// types, up on targets (exact F1 0.361 to 0.375).
pub const AGGREGATION: AggregationStrategy = AggregationStrategy::Viterbi;
/// The registry name of the default event type classifier.
pub const EVENTS_MODEL: &str = "events-default";
/// The registry name of the model that tags entities and types events in one pass
/// ([`Preset::shared_encoder`]).
pub const ENTITIES_EVENTS_MODEL: &str = "entities-events-default";

/// What the type classifier does: veto lexicon events whose type it scores under 0.1, and
/// add an event of every type that scores 0.7 or more and that no lexicon event of the
/// sentence has, whether or not a trigger fired there (its actors come from the role
/// tagger; without any it is dropped). `events-default` gives each type its own probability
/// (independent sigmoids), so a floor says "the sentence does not report this type", not
/// "another type is likelier". Measured on 508 hand-coded sentences that a check model of
/// its recipe, trained without them, had never seen (a dev set; models/README.md,
/// "events-default", "Multi-label"): type F1 0.782, type accuracy 0.872, source overlap F1
/// 0.693, against 0.761, 0.855 and 0.677 for the softmax classifier it replaced at its floor
/// of 0.01. A floor of 0.05 scored 0.776, 0.2 scored 0.785; 0.1 keeps the Aleppo report's
/// assault beside Russian air support (scored 0.11).
pub const CLASSIFIER_POLICY: ClassifierPolicy = ClassifierPolicy {
    min_score: 0.1,
    retype_above: None,
    add_above: Some(0.7),
    add_beside: Some(0.7),
};

/// The policy with [`Preset::shared_encoder`]: [`ENTITIES_EVENTS_MODEL`]'s type head is a
/// softmax over NONE and the types, so two types of one sentence share their probability
/// and the floor stays low, 0.01 (chosen on the hand-coded development sentences), lest it
/// veto an event the lexicon found beside a likelier one (the Aleppo report's advances,
/// beside MOBILIZE). Adding beside lexicon events at 0.7 was measured with the softmax
/// `events-default` of the time on 508 hand-coded sentences: type F1 0.717 to 0.761.
pub const SHARED_CLASSIFIER_POLICY: ClassifierPolicy = ClassifierPolicy {
    min_score: 0.01,
    retype_above: None,
    add_above: Some(0.7),
    add_beside: Some(0.7),
};

/// Entities of `ner-default` scored below this are dropped before the gazetteer is asked
/// (measured on the held-out sets: models/README.md, "recommended recognizer").
pub const NER_MIN_SCORE: f32 = 0.5;

/// The recommended set-up with its one choice left open: which forward pass runs the
/// models ([`Backend`]). The free functions of this module are `Preset::new(registry)` with
/// rust-bert's forward; [`Backend::Int8Dynamic`] runs every default model with int8 weights
/// on the CPU: faster (each model 1.3-1.6 times on one thread; `batch` end to end 1.0-1.5
/// times in two rounds) and, on the project's hand-coded event sets, 0-2 points less on
/// types and 1.5-3.3 points less on actors with the current `events-default`, which is why it
/// is not the default (BENCHMARKS.md, "`batch`, end to end", has both measured).
///
/// ```no_run
/// use reportage::presets::Preset;
/// use reportage::torch::Backend;
/// use reportage::{ModelRegistry, Report};
/// let registry = ModelRegistry::load_default()?;
/// let extractor = Preset::new(&registry).backend(Backend::Int8Dynamic).extractor()?;
/// let events = extractor.extract(&Report::new("r1", "Rebels shelled Aleppo on Monday."))?;
/// # Ok::<(), reportage::Error>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Preset<'r> {
    registry: &'r ModelRegistry,
    backend: Backend,
    shared_encoder: bool,
    aggregation: AggregationStrategy,
    policy: Option<ClassifierPolicy>,
}

impl<'r> Preset<'r> {
    /// The recommended set-up over `registry`, with rust-bert's forward pass.
    pub fn new(registry: &'r ModelRegistry) -> Self {
        Preset {
            registry,
            backend: Backend::RustBert,
            shared_encoder: false,
            aggregation: AGGREGATION,
            policy: None,
        }
    }

    /// Run every model with `backend`'s forward pass (the crate's own ones run BERT only,
    /// as every default model is).
    pub fn backend(mut self, backend: Backend) -> Self {
        self.backend = backend;
        self
    }

    /// Whether the [`extractor`](Self::extractor) reads entities and event types with one
    /// model, [`ENTITIES_EVENTS_MODEL`], in one forward pass per sentence (see
    /// [`SharedEncoder`]), or with `ner-default` and `events-default`, each reading every
    /// sentence (`false`, the default). Shared, `batch` runs 1.5-1.7 times as fast; on the
    /// project's hand-coded event sentences it scores level with separate on the development
    /// half and 3.5-5 points less type and source F1 on the held-out half, and 0.6 points
    /// less entity F1 on CoNLL-2003 dev (0.934 against 0.940; BENCHMARKS.md, models/README.md
    /// "entities-events-default"), which is why it is not the default.
    ///
    /// ```no_run
    /// use reportage::presets::Preset;
    /// use reportage::torch::Backend;
    /// use reportage::{ModelRegistry, Report};
    /// let registry = ModelRegistry::load_default()?;
    /// // The fastest set-up on the CPU.
    /// let extractor = Preset::new(&registry)
    ///     .shared_encoder(true)
    ///     .backend(Backend::Int8Dynamic)
    ///     .extractor()?;
    /// let events = extractor.extract(&Report::new("r1", "Rebels shelled Aleppo on Monday."))?;
    /// # Ok::<(), reportage::Error>(())
    /// ```
    pub fn shared_encoder(mut self, shared: bool) -> Self {
        self.shared_encoder = shared;
        self
    }

    /// What the [`extractor`](Self::extractor)'s type classifier may do with the lexicon's
    /// events ([`CLASSIFIER_POLICY`] unless set, [`SHARED_CLASSIFIER_POLICY`] with
    /// [`shared_encoder`](Self::shared_encoder)).
    ///
    /// ```no_run
    /// use reportage::events::ClassifierPolicy;
    /// use reportage::presets::{Preset, CLASSIFIER_POLICY};
    /// use reportage::ModelRegistry;
    /// let registry = ModelRegistry::load_default()?;
    /// // Only veto and add where no trigger fired, as before 2026-11-28 22:16 UTC.
    /// let policy = ClassifierPolicy { add_beside: None, ..CLASSIFIER_POLICY };
    /// let extractor = Preset::new(&registry).classifier_policy(policy).extractor()?;
    /// # Ok::<(), reportage::Error>(())
    /// ```
    pub fn classifier_policy(mut self, policy: ClassifierPolicy) -> Self {
        self.policy = Some(policy);
        self
    }

    /// How the token classifiers turn their token probabilities into words and spans
    /// ([`AGGREGATION`] unless set; [`AggregationStrategy::First`] reads words the way the
    /// models were trained and scored, and gives the scores recorded before 2026-11-28).
    pub fn aggregation(mut self, aggregation: AggregationStrategy) -> Self {
        self.aggregation = aggregation;
        self
    }

    /// See [`recognizer`](fn@recognizer) (always `ner-default`, the better entity model).
    pub fn recognizer(&self) -> Result<MergedRecognizer> {
        tune_malloc();
        let model = EntityRecognizer::from_registry(self.registry, NER_MODEL, self.words())?;
        Ok(self.recognizer_over(model))
    }

    /// The recommended combination over any entity model: the gazetteer first, then
    /// `model`'s entities scored [`NER_MIN_SCORE`] or more (used with a [`SharedEncoder`]'s
    /// entities).
    pub fn recognizer_over(&self, model: impl EntityRecognition + 'static) -> MergedRecognizer {
        MergedRecognizer::new()
            .with(GazetteerRecognizer::default())
            .with_min_score(model, NER_MIN_SCORE)
    }

    /// [`ENTITIES_EVENTS_MODEL`], to share between a recognizer and a type classifier.
    pub fn encoder(&self) -> Result<SharedEncoder> {
        tune_malloc();
        let model =
            EntityRecognizer::from_registry(self.registry, ENTITIES_EVENTS_MODEL, self.words())?;
        SharedEncoder::new(model)
    }

    /// See [`stance_detector`](fn@stance_detector).
    pub fn stance_detector(&self, name: &str) -> Result<Box<dyn StanceDetection>> {
        tune_malloc();
        let resolved = self.registry.resolve(name)?;
        match resolved.spec.task {
            Task::Stance => Ok(Box::new(ClassifierStanceDetector::new(
                &resolved,
                ClassifierStanceConfig {
                    backend: self.backend,
                    ..Default::default()
                },
            )?)),
            Task::ZeroShot => Ok(Box::new(NliStanceDetector::new(
                &resolved,
                NliStanceConfig {
                    backend: self.backend,
                    ..Default::default()
                },
            )?)),
            other => Err(Error::InvalidArgument(format!(
                "model `{name}` has task {other}; stance needs a `stance` or `zero-shot` model"
            ))),
        }
    }

    /// See [`role_tagger_named`].
    pub fn role_tagger(&self, name: &str) -> Result<RoleTagger> {
        tune_malloc();
        let model = EntityRecognizer::from_registry(self.registry, name, self.words())?;
        Ok(RoleTagger::new(model))
    }

    /// See [`type_classifier`](fn@type_classifier).
    pub fn type_classifier(&self) -> Result<SentenceTypeClassifier> {
        tune_malloc();
        SentenceTypeClassifier::with_backend(
            &self.registry.resolve(EVENTS_MODEL)?,
            tch::Device::Cpu,
            self.backend,
        )
    }

    /// See [`extractor`](fn@extractor).
    pub fn extractor(&self) -> Result<EventExtractor> {
        let builder = EventExtractor::builder().sentences(SentenceSplitter::new());
        let builder = if self.shared_encoder {
            let encoder = self.encoder()?;
            builder
                .entities(self.recognizer_over(encoder.entities()))
                .classifier(encoder.types())
        } else {
            builder
                .entities(self.recognizer()?)
                .classifier(self.type_classifier()?)
        };
        Ok(builder
            .roles(self.role_tagger(ROLES_MODEL)?, ROLE_MERGE)
            .classifier_policy(self.policy.unwrap_or(if self.shared_encoder {
                SHARED_CLASSIFIER_POLICY
            } else {
                CLASSIFIER_POLICY
            }))
            .stance_boxed(Some(self.stance_detector(STANCE_MODEL)?))
            .build())
    }

    /// How every token classifier of the preset reads words.
    fn words(&self) -> EntityRecognizerConfig {
        EntityRecognizerConfig {
            aggregation: self.aggregation,
            backend: self.backend,
            ..Default::default()
        }
    }
}

/// The recommended entity recognizer: the [`GazetteerRecognizer`] first (demonyms,
/// countries, cities, well-known organisations: exact on what it lists), then `ner-default`
/// (words read as [`AGGREGATION`] says) for everything else,
/// its entities scored [`NER_MIN_SCORE`] or more. Where the two overlap the gazetteer wins.
pub fn recognizer(registry: &ModelRegistry) -> Result<MergedRecognizer> {
    Preset::new(registry).recognizer()
}

/// A stance detector from any registry model: task `stance` runs as a fine-tuned
/// classifier on (target, text), task `zero-shot` as NLI with the default templates.
pub fn stance_detector(registry: &ModelRegistry, name: &str) -> Result<Box<dyn StanceDetection>> {
    Preset::new(registry).stance_detector(name)
}

/// The default event role tagger, [`ROLES_MODEL`] (a token classifier trained on real news
/// sentences marked with event sources and targets).
pub fn role_tagger(registry: &ModelRegistry) -> Result<RoleTagger> {
    role_tagger_named(registry, ROLES_MODEL)
}

/// A role tagger from any registry token classifier with role labels, its words read as
/// [`AGGREGATION`] says.
pub fn role_tagger_named(registry: &ModelRegistry, name: &str) -> Result<RoleTagger> {
    Preset::new(registry).role_tagger(name)
}

/// The default event type classifier, `events-default`, on the CPU.
pub fn type_classifier(registry: &ModelRegistry) -> Result<SentenceTypeClassifier> {
    Preset::new(registry).type_classifier()
}

/// The event extractor with the recommended recognizer, the default role tagger, the
/// default type classifier and the default stance model: events carry the report's stance
/// toward each actor, read from the sentences that mention it.
pub fn extractor(registry: &ModelRegistry) -> Result<EventExtractor> {
    Preset::new(registry).extractor()
}
