//! JSON Lines input that keeps going past bad lines.
//!
//! Every command-line tool of the crate (events `batch`, the `stance` and `nli` examples,
//! `evaluate`) reads records one per line. A line that is not valid UTF-8, not JSON, or not
//! the record expected is reported with its 1-based number and skipped; only a failure to
//! read the input itself ends the run. Lines are read as bytes, so one bad byte costs one
//! line, never the rest of the input.

use std::io::BufRead;

use serde::de::DeserializeOwned;

use crate::error::{Error, Result};

/// Call `each(line_number, record)` for every non-blank line of `input`, parsed as `T`.
///
/// `record` is `Err(Error::InvalidLine { .. })` for a line that is not UTF-8 or does not
/// parse as `T`; what to do with it is the caller's choice (the tools report and skip). The
/// returned error is an I/O failure on `input`, or an error `each` returned to stop early.
///
/// ```
/// use reportage::jsonl::for_each_record;
/// #[derive(serde::Deserialize)]
/// struct Pair { text: String }
/// let input: &[u8] = b"{\"text\": \"a\"}\n\xff\xfe\n\n{\"text\": \"b\"}\nnot json\n";
/// let mut seen = Vec::new();
/// for_each_record::<Pair, _>(input, |line, record| {
///     seen.push((line, record.map(|p| p.text).map_err(|e| e.to_string())));
///     Ok(())
/// }).unwrap();
/// assert_eq!(seen[0], (1, Ok("a".to_string())));
/// assert!(seen[1].1.as_ref().unwrap_err().contains("line 2: not valid UTF-8"));
/// assert_eq!(seen[2], (4, Ok("b".to_string())));
/// assert_eq!(seen[3].0, 5);
/// assert_eq!(seen.len(), 4);
/// ```
pub fn for_each_record<T, R>(
    mut input: R,
    mut each: impl FnMut(usize, Result<T>) -> Result<()>,
) -> Result<()>
where
    T: DeserializeOwned,
    R: BufRead,
{
    let mut buf = Vec::new();
    let mut number = 0usize;
    loop {
        buf.clear();
        let n = input
            .read_until(b'\n', &mut buf)
            .map_err(|e| Error::io("<input>", e))?;
        if n == 0 {
            return Ok(());
        }
        number += 1;
        let record = match std::str::from_utf8(&buf) {
            Err(e) => Err(Error::InvalidLine {
                line: number,
                message: format!("not valid UTF-8 ({e})"),
            }),
            Ok(text) if text.trim().is_empty() => continue,
            Ok(text) => serde_json::from_str::<T>(text).map_err(|e| Error::InvalidLine {
                line: number,
                message: e.to_string(),
            }),
        };
        each(number, record)?;
    }
}

/// Like [`for_each_record`], but hands the good records to `batch` in groups of up to
/// `batch_size` (each with its line number), so a model can score them in one forward pass;
/// bad lines go to `bad` as they come. The last group may be smaller.
///
/// ```
/// use reportage::jsonl::for_each_batch;
/// let input: &[u8] = b"1\n2\nx\n3\n";
/// let (mut groups, mut bad) = (Vec::new(), Vec::new());
/// for_each_batch::<u32, _>(input, 2, |g| { groups.push(g); Ok(()) }, |n, _| bad.push(n)).unwrap();
/// assert_eq!(groups, vec![vec![(1, 1), (2, 2)], vec![(4, 3)]]);
/// assert_eq!(bad, [3]);
/// ```
pub fn for_each_batch<T, R>(
    input: R,
    batch_size: usize,
    mut batch: impl FnMut(Vec<(usize, T)>) -> Result<()>,
    mut bad: impl FnMut(usize, Error),
) -> Result<()>
where
    T: DeserializeOwned,
    R: BufRead,
{
    let size = batch_size.max(1);
    let mut group = Vec::with_capacity(size);
    for_each_record::<T, _>(input, |line, record| {
        match record {
            Ok(r) => group.push((line, r)),
            Err(e) => bad(line, e),
        }
        if group.len() == size {
            batch(std::mem::take(&mut group))?;
        }
        Ok(())
    })?;
    if !group.is_empty() {
        batch(group)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Doc {
        id: String,
    }

    #[test]
    fn a_bad_byte_costs_one_line_and_numbers_stay_right() {
        let mut input = b"{\"id\": \"a\"}\r\n".to_vec();
        input.extend_from_slice(b"{\"id\": \"caf\xe9\"}\n");
        input.extend_from_slice(b"{\"id\": \"c\"}");
        let mut got = Vec::new();
        for_each_record::<Doc, _>(&input[..], |n, r| {
            got.push((n, r.map(|d| d.id).map_err(|e| e.to_string())));
            Ok(())
        })
        .unwrap();
        assert_eq!(got.len(), 3);
        assert_eq!(got[0], (1, Ok("a".into())));
        assert!(matches!(&got[1], (2, Err(m)) if m.contains("UTF-8")));
        assert_eq!(got[2], (3, Ok("c".into())));
    }

    #[test]
    fn the_callback_can_stop_the_run() {
        let input: &[u8] = b"{\"id\": \"a\"}\n{\"id\": \"b\"}\n";
        let mut n = 0;
        let err = for_each_record::<Doc, _>(input, |_, _| {
            n += 1;
            Err(Error::EmptyInput("stop"))
        });
        assert!(err.is_err());
        assert_eq!(n, 1);
    }
}
