//! Several recognizers as one: a transformer for what it is good at, a gazetteer for the
//! names it misses.

use super::{Entity, EntityRecognition};
use crate::Result;

/// Runs each recognizer on the same texts and keeps, per text, every entity that does not
/// overlap an entity already kept; recognizers listed first win overlaps.
///
/// Why: the default NER model is weak on organisations and rare places (see
/// `models/README.md`), while a gazetteer is exact on the names it lists and blind to the
/// rest. Put the source you trust most first.
///
/// ```
/// use reportage::entities::{GazetteerRecognizer, MergedRecognizer};
/// use reportage::EntityRecognition;
///
/// let merged = MergedRecognizer::new()
///     .with(GazetteerRecognizer::default());
/// let entities = merged.recognize("Russian jets struck Idlib.").unwrap();
/// assert!(entities.iter().any(|e| e.text == "Russian"));
/// ```
#[derive(Default)]
pub struct MergedRecognizer {
    parts: Vec<(Box<dyn EntityRecognition>, f32)>,
}

impl MergedRecognizer {
    /// No recognizers yet: finds nothing.
    pub fn new() -> Self {
        Self::default()
    }

    /// Add a recognizer; it loses overlaps to those added before it.
    pub fn with(self, recognizer: impl EntityRecognition + 'static) -> Self {
        self.with_min_score(recognizer, 0.0)
    }

    /// Add a recognizer whose entities count only from `min_score` up. A weak model's
    /// low-confidence fragments ("The" as an organisation) would otherwise take the place
    /// of better entities from recognizers added after it, and mislead what reads them.
    pub fn with_min_score(
        self,
        recognizer: impl EntityRecognition + 'static,
        min_score: f32,
    ) -> Self {
        self.with_boxed(Box::new(recognizer), min_score)
    }

    /// Add an already boxed recognizer, with a minimum score (0 keeps everything).
    pub fn with_boxed(mut self, recognizer: Box<dyn EntityRecognition>, min_score: f32) -> Self {
        self.parts.push((recognizer, min_score));
        self
    }
}

impl EntityRecognition for MergedRecognizer {
    fn recognize_batch(&self, texts: &[&str]) -> Result<Vec<Vec<Entity>>> {
        let mut merged: Vec<Vec<Entity>> = vec![Vec::new(); texts.len()];
        for (part, min_score) in &self.parts {
            let found = part.recognize_batch(texts)?;
            for (kept, new) in merged.iter_mut().zip(found) {
                for entity in new {
                    if entity.score >= *min_score
                        && !kept.iter().any(|k| k.span.overlaps(entity.span))
                    {
                        kept.push(entity);
                    }
                }
            }
        }
        for kept in &mut merged {
            kept.sort_by_key(|e| (e.span.start, e.span.end));
        }
        Ok(merged)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entities::EntityKind;
    use crate::text::span::{CharSpan, Span};

    struct Fixed(Vec<(usize, usize, &'static str)>);

    impl EntityRecognition for Fixed {
        fn recognize_batch(&self, texts: &[&str]) -> Result<Vec<Vec<Entity>>> {
            Ok(texts
                .iter()
                .map(|t| {
                    self.0
                        .iter()
                        .map(|&(s, e, label)| Entity {
                            kind: EntityKind::from_label(label),
                            text: t[s..e].to_string(),
                            span: Span::new(s, e),
                            char_span: CharSpan { start: s, end: e },
                            score: 1.0,
                            label: label.to_string(),
                        })
                        .collect()
                })
                .collect())
        }
    }

    #[test]
    fn first_recognizer_wins_overlaps_and_output_is_in_text_order() {
        let text = "UN envoys met Syrian officials in Geneva.";
        let merged = MergedRecognizer::new()
            .with(Fixed(vec![(14, 20, "NORP"), (0, 2, "ORG")]))
            .with(Fixed(vec![(14, 30, "ORG"), (34, 40, "GPE")]));
        let got = merged.recognize(text).unwrap();
        let spans: Vec<_> = got
            .iter()
            .map(|e| (e.text.as_str(), e.label.as_str()))
            .collect();
        assert_eq!(
            spans,
            [("UN", "ORG"), ("Syrian", "NORP"), ("Geneva", "GPE")]
        );
    }

    #[test]
    fn low_scores_are_dropped_before_they_can_win_an_overlap() {
        struct Scored;
        impl EntityRecognition for Scored {
            fn recognize_batch(&self, texts: &[&str]) -> Result<Vec<Vec<Entity>>> {
                let mut e = Fixed(vec![(0, 3, "ORG")]).recognize_batch(texts)?;
                e[0][0].score = 0.4;
                Ok(e)
            }
        }
        let merged = MergedRecognizer::new()
            .with_min_score(Scored, 0.5)
            .with(Fixed(vec![(4, 10, "NORP")]));
        let got = merged.recognize("The Syrian army").unwrap();
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].text, "Syrian");
    }

    #[test]
    fn empty_merge_finds_nothing_per_text() {
        let got = MergedRecognizer::new()
            .recognize_batch(&["a", "b"])
            .unwrap();
        assert_eq!(got, vec![Vec::new(), Vec::new()]);
    }
}
