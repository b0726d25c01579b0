//! Entity recognition alone: every entity of a report with its kind, span and score.
//!
//! ```sh
//! cargo run --example entities [-- FILE|-]
//! ```
//! Without the `torch` feature the entities come from the bundled gazetteer
//! (`GazetteerRecognizer`); with it, from the default transformer model.

mod common;

fn main() -> reportage::Result<()> {
    let (_, text) = common::report_from_args()?;
    let recognizer = common::entity_recognizer()?;
    let entities = recognizer.recognize(&text)?;
    println!("{:<6} {:>11}  {:>5}  text", "kind", "span", "score");
    for e in &entities {
        println!(
            "{:<6} {:>5}..{:<5}  {:>5.2}  {}",
            e.kind.as_str(),
            e.span.start,
            e.span.end,
            e.score,
            e.text
        );
    }
    eprintln!("{} entities", entities.len());
    Ok(())
}
