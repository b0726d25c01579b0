//! Model-backed stance detection and zero-shot classification (libtorch through rust-bert).

use tch::Device;
use tokenizers::{
    EncodeInput, Encoding, TruncationDirection, TruncationParams, TruncationStrategy,
};

use super::labels::{
    average_scores, classifier_scores, softmax, stance_from_label, zero_shot_scores,
};
use super::templates::render_template;
use super::{check_pairs, NliLabelMap, Stance, StanceDetection, StanceScores, StanceTemplates};
use crate::models::{Architecture, ModelRegistry, ResolvedModel};
use crate::torch::model::SequenceClassifier;
use crate::torch::runner::Runner;
use crate::torch::{check_batch_size, tokenizer_error, Backend};
use crate::{Error, Result};

/// Default number of sequence pairs per forward pass.
pub const DEFAULT_BATCH_SIZE: usize = 16;

/// A sequence classifier over text pairs: truncation as the task needs, and BART's check
/// that every row carries the same number of `</s>`; batching is the shared [`Runner`]'s.
struct PairRunner {
    runner: Runner<SequenceClassifier>,
    /// BART classifies from the last `</s>`; every row must carry as many of them.
    eos_id: Option<u32>,
}

impl PairRunner {
    fn load(
        model: &ResolvedModel,
        device: Device,
        backend: Backend,
        batch_size: usize,
        strategy: TruncationStrategy,
    ) -> Result<Self> {
        check_batch_size(batch_size)?;
        let mut loaded = SequenceClassifier::load_backend(model, device, backend)?;
        if let Some(max_length) = loaded.config.max_length(&model.spec) {
            // As the pipelines do: cut the text, never the hypothesis or the target.
            loaded
                .tokenizer
                .with_truncation(Some(TruncationParams {
                    direction: TruncationDirection::Right,
                    max_length,
                    strategy,
                    stride: 0,
                }))
                .map_err(|e| tokenizer_error(model.name(), e))?;
        }
        let eos_id = match model.spec.architecture {
            Architecture::Bart => {
                let eos = loaded.config.int("eos_token_id").unwrap_or(2);
                // rust-bert starts the decoder with the last non-pad token (`</s>`), the
                // pre-4.0 `transformers` rule; it equals today's `decoder_start_token_id`
                // rule only when the two ids agree (they do for bart-large-mnli).
                let start = loaded.config.int("decoder_start_token_id").unwrap_or(eos);
                if start != eos {
                    return Err(Error::Model {
                        model: model.name().to_string(),
                        message: format!(
                            "decoder_start_token_id {start} differs from eos_token_id {eos}; \
                             rust-bert's BART would not match transformers"
                        ),
                    });
                }
                Some(eos as u32)
            }
            _ => None,
        };
        Ok(PairRunner {
            runner: Runner::new(model, loaded, batch_size)?,
            eos_id,
        })
    }

    /// Logits of each input, one per model label, in input order.
    fn logits(&self, inputs: Vec<EncodeInput<'_>>) -> Result<Vec<Vec<f32>>> {
        if inputs.is_empty() {
            return Ok(Vec::new());
        }
        let encodings = self
            .runner
            .loaded
            .tokenizer
            .encode_batch(inputs, true)
            .map_err(|e| self.runner.tokenizer_error(e))?;
        let rows: Vec<&Encoding> = encodings.iter().collect();
        self.runner.logits(&rows, |batch| self.check_eos(batch))
    }

    fn check_eos(&self, rows: &[&Encoding]) -> Result<()> {
        let Some(eos) = self.eos_id else {
            return Ok(());
        };
        let count = |e: &Encoding| e.get_ids().iter().filter(|&&id| id == eos).count();
        let first = count(rows[0]);
        if first == 0 || rows.iter().any(|e| count(e) != first) {
            return Err(self.runner.model_error(
                "all inputs must contain the same, non-zero number of </s> tokens \
                 (does the text contain a literal </s>?)",
            ));
        }
        Ok(())
    }
}

/// What a zero-shot classification returns for one text, like the `transformers` pipeline:
/// labels sorted by score, highest first.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ZeroShotResult {
    /// The text classified.
    pub sequence: String,
    /// Candidate labels, highest score first.
    pub labels: Vec<String>,
    /// Their scores, in the same order.
    pub scores: Vec<f32>,
}

impl ZeroShotResult {
    /// The score of one candidate label.
    pub fn score_of(&self, label: &str) -> Option<f32> {
        self.labels
            .iter()
            .position(|l| l == label)
            .map(|i| self.scores[i])
    }
}

/// Zero-shot text classification with an NLI model: the equivalent of `transformers`'
/// `ZeroShotClassificationPipeline`, with any candidate labels.
///
/// Each (text, `template` filled with a label) pair is scored by the model; the entailment
/// index is read from the model's label map. Single-label scores are a softmax of the
/// entailment logits across labels; multi-label scores weigh entailment against
/// contradiction for each label alone. Pairs of all texts and labels are batched together.
///
/// ```no_run
/// use reportage::models::ModelRegistry;
/// use reportage::stance::ZeroShotClassifier;
/// use reportage::Device;
/// let registry = ModelRegistry::load_default()?;
/// let zs = ZeroShotClassifier::from_registry(&registry, "nli-default", Device::Cpu)?;
/// let r = zs.classify(
///     "Police fired tear gas at protesters in Nairobi.",
///     &["protest", "diplomacy", "fighting"],
///     "This example is about {}.",
///     false,
/// )?;
/// println!("{} {:.3}", r.labels[0], r.scores[0]);
/// # Ok::<(), reportage::Error>(())
/// ```
pub struct ZeroShotClassifier {
    runner: PairRunner,
    map: NliLabelMap,
}

impl ZeroShotClassifier {
    /// Load an NLI model. Fails if its label map has no entailment label.
    pub fn new(model: &ResolvedModel, device: Device) -> Result<Self> {
        Self::with_backend(model, device, Backend::RustBert)
    }

    /// Load an NLI model to run with the forward pass `backend` chooses.
    pub fn with_backend(model: &ResolvedModel, device: Device, backend: Backend) -> Result<Self> {
        // Checked before the weights are read, so that a model that cannot do NLI fails
        // fast; the labels of config.json (equal to the registry's) are checked again below.
        if !model.spec.labels.is_empty() {
            NliLabelMap::from_labels(model.name(), &model.spec.labels)?;
        }
        let runner = PairRunner::load(
            model,
            device,
            backend,
            DEFAULT_BATCH_SIZE,
            TruncationStrategy::OnlyFirst,
        )?;
        let map = NliLabelMap::from_labels(model.name(), runner.runner.labels())?;
        Ok(ZeroShotClassifier { runner, map })
    }

    /// Resolve `name` in `registry` (checking its files) and load it.
    pub fn from_registry(registry: &ModelRegistry, name: &str, device: Device) -> Result<Self> {
        Self::new(&registry.resolve(name)?, device)
    }

    /// Pairs per forward pass (default 16).
    pub fn with_batch_size(mut self, batch_size: usize) -> Result<Self> {
        self.runner.runner.set_batch_size(batch_size)?;
        Ok(self)
    }

    /// Where entailment and contradiction are in the model's output.
    pub fn label_map(&self) -> NliLabelMap {
        self.map
    }

    /// The model's labels, in output order.
    pub fn model_labels(&self) -> &[String] {
        self.runner.runner.labels()
    }

    /// Classify one text; `template` is a `transformers`-style template with one `{}`.
    pub fn classify(
        &self,
        text: &str,
        candidate_labels: &[&str],
        template: &str,
        multi_label: bool,
    ) -> Result<ZeroShotResult> {
        self.classify_batch(&[text], candidate_labels, template, multi_label)?
            .pop()
            .ok_or_else(|| {
                Error::MalformedOutput("zero-shot classification returned nothing".into())
            })
    }

    /// Classify several texts against the same labels, all pairs batched together.
    pub fn classify_batch(
        &self,
        texts: &[&str],
        candidate_labels: &[&str],
        template: &str,
        multi_label: bool,
    ) -> Result<Vec<ZeroShotResult>> {
        if candidate_labels.is_empty() {
            return Err(Error::InvalidArgument(
                "zero-shot classification needs at least one candidate label".into(),
            ));
        }
        let hypotheses = candidate_labels
            .iter()
            .map(|l| render_template(template, l))
            .collect::<Result<Vec<_>>>()?;
        let items: Vec<(&str, &[String])> = texts.iter().map(|&t| (t, &hypotheses[..])).collect();
        let scores = self.score_hypotheses(&items, multi_label)?;
        Ok(texts
            .iter()
            .zip(scores)
            .map(|(text, scores)| {
                let mut order: Vec<usize> = (0..scores.len()).collect();
                order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
                ZeroShotResult {
                    sequence: text.to_string(),
                    labels: order
                        .iter()
                        .map(|&i| candidate_labels[i].to_string())
                        .collect(),
                    scores: order.iter().map(|&i| scores[i]).collect(),
                }
            })
            .collect())
    }

    /// Scores of each text's own hypotheses, in hypothesis order (the zero-shot math applied
    /// per text). All pairs go through the model in shared batches.
    pub fn score_hypotheses(
        &self,
        items: &[(&str, &[String])],
        multi_label: bool,
    ) -> Result<Vec<Vec<f32>>> {
        let mut inputs: Vec<EncodeInput<'_>> = Vec::new();
        for (text, hypotheses) in items {
            if text.trim().is_empty() {
                return Err(Error::EmptyInput("zero-shot text"));
            }
            if hypotheses.is_empty() {
                return Err(Error::InvalidArgument("no hypotheses to score".into()));
            }
            for h in hypotheses.iter() {
                inputs.push((*text, h.as_str()).into());
            }
        }
        let logits = self.runner.logits(inputs)?;
        let mut rows = logits.into_iter();
        items
            .iter()
            .map(|(_, hypotheses)| {
                let flat: Vec<f32> = rows.by_ref().take(hypotheses.len()).flatten().collect();
                zero_shot_scores(&flat, &self.map, multi_label)
            })
            .collect()
    }

    /// Raw NLI logits of `(premise, hypothesis)` pairs, in the model's label order.
    pub fn nli_logits(&self, pairs: &[(&str, &str)]) -> Result<Vec<Vec<f32>>> {
        self.runner
            .logits(pairs.iter().map(|&(p, h)| (p, h).into()).collect())
    }

    /// NLI probabilities of `(premise, hypothesis)` pairs: a softmax over the model's labels,
    /// in [`model_labels`](Self::model_labels) order (what `TextClassificationPipeline`
    /// returns with `top_k=None`). Fails on an empty premise or hypothesis.
    pub fn nli_probabilities(&self, pairs: &[(&str, &str)]) -> Result<Vec<Vec<f32>>> {
        for (premise, hypothesis) in pairs {
            if premise.trim().is_empty() {
                return Err(Error::EmptyInput("NLI premise"));
            }
            if hypothesis.trim().is_empty() {
                return Err(Error::EmptyInput("NLI hypothesis"));
            }
        }
        Ok(self.nli_logits(pairs)?.iter().map(|l| softmax(l)).collect())
    }
}

/// Settings of an [`NliStanceDetector`].
#[derive(Debug, Clone)]
pub struct NliStanceConfig {
    /// Hypotheses per stance (default: favor / against / neutral, two phrasings averaged).
    pub templates: StanceTemplates,
    /// Score each stance on its own (entailment vs contradiction) instead of a softmax
    /// across stances. Default `false`: scores sum to 1.
    pub multi_label: bool,
    /// Sentence-hypothesis pairs per forward pass.
    pub batch_size: usize,
    /// Where the model runs.
    pub device: Device,
    /// Which forward pass runs the model (default rust-bert's; see [`Backend`]).
    pub backend: Backend,
}

impl Default for NliStanceConfig {
    fn default() -> Self {
        NliStanceConfig {
            templates: StanceTemplates::default(),
            multi_label: false,
            batch_size: DEFAULT_BATCH_SIZE,
            device: Device::Cpu,
            backend: Backend::RustBert,
        }
    }
}

/// Zero-shot stance through an NLI model: each stance is a hypothesis about the target,
/// scored as [`ZeroShotClassifier`] scores candidate labels; template sets are averaged.
///
/// ```no_run
/// use reportage::models::ModelRegistry;
/// use reportage::stance::{NliStanceConfig, NliStanceDetector, StanceDetection};
/// let registry = ModelRegistry::load_default()?;
/// let detector =
///     NliStanceDetector::from_registry(&registry, "nli-default", NliStanceConfig::default())?;
/// let s = detector.detect("Officials welcomed the ceasefire.", "the ceasefire")?;
/// println!("{} {:.2}", s.stance, s.score);
/// # Ok::<(), reportage::Error>(())
/// ```
pub struct NliStanceDetector {
    classifier: ZeroShotClassifier,
    templates: StanceTemplates,
    multi_label: bool,
}

impl NliStanceDetector {
    /// Load an NLI model for stance.
    pub fn new(model: &ResolvedModel, config: NliStanceConfig) -> Result<Self> {
        let classifier = ZeroShotClassifier::with_backend(model, config.device, config.backend)?
            .with_batch_size(config.batch_size)?;
        Ok(NliStanceDetector {
            classifier,
            templates: config.templates,
            multi_label: config.multi_label,
        })
    }

    /// Resolve `name` in `registry` (checking its files) and load it.
    pub fn from_registry(
        registry: &ModelRegistry,
        name: &str,
        config: NliStanceConfig,
    ) -> Result<Self> {
        Self::new(&registry.resolve(name)?, config)
    }

    /// The templates in use.
    pub fn templates(&self) -> &StanceTemplates {
        &self.templates
    }

    /// The zero-shot classifier underneath (same model, for other labels).
    pub fn classifier(&self) -> &ZeroShotClassifier {
        &self.classifier
    }
}

impl StanceDetection for NliStanceDetector {
    fn detect_batch(&self, pairs: &[(&str, &str)]) -> Result<Vec<StanceScores>> {
        check_pairs(pairs)?;
        let rendered = pairs
            .iter()
            .map(|(_, target)| self.templates.render(target))
            .collect::<Result<Vec<_>>>()?;
        let items: Vec<(&str, &[String])> = pairs
            .iter()
            .zip(&rendered)
            .flat_map(|((text, _), sets)| sets.iter().map(move |set| (*text, &set[..])))
            .collect();
        let scores = self.classifier.score_hypotheses(&items, self.multi_label)?;
        let per_pair = self.templates.sets().len();
        scores
            .chunks(per_pair)
            .map(|sets| {
                let mean = average_scores(sets)?;
                StanceScores::from_scores(
                    self.templates.stances().iter().copied().zip(mean).collect(),
                )
            })
            .collect()
    }
}

/// How a fine-tuned stance classifier expects its input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ClassifierInput {
    /// The pair (target, text): `[CLS] target [SEP] text [SEP]` (default).
    #[default]
    TargetText,
    /// The pair (text, target).
    TextTarget,
    /// The text alone (a model trained for one fixed target).
    TextOnly,
}

/// Settings of a [`ClassifierStanceDetector`].
#[derive(Debug, Clone)]
pub struct ClassifierStanceConfig {
    /// Input layout the model was trained with.
    pub input: ClassifierInput,
    /// Explicit label -> stance map (labels as in `models.toml`, compared case-insensitively);
    /// labels not listed are read by [`stance_from_label`].
    pub label_map: Vec<(String, Stance)>,
    /// Inputs per forward pass.
    pub batch_size: usize,
    /// Where the model runs.
    pub device: Device,
    /// Which forward pass runs the model (default rust-bert's; see [`Backend`]).
    pub backend: Backend,
}

impl Default for ClassifierStanceConfig {
    fn default() -> Self {
        ClassifierStanceConfig {
            input: ClassifierInput::default(),
            label_map: Vec::new(),
            batch_size: DEFAULT_BATCH_SIZE,
            device: Device::Cpu,
            backend: Backend::RustBert,
        }
    }
}

/// Stance from a sequence classifier fine-tuned with stance labels; the labels come from the
/// registry (checked against `config.json`) and are mapped to [`Stance`] by name.
/// Scores are the softmax over the model's labels, summed per stance.
///
/// ```no_run
/// use reportage::models::ModelRegistry;
/// use reportage::stance::{ClassifierStanceConfig, ClassifierStanceDetector, StanceDetection};
/// let registry = ModelRegistry::load_default()?;
/// let config = ClassifierStanceConfig::default();
/// let detector = ClassifierStanceDetector::from_registry(&registry, "stance-default", config)?;
/// let s = detector.detect("The editorial opposes the sanctions.", "the sanctions")?;
/// # Ok::<(), reportage::Error>(())
/// ```
pub struct ClassifierStanceDetector {
    runner: PairRunner,
    stances: Vec<Stance>,
    input: ClassifierInput,
}

impl ClassifierStanceDetector {
    /// Load a stance classifier. Fails if a label maps to no stance.
    pub fn new(model: &ResolvedModel, config: ClassifierStanceConfig) -> Result<Self> {
        let strategy = match config.input {
            ClassifierInput::TargetText => TruncationStrategy::OnlySecond,
            ClassifierInput::TextTarget => TruncationStrategy::OnlyFirst,
            ClassifierInput::TextOnly => TruncationStrategy::LongestFirst,
        };
        let runner = PairRunner::load(
            model,
            config.device,
            config.backend,
            config.batch_size,
            strategy,
        )?;
        let labels = runner.runner.labels();
        for (label, _) in &config.label_map {
            if !labels.iter().any(|l| l.eq_ignore_ascii_case(label)) {
                return Err(Error::LabelMap {
                    model: model.name().to_string(),
                    message: format!("label map names `{label}`, the model has {labels:?}"),
                });
            }
        }
        let stances = labels
            .iter()
            .map(|l| {
                config
                    .label_map
                    .iter()
                    .find(|(name, _)| name.eq_ignore_ascii_case(l))
                    .map(|&(_, s)| s)
                    .or_else(|| stance_from_label(l))
                    .ok_or_else(|| Error::LabelMap {
                        model: model.name().to_string(),
                        message: format!(
                            "label `{l}` is not a stance; give it one in ClassifierStanceConfig::label_map"
                        ),
                    })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(ClassifierStanceDetector {
            runner,
            stances,
            input: config.input,
        })
    }

    /// Resolve `name` in `registry` (checking its files) and load it.
    pub fn from_registry(
        registry: &ModelRegistry,
        name: &str,
        config: ClassifierStanceConfig,
    ) -> Result<Self> {
        Self::new(&registry.resolve(name)?, config)
    }

    /// The model's labels, in output order.
    pub fn labels(&self) -> &[String] {
        self.runner.runner.labels()
    }

    /// The stance of each label, in output order.
    pub fn stances(&self) -> &[Stance] {
        &self.stances
    }
}

impl StanceDetection for ClassifierStanceDetector {
    fn detect_batch(&self, pairs: &[(&str, &str)]) -> Result<Vec<StanceScores>> {
        check_pairs(pairs)?;
        let inputs: Vec<EncodeInput<'_>> = pairs
            .iter()
            .map(|&(text, target)| match self.input {
                ClassifierInput::TargetText => (target, text).into(),
                ClassifierInput::TextTarget => (text, target).into(),
                ClassifierInput::TextOnly => text.into(),
            })
            .collect();
        self.runner
            .logits(inputs)?
            .iter()
            .map(|logits| StanceScores::from_scores(classifier_scores(logits, &self.stances)?))
            .collect()
    }
}
