//! Sentence splitting alone: each sentence of a report with its byte span.
//!
//! ```sh
//! cargo run --example sentences [-- FILE|-]
//! ```

mod common;

use reportage::{SentenceSegmentation, SentenceSplitter};

fn main() -> reportage::Result<()> {
    let (_, text) = common::report_from_args()?;
    let splitter = SentenceSplitter::new();
    for (i, s) in splitter.split(&text).iter().enumerate() {
        println!(
            "{i:>3} {:>5}..{:<5} {}",
            s.span.start,
            s.span.end,
            s.text.replace('\n', " ")
        );
    }
    Ok(())
}
