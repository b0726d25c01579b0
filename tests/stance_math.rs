//! The zero-shot and classifier score math against `transformers`, without libtorch: the
//! fixture references record the model's logits next to the pipeline's scores, so the
//! pure functions must turn the one into the other.

use reportage::stance::{
    average_scores, classifier_scores, stance_from_label, zero_shot_scores, NliLabelMap,
    StanceTemplates,
};
use serde_json::Value;

#[path = "support/stance_refs.rs"]
mod stance_refs;
use stance_refs::{floats, max_diff, references};

fn labels_of(model: &str) -> Vec<String> {
    let path = format!(
        "{}/tests/fixtures/{model}/config.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let config: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let map = config["id2label"].as_object().unwrap();
    (0..map.len())
        .map(|i| map[&i.to_string()].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn zero_shot_math_equals_the_pipeline() {
    let refs = references();
    for (name, model) in refs["models"].as_object().unwrap() {
        let map = NliLabelMap::from_labels(name, &labels_of(name)).unwrap();
        assert_eq!(
            map.entailment as u64,
            model["entailment_id"].as_u64().unwrap(),
            "{name}"
        );
        let mut checked = 0;
        for case in model["cases"].as_array().unwrap() {
            if case["kind"] == "stance-average" {
                continue;
            }
            let logits: Vec<f32> = case["pairs"]
                .as_array()
                .unwrap()
                .iter()
                .flat_map(|p| floats(&p["logits"]))
                .collect();
            let multi = case["multi_label"].as_bool().unwrap();
            let ours = zero_shot_scores(&logits, &map, multi).unwrap();
            let theirs = floats(&case["scores"]);
            assert!(max_diff(&ours, &theirs) < 1e-6, "{name}: {case}");
            checked += 1;
        }
        assert!(checked >= 40, "{name}: only {checked} cases");
    }
}

#[test]
fn template_averaging_equals_the_reference_mean() {
    let refs = references();
    let templates = StanceTemplates::default();
    for (name, model) in refs["models"].as_object().unwrap() {
        let cases = model["cases"].as_array().unwrap();
        for avg in cases.iter().filter(|c| c["kind"] == "stance-average") {
            // The default templates are the ones the references were recorded with.
            let sets: Vec<Vec<String>> =
                serde_json::from_value(avg["template_sets"].clone()).unwrap();
            assert_eq!(sets, templates.sets());
            let per_set: Vec<Vec<f32>> = cases
                .iter()
                .filter(|c| {
                    c["kind"] == "stance"
                        && c["sequence"] == avg["sequence"]
                        && c["target"] == avg["target"]
                        && c["multi_label"] == avg["multi_label"]
                })
                .map(|c| floats(&c["scores"]))
                .collect();
            assert_eq!(per_set.len(), sets.len());
            let ours = average_scores(&per_set).unwrap();
            assert!(max_diff(&ours, &floats(&avg["scores"])) < 1e-6, "{name}");
        }
    }
}

#[test]
fn classifier_math_equals_the_pipeline() {
    let refs = references();
    for (name, model) in refs["classifiers"].as_object().unwrap() {
        for case in model["cases"].as_array().unwrap() {
            let labels: Vec<String> = serde_json::from_value(case["labels"].clone()).unwrap();
            let stances: Vec<_> = labels
                .iter()
                .map(|l| stance_from_label(l).unwrap())
                .collect();
            let ours = classifier_scores(&floats(&case["logits"]), &stances).unwrap();
            let ours: Vec<f32> = ours.iter().map(|p| p.1).collect();
            assert!(max_diff(&ours, &floats(&case["scores"])) < 1e-6, "{name}");
        }
    }
}
