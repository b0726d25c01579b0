//! JSON Lines in, JSON Lines out: one document `{"id", "text", "date"?}` per input line,
//! one event per output line, progress on stderr.
//!
//! ```sh
//! cargo build --release --example batch          # add --no-default-features without libtorch
//! target/release/examples/batch < docs.jsonl > events.jsonl
//! ```
//!
//! Options: `--roles NAME|none` picks the event role tagger (default `roles-default` with
//! the torch feature; `none` leaves roles to the rules), `--role-merge tagger-first|fill-gaps`
//! how its actors combine with the rules' (see `reportage::events::RoleMerge`), and
//! `--classifier NAME|none` the event type classifier (default `events-default`; `none`
//! for the trigger lexicon alone), `--stance NAME|none` the stance model (default `stance-default`; `none` for events
//! without stance, several times faster).
//!
//! Documents are read, processed and written one at a time, so memory stays bounded by the
//! largest document whatever the input size. A line that is not a valid document (bad JSON,
//! missing `id`/`text`, empty text, a bad `date`) is reported on stderr with its line number
//! and skipped; the exit status is 0 unless stdin or stdout fail. Output order follows input
//! order; each event carries its `report_id`.
//!
//! It is a plain Unix filter, so it scales out with the usual tools (build once, ship the
//! binary; with `torch`, also the models directory and libtorch):
//!
//! - GNU parallel, 8 processes, 1000 lines per chunk, order kept:
//!   `parallel --pipe -N1000 --keep-order -j8 target/release/examples/batch < docs.jsonl > events.jsonl`
//! - Spark: `rdd.map(json.dumps).pipe("/path/to/batch").map(json.loads)`; every partition
//!   streams through one process. Quiet the progress bar with `REPORTAGE_PROGRESS=0`.
//! - Slurm array job: split the input (`split -n l/64 -d docs.jsonl part-`), then
//!   `#SBATCH --array=0-63` and
//!   `target/release/examples/batch < part-$(printf %02d $SLURM_ARRAY_TASK_ID) > events-$SLURM_ARRAY_TASK_ID.jsonl`.

mod common;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use reportage::events::{run_json_lines, LineOutcome};
use reportage::Error;

fn main() -> reportage::Result<()> {
    let mut options = common::ExtractorOptions::default();
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args
            .next()
            .ok_or_else(|| Error::InvalidArgument(format!("{flag} needs a value")))?;
        if !options.set(&flag, &value)? {
            return Err(Error::InvalidArgument(format!(
                "unknown option {flag} ({})",
                common::ExtractorOptions::USAGE
            )));
        }
    }
    let extractor = common::extractor_with(&options)?;
    let progress = ProgressBar::new_spinner();
    if std::env::var("REPORTAGE_PROGRESS").is_ok_and(|v| v == "0") {
        progress.set_draw_target(ProgressDrawTarget::hidden());
    }
    progress.set_style(
        ProgressStyle::with_template("{spinner} {pos} docs, {msg} [{elapsed}, {per_sec}]")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    let (mut n_events, mut n_bad) = (0usize, 0usize);
    let stdout = std::io::BufWriter::new(std::io::stdout().lock());
    let stats = run_json_lines(
        &extractor,
        std::io::stdin().lock(),
        stdout,
        |line, outcome| {
            match outcome {
                LineOutcome::Events(n) => n_events += n,
                LineOutcome::Skipped(e) => {
                    n_bad += 1;
                    progress.suspend(|| eprintln!("line {line}: skipped: {e}"));
                }
            }
            progress.inc(1);
            progress.set_message(format!("{n_events} events, {n_bad} skipped"));
        },
    )?;
    progress.finish_and_clear();
    eprintln!(
        "{} documents, {} events, {} lines skipped",
        stats.documents, stats.events, stats.skipped
    );
    Ok(())
}
