//! `extract_batch` runs the entity model once over the sentences of many reports; its
//! events must be those of `extract` on each report alone.

use reportage::events::{EventExtractor, Report};

fn reports() -> Vec<Report> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("eval/events-real-dev.jsonl")).unwrap();
    text.lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            Report::new(v["id"].as_str().unwrap(), v["text"].as_str().unwrap())
        })
        .collect()
}

fn same(extractor: &EventExtractor) {
    let reports = reports();
    let together = extractor.extract_batch(&reports).unwrap();
    for (r, batch) in reports.iter().zip(&together) {
        let alone = extractor.extract(r).unwrap();
        // The summary, and the stance toward each actor when there is one.
        let show = |events: &[reportage::Event]| {
            events
                .iter()
                .map(|e| {
                    let stances: Vec<String> = e
                        .stances
                        .iter()
                        .flatten()
                        .map(|s| format!("{}: {}", s.actor, s.stance))
                        .collect();
                    format!("{} stances={stances:?}", e.summary())
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(show(&alone), show(batch), "{}", r.id);
    }
}

#[test]
fn batched_reports_give_the_events_of_each_alone_without_models() {
    same(&EventExtractor::builder().build());
}

#[cfg(feature = "torch")]
#[test]
fn batched_reports_give_the_events_of_each_alone_with_the_default_models() {
    let registry = reportage::ModelRegistry::load_default().unwrap();
    same(
        &EventExtractor::builder()
            .entities(reportage::presets::recognizer(&registry).unwrap())
            .roles(
                reportage::presets::role_tagger(&registry).unwrap(),
                reportage::presets::ROLE_MERGE,
            )
            .build(),
    );
}

/// The whole recommended set-up, type classifier and stance included, with each forward
/// pass: int8 quantises each sequence on its own, so its events must not depend on the
/// batch either.
#[cfg(feature = "torch")]
#[test]
fn batched_reports_give_the_events_of_each_alone_with_every_preset_backend() {
    use reportage::torch::Backend;
    let registry = reportage::ModelRegistry::load_default().unwrap();
    for backend in [Backend::RustBert, Backend::Int8Dynamic] {
        let extractor = reportage::presets::Preset::new(&registry)
            .backend(backend)
            .extractor()
            .unwrap();
        same(&extractor);
        let events = extractor.extract_batch(&reports()).unwrap();
        let with_stance = events.iter().flatten().filter(|e| e.stances.is_some());
        assert!(
            with_stance.count() >= 10,
            "{backend}: too few events with stances"
        );
    }
}
