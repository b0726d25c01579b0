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

mod common;

#[cfg(feature = "torch")]
fn main() -> reportage::Result<()> {
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
            .map_err(|_| Error::InvalidArgument(format!("--batch-size {n}: not a number")))?,
        None => 32,
    };
    let name = flag("--model").unwrap_or_else(|| "nli-default".into());
    reportage::torch::tune_malloc();
    let registry = ModelRegistry::load_default()?;
    let model = ZeroShotClassifier::new(&registry.resolve(&name)?, Device::Cpu)?
        .with_batch_size(batch_size)?;
    let labels = model.model_labels().to_vec();
    common::score_json_lines::<Pair>(
        batch_size,
        |pairs| {
            let pairs: Vec<(&str, &str)> = pairs
                .iter()
                .map(|p| (p.premise.as_str(), p.hypothesis.as_str()))
                .collect();
            Ok(model
                .nli_probabilities(&pairs)?
                .into_iter()
                .map(|probs| {
                    let best = (0..probs.len())
                        .max_by(|&a, &b| probs[a].total_cmp(&probs[b]))
                        .unwrap_or(0);
                    let scores: serde_json::Map<String, serde_json::Value> = labels
                        .iter()
                        .zip(&probs)
                        .map(|(l, p)| (l.clone(), serde_json::json!(p)))
                        .collect();
                    serde_json::json!({ "label": labels[best], "scores": scores })
                })
                .collect())
        },
        |p| p.id.clone(),
    )
}

#[cfg(not(feature = "torch"))]
fn main() {
    eprintln!("the nli example needs the `torch` feature (an NLI model runs through libtorch)");
    std::process::exit(2);
}
