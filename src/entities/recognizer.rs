//! The transformer-backed [`EntityRecognizer`]: tokenise, batch, run, aggregate, merge.

use std::ops::Range;

use tch::Device;
use tokenizers::models::ModelWrapper;
use tokenizers::{Encoding, PostProcessor};

use super::aggregate::{
    aggregate, is_subword, subword_flags_from_word_ids, AggregationStrategy, LabelSet, RawEntity,
    SubwordRule, TokenView, WordBoundaries,
};
use super::window::{merge_overlapping, shift, token_windows};
use super::{Entity, EntityRecognition, LabelScheme};
use crate::models::{ModelRegistry, ResolvedModel};
use crate::sentences::{SentenceSegmentation, SentenceSplitter};
use crate::text::span::CharIndex;
use crate::text::Span;
use crate::torch::model::TokenClassifier;
use crate::torch::runner::Runner;
use crate::torch::{check_batch_size, softmax_rows, Backend};
use crate::{Error, Result};

/// The prefix of a sentence label in a token classifier's label map: `SENT:ASSAULT` is the
/// label `ASSAULT` of a sentence head read at the first token (`[CLS]`), beside the
/// token labels. Such a model reads a sentence once for both (one encoder for entities and
/// event types, `entities-events-default`); sentence labels follow every token label.
pub const SENTENCE_LABEL_PREFIX: &str = "SENT:";

/// How an [`EntityRecognizer`] runs. `Default` gives `first` aggregation, automatic label
/// scheme, `transformers`' word boundaries, batches of 8, the CPU, the registry's maximum
/// length, a window overlap of a quarter window and rust-bert's forward pass.
#[derive(Debug, Clone)]
pub struct EntityRecognizerConfig {
    /// How sub-word predictions become entities.
    pub aggregation: AggregationStrategy,
    /// How labels mark entity boundaries ([`LabelScheme::Auto`] reads the labels).
    pub scheme: LabelScheme,
    /// How tokens are grouped into words for `first` / `average` / `max`.
    pub word_boundaries: WordBoundaries,
    /// Pieces of text (whole texts, sentences or windows) per forward pass. Pieces are
    /// sorted by length before batching so that padding stays small.
    pub batch_size: usize,
    /// Where the model runs: `Device::Cpu`, `Device::Cuda(0)`, or `Device::cuda_if_available()`.
    pub device: Device,
    /// Maximum tokens per forward pass, special tokens included. `None`: the registry's
    /// `max_length`, else the model's position embeddings.
    pub max_length: Option<usize>,
    /// Tokens shared by consecutive windows of a sentence too long for the model (the
    /// `stride` of `transformers`). `None`: a quarter of the window.
    pub window_overlap: Option<usize>,
    /// Which forward pass runs the model: rust-bert's (default), or the crate's own BERT
    /// forward in fp32 or int8 ([`Backend`]).
    pub backend: Backend,
}

impl Default for EntityRecognizerConfig {
    fn default() -> Self {
        EntityRecognizerConfig {
            aggregation: AggregationStrategy::First,
            scheme: LabelScheme::Auto,
            word_boundaries: WordBoundaries::Transformers,
            batch_size: 8,
            device: Device::Cpu,
            max_length: None,
            window_overlap: None,
            backend: Backend::RustBert,
        }
    }
}

/// Named-entity recognition with a token-classification transformer from the model
/// registry (BERT, DistilBERT, RoBERTa, XLM-R, DeBERTa(-v2), ELECTRA, ALBERT, MobileBERT).
///
/// Results equal those of `transformers`' `TokenClassificationPipeline` on the same weights
/// (tested against recorded references). Texts longer than the model's maximum length are
/// split into sentences, sentences still too long into overlapping token windows, and the
/// entities merged back with spans into the original text.
///
/// The recognizer is `Send` but not `Sync` (libtorch tensors are not `Sync` in `tch`): a
/// service keeps one per worker thread, or one behind a `Mutex`.
///
/// On Linux with glibc, a program that runs models should call
/// [`tune_malloc`](crate::torch::tune_malloc) once at start-up: without it glibc hands the
/// large blocks of every forward pass back to the kernel and faults them in again, which
/// cost a BERT-base batch of 32 about a sixth of its time (BENCHMARKS.md).
///
/// ```no_run
/// use reportage::entities::{EntityRecognizer, EntityRecognizerConfig};
/// use reportage::{EntityRecognition, ModelRegistry};
///
/// let registry = ModelRegistry::load_default()?;
/// let ner = EntityRecognizer::from_registry(&registry, "ner-default", EntityRecognizerConfig::default())?;
/// let text = "Syrian government forces advanced in central Aleppo.";
/// for e in ner.recognize(text)? {
///     assert_eq!(&text[e.span.range()], e.text);
///     println!("{} {} {:.3}", e.kind, e.text, e.score);
/// }
/// # Ok::<(), reportage::Error>(())
/// ```
pub struct EntityRecognizer {
    runner: Runner<TokenClassifier>,
    labels: LabelSet,
    /// The sentence head's labels (prefix removed), after the token labels in the model's
    /// output; empty for a plain token classifier.
    sentence_labels: Vec<String>,
    config: EntityRecognizerConfig,
    max_length: usize,
    /// Special tokens the post-processor adds to one sequence (`[CLS]`, `[SEP]`).
    added_tokens: usize,
    window_overlap: usize,
    subword_rule: SubwordRule,
    unk_id: Option<u32>,
    /// `models.toml`'s `case_token_types`: see [`case_type_ids`].
    case_token_types: bool,
    splitter: Box<dyn SentenceSegmentation>,
}

/// What [`EntityRecognizer::recognize_batch_with_sentence_scores`] reads in one pass.
#[derive(Debug, Clone, PartialEq)]
pub struct Recognition {
    /// Each text's entities, as [`EntityRecognition::recognize_batch`] gives them.
    pub entities: Vec<Vec<Entity>>,
    /// Each text's sentence-head probabilities, in
    /// [`sentence_labels`](EntityRecognizer::sentence_labels) order (empty without a head).
    pub sentence_scores: Vec<Vec<f32>>,
}

/// One forward-pass input: a whole text, one of its sentences, or a window of a sentence.
struct Piece {
    text: usize,
    /// Byte range of the text the encoding's offsets index (the text, or the sentence).
    range: Range<usize>,
    /// Pieces with the same group are windows of one sentence, merged after aggregation.
    group: Option<usize>,
    encoding: Encoding,
}

impl EntityRecognizer {
    /// Load a resolved (checksum-verified) model.
    pub fn new(model: &ResolvedModel, config: EntityRecognizerConfig) -> Result<Self> {
        check_batch_size(config.batch_size)?;
        let loaded = TokenClassifier::load_backend(model, config.device, config.backend)?;
        let (token_labels, sentence_labels) =
            split_labels(&loaded.config.labels).map_err(|message| Error::LabelMap {
                model: model.name().to_string(),
                message,
            })?;
        let labels = LabelSet::new(token_labels, config.scheme)?;
        let max_length = config
            .max_length
            .or(loaded.config.max_length(&model.spec))
            .unwrap_or(512);
        let added_tokens = loaded
            .tokenizer
            .get_post_processor()
            .map_or(0, |p| p.added_tokens(false));
        let window = max_length.saturating_sub(added_tokens);
        let window_overlap = config.window_overlap.unwrap_or(window / 4);
        // Validates window and overlap once, so recognition cannot fail on them later.
        token_windows(window + 1, window, window_overlap)?;
        let prefix = match loaded.tokenizer.get_model() {
            ModelWrapper::WordPiece(m) => !m.continuing_subword_prefix.is_empty(),
            ModelWrapper::BPE(m) => m
                .continuing_subword_prefix
                .as_ref()
                .is_some_and(|p| !p.is_empty()),
            _ => false,
        };
        let subword_rule = if prefix {
            SubwordRule::ContinuationPrefix
        } else {
            SubwordRule::SpaceHeuristic
        };
        let unk_id = ["[UNK]", "<unk>"]
            .iter()
            .find_map(|t| loaded.tokenizer.token_to_id(t));
        Ok(EntityRecognizer {
            runner: Runner::new(model, loaded, config.batch_size)?,
            labels,
            sentence_labels,
            config,
            max_length,
            added_tokens,
            window_overlap,
            subword_rule,
            unk_id,
            case_token_types: model.spec.case_token_types,
            splitter: Box::new(SentenceSplitter::new()),
        })
    }

    /// Resolve `name` in `registry` (checking its files) and load it.
    pub fn from_registry(
        registry: &ModelRegistry,
        name: &str,
        config: EntityRecognizerConfig,
    ) -> Result<Self> {
        Self::new(&registry.resolve(name)?, config)
    }

    /// Use another sentence splitter for texts longer than the model's maximum length.
    pub fn with_sentence_splitter(mut self, splitter: impl SentenceSegmentation + 'static) -> Self {
        self.splitter = Box::new(splitter);
        self
    }

    /// The model's name in the registry.
    pub fn name(&self) -> &str {
        self.runner.name()
    }

    /// The model's token labels in classifier order.
    pub fn labels(&self) -> &[String] {
        self.labels.labels()
    }

    /// The labels of the model's sentence head ([`SENTENCE_LABEL_PREFIX`] removed), in
    /// output order; empty when the model has none.
    pub fn sentence_labels(&self) -> &[String] {
        &self.sentence_labels
    }

    /// The label scheme in use (after [`LabelScheme::Auto`] was resolved).
    pub fn scheme(&self) -> LabelScheme {
        self.labels.scheme()
    }

    /// Maximum tokens per forward pass, special tokens included.
    pub fn max_length(&self) -> usize {
        self.max_length
    }

    /// The configuration the recognizer runs with.
    pub fn config(&self) -> &EntityRecognizerConfig {
        &self.config
    }

    fn encode(&self, text: &str) -> Result<Encoding> {
        let mut encoding = self
            .runner
            .loaded
            .tokenizer
            .encode(text, true)
            .map_err(|e| self.runner.tokenizer_error(e))?;
        if self.case_token_types {
            let types = case_type_ids(text, &encoding);
            encoding.set_type_ids(types);
        }
        Ok(encoding)
    }

    /// Cut every text into pieces that fit the model.
    fn pieces(&self, texts: &[&str]) -> Result<Vec<Piece>> {
        let mut pieces = Vec::with_capacity(texts.len());
        let mut groups = 0;
        for (i, text) in texts.iter().enumerate() {
            if text.trim().is_empty() {
                return Err(Error::EmptyInput("entity recognition needs non-empty text"));
            }
            let encoding = self.encode(text)?;
            if encoding.len() <= self.max_length {
                pieces.push(Piece {
                    text: i,
                    range: 0..text.len(),
                    group: None,
                    encoding,
                });
                continue;
            }
            let mut sentences: Vec<Span> =
                self.splitter.split(text).iter().map(|s| s.span).collect();
            if sentences.is_empty() {
                sentences.push(Span::new(0, text.len()));
            }
            for span in sentences {
                let sentence = span.slice(text)?;
                let encoding = self.encode(sentence)?;
                if encoding.len() <= self.max_length {
                    pieces.push(Piece {
                        text: i,
                        range: span.range(),
                        group: None,
                        encoding,
                    });
                    continue;
                }
                // Windows are cut from the full encoding, keeping its leading and trailing
                // special tokens: post-processing the pieces again would re-apply offset
                // trimming (byte-level BPE) and shift the spans.
                let specials = encoding.get_special_tokens_mask();
                let head = specials.iter().take_while(|&&m| m != 0).count();
                let tail = specials[head..]
                    .iter()
                    .rev()
                    .take_while(|&&m| m != 0)
                    .count();
                let content = encoding.len() - head - tail;
                let window = self.max_length - self.added_tokens;
                for range in token_windows(content, window, self.window_overlap)? {
                    pieces.push(Piece {
                        text: i,
                        range: span.range(),
                        group: Some(groups),
                        encoding: window_encoding(&encoding, head, tail, range),
                    });
                }
                groups += 1;
            }
        }
        Ok(pieces)
    }

    /// Logits of each piece's tokens, `[tokens, labels]` flat, special tokens included:
    /// what the tests of the forward passes compare.
    #[cfg(test)]
    pub(crate) fn piece_logits(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>> {
        let pieces = self.pieces(texts)?;
        let encodings: Vec<&Encoding> = pieces.iter().map(|p| &p.encoding).collect();
        self.runner.logits(&encodings, |_| Ok(()))
    }

    /// Label probabilities of each piece's tokens, `[tokens, token labels]` flat, and of
    /// its sentence labels (empty without a sentence head): a softmax over the token labels
    /// of each token, and over the sentence labels of the first token.
    fn probabilities(&self, pieces: &[Piece]) -> Result<Vec<(Vec<f32>, Vec<f32>)>> {
        let encodings: Vec<&Encoding> = pieces.iter().map(|p| &p.encoding).collect();
        if self.sentence_labels.is_empty() {
            let probs = self.runner.probabilities(&encodings, |_| Ok(()))?;
            return Ok(probs.into_iter().map(|p| (p, Vec::new())).collect());
        }
        let logits = self.runner.logits(&encodings, |_| Ok(()))?;
        let n_token = self.labels.len();
        let n = n_token + self.sentence_labels.len();
        Ok(logits
            .into_iter()
            .map(|rows| {
                let mut sentence = rows.get(n_token..n).unwrap_or_default().to_vec();
                softmax_rows(&mut sentence, n - n_token);
                let mut tokens: Vec<f32> = rows
                    .chunks_exact(n)
                    .flat_map(|row| &row[..n_token])
                    .copied()
                    .collect();
                softmax_rows(&mut tokens, n_token);
                (tokens, sentence)
            })
            .collect())
    }

    /// [`recognize_batch`](EntityRecognition::recognize_batch), and the sentence head's
    /// probabilities for each text (in [`sentence_labels`](Self::sentence_labels) order;
    /// empty without a sentence head), from the same forward pass. A text too long for one
    /// pass is read in pieces; its sentence probabilities are those of its first piece, the
    /// beginning of the text, as a classifier that truncates would read it.
    pub fn recognize_batch_with_sentence_scores(&self, texts: &[&str]) -> Result<Recognition> {
        let pieces = self.pieces(texts)?;
        let probs = self.probabilities(&pieces)?;
        let mut per_text: Vec<Vec<RawEntity>> = vec![Vec::new(); texts.len()];
        let mut sentence_scores: Vec<Option<Vec<f32>>> = vec![None; texts.len()];
        let mut windows: Vec<(usize, usize, Vec<RawEntity>)> = Vec::new();
        for (piece, (probs, sentence)) in pieces.iter().zip(probs) {
            sentence_scores[piece.text].get_or_insert(sentence);
            let text = &texts[piece.text][piece.range.clone()];
            let mut found = self.piece_entities(piece, text, probs)?;
            shift(&mut found, piece.range.start);
            match piece.group {
                None => per_text[piece.text].extend(found),
                Some(g) => match windows.last_mut() {
                    Some((group, _, all)) if *group == g => all.extend(found),
                    _ => windows.push((g, piece.text, found)),
                },
            }
        }
        for (_, text, found) in windows {
            per_text[text].extend(merge_overlapping(found));
        }
        let entities = texts
            .iter()
            .zip(per_text)
            .map(|(text, mut found)| {
                found.sort_by_key(|e| (e.span.start, e.span.end));
                let chars = CharIndex::new(text);
                found
                    .into_iter()
                    .map(|e| e.into_entity(text, &chars))
                    .collect()
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Recognition {
            entities,
            sentence_scores: sentence_scores
                .into_iter()
                .map(Option::unwrap_or_default)
                .collect(),
        })
    }

    /// Entities of one piece, with spans into the piece's text.
    fn piece_entities(
        &self,
        piece: &Piece,
        text: &str,
        token_probs: Vec<f32>,
    ) -> Result<Vec<RawEntity>> {
        let n = self.labels.len();
        let enc = &piece.encoding;
        let word_flags = match self.config.word_boundaries {
            WordBoundaries::WordIds => Some(subword_flags_from_word_ids(enc.get_word_ids())),
            _ => None,
        };
        let mut tokens = Vec::with_capacity(enc.len());
        let mut probs = Vec::with_capacity(enc.len() * n);
        for (i, &special) in enc.get_special_tokens_mask().iter().enumerate() {
            if special != 0 {
                continue;
            }
            let (start, end) = enc.get_offsets()[i];
            let span = Span::new(start, end);
            let is_unk = Some(enc.get_ids()[i]) == self.unk_id;
            let sub = match &word_flags {
                Some(flags) => flags[i] && !is_unk,
                None => is_subword(text, span, &enc.get_tokens()[i], self.subword_rule, is_unk),
            };
            tokens.push(TokenView {
                span,
                is_subword: sub,
            });
            probs.extend_from_slice(&token_probs[i * n..(i + 1) * n]);
        }
        aggregate(text, &tokens, &probs, &self.labels, self.config.aggregation).map_err(|e| match e
        {
            Error::LabelMap { message, .. } => Error::LabelMap {
                model: self.runner.name().to_string(),
                message,
            },
            Error::Tokenizer(m) => self.runner.tokenizer_error(m),
            e => e,
        })
    }
}

/// Token type ids that carry capitalisation: 1 for every token of a word whose first
/// character is upper-case, 0 for the rest and for special tokens. Words are the
/// tokenizer's pre-tokenized words (`word_ids`), so "U.S." is four words and "McCain" one;
/// `scripts/train_ner.py` (`case_types`) computes the same when it trains such a model.
///
/// ```text
/// "Syrian troops" -> [CLS]=0 syrian=1 troops=0 [SEP]=0
/// ```
pub(crate) fn case_type_ids(text: &str, encoding: &Encoding) -> Vec<u32> {
    let mut word_start = std::collections::HashMap::new();
    for (word, &(start, _)) in encoding.get_word_ids().iter().zip(encoding.get_offsets()) {
        if let Some(w) = word {
            word_start.entry(*w).or_insert(start);
        }
    }
    encoding
        .get_word_ids()
        .iter()
        .map(|word| {
            let upper = word
                .and_then(|w| word_start.get(&w))
                .and_then(|&s| text.get(s..))
                .and_then(|rest| rest.chars().next())
                .is_some_and(char::is_uppercase);
            u32::from(upper)
        })
        .collect()
}

/// Content tokens `range` (counted after the `head` leading special tokens) of `full`,
/// between its `head` leading and `tail` trailing special tokens: what `tokenizers`
/// produces when it truncates with a stride and post-processes each part.
fn window_encoding(full: &Encoding, head: usize, tail: usize, range: Range<usize>) -> Encoding {
    let n = full.len();
    let keep: Vec<usize> = (0..head)
        .chain(head + range.start..head + range.end)
        .chain(n - tail..n)
        .collect();
    fn pick<T: Clone>(v: &[T], keep: &[usize]) -> Vec<T> {
        keep.iter().map(|&i| v[i].clone()).collect()
    }
    Encoding::new(
        pick(full.get_ids(), &keep),
        pick(full.get_type_ids(), &keep),
        pick(full.get_tokens(), &keep),
        pick(full.get_word_ids(), &keep),
        pick(full.get_offsets(), &keep),
        pick(full.get_special_tokens_mask(), &keep),
        pick(full.get_attention_mask(), &keep),
        Vec::new(),
        Default::default(),
    )
}

impl EntityRecognition for EntityRecognizer {
    fn recognize_batch(&self, texts: &[&str]) -> Result<Vec<Vec<Entity>>> {
        Ok(self.recognize_batch_with_sentence_scores(texts)?.entities)
    }
}

/// A model's labels split into token labels and sentence labels (see
/// [`SENTENCE_LABEL_PREFIX`]); an error says what is wrong with the label map.
fn split_labels(labels: &[String]) -> std::result::Result<(Vec<String>, Vec<String>), String> {
    let n_token = labels
        .iter()
        .take_while(|l| !l.starts_with(SENTENCE_LABEL_PREFIX))
        .count();
    let sentence = labels[n_token..]
        .iter()
        .map(|l| {
            l.strip_prefix(SENTENCE_LABEL_PREFIX)
                .map(str::to_string)
                .ok_or_else(|| format!("token label `{l}` after the sentence labels"))
        })
        .collect::<std::result::Result<Vec<_>, _>>()?;
    if n_token == 0 {
        return Err("no token labels, only sentence labels".into());
    }
    Ok((labels[..n_token].to_vec(), sentence))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentence_labels_follow_the_token_labels() {
        let labels = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let (token, sentence) = split_labels(&labels(&[
            "O",
            "B-PER",
            "I-PER",
            "SENT:NONE",
            "SENT:ASSAULT",
        ]))
        .unwrap();
        assert_eq!(token, labels(&["O", "B-PER", "I-PER"]));
        assert_eq!(sentence, labels(&["NONE", "ASSAULT"]));
        let (token, sentence) = split_labels(&labels(&["O", "B-PER"])).unwrap();
        assert_eq!((token.len(), sentence.len()), (2, 0));
        let err = split_labels(&labels(&["O", "SENT:NONE", "B-PER"])).unwrap_err();
        assert!(err.contains("`B-PER` after the sentence labels"), "{err}");
        assert!(split_labels(&labels(&["SENT:NONE"])).is_err());
    }

    #[test]
    fn case_type_ids_mark_every_piece_of_capitalised_words() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/ner-bert-bio/tokenizer.json"
        );
        let tokenizer = tokenizers::Tokenizer::from_file(path).unwrap();
        let text = "Syrian troops left Ärzte-camp in the U.S.";
        let encoding = tokenizer.encode(text, true).unwrap();
        let types = case_type_ids(text, &encoding);
        assert_eq!(types.len(), encoding.len());
        for ((&t, &(s, e)), word) in types
            .iter()
            .zip(encoding.get_offsets())
            .zip(encoding.get_word_ids())
        {
            if word.is_none() {
                assert_eq!(t, 0, "special tokens stay type 0");
                continue;
            }
            // The word is the run of alphanumeric characters around the piece (BERT's
            // pre-tokenizer splits at spaces and punctuation); a punctuation piece is its
            // own word.
            let piece = &text[s..e];
            let head = text[..s]
                .char_indices()
                .rev()
                .take_while(|&(_, c)| {
                    c.is_alphanumeric() && piece.starts_with(char::is_alphanumeric)
                })
                .last()
                .map_or(s, |(i, _)| i);
            let expected = u32::from(text[head..].starts_with(char::is_uppercase));
            // Continuation pieces of a capitalised word ("##rian") are 1 like their head.
            assert_eq!(t, expected, "piece {piece:?}");
        }
        assert!(types.contains(&1) && types.contains(&0));
    }
}
