//! Parity with `transformers` 4.46.3 on the tiny random-weight fixtures: zero-shot scores
//! (single- and multi-label, several label sets and templates), stance template averaging,
//! and text-classification scores must agree within 1e-4 of the recorded pipeline outputs.
//! Weights are random: this proves loading, tokenisation, batching and score math, not
//! accuracy. Run with `--nocapture` to see the largest differences.
#![cfg(feature = "torch")]

use reportage::models::{ModelRegistry, ResolvedModel};
use reportage::sentences::SentenceSplitter;
use reportage::stance::{
    document_stance, ClassifierStanceConfig, ClassifierStanceDetector, Mentions, NliStanceConfig,
    NliStanceDetector, Stance, StanceDetection, StanceTemplates, Target, ZeroShotClassifier,
};
use reportage::{Device, Error};
use serde_json::Value;

const TOLERANCE: f32 = 1e-4;

fn resolve(name: &str) -> ResolvedModel {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/models.toml");
    ModelRegistry::from_file(path)
        .unwrap()
        .resolve(name)
        .unwrap()
}

#[path = "support/stance_refs.rs"]
mod stance_refs;
use stance_refs::{floats, max_diff, references};

fn strings(v: &Value) -> Vec<String> {
    serde_json::from_value(v.clone()).unwrap()
}

/// Every zero-shot case of one model, run with all sequences of a label set batched
/// together, at two batch sizes (1: no padding; 7: padding and length sorting).
fn zero_shot_parity(name: &str) {
    let refs = references();
    let cases = refs["models"][name]["cases"].as_array().unwrap().clone();
    for batch_size in [1, 7] {
        let zs = ZeroShotClassifier::new(&resolve(name), Device::Cpu)
            .unwrap()
            .with_batch_size(batch_size)
            .unwrap();
        let (mut single, mut multi, mut logits_diff) = (0f32, 0f32, 0f32);
        let mut n = 0;
        for case in cases.iter().filter(|c| c["kind"] != "stance-average") {
            let labels = strings(&case["candidate_labels"]);
            let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
            let multi_label = case["multi_label"].as_bool().unwrap();
            let sequence = case["sequence"].as_str().unwrap();
            // Another text in the same call: its pairs share batches with this one's.
            let other = "The talks will resume next month in Vienna.";
            let results = zs
                .classify_batch(
                    &[sequence, other],
                    &labels,
                    case["hypothesis_template"].as_str().unwrap(),
                    multi_label,
                )
                .unwrap();
            let ours: Vec<f32> = labels
                .iter()
                .map(|l| results[0].score_of(l).unwrap())
                .collect();
            let d = max_diff(&ours, &floats(&case["scores"]));
            assert!(d < TOLERANCE, "{name} batch {batch_size}: {d} on {case}");
            if labels.len() > 1 {
                // Sorted highest first, as the pipeline returns them (ties aside).
                assert!(results[0].scores.windows(2).all(|w| w[0] >= w[1]));
            }
            if multi_label {
                multi = multi.max(d);
            } else {
                single = single.max(d);
            }
            let pairs: Vec<(&str, &str)> = case["pairs"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| (sequence, p["hypothesis"].as_str().unwrap()))
                .collect();
            for (got, want) in zs
                .nli_logits(&pairs)
                .unwrap()
                .iter()
                .zip(case["pairs"].as_array().unwrap())
            {
                logits_diff = logits_diff.max(max_diff(got, &floats(&want["logits"])));
            }
            n += 1;
        }
        assert!(n >= 40);
        eprintln!(
            "PARITY {name} zero-shot batch_size={batch_size} cases={n}: max |diff| single-label {single:.2e}, multi-label {multi:.2e}, logits {logits_diff:.2e}"
        );
        assert!(logits_diff < TOLERANCE);
    }
}

#[test]
fn bert_zero_shot_matches_transformers() {
    // Labels {0: Contradiction, 1: NEUTRAL, 2: entailment}: the index is read by name.
    let zs = ZeroShotClassifier::new(&resolve("nli-bert-tiny"), Device::Cpu).unwrap();
    assert_eq!(zs.label_map().entailment, 2);
    assert_eq!(zs.label_map().contradiction, 0);
    zero_shot_parity("nli-bert-tiny");
}

#[test]
fn bart_zero_shot_matches_transformers() {
    zero_shot_parity("nli-bart-tiny");
}

/// NLI stance with the default templates (two sets averaged) against the pipeline's scores
/// averaged over the same sets.
fn nli_stance_parity(name: &str) {
    let refs = references();
    let cases = refs["models"][name]["cases"].as_array().unwrap();
    for multi_label in [false, true] {
        let config = NliStanceConfig {
            multi_label,
            batch_size: 5,
            ..NliStanceConfig::default()
        };
        let detector = NliStanceDetector::new(&resolve(name), config).unwrap();
        let wanted: Vec<&Value> = cases
            .iter()
            .filter(|c| c["kind"] == "stance-average" && c["multi_label"] == multi_label)
            .collect();
        let pairs: Vec<(&str, &str)> = wanted
            .iter()
            .map(|c| {
                (
                    c["sequence"].as_str().unwrap(),
                    c["target"].as_str().unwrap(),
                )
            })
            .collect();
        let got = detector.detect_batch(&pairs).unwrap();
        let mut worst = 0f32;
        for (g, w) in got.iter().zip(&wanted) {
            let ours: Vec<f32> = [Stance::Favor, Stance::Against, Stance::Neutral]
                .iter()
                .map(|&s| g.score_of(s).unwrap())
                .collect();
            let d = max_diff(&ours, &floats(&w["scores"]));
            assert!(d < TOLERANCE, "{name}: {d} on {w}");
            worst = worst.max(d);
            if !multi_label {
                let total: f32 = ours.iter().sum();
                assert!((total - 1.0).abs() < 1e-5);
            }
        }
        eprintln!(
            "PARITY {name} stance (2 template sets averaged) multi_label={multi_label} pairs={}: max |diff| {worst:.2e}",
            pairs.len()
        );
    }
}

#[test]
fn bert_nli_stance_matches_transformers() {
    nli_stance_parity("nli-bert-tiny");
}

#[test]
fn bart_nli_stance_matches_transformers() {
    nli_stance_parity("nli-bart-tiny");
}

#[test]
fn classifier_stance_matches_transformers() {
    let name = "stance-roberta-tiny";
    let refs = references();
    let cases = refs["classifiers"][name]["cases"].as_array().unwrap();
    for batch_size in [1, 3] {
        let config = ClassifierStanceConfig {
            batch_size,
            ..ClassifierStanceConfig::default()
        };
        let detector = ClassifierStanceDetector::new(&resolve(name), config).unwrap();
        assert_eq!(detector.labels(), ["AGAINST", "FAVOR", "NONE"]);
        assert_eq!(
            detector.stances(),
            [Stance::Against, Stance::Favor, Stance::Unrelated]
        );
        let pairs: Vec<(&str, &str)> = cases
            .iter()
            .map(|c| {
                (
                    c["sequence"].as_str().unwrap(),
                    c["target"].as_str().unwrap(),
                )
            })
            .collect();
        let got = detector.detect_batch(&pairs).unwrap();
        let mut worst = 0f32;
        for (g, c) in got.iter().zip(cases) {
            let ours: Vec<f32> = detector
                .stances()
                .iter()
                .map(|&s| g.score_of(s).unwrap())
                .collect();
            let d = max_diff(&ours, &floats(&c["scores"]));
            assert!(d < TOLERANCE, "{d} on {c}");
            worst = worst.max(d);
        }
        eprintln!(
            "PARITY {name} text-classification (target, text) batch_size={batch_size} pairs={}: max |diff| {worst:.2e}",
            pairs.len()
        );
    }
}

#[test]
fn classifier_label_map_override_and_errors() {
    let model = resolve("stance-roberta-tiny");
    let config = ClassifierStanceConfig {
        label_map: vec![("none".into(), Stance::Neutral)],
        ..ClassifierStanceConfig::default()
    };
    let d = ClassifierStanceDetector::new(&model, config).unwrap();
    assert_eq!(d.stances()[2], Stance::Neutral);
    let config = ClassifierStanceConfig {
        label_map: vec![("NEUTRAL".into(), Stance::Neutral)],
        ..ClassifierStanceConfig::default()
    };
    assert!(matches!(
        ClassifierStanceDetector::new(&model, config),
        Err(Error::LabelMap { .. })
    ));
    // An NLI model's labels are not stances.
    let err = ClassifierStanceDetector::new(&resolve("nli-bert-tiny"), Default::default());
    assert!(matches!(err, Err(Error::LabelMap { .. })));
}

#[test]
fn errors_not_panics() {
    // A stance classifier has no entailment label: no zero-shot with it.
    let err = NliStanceDetector::new(&resolve("stance-roberta-tiny"), NliStanceConfig::default());
    assert!(
        matches!(err, Err(Error::LabelMap { .. })),
        "{:?}",
        err.err()
    );

    let d = NliStanceDetector::new(&resolve("nli-bert-tiny"), NliStanceConfig::default()).unwrap();
    assert!(matches!(
        d.detect("Some text.", "  "),
        Err(Error::EmptyInput(_))
    ));
    assert!(matches!(d.detect("", "target"), Err(Error::EmptyInput(_))));
    assert!(d.detect_batch(&[]).unwrap().is_empty());
    let zs = d.classifier();
    assert!(zs.classify("Text.", &[], "{}", false).is_err());
    assert!(zs
        .classify("Text.", &["a"], "no placeholder", false)
        .is_err());
    assert!(StanceTemplates::single(&[(Stance::Favor, "no placeholder")]).is_err());
    let zero = ZeroShotClassifier::new(&resolve("nli-bert-tiny"), Device::Cpu)
        .unwrap()
        .with_batch_size(0);
    assert!(zero.is_err());

    // Longer than the model's 128 positions: truncated (text only), not a crash.
    let long = "The ceasefire held in the north. ".repeat(60);
    let s = d.detect(&long, "the ceasefire").unwrap();
    assert!(s.score.is_finite());

    // BART: a literal </s> in the text would give rows different numbers of </s>.
    let bart = ZeroShotClassifier::new(&resolve("nli-bart-tiny"), Device::Cpu).unwrap();
    let r = bart.classify_batch(&["A </s> B", "plain"], &["x"], "{}", false);
    assert!(matches!(r, Err(Error::Model { .. })), "{r:?}");
}

#[test]
fn document_stance_with_a_real_backend() {
    let d = NliStanceDetector::new(&resolve("nli-bert-tiny"), NliStanceConfig::default()).unwrap();
    let text = "  Officials in Damascus welcomed the ceasefire, calling it a victory.  ";
    let target = Target::new("the ceasefire");
    let doc = document_stance(
        &d,
        &SentenceSplitter::new(),
        text,
        &target,
        Mentions::StringMatch,
    )
    .unwrap()
    .unwrap();
    let direct = d.detect(text.trim(), "the ceasefire").unwrap();
    assert_eq!(doc.evidence.len(), 1);
    assert_eq!(doc.stance, direct.stance);
    assert!((doc.score - direct.score).abs() < 1e-6);
    assert_eq!(&text[doc.evidence[0].mentions[0].range()], "the ceasefire");
}
