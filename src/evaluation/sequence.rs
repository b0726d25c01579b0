//! Entity-level scores of tag sequences, equal to `seqeval` 1.2.2's.
//!
//! A sentence's tags become entity chunks ([`chunks`]) in one of `seqeval`'s two modes
//! ([`ChunkMode`]); a gold and a predicted chunk match when sentence, first and last token
//! and type are all equal (exact match). [`EntityReport`] then holds what `seqeval`'s
//! `classification_report` prints: precision, recall, F1 and support per type, and the
//! micro, macro and weighted averages.
//!
//! Predictions of a model that returns byte spans come back to tags through
//! [`tags_from_spans`], after their types were translated into the gold file's types by a
//! [`TypeMap`].

use std::collections::{BTreeMap, HashSet};
use std::fmt;

use serde::Serialize;

use super::Scores;
use crate::entities::{EntityKind, Tag};
use crate::text::Span;
use crate::{Error, Result};

/// How tags mark entity boundaries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TagScheme {
    /// BIO (IOB2): `B-X` begins an entity, `I-X` continues it, `O` is outside.
    Bio,
    /// IOBES: also `E-X` ends an entity and `S-X` is an entity of one token.
    Iobes,
}

impl TagScheme {
    /// [`TagScheme::Iobes`] if any tag is `E-` or `S-`, else [`TagScheme::Bio`].
    pub fn detect<'a>(tags: impl IntoIterator<Item = &'a TokenTag>) -> TagScheme {
        if tags
            .into_iter()
            .any(|t| matches!(t.tag, Tag::End | Tag::Single))
        {
            TagScheme::Iobes
        } else {
            TagScheme::Bio
        }
    }

    /// `BIO` or `IOBES`.
    pub fn as_str(&self) -> &'static str {
        match self {
            TagScheme::Bio => "BIO",
            TagScheme::Iobes => "IOBES",
        }
    }
}

impl fmt::Display for TagScheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for TagScheme {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().as_str() {
            "bio" | "iob2" => Ok(TagScheme::Bio),
            "iobes" | "bioes" => Ok(TagScheme::Iobes),
            _ => Err(Error::InvalidArgument(format!(
                "unknown tag scheme `{s}` (known: bio, iobes)"
            ))),
        }
    }
}

/// One token's tag: its place in an entity and the entity's type, spelled as the data
/// spells it (`B-person` has kind `person`). `O` has an empty kind; `Default` is `O`.
///
/// ```
/// use reportage::entities::Tag;
/// use reportage::evaluation::sequence::TokenTag;
/// let t = TokenTag::parse("B-ORG").unwrap();
/// assert_eq!((t.tag, t.kind.as_str()), (Tag::Begin, "ORG"));
/// assert_eq!(t.to_string(), "B-ORG");
/// assert!(TokenTag::parse("ORG").is_err()); // no scheme prefix
/// assert!(TokenTag::parse("U-ORG").is_err()); // BILOU is not read: convert it to IOBES
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TokenTag {
    pub tag: Tag,
    pub kind: String,
}

impl Default for TokenTag {
    fn default() -> Self {
        TokenTag::outside()
    }
}

impl TokenTag {
    /// `O`.
    pub fn outside() -> Self {
        TokenTag {
            tag: Tag::Outside,
            kind: String::new(),
        }
    }

    /// A tag of an entity of type `kind`; `Tag::Outside` gives `O` whatever the kind.
    pub fn new(tag: Tag, kind: impl Into<String>) -> Self {
        match tag {
            Tag::Outside => TokenTag::outside(),
            _ => TokenTag {
                tag,
                kind: kind.into(),
            },
        }
    }

    /// Read `O`, `B-X`, `I-X`, `E-X` or `S-X`. Anything else is an error saying why: these
    /// five are what `seqeval` understands, and guessing at other spellings (`PER` alone,
    /// BILOU's `L-`/`U-`, `B_PER`) would score something other than what the file says.
    pub fn parse(label: &str) -> std::result::Result<TokenTag, String> {
        if label == "O" {
            return Ok(TokenTag::outside());
        }
        let (prefix, kind) = match label.split_once('-') {
            Some((p, k)) if p.len() == 1 => (p, k),
            _ => {
                return Err(format!(
                    "label `{label}` is not `O` or a B-/I-/E-/S- prefix followed by a type"
                ))
            }
        };
        let tag = match prefix {
            "B" => Tag::Begin,
            "I" => Tag::Inside,
            "E" => Tag::End,
            "S" => Tag::Single,
            "L" | "U" => {
                return Err(format!(
                    "label `{label}`: BILOU is not read; write L- as E- and U- as S- (IOBES)"
                ))
            }
            _ => return Err(format!("label `{label}`: unknown prefix `{prefix}-`")),
        };
        if kind.is_empty() || kind.trim() != kind {
            return Err(format!(
                "label `{label}` has no entity type after its prefix"
            ));
        }
        Ok(TokenTag::new(tag, kind))
    }

    /// Whether this is `O`.
    pub fn is_outside(&self) -> bool {
        self.tag == Tag::Outside
    }

    /// One letter: `O`, `B`, `I`, `E` or `S`.
    fn letter(&self) -> char {
        match self.tag {
            Tag::Outside => 'O',
            Tag::Begin => 'B',
            Tag::Inside => 'I',
            Tag::End => 'E',
            Tag::Single => 'S',
        }
    }

    /// The type as `seqeval` compares it: `_` for `O` (its `type_ or '_'`).
    fn seqeval_type(&self) -> &str {
        if self.is_outside() {
            "_"
        } else {
            &self.kind
        }
    }
}

impl fmt::Display for TokenTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.tag {
            Tag::Outside => f.write_str("O"),
            _ => write!(f, "{}-{}", self.letter(), self.kind),
        }
    }
}

/// The first place in a sentence where tags break a scheme, or `None` if they follow it.
///
/// BIO: `I-X` must follow `B-X` or `I-X`, and `E-`/`S-` do not occur. IOBES: `I-X` and
/// `E-X` must follow `B-X` or `I-X`; an entity opened with `B-X` must be closed by `E-X`.
/// Returns the token index and what is wrong.
///
/// ```
/// use reportage::evaluation::sequence::{first_violation, TagScheme, TokenTag};
/// let tags: Vec<TokenTag> = ["O", "I-PER"].iter().map(|t| TokenTag::parse(t).unwrap()).collect();
/// let (at, why) = first_violation(&tags, TagScheme::Bio).unwrap();
/// assert_eq!(at, 1);
/// assert!(why.contains("I-PER"));
/// ```
pub fn first_violation(tags: &[TokenTag], scheme: TagScheme) -> Option<(usize, String)> {
    // The open entity: its type and the index of its first token.
    let mut open: Option<(&str, usize)> = None;
    for (i, t) in tags.iter().enumerate() {
        let continues = matches!(open, Some((kind, _)) if kind == t.kind);
        let problem = match (scheme, t.tag) {
            (TagScheme::Bio, Tag::End | Tag::Single) => Some(format!(
                "`{t}` is an IOBES tag in a file read as BIO"
            )),
            (_, Tag::Inside) | (TagScheme::Iobes, Tag::End) if !continues => Some(match open {
                None => format!("`{t}` does not continue an entity (it follows O or the sentence start); an entity begins with B-{}", t.kind),
                Some((kind, _)) => format!("`{t}` continues an entity of type {kind}: the type changes inside an entity"),
            }),
            (TagScheme::Iobes, Tag::Outside | Tag::Begin | Tag::Single) => {
                open.map(|(kind, start)| {
                    format!("`{t}` follows an unclosed {kind} entity begun at token {} (IOBES closes it with E-{kind})", start + 1)
                })
            }
            _ => None,
        };
        if problem.is_some() {
            return problem.map(|p| (i, p));
        }
        open = match (scheme, t.tag) {
            (_, Tag::Outside) | (TagScheme::Iobes, Tag::End | Tag::Single) => None,
            (_, Tag::Begin) => Some((&t.kind, i)),
            _ => open,
        };
    }
    match (scheme, open) {
        (TagScheme::Iobes, Some((kind, start))) => Some((
            tags.len() - 1,
            format!(
                "the sentence ends inside a {kind} entity begun at token {} (IOBES closes it with E-{kind})",
                start + 1
            ),
        )),
        _ => None,
    }
}

/// How tags become entity chunks: `seqeval`'s two modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChunkMode {
    /// `seqeval`'s default mode, compatible with conlleval: lenient, every tag run counts.
    /// `I-X` after `O` begins an entity, a type change inside an entity begins a new one,
    /// and BIO and IOBES tags may be mixed.
    Conlleval,
    /// `seqeval`'s `mode="strict"` with the given scheme: only runs that follow the scheme
    /// are entities (`B-X I-Y` gives one `X` of one token; IOBES `B-X I-X O` gives none).
    /// IOBES tags under `Bio` are an error, as `seqeval` raises one.
    Strict(TagScheme),
}

/// An entity chunk of one sentence: tokens `start..end` (exclusive), of type `kind`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Chunk {
    pub kind: String,
    pub start: usize,
    pub end: usize,
}

/// The entity chunks of one sentence's tags.
///
/// ```
/// use reportage::evaluation::sequence::{chunks, ChunkMode, TagScheme, TokenTag};
/// let tags: Vec<TokenTag> = ["B-PER", "I-LOC", "O", "I-ORG"]
///     .iter().map(|t| TokenTag::parse(t).unwrap()).collect();
/// let lenient = chunks(&tags, ChunkMode::Conlleval).unwrap();
/// assert_eq!(lenient.len(), 3); // PER, LOC, ORG: every run counts
/// let strict = chunks(&tags, ChunkMode::Strict(TagScheme::Bio)).unwrap();
/// assert_eq!(strict.len(), 1); // only the B-PER token is a well-formed entity
/// assert_eq!((strict[0].kind.as_str(), strict[0].start, strict[0].end), ("PER", 0, 1));
/// ```
pub fn chunks(tags: &[TokenTag], mode: ChunkMode) -> Result<Vec<Chunk>> {
    match mode {
        ChunkMode::Conlleval => Ok(conlleval_chunks(tags)),
        ChunkMode::Strict(scheme) => strict_chunks(tags, scheme),
    }
}

/// `seqeval.metrics.sequence_labeling.get_entities`, one sentence at a time: `seqeval`
/// flattens sentences with an `O` between them, which is the same as starting each
/// sentence after an `O` and ending it with one.
fn conlleval_chunks(tags: &[TokenTag]) -> Vec<Chunk> {
    let outside = TokenTag::outside();
    let mut found = Vec::new();
    let (mut prev_tag, mut prev_type) = ('O', "");
    let mut begin = 0;
    for (i, t) in tags.iter().chain([&outside]).enumerate() {
        let (tag, kind) = (t.letter(), t.seqeval_type());
        if end_of_chunk(prev_tag, tag, prev_type, kind) {
            found.push(Chunk {
                kind: prev_type.to_string(),
                start: begin,
                end: i,
            });
        }
        if start_of_chunk(prev_tag, tag, prev_type, kind) {
            begin = i;
        }
        (prev_tag, prev_type) = (tag, kind);
    }
    found
}

/// `seqeval`'s `end_of_chunk`, rule for rule.
fn end_of_chunk(prev_tag: char, tag: char, prev_type: &str, kind: &str) -> bool {
    matches!(
        (prev_tag, tag),
        ('E' | 'S', _) | ('B' | 'I', 'B' | 'S' | 'O')
    ) || (prev_tag != 'O' && prev_type != kind)
}

/// `seqeval`'s `start_of_chunk`, rule for rule.
fn start_of_chunk(prev_tag: char, tag: char, prev_type: &str, kind: &str) -> bool {
    matches!(
        (prev_tag, tag),
        (_, 'B' | 'S') | ('E' | 'S' | 'O', 'E' | 'I')
    ) || (tag != 'O' && prev_type != kind)
}

/// `seqeval.scheme.Tokens.entities` for IOB2 and IOBES.
fn strict_chunks(tags: &[TokenTag], scheme: TagScheme) -> Result<Vec<Chunk>> {
    if scheme == TagScheme::Bio {
        if let Some((i, t)) = tags
            .iter()
            .enumerate()
            .find(|(_, t)| matches!(t.tag, Tag::End | Tag::Single))
        {
            return Err(Error::Unparsable(format!(
                "tag `{t}` (token {}) is not a BIO tag: strict BIO scoring cannot read it",
                i + 1
            )));
        }
    }
    let outside = TokenTag::outside();
    let extended: Vec<&TokenTag> = tags.iter().chain([&outside]).collect();
    let mut found = Vec::new();
    let mut i = 0;
    // seqeval also tracks the previous token, but its start patterns for IOB2 and IOBES
    // (`B`, `S` after anything) never look at it.
    while i < extended.len() {
        let token = extended[i];
        if strict_start(scheme, token) {
            // Forward over the tokens that continue the entity.
            let mut end = i + 1;
            let mut last = token;
            while end < extended.len() && strict_inside(scheme, last, extended[end]) {
                last = extended[end];
                end += 1;
            }
            if strict_end(scheme, extended[end - 1], extended[end]) {
                found.push(Chunk {
                    kind: token.seqeval_type().to_string(),
                    start: i,
                    end,
                });
            }
            i = end;
        } else {
            i += 1;
        }
    }
    Ok(found)
}

fn strict_start(scheme: TagScheme, token: &TokenTag) -> bool {
    match scheme {
        TagScheme::Bio => token.tag == Tag::Begin,
        TagScheme::Iobes => matches!(token.tag, Tag::Begin | Tag::Single),
    }
}

fn strict_inside(scheme: TagScheme, prev: &TokenTag, token: &TokenTag) -> bool {
    let same = prev.seqeval_type() == token.seqeval_type();
    same && match scheme {
        TagScheme::Bio => matches!(
            (prev.tag, token.tag),
            (Tag::Begin | Tag::Inside, Tag::Inside)
        ),
        TagScheme::Iobes => matches!(
            (prev.tag, token.tag),
            (Tag::Begin | Tag::Inside, Tag::Inside | Tag::End)
        ),
    }
}

/// Whether `prev` closes an entity, seen from the token after it (`seqeval`'s `is_end`).
fn strict_end(scheme: TagScheme, prev: &TokenTag, token: &TokenTag) -> bool {
    match scheme {
        TagScheme::Bio => match (prev.tag, token.tag) {
            (Tag::Begin | Tag::Inside, Tag::Outside | Tag::Begin) => true,
            (Tag::Begin | Tag::Inside, Tag::Inside) => prev.seqeval_type() != token.seqeval_type(),
            _ => false,
        },
        TagScheme::Iobes => matches!(prev.tag, Tag::End | Tag::Single),
    }
}

/// Counts of one entity type: matched, predicted and gold chunks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Counts {
    pub true_positives: usize,
    pub predicted: usize,
    pub gold: usize,
}

/// One row of an [`EntityReport`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TypeScores {
    /// The type, as the data spells it.
    pub kind: String,
    pub counts: Counts,
    pub scores: Scores,
}

/// `seqeval`'s `classification_report`: one row per type found in gold or predictions
/// (sorted by name, as `seqeval` sorts them), then the averages.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EntityReport {
    pub per_type: Vec<TypeScores>,
    /// All chunks pooled: the figure usually quoted as "entity F1".
    pub micro: Scores,
    /// The unweighted mean over the types of `per_type`.
    pub macro_avg: Scores,
    /// The mean over types weighted by their gold support.
    pub weighted_avg: Scores,
    /// The micro counts.
    pub counts: Counts,
}

impl EntityReport {
    /// Score chunks sentence by sentence: `gold[i]` and `predicted[i]` are the chunks of
    /// sentence `i`. Fails if the two lists have different lengths.
    pub fn from_chunks(gold: &[Vec<Chunk>], predicted: &[Vec<Chunk>]) -> Result<EntityReport> {
        if gold.len() != predicted.len() {
            return Err(Error::InvalidArgument(format!(
                "{} gold sentences but {} predicted",
                gold.len(),
                predicted.len()
            )));
        }
        // Sets, as seqeval keeps them: a chunk is (sentence, start, end) within its type;
        // per type, the gold set and the predicted set.
        type Chunks = HashSet<(usize, usize, usize)>;
        let mut by_type: BTreeMap<&str, [Chunks; 2]> = BTreeMap::new();
        for (side, sentences) in [gold, predicted].into_iter().enumerate() {
            for (s, found) in sentences.iter().enumerate() {
                for c in found {
                    let sets = by_type.entry(c.kind.as_str()).or_default();
                    sets[side].insert((s, c.start, c.end));
                }
            }
        }
        let per_type: Vec<TypeScores> = by_type
            .into_iter()
            .map(|(kind, [g, p])| {
                let counts = Counts {
                    true_positives: g.intersection(&p).count(),
                    predicted: p.len(),
                    gold: g.len(),
                };
                TypeScores {
                    kind: kind.to_string(),
                    counts,
                    scores: Scores::from_counts(
                        counts.true_positives,
                        counts.predicted,
                        counts.gold,
                    ),
                }
            })
            .collect();
        let counts = per_type.iter().fold(Counts::default(), |a, t| Counts {
            true_positives: a.true_positives + t.counts.true_positives,
            predicted: a.predicted + t.counts.predicted,
            gold: a.gold + t.counts.gold,
        });
        let rows: Vec<Scores> = per_type.iter().map(|t| t.scores).collect();
        Ok(EntityReport {
            micro: Scores::from_counts(counts.true_positives, counts.predicted, counts.gold),
            macro_avg: Scores::macro_average(&rows),
            weighted_avg: Scores::weighted_average(&rows),
            counts,
            per_type,
        })
    }

    /// The row of one type, if it occurs in gold or predictions.
    pub fn get(&self, kind: &str) -> Option<&TypeScores> {
        self.per_type.iter().find(|t| t.kind == kind)
    }
}

/// Chunk both sides with `mode` and score them (`seqeval`'s `classification_report` on
/// `gold` as `y_true` and `predicted` as `y_pred`). Fails if the sentences or their lengths
/// differ, or (strict BIO) on an IOBES tag.
pub fn score_sequences(
    gold: &[Vec<TokenTag>],
    predicted: &[Vec<TokenTag>],
    mode: ChunkMode,
) -> Result<EntityReport> {
    if gold.len() != predicted.len() {
        return Err(Error::InvalidArgument(format!(
            "{} gold sentences but {} predicted",
            gold.len(),
            predicted.len()
        )));
    }
    let mut g = Vec::with_capacity(gold.len());
    let mut p = Vec::with_capacity(gold.len());
    for (i, (gs, ps)) in gold.iter().zip(predicted).enumerate() {
        if gs.len() != ps.len() {
            return Err(Error::InvalidArgument(format!(
                "sentence {}: {} gold tags but {} predicted",
                i + 1,
                gs.len(),
                ps.len()
            )));
        }
        g.push(chunks(gs, mode)?);
        p.push(chunks(ps, mode)?);
    }
    EntityReport::from_chunks(&g, &p)
}

/// Tags of a sentence's tokens from predicted entity spans, and how many predictions could
/// not be placed.
#[derive(Debug, Clone, PartialEq)]
pub struct SpanTags {
    pub tags: Vec<TokenTag>,
    /// Predictions dropped because they overlap no token, or a token an earlier (leftmost,
    /// then longest) prediction already covers.
    pub dropped: usize,
}

/// Turn predicted entities (byte spans into the sentence text, and a type) back into one tag
/// per token, in `scheme`: a prediction covers every token it overlaps, so an entity that
/// stops inside a token ("Syria" of "Syria's") counts as the whole token, as word-level
/// NER scoring does.
///
/// ```
/// use reportage::evaluation::sequence::{tags_from_spans, TagScheme};
/// use reportage::Span;
/// // "Kofi Annan visited Gaza"
/// let tokens = [Span::new(0, 4), Span::new(5, 10), Span::new(11, 18), Span::new(19, 23)];
/// let predicted = [(Span::new(0, 10), "PER".to_string()), (Span::new(19, 23), "LOC".to_string())];
/// let t = tags_from_spans(&tokens, &predicted, TagScheme::Bio);
/// let tags: Vec<String> = t.tags.iter().map(|t| t.to_string()).collect();
/// assert_eq!(tags, ["B-PER", "I-PER", "O", "B-LOC"]);
/// let t = tags_from_spans(&tokens, &predicted, TagScheme::Iobes);
/// let tags: Vec<String> = t.tags.iter().map(|t| t.to_string()).collect();
/// assert_eq!(tags, ["B-PER", "E-PER", "O", "S-LOC"]);
/// ```
pub fn tags_from_spans(
    tokens: &[Span],
    predicted: &[(Span, String)],
    scheme: TagScheme,
) -> SpanTags {
    let mut order: Vec<usize> = (0..predicted.len()).collect();
    order.sort_by_key(|&i| (predicted[i].0.start, std::cmp::Reverse(predicted[i].0.end)));
    let mut tags = vec![TokenTag::outside(); tokens.len()];
    let mut dropped = 0;
    for i in order {
        let (span, kind) = &predicted[i];
        let covered: Vec<usize> = tokens
            .iter()
            .enumerate()
            .filter(|(_, t)| t.overlaps(*span))
            .map(|(k, _)| k)
            .collect();
        let (Some(&first), Some(&last)) = (covered.first(), covered.last()) else {
            dropped += 1;
            continue;
        };
        if tags[first..=last].iter().any(|t| !t.is_outside()) {
            dropped += 1;
            continue;
        }
        for (k, slot) in tags[first..=last].iter_mut().enumerate() {
            let k = first + k;
            let tag = match scheme {
                TagScheme::Iobes if first == last => Tag::Single,
                TagScheme::Iobes if k == last => Tag::End,
                _ if k == first => Tag::Begin,
                _ => Tag::Inside,
            };
            *slot = TokenTag::new(tag, kind.clone());
        }
    }
    SpanTags { tags, dropped }
}

/// Which gold type a model's entity kind counts as.
///
/// By default a kind counts as the gold type that means the same thing: both are read with
/// [`EntityKind::from_label`], so `PER`, `PERSON` and `person` are one type, `ORG` and
/// `organisation` another (other names compare case-insensitively). An explicit map,
/// `GOLD=MODEL|MODEL,...`, sends model kinds to a gold type whose label set differs, such
/// as `LOC=GPE|LOC|FAC` for an OntoNotes model scored on CoNLL data. Model kinds that fit
/// no gold type are left out of the score ([`TypeMap::gold_type`] returns `None`); the
/// `evaluate` example counts and reports them.
///
/// ```
/// use reportage::evaluation::sequence::TypeMap;
/// use reportage::EntityKind;
/// let gold = ["person", "location", "misc"].map(String::from);
/// let map = TypeMap::parse("LOC=GPE|LOC,MISC=NORP|MISC", &gold).unwrap();
/// assert_eq!(map.gold_type(&EntityKind::Gpe), Some("location"));
/// assert_eq!(map.gold_type(&EntityKind::Person), Some("person")); // same meaning
/// assert_eq!(map.gold_type(&EntityKind::Date), None); // no gold type: not scored
/// // A gold type the file does not have is an error, not an empty row.
/// assert!(TypeMap::parse("ORG=ORG", &gold).is_err());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct TypeMap {
    gold: Vec<String>,
    /// Explicit rules: model kind -> index into `gold`.
    explicit: Vec<(EntityKind, usize)>,
}

/// Whether two kinds mean the same; unknown (`Other`) names compare case-insensitively.
fn same_kind(a: &EntityKind, b: &EntityKind) -> bool {
    match (a, b) {
        (EntityKind::Other(x), EntityKind::Other(y)) => x.eq_ignore_ascii_case(y),
        _ => a == b,
    }
}

impl TypeMap {
    /// Same-meaning matching only. Fails if two gold types mean the same (`LOC` and
    /// `location` in one file): which one a prediction counts as would be a guess.
    pub fn identity(gold_types: &[String]) -> Result<TypeMap> {
        for (i, a) in gold_types.iter().enumerate() {
            if let Some(b) = gold_types[..i]
                .iter()
                .find(|b| same_kind(&EntityKind::from_label(a), &EntityKind::from_label(b)))
            {
                return Err(Error::InvalidArgument(format!(
                    "gold types `{b}` and `{a}` mean the same entity kind; a prediction could count as either"
                )));
            }
        }
        Ok(TypeMap {
            gold: gold_types.to_vec(),
            explicit: Vec::new(),
        })
    }

    /// Same-meaning matching plus the explicit rules of `spec` (`GOLD=MODEL|MODEL,...`;
    /// an empty spec adds none). Fails on a malformed rule, a gold type the data does not
    /// have, or a model kind given two gold types.
    pub fn parse(spec: &str, gold_types: &[String]) -> Result<TypeMap> {
        let mut map = TypeMap::identity(gold_types)?;
        for rule in spec.split(',').map(str::trim).filter(|r| !r.is_empty()) {
            let (gold, models) = rule.split_once('=').ok_or_else(|| {
                Error::InvalidArgument(format!(
                    "label map rule `{rule}` is not GOLD=MODEL|MODEL..."
                ))
            })?;
            let gold_kind = EntityKind::from_label(gold.trim());
            let index = gold_types
                .iter()
                .position(|g| same_kind(&EntityKind::from_label(g), &gold_kind))
                .ok_or_else(|| {
                    Error::InvalidArgument(format!(
                        "label map rule `{rule}`: the data has no gold type `{}` (its types: {})",
                        gold.trim(),
                        gold_types.join(", ")
                    ))
                })?;
            for model in models.split('|').map(str::trim) {
                if model.is_empty() {
                    return Err(Error::InvalidArgument(format!(
                        "label map rule `{rule}` has an empty model label"
                    )));
                }
                let kind = EntityKind::from_label(model);
                if let Some((_, other)) = map.explicit.iter().find(|(k, _)| same_kind(k, &kind)) {
                    return Err(Error::InvalidArgument(format!(
                        "label map: model label `{model}` is mapped to both `{}` and `{}`",
                        gold_types[*other], gold_types[index]
                    )));
                }
                map.explicit.push((kind, index));
            }
        }
        Ok(map)
    }

    /// The gold type `kind` counts as, or `None` if it fits none.
    pub fn gold_type(&self, kind: &EntityKind) -> Option<&str> {
        if let Some((_, i)) = self.explicit.iter().find(|(k, _)| same_kind(k, kind)) {
            return Some(&self.gold[*i]);
        }
        self.gold
            .iter()
            .find(|g| same_kind(&EntityKind::from_label(g), kind))
            .map(String::as_str)
    }

    /// The gold types, as given.
    pub fn gold_types(&self) -> &[String] {
        &self.gold
    }

    /// For each gold type, the model kinds among `model_kinds` that count as it.
    pub fn sources<'a>(&self, model_kinds: &'a [EntityKind]) -> Vec<(&str, Vec<&'a EntityKind>)> {
        self.gold
            .iter()
            .map(|g| {
                let from = model_kinds
                    .iter()
                    .filter(|k| self.gold_type(k) == Some(g.as_str()))
                    .collect();
                (g.as_str(), from)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(s: &str) -> Vec<TokenTag> {
        s.split_whitespace()
            .map(|t| TokenTag::parse(t).unwrap())
            .collect()
    }

    fn spans(found: &[Chunk]) -> Vec<(&str, usize, usize)> {
        found
            .iter()
            .map(|c| (c.kind.as_str(), c.start, c.end))
            .collect()
    }

    #[test]
    fn conlleval_mode_counts_every_run() {
        let t = tags("I-PER I-PER O B-LOC I-ORG E-ORG S-MISC I-MISC");
        assert_eq!(
            spans(&chunks(&t, ChunkMode::Conlleval).unwrap()),
            [
                ("PER", 0, 2),
                ("LOC", 3, 4),
                ("ORG", 4, 6),
                ("MISC", 6, 7),
                ("MISC", 7, 8)
            ]
        );
    }

    #[test]
    fn strict_mode_keeps_only_well_formed_entities() {
        let bio = tags("B-PER I-PER I-LOC O I-ORG B-LOC B-LOC");
        assert_eq!(
            spans(&chunks(&bio, ChunkMode::Strict(TagScheme::Bio)).unwrap()),
            [("PER", 0, 2), ("LOC", 5, 6), ("LOC", 6, 7)]
        );
        let iobes = tags("B-PER E-PER B-LOC I-LOC O S-ORG I-ORG E-ORG B-MISC");
        assert_eq!(
            spans(&chunks(&iobes, ChunkMode::Strict(TagScheme::Iobes)).unwrap()),
            [("PER", 0, 2), ("ORG", 5, 6)]
        );
        assert!(chunks(&tags("S-PER"), ChunkMode::Strict(TagScheme::Bio)).is_err());
    }

    #[test]
    fn violations_are_found_where_they_are() {
        let check = |s: &str, scheme| first_violation(&tags(s), scheme).map(|v| v.0);
        assert_eq!(check("B-PER I-PER O B-LOC", TagScheme::Bio), None);
        assert_eq!(check("O I-PER", TagScheme::Bio), Some(1));
        assert_eq!(check("B-PER I-LOC", TagScheme::Bio), Some(1));
        assert_eq!(check("B-PER E-PER", TagScheme::Bio), Some(1));
        assert_eq!(check("B-PER I-PER E-PER S-LOC O", TagScheme::Iobes), None);
        assert_eq!(check("B-PER O", TagScheme::Iobes), Some(1));
        assert_eq!(check("S-PER E-PER", TagScheme::Iobes), Some(1));
        assert_eq!(check("O B-PER I-PER", TagScheme::Iobes), Some(2));
        assert_eq!(check("B-PER I-ORG E-ORG", TagScheme::Iobes), Some(1));
    }

    #[test]
    fn scores_match_hand_counts() {
        let gold = vec![tags("B-PER I-PER O B-LOC"), tags("B-ORG O")];
        let pred = vec![tags("B-PER I-PER O B-ORG"), tags("B-ORG O")];
        let r = score_sequences(&gold, &pred, ChunkMode::Conlleval).unwrap();
        assert_eq!(
            r.counts,
            Counts {
                true_positives: 2,
                predicted: 3,
                gold: 3
            }
        );
        let org = r.get("ORG").unwrap();
        assert_eq!((org.scores.precision, org.scores.recall), (0.5, 1.0));
        assert_eq!(r.get("LOC").unwrap().scores.recall, 0.0);
        assert_eq!(r.per_type.len(), 3);
        assert!(score_sequences(&gold, &pred[..1], ChunkMode::Conlleval).is_err());
    }

    #[test]
    fn spans_fall_back_to_tokens() {
        let tokens = [Span::new(0, 7), Span::new(8, 12), Span::new(13, 17)];
        let predicted = vec![
            (Span::new(0, 5), "LOC".to_string()),   // "Syria" of "Syria's"
            (Span::new(2, 12), "ORG".to_string()),  // overlaps the first: dropped
            (Span::new(17, 17), "PER".to_string()), // covers no token: dropped
        ];
        let t = tags_from_spans(&tokens, &predicted, TagScheme::Bio);
        assert_eq!(t.tags, tags("B-LOC O O"));
        assert_eq!(t.dropped, 2);
    }

    #[test]
    fn type_maps_reject_ambiguity() {
        let gold = ["LOC", "location"].map(String::from);
        assert!(TypeMap::identity(&gold).is_err());
        let gold = ["PER", "GPE"].map(String::from);
        assert!(TypeMap::parse("GPE=LOC,PER=LOC", &gold).is_err());
        assert!(TypeMap::parse("GPE", &gold).is_err());
        let map = TypeMap::parse("GPE=LOC|FAC", &gold).unwrap();
        assert_eq!(map.gold_type(&EntityKind::Facility), Some("GPE"));
        assert_eq!(map.gold_type(&EntityKind::Gpe), Some("GPE"));
        // Names from_label does not know compare case-insensitively.
        let gold = ["Politician"].map(String::from);
        let map = TypeMap::identity(&gold).unwrap();
        assert_eq!(
            map.gold_type(&EntityKind::from_label("B-POLITICIAN")),
            Some("Politician")
        );
    }
}
