//! Labelled examples for stance and NLI from JSON Lines files, labels read into types.
//!
//! One JSON object per line; blank lines are skipped. Stance lines are
//! `{"text": ..., "target": ..., "label": ...}`, NLI lines
//! `{"premise": ..., "hypothesis": ..., "label": ...}`; other fields are ignored. Every
//! problem (not JSON, a field missing or empty, a label that means nothing known) is an
//! error with the line number; a file with no example is an error too.
//!
//! Labels are read by name (see [`stance_from_label`] and [`NliLabel`]); a data set with
//! other names gives them with [`LabelAliases`] (`"0=against,1=favor,2=none"`).

use std::fmt;
use std::path::Path;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{data_error, read_text};
use crate::stance::{stance_from_label, Stance};
use crate::{Error, Result};

/// The three (or two) labels of natural language inference.
///
/// ```
/// use reportage::evaluation::data::NliLabel;
/// assert_eq!("Entailment".parse::<NliLabel>().unwrap(), NliLabel::Entailment);
/// assert_eq!("CONTRADICTION".parse::<NliLabel>().unwrap(), NliLabel::Contradiction);
/// assert_eq!("not_entailment".parse::<NliLabel>().unwrap(), NliLabel::NotEntailment);
/// assert!("LABEL_0".parse::<NliLabel>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NliLabel {
    Entailment,
    Neutral,
    Contradiction,
    /// Neutral or contradiction, in two-way sets (RTE, WNLI, some zero-shot models).
    NotEntailment,
}

impl NliLabel {
    /// The lower-case name.
    pub fn as_str(&self) -> &'static str {
        match self {
            NliLabel::Entailment => "entailment",
            NliLabel::Neutral => "neutral",
            NliLabel::Contradiction => "contradiction",
            NliLabel::NotEntailment => "not_entailment",
        }
    }
}

impl fmt::Display for NliLabel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for NliLabel {
    type Err = Error;
    /// Case-insensitive; `entail…` and `contradict…` by prefix, the rule the zero-shot
    /// pipeline uses for model labels; `not_entailment`, `non-entailment` and
    /// `not entailment` for the two-way sets.
    fn from_str(s: &str) -> Result<Self> {
        let l = s.trim().to_lowercase().replace([' ', '-'], "_");
        Ok(match l.as_str() {
            "not_entailment" | "non_entailment" | "not_entailed" => NliLabel::NotEntailment,
            "neutral" => NliLabel::Neutral,
            _ if l.starts_with("entail") => NliLabel::Entailment,
            _ if l.starts_with("contradict") => NliLabel::Contradiction,
            _ => {
                return Err(Error::Unparsable(format!(
                    "`{s}` is not an NLI label (entailment, neutral, contradiction, not_entailment)"
                )))
            }
        })
    }
}

/// Names a data set (or a model) gives its labels, mapped to typed labels ahead of the
/// default reading: `GIVEN=LABEL,...`, names compared case-insensitively.
///
/// ```
/// use reportage::evaluation::data::LabelAliases;
/// use reportage::stance::Stance;
/// let aliases = LabelAliases::<Stance>::parse_stances("0=against, NONE=neutral").unwrap();
/// assert_eq!(aliases.stance("0"), Some(Stance::Against));
/// assert_eq!(aliases.stance("none"), Some(Stance::Neutral)); // instead of Unrelated
/// assert_eq!(aliases.stance("FAVOR"), Some(Stance::Favor)); // the default reading
/// assert_eq!(aliases.stance("2"), None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelAliases<L> {
    entries: Vec<(String, L)>,
}

impl<L> Default for LabelAliases<L> {
    fn default() -> Self {
        LabelAliases {
            entries: Vec::new(),
        }
    }
}

impl<L: Copy> LabelAliases<L> {
    /// Read `GIVEN=LABEL,...`, each LABEL read by `read`. Fails on a malformed entry, a
    /// LABEL `read` does not know, or a name given twice.
    pub fn parse(spec: &str, read: impl Fn(&str) -> Option<L>) -> Result<Self> {
        let mut entries: Vec<(String, L)> = Vec::new();
        for rule in spec.split(',').map(str::trim).filter(|r| !r.is_empty()) {
            let (given, label) = rule.split_once('=').ok_or_else(|| {
                Error::InvalidArgument(format!("label map rule `{rule}` is not GIVEN=LABEL"))
            })?;
            let (given, label) = (given.trim(), label.trim());
            let typed = read(label).ok_or_else(|| {
                Error::InvalidArgument(format!(
                    "label map rule `{rule}`: `{label}` is not a known label"
                ))
            })?;
            if given.is_empty() || entries.iter().any(|(g, _)| g.eq_ignore_ascii_case(given)) {
                return Err(Error::InvalidArgument(format!(
                    "label map rule `{rule}`: `{given}` is empty or mapped twice"
                )));
            }
            entries.push((given.to_string(), typed));
        }
        Ok(LabelAliases { entries })
    }

    /// The label `given` stands for: an alias if one matches, else `read(given)`.
    pub fn resolve(&self, given: &str, read: impl Fn(&str) -> Option<L>) -> Option<L> {
        self.entries
            .iter()
            .find(|(g, _)| g.eq_ignore_ascii_case(given.trim()))
            .map(|&(_, l)| l)
            .or_else(|| read(given))
    }
}

impl LabelAliases<Stance> {
    /// Aliases whose targets are stance names (read by [`stance_from_label`]).
    pub fn parse_stances(spec: &str) -> Result<Self> {
        Self::parse(spec, stance_from_label)
    }

    /// The stance `given` stands for.
    pub fn stance(&self, given: &str) -> Option<Stance> {
        self.resolve(given, stance_from_label)
    }
}

impl LabelAliases<NliLabel> {
    /// Aliases whose targets are NLI label names.
    pub fn parse_nli(spec: &str) -> Result<Self> {
        Self::parse(spec, |s| s.parse().ok())
    }

    /// The NLI label `given` stands for.
    pub fn nli(&self, given: &str) -> Option<NliLabel> {
        self.resolve(given, |s| s.parse().ok())
    }
}

/// One stance example.
#[derive(Debug, Clone, PartialEq)]
pub struct StanceExample {
    pub text: String,
    pub target: String,
    pub label: Stance,
    /// Its line in the file (1-based).
    pub line: usize,
}

/// One NLI example.
#[derive(Debug, Clone, PartialEq)]
pub struct NliExample {
    pub premise: String,
    pub hypothesis: String,
    pub label: NliLabel,
    pub line: usize,
}

/// The non-blank lines of a JSON Lines text as objects, with their line numbers.
fn json_objects<'a>(
    text: &'a str,
    origin: &'a Path,
) -> impl Iterator<Item = Result<(usize, serde_json::Map<String, Value>)>> + 'a {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(move |(i, line)| {
            let n = i + 1;
            match serde_json::from_str::<Value>(line) {
                Ok(Value::Object(o)) => Ok((n, o)),
                Ok(_) => Err(data_error(origin, Some(n), "not a JSON object")),
                Err(e) => Err(data_error(origin, Some(n), format!("not JSON: {e}"))),
            }
        })
}

/// A field that must be a non-empty string. Labels may also be numbers (`0`, `1`), read
/// as their decimal text, so that numbered data sets can be mapped with [`LabelAliases`].
fn field(
    object: &serde_json::Map<String, Value>,
    name: &str,
    origin: &Path,
    line: usize,
) -> Result<String> {
    match object.get(name) {
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.clone()),
        Some(Value::Number(n)) if name == "label" => Ok(n.to_string()),
        Some(Value::String(_)) => Err(data_error(
            origin,
            Some(line),
            format!("field `{name}` is empty"),
        )),
        Some(other) => Err(data_error(
            origin,
            Some(line),
            format!("field `{name}` should be a string, found {other}"),
        )),
        None => Err(data_error(
            origin,
            Some(line),
            format!("field `{name}` is missing"),
        )),
    }
}

fn no_examples(origin: &Path) -> Error {
    data_error(
        origin,
        None,
        "no examples: the file is empty or holds only blank lines",
    )
}

/// Read stance examples from the text of a JSON Lines file (`origin` names it in errors).
///
/// ```
/// use reportage::evaluation::data::{read_stance, LabelAliases};
/// use reportage::stance::Stance;
/// let text = r#"{"text": "We back the truce.", "target": "the truce", "label": "FAVOR"}"#;
/// let examples = read_stance(text, "s.jsonl", &LabelAliases::default()).unwrap();
/// assert_eq!(examples[0].label, Stance::Favor);
/// let bad = r#"{"text": "We back the truce.", "target": "the truce", "label": "maybe"}"#;
/// let err = read_stance(bad, "s.jsonl", &LabelAliases::default()).unwrap_err();
/// assert!(err.to_string().starts_with("s.jsonl: line 1: "), "{err}");
/// ```
pub fn read_stance(
    text: &str,
    origin: impl AsRef<Path>,
    aliases: &LabelAliases<Stance>,
) -> Result<Vec<StanceExample>> {
    let origin = origin.as_ref();
    let mut out = Vec::new();
    for item in json_objects(text, origin) {
        let (line, o) = item?;
        let label = field(&o, "label", origin, line)?;
        let stance = aliases.stance(&label).ok_or_else(|| {
            data_error(
                origin,
                Some(line),
                format!("unknown stance label `{label}`; map it to favor, against, neutral or unrelated (e.g. `{label}=neutral`)"),
            )
        })?;
        out.push(StanceExample {
            text: field(&o, "text", origin, line)?,
            target: field(&o, "target", origin, line)?,
            label: stance,
            line,
        });
    }
    if out.is_empty() {
        return Err(no_examples(origin));
    }
    Ok(out)
}

/// Read NLI examples from the text of a JSON Lines file.
///
/// ```
/// use reportage::evaluation::data::{read_nli, LabelAliases, NliLabel};
/// let text = "\n{\"premise\": \"Troops left the town.\", \"hypothesis\": \"The town was abandoned.\", \"label\": \"entailment\"}\n";
/// let examples = read_nli(text, "n.jsonl", &LabelAliases::default()).unwrap();
/// assert_eq!((examples[0].label, examples[0].line), (NliLabel::Entailment, 2));
/// assert!(read_nli("", "n.jsonl", &LabelAliases::default()).is_err());
/// ```
pub fn read_nli(
    text: &str,
    origin: impl AsRef<Path>,
    aliases: &LabelAliases<NliLabel>,
) -> Result<Vec<NliExample>> {
    let origin = origin.as_ref();
    let mut out = Vec::new();
    for item in json_objects(text, origin) {
        let (line, o) = item?;
        let label = field(&o, "label", origin, line)?;
        let nli = aliases.nli(&label).ok_or_else(|| {
            data_error(
                origin,
                Some(line),
                format!("unknown NLI label `{label}`; map it to entailment, neutral, contradiction or not_entailment"),
            )
        })?;
        out.push(NliExample {
            premise: field(&o, "premise", origin, line)?,
            hypothesis: field(&o, "hypothesis", origin, line)?,
            label: nli,
            line,
        });
    }
    if out.is_empty() {
        return Err(no_examples(origin));
    }
    Ok(out)
}

/// [`read_stance`] on a file.
pub fn read_stance_file(
    path: impl AsRef<Path>,
    aliases: &LabelAliases<Stance>,
) -> Result<Vec<StanceExample>> {
    let path = path.as_ref();
    read_stance(&read_text(path)?, path, aliases)
}

/// [`read_nli`] on a file.
pub fn read_nli_file(
    path: impl AsRef<Path>,
    aliases: &LabelAliases<NliLabel>,
) -> Result<Vec<NliExample>> {
    let path = path.as_ref();
    read_nli(&read_text(path)?, path, aliases)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bad_line_is_reported_with_its_number() {
        let none = LabelAliases::default();
        let err = |text: &str| read_stance(text, "s.jsonl", &none).unwrap_err().to_string();
        let ok = r#"{"text": "t", "target": "x", "label": "against"}"#;
        assert!(err(&format!("{ok}\nnot json")).starts_with("s.jsonl: line 2: not JSON"));
        assert!(err(&format!("{ok}\n[1]")).contains("line 2: not a JSON object"));
        assert!(err(r#"{"text": "t", "label": "against"}"#).contains("`target` is missing"));
        assert!(
            err(r#"{"text": " ", "target": "x", "label": "against"}"#).contains("`text` is empty")
        );
        assert!(
            err(r#"{"text": "t", "target": 3, "label": "against"}"#).contains("should be a string")
        );
        assert!(
            err(r#"{"text": "t", "target": "x", "label": 2}"#).contains("unknown stance label `2`")
        );
        assert!(err("\n\n").contains("no examples"));
        // Numbered labels read through aliases.
        let aliases = LabelAliases::parse_stances("2=favor").unwrap();
        let e = read_stance(r#"{"text": "t", "target": "x", "label": 2}"#, "s", &aliases).unwrap();
        assert_eq!(e[0].label, Stance::Favor);
    }

    #[test]
    fn alias_specs_are_checked() {
        assert!(LabelAliases::parse_stances("x").is_err());
        assert!(LabelAliases::parse_stances("x=maybe").is_err());
        assert!(LabelAliases::parse_stances("x=favor,X=against").is_err());
        let nli = LabelAliases::parse_nli("neutral=not_entailment").unwrap();
        assert_eq!(nli.nli("Neutral"), Some(NliLabel::NotEntailment));
        assert_eq!(nli.nli("contradiction"), Some(NliLabel::Contradiction));
    }
}
