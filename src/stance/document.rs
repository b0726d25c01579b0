//! Document-level stance: the stance of the sentences that mention a target, aggregated,
//! with those sentences returned as evidence.

use serde::{Deserialize, Serialize};

use super::{Stance, StanceDetection, StanceScores};
use crate::entities::Entity;
use crate::sentences::SentenceSegmentation;
use crate::text::Span;
use crate::{Error, Result};

/// What stance is sought toward: a name (passed to the detector) and other names that count
/// as mentions in the text.
///
/// ```
/// use reportage::stance::Target;
/// let t = Target::new("the ceasefire").alias("truce");
/// assert_eq!(t.names().collect::<Vec<_>>(), ["the ceasefire", "truce"]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    /// The name the stance detector is given (`{target}` in hypothesis templates).
    pub name: String,
    /// Other surface forms that mark a sentence as being about the target.
    pub aliases: Vec<String>,
}

impl Target {
    /// A target with no aliases.
    pub fn new(name: impl Into<String>) -> Self {
        Target {
            name: name.into(),
            aliases: Vec::new(),
        }
    }

    /// Add an alias.
    pub fn alias(mut self, alias: impl Into<String>) -> Self {
        self.aliases.push(alias.into());
        self
    }

    /// The name, then the aliases, skipping blank ones.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.name.as_str())
            .chain(self.aliases.iter().map(String::as_str))
            .filter(|n| !n.trim().is_empty())
    }
}

/// How the sentences that mention the target are found.
#[derive(Debug, Clone, Copy)]
pub enum Mentions<'a> {
    /// Case-insensitive whole-word matching of the target's name and aliases
    /// ([`string_mentions`]).
    StringMatch,
    /// Entities found in the same text whose surface equals a name of the target
    /// ([`entity_mentions`]).
    Entities(&'a [Entity]),
    /// Mention spans found by the caller (byte spans into the text).
    Spans(&'a [Span]),
}

/// One sentence that mentions the target, with its stance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// The sentence text.
    pub sentence: String,
    /// Its byte span in the document.
    pub span: Span,
    /// The mentions of the target inside it (byte spans in the document).
    pub mentions: Vec<Span>,
    /// The sentence's stance toward the target.
    pub scores: StanceScores,
}

/// The stance of a document toward a target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocumentStance {
    /// The target's name.
    pub target: String,
    /// The highest aggregated stance.
    pub stance: Stance,
    /// Its aggregated score.
    pub score: f32,
    /// Aggregated score per stance, highest first: the mean over the evidence sentences.
    pub scores: Vec<(Stance, f32)>,
    /// The sentences that mention the target, in document order.
    pub evidence: Vec<Evidence>,
}

fn chars_eq_ignore_case(a: char, b: char) -> bool {
    a == b || a.to_lowercase().eq(b.to_lowercase())
}

/// Byte length of `needle` matched case-insensitively at the start of `hay`, if it matches.
fn match_at(hay: &str, needle: &str) -> Option<usize> {
    let mut hay_chars = hay.char_indices();
    for n in needle.chars() {
        let (_, h) = hay_chars.next()?;
        if !chars_eq_ignore_case(h, n) {
            return None;
        }
    }
    Some(hay_chars.next().map_or(hay.len(), |(i, _)| i))
}

/// Whole-word, case-insensitive occurrences of the target's name and aliases in `text`,
/// as sorted, non-overlapping byte spans (at a position, the longest name wins).
///
/// ```
/// use reportage::stance::{string_mentions, Target};
/// let text = "The Truce held. A truce-breaker? No: truces vary.";
/// let spans = string_mentions(text, &Target::new("truce"));
/// let found: Vec<_> = spans.iter().map(|s| &text[s.range()]).collect();
/// assert_eq!(found, ["Truce", "truce"]); // "truces" is another word
/// ```
pub fn string_mentions(text: &str, target: &Target) -> Vec<Span> {
    let names: Vec<&str> = target.names().map(str::trim).collect();
    let mut spans = Vec::new();
    let mut next_free = 0;
    let mut prev: Option<char> = None;
    for (i, c) in text.char_indices() {
        let at_word_start = prev.map_or(true, |p| !p.is_alphanumeric());
        prev = Some(c);
        if i < next_free || !at_word_start {
            continue;
        }
        let best = names
            .iter()
            .filter_map(|n| match_at(&text[i..], n))
            .filter(|&len| {
                text[i + len..]
                    .chars()
                    .next()
                    .map_or(true, |c| !c.is_alphanumeric())
            })
            .max();
        if let Some(len) = best {
            spans.push(Span::new(i, i + len));
            next_free = i + len;
        }
    }
    spans
}

/// Lower-cased, trimmed, without a leading "the ": "The United Nations" and "United Nations"
/// name the same entity.
fn normalise_name(s: &str) -> String {
    let s = s.trim().to_lowercase();
    s.strip_prefix("the ").map(str::to_string).unwrap_or(s)
}

/// Spans of the entities whose surface names the target (case-insensitive, ignoring a
/// leading "the").
///
/// ```
/// use reportage::entities::{Entity, EntityKind};
/// use reportage::stance::{entity_mentions, Target};
/// use reportage::{CharSpan, Span};
/// let e = Entity { kind: EntityKind::Organization, text: "United Nations".into(),
///     span: Span::new(4, 18), char_span: CharSpan { start: 4, end: 18 }, score: 0.99, label: "ORG".into() };
/// assert_eq!(entity_mentions(&[e], &Target::new("the United Nations")), [Span::new(4, 18)]);
/// ```
pub fn entity_mentions(entities: &[Entity], target: &Target) -> Vec<Span> {
    let names: Vec<String> = target.names().map(normalise_name).collect();
    let mut spans: Vec<Span> = entities
        .iter()
        .filter(|e| names.contains(&normalise_name(&e.text)))
        .map(|e| e.span)
        .collect();
    spans.sort();
    spans
}

/// Mean score per stance over sentence results, highest first. A stance missing from some
/// results counts as 0 there.
///
/// ```
/// use reportage::stance::{aggregate_mean, Stance, StanceScores};
/// let a = StanceScores::from_scores(vec![(Stance::Favor, 0.8), (Stance::Against, 0.2)]).unwrap();
/// let b = StanceScores::from_scores(vec![(Stance::Favor, 0.4), (Stance::Against, 0.6)]).unwrap();
/// let m = aggregate_mean(&[&a, &b]).unwrap();
/// assert_eq!(m[0].0, Stance::Favor);
/// assert!((m[0].1 - 0.6).abs() < 1e-6);
/// ```
pub fn aggregate_mean(results: &[&StanceScores]) -> Result<Vec<(Stance, f32)>> {
    if results.is_empty() {
        return Err(Error::InvalidArgument(
            "no sentence stances to aggregate".into(),
        ));
    }
    let mut sums: Vec<(Stance, f64)> = Vec::new();
    for r in results {
        for &(stance, score) in &r.scores {
            match sums.iter_mut().find(|(s, _)| *s == stance) {
                Some(slot) => slot.1 += score as f64,
                None => sums.push((stance, score as f64)),
            }
        }
    }
    let n = results.len() as f64;
    let mut out: Vec<(Stance, f32)> = sums.into_iter().map(|(s, v)| (s, (v / n) as f32)).collect();
    out.sort_by(|a, b| b.1.total_cmp(&a.1));
    Ok(out)
}

/// Stance of `text` toward `target`: split into sentences, keep those that mention the
/// target, score each with `detector` (one batch), and average. `Ok(None)` when no sentence
/// mentions the target; errors on an empty target.
///
/// ```
/// use reportage::sentences::{Sentence, SentenceSegmentation};
/// use reportage::stance::{document_stance, Mentions, Stance, StanceDetection, StanceScores, Target};
/// use reportage::Span;
///
/// // Splits on ". " only; a real splitter comes from `reportage::sentences`.
/// struct Dots;
/// impl SentenceSegmentation for Dots {
///     fn split<'a>(&self, text: &'a str) -> Vec<Sentence<'a>> {
///         let mut out = Vec::new();
///         let mut start = 0;
///         for (i, _) in text.match_indices(". ") {
///             out.push(Sentence { text: &text[start..i + 1], span: Span::new(start, i + 1) });
///             start = i + 2;
///         }
///         out.push(Sentence { text: &text[start..], span: Span::new(start, text.len()) });
///         out
///     }
/// }
/// // Favours when the sentence says "welcomed", opposes otherwise.
/// struct Keyword;
/// impl StanceDetection for Keyword {
///     fn detect_batch(&self, pairs: &[(&str, &str)]) -> reportage::Result<Vec<StanceScores>> {
///         pairs.iter().map(|(text, _)| {
///             let f = if text.contains("welcomed") { 0.9 } else { 0.3 };
///             StanceScores::from_scores(vec![(Stance::Favor, f), (Stance::Against, 1.0 - f)])
///         }).collect()
///     }
/// }
/// let text = "Damascus welcomed the ceasefire. Rain fell. Rebels doubt the truce.";
/// let target = Target::new("the ceasefire").alias("truce");
/// let doc = document_stance(&Keyword, &Dots, text, &target, Mentions::StringMatch)
///     .unwrap()
///     .unwrap();
/// assert_eq!(doc.evidence.len(), 2);
/// assert_eq!(doc.stance, Stance::Favor);
/// assert!((doc.score - 0.6).abs() < 1e-6);
/// assert_eq!(&text[doc.evidence[1].mentions[0].range()], "truce");
/// ```
pub fn document_stance(
    detector: &dyn StanceDetection,
    splitter: &dyn SentenceSegmentation,
    text: &str,
    target: &Target,
    mentions: Mentions<'_>,
) -> Result<Option<DocumentStance>> {
    if target.name.trim().is_empty() {
        return Err(Error::EmptyInput("stance target"));
    }
    let spans = match mentions {
        Mentions::StringMatch => string_mentions(text, target),
        Mentions::Entities(entities) => entity_mentions(entities, target),
        Mentions::Spans(spans) => spans.to_vec(),
    };
    let overlaps = |s: Span, m: Span| m.start < s.end && s.start < m.end;
    let selected: Vec<(crate::sentences::Sentence<'_>, Vec<Span>)> = splitter
        .split(text)
        .into_iter()
        .filter_map(|s| {
            let inside: Vec<Span> = spans
                .iter()
                .copied()
                .filter(|&m| overlaps(s.span, m))
                .collect();
            (!inside.is_empty()).then_some((s, inside))
        })
        .collect();
    if selected.is_empty() {
        return Ok(None);
    }
    let pairs: Vec<(&str, &str)> = selected
        .iter()
        .map(|(s, _)| (s.text, target.name.as_str()))
        .collect();
    let results = detector.detect_batch(&pairs)?;
    if results.len() != pairs.len() {
        return Err(Error::MalformedOutput(format!(
            "stance backend returned {} results for {} sentences",
            results.len(),
            pairs.len()
        )));
    }
    let scores = aggregate_mean(&results.iter().collect::<Vec<_>>())?;
    let (stance, score) = scores[0];
    let evidence = selected
        .into_iter()
        .zip(results)
        .map(|((s, mentions), scores)| Evidence {
            sentence: s.text.to_string(),
            span: s.span,
            mentions,
            scores,
        })
        .collect();
    Ok(Some(DocumentStance {
        target: target.name.clone(),
        stance,
        score,
        scores,
        evidence,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sentences::SentenceSplitter;

    #[test]
    fn string_mentions_respect_words_and_case() {
        let t = Target::new("UN").alias("United Nations");
        let text = "The united nations (UN) met; UNICEF did not. ÜN un";
        let found: Vec<&str> = string_mentions(text, &t)
            .iter()
            .map(|s| &text[s.range()])
            .collect();
        assert_eq!(found, ["united nations", "UN", "un"]);
        // Multi-byte text before and inside a match keeps byte spans right.
        let text = "Ärzte in İzmir: Ärzte";
        let spans = string_mentions(text, &Target::new("ärzte"));
        assert_eq!(spans.len(), 2);
        assert_eq!(&text[spans[1].range()], "Ärzte");
        assert!(string_mentions("anything", &Target::new(" ")).is_empty());
    }

    struct Fixed(Vec<(Stance, f32)>);
    impl StanceDetection for Fixed {
        fn detect_batch(&self, pairs: &[(&str, &str)]) -> Result<Vec<StanceScores>> {
            super::super::check_pairs(pairs)?;
            pairs
                .iter()
                .map(|_| StanceScores::from_scores(self.0.clone()))
                .collect()
        }
    }

    #[test]
    fn no_mention_is_none_and_empty_target_is_error() {
        let d = Fixed(vec![(Stance::Favor, 1.0)]);
        let none = document_stance(
            &d,
            &SentenceSplitter::new(),
            "Nothing here.",
            &Target::new("ceasefire"),
            Mentions::StringMatch,
        )
        .unwrap();
        assert!(none.is_none());
        let err = document_stance(
            &d,
            &SentenceSplitter::new(),
            "x",
            &Target::new(""),
            Mentions::StringMatch,
        );
        assert!(matches!(err, Err(Error::EmptyInput(_))));
    }

    #[test]
    fn explicit_spans_select_sentences() {
        let d = Fixed(vec![(Stance::Against, 0.7), (Stance::Favor, 0.3)]);
        let text = "  Sanctions hurt.  ";
        let spans = [Span::new(2, 11)];
        let doc = document_stance(
            &d,
            &SentenceSplitter::new(),
            text,
            &Target::new("the sanctions"),
            Mentions::Spans(&spans),
        )
        .unwrap()
        .unwrap();
        assert_eq!(doc.stance, Stance::Against);
        assert_eq!(doc.evidence[0].sentence, "Sanctions hurt.");
        assert_eq!(doc.evidence[0].span, Span::new(2, 17));
    }
}
