//! JSON Lines in, JSON Lines out: one document `{"id", "text", "date"?}` per input line,
//! one event per output line, progress on stderr.
//!
//! ```sh
//! cargo build --release --example batch          # add --no-default-features without libtorch
//! target/release/examples/batch < docs.jsonl > events.jsonl
//! ```
//!
//! Options: `--roles NAME|none` picks the event role tagger (default `roles-plover` with
//! the torch feature; `none` leaves roles to the rules), `--role-merge tagger-first|fill-gaps`
//! how its actors combine with the rules' (see `reportage::events::RoleMerge`),
//! `--aggregation viterbi|first|...` how the token classifiers read words (default the
//! preset's, `viterbi`; `first` gives the scores recorded before 2026-11-28), and
//! `--classifier NAME|none` the event type classifier (default `events-default`; `none`
//! for the trigger lexicon alone), `--stance NAME|none` the stance model (default
//! `stance-default`; `none` for events without stance, faster), `--backend
//! rust-bert|fp32|int8` the forward pass of every model (`reportage::torch::Backend`; int8
//! is faster and a little less accurate: BENCHMARKS.md), `--encoder separate|shared` whether
//! `ner-default` and `events-default` each read every sentence (`separate`, the default) or
//! one model, `entities-events-default`, reads it once for both (`shared`: 1.5-1.7 times as
//! fast, a little less accurate), and `--workers N` how many threads
//! extract at once, each with its own models and one libtorch thread (default 1, with
//! libtorch's own threads; `--workers 2` on 2 cores is faster still, at twice the memory).
//!
//! Documents are read, processed and written a chunk at a time
//! (`reportage::events::CHUNK` documents), so memory stays bounded whatever the input size. A line that is not a valid document (bad JSON,
//! missing `id`/`text`, empty text, a bad `date`) is reported on stderr with its line number
//! and skipped; the exit status is 0 unless stdin or stdout fail. Output order follows input
//! order; each event carries its `report_id`.
//!
//! It is a plain Unix filter, so it scales out with the usual tools (build once, ship the
//! binary; with `torch`, also the models directory and libtorch):
//!
//! - GNU parallel, 8 processes of one libtorch thread each, 1000 lines per chunk, order kept:
//!   `OMP_NUM_THREADS=1 parallel --pipe -N1000 --keep-order -j8 target/release/examples/batch < docs.jsonl > events.jsonl`
//!   (libtorch's threads spin while they wait: several multi-threaded processes on the
//!   same cores slow each other down many times over).
//! - Spark: `scripts/spark_events.py` streams every partition through one process (it
//!   starts `batch` itself: `RDD.pipe` would run it with an empty environment). Quiet the
//!   progress bar with `REPORTAGE_PROGRESS=0`.
//! - Slurm array job: split the input (`split -n l/64 -d docs.jsonl part-`), then
//!   `#SBATCH --array=0-63` and
//!   `target/release/examples/batch < part-$(printf %02d $SLURM_ARRAY_TASK_ID) > events-$SLURM_ARRAY_TASK_ID.jsonl`.

mod common;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use reportage::events::{run_json_lines_parallel, LineOutcome};
use reportage::Error;

fn main() -> reportage::Result<()> {
    let mut options = common::ExtractorOptions::default();
    let mut workers = 1usize;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args
            .next()
            .ok_or_else(|| Error::InvalidArgument(format!("{flag} needs a value")))?;
        if flag == "--workers" {
            workers = value.parse().ok().filter(|&n| n > 0).ok_or_else(|| {
                Error::InvalidArgument(format!("--workers {value}: expected 1 or more"))
            })?;
        } else if !options.set(&flag, &value)? {
            return Err(Error::InvalidArgument(format!(
                "unknown option {flag} ({}, --workers N)",
                common::ExtractorOptions::USAGE
            )));
        }
    }
    if workers > 1 {
        // Models load on the worker threads; `tune_malloc` wants to run before any thread
        // starts.
        #[cfg(feature = "torch")]
        reportage::torch::tune_malloc();
    }
    let make = || {
        // One libtorch thread per worker: the workers are the parallelism. (The setting
        // belongs to the calling thread under OpenMP, so each worker makes it.)
        #[cfg(feature = "torch")]
        if workers > 1 {
            tch::set_num_threads(1);
        }
        common::extractor_with(&options)
    };
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
    let stats = run_json_lines_parallel(
        workers,
        make,
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
