//! The trigger lexicon (PLOVER type per phrase) and the role word lists, both kept as data.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde::Deserialize;

use super::types::EventType;
use crate::text::tokens::{stem, Token};
use crate::{Error, Result};

/// The default trigger lexicon, `data/plover_triggers.toml`.
pub const DEFAULT_TRIGGERS: &str = include_str!("../../data/plover_triggers.toml");
/// The default role word lists, `data/event_roles.toml`.
pub const DEFAULT_ROLES: &str = include_str!("../../data/event_roles.toml");

#[derive(Debug, Clone, PartialEq, Eq)]
enum PatWord {
    Stem(String),
    Exact(String),
    /// Zero to two words of anything.
    Gap,
}

#[derive(Debug, Clone)]
struct Pattern {
    words: Vec<PatWord>,
    phrase: String,
    event_type: EventType,
    mode: Option<String>,
    weak: bool,
}

/// One type's entry: what it means and whether it is a speech act.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeInfo {
    pub event_type: EventType,
    /// What the type covers; the hypothesis a model-based classifier scores.
    pub description: String,
    /// A speech act: what follows it is content, and only an actor right after it is a target.
    pub verbal: bool,
    /// For a speech act: a place after the trigger is still where the event happened
    /// ("met ... in Ankara"), not part of what was said ("called for talks in Geneva").
    pub located: bool,
    /// For a speech act: with no actor right after the trigger, the target is the first
    /// actor of what was said ("threatened to impose sanctions on officials").
    pub content_target: bool,
}

/// A trigger found in a sentence (token indices into that sentence).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TriggerHit {
    pub start: usize,
    pub end: usize,
    pub event_type: EventType,
    pub mode: Option<String>,
    pub weak: bool,
    pub phrase: String,
}

/// PLOVER trigger phrases per type, loaded from TOML (see `data/plover_triggers.toml`).
///
/// ```
/// use reportage::events::{EventType, TriggerLexicon};
/// let lex = TriggerLexicon::default();
/// assert!(lex.info(EventType::Request).verbal);
/// let custom = TriggerLexicon::from_toml_str(r#"
///     [PROTEST]
///     description = "Demonstrate."
///     triggers = ["sit-in", "march"]
/// "#).unwrap();
/// assert_eq!(custom.types().count(), 1);
/// ```
#[derive(Debug, Clone)]
pub struct TriggerLexicon {
    infos: BTreeMap<EventType, TypeInfo>,
    /// Patterns by the stem (or exact word) of their first word.
    by_first: HashMap<String, Vec<Pattern>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawType {
    description: String,
    #[serde(default)]
    verbal: bool,
    #[serde(default)]
    located: bool,
    #[serde(default)]
    content_target: bool,
    #[serde(default)]
    triggers: Vec<String>,
    #[serde(default)]
    weak: Vec<String>,
    #[serde(default)]
    modes: BTreeMap<String, Vec<String>>,
}

impl Default for TriggerLexicon {
    fn default() -> Self {
        TriggerLexicon::from_toml_str(DEFAULT_TRIGGERS).expect("the bundled trigger lexicon parses")
    }
}

impl TriggerLexicon {
    /// Parse a lexicon from TOML text.
    pub fn from_toml_str(s: &str) -> Result<Self> {
        let raw: BTreeMap<String, RawType> =
            toml::from_str(s).map_err(|e| Error::Unparsable(format!("trigger lexicon: {e}")))?;
        let mut infos = BTreeMap::new();
        let mut by_first: HashMap<String, Vec<Pattern>> = HashMap::new();
        for (name, entry) in raw {
            let event_type: EventType = name.parse()?;
            infos.insert(
                event_type,
                TypeInfo {
                    event_type,
                    description: entry.description,
                    verbal: entry.verbal,
                    located: entry.located,
                    content_target: entry.content_target,
                },
            );
            let plain = entry.triggers.iter().map(|p| (p, None, false));
            let weak = entry.weak.iter().map(|p| (p, None, true));
            let moded = entry
                .modes
                .iter()
                .flat_map(|(m, ps)| ps.iter().map(move |p| (p, Some(m.clone()), false)));
            for (phrase, mode, weak) in plain.chain(weak).chain(moded) {
                let words = parse_phrase(phrase)?;
                let key = match &words[0] {
                    PatWord::Stem(s) | PatWord::Exact(s) => s.clone(),
                    PatWord::Gap => unreachable!("parse_phrase rejects a leading gap"),
                };
                by_first.entry(key).or_default().push(Pattern {
                    words,
                    phrase: phrase.trim().trim_start_matches('=').to_string(),
                    event_type,
                    mode,
                    weak,
                });
            }
        }
        if infos.is_empty() {
            return Err(Error::InvalidArgument(
                "trigger lexicon: no event types".into(),
            ));
        }
        Ok(TriggerLexicon { infos, by_first })
    }

    /// Read a lexicon file.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let s = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Self::from_toml_str(&s)
    }

    /// The types this lexicon knows, with descriptions.
    pub fn types(&self) -> impl Iterator<Item = &TypeInfo> {
        self.infos.values()
    }

    /// Description and flags of one type (a type the lexicon lacks gets a neutral entry).
    pub fn info(&self, t: EventType) -> TypeInfo {
        self.infos.get(&t).cloned().unwrap_or(TypeInfo {
            event_type: t,
            description: t.as_str().to_lowercase(),
            verbal: false,
            located: false,
            content_target: false,
        })
    }

    /// Longest-first, left-to-right, non-overlapping trigger matches over `toks`.
    pub(crate) fn find(&self, toks: &[Token]) -> Vec<TriggerHit> {
        let mut hits = Vec::new();
        let mut i = 0;
        while i < toks.len() {
            let mut best: Option<(usize, &Pattern)> = None;
            if toks[i].is_word {
                let keys = [
                    toks[i].stem.as_str(),
                    toks[i].lower.as_str(),
                    toks[i].tail.as_str(),
                ];
                for (n, key) in keys.iter().enumerate() {
                    // The same key twice would only repeat the work.
                    if keys[..n].contains(key) {
                        continue;
                    }
                    for p in self.by_first.get(*key).into_iter().flatten() {
                        if let Some(end) = match_at(&p.words, toks, i) {
                            // Longer wins; on a tie the non-weak, then the moded pattern.
                            let better = match best {
                                None => true,
                                Some((e, q)) => {
                                    end > e
                                        || (end == e && q.weak && !p.weak)
                                        || (end == e && q.mode.is_none() && p.mode.is_some())
                                }
                            };
                            if better {
                                best = Some((end, p));
                            }
                        }
                    }
                }
            }
            match best {
                Some((end, p)) => {
                    hits.push(TriggerHit {
                        start: i,
                        end,
                        event_type: p.event_type,
                        mode: p.mode.clone(),
                        weak: p.weak,
                        phrase: p.phrase.clone(),
                    });
                    i = end;
                }
                None => i += 1,
            }
        }
        hits
    }
}

fn parse_phrase(phrase: &str) -> Result<Vec<PatWord>> {
    let words: Vec<PatWord> = phrase
        .split_whitespace()
        .map(|w| {
            if w == "*" {
                PatWord::Gap
            } else if let Some(exact) = w.strip_prefix('=') {
                PatWord::Exact(exact.to_lowercase())
            } else {
                PatWord::Stem(stem(w))
            }
        })
        .collect();
    match (words.first(), words.last()) {
        (Some(PatWord::Gap), _) | (_, Some(PatWord::Gap)) | (None, _) => {
            Err(Error::InvalidArgument(format!(
                "trigger lexicon: bad phrase `{phrase}` (empty, or starts/ends with *)"
            )))
        }
        _ => Ok(words),
    }
}

/// End token index (exclusive) if `words` match at `i`.
fn match_at(words: &[PatWord], toks: &[Token], i: usize) -> Option<usize> {
    let Some((first, rest)) = words.split_first() else {
        return Some(i);
    };
    match first {
        PatWord::Gap => (0..=2).find_map(|skip| {
            let j = i + skip;
            let skipped_words = toks.get(i..j)?.iter().all(|t| t.is_word);
            if skipped_words {
                match_at(rest, toks, j)
            } else {
                None
            }
        }),
        PatWord::Stem(s) => {
            let t = toks.get(i)?;
            // A compound's tail only stands for the whole word in one-word patterns.
            let tail_ok = rest.is_empty() && t.tail == *s;
            (t.is_word && (t.stem == *s || tail_ok)).then_some(())?;
            match_at(rest, toks, i + 1)
        }
        PatWord::Exact(s) => {
            let t = toks.get(i)?;
            (t.is_word && t.lower == *s).then_some(())?;
            match_at(rest, toks, i + 1)
        }
    }
}

/// The word lists of role assignment (see `data/event_roles.toml`), lower-cased phrases.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleRules {
    pub actors: ActorWords,
    pub patterns: PatternWords,
    pub clauses: ClauseWords,
    pub modality: ModalityWords,
    pub voice: VoiceWords,
}

/// Actor nouns and the words that build actor phrases.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActorWords {
    pub org: Vec<String>,
    pub person: Vec<String>,
    pub groups: Vec<String>,
    /// Personal pronouns that can be an event's actor ("He accused Ukraine"); coreference
    /// links them to the name they stand for.
    #[serde(default)]
    pub pronouns: Vec<String>,
    pub modifiers: Vec<String>,
    pub determiners: Vec<String>,
}

/// Words that introduce roles and places.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PatternWords {
    pub supporter: Vec<String>,
    pub agent: Vec<String>,
    pub target: Vec<String>,
    pub locative: Vec<String>,
    pub place_modifiers: Vec<String>,
    pub prepositions: Vec<String>,
    pub quantifiers: Vec<String>,
    pub partner: Vec<String>,
}

/// Words that open clauses.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClauseWords {
    pub after_comma: Vec<String>,
    pub always: Vec<String>,
    pub inherit_subject: Vec<String>,
    pub relative: Vec<String>,
}

/// Negation and hypothetical markers.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModalityWords {
    pub negation: Vec<String>,
    pub irrealis: Vec<String>,
}

/// Passive voice markers.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VoiceWords {
    pub passive_aux: Vec<String>,
    pub participles: Vec<String>,
}

impl Default for RoleRules {
    fn default() -> Self {
        RoleRules::from_toml_str(DEFAULT_ROLES).expect("the bundled role rules parse")
    }
}

impl RoleRules {
    /// Parse role rules from TOML text (same layout as `data/event_roles.toml`).
    pub fn from_toml_str(s: &str) -> Result<Self> {
        let mut r: RoleRules =
            toml::from_str(s).map_err(|e| Error::Unparsable(format!("role rules: {e}")))?;
        // Longest first, so that "security forces" is tried before "forces".
        for list in [
            &mut r.actors.org,
            &mut r.actors.person,
            &mut r.actors.groups,
            &mut r.patterns.supporter,
            &mut r.patterns.locative,
            &mut r.patterns.place_modifiers,
            &mut r.modality.irrealis,
            &mut r.modality.negation,
            &mut r.voice.passive_aux,
        ] {
            for w in list.iter_mut() {
                *w = w.to_lowercase();
            }
            list.sort_by_key(|w| std::cmp::Reverse(w.split_whitespace().count()));
        }
        Ok(r)
    }

    /// Read role rules from a file.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let s = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Self::from_toml_str(&s)
    }
}

/// Length in tokens of the first phrase of `list` that matches at `i` (lower-cased surface).
pub(crate) fn phrase_at(list: &[String], toks: &[Token], i: usize) -> Option<usize> {
    list.iter().find_map(|p| {
        let mut n = 0;
        for w in p.split_whitespace() {
            if toks.get(i + n)?.lower != w {
                return None;
            }
            n += 1;
        }
        Some(n)
    })
}

/// Whether some phrase of `list` ends exactly at token `end` (exclusive); its start if so.
pub(crate) fn phrase_ending_at(list: &[String], toks: &[Token], end: usize) -> Option<usize> {
    list.iter().find_map(|p| {
        let n = p.split_whitespace().count();
        let start = end.checked_sub(n)?;
        (phrase_at(std::slice::from_ref(p), toks, start) == Some(n)).then_some(start)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::tokens::tokenize;

    fn found(text: &str) -> Vec<(EventType, Option<String>, String)> {
        let lex = TriggerLexicon::default();
        let toks = tokenize(text, 0);
        lex.find(&toks)
            .into_iter()
            .map(|h| {
                let s = toks[h.start].span.start;
                let e = toks[h.end - 1].span.end;
                (h.event_type, h.mode, text[s..e].to_string())
            })
            .collect()
    }

    #[test]
    fn bundled_data_parses_and_covers_all_types() {
        let lex = TriggerLexicon::default();
        assert_eq!(lex.types().count(), 16);
        RoleRules::default();
    }

    #[test]
    fn inflections_multiword_gaps_and_modes() {
        assert_eq!(
            found("Forces advanced, pushing towards the city amid airstrikes."),
            [
                (EventType::Assault, None, "advanced".into()),
                (EventType::Assault, None, "pushing towards".into()),
                (
                    EventType::Assault,
                    Some("aerial".into()),
                    "airstrikes".into()
                ),
            ]
        );
        assert_eq!(
            found("They reached a historic deal and called for calm."),
            [
                (EventType::Agree, None, "reached a historic deal".into()),
                (EventType::Request, None, "called for".into()),
            ]
        );
        // Every form of "agree" meets the trigger (the stem of "agreed" once lost an "e").
        for text in [
            "They agreed.",
            "She agrees.",
            "agreeing",
            "Burma has agreed to allow aid",
        ] {
            let hits = found(text);
            assert_eq!(hits[0].0, EventType::Agree, "{text}: {hits:?}");
        }
        // A labour strike is a protest; a strike alone stays an attack.
        assert_eq!(found("Dockers went on strike.")[0].0, EventType::Protest);
        assert_eq!(
            found("Unions called a nationwide strike.")[0].0,
            EventType::Protest
        );
        assert_eq!(
            found("One strike destroyed a bunker.")[0].0,
            EventType::Assault
        );
        // Exact words do not stem: "armed" is not "arms".
        assert!(found("armed groups").is_empty());
        assert_eq!(found("sent arms")[0].1.as_deref(), Some("military"));
    }

    #[test]
    fn bad_lexicons_are_errors() {
        assert!(TriggerLexicon::from_toml_str("[NOPE]\ndescription = \"x\"").is_err());
        assert!(TriggerLexicon::from_toml_str(
            "[AID]\ndescription = \"x\"\ntriggers = [\"* aid\"]"
        )
        .is_err());
        assert!(TriggerLexicon::from_toml_str("[AID]\ndescriptio = \"x\"").is_err());
    }
}
