//! The extractor: sentences, entities and stance composed into events.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use sha2::{Digest, Sha256};

use super::classify::{ClassifierPolicy, TypeScores};
use super::coref;
use super::lexicon::{RoleRules, TriggerLexicon, TypeInfo};
use super::roles::{analyse, merge_same_events, Draft};
use super::tagger::{merge_roles, tagged_actors, RoleMerge, RoleTagger};
use super::time::find_times;
use super::types::{ActorStance, Event, EventType, Evidence, Report};
use crate::entities::GazetteerRecognizer;
use crate::entities::{Entity, EntityRecognition};
use crate::sentences::{cut_long, SentenceSegmentation, SentenceSplitter};
use crate::stance::{document_stance, string_mentions, Mentions, Target};
use crate::stance::{Stance, StanceDetection, StanceScores};
use crate::text::tokens::Token;
use crate::text::Span;
use crate::{Error, Result};

/// A model-based event-type classifier combined with the lexicon's triggers.
///
/// Every classifier scores how well a sentence fits a candidate type ([`score_batch`]:
/// an NLI model scoring the sentence against [`TypeInfo::description`] as hypothesis, or a
/// trained sentence classifier); with it the extractor scales the confidence of lexicon
/// events and drops those scored under [`ClassifierPolicy::min_score`]. A classifier that
/// reads a sentence once and scores every type ([`sentence_scores`], such as
/// [`SentenceTypeClassifier`](super::SentenceTypeClassifier)) can also retype lexicon events
/// and add events the lexicon has no trigger for, as the [`ClassifierPolicy`] says.
///
/// [`score_batch`]: EventTypeClassifier::score_batch
/// [`sentence_scores`]: EventTypeClassifier::sentence_scores
pub trait EventTypeClassifier: Send {
    /// For each `(sentence, type)` pair, a score in `[0, 1]` that the sentence reports an
    /// event of that type.
    fn score_batch(&self, pairs: &[(&str, &TypeInfo)]) -> Result<Vec<f32>>;

    /// Every type's probability for each sentence, if this classifier gives them (pairwise
    /// scorers return `None`, the default). Where it gives them, [`score_batch`] must agree
    /// with them: the extractor reuses a sentence's scores rather than ask twice.
    ///
    /// [`score_batch`]: EventTypeClassifier::score_batch
    fn sentence_scores(&self, _sentences: &[&str]) -> Result<Option<Vec<TypeScores>>> {
        Ok(None)
    }
}

/// Turns a [`Report`] into [`Event`]s.
///
/// Sentence splitting, entity recognition, stance and (optionally) a model-based type
/// classifier are each swappable through the builder; the defaults need no model at all
/// ([`SentenceSplitter`], [`GazetteerRecognizer`], no stance, no classifier).
///
/// How an event is found, in order:
/// 1. each sentence is tokenised and its triggers looked up in the [`TriggerLexicon`];
/// 2. entities are grown into actor phrases with the [`RoleRules`] ("Syrian" +
///    "government forces"), and lexicon nouns ("the rebels") become actors too;
/// 3. per clause, the triggers of one type form one event; its source is the nearest
///    subject before the trigger (or the agent after "by", or the subject of the clause it
///    continues), its target the first actor after it (for speech acts: right after it;
///    in the passive: the subject), supporters come from "backed by ..." phrases and
///    places from place entities after "in/near/towards ...".
///
/// Confidence is `0.35 + 0.25·[source] + 0.15·[target] + 0.1·[location] + 0.1·[a named
/// actor]`, minus 0.1 when the source was inherited from another clause and 0.15 for weak
/// triggers only, times `(0.5 + 0.5·classifier score)` when a classifier is set.
///
/// ```
/// use reportage::events::{EventExtractor, EventType, Report};
/// let extractor = EventExtractor::builder().build();
/// let report = Report::new("r1", "Syrian government forces, backed by Russian air support, \
///     advanced in central Aleppo against the rebels.");
/// let events = extractor.extract(&report).unwrap();
/// let e = &events[0];
/// assert_eq!(e.event_type, EventType::Assault);
/// assert_eq!(e.sources[0].text, "Syrian government forces");
/// assert_eq!(e.targets[0].text, "the rebels");
/// assert_eq!(e.supporters[0].text, "Russian air support");
/// assert_eq!(e.locations[0].text, "central Aleppo");
/// // Same text, same ids.
/// assert_eq!(extractor.extract(&report).unwrap()[0].id, e.id);
/// ```
pub struct EventExtractor {
    sentences: Box<dyn SentenceSegmentation>,
    entities: Box<dyn EntityRecognition>,
    stance: Option<Box<dyn StanceDetection>>,
    classifier: Option<Box<dyn EventTypeClassifier>>,
    roles: Option<RoleTagger>,
    role_merge: RoleMerge,
    lexicon: TriggerLexicon,
    rules: RoleRules,
    min_confidence: f32,
    policy: ClassifierPolicy,
}

/// Builds an [`EventExtractor`]; every part has a model-free default.
pub struct EventExtractorBuilder {
    sentences: Box<dyn SentenceSegmentation>,
    entities: Box<dyn EntityRecognition>,
    stance: Option<Box<dyn StanceDetection>>,
    classifier: Option<Box<dyn EventTypeClassifier>>,
    roles: Option<RoleTagger>,
    role_merge: RoleMerge,
    lexicon: Option<TriggerLexicon>,
    rules: Option<RoleRules>,
    min_confidence: f32,
    policy: ClassifierPolicy,
}

impl Default for EventExtractorBuilder {
    fn default() -> Self {
        EventExtractorBuilder {
            sentences: Box::new(SentenceSplitter::new()),
            entities: Box::new(GazetteerRecognizer::default()),
            stance: None,
            classifier: None,
            roles: None,
            role_merge: RoleMerge::default(),
            lexicon: None,
            rules: None,
            min_confidence: 0.0,
            policy: ClassifierPolicy::default(),
        }
    }
}

impl EventExtractorBuilder {
    /// The sentence splitter.
    pub fn sentences(mut self, s: impl SentenceSegmentation + 'static) -> Self {
        self.sentences = Box::new(s);
        self
    }

    /// The sentence splitter, boxed.
    pub fn sentences_boxed(mut self, s: Box<dyn SentenceSegmentation>) -> Self {
        self.sentences = s;
        self
    }

    /// The entity recognizer (default: [`GazetteerRecognizer`]).
    pub fn entities(mut self, e: impl EntityRecognition + 'static) -> Self {
        self.entities = Box::new(e);
        self
    }

    /// The entity recognizer, boxed.
    pub fn entities_boxed(mut self, e: Box<dyn EntityRecognition>) -> Self {
        self.entities = e;
        self
    }

    /// A stance detector: events then carry the report's stance toward each of their actors.
    ///
    /// Each distinct actor surface is scored once per report, as `(report text, actor)`;
    /// a detector with a length limit sees what it keeps of the report (its own truncation
    /// or windowing applies).
    pub fn stance(mut self, s: impl StanceDetection + 'static) -> Self {
        self.stance = Some(Box::new(s));
        self
    }

    /// A stance detector, boxed (or `None` for no stance).
    pub fn stance_boxed(mut self, s: Option<Box<dyn StanceDetection>>) -> Self {
        self.stance = s;
        self
    }

    /// A model-based type classifier combined with the lexicon.
    pub fn classifier(mut self, c: impl EventTypeClassifier + 'static) -> Self {
        self.classifier = Some(Box::new(c));
        self
    }

    /// A learned role tagger: its sources and targets combine with the rules' actors of
    /// each event of the sentence as `merge` says (see [`RoleMerge`]). Supporters, places
    /// and times stay with the rules.
    pub fn roles(mut self, tagger: RoleTagger, merge: RoleMerge) -> Self {
        self.roles = Some(tagger);
        self.role_merge = merge;
        self
    }

    /// The trigger lexicon (default: `data/plover_triggers.toml`).
    pub fn lexicon(mut self, l: TriggerLexicon) -> Self {
        self.lexicon = Some(l);
        self
    }

    /// The role word lists (default: `data/event_roles.toml`).
    pub fn rules(mut self, r: RoleRules) -> Self {
        self.rules = Some(r);
        self
    }

    /// Drop events below this confidence (default 0: keep all).
    pub fn min_confidence(mut self, c: f32) -> Self {
        self.min_confidence = c;
        self
    }

    /// Drop events the classifier scores below this (default 0.2; no effect without one).
    pub fn min_classifier_score(mut self, c: f32) -> Self {
        self.policy.min_score = c;
        self
    }

    /// What the classifier may do besides vetoing: retype lexicon events, add events (see
    /// [`ClassifierPolicy`]; no effect without a classifier).
    pub fn classifier_policy(mut self, policy: ClassifierPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// The extractor.
    pub fn build(self) -> EventExtractor {
        EventExtractor {
            sentences: self.sentences,
            entities: self.entities,
            stance: self.stance,
            classifier: self.classifier,
            roles: self.roles,
            role_merge: self.role_merge,
            lexicon: self.lexicon.unwrap_or_default(),
            rules: self.rules.unwrap_or_default(),
            min_confidence: self.min_confidence,
            policy: self.policy,
        }
    }
}

impl Default for EventExtractor {
    fn default() -> Self {
        EventExtractor::builder().build()
    }
}

/// The stable id of an event: the first 16 hex digits of
/// `sha256(report_id NUL sentence_start:sentence_end NUL trigger_start:trigger_end)`.
///
/// ```
/// use reportage::{events::event_id, Span};
/// let a = event_id("r1", Span::new(0, 80), Span::new(30, 38));
/// assert_eq!(a, event_id("r1", Span::new(0, 80), Span::new(30, 38)));
/// assert_ne!(a, event_id("r2", Span::new(0, 80), Span::new(30, 38)));
/// assert_eq!(a.len(), 16);
/// ```
pub fn event_id(report_id: &str, sentence: Span, trigger: Span) -> String {
    let mut h = Sha256::new();
    h.update(report_id.as_bytes());
    h.update(format!(
        "\0{}:{}\0{}:{}",
        sentence.start, sentence.end, trigger.start, trigger.end
    ));
    hex::encode(&h.finalize()[..8])
}

/// One sentence of a report, as the extractor uses it.
#[derive(Debug, Clone)]
pub struct SentenceEntities {
    /// Byte span of the sentence in the report.
    pub span: Span,
    /// Its entities, with report offsets.
    pub entities: Vec<Entity>,
}

impl EventExtractor {
    /// A builder with model-free defaults.
    pub fn builder() -> EventExtractorBuilder {
        EventExtractorBuilder::default()
    }

    /// The trigger lexicon in use.
    pub fn lexicon(&self) -> &TriggerLexicon {
        &self.lexicon
    }

    /// Sentences of the report (longer ones cut at [`MAX_SENTENCE_BYTES`]) with their
    /// entities in report offsets: what the events are built from.
    pub fn sentence_entities(&self, text: &str) -> Result<Vec<SentenceEntities>> {
        Ok(self.sentence_entities_batch(&[text])?.remove(0))
    }

    /// [`sentence_entities`](Self::sentence_entities) of several texts, with one call to
    /// the recognizer for all their sentences, so that a model sees full batches.
    fn sentence_entities_batch(&self, texts: &[&str]) -> Result<Vec<Vec<SentenceEntities>>> {
        let mut spans: Vec<Vec<Span>> = Vec::with_capacity(texts.len());
        let mut sentences: Vec<&str> = Vec::new();
        for text in texts {
            // Any segmentation can leave a stretch without punctuation whole; cutting it
            // keeps evidence sentence-sized and the rules' cost linear.
            let these: Vec<Span> = self
                .sentences
                .split(text)
                .iter()
                .flat_map(|s| cut_long(text, s.span, MAX_SENTENCE_BYTES))
                .collect();
            for s in &these {
                sentences.push(text.get(s.range()).ok_or_else(|| {
                    Error::MalformedOutput("sentence splitter returned an invalid span".into())
                })?);
            }
            spans.push(these);
        }
        let found = self.entities.recognize_batch(&sentences)?;
        if found.len() != sentences.len() {
            return Err(Error::MalformedOutput(format!(
                "entity recognizer returned {} results for {} sentences",
                found.len(),
                sentences.len()
            )));
        }
        let mut found = found.into_iter();
        Ok(texts
            .iter()
            .zip(spans)
            .map(|(text, spans)| {
                let ents: Vec<Vec<Entity>> = found.by_ref().take(spans.len()).collect();
                attach(text, spans, ents)
            })
            .collect())
    }

    /// The events of one report, in text order.
    pub fn extract(&self, report: &Report) -> Result<Vec<Event>> {
        Ok(self.extract_batch(std::slice::from_ref(report))?.remove(0))
    }

    /// The events of many reports, the same as [`extract`](Self::extract) gives each. Every
    /// model runs once over what all the reports ask of it (the recognizer over all their
    /// sentences, the classifier and the role tagger over their sentences with events, the
    /// stance detector over every actor's sentences), so that it sees full batches. One
    /// failing report fails the batch (use [`extract`](Self::extract) per report to skip bad
    /// ones).
    pub fn extract_batch(&self, reports: &[Report]) -> Result<Vec<Vec<Event>>> {
        if reports.iter().any(|r| r.text.trim().is_empty()) {
            return Err(Error::EmptyInput("report text"));
        }
        let texts: Vec<&str> = reports.iter().map(|r| r.text.as_str()).collect();
        let sentences = self.sentence_entities_batch(&texts)?;
        let mut pending: Vec<Pending<'_>> = reports
            .iter()
            .zip(sentences)
            .map(|(report, sentences)| Pending::analyse(self, report, sentences))
            .collect();
        let known = self.apply_sentence_scores(&mut pending)?;
        // Coreference looks back over every sentence, with or without events.
        let context: Vec<(Vec<Span>, Vec<Entity>)> = pending
            .iter_mut()
            .map(|p| {
                let spans = p.found.iter().map(|(s, _, _)| s.span).collect();
                let entities = p
                    .found
                    .iter()
                    .flat_map(|(s, _, _)| s.entities.iter().cloned())
                    .collect();
                p.found.retain(|(_, _, drafts)| !drafts.is_empty());
                (spans, entities)
            })
            .collect();
        self.tag_roles(&mut pending)?;
        let mut events: Vec<Vec<Event>> = pending
            .into_iter()
            .zip(context)
            .map(|(p, (spans, entities))| self.assemble(p, &spans, &entities))
            .collect();
        self.classify(&mut events, &known)?;
        for found in &mut events {
            found.retain(|e| e.confidence >= self.min_confidence);
        }
        self.add_stances(reports, &mut events)?;
        Ok(events)
    }
}

/// One report on its way through [`EventExtractor::extract_batch`]: its sentences with their
/// entities, tokens and draft events, and the events the classifier added.
struct Pending<'r> {
    report: &'r Report,
    found: Vec<(SentenceEntities, Vec<Token>, Vec<Draft>)>,
    added: Vec<(usize, EventType)>,
}

impl<'r> Pending<'r> {
    fn analyse(x: &EventExtractor, report: &'r Report, sentences: Vec<SentenceEntities>) -> Self {
        let found = sentences
            .into_iter()
            .map(|s| {
                let (toks, drafts) =
                    analyse(&report.text, s.span, &s.entities, &x.lexicon, &x.rules);
                (s, toks, drafts)
            })
            .collect();
        Pending {
            report,
            found,
            added: Vec::new(),
        }
    }

    /// The text of every sentence still in `found`, in order.
    fn sentences(&self) -> impl Iterator<Item = &'r str> + '_ {
        let text: &'r str = &self.report.text;
        self.found
            .iter()
            .map(move |(s, _, _)| &text[s.span.range()])
    }
}

/// A recognizer's entities placed in the report: shifted to report offsets, those that do
/// not fit their sentence dropped (not trusted), sorted by start.
fn attach(text: &str, spans: Vec<Span>, found: Vec<Vec<Entity>>) -> Vec<SentenceEntities> {
    spans
        .into_iter()
        .zip(found)
        .map(|(span, ents)| {
            let sentence = &text[span.range()];
            let mut entities: Vec<Entity> = ents
                .into_iter()
                // A recognizer's span that does not fit its sentence is dropped, not trusted.
                .filter(|e| e.span.slice(sentence).is_ok())
                .map(|mut e| {
                    e.span = e.span.shift(span.start);
                    e
                })
                .collect();
            entities.sort_by_key(|e| (e.span.start, std::cmp::Reverse(e.span.end)));
            SentenceEntities { span, entities }
        })
        .collect()
}

impl EventExtractor {
    /// One report's events from its analysed sentences (roles tagged): coreference, then
    /// the events themselves.
    fn assemble(&self, p: Pending<'_>, spans: &[Span], entities: &[Entity]) -> Vec<Event> {
        let Pending {
            report,
            mut found,
            added,
        } = p;
        let text = report.text.as_str();
        let mut resolved = Vec::new();
        for (s, _, drafts) in found.iter_mut() {
            let k = spans.partition_point(|x| x.start < s.span.start);
            for d in drafts.iter_mut() {
                for actors in [&mut d.sources, &mut d.targets] {
                    coref::resolve(text, actors, k, spans, entities, &mut resolved);
                }
                resolved.extend(d.sources.iter().filter(|a| a.named).map(|a| {
                    let antecedent = coref::Antecedent {
                        text: a.text.clone(),
                        span: a.span,
                        kind: a.kind.clone(),
                    };
                    (a.span, antecedent)
                }));
            }
        }
        // An added event has no trigger and no rule-found actor: without tagged ones it
        // says nothing countable.
        for (s, _, drafts) in found.iter_mut() {
            drafts.retain(|d| {
                let actorless = d.sources.is_empty() && d.targets.is_empty();
                !(actorless && added.contains(&(s.span.start, d.event_type)))
            });
            *drafts = merge_same_events(std::mem::take(drafts));
        }
        let mut events = Vec::new();
        for (s, toks, drafts) in found {
            let times = find_times(text, &toks, report.date);
            for d in drafts {
                events.push(self.finish(report, s.span, d, &times));
            }
        }
        events
    }

    fn finish(
        &self,
        report: &Report,
        sentence: Span,
        d: Draft,
        times: &[super::TimeExpr],
    ) -> Event {
        let named = d.sources.iter().chain(&d.targets).any(|a| a.named);
        let mut confidence = 0.35
            + if d.sources.is_empty() { 0.0 } else { 0.25 }
            + if d.targets.is_empty() { 0.0 } else { 0.15 }
            + if d.locations.is_empty() { 0.0 } else { 0.1 }
            + if named { 0.1 } else { 0.0 };
        if d.inherited_source {
            confidence -= 0.1;
        }
        if d.weak {
            confidence -= 0.15;
        }
        let date = times
            .iter()
            .filter_map(|t| t.resolved.as_deref())
            .find(|r| r.len() == 10)
            .map(str::to_string)
            .or_else(|| report.date.map(|d| d.to_string()));
        let trigger_span = d.triggers.first().map(|t| t.span).unwrap_or(sentence);
        Event {
            id: event_id(&report.id, sentence, trigger_span),
            report_id: report.id.clone(),
            event_type: d.event_type,
            mode: d.mode,
            sources: d.sources,
            targets: d.targets,
            supporters: d.supporters,
            locations: d.locations,
            times: times.to_vec(),
            date,
            evidence: Evidence {
                sentence: report.text[sentence.range()].to_string(),
                span: sentence,
                triggers: d.triggers,
            },
            confidence: (confidence as f32).clamp(0.0, 1.0),
            stances: None,
        }
    }

    /// Retype lexicon events and add events where the classifier's policy says so (one
    /// classifier call for the sentences of every report); the added events are recorded
    /// in each report's `added` as (sentence start, type). Returns the scores by sentence
    /// text, for [`classify`](Self::classify) to reuse.
    fn apply_sentence_scores<'r>(
        &self,
        pending: &mut [Pending<'r>],
    ) -> Result<HashMap<&'r str, TypeScores>> {
        let policy = self.policy;
        let mut known = HashMap::new();
        let Some(c) = &self.classifier else {
            return Ok(known);
        };
        let adds = policy.add_above.is_some() || policy.add_beside.is_some();
        if policy.retype_above.is_none() && (!adds || self.roles.is_none()) {
            return Ok(known);
        }
        let sentences: Vec<&'r str> = pending.iter().flat_map(|p| p.sentences()).collect();
        let Some(scores) = c.sentence_scores(&sentences)? else {
            return Ok(known);
        };
        if scores.len() != sentences.len() {
            return Err(Error::MalformedOutput(format!(
                "event classifier returned {} score sets for {} sentences",
                scores.len(),
                sentences.len()
            )));
        }
        known.extend(sentences.into_iter().zip(scores.iter().cloned()));
        // Added events take their actors from the tagger: without one, none is added.
        let can_add = self.roles.is_some();
        let mut scores = scores.iter();
        for p in pending.iter_mut() {
            for ((s, _, drafts), sc) in p.found.iter_mut().zip(scores.by_ref()) {
                if drafts.is_empty() {
                    if let Some(min) = policy.add_above.filter(|_| can_add) {
                        for (t, _) in sc.at_least(min) {
                            drafts.push(Draft::classified(t));
                            p.added.push((s.span.start, t));
                        }
                    }
                    continue;
                }
                let Some((best, prob)) = sc.best() else {
                    continue;
                };
                if let Some(min) = policy.retype_above {
                    for d in drafts.iter_mut() {
                        if d.event_type != best
                            && prob >= min
                            && sc.of(d.event_type) < policy.min_score
                        {
                            d.event_type = best;
                            d.mode = None;
                        }
                    }
                }
                if let Some(min) = policy.add_beside.filter(|_| can_add) {
                    for (t, _) in sc.at_least(min) {
                        if drafts.iter().all(|d| d.event_type != t) {
                            drafts.push(Draft::classified(t));
                            p.added.push((s.span.start, t));
                        }
                    }
                }
            }
        }
        Ok(known)
    }

    /// Sources and targets from the role tagger, when one is set, for the sentences that
    /// have events (one batch for every report).
    fn tag_roles(&self, pending: &mut [Pending<'_>]) -> Result<()> {
        let Some(tagger) = &self.roles else {
            return Ok(());
        };
        let sentences: Vec<&str> = pending.iter().flat_map(|p| p.sentences()).collect();
        let tagged = tagger.tag_batch(&sentences)?;
        let mut tagged = tagged.iter();
        for p in pending.iter_mut() {
            let text = p.report.text.as_str();
            for ((s, _, drafts), tags) in p.found.iter_mut().zip(tagged.by_ref()) {
                let (sources, targets) =
                    tagged_actors(text, s.span, tags, &s.entities, &self.rules.actors);
                for d in drafts.iter_mut() {
                    let merge = self.role_merge;
                    merge_roles(&mut d.sources, &sources, merge, &d.locations, &d.supporters);
                    merge_roles(&mut d.targets, &targets, merge, &d.locations, &d.supporters);
                }
            }
        }
        Ok(())
    }

    /// Scale every event's confidence by the classifier's score for its type and drop those
    /// under the policy's floor (one classifier call for every report's events). Sentences
    /// the classifier has scored already (`known`) are not asked again.
    fn classify(&self, events: &mut [Vec<Event>], known: &HashMap<&str, TypeScores>) -> Result<()> {
        let Some(c) = &self.classifier else {
            return Ok(());
        };
        let unknown: Vec<&Event> = events
            .iter()
            .flatten()
            .filter(|e| !known.contains_key(e.evidence.sentence.as_str()))
            .collect();
        let infos: Vec<TypeInfo> = unknown
            .iter()
            .map(|e| self.lexicon.info(e.event_type))
            .collect();
        let pairs: Vec<(&str, &TypeInfo)> = unknown
            .iter()
            .zip(&infos)
            .map(|(e, i)| (e.evidence.sentence.as_str(), i))
            .collect();
        let asked = if pairs.is_empty() {
            Vec::new()
        } else {
            c.score_batch(&pairs)?
        };
        if asked.len() != pairs.len() {
            return Err(Error::MalformedOutput(
                "event classifier returned the wrong number of scores".into(),
            ));
        }
        let mut asked = asked.into_iter();
        let scores: Vec<f32> = events
            .iter()
            .flatten()
            .map(|e| match known.get(e.evidence.sentence.as_str()) {
                Some(sc) => sc.of(e.event_type),
                None => asked.next().unwrap_or(0.0),
            })
            .collect();
        let mut scores = scores.into_iter();
        for found in events.iter_mut() {
            found.retain_mut(|e| {
                let s = scores.next().unwrap_or(0.0).clamp(0.0, 1.0);
                e.confidence *= 0.5 + 0.5 * s;
                s >= self.policy.min_score
            });
        }
        Ok(())
    }

    /// The report's stance toward each actor, from the sentences that mention it (every
    /// whole-word occurrence of the actor's text, and the actor spans themselves), with
    /// those sentences and their scores as evidence. Whole reports are never sent to the
    /// model: a classifier truncates them, and the stance of a report toward one actor
    /// lives in the sentences about that actor.
    ///
    /// The (sentence, actor) pairs of every report go to the detector in one batch: a first
    /// pass records what [`document_stance`] would ask, the detector answers all of it, and a
    /// second pass reads the answers.
    fn add_stances(&self, reports: &[Report], events: &mut [Vec<Event>]) -> Result<()> {
        let Some(detector) = &self.stance else {
            return Ok(());
        };
        let queries: Vec<Vec<(Target, Vec<Span>)>> = reports
            .iter()
            .zip(events.iter())
            .map(|(r, found)| stance_queries(&r.text, found))
            .collect();
        let recorder = Recorder::default();
        for (r, qs) in reports.iter().zip(&queries) {
            for (target, spans) in qs {
                let mentions = Mentions::Spans(spans);
                document_stance(
                    &recorder,
                    self.sentences.as_ref(),
                    &r.text,
                    target,
                    mentions,
                )?;
            }
        }
        let answers = Answers::ask(detector.as_ref(), recorder.into_pairs())?;
        for ((r, qs), found) in reports.iter().zip(queries).zip(events.iter_mut()) {
            let mut stances: BTreeMap<String, ActorStance> = BTreeMap::new();
            for (target, spans) in qs {
                let mentions = Mentions::Spans(&spans);
                let doc = document_stance(
                    &answers,
                    self.sentences.as_ref(),
                    &r.text,
                    &target,
                    mentions,
                )?;
                if let Some(doc) = doc {
                    stances.insert(
                        target.name.clone(),
                        ActorStance {
                            actor: target.name,
                            stance: doc.stance,
                            score: doc.score,
                            evidence: doc.evidence,
                        },
                    );
                }
            }
            for e in found.iter_mut() {
                let mut seen: Vec<ActorStance> = Vec::new();
                for a in e.actors() {
                    if let Some(st) = stances.get(&a.text) {
                        if !seen.iter().any(|s| s.actor == st.actor) {
                            seen.push(st.clone());
                        }
                    }
                }
                e.stances = Some(seen);
            }
        }
        Ok(())
    }
}

/// One stance query per distinct actor name of a report (the report's stance toward an
/// actor does not depend on the event): the actor's spans and every whole-word mention.
fn stance_queries(text: &str, events: &[Event]) -> Vec<(Target, Vec<Span>)> {
    let mut mentions: BTreeMap<String, Vec<Span>> = BTreeMap::new();
    for e in events {
        for a in e.actors() {
            mentions.entry(a.text.clone()).or_default().push(a.span);
        }
    }
    mentions
        .into_iter()
        .map(|(name, mut spans)| {
            let target = Target::new(name);
            spans.extend(string_mentions(text, &target));
            spans.sort_by_key(|s| (s.start, s.end));
            spans.dedup();
            (target, spans)
        })
        .collect()
}

/// A stance "detector" that only writes down the (text, target) pairs it is asked about,
/// answering each with a placeholder.
#[derive(Default)]
struct Recorder(Mutex<Vec<(String, String)>>);

impl Recorder {
    fn into_pairs(self) -> Vec<(String, String)> {
        self.0
            .into_inner()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl StanceDetection for Recorder {
    fn detect_batch(&self, pairs: &[(&str, &str)]) -> Result<Vec<StanceScores>> {
        let mut seen = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        seen.extend(pairs.iter().map(|(t, g)| (t.to_string(), g.to_string())));
        let placeholder = StanceScores::from_scores(vec![(Stance::Neutral, 1.0)])?;
        Ok(vec![placeholder; pairs.len()])
    }
}

/// The detector's answers to a recorded set of pairs, asked in one batch.
struct Answers(BTreeMap<(String, String), StanceScores>);

impl Answers {
    fn ask(detector: &dyn StanceDetection, mut pairs: Vec<(String, String)>) -> Result<Self> {
        pairs.sort();
        pairs.dedup();
        if pairs.is_empty() {
            // No actor anywhere: nothing to ask, and no model call for an empty batch.
            return Ok(Answers(BTreeMap::new()));
        }
        let asked: Vec<(&str, &str)> = pairs
            .iter()
            .map(|(t, g)| (t.as_str(), g.as_str()))
            .collect();
        let scores = detector.detect_batch(&asked)?;
        if scores.len() != pairs.len() {
            return Err(Error::MalformedOutput(format!(
                "stance backend returned {} results for {} pairs",
                scores.len(),
                pairs.len()
            )));
        }
        Ok(Answers(pairs.into_iter().zip(scores).collect()))
    }
}

impl StanceDetection for Answers {
    fn detect_batch(&self, pairs: &[(&str, &str)]) -> Result<Vec<StanceScores>> {
        pairs
            .iter()
            .map(|(t, g)| {
                self.0
                    .get(&(t.to_string(), g.to_string()))
                    .cloned()
                    .ok_or_else(|| Error::MalformedOutput(format!("stance of {g:?} not asked")))
            })
            .collect()
    }
}

/// The longest sentence the rules look at; longer stretches are cut at a space.
pub const MAX_SENTENCE_BYTES: usize = 2000;

impl std::fmt::Debug for EventExtractor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventExtractor")
            .field("stance", &self.stance.is_some())
            .field("classifier", &self.classifier.is_some())
            .field("roles", &self.roles)
            .field("role_merge", &self.role_merge)
            .field("min_confidence", &self.min_confidence)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stance::{Stance, StanceScores};

    /// Stance by rule: against whatever the sentence "condemned", neutral otherwise.
    struct FakeStance;
    impl StanceDetection for FakeStance {
        fn detect_batch(&self, pairs: &[(&str, &str)]) -> Result<Vec<StanceScores>> {
            Ok(pairs
                .iter()
                .map(|(text, target)| {
                    let against = text.contains(&format!("condemned {target}"));
                    let stance = if against {
                        Stance::Against
                    } else {
                        Stance::Neutral
                    };
                    StanceScores {
                        stance,
                        score: 0.9,
                        scores: vec![(stance, 0.9)],
                    }
                })
                .collect())
        }
    }

    /// Believes only ASSAULT.
    struct OnlyAssault;
    impl EventTypeClassifier for OnlyAssault {
        fn score_batch(&self, pairs: &[(&str, &TypeInfo)]) -> Result<Vec<f32>> {
            Ok(pairs
                .iter()
                .map(|(_, t)| {
                    if t.event_type == crate::events::EventType::Assault {
                        0.9
                    } else {
                        0.05
                    }
                })
                .collect())
        }
    }

    /// Returns entities with spans outside their sentence.
    struct Broken;
    impl EntityRecognition for Broken {
        fn recognize_batch(&self, texts: &[&str]) -> Result<Vec<Vec<Entity>>> {
            Ok(texts
                .iter()
                .map(|t| {
                    vec![Entity {
                        kind: crate::entities::EntityKind::Organization,
                        text: "x".into(),
                        span: Span::new(t.len(), t.len() + 5),
                        char_span: Default::default(),
                        score: 1.0,
                        label: "ORG".into(),
                    }]
                })
                .collect())
        }
    }

    const TEXT: &str = "Rebels attacked army posts near Idlib on Monday. The European Union condemned Rebels and urged restraint.";

    #[test]
    fn stances_dates_and_classifier() {
        let report = Report::new("r", TEXT).with_date("2019-05-08".parse().unwrap());
        let plain = EventExtractor::builder().build().extract(&report).unwrap();
        assert_eq!(plain.len(), 3, "{plain:#?}");
        assert!(plain.iter().all(|e| e.stances.is_none()));
        // "on Monday" resolves against the report date (a Wednesday).
        assert_eq!(plain[0].date.as_deref(), Some("2019-05-06"));
        assert_eq!(plain[1].date.as_deref(), Some("2019-05-08"));

        let with = EventExtractor::builder()
            .stance(FakeStance)
            .build()
            .extract(&report)
            .unwrap();
        let accuse = with
            .iter()
            .find(|e| e.event_type == crate::events::EventType::Accuse)
            .unwrap();
        let st = accuse.stances.as_ref().unwrap();
        let rebels = st
            .iter()
            .find(|s| s.actor == "Rebels")
            .expect("stance toward Rebels");
        // Read from the two sentences that mention the actor, each kept as evidence with
        // its own stance; never from the whole report.
        assert_eq!(rebels.evidence.len(), 2, "{rebels:?}");
        assert!(rebels
            .evidence
            .iter()
            .all(|e| e.sentence.contains("Rebels")));
        let condemned = &rebels.evidence[1];
        assert!(condemned
            .sentence
            .starts_with("The European Union condemned Rebels"));
        assert_eq!(condemned.scores.stance, Stance::Against);
        assert_eq!(&TEXT[condemned.span.range()], condemned.sentence);
        assert_eq!(rebels.evidence[0].scores.stance, Stance::Neutral);

        let only = EventExtractor::builder()
            .classifier(OnlyAssault)
            .build()
            .extract(&report)
            .unwrap();
        assert_eq!(only.len(), 1);
        assert!(only[0].confidence < plain[0].confidence);
    }

    /// Scores every sentence the same: `scores` as (type, probability).
    struct Fixed(&'static [(EventType, f32)]);
    impl Fixed {
        fn scores(&self) -> TypeScores {
            let mut types = [0.0; 16];
            for &(t, p) in self.0 {
                types[EventType::ALL.iter().position(|&x| x == t).unwrap()] = p;
            }
            TypeScores { none: 0.0, types }
        }
    }
    impl EventTypeClassifier for Fixed {
        fn score_batch(&self, pairs: &[(&str, &TypeInfo)]) -> Result<Vec<f32>> {
            Ok(pairs
                .iter()
                .map(|(_, t)| self.scores().of(t.event_type))
                .collect())
        }
        fn sentence_scores(&self, sentences: &[&str]) -> Result<Option<Vec<TypeScores>>> {
            Ok(Some(vec![self.scores(); sentences.len()]))
        }
    }

    /// Tags "Russia" as source and "Syrian troops" as target wherever they occur.
    struct Roles;
    impl EntityRecognition for Roles {
        fn recognize_batch(&self, texts: &[&str]) -> Result<Vec<Vec<Entity>>> {
            Ok(texts
                .iter()
                .map(|t| {
                    [("Russia", "SOURCE"), ("Syrian troops", "TARGET")]
                        .iter()
                        .filter_map(|&(w, label)| {
                            let start = t.find(w)?;
                            let span = Span::new(start, start + w.len());
                            Some(Entity {
                                kind: crate::entities::EntityKind::from_label(label),
                                text: w.into(),
                                span,
                                char_span: span.to_chars(t).ok()?,
                                score: 0.9,
                                label: label.into(),
                            })
                        })
                        .collect()
                })
                .collect())
        }
    }

    #[test]
    fn every_type_above_the_threshold_is_added() {
        // No trigger of the lexicon here: whatever comes out, the classifier added.
        let report = Report::new("r", "Russia stood by Syrian troops near Hama on Monday.");
        let run = |scores: &'static [(EventType, f32)], min: f32| {
            EventExtractor::builder()
                .classifier(Fixed(scores))
                .roles(RoleTagger::new(Roles), RoleMerge::TaggerFirst)
                .classifier_policy(ClassifierPolicy {
                    min_score: 0.1,
                    retype_above: None,
                    add_above: Some(min),
                    add_beside: Some(min),
                })
                .build()
                .extract(&report)
                .unwrap()
        };
        // A multi-label classifier: two types above 0.7, most probable first.
        const BOTH: &[(EventType, f32)] = &[(EventType::Aid, 0.9), (EventType::Assault, 0.8)];
        let events = run(BOTH, 0.7);
        let types: Vec<EventType> = events.iter().map(|e| e.event_type).collect();
        assert_eq!(types, [EventType::Aid, EventType::Assault], "{events:#?}");
        assert!(events.iter().all(|e| e.sources[0].text == "Russia"
            && e.targets[0].text == "Syrian troops"
            && e.evidence.triggers.is_empty()));
        // Only what reaches the threshold.
        assert_eq!(run(BOTH, 0.85).len(), 1);
        // A softmax has at most one type above 0.5.
        const SOFT: &[(EventType, f32)] = &[(EventType::Aid, 0.6), (EventType::Assault, 0.3)];
        assert_eq!(run(SOFT, 0.5).len(), 1);
    }

    #[test]
    fn bad_input_is_an_error_or_ignored_never_a_panic() {
        let x = EventExtractor::default();
        assert!(matches!(
            x.extract(&Report::new("r", " \n ")),
            Err(Error::EmptyInput(_))
        ));
        let broken = EventExtractor::builder().entities(Broken).build();
        assert!(broken.extract(&Report::new("r", TEXT)).is_ok());
        // Text without any trigger.
        assert!(x
            .extract(&Report::new("r", "Weather was mild. «Ünïcödé» text…"))
            .unwrap()
            .is_empty());
    }
}
