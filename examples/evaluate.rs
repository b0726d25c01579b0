//! Benchmark a model on your own labelled data: how good (the scores `seqeval` and
//! scikit-learn give) and how fast (items/s, batch latency, memory, load time).
//!
//! ```sh
//! cargo run --release --example evaluate -- ner    --model NAME --conll FILE [--map GOLD=MODEL|MODEL,...]
//! cargo run --release --example evaluate -- ner    --recognizer recommended --conll FILE
//! cargo run --release --example evaluate -- stance --model NAME --jsonl FILE   # {"text","target","label"}
//! cargo run --release --example evaluate -- nli    --model NAME --jsonl FILE   # {"premise","hypothesis","label"}
//! cargo run --release --example evaluate -- events --gold FILE                 # {"id","text","events":[...]}
//! ```
//! Add `--compare NAME2` to run a second model on the same data in alternated rounds, and
//! `--json` for one JSON object on stdout instead of tables. `--help` lists every option.
//! `--model ner-default --compare ner-default@int8` compares two forward passes
//! (`--backend`, reportage::torch::Backend) of the same model.
//!
//! The scoring is `reportage::evaluation` (pure, tested against recorded `seqeval` and
//! scikit-learn outputs); this file loads the models, times them and prints.
//!
//! NER: each CoNLL sentence is rebuilt as its tokens joined by spaces, the recognizer reads
//! that text, and every predicted entity is tagged on the tokens it overlaps, in the file's
//! scheme; the tags are then scored as `seqeval` scores them (default mode). Gold and model
//! types are matched by meaning (`PER` = `person`, `ORG` = `organisation`, `LOC` =
//! `location`, `MISC` = `misc`, case-insensitively); `--map` adds rules for label sets
//! that differ, and model types that fit no gold type are left out of the score and listed.

mod common;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::Instant;

use reportage::entities::{AggregationStrategy, GazetteerRecognizer};
use reportage::evaluation::classes::{semeval_f1avg, ClassReport, ConfusionMatrix};
use reportage::evaluation::conll::{ConllCorpus, ConllOptions};
use reportage::evaluation::data::{
    read_nli_file, read_stance_file, LabelAliases, NliExample, NliLabel, StanceExample,
};
use reportage::evaluation::events::{read_event_gold_file, score_events, EventRecord, EventReport};
use reportage::evaluation::sequence::{
    chunks, score_sequences, tags_from_spans, ChunkMode, EntityReport, TagScheme, TokenTag, TypeMap,
};
use reportage::evaluation::speed::{
    current_rss_bytes, peak_rss_bytes, reset_peak_rss, BatchTiming, Latency,
};
use reportage::evaluation::Scores;
use reportage::events::{ClassifierPolicy, EventExtractor, Report, RoleMerge};
use reportage::stance::{Stance, StanceDetection};
use reportage::torch::Backend;
use reportage::{EntityRecognition, Error, ModelRegistry, Result, SentenceSplitter};
use serde::Serialize;

const USAGE: &str = "\
usage: evaluate TASK [options]

tasks and their data:
  ner     --conll FILE    token per line, tag in the last column (BIO or IOBES);
                          blank and -DOCSTART- lines separate sentences
  stance  --jsonl FILE    {\"text\", \"target\", \"label\"} per line
  nli     --jsonl FILE    {\"premise\", \"hypothesis\", \"label\"} per line
  events  --gold FILE     {\"id\", \"text\", \"date\"?, \"events\": [{\"type\", \"source\": [], \"target\": []}]}

what to run:
  --model NAME            a model of the registry (ner: task ner; stance: task stance or
                          zero-shot; nli: task zero-shot; events: the NER model of the
                          extractor, default: the examples' recognizer); NAME@BACKEND
                          runs it with that backend (e.g. ner-default@int8)
  --backend B             the forward pass of models named without @BACKEND (events:
                          of every model): rust-bert (default), fp32 or int8 (the crate's
                          own BERT forward, fp32 or int8 weights; reportage::torch::Backend)
  --recognizer KIND       ner / events: model (default for ner), recommended (the examples'
                          gazetteer + ner-default preset) or gazetteer
  --compare NAME2         a second model (or recommended / gazetteer) on the same data,
                          in alternated rounds, with the ratios
  --registry FILE         registry to read (default: $REPORTAGE_REGISTRY, else models.toml)
  --roles NAME|none       events: the role tagger (default: roles-plover with the torch
                          feature, none without); none = the rules alone
  --role-merge POLICY     events: tagger-first (default) or fill-gaps (see RoleMerge)
  --aggregation A         how token classifiers read words (AggregationStrategy: first,
                          viterbi, average, ...; default: the preset's, viterbi): ner
                          --model NAME: that model; the recommended recognizer and
                          events: every model of the preset
  --classifier NAME|none  events: an event-types model combined with the lexicon (default
                          none); with --min-score X, --retype-above X, --add-above X,
                          --add-beside X (see ClassifierPolicy)
  --encoder separate|shared  events: shared = entities-events-default as the recommended
                          recognizer's model and, without --classifier NAME, as the type
                          classifier, one pass per sentence (Preset::shared_encoder)

labels:
  --map SPEC              ner: GOLD=MODEL|MODEL,...  (e.g. LOC=GPE|LOC,MISC=NORP|MISC)
                          stance / nli: GIVEN=LABEL,... for the file's labels
                          (e.g. NONE=neutral, 0=against)
  --scheme bio|iobes      ner: the file's scheme (default: detected)
  --lenient               ner: accept tag sequences that break the scheme and score them
                          as conlleval / seqeval's default mode do (default: an error)

speed:
  --batch-size N          items per call (default 8); also the model's forward batch
  --device cpu|cuda|cuda:N  (default cpu)
  --threads N             libtorch intra-op threads (default: libtorch's choice)
  --rounds N              timed passes over the data per model (default 1; 2 with --compare)
  --warmup N              untimed batches per model before timing (default 1)
  --limit N               only the first N items of the data

output:
  --json                  one JSON object on stdout instead of tables
  --predictions FILE      write the first model's predictions (ner: token, gold, predicted
                          tag; others: JSON Lines) to check them with other tools
";

fn main() {
    // At start-up, before any model or thread exists: keep libtorch's freed blocks for the
    // next forward pass (README, "Models"); timings without it are not what users get.
    reportage::torch::tune_malloc();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let stdout = std::io::stdout();
    if let Err(e) = run(&args, &mut stdout.lock()) {
        eprintln!("evaluate: {e}");
        std::process::exit(1);
    }
}

/// What to evaluate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
enum TaskKind {
    Ner,
    Stance,
    Nli,
    Events,
}

impl std::fmt::Display for TaskKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            TaskKind::Ner => "ner",
            TaskKind::Stance => "stance",
            TaskKind::Nli => "nli",
            TaskKind::Events => "events",
        })
    }
}

/// A thing that makes predictions: a registry model, or one of the examples' presets.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Subject {
    Model(String),
    Recommended,
    Gazetteer,
}

impl Subject {
    /// `recommended` and `gazetteer` are presets (NER and events only); anything else names
    /// a model.
    fn parse(value: &str, task: TaskKind) -> Subject {
        match (task, value) {
            (TaskKind::Ner | TaskKind::Events, "recommended") => Subject::Recommended,
            (TaskKind::Ner | TaskKind::Events, "gazetteer") => Subject::Gazetteer,
            _ => Subject::Model(value.to_string()),
        }
    }

    fn label(&self) -> String {
        match self {
            Subject::Model(name) => name.clone(),
            Subject::Recommended => "recommended".into(),
            Subject::Gazetteer => "gazetteer".into(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
enum DeviceSpec {
    Cpu,
    Cuda(usize),
}

impl DeviceSpec {
    fn parse(s: &str) -> Result<DeviceSpec> {
        match s {
            "cpu" => Ok(DeviceSpec::Cpu),
            "cuda" => Ok(DeviceSpec::Cuda(0)),
            _ => s
                .strip_prefix("cuda:")
                .and_then(|n| n.parse().ok())
                .map(DeviceSpec::Cuda)
                .ok_or_else(|| usage(format!("--device {s}: expected cpu, cuda or cuda:N"))),
        }
    }

    fn name(&self) -> String {
        match self {
            DeviceSpec::Cpu => "cpu".into(),
            DeviceSpec::Cuda(n) => format!("cuda:{n}"),
        }
    }

    /// The libtorch device, checked to exist.
    #[cfg(feature = "torch")]
    fn device(&self) -> Result<reportage::Device> {
        match *self {
            DeviceSpec::Cpu => Ok(reportage::Device::Cpu),
            DeviceSpec::Cuda(n) => {
                let count = tch::Cuda::device_count();
                if (n as i64) < count {
                    Ok(reportage::Device::Cuda(n))
                } else {
                    Err(usage(format!(
                        "--device cuda:{n}: libtorch sees {count} CUDA device(s) (a CPU-only \
                         libtorch sees none)"
                    )))
                }
            }
        }
    }
}

fn usage(message: impl Into<String>) -> Error {
    Error::InvalidArgument(format!("{} (see --help)", message.into()))
}

/// The command line, parsed.
#[derive(Debug)]
struct Args {
    task: TaskKind,
    model: Option<String>,
    recognizer: Option<String>,
    compare: Option<String>,
    registry: Option<PathBuf>,
    conll: Option<PathBuf>,
    jsonl: Option<PathBuf>,
    gold: Option<PathBuf>,
    map: String,
    scheme: Option<TagScheme>,
    lenient: bool,
    predictions: Option<PathBuf>,
    batch_size: usize,
    device: DeviceSpec,
    threads: Option<usize>,
    rounds: usize,
    warmup: usize,
    limit: Option<usize>,
    json: bool,
    roles: Option<String>,
    role_merge: RoleMerge,
    aggregation: Option<AggregationStrategy>,
    classifier: Option<String>,
    policy: ClassifierPolicy,
    backend: Backend,
    shared_encoder: bool,
}

fn parse_args(args: &[String]) -> Result<Option<Args>> {
    let Some(first) = args.first() else {
        return Ok(None);
    };
    let task = match first.as_str() {
        "-h" | "--help" | "help" => return Ok(None),
        "ner" => TaskKind::Ner,
        "stance" => TaskKind::Stance,
        "nli" => TaskKind::Nli,
        "events" => TaskKind::Events,
        other => {
            return Err(usage(format!(
                "unknown task `{other}` (ner, stance, nli, events)"
            )))
        }
    };
    let mut a = Args {
        task,
        model: None,
        recognizer: None,
        compare: None,
        registry: None,
        conll: None,
        jsonl: None,
        gold: None,
        map: String::new(),
        scheme: None,
        lenient: false,
        predictions: None,
        batch_size: 8,
        device: DeviceSpec::Cpu,
        threads: None,
        rounds: 0,
        warmup: 1,
        limit: None,
        json: false,
        roles: None,
        role_merge: RoleMerge::default(),
        classifier: None,
        policy: ClassifierPolicy::default(),
        backend: Backend::default(),
        aggregation: None,
        shared_encoder: false,
    };
    let mut rest = args[1..].iter();
    while let Some(arg) = rest.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        let mut value = || -> Result<String> {
            inline
                .clone()
                .or_else(|| rest.next().cloned())
                .ok_or_else(|| usage(format!("{flag} needs a value")))
        };
        let number = |v: String| -> Result<usize> {
            v.parse()
                .map_err(|_| usage(format!("{flag} {v}: expected a whole number")))
        };
        // Which tasks a flag belongs to, so that a misplaced one is an error, not ignored.
        let only = |tasks: &[TaskKind]| -> Result<()> {
            if tasks.contains(&task) {
                Ok(())
            } else {
                Err(usage(format!("{flag} does not apply to the {task} task")))
            }
        };
        use TaskKind::*;
        match flag {
            "-h" | "--help" => return Ok(None),
            "--model" => a.model = Some(value()?),
            "--recognizer" => {
                only(&[Ner, Events])?;
                a.recognizer = Some(value()?)
            }
            "--compare" => a.compare = Some(value()?),
            "--registry" => a.registry = Some(value()?.into()),
            "--conll" => {
                only(&[Ner])?;
                a.conll = Some(value()?.into())
            }
            "--jsonl" => {
                only(&[Stance, Nli])?;
                a.jsonl = Some(value()?.into())
            }
            "--gold" => {
                only(&[Events])?;
                a.gold = Some(value()?.into())
            }
            "--map" => {
                only(&[Ner, Stance, Nli])?;
                a.map = value()?
            }
            "--scheme" => {
                only(&[Ner])?;
                a.scheme = Some(value()?.parse()?)
            }
            "--lenient" => {
                only(&[Ner])?;
                a.lenient = true
            }
            "--predictions" => a.predictions = Some(value()?.into()),
            "--batch-size" => a.batch_size = number(value()?)?,
            "--device" => a.device = DeviceSpec::parse(&value()?)?,
            "--backend" => a.backend = value()?.parse()?,
            "--threads" => a.threads = Some(number(value()?)?),
            "--rounds" => a.rounds = number(value()?)?,
            "--warmup" => a.warmup = number(value()?)?,
            "--limit" => a.limit = Some(number(value()?)?),
            "--json" => a.json = true,
            "--roles" => {
                only(&[Events])?;
                a.roles = Some(value()?)
            }
            "--classifier" => {
                only(&[Events])?;
                a.classifier = Some(value()?)
            }
            "--encoder" => {
                only(&[Events])?;
                a.shared_encoder = common::parse_encoder(&value()?)?
            }
            "--min-score" | "--retype-above" | "--add-above" | "--add-beside" => {
                only(&[Events])?;
                let v = value()?;
                let x: f32 = v
                    .parse()
                    .map_err(|_| usage(format!("{flag} {v}: expected a number")))?;
                match flag {
                    "--min-score" => a.policy.min_score = x,
                    "--retype-above" => a.policy.retype_above = Some(x),
                    "--add-beside" => a.policy.add_beside = Some(x),
                    _ => a.policy.add_above = Some(x),
                }
            }
            "--aggregation" => a.aggregation = Some(value()?.parse()?),
            "--role-merge" => {
                only(&[Events])?;
                a.role_merge = common::parse_role_merge(&value()?)?
            }
            other => return Err(usage(format!("unknown option `{other}`"))),
        }
    }
    if a.batch_size == 0 {
        return Err(usage("--batch-size must be at least 1"));
    }
    if a.threads == Some(0) {
        return Err(usage("--threads must be at least 1"));
    }
    if a.limit == Some(0) {
        return Err(usage("--limit must be at least 1"));
    }
    if a.rounds == 0 {
        a.rounds = if a.compare.is_some() { 2 } else { 1 };
    }
    let missing = |what: &str| usage(format!("the {task} task needs {what}"));
    match task {
        TaskKind::Ner if a.conll.is_none() => return Err(missing("--conll FILE")),
        TaskKind::Stance | TaskKind::Nli if a.jsonl.is_none() => {
            return Err(missing("--jsonl FILE"))
        }
        TaskKind::Events if a.gold.is_none() => return Err(missing("--gold FILE")),
        _ => {}
    }
    Ok(Some(a))
}

impl Args {
    /// The first subject: `--recognizer` for presets, else `--model`.
    fn primary(&self) -> Result<Subject> {
        match (self.recognizer.as_deref(), self.model.as_deref()) {
            (Some("recommended"), None) => Ok(Subject::Recommended),
            (Some("gazetteer"), None) => Ok(Subject::Gazetteer),
            (Some("recommended" | "gazetteer"), Some(_)) => Err(usage(
                "--recognizer recommended/gazetteer and --model name two recognizers; use --compare for a second",
            )),
            (Some("model") | None, Some(m)) => Ok(Subject::parse(m, self.task)),
            (Some("model"), None) => Err(usage("--recognizer model needs --model NAME")),
            (None, None) if self.task == TaskKind::Events => Ok(Subject::Recommended),
            (None, None) => Err(usage(format!("the {} task needs --model NAME", self.task))),
            (Some(other), _) => Err(usage(format!(
                "--recognizer {other}: expected model, recommended or gazetteer"
            ))),
        }
    }

    fn subjects(&self) -> Result<Vec<Subject>> {
        let mut subjects = vec![self.primary()?];
        if let Some(c) = &self.compare {
            let second = Subject::parse(c, self.task);
            if second == subjects[0] {
                return Err(usage("--compare names the same model as the first"));
            }
            subjects.push(second);
        }
        Ok(subjects)
    }

    #[cfg_attr(not(feature = "torch"), allow(dead_code))]
    fn registry(&self) -> Result<ModelRegistry> {
        match &self.registry {
            Some(path) => ModelRegistry::from_file(path),
            None => ModelRegistry::load_default(),
        }
    }
}

/// The machine and threads the numbers were measured with.
#[derive(Debug, Serialize)]
struct Machine {
    /// Logical CPUs this process may use.
    cores: usize,
    cpu: Option<String>,
    /// libtorch's intra-op threads (what a forward pass uses).
    torch_threads: Option<i64>,
    device: String,
}

impl Machine {
    fn describe(device: DeviceSpec) -> Machine {
        let cpu = std::fs::read_to_string("/proc/cpuinfo").ok().and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        });
        #[cfg(feature = "torch")]
        let torch_threads = Some(i64::from(tch::get_num_threads()));
        #[cfg(not(feature = "torch"))]
        let torch_threads = None;
        Machine {
            cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
            cpu,
            torch_threads,
            device: device.name(),
        }
    }

    fn line(&self) -> String {
        let threads = self
            .torch_threads
            .map_or("no libtorch in this build".to_string(), |t| {
                format!("{t} libtorch thread(s)")
            });
        format!(
            "{} core(s){}, {threads}, device {}",
            self.cores,
            self.cpu
                .as_ref()
                .map_or(String::new(), |c| format!(" ({c})")),
            self.device
        )
    }
}

#[derive(Debug, Serialize)]
struct Settings {
    batch_size: usize,
    rounds: usize,
    warmup_batches: usize,
    limit: Option<usize>,
}

/// What the registry says about a model subject.
#[derive(Debug, Clone, Serialize)]
struct ModelInfo {
    name: String,
    task: String,
    architecture: String,
    labels: Vec<String>,
    registry: String,
}

/// `NAME@BACKEND` (`ner-default@int8`): the registry name and the backend to run it with;
/// a bare name runs with `--backend`.
#[cfg_attr(not(feature = "torch"), allow(dead_code))]
fn model_backend<'a>(name: &'a str, args: &Args) -> Result<(&'a str, Backend)> {
    match name.split_once('@') {
        Some((model, backend)) => Ok((model, backend.parse()?)),
        None => Ok((name, args.backend)),
    }
}

#[cfg_attr(not(feature = "torch"), allow(dead_code))]
fn model_info(registry: &ModelRegistry, name: &str) -> Result<ModelInfo> {
    let spec = registry.get(name)?;
    Ok(ModelInfo {
        name: spec.name.clone(),
        task: spec.task.to_string(),
        architecture: spec.architecture.to_string(),
        labels: spec.labels.clone(),
        registry: registry.source().display().to_string(),
    })
}

/// A loaded subject ready to run.
struct Loaded<R> {
    subject: Subject,
    runner: R,
    info: Option<ModelInfo>,
    load_seconds: f64,
    /// Resident memory the loading added.
    load_rss_bytes: Option<i64>,
}

/// Time `load` and the memory it adds.
fn load<R>(
    subject: &Subject,
    load: impl FnOnce() -> Result<(R, Option<ModelInfo>)>,
) -> Result<Loaded<R>> {
    let before = current_rss_bytes();
    let start = Instant::now();
    let (runner, info) = load()?;
    let load_seconds = start.elapsed().as_secs_f64();
    let after = current_rss_bytes();
    Ok(Loaded {
        subject: subject.clone(),
        runner,
        info,
        load_seconds,
        load_rss_bytes: before.zip(after).map(|(b, a)| a as i64 - b as i64),
    })
}

/// Every subject after its timed rounds.
struct Measured<R, P> {
    loaded: Vec<Loaded<R>>,
    timed: Vec<Timed<P>>,
    /// The order subjects ran in, round by round.
    orders: Vec<String>,
}

/// Predictions of the first round and timings of all rounds, for one subject.
struct Timed<P> {
    predictions: Vec<P>,
    batches: Vec<BatchTiming>,
    round_items_per_second: Vec<f64>,
    peak_rss_bytes: Option<u64>,
}

/// Run every subject over `n` items in batches: `warmup` untimed batches each first, then
/// `rounds` timed passes, the order of subjects alternating from round to round (AB, BA, ...)
/// so that neither always runs on a warmer or cooler machine. Predictions are kept from the
/// first round (the models are deterministic).
fn bench<R, P>(
    mut subjects: Vec<Loaded<R>>,
    n: usize,
    settings: &Settings,
    mut run: impl FnMut(&mut R, Range<usize>) -> Result<Vec<P>>,
) -> Result<Measured<R, P>> {
    let batches: Vec<Range<usize>> = (0..n)
        .step_by(settings.batch_size)
        .map(|s| s..(s + settings.batch_size).min(n))
        .collect();
    for s in subjects.iter_mut() {
        for b in batches.iter().take(settings.warmup_batches) {
            run(&mut s.runner, b.clone())?;
        }
    }
    let mut timed: Vec<Timed<P>> = subjects
        .iter()
        .map(|_| Timed {
            predictions: Vec::with_capacity(n),
            batches: Vec::new(),
            round_items_per_second: Vec::new(),
            peak_rss_bytes: None,
        })
        .collect();
    let mut orders = Vec::new();
    for round in 0..settings.rounds {
        let mut order: Vec<usize> = (0..subjects.len()).collect();
        if round % 2 == 1 {
            order.reverse();
        }
        orders.push(
            order
                .iter()
                .map(|&i| subjects[i].subject.label())
                .collect::<Vec<_>>()
                .join(" then "),
        );
        for i in order {
            // The peak of this pass alone, where the kernel lets us reset it.
            reset_peak_rss();
            let mut seconds = 0.0;
            for b in &batches {
                let start = Instant::now();
                let predicted = run(&mut subjects[i].runner, b.clone())?;
                let elapsed = start.elapsed();
                if predicted.len() != b.len() {
                    return Err(Error::MalformedOutput(format!(
                        "{} returned {} results for {} items",
                        subjects[i].subject.label(),
                        predicted.len(),
                        b.len()
                    )));
                }
                seconds += elapsed.as_secs_f64();
                timed[i].batches.push(BatchTiming {
                    items: b.len(),
                    elapsed,
                });
                if round == 0 {
                    timed[i].predictions.extend(predicted);
                }
            }
            timed[i]
                .round_items_per_second
                .push(n as f64 / seconds.max(1e-12));
            timed[i].peak_rss_bytes = timed[i].peak_rss_bytes.max(peak_rss_bytes());
        }
    }
    Ok(Measured {
        loaded: subjects,
        timed,
        orders,
    })
}

/// The figures shared by every task for one subject.
#[derive(Debug, Serialize)]
struct RunResult<Q> {
    subject: String,
    model: Option<ModelInfo>,
    load_seconds: f64,
    load_rss_bytes: Option<i64>,
    /// Peak resident memory of the process during this subject's passes (after a reset
    /// where Linux allows it; with --compare it includes the other model's weights).
    peak_rss_bytes: Option<u64>,
    /// All timed batches of all rounds pooled.
    speed: Option<Latency>,
    rounds_items_per_second: Vec<f64>,
    quality: Q,
}

/// Headline figures of a task's quality, for tables and comparisons.
trait Quality: Serialize {
    fn headline(&self) -> Vec<(&'static str, f64)>;
    fn write_text(&self, out: &mut String);
}

#[derive(Debug, Serialize)]
struct Comparison {
    first: String,
    second: String,
    /// Subjects in the order they ran, round by round.
    round_order: Vec<String>,
    /// Second over first; for quality figures, second minus first.
    items_per_second_ratio: Option<f64>,
    p50_ratio: Option<f64>,
    p95_ratio: Option<f64>,
    load_time_ratio: f64,
    /// Rounds in which the second was faster.
    second_faster_rounds: usize,
    rounds: usize,
    quality_differences: Vec<(String, f64)>,
}

#[derive(Debug, Serialize)]
struct Output<D, Q> {
    task: TaskKind,
    data: D,
    machine: Machine,
    settings: Settings,
    runs: Vec<RunResult<Q>>,
    comparison: Option<Comparison>,
    notes: Vec<String>,
}

fn median(values: &[f64]) -> Option<f64> {
    reportage::evaluation::speed::percentile(values, 50.0)
}

fn compare<Q: Quality>(runs: &[RunResult<Q>], orders: Vec<String>) -> Option<Comparison> {
    let [a, b] = runs else { return None };
    let ratio = |x: Option<f64>, y: Option<f64>| x.zip(y).map(|(x, y)| y / x);
    let rounds = a.rounds_items_per_second.len();
    Some(Comparison {
        first: a.subject.clone(),
        second: b.subject.clone(),
        round_order: orders,
        items_per_second_ratio: ratio(
            median(&a.rounds_items_per_second),
            median(&b.rounds_items_per_second),
        ),
        p50_ratio: ratio(a.speed.map(|s| s.p50_ms), b.speed.map(|s| s.p50_ms)),
        p95_ratio: ratio(a.speed.map(|s| s.p95_ms), b.speed.map(|s| s.p95_ms)),
        load_time_ratio: b.load_seconds / a.load_seconds.max(1e-12),
        second_faster_rounds: a
            .rounds_items_per_second
            .iter()
            .zip(&b.rounds_items_per_second)
            .filter(|(x, y)| y > x)
            .count(),
        rounds,
        quality_differences: a
            .quality
            .headline()
            .into_iter()
            .zip(b.quality.headline())
            .map(|((name, x), (_, y))| (name.to_string(), y - x))
            .collect(),
    })
}

/// Run the benchmark, print it, return. Everything the example does, callable from tests.
pub fn run(args: &[String], out: &mut dyn Write) -> Result<()> {
    let Some(args) = parse_args(args)? else {
        return write_out(out, USAGE);
    };
    #[cfg(feature = "torch")]
    if let Some(t) = args.threads {
        tch::set_num_threads(t as i32);
    }
    #[cfg(not(feature = "torch"))]
    if args.threads.is_some() {
        return Err(usage("--threads needs the torch feature"));
    }
    match args.task {
        TaskKind::Ner => ner(&args, out),
        TaskKind::Stance => stance(&args, out),
        TaskKind::Nli => nli(&args, out),
        TaskKind::Events => events(&args, out),
    }
}

fn write_out(out: &mut dyn Write, text: &str) -> Result<()> {
    out.write_all(text.as_bytes())
        .and_then(|_| out.flush())
        .map_err(|e| Error::Io {
            path: "<stdout>".into(),
            source: e,
        })
}

fn settings(args: &Args) -> Settings {
    Settings {
        batch_size: args.batch_size,
        rounds: args.rounds,
        warmup_batches: args.warmup,
        limit: args.limit,
    }
}

fn limited<T>(mut items: Vec<T>, limit: Option<usize>) -> Vec<T> {
    if let Some(n) = limit {
        items.truncate(n);
    }
    items
}

fn write_file(path: &Path, text: &str) -> Result<()> {
    std::fs::write(path, text).map_err(|e| Error::Io {
        path: path.into(),
        source: e,
    })
}

/// What a task read, before any model ran.
struct Prepared<D> {
    /// The first line of the tables.
    header: String,
    data: D,
    notes: Vec<String>,
}

/// Assemble per-subject results (`quality(i, predictions)` scores subject `i`), the
/// comparison, and print them.
fn finish<R, P, D: Serialize, Q: Quality>(
    args: &Args,
    out: &mut dyn Write,
    prepared: Prepared<D>,
    measured: Measured<R, P>,
    mut quality: impl FnMut(usize, &[P]) -> Result<Q>,
) -> Result<()> {
    let Prepared {
        header,
        data,
        notes,
    } = prepared;
    let Measured {
        loaded,
        timed,
        orders,
    } = measured;
    let mut runs = Vec::new();
    for (i, (l, t)) in loaded.into_iter().zip(timed).enumerate() {
        runs.push(RunResult {
            subject: l.subject.label(),
            model: l.info,
            load_seconds: l.load_seconds,
            load_rss_bytes: l.load_rss_bytes,
            peak_rss_bytes: t.peak_rss_bytes,
            speed: Latency::from_batches(&t.batches),
            rounds_items_per_second: t.round_items_per_second,
            quality: quality(i, &t.predictions)?,
        });
    }
    let comparison = compare(&runs, orders);
    let output = Output {
        task: args.task,
        data,
        machine: Machine::describe(args.device),
        settings: settings(args),
        runs,
        comparison,
        notes,
    };
    if args.json {
        let mut text = serde_json::to_string_pretty(&output)?;
        text.push('\n');
        return write_out(out, &text);
    }
    write_out(out, &render(&header, &output))
}

/// Milliseconds with three significant digits or so: sub-millisecond batches exist.
fn ms(x: f64) -> String {
    if x < 1.0 {
        format!("{x:.3} ms")
    } else if x < 10.0 {
        format!("{x:.2} ms")
    } else {
        format!("{x:.1} ms")
    }
}

fn mib(bytes: u64) -> String {
    format!("{:.0} MiB", bytes as f64 / (1024.0 * 1024.0))
}

/// The tables.
fn render<D, Q: Quality>(header: &str, o: &Output<D, Q>) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{header}");
    let _ = writeln!(s, "machine: {}", o.machine.line());
    let _ = writeln!(
        s,
        "settings: batch size {}, {} timed round(s), {} warm-up batch(es){}",
        o.settings.batch_size,
        o.settings.rounds,
        o.settings.warmup_batches,
        o.settings
            .limit
            .map_or(String::new(), |n| format!(", first {n} items only"))
    );
    for note in &o.notes {
        let _ = writeln!(s, "note: {note}");
    }
    for r in &o.runs {
        let _ = writeln!(s);
        let model = r.model.as_ref().map_or(String::new(), |m| {
            format!(" (registry task {}, {})", m.task, m.architecture)
        });
        let _ = writeln!(s, "== {}{model}", r.subject);
        r.quality.write_text(&mut s);
        let speed = match &r.speed {
            Some(l) => format!(
                "{} items ({} round(s)) in {:.3} s = {:.1} items/s; batch latency p50 {}, p95 {}",
                l.items,
                r.rounds_items_per_second.len(),
                l.seconds,
                l.items_per_second,
                ms(l.p50_ms),
                ms(l.p95_ms)
            ),
            None => "no timed batch".into(),
        };
        let rss = r
            .load_rss_bytes
            .map_or(String::new(), |b| format!(" (+{})", mib(b.max(0) as u64)));
        let peak = r
            .peak_rss_bytes
            .map_or(String::new(), |p| format!("; peak RSS {}", mib(p)));
        let _ = writeln!(s, "speed: load {:.2} s{rss}; {speed}{peak}", r.load_seconds);
    }
    if let Some(c) = &o.comparison {
        let _ = writeln!(s);
        let _ = writeln!(
            s,
            "== {} vs {} ({} rounds: {})",
            c.second,
            c.first,
            c.rounds,
            c.round_order.join("; ")
        );
        let fmt = |x: Option<f64>| x.map_or("-".to_string(), |x| format!("{x:.3}"));
        let _ = writeln!(
            s,
            "items/s ratio {} (medians of rounds; faster in {} of {} rounds), p50 latency ratio {}, p95 ratio {}, load time ratio {:.3}",
            fmt(c.items_per_second_ratio),
            c.second_faster_rounds,
            c.rounds,
            fmt(c.p50_ratio),
            fmt(c.p95_ratio),
            c.load_time_ratio
        );
        for (name, d) in &c.quality_differences {
            let _ = writeln!(s, "{name}: {d:+.4}");
        }
    }
    s
}

/// A scores table: one row per label, then averages.
fn scores_table(out: &mut String, head: &str, rows: &[(String, Scores)]) {
    let width = rows
        .iter()
        .map(|(n, _)| n.len())
        .chain([head.len(), 12])
        .max()
        .unwrap_or(12);
    let _ = writeln!(out, "{head:<width$}  precision  recall      f1  support");
    for (name, sc) in rows {
        if name.is_empty() {
            let _ = writeln!(out);
            continue;
        }
        let _ = writeln!(
            out,
            "{name:<width$}  {:>9.4}  {:>6.4}  {:>6.4}  {:>7}",
            sc.precision, sc.recall, sc.f1, sc.support
        );
    }
}

// ---------------------------------------------------------------------------------------
// NER

#[derive(Debug, Serialize)]
struct NerData {
    file: String,
    sentences: usize,
    tokens: usize,
    gold_entities: usize,
    scheme: TagScheme,
    lenient: bool,
    gold_types: Vec<String>,
}

#[derive(Debug, Serialize)]
struct NerQuality {
    report: EntityReport,
    /// For each gold type, the model types counted as it and how often they were predicted.
    counted_as: BTreeMap<String, BTreeMap<String, usize>>,
    /// Predicted model types that fit no gold type: left out of the score.
    not_scored: BTreeMap<String, usize>,
    /// Predictions that overlapped no token or a token an earlier prediction covered.
    dropped_overlapping: usize,
}

impl Quality for NerQuality {
    fn headline(&self) -> Vec<(&'static str, f64)> {
        vec![
            ("micro F1", self.report.micro.f1),
            ("macro F1", self.report.macro_avg.f1),
        ]
    }

    fn write_text(&self, out: &mut String) {
        let sources: Vec<String> = self
            .counted_as
            .iter()
            .map(|(gold, from)| {
                let from: Vec<String> = from.iter().map(|(k, n)| format!("{k} {n}")).collect();
                format!(
                    "{gold} <- {}",
                    if from.is_empty() {
                        "nothing".into()
                    } else {
                        from.join(", ")
                    }
                )
            })
            .collect();
        let _ = writeln!(
            out,
            "types (model predictions counted as each gold type): {}",
            sources.join("; ")
        );
        if !self.not_scored.is_empty() {
            let left: Vec<String> = self
                .not_scored
                .iter()
                .map(|(k, n)| format!("{k} {n}"))
                .collect();
            let _ = writeln!(
                out,
                "not scored (no gold type; add --map to count them): {}",
                left.join(", ")
            );
        }
        if self.dropped_overlapping > 0 {
            let _ = writeln!(
                out,
                "dropped: {} predictions that share a token with an earlier one (or cover none)",
                self.dropped_overlapping
            );
        }
        let r = &self.report;
        let mut rows: Vec<(String, Scores)> = r
            .per_type
            .iter()
            .map(|t| (t.kind.clone(), t.scores))
            .collect();
        rows.push((String::new(), Scores::default()));
        rows.push(("micro avg".into(), r.micro));
        rows.push(("macro avg".into(), r.macro_avg));
        rows.push(("weighted avg".into(), r.weighted_avg));
        scores_table(out, "type", &rows);
    }
}

fn ner(args: &Args, out: &mut dyn Write) -> Result<()> {
    let path = args.conll.as_ref().expect("checked by parse_args");
    let options = ConllOptions {
        scheme: args.scheme,
        lenient: args.lenient,
        tag_column_from_end: 0,
    };
    let corpus = ConllCorpus::read(path, &options)?;
    let mut sentences = limited(corpus.sentences.clone(), args.limit);
    sentences.shrink_to_fit();
    let gold_tags: Vec<Vec<TokenTag>> = sentences.iter().map(|s| s.tags()).collect();
    let gold_types = corpus.types();
    let types = TypeMap::parse(&args.map, &gold_types)?;
    let gold_entities = gold_tags
        .iter()
        .map(|t| chunks(t, ChunkMode::Conlleval).map(|c| c.len()))
        .sum::<Result<usize>>()?;
    let data = NerData {
        file: path.display().to_string(),
        sentences: sentences.len(),
        tokens: sentences.iter().map(|s| s.tokens.len()).sum(),
        gold_entities,
        scheme: corpus.scheme,
        lenient: args.lenient,
        gold_types: gold_types.clone(),
    };
    let mut notes = Vec::new();
    let subjects = args.subjects()?;
    let mut loaded = Vec::new();
    for subject in &subjects {
        let l = load(subject, || load_recognizer(subject, args))?;
        if let Some(info) = &l.info {
            notes.extend(label_notes(info, &types));
        }
        loaded.push(l);
    }
    notes.extend(preset_notes(args, &subjects));
    let texts: Vec<&str> = sentences.iter().map(|s| s.text.as_str()).collect();
    let measured = bench(loaded, texts.len(), &settings(args), |r, range| {
        r.recognize_batch(&texts[range])
    })?;
    // ChunkMode::Conlleval is seqeval's default; on gold that passed the scheme check (and
    // on predicted tags, well-formed by construction) strict mode would give the same.
    let quality = |i: usize, predicted: &[Vec<reportage::Entity>]| -> Result<NerQuality> {
        let mut counted_as: BTreeMap<String, BTreeMap<String, usize>> = gold_types
            .iter()
            .map(|g| (g.clone(), BTreeMap::new()))
            .collect();
        let mut not_scored = BTreeMap::new();
        let mut dropped = 0;
        let mut predicted_tags = Vec::with_capacity(sentences.len());
        for (sentence, entities) in sentences.iter().zip(predicted) {
            let mut spans = Vec::new();
            for e in entities {
                let model_type = e.kind.as_str().to_string();
                match types.gold_type(&e.kind) {
                    Some(g) => {
                        *counted_as
                            .entry(g.to_string())
                            .or_default()
                            .entry(model_type)
                            .or_default() += 1;
                        spans.push((e.span, g.to_string()));
                    }
                    None => *not_scored.entry(model_type).or_default() += 1,
                }
            }
            let t = tags_from_spans(&sentence.spans(), &spans, corpus.scheme);
            dropped += t.dropped;
            predicted_tags.push(t.tags);
        }
        if i == 0 {
            if let Some(file) = &args.predictions {
                let mut text = String::new();
                for (s, p) in sentences.iter().zip(&predicted_tags) {
                    for (token, tag) in s.tokens.iter().zip(p) {
                        let _ = writeln!(text, "{} {} {tag}", token.text, token.tag);
                    }
                    text.push('\n');
                }
                write_file(file, &text)?;
            }
        }
        Ok(NerQuality {
            report: score_sequences(&gold_tags, &predicted_tags, ChunkMode::Conlleval)?,
            counted_as,
            not_scored,
            dropped_overlapping: dropped,
        })
    };
    let header = format!(
        "ner: {} sentences, {} tokens, {} gold entities ({}{}) from {}",
        data.sentences,
        data.tokens,
        data.gold_entities,
        data.scheme,
        if args.lenient { ", read leniently" } else { "" },
        data.file
    );
    let prepared = Prepared {
        header,
        data,
        notes,
    };
    finish(args, out, prepared, measured, quality)
}

/// What the examples' preset does not take from the command line.
fn preset_notes(args: &Args, subjects: &[Subject]) -> Vec<String> {
    let mut notes = Vec::new();
    if subjects.contains(&Subject::Recommended) {
        if args.registry.is_some() {
            notes.push("the recommended preset reads the default registry, not --registry".into());
        }
        if args.device != DeviceSpec::Cpu {
            notes.push("the recommended preset runs on the CPU whatever --device says".into());
        }
    }
    notes
}

/// Warnings about a model's labels against the gold types: gold types no model label
/// counts as (their recall will be 0), model types that count as nothing.
fn label_notes(info: &ModelInfo, types: &TypeMap) -> Vec<String> {
    let kinds: Vec<reportage::EntityKind> = info
        .labels
        .iter()
        .filter(|l| l.as_str() != "O")
        .map(|l| reportage::EntityKind::from_label(l))
        .collect();
    let mut notes = Vec::new();
    for (gold, from) in types.sources(&kinds) {
        if from.is_empty() {
            notes.push(format!(
                "no label of {} counts as gold type `{gold}`: its recall will be 0 (add --map {gold}=MODEL_TYPE)",
                info.name
            ));
        }
    }
    let mut unmapped: Vec<&str> = kinds
        .iter()
        .filter(|k| types.gold_type(k).is_none())
        .map(|k| k.as_str())
        .collect();
    unmapped.sort_unstable();
    unmapped.dedup();
    if !unmapped.is_empty() {
        notes.push(format!(
            "{} types with no gold type, not scored: {}",
            info.name,
            unmapped.join(", ")
        ));
    }
    notes
}

fn load_recognizer(
    subject: &Subject,
    args: &Args,
) -> Result<(Box<dyn EntityRecognition>, Option<ModelInfo>)> {
    match subject {
        Subject::Recommended => Ok((
            common::entity_recognizer_with(args.backend, args.aggregation)?,
            None,
        )),
        Subject::Gazetteer => Ok((Box::new(GazetteerRecognizer::default()), None)),
        Subject::Model(name) => load_ner_model(name, args),
    }
}

#[cfg(feature = "torch")]
fn load_ner_model(
    name: &str,
    args: &Args,
) -> Result<(Box<dyn EntityRecognition>, Option<ModelInfo>)> {
    use reportage::entities::{EntityRecognizer, EntityRecognizerConfig};
    let (name, backend) = model_backend(name, args)?;
    let registry = args.registry()?;
    let info = model_info(&registry, name)?;
    if registry.get(name)?.task != reportage::Task::Ner {
        return Err(usage(format!(
            "model `{name}` is registered for task {}; entity recognition needs a ner model",
            info.task
        )));
    }
    let config = EntityRecognizerConfig {
        batch_size: args.batch_size,
        device: args.device.device()?,
        backend,
        // Words read the way the preset reads them unless told (`first` is how the models
        // were trained and scored, and what `transformers`' parity is measured with).
        aggregation: args.aggregation.unwrap_or(reportage::presets::AGGREGATION),
        ..EntityRecognizerConfig::default()
    };
    let recognizer = EntityRecognizer::from_registry(&registry, name, config)?;
    Ok((Box::new(recognizer), Some(info)))
}

#[cfg(not(feature = "torch"))]
fn load_ner_model(name: &str, _: &Args) -> Result<(Box<dyn EntityRecognition>, Option<ModelInfo>)> {
    Err(no_torch(name))
}

#[cfg(not(feature = "torch"))]
fn no_torch(name: &str) -> Error {
    usage(format!(
        "model `{name}` needs the torch feature (this build has none); without it only \
         --recognizer gazetteer / recommended (the gazetteer) run"
    ))
}

// ---------------------------------------------------------------------------------------
// Stance

#[derive(Debug, Serialize)]
struct LabelledData<L> {
    file: String,
    examples: usize,
    labels: BTreeMap<L, usize>,
}

#[derive(Debug, Serialize)]
struct StanceQuality {
    report: ClassReport<Stance>,
    /// SemEval-2016 Task 6: mean F1 of favor and against.
    f1avg_favor_against: f64,
    confusion: ConfusionMatrix<Stance>,
}

impl Quality for StanceQuality {
    fn headline(&self) -> Vec<(&'static str, f64)> {
        vec![
            ("F1avg(favor, against)", self.f1avg_favor_against),
            ("macro F1", self.report.macro_avg.f1),
            ("accuracy", self.report.accuracy),
        ]
    }

    fn write_text(&self, out: &mut String) {
        class_text(out, &self.report, &self.confusion);
        let _ = writeln!(
            out,
            "F1avg(favor, against) {:.4} (SemEval-2016 Task 6)",
            self.f1avg_favor_against
        );
    }
}

fn class_text<L: Ord + Clone + std::fmt::Display>(
    out: &mut String,
    report: &ClassReport<L>,
    confusion: &ConfusionMatrix<L>,
) {
    let mut rows: Vec<(String, Scores)> = report
        .per_class
        .iter()
        .map(|c| (c.label.to_string(), c.scores))
        .collect();
    rows.push((String::new(), Scores::default()));
    rows.push(("macro avg".into(), report.macro_avg));
    rows.push(("weighted avg".into(), report.weighted_avg));
    scores_table(out, "label", &rows);
    let _ = writeln!(
        out,
        "accuracy {:.4} ({} of {})",
        report.accuracy,
        (report.accuracy * report.total as f64).round() as usize,
        report.total
    );
    out.push_str(&confusion.to_table());
}

fn label_counts<L: Ord + Copy>(labels: impl Iterator<Item = L>) -> BTreeMap<L, usize> {
    let mut m = BTreeMap::new();
    for l in labels {
        *m.entry(l).or_default() += 1;
    }
    m
}

fn predictions_jsonl<L: Serialize>(
    path: &Path,
    rows: impl Iterator<Item = (usize, L, L)>,
) -> Result<()> {
    let mut text = String::new();
    for (line, gold, predicted) in rows {
        let row = serde_json::json!({"line": line, "gold": gold, "predicted": predicted});
        let _ = writeln!(text, "{row}");
    }
    write_file(path, &text)
}

fn stance(args: &Args, out: &mut dyn Write) -> Result<()> {
    let path = args.jsonl.as_ref().expect("checked by parse_args");
    let aliases = LabelAliases::parse_stances(&args.map)?;
    let examples: Vec<StanceExample> = limited(read_stance_file(path, &aliases)?, args.limit);
    let data = LabelledData {
        file: path.display().to_string(),
        examples: examples.len(),
        labels: label_counts(examples.iter().map(|e| e.label)),
    };
    let mut notes = Vec::new();
    let mut loaded = Vec::new();
    for subject in args.subjects()? {
        let l = load(&subject, || load_stance(&subject, args))?;
        let (_, can) = &l.runner;
        for (label, n) in &data.labels {
            if !can.contains(label) {
                let can: Vec<&str> = can.iter().map(|s| s.as_str()).collect();
                notes.push(format!(
                    "{}: gold label {label} ({n} examples) is not a stance it predicts ({}); \
                     map the file's label to one it does with --map if they mean the same",
                    subject.label(),
                    can.join(", ")
                ));
            }
        }
        loaded.push(l);
    }
    let pairs: Vec<(&str, &str)> = examples
        .iter()
        .map(|e| (e.text.as_str(), e.target.as_str()))
        .collect();
    let measured = bench(loaded, pairs.len(), &settings(args), |(d, _), range| {
        Ok(d.detect_batch(&pairs[range])?
            .into_iter()
            .map(|s| s.stance)
            .collect())
    })?;
    let quality = |i: usize, predicted: &[Stance]| -> Result<StanceQuality> {
        if i == 0 {
            if let Some(file) = &args.predictions {
                predictions_jsonl(
                    file,
                    examples
                        .iter()
                        .zip(predicted)
                        .map(|(e, p)| (e.line, e.label, *p)),
                )?;
            }
        }
        let confusion = ConfusionMatrix::from_pairs(
            examples
                .iter()
                .map(|e| e.label)
                .zip(predicted.iter().copied()),
        );
        Ok(StanceQuality {
            report: confusion.report(),
            f1avg_favor_against: semeval_f1avg(&confusion),
            confusion,
        })
    };
    let header = format!("stance: {} examples from {}", data.examples, data.file);
    let prepared = Prepared {
        header,
        data,
        notes,
    };
    finish(args, out, prepared, measured, quality)
}

type StanceRunner = (Box<dyn StanceDetection>, Vec<Stance>);

#[cfg(feature = "torch")]
fn load_stance(subject: &Subject, args: &Args) -> Result<(StanceRunner, Option<ModelInfo>)> {
    use reportage::stance::{
        ClassifierStanceConfig, ClassifierStanceDetector, NliStanceConfig, NliStanceDetector,
    };
    let Subject::Model(name) = subject else {
        return Err(usage("stance needs --model NAME"));
    };
    let (name, backend) = model_backend(name, args)?;
    let registry = args.registry()?;
    let info = model_info(&registry, name)?;
    let model = registry.resolve(name)?;
    let device = args.device.device()?;
    let runner: StanceRunner = match model.spec.task {
        reportage::Task::Stance => {
            let d = ClassifierStanceDetector::new(
                &model,
                ClassifierStanceConfig {
                    batch_size: args.batch_size,
                    device,
                    backend,
                    ..ClassifierStanceConfig::default()
                },
            )?;
            let can = d.stances().to_vec();
            (Box::new(d), can)
        }
        reportage::Task::ZeroShot => {
            let d = NliStanceDetector::new(
                &model,
                NliStanceConfig {
                    batch_size: args.batch_size,
                    device,
                    backend,
                    ..NliStanceConfig::default()
                },
            )?;
            let can = d.templates().stances().to_vec();
            (Box::new(d), can)
        }
        other => {
            return Err(usage(format!(
                "model `{name}` is registered for task {other}; stance needs a stance or zero-shot model"
            )))
        }
    };
    Ok((runner, Some(info)))
}

#[cfg(not(feature = "torch"))]
fn load_stance(subject: &Subject, _: &Args) -> Result<(StanceRunner, Option<ModelInfo>)> {
    Err(no_torch(&subject.label()))
}

// ---------------------------------------------------------------------------------------
// NLI

#[derive(Debug, Serialize)]
struct NliQuality {
    report: ClassReport<NliLabel>,
    confusion: ConfusionMatrix<NliLabel>,
}

impl Quality for NliQuality {
    fn headline(&self) -> Vec<(&'static str, f64)> {
        vec![
            ("accuracy", self.report.accuracy),
            ("macro F1", self.report.macro_avg.f1),
        ]
    }

    fn write_text(&self, out: &mut String) {
        class_text(out, &self.report, &self.confusion);
    }
}

fn nli(args: &Args, out: &mut dyn Write) -> Result<()> {
    let path = args.jsonl.as_ref().expect("checked by parse_args");
    let aliases = LabelAliases::parse_nli(&args.map)?;
    let examples: Vec<NliExample> = limited(read_nli_file(path, &aliases)?, args.limit);
    let data = LabelledData {
        file: path.display().to_string(),
        examples: examples.len(),
        labels: label_counts(examples.iter().map(|e| e.label)),
    };
    let mut notes = Vec::new();
    let mut loaded = Vec::new();
    for subject in args.subjects()? {
        let l = load(&subject, || load_nli(&subject, args))?;
        let labels = &l.runner.1;
        for (label, n) in &data.labels {
            if !labels.contains(label) {
                notes.push(format!(
                    "{}: gold label {label} ({n} examples) is not one of the model's labels; \
                     map it with --map (e.g. {label}=not_entailment for a two-way model)",
                    subject.label()
                ));
            }
        }
        loaded.push(l);
    }
    let pairs: Vec<(&str, &str)> = examples
        .iter()
        .map(|e| (e.premise.as_str(), e.hypothesis.as_str()))
        .collect();
    let measured = bench(loaded, pairs.len(), &settings(args), |runner, range| {
        predict_nli(runner, &pairs[range])
    })?;
    let quality = |i: usize, predicted: &[NliLabel]| -> Result<NliQuality> {
        if i == 0 {
            if let Some(file) = &args.predictions {
                predictions_jsonl(
                    file,
                    examples
                        .iter()
                        .zip(predicted)
                        .map(|(e, p)| (e.line, e.label, *p)),
                )?;
            }
        }
        let confusion = ConfusionMatrix::from_pairs(
            examples
                .iter()
                .map(|e| e.label)
                .zip(predicted.iter().copied()),
        );
        Ok(NliQuality {
            report: confusion.report(),
            confusion,
        })
    };
    let header = format!("nli: {} examples from {}", data.examples, data.file);
    let prepared = Prepared {
        header,
        data,
        notes,
    };
    finish(args, out, prepared, measured, quality)
}

#[cfg(feature = "torch")]
type NliRunner = (reportage::stance::ZeroShotClassifier, Vec<NliLabel>);
#[cfg(not(feature = "torch"))]
type NliRunner = ((), Vec<NliLabel>);

/// The label of the largest logit of each pair (the first on a tie, as `argmax` does).
#[cfg(feature = "torch")]
fn predict_nli(runner: &mut NliRunner, pairs: &[(&str, &str)]) -> Result<Vec<NliLabel>> {
    let (classifier, labels) = runner;
    classifier
        .nli_logits(pairs)?
        .iter()
        .map(|row| {
            let best = row
                .iter()
                .enumerate()
                .fold(None, |best: Option<(usize, f32)>, (i, &x)| match best {
                    Some((_, b)) if b >= x => best,
                    _ => Some((i, x)),
                })
                .map(|(i, _)| i);
            best.and_then(|i| labels.get(i).copied()).ok_or_else(|| {
                Error::MalformedOutput(format!("{} logits for {} labels", row.len(), labels.len()))
            })
        })
        .collect()
}

#[cfg(not(feature = "torch"))]
fn predict_nli(_: &mut NliRunner, _: &[(&str, &str)]) -> Result<Vec<NliLabel>> {
    Err(usage("nli needs the torch feature"))
}

#[cfg(feature = "torch")]
fn load_nli(subject: &Subject, args: &Args) -> Result<(NliRunner, Option<ModelInfo>)> {
    use reportage::stance::ZeroShotClassifier;
    let Subject::Model(name) = subject else {
        return Err(usage("nli needs --model NAME"));
    };
    let (name, backend) = model_backend(name, args)?;
    let registry = args.registry()?;
    let info = model_info(&registry, name)?;
    let model = registry.resolve(name)?;
    if model.spec.task != reportage::Task::ZeroShot {
        return Err(usage(format!(
            "model `{name}` is registered for task {}; nli needs a zero-shot (NLI) model",
            info.task
        )));
    }
    let classifier = ZeroShotClassifier::with_backend(&model, args.device.device()?, backend)?
        .with_batch_size(args.batch_size)?;
    let labels = classifier
        .model_labels()
        .iter()
        .map(|l| {
            l.parse::<NliLabel>().map_err(|_| {
                usage(format!(
                    "model `{name}` has label `{l}`, which is not an NLI label"
                ))
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(((classifier, labels), Some(info)))
}

#[cfg(not(feature = "torch"))]
fn load_nli(subject: &Subject, _: &Args) -> Result<(NliRunner, Option<ModelInfo>)> {
    Err(no_torch(&subject.label()))
}

// ---------------------------------------------------------------------------------------
// Events

#[derive(Debug, Serialize)]
struct EventData {
    file: String,
    reports: usize,
    gold_events: usize,
}

#[derive(Debug, Serialize)]
struct EventQuality {
    report: EventReport,
}

impl Quality for EventQuality {
    fn headline(&self) -> Vec<(&'static str, f64)> {
        let r = &self.report;
        vec![
            ("type F1", r.types.f1),
            ("type accuracy", r.type_accuracy.unwrap_or(0.0)),
            ("source F1 (overlap)", r.source.overlap.f1),
            ("target F1 (overlap)", r.target.overlap.f1),
        ]
    }

    fn write_text(&self, out: &mut String) {
        let r = &self.report;
        let _ = writeln!(
            out,
            "{} reports: {} gold events, {} predicted",
            r.reports, r.gold_events, r.predicted_events
        );
        let accuracy = r
            .type_accuracy
            .map_or("-".to_string(), |a| format!("{a:.4}"));
        let _ = writeln!(
            out,
            "type accuracy {accuracy} ({} of {} events paired by their actors have the gold type)",
            r.aligned_same_type, r.aligned
        );
        scores_table(
            out,
            "what",
            &[
                ("type".into(), r.types),
                ("source exact".into(), r.source.exact),
                ("source overlap".into(), r.source.overlap),
                ("target exact".into(), r.target.exact),
                ("target overlap".into(), r.target.overlap),
            ],
        );
    }
}

fn events(args: &Args, out: &mut dyn Write) -> Result<()> {
    let path = args.gold.as_ref().expect("checked by parse_args");
    let gold = limited(read_event_gold_file(path)?, args.limit);
    let data = EventData {
        file: path.display().to_string(),
        reports: gold.len(),
        gold_events: gold.iter().map(|g| g.events.len()).sum(),
    };
    let mut loaded = Vec::new();
    for subject in args.subjects()? {
        loaded.push(load(&subject, || {
            // Stance is left out: it costs time and is not scored.
            let (recognizer, info) = load_recognizer(&subject, args)?;
            let mut builder = EventExtractor::builder()
                .sentences(SentenceSplitter::new())
                .entities_boxed(recognizer);
            // The role tagger runs on the CPU with its default batch size.
            let roles = args.roles.as_deref();
            if let Some(tagger) = common::role_tagger(roles, args.backend, args.aggregation)? {
                builder = builder.roles(tagger, args.role_merge);
            }
            if args.shared_encoder {
                builder = common::with_shared_encoder(
                    builder,
                    args.classifier.is_none(),
                    args.backend,
                    args.aggregation,
                )?;
            }
            if let Some(name) = args.classifier.as_deref().filter(|n| *n != "none") {
                builder = common::with_type_classifier(builder, name, args.backend)?;
            }
            // No effect without a classifier.
            builder = builder.classifier_policy(args.policy);
            Ok((builder.build(), info))
        })?);
    }
    let reports: Vec<Report> = gold.iter().map(|g| g.report.clone()).collect();
    let measured = bench(loaded, reports.len(), &settings(args), |x, range| {
        Ok(x.extract_batch(&reports[range])?
            .iter()
            .map(|events| events.iter().map(EventRecord::from).collect::<Vec<_>>())
            .collect())
    })?;
    let gold_events: Vec<Vec<EventRecord>> = gold.iter().map(|g| g.events.clone()).collect();
    let quality = |i: usize, predicted: &[Vec<EventRecord>]| -> Result<EventQuality> {
        if i == 0 {
            if let Some(file) = &args.predictions {
                let mut text = String::new();
                for (g, p) in gold.iter().zip(predicted) {
                    let row = serde_json::json!({"id": g.report.id, "events": p});
                    let _ = writeln!(text, "{row}");
                }
                write_file(file, &text)?;
            }
        }
        Ok(EventQuality {
            report: score_events(&gold_events, predicted)?,
        })
    };
    let header = format!(
        "events: {} reports, {} gold events from {}",
        data.reports, data.gold_events, data.file
    );
    let prepared = Prepared {
        header,
        data,
        notes: preset_notes(args, &args.subjects()?),
    };
    finish(args, out, prepared, measured, quality)
}
