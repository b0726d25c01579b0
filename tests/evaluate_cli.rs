//! The `evaluate` example end to end, on fixtures written for it (tests/data/evaluate) and,
//! with the `torch` feature, the tiny random-weight models of tests/fixtures. Random weights
//! say nothing about accuracy: these tests check that what the command reports is what its
//! predictions score, that the stance and NLI paths predict what the detectors predict when
//! called directly, and that bad input is an error naming the line.

use std::path::{Path, PathBuf};

use reportage::evaluation::conll::{ConllCorpus, ConllOptions};
use reportage::evaluation::events::{read_event_gold_file, score_events, EventRecord};
use reportage::evaluation::sequence::{score_sequences, ChunkMode};
use reportage::events::EventExtractor;
use serde_json::Value;

#[allow(dead_code)]
#[path = "../examples/evaluate.rs"]
mod evaluate;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn data(name: &str) -> String {
    root()
        .join("tests/data/evaluate")
        .join(name)
        .display()
        .to_string()
}

/// A file under the target directory, unique to this test.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("evaluate_cli");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn run(args: &[&str]) -> reportage::Result<String> {
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let mut out = Vec::new();
    evaluate::run(&args, &mut out)?;
    Ok(String::from_utf8(out).unwrap())
}

fn run_json(args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.push("--json");
    serde_json::from_str(&run(&all).unwrap()).unwrap()
}

/// JSON values equal but for the last bit of floats: serde_json's default float parser
/// may read a printed f64 back one unit off.
fn assert_close(got: &Value, want: &Value) {
    match (got, want) {
        (Value::Number(a), Value::Number(b)) => {
            let (a, b) = (a.as_f64().unwrap(), b.as_f64().unwrap());
            assert!((a - b).abs() <= 1e-12, "{a} != {b}");
        }
        (Value::Array(a), Value::Array(b)) => {
            assert_eq!(a.len(), b.len(), "{got} vs {want}");
            a.iter().zip(b).for_each(|(a, b)| assert_close(a, b));
        }
        (Value::Object(a), Value::Object(b)) => {
            assert_eq!(
                a.keys().collect::<Vec<_>>(),
                b.keys().collect::<Vec<_>>(),
                "{got} vs {want}"
            );
            a.iter().for_each(|(k, v)| assert_close(v, &b[k]));
        }
        _ => assert_eq!(got, want),
    }
}

/// The entity report of a predictions file (token, gold, predicted), scored afresh.
fn rescore(predictions: &Path) -> Value {
    let read = |from_end| {
        ConllCorpus::read(
            predictions,
            &ConllOptions {
                tag_column_from_end: from_end,
                ..ConllOptions::default()
            },
        )
        .unwrap()
    };
    let (gold, predicted) = (read(1), read(0));
    let report = score_sequences(&gold.tags(), &predicted.tags(), ChunkMode::Conlleval).unwrap();
    serde_json::to_value(report).unwrap()
}

#[test]
fn ner_reports_what_its_predictions_score() {
    let predictions = scratch("gazetteer.conll");
    let out = run_json(&[
        "ner",
        "--recognizer",
        "gazetteer",
        "--conll",
        &data("ner_small.conll"),
        "--map",
        "location=GPE|LOC,misc=NORP|MISC",
        "--predictions",
        predictions.to_str().unwrap(),
    ]);
    assert_eq!(out["data"]["sentences"], 6);
    assert_eq!(out["data"]["gold_entities"], 16);
    assert_eq!(out["data"]["scheme"], "bio");
    assert_eq!(
        out["data"]["gold_types"],
        serde_json::json!(["location", "misc", "organisation", "person"])
    );
    let first = &out["runs"][0];
    let report = &first["quality"]["report"];
    assert_close(report, &rescore(&predictions));
    // The gazetteer knows these countries and cities; a map that failed would score none.
    assert!(
        report["counts"]["true_positives"].as_u64().unwrap() >= 5,
        "{report}"
    );
    assert!(
        first["quality"]["counted_as"]["location"]["GPE"]
            .as_u64()
            .unwrap()
            >= 5
    );
    assert_eq!(first["speed"]["items"], 6);
    assert!(first["speed"]["items_per_second"].as_f64().unwrap() > 0.0);
    assert!(out["comparison"].is_null());
    assert!(out["machine"]["cores"].as_u64().unwrap() >= 1);

    // The same run as tables.
    let text = run(&[
        "ner",
        "--recognizer",
        "gazetteer",
        "--conll",
        &data("ner_small.conll"),
    ])
    .unwrap();
    for expected in [
        "micro avg",
        "macro avg",
        "items/s",
        "p95",
        "core(s)",
        "not scored",
    ] {
        assert!(text.contains(expected), "no `{expected}` in\n{text}");
    }
}

#[test]
fn events_report_what_the_extractor_scores() {
    let out = run_json(&[
        "events",
        "--recognizer",
        "gazetteer",
        // The rules alone, as the extractor below (the CLI's default adds the role tagger).
        "--roles",
        "none",
        "--gold",
        &data("events_small.jsonl"),
        "--warmup",
        "0",
    ]);
    let gold = read_event_gold_file(data("events_small.jsonl")).unwrap();
    let extractor = EventExtractor::builder().build();
    let predicted: Vec<Vec<EventRecord>> = gold
        .iter()
        .map(|g| {
            extractor
                .extract(&g.report)
                .unwrap()
                .iter()
                .map(EventRecord::from)
                .collect()
        })
        .collect();
    let gold_events: Vec<Vec<EventRecord>> = gold.iter().map(|g| g.events.clone()).collect();
    let expected = score_events(&gold_events, &predicted).unwrap();
    assert_close(
        &out["runs"][0]["quality"]["report"],
        &serde_json::to_value(&expected).unwrap(),
    );
    assert_eq!(out["data"]["gold_events"], 4);
    // The rules find some of the events with their types (a run that scored nothing
    // would pass the equality above just as well).
    assert!(expected.types.precision > 0.0, "{expected:?}");
}

#[test]
fn bad_input_is_an_error_with_its_line() {
    let bad = scratch("bad.conll");
    std::fs::write(&bad, "Kofi B-PER\nAnnan I-PER\n\nvisited O\nGaza I-LOC\n").unwrap();
    let err = run(&[
        "ner",
        "--recognizer",
        "gazetteer",
        "--conll",
        bad.to_str().unwrap(),
    ])
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("bad.conll: line 5: `I-LOC` does not continue"),
        "{err}"
    );
    // --lenient scores it as conlleval would.
    assert!(run(&[
        "ner",
        "--recognizer",
        "gazetteer",
        "--conll",
        bad.to_str().unwrap(),
        "--lenient"
    ])
    .is_ok());

    let empty = scratch("empty.conll");
    std::fs::write(&empty, "\n-DOCSTART- O\n\n").unwrap();
    let err = run(&[
        "ner",
        "--recognizer",
        "gazetteer",
        "--conll",
        empty.to_str().unwrap(),
    ])
    .unwrap_err()
    .to_string();
    assert!(err.contains("no tokens"), "{err}");

    let labels = scratch("labels.jsonl");
    std::fs::write(
        &labels,
        "{\"text\": \"a\", \"target\": \"b\", \"label\": \"favor\"}\n{\"text\": \"a\", \"target\": \"b\", \"label\": \"maybe\"}\n",
    )
    .unwrap();
    let err = run(&[
        "stance",
        "--model",
        "x",
        "--jsonl",
        labels.to_str().unwrap(),
    ])
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("labels.jsonl: line 2: unknown stance label `maybe`"),
        "{err}"
    );

    // A --map naming a gold type the file lacks.
    let err = run(&[
        "ner",
        "--recognizer",
        "gazetteer",
        "--conll",
        &data("ner_small.conll"),
        "--map",
        "DATE=DATE",
    ])
    .unwrap_err()
    .to_string();
    assert!(err.contains("no gold type `DATE`"), "{err}");

    // Command-line mistakes.
    for (args, expected) in [
        (vec!["tag"], "unknown task"),
        (vec!["ner", "--conll"], "--conll needs a value"),
        (vec!["ner", "--model", "m"], "needs --conll"),
        (
            vec!["stance", "--model", "m", "--conll", "x"],
            "does not apply",
        ),
        (
            vec!["ner", "--conll", "x", "--batch-size", "0"],
            "at least 1",
        ),
        (
            vec!["ner", "--conll", "x", "--device", "tpu"],
            "--device tpu",
        ),
    ] {
        let err = run(&args).unwrap_err().to_string();
        assert!(err.contains(expected), "{args:?}: {err}");
    }
    assert!(run(&["--help"]).unwrap().starts_with("usage: evaluate"));
}

#[cfg(feature = "torch")]
mod with_models {
    use super::*;
    use reportage::evaluation::data::{read_nli_file, read_stance_file, LabelAliases};
    use reportage::models::{ModelRegistry, ResolvedModel};
    use reportage::stance::{ClassifierStanceConfig, ClassifierStanceDetector, StanceDetection};
    use reportage::Device;

    fn registry() -> String {
        root()
            .join("tests/fixtures/models.toml")
            .display()
            .to_string()
    }

    fn resolve(name: &str) -> ResolvedModel {
        ModelRegistry::from_file(registry())
            .unwrap()
            .resolve(name)
            .unwrap()
    }

    #[test]
    fn ner_compare_alternates_rounds() {
        let predictions = scratch("bert.conll");
        let registry = registry();
        let out = run_json(&[
            "ner",
            "--registry",
            &registry,
            "--model",
            "ner-bert-bio",
            "--compare",
            "ner-roberta-bio",
            "--conll",
            &data("ner_small.conll"),
            "--batch-size",
            "4",
            "--predictions",
            predictions.to_str().unwrap(),
        ]);
        let runs = out["runs"].as_array().unwrap();
        assert_eq!(runs.len(), 2);
        assert_eq!(runs[0]["model"]["architecture"], "bert");
        assert_eq!(runs[1]["model"]["architecture"], "roberta");
        assert_close(&runs[0]["quality"]["report"], &rescore(&predictions));
        for r in runs {
            // 6 sentences in batches of 4, two rounds: 4 timed batches, 12 items.
            assert_eq!(r["speed"]["batches"], 4);
            assert_eq!(r["speed"]["items"], 12);
            assert_eq!(r["rounds_items_per_second"].as_array().unwrap().len(), 2);
            assert!(r["load_seconds"].as_f64().unwrap() > 0.0);
        }
        let c = &out["comparison"];
        assert_eq!(
            c["round_order"],
            serde_json::json!([
                "ner-bert-bio then ner-roberta-bio",
                "ner-roberta-bio then ner-bert-bio"
            ])
        );
        assert!(c["items_per_second_ratio"].as_f64().unwrap() > 0.0);
        assert_eq!(c["quality_differences"].as_array().unwrap().len(), 2);
        // The RoBERTa fixture has OntoNotes labels: nothing of it counts as CoNLL's misc.
        let notes: Vec<&str> = out["notes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n.as_str().unwrap())
            .collect();
        assert!(
            notes
                .iter()
                .any(|n| n.contains("no label of ner-roberta-bio counts as gold type `misc`")),
            "{notes:?}"
        );
        assert!(notes.iter().any(|n| n.contains("DATE")), "{notes:?}");
    }

    #[test]
    fn stance_predicts_what_the_detector_predicts() {
        let registry = registry();
        let file = data("stance_small.jsonl");
        let out = run_json(&[
            "stance",
            "--registry",
            &registry,
            "--model",
            "stance-roberta-tiny",
            "--jsonl",
            &file,
            "--batch-size",
            "3",
        ]);
        let examples = read_stance_file(&file, &LabelAliases::default()).unwrap();
        let detector = ClassifierStanceDetector::new(
            &resolve("stance-roberta-tiny"),
            ClassifierStanceConfig {
                batch_size: 3,
                ..ClassifierStanceConfig::default()
            },
        )
        .unwrap();
        let pairs: Vec<(&str, &str)> = examples
            .iter()
            .map(|e| (e.text.as_str(), e.target.as_str()))
            .collect();
        let predicted: Vec<_> = pairs
            .chunks(3)
            .flat_map(|c| detector.detect_batch(c).unwrap())
            .map(|s| s.stance)
            .collect();
        let expected = reportage::evaluation::classes::ConfusionMatrix::from_pairs(
            examples.iter().map(|e| e.label).zip(predicted),
        );
        let quality = &out["runs"][0]["quality"];
        assert_eq!(
            quality["confusion"],
            serde_json::to_value(&expected).unwrap()
        );
        assert_eq!(quality["report"]["total"], 8);
        let f1avg = reportage::evaluation::classes::semeval_f1avg(&expected);
        assert!((quality["f1avg_favor_against"].as_f64().unwrap() - f1avg).abs() < 1e-12);

        // Through an NLI model (task zero-shot): the default templates predict favor,
        // against or neutral, never the gold NONE (unrelated), which a note says.
        let out = run_json(&[
            "stance",
            "--registry",
            &registry,
            "--model",
            "nli-bert-tiny",
            "--jsonl",
            &file,
        ]);
        assert_eq!(out["runs"][0]["quality"]["report"]["total"], 8);
        assert!(out["notes"][0]
            .as_str()
            .unwrap()
            .contains("gold label unrelated (2 examples) is not a stance it predicts"));
        // Mapped to neutral, the note goes.
        let out = run_json(&[
            "stance",
            "--registry",
            &registry,
            "--model",
            "nli-bert-tiny",
            "--jsonl",
            &file,
            "--map",
            "NONE=neutral",
        ]);
        assert_eq!(out["notes"], serde_json::json!([]));
    }

    #[test]
    fn nli_predicts_the_largest_logit() {
        let registry = registry();
        let file = data("nli_small.jsonl");
        let out = run_json(&[
            "nli",
            "--registry",
            &registry,
            "--model",
            "nli-bart-tiny",
            "--jsonl",
            &file,
        ]);
        let examples = read_nli_file(&file, &LabelAliases::default()).unwrap();
        let classifier =
            reportage::stance::ZeroShotClassifier::new(&resolve("nli-bart-tiny"), Device::Cpu)
                .unwrap();
        let labels = classifier.model_labels().to_vec();
        let pairs: Vec<(&str, &str)> = examples
            .iter()
            .map(|e| (e.premise.as_str(), e.hypothesis.as_str()))
            .collect();
        let correct = classifier
            .nli_logits(&pairs)
            .unwrap()
            .iter()
            .zip(&examples)
            .filter(|(row, e)| {
                let best = (0..row.len())
                    .max_by(|&a, &b| row[a].total_cmp(&row[b]).then(b.cmp(&a)))
                    .unwrap();
                labels[best]
                    .parse::<reportage::evaluation::data::NliLabel>()
                    .unwrap()
                    == e.label
            })
            .count();
        let report = &out["runs"][0]["quality"]["report"];
        assert_eq!(report["total"], 6);
        let accuracy = report["accuracy"].as_f64().unwrap();
        assert!(
            (accuracy - correct as f64 / 6.0).abs() < 1e-12,
            "{accuracy} vs {correct}/6"
        );
    }

    #[test]
    fn models_of_the_wrong_task_are_refused() {
        let registry = registry();
        let err = run(&[
            "stance",
            "--registry",
            &registry,
            "--model",
            "ner-bert-bio",
            "--jsonl",
            &data("stance_small.jsonl"),
        ])
        .unwrap_err()
        .to_string();
        assert!(err.contains("registered for task ner"), "{err}");
        let err = run(&[
            "nli",
            "--registry",
            &registry,
            "--model",
            "stance-roberta-tiny",
            "--jsonl",
            &data("nli_small.jsonl"),
        ])
        .unwrap_err()
        .to_string();
        assert!(err.contains("zero-shot"), "{err}");
        let err = run(&[
            "ner",
            "--registry",
            &registry,
            "--model",
            "no-such-model",
            "--conll",
            &data("ner_small.conll"),
        ])
        .unwrap_err()
        .to_string();
        assert!(err.contains("no-such-model"), "{err}");
    }
}
