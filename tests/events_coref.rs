//! Coreference through the whole extractor, with no model (the gazetteer recognizer and the
//! rules): a pronoun or a description that an event names as its actor comes back linked
//! to the name it stands for, and the mention itself stays the actor's text and span.

use reportage::events::{Event, EventExtractor, EventType, Report};

fn events(text: &str) -> Vec<Event> {
    EventExtractor::builder()
        .build()
        .extract(&Report::new("r", text))
        .unwrap()
}

fn refers(e: &Event) -> Vec<(String, Option<String>)> {
    e.sources
        .iter()
        .map(|a| (a.text.clone(), a.refers_to.as_ref().map(|r| r.text.clone())))
        .collect()
}

#[test]
fn a_pronoun_subject_continues_the_earlier_actor() {
    let text = "Hamas fired dozens of rockets at southern Israel on Tuesday. \
                They also threatened further attacks on Israeli cities.";
    let found = events(text);
    let threat = found
        .iter()
        .find(|e| e.event_type == EventType::Threaten)
        .unwrap_or_else(|| {
            panic!(
                "{:#?}",
                found.iter().map(Event::summary).collect::<Vec<_>>()
            )
        });
    // "They" is Hamas, the earlier actor, not the nearer Israel.
    assert_eq!(
        refers(threat),
        [("They".to_string(), Some("Hamas".to_string()))]
    );
    let they = &threat.sources[0];
    assert_eq!(&text[they.span.range()], "They");
    // The link is serialised with the actor, and absent where there is none.
    let json = serde_json::to_value(threat).unwrap();
    assert_eq!(json["sources"][0]["refers_to"]["text"], "Hamas");
    let first = serde_json::to_value(&found[0]).unwrap();
    assert!(first["sources"][0].get("refers_to").is_none(), "{first}");
}

#[test]
fn no_compatible_name_leaves_the_mention_unresolved() {
    // "She" needs a person; the report names none.
    let found = events("Protesters marched in Cairo. She condemned the police.");
    let accuse = found
        .iter()
        .find(|e| e.event_type == EventType::Accuse)
        .unwrap_or_else(|| {
            panic!(
                "{:#?}",
                found.iter().map(Event::summary).collect::<Vec<_>>()
            )
        });
    assert_eq!(refers(accuse), [("She".to_string(), None)]);
}

#[test]
fn a_description_subject_is_an_actor_and_resolves() {
    // "The group" is an actor head of the role lexicon and a description coreference
    // resolves to a named organisation before it.
    let found = events("Hezbollah fired rockets. The group also attacked Israeli troops.");
    let attack = found
        .iter()
        .find(|e| e.sources.first().is_some_and(|a| a.text == "The group"))
        .unwrap_or_else(|| {
            panic!(
                "{:#?}",
                found.iter().map(Event::summary).collect::<Vec<_>>()
            )
        });
    assert_eq!(attack.event_type, EventType::Assault);
    assert_eq!(
        refers(attack),
        [("The group".to_string(), Some("Hezbollah".to_string()))]
    );
}
