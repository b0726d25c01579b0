//! `reportage::evaluation` against the libraries users compare with: `seqeval` 1.2.2 for
//! entity scores and scikit-learn for classification scores, recorded on fixtures written
//! for this test by `scripts/seqeval_reference.py` (tests/data/evaluate/reference.json).
//! No libtorch needed: `cargo test --no-default-features --test evaluate_metrics`.

use std::path::{Path, PathBuf};

use reportage::evaluation::classes::{semeval_f1avg, ConfusionMatrix};
use reportage::evaluation::conll::{ConllCorpus, ConllOptions};
use reportage::evaluation::sequence::{
    score_sequences, ChunkMode, EntityReport, TagScheme, TokenTag,
};
use reportage::evaluation::Scores;
use reportage::stance::{stance_from_label, Stance};
use serde_json::Value;

const TOLERANCE: f64 = 1e-9;

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/evaluate")
        .join(name)
}

fn reference() -> Value {
    serde_json::from_str(&std::fs::read_to_string(data("reference.json")).unwrap()).unwrap()
}

/// Gold (second-to-last column) and predicted (last column) tags of a fixture, read
/// leniently: the fixtures hold irregular sequences on purpose.
fn read_pair(name: &str) -> (ConllCorpus, ConllCorpus) {
    let lenient = |from_end| ConllOptions {
        lenient: true,
        tag_column_from_end: from_end,
        ..ConllOptions::default()
    };
    (
        ConllCorpus::read(data(name), &lenient(1)).unwrap(),
        ConllCorpus::read(data(name), &lenient(0)).unwrap(),
    )
}

/// One row of a seqeval / sklearn `output_dict` report against ours.
fn assert_row(what: &str, expected: &Value, got: &Scores) {
    let close = |key: &str, value: f64| {
        let want = expected[key].as_f64().unwrap();
        assert!(
            (want - value).abs() <= TOLERANCE,
            "{what}: {key} {value} != reference {want}"
        );
    };
    close("precision", got.precision);
    close("recall", got.recall);
    close("f1-score", got.f1);
    assert_eq!(
        expected["support"].as_u64().unwrap() as usize,
        got.support,
        "{what}: support"
    );
}

fn assert_report(what: &str, expected: &Value, got: &EntityReport) {
    let expected = expected.as_object().unwrap();
    let types: Vec<&str> = expected
        .keys()
        .map(String::as_str)
        .filter(|k| !k.ends_with(" avg"))
        .collect();
    let ours: Vec<&str> = got.per_type.iter().map(|t| t.kind.as_str()).collect();
    assert_eq!(ours, types, "{what}: the types (and their order)");
    for t in &got.per_type {
        assert_row(&format!("{what} {}", t.kind), &expected[&t.kind], &t.scores);
    }
    assert_row(&format!("{what} micro"), &expected["micro avg"], &got.micro);
    assert_row(
        &format!("{what} macro"),
        &expected["macro avg"],
        &got.macro_avg,
    );
    assert_row(
        &format!("{what} weighted"),
        &expected["weighted avg"],
        &got.weighted_avg,
    );
}

#[test]
fn entity_scores_equal_seqeval_in_both_modes() {
    let reference = reference();
    assert_eq!(reference["seqeval"], "1.2.2");
    for (name, scheme) in [
        ("seqeval_bio.conll", TagScheme::Bio),
        ("seqeval_iobes.conll", TagScheme::Iobes),
    ] {
        let (gold, predicted) = read_pair(name);
        assert_eq!(gold.scheme, scheme, "{name}: detected scheme");
        assert_eq!(gold.sentences.len(), predicted.sentences.len());
        let case = &reference["seqeval_cases"][name];
        for (mode_name, mode) in [
            ("default", ChunkMode::Conlleval),
            ("strict", ChunkMode::Strict(scheme)),
        ] {
            let report = score_sequences(&gold.tags(), &predicted.tags(), mode).unwrap();
            assert_report(&format!("{name} {mode_name}"), &case[mode_name], &report);
        }
    }
}

#[test]
fn entity_scores_equal_seqeval_on_random_sequences() {
    let reference = reference();
    let cases = reference["random_cases"].as_array().unwrap();
    assert_eq!(cases.len(), 2);
    let sequences = |v: &Value| -> Vec<Vec<TokenTag>> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|s| {
                s.as_array()
                    .unwrap()
                    .iter()
                    .map(|t| TokenTag::parse(t.as_str().unwrap()).unwrap())
                    .collect()
            })
            .collect()
    };
    for case in cases {
        let scheme = match case["scheme"].as_str().unwrap() {
            "IOB2" => TagScheme::Bio,
            "IOBES" => TagScheme::Iobes,
            other => panic!("scheme {other}"),
        };
        let (gold, predicted) = (sequences(&case["gold"]), sequences(&case["pred"]));
        for (mode_name, mode) in [
            ("default", ChunkMode::Conlleval),
            ("strict", ChunkMode::Strict(scheme)),
        ] {
            let report = score_sequences(&gold, &predicted, mode).unwrap();
            assert_report(
                &format!("random {scheme} {mode_name}"),
                &case[mode_name],
                &report,
            );
        }
    }
}

#[test]
fn the_fixtures_exercise_what_they_claim() {
    // Guards against a fixture edit that would make the seqeval comparison trivial: the
    // modes must disagree on both files, and the BIO gold must break BIO somewhere.
    let reference = reference();
    for name in ["seqeval_bio.conll", "seqeval_iobes.conll"] {
        let case = &reference["seqeval_cases"][name];
        assert_ne!(
            case["default"]["micro avg"], case["strict"]["micro avg"],
            "{name}"
        );
    }
    let strict = ConllCorpus::read(
        data("seqeval_bio.conll"),
        &ConllOptions {
            tag_column_from_end: 1,
            ..ConllOptions::default()
        },
    );
    let message = strict.unwrap_err().to_string();
    assert!(
        message.contains("seqeval_bio.conll: line 55: `I-LOC` does not continue an entity"),
        "{message}"
    );
}

#[test]
fn stance_scores_equal_scikit_learn() {
    let reference = reference();
    let expected = &reference["stance"];
    let text = std::fs::read_to_string(data("stance_pairs.tsv")).unwrap();
    let pairs: Vec<(Stance, Stance)> = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let (g, p) = l.split_once('\t').unwrap();
            (stance_from_label(g).unwrap(), stance_from_label(p).unwrap())
        })
        .collect();
    let matrix = ConfusionMatrix::from_pairs(pairs);

    // scikit-learn sorts labels by name; our matrix by Stance's order. Compare by name.
    let names: Vec<&str> = expected["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let stance = |name: &str| stance_from_label(name).unwrap();
    for (i, gold) in names.iter().enumerate() {
        for (j, predicted) in names.iter().enumerate() {
            assert_eq!(
                matrix.count(&stance(gold), &stance(predicted)) as u64,
                expected["confusion_matrix"][i][j].as_u64().unwrap(),
                "gold {gold}, predicted {predicted}"
            );
        }
    }
    let report = matrix.report();
    assert!((report.accuracy - expected["accuracy"].as_f64().unwrap()).abs() <= TOLERANCE);
    for class in &report.per_class {
        assert_row(
            class.label.as_str(),
            &expected["report"][class.label.as_str()],
            &class.scores,
        );
    }
    assert_eq!(report.per_class.len(), names.len());
    assert_row("macro", &expected["report"]["macro avg"], &report.macro_avg);
    assert_row(
        "weighted",
        &expected["report"]["weighted avg"],
        &report.weighted_avg,
    );
    let f1avg = expected["f1avg_favor_against"].as_f64().unwrap();
    assert!((semeval_f1avg(&matrix) - f1avg).abs() <= TOLERANCE);
}
