//! Running transformer models: the layer between the registry ([`crate::models`]) and the
//! recognizers and detectors built on models ([`crate::entities`], [`crate::stance`]).
//!
//! With the `torch` feature it holds, crate-private, the checked loading of weights and
//! tokenizers for every architecture the registry names, and the one batch runner both
//! entity recognition and stance use: inputs sorted by length so that batches pad little,
//! the forward pass with any libtorch panic caught and returned as an [`Error`], and the
//! softmax from logits to probabilities; and the crate's own BERT forward pass (fp32 or
//! int8 weights) that [`Backend`] selects instead of rust-bert's. Public here are the pieces
//! that need no libtorch: [`Backend`], [`tune_malloc`], [`softmax_rows`] and
//! [`sigmoid_each`].

mod backend;
#[cfg(feature = "torch")]
mod bert;
mod malloc;
#[cfg(feature = "torch")]
pub(crate) mod model;
#[cfg(feature = "torch")]
pub(crate) mod runner;

pub use backend::Backend;
pub use malloc::tune_malloc;

#[cfg(feature = "torch")]
use crate::Error;

/// Softmax over each row of `n_labels` logits, in place, shifted by the row maximum as
/// `transformers` does.
///
/// ```
/// let mut rows = vec![0.0, 0.0, 1.0, 1.0, 1.0, 1.0];
/// reportage::torch::softmax_rows(&mut rows, 2);
/// assert_eq!(rows, [0.5; 6]);
/// ```
pub fn softmax_rows(logits: &mut [f32], n_labels: usize) {
    if n_labels == 0 {
        return;
    }
    for row in logits.chunks_mut(n_labels) {
        let max = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        let mut sum = 0.0f32;
        for x in row.iter_mut() {
            *x = (*x - max).exp();
            sum += *x;
        }
        for x in row.iter_mut() {
            *x /= sum;
        }
    }
}

/// The logistic function of each value, in place: the probabilities of a multi-label
/// classifier, whose labels do not compete.
///
/// ```
/// let mut v = vec![0.0, 1000.0, -1000.0];
/// reportage::torch::sigmoid_each(&mut v);
/// assert_eq!(v, [0.5, 1.0, 0.0]);
/// ```
pub fn sigmoid_each(values: &mut [f32]) {
    for x in values {
        // Written so that neither branch overflows for large |x|.
        *x = if *x >= 0.0 {
            1.0 / (1.0 + (-*x).exp())
        } else {
            let e = x.exp();
            e / (1.0 + e)
        };
    }
}

/// Loading or running the model called `name` failed.
#[cfg(feature = "torch")]
pub(crate) fn model_error(name: &str, message: impl std::fmt::Display) -> Error {
    Error::Model {
        model: name.to_string(),
        message: message.to_string(),
    }
}

/// The tokenizer of the model called `name` failed.
#[cfg(feature = "torch")]
pub(crate) fn tokenizer_error(name: &str, message: impl std::fmt::Display) -> Error {
    Error::Tokenizer(format!("{name}: {message}"))
}

/// Batch sizes are checked before anything is loaded, so that a bad one fails fast.
#[cfg(feature = "torch")]
pub(crate) fn check_batch_size(batch_size: usize) -> crate::Result<()> {
    if batch_size == 0 {
        Err(Error::InvalidArgument(
            "batch size must be at least 1".into(),
        ))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn softmax_matches_definition() {
        let mut v = vec![1.0, 2.0, 3.0, 0.0, 0.0, 0.0];
        softmax_rows(&mut v, 3);
        let e: Vec<f32> = [1.0f32, 2.0, 3.0].iter().map(|x| x.exp()).collect();
        let s: f32 = e.iter().sum();
        assert!((v[2] - e[2] / s).abs() < 1e-6);
        assert!((v[3] - 1.0 / 3.0).abs() < 1e-6);
        // Large logits do not overflow.
        let mut big = vec![1000.0, 1000.0];
        softmax_rows(&mut big, 2);
        assert_eq!(big, [0.5, 0.5]);
    }

    #[test]
    fn sigmoid_matches_definition_on_both_sides() {
        let mut v = vec![2.0, -2.0, 0.25];
        sigmoid_each(&mut v);
        assert!((v[0] - 1.0 / (1.0 + (-2.0f32).exp())).abs() < 1e-6);
        assert!((v[0] + v[1] - 1.0).abs() < 1e-6);
        assert!((v[2] - 1.0 / (1.0 + (-0.25f32).exp())).abs() < 1e-6);
    }
}
