//! Label maps and the score math of the zero-shot and text-classification pipelines.
//!
//! All arithmetic is done in `f64` with the maximum subtracted before `exp`; the pipeline
//! uses unshifted `f32` numpy, which gives the same values to well below 1e-6 for any logits
//! a model produces (and does not overflow for those it should not).

use super::Stance;
use crate::{Error, Result};

/// Where entailment and contradiction sit in an NLI model's output.
///
/// ```
/// use reportage::stance::NliLabelMap;
/// let labels = ["Contradiction", "NEUTRAL", "entailment"].map(String::from);
/// let map = NliLabelMap::from_labels("tiny", &labels).unwrap();
/// assert_eq!((map.entailment, map.contradiction, map.num_labels), (2, 0, 3));
/// // No entailment label: an error, never a guessed index.
/// assert!(NliLabelMap::from_labels("x", &["POSITIVE".into(), "NEGATIVE".into()]).is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NliLabelMap {
    /// Index of the entailment logit.
    pub entailment: usize,
    /// Index of the logit multi-label scoring weighs entailment against.
    pub contradiction: usize,
    /// Number of logits per pair.
    pub num_labels: usize,
}

impl NliLabelMap {
    /// Read the indices from the model's labels (`id2label` in id order).
    ///
    /// Entailment is the first label that starts with `entail`, case-insensitively: the rule
    /// of `transformers`' `ZeroShotClassificationPipeline`. Contradiction is the first label
    /// starting with `contradict`; a model without one (two-way `entailment` /
    /// `not_entailment`) falls back to the pipeline's own choice, index 0, or the last index
    /// when entailment is 0. Where a model has a contradiction label at neither of those
    /// places, the pipeline would use whatever sits there; this reads the label instead.
    pub fn from_labels(model: &str, labels: &[String]) -> Result<Self> {
        let starts = |label: &str, prefix: &str| label.to_lowercase().starts_with(prefix);
        let label_error = |message: String| Error::LabelMap {
            model: model.to_string(),
            message,
        };
        if labels.len() < 2 {
            return Err(label_error(format!(
                "an NLI model needs at least two labels, found {labels:?}"
            )));
        }
        let entailment = labels
            .iter()
            .position(|l| starts(l, "entail"))
            .ok_or_else(|| {
                label_error(format!(
                    "no entailment label (one starting with `entail`) in {labels:?}; \
                     zero-shot classification needs an NLI model"
                ))
            })?;
        let contradiction = labels
            .iter()
            .position(|l| starts(l, "contradict"))
            .unwrap_or(if entailment == 0 { labels.len() - 1 } else { 0 });
        Ok(NliLabelMap {
            entailment,
            contradiction,
            num_labels: labels.len(),
        })
    }
}

/// Softmax of `logits`, shifted by their maximum: one row of
/// [`softmax_rows`](crate::torch::softmax_rows), which owns the arithmetic.
///
/// ```
/// let p = reportage::stance::softmax(&[1.0, 1.0]);
/// assert_eq!(p, vec![0.5, 0.5]);
/// ```
pub fn softmax(logits: &[f32]) -> Vec<f32> {
    let mut probs = logits.to_vec();
    crate::torch::softmax_rows(&mut probs, logits.len());
    probs
}

/// Scores of `n` candidate labels from the NLI logits of their `(text, hypothesis)` pairs,
/// row-major `[n][map.num_labels]`, exactly as `ZeroShotClassificationPipeline` computes them:
///
/// - single-label (and more than one candidate): softmax of the entailment logits across
///   candidates; the scores sum to 1;
/// - multi-label, or a single candidate: per candidate, softmax over
///   `[contradiction, entailment]`, keeping entailment.
///
/// Returned in candidate order (the pipeline sorts them by score; sort afterwards if needed).
///
/// ```
/// use reportage::stance::{zero_shot_scores, NliLabelMap};
/// let map = NliLabelMap { entailment: 2, contradiction: 0, num_labels: 3 };
/// let logits = [0.0, 0.0, 1.0, /* second candidate */ 0.0, 5.0, 1.0];
/// let single = zero_shot_scores(&logits, &map, false).unwrap();
/// assert!((single[0] - 0.5).abs() < 1e-6 && (single[1] - 0.5).abs() < 1e-6);
/// let multi = zero_shot_scores(&logits, &map, true).unwrap();
/// assert!((multi[0] - 0.7310586).abs() < 1e-6); // sigmoid(1 - 0)
/// ```
pub fn zero_shot_scores(logits: &[f32], map: &NliLabelMap, multi_label: bool) -> Result<Vec<f32>> {
    if map.num_labels == 0
        || logits.len() % map.num_labels != 0
        || map.entailment >= map.num_labels
        || map.contradiction >= map.num_labels
    {
        return Err(Error::MalformedOutput(format!(
            "{} logits do not fit {map:?}",
            logits.len()
        )));
    }
    let rows: Vec<&[f32]> = logits.chunks(map.num_labels).collect();
    if rows.is_empty() {
        return Err(Error::InvalidArgument(
            "zero-shot scoring needs at least one candidate label".into(),
        ));
    }
    if multi_label || rows.len() == 1 {
        Ok(rows
            .iter()
            .map(|r| softmax(&[r[map.contradiction], r[map.entailment]])[1])
            .collect())
    } else {
        let entail: Vec<f32> = rows.iter().map(|r| r[map.entailment]).collect();
        Ok(softmax(&entail))
    }
}

/// Element-wise mean of equally long score vectors (multi-template averaging).
///
/// ```
/// let m = reportage::stance::average_scores(&[vec![0.2, 0.8], vec![0.4, 0.6]]).unwrap();
/// assert!((m[0] - 0.3).abs() < 1e-7 && (m[1] - 0.7).abs() < 1e-7);
/// ```
pub fn average_scores(sets: &[Vec<f32>]) -> Result<Vec<f32>> {
    let first = sets
        .first()
        .ok_or_else(|| Error::InvalidArgument("nothing to average".into()))?;
    if sets.iter().any(|s| s.len() != first.len()) {
        return Err(Error::InvalidArgument(
            "score vectors of different lengths".into(),
        ));
    }
    Ok((0..first.len())
        .map(|i| (sets.iter().map(|s| s[i] as f64).sum::<f64>() / sets.len() as f64) as f32)
        .collect())
}

/// The stance a classifier label stands for, by name (case-insensitive), covering the label
/// sets of common stance corpora: SemEval-2016 (`FAVOR`/`AGAINST`/`NONE`), FNC-1
/// (`agree`/`disagree`/`discuss`/`unrelated`), RumourEval (`support`/`deny`/`query`/`comment`)
/// and plain `pro`/`con`/`neutral`. `NONE` (SemEval's "neither", which includes texts not
/// about the target) maps to [`Stance::Unrelated`]; a model whose labels mean something
/// else is given an explicit label map instead (`ClassifierStanceConfig::label_map`).
///
/// ```
/// use reportage::stance::{stance_from_label, Stance};
/// assert_eq!(stance_from_label("FAVOR"), Some(Stance::Favor));
/// assert_eq!(stance_from_label("disagree"), Some(Stance::Against));
/// assert_eq!(stance_from_label("LABEL_0"), None);
/// ```
pub fn stance_from_label(label: &str) -> Option<Stance> {
    let l = label.trim().to_lowercase();
    Some(match l.as_str() {
        "favor" | "favour" | "support" | "supports" | "pro" | "agree" | "for" | "in_favor" => {
            Stance::Favor
        }
        "against" | "oppose" | "opposes" | "con" | "disagree" | "deny" | "anti" => Stance::Against,
        "neutral" | "discuss" | "comment" | "query" | "neither" | "observing" => Stance::Neutral,
        "none" | "unrelated" | "irrelevant" | "off-topic" | "off_topic" => Stance::Unrelated,
        _ => return None,
    })
}

/// Stance probabilities from a classifier's logits: softmax over all labels (what
/// `TextClassificationPipeline` returns for a multi-class model), then summed per stance,
/// so that a model with two labels meaning "neutral" still gives one neutral score.
///
/// ```
/// use reportage::stance::{classifier_scores, Stance};
/// let s = classifier_scores(&[0.0, 0.0, 0.0], &[Stance::Favor, Stance::Neutral, Stance::Neutral]).unwrap();
/// assert_eq!(s.len(), 2);
/// assert!((s[1].1 - 2.0 / 3.0).abs() < 1e-6);
/// ```
pub fn classifier_scores(logits: &[f32], stances: &[Stance]) -> Result<Vec<(Stance, f32)>> {
    if logits.len() != stances.len() || logits.is_empty() {
        return Err(Error::MalformedOutput(format!(
            "{} logits for {} labels",
            logits.len(),
            stances.len()
        )));
    }
    let probs = softmax(logits);
    let mut out: Vec<(Stance, f64)> = Vec::new();
    for (&stance, &p) in stances.iter().zip(&probs) {
        match out.iter_mut().find(|(s, _)| *s == stance) {
            Some(slot) => slot.1 += p as f64,
            None => out.push((stance, p as f64)),
        }
    }
    Ok(out.into_iter().map(|(s, p)| (s, p as f32)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(l: &[&str]) -> Vec<String> {
        l.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn label_map_reads_names_not_positions() {
        let m = NliLabelMap::from_labels("m", &labels(&["ENTAILMENT", "neutral", "CONTRADICTION"]))
            .unwrap();
        assert_eq!((m.entailment, m.contradiction), (0, 2));
        let m = NliLabelMap::from_labels("m", &labels(&["neutral", "contradiction", "entailment"]))
            .unwrap();
        assert_eq!((m.entailment, m.contradiction), (2, 1));
        // Two-way models: the pipeline's fallback.
        let m = NliLabelMap::from_labels("m", &labels(&["entailment", "not_entailment"])).unwrap();
        assert_eq!((m.entailment, m.contradiction), (0, 1));
        let m = NliLabelMap::from_labels("m", &labels(&["not_entailment", "entailment"])).unwrap();
        assert_eq!((m.entailment, m.contradiction), (1, 0));
        let err = NliLabelMap::from_labels("m", &labels(&["LABEL_0", "LABEL_1"])).unwrap_err();
        assert!(matches!(err, Error::LabelMap { .. }), "{err}");
        assert!(NliLabelMap::from_labels("m", &labels(&["entailment"])).is_err());
    }

    #[test]
    fn single_label_is_softmax_over_candidates() {
        let map = NliLabelMap {
            entailment: 1,
            contradiction: 0,
            num_labels: 2,
        };
        let s = zero_shot_scores(&[9.0, 1.0, -3.0, 2.0, 0.0, 0.0], &map, false).unwrap();
        let e: Vec<f64> = [1.0f64, 2.0, 0.0].iter().map(|x| x.exp()).collect();
        let z: f64 = e.iter().sum();
        for (a, b) in s.iter().zip(&e) {
            assert!((*a as f64 - b / z).abs() < 1e-7);
        }
        // One candidate: entailment against contradiction, even in single-label mode.
        let one = zero_shot_scores(&[0.0, 0.0], &map, false).unwrap();
        assert_eq!(one, vec![0.5]);
        assert!(zero_shot_scores(&[0.0, 0.0, 0.0], &map, false).is_err());
        assert!(zero_shot_scores(&[], &map, false).is_err());
    }

    #[test]
    fn softmax_is_stable() {
        let p = softmax(&[1000.0, 1000.0, -1000.0]);
        assert!((p[0] - 0.5).abs() < 1e-7 && p[2] == 0.0);
    }

    #[test]
    fn average_checks_lengths() {
        assert!(average_scores(&[]).is_err());
        assert!(average_scores(&[vec![1.0], vec![1.0, 2.0]]).is_err());
    }

    #[test]
    fn classifier_labels() {
        for (l, s) in [
            ("AGAINST", Stance::Against),
            ("Favor", Stance::Favor),
            ("NONE", Stance::Unrelated),
            ("unrelated", Stance::Unrelated),
            ("discuss", Stance::Neutral),
        ] {
            assert_eq!(stance_from_label(l), Some(s));
        }
        assert!(classifier_scores(&[0.0], &[]).is_err());
    }
}
