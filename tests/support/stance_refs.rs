//! Reading the stance fixtures' recorded `transformers` references, shared by the parity
//! test (libtorch) and the score-math test (no libtorch).
#![allow(dead_code)]

use serde_json::Value;

/// `tests/fixtures/stance_references.json`, written by `scripts/fixtures/nli.py`.
pub fn references() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/stance_references.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// A JSON array of numbers as `f32`s.
pub fn floats(v: &Value) -> Vec<f32> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap() as f32)
        .collect()
}

/// The largest absolute difference between two equally long score vectors.
pub fn max_diff(a: &[f32], b: &[f32]) -> f32 {
    assert_eq!(a.len(), b.len());
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f32::max)
}
