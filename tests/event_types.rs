//! `events-default` read by the crate as `transformers` reads it: its config says
//! `multi_label_classification`, so each label is an independent sigmoid (a sentence may
//! report several types) and the crate's probabilities must equal those of transformers'
//! text-classification pipeline, recorded by `scripts/fixtures/event_types.py`.
#![cfg(feature = "torch")]

use reportage::events::{EventType, SentenceTypeClassifier};
use reportage::models::ModelRegistry;
use reportage::presets::EVENTS_MODEL;
use reportage::torch::Backend;

// Recorded with transformers 4.46.3 from the committed model (scripts/fixtures/event_types.py).
const LABELS: [&str; 17] = [
    "NONE",
    "AGREE",
    "CONSULT",
    "SUPPORT",
    "CONCEDE",
    "COOPERATE",
    "AID",
    "RETREAT",
    "REQUEST",
    "ACCUSE",
    "REJECT",
    "THREATEN",
    "PROTEST",
    "SANCTION",
    "MOBILIZE",
    "COERCE",
    "ASSAULT",
];
const REFERENCE: [(&str, [f32; 17]); 3] = [
    ("Protesters burned flags in Homs.", [0.014476, 0.001471, 0.003829, 0.011825, 0.009388, 0.001627, 0.000937, 0.010300, 0.003703, 0.015247, 0.002642, 0.008999, 0.834758, 0.002999, 0.004107, 0.029340, 0.247170]),
    ("Japan provides $20 million in support for flood victims in Pakistan.", [0.008609, 0.006622, 0.000783, 0.006420, 0.002191, 0.005863, 0.975533, 0.006604, 0.009137, 0.010990, 0.009156, 0.001064, 0.001652, 0.014196, 0.008181, 0.003277, 0.011947]),
    ("The Russian military has been providing air support to the Syrian government's ground troops, with reports of intense airstrikes in the area.", [0.007244, 0.011255, 0.000713, 0.006698, 0.001383, 0.034077, 0.977739, 0.006072, 0.007436, 0.010063, 0.007238, 0.000951, 0.001624, 0.006869, 0.086883, 0.002995, 0.177623]),
];

fn classifier(backend: Backend) -> SentenceTypeClassifier {
    let registry = ModelRegistry::load_default().unwrap();
    SentenceTypeClassifier::with_backend(
        &registry.resolve(EVENTS_MODEL).unwrap(),
        reportage::Device::Cpu,
        backend,
    )
    .unwrap_or_else(|e| panic!("{e}\n(the default models are built by scripts/setup.sh)"))
}

#[test]
fn probabilities_equal_the_transformers_pipeline() {
    let sentences: Vec<&str> = REFERENCE.iter().map(|(s, _)| *s).collect();
    let scores = classifier(Backend::RustBert)
        .type_scores(&sentences)
        .unwrap();
    for ((sentence, want), got) in REFERENCE.iter().zip(&scores) {
        for (label, &p) in LABELS.iter().zip(want) {
            let ours = if *label == "NONE" {
                got.none
            } else {
                got.of(label.parse::<EventType>().unwrap())
            };
            assert!(
                (ours - p).abs() < 1e-3,
                "{sentence}: {label} {ours} against transformers' {p}"
            );
        }
    }
    // Independent sigmoids: nothing makes a sentence's probabilities sum to one, and a
    // sentence can have two types above one half.
    let protest = &scores[0];
    let total: f32 = protest.types.iter().sum::<f32>() + protest.none;
    assert!((total - 1.0).abs() > 0.05, "{total}");
}

/// The crate's own forward passes read the head the same way: fp32 within float rounding;
/// int8 (weights quantised, scores moved by up to 0.09 here) gives the same types above one
/// half.
#[test]
fn own_backends_agree() {
    let sentences: Vec<&str> = REFERENCE.iter().map(|(s, _)| *s).collect();
    let reference = classifier(Backend::RustBert)
        .type_scores(&sentences)
        .unwrap();
    let fp32 = classifier(Backend::Fp32).type_scores(&sentences).unwrap();
    for (a, b) in reference.iter().zip(&fp32) {
        for (x, y) in a.types.iter().zip(&b.types) {
            assert!((x - y).abs() < 1e-4, "fp32: {x} against {y}");
        }
    }
    let int8 = classifier(Backend::Int8Dynamic)
        .type_scores(&sentences)
        .unwrap();
    for (a, b) in reference.iter().zip(&int8) {
        assert_eq!(a.at_least(0.5).len(), b.at_least(0.5).len(), "{a:?}\n{b:?}");
        for (x, y) in a.at_least(0.5).iter().zip(b.at_least(0.5)) {
            assert_eq!(x.0, y.0);
        }
    }
}
