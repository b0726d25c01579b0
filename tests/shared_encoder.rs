//! One forward pass for a sentence's entities and event types: `entities-events-default`
//! read through `SharedEncoder` (issue 15, item 8).
#![cfg(feature = "torch")]

use reportage::entities::{
    AggregationStrategy, EntityRecognition, EntityRecognizer, EntityRecognizerConfig,
};
use reportage::events::{EventType, Report, SharedEncoder};
use reportage::presets::{Preset, ENTITIES_EVENTS_MODEL, NER_MODEL};
use reportage::{Error, ModelRegistry};

const SENTENCES: [&str; 4] = [
    "Rebels shelled government positions near Aleppo on Monday, killing four soldiers.",
    "Senior Hungarian and Romanian officials agreed on Wednesday that their countries should cooperate.",
    "The museum in Geneva reopened after renovation.",
    "Thousands of protesters marched through Khartoum demanding an end to military rule.",
];

fn registry() -> ModelRegistry {
    ModelRegistry::load_default().unwrap()
}

fn load(name: &str) -> EntityRecognizer {
    let config = EntityRecognizerConfig {
        aggregation: AggregationStrategy::First,
        ..Default::default()
    };
    EntityRecognizer::from_registry(&registry(), name, config)
        .unwrap_or_else(|e| panic!("{e}\n(the default models are built by scripts/setup.sh)"))
}

#[test]
fn the_model_has_an_event_type_head_beside_its_entity_labels() {
    let model = load(ENTITIES_EVENTS_MODEL);
    assert_eq!(model.labels().len(), 15, "{:?}", model.labels());
    assert!(model.labels().iter().all(|l| !l.starts_with("SENT:")));
    assert_eq!(model.sentence_labels().len(), 17);
    assert_eq!(model.sentence_labels()[0], "NONE");
}

#[test]
fn scores_kept_from_the_entity_pass_equal_a_pass_of_their_own() {
    let shared = SharedEncoder::new(load(ENTITIES_EVENTS_MODEL)).unwrap();
    let entities = shared.entities().recognize_batch(&SENTENCES).unwrap();
    let kept = shared.types().type_scores(&SENTENCES).unwrap();

    // Asked first, the classifier side runs the model itself.
    let alone = SharedEncoder::new(load(ENTITIES_EVENTS_MODEL)).unwrap();
    let fresh = alone.types().type_scores(&SENTENCES).unwrap();
    for (k, f) in kept.iter().zip(&fresh) {
        assert!((k.none - f.none).abs() < 1e-5, "{k:?} vs {f:?}");
        for (a, b) in k.types.iter().zip(&f.types) {
            assert!((a - b).abs() < 1e-5, "{k:?} vs {f:?}");
        }
    }
    // The entity side is the plain recognizer's.
    let plain = load(ENTITIES_EVENTS_MODEL)
        .recognize_batch(&SENTENCES)
        .unwrap();
    assert_eq!(entities, plain);
    assert!(
        entities[0].iter().any(|e| e.text == "Aleppo"),
        "{entities:?}"
    );
}

#[test]
fn the_type_head_reads_real_sentences() {
    let shared = SharedEncoder::new(load(ENTITIES_EVENTS_MODEL)).unwrap();
    let scores = shared.types().type_scores(&SENTENCES).unwrap();
    let best = |i: usize| scores[i].best().unwrap();
    assert_eq!(best(0).0, EventType::Assault, "{:?}", scores[0]);
    // (Which type sentence 1, the agreement, gets is not asserted: AGREE and
    // SUPPORT are close for both type classifiers; models/README.md has the figures.)
    assert!(scores[1].none < 0.1, "{:?}", scores[1]);
    assert!(scores[2].none > 0.5, "{:?}", scores[2]);
    assert_eq!(best(3).0, EventType::Protest, "{:?}", scores[3]);
}

#[test]
fn a_model_without_a_sentence_head_is_refused() {
    let err = SharedEncoder::new(load(NER_MODEL)).err().unwrap();
    match err {
        Error::LabelMap { model, message } => {
            assert_eq!(model, NER_MODEL);
            assert!(message.contains("sentence head"), "{message}");
        }
        other => panic!("expected a label-map error, got {other}"),
    }
}

#[test]
fn the_shared_preset_finds_the_aleppo_offensive() {
    let registry = registry();
    let extractor = Preset::new(&registry)
        .shared_encoder(true)
        .extractor()
        .unwrap();
    let text = include_str!("../examples/data/aleppo-advance.txt");
    let events = extractor
        .extract(&Report::new("aleppo-advance", text))
        .unwrap();
    let has = |actors: &[reportage::events::Actor], needle: &str| {
        actors
            .iter()
            .any(|a| a.text.to_lowercase().contains(needle))
    };
    assert!(
        events.iter().any(
            |e| matches!(e.event_type, EventType::Assault | EventType::Mobilize)
                && has(&e.sources, "syrian government")
                && has(&e.targets, "rebels")
        ),
        "{events:#?}"
    );
}
