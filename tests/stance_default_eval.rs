//! The real `stance-default` through the crate on 240 news sentences of NewsMTSC devtest_mt
//! (MIT; `eval/stance-newsmtsc-dev.jsonl`, drawn with a fixed seed from the development
//! split; never trained on), scored as `scripts/train_pair.py` scores it: the arg-max
//! stance, macro F1 over favor / against / neutral.
//!
//! Two checks: the Rust pipeline reproduces the score `transformers` gives the same weights
//! on the same pairs, and the score stays above a floor a little under what was measured
//! when the model was made (models/README.md, "stance-default").
#![cfg(feature = "torch")]

use reportage::stance::Stance;
use reportage::{presets, ModelRegistry};

#[path = "support/stance_default.rs"]
mod stance_default;

/// Macro F1 of `transformers` (4.46.3) on the same 240 pairs and the same weights,
/// 2026-11-28 (accuracy 0.775).
const TRANSFORMERS_MACRO_F1: f64 = 0.7398;
const FLOOR: f64 = 0.70;

#[test]
fn stance_default_on_news_sentences() {
    let raw = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/eval/stance-newsmtsc-dev.jsonl"
    ))
    .unwrap();
    let rows: Vec<(String, String, String)> = raw
        .lines()
        .map(|line| {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            let field = |k: &str| v[k].as_str().unwrap().to_string();
            (field("text"), field("target"), field("stance"))
        })
        .collect();
    assert_eq!(rows.len(), 240);
    let registry = ModelRegistry::load_default().unwrap();
    let detector = presets::stance_detector(&registry, presets::STANCE_MODEL)
        .unwrap_or_else(|e| panic!("{e}\n(the default models are built by scripts/setup.sh)"));
    let pairs: Vec<(&str, &str)> = rows
        .iter()
        .map(|(text, target, _)| (text.as_str(), target.as_str()))
        .collect();
    let found = detector.detect_batch(&pairs).unwrap();
    assert_eq!(found.len(), rows.len());

    let mut f1s = Vec::new();
    for stance in [Stance::Favor, Stance::Against, Stance::Neutral] {
        let name = stance.as_str();
        let (mut tp, mut fp, mut fneg) = (0.0, 0.0, 0.0);
        for ((_, _, gold), got) in rows.iter().zip(&found) {
            match (gold == name, got.stance == stance) {
                (true, true) => tp += 1.0,
                (false, true) => fp += 1.0,
                (true, false) => fneg += 1.0,
                (false, false) => {}
            }
        }
        let f1 = if tp == 0.0 {
            0.0
        } else {
            2.0 * tp / (2.0 * tp + fp + fneg)
        };
        println!("{name}: F1 {f1:.4}");
        f1s.push(f1);
    }
    let macro_f1 = f1s.iter().sum::<f64>() / 3.0;
    println!("stance-default macro F1 {macro_f1:.4} (transformers {TRANSFORMERS_MACRO_F1})");
    assert!(
        (macro_f1 - TRANSFORMERS_MACRO_F1).abs() < 0.01,
        "the crate's macro F1 {macro_f1:.4} differs from transformers' {TRANSFORMERS_MACRO_F1}"
    );
    assert!(macro_f1 >= FLOOR, "macro F1 {macro_f1:.4} < floor {FLOOR}");
}

/// On a CUDA device (`scripts/gpu_crate.sh`), `stance-default` gives the CPU's stances and
/// scores to float tolerance; skipped where libtorch sees no CUDA device.
#[test]
fn stance_default_on_cuda_equals_cpu_when_available() {
    if !tch::Cuda::is_available() {
        eprintln!("no CUDA device: skipped");
        return;
    }
    use reportage::stance::{ClassifierStanceConfig, StanceDetection};
    let pairs = stance_default::ceasefire_pairs();
    let run = |device| {
        stance_default::detector(ClassifierStanceConfig {
            batch_size: 8,
            device,
            ..Default::default()
        })
        .detect_batch(&pairs)
        .unwrap()
    };
    let (cpu, cuda) = (run(reportage::Device::Cpu), run(reportage::Device::Cuda(0)));
    let mut max_diff = 0.0f32;
    for (a, b) in cpu.iter().zip(&cuda) {
        assert_eq!(a.stance, b.stance);
        for (x, y) in a.scores.iter().zip(&b.scores) {
            max_diff = max_diff.max((x.1 - y.1).abs());
        }
    }
    println!(
        "stance-default, {} pairs: CUDA vs CPU max score diff {max_diff:e}",
        pairs.len()
    );
    assert!(max_diff < 1e-3, "CUDA vs CPU max score diff {max_diff}");
}
