//! Scores of single-label classification (stance, NLI): confusion matrix, per-class
//! precision / recall / F1, accuracy, macro and weighted averages, as scikit-learn's
//! `confusion_matrix`, `classification_report` and `accuracy_score` give them, and
//! SemEval-2016 Task 6's F1avg(FAVOR, AGAINST).

use std::fmt::Display;

use serde::Serialize;

use super::Scores;
use crate::stance::Stance;

/// Counts of (gold, predicted) label pairs. Rows are gold labels, columns predictions, both
/// in the labels' sorted order; the labels are those seen on either side, as scikit-learn
/// takes them when not told otherwise.
///
/// ```
/// use reportage::evaluation::classes::ConfusionMatrix;
/// let m = ConfusionMatrix::from_pairs([("a", "a"), ("a", "b"), ("b", "b"), ("c", "b")]);
/// assert_eq!(m.labels(), ["a", "b", "c"]);
/// assert_eq!(m.count(&"a", &"b"), 1);
/// assert_eq!(m.accuracy(), 0.5);
/// let b = m.scores(&"b");
/// assert_eq!((b.precision, b.recall, b.support), (1.0 / 3.0, 1.0, 1));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfusionMatrix<L> {
    labels: Vec<L>,
    counts: Vec<Vec<usize>>,
}

impl<L: Ord + Clone> Default for ConfusionMatrix<L> {
    fn default() -> Self {
        ConfusionMatrix {
            labels: Vec::new(),
            counts: Vec::new(),
        }
    }
}

impl<L: Ord + Clone> ConfusionMatrix<L> {
    /// An empty matrix.
    pub fn new() -> Self {
        Self::default()
    }

    /// A matrix of `(gold, predicted)` pairs.
    pub fn from_pairs(pairs: impl IntoIterator<Item = (L, L)>) -> Self {
        let mut m = Self::new();
        for (gold, predicted) in pairs {
            m.add(gold, predicted);
        }
        m
    }

    /// The index of `label`, adding a row and a column for a label not seen before.
    fn index(&mut self, label: L) -> usize {
        match self.labels.binary_search(&label) {
            Ok(i) => i,
            Err(i) => {
                self.labels.insert(i, label);
                for row in &mut self.counts {
                    row.insert(i, 0);
                }
                self.counts.insert(i, vec![0; self.labels.len()]);
                i
            }
        }
    }

    /// Count one pair.
    pub fn add(&mut self, gold: L, predicted: L) {
        // Adding the second label can shift the first one's index: look both up after.
        self.index(gold.clone());
        let p = self.index(predicted);
        let g = self.index(gold);
        self.counts[g][p] += 1;
    }

    /// The labels seen, sorted.
    pub fn labels(&self) -> &[L] {
        &self.labels
    }

    /// Rows (gold) of columns (predicted), in [`labels`](Self::labels) order.
    pub fn rows(&self) -> &[Vec<usize>] {
        &self.counts
    }

    /// How often `gold` was predicted as `predicted`.
    pub fn count(&self, gold: &L, predicted: &L) -> usize {
        match (
            self.labels.binary_search(gold),
            self.labels.binary_search(predicted),
        ) {
            (Ok(g), Ok(p)) => self.counts[g][p],
            _ => 0,
        }
    }

    /// All pairs counted.
    pub fn total(&self) -> usize {
        self.counts.iter().flatten().sum()
    }

    /// Pairs whose prediction equals the gold label.
    pub fn correct(&self) -> usize {
        (0..self.labels.len()).map(|i| self.counts[i][i]).sum()
    }

    /// Correct / total (0 with no pairs).
    pub fn accuracy(&self) -> f64 {
        match self.total() {
            0 => 0.0,
            n => self.correct() as f64 / n as f64,
        }
    }

    /// Precision, recall, F1 and support of one label (all 0 for a label never seen).
    pub fn scores(&self, label: &L) -> Scores {
        let Ok(i) = self.labels.binary_search(label) else {
            return Scores::default();
        };
        let predicted = self.counts.iter().map(|row| row[i]).sum();
        let gold = self.counts[i].iter().sum();
        Scores::from_counts(self.counts[i][i], predicted, gold)
    }

    /// Every label's scores, the averages and accuracy.
    pub fn report(&self) -> ClassReport<L> {
        let per_class: Vec<ClassScores<L>> = self
            .labels
            .iter()
            .map(|l| ClassScores {
                label: l.clone(),
                scores: self.scores(l),
            })
            .collect();
        let rows: Vec<Scores> = per_class.iter().map(|c| c.scores).collect();
        ClassReport {
            accuracy: self.accuracy(),
            total: self.total(),
            macro_avg: Scores::macro_average(&rows),
            weighted_avg: Scores::weighted_average(&rows),
            per_class,
        }
    }
}

impl<L: Ord + Clone + Display> ConfusionMatrix<L> {
    /// The matrix as text: one row per gold label, one column per prediction.
    pub fn to_table(&self) -> String {
        const CORNER: &str = "gold \\ predicted";
        let names: Vec<String> = self.labels.iter().map(ToString::to_string).collect();
        let first = names
            .iter()
            .map(String::len)
            .chain([CORNER.len()])
            .max()
            .unwrap_or(0);
        let width = names
            .iter()
            .map(String::len)
            .chain([self.total().to_string().len()])
            .max()
            .unwrap_or(1);
        let mut out = format!("{CORNER:<first$}");
        for n in &names {
            out.push_str(&format!("  {n:>width$}"));
        }
        out.push('\n');
        for (name, row) in names.iter().zip(&self.counts) {
            out.push_str(&format!("{name:<first$}"));
            for c in row {
                out.push_str(&format!("  {c:>width$}"));
            }
            out.push('\n');
        }
        out
    }
}

impl<L: Serialize> Serialize for ConfusionMatrix<L> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Matrix<'a, L> {
            labels: &'a [L],
            /// rows: gold, columns: predicted
            counts: &'a [Vec<usize>],
        }
        Matrix {
            labels: &self.labels,
            counts: &self.counts,
        }
        .serialize(s)
    }
}

/// One label's scores.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClassScores<L> {
    pub label: L,
    pub scores: Scores,
}

/// scikit-learn's `classification_report` and `accuracy_score`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClassReport<L> {
    pub per_class: Vec<ClassScores<L>>,
    pub accuracy: f64,
    /// Pairs counted.
    pub total: usize,
    pub macro_avg: Scores,
    pub weighted_avg: Scores,
}

/// SemEval-2016 Task 6's official measure: the mean of the F1 of FAVOR and the F1 of
/// AGAINST, each computed over all examples (so a NONE example predicted FAVOR is a false
/// positive of FAVOR), with the F1 of a class that has neither gold nor predicted examples
/// taken as 0, as the task's `eval.pl` does. NONE itself is not averaged in.
///
/// ```
/// use reportage::evaluation::classes::{semeval_f1avg, ConfusionMatrix};
/// use reportage::stance::Stance::{Against, Favor, Unrelated};
/// let m = ConfusionMatrix::from_pairs([
///     (Favor, Favor), (Favor, Against), (Against, Against), (Unrelated, Favor),
/// ]);
/// // FAVOR: P 1/2, R 1/2, F1 1/2. AGAINST: P 1/2, R 1, F1 2/3.
/// assert!((semeval_f1avg(&m) - (0.5 + 2.0 / 3.0) / 2.0).abs() < 1e-12);
/// ```
pub fn semeval_f1avg(matrix: &ConfusionMatrix<Stance>) -> f64 {
    (matrix.scores(&Stance::Favor).f1 + matrix.scores(&Stance::Against).f1) / 2.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_seen_only_in_predictions_get_rows() {
        let mut m = ConfusionMatrix::new();
        m.add("b", "a");
        m.add("b", "b");
        assert_eq!(m.labels(), ["a", "b"]);
        assert_eq!(m.rows(), [vec![0, 0], vec![1, 1]]);
        let r = m.report();
        assert_eq!(r.per_class[0].scores, Scores::default()); // a: no gold, wrong prediction
        assert_eq!(r.macro_avg.recall, 0.25);
        assert_eq!(r.weighted_avg.recall, 0.5);
        assert_eq!(r.total, 2);
        assert!(m.to_table().contains("gold \\ predicted"));
    }

    #[test]
    fn f1avg_ignores_the_none_class() {
        use Stance::*;
        let m = ConfusionMatrix::from_pairs([(Unrelated, Unrelated), (Unrelated, Unrelated)]);
        assert_eq!(semeval_f1avg(&m), 0.0);
        let m =
            ConfusionMatrix::from_pairs([(Favor, Favor), (Against, Against), (Unrelated, Favor)]);
        // FAVOR: P 1/2, R 1 -> 2/3; AGAINST 1.
        assert!((semeval_f1avg(&m) - (2.0 / 3.0 + 1.0) / 2.0).abs() < 1e-12);
    }
}
