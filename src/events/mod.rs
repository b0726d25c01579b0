//! Events: who did what to whom, where and when, with the evidence.
//!
//! [`EventExtractor`] turns a [`Report`] into [`Event`] records typed with the PLOVER
//! ontology (as used by POLECAT). Event types come from a trigger lexicon kept as data
//! (`data/plover_triggers.toml`, see [`TriggerLexicon`]), roles from rules over entity
//! positions, voice and patterns ("backed by", "against", "in/near/towards" + place) whose
//! word lists are data too (`data/event_roles.toml`, see [`RoleRules`]). Every event keeps
//! its evidence (the sentence and the trigger words, with spans), so each one can be checked
//! against the text.
//!
//! Sentences, entities and stance come in through the crate's traits, so the same code runs
//! on the transformer models or, with no model at all, on
//! [`GazetteerRecognizer`](crate::entities::GazetteerRecognizer).

mod batch;
mod classify;
mod coref;
mod extract;
mod geo;
mod lexicon;
mod roles;
#[cfg(feature = "torch")]
mod shared;
mod tagger;
mod time;
mod types;

/// Kept here for callers that found the stemmer under `events`; it lives in [`crate::text`].
pub use crate::text::stem;
pub use batch::{run_json_lines, run_json_lines_parallel, BatchStats, LineOutcome, CHUNK};
#[cfg(feature = "torch")]
pub use classify::SentenceTypeClassifier;
pub use classify::{ClassifierPolicy, TypeScores};
pub use coref::{Antecedent, WINDOW as COREF_WINDOW};
pub use extract::{
    event_id, EventExtractor, EventExtractorBuilder, EventTypeClassifier, SentenceEntities,
    MAX_SENTENCE_BYTES,
};
pub use geo::{GeoFeature, GeoNames, GeoRef, DEFAULT_GEONAMES};
pub use lexicon::{
    ActorWords, ClauseWords, ModalityWords, PatternWords, RoleRules, TriggerLexicon, TypeInfo,
    VoiceWords, DEFAULT_ROLES, DEFAULT_TRIGGERS,
};
#[cfg(feature = "torch")]
pub use shared::{SharedEncoder, SharedEntities, SharedTypes};
pub use tagger::{RoleMerge, RoleSpan, RoleTagger, TaggedRole};
pub use time::{Date, TimeExpr};
pub use types::{
    to_json, to_json_lines, write_json_lines, Actor, ActorStance, Event, EventType, Evidence,
    Place, Report, Role, Trigger,
};
