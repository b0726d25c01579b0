//! `stance-default` and the 32 sentences of `benches/stance_sentences.txt` paired with one
//! target, shared by the tests that compare its forward passes (backends, devices).
#![allow(dead_code)]

use reportage::models::{ModelRegistry, ResolvedModel};
use reportage::stance::{ClassifierStanceConfig, ClassifierStanceDetector};

/// The default stance model, resolved from the default registry.
pub fn model() -> ResolvedModel {
    ModelRegistry::load_default()
        .unwrap()
        .resolve("stance-default")
        .unwrap_or_else(|e| panic!("{e}\n(the default models are built by scripts/setup.sh)"))
}

/// Each bench sentence with the target "the ceasefire".
pub fn ceasefire_pairs() -> Vec<(&'static str, &'static str)> {
    include_str!("../../benches/stance_sentences.txt")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|s| (s, "the ceasefire"))
        .collect()
}

/// `stance-default` loaded with `config`.
pub fn detector(config: ClassifierStanceConfig) -> ClassifierStanceDetector {
    ClassifierStanceDetector::new(&model(), config).unwrap()
}
