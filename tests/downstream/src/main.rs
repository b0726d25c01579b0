//! The events of one sentence, from the default models wherever
//! `ModelRegistry::load_default` finds them.
//!
//! ```sh
//! reportage-downstream "Rebels shelled Aleppo on Monday."   # the registry, then the events
//! reportage-downstream --registry                          # only where the registry is
//! ```
//!
//! Output: a line `registry PATH`, one line `model NAME DIR` for each model the extractor
//! uses, then the events as JSON: the lines tell a test which files were found.

use reportage::events::{to_json, Report};
use reportage::{presets, ModelRegistry};

fn main() -> reportage::Result<()> {
    let arg = std::env::args().nth(1);
    let registry = ModelRegistry::load_default()?;
    println!("registry {}", registry.source().display());
    if arg.as_deref() == Some("--registry") {
        return Ok(());
    }
    for name in [
        presets::NER_MODEL,
        presets::STANCE_MODEL,
        presets::ROLES_MODEL,
        presets::EVENTS_MODEL,
    ] {
        println!("model {name} {}", registry.resolve(name)?.dir.display());
    }
    let sentence = arg.unwrap_or_else(|| "Rebels shelled Aleppo on Monday.".to_string());
    let extractor = presets::extractor(&registry)?;
    let events = extractor.extract(&Report::new("downstream", sentence))?;
    println!("{}", to_json(&events)?);
    Ok(())
}
