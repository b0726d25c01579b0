//! Entities by lookup in a gazetteer: no model, no libtorch.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use serde::Deserialize;

use super::{Entity, EntityKind, EntityRecognition};
use crate::events::text::{tokenize, Token};
use crate::span::CharIndex;
use crate::{Error, Result, Span};

/// The bundled gazetteer, `data/gazetteer.toml`.
pub const DEFAULT_GAZETTEER: &str = include_str!("../../data/gazetteer.toml");

/// Longest names we look up, in tokens ("International Committee of the Red Cross").
const MAX_NAME_TOKENS: usize = 8;

/// Score of a match with the gazetteer's capitalisation, and of a case-insensitive one.
const SCORE_EXACT: f32 = 0.95;
const SCORE_FOLDED: f32 = 0.75;

/// A recognizer that finds names listed in a gazetteer (countries, cities, demonyms,
/// organisations), longest match first, on whole words.
///
/// It is the model-free [`EntityRecognition`]: the events pipeline and the examples run on
/// it with `--no-default-features`, and a transformer recognizer plugs into the same trait.
/// It only knows the names it lists; it is a baseline, not a substitute for NER.
///
/// ```
/// use reportage::entities::{EntityKind, EntityRecognition, GazetteerRecognizer};
/// let ner = GazetteerRecognizer::default();
/// let text = "Syrian forces, backed by Russia's air force, entered central Aleppo.";
/// let found = ner.recognize(text).unwrap();
/// let got: Vec<(&str, &str)> = found.iter().map(|e| (e.kind.as_str(), e.text.as_str())).collect();
/// assert_eq!(got, [("NORP", "Syrian"), ("GPE", "Russia"), ("GPE", "Aleppo")]);
/// assert_eq!(&text[found[2].span.range()], "Aleppo");
/// ```
#[derive(Debug, Clone)]
pub struct GazetteerRecognizer {
    /// Lower-cased token sequence joined by one space -> (kind, canonical spelling).
    names: HashMap<String, (EntityKind, String)>,
    /// Lower-cased names that only match with their canonical capitalisation.
    exact: HashSet<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawList {
    names: Vec<String>,
}

impl Default for GazetteerRecognizer {
    fn default() -> Self {
        GazetteerRecognizer::from_toml_str(DEFAULT_GAZETTEER).expect("the bundled gazetteer parses")
    }
}

impl GazetteerRecognizer {
    /// Parse a gazetteer: one table per kind label (`[GPE] names = [...]`), and an optional
    /// `[exact] names = [...]` of names that must keep their capitals.
    ///
    /// ```
    /// use reportage::entities::{EntityRecognition, GazetteerRecognizer};
    /// let g = GazetteerRecognizer::from_toml_str("[ORG]\nnames = [\"Blue Helmets\"]").unwrap();
    /// assert_eq!(g.recognize("blue helmets arrived").unwrap()[0].label, "ORG");
    /// assert!(GazetteerRecognizer::from_toml_str("[ORG]\nnames = 3").is_err());
    /// ```
    pub fn from_toml_str(s: &str) -> Result<Self> {
        let mut raw: BTreeMap<String, RawList> =
            toml::from_str(s).map_err(|e| Error::Config(format!("gazetteer: {e}")))?;
        let exact: HashSet<String> = raw
            .remove("exact")
            .map(|l| l.names.iter().map(|n| key_of(n)).collect())
            .unwrap_or_default();
        let mut names = HashMap::new();
        for (label, list) in raw {
            let kind = EntityKind::from_label(&label);
            for name in list.names {
                let key = key_of(&name);
                if key.is_empty() {
                    return Err(Error::Config(format!(
                        "gazetteer: empty name under [{label}]"
                    )));
                }
                if key.split(' ').count() > MAX_NAME_TOKENS {
                    return Err(Error::Config(format!(
                        "gazetteer: `{name}` is longer than {MAX_NAME_TOKENS} words"
                    )));
                }
                names.insert(key, (kind.clone(), name));
            }
        }
        Ok(GazetteerRecognizer { names, exact })
    }

    /// Read a gazetteer file (same layout as `data/gazetteer.toml`).
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let s = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Self::from_toml_str(&s)
    }

    /// How many names it knows.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether it knows no name.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    fn recognize_one(&self, text: &str) -> Result<Vec<Entity>> {
        let toks = tokenize(text, 0);
        let index = CharIndex::new(text);
        let mut out = Vec::new();
        let mut i = 0;
        while i < toks.len() {
            let mut best: Option<(usize, &EntityKind, f32)> = None;
            let mut key = String::new();
            for j in i..toks.len().min(i + MAX_NAME_TOKENS) {
                // Names are runs of words and inner hyphens/dots; a comma or "'s" ends them.
                if !toks[j].is_word && !matches!(toks[j].lower.as_str(), "-" | "&") {
                    break;
                }
                if j > i {
                    key.push(' ');
                }
                key.push_str(&toks[j].lower);
                if !toks[j].is_word {
                    continue;
                }
                if let Some((kind, canonical)) = self.names.get(&key) {
                    let surface = &text[toks[i].span.start..toks[j].span.end];
                    let same_case = surface_matches(surface, canonical);
                    if same_case || !self.exact.contains(&key) {
                        let score = if same_case { SCORE_EXACT } else { SCORE_FOLDED };
                        best = Some((j + 1, kind, score));
                    }
                }
            }
            match best {
                Some((end, kind, score)) => {
                    let span = Span::new(toks[i].span.start, toks[end - 1].span.end);
                    out.push(entity(text, &index, span, kind.clone(), score)?);
                    i = end;
                }
                None => {
                    // "Russian-backed", "Kurdish-led": the name before the hyphen.
                    if let Some(e) = self.hyphen_prefix(text, &index, &toks[i])? {
                        out.push(e);
                    }
                    i += 1;
                }
            }
        }
        Ok(out)
    }

    fn hyphen_prefix(&self, text: &str, index: &CharIndex, tok: &Token) -> Result<Option<Entity>> {
        if !tok.is_word {
            return Ok(None);
        }
        let surface = &text[tok.span.range()];
        let Some(cut) = surface.find('-') else {
            return Ok(None);
        };
        let head = &surface[..cut];
        let key = key_of(head);
        match self.names.get(&key) {
            Some((kind, canonical))
                if matches!(kind, EntityKind::Norp | EntityKind::Gpe)
                    && surface_matches(head, canonical) =>
            {
                let span = Span::new(tok.span.start, tok.span.start + cut);
                Ok(Some(entity(text, index, span, kind.clone(), SCORE_EXACT)?))
            }
            _ => Ok(None),
        }
    }
}

impl EntityRecognition for GazetteerRecognizer {
    fn recognize_batch(&self, texts: &[&str]) -> Result<Vec<Vec<Entity>>> {
        texts.iter().map(|t| self.recognize_one(t)).collect()
    }
}

fn entity(
    text: &str,
    index: &CharIndex,
    span: Span,
    kind: EntityKind,
    score: f32,
) -> Result<Entity> {
    Ok(Entity {
        label: kind.as_str().to_string(),
        kind,
        text: span.slice(text)?.to_string(),
        span,
        char_span: index.char_span(span)?,
        score,
    })
}

/// The lookup key of a name: its tokens, lower-cased, joined by single spaces.
fn key_of(name: &str) -> String {
    tokenize(name, 0)
        .into_iter()
        .map(|t| t.lower)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether `surface` has the capitals of `canonical`, ignoring spacing differences.
fn surface_matches(surface: &str, canonical: &str) -> bool {
    let a = surface.chars().filter(|c| !c.is_whitespace());
    let b = canonical.chars().filter(|c| !c.is_whitespace());
    a.eq(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(String, String)> {
        GazetteerRecognizer::default()
            .recognize(text)
            .unwrap()
            .into_iter()
            .map(|e| (e.label, e.text))
            .collect()
    }

    #[test]
    fn longest_match_possessives_and_hyphens() {
        assert_eq!(
            kinds("The United Nations' envoy met Russian-backed forces near the Old Quarter of Aleppo and Syria's UN mission."),
            [
                ("ORG".into(), "United Nations".into()),
                ("NORP".into(), "Russian".into()),
                ("LOC".into(), "Old Quarter".into()),
                ("GPE".into(), "Aleppo".into()),
                ("GPE".into(), "Syria".into()),
                ("ORG".into(), "UN".into()),
            ]
        );
    }

    #[test]
    fn exact_names_need_their_capitals() {
        assert!(kinds("we had turkey and a china plate; who knows").is_empty());
        assert_eq!(kinds("Turkey and China")[1].1, "China");
        // Other names fold case: headlines are often lower-cased.
        assert_eq!(kinds("troops advance in central aleppo")[0].1, "aleppo");
    }

    #[test]
    fn spans_are_byte_spans_with_char_spans() {
        let text = "«Halab» is Aleppo in Syria";
        let e = &GazetteerRecognizer::default().recognize(text).unwrap()[0];
        assert_eq!(&text[e.span.range()], "Aleppo");
        assert_eq!(e.char_span.start, 11);
        assert!(GazetteerRecognizer::default()
            .recognize("")
            .unwrap()
            .is_empty());
    }
}
