//! The one batch runner of the crate: what entity recognition and stance share when they
//! run a model over many inputs.

use std::cmp::Reverse;
use std::panic::{catch_unwind, AssertUnwindSafe};

use rust_bert::RustBertError;
use tch::Tensor;
use tokenizers::Encoding;

use super::model::{to_vec_f32, Batch, Loaded, SequenceClassifier, TokenClassifier};
use super::{check_batch_size, model_error, sigmoid_each, softmax_rows, tokenizer_error};
use crate::models::config::ModelConfig;
use crate::models::ResolvedModel;
use crate::{Error, Result};

/// A model head the runner drives: logits for a padded batch.
pub(crate) trait Head {
    /// `[batch, labels]` for a sequence head, `[batch, tokens, labels]` for a token head.
    fn logits(&self, batch: &Batch) -> std::result::Result<Tensor, RustBertError>;

    /// Whether each label is an independent sigmoid instead of a share of a softmax: as
    /// `transformers`' pipelines read a model, a sequence head whose config says
    /// `multi_label_classification`; a token head is always a softmax.
    fn independent_labels(_config: &ModelConfig) -> bool {
        false
    }
}

impl Head for TokenClassifier {
    fn logits(&self, batch: &Batch) -> std::result::Result<Tensor, RustBertError> {
        self.forward(batch)
    }
}

impl Head for SequenceClassifier {
    fn logits(&self, batch: &Batch) -> std::result::Result<Tensor, RustBertError> {
        self.forward(batch)
    }

    fn independent_labels(config: &ModelConfig) -> bool {
        config.multi_label
    }
}

/// A loaded model with its batch size.
pub(crate) struct Runner<H> {
    pub loaded: Loaded<H>,
    name: String,
    batch_size: usize,
}

impl<H: Head> Runner<H> {
    pub fn new(model: &ResolvedModel, loaded: Loaded<H>, batch_size: usize) -> Result<Self> {
        check_batch_size(batch_size)?;
        Ok(Runner {
            loaded,
            name: model.name().to_string(),
            batch_size,
        })
    }

    /// The model's name in the registry.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The model's labels (`id2label`), in output order.
    pub fn labels(&self) -> &[String] {
        &self.loaded.config.labels
    }

    pub fn set_batch_size(&mut self, batch_size: usize) -> Result<()> {
        check_batch_size(batch_size)?;
        self.batch_size = batch_size;
        Ok(())
    }

    pub fn model_error(&self, message: impl std::fmt::Display) -> Error {
        model_error(&self.name, message)
    }

    pub fn tokenizer_error(&self, message: impl std::fmt::Display) -> Error {
        tokenizer_error(&self.name, message)
    }

    /// Logits of each encoding, in input order, as rows of `labels().len()` values: one
    /// row per token for a token head (as many as the encoding has), one row for a
    /// sequence head. Encodings are run longest first in batches of the batch size, so
    /// that a batch pads little and the largest batch (the one that may run out of memory)
    /// comes first; `check` sees each batch before it runs.
    pub fn logits(
        &self,
        encodings: &[&Encoding],
        mut check: impl FnMut(&[&Encoding]) -> Result<()>,
    ) -> Result<Vec<Vec<f32>>> {
        let n = self.labels().len();
        let mut order: Vec<usize> = (0..encodings.len()).collect();
        order.sort_by_key(|&i| Reverse(encodings[i].len()));
        let mut out = vec![Vec::new(); encodings.len()];
        for chunk in order.chunks(self.batch_size) {
            let rows: Vec<&Encoding> = chunk.iter().map(|&i| encodings[i]).collect();
            check(&rows)?;
            let (flat, size) = self.forward(&rows)?;
            let width = match size[..] {
                [b, l] if b as usize == rows.len() && l as usize == n => None,
                [b, w, l] if b as usize == rows.len() && l as usize == n => Some(w as usize),
                _ => {
                    return Err(Error::LabelMap {
                        model: self.name.clone(),
                        message: format!(
                            "the classifier gives {size:?} logits for {} inputs and {n} labels",
                            rows.len()
                        ),
                    })
                }
            };
            for (row, &i) in chunk.iter().enumerate() {
                let (start, len) = match width {
                    None => (row * n, n),
                    Some(w) => (row * w * n, encodings[i].len() * n),
                };
                let values = flat.get(start..start + len).ok_or_else(|| {
                    self.model_error(format!("{} logits for {size:?}", flat.len()))
                })?;
                out[i] = values.to_vec();
            }
        }
        Ok(out)
    }

    /// [`logits`](Self::logits) turned into probabilities: a softmax over each row, or a
    /// sigmoid of each value for a multi-label head ([`Head::independent_labels`]).
    pub fn probabilities(
        &self,
        encodings: &[&Encoding],
        check: impl FnMut(&[&Encoding]) -> Result<()>,
    ) -> Result<Vec<Vec<f32>>> {
        let n = self.labels().len();
        let independent = H::independent_labels(&self.loaded.config);
        let mut out = self.logits(encodings, check)?;
        for row in &mut out {
            if independent {
                sigmoid_each(row);
            } else {
                softmax_rows(row, n);
            }
        }
        Ok(out)
    }

    /// One forward pass: the flat logits and their shape.
    fn forward(&self, rows: &[&Encoding]) -> Result<(Vec<f32>, Vec<i64>)> {
        let batch = Batch::new(rows, self.loaded.pad_id, self.loaded.device);
        // rust-bert and tch panic on shape errors deep inside a forward pass; a bad input
        // must come back as an error, not take the caller's thread down.
        let result = catch_unwind(AssertUnwindSafe(|| {
            let logits = self
                .loaded
                .model
                .logits(&batch)
                .map_err(|e| e.to_string())?;
            let values = to_vec_f32(&logits).map_err(|e| e.to_string())?;
            Ok::<_, String>((values, logits.size()))
        }));
        match result {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(e)) => Err(self.model_error(format!("forward pass failed: {e}"))),
            Err(panic) => {
                let msg = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_else(|| "panic".into());
                Err(self.model_error(format!("forward pass failed: {msg}")))
            }
        }
    }
}
