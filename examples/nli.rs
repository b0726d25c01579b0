//! Natural language inference over JSON Lines: `{"id"?, "premise", "hypothesis"}` in,
//! `{"id", "label": "entailment"|"neutral"|"contradiction", "scores": {...}}` out.
//!
//! ```sh
//! cargo run --release --example nli -- [--model NAME] [--batch-size N] < pairs.jsonl > labels.jsonl
//! ```
//!
//! `--model` takes any registry model of task `zero-shot` (default `nli-default`); `scores`
//! holds the probability of every label of the model. A line that is not valid UTF-8, not
//! JSON, or lacks `premise`/`hypothesis` (or has an empty one) is reported on stderr with
//! its number and skipped; an `id` defaults to the line number. Progress goes to stderr.

#[cfg(feature = "torch")]
fn main() -> reportage::Result<()> {
    use std::cell::Cell;
    use std::io::Write;

    use reportage::stance::ZeroShotClassifier;
    use reportage::{Device, Error, ModelRegistry};

    #[derive(serde::Deserialize)]
    struct Pair {
        #[serde(default)]
        id: Option<serde_json::Value>,
        premise: String,
        hypothesis: String,
    }

    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1).cloned())
    };
    let batch_size: usize = match flag("--batch-size") {
        Some(n) => n
            .parse()
            .map_err(|_| Error::Config(format!("--batch-size {n}: not a number")))?,
        None => 32,
    };
    let name = flag("--model").unwrap_or_else(|| "nli-default".into());
    reportage::models::tune_malloc();
    let registry = ModelRegistry::load_default()?;
    let model = ZeroShotClassifier::new(&registry.resolve(&name)?, Device::Cpu)?
        .with_batch_size(batch_size)?;
    let labels = model.model_labels().to_vec();
    let io = |e: std::io::Error| Error::Io {
        path: "<stdout>".into(),
        source: e,
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let (done, skipped) = (Cell::new(0usize), Cell::new(0usize));
    reportage::jsonl::for_each_batch::<Pair, _>(
        std::io::stdin().lock(),
        batch_size,
        |group| {
            let pairs: Vec<(&str, &str)> = group
                .iter()
                .map(|(_, p)| (p.premise.as_str(), p.hypothesis.as_str()))
                .collect();
            // An empty premise fails its batch; then score one by one and skip only it.
            let results = match model.nli_probabilities(&pairs) {
                Ok(r) => r.into_iter().map(Ok).collect(),
                Err(_) => pairs
                    .iter()
                    .map(|&p| model.nli_probabilities(&[p]).map(|mut v| v.remove(0)))
                    .collect::<Vec<_>>(),
            };
            for ((line, pair), result) in group.iter().zip(results) {
                match result {
                    Ok(probs) => {
                        let best = (0..probs.len())
                            .max_by(|&a, &b| probs[a].total_cmp(&probs[b]))
                            .unwrap_or(0);
                        let scores: serde_json::Map<String, serde_json::Value> = labels
                            .iter()
                            .zip(&probs)
                            .map(|(l, p)| (l.clone(), serde_json::json!(p)))
                            .collect();
                        let id = pair.id.clone().unwrap_or_else(|| serde_json::json!(line));
                        let record = serde_json::json!({
                            "id": id, "label": labels[best], "scores": scores
                        });
                        writeln!(out, "{record}").map_err(io)?;
                        done.set(done.get() + 1);
                    }
                    Err(e) => {
                        skipped.set(skipped.get() + 1);
                        eprintln!("\nline {line}: skipped: {e}");
                    }
                }
            }
            eprint!("\r{} pairs, {} skipped", done.get(), skipped.get());
            Ok(())
        },
        |_, e| {
            // The error names its line already.
            skipped.set(skipped.get() + 1);
            eprintln!("\n{e}: skipped");
        },
    )?;
    out.flush().map_err(io)?;
    eprintln!(
        "\n{} pairs written, {} lines skipped",
        done.get(),
        skipped.get()
    );
    Ok(())
}

#[cfg(not(feature = "torch"))]
fn main() {
    eprintln!("the nli example needs the `torch` feature (an NLI model runs through libtorch)");
    std::process::exit(2);
}
