//! Throughput, latency percentiles and memory of a benchmark run.
//!
//! Percentiles interpolate linearly between the two nearest ranks, as numpy's `percentile`
//! does by default, so p50 of an even number of batches is the mean of the middle two.
//! Memory is read from Linux's `/proc/self/status`: `VmHWM` is the peak resident set of
//! the process, `VmRSS` the current one; elsewhere these are `None`.

use std::time::Duration;

use serde::Serialize;

/// The `q`-th percentile (0 to 100) of `values`, numpy's default (linear) method; `None` for
/// no values or a `q` outside 0..=100.
///
/// ```
/// use reportage::evaluation::speed::percentile;
/// assert_eq!(percentile(&[4.0, 1.0, 3.0, 2.0], 50.0), Some(2.5));
/// assert_eq!(percentile(&[1.0, 2.0, 3.0, 4.0, 5.0], 95.0), Some(4.8));
/// assert_eq!(percentile(&[], 50.0), None);
/// ```
pub fn percentile(values: &[f64], q: f64) -> Option<f64> {
    if values.is_empty() || !(0.0..=100.0).contains(&q) || values.iter().any(|v| v.is_nan()) {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let rank = q / 100.0 * (sorted.len() - 1) as f64;
    let (lo, hi) = (rank.floor() as usize, rank.ceil() as usize);
    let fraction = rank - lo as f64;
    Some(sorted[lo] + (sorted[hi] - sorted[lo]) * fraction)
}

/// How long one batch took and how many items it held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchTiming {
    pub items: usize,
    pub elapsed: Duration,
}

/// Throughput and latency over timed batches.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Latency {
    pub batches: usize,
    pub items: usize,
    /// Sum of the batches' times, in seconds.
    pub seconds: f64,
    /// Items over that time.
    pub items_per_second: f64,
    /// Per-batch latency, milliseconds.
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub mean_ms: f64,
    pub max_ms: f64,
}

impl Latency {
    /// Summarise batches; `None` if there are none or they took no measurable time.
    ///
    /// ```
    /// use std::time::Duration;
    /// use reportage::evaluation::speed::{BatchTiming, Latency};
    /// let b = |items, ms| BatchTiming { items, elapsed: Duration::from_millis(ms) };
    /// let l = Latency::from_batches(&[b(8, 100), b(8, 300), b(4, 100)]).unwrap();
    /// assert_eq!((l.items, l.p50_ms, l.max_ms), (20, 100.0, 300.0));
    /// assert!((l.items_per_second - 40.0).abs() < 1e-9);
    /// ```
    pub fn from_batches(batches: &[BatchTiming]) -> Option<Latency> {
        let ms: Vec<f64> = batches
            .iter()
            .map(|b| b.elapsed.as_secs_f64() * 1000.0)
            .collect();
        let seconds: f64 = batches.iter().map(|b| b.elapsed.as_secs_f64()).sum();
        if seconds <= 0.0 {
            return None;
        }
        let items = batches.iter().map(|b| b.items).sum();
        Some(Latency {
            batches: batches.len(),
            items,
            seconds,
            items_per_second: items as f64 / seconds,
            p50_ms: percentile(&ms, 50.0)?,
            p95_ms: percentile(&ms, 95.0)?,
            mean_ms: ms.iter().sum::<f64>() / ms.len() as f64,
            max_ms: ms.iter().copied().fold(0.0, f64::max),
        })
    }
}

/// A `kB` field of `/proc/self/status` (`VmHWM`, `VmRSS`), in bytes.
///
/// ```
/// use reportage::evaluation::speed::status_field_bytes;
/// let status = "Name:\tevaluate\nVmHWM:\t  524288 kB\nVmRSS:\t  262144 kB\n";
/// assert_eq!(status_field_bytes(status, "VmHWM"), Some(512 << 20));
/// assert_eq!(status_field_bytes(status, "VmSwap"), None);
/// ```
pub fn status_field_bytes(status: &str, key: &str) -> Option<u64> {
    status.lines().find_map(|line| {
        let rest = line.strip_prefix(key)?.strip_prefix(':')?;
        let mut parts = rest.split_whitespace();
        let value: u64 = parts.next()?.parse().ok()?;
        match parts.next() {
            Some("kB") => Some(value * 1024),
            _ => None,
        }
    })
}

fn own_status(key: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status_field_bytes(&status, key)
}

/// The peak resident memory of this process so far (`VmHWM`), in bytes.
pub fn peak_rss_bytes() -> Option<u64> {
    own_status("VmHWM")
}

/// The resident memory of this process now (`VmRSS`), in bytes.
pub fn current_rss_bytes() -> Option<u64> {
    own_status("VmRSS")
}

/// Reset the peak to the current resident memory (Linux 4.0+: `5` into
/// `/proc/self/clear_refs`), so that the next [`peak_rss_bytes`] is the peak of what runs
/// in between. Returns whether it worked.
pub fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_follow_numpy() {
        // numpy.percentile([10, 20, 30], [0, 25, 50, 95, 100])
        let v = [30.0, 10.0, 20.0];
        let got: Vec<f64> = [0.0, 25.0, 50.0, 95.0, 100.0]
            .iter()
            .map(|&q| percentile(&v, q).unwrap())
            .collect();
        let want = [10.0, 15.0, 20.0, 29.0, 30.0];
        for (g, w) in got.iter().zip(want) {
            assert!((g - w).abs() < 1e-12, "{got:?}");
        }
        assert_eq!(percentile(&[7.0], 95.0), Some(7.0));
        assert_eq!(percentile(&v, 101.0), None);
        assert_eq!(percentile(&[f64::NAN], 50.0), None);
        assert!(Latency::from_batches(&[]).is_none());
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn this_process_has_a_peak() {
        // Two reads can see memory move in between, so only their presence is checked.
        assert!(peak_rss_bytes().unwrap() > 0);
        assert!(current_rss_bytes().unwrap() > 0);
    }
}
