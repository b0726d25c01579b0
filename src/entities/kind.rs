use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// What an entity is, across the CoNLL and OntoNotes label sets.
///
/// This is the one place where model labels map to kinds: [`EntityKind::from_label`].
/// A label we do not know is kept as [`EntityKind::Other`], never dropped.
///
/// ```
/// use reportage::EntityKind;
/// assert_eq!(EntityKind::from_label("B-PER"), EntityKind::Person);
/// assert_eq!(EntityKind::from_label("GPE"), EntityKind::Gpe);
/// assert_eq!(EntityKind::from_label("I-WEAPON"), EntityKind::Other("WEAPON".into()));
/// assert_eq!(EntityKind::Organization.as_str(), "ORG");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum EntityKind {
    /// People (CoNLL `PER`, OntoNotes `PERSON`).
    Person,
    /// Nationalities, religious or political groups (`NORP`).
    Norp,
    /// Buildings, airports, highways, bridges (`FAC`).
    Facility,
    /// Companies, agencies, institutions, armed groups (`ORG`).
    Organization,
    /// Countries, cities, states (`GPE`).
    Gpe,
    /// Non-GPE locations: mountain ranges, bodies of water, districts (`LOC`).
    Location,
    Product,
    Event,
    WorkOfArt,
    Law,
    Language,
    Date,
    Time,
    Percent,
    Money,
    Quantity,
    Ordinal,
    Cardinal,
    /// CoNLL's catch-all `MISC`.
    Misc,
    /// A label outside the sets above, kept verbatim (without its B-/I- prefix).
    Other(String),
}

impl EntityKind {
    /// Map a model label (with or without a `B-`/`I-`/`E-`/`S-`/`L-`/`U-` prefix) to a kind.
    pub fn from_label(label: &str) -> EntityKind {
        let bare = strip_scheme_prefix(label);
        match bare.to_ascii_uppercase().as_str() {
            "PER" | "PERSON" => EntityKind::Person,
            "NORP" => EntityKind::Norp,
            "FAC" | "FACILITY" => EntityKind::Facility,
            "ORG" | "ORGANIZATION" | "ORGANISATION" => EntityKind::Organization,
            "GPE" => EntityKind::Gpe,
            "LOC" | "LOCATION" => EntityKind::Location,
            "PRODUCT" => EntityKind::Product,
            "EVENT" => EntityKind::Event,
            "WORK_OF_ART" => EntityKind::WorkOfArt,
            "LAW" => EntityKind::Law,
            "LANGUAGE" => EntityKind::Language,
            "DATE" => EntityKind::Date,
            "TIME" => EntityKind::Time,
            "PERCENT" => EntityKind::Percent,
            "MONEY" => EntityKind::Money,
            "QUANTITY" => EntityKind::Quantity,
            "ORDINAL" => EntityKind::Ordinal,
            "CARDINAL" => EntityKind::Cardinal,
            "MISC" => EntityKind::Misc,
            _ => EntityKind::Other(bare.to_string()),
        }
    }

    /// The canonical label (OntoNotes spelling; `MISC` for CoNLL's catch-all).
    pub fn as_str(&self) -> &str {
        match self {
            EntityKind::Person => "PERSON",
            EntityKind::Norp => "NORP",
            EntityKind::Facility => "FAC",
            EntityKind::Organization => "ORG",
            EntityKind::Gpe => "GPE",
            EntityKind::Location => "LOC",
            EntityKind::Product => "PRODUCT",
            EntityKind::Event => "EVENT",
            EntityKind::WorkOfArt => "WORK_OF_ART",
            EntityKind::Law => "LAW",
            EntityKind::Language => "LANGUAGE",
            EntityKind::Date => "DATE",
            EntityKind::Time => "TIME",
            EntityKind::Percent => "PERCENT",
            EntityKind::Money => "MONEY",
            EntityKind::Quantity => "QUANTITY",
            EntityKind::Ordinal => "ORDINAL",
            EntityKind::Cardinal => "CARDINAL",
            EntityKind::Misc => "MISC",
            EntityKind::Other(s) => s,
        }
    }

    /// Whether the kind names an actor that can act (people, groups, organisations, states).
    pub fn is_actor(&self) -> bool {
        matches!(
            self,
            EntityKind::Person | EntityKind::Norp | EntityKind::Organization | EntityKind::Gpe
        )
    }

    /// Whether the kind names a place.
    pub fn is_place(&self) -> bool {
        matches!(
            self,
            EntityKind::Gpe | EntityKind::Location | EntityKind::Facility
        )
    }
}

/// `B-PER` -> `PER`; labels without a known scheme prefix are returned unchanged.
pub(crate) fn strip_scheme_prefix(label: &str) -> &str {
    match parse_label(label) {
        (Tag::Outside, _) => label,
        (_, bare) => bare,
    }
}

/// Where a token or word sits in an entity, read from its label's scheme prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tag {
    /// `O`: outside every entity.
    Outside,
    /// `B-`: first piece of an entity.
    Begin,
    /// `I-`, or a label with no prefix: inside (or continuing) an entity.
    Inside,
    /// `E-` (IOBES) or `L-` (BILOU): last piece of an entity.
    End,
    /// `S-` (IOBES) or `U-` (BILOU): an entity of one piece.
    Single,
}

/// How a model's labels mark entity boundaries.
///
/// ```
/// use reportage::entities::LabelScheme;
/// assert_eq!(LabelScheme::detect(&["O", "B-PER", "I-PER"]), LabelScheme::Bio);
/// assert_eq!(LabelScheme::detect(&["O", "B-PER", "E-PER", "S-PER"]), LabelScheme::Bilou);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LabelScheme {
    /// Decide from the labels: [`LabelScheme::Bilou`] if any label has an `E-`, `L-`,
    /// `S-` or `U-` prefix, else [`LabelScheme::Bio`].
    #[default]
    Auto,
    /// BIO / IOB2, grouped exactly as Hugging Face `transformers` groups entities: a piece
    /// joins the previous one when their tags are equal and it is not `B-`; a label without a
    /// `B-`/`I-` prefix (including `E-PER`, `S-PER`) counts as `I-` of the whole label.
    Bio,
    /// BILOU / IOBES: `E-`/`L-` close an entity, `S-`/`U-` are entities of one piece.
    Bilou,
}

impl LabelScheme {
    /// The scheme `labels` use (never [`LabelScheme::Auto`]).
    pub fn detect<S: AsRef<str>>(labels: &[S]) -> LabelScheme {
        let bilou = labels
            .iter()
            .any(|l| matches!(parse_label(l.as_ref()).0, Tag::End | Tag::Single));
        if bilou {
            LabelScheme::Bilou
        } else {
            LabelScheme::Bio
        }
    }
}

/// Split a label into its scheme tag and its entity type: `B-PER` -> (`Begin`, `PER`),
/// `O` -> (`Outside`, ``), `PER` -> (`Inside`, `PER`). Both `-` and `_` separate a prefix.
///
/// ```
/// use reportage::entities::{parse_label, Tag};
/// assert_eq!(parse_label("U-LOC"), (Tag::Single, "LOC"));
/// assert_eq!(parse_label("O"), (Tag::Outside, ""));
/// assert_eq!(parse_label("GPE"), (Tag::Inside, "GPE"));
/// ```
pub fn parse_label(label: &str) -> (Tag, &str) {
    if label == "O" {
        return (Tag::Outside, "");
    }
    let tag = match label.as_bytes() {
        [b'B', b'-' | b'_', _, ..] => Tag::Begin,
        [b'I', b'-' | b'_', _, ..] => Tag::Inside,
        [b'E' | b'L', b'-' | b'_', _, ..] => Tag::End,
        [b'S' | b'U', b'-' | b'_', _, ..] => Tag::Single,
        _ => return (Tag::Inside, label),
    };
    (tag, &label[2..])
}

/// `transformers`' `get_tag`: only `B-` and `I-` are prefixes; anything else is `I-` of
/// the whole label. Kept separate from [`parse_label`] so BIO grouping matches it exactly.
pub(crate) fn hf_tag(label: &str) -> (bool, &str) {
    if let Some(rest) = label.strip_prefix("B-") {
        (true, rest)
    } else if let Some(rest) = label.strip_prefix("I-") {
        (false, rest)
    } else {
        (false, label)
    }
}

/// `transformers`' entity group name: everything after the first `-`.
pub(crate) fn hf_group_label(label: &str) -> &str {
    label.split_once('-').map_or(label, |(_, rest)| rest)
}

impl fmt::Display for EntityKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for EntityKind {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for EntityKind {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ok(EntityKind::from_label(&s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_labels_round_trip() {
        for label in [
            "PERSON",
            "NORP",
            "FAC",
            "ORG",
            "GPE",
            "LOC",
            "PRODUCT",
            "EVENT",
            "WORK_OF_ART",
            "LAW",
            "LANGUAGE",
            "DATE",
            "TIME",
            "PERCENT",
            "MONEY",
            "QUANTITY",
            "ORDINAL",
            "CARDINAL",
            "MISC",
        ] {
            let kind = EntityKind::from_label(label);
            assert!(!matches!(kind, EntityKind::Other(_)), "{label}");
            assert_eq!(kind.as_str(), label);
        }
    }

    #[test]
    fn scheme_prefixes_are_stripped_and_unknown_labels_kept() {
        assert_eq!(EntityKind::from_label("S-LOC"), EntityKind::Location);
        assert_eq!(EntityKind::from_label("U-ORG"), EntityKind::Organization);
        assert_eq!(EntityKind::from_label("I-PER"), EntityKind::Person);
        assert_eq!(
            EntityKind::from_label("B-ARMED_GROUP"),
            EntityKind::Other("ARMED_GROUP".into())
        );
        let json = serde_json::to_string(&EntityKind::Other("X".into())).unwrap();
        assert_eq!(json, "\"X\"");
    }
}
