use proptest::prelude::*;

use super::*;

fn texts(splitter: &SentenceSplitter, text: &str) -> Vec<String> {
    let s = splitter.split(text);
    check_tiling(text, &s).unwrap_or_else(|e| panic!("{e} for {text:?}: {s:?}"));
    s.into_iter().map(|s| s.text.to_string()).collect()
}

fn en(text: &str) -> Vec<String> {
    texts(&SentenceSplitter::new(), text)
}

#[test]
fn empty_and_whitespace_only_have_no_sentences() {
    for t in ["", " ", "\n\n\t ", "\u{a0}\u{2029}\r\n"] {
        assert!(SentenceSplitter::new().split(t).is_empty(), "{t:?}");
    }
}

#[test]
fn spans_exclude_surrounding_whitespace() {
    let text = "  First one.\r\n\r\n  Second one!  ";
    let s = SentenceSplitter::new().split(text);
    assert_eq!(s.len(), 2);
    assert_eq!((s[0].span.start, s[0].span.end), (2, 12));
    assert_eq!(s[1].text, "Second one!");
}

#[test]
fn newline_modes() {
    let text = "Syrian troops advance\ncentral Aleppo\n\nThe army said so.\n- one item\n- another";
    let para = en(text);
    assert_eq!(
        para,
        [
            "Syrian troops advance\ncentral Aleppo",
            "The army said so.",
            "- one item",
            "- another"
        ]
    );
    let line = SentenceSplitter::builder()
        .newlines(NewlineMode::Line)
        .build()
        .unwrap();
    assert_eq!(texts(&line, text).len(), 5);
    let ignore = SentenceSplitter::builder()
        .newlines(NewlineMode::Ignore)
        .build()
        .unwrap();
    assert_eq!(
        texts(&ignore, "No full stop\n\nhere at all"),
        ["No full stop\n\nhere at all"]
    );
    // CRLF and lone CR count as line breaks too.
    assert_eq!(en("Title\r\n\r\nBody text.").len(), 2);
    assert_eq!(en("Title\r\rBody text.").len(), 2);
    assert_eq!(en("Wrapped\r\nline.").len(), 1);
}

#[test]
fn datelines_after_a_single_line_break_start_a_sentence() {
    for dateline in [
        "ALEPPO, Syria (Reuters) - Troops advanced.",
        "NEW YORK -- Troops advanced.",
        "BEIRUT - Troops advanced.",
        "UNITED NATIONS (Reuters) - Troops advanced.",
        "DAMASCUS \u{2014} Troops advanced.",
    ] {
        let text = format!("Army pushes on\n{dateline}");
        assert_eq!(en(&text), ["Army pushes on", dateline], "{text:?}");
    }
    // Capitals at the start of a wrapped line are not a dateline by themselves.
    for line in [
        "NATO, the alliance, met.",
        "UN officials met.",
        "ALEPPO fell.",
    ] {
        let text = format!("Diplomats said\n{line}");
        assert_eq!(en(&text).len(), 1, "{text:?}");
    }
}

#[test]
fn extra_abbreviations_and_neutral_language() {
    let text = "He met Cllr. Ahmed. Then he left.";
    assert_eq!(en(text).len(), 3, "Cllr. is not in the default list");
    let with = SentenceSplitter::builder()
        .abbreviation("cllr.", AbbreviationKind::Title)
        .build()
        .unwrap();
    assert_eq!(texts(&with, text), ["He met Cllr. Ahmed.", "Then he left."]);

    let neutral = SentenceSplitter::builder()
        .language(Language::Neutral)
        .build()
        .unwrap();
    // Without word lists "Dr." ends a sentence before a capital; initials still hold.
    assert_eq!(texts(&neutral, "Ask Dr. Ahmed. J. Smith came.").len(), 3);
    assert_eq!(
        texts(&neutral, "Der Zug kam um 8 Uhr. Er war voll."),
        ["Der Zug kam um 8 Uhr.", "Er war voll."]
    );
}

#[test]
fn non_latin_scripts_and_emoji() {
    assert_eq!(
        en("你好。我是记者！你呢？"),
        ["你好。", "我是记者！", "你呢？"]
    );
    assert_eq!(
        en("भारत एक देश है। यह बड़ा है।"),
        ["भारत एक देश है।", "यह बड़ा है।"]
    );
    assert_eq!(
        en("هل أنت بخير؟ نعم، شكرا."),
        ["هل أنت بخير؟", "نعم، شكرا."]
    );
    assert_eq!(
        en("Great news! 🎉 The road is open."),
        ["Great news!", "🎉 The road is open."]
    );
    assert_eq!(
        en("Он сказал: «Всё кончено». Город пал."),
        ["Он сказал: «Всё кончено».", "Город пал."]
    );
}

#[test]
fn control_characters_and_odd_input_do_not_panic() {
    let odd = [
        "\0\0.\u{7}?\u{1b}[0m!",
        ". . . . . . . . . . .",
        "...",
        "1.",
        "a)",
        "• ",
        "\u{2029}\u{2028}\u{85}",
        "Mr.",
        "I.",
        "U.S.",
        "\r",
        ".\u{301}x",
        "1. 2. 3. 4.",
    ];
    for t in odd {
        en(t);
    }
}

#[test]
fn a_50_mb_single_line() {
    let text = "word ".repeat(10_000_000);
    let s = SentenceSplitter::new().split(&text);
    assert_eq!(s.len(), 1, "no punctuation: one sentence");
    assert_eq!((s[0].span.start, s[0].span.end), (0, text.len() - 1));

    // About the same size with a sentence every 48 bytes (and a last, unfinished one).
    let text = "The army advanced on the city and took it. Then ".repeat(1_000_000);
    let s = SentenceSplitter::new().split(&text);
    assert_eq!(s.len(), 1_000_001);
    assert!(check_tiling(&text, &s).is_ok());
}

#[test]
fn long_runs_of_special_characters_stay_linear() {
    // Each of these would be quadratic with an unbounded look-around per stop byte (a run
    // of line breaks once took 23 s here); linear, each takes milliseconds.
    let units = [
        ". ", "a.", "\n", "\r\n", " \n", " .", "1) ", "1. ", "a) ", "…", "!", "\u{2022}", "\n- ",
        "\u{2028}", "\u{2029}", "? ", "\" ",
    ];
    for unit in units {
        let text = unit.repeat(200_000);
        let started = std::time::Instant::now();
        en(&text);
        assert!(
            started.elapsed().as_secs_f64() < 3.0,
            "{unit:?} took {:?}",
            started.elapsed()
        );
    }
}

#[test]
fn char_spans_follow_byte_spans() {
    let text = "«Alep» est tombée. Ça va? 😀 Oui.";
    let splitter = SentenceSplitter::new();
    for (s, c) in splitter.split_with_char_spans(text) {
        assert_eq!(c, s.span.to_chars(text).unwrap());
    }
}

#[test]
fn check_tiling_rejects_broken_splits() {
    let text = "One. Two.";
    let one = Sentence {
        text: "One.",
        span: Span::new(0, 4),
    };
    let two = Sentence {
        text: "Two.",
        span: Span::new(5, 9),
    };
    assert!(check_tiling(text, &[one, two]).is_ok());
    assert!(check_tiling(text, &[two, one]).is_err(), "order");
    assert!(check_tiling(text, &[one]).is_err(), "lost text");
    let untrimmed = Sentence {
        text: "One. ",
        span: Span::new(0, 5),
    };
    assert!(check_tiling(text, &[untrimmed, two]).is_err(), "untrimmed");
    let wrong_text = Sentence {
        text: "Uno.",
        span: Span::new(0, 4),
    };
    assert!(check_tiling(text, &[wrong_text, two]).is_err(), "text");
    let cut = Sentence {
        text: "",
        span: Span::new(1, 1),
    };
    assert!(check_tiling("€", &[cut]).is_err(), "empty/cut char");
}

/// Strings built from the characters the scanner treats specially, so that random input
/// actually reaches every rule.
fn tricky_text() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        ".",
        "?",
        "!",
        "…",
        "...",
        ". . .",
        " ",
        "  ",
        "\n",
        "\r\n",
        "\r",
        "\n\n",
        "\t",
        "\u{a0}",
        "\u{2028}",
        "\u{2029}",
        "\u{85}",
        "\"",
        "'",
        "(",
        ")",
        "”",
        "“",
        "»",
        "«",
        "[",
        "]",
        "Mr",
        "U.S",
        "I",
        "J",
        "a",
        "b)",
        "1.",
        "2.",
        "1)",
        "2)",
        "3.5",
        "$1.2bn",
        "The",
        "he",
        "word",
        "•",
        "- ",
        "。",
        "！",
        "।",
        "؟",
        "😀",
        "é",
        "\u{301}",
        "\0",
        "\u{1b}",
        "x@y.com",
        "https://a.b/c?d=e",
        "Jan",
        "No",
        "p.m",
    ]);
    prop::collection::vec(pieces, 0..40).prop_map(|v| v.concat())
}

fn all_modes() -> Vec<SentenceSplitter> {
    let mut v = Vec::new();
    for mode in [
        NewlineMode::Paragraph,
        NewlineMode::Line,
        NewlineMode::Ignore,
    ] {
        for lang in [Language::English, Language::Neutral] {
            v.push(
                SentenceSplitter::builder()
                    .newlines(mode)
                    .language(lang)
                    .build()
                    .unwrap(),
            );
        }
    }
    // Short enough that generated strings are cut, by whitespace and inside words.
    v.push(SentenceSplitter::builder().max_bytes(7).build().unwrap());
    v
}

#[test]
fn titles_initials_and_times_do_not_end_sentences() {
    // What the event extractor's own second splitter used to check on top of this one.
    assert_eq!(
        en("Mr. Smith left. Dr. Who stayed! They met at 5 p.m. Monday. Yes."),
        [
            "Mr. Smith left.",
            "Dr. Who stayed!",
            "They met at 5 p.m. Monday.",
            "Yes."
        ]
    );
    assert_eq!(
        en("Headline\n\nGen. Smith spoke. Troops left the U.S. base. Done"),
        [
            "Headline",
            "Gen. Smith spoke.",
            "Troops left the U.S. base.",
            "Done"
        ]
    );
}

#[test]
fn long_sentences_are_cut_at_whitespace_within_the_limit() {
    let long = "é ".repeat(3000);
    let pieces = cut_long(&long, Span::new(0, long.len()), 2000);
    // 2000 bytes hold 666 "é " pairs: 9000 bytes make four full pieces and a rest.
    assert_eq!(pieces.len(), 5);
    assert!(pieces.iter().all(|p| p.len() <= 2000));
    assert!(pieces[..4].iter().all(|p| p.len() > 1990));
    let splitter = SentenceSplitter::builder().max_bytes(2000).build().unwrap();
    let s = splitter.split(&long);
    check_tiling(&long, &s).unwrap();
    assert_eq!(s.iter().map(|s| s.span).collect::<Vec<_>>(), pieces);

    // A multi-byte space is a cut point too, and never split.
    let text = "aaaa\u{a0}bbbb\u{3000}cccc";
    let got: Vec<&str> = cut_long(text, Span::new(0, text.len()), 9)
        .iter()
        .map(|s| &text[s.range()])
        .collect();
    assert_eq!(got, ["aaaa", "bbbb", "cccc"]);

    // No whitespace: cut inside the word, on character boundaries; a character longer
    // than the limit stands alone.
    let text = "ééééé";
    let got: Vec<&str> = cut_long(text, Span::new(0, text.len()), 3)
        .iter()
        .map(|s| &text[s.range()])
        .collect();
    assert_eq!(got, ["é"; 5]);
    let got: Vec<&str> = cut_long(text, Span::new(0, text.len()), 1)
        .iter()
        .map(|s| &text[s.range()])
        .collect();
    assert_eq!(got, ["é"; 5]);

    // Short sentences and invalid spans.
    assert_eq!(cut_long("One.", Span::new(0, 4), 10), [Span::new(0, 4)]);
    assert!(cut_long("é", Span::new(0, 1), 10).is_empty());
    assert!(SentenceSplitter::builder().max_bytes(0).build().is_err());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn spans_tile_arbitrary_strings(text in any::<String>()) {
        for s in all_modes() {
            let sentences = s.split(&text);
            prop_assert!(check_tiling(&text, &sentences).is_ok(), "{:?}", sentences);
        }
    }

    #[test]
    fn spans_tile_punctuation_heavy_strings(text in tricky_text()) {
        for s in all_modes() {
            let sentences = s.split(&text);
            prop_assert!(check_tiling(&text, &sentences).is_ok(), "{:?}", sentences);
        }
    }

}
