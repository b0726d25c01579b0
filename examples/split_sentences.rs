//! Split text into sentences from the command line (no libtorch needed).
//!
//! ```sh
//! cargo run --release --no-default-features --example split_sentences < report.txt
//! # one JSON array of sentences per TSV case (for benches/sentence_peers.py):
//! cargo run --release --no-default-features --example split_sentences -- --tsv tests/data/sentences/golden.tsv
//! # sentences per second on a file, timed in-process:
//! cargo run --release --no-default-features --example split_sentences -- --time corpus.txt
//! ```

use std::io::Read;
use std::time::Instant;

use reportage::sentences::{SentenceSegmentation, SentenceSplitter};

#[path = "../tests/support/golden_tsv.rs"]
mod golden_tsv;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let splitter = SentenceSplitter::new();
    match args.first().map(String::as_str) {
        Some("--tsv") => {
            let data = std::fs::read_to_string(args.get(1).ok_or("--tsv needs a file")?)?;
            for case in golden_tsv::parse(&data) {
                let texts: Vec<&str> = splitter.split(&case.text).iter().map(|s| s.text).collect();
                println!("{}", serde_json::to_string(&texts)?);
            }
        }
        Some("--time") => {
            let text = std::fs::read_to_string(args.get(1).ok_or("--time needs a file")?)?;
            let mut best = f64::MAX;
            let mut count = 0;
            for _ in 0..20 {
                let t = Instant::now();
                count = splitter.split(&text).len();
                best = best.min(t.elapsed().as_secs_f64());
            }
            println!(
                "{{\"sentences\": {count}, \"seconds\": {best}, \"sentences_per_s\": {}, \"mb_per_s\": {}}}",
                count as f64 / best,
                text.len() as f64 / best / 1e6
            );
        }
        _ => {
            let mut text = String::new();
            std::io::stdin().read_to_string(&mut text)?;
            for s in splitter.split(&text) {
                println!(
                    "{}\t{}\t{}",
                    s.span.start,
                    s.span.end,
                    s.text.replace('\n', " ")
                );
            }
        }
    }
    Ok(())
}
