//! Entity-recognition throughput: sentences/s (and entities/s, printed) at batch sizes 1,
//! 8 and 32 on the 32 sentences of `benches/entities_inputs.txt`.
//!
//! Models:
//! - `ner-bench-bert-base`: BERT-base-sized (768 hidden, 12 layers) with random weights,
//!   made by `.venv/bin/python scripts/fixtures/ner.py --bench-only` into
//!   `models/cache/` (git-ignored, listed in `models/cache/bench-models.toml`);
//! - `ner-default` from the crate's registry, when its files are present.
//!
//! Before anything else the bench calls `reportage::torch::tune_malloc()`, as a program
//! that runs models should; `REPORTAGE_BENCH_MALLOC=default` leaves glibc's defaults, to
//! measure what the tuning is worth.
//!
//! `REPORTAGE_BENCH_INPUTS=FILE` replaces the 32 sentences with the lines of FILE (e.g. CoNLL
//! dev sentences written by `benches/conll_sentences.py`, not committed: Reuters text);
//! `REPORTAGE_BENCH_MODELS=ner-default` benches only the models named (comma-separated).
//! `REPORTAGE_BENCH_BACKENDS=rust-bert,fp32,int8` runs each model with each forward pass
//! named (`reportage::torch::Backend`; default rust-bert alone), and
//! `REPORTAGE_BENCH_BATCHES=1,32` only those batch sizes (default 1, 8, 32).
//!
//! The Python peer, `benches/entities_hf.py`, runs `transformers`' pipeline on the same
//! weights and inputs. Run both: `cargo bench --bench entities && .venv/bin/python benches/entities_hf.py`.

use std::path::Path;

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use reportage::entities::{AggregationStrategy, EntityRecognizer, EntityRecognizerConfig};
use reportage::models::ModelRegistry;
use reportage::torch::Backend;
use reportage::{Device, EntityRecognition};

const INPUTS: &str = include_str!("entities_inputs.txt");
const BATCH_SIZES: [usize; 3] = [1, 8, 32];

/// A comma-separated list from the environment, or `default`.
fn env_list<T>(name: &str, default: &[T]) -> Vec<T>
where
    T: std::str::FromStr + Clone,
    T::Err: std::fmt::Debug,
{
    match std::env::var(name) {
        Ok(v) => v
            .split(',')
            .map(|x| {
                x.trim()
                    .parse()
                    .unwrap_or_else(|e| panic!("{name}: {x}: {e:?}"))
            })
            .collect(),
        Err(_) => default.to_vec(),
    }
}

fn models() -> Vec<(String, ModelRegistry)> {
    let mut out = models_available();
    if let Ok(only) = std::env::var("REPORTAGE_BENCH_MODELS") {
        out.retain(|(name, _)| only.split(',').any(|o| o == name));
    }
    out
}

fn models_available() -> Vec<(String, ModelRegistry)> {
    let mut out = Vec::new();
    let bench = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/cache/bench-models.toml");
    match ModelRegistry::from_file(&bench) {
        Ok(r) => out.push(("ner-bench-bert-base".to_string(), r)),
        Err(e) => eprintln!(
            "skipping the random BERT-base model ({e}); make it with \
             `.venv/bin/python scripts/fixtures/ner.py --bench-only`"
        ),
    }
    if let Ok(r) = ModelRegistry::load_default() {
        if r.resolve("ner-default").is_ok() {
            out.push(("ner-default".to_string(), r));
        } else {
            eprintln!("skipping ner-default: not in the registry or its files are missing");
        }
    }
    out
}

/// Tune the allocator unless `REPORTAGE_BENCH_MALLOC=default`; the label says which ran.
fn malloc_choice() -> &'static str {
    let skip = std::env::var("REPORTAGE_BENCH_MALLOC").is_ok_and(|v| v == "default");
    if !skip && reportage::torch::tune_malloc() {
        "malloc-tuned"
    } else {
        "malloc-default"
    }
}

fn bench(c: &mut Criterion) {
    let malloc = malloc_choice();
    let inputs = match std::env::var("REPORTAGE_BENCH_INPUTS") {
        Ok(path) => std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}")),
        Err(_) => INPUTS.to_string(),
    };
    let sentences: Vec<&str> = inputs.lines().filter(|l| !l.trim().is_empty()).collect();
    let device = match std::env::var("REPORTAGE_BENCH_DEVICE").as_deref() {
        Ok("cuda") => Device::Cuda(0),
        _ => Device::Cpu,
    };
    let backends = env_list("REPORTAGE_BENCH_BACKENDS", &[Backend::RustBert]);
    let batch_sizes = env_list("REPORTAGE_BENCH_BATCHES", &BATCH_SIZES);
    for ((name, registry), backend) in models()
        .into_iter()
        .flat_map(|m| backends.iter().map(move |b| (m.clone(), *b)))
    {
        // The default backend keeps the group names of earlier runs.
        let label = match backend {
            Backend::RustBert => name.clone(),
            other => format!("{name}@{other}"),
        };
        let mut group = c.benchmark_group(format!("entities/{label}/{device:?}/{malloc}"));
        group.sample_size(10);
        group.throughput(Throughput::Elements(sentences.len() as u64));
        for &batch_size in &batch_sizes {
            let config = EntityRecognizerConfig {
                aggregation: AggregationStrategy::First,
                batch_size,
                device,
                backend,
                ..Default::default()
            };
            let ner = EntityRecognizer::from_registry(&registry, &name, config).unwrap();
            let found: usize = ner
                .recognize_batch(&sentences)
                .unwrap()
                .iter()
                .map(Vec::len)
                .sum();
            let start = std::time::Instant::now();
            let runs = 3;
            for _ in 0..runs {
                black_box(ner.recognize_batch(&sentences).unwrap());
            }
            let secs = start.elapsed().as_secs_f64() / runs as f64;
            eprintln!(
                "{label} batch {batch_size}: {found} entities in {} sentences; \
                 {:.1} sentences/s, {:.1} entities/s (mean of {runs} runs)",
                sentences.len(),
                sentences.len() as f64 / secs,
                found as f64 / secs
            );
            group.bench_function(format!("batch_{batch_size}"), |b| {
                b.iter(|| black_box(ner.recognize_batch(black_box(&sentences)).unwrap()))
            });
        }
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
