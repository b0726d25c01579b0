//! The model registry: which models the crate knows and where their files are.
//!
//! `models.toml` (at the crate root) lists each model with a stable name, its task, its
//! architecture, its label map and the sha256 of each file. [`ModelRegistry::resolve`]
//! turns a name into verified local files; nothing is ever downloaded.
//!
//! ```
//! use reportage::models::{ModelRegistry, Task};
//! let registry = ModelRegistry::from_toml_str(r#"
//!     [[model]]
//!     name = "tiny-ner"
//!     task = "ner"
//!     architecture = "bert"
//!     labels = ["O", "B-PER", "I-PER"]
//!     dir = "tiny"
//!     [model.files]
//!     "model.safetensors" = "0000000000000000000000000000000000000000000000000000000000000000"
//! "#, "/nonexistent").unwrap();
//! let spec = registry.get("tiny-ner").unwrap();
//! assert_eq!(spec.task, Task::Ner);
//! // The files are not there, so resolving fails with an error naming model and file.
//! let err = registry.resolve("tiny-ner").unwrap_err();
//! assert!(err.to_string().contains("tiny-ner"));
//! ```

pub(crate) mod config;

use std::collections::BTreeMap;
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::{Error, Result};

/// Environment variable that replaces the base directory of every relative model `dir`.
pub const MODELS_DIR_ENV: &str = "REPORTAGE_MODELS_DIR";
/// Environment variable naming a registry file to use instead of the crate's `models.toml`.
pub const REGISTRY_ENV: &str = "REPORTAGE_REGISTRY";

/// What a model is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Task {
    /// Token classification (named entities).
    Ner,
    /// Sequence classification with stance labels.
    Stance,
    /// NLI model used for zero-shot classification.
    ZeroShot,
    /// Sentence embeddings.
    Embeddings,
    /// Sequence classification of a sentence into PLOVER event types (labels `NONE` and the
    /// type names).
    EventTypes,
}

impl fmt::Display for Task {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Task::Ner => "ner",
            Task::Stance => "stance",
            Task::ZeroShot => "zero-shot",
            Task::Embeddings => "embeddings",
            Task::EventTypes => "event-types",
        })
    }
}

/// Transformer architecture, as rust-bert's `ModelType` knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Architecture {
    Bert,
    DistilBert,
    Roberta,
    XlmRoberta,
    Deberta,
    DebertaV2,
    Electra,
    Albert,
    MobileBert,
    Longformer,
    Bart,
}

impl fmt::Display for Architecture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = serde_json::to_value(self).ok();
        f.write_str(s.as_ref().and_then(|v| v.as_str()).unwrap_or("?"))
    }
}

/// Where a model can be found on a model hub, for users who have network.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HubRef {
    pub id: String,
    pub revision: String,
}

/// One `[[model]]` entry of the registry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelSpec {
    /// Stable name (`ner-default`).
    pub name: String,
    pub task: Task,
    pub architecture: Architecture,
    /// Labels in classifier-output order. For NER these carry their scheme prefixes.
    #[serde(default)]
    pub labels: Vec<String>,
    /// Directory holding the files; relative paths are relative to the registry's base.
    pub dir: PathBuf,
    /// File name -> sha256 (hex). Every listed file is checked on [`ModelRegistry::resolve`].
    #[serde(default)]
    pub files: BTreeMap<String, String>,
    /// The public checkpoint this corresponds to, if any.
    #[serde(default)]
    pub hub: Option<HubRef>,
    /// Maximum sequence length in tokens (defaults to the config's `max_position_embeddings`).
    #[serde(default)]
    pub max_length: Option<usize>,
    /// The model was trained with capitalisation given as token types: type 1 for every
    /// token of a word that starts with an upper-case letter (an uncased encoder cannot see
    /// case otherwise). Single-sequence token classification only; off by default.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub case_token_types: bool,
    /// Free text: what the model is, how it was trained, its licence.
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub license: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RegistryFile {
    #[serde(default)]
    model: Vec<ModelSpec>,
}

/// The models the crate knows, read from a `models.toml`.
#[derive(Debug, Clone)]
pub struct ModelRegistry {
    source: PathBuf,
    base_dir: PathBuf,
    models: Vec<ModelSpec>,
}

/// A registry entry whose files were found and verified.
#[derive(Debug, Clone)]
pub struct ResolvedModel {
    pub spec: ModelSpec,
    /// Absolute (or base-relative) directory of the files.
    pub dir: PathBuf,
}

impl ResolvedModel {
    /// Path of one of the model's files (not checked: use the names listed in the registry).
    pub fn file(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// Path of a file that must exist.
    pub fn require(&self, name: &str) -> Result<PathBuf> {
        let path = self.file(name);
        if path.is_file() {
            Ok(path)
        } else {
            Err(Error::MissingFile {
                model: self.spec.name.clone(),
                path,
            })
        }
    }

    /// The model's name.
    pub fn name(&self) -> &str {
        &self.spec.name
    }
}

impl ModelRegistry {
    /// The default registry, found where a program that depends on reportage can see it:
    ///
    /// 1. `$REPORTAGE_REGISTRY`, a `models.toml` (used even if missing: the error names it);
    /// 2. `$REPORTAGE_MODELS_DIR/models.toml`;
    /// 3. the user cache, `$XDG_CACHE_HOME/reportage/models.toml`, else
    ///    `~/.cache/reportage/models.toml`, where `scripts/models.sh --dir DIR` installs the
    ///    default models;
    /// 4. `models.toml` of the reportage source tree this crate was built from (only useful
    ///    inside a checkout: cargo's copy of a dependency holds no model files).
    ///
    /// The first file that exists is read with [`from_file`](Self::from_file). When none
    /// does, [`Error::RegistryNotFound`] lists the places searched and what to run.
    pub fn load_default() -> Result<Self> {
        Self::from_file(RegistrySearch::from_env().find()?)
    }

    /// Read a registry file; relative model directories are relative to its folder
    /// (or to `$REPORTAGE_MODELS_DIR` when set).
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let base = path.parent().unwrap_or(Path::new(".")).to_path_buf();
        let mut registry = Self::parse(&text, base, path.to_path_buf())?;
        if let Some(dir) = std::env::var_os(MODELS_DIR_ENV) {
            registry.base_dir = PathBuf::from(dir);
        }
        Ok(registry)
    }

    /// Parse registry text, with relative model directories resolved against `base_dir`.
    pub fn from_toml_str(text: &str, base_dir: impl Into<PathBuf>) -> Result<Self> {
        Self::parse(text, base_dir.into(), PathBuf::from("<string>"))
    }

    fn parse(text: &str, base_dir: PathBuf, source: PathBuf) -> Result<Self> {
        let file: RegistryFile = toml::from_str(text).map_err(|e| Error::Registry {
            path: source.clone(),
            message: e.to_string(),
        })?;
        let mut seen = std::collections::HashSet::new();
        for m in &file.model {
            if !seen.insert(m.name.as_str()) {
                return Err(Error::Registry {
                    path: source,
                    message: format!("model `{}` is listed twice", m.name),
                });
            }
            for (file_name, sum) in &m.files {
                if sum.len() != 64 || !sum.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Err(Error::Registry {
                        path: source,
                        message: format!(
                            "model `{}`: sha256 of `{file_name}` is not 64 hex digits",
                            m.name
                        ),
                    });
                }
            }
        }
        Ok(ModelRegistry {
            source,
            base_dir,
            models: file.model,
        })
    }

    /// Where the registry was read from.
    pub fn source(&self) -> &Path {
        &self.source
    }

    /// Every model listed.
    pub fn models(&self) -> &[ModelSpec] {
        &self.models
    }

    /// A model's entry by name.
    pub fn get(&self, name: &str) -> Result<&ModelSpec> {
        self.models
            .iter()
            .find(|m| m.name == name)
            .ok_or_else(|| Error::UnknownModel(name.to_string()))
    }

    /// The directory a model's files are expected in.
    pub fn model_dir(&self, spec: &ModelSpec) -> PathBuf {
        self.base_dir.join(&spec.dir)
    }

    /// Find a model's files and verify every listed checksum and the label map.
    pub fn resolve(&self, name: &str) -> Result<ResolvedModel> {
        let spec = self.get(name)?.clone();
        let dir = self.model_dir(&spec);
        for (file_name, expected) in &spec.files {
            let path = dir.join(file_name);
            let actual = sha256_file(&path).map_err(|e| match e.kind() {
                std::io::ErrorKind::NotFound => Error::MissingFile {
                    model: spec.name.clone(),
                    path: path.clone(),
                },
                _ => Error::io(&path, e),
            })?;
            if !actual.eq_ignore_ascii_case(expected) {
                return Err(Error::ChecksumMismatch {
                    model: spec.name.clone(),
                    path,
                    expected: expected.clone(),
                    actual,
                });
            }
        }
        let resolved = ResolvedModel { spec, dir };
        check_labels_against_config(&resolved)?;
        Ok(resolved)
    }
}

/// The places [`ModelRegistry::load_default`] looks, from the environment; a plain value so
/// that the order can be tested without touching the process environment.
#[derive(Debug, Clone, Default)]
struct RegistrySearch {
    /// `$REPORTAGE_REGISTRY`.
    registry: Option<PathBuf>,
    /// `$REPORTAGE_MODELS_DIR`.
    models_dir: Option<PathBuf>,
    /// `$XDG_CACHE_HOME`.
    cache_home: Option<PathBuf>,
    /// `$HOME`.
    home: Option<PathBuf>,
    /// The reportage source tree (`CARGO_MANIFEST_DIR` at build time).
    crate_dir: PathBuf,
}

impl RegistrySearch {
    fn from_env() -> Self {
        // An empty variable counts as unset, as shells and the XDG spec treat it.
        let var = |name: &str| {
            std::env::var_os(name)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        };
        RegistrySearch {
            registry: var(REGISTRY_ENV),
            models_dir: var(MODELS_DIR_ENV),
            cache_home: var("XDG_CACHE_HOME"),
            home: var("HOME"),
            crate_dir: PathBuf::from(env!("CARGO_MANIFEST_DIR")),
        }
    }

    /// The user cache directory reportage installs models into.
    fn cache_dir(&self) -> Option<PathBuf> {
        // The XDG spec ignores a relative XDG_CACHE_HOME.
        match (&self.cache_home, &self.home) {
            (Some(c), _) if c.is_absolute() => Some(c.join("reportage")),
            (_, Some(h)) => Some(h.join(".cache").join("reportage")),
            _ => None,
        }
    }

    /// Registry files to try, in order.
    fn candidates(&self) -> Vec<PathBuf> {
        if let Some(r) = &self.registry {
            return vec![r.clone()];
        }
        let mut out = Vec::new();
        out.extend(self.models_dir.as_ref().map(|d| d.join("models.toml")));
        out.extend(self.cache_dir().map(|d| d.join("models.toml")));
        out.push(self.crate_dir.join("models.toml"));
        out
    }

    /// The registry file to read.
    fn find(&self) -> Result<PathBuf> {
        if let Some(r) = &self.registry {
            return Ok(r.clone());
        }
        let candidates = self.candidates();
        match candidates.iter().find(|p| p.is_file()) {
            Some(found) => Ok(found.clone()),
            None => Err(Error::RegistryNotFound {
                searched: candidates,
            }),
        }
    }
}

/// sha256 of a file, as lower-case hex.
pub fn sha256_file(path: &Path) -> std::io::Result<String> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hex::encode(hasher.finalize()))
}

/// If the model ships a HF `config.json` with `id2label`, the registry's labels must equal it.
fn check_labels_against_config(model: &ResolvedModel) -> Result<()> {
    let path = model.file("config.json");
    if model.spec.labels.is_empty() || !path.is_file() {
        return Ok(());
    }
    let config = config::ModelConfig::read(model.name(), &path)?;
    if !config.labels.is_empty() && config.labels != model.spec.labels {
        return Err(Error::LabelMap {
            model: model.spec.name.clone(),
            message: format!(
                "registry labels {:?} differ from config.json id2label {:?}",
                model.spec.labels, config.labels
            ),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, content: &[u8]) -> String {
        std::fs::write(dir.join(name), content).unwrap();
        sha256_file(&dir.join(name)).unwrap()
    }

    fn tempdir(tag: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("reportage-registry-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("m")).unwrap();
        dir
    }

    fn registry(base: &Path, sum: &str, labels: &str) -> ModelRegistry {
        let text = format!(
            "[[model]]\nname = \"m\"\ntask = \"ner\"\narchitecture = \"bert\"\nlabels = {labels}\ndir = \"m\"\n[model.files]\n\"w.bin\" = \"{sum}\"\n"
        );
        ModelRegistry::from_toml_str(&text, base).unwrap()
    }

    #[test]
    fn resolve_verifies_checksums_and_names_the_file() {
        let base = tempdir("sum");
        let sum = write(&base.join("m"), "w.bin", b"weights");
        let reg = registry(&base, &sum, "[]");
        assert_eq!(
            reg.resolve("m").unwrap().file("w.bin"),
            base.join("m/w.bin")
        );

        write(&base.join("m"), "w.bin", b"corrupted");
        match reg.resolve("m").unwrap_err() {
            Error::ChecksumMismatch { model, path, .. } => {
                assert_eq!(model, "m");
                assert!(path.ends_with("w.bin"));
            }
            e => panic!("unexpected {e}"),
        }
        std::fs::remove_file(base.join("m/w.bin")).unwrap();
        assert!(matches!(
            reg.resolve("m").unwrap_err(),
            Error::MissingFile { .. }
        ));
        assert!(matches!(
            reg.resolve("nope").unwrap_err(),
            Error::UnknownModel(_)
        ));
    }

    #[test]
    fn labels_must_match_config_id2label() {
        let base = tempdir("labels");
        let sum = write(&base.join("m"), "w.bin", b"w");
        write(
            &base.join("m"),
            "config.json",
            br#"{"id2label": {"0": "O", "1": "B-PER", "2": "I-PER"}}"#,
        );
        assert!(registry(&base, &sum, r#"["O", "B-PER", "I-PER"]"#)
            .resolve("m")
            .is_ok());
        let err = registry(&base, &sum, r#"["O", "I-PER", "B-PER"]"#)
            .resolve("m")
            .unwrap_err();
        assert!(matches!(err, Error::LabelMap { .. }), "{err}");
    }

    fn touch(path: &Path) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, "").unwrap();
    }

    #[test]
    fn default_registry_search_order() {
        let root = tempdir("search");
        let (env_dir, xdg, home, krate) = (
            root.join("env"),
            root.join("xdg"),
            root.join("home"),
            root.join("crate"),
        );
        let search = RegistrySearch {
            registry: None,
            models_dir: Some(env_dir.clone()),
            cache_home: Some(xdg.clone()),
            home: Some(home.clone()),
            crate_dir: krate.clone(),
        };
        // Nothing installed: the error lists every place, in order, and says what to run.
        match search.find().unwrap_err() {
            Error::RegistryNotFound { searched } => assert_eq!(
                searched,
                [
                    env_dir.join("models.toml"),
                    xdg.join("reportage/models.toml"),
                    krate.join("models.toml"),
                ]
            ),
            e => panic!("unexpected {e}"),
        }
        let message = search.find().unwrap_err().to_string();
        assert!(message.contains("scripts/models.sh --dir"), "{message}");

        // Each place, once it exists, wins over the ones after it.
        touch(&krate.join("models.toml"));
        assert_eq!(search.find().unwrap(), krate.join("models.toml"));
        touch(&xdg.join("reportage/models.toml"));
        assert_eq!(search.find().unwrap(), xdg.join("reportage/models.toml"));
        touch(&env_dir.join("models.toml"));
        assert_eq!(search.find().unwrap(), env_dir.join("models.toml"));

        // Without XDG_CACHE_HOME (or with a relative one) the cache is under HOME.
        let no_xdg = RegistrySearch {
            models_dir: None,
            cache_home: Some(PathBuf::from("relative")),
            ..search.clone()
        };
        assert_eq!(no_xdg.find().unwrap(), krate.join("models.toml"));
        touch(&home.join(".cache/reportage/models.toml"));
        assert_eq!(
            no_xdg.find().unwrap(),
            home.join(".cache/reportage/models.toml")
        );

        // REPORTAGE_REGISTRY is taken as given, even when missing, so a typo is reported.
        let explicit = RegistrySearch {
            registry: Some(root.join("typo.toml")),
            ..search
        };
        assert_eq!(explicit.find().unwrap(), root.join("typo.toml"));
        assert!(matches!(
            ModelRegistry::from_file(explicit.find().unwrap()).unwrap_err(),
            Error::Io { .. }
        ));
        std::fs::remove_dir_all(&root).ok();
    }

    #[test]
    fn malformed_registries_are_errors() {
        let bad_sum = "[[model]]\nname=\"a\"\ntask=\"ner\"\narchitecture=\"bert\"\ndir=\"a\"\n[model.files]\n\"x\"=\"abc\"\n";
        assert!(ModelRegistry::from_toml_str(bad_sum, ".").is_err());
        let bad_arch = "[[model]]\nname=\"a\"\ntask=\"ner\"\narchitecture=\"gpt9\"\ndir=\"a\"\n";
        assert!(ModelRegistry::from_toml_str(bad_arch, ".").is_err());
        let twice = "[[model]]\nname=\"a\"\ntask=\"ner\"\narchitecture=\"bert\"\ndir=\"a\"\n[[model]]\nname=\"a\"\ntask=\"ner\"\narchitecture=\"bert\"\ndir=\"b\"\n";
        assert!(ModelRegistry::from_toml_str(twice, ".").is_err());
    }
}
