//! Sentence-splitter throughput on report text (no libtorch: run with
//! `cargo bench --no-default-features --bench sentences`).
//!
//! The corpus is built from files in the repository, the same way
//! `benches/sentence_peers.py` builds its throughput text: the Aleppo report plus every
//! golden-set input, separated by blank lines, repeated to about 1 MB.

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use reportage::sentences::{SentenceSegmentation, SentenceSplitter};

#[path = "../tests/support/golden_tsv.rs"]
mod golden_tsv;

const REPORT: &str = include_str!("../tests/data/sentences/aleppo-advance.txt");

fn corpus() -> String {
    let mut parts = vec![REPORT.to_string()];
    parts.extend(
        golden_tsv::parse(golden_tsv::GOLDEN)
            .into_iter()
            .map(|c| c.text),
    );
    let unit = parts.join("\n\n");
    let copies = (1_000_000 / unit.len()).max(1);
    vec![unit; copies].join("\n\n")
}

fn bench(c: &mut Criterion) {
    let text = corpus();
    let splitter = SentenceSplitter::new();
    let sentences = splitter.split(&text).len() as u64;

    let mut group = c.benchmark_group("sentences");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("split/bytes", |b| {
        b.iter(|| splitter.split(black_box(&text)))
    });
    group.throughput(Throughput::Elements(sentences));
    group.bench_function("split/sentences", |b| {
        b.iter(|| splitter.split(black_box(&text)))
    });
    let mut spans = Vec::new();
    group.bench_function("split_spans_into/sentences", |b| {
        b.iter(|| {
            spans.clear();
            splitter.split_spans_into(black_box(&text), &mut spans);
            spans.len()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
