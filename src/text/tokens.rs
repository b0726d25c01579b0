//! Word tokens with byte spans, and the crude stemmer that makes trigger matching lemma-ish.

use crate::text::Span;

/// One token of a sentence: a word, a possessive `'s`, or a single punctuation character.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Token {
    /// Byte span into the report.
    pub span: Span,
    /// Lower-cased surface.
    pub lower: String,
    /// [`stem`] of `lower` (equal to `lower` for punctuation).
    pub stem: String,
    /// [`stem`] of the part after the last hyphen ("counter-offensive" -> "offensiv"), so
    /// that hyphenated compounds still meet single-word triggers; equal to `stem` otherwise.
    pub tail: String,
    /// Letters or digits (not punctuation, not the possessive marker).
    pub is_word: bool,
    /// Starts with an upper-case letter.
    pub capitalized: bool,
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// Tokenise `text`; spans are shifted by `offset` so that they point into the report.
///
/// Words keep inner hyphens and apostrophes ("pro-government", "months-long") and inner dots
/// of abbreviations ("U.S."); a trailing `'s`/`’s` becomes its own token so that
/// "government's" is the head "government" plus a possessive.
pub(crate) fn tokenize(text: &str, offset: usize) -> Vec<Token> {
    let mut out = Vec::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let n = chars.len();
    let byte_at = |k: usize| if k < n { chars[k].0 } else { text.len() };
    let mut i = 0;
    while i < n {
        let c = chars[i].1;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if !is_word_char(c) {
            let start = byte_at(i);
            let end = byte_at(i + 1);
            out.push(make(text, start, end, offset, false));
            i += 1;
            continue;
        }
        let start_k = i;
        let mut k = i + 1;
        let mut dotted = false;
        while k < n {
            let ch = chars[k].1;
            if is_word_char(ch) {
                k += 1;
            } else if matches!(ch, '-' | '\'' | '’' | '.')
                && k + 1 < n
                && is_word_char(chars[k + 1].1)
            {
                if ch == '.' {
                    dotted = true;
                }
                k += 2;
            } else {
                break;
            }
        }
        // Abbreviations keep their final dot ("U.S."): a dotted word ending right before '.'.
        if dotted && k < n && chars[k].1 == '.' {
            k += 1;
        }
        let (start, mut end) = (byte_at(start_k), byte_at(k));
        let word = &text[start..end];
        let lower = word.to_lowercase();
        let mut possessive = None;
        for suffix in ["'s", "’s"] {
            if lower.len() > suffix.len() + 1 && lower.ends_with(suffix) {
                possessive = Some(end - suffix.len());
            }
        }
        if let Some(p) = possessive {
            end = p;
        }
        out.push(make(text, start, end, offset, true));
        if let Some(p) = possessive {
            out.push(make(text, p, byte_at(k), offset, false));
        }
        i = k;
    }
    out
}

fn make(text: &str, start: usize, end: usize, offset: usize, is_word: bool) -> Token {
    let surface = &text[start..end];
    let mut lower = surface.to_lowercase();
    if lower == "’s" {
        lower = "'s".into();
    }
    let stem_ = if is_word { stem(&lower) } else { lower.clone() };
    let tail = match lower.rsplit_once('-') {
        Some((_, t)) if is_word && !t.is_empty() => stem(t),
        _ => stem_.clone(),
    };
    Token {
        span: Span::new(start + offset, end + offset),
        stem: stem_,
        tail,
        capitalized: surface.chars().next().is_some_and(char::is_uppercase),
        lower,
        is_word,
    }
}

/// A crude English stem: enough to make "advance", "advances", "advanced" and "advancing"
/// (or "shell", "shelled", "shelling") meet, applied identically to lexicon and text.
///
/// It is not a linguistic lemma; it only has to be consistent on both sides. Irregular forms
/// ("fought") are listed in the lexicon instead.
pub fn stem(word: &str) -> String {
    let mut w: String = word.to_lowercase();
    let len = |s: &str| s.chars().count();
    // Plurals and third person.
    if w.ends_with("ies") && len(&w) > 4 {
        w.truncate(w.len() - 3);
        w.push('y');
    } else if w.ends_with("es")
        && len(&w) > 4
        && (w.ends_with("ses")
            || w.ends_with("xes")
            || w.ends_with("zes")
            || w.ends_with("ches")
            || w.ends_with("shes"))
    {
        w.truncate(w.len() - 2);
    } else if w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") && len(&w) > 3 {
        w.truncate(w.len() - 1);
    }
    // Past tense and gerunds.
    if w.ends_with("ied") && len(&w) > 4 {
        w.truncate(w.len() - 3);
        w.push('y');
    } else if w.ends_with("ing") && len(&w) > 5 {
        w.truncate(w.len() - 3);
    } else if w.ends_with("eed") && len(&w) > 5 {
        // "agreed" is "agree" + "d", not "agre" + "ed": it must meet "agree" and "agrees".
        w.truncate(w.len() - 1);
    } else if w.ends_with("ed") && len(&w) > 4 {
        w.truncate(w.len() - 2);
    }
    if w.ends_with('e') && len(&w) > 3 {
        w.pop();
    }
    // Doubled final consonant: "shell"/"shelled" -> "shel", "stopped" -> "stop".
    let b = w.as_bytes();
    if b.len() > 3 {
        let (x, y) = (b[b.len() - 1], b[b.len() - 2]);
        if x == y && x.is_ascii_alphabetic() && !b"aeiou".contains(&x) {
            w.pop();
        }
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inflections_share_a_stem() {
        for group in [
            &["advance", "advances", "advanced", "advancing"][..],
            &["shell", "shelled", "shelling", "shells"],
            &["call", "called", "calling", "calls"],
            &["attack", "attacked", "attacks", "attacking"],
            &["rally", "rallied", "rallies"],
            &["push", "pushed", "pushes", "pushing"],
            &["ban", "banned", "bans"],
            &["agree", "agreed", "agrees", "agreeing"],
            &["guarantee", "guaranteed", "guarantees"],
            &["free", "freed", "frees"],
        ] {
            let s = stem(group[0]);
            for w in group {
                assert_eq!(stem(w), s, "{w} vs {}", group[0]);
            }
        }
        assert_ne!(stem("protesters"), stem("protest"));
    }

    #[test]
    fn tokens_have_spans_and_split_possessives() {
        let text = "The Syrian government's push, U.S.-backed, pro-government.";
        // "U.S." keeps its dots; the hyphen after a final dot is punctuation.
        let toks = tokenize(text, 10);
        let words: Vec<&str> = toks.iter().map(|t| t.lower.as_str()).collect();
        assert_eq!(
            words,
            [
                "the",
                "syrian",
                "government",
                "'s",
                "push",
                ",",
                "u.s.",
                "-",
                "backed",
                ",",
                "pro-government",
                "."
            ]
        );
        for t in &toks {
            assert_eq!(
                text[t.span.start - 10..t.span.end - 10].to_lowercase(),
                t.lower
            );
        }
        assert!(toks[1].capitalized && !toks[2].capitalized);
        assert!(!toks[3].is_word);
    }
}
