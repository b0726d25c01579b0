//! Stance toward targets, two ways.
//!
//! ```sh
//! # the report's stance toward each actor its events name (or the targets given), with the
//! # sentences it was read from
//! cargo run --release --example stance [-- FILE|- [TARGET...]]
//! # JSON Lines: {"id"?, "text", "target"} in, {"id", "stance", "scores"} out
//! cargo run --release --example stance -- --jsonl [--model NAME] [--batch-size N] < pairs.jsonl
//! ```
//!
//! `--model` takes any registry model of task `stance` (a fine-tuned classifier, default
//! `stance-default`) or `zero-shot` (an NLI model such as `nli-default`, scored with the
//! default hypothesis templates). In JSON Lines mode a line that is not valid UTF-8, not
//! JSON, or lacks `text`/`target` is reported on stderr with its number and skipped; an `id`
//! defaults to the line number. Progress goes to stderr.

mod common;

use std::collections::BTreeSet;

use reportage::events::Report;
use reportage::stance::{document_stance, Mentions, Target};
use reportage::{Error, SentenceSplitter};

fn main() -> reportage::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--jsonl") {
        return jsonl(&args);
    }
    report(&args)
}

fn flag(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

/// The stance of one report toward targets, read from the sentences that mention each.
fn report(args: &[String]) -> reportage::Result<()> {
    let (id, text) = common::report_from_args()?;
    let mut targets: BTreeSet<String> = args.iter().skip(1).cloned().collect();
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
    let splitter = SentenceSplitter::new();
    for t in &targets {
        let target = Target::new(t.clone());
        match document_stance(
            detector.as_ref(),
            &splitter,
            &text,
            &target,
            Mentions::StringMatch,
        )? {
            None => println!("{:<9}       {t}  (not mentioned)", "-"),
            Some(doc) => {
                println!("{:<9} {:.2}  {t}", doc.stance.as_str(), doc.score);
                for e in &doc.evidence {
                    println!(
                        "    {:<9} {:.2}  {}",
                        e.scores.stance.as_str(),
                        e.scores.score,
                        e.sentence
                    );
                }
            }
        }
    }
    Ok(())
}

#[derive(serde::Deserialize)]
struct Pair {
    #[serde(default)]
    id: Option<serde_json::Value>,
    text: String,
    target: String,
}

fn jsonl(args: &[String]) -> reportage::Result<()> {
    let batch_size = match flag(args, "--batch-size") {
        Some(n) => n
            .parse()
            .map_err(|_| Error::InvalidArgument(format!("--batch-size {n}: not a number")))?,
        None => 32,
    };
    let detector = common::stance_detector_named(
        flag(args, "--model").as_deref().unwrap_or("stance-default"),
    )?;
    common::score_json_lines::<Pair>(
        batch_size,
        |pairs| {
            let pairs: Vec<(&str, &str)> = pairs
                .iter()
                .map(|p| (p.text.as_str(), p.target.as_str()))
                .collect();
            Ok(detector
                .detect_batch(&pairs)?
                .into_iter()
                .map(|s| {
                    let scores: serde_json::Map<String, serde_json::Value> = s
                        .scores
                        .iter()
                        .map(|(st, p)| (st.as_str().to_string(), serde_json::json!(p)))
                        .collect();
                    serde_json::json!({ "stance": s.stance.as_str(), "scores": scores })
                })
                .collect())
        },
        |p| p.id.clone(),
    )
}
