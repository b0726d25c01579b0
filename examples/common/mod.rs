//! What the examples share: the default report and the choice of models.
//!
//! The model choice lives here, in one place, so that every example compiles with and
//! without the `torch` feature: without it (`--no-default-features`) the examples run on the
//! model-free [`GazetteerRecognizer`] and no stance; with it they will use the transformer
//! models.
#![allow(dead_code)]

use std::io::Read;

use reportage::entities::AggregationStrategy;
#[cfg(not(feature = "torch"))]
use reportage::entities::GazetteerRecognizer;
use reportage::events::{EventExtractor, EventExtractorBuilder, RoleMerge, RoleTagger};
use reportage::torch::Backend;
use reportage::{EntityRecognition, Result, SentenceSplitter, StanceDetection};

/// The report the examples read when given no file.
pub const DEFAULT_REPORT: &str = include_str!("../data/aleppo-advance.txt");
/// Its id in the output.
pub const DEFAULT_REPORT_ID: &str = "aleppo-advance";

/// The report named on the command line (a path, or `-` for stdin), else the default one.
/// Returns `(id, text)`.
pub fn report_from_args() -> Result<(String, String)> {
    match std::env::args().nth(1).as_deref() {
        None => Ok((DEFAULT_REPORT_ID.to_string(), DEFAULT_REPORT.to_string())),
        Some("-") => {
            let mut s = String::new();
            std::io::stdin()
                .read_to_string(&mut s)
                .map_err(|e| reportage::Error::Io {
                    path: "<stdin>".into(),
                    source: e,
                })?;
            Ok(("stdin".to_string(), s))
        }
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| reportage::Error::Io {
                path: path.into(),
                source: e,
            })?;
            let id = std::path::Path::new(path)
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| path.to_string());
            Ok((id, text))
        }
    }
}

/// The entity recognizer the examples use.
#[cfg(not(feature = "torch"))]
pub fn entity_recognizer() -> Result<Box<dyn EntityRecognition>> {
    Ok(Box::new(GazetteerRecognizer::default()))
}

/// The entity recognizer the examples use: `reportage::presets::recognizer`, the default
/// model first, then the gazetteer (models/README.md says how it was chosen).
#[cfg(feature = "torch")]
pub fn entity_recognizer() -> Result<Box<dyn EntityRecognition>> {
    entity_recognizer_with(Backend::default(), None)
}

/// The preset over `registry` with `backend`'s forward pass, its token classifiers reading
/// words as `aggregation` says (`None`: the preset's `AGGREGATION`).
#[cfg(feature = "torch")]
fn preset(
    registry: &reportage::ModelRegistry,
    backend: Backend,
    aggregation: Option<AggregationStrategy>,
) -> reportage::presets::Preset<'_> {
    let preset = reportage::presets::Preset::new(registry).backend(backend);
    match aggregation {
        Some(aggregation) => preset.aggregation(aggregation),
        None => preset,
    }
}

/// [`entity_recognizer`] run by `backend`'s forward pass, reading words as `aggregation`
/// says (`None`: the preset's way).
#[cfg(feature = "torch")]
pub fn entity_recognizer_with(
    backend: Backend,
    aggregation: Option<AggregationStrategy>,
) -> Result<Box<dyn EntityRecognition>> {
    // Every example builds its recognizer first, before any thread starts: the moment
    // `tune_malloc` (called by the preset) asks for.
    let registry = reportage::ModelRegistry::load_default()?;
    Ok(Box::new(
        preset(&registry, backend, aggregation).recognizer()?,
    ))
}

/// Without libtorch there is one recognizer, whatever the backend.
#[cfg(not(feature = "torch"))]
pub fn entity_recognizer_with(
    _backend: Backend,
    _aggregation: Option<AggregationStrategy>,
) -> Result<Box<dyn EntityRecognition>> {
    entity_recognizer()
}

/// The stance detector the examples use, if any.
#[cfg(not(feature = "torch"))]
pub fn stance_detector() -> Result<Option<Box<dyn StanceDetection>>> {
    // No model-free stance detector exists: events come without stances.
    Ok(None)
}

/// The stance detector the examples use: `stance-default`, the fine-tuned target/text
/// classifier (models/README.md has its card and dev scores).
#[cfg(feature = "torch")]
pub fn stance_detector() -> Result<Option<Box<dyn StanceDetection>>> {
    default_stance_detector(Backend::default())
}

/// [`stance_detector`] run by `backend`'s forward pass.
#[cfg(feature = "torch")]
fn default_stance_detector(backend: Backend) -> Result<Option<Box<dyn StanceDetection>>> {
    stance_detector_with(reportage::presets::STANCE_MODEL, backend).map(Some)
}

/// Without libtorch: no stance, whatever the backend.
#[cfg(not(feature = "torch"))]
fn default_stance_detector(_backend: Backend) -> Result<Option<Box<dyn StanceDetection>>> {
    stance_detector()
}

/// A stance detector from any registry model of task `stance` or `zero-shot`.
#[cfg(feature = "torch")]
pub fn stance_detector_named(name: &str) -> Result<Box<dyn StanceDetection>> {
    stance_detector_with(name, Backend::default())
}

/// [`stance_detector_named`] run by `backend`'s forward pass.
#[cfg(feature = "torch")]
pub fn stance_detector_with(name: &str, backend: Backend) -> Result<Box<dyn StanceDetection>> {
    let registry = reportage::ModelRegistry::load_default()?;
    preset(&registry, backend, None).stance_detector(name)
}

/// Without libtorch there is no stance model to name.
#[cfg(not(feature = "torch"))]
pub fn stance_detector_with(name: &str, _backend: Backend) -> Result<Box<dyn StanceDetection>> {
    stance_detector_named(name)
}

/// Without libtorch there is no stance model to name.
#[cfg(not(feature = "torch"))]
pub fn stance_detector_named(name: &str) -> Result<Box<dyn StanceDetection>> {
    Err(reportage::Error::InvalidArgument(format!(
        "model `{name}`: stance models need the `torch` feature"
    )))
}

/// The event extractor with the models above and the default role tagger.
pub fn extractor() -> Result<EventExtractor> {
    extractor_with(&ExtractorOptions::default())
}

/// What the event examples let a user choose (`--roles`, `--role-merge`, `--stance`).
#[derive(Debug, Default)]
pub struct ExtractorOptions {
    /// A registry role tagger, `none` for the rules alone, or `None` for the default
    /// (`reportage::presets::ROLES_MODEL` with the torch feature, the rules alone without).
    pub roles: Option<String>,
    pub role_merge: RoleMerge,
    /// How the token classifiers read words (`--aggregation`); `None`: the preset's
    /// (`reportage::presets::AGGREGATION`).
    pub aggregation: Option<AggregationStrategy>,
    /// A registry stance model, `none` for no stance, or `None` for the default.
    pub stance: Option<String>,
    /// A registry event type classifier, `none` for the lexicon alone, or `None` for the
    /// default (`events-default` with the torch feature, none without).
    pub classifier: Option<String>,
    /// The forward pass of every model (`reportage::torch::Backend`).
    pub backend: Backend,
    /// `--encoder shared`: entities and event types from one model in one pass
    /// (`reportage::presets::Preset::shared_encoder`); `separate` (the default) runs
    /// `ner-default` and `events-default`.
    pub shared_encoder: bool,
}

impl ExtractorOptions {
    /// Options help text, for the examples' usage lines.
    pub const USAGE: &'static str = "--roles NAME|none, --role-merge tagger-first|fill-gaps, \
         --aggregation viterbi|first|..., \
         --classifier NAME|none, --stance NAME|none, --backend rust-bert|fp32|int8, \
         --encoder separate|shared";

    /// Take `flag value` if it is one of these options; `false` when the flag is not.
    pub fn set(&mut self, flag: &str, value: &str) -> Result<bool> {
        match flag {
            "--roles" => self.roles = Some(value.to_string()),
            "--role-merge" => self.role_merge = parse_role_merge(value)?,
            "--aggregation" => self.aggregation = Some(value.parse()?),
            "--stance" => self.stance = Some(value.to_string()),
            "--classifier" => self.classifier = Some(value.to_string()),
            "--backend" => self.backend = value.parse()?,
            "--encoder" => self.shared_encoder = parse_encoder(value)?,
            _ => return Ok(false),
        }
        Ok(true)
    }
}

/// `--encoder`: `shared` is true, `separate` false.
pub fn parse_encoder(value: &str) -> Result<bool> {
    match value {
        "shared" => Ok(true),
        "separate" => Ok(false),
        other => Err(reportage::Error::InvalidArgument(format!(
            "--encoder {other}: expected separate or shared"
        ))),
    }
}

/// The event extractor with the models above, as `options` choose.
pub fn extractor_with(options: &ExtractorOptions) -> Result<EventExtractor> {
    let builder = EventExtractor::builder().sentences(SentenceSplitter::new());
    let mut builder = with_entities_and_types(builder, options)?;
    let roles = options.roles.as_deref();
    if let Some(tagger) = role_tagger(roles, options.backend, options.aggregation)? {
        builder = builder.roles(tagger, options.role_merge);
    }
    let stance = match options.stance.as_deref() {
        None => default_stance_detector(options.backend)?,
        Some("none") => None,
        Some(name) => Some(stance_detector_with(name, options.backend)?),
    };
    Ok(builder.stance_boxed(stance).build())
}

/// `builder` with the entity recognizer and the type classifier `options` choose: with
/// `--encoder shared` both from one model (unless `--classifier` names another).
fn with_entities_and_types(
    builder: EventExtractorBuilder,
    options: &ExtractorOptions,
) -> Result<EventExtractorBuilder> {
    let builder = if options.shared_encoder {
        let types = options.classifier.is_none();
        with_shared_encoder(builder, types, options.backend, options.aggregation)?
    } else {
        builder.entities_boxed(entity_recognizer_with(
            options.backend,
            options.aggregation,
        )?)
    };
    match options.classifier.as_deref() {
        Some("none") => Ok(builder),
        Some(name) => with_type_classifier(builder, name, options.backend),
        None if options.shared_encoder => Ok(builder),
        None => with_default_type_classifier(builder, options.backend),
    }
}

/// `--encoder shared`: `reportage::presets::ENTITIES_EVENTS_MODEL` as the recommended
/// recognizer's model and, with `types`, as the type classifier (with the preset's policy).
#[cfg(feature = "torch")]
pub fn with_shared_encoder(
    builder: EventExtractorBuilder,
    types: bool,
    backend: Backend,
    aggregation: Option<AggregationStrategy>,
) -> Result<EventExtractorBuilder> {
    let registry = reportage::ModelRegistry::load_default()?;
    let preset = preset(&registry, backend, aggregation);
    let encoder = preset.encoder()?;
    let builder = builder.entities(preset.recognizer_over(encoder.entities()));
    Ok(if types {
        builder
            .classifier(encoder.types())
            .classifier_policy(reportage::presets::SHARED_CLASSIFIER_POLICY)
    } else {
        builder
    })
}

/// Without libtorch there is no model to share.
#[cfg(not(feature = "torch"))]
pub fn with_shared_encoder(
    _builder: EventExtractorBuilder,
    _types: bool,
    _backend: Backend,
    _aggregation: Option<AggregationStrategy>,
) -> Result<EventExtractorBuilder> {
    Err(reportage::Error::InvalidArgument(
        "--encoder shared needs the `torch` feature".into(),
    ))
}

/// The role tagger `roles` names (see [`ExtractorOptions::roles`]), run by `backend`'s
/// forward pass, its words read as `aggregation` says (`None`: the preset's way).
#[cfg(feature = "torch")]
pub fn role_tagger(
    roles: Option<&str>,
    backend: Backend,
    aggregation: Option<AggregationStrategy>,
) -> Result<Option<RoleTagger>> {
    let registry = reportage::ModelRegistry::load_default()?;
    let preset = preset(&registry, backend, aggregation);
    match roles {
        Some("none") => Ok(None),
        None => preset
            .role_tagger(reportage::presets::ROLES_MODEL)
            .map(Some),
        Some(name) => preset.role_tagger(name).map(Some),
    }
}

/// Without libtorch: the rules alone.
#[cfg(not(feature = "torch"))]
pub fn role_tagger(
    roles: Option<&str>,
    _backend: Backend,
    _aggregation: Option<AggregationStrategy>,
) -> Result<Option<RoleTagger>> {
    match roles {
        None | Some("none") => Ok(None),
        Some(name) => Err(reportage::Error::InvalidArgument(format!(
            "model `{name}`: role taggers need the `torch` feature"
        ))),
    }
}

/// `builder` with the registry's event type classifier `name`, run by `backend`'s forward
/// pass.
#[cfg(feature = "torch")]
pub fn with_type_classifier(
    builder: EventExtractorBuilder,
    name: &str,
    backend: Backend,
) -> Result<EventExtractorBuilder> {
    let registry = reportage::ModelRegistry::load_default()?;
    let c = reportage::events::SentenceTypeClassifier::with_backend(
        &registry.resolve(name)?,
        reportage::Device::Cpu,
        backend,
    )?;
    Ok(builder.classifier(c))
}

/// `builder` with the default type classifier and its policy (`reportage::presets`).
#[cfg(feature = "torch")]
fn with_default_type_classifier(
    builder: EventExtractorBuilder,
    backend: Backend,
) -> Result<EventExtractorBuilder> {
    let registry = reportage::ModelRegistry::load_default()?;
    Ok(builder
        .classifier(preset(&registry, backend, None).type_classifier()?)
        .classifier_policy(reportage::presets::CLASSIFIER_POLICY))
}

/// Without libtorch: the lexicon alone.
#[cfg(not(feature = "torch"))]
fn with_default_type_classifier(
    builder: EventExtractorBuilder,
    _backend: Backend,
) -> Result<EventExtractorBuilder> {
    Ok(builder)
}

/// Without libtorch there is no type classifier to load.
#[cfg(not(feature = "torch"))]
pub fn with_type_classifier(
    _builder: EventExtractorBuilder,
    name: &str,
    _backend: Backend,
) -> Result<EventExtractorBuilder> {
    Err(reportage::Error::InvalidArgument(format!(
        "model `{name}`: event type classifiers need the `torch` feature"
    )))
}

/// `--role-merge` values.
pub fn parse_role_merge(value: &str) -> Result<RoleMerge> {
    match value {
        "tagger-first" => Ok(RoleMerge::TaggerFirst),
        "fill-gaps" => Ok(RoleMerge::FillGaps),
        other => Err(reportage::Error::InvalidArgument(format!(
            "--role-merge {other}: expected tagger-first or fill-gaps"
        ))),
    }
}

/// The JSON Lines loop of the scoring examples (`stance --jsonl`, `nli`): records `T` in,
/// one JSON object per good record out (what `score` returns, plus `"id"`: the record's own
/// or its line number), progress on stderr. A line that is not a record is reported and
/// skipped; so is a record its model rejects: when a batch fails, its records are scored
/// one by one, so one bad pair (an empty target) does not cost the rest of its batch.
pub fn score_json_lines<T: serde::de::DeserializeOwned>(
    batch_size: usize,
    score: impl Fn(&[&T]) -> Result<Vec<serde_json::Value>>,
    id: impl Fn(&T) -> Option<serde_json::Value>,
) -> Result<()> {
    use std::cell::Cell;
    use std::io::Write;
    let io = |e: std::io::Error| reportage::Error::Io {
        path: "<stdout>".into(),
        source: e,
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    // Both callbacks count: Cells, since two closures cannot hold `&mut` to one counter.
    let (done, skipped) = (Cell::new(0usize), Cell::new(0usize));
    reportage::jsonl::for_each_batch::<T, _>(
        std::io::stdin().lock(),
        batch_size,
        |group| {
            let items: Vec<&T> = group.iter().map(|(_, t)| t).collect();
            let results: Vec<Result<serde_json::Value>> = match score(&items) {
                Ok(r) => r.into_iter().map(Ok).collect(),
                Err(_) => items
                    .iter()
                    .map(|&t| {
                        score(&[t])?.pop().ok_or_else(|| {
                            reportage::Error::MalformedOutput("the model returned no result".into())
                        })
                    })
                    .collect(),
            };
            for ((line, item), result) in group.iter().zip(results) {
                match result {
                    Ok(mut record) => {
                        let id = id(item).unwrap_or_else(|| serde_json::json!(line));
                        if let Some(fields) = record.as_object_mut() {
                            fields.insert("id".into(), id);
                        }
                        writeln!(out, "{record}").map_err(io)?;
                        done.set(done.get() + 1);
                    }
                    Err(e) => {
                        skipped.set(skipped.get() + 1);
                        eprintln!("\nline {line}: skipped: {e}");
                    }
                }
            }
            eprint!("\r{} records, {} skipped", done.get(), skipped.get());
            Ok(())
        },
        |_, e| {
            // The error names its line already.
            skipped.set(skipped.get() + 1);
            eprintln!("\n{e}: skipped");
        },
    )?;
    out.flush().map_err(io)?;
    eprintln!(
        "\n{} records written, {} lines skipped",
        done.get(),
        skipped.get()
    );
    Ok(())
}
