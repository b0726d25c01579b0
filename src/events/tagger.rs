//! Learned roles: a token-classification model that marks, in one sentence, who acted
//! (source), who was acted upon (target) and who took part on both sides of a symmetric
//! event such as a meeting (reciprocal), in ConfliBERT's CAMEO role scheme (`S`, `T`, `R`).
//!
//! The model is any [`EntityRecognition`] whose labels are those roles (the registry's
//! `roles-plover`, trained on our PLOVER coding, or `roles-default`, on ConfliBERT's role
//! set, through [`EntityRecognizer`](crate::entities::EntityRecognizer), or a fake in
//! tests); [`RoleTagger`] checks the labels and turns its spans into [`RoleSpan`]s.
//! How the spans replace or complete the rules' actors is [`RoleMerge`].

use serde::{Deserialize, Serialize};

use super::coref::is_resolvable;
use super::lexicon::{phrase_at, ActorWords};
use super::types::{Actor, Place, Role};
use crate::entities::{Entity, EntityRecognition};
use crate::error::{Error, Result};
use crate::text::tokens::tokenize;
use crate::text::Span;

/// How errors name the tagger: it wraps a recognizer, whose own errors name the model.
const TAGGER: &str = "role tagger";

/// A role as the tagger marks it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaggedRole {
    Source,
    Target,
    /// Both source and target of a symmetric event ("X will meet Y": both X and Y).
    Reciprocal,
}

impl TaggedRole {
    /// The role a model label names: `SOURCE`/`S`, `TARGET`/`T`, `RECIPROCAL`/`R`, in any
    /// case, with or without a `B-`/`I-` prefix; `None` for anything else.
    ///
    /// ```
    /// use reportage::events::TaggedRole;
    /// assert_eq!(TaggedRole::from_label("B-SOURCE"), Some(TaggedRole::Source));
    /// assert_eq!(TaggedRole::from_label("t"), Some(TaggedRole::Target));
    /// assert_eq!(TaggedRole::from_label("PER"), None);
    /// ```
    pub fn from_label(label: &str) -> Option<TaggedRole> {
        let bare = label
            .strip_prefix("B-")
            .or_else(|| label.strip_prefix("I-"))
            .unwrap_or(label);
        match bare.to_ascii_uppercase().as_str() {
            "SOURCE" | "S" => Some(TaggedRole::Source),
            "TARGET" | "T" => Some(TaggedRole::Target),
            "RECIPROCAL" | "R" => Some(TaggedRole::Reciprocal),
            _ => None,
        }
    }
}

/// One tagged span of a sentence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoleSpan {
    /// Byte span into the sentence given to [`RoleTagger::tag_batch`].
    pub span: Span,
    pub role: TaggedRole,
    /// The model's score in `[0, 1]`.
    pub score: f32,
}

/// How tagged roles combine with the rules' actors, per event of the sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoleMerge {
    /// The tagger's sources and targets replace the rules' whenever the tagger found any
    /// for that role; the rules' stay where it found none.
    #[default]
    TaggerFirst,
    /// The rules' actors stay; the tagger only fills a role the rules left empty.
    FillGaps,
}

/// Marks event roles in sentences with a token-classification model.
///
/// ```
/// use reportage::entities::{Entity, EntityKind, EntityRecognition};
/// use reportage::events::{RoleTagger, TaggedRole};
/// use reportage::{CharSpan, Span};
///
/// // A stand-in for the model: tags "Rebels" as source and "Aleppo" as target.
/// struct Fake;
/// impl EntityRecognition for Fake {
///     fn recognize_batch(&self, texts: &[&str]) -> reportage::Result<Vec<Vec<Entity>>> {
///         Ok(texts.iter().map(|t| {
///             [("Rebels", "SOURCE"), ("Aleppo", "TARGET")].iter().filter_map(|(w, l)| {
///                 let start = t.find(w)?;
///                 let span = Span::new(start, start + w.len());
///                 Some(Entity { kind: EntityKind::from_label(l), text: w.to_string(), span,
///                     char_span: span.to_chars(t).ok()?, score: 0.9, label: l.to_string() })
///             }).collect()
///         }).collect())
///     }
/// }
/// let tagged = RoleTagger::new(Fake).tag_batch(&["Rebels shelled Aleppo."]).unwrap();
/// assert_eq!(tagged[0][0].role, TaggedRole::Source);
/// assert_eq!(tagged[0][1].span, Span::new(15, 21));
/// ```
pub struct RoleTagger {
    model: Box<dyn EntityRecognition>,
    min_score: f32,
}

impl RoleTagger {
    /// A tagger over `model`, keeping every span it marks. For the registry's role taggers,
    /// let `presets::role_tagger` build it: it reads their words with
    /// `AggregationStrategy::Viterbi` (`presets::AGGREGATION`), which keeps the long targets
    /// of `roles-default` whole (3.5 points of span F1) and is level with "first" for
    /// `roles-plover`.
    pub fn new(model: impl EntityRecognition + 'static) -> Self {
        RoleTagger {
            model: Box::new(model),
            min_score: 0.0,
        }
    }

    /// Drop spans the model scores under `min_score`.
    pub fn with_min_score(mut self, min_score: f32) -> Self {
        self.min_score = min_score;
        self
    }

    /// The role spans of each sentence, in text order. A label that is not a role fails
    /// with [`Error::LabelMap`]: a model with the wrong label map (an NER model given as a
    /// role tagger) must not pass for one that found nothing.
    pub fn tag_batch(&self, sentences: &[&str]) -> Result<Vec<Vec<RoleSpan>>> {
        let found = self.model.recognize_batch(sentences)?;
        if found.len() != sentences.len() {
            return Err(Error::MalformedOutput(format!(
                "{TAGGER} returned {} results for {} sentences",
                found.len(),
                sentences.len()
            )));
        }
        found
            .into_iter()
            .zip(sentences)
            .map(|(entities, sentence)| self.role_spans(entities, sentence))
            .collect()
    }

    fn role_spans(&self, entities: Vec<Entity>, sentence: &str) -> Result<Vec<RoleSpan>> {
        let mut out = Vec::new();
        for e in entities {
            let role = TaggedRole::from_label(&e.label).ok_or_else(|| Error::LabelMap {
                model: TAGGER.into(),
                message: format!(
                    "label `{}` is not a role (SOURCE, TARGET, RECIPROCAL): is the model a \
                     role tagger?",
                    e.label
                ),
            })?;
            if e.score >= self.min_score && e.span.slice(sentence).is_ok() {
                out.push(RoleSpan {
                    span: e.span,
                    role,
                    score: e.score,
                });
            }
        }
        out.sort_by_key(|r| (r.span.start, r.span.end));
        Ok(out)
    }
}

impl std::fmt::Debug for RoleTagger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RoleTagger")
            .field("min_score", &self.min_score)
            .finish_non_exhaustive()
    }
}

/// Whether a tagged span can name an actor: it holds an entity, a capitalised word other
/// than an article, a number ("12 people") or one of the rules' actor nouns ("the rebels"),
/// or it is a pronoun or description coreference resolves ("they", "the group"). The
/// tagger's fragments ("The", "backed", "those affected by") are none of these and are
/// dropped.
fn actor_like(surface: &str, span: Span, entities: &[Entity], words: &ActorWords) -> bool {
    if is_resolvable(surface)
        || entities
            .iter()
            .any(|e| e.span.start < span.end && span.start < e.span.end)
    {
        return true;
    }
    // A capital on an article says only that the sentence starts there ("The" alone).
    let capitalised_or_number = surface
        .split_whitespace()
        .filter(|w| !words.determiners.iter().any(|d| d.eq_ignore_ascii_case(w)))
        .any(|w| w.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit()));
    capitalised_or_number || has_actor_noun(surface, words)
}

/// Whether `surface` holds one of the rules' actor nouns as whole words ("the rebels",
/// "the prime minister"), matched as the rules match them.
fn has_actor_noun(surface: &str, words: &ActorWords) -> bool {
    let toks = tokenize(surface, 0);
    (0..toks.len()).any(|i| {
        [&words.org, &words.person, &words.groups]
            .iter()
            .any(|list| phrase_at(list, &toks, i).is_some())
    })
}

/// Words a tagged span does not end with: the tagger sometimes runs a span on into the next
/// phrase ("the convoy of the army's commanding officer near", "political parties and").
const RUN_ON: &[&str] = &[
    "and", "or", "near", "in", "at", "of", "on", "with", "to", "from", "by", "for", "as", "the",
    "a", "an",
];

/// A tagged span made whole and tidy: widened to the entities it cuts through ("Haram
/// terrorists" inside "Boko Haram terrorists"), then without trailing punctuation and run-on
/// words. Offsets are the report's, like the entities'. The flag tells whether a conjunction
/// was cut off the end: the span is then the head of a list whose last member the tagger
/// marked apart ("The Afghan government, a number of political parties and" | "the Taliban").
fn tidy(text: &str, mut span: Span, entities: &[Entity]) -> (Span, bool) {
    for e in entities {
        if e.span.start < span.end && span.start < e.span.end {
            span = Span::new(span.start.min(e.span.start), span.end.max(e.span.end));
        }
    }
    let mut listed = false;
    while let Some(surface) = text.get(span.range()) {
        let kept = surface.trim_end_matches(|c: char| c.is_whitespace() || ",;:".contains(c));
        let kept = match kept.rsplit_once(char::is_whitespace) {
            Some((head, last)) if RUN_ON.iter().any(|w| last.eq_ignore_ascii_case(w)) => {
                listed |= ["and", "or"].iter().any(|w| last.eq_ignore_ascii_case(w));
                head.trim_end()
            }
            _ => kept,
        };
        if kept.is_empty() || kept.len() == surface.len() {
            break;
        }
        span = Span::new(span.start, span.start + kept.len());
    }
    (span, listed)
}

/// A compound actor as its members: "Israel and Jordan", "The Afghan government, a number of
/// political parties and the Taliban". The span is cut at a top-level " and " or " or " and,
/// when there is one or the span is the head of a list (`listed`), at the list's commas;
/// never inside an entity ("Immigration and Customs Enforcement"), and only when every member
/// can name an actor by itself (it holds an entity or an actor noun), so "Saudi air and sea
/// ports" stays whole. Commas alone do not cut: "Zabihullah Mujahid, the Taliban spokesman"
/// is one actor.
fn members(
    text: &str,
    span: Span,
    listed: bool,
    entities: &[Entity],
    words: &ActorWords,
) -> Vec<Span> {
    let Some(surface) = text.get(span.range()) else {
        return vec![span];
    };
    let in_entity = |at: usize| {
        entities
            .iter()
            .any(|e| e.span.start < span.start + at && span.start + at < e.span.end)
    };
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    let mut conjunction = listed;
    for sep in [" and ", " or ", ", "] {
        for (at, _) in surface.match_indices(sep) {
            if !in_entity(at) {
                conjunction |= sep != ", ";
                cuts.push((at, at + sep.len()));
            }
        }
    }
    if !conjunction {
        return vec![span];
    }
    cuts.sort_unstable();
    let mut parts = Vec::new();
    let mut from = 0;
    for (start, end) in cuts.into_iter().chain([(surface.len(), surface.len())]) {
        if start >= from {
            let part = &surface[from..start];
            let part = part
                .strip_prefix("and ")
                .or_else(|| part.strip_prefix("or "))
                .unwrap_or(part);
            let offset = span.start + start - part.len();
            let trimmed = part.trim();
            if !trimmed.is_empty() {
                let lead = part.len() - part.trim_start().len();
                parts.push(Span::new(offset + lead, offset + lead + trimmed.len()));
            }
            from = end;
        }
    }
    let stands_alone = |p: &Span| {
        entities
            .iter()
            .any(|e| e.span.start >= p.start && e.span.end <= p.end)
            || has_actor_noun(&text[p.range()], words)
    };
    if parts.len() >= 2 && parts.iter().all(stands_alone) {
        parts
    } else {
        vec![span]
    }
}

/// The end of a wire dateline at the start of a sentence ("HONG KONG - Police ...",
/// "CAIRO (Reuters) - ..."): a short head opening with a word in capitals, then a spaced
/// dash. The tagger reads the place as the sentence's subject.
fn dateline_end(sentence: &str) -> Option<usize> {
    let dash = [" - ", " \u{2013} ", " \u{2014} "]
        .iter()
        .filter_map(|d| sentence.find(d))
        .min()?;
    let first = sentence[..dash].split([' ', ',']).next()?;
    let capitals = first.chars().filter(|c| c.is_alphabetic()).count() >= 2
        && first
            .chars()
            .all(|c| !c.is_alphabetic() || c.is_uppercase());
    (dash <= 60 && capitals).then_some(dash)
}

/// The tagged spans of one sentence as actors, in report offsets: sources and targets.
/// Reciprocal participants are sources when the tagger marked no source (the first of them)
/// and targets otherwise, so "X will meet Y" gives X as source and Y as target. Each actor
/// takes its kind from the first entity inside it, and is `named` when there is one. Spans
/// that cannot name an actor (see [`actor_like`]) and a dateline are dropped.
pub(crate) fn tagged_actors(
    text: &str,
    sentence: Span,
    tagged: &[RoleSpan],
    entities: &[Entity],
    words: &ActorWords,
) -> (Vec<Actor>, Vec<Actor>) {
    let dateline = text
        .get(sentence.range())
        .and_then(dateline_end)
        .map_or(0, |end| sentence.start + end);
    let has_source = tagged.iter().any(|t| t.role == TaggedRole::Source);
    let (mut sources, mut targets) = (Vec::new(), Vec::new());
    for t in tagged {
        let (span, listed) = tidy(text, t.span.shift(sentence.start), entities);
        let Some(surface) = text.get(span.range()) else {
            continue;
        };
        if span.end <= dateline || !actor_like(surface, span, entities, words) {
            continue;
        }
        let role = match t.role {
            TaggedRole::Source => Role::Source,
            TaggedRole::Target => Role::Target,
            TaggedRole::Reciprocal if !has_source && sources.is_empty() => Role::Source,
            TaggedRole::Reciprocal => Role::Target,
        };
        for span in members(text, span, listed, entities, words) {
            // Two tagged pieces of one name ("Vladimir" and "Putin") become the same actor
            // once widened: it is kept once, in the first role given.
            if sources
                .iter()
                .chain(&targets)
                .any(|a: &Actor| a.span == span)
            {
                continue;
            }
            let entity = entities
                .iter()
                .find(|e| e.span.start >= span.start && e.span.end <= span.end);
            let actor = Actor {
                text: text[span.range()].to_string(),
                span,
                kind: entity.map(|e| e.kind.clone()),
                named: entity.is_some(),
                role,
                refers_to: None,
            };
            match role {
                Role::Source => sources.push(actor),
                _ => targets.push(actor),
            }
        }
    }
    (sources, targets)
}

/// Combine one event's rule-found actors with the sentence's tagged ones. Tagged spans that
/// are a place or a supporter the rules found for this event stay what the rules made
/// them: a place is where the event happened, a supporter ("backed by ...") is neither
/// source nor target.
pub(crate) fn merge_roles(
    rules: &mut Vec<Actor>,
    tagged: &[Actor],
    merge: RoleMerge,
    places: &[Place],
    supporters: &[Actor],
) {
    // The tagged span is that place or supporter (give or take an article), not a longer
    // phrase that contains it ("the president of ... Kyrgyzstan", "Armenian-backed militias").
    let is = |a: &Actor, s: Span| {
        a.span.start < s.end && s.start < a.span.end && a.span.len() <= s.len() + 4
    };
    let tagged: Vec<Actor> = tagged
        .iter()
        .filter(|a| !places.iter().any(|p| is(a, p.span)))
        .filter(|a| !supporters.iter().any(|s| is(a, s.span)))
        .cloned()
        .collect();
    let replace = match merge {
        RoleMerge::TaggerFirst => !tagged.is_empty(),
        RoleMerge::FillGaps => rules.is_empty(),
    };
    if replace {
        *rules = tagged;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entities::EntityKind;

    fn entity(text: &str, word: &str, label: &str, score: f32) -> Entity {
        let start = text.find(word).unwrap();
        let span = Span::new(start, start + word.len());
        Entity {
            kind: EntityKind::from_label(label),
            text: word.to_string(),
            span,
            char_span: span.to_chars(text).unwrap(),
            score,
            label: label.to_string(),
        }
    }

    struct Fixed(Vec<Vec<Entity>>);
    impl EntityRecognition for Fixed {
        fn recognize_batch(&self, texts: &[&str]) -> Result<Vec<Vec<Entity>>> {
            Ok(self.0.iter().take(texts.len()).cloned().collect())
        }
    }

    #[test]
    fn labels_that_are_not_roles_fail_clearly() {
        let s = "Putin met Erdogan.";
        let tagger = RoleTagger::new(Fixed(vec![vec![entity(s, "Putin", "PER", 0.9)]]));
        let err = tagger.tag_batch(&[s]).unwrap_err().to_string();
        assert!(err.contains("`PER`") && err.contains("not a role"), "{err}");
    }

    #[test]
    fn a_short_answer_from_the_model_is_an_error() {
        let tagger = RoleTagger::new(Fixed(vec![]));
        assert!(tagger.tag_batch(&["One.", "Two."]).is_err());
    }

    #[test]
    fn low_scores_are_dropped_and_spans_sorted() {
        let s = "Rebels shelled Aleppo and Homs.";
        let tagger = RoleTagger::new(Fixed(vec![vec![
            entity(s, "Homs", "TARGET", 0.3),
            entity(s, "Aleppo", "TARGET", 0.8),
            entity(s, "Rebels", "SOURCE", 0.9),
        ]]))
        .with_min_score(0.5);
        let got = tagger.tag_batch(&[s]).unwrap();
        let roles: Vec<_> = got[0]
            .iter()
            .map(|r| (&s[r.span.range()], r.role))
            .collect();
        assert_eq!(
            roles,
            [
                ("Rebels", TaggedRole::Source),
                ("Aleppo", TaggedRole::Target)
            ]
        );
    }

    #[test]
    fn reciprocal_participants_split_into_source_and_targets() {
        let text = "Intro. Lavrov met Safadi and Cavusoglu.";
        let sentence = Span::new(7, text.len());
        let s = &text[sentence.range()];
        let tagged: Vec<RoleSpan> = ["Lavrov", "Safadi", "Cavusoglu"]
            .iter()
            .map(|w| {
                let start = s.find(w).unwrap();
                RoleSpan {
                    span: Span::new(start, start + w.len()),
                    role: TaggedRole::Reciprocal,
                    score: 0.9,
                }
            })
            .collect();
        let ents = vec![{
            let mut e = entity(s, "Lavrov", "PER", 0.9);
            e.span = e.span.shift(sentence.start);
            e
        }];
        let words = crate::events::RoleRules::default().actors;
        let (sources, targets) = tagged_actors(text, sentence, &tagged, &ents, &words);
        assert_eq!(sources.len(), 1);
        assert_eq!(sources[0].text, "Lavrov");
        assert_eq!(&text[sources[0].span.range()], "Lavrov");
        assert_eq!(sources[0].kind, Some(EntityKind::Person));
        assert!(sources[0].named);
        let names: Vec<_> = targets.iter().map(|a| a.text.as_str()).collect();
        assert_eq!(names, ["Safadi", "Cavusoglu"]);
        assert!(targets.iter().all(|a| a.role == Role::Target && !a.named));
    }

    #[test]
    fn fragments_and_datelines_are_not_actors() {
        let text = "HONG KONG - Police fired tear gas at the protesters, backed by nobody.";
        let sentence = Span::new(0, text.len());
        let tag = |w: &str, role| {
            let start = text.find(w).unwrap();
            RoleSpan {
                span: Span::new(start, start + w.len()),
                role,
                score: 0.9,
            }
        };
        let tagged = [
            tag("HONG KONG", TaggedRole::Source),
            tag("Police", TaggedRole::Source),
            tag("the protesters", TaggedRole::Target),
            tag("backed", TaggedRole::Target),
        ];
        let words = crate::events::RoleRules::default().actors;
        let (sources, targets) = tagged_actors(text, sentence, &tagged, &[], &words);
        assert_eq!(
            sources.iter().map(|a| &a.text).collect::<Vec<_>>(),
            ["Police"]
        );
        assert_eq!(
            targets.iter().map(|a| &a.text).collect::<Vec<_>>(),
            ["the protesters"]
        );
        // A sentence-initial article alone is no name, capital or not.
        let text = "The Haitian group agreed.";
        let the = [RoleSpan {
            span: Span::new(0, 3),
            role: TaggedRole::Source,
            score: 0.5,
        }];
        let (sources, _) = tagged_actors(text, Span::new(0, text.len()), &the, &[], &words);
        assert!(sources.is_empty(), "{sources:?}");
        assert_eq!(dateline_end("Police - not a dateline"), None);
        assert_eq!(
            dateline_end("KYIV, Ukraine \u{2014} Russian forces"),
            Some(13)
        );
        assert_eq!(dateline_end("CAIRO (Reuters) - Israel and Hamas"), Some(15));
        assert_eq!(
            dateline_end("A long sentence with a dash far in - here"),
            None
        );
    }

    /// Tagged spans of `text` (one sentence from offset 0) as actors, with `names` as the
    /// recognizer's entities: the sources' and the targets' surfaces.
    fn actors_of(
        text: &str,
        tagged: &[(&str, TaggedRole)],
        names: &[&str],
    ) -> (Vec<String>, Vec<String>) {
        let tagged: Vec<RoleSpan> = tagged
            .iter()
            .map(|&(w, role)| {
                let start = text.find(w).unwrap();
                RoleSpan {
                    span: Span::new(start, start + w.len()),
                    role,
                    score: 0.9,
                }
            })
            .collect();
        let ents: Vec<Entity> = names.iter().map(|n| entity(text, n, "ORG", 0.9)).collect();
        let words = crate::events::RoleRules::default().actors;
        let (s, t) = tagged_actors(text, Span::new(0, text.len()), &tagged, &ents, &words);
        let surfaces = |v: Vec<Actor>| v.into_iter().map(|a| a.text).collect::<Vec<_>>();
        (surfaces(s), surfaces(t))
    }

    #[test]
    fn spans_are_widened_to_whole_names_and_lose_run_on_words() {
        use TaggedRole::{Source, Target};
        let text = "Suspected Boko Haram terrorists ambushed an army convoy near Bulabilin.";
        let (sources, targets) = actors_of(
            text,
            &[
                ("Haram terrorists", Source),
                ("an army convoy near", Target),
            ],
            &["Boko Haram", "Bulabilin"],
        );
        assert_eq!(sources, ["Boko Haram terrorists"]);
        assert_eq!(targets, ["an army convoy"]);

        // A run-on word after a non-ASCII space (no byte slicing inside it).
        let text = "Rebels attacked the army\u{a0}near Homs.";
        let (_, targets) = actors_of(text, &[("the army\u{a0}near", Target)], &["Homs"]);
        assert_eq!(targets, ["the army"]);

        // Two pieces of one name, tagged in two roles, are one actor in the first role.
        let text = "Vladimir Putin agreed to a ceasefire.";
        let (sources, targets) = actors_of(
            text,
            &[("Vladimir", Target), ("Putin", Source)],
            &["Vladimir Putin"],
        );
        assert_eq!(sources, Vec::<String>::new());
        assert_eq!(targets, ["Vladimir Putin"]);
    }

    #[test]
    fn compound_actors_become_lists_but_names_and_appositions_stay_whole() {
        use TaggedRole::{Source, Target};
        let text = "The Afghan government, a number of political parties and the Taliban \
                    condemned Israel and Jordan.";
        let (sources, targets) = actors_of(
            text,
            &[
                (
                    "The Afghan government, a number of political parties and",
                    Source,
                ),
                ("the Taliban", Source),
                ("Israel and Jordan", Target),
            ],
            &["Afghan", "Taliban", "Israel", "Jordan"],
        );
        assert_eq!(
            sources,
            [
                "The Afghan government",
                "a number of political parties",
                "the Taliban"
            ]
        );
        assert_eq!(targets, ["Israel", "Jordan"]);

        let text = "Immigration and Customs Enforcement returned it to Zabihullah Mujahid, \
                    the Taliban spokesman, and to Saudi air and sea ports.";
        let (sources, targets) = actors_of(
            text,
            &[
                ("Immigration and Customs Enforcement", Source),
                ("Zabihullah Mujahid, the Taliban spokesman", Target),
                ("Saudi air and sea ports", Target),
            ],
            &[
                "Immigration and Customs Enforcement",
                "Zabihullah Mujahid",
                "Taliban",
                "Saudi",
            ],
        );
        assert_eq!(sources, ["Immigration and Customs Enforcement"]);
        assert_eq!(
            targets,
            [
                "Zabihullah Mujahid, the Taliban spokesman",
                "Saudi air and sea ports"
            ]
        );
    }

    #[test]
    fn merge_policies() {
        let actor = |t: &str| Actor {
            text: t.into(),
            span: Span::new(0, t.len()),
            kind: None,
            named: false,
            role: Role::Source,
            refers_to: None,
        };
        let tagged = vec![actor("the army")];
        let mut rules = vec![actor("troops")];
        merge_roles(&mut rules, &tagged, RoleMerge::FillGaps, &[], &[]);
        assert_eq!(rules[0].text, "troops");
        merge_roles(&mut rules, &tagged, RoleMerge::TaggerFirst, &[], &[]);
        assert_eq!(rules[0].text, "the army");
        let mut empty = Vec::new();
        merge_roles(&mut empty, &tagged, RoleMerge::FillGaps, &[], &[]);
        assert_eq!(empty.len(), 1);
        let mut kept = vec![actor("troops")];
        merge_roles(&mut kept, &[], RoleMerge::TaggerFirst, &[], &[]);
        assert_eq!(kept[0].text, "troops");
        // A tagged span on a place of the event stays a place: the rules' actors remain.
        let place = Place {
            text: "the army".into(),
            span: Span::new(0, 8),
            kind: None,
            geo: None,
        };
        let mut kept = vec![actor("troops")];
        merge_roles(&mut kept, &tagged, RoleMerge::TaggerFirst, &[place], &[]);
        assert_eq!(kept[0].text, "troops");
    }
}
