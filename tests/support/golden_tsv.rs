//! Reader for `tests/data/sentences/golden.tsv`, shared by the golden test, the criterion
//! bench and the `split_sentences` example (each includes this file with `#[path]`).
//!
//! One case a line: `category<TAB>input<TAB>expected sentence<TAB>...`, with `\n`, `\r`,
//! `\t` and `\\` escaped; lines starting with `#` are comments.

#![allow(dead_code)] // each includer uses a different part

pub const GOLDEN: &str = include_str!("../data/sentences/golden.tsv");

pub struct Case {
    pub category: String,
    pub text: String,
    pub expected: Vec<String>,
}

pub fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

pub fn parse(data: &str) -> Vec<Case> {
    data.lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|line| {
            let mut fields = line.split('\t').map(unescape);
            Case {
                category: fields.next().unwrap_or_default(),
                text: fields.next().unwrap_or_default(),
                expected: fields.collect(),
            }
        })
        .collect()
}
