//! The README's main example, checked: the Aleppo report gives the events the issue asks for.
//!
//! It uses the recommended set-up (`reportage::presets::extractor`, as the examples do):
//! the default transformer models with `torch`, the gazetteer alone without.

use reportage::events::{Event, EventExtractor, EventType, Report};

const DEFAULT_REPORT: &str = include_str!("../examples/data/aleppo-advance.txt");

#[cfg(feature = "torch")]
fn extractor() -> EventExtractor {
    let registry = reportage::ModelRegistry::load_default().unwrap();
    reportage::presets::extractor(&registry)
        .unwrap_or_else(|e| panic!("{e}\n(the default models are built by scripts/setup.sh)"))
}

#[cfg(not(feature = "torch"))]
fn extractor() -> EventExtractor {
    EventExtractor::default()
}

fn aleppo_events() -> Vec<Event> {
    let report = Report::new("aleppo-advance", DEFAULT_REPORT);
    extractor().extract(&report).unwrap()
}

fn has(actors: &[reportage::events::Actor], needle: &str) -> bool {
    actors
        .iter()
        .any(|a| a.text.to_lowercase().contains(needle))
}

#[test]
fn government_offensive_on_the_rebels_in_central_aleppo() {
    let events = aleppo_events();
    let found = events.iter().any(|e| {
        matches!(e.event_type, EventType::Assault | EventType::Mobilize)
            && has(&e.sources, "syrian government")
            && has(&e.targets, "rebels")
            && e.locations
                .iter()
                .any(|l| l.text.contains("Old Quarter") || l.text.contains("Aleppo"))
    });
    assert!(
        found,
        "{:#?}",
        events.iter().map(Event::summary).collect::<Vec<_>>()
    );
    // The first sentence's advance carries its backer as a supporter.
    assert!(events.iter().any(|e| e.event_type == EventType::Assault
        && has(&e.sources, "syrian government forces")
        && has(&e.supporters, "russian")));
}

#[test]
fn russian_air_support() {
    let events = aleppo_events();
    let aid = events.iter().any(|e| {
        matches!(e.event_type, EventType::Aid | EventType::Support)
            && has(&e.sources, "russian military")
            && has(&e.targets, "syrian government")
    });
    let aerial = events.iter().any(|e| {
        e.event_type == EventType::Assault
            && e.mode.as_deref() == Some("aerial")
            && has(&e.sources, "russian")
    });
    assert!(
        aid && aerial,
        "{:#?}",
        events.iter().map(Event::summary).collect::<Vec<_>>()
    );
}

#[test]
fn united_nations_request() {
    let events = aleppo_events();
    let un = events
        .iter()
        .find(|e| e.event_type == EventType::Request && has(&e.sources, "united nations"))
        .expect("a REQUEST by the United Nations");
    assert!(un.evidence.sentence.contains("end to the fighting"));
    assert!(un.evidence.sentence.contains("humanitarian aid"));
    assert_eq!(un.evidence.triggers[0].text, "called for");
}

#[test]
fn spans_ids_and_json_are_consistent() {
    let events = aleppo_events();
    let text = DEFAULT_REPORT;
    for e in &events {
        assert_eq!(&text[e.evidence.span.range()], e.evidence.sentence);
        for t in &e.evidence.triggers {
            assert_eq!(&text[t.span.range()], t.text);
            assert!(e.evidence.span.contains(t.span));
        }
        for a in e.actors() {
            assert_eq!(&text[a.span.range()], a.text);
        }
        for l in &e.locations {
            assert_eq!(&text[l.span.range()], l.text);
        }
        assert!((0.0..=1.0).contains(&e.confidence));
    }
    // Stable ids: same report, same ids; all distinct.
    let again = aleppo_events();
    let ids: Vec<&str> = events.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, again.iter().map(|e| e.id.as_str()).collect::<Vec<_>>());
    let mut unique = ids.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), ids.len());
    // JSON and JSON Lines round-trip.
    let json = reportage::events::to_json(&events).unwrap();
    let back: Vec<Event> = serde_json::from_str(&json).unwrap();
    assert_eq!(back, events);
    let lines = reportage::events::to_json_lines(&events).unwrap();
    assert_eq!(lines.lines().count(), events.len());
}

/// With the recommended set-up every actor's stance is read from the sentences that mention
/// it, and those sentences come back as evidence with their own scores.
#[cfg(feature = "torch")]
#[test]
fn stance_toward_each_actor_comes_with_its_sentences() {
    let events = aleppo_events();
    assert!(!events.is_empty());
    for e in &events {
        let stances = e.stances.as_ref().expect("the preset sets a stance model");
        for s in stances {
            assert!(e.actors().any(|a| a.text == s.actor), "{s:?}");
            assert!((0.0..=1.0).contains(&s.score));
            assert!(!s.evidence.is_empty(), "{s:?}");
            for ev in &s.evidence {
                assert_eq!(&DEFAULT_REPORT[ev.span.range()], ev.sentence);
                assert!(!ev.mentions.is_empty());
                for m in &ev.mentions {
                    assert!(m.start < ev.span.end && ev.span.start < m.end);
                }
            }
        }
    }
}
