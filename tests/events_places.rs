//! Event places come linked to GeoNames where the name is unambiguous, with no model.

use reportage::events::{EventExtractor, GeoFeature, Report};

#[test]
fn places_carry_their_geonames_entry_when_unambiguous() {
    let text = "Syrian government forces advanced in central Aleppo on Monday. \
                Rebels shelled positions near Tripoli.";
    let events = EventExtractor::builder()
        .build()
        .extract(&Report::new("r", text))
        .unwrap();
    let places: Vec<_> = events.iter().flat_map(|e| &e.locations).collect();
    let aleppo = places
        .iter()
        .find(|p| p.text.contains("Aleppo"))
        .unwrap_or_else(|| panic!("{places:#?}"));
    let geo = aleppo.geo.as_ref().expect("Aleppo is one city");
    assert_eq!((geo.geonames_id, geo.country_code.as_str()), (170063, "SY"));
    assert_eq!(geo.feature, GeoFeature::City);
    // The text stays as written; the link is beside it, and in the JSON.
    assert_eq!(&text[aleppo.span.range()], aleppo.text);
    let json = serde_json::to_value(aleppo).unwrap();
    assert_eq!(json["geo"]["geonames_id"], 170063);
    // Two cities are called Tripoli (Libya, Lebanon): no link rather than a guess.
    let tripoli = places
        .iter()
        .find(|p| p.text.contains("Tripoli"))
        .unwrap_or_else(|| panic!("{places:#?}"));
    assert!(tripoli.geo.is_none(), "{tripoli:?}");
}
