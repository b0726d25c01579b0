//! Accuracy of the sentence splitter on `tests/data/sentences/golden.tsv`: cases in the
//! style of pySBD's English Golden Rules plus report text. A case counts as correct only if
//! every sentence matches exactly. `cargo test --no-default-features --test sentences_golden
//! -- --nocapture` prints the failures and the score.

use reportage::sentences::{check_tiling, SentenceSegmentation, SentenceSplitter};

/// Lowest accepted share of exactly-correct cases. Measured: see BENCHMARKS.md.
const FLOOR: f64 = 0.95;

#[path = "support/golden_tsv.rs"]
mod golden_tsv;

use golden_tsv::Case;

fn cases() -> Vec<Case> {
    golden_tsv::parse(golden_tsv::GOLDEN)
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
