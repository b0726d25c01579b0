//! Coreference inside one report, for event actors: a pronoun ("she", "they") or a
//! description ("the group", "the ministry") that an event names as its actor is linked to a
//! compatible named actor mentioned just before it. The mention stays the actor (it is the
//! evidence); the name it stands for is [`Actor::refers_to`].
//!
//! Deliberately narrow: only the mentions listed here, only antecedents in the same
//! sentence before the mention or in the [`WINDOW`] sentences before it, the nearest
//! compatible one. Anything else is left unresolved rather than guessed.

use serde::{Deserialize, Serialize};

use super::types::Actor;
use crate::entities::{Entity, EntityKind};
use crate::text::Span;

/// How many sentences before the mention's own are searched.
pub const WINDOW: usize = 2;

/// The named actor a mention stands for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Antecedent {
    /// The name as written where it was mentioned, `&report.text[span.range()]`.
    pub text: String,
    /// Byte span of that mention in the report.
    pub span: Span,
    pub kind: Option<EntityKind>,
}

/// What a mention can stand for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wants {
    Person,
    /// An organisation, a state or a people: "it", "they".
    Collective,
    /// An organisation or a people, not a state: "the group", "the movement".
    Group,
    /// An organisation: "the ministry", "the agency".
    Body,
    /// A state: "the country".
    State,
}

/// The kind of antecedent `mention` needs, if it is a mention we resolve.
fn wants(mention: &str) -> Option<Wants> {
    let lower = mention.trim().to_lowercase();
    let words: Vec<&str> = lower.split_whitespace().collect();
    match words[..] {
        ["he" | "she" | "him" | "her"] => Some(Wants::Person),
        ["they" | "them" | "it"] => Some(Wants::Collective),
        ["the", "country" | "nation" | "state"] => Some(Wants::State),
        ["the", "ministry" | "agency" | "company"] => Some(Wants::Body),
        ["the", "group" | "organisation" | "organization" | "movement" | "party" | "militia"
        | "alliance" | "coalition"] => Some(Wants::Group),
        _ => None,
    }
}

fn fits(wants: Wants, kind: &EntityKind) -> bool {
    match wants {
        Wants::Person => *kind == EntityKind::Person,
        Wants::Collective => matches!(
            kind,
            EntityKind::Organization | EntityKind::Norp | EntityKind::Gpe
        ),
        Wants::Group => matches!(kind, EntityKind::Organization | EntityKind::Norp),
        Wants::Body => *kind == EntityKind::Organization,
        Wants::State => *kind == EntityKind::Gpe,
    }
}

/// Whether a mention is one this module resolves (pronouns and the descriptions above);
/// the role tagger keeps such spans as actors.
pub(crate) fn is_resolvable(mention: &str) -> bool {
    wants(mention).is_some()
}

/// Link each resolvable actor of `actors` to the nearest compatible name before it.
///
/// `sentences` are the report's sentence spans in order, `entities` the report's entities
/// (report offsets, any order), `sentence` the index of the actors' sentence. `earlier`
/// holds the named sources of earlier events and the mentions already resolved (where it
/// was said, who): these are tried first, the nearest compatible one, because the actor a
/// pronoun continues is usually the one that acted before ("Hamas fired rockets at Israel.
/// They also ..." is Hamas, not the nearer Israel). Only when none fits is the nearest
/// compatible entity taken. Resolved mentions are appended to `earlier`, so chains hold.
pub(crate) fn resolve(
    text: &str,
    actors: &mut [Actor],
    sentence: usize,
    sentences: &[Span],
    entities: &[Entity],
    earlier: &mut Vec<(Span, Antecedent)>,
) {
    let Some(first) = sentences.get(sentence.saturating_sub(WINDOW)) else {
        return;
    };
    for actor in actors.iter_mut() {
        if actor.named || actor.refers_to.is_some() {
            continue;
        }
        let Some(wanted) = wants(&actor.text) else {
            continue;
        };
        let named = entities.iter().filter_map(|e| {
            let surface = text.get(e.span.range())?;
            Some((
                e.span,
                Antecedent {
                    text: surface.to_string(),
                    span: e.span,
                    kind: Some(e.kind.clone()),
                },
            ))
        });
        // Nearest first: the latest candidate that ends before the mention starts.
        let nearest = |candidates: &mut dyn Iterator<Item = (Span, Antecedent)>| {
            candidates
                .filter(|(at, _)| at.end <= actor.span.start && at.start >= first.start)
                .filter(|(_, a)| a.kind.as_ref().is_some_and(|k| fits(wanted, k)))
                .max_by_key(|(at, _)| at.end)
        };
        let found =
            nearest(&mut earlier.iter().cloned()).or_else(|| nearest(&mut named.into_iter()));
        if let Some((_, antecedent)) = found {
            earlier.push((actor.span, antecedent.clone()));
            actor.refers_to = Some(antecedent);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::types::Role;

    fn entity(text: &str, word: &str, kind: EntityKind) -> Entity {
        let start = text.find(word).unwrap();
        let span = Span::new(start, start + word.len());
        Entity {
            label: kind.as_str().to_string(),
            kind,
            text: word.to_string(),
            span,
            char_span: span.to_chars(text).unwrap(),
            score: 0.9,
        }
    }

    fn actor(text: &str, word: &str, from: usize) -> Actor {
        let start = from + text[from..].find(word).unwrap();
        Actor {
            text: word.to_string(),
            span: Span::new(start, start + word.len()),
            kind: None,
            named: false,
            role: Role::Source,
            refers_to: None,
        }
    }

    #[test]
    fn pronouns_and_descriptions_find_the_nearest_compatible_name() {
        let text = "Maria Zakharova met the Islamic State envoy in Moscow. \
                    She said the group had freed two soldiers. It denied that.";
        let s1 = text.find("She").unwrap();
        let s2 = text.find("It denied").unwrap();
        let sentences = [
            Span::new(0, s1 - 1),
            Span::new(s1, s2 - 1),
            Span::new(s2, text.len()),
        ];
        let entities = vec![
            entity(text, "Maria Zakharova", EntityKind::Person),
            entity(text, "Islamic State", EntityKind::Organization),
            entity(text, "Moscow", EntityKind::Gpe),
        ];
        let mut actors = vec![actor(text, "She", s1), actor(text, "the group", s1)];
        let mut earlier = Vec::new();
        resolve(text, &mut actors, 1, &sentences, &entities, &mut earlier);
        let names: Vec<_> = actors
            .iter()
            .map(|a| a.refers_to.as_ref().map(|r| r.text.as_str()))
            .collect();
        // "She" skips the nearer organisation and city; "the group" skips the city: a
        // state is not a group.
        assert_eq!(names, [Some("Maria Zakharova"), Some("Islamic State")]);
        // "It" follows the chain: "the group", resolved to Islamic State, is nearer than
        // Moscow.
        let mut it = vec![actor(text, "It", s2)];
        resolve(text, &mut it, 2, &sentences, &entities, &mut earlier);
        let found = it[0].refers_to.as_ref().unwrap();
        assert_eq!(found.text, "Islamic State");
        assert_eq!(found.kind, Some(EntityKind::Organization));
        // Without the chain, the nearest compatible name is the city.
        let mut it = vec![actor(text, "It", s2)];
        resolve(text, &mut it, 2, &sentences, &entities, &mut Vec::new());
        assert_eq!(it[0].refers_to.as_ref().unwrap().text, "Moscow");
    }

    #[test]
    fn nothing_is_guessed_outside_the_window_or_for_other_mentions() {
        let text = "Hamas fired rockets. A. B. C. They said so. The rebels left.";
        let starts: Vec<usize> = ["Hamas", "A.", "B.", "C.", "They", "The rebels"]
            .iter()
            .map(|w| text.find(w).unwrap())
            .collect();
        let sentences: Vec<Span> = starts
            .windows(2)
            .map(|w| Span::new(w[0], w[1] - 1))
            .chain([Span::new(starts[5], text.len())])
            .collect();
        let entities = vec![entity(text, "Hamas", EntityKind::Organization)];
        // "They" is 4 sentences after Hamas: outside the window of 2.
        let mut they = vec![actor(text, "They", starts[4])];
        resolve(text, &mut they, 4, &sentences, &entities, &mut Vec::new());
        assert_eq!(they[0].refers_to, None);
        // "The rebels" names its own actor; it is not a mention we resolve.
        let mut rebels = vec![actor(text, "The rebels", starts[5])];
        resolve(text, &mut rebels, 5, &sentences, &entities, &mut Vec::new());
        assert_eq!(rebels[0].refers_to, None);
        assert!(is_resolvable("they") && is_resolvable("The group"));
        assert!(!is_resolvable("the rebels") && !is_resolvable("groups"));
    }
}
