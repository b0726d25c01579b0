//! The crate's own BERT forward (`Backend::Fp32`, `Backend::Int8Dynamic`) through the public
//! pipelines, against rust-bert's (`Backend::RustBert`) on the same weights: the token head
//! (entities) and the sequence head with its pooler (zero-shot NLI, the stance classifier).
//! The logits themselves are compared on `ner-default` by the unit tests of
//! `src/torch/bert.rs`.
#![cfg(feature = "torch")]

use reportage::entities::{EntityRecognizer, EntityRecognizerConfig};
use reportage::models::{ModelRegistry, ResolvedModel};
use reportage::stance::{ClassifierStanceConfig, StanceDetection, ZeroShotClassifier};
use reportage::torch::Backend;
use reportage::{Device, EntityRecognition, Error};

#[path = "support/stance_default.rs"]
mod stance_default;

fn fixture(name: &str) -> ResolvedModel {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/models.toml");
    ModelRegistry::from_file(path)
        .unwrap()
        .resolve(name)
        .unwrap()
}

const INPUTS: &str = include_str!("../benches/entities_inputs.txt");

fn lines() -> Vec<&'static str> {
    INPUTS.lines().filter(|l| !l.trim().is_empty()).collect()
}

fn recognizer(model: &ResolvedModel, backend: Backend) -> reportage::Result<EntityRecognizer> {
    let config = EntityRecognizerConfig {
        batch_size: 5,
        backend,
        ..Default::default()
    };
    EntityRecognizer::new(model, config)
}

#[test]
fn own_fp32_entities_equal_rust_bert_on_the_bert_fixture() {
    // Tiny random BERT (cased WordPiece, max length 40: long lines go through windows).
    let model = fixture("ner-bert-bio");
    let texts = lines();
    let reference = recognizer(&model, Backend::RustBert)
        .unwrap()
        .recognize_batch(&texts)
        .unwrap();
    let ours = recognizer(&model, Backend::Fp32)
        .unwrap()
        .recognize_batch(&texts)
        .unwrap();
    let mut n = 0;
    for (a, b) in reference.iter().zip(&ours) {
        assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(b) {
            assert_eq!((x.span, x.kind.clone()), (y.span, y.kind.clone()));
            assert!((x.score - y.score).abs() < 1e-5, "{x:?} vs {y:?}");
            n += 1;
        }
    }
    assert!(n > 50, "{n} entities");
    // int8 runs the same model and returns as many texts.
    let int8 = recognizer(&model, Backend::Int8Dynamic)
        .unwrap()
        .recognize_batch(&texts)
        .unwrap();
    assert_eq!(int8.len(), texts.len());
}

#[test]
fn own_fp32_zero_shot_scores_equal_rust_bert() {
    // Tiny random BERT NLI head: the pooler and the sequence classifier.
    let model = fixture("nli-bert-tiny");
    let labels = ["fighting", "diplomacy", "protest"];
    let run = |backend| {
        let zs = ZeroShotClassifier::with_backend(&model, Device::Cpu, backend)
            .unwrap()
            .with_batch_size(4)
            .unwrap();
        lines()
            .iter()
            .map(|t| {
                zs.classify(t, &labels, "This example is about {}.", false)
                    .unwrap()
            })
            .collect::<Vec<_>>()
    };
    let (reference, ours) = (run(Backend::RustBert), run(Backend::Fp32));
    for (a, b) in reference.iter().zip(&ours) {
        assert_eq!(a.labels, b.labels);
        for (x, y) in a.scores.iter().zip(&b.scores) {
            assert!((x - y).abs() < 1e-5, "{a:?} vs {b:?}");
        }
    }
}

#[test]
fn stance_default_through_the_own_forward() {
    let pairs = stance_default::ceasefire_pairs();
    let run = |backend| {
        stance_default::detector(ClassifierStanceConfig {
            batch_size: 8,
            backend,
            ..Default::default()
        })
        .detect_batch(&pairs)
        .unwrap()
    };
    let reference = run(Backend::RustBert);
    let fp32 = run(Backend::Fp32);
    let int8 = run(Backend::Int8Dynamic);
    let mut max_fp32 = 0.0f32;
    let mut max_int8 = 0.0f32;
    let mut same = 0;
    for ((a, b), c) in reference.iter().zip(&fp32).zip(&int8) {
        assert_eq!(a.stance, b.stance);
        for ((x, y), z) in a.scores.iter().zip(&b.scores).zip(&c.scores) {
            assert_eq!(x.0, y.0);
            max_fp32 = max_fp32.max((x.1 - y.1).abs());
            max_int8 = max_int8.max((x.1 - z.1).abs());
        }
        same += usize::from(a.stance == c.stance);
    }
    println!(
        "stance-default, {} pairs: fp32 max score diff {max_fp32:e}; int8 same stance on {same}, max score diff {max_int8}",
        pairs.len()
    );
    assert!(max_fp32 < 1e-4, "fp32 max score diff {max_fp32}");
    assert!(same * 10 >= pairs.len() * 9, "int8 same stance on {same}");
}

#[test]
fn other_architectures_refuse_the_own_forward() {
    let model = fixture("ner-distilbert-iobes");
    for backend in [Backend::Fp32, Backend::Int8Dynamic] {
        match recognizer(&model, backend) {
            Err(Error::UnsupportedArchitecture { task, .. }) => {
                assert!(task.contains(backend.name()), "{task}")
            }
            Err(e) => panic!("{backend}: {e}"),
            Ok(_) => panic!("{backend}: DistilBERT loaded"),
        }
    }
    assert!(recognizer(&model, Backend::RustBert).is_ok());
}

/// Int8 quantises each sequence's input on its own, padding left out: a pair scored in a
/// padded batch of other pairs gets the scores it gets alone (to float rounding), so a
/// document's int8 events do not depend on which documents share its batch.
#[test]
fn int8_scores_do_not_depend_on_the_batch() {
    let pairs = stance_default::ceasefire_pairs();
    let detector = |batch_size| {
        stance_default::detector(ClassifierStanceConfig {
            batch_size,
            backend: Backend::Int8Dynamic,
            ..Default::default()
        })
    };
    let batched = detector(16).detect_batch(&pairs).unwrap();
    let one = detector(1);
    let mut max_diff = 0.0f32;
    for (pair, b) in pairs.iter().zip(&batched) {
        let alone = one.detect_batch(&[*pair]).unwrap().remove(0);
        assert_eq!(alone.stance, b.stance, "{pair:?}");
        for (x, y) in alone.scores.iter().zip(&b.scores) {
            max_diff = max_diff.max((x.1 - y.1).abs());
        }
    }
    println!(
        "int8, {} pairs: max score diff alone vs batched {max_diff:e}",
        pairs.len()
    );
    // One scale for the whole padded batch (as before) moved these scores by up to 0.18.
    assert!(
        max_diff < 1e-4,
        "int8 max score diff alone vs batched {max_diff}"
    );
}
