//! Streaming JSON Lines: documents in, events out, a small chunk of documents in memory at a
//! time.

use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{mpsc, Arc, Mutex};

use super::extract::EventExtractor;
use super::types::{write_json_lines, Event, Report};
use crate::error::{Error, Result};
use crate::jsonl::for_each_record;

/// What happened to one input line, for progress reporting.
#[derive(Debug)]
pub enum LineOutcome {
    /// The document gave this many events (written already).
    Events(usize),
    /// The line was skipped: not a document, or extraction failed on it.
    Skipped(Error),
}

/// Totals of a [`run_json_lines`] call.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BatchStats {
    /// Documents read and processed.
    pub documents: usize,
    /// Events written.
    pub events: usize,
    /// Lines skipped (bad JSON, missing fields, empty text, failed extraction).
    pub skipped: usize,
}

/// Read documents `{"id", "text", "date"?}` as JSON Lines from `input`, write their events
/// as JSON Lines to `output`, and call `on_line(line_number, outcome)` after each
/// non-blank line (1-based numbers).
///
/// A bad line (not valid UTF-8, not JSON, not a document, or extraction failed) is reported
/// through `on_line` and skipped; only I/O errors on `input` or `output` end the run.
/// Documents are extracted [`CHUNK`] at a time, so that the entity model sees full batches;
/// memory is bounded by a chunk of documents, and events and `on_line` calls come in input
/// order.
///
/// ```
/// use reportage::events::{run_json_lines, EventExtractor, LineOutcome};
/// let input = "{\"id\": \"a\", \"text\": \"Rebels attacked Syrian troops near Idlib.\"}\nnot json\n";
/// let mut out = Vec::new();
/// let mut bad = Vec::new();
/// let stats = run_json_lines(&EventExtractor::default(), input.as_bytes(), &mut out, |n, o| {
///     if let LineOutcome::Skipped(e) = o { bad.push((n, e.to_string())); }
/// }).unwrap();
/// assert_eq!((stats.documents, stats.events, stats.skipped), (1, 1, 1));
/// assert_eq!(bad[0].0, 2);
/// assert_eq!(String::from_utf8(out).unwrap().lines().count(), 1);
/// ```
pub fn run_json_lines<R: BufRead, W: Write>(
    extractor: &EventExtractor,
    input: R,
    output: W,
    on_line: impl FnMut(usize, LineOutcome),
) -> Result<BatchStats> {
    let mut sink = Sink::new(output, on_line);
    let mut chunk: Chunk = Vec::new();
    for_each_record::<Report, _>(input, |line, report| {
        chunk.push((line, report));
        if full(&chunk) {
            sink.write(extract_chunk(extractor, std::mem::take(&mut chunk)))?;
        }
        Ok(())
    })?;
    sink.write(extract_chunk(extractor, chunk))?;
    sink.finish()
}

/// [`run_json_lines`] on `workers` threads, each with its own extractor: `make` runs once on
/// each worker thread before its first chunk (libtorch models are not `Sync`, so threads
/// cannot share one; set per-thread settings such as `tch::set_num_threads(1)` there).
/// Chunks of [`CHUNK`] documents go to whichever worker is free; events and `on_line` calls
/// still come in input order, from the calling thread, and memory stays bounded by
/// `2 × workers` chunks in flight. Output is what [`run_json_lines`] writes, the same events
/// in the same order.
///
/// On 2 cores, 2 workers with one libtorch thread each ran the default models 1.1-1.2
/// times as fast as one extractor with 2 threads (BENCHMARKS.md, "`batch`, end to end" and
/// "Scale-out").
///
/// ```
/// use reportage::events::{run_json_lines, run_json_lines_parallel, EventExtractor};
/// let input = "{\"id\": \"a\", \"text\": \"Rebels attacked Syrian troops near Idlib.\"}\n\
///              {\"id\": \"b\", \"text\": \"Police fired tear gas at protesters in Cairo.\"}\n";
/// let (mut one, mut two) = (Vec::new(), Vec::new());
/// run_json_lines(&EventExtractor::default(), input.as_bytes(), &mut one, |_, _| {}).unwrap();
/// let stats = run_json_lines_parallel(2, || Ok(EventExtractor::default()), input.as_bytes(), &mut two, |_, _| {})
///     .unwrap();
/// assert_eq!((stats.documents, stats.events), (2, 2));
/// assert_eq!(one, two);
/// ```
pub fn run_json_lines_parallel<R, W, F>(
    workers: usize,
    make: F,
    input: R,
    output: W,
    on_line: impl FnMut(usize, LineOutcome),
) -> Result<BatchStats>
where
    R: BufRead,
    W: Write,
    F: Fn() -> Result<EventExtractor> + Sync,
{
    if workers == 0 {
        return Err(Error::InvalidArgument("workers must be 1 or more".into()));
    }
    if workers == 1 {
        return run_json_lines(&make()?, input, output, on_line);
    }
    let mut sink = Sink::new(output, on_line);
    std::thread::scope(|scope| {
        let (job_tx, job_rx) = mpsc::channel::<(usize, Chunk)>();
        // Shared through an Arc, so that when every worker has stopped (its extractor
        // failed to load) the receiver is gone and sending reports it instead of blocking.
        let job_rx = Arc::new(Mutex::new(job_rx));
        let (done_tx, done_rx) = mpsc::channel::<(usize, Result<Extracted>)>();
        for _ in 0..workers {
            let (jobs, done, make) = (Arc::clone(&job_rx), done_tx.clone(), &make);
            scope.spawn(move || work(make, &jobs, &done));
        }
        drop((job_rx, done_tx));
        let mut order = InOrder::default();
        let mut receive = |sink: &mut Sink<W, _>| -> Result<()> {
            let (seq, extracted) = done_rx
                .recv()
                .map_err(|_| Error::MalformedOutput("every batch worker stopped".into()))?;
            order.waiting.insert(seq, extracted?);
            while let Some(lines) = order.waiting.remove(&order.next) {
                order.next += 1;
                sink.write(lines)?;
            }
            Ok(())
        };
        let mut submitted = 0usize;
        let mut submit = |chunk: Chunk, sink: &mut Sink<W, _>| -> Result<()> {
            // Wait for a result before sending more than two chunks per worker ahead of
            // the output, so that one slow chunk cannot pile up everything after it.
            while submitted - sink.chunks >= 2 * workers {
                receive(sink)?;
            }
            if job_tx.send((submitted, chunk)).is_err() {
                // Every worker is gone: the first of them has sent why.
                return receive(sink);
            }
            submitted += 1;
            Ok(())
        };
        let mut chunk: Chunk = Vec::new();
        for_each_record::<Report, _>(input, |line, report| {
            chunk.push((line, report));
            if full(&chunk) {
                submit(std::mem::take(&mut chunk), &mut sink)?;
            }
            Ok(())
        })?;
        if !chunk.is_empty() {
            submit(chunk, &mut sink)?;
        }
        while sink.chunks < submitted {
            receive(&mut sink)?;
        }
        Ok::<_, Error>(())
        // Returning drops the job sender: idle workers see the channel close and stop.
    })?;
    sink.finish()
}

/// Lines of input with their parsed documents, or why a line is not one.
type Chunk = Vec<(usize, Result<Report>)>;
/// Each line of a chunk with its events, or why it was skipped.
type Extracted = Vec<(usize, Result<Vec<Event>>)>;

/// A chunk is sent on once it holds [`CHUNK`] good documents.
fn full(chunk: &Chunk) -> bool {
    chunk.iter().filter(|(_, r)| r.is_ok()).count() >= CHUNK
}

/// One worker of [`run_json_lines_parallel`]: its own extractor, then chunks until the
/// input ends or the writer stops.
fn work(
    make: &(impl Fn() -> Result<EventExtractor> + Sync),
    jobs: &Mutex<mpsc::Receiver<(usize, Chunk)>>,
    done: &mpsc::Sender<(usize, Result<Extracted>)>,
) {
    let extractor = match make() {
        Ok(x) => x,
        Err(e) => {
            let _ = done.send((usize::MAX, Err(e)));
            return;
        }
    };
    loop {
        let job = match jobs.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => return,
        };
        let Ok((seq, chunk)) = job else { return };
        // A panic must come back as an error: the writer waits for every chunk in order.
        let extracted = catch_unwind(AssertUnwindSafe(|| extract_chunk(&extractor, chunk)))
            .map_err(|_| Error::MalformedOutput("a batch worker panicked".into()));
        if done.send((seq, extracted)).is_err() {
            return;
        }
    }
}

/// Results that came back before those of earlier chunks.
#[derive(Default)]
struct InOrder {
    next: usize,
    waiting: BTreeMap<usize, Extracted>,
}

/// Where extracted lines go: events to the output, outcomes to `on_line`, counts to the
/// totals.
struct Sink<W, F> {
    output: W,
    on_line: F,
    stats: BatchStats,
    /// Chunks written so far.
    chunks: usize,
}

impl<W: Write, F: FnMut(usize, LineOutcome)> Sink<W, F> {
    fn new(output: W, on_line: F) -> Self {
        Sink {
            output,
            on_line,
            stats: BatchStats::default(),
            chunks: 0,
        }
    }

    fn write(&mut self, lines: Extracted) -> Result<()> {
        self.chunks += 1;
        for (line, outcome) in lines {
            match outcome {
                Ok(events) => {
                    self.stats.documents += 1;
                    self.stats.events += events.len();
                    write_json_lines(&mut self.output, &events)?;
                    (self.on_line)(line, LineOutcome::Events(events.len()));
                }
                Err(e) => {
                    self.stats.skipped += 1;
                    (self.on_line)(line, LineOutcome::Skipped(e));
                }
            }
        }
        Ok(())
    }

    fn finish(mut self) -> Result<BatchStats> {
        self.output.flush().map_err(|e| Error::io("<output>", e))?;
        Ok(self.stats)
    }
}

/// Documents extracted together: their sentences reach each model in one call, sorted by
/// length so that batches pad little. 64 documents of a few sentences keep memory small
/// and output flowing; the type classifier took a sixth less time on them than on 16
/// (BENCHMARKS.md, "`batch`, end to end").
pub const CHUNK: usize = 64;

/// The events of each line of a chunk, in line order. The good documents run as one
/// [`EventExtractor::extract_batch`]; if that fails, each runs alone, so only the document
/// at fault is skipped.
fn extract_chunk(extractor: &EventExtractor, chunk: Chunk) -> Extracted {
    // Good documents move into one batch; each line keeps its place and its parse error.
    let mut reports = Vec::new();
    let mut lines = Vec::with_capacity(chunk.len());
    for (line, report) in chunk {
        match report {
            Ok(r) => {
                reports.push(r);
                lines.push((line, None));
            }
            Err(e) => lines.push((line, Some(e))),
        }
    }
    let mut together = match extractor.extract_batch(&reports) {
        Ok(events) => events.into_iter().map(Ok).collect::<Vec<_>>(),
        Err(_) => reports.iter().map(|r| extractor.extract(r)).collect(),
    }
    .into_iter();
    lines
        .into_iter()
        .map(|(line, error)| {
            let outcome = match error {
                Some(e) => Err(e),
                // One result per good report, in order.
                None => together.next().unwrap_or_else(|| {
                    Err(Error::MalformedOutput("a document lost its events".into()))
                }),
            };
            (line, outcome)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_lines_are_numbered_and_skipped() {
        let input = concat!(
            "{\"id\": \"a\", \"text\": \"Police fired tear gas at protesters in Cairo.\", \"date\": \"2019-09-20\"}\n",
            "\n",
            "{\"id\": \"b\"}\n",
            "{\"id\": \"c\", \"text\": \"  \"}\n",
            "{\"id\": \"d\", \"text\": \"x\", \"date\": \"2019-02-30\"}\n",
            "[1, 2]\n",
            "{\"id\": \"e\", \"text\": \"The weather was mild.\"}\n",
        );
        let mut out = Vec::new();
        let mut skipped = Vec::new();
        let stats = run_json_lines(
            &EventExtractor::default(),
            input.as_bytes(),
            &mut out,
            |n, o| {
                if let LineOutcome::Skipped(_) = o {
                    skipped.push(n);
                }
            },
        )
        .unwrap();
        assert_eq!(skipped, [3, 4, 5, 6]);
        assert_eq!(
            stats,
            BatchStats {
                documents: 2,
                events: 1,
                skipped: 4
            }
        );
        let line = String::from_utf8(out).unwrap();
        let event: super::super::Event = serde_json::from_str(line.trim()).unwrap();
        assert_eq!(event.report_id, "a");
        assert_eq!(event.date.as_deref(), Some("2019-09-20"));
    }

    #[test]
    fn a_line_that_is_not_utf8_is_skipped_and_later_lines_still_run() {
        let mut input =
            b"{\"id\": \"a\", \"text\": \"Rebels attacked Syrian troops near Idlib.\"}\n".to_vec();
        input.extend_from_slice(b"{\"id\": \"latin1\", \"text\": \"Caf\xe9 shelled in Homs.\"}\n");
        input.extend_from_slice(
            b"{\"id\": \"c\", \"text\": \"Police fired tear gas at protesters in Cairo.\"}\n",
        );
        let mut out = Vec::new();
        let mut skipped = Vec::new();
        let stats = run_json_lines(&EventExtractor::default(), &input[..], &mut out, |n, o| {
            if let LineOutcome::Skipped(e) = o {
                skipped.push((n, e.to_string()));
            }
        })
        .unwrap();
        assert_eq!(skipped.len(), 1);
        assert_eq!(skipped[0].0, 2);
        assert!(skipped[0].1.contains("UTF-8"), "{}", skipped[0].1);
        assert_eq!((stats.documents, stats.skipped), (2, 1));
        let mut ids: Vec<String> = String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|l| {
                serde_json::from_str::<super::super::Event>(l)
                    .unwrap()
                    .report_id
            })
            .collect();
        ids.dedup();
        assert_eq!(ids, ["a", "c"]);
    }

    /// Several chunks' worth of documents, some lines bad: the parallel run writes exactly
    /// what the sequential one writes, and reports the same lines in the same order.
    #[test]
    fn parallel_output_equals_sequential() {
        let texts = [
            "Rebels attacked Syrian troops near Idlib.",
            "Police fired tear gas at protesters in Cairo.",
            "The weather was mild.",
            "Turkey and Russia signed an agreement in Moscow on Monday.",
        ];
        let mut input = String::new();
        for i in 0..(3 * CHUNK + 5) {
            if i % 37 == 5 {
                input.push_str("not json\n");
            }
            input.push_str(&format!(
                "{{\"id\": \"d{i}\", \"text\": \"{}\"}}\n",
                texts[i % texts.len()]
            ));
        }
        let run = |workers: usize| {
            let mut out = Vec::new();
            let mut lines = Vec::new();
            let stats = run_json_lines_parallel(
                workers,
                || Ok(EventExtractor::default()),
                input.as_bytes(),
                &mut out,
                |n, o| lines.push((n, matches!(o, LineOutcome::Skipped(_)))),
            )
            .unwrap();
            (out, lines, stats)
        };
        let (out1, lines1, stats1) = run(1);
        assert!(
            stats1.events > 2 * CHUNK && stats1.skipped == 6,
            "{stats1:?}"
        );
        for workers in [2, 3] {
            let (out, lines, stats) = run(workers);
            assert_eq!(stats, stats1);
            assert_eq!(lines, lines1);
            assert!(out == out1, "{workers} workers wrote other events");
        }
    }

    /// A worker whose extractor cannot be built ends the run with that error: no hang, no
    /// partial success.
    #[test]
    fn parallel_run_reports_a_failed_extractor() {
        let input = "{\"id\": \"a\", \"text\": \"Rebels attacked Syrian troops near Idlib.\"}\n"
            .repeat(3 * CHUNK);
        let mut out = Vec::new();
        let result = run_json_lines_parallel(
            2,
            || Err(Error::InvalidArgument("no models here".into())),
            input.as_bytes(),
            &mut out,
            |_, _| {},
        );
        assert!(
            matches!(&result, Err(Error::InvalidArgument(m)) if m == "no models here"),
            "{result:?}"
        );
        assert!(run_json_lines_parallel(
            0,
            || Ok(EventExtractor::default()),
            input.as_bytes(),
            &mut out,
            |_, _| {}
        )
        .is_err());
    }
}
