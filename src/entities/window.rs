//! Texts longer than a model's maximum length: which pieces to run, the token windows of a
//! sentence that alone is too long, and merging the pieces' entities back into the text.
//!
//! Pure code. The windows are those of Hugging Face `tokenizers`' truncation with a
//! stride, and the merge is `transformers`' `aggregate_overlapping_entities`, so a long
//! sentence gives what `pipeline(..., stride=overlap)` gives.
//!
//! ```
//! use reportage::entities::window::token_windows;
//! // 10 tokens, windows of 4 overlapping by 1: starts step by 3.
//! assert_eq!(token_windows(10, 4, 1).unwrap(), [0..4, 3..7, 6..10]);
//! ```

use std::ops::Range;

use super::aggregate::RawEntity;
use crate::{Error, Result};

/// Token ranges covering `0..len`, each at most `window` long, each starting `window -
/// overlap` after the previous one, the last reaching `len` (as `tokenizers` truncates
/// with `stride = overlap`).
pub fn token_windows(len: usize, window: usize, overlap: usize) -> Result<Vec<Range<usize>>> {
    if window == 0 || overlap >= window {
        return Err(Error::InvalidArgument(format!(
            "window overlap ({overlap} tokens) must be smaller than the window ({window} tokens, special tokens excluded)"
        )));
    }
    if len <= window {
        return Ok(std::iter::once(0..len).collect());
    }
    let step = window - overlap;
    let mut out = Vec::new();
    let mut start = 0;
    loop {
        let end = (start + window).min(len);
        out.push(start..end);
        if end == len {
            return Ok(out);
        }
        start += step;
    }
}

/// Entities found in overlapping windows of one text, reduced to one per place: among
/// entities that start inside another, the longer wins, then the higher score
/// (`transformers`' `aggregate_overlapping_entities`). An entity cut by a window edge is
/// therefore replaced by its complete reading from the neighbouring window, and one seen
/// whole in both windows is kept once.
///
/// ```
/// use reportage::entities::{aggregate::RawEntity, window::merge_overlapping};
/// use reportage::Span;
/// let e = |s, e, score| RawEntity { span: Span::new(s, e), score, label: "LOC".into() };
/// // Window 1 saw "Deir ez-" (cut at its edge), window 2 saw "Deir ez-Zor" and again "Homs".
/// let merged = merge_overlapping(vec![e(0, 8, 0.9), e(20, 24, 0.7), e(0, 11, 0.8), e(20, 24, 0.6)]);
/// assert_eq!(merged.len(), 2);
/// assert_eq!(merged[0].span, Span::new(0, 11));
/// assert_eq!(merged[1].score, 0.7);
/// ```
pub fn merge_overlapping(mut entities: Vec<RawEntity>) -> Vec<RawEntity> {
    if entities.is_empty() {
        return entities;
    }
    // Stable, like Python's sorted: among equal starts the earlier window comes first.
    entities.sort_by_key(|e| e.span.start);
    let mut out = Vec::with_capacity(entities.len());
    let mut iter = entities.into_iter();
    let mut previous = iter.next().expect("non-empty");
    for entity in iter {
        if previous.span.start <= entity.span.start && entity.span.start < previous.span.end {
            let (current_len, previous_len) = (entity.span.len(), previous.span.len());
            if current_len > previous_len
                || (current_len == previous_len && entity.score > previous.score)
            {
                previous = entity;
            }
        } else {
            out.push(std::mem::replace(&mut previous, entity));
        }
    }
    out.push(previous);
    out
}

/// Move entities found in a slice starting at byte `offset` into the coordinates of the
/// whole text.
pub fn shift(entities: &mut [RawEntity], offset: usize) {
    for e in entities {
        e.span = e.span.shift(offset);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::Span;

    fn e(s: usize, end: usize, score: f32) -> RawEntity {
        RawEntity {
            span: Span::new(s, end),
            score,
            label: "X".into(),
        }
    }

    #[test]
    fn windows_match_tokenizers_truncation() {
        assert_eq!(token_windows(3, 5, 2).unwrap(), vec![(0..3)]);
        assert_eq!(token_windows(5, 5, 2).unwrap(), vec![(0..5)]);
        assert_eq!(token_windows(6, 5, 2).unwrap(), [0..5, 3..6]);
        // Every token is covered, consecutive windows overlap by exactly `overlap`.
        let w = token_windows(96, 38, 8).unwrap();
        assert_eq!(w.first().unwrap().start, 0);
        assert_eq!(w.last().unwrap().end, 96);
        for pair in w.windows(2) {
            assert_eq!(pair[0].end - pair[1].start, 8);
        }
        assert!(token_windows(10, 4, 4).is_err());
        assert!(token_windows(10, 0, 0).is_err());
    }

    #[test]
    fn merge_keeps_disjoint_and_prefers_longer_then_higher() {
        let merged = merge_overlapping(vec![
            e(10, 12, 0.5),
            e(0, 3, 0.9),
            e(4, 6, 0.4),
            e(4, 6, 0.8),
        ]);
        let spans: Vec<_> = merged.iter().map(|x| (x.span.start, x.score)).collect();
        assert_eq!(spans, [(0, 0.9), (4, 0.8), (10, 0.5)]);
        // Entity cut at a window edge (4..6) vs whole (4..9): the whole one wins either order.
        for v in [
            vec![e(4, 6, 0.99), e(4, 9, 0.1)],
            vec![e(4, 9, 0.1), e(4, 6, 0.99)],
        ] {
            let m = merge_overlapping(v);
            assert_eq!(m.len(), 1);
            assert_eq!(m[0].span, Span::new(4, 9));
        }
        assert!(merge_overlapping(vec![]).is_empty());
    }

    #[test]
    fn shift_moves_spans() {
        let mut v = vec![e(1, 2, 0.5)];
        shift(&mut v, 10);
        assert_eq!(v[0].span, Span::new(11, 12));
    }
}
