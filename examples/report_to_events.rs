//! A report in, its events out as pretty JSON: the README's main command.
//!
//! ```sh
//! cargo run --example report_to_events                 # the bundled Aleppo report
//! cargo run --example report_to_events -- report.txt   # a file
//! cat report.txt | cargo run --example report_to_events -- -
//! ```
//! Add `--no-default-features` to run without libtorch (gazetteer entities, no stance).

mod common;

use reportage::events::{to_json, Report};

fn main() -> reportage::Result<()> {
    let (id, text) = common::report_from_args()?;
    let extractor = common::extractor()?;
    let events = extractor.extract(&Report::new(id, text))?;
    println!("{}", to_json(&events)?);
    for e in &events {
        eprintln!("{}", e.summary());
    }
    Ok(())
}
