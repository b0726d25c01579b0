//! Streaming JSON Lines: documents in, events out, a small chunk of documents in memory at a
//! time.

use std::io::{BufRead, Write};

use super::extract::EventExtractor;
use super::types::{write_json_lines, Report};
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
    mut output: W,
    mut on_line: impl FnMut(usize, LineOutcome),
) -> Result<BatchStats> {
    let mut stats = BatchStats::default();
    let mut chunk: Vec<(usize, Result<Report>)> = Vec::new();
    let mut flush = |chunk: &mut Vec<(usize, Result<Report>)>, output: &mut W| -> Result<()> {
        for (line, outcome) in extract_chunk(extractor, std::mem::take(chunk)) {
            match outcome {
                Ok(events) => {
                    stats.documents += 1;
                    stats.events += events.len();
                    write_json_lines(&mut *output, &events)?;
                    on_line(line, LineOutcome::Events(events.len()));
                }
                Err(e) => {
                    stats.skipped += 1;
                    on_line(line, LineOutcome::Skipped(e));
                }
            }
        }
        Ok(())
    };
    for_each_record::<Report, _>(input, |line, report| {
        chunk.push((line, report));
        if chunk.iter().filter(|(_, r)| r.is_ok()).count() >= CHUNK {
            flush(&mut chunk, &mut output)?;
        }
        Ok(())
    })?;
    flush(&mut chunk, &mut output)?;
    output.flush().map_err(|e| Error::io("<output>", e))?;
    Ok(stats)
}

/// Documents extracted together: their sentences reach the entity model in one call.
/// Small, so memory stays bounded by a few documents and output keeps flowing.
pub const CHUNK: usize = 16;

/// The events of each line of a chunk, in line order. The good documents run as one
/// [`EventExtractor::extract_batch`]; if that fails, each runs alone, so only the document
/// at fault is skipped.
fn extract_chunk(
    extractor: &EventExtractor,
    chunk: Vec<(usize, Result<Report>)>,
) -> Vec<(usize, Result<Vec<super::types::Event>>)> {
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
}
