//! The records the extractor produces, and the report it reads.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::coref::Antecedent;
use super::geo::GeoRef;
use super::time::{Date, TimeExpr};
use crate::entities::EntityKind;
use crate::stance::Evidence as StanceEvidence;
use crate::stance::Stance;
use crate::text::Span;
use crate::{Error, Result};

/// The sixteen PLOVER event types (as used by POLECAT), serialised upper-case.
///
/// ```
/// use reportage::events::EventType;
/// let t: EventType = "assault".parse().unwrap();
/// assert_eq!(t, EventType::Assault);
/// assert_eq!(serde_json::to_string(&t).unwrap(), "\"ASSAULT\"");
/// assert_eq!(EventType::ALL.len(), 16);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum EventType {
    Agree,
    Consult,
    Support,
    Concede,
    Cooperate,
    Aid,
    Retreat,
    Request,
    Accuse,
    Reject,
    Threaten,
    Protest,
    Sanction,
    Mobilize,
    Coerce,
    Assault,
}

impl EventType {
    /// Every type, in PLOVER's order (cooperative to conflictual).
    pub const ALL: [EventType; 16] = [
        EventType::Agree,
        EventType::Consult,
        EventType::Support,
        EventType::Concede,
        EventType::Cooperate,
        EventType::Aid,
        EventType::Retreat,
        EventType::Request,
        EventType::Accuse,
        EventType::Reject,
        EventType::Threaten,
        EventType::Protest,
        EventType::Sanction,
        EventType::Mobilize,
        EventType::Coerce,
        EventType::Assault,
    ];

    /// The upper-case PLOVER name.
    pub fn as_str(&self) -> &'static str {
        match self {
            EventType::Agree => "AGREE",
            EventType::Consult => "CONSULT",
            EventType::Support => "SUPPORT",
            EventType::Concede => "CONCEDE",
            EventType::Cooperate => "COOPERATE",
            EventType::Aid => "AID",
            EventType::Retreat => "RETREAT",
            EventType::Request => "REQUEST",
            EventType::Accuse => "ACCUSE",
            EventType::Reject => "REJECT",
            EventType::Threaten => "THREATEN",
            EventType::Protest => "PROTEST",
            EventType::Sanction => "SANCTION",
            EventType::Mobilize => "MOBILIZE",
            EventType::Coerce => "COERCE",
            EventType::Assault => "ASSAULT",
        }
    }
}

impl fmt::Display for EventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for EventType {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        EventType::ALL
            .into_iter()
            .find(|t| t.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| Error::Unparsable(format!("unknown PLOVER event type `{s}`")))
    }
}

/// The part an actor plays in an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Who acted.
    Source,
    /// Who was acted upon (or received aid, or was addressed).
    Target,
    /// Who backed the source ("backed by Russian air support").
    Supporter,
}

/// An actor mention: a named entity grown to its noun phrase ("Syrian" -> "Syrian government
/// forces"), or a common actor noun from the role lexicon ("the rebels").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Actor {
    /// Surface text, exactly `&report.text[span.range()]`.
    pub text: String,
    /// Byte span into the report.
    pub span: Span,
    /// Entity kind: from the recognizer, or `ORG`/`PERSON` when the phrase ends in an actor
    /// noun of that kind; `None` for unorganised groups ("civilians").
    pub kind: Option<EntityKind>,
    /// Whether a named entity is part of the phrase (as opposed to a lexicon noun alone).
    pub named: bool,
    pub role: Role,
    /// For a pronoun or a description ("she", "the group"): the named actor it stands for,
    /// found just before it in the report (see [`Antecedent`]). Count and map the actor by
    /// this name when it is set; `text` and `span` stay the mention itself, the evidence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refers_to: Option<Antecedent>,
}

/// A place mention.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Place {
    /// Surface text with its direction words ("central Aleppo").
    pub text: String,
    pub span: Span,
    pub kind: Option<EntityKind>,
    /// The place's GeoNames entry (id, country code, coordinates) when its name is a
    /// country's or exactly one city's (see [`GeoNames`](super::GeoNames)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub geo: Option<GeoRef>,
}

/// A word or phrase that signalled the event type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trigger {
    pub text: String,
    pub span: Span,
    /// The lexicon phrase that matched ("push into" for "pushing into").
    pub pattern: String,
}

/// Where in the report the event is stated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    pub sentence: String,
    pub span: Span,
    pub triggers: Vec<Trigger>,
}

/// The report's stance toward one actor, read from the sentences that mention it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActorStance {
    pub actor: String,
    pub stance: Stance,
    /// The mean score of `stance` over the evidence sentences.
    pub score: f32,
    /// The sentences that mention the actor, each with its own stance scores: what the
    /// stance was read from.
    #[serde(default)]
    pub evidence: Vec<StanceEvidence>,
}

/// One event: who did what to whom, where and when, with the evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Stable id: see [`event_id`](super::event_id).
    pub id: String,
    pub report_id: String,
    pub event_type: EventType,
    /// PLOVER mode where the trigger names one ("aerial" for airstrikes).
    pub mode: Option<String>,
    pub sources: Vec<Actor>,
    pub targets: Vec<Actor>,
    pub supporters: Vec<Actor>,
    pub locations: Vec<Place>,
    pub times: Vec<TimeExpr>,
    /// The first resolved day of `times`, else the report date: the date to count the event by.
    pub date: Option<String>,
    pub evidence: Evidence,
    /// In `[0, 1]`; the formula is in [`EventExtractor`](super::EventExtractor)'s docs.
    pub confidence: f32,
    /// The report's stance toward each actor of the event, when a stance detector is set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stances: Option<Vec<ActorStance>>,
}

impl Event {
    /// Every actor of the event, sources first.
    pub fn actors(&self) -> impl Iterator<Item = &Actor> {
        self.sources
            .iter()
            .chain(&self.targets)
            .chain(&self.supporters)
    }

    /// A one-line summary: `ASSAULT/aerial  src=[..] tgt=[..] sup=[..] loc=[..]`.
    pub fn summary(&self) -> String {
        let names = |v: &mut dyn Iterator<Item = &str>| v.collect::<Vec<_>>().join("; ");
        format!(
            "{}{}  src=[{}] tgt=[{}] sup=[{}] loc=[{}] time=[{}] conf={:.2}",
            self.event_type,
            self.mode
                .as_deref()
                .map(|m| format!("/{m}"))
                .unwrap_or_default(),
            names(&mut self.sources.iter().map(|a| a.text.as_str())),
            names(&mut self.targets.iter().map(|a| a.text.as_str())),
            names(&mut self.supporters.iter().map(|a| a.text.as_str())),
            names(&mut self.locations.iter().map(|a| a.text.as_str())),
            names(&mut self.times.iter().map(|a| a.text.as_str())),
            self.confidence
        )
    }
}

/// A report to extract events from.
///
/// ```
/// use reportage::events::Report;
/// let r: Report = serde_json::from_str(r#"{"id": "r1", "text": "…", "date": "2016-11-29"}"#).unwrap();
/// assert_eq!(r.date.unwrap().to_string(), "2016-11-29");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub id: String,
    pub text: String,
    /// Publication date; relative expressions ("on Tuesday") resolve against it.
    #[serde(default)]
    pub date: Option<Date>,
}

impl Report {
    /// A report without a date.
    pub fn new(id: impl Into<String>, text: impl Into<String>) -> Self {
        Report {
            id: id.into(),
            text: text.into(),
            date: None,
        }
    }

    /// The same report with a publication date.
    pub fn with_date(mut self, date: Date) -> Self {
        self.date = Some(date);
        self
    }
}

/// Pretty JSON array of events.
pub fn to_json(events: &[Event]) -> Result<String> {
    Ok(serde_json::to_string_pretty(events)?)
}

/// JSON Lines: one compact event per line, each line ending in `\n`.
///
/// ```
/// assert_eq!(reportage::events::to_json_lines(&[]).unwrap(), "");
/// ```
pub fn to_json_lines(events: &[Event]) -> Result<String> {
    let mut out = String::new();
    for e in events {
        out.push_str(&serde_json::to_string(e)?);
        out.push('\n');
    }
    Ok(out)
}

/// Write events as JSON Lines to `w` (e.g. a locked stdout), one line each.
pub fn write_json_lines<W: std::io::Write>(mut w: W, events: &[Event]) -> Result<()> {
    for e in events {
        serde_json::to_writer(&mut w, e)?;
        w.write_all(b"\n").map_err(serde_json::Error::io)?;
    }
    Ok(())
}
