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
