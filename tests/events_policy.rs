//! The type classifier's policy with the default models: an event type the classifier is
//! sure of is added beside the lexicon's events, not only where no trigger fired.
#![cfg(feature = "torch")]

use reportage::events::{ClassifierPolicy, Event, EventType, Report};
use reportage::models::ModelRegistry;
use reportage::presets::{Preset, CLASSIFIER_POLICY};

fn extract(policy: ClassifierPolicy, text: &str) -> Vec<Event> {
    let registry = ModelRegistry::load_default().unwrap();
    let extractor = Preset::new(&registry)
        .classifier_policy(policy)
        .extractor()
        .unwrap();
    extractor.extract(&Report::new("r", text)).unwrap()
}

// Written for this test, in no training set. The lexicon reads "support for" as SUPPORT;
// the classifier scores SUPPORT under the floor and AID above `add_beside`.
const AID: &str = "Japan provides $20 million in support for flood victims in Pakistan.";

#[test]
fn a_vetoed_lexicon_event_gives_way_to_the_classifier_type() {
    let summaries = |events: &[Event]| events.iter().map(Event::summary).collect::<Vec<_>>();
    let events = extract(CLASSIFIER_POLICY, AID);
    let aid: Vec<&Event> = events
        .iter()
        .filter(|e| e.event_type == EventType::Aid)
        .collect();
    assert_eq!(aid.len(), 1, "{:#?}", summaries(&events));
    // Added by the classifier: no trigger explains it, the role tagger names its actors.
    assert!(aid[0].evidence.triggers.is_empty());
    assert_eq!(aid[0].sources[0].text, "Japan");
    assert!(!events.iter().any(|e| e.event_type == EventType::Support));

    // Without adding beside, the vetoed SUPPORT leaves the sentence with no event at all.
    let without = ClassifierPolicy {
        add_beside: None,
        ..CLASSIFIER_POLICY
    };
    let events = extract(without, AID);
    assert!(events.is_empty(), "{:#?}", summaries(&events));
}
