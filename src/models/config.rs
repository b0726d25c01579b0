//! A model's `config.json` (Hugging Face format), read in one place: the registry checks its
//! `id2label` against `models.toml`, the libtorch layer builds models from it.

use std::path::Path;

use super::{Architecture, ModelSpec, ResolvedModel};
use crate::{Error, Result};

/// A model's `config.json`, parsed once: rust-bert's own `Config::from_file` panics on a
/// malformed file, so the crate reads it with serde and turns every failure into an error.
// Without libtorch only the registry's label check reads a config.
#[cfg_attr(not(feature = "torch"), allow(dead_code))]
pub(crate) struct ModelConfig {
    raw: serde_json::Value,
    /// `id2label` ordered by id; empty when the file has none.
    pub labels: Vec<String>,
    /// `problem_type` is `multi_label_classification`: each label an independent sigmoid
    /// (a sentence may report several event types), not a share of one softmax.
    pub multi_label: bool,
}

#[cfg_attr(not(feature = "torch"), allow(dead_code))]
impl ModelConfig {
    /// Read the model's `config.json` ([`Error::MissingFile`] when there is none).
    pub fn load(model: &ResolvedModel) -> Result<Self> {
        let path = model.require("config.json")?;
        Self::read(model.name(), &path)
    }

    /// Read `config.json` at `path` for the model called `name`. `id2label` ids must be
    /// exactly `0..n`.
    pub fn read(name: &str, path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let raw: serde_json::Value = serde_json::from_str(&text).map_err(|e| Error::Model {
            model: name.to_string(),
            message: format!("{} is not valid JSON: {e}", path.display()),
        })?;
        let labels = labels_from_config(name, &raw)?;
        let multi_label =
            raw.get("problem_type").and_then(|v| v.as_str()) == Some("multi_label_classification");
        Ok(ModelConfig {
            raw,
            labels,
            multi_label,
        })
    }

    /// The raw JSON, for the architecture-specific config structs.
    pub fn raw(&self) -> &serde_json::Value {
        &self.raw
    }

    /// The most tokens one input may have, special tokens included: the registry's
    /// `max_length`, else the position embeddings (two fewer for RoBERTa-style models,
    /// whose position ids start after the padding index); `None` if neither is known.
    pub fn max_length(&self, spec: &ModelSpec) -> Option<usize> {
        spec.max_length.or_else(|| {
            let positions = usize::try_from(self.int("max_position_embeddings")?).ok()?;
            Some(match spec.architecture {
                Architecture::Roberta | Architecture::XlmRoberta => positions.saturating_sub(2),
                _ => positions,
            })
        })
    }

    /// An integer field of the config, if present.
    pub fn int(&self, key: &str) -> Option<i64> {
        self.raw.get(key).and_then(|v| v.as_i64())
    }
}

/// `id2label` as a dense vector (empty without one); ids must be exactly `0..n`.
fn labels_from_config(name: &str, raw: &serde_json::Value) -> Result<Vec<String>> {
    let Some(map) = raw.get("id2label").and_then(|v| v.as_object()) else {
        return Ok(Vec::new());
    };
    let mut labels = vec![None; map.len()];
    for (id, label) in map {
        let index = id
            .parse::<usize>()
            .ok()
            .filter(|&i| i < labels.len())
            .ok_or_else(|| Error::LabelMap {
                model: name.to_string(),
                message: format!("id2label ids must be 0..{}, found {id:?}", map.len()),
            })?;
        let label = label.as_str().ok_or_else(|| Error::LabelMap {
            model: name.to_string(),
            message: format!("id2label[{id}] is not a string"),
        })?;
        labels[index] = Some(label.to_string());
    }
    Ok(labels.into_iter().map(Option::unwrap_or_default).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::ModelRegistry;

    fn config(json: &str) -> Result<ModelConfig> {
        let dir = std::env::temp_dir().join(format!("reportage-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{:x}.json", json.len()));
        std::fs::write(&path, json).unwrap();
        let result = ModelConfig::read("m", &path);
        std::fs::remove_file(&path).ok();
        result
    }

    #[test]
    fn id2label_is_dense_or_an_error() {
        let c = config(r#"{"id2label": {"1": "B", "0": "A"}}"#).unwrap();
        assert_eq!(c.labels, ["A", "B"]);
        assert!(config(r#"{"hidden_size": 8}"#).unwrap().labels.is_empty());
        assert!(!c.multi_label);
        let multi = r#"{"id2label": {"0": "A"}, "problem_type": "multi_label_classification"}"#;
        assert!(config(multi).unwrap().multi_label);
        for bad in [
            r#"{"id2label": {"0": "A", "2": "C"}}"#,
            r#"{"id2label": {"x": "A"}}"#,
            r#"{"id2label": {"0": 1}}"#,
        ] {
            assert!(matches!(config(bad), Err(Error::LabelMap { .. })), "{bad}");
        }
        assert!(matches!(config("{"), Err(Error::Model { .. })));
    }

    #[test]
    fn max_length_prefers_the_registry_and_spares_roberta_padding() {
        let spec = |arch: &str, max: &str| {
            let text = format!(
                "[[model]]\nname = \"m\"\ntask = \"ner\"\narchitecture = \"{arch}\"\ndir = \"m\"\n{max}"
            );
            ModelRegistry::from_toml_str(&text, ".")
                .unwrap()
                .get("m")
                .unwrap()
                .clone()
        };
        let c = config(r#"{"max_position_embeddings": 514}"#).unwrap();
        assert_eq!(c.max_length(&spec("roberta", "")), Some(512));
        assert_eq!(c.max_length(&spec("xlm_roberta", "")), Some(512));
        assert_eq!(c.max_length(&spec("bert", "")), Some(514));
        assert_eq!(
            c.max_length(&spec("roberta", "max_length = 128")),
            Some(128)
        );
        let none = config("{}").unwrap();
        assert_eq!(none.max_length(&spec("bert", "")), None);
    }
}
