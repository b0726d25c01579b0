//! Scoring extracted events against a gold file of reports and their events.
//!
//! The gold file is JSON Lines, one report per line:
//! `{"id": ..., "text": ..., "date"?: "YYYY-MM-DD", "events": [{"type": "ASSAULT",
//! "source": ["..."], "target": ["..."]}]}`. Types are PLOVER names; `source` and `target`
//! list the actors as they are written in the text (empty when the event has none).
//!
//! What [`score_events`] measures, per report and pooled over reports:
//!
//! - **type** precision / recall / F1: gold and predicted event types of a report matched
//!   one to one (an ASSAULT predicted twice where the gold has one counts one right, one
//!   wrong);
//! - **type accuracy**: gold and predicted events are first paired by their actors (below),
//!   the pairs sharing the most actors first; the accuracy is the share of pairs whose types
//!   agree. It answers "when the extractor finds the event, does it name its type right",
//!   which the F1 above mixes with finding the event at all. Events sharing no actor are not
//!   paired, and a report whose events have no actors adds nothing to it;
//! - **source** and **target** precision / recall / F1, ACE-style: an actor is right when a
//!   predicted event of the same report and the same type has it in the same role, matched
//!   one to one, in two ways ([`ArgumentMatch`]): *exact* (same words, ignoring case and
//!   spacing) and *overlap* (the two share a content word: "Syrian government forces" and
//!   "government troops" overlap, "the rebels" and "the army" do not).

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{data_error, read_text, Scores};
use crate::events::{Actor, Date, Event, EventType, Report};
use crate::{Error, Result};

/// An event reduced to what is scored: its type and its actors' surfaces.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventRecord {
    #[serde(rename = "type", deserialize_with = "event_type_by_name")]
    pub event_type: EventType,
    #[serde(alias = "sources")]
    pub source: Vec<String>,
    #[serde(alias = "targets")]
    pub target: Vec<String>,
}

/// The actor as an analyst counts it: the name a pronoun or description was resolved to
/// (`Actor::refers_to`), else the mention itself. The gold files are coded the same way (a
/// pronoun is coded only when the sentence names no one better: data/events-coding.md).
fn counted(actor: &Actor) -> String {
    actor
        .refers_to
        .as_ref()
        .map_or(&actor.text, |named| &named.text)
        .clone()
}

impl From<&Event> for EventRecord {
    /// Types and actors of `e`; an actor resolved by coreference counts as the name it stands
    /// for ("urged him" after "President Erdogan": the target is "Erdogan").
    fn from(e: &Event) -> Self {
        EventRecord {
            event_type: e.event_type,
            source: e.sources.iter().map(counted).collect(),
            target: e.targets.iter().map(counted).collect(),
        }
    }
}

/// PLOVER names in any case (`assault`, `ASSAULT`), as [`EventType`]'s `FromStr` reads them.
fn event_type_by_name<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<EventType, D::Error> {
    let name = String::deserialize(d)?;
    name.parse().map_err(serde::de::Error::custom)
}

/// One report of the gold file with its events.
#[derive(Debug, Clone, PartialEq)]
pub struct GoldReport {
    pub report: Report,
    pub events: Vec<EventRecord>,
    /// Its line in the file (1-based).
    pub line: usize,
}

#[derive(Deserialize)]
struct GoldLine {
    id: String,
    text: String,
    #[serde(default)]
    date: Option<String>,
    events: Vec<EventRecord>,
}

/// Read the text of a gold file (`origin` names it in errors). Errors, with their line: not
/// JSON, a field missing or of the wrong kind, an unknown event type, an empty text, a date
/// that is not `YYYY-MM-DD`, an id seen on an earlier line; and a file with no report.
///
/// ```
/// use reportage::evaluation::events::read_event_gold;
/// let line = r#"{"id": "r1", "text": "Rebels shelled Idlib.", "events": [{"type": "ASSAULT", "source": ["Rebels"], "target": []}]}"#;
/// let gold = read_event_gold(line, "g.jsonl").unwrap();
/// assert_eq!(gold[0].events[0].source, ["Rebels"]);
/// let bad = line.replace("ASSAULT", "SHELL");
/// let err = read_event_gold(&bad, "g.jsonl").unwrap_err();
/// assert!(err.to_string().starts_with("g.jsonl: line 1: "), "{err}");
/// ```
pub fn read_event_gold(text: &str, origin: impl AsRef<Path>) -> Result<Vec<GoldReport>> {
    let origin = origin.as_ref();
    let mut out: Vec<GoldReport> = Vec::new();
    let mut ids = HashSet::new();
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        let g: GoldLine =
            serde_json::from_str(line).map_err(|e| data_error(origin, Some(n), e.to_string()))?;
        if g.text.trim().is_empty() {
            return Err(data_error(origin, Some(n), "field `text` is empty"));
        }
        if !ids.insert(g.id.clone()) {
            return Err(data_error(
                origin,
                Some(n),
                format!("report id `{}` is used twice", g.id),
            ));
        }
        let mut report = Report::new(g.id, g.text);
        if let Some(d) = g.date {
            let date: Date = d.parse().map_err(|_| {
                data_error(origin, Some(n), format!("date `{d}` is not YYYY-MM-DD"))
            })?;
            report = report.with_date(date);
        }
        out.push(GoldReport {
            report,
            events: g.events,
            line: n,
        });
    }
    if out.is_empty() {
        return Err(data_error(origin, None, "no reports: the file is empty"));
    }
    Ok(out)
}

/// [`read_event_gold`] on a file.
pub fn read_event_gold_file(path: impl AsRef<Path>) -> Result<Vec<GoldReport>> {
    let path = path.as_ref();
    read_event_gold(&read_text(path)?, path)
}

/// When a predicted actor counts as a gold one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ArgumentMatch {
    /// The same words, ignoring case, spacing and a leading article: "the Taliban" is the
    /// actor "Taliban" (actor coding names the actor, not the phrase's determiner), while
    /// "Taliban fighters" is not.
    Exact,
    /// At least one content word in common (words compared lower-case; articles,
    /// prepositions, conjunctions, possessive `'s` and possessive pronouns do not count).
    /// Surfaces with no content word fall back to exact.
    Overlap,
}

/// Words that make no actor: two surfaces sharing only these do not overlap.
const FUNCTION_WORDS: &[&str] = &[
    "a", "an", "the", "of", "and", "or", "in", "on", "at", "to", "for", "by", "with", "from", "s",
    "its", "their", "his", "her", "our",
];

fn normalize(s: &str) -> String {
    let lower = s.to_lowercase();
    let mut words: Vec<&str> = lower.split_whitespace().collect();
    if words.len() > 1 && matches!(words[0], "a" | "an" | "the") {
        words.remove(0);
    }
    words.join(" ")
}

fn content_words(s: &str) -> HashSet<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .filter(|w| !FUNCTION_WORDS.contains(&w.as_str()))
        .collect()
}

impl ArgumentMatch {
    /// Whether `predicted` counts as `gold`.
    ///
    /// ```
    /// use reportage::evaluation::events::ArgumentMatch::{Exact, Overlap};
    /// assert!(Exact.matches("Syrian  Army", "syrian army"));
    /// assert!(Exact.matches("the Syrian army", "Syrian army"));
    /// assert!(!Exact.matches("Syrian army units", "Syrian army"));
    /// assert!(Overlap.matches("Syrian government forces", "government troops"));
    /// assert!(!Overlap.matches("the rebels", "the army"));
    /// ```
    pub fn matches(&self, gold: &str, predicted: &str) -> bool {
        let exact = normalize(gold) == normalize(predicted);
        match self {
            ArgumentMatch::Exact => exact,
            ArgumentMatch::Overlap => {
                let (g, p) = (content_words(gold), content_words(predicted));
                exact || (!g.is_empty() && !p.is_empty() && !g.is_disjoint(&p))
            }
        }
    }
}

/// The most one-to-one pairs of `gold` and `predicted` items that `fits` (Kuhn's augmenting
/// paths; the sets are a few items each).
fn max_matching(gold: &[&str], predicted: &[&str], fits: impl Fn(&str, &str) -> bool) -> usize {
    fn augment(
        g: usize,
        edges: &[Vec<usize>],
        seen: &mut [bool],
        owner: &mut [Option<usize>],
    ) -> bool {
        for &p in &edges[g] {
            if !seen[p] {
                seen[p] = true;
                let free = match owner[p] {
                    None => true,
                    Some(o) => augment(o, edges, seen, owner),
                };
                if free {
                    owner[p] = Some(g);
                    return true;
                }
            }
        }
        false
    }
    let edges: Vec<Vec<usize>> = gold
        .iter()
        .map(|g| {
            (0..predicted.len())
                .filter(|&p| fits(g, predicted[p]))
                .collect()
        })
        .collect();
    let mut owner = vec![None; predicted.len()];
    (0..gold.len())
        .filter(|&g| augment(g, &edges, &mut vec![false; predicted.len()], &mut owner))
        .count()
}

/// Source or target scores, both ways of matching.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ArgumentScores {
    pub exact: Scores,
    pub overlap: Scores,
}

/// What [`score_events`] measures (see the module documentation).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventReport {
    pub reports: usize,
    pub gold_events: usize,
    pub predicted_events: usize,
    /// Event types matched one to one within each report.
    pub types: Scores,
    /// Gold and predicted events paired by shared actors.
    pub aligned: usize,
    /// Of those pairs, the ones whose types agree.
    pub aligned_same_type: usize,
    /// `aligned_same_type / aligned`; `None` when no pair was found.
    pub type_accuracy: Option<f64>,
    pub source: ArgumentScores,
    pub target: ArgumentScores,
}

#[derive(Clone, Copy)]
enum Role {
    Source,
    Target,
}

fn arguments(e: &EventRecord, role: Role) -> &[String] {
    match role {
        Role::Source => &e.source,
        Role::Target => &e.target,
    }
}

/// Score predicted events against gold events, report by report (`gold[i]` and
/// `predicted[i]` are the events of report `i`). Fails if the lists differ in length.
///
/// ```
/// use reportage::evaluation::events::{score_events, EventRecord};
/// use reportage::events::EventType::{Assault, Protest};
/// let ev = |t, s: &[&str], g: &[&str]| EventRecord {
///     event_type: t,
///     source: s.iter().map(|x| x.to_string()).collect(),
///     target: g.iter().map(|x| x.to_string()).collect(),
/// };
/// let gold = vec![vec![ev(Assault, &["Syrian army"], &["rebels"])]];
/// let predicted = vec![vec![ev(Protest, &["the Syrian army"], &["rebels"])]];
/// let r = score_events(&gold, &predicted).unwrap();
/// assert_eq!(r.types.f1, 0.0); // wrong type
/// assert_eq!(r.type_accuracy, Some(0.0)); // the event was found, its type is wrong
/// // Actors count only within events of the right type (ACE): none is right here.
/// assert_eq!(r.source.overlap.recall, 0.0);
/// ```
pub fn score_events(
    gold: &[Vec<EventRecord>],
    predicted: &[Vec<EventRecord>],
) -> Result<EventReport> {
    if gold.len() != predicted.len() {
        return Err(Error::InvalidArgument(format!(
            "{} gold reports but {} predicted",
            gold.len(),
            predicted.len()
        )));
    }
    let mut type_tp = 0;
    let (mut aligned, mut same_type) = (0, 0);
    // [role][match] -> (tp, predicted, gold)
    let mut args = [[(0usize, 0usize, 0usize); 2]; 2];
    for (g, p) in gold.iter().zip(predicted) {
        // Types, one to one: the smaller count of each type.
        let mut counts: BTreeMap<EventType, (usize, usize)> = BTreeMap::new();
        for e in g {
            counts.entry(e.event_type).or_default().0 += 1;
        }
        for e in p {
            counts.entry(e.event_type).or_default().1 += 1;
        }
        type_tp += counts.values().map(|&(a, b)| a.min(b)).sum::<usize>();

        // Pairs by shared actors, most shared first; ties in gold, then predicted order.
        let shared = |a: &EventRecord, b: &EventRecord| {
            [Role::Source, Role::Target]
                .iter()
                .map(|&role| {
                    let (ga, pa) = (arguments(a, role), arguments(b, role));
                    ga.iter()
                        .filter(|x| pa.iter().any(|y| ArgumentMatch::Overlap.matches(x, y)))
                        .count()
                })
                .sum::<usize>()
        };
        let mut pairs: Vec<(usize, usize, usize)> = Vec::new();
        for (i, a) in g.iter().enumerate() {
            for (j, b) in p.iter().enumerate() {
                let n = shared(a, b);
                if n > 0 {
                    pairs.push((n, i, j));
                }
            }
        }
        pairs.sort_by_key(|&(n, i, j)| (std::cmp::Reverse(n), i, j));
        let (mut used_g, mut used_p) = (vec![false; g.len()], vec![false; p.len()]);
        for (_, i, j) in pairs {
            if !used_g[i] && !used_p[j] {
                used_g[i] = true;
                used_p[j] = true;
                aligned += 1;
                same_type += usize::from(g[i].event_type == p[j].event_type);
            }
        }

        // Actors, ACE-style: within (type, role), one to one.
        for (r, role) in [Role::Source, Role::Target].into_iter().enumerate() {
            for &t in counts.keys() {
                let collect = |events: &[EventRecord]| -> Vec<String> {
                    events
                        .iter()
                        .filter(|e| e.event_type == t)
                        .flat_map(|e| arguments(e, role).iter().cloned())
                        .collect()
                };
                let (ga, pa) = (collect(g), collect(p));
                let ga: Vec<&str> = ga.iter().map(String::as_str).collect();
                let pa: Vec<&str> = pa.iter().map(String::as_str).collect();
                for (m, how) in [ArgumentMatch::Exact, ArgumentMatch::Overlap]
                    .into_iter()
                    .enumerate()
                {
                    let tp = max_matching(&ga, &pa, |x, y| how.matches(x, y));
                    let slot = &mut args[r][m];
                    *slot = (slot.0 + tp, slot.1 + pa.len(), slot.2 + ga.len());
                }
            }
        }
    }
    let scores = |(tp, p, g): (usize, usize, usize)| Scores::from_counts(tp, p, g);
    let gold_events = gold.iter().map(Vec::len).sum();
    let predicted_events = predicted.iter().map(Vec::len).sum();
    Ok(EventReport {
        reports: gold.len(),
        gold_events,
        predicted_events,
        types: Scores::from_counts(type_tp, predicted_events, gold_events),
        aligned,
        aligned_same_type: same_type,
        type_accuracy: (aligned > 0).then(|| same_type as f64 / aligned as f64),
        source: ArgumentScores {
            exact: scores(args[0][0]),
            overlap: scores(args[0][1]),
        },
        target: ArgumentScores {
            exact: scores(args[1][0]),
            overlap: scores(args[1][1]),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use EventType::*;

    #[test]
    fn a_resolved_pronoun_counts_as_the_name_it_stands_for() {
        let report = Report::new(
            "r1",
            "The Taliban attacked a checkpoint in Kabul. They killed five soldiers.",
        );
        let events = crate::events::EventExtractor::builder()
            .build()
            .extract(&report)
            .unwrap();
        let second = events
            .iter()
            .find(|e| e.sources.first().is_some_and(|a| a.text == "They"))
            .expect("an event with the source \"They\"");
        // The mention stays the actor, with its antecedent...
        assert_eq!(
            second.sources[0].refers_to.as_ref().unwrap().text,
            "The Taliban"
        );
        // ...and the scorer counts the name; unresolved actors count as written.
        let record = EventRecord::from(second);
        assert_eq!(record.source, ["The Taliban"]);
        assert_eq!(record.target, ["soldiers"]);
    }

    fn ev(t: EventType, s: &[&str], g: &[&str]) -> EventRecord {
        EventRecord {
            event_type: t,
            source: s.iter().map(|x| x.to_string()).collect(),
            target: g.iter().map(|x| x.to_string()).collect(),
        }
    }

    #[test]
    fn hand_counted_example() {
        let gold = vec![
            vec![
                ev(Assault, &["Syrian government forces"], &["rebels"]),
                ev(Assault, &["Russian jets"], &[]),
                ev(Protest, &["students"], &[]),
            ],
            vec![ev(Aid, &["the UN"], &["Aleppo residents"])],
        ];
        let predicted = vec![
            vec![
                ev(Assault, &["Syrian government forces"], &["the rebels"]),
                ev(Coerce, &["students"], &["police"]),
            ],
            vec![],
        ];
        let r = score_events(&gold, &predicted).unwrap();
        assert_eq!((r.reports, r.gold_events, r.predicted_events), (2, 4, 2));
        // Types: one ASSAULT of two predicted right (1 of 2 predictions, 1 of 4 gold).
        assert_eq!((r.types.precision, r.types.recall), (0.5, 0.25));
        // Pairs: the ASSAULT (2 shared actors) and students' PROTEST/COERCE (1).
        assert_eq!(
            (r.aligned, r.aligned_same_type, r.type_accuracy),
            (2, 1, Some(0.5))
        );
        // Sources within the right type: ASSAULT gold {Syrian government forces, Russian
        // jets} vs predicted {Syrian government forces}: 1 exact of 1 predicted, 4 gold
        // sources in all; the COERCE source is a prediction of a type the gold lacks.
        assert_eq!(r.source.exact.precision, 0.5);
        assert_eq!(r.source.exact.recall, 0.25);
        // Targets: "the rebels" is "rebels" up to its article: exact, and so overlapping.
        assert_eq!(r.target.exact.recall, 0.5);
        assert_eq!(r.target.exact.precision, 0.5);
        assert_eq!(r.target.overlap.recall, 0.5);
        assert_eq!(r.target.overlap.precision, 0.5);
        assert!(score_events(&gold, &predicted[..1]).is_err());
    }

    #[test]
    fn overlap_matching_is_one_to_one_and_maximal() {
        // Greedy would give "Syrian army" to "Syrian forces" first and leave "army units"
        // unmatched; the maximum matching pairs both.
        let gold = ["Syrian forces", "army units"];
        let predicted = ["Syrian army", "Syrian troops"];
        let n = max_matching(&gold, &predicted, |g, p| {
            ArgumentMatch::Overlap.matches(g, p)
        });
        assert_eq!(n, 2);
        assert_eq!(max_matching(&["x"], &["x", "x"], |a, b| a == b), 1);
    }

    #[test]
    fn gold_files_are_checked() {
        let err = |t: &str| read_event_gold(t, "g").unwrap_err().to_string();
        let line = r#"{"id": "a", "text": "t", "events": []}"#;
        assert!(err(&format!("{line}\n{line}")).contains("line 2: report id `a` is used twice"));
        assert!(err(r#"{"id": "a", "text": "t"}"#).contains("line 1: missing field `events`"));
        assert!(err(r#"{"id": "a", "text": "t", "date": "May", "events": []}"#).contains("date"));
        assert!(err(r#"{"id": "a", "text": "", "events": []}"#).contains("empty"));
        assert!(err("").contains("no reports"));
        let ok = read_event_gold(
            r#"{"id": "a", "text": "t", "date": "2016-11-29", "events": [{"type": "aid", "sources": ["UN"], "target": []}]}"#,
            "g",
        )
        .unwrap();
        assert_eq!(ok[0].events[0].event_type, Aid);
        assert_eq!(ok[0].report.date.unwrap().to_string(), "2016-11-29");
    }
}
