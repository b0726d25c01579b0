//! Sentence-target pairs per second through NLI zero-shot stance, at 1, 8 and 32
//! (sentence, hypothesis) pairs per forward pass; `benches/stance_hf.py` measures the
//! `transformers` pipeline on the same weights and inputs.
//!
//! Workload: the 32 sentences of `benches/stance_sentences.txt`, each with the target
//! "the ceasefire", one template set (favor / against / neutral: 3 NLI pairs per sentence),
//! single-label scoring, CPU.
//!
//! Models: `nli-bert-base-random` (BERT-base sizes, random weights; generate with
//! `.venv/bin/python scripts/fixtures/nli.py --bench`, into git-ignored models/cache/),
//! the committed tiny fixture `nli-bert-tiny` (shows fixed per-call overhead), and the real
//! default `nli-default` when set-up has built it.
//!
//! A second group, `stance-classifier/stance-default`, runs the fine-tuned classifier
//! (`ClassifierStanceDetector`, one (target, text) pair per sentence) at batch 1 and 32:
//! sentence-target pairs per second, against `benches/stance_hf.py --classifier`.
//! `REPORTAGE_BENCH_MODELS=stance-default,nli-default` keeps only the models named;
//! `REPORTAGE_BENCH_DEVICE=cuda` runs them on the first CUDA device (`scripts/gpu_crate.sh`).
//!
//! Run: `cargo bench --bench stance`

use std::path::Path;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use reportage::models::ModelRegistry;
use reportage::stance::{
    ClassifierStanceConfig, ClassifierStanceDetector, NliStanceConfig, NliStanceDetector, Stance,
    StanceDetection, StanceTemplates,
};

const TARGET: &str = "the ceasefire";

fn detector(registry: &Path, name: &str, batch_size: usize) -> Option<NliStanceDetector> {
    let model = match ModelRegistry::from_file(registry).and_then(|r| r.resolve(name)) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("skipping {name}: {e} (run scripts/fixtures/nli.py --bench)");
            return None;
        }
    };
    let templates = StanceTemplates::single(&[
        (Stance::Favor, "The author supports {target}."),
        (Stance::Against, "The author opposes {target}."),
        (Stance::Neutral, "The author is neutral about {target}."),
    ])
    .expect("valid templates");
    let config = NliStanceConfig {
        templates,
        batch_size,
        device: device(),
        ..NliStanceConfig::default()
    };
    Some(NliStanceDetector::new(&model, config).expect("model loads"))
}

fn device() -> reportage::Device {
    match std::env::var("REPORTAGE_BENCH_DEVICE").as_deref() {
        Ok("cuda") => reportage::Device::Cuda(0),
        _ => reportage::Device::Cpu,
    }
}

fn wanted(name: &str) -> bool {
    std::env::var("REPORTAGE_BENCH_MODELS").map_or(true, |only| only.split(',').any(|o| o == name))
}

fn bench(c: &mut Criterion) {
    reportage::torch::tune_malloc();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("benches/stance_sentences.txt")).unwrap();
    let pairs: Vec<(&str, &str)> = text.lines().map(|s| (s, TARGET)).collect();
    let models = [
        (
            root.join("models/cache/stance-bench.toml"),
            "nli-bert-base-random",
        ),
        (root.join("tests/fixtures/models.toml"), "nli-bert-tiny"),
        (root.join("models.toml"), "nli-default"),
    ];
    for (registry, name) in models.iter().filter(|(_, n)| wanted(n)) {
        let mut group = c.benchmark_group(format!("stance/{name}"));
        group.sample_size(10);
        group.throughput(Throughput::Elements(pairs.len() as u64));
        for batch_size in [1, 8, 32] {
            let Some(d) = detector(registry, name, batch_size) else {
                break;
            };
            group.bench_with_input(BenchmarkId::new("batch", batch_size), &pairs, |b, p| {
                b.iter(|| d.detect_batch(p).unwrap())
            });
        }
        group.finish();
    }
    if wanted("stance-default") {
        classifier(c, &root.join("models.toml"), "stance-default", &pairs);
    }
}

fn classifier(c: &mut Criterion, registry: &Path, name: &str, pairs: &[(&str, &str)]) {
    let model = match ModelRegistry::from_file(registry).and_then(|r| r.resolve(name)) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("skipping {name}: {e} (run scripts/setup.sh)");
            return;
        }
    };
    let mut group = c.benchmark_group(format!("stance-classifier/{name}"));
    group.sample_size(10);
    group.throughput(Throughput::Elements(pairs.len() as u64));
    for batch_size in [1, 32] {
        let config = ClassifierStanceConfig {
            batch_size,
            device: device(),
            ..ClassifierStanceConfig::default()
        };
        let d = ClassifierStanceDetector::new(&model, config).expect("model loads");
        group.bench_with_input(BenchmarkId::new("batch", batch_size), pairs, |b, p| {
            b.iter(|| d.detect_batch(p).unwrap())
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
