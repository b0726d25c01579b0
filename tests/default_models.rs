//! The default models listed in `models.toml` are present and intact. They are obtained by
//! `scripts/setup.sh` (or `scripts/models.sh` alone); these tests fail, naming the file,
//! when one is missing or its sha256 differs from the registry.

use std::path::Path;

use reportage::models::{ModelRegistry, Task};

const DEFAULTS: [&str; 2] = ["ner-default", "minilm-embeddings"];

fn registry() -> ModelRegistry {
    ModelRegistry::from_file(Path::new(env!("CARGO_MANIFEST_DIR")).join("models.toml"))
        .expect("models.toml parses")
}

#[test]
fn default_models_are_listed_with_checksums() {
    let reg = registry();
    for name in DEFAULTS {
        let spec = reg.get(name).unwrap();
        for file in ["model.safetensors", "config.json", "tokenizer.json"] {
            assert!(
                spec.files.contains_key(file),
                "{name} lists no sha256 for {file}"
            );
        }
    }
    assert_eq!(reg.get("ner-default").unwrap().task, Task::Ner);
    assert_eq!(reg.get("minilm-embeddings").unwrap().task, Task::Embeddings);
}

#[test]
fn default_models_resolve_with_verified_files() {
    let reg = registry();
    for name in DEFAULTS {
        if let Err(e) = reg.resolve(name) {
            panic!(
                "{e}\nthe default models are obtained by scripts/setup.sh (or scripts/models.sh)"
            );
        }
    }
}
