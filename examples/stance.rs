//! Stance alone: the report's stance toward each actor its events name (or toward the
//! targets given after the file: `cargo run --example stance -- FILE "Russia" "the UN"`).
//!
//! ```sh
//! cargo run --example stance [-- FILE|- [TARGET...]]
//! ```
//! Stance needs a model: without the `torch` feature there is none, and the example says
//! so and lists the targets it would score.

mod common;

use std::collections::BTreeSet;

use reportage::events::Report;

fn main() -> reportage::Result<()> {
    let (id, text) = common::report_from_args()?;
    let mut targets: BTreeSet<String> = std::env::args().skip(2).collect();
    if targets.is_empty() {
        let events = common::extractor()?.extract(&Report::new(id, text.clone()))?;
        targets = events
            .iter()
            .flat_map(|e| e.actors().map(|a| a.text.clone()))
            .collect();
    }
    let Some(detector) = common::stance_detector()? else {
        eprintln!(
            "no stance model in this build (run with the `torch` feature and the default \
             models); targets that would be scored:"
        );
        for t in &targets {
            println!("{t}");
        }
        return Ok(());
    };
    let pairs: Vec<(&str, &str)> = targets
        .iter()
        .map(|t| (text.as_str(), t.as_str()))
        .collect();
    for ((_, target), s) in pairs.iter().zip(detector.detect_batch(&pairs)?) {
        println!("{:<9} {:.2}  {target}", s.stance.as_str(), s.score);
    }
    Ok(())
}
