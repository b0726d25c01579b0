//! `EntityRecognizer` against Hugging Face `transformers`' `TokenClassificationPipeline`:
//! references recorded by scripts/fixtures/ner.py on tiny random-weight models. These prove
//! loading, tokenisation, aggregation and windowing equal `transformers`, not accuracy.
#![cfg(feature = "torch")]

use std::path::{Path, PathBuf};

use reportage::entities::{
    AggregationStrategy, EntityRecognizer, EntityRecognizerConfig, LabelScheme,
};
use reportage::models::ModelRegistry;
use reportage::sentences::{Sentence, SentenceSegmentation};
use reportage::{Device, Entity, EntityRecognition, Error, Span};
use serde_json::Value;

const FIXTURES: [&str; 3] = ["ner-bert-bio", "ner-distilbert-iobes", "ner-roberta-bio"];
const TOLERANCE: f64 = 1e-4;

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn registry() -> ModelRegistry {
    ModelRegistry::from_file(fixtures_dir().join("models.toml")).unwrap()
}

fn references(name: &str) -> Value {
    let text = std::fs::read_to_string(fixtures_dir().join(name).join("references.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn strategy(name: &str) -> AggregationStrategy {
    match name {
        "none" => AggregationStrategy::None,
        "simple" => AggregationStrategy::Simple,
        "first" => AggregationStrategy::First,
        "average" => AggregationStrategy::Average,
        "max" => AggregationStrategy::Max,
        _ => unreachable!("{name}"),
    }
}

fn recognizer(
    name: &str,
    aggregation: &str,
    scheme: LabelScheme,
    refs: &Value,
) -> EntityRecognizer {
    let config = EntityRecognizerConfig {
        aggregation: strategy(aggregation),
        scheme,
        batch_size: 4,
        device: Device::Cpu,
        window_overlap: Some(refs["stride"].as_u64().unwrap() as usize),
        ..Default::default()
    };
    let ner = EntityRecognizer::from_registry(&registry(), name, config).unwrap();
    assert_eq!(
        ner.max_length(),
        refs["max_length"].as_u64().unwrap() as usize
    );
    ner
}

/// Compare entities with recorded ones (char offsets, label, score); the largest score gap.
fn compare(what: &str, got: &[Entity], expected: &Value) -> f64 {
    let expected = expected.as_array().unwrap();
    let show = |g: &[Entity]| {
        g.iter()
            .map(|e| format!("{}@{}..{}", e.label, e.char_span.start, e.char_span.end))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        got.len(),
        expected.len(),
        "{what}: got {:?}\nexpected {expected:?}",
        show(got)
    );
    let mut worst = 0f64;
    for (g, e) in got.iter().zip(expected) {
        let label = e
            .get("entity_group")
            .or(e.get("entity"))
            .unwrap()
            .as_str()
            .unwrap();
        let start = e["start"].as_u64().unwrap() as usize;
        let end = e["end"].as_u64().unwrap() as usize;
        assert_eq!(
            (g.label.as_str(), g.char_span.start, g.char_span.end),
            (label, start, end),
            "{what}: got {:?}\nexpected {expected:?}",
            show(got)
        );
        let diff = (g.score as f64 - e["score"].as_f64().unwrap()).abs();
        assert!(
            diff <= TOLERANCE,
            "{what}: score {} vs {}",
            g.score,
            e["score"]
        );
        worst = worst.max(diff);
    }
    worst
}

fn texts(refs: &Value, key: &str) -> Vec<String> {
    refs[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap().to_string())
        .collect()
}

/// Sentence boundaries given as char ranges (as recorded by the fixture script).
struct FixedSentences(Vec<(usize, usize)>);

impl SentenceSegmentation for FixedSentences {
    fn split<'a>(&self, text: &'a str) -> Vec<Sentence<'a>> {
        let byte = |c: usize| text.char_indices().nth(c).map_or(text.len(), |(b, _)| b);
        self.0
            .iter()
            .map(|&(a, b)| {
                let span = Span::new(byte(a), byte(b));
                Sentence {
                    text: &text[span.range()],
                    span,
                }
            })
            .collect()
    }
}

/// The whole text as one sentence, whatever the default splitter becomes.
struct WholeText;

impl SentenceSegmentation for WholeText {
    fn split<'a>(&self, text: &'a str) -> Vec<Sentence<'a>> {
        vec![Sentence {
            text,
            span: Span::new(0, text.len()),
        }]
    }
}

#[test]
fn short_texts_equal_transformers_pipeline_for_every_strategy() {
    for name in FIXTURES {
        let refs = references(name);
        let inputs = texts(&refs, "texts");
        let inputs: Vec<&str> = inputs.iter().map(String::as_str).collect();
        for agg in ["none", "simple", "first", "average", "max"] {
            // Bio: grouped exactly as transformers does, even for IOBES labels.
            let ner = recognizer(name, agg, LabelScheme::Bio, &refs);
            let got = ner.recognize_batch(&inputs).unwrap();
            let mut worst = 0f64;
            for (i, entities) in got.iter().enumerate() {
                for e in entities {
                    assert_eq!(&inputs[i][e.span.range()], e.text);
                }
                let what = format!("{name} {agg} text {i}");
                worst = worst.max(compare(&what, entities, &refs["pipeline"][agg][i]));
            }
            // One at a time (no padding) gives the same as batched.
            for (i, text) in inputs.iter().enumerate() {
                let alone = ner.recognize(text).unwrap();
                assert_eq!(alone.len(), got[i].len());
                for (a, b) in alone.iter().zip(&got[i]) {
                    assert_eq!((a.span, &a.label), (b.span, &b.label));
                    assert!((a.score - b.score).abs() < 1e-5);
                }
            }
            eprintln!("parity {name:<22} {agg:<8} max |score diff| = {worst:.2e}");
        }
    }
}

#[test]
fn long_texts_split_on_sentences_equal_transformers_per_sentence() {
    for name in FIXTURES {
        let refs = references(name);
        let long = &refs["long"];
        let text = long["text"].as_str().unwrap();
        let spans: Vec<(usize, usize)> = long["sentences"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                (
                    s[0].as_u64().unwrap() as usize,
                    s[1].as_u64().unwrap() as usize,
                )
            })
            .collect();
        for agg in ["none", "simple", "first", "average", "max"] {
            let ner = recognizer(name, agg, LabelScheme::Bio, &refs)
                .with_sentence_splitter(FixedSentences(spans.clone()));
            // Twice in one batch, with a short text between: pieces of different texts mix.
            let got = ner.recognize_batch(&[text, "Aleppo.", text]).unwrap();
            let worst = compare(
                &format!("{name} {agg} long"),
                &got[0],
                &long["per_sentence"][agg],
            );
            assert_eq!(got[0], got[2]);
            eprintln!("parity {name:<22} {agg:<8} long text, per sentence: max |score diff| = {worst:.2e}");
        }
    }
}

#[test]
fn over_long_sentence_windows_equal_transformers_stride() {
    for name in FIXTURES {
        let refs = references(name);
        let run_on = &refs["run_on"];
        let text = run_on["text"].as_str().unwrap();
        for agg in ["simple", "first", "average", "max"] {
            let ner =
                recognizer(name, agg, LabelScheme::Bio, &refs).with_sentence_splitter(WholeText);
            let got = ner.recognize(text).unwrap();
            let worst = compare(
                &format!("{name} {agg} run-on"),
                &got,
                &run_on["stride"][agg],
            );
            // No entity is duplicated or overlaps another after the merge.
            for pair in got.windows(2) {
                assert!(pair[0].span.end <= pair[1].span.start, "{:?}", pair);
            }
            eprintln!(
                "parity {name:<22} {agg:<8} windows (stride): max |score diff| = {worst:.2e}"
            );
        }
    }
}

#[test]
fn iobes_labels_group_as_bilou() {
    let name = "ner-distilbert-iobes";
    let refs = references(name);
    let inputs = texts(&refs, "texts");
    let inputs: Vec<&str> = inputs.iter().map(String::as_str).collect();
    for agg in ["simple", "first", "average", "max"] {
        let ner = recognizer(name, agg, LabelScheme::Auto, &refs);
        assert_eq!(ner.scheme(), LabelScheme::Bilou);
        let got = ner.recognize_batch(&inputs).unwrap();
        let mut worst = 0f64;
        for (i, entities) in got.iter().enumerate() {
            worst = worst.max(compare(
                &format!("{name} {agg} bilou {i}"),
                entities,
                &refs["bilou"][agg][i],
            ));
        }
        eprintln!("parity {name:<22} {agg:<8} BILOU grouping: max |score diff| = {worst:.2e}");
    }
}

#[test]
fn kinds_and_unknown_labels_are_kept() {
    let refs = references("ner-roberta-bio");
    let ner = recognizer("ner-roberta-bio", "none", LabelScheme::Auto, &refs);
    assert!(ner.labels().iter().any(|l| l == "B-WEAPON"));
    let text = refs["texts"][0].as_str().unwrap();
    for e in ner.recognize(text).unwrap() {
        assert_eq!(e.kind, reportage::EntityKind::from_label(&e.label));
    }
}

#[test]
fn errors_not_panics() {
    let refs = references("ner-bert-bio");
    let ner = recognizer("ner-bert-bio", "first", LabelScheme::Auto, &refs);
    assert!(matches!(ner.recognize(""), Err(Error::EmptyInput(_))));
    assert!(matches!(
        ner.recognize_batch(&["Aleppo", " \n "]),
        Err(Error::EmptyInput(_))
    ));
    assert!(ner.recognize_batch(&[]).unwrap().is_empty());

    // A label map with more labels than the classifier has outputs.
    let dir = std::env::temp_dir().join(format!("reportage-ner-labels-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for f in ["model.safetensors", "tokenizer.json"] {
        std::fs::copy(fixtures_dir().join("ner-bert-bio").join(f), dir.join(f)).unwrap();
    }
    let config = std::fs::read_to_string(fixtures_dir().join("ner-bert-bio/config.json")).unwrap();
    let mut config: Value = serde_json::from_str(&config).unwrap();
    config["id2label"]["9"] = Value::from("B-EXTRA");
    std::fs::write(dir.join("config.json"), config.to_string()).unwrap();
    let bad = ModelRegistry::from_toml_str(
        "[[model]]\nname = \"bad\"\ntask = \"ner\"\narchitecture = \"bert\"\ndir = \".\"\n",
        &dir,
    )
    .unwrap();
    let err = EntityRecognizer::from_registry(&bad, "bad", Default::default())
        .err()
        .expect("a label map larger than the classifier must be refused");
    assert!(matches!(err, Error::LabelMap { .. }), "{err}");
    std::fs::remove_dir_all(&dir).ok();

    // An overlap as large as the window cannot make progress.
    let config = EntityRecognizerConfig {
        window_overlap: Some(38),
        ..Default::default()
    };
    let err = EntityRecognizer::from_registry(&registry(), "ner-bert-bio", config).err();
    assert!(matches!(err, Some(Error::InvalidArgument(_))));

    // A maximum length beyond the model's 64 positions makes libtorch fail inside the
    // forward pass; the panic comes back as an error naming the model.
    let config = EntityRecognizerConfig {
        max_length: Some(1000),
        ..Default::default()
    };
    let ner = EntityRecognizer::from_registry(&registry(), "ner-bert-bio", config).unwrap();
    let long = "Aleppo ".repeat(200);
    match ner.recognize(&long) {
        Err(Error::Model { model, message }) => {
            assert_eq!(model, "ner-bert-bio");
            assert!(message.contains("forward pass failed"), "{message}");
        }
        other => panic!("expected a model error, got {other:?}"),
    }
    // The recognizer is still usable afterwards.
    assert!(ner.recognize("Aleppo").is_ok());
}

#[test]
fn recognizer_is_send() {
    fn send<T: Send>() {}
    send::<EntityRecognizer>();
}

#[test]
fn cuda_equals_cpu_when_available() {
    if !tch::Cuda::is_available() {
        eprintln!("no CUDA device: skipped");
        return;
    }
    let refs = references("ner-bert-bio");
    let inputs = texts(&refs, "texts");
    let inputs: Vec<&str> = inputs.iter().map(String::as_str).collect();
    let config = EntityRecognizerConfig {
        aggregation: AggregationStrategy::Simple,
        scheme: LabelScheme::Bio,
        device: Device::Cuda(0),
        ..Default::default()
    };
    let ner = EntityRecognizer::from_registry(&registry(), "ner-bert-bio", config).unwrap();
    let got = ner.recognize_batch(&inputs).unwrap();
    for (i, entities) in got.iter().enumerate() {
        compare(
            &format!("cuda text {i}"),
            entities,
            &refs["pipeline"]["simple"][i],
        );
    }
}
