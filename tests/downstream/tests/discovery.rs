//! The downstream binary finds the default models the way the README tells dependent crates
//! to install them (`scripts/models.sh --dir`, found through the user cache), not through
//! the reportage checkout it was built from, and runs without `LD_LIBRARY_PATH`.
//!
//! The binary is run from a directory outside the checkout with `XDG_CACHE_HOME` set, `HOME`
//! pointing at an empty directory and the `REPORTAGE_*` variables removed, so the only
//! places `load_default` can find a registry are that cache and, last, the checkout; the test
//! asserts from the binary's output which one it read.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

/// The reportage checkout (this crate lives in its `tests/downstream`).
fn checkout() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// A fresh directory under cargo's scratch space for integration tests.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("downstream")
        .join(name);
    std::fs::create_dir_all(&dir).unwrap();
    dir.canonicalize().unwrap()
}

/// Run the downstream binary as a user outside the checkout would, with the user cache at
/// `cache_home`.
fn run(cache_home: &Path, args: &[&str]) -> (Vec<String>, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = Command::new(env!("CARGO_BIN_EXE_reportage-downstream"))
        .args(args)
        .current_dir(scratch("cwd"))
        .env_remove("REPORTAGE_REGISTRY")
        .env_remove("REPORTAGE_MODELS_DIR")
        // libtorch must come from the rpath that build.rs embeds.
        .env_remove("LD_LIBRARY_PATH")
        .env("XDG_CACHE_HOME", cache_home)
        .env("HOME", scratch("home"))
        .output()
        .unwrap();
    let stdout = String::from_utf8(stdout).unwrap();
    let stderr = String::from_utf8_lossy(&stderr);
    assert!(status.success(), "{status}\n{stdout}\n{stderr}");
    let (head, json) = stdout.split_at(stdout.find('[').unwrap_or(stdout.len()));
    (head.lines().map(str::to_string).collect(), json.to_string())
}

#[test]
fn installed_models_are_found_through_the_user_cache() {
    let cache_home = scratch("cache");
    let installed = cache_home.join("reportage");
    // Idempotent: after the first run it only verifies the checksums.
    let status = Command::new(checkout().join("scripts/models.sh"))
        .arg("--dir")
        .arg(&installed)
        .status()
        .unwrap();
    assert!(status.success(), "scripts/models.sh --dir failed: {status}");

    let (head, json) = run(&cache_home, &["Rebels shelled Aleppo on Monday."]);
    assert_eq!(
        head[0],
        format!("registry {}", installed.join("models.toml").display())
    );
    let models: Vec<&str> = head[1..].iter().map(|l| l.as_str()).collect();
    assert_eq!(models.len(), 4, "{head:?}");
    for line in models {
        let dir = line.splitn(3, ' ').nth(2).unwrap();
        assert!(Path::new(dir).starts_with(&installed), "{line}");
    }

    let events: Value = serde_json::from_str(&json).unwrap();
    let events = events.as_array().unwrap();
    assert!(
        events.iter().any(|e| e["event_type"] == "ASSAULT"
            && e["sources"][0]["text"] == "Rebels"
            && e["targets"][0]["text"] == "Aleppo"
            && e["times"][0]["text"] == "Monday"),
        "{json}"
    );
}

/// Without the cache the same binary falls back to the checkout: the test above would
/// notice if its registry had come from there.
#[test]
fn without_the_cache_the_checkout_is_the_last_resort() {
    let (head, _) = run(&scratch("empty-cache"), &["--registry"]);
    assert_eq!(
        head,
        [format!(
            "registry {}",
            checkout().join("models.toml").display()
        )]
    );
}
