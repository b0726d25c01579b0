//! Hypothesis templates for NLI zero-shot stance.

use serde::{Deserialize, Serialize};

use super::Stance;
use crate::{Error, Result};

/// The placeholder every stance template must contain.
pub const TARGET_PLACEHOLDER: &str = "{target}";

/// Hypotheses that turn stance detection into NLI: one template per stance, in one or more
/// *sets*. Each set is scored as one zero-shot classification (the stances are its candidate
/// labels); the scores of all sets are averaged.
///
/// Sets, rather than a free list per stance, keep single-label scoring well defined: a
/// softmax across stances needs one hypothesis per stance at a time.
///
/// ```
/// use reportage::stance::{Stance, StanceTemplates};
/// let t = StanceTemplates::new(
///     vec![Stance::Favor, Stance::Against],
///     vec![vec!["I support {target}.".into(), "I oppose {target}.".into()]],
/// ).unwrap();
/// assert_eq!(t.render("the truce").unwrap(), vec![vec!["I support the truce.", "I oppose the truce."]]);
///
/// // Errors, not panics: a template without the placeholder, an empty target.
/// assert!(StanceTemplates::new(vec![Stance::Favor], vec![vec!["I agree.".into()]]).is_err());
/// assert!(StanceTemplates::default().render("  ").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StanceTemplates {
    stances: Vec<Stance>,
    sets: Vec<Vec<String>>,
}

impl Default for StanceTemplates {
    /// Favor / against / neutral, two phrasings averaged.
    fn default() -> Self {
        let sets = [
            [
                "The author supports {target}.",
                "The author opposes {target}.",
                "The author is neutral about {target}.",
            ],
            [
                "This text is in favor of {target}.",
                "This text is against {target}.",
                "This text takes no side on {target}.",
            ],
        ];
        StanceTemplates {
            stances: vec![Stance::Favor, Stance::Against, Stance::Neutral],
            sets: sets
                .iter()
                .map(|s| s.iter().map(|t| t.to_string()).collect())
                .collect(),
        }
    }
}

impl StanceTemplates {
    /// Templates for `stances`; `sets[j][i]` is the hypothesis of `stances[i]` in set `j`.
    /// Every template must contain `{target}`; stances must be distinct; every set must have
    /// one template per stance.
    pub fn new(stances: Vec<Stance>, sets: Vec<Vec<String>>) -> Result<Self> {
        if stances.is_empty() {
            return Err(Error::InvalidArgument(
                "stance templates: no stances".into(),
            ));
        }
        for (i, s) in stances.iter().enumerate() {
            if stances[..i].contains(s) {
                return Err(Error::InvalidArgument(format!(
                    "stance templates: {s} is listed twice"
                )));
            }
        }
        if sets.is_empty() {
            return Err(Error::InvalidArgument(
                "stance templates: no template set".into(),
            ));
        }
        for (j, set) in sets.iter().enumerate() {
            if set.len() != stances.len() {
                return Err(Error::InvalidArgument(format!(
                    "stance templates: set {j} has {} templates for {} stances",
                    set.len(),
                    stances.len()
                )));
            }
            for t in set {
                if !t.contains(TARGET_PLACEHOLDER) {
                    return Err(Error::InvalidArgument(format!(
                        "stance template {t:?} has no {TARGET_PLACEHOLDER} placeholder"
                    )));
                }
            }
        }
        Ok(StanceTemplates { stances, sets })
    }

    /// One set of `(stance, template)` pairs.
    ///
    /// ```
    /// use reportage::stance::{Stance, StanceTemplates};
    /// let t = StanceTemplates::single(&[
    ///     (Stance::Favor, "Supports {target}."),
    ///     (Stance::Against, "Opposes {target}."),
    ///     (Stance::Unrelated, "Is not about {target}."),
    /// ]).unwrap();
    /// assert_eq!(t.stances(), &[Stance::Favor, Stance::Against, Stance::Unrelated]);
    /// ```
    pub fn single(pairs: &[(Stance, &str)]) -> Result<Self> {
        Self::new(
            pairs.iter().map(|p| p.0).collect(),
            vec![pairs.iter().map(|p| p.1.to_string()).collect()],
        )
    }

    /// Add another set, in the order of [`stances`](Self::stances).
    pub fn with_set<S: AsRef<str>>(mut self, set: &[S]) -> Result<Self> {
        self.sets
            .push(set.iter().map(|s| s.as_ref().to_string()).collect());
        Self::new(self.stances, self.sets)
    }

    /// The stances scored, in template order.
    pub fn stances(&self) -> &[Stance] {
        &self.stances
    }

    /// The template sets.
    pub fn sets(&self) -> &[Vec<String>] {
        &self.sets
    }

    /// The hypotheses for `target`, set by set. Fails on an empty target.
    pub fn render(&self, target: &str) -> Result<Vec<Vec<String>>> {
        if target.trim().is_empty() {
            return Err(Error::EmptyInput("stance target"));
        }
        Ok(self
            .sets
            .iter()
            .map(|set| {
                set.iter()
                    .map(|t| t.replace(TARGET_PLACEHOLDER, target))
                    .collect()
            })
            .collect())
    }
}

/// Render a `transformers`-style zero-shot template (`"This example is about {}."`) for one
/// candidate label. The template must contain exactly one `{}`; `{{` and `}}` are literal
/// braces, as in Python's `str.format`.
///
/// ```
/// use reportage::stance::render_template;
/// assert_eq!(render_template("This example is about {}.", "sport").unwrap(), "This example is about sport.");
/// assert_eq!(render_template("{{{}}}", "x").unwrap(), "{x}");
/// assert!(render_template("no placeholder", "x").is_err());
/// ```
pub fn render_template(template: &str, label: &str) -> Result<String> {
    let bad = |why: &str| Error::InvalidArgument(format!("zero-shot template {template:?}: {why}"));
    let mut out = String::with_capacity(template.len() + label.len());
    let mut placeholders = 0;
    let mut chars = template.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek()) {
            ('{', Some('{')) | ('}', Some('}')) => {
                chars.next();
                out.push(c);
            }
            ('{', Some('}')) => {
                chars.next();
                placeholders += 1;
                out.push_str(label);
            }
            ('{', _) | ('}', _) => return Err(bad("unmatched brace (use {{ or }})")),
            _ => out.push(c),
        }
    }
    match placeholders {
        1 => Ok(out),
        0 => Err(bad("no {} placeholder")),
        _ => Err(bad("more than one {} placeholder")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation() {
        let ok = StanceTemplates::default();
        assert_eq!(ok.sets().len(), 2);
        assert!(StanceTemplates::new(vec![], vec![]).is_err());
        assert!(StanceTemplates::new(vec![Stance::Favor], vec![]).is_err());
        assert!(StanceTemplates::new(
            vec![Stance::Favor, Stance::Favor],
            vec![vec!["{target}".into(), "{target}".into()]]
        )
        .is_err());
        let short = StanceTemplates::new(
            vec![Stance::Favor, Stance::Against],
            vec![vec!["{target}".into()]],
        );
        assert!(short.unwrap_err().to_string().contains("set 0"));
        let err = ok.with_set(&["a {target}", "b", "c {target}"]).unwrap_err();
        assert!(err.to_string().contains("\"b\""), "{err}");
    }

    #[test]
    fn render_replaces_every_placeholder() {
        let t = StanceTemplates::single(&[(Stance::Favor, "{target}: for {target}")]).unwrap();
        assert_eq!(t.render("X").unwrap(), vec![vec!["X: for X".to_string()]]);
        assert!(matches!(t.render(""), Err(Error::EmptyInput(_))));
    }

    #[test]
    fn python_format_rules() {
        assert_eq!(render_template("{}", "a b").unwrap(), "a b");
        assert!(render_template("{} and {}", "x").is_err());
        assert!(render_template("{x}", "x").is_err());
        assert!(render_template("{", "x").is_err());
        assert!(render_template("}}{}", "x").is_ok());
    }
}
