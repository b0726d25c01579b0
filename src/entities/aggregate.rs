//! From per-token label probabilities to entities, the way Hugging Face `transformers`'
//! `TokenClassificationPipeline` does it (strategies `none`, `simple`, `first`, `average`,
//! `max`), plus proper BILOU/IOBES grouping and `viterbi`: the most probable label sequence
//! the scheme allows, so that a span is never opened by `I-` or cut by one doubtful word.
//!
//! Pure code: no libtorch, no tokenizer. The recognizer feeds it the probabilities of the
//! non-special tokens of one piece of text with their byte spans and sub-word flags; any
//! other backend (ONNX, a remote service) can do the same.
//!
//! ```
//! use reportage::entities::aggregate::{aggregate, AggregationStrategy, LabelSet, TokenView};
//! use reportage::entities::LabelScheme;
//! use reportage::Span;
//!
//! let text = "Kofi Annan spoke";
//! let labels = LabelSet::new(["O", "B-PER", "I-PER"], LabelScheme::Auto).unwrap();
//! let tokens = [
//!     TokenView { span: Span::new(0, 4), is_subword: false },
//!     TokenView { span: Span::new(5, 7), is_subword: false },
//!     TokenView { span: Span::new(7, 10), is_subword: true },
//!     TokenView { span: Span::new(11, 16), is_subword: false },
//! ];
//! // One probability row per token, in label order.
//! let probs = [
//!     0.1, 0.8, 0.1, //
//!     0.1, 0.1, 0.8, //
//!     0.6, 0.1, 0.3, // "##nan" alone would be O...
//!     0.9, 0.05, 0.05,
//! ];
//! let found = aggregate(text, &tokens, &probs, &labels, AggregationStrategy::First).unwrap();
//! assert_eq!(found.len(), 1); // ...but `first` takes the word's first token: I-PER.
//! assert_eq!(&text[found[0].span.range()], "Kofi Annan");
//! assert_eq!(found[0].label, "PER");
//! ```

use ndarray::Array2;
use serde::{Deserialize, Serialize};

use super::kind::{hf_group_label, hf_tag, parse_label, Tag};
use super::{Entity, EntityKind, LabelScheme};
use crate::text::span::CharIndex;
use crate::text::Span;
use crate::{Error, Result};

/// How sub-word predictions become entities; the names and behaviour of `transformers`'
/// `aggregation_strategy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AggregationStrategy {
    /// One result per non-`O` token, with its full label (`B-PER`); nothing is grouped.
    None,
    /// Tokens grouped by label alone; a word may be split across entities.
    Simple,
    /// A word takes the label of its first token.
    #[default]
    First,
    /// A word takes the label with the highest mean probability over its tokens.
    Average,
    /// A word takes the label of its most confident token.
    Max,
    /// Words read as with `First` (each takes its first token's probabilities), then labelled
    /// together: the most probable sequence of labels the scheme allows (no `I-PER` after `O`
    /// or `B-ORG`; in BILOU no entity left open), found by Viterbi over log-probabilities.
    /// Not a `transformers` strategy. Where `First` cuts a long span at one doubtful word
    /// ("the comprehensive proposal submitted by ..." read `B-TARGET I-TARGET O I-TARGET`),
    /// this keeps or drops it whole, whichever the model finds more probable.
    ///
    /// ```
    /// use reportage::entities::aggregate::{aggregate, AggregationStrategy, LabelSet, TokenView};
    /// use reportage::entities::LabelScheme;
    /// use reportage::Span;
    ///
    /// let text = "the new proposal";
    /// let labels = LabelSet::new(["O", "B-T", "I-T"], LabelScheme::Auto).unwrap();
    /// let words = [Span::new(0, 3), Span::new(4, 7), Span::new(8, 16)];
    /// let tokens = words.map(|span| TokenView { span, is_subword: false });
    /// let probs = [
    ///     0.1, 0.8, 0.1, //
    ///     0.5, 0.1, 0.4, // "new": O by a little...
    ///     0.1, 0.1, 0.8,
    /// ];
    /// let first = aggregate(text, &tokens, &probs, &labels, AggregationStrategy::First).unwrap();
    /// assert_eq!(first.len(), 2); // "the" and "proposal", cut apart
    /// let best = aggregate(text, &tokens, &probs, &labels, AggregationStrategy::Viterbi).unwrap();
    /// assert_eq!(best.len(), 1); // ...but one span is the more probable reading
    /// assert_eq!(&text[best[0].span.range()], "the new proposal");
    /// ```
    Viterbi,
}

impl AggregationStrategy {
    /// Every strategy, in declaration order.
    pub const ALL: [AggregationStrategy; 6] = [
        AggregationStrategy::None,
        AggregationStrategy::Simple,
        AggregationStrategy::First,
        AggregationStrategy::Average,
        AggregationStrategy::Max,
        AggregationStrategy::Viterbi,
    ];

    /// The name `FromStr` reads, `Display` writes and serde uses (`transformers`' names,
    /// plus `viterbi`).
    pub fn name(self) -> &'static str {
        match self {
            AggregationStrategy::None => "none",
            AggregationStrategy::Simple => "simple",
            AggregationStrategy::First => "first",
            AggregationStrategy::Average => "average",
            AggregationStrategy::Max => "max",
            AggregationStrategy::Viterbi => "viterbi",
        }
    }
}

impl std::fmt::Display for AggregationStrategy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for AggregationStrategy {
    type Err = Error;

    /// ```
    /// use reportage::entities::aggregate::AggregationStrategy;
    /// assert_eq!("viterbi".parse::<AggregationStrategy>().unwrap(), AggregationStrategy::Viterbi);
    /// assert!("mean".parse::<AggregationStrategy>().is_err());
    /// ```
    fn from_str(s: &str) -> Result<Self> {
        AggregationStrategy::ALL
            .into_iter()
            .find(|a| a.name() == s)
            .ok_or_else(|| {
                Error::InvalidArgument(format!(
                    "unknown aggregation strategy `{s}` (expected none, simple, first, average, max or viterbi)"
                ))
            })
    }
}

/// A model's labels, parsed once, with the scheme used to group them.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelSet {
    labels: Vec<String>,
    scheme: LabelScheme,
    /// The scheme's rules for [`AggregationStrategy::Viterbi`], worked out once:
    /// `follows[[i, j]]` says whether label `j` may come right after label `i`, `opens[j]`
    /// and `closes[j]` whether `j` may be the first or the last word's label.
    follows: Array2<bool>,
    opens: Vec<bool>,
    closes: Vec<bool>,
}

impl LabelSet {
    /// Labels in classifier-output order. [`LabelScheme::Auto`] is resolved here.
    pub fn new<I, S>(labels: I, scheme: LabelScheme) -> Result<Self>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let labels: Vec<String> = labels.into_iter().map(Into::into).collect();
        if labels.is_empty() {
            return Err(Error::InvalidArgument(
                "a model needs at least one label".into(),
            ));
        }
        let scheme = match scheme {
            LabelScheme::Auto => LabelScheme::detect(&labels),
            s => s,
        };
        let n = labels.len();
        let follows = Array2::from_shape_fn((n, n), |(i, j)| {
            may_follow(Some(&labels[i]), &labels[j], scheme)
        });
        let opens = labels.iter().map(|l| may_follow(None, l, scheme)).collect();
        let closes = labels.iter().map(|l| may_close(l, scheme)).collect();
        Ok(LabelSet {
            labels,
            scheme,
            follows,
            opens,
            closes,
        })
    }

    /// The labels, in classifier-output order.
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// The scheme in use ([`LabelScheme::Bio`] or [`LabelScheme::Bilou`]).
    pub fn scheme(&self) -> LabelScheme {
        self.scheme
    }

    /// Number of labels (the classifier's output size).
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Whether there are no labels (never true for a constructed set).
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }
}

/// One non-special token of the text being aggregated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenView {
    /// Byte span into the text.
    pub span: Span,
    /// Whether the token continues the word of the previous token (see [`is_subword`]).
    pub is_subword: bool,
}

/// An entity before it is tied to a text: span, score and label only. Spans are bytes
/// into the text that was aggregated.
#[derive(Debug, Clone, PartialEq)]
pub struct RawEntity {
    pub span: Span,
    pub score: f32,
    /// Full label for [`AggregationStrategy::None`] (`B-PER`); the entity type otherwise (`PER`).
    pub label: String,
}

impl RawEntity {
    /// The entity with its surface text, char span and kind, for `text` (which `span` indexes).
    pub fn into_entity(self, text: &str, chars: &CharIndex) -> Result<Entity> {
        let surface = self.span.slice(text)?.to_string();
        Ok(Entity {
            kind: EntityKind::from_label(&self.label),
            text: surface,
            span: self.span,
            char_span: chars.char_span(self.span)?,
            score: self.score,
            label: self.label,
        })
    }
}

/// How to decide that a token continues the previous token's word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WordBoundaries {
    /// What `transformers` does: with a continuing-sub-word prefix (WordPiece `##`), a
    /// token whose text differs in length from the text it covers is a sub-word; without
    /// one (byte-level BPE, SentencePiece), a token is a sub-word unless an ASCII space
    /// touches its start. Needed for results equal to `transformers`.
    #[default]
    Transformers,
    /// The tokenizer's word ids (from its pre-tokenizer): tokens of one word group
    /// together. Better for punctuation glued to words with BPE models; differs from
    /// `transformers` there.
    WordIds,
}

/// Which `transformers` rule a tokenizer gets (see [`WordBoundaries::Transformers`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SubwordRule {
    /// The tokenizer model has a continuing-sub-word prefix such as `##`.
    ContinuationPrefix,
    /// No prefix: fall back to the space heuristic.
    SpaceHeuristic,
}

/// `transformers`' `is_subword` for one token: `token` is the vocabulary string (`##ing`,
/// `Ġworld`), `span` what it covers in `text`. Unknown tokens always start a word.
///
/// ```
/// use reportage::entities::aggregate::{is_subword, SubwordRule};
/// use reportage::Span;
/// let text = "Aleppo's";
/// assert!(is_subword(text, Span::new(3, 6), "##ppo", SubwordRule::ContinuationPrefix, false));
/// assert!(is_subword(text, Span::new(6, 8), "'s", SubwordRule::SpaceHeuristic, false));
/// assert!(!is_subword(text, Span::new(0, 3), "Ale", SubwordRule::SpaceHeuristic, false));
/// ```
pub fn is_subword(text: &str, span: Span, token: &str, rule: SubwordRule, is_unk: bool) -> bool {
    if is_unk {
        return false;
    }
    match rule {
        SubwordRule::ContinuationPrefix => {
            let covered = text.get(span.range()).unwrap_or("");
            token.chars().count() != covered.chars().count()
        }
        SubwordRule::SpaceHeuristic => {
            if span.start == 0 {
                return false;
            }
            let before = text.get(..span.start).and_then(|t| t.chars().next_back());
            let at = text.get(span.start..).and_then(|t| t.chars().next());
            before != Some(' ') && at != Some(' ')
        }
    }
}

/// Sub-word flags from word ids: a token continues a word when the previous token had the
/// same word id.
pub fn subword_flags_from_word_ids(word_ids: &[Option<u32>]) -> Vec<bool> {
    let mut previous = None;
    word_ids
        .iter()
        .map(|&w| {
            let continues = w.is_some() && w == previous;
            previous = w;
            continues
        })
        .collect()
}

/// Index of the largest value; the first one on ties (as `numpy.argmax`).
fn argmax(row: &[f32]) -> (usize, f32) {
    let mut best = (0, row[0]);
    for (i, &v) in row.iter().enumerate().skip(1) {
        if v > best.1 {
            best = (i, v);
        }
    }
    best
}

/// One labelled item (a token or a word) before grouping.
struct Item {
    label: usize,
    score: f32,
    span: Span,
}

/// Entities of `text` from the probabilities of its non-special tokens.
///
/// `probs` holds one row of `labels.len()` probabilities per token of `tokens`. Results
/// labelled `O` are dropped, as in `transformers`.
pub fn aggregate(
    text: &str,
    tokens: &[TokenView],
    probs: &[f32],
    labels: &LabelSet,
    strategy: AggregationStrategy,
) -> Result<Vec<RawEntity>> {
    let n = labels.len();
    if probs.len() != tokens.len() * n {
        return Err(Error::LabelMap {
            model: String::new(),
            message: format!(
                "{} probabilities for {} tokens and {n} labels",
                probs.len(),
                tokens.len()
            ),
        });
    }
    for t in tokens {
        // A span that is out of range or cuts a character cannot be reported faithfully.
        if text.get(t.span.range()).is_none() {
            return Err(Error::Tokenizer(format!(
                "token offsets {}..{} do not map back onto a text of {} bytes (out of range or inside a character)",
                t.span.start,
                t.span.end,
                text.len()
            )));
        }
    }
    let row = |i: usize| &probs[i * n..(i + 1) * n];
    let items: Vec<Item> = match strategy {
        AggregationStrategy::None | AggregationStrategy::Simple => (0..tokens.len())
            .map(|i| {
                let (label, score) = argmax(row(i));
                Item {
                    label,
                    score,
                    span: tokens[i].span,
                }
            })
            .collect(),
        AggregationStrategy::Viterbi => {
            let words = words(tokens);
            let best = viterbi(words.iter().map(|w| row(w.start)), labels);
            words
                .into_iter()
                .zip(best)
                .map(|(w, label)| Item {
                    label,
                    score: row(w.start)[label],
                    span: Span::new(tokens[w.start].span.start, tokens[w.end - 1].span.end),
                })
                .collect()
        }
        _ => words(tokens)
            .into_iter()
            .map(|w| word_item(w, tokens, &row, n, strategy))
            .collect(),
    };
    if strategy == AggregationStrategy::None {
        return Ok(items
            .into_iter()
            .filter(|it| labels.labels[it.label] != "O")
            .map(|it| RawEntity {
                span: it.span,
                score: it.score,
                label: labels.labels[it.label].clone(),
            })
            .collect());
    }
    Ok(match labels.scheme {
        LabelScheme::Bilou => group_bilou(&items, labels),
        _ => group_bio(&items, labels),
    })
}

/// Token index ranges of words: a word starts at every token that is not a sub-word (and
/// at the first token, whatever its flag).
fn words(tokens: &[TokenView]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, token) in tokens.iter().enumerate().skip(1) {
        if !token.is_subword {
            out.push(start..i);
            start = i;
        }
    }
    if !tokens.is_empty() {
        out.push(start..tokens.len());
    }
    out
}

fn word_item<'p>(
    word: std::ops::Range<usize>,
    tokens: &[TokenView],
    row: &impl Fn(usize) -> &'p [f32],
    n: usize,
    strategy: AggregationStrategy,
) -> Item {
    let span = Span::new(tokens[word.start].span.start, tokens[word.end - 1].span.end);
    let (label, score) = match strategy {
        AggregationStrategy::Max => {
            // The token whose best probability is highest; the first on ties (Python's max).
            let mut best = word.start;
            let mut best_max = argmax(row(best)).1;
            for i in word.clone().skip(1) {
                let m = argmax(row(i)).1;
                if m > best_max {
                    best = i;
                    best_max = m;
                }
            }
            argmax(row(best))
        }
        AggregationStrategy::Average => {
            let mut mean = vec![0.0f32; n];
            for i in word.clone() {
                for (m, p) in mean.iter_mut().zip(row(i)) {
                    *m += p;
                }
            }
            let count = word.len() as f32;
            mean.iter_mut().for_each(|m| *m /= count);
            argmax(&mean)
        }
        _ => argmax(row(word.start)),
    };
    Item { label, score, span }
}

/// Whether `label` carries a scheme prefix (`B-PER`, `U-LOC`); plain labels (`PER`, IO
/// tagging) constrain nothing.
fn prefixed(label: &str) -> bool {
    label != "O" && parse_label(label).1.len() + 2 == label.len()
}

/// Whether a word labelled `cur` may follow one labelled `prev` (`None`: `cur` is the first
/// word) under `scheme`: a continuing label (`I-`, and `E-`/`L-` in BILOU) only inside an
/// open entity of its own type; in BILOU, an open entity only continues.
fn may_follow(prev: Option<&str>, cur: &str, scheme: LabelScheme) -> bool {
    let (tag, kind) = parse_label(cur);
    let continues = prefixed(cur) && matches!(tag, Tag::Inside | Tag::End);
    let open = prev
        .filter(|p| prefixed(p))
        .map(parse_label)
        .filter(|(t, _)| matches!(t, Tag::Begin | Tag::Inside));
    match (scheme, open) {
        (LabelScheme::Bilou, Some((_, open_kind))) => continues && kind == open_kind,
        (_, Some((_, open_kind))) => !continues || kind == open_kind,
        (_, None) => !continues,
    }
}

/// Whether a sentence may end on `label`: in BILOU not inside an open entity.
fn may_close(label: &str, scheme: LabelScheme) -> bool {
    scheme != LabelScheme::Bilou
        || !prefixed(label)
        || !matches!(parse_label(label).0, Tag::Begin | Tag::Inside)
}

/// The most probable label sequence the set's scheme allows, for one probability row per
/// word. A row of zeros counts as very unlikely, not impossible, so some path always exists
/// unless the scheme itself forbids every one (a label set of `I-` labels only): then each
/// word takes its own best label.
fn viterbi<'p>(rows: impl Iterator<Item = &'p [f32]>, labels: &LabelSet) -> Vec<usize> {
    let n = labels.len();
    let log: Vec<Vec<f32>> = rows
        .map(|r| r.iter().map(|&p| p.max(1e-30).ln()).collect())
        .collect();
    let Some(first) = log.first() else {
        return Vec::new();
    };
    let barred = |allowed: bool, score: f32| if allowed { score } else { f32::NEG_INFINITY };
    // score[j]: the best log-probability of a path ending in label j; back[[w, j]]: that
    // path's label at word w - 1.
    let mut score: Vec<f32> = (0..n).map(|j| barred(labels.opens[j], first[j])).collect();
    let mut back = Array2::<usize>::zeros((log.len(), n));
    for (w, row) in log.iter().enumerate().skip(1) {
        let previous = score.clone();
        for j in 0..n {
            let (best, from) = (0..n)
                .filter(|&i| labels.follows[[i, j]])
                .map(|i| (previous[i], i))
                .fold((f32::NEG_INFINITY, 0), |a, b| if b.0 > a.0 { b } else { a });
            score[j] = best + row[j];
            back[[w, j]] = from;
        }
    }
    let last: Vec<f32> = (0..n).map(|j| barred(labels.closes[j], score[j])).collect();
    let (end, best) = argmax(&last);
    if best == f32::NEG_INFINITY {
        return log.iter().map(|r| argmax(r).0).collect();
    }
    let mut path = vec![end; log.len()];
    for w in (1..log.len()).rev() {
        path[w - 1] = back[[w, path[w]]];
    }
    path
}

fn mean(scores: &[f32]) -> f32 {
    (scores.iter().map(|&s| s as f64).sum::<f64>() / scores.len() as f64) as f32
}

/// `transformers`' `group_entities`: a piece joins the group before it when both have the
/// same tag and the piece is not `B-`; groups named `O` are dropped afterwards.
fn group_bio(items: &[Item], labels: &LabelSet) -> Vec<RawEntity> {
    let mut out = Vec::new();
    let mut group: Vec<&Item> = Vec::new();
    let flush = |group: &mut Vec<&Item>, out: &mut Vec<RawEntity>| {
        if let (Some(first), Some(last)) = (group.first(), group.last()) {
            let label = hf_group_label(&labels.labels[first.label]);
            if label != "O" {
                let scores: Vec<f32> = group.iter().map(|it| it.score).collect();
                out.push(RawEntity {
                    span: Span::new(first.span.start, last.span.end),
                    score: mean(&scores),
                    label: label.to_string(),
                });
            }
        }
        group.clear();
    };
    for item in items {
        if let Some(last) = group.last() {
            let (begin, tag) = hf_tag(&labels.labels[item.label]);
            let (_, last_tag) = hf_tag(&labels.labels[last.label]);
            if tag != last_tag || begin {
                flush(&mut group, &mut out);
            }
        }
        group.push(item);
    }
    flush(&mut group, &mut out);
    out
}

/// BILOU / IOBES grouping: `B-` opens, `I-` continues (or opens when nothing of its type is
/// open), `E-`/`L-` closes (or stands alone), `S-`/`U-` stands alone, `O` closes. The score
/// is the mean over the pieces, as in `transformers`.
fn group_bilou(items: &[Item], labels: &LabelSet) -> Vec<RawEntity> {
    struct Open<'a> {
        tag: &'a str,
        scores: Vec<f32>,
        span: Span,
    }
    let mut out = Vec::new();
    let mut open: Option<Open> = None;
    let close = |open: &mut Option<Open>, out: &mut Vec<RawEntity>| {
        if let Some(o) = open.take() {
            out.push(RawEntity {
                span: o.span,
                score: mean(&o.scores),
                label: o.tag.to_string(),
            });
        }
    };
    for item in items {
        let (tag, kind) = parse_label(&labels.labels[item.label]);
        let new = || Open {
            tag: kind,
            scores: vec![item.score],
            span: item.span,
        };
        let continues = open.as_ref().is_some_and(|o| o.tag == kind);
        match tag {
            Tag::Outside => close(&mut open, &mut out),
            Tag::Begin => {
                close(&mut open, &mut out);
                open = Some(new());
            }
            Tag::Inside | Tag::End if continues => {
                if let Some(o) = open.as_mut() {
                    o.scores.push(item.score);
                    o.span.end = item.span.end;
                }
                if tag == Tag::End {
                    close(&mut open, &mut out);
                }
            }
            Tag::Inside => {
                close(&mut open, &mut out);
                open = Some(new());
            }
            Tag::End | Tag::Single => {
                close(&mut open, &mut out);
                open = Some(new());
                close(&mut open, &mut out);
            }
        }
    }
    close(&mut open, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tok(start: usize, end: usize, sub: bool) -> TokenView {
        TokenView {
            span: Span::new(start, end),
            is_subword: sub,
        }
    }

    /// Probability rows that put `p` on the given label and spread the rest.
    fn rows(n: usize, picks: &[(usize, f32)]) -> Vec<f32> {
        let mut v = Vec::new();
        for &(label, p) in picks {
            let rest = (1.0 - p) / (n - 1) as f32;
            v.extend((0..n).map(|i| if i == label { p } else { rest }));
        }
        v
    }

    const CONLL: [&str; 5] = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC"];

    #[test]
    fn none_keeps_full_labels_and_drops_o() {
        let labels = LabelSet::new(CONLL, LabelScheme::Auto).unwrap();
        let text = "Ann in Rome";
        let tokens = [tok(0, 3, false), tok(4, 6, false), tok(7, 11, false)];
        let probs = rows(5, &[(1, 0.9), (0, 0.8), (3, 0.7)]);
        let out = aggregate(text, &tokens, &probs, &labels, AggregationStrategy::None).unwrap();
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].label, "B-PER");
        assert_eq!(out[1].label, "B-LOC");
        assert!((out[1].score - 0.7).abs() < 1e-6);
    }

    #[test]
    fn simple_groups_tokens_first_average_max_group_words() {
        let labels = LabelSet::new(CONLL, LabelScheme::Auto).unwrap();
        // "Rome##o" -> tokens "Rom" (B-LOC 0.6) "##eo" (B-PER 0.9)
        let text = "Romeo";
        let tokens = [tok(0, 3, false), tok(3, 5, true)];
        let probs = rows(5, &[(3, 0.6), (1, 0.9)]);
        let simple =
            aggregate(text, &tokens, &probs, &labels, AggregationStrategy::Simple).unwrap();
        assert_eq!(simple.len(), 2, "simple splits the word: {simple:?}");
        let first = aggregate(text, &tokens, &probs, &labels, AggregationStrategy::First).unwrap();
        assert_eq!(
            (first[0].label.as_str(), first[0].span),
            ("LOC", Span::new(0, 5))
        );
        let max = aggregate(text, &tokens, &probs, &labels, AggregationStrategy::Max).unwrap();
        assert_eq!(max[0].label, "PER");
        assert!((max[0].score - 0.9).abs() < 1e-6);
        let avg = aggregate(text, &tokens, &probs, &labels, AggregationStrategy::Average).unwrap();
        // mean of B-PER = (0.1 + 0.9) / 2 = 0.5 > mean of B-LOC = (0.6 + 0.025) / 2
        assert_eq!(avg[0].label, "PER");
        assert!((avg[0].score - 0.5).abs() < 1e-6);
    }

    /// Words "a b c ..." one token each, labelled by `aggregate` with `strategy`.
    fn decoded(
        names: &[&str],
        scheme: LabelScheme,
        picks: &[(usize, f32)],
        strategy: AggregationStrategy,
    ) -> Vec<(String, Span)> {
        let labels = LabelSet::new(names.iter().copied(), scheme).unwrap();
        let text = "a b c d e f g h";
        let tokens: Vec<_> = (0..picks.len())
            .map(|i| tok(2 * i, 2 * i + 1, false))
            .collect();
        let probs = rows(names.len(), picks);
        aggregate(text, &tokens, &probs, &labels, strategy)
            .unwrap()
            .into_iter()
            .map(|e| (e.label, e.span))
            .collect()
    }

    #[test]
    fn viterbi_never_opens_a_span_with_i() {
        // First reads B-PER O I-PER: two spans, the second opened by I-. The best valid
        // reading of "b" (I-PER at 0.3 against O at 0.5, but then "c" may stay I-PER at 0.8)
        // joins the three words.
        let picks = [(1, 0.8), (0, 0.5), (2, 0.8)];
        let mut probs = rows(5, &picks);
        probs[5 + 2] = 0.3; // "b": O 0.5, I-PER 0.3
        let labels = LabelSet::new(CONLL, LabelScheme::Bio).unwrap();
        let text = "a b c";
        let tokens: Vec<_> = (0..3).map(|i| tok(2 * i, 2 * i + 1, false)).collect();
        let first = aggregate(text, &tokens, &probs, &labels, AggregationStrategy::First).unwrap();
        assert_eq!(first.len(), 2, "{first:?}");
        let best = aggregate(text, &tokens, &probs, &labels, AggregationStrategy::Viterbi).unwrap();
        assert_eq!(best.len(), 1, "{best:?}");
        assert_eq!(
            (best[0].label.as_str(), best[0].span),
            ("PER", Span::new(0, 5))
        );
        // Its score is the mean of the chosen labels' probabilities, as for First.
        assert!((best[0].score - (0.8 + 0.3 + 0.8) / 3.0).abs() < 1e-6);
    }

    #[test]
    fn viterbi_reads_a_lone_i_as_o_or_b_whichever_is_likelier() {
        // "b" is I-LOC by far, but after an O it may only be O or B-LOC.
        let labels = LabelSet::new(CONLL, LabelScheme::Bio).unwrap();
        let text = "a b";
        let tokens = [tok(0, 1, false), tok(2, 3, false)];
        let entities = |o: f32, b_loc: f32, strategy| {
            let probs = [0.9, 0.025, 0.025, 0.025, 0.025, o, 0.0, 0.0, b_loc, 0.9];
            aggregate(text, &tokens, &probs, &labels, strategy).unwrap()
        };
        let first = entities(0.06, 0.04, AggregationStrategy::First);
        assert_eq!(
            first.len(),
            1,
            "First keeps the lone I- as an entity: {first:?}"
        );
        assert!(entities(0.06, 0.04, AggregationStrategy::Viterbi).is_empty());
        let kept = entities(0.04, 0.06, AggregationStrategy::Viterbi);
        assert_eq!(
            (kept[0].label.as_str(), kept[0].span),
            ("LOC", Span::new(2, 3))
        );
        assert!((kept[0].score - 0.06).abs() < 1e-6);
    }

    #[test]
    fn viterbi_keeps_a_valid_reading_unchanged() {
        let picks = [(1, 0.9), (2, 0.7), (0, 0.8), (3, 0.6), (4, 0.6)];
        assert_eq!(
            decoded(
                &CONLL,
                LabelScheme::Bio,
                &picks,
                AggregationStrategy::Viterbi
            ),
            decoded(&CONLL, LabelScheme::Bio, &picks, AggregationStrategy::First)
        );
    }

    #[test]
    fn viterbi_closes_bilou_entities() {
        let labels =
            LabelSet::new(["O", "B-LOC", "I-LOC", "L-LOC", "U-LOC"], LabelScheme::Auto).unwrap();
        let text = "a b";
        let tokens = [tok(0, 1, false), tok(2, 3, false)];
        let entities = |probs: [f32; 10]| {
            let found = aggregate(text, &tokens, &probs, &labels, AggregationStrategy::Viterbi);
            let found = found.unwrap().into_iter().map(|e| (e.label, e.span));
            found.collect::<Vec<_>>()
        };
        // B-LOC then O is not a BILOU reading; U-LOC then O is the best one that is.
        let b_then_o = [0.1, 0.6, 0.0, 0.0, 0.3, 0.9, 0.0, 0.0, 0.05, 0.05];
        assert_eq!(entities(b_then_o), [("LOC".to_string(), Span::new(0, 1))]);
        // Nor may an entity be left open by the last word.
        let ends_open = [0.9, 0.0, 0.0, 0.0, 0.1, 0.1, 0.6, 0.0, 0.0, 0.3];
        assert_eq!(entities(ends_open), [("LOC".to_string(), Span::new(2, 3))]);
    }

    #[test]
    fn viterbi_leaves_unprefixed_labels_free() {
        // IO tagging: plain labels follow anything.
        let names = ["O", "PER", "LOC"];
        let picks = [(0, 0.9), (2, 0.9), (1, 0.9)];
        let got = decoded(
            &names,
            LabelScheme::Bio,
            &picks,
            AggregationStrategy::Viterbi,
        );
        assert_eq!(
            got,
            decoded(&names, LabelScheme::Bio, &picks, AggregationStrategy::First)
        );
        assert_eq!(got.len(), 2);
    }

    #[test]
    fn viterbi_falls_back_to_each_words_best_when_no_reading_is_valid() {
        // Only I- labels: every sequence opens with I-, which the scheme forbids.
        let names = ["I-PER", "I-LOC"];
        let got = decoded(
            &names,
            LabelScheme::Bio,
            &[(0, 0.9), (1, 0.9)],
            AggregationStrategy::Viterbi,
        );
        assert_eq!(got.len(), 2, "{got:?}");
    }

    #[test]
    fn strategy_names_round_trip_and_match_serde() {
        for a in AggregationStrategy::ALL {
            assert_eq!(a.to_string().parse::<AggregationStrategy>().unwrap(), a);
            assert_eq!(serde_json::to_string(&a).unwrap(), format!("\"{a}\""));
        }
    }

    #[test]
    fn viterbi_of_no_tokens_is_empty() {
        let labels = LabelSet::new(CONLL, LabelScheme::Bio).unwrap();
        let got = aggregate("", &[], &[], &labels, AggregationStrategy::Viterbi).unwrap();
        assert!(got.is_empty());
    }

    #[test]
    fn bio_grouping_follows_transformers() {
        let labels = LabelSet::new(CONLL, LabelScheme::Bio).unwrap();
        let text = "a b c d e";
        let tokens: Vec<_> = (0..5).map(|i| tok(2 * i, 2 * i + 1, false)).collect();
        // B-PER I-PER B-PER I-LOC I-LOC: three entities, the last one opened by I-.
        let probs = rows(5, &[(1, 0.9), (2, 0.7), (1, 0.8), (4, 0.6), (4, 0.5)]);
        let out = aggregate(text, &tokens, &probs, &labels, AggregationStrategy::Simple).unwrap();
        let got: Vec<_> = out.iter().map(|e| (e.label.as_str(), e.span)).collect();
        assert_eq!(
            got,
            [
                ("PER", Span::new(0, 3)),
                ("PER", Span::new(4, 5)),
                ("LOC", Span::new(6, 9))
            ]
        );
        assert!((out[0].score - 0.8).abs() < 1e-6);
    }

    #[test]
    fn bilou_grouping_closes_and_singles() {
        let labels = LabelSet::new(
            ["O", "B-PER", "I-PER", "E-PER", "S-PER", "S-LOC"],
            LabelScheme::Auto,
        )
        .unwrap();
        assert_eq!(labels.scheme(), LabelScheme::Bilou);
        let text = "a b c d e f g";
        let tokens: Vec<_> = (0..7).map(|i| tok(2 * i, 2 * i + 1, false)).collect();
        // B I E | S | E (stray end: alone) | S-LOC | I (opens)
        let picks = [
            (1, 0.9),
            (2, 0.8),
            (3, 0.7),
            (4, 0.9),
            (3, 0.6),
            (5, 0.9),
            (2, 0.5),
        ];
        let probs = rows(6, &picks);
        let out = aggregate(text, &tokens, &probs, &labels, AggregationStrategy::Simple).unwrap();
        let got: Vec<_> = out.iter().map(|e| (e.label.as_str(), e.span)).collect();
        assert_eq!(
            got,
            [
                ("PER", Span::new(0, 5)),
                ("PER", Span::new(6, 7)),
                ("PER", Span::new(8, 9)),
                ("LOC", Span::new(10, 11)),
                ("PER", Span::new(12, 13)),
            ]
        );
        assert!((out[0].score - 0.8).abs() < 1e-6);

        // The same labels grouped the transformers way: E-/S- are tags of their own.
        let bio = LabelSet::new(labels.labels().to_vec(), LabelScheme::Bio).unwrap();
        let out = aggregate(text, &tokens, &probs, &bio, AggregationStrategy::Simple).unwrap();
        assert_eq!(out[0].span, Span::new(0, 3), "B-PER I-PER then E-PER apart");
    }

    #[test]
    fn bad_offsets_and_sizes_are_errors() {
        let labels = LabelSet::new(CONLL, LabelScheme::Auto).unwrap();
        let text = "€";
        let probs = rows(5, &[(1, 0.9)]);
        let err = aggregate(
            text,
            &[tok(0, 1, false)],
            &probs,
            &labels,
            AggregationStrategy::First,
        );
        assert!(matches!(err, Err(Error::Tokenizer(_))), "{err:?}");
        let err = aggregate(
            text,
            &[tok(0, 9, false)],
            &probs,
            &labels,
            AggregationStrategy::First,
        );
        assert!(matches!(err, Err(Error::Tokenizer(_))));
        let err = aggregate(text, &[], &probs, &labels, AggregationStrategy::First);
        assert!(matches!(err, Err(Error::LabelMap { .. })));
        assert!(LabelSet::new(Vec::<String>::new(), LabelScheme::Auto).is_err());
    }

    #[test]
    fn subword_rules() {
        let text = "in Aleppo,\nnow";
        // WordPiece: "##ppo" covers "ppo" (3 chars) but is 5 chars long.
        assert!(is_subword(
            text,
            Span::new(6, 9),
            "##ppo",
            SubwordRule::ContinuationPrefix,
            false
        ));
        assert!(!is_subword(
            text,
            Span::new(3, 6),
            "Ale",
            SubwordRule::ContinuationPrefix,
            false
        ));
        // Space heuristic: the comma touches no space; after a newline counts as glued too.
        assert!(is_subword(
            text,
            Span::new(9, 10),
            ",",
            SubwordRule::SpaceHeuristic,
            false
        ));
        assert!(is_subword(
            text,
            Span::new(11, 14),
            "now",
            SubwordRule::SpaceHeuristic,
            false
        ));
        assert!(!is_subword(
            text,
            Span::new(11, 14),
            "now",
            SubwordRule::SpaceHeuristic,
            true
        ));
        assert_eq!(
            subword_flags_from_word_ids(&[Some(0), Some(0), Some(1), None, None]),
            [false, true, false, false, false]
        );
    }
}
