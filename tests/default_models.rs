//! The default models listed in `models.toml` are present and intact. They are obtained by
//! `scripts/setup.sh` (or `scripts/models.sh` alone); these tests fail, naming the file,
//! when one is missing or its sha256 differs from the registry.

use std::path::Path;

use reportage::models::{ModelRegistry, Task};

const DEFAULTS: [&str; 6] = [
    "ner-default",
    "nli-default",
    "stance-default",
    "roles-default",
    "roles-plover",
    "minilm-embeddings",
];

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
    assert_eq!(reg.get("nli-default").unwrap().task, Task::ZeroShot);
    assert_eq!(reg.get("stance-default").unwrap().task, Task::Stance);
    // A token classifier like the NER models; its labels are event roles.
    assert_eq!(reg.get("roles-default").unwrap().task, Task::Ner);
    assert_eq!(reg.get("roles-plover").unwrap().task, Task::Ner);
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

/// A corrupt copy of a default model (its weights cut in half) fails on resolve, with an
/// error that names the checksum and the file, before anything is loaded.
#[cfg(feature = "torch")]
#[test]
fn a_corrupt_default_model_copy_is_refused_with_the_file_named() {
    let reg = registry();
    let spec = reg.get("stance-default").unwrap().clone();
    let src = reg.resolve("stance-default").unwrap();
    let dir = std::env::temp_dir().join(format!("reportage-corrupt-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for name in spec.files.keys() {
        std::fs::copy(src.file(name), dir.join(name)).unwrap();
    }
    // Truncate the weights: the checksum no longer matches.
    let weights = dir.join("model.safetensors");
    let bytes = std::fs::read(&weights).unwrap();
    std::fs::write(&weights, &bytes[..bytes.len() / 2]).unwrap();
    let toml = format!(
        "[[model]]\nname = \"copy\"\ntask = \"stance\"\narchitecture = \"bert\"\n\
         labels = {:?}\ndir = {:?}\n[model.files]\n\"model.safetensors\" = {:?}\n",
        spec.labels,
        dir.display().to_string(),
        spec.files["model.safetensors"],
    );
    let copy = ModelRegistry::from_toml_str(&toml, "/").unwrap();
    let err = copy.resolve("copy").unwrap_err().to_string();
    assert!(
        err.contains("checksum") && err.contains("model.safetensors"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).ok();
}
