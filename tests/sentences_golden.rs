//! Accuracy of the sentence splitter on `tests/data/sentences/golden.tsv`: cases in the
//! style of pySBD's English Golden Rules plus report text. A case counts as correct only if
//! every sentence matches exactly. `cargo test --no-default-features --test sentences_golden
//! -- --nocapture` prints the failures and the score.

use reportage::sentences::{check_tiling, SentenceSegmentation, SentenceSplitter};

/// Lowest accepted share of exactly-correct cases. Measured: see BENCHMARKS-sentences.md.
const FLOOR: f64 = 0.95;

struct Case {
    category: String,
    text: String,
    expected: Vec<String>,
}

fn unescape(s: &str) -> String {
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

fn cases() -> Vec<Case> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/sentences/golden.tsv"
    );
    let data = std::fs::read_to_string(path).expect("golden.tsv is in the repository");
    data.lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|line| {
            let mut fields = line.split('\t').map(unescape);
            let category = fields.next().expect("category");
            let text = fields.next().expect("input");
            Case {
                category,
                text,
                expected: fields.collect(),
            }
        })
        .collect()
}

#[test]
fn golden_cases_meet_the_accuracy_floor() {
    let splitter = SentenceSplitter::new();
    let cases = cases();
    assert!(
        cases.len() >= 100,
        "the golden set has {} cases",
        cases.len()
    );
    let mut correct = 0;
    for case in &cases {
        let sentences = splitter.split(&case.text);
        check_tiling(&case.text, &sentences).unwrap();
        let got: Vec<&str> = sentences.iter().map(|s| s.text).collect();
        if got == case.expected {
            correct += 1;
        } else {
            println!(
                "MISS {}: {:?}\n  expected {:?}\n  got      {:?}",
                case.category, case.text, case.expected, got
            );
        }
    }
    let accuracy = correct as f64 / cases.len() as f64;
    println!("golden accuracy: {correct}/{} = {accuracy:.3}", cases.len());
    assert!(accuracy >= FLOOR, "accuracy {accuracy:.3} below {FLOOR}");
}

#[test]
fn every_expected_sentence_is_a_slice_of_its_input() {
    // Guards the data file itself: an expected sentence that is not in the text is a typo.
    for case in cases() {
        for s in &case.expected {
            assert!(case.text.contains(s.as_str()), "{}: {s:?}", case.category);
        }
    }
}
