//! The splitting pass: one forward scan over the bytes that stops only at bytes that can
//! matter (terminators, line breaks, lead bytes of the few non-ASCII marks we know), and
//! looks a bounded distance around each stop. Every look-around is bounded or consumed, so
//! the pass is linear in the input whatever it contains.

use super::lexicon::{AbbreviationKind, Lexicon, MAX_WORD};
use super::NewlineMode;
use crate::text::Span;

/// Bytes the scan stops at. Non-ASCII: only lead bytes of characters we handle
/// (U+0085, U+0589, U+061F, U+06D4, U+0964/5, U+104B, U+1362, U+2022-U+2029, U+203C-U+2049,
/// U+25xx bullets, U+3002, U+FF01/U+FF1F/U+FF61), so CJK and other scripts run at full speed.
static STOP: [bool; 256] = {
    let mut t = [false; 256];
    t[b'.' as usize] = true;
    t[b'?' as usize] = true;
    t[b'!' as usize] = true;
    t[b'\n' as usize] = true;
    t[b'\r' as usize] = true;
    t[0xC2] = true;
    t[0xD6] = true;
    t[0xD8] = true;
    t[0xDB] = true;
    t[0xE0] = true;
    t[0xE1] = true;
    t[0xE2] = true;
    t[0xE3] = true;
    t[0xEF] = true;
    t
};

/// Words that continue a time rather than start a sentence ("at 10 a.m. Tuesday").
const CALENDAR: &[&[u8]] = &[
    b"monday",
    b"tuesday",
    b"wednesday",
    b"thursday",
    b"friday",
    b"saturday",
    b"sunday",
    b"january",
    b"february",
    b"march",
    b"april",
    b"may",
    b"june",
    b"july",
    b"august",
    b"september",
    b"october",
    b"november",
    b"december",
    b"mon",
    b"tue",
    b"wed",
    b"thu",
    b"fri",
    b"sat",
    b"sun",
    b"jan",
    b"feb",
    b"mar",
    b"apr",
    b"jun",
    b"jul",
    b"aug",
    b"sep",
    b"sept",
    b"oct",
    b"nov",
    b"dec",
];

/// How far a list search looks for the next inline item ("1. a 2. b") before giving up.
const LIST_WINDOW: usize = 1000;
/// How many opening quotes/brackets are skipped to find the first letter of the next word.
const MAX_OPENERS: usize = 8;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Class {
    Lower,
    Upper,
    Digit,
    /// A letter of a script without case (Arabic, CJK, Devanagari...).
    Uncased,
    Other,
}

/// What follows a terminator (after its closing quotes/brackets).
enum Follow {
    /// Nothing but whitespace up to the end of the text.
    End,
    /// A non-space character right after the terminator: "3.5", "U.S.A", "example.com".
    Attached,
    /// Whitespace, then (after opening quotes/brackets) a character of this class at `pos`.
    Word { class: Class, pos: usize },
}

/// How a list item is numbered, so that "1. a 2. b" looks for " 2." and "a) x b) y" for " b)".
#[derive(Clone, Copy)]
struct ListMarker {
    ordinal: Ordinal,
    sep: &'static str,
}

#[derive(Clone, Copy)]
enum Ordinal {
    Number(u32),
    Letter(u8),
}

pub(super) struct Scanner<'t, 'r> {
    text: &'t str,
    b: &'t [u8],
    lex: &'r Lexicon,
    newlines: NewlineMode,
    out: &'r mut Vec<Span>,
    /// Start of the current sentence (untrimmed).
    start: usize,
    /// Where the next inline list item begins, if the current sentence is a list item.
    forced: usize,
    /// Last failed list-item search: its pattern and where it stopped looking.
    list_memo: Option<(String, usize)>,
}

impl<'t, 'r> Scanner<'t, 'r> {
    pub(super) fn new(
        text: &'t str,
        lex: &'r Lexicon,
        newlines: NewlineMode,
        out: &'r mut Vec<Span>,
    ) -> Self {
        Scanner {
            text,
            b: text.as_bytes(),
            lex,
            newlines,
            out,
            start: 0,
            forced: usize::MAX,
            list_memo: None,
        }
    }

    pub(super) fn run(mut self) {
        let n = self.b.len();
        let mut i = self.begin(0);
        while i < n {
            let limit = n.min(self.forced).max(i);
            i += self.b[i..limit]
                .iter()
                .position(|&c| STOP[c as usize])
                .unwrap_or(limit - i);
            if i >= n {
                break;
            }
            if i >= self.forced {
                i = self.boundary(self.forced);
                continue;
            }
            let at = i;
            i = match self.b[i] {
                b'.' => self.period(i),
                b'?' | b'!' => self.terminator(i + 1),
                b'\n' => self.newline(i, i + 1),
                b'\r' if self.b.get(i + 1) == Some(&b'\n') => i + 1,
                b'\r' => self.newline(i, i + 1),
                _ => self.non_ascii(i),
            };
            // Every handler moves on; this only guards the loop against a future slip.
            if i <= at {
                debug_assert!(false, "scan did not advance at {at}");
                i = at + 1;
                while !self.text.is_char_boundary(i) {
                    i += 1;
                }
            }
        }
        self.emit(n);
    }

    /// Push the trimmed `start..end` if it has any content.
    fn emit(&mut self, end: usize) {
        let Some(s) = self.text.get(self.start..end) else {
            debug_assert!(false, "sentence end {end} is not a char boundary");
            return;
        };
        let t = s.trim_start();
        let from = self.start + (s.len() - t.len());
        let t = t.trim_end();
        if !t.is_empty() {
            self.out.push(Span::new(from, from + t.len()));
        }
    }

    /// End the current sentence at `end` and start the next there; returns where to scan on.
    fn boundary(&mut self, end: usize) -> usize {
        self.emit(end);
        self.begin(end)
    }

    /// End the sentence at a line or paragraph break `at..next` and go on after the break.
    fn break_line(&mut self, at: usize, next: usize) -> usize {
        self.emit(at);
        self.begin(next)
    }

    /// Start a sentence at `pos`. If it opens with a list marker ("1.", "b)", "• 2.") the
    /// marker's period must not end it, and an inline next item ends it instead.
    fn begin(&mut self, pos: usize) -> usize {
        self.start = pos;
        self.forced = usize::MAX;
        let s = skip_ws(self.b, pos);
        // Scanning goes on after the whitespace: it can only hold breaks that would end an
        // empty sentence, and skipping it keeps long runs of line breaks linear.
        let Some((end, marker)) = self.list_marker(s) else {
            return s;
        };
        if let Some(m) = marker {
            self.forced = self.find_next_item(end, m).unwrap_or(usize::MAX);
        }
        end
    }

    /// A list marker at `s`: an optional bullet, then optionally `1.`, `12)`, `3.)`, `a.`,
    /// `b)` followed by whitespace. Returns where it ends and its numbering, if any.
    fn list_marker(&self, s: usize) -> Option<(usize, Option<ListMarker>)> {
        let b = self.b;
        let mut p = s;
        let mut bullet = false;
        if let Some(w) = self.bullet_at(p) {
            p = skip_ws(b, p + w);
            bullet = true;
        }
        let digits = b[p.min(b.len())..]
            .iter()
            .take(4)
            .take_while(|c| c.is_ascii_digit())
            .count();
        let (ordinal, after) = if (1..=3).contains(&digits) {
            let v = std::str::from_utf8(&b[p..p + digits])
                .ok()
                .and_then(|d| d.parse().ok())?;
            (Ordinal::Number(v), p + digits)
        } else if p < b.len() && b[p].is_ascii_lowercase() {
            (Ordinal::Letter(b[p]), p + 1)
        } else {
            return bullet.then_some((p, None));
        };
        let rest = &b[after..];
        let sep = if rest.starts_with(b".)") {
            ".)"
        } else if rest.starts_with(b")") {
            ")"
        } else if rest.starts_with(b".") {
            "."
        } else {
            return bullet.then_some((p, None));
        };
        let end = after + sep.len();
        if !b.get(end).is_some_and(|c| c.is_ascii_whitespace()) {
            return bullet.then_some((p, None));
        }
        Some((end, Some(ListMarker { ordinal, sep })))
    }

    /// The next inline item (" 2." after "1.") within [`LIST_WINDOW`] bytes and the same
    /// paragraph. Remembers how
    /// far a failed search got, so that a run of markers that never continues ("1) 1) 1)")
    /// is searched once, not once per marker. A find past the end of the current sentence
    /// is harmless: any earlier boundary starts a new sentence and drops it.
    fn find_next_item(&mut self, from: usize, m: ListMarker) -> Option<usize> {
        let next = match m.ordinal {
            Ordinal::Number(v) => v.checked_add(1)?.to_string(),
            Ordinal::Letter(c) if c < b'z' => ((c + 1) as char).to_string(),
            Ordinal::Letter(_) => return None,
        };
        let pattern = format!(" {next}{}", m.sep);
        let mut lo = from;
        if let Some((seen, until)) = &self.list_memo {
            if *seen == pattern && from < *until {
                lo = until.saturating_sub(pattern.len()).max(from);
            }
        }
        let mut hi = (from + LIST_WINDOW).min(self.b.len());
        while !self.text.is_char_boundary(hi) {
            hi -= 1;
        }
        let window = self.text.get(lo..hi)?;
        // Items of one inline list stand in one paragraph; looking further is wasted work.
        let window = &window[..window.find("\n\n").unwrap_or(window.len())];
        let mut search = 0;
        while let Some(k) = window[search..].find(&pattern) {
            let at = lo + search + k + 1;
            let after = at + pattern.len() - 1;
            if self.b.get(after).is_some_and(|c| c.is_ascii_whitespace()) {
                return Some(at);
            }
            search += k + 1;
        }
        self.list_memo = Some((pattern, lo + window.len()));
        None
    }

    /// Byte width of a bullet character at `p`, if there is one.
    fn bullet_at(&self, p: usize) -> Option<usize> {
        let c = self.text.get(p..)?.chars().next()?;
        match c {
            '-' | '*' | '+' => self
                .b
                .get(p + 1)
                .is_some_and(|c| *c == b' ' || *c == b'\t')
                .then_some(1),
            _ if is_bullet(c) => Some(c.len_utf8()),
            _ => None,
        }
    }

    fn newline(&mut self, at: usize, next: usize) -> usize {
        match self.newlines {
            NewlineMode::Ignore => next,
            NewlineMode::Line => self.break_line(at, next),
            NewlineMode::Paragraph => {
                let mut j = next;
                while j < self.b.len() && matches!(self.b[j], b' ' | b'\t' | b'\x0b' | b'\x0c') {
                    j += 1;
                }
                let blank = matches!(self.b.get(j), Some(b'\n' | b'\r'))
                    || self
                        .text
                        .get(j..)
                        .is_some_and(|s| s.starts_with('\u{2029}'));
                if blank || self.list_marker(j).is_some() || self.dateline_at(j) {
                    self.break_line(at, next)
                } else {
                    j
                }
            }
        }
    }

    fn non_ascii(&mut self, i: usize) -> usize {
        let Some(c) = self.text.get(i..).and_then(|s| s.chars().next()) else {
            return i + 1;
        };
        let next = i + c.len_utf8();
        match c {
            '\u{2026}' => {
                let attached = i > 0 && !self.b[i - 1].is_ascii_whitespace();
                self.ellipsis(i, next, attached)
            }
            '\u{3002}' | '\u{FF01}' | '\u{FF1F}' | '\u{FF61}' => {
                // CJK full stops end a sentence with no space after them.
                let end = self.closers(self.terminators(next));
                self.boundary(end)
            }
            '\u{203C}' | '\u{2047}' | '\u{2048}' | '\u{2049}' | '\u{203D}' | '\u{061F}'
            | '\u{06D4}' | '\u{0964}' | '\u{0965}' | '\u{0589}' | '\u{1362}' | '\u{104B}' => {
                self.terminator(next)
            }
            '\u{2029}' if self.newlines != NewlineMode::Ignore => self.break_line(i, next),
            '\u{2028}' | '\u{0085}' => self.newline(i, next),
            _ if is_bullet(c) => self.boundary(i),
            _ => next,
        }
    }

    /// `?`, `!` and their kin: the sentence ends unless a lower-case word follows
    /// ("'Why?' she asked") or something is attached ("Yahoo!Finance", URLs).
    fn terminator(&mut self, next: usize) -> usize {
        let end = self.closers(self.terminators(next));
        match self.follow(end) {
            Follow::Attached => end,
            Follow::Word {
                class: Class::Lower,
                ..
            } => end,
            _ => self.boundary(end),
        }
    }

    fn period(&mut self, i: usize) -> usize {
        let b = self.b;
        let mut j = i + 1;
        while j < b.len() && b[j] == b'.' {
            j += 1;
        }
        let mut dots = j - i;
        // ". . ." style ellipses: take the whole run at once (also keeps long runs linear).
        while j + 1 < b.len() && b[j] == b' ' && b[j + 1] == b'.' {
            j += 1;
            while j < b.len() && b[j] == b'.' {
                j += 1;
                dots += 1;
            }
        }
        if dots > 1 {
            let attached = i > 0 && !b[i - 1].is_ascii_whitespace();
            // A spaced three-dot ellipsis after a space is an omission inside a sentence;
            // a fourth dot is the sentence's own period.
            let can_end = attached || dots >= 4;
            return self.ellipsis(i, j, can_end);
        }
        let end = self.closers(j);
        let (class, pos) = match self.follow(end) {
            Follow::End => return end,
            Follow::Attached if end == j && self.missing_space(i) => return self.boundary(end),
            Follow::Attached => return end,
            Follow::Word { class, pos } => (class, pos),
        };
        if class == Class::Lower {
            return end;
        }
        if self.period_ends_sentence(i, class, pos) {
            self.boundary(end)
        } else {
            end
        }
    }

    /// Whether the single period at `i`, followed by a word of `class` at `pos`, ends a
    /// sentence. Decided by the word before the period.
    fn period_ends_sentence(&self, i: usize, class: Class, pos: usize) -> bool {
        let word = self.word_before(i);
        let wb = word.as_bytes();
        let mut lower = [0u8; MAX_WORD];
        if wb.is_empty() || wb.len() > MAX_WORD {
            return true;
        }
        for (d, s) in lower.iter_mut().zip(wb) {
            *d = s.to_ascii_lowercase();
        }
        let lower = &lower[..wb.len()];
        let english = self.lex.knows_starters();
        let starter = || english && self.lex.is_starter(self.word_at(pos).as_slice());
        match self.lex.abbreviation(lower) {
            Some(AbbreviationKind::Title) => return false,
            Some(AbbreviationKind::Number) if class == Class::Digit => return false,
            Some(AbbreviationKind::Number) => {}
            Some(AbbreviationKind::General) => return general_ends(class, starter, english),
            Some(AbbreviationKind::Time) => {
                return class != Class::Digit && !(class == Class::Upper && self.names_time(pos))
            }
            None if english && is_dotted_acronym(wb) => {
                return general_ends(class, starter, english)
            }
            None => {}
        }
        if wb.len() == 1 && wb[0].is_ascii_uppercase() {
            // An initial ("J. R. R. Tolkien", "George W. Bush") unless it is the pronoun
            // after a lower-case word ("you and I. Did you...").
            if english && wb[0] == b'I' && self.previous_word_is_lower(i - 1) {
                return true;
            }
            if class == Class::Upper && self.b.get(pos + 1) == Some(&b'.') {
                return false;
            }
            return class != Class::Upper || starter();
        }
        if english && wb.len() == 1 && wb[0].is_ascii_lowercase() {
            return general_ends(class, starter, english);
        }
        true
    }

    /// The word ending right before byte `i`: back to whitespace, an opening bracket or
    /// quote, a slash or a dash; at most [`MAX_WORD`] + a little bytes.
    fn word_before(&self, i: usize) -> &'t str {
        let b = self.b;
        let floor = self.start.max(i.saturating_sub(MAX_WORD + 4));
        let mut k = i;
        while k > floor
            && !b[k - 1].is_ascii_whitespace()
            && !matches!(
                b[k - 1],
                b'(' | b'[' | b'{' | b'"' | b'\'' | b'/' | b'-' | b'<' | b'>' | b'='
            )
        {
            k -= 1;
        }
        while !self.text.is_char_boundary(k) {
            k += 1;
        }
        let w = self.text.get(k..i).unwrap_or("");
        if w.is_ascii() {
            // The back-scan already stopped at ASCII spaces, brackets and quotes.
            return w.trim_start_matches(['*', '_']);
        }
        let w = w.rsplit(char::is_whitespace).next().unwrap_or(w);
        w.trim_start_matches(|c: char| is_opener(c) || matches!(c, '\u{2014}' | '\u{2013}'))
    }

    /// "The meeting ended.The next began.": a period glued to a sentence-starting word
    /// ("The", "It") after a plain lower-case word. Anything else glued to a period (3.5,
    /// U.S.A, example.com, Jane.Doe) stays together.
    fn missing_space(&self, i: usize) -> bool {
        let b = self.b;
        let next_upper = b.get(i + 1).is_some_and(u8::is_ascii_uppercase)
            && b.get(i + 2).is_some_and(u8::is_ascii_lowercase);
        if !next_upper || !self.lex.knows_starters() {
            return false;
        }
        let word = self.word_before(i).as_bytes();
        word.len() >= 2
            && word.iter().all(u8::is_ascii_lowercase)
            && self.lex.is_starter(self.word_at(i + 1).as_slice())
    }

    /// A wire-copy dateline at `p`: a place in capitals then a comma, an opening bracket or
    /// a dash ("ALEPPO, Syria (Reuters) -", "BEIRUT (AP) -", "NEW YORK --"). After a single
    /// line break it starts a new sentence: the line above is a headline or a byline.
    fn dateline_at(&self, p: usize) -> bool {
        let b = self.b;
        let mut k = p;
        let mut letters = 0;
        loop {
            let w = k;
            while k < b.len()
                && k - p < 40
                && (b[k].is_ascii_uppercase() || (k > w && matches!(b[k], b'.' | b'\'' | b'-')))
            {
                letters += usize::from(b[k].is_ascii_uppercase());
                k += 1;
            }
            if k == w || b.get(k).is_some_and(u8::is_ascii_lowercase) {
                return false;
            }
            // "NEW YORK", "UNITED NATIONS": another word in capitals.
            let next_caps = b.get(k) == Some(&b' ')
                && b.get(k + 1).is_some_and(u8::is_ascii_uppercase)
                && !b.get(k + 2).is_some_and(u8::is_ascii_lowercase);
            if !next_caps {
                break;
            }
            k += 1;
        }
        let rest = &b[k..];
        let comma_place =
            rest.starts_with(b", ") && rest.get(2).is_some_and(u8::is_ascii_uppercase);
        letters >= 3
            && (comma_place
                || rest.starts_with(b" (")
                || rest.starts_with(b" -")
                || rest.starts_with(" \u{2014}".as_bytes())
                || rest.starts_with(" \u{2013}".as_bytes()))
    }

    /// Whether the word at `pos` continues a time: a day, a month, or an all-capitals zone.
    fn names_time(&self, pos: usize) -> bool {
        let word = self.word_at(pos);
        let len = word.len;
        let caps = self.b[pos..pos + len].iter().all(u8::is_ascii_uppercase);
        (caps && (2..=5).contains(&len)) || CALENDAR.contains(&word.as_slice())
    }

    /// ASCII-lowercased letters of the word at `pos` (for the starter list), at most 16.
    fn word_at(&self, pos: usize) -> ShortWord {
        let mut w = ShortWord {
            buf: [0; 16],
            len: 0,
        };
        for &c in self.b[pos.min(self.b.len())..].iter().take(16) {
            if !c.is_ascii_alphabetic() {
                break;
            }
            w.buf[w.len] = c.to_ascii_lowercase();
            w.len += 1;
        }
        w
    }

    /// Whether the word before the one ending at `i` starts with a lower-case letter.
    fn previous_word_is_lower(&self, i: usize) -> bool {
        let b = self.b;
        let mut k = i;
        // Back over the word itself, then the space before it.
        while k > self.start && !b[k - 1].is_ascii_whitespace() {
            k -= 1;
        }
        let mut steps = 0;
        while k > self.start && b[k - 1].is_ascii_whitespace() && steps < MAX_WORD {
            k -= 1;
            steps += 1;
        }
        let end = k;
        while k > self.start && !b[k - 1].is_ascii_whitespace() && end - k < MAX_WORD {
            k -= 1;
        }
        k < end && b[k].is_ascii_lowercase()
    }

    /// Consume further terminators after one ("?!", "!!", "?..").
    fn terminators(&self, mut j: usize) -> usize {
        while j < self.b.len() {
            match self.b[j] {
                b'.' | b'?' | b'!' => j += 1,
                _ => match self.text.get(j..).and_then(|s| s.chars().next()) {
                    Some(c) if is_terminator(c) => j += c.len_utf8(),
                    _ => break,
                },
            }
        }
        j
    }

    /// Consume closing quotes and brackets after a terminator: `."`, `?)`, `.’”`.
    fn closers(&self, mut j: usize) -> usize {
        while let Some(c) = self.text.get(j..).and_then(|s| s.chars().next()) {
            if !is_closer(c) {
                break;
            }
            j += c.len_utf8();
        }
        j
    }

    fn ellipsis(&mut self, i: usize, j: usize, can_end: bool) -> usize {
        // "[...]" marks an omission inside a quotation.
        if i > 0 && self.b[i - 1] == b'[' && self.b.get(j) == Some(&b']') {
            return j + 1;
        }
        let end = self.closers(j);
        if !can_end {
            return end;
        }
        match self.follow(end) {
            Follow::Word {
                class: Class::Upper | Class::Uncased,
                ..
            } => self.boundary(end),
            _ => end,
        }
    }

    fn follow(&self, end: usize) -> Follow {
        let mut chars = match self.text.get(end..) {
            Some(s) => s.chars(),
            None => return Follow::End,
        };
        let mut pos = end;
        let mut spaced = false;
        let mut openers = 0;
        for c in chars.by_ref() {
            if c.is_whitespace() {
                spaced = true;
            } else if !spaced {
                return Follow::Attached;
            } else if is_opener(c) && openers < MAX_OPENERS {
                openers += 1;
            } else {
                return Follow::Word {
                    class: classify(c),
                    pos,
                };
            }
            pos += c.len_utf8();
            // A long whitespace run is scanned again by the main loop at most once more.
        }
        if spaced || pos == end {
            Follow::End
        } else {
            Follow::Attached
        }
    }
}

/// A word copied to the stack, so that looking one up allocates nothing.
struct ShortWord {
    buf: [u8; 16],
    len: usize,
}

impl ShortWord {
    fn as_slice(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

/// A [general] abbreviation ends a sentence before a sentence-starting word, never before a
/// digit ("Jan. 5"), and before other scripts or symbols. Without a starter list
/// (language-neutral), before any capital.
fn general_ends(class: Class, starter: impl Fn() -> bool, english: bool) -> bool {
    match class {
        Class::Digit => false,
        Class::Upper if english => starter(),
        _ => true,
    }
}

/// "U.S", "e.g", "Ph.D", "N.A.T.O": parts of one or two ASCII letters joined by periods.
fn is_dotted_acronym(w: &[u8]) -> bool {
    w.contains(&b'.')
        && w.split(|c| *c == b'.')
            .all(|p| (1..=2).contains(&p.len()) && p.iter().all(u8::is_ascii_alphabetic))
}

fn skip_ws(b: &[u8], mut p: usize) -> usize {
    while p < b.len() && b[p].is_ascii_whitespace() {
        p += 1;
    }
    p
}

fn classify(c: char) -> Class {
    if c.is_ascii() {
        return match c {
            'a'..='z' => Class::Lower,
            'A'..='Z' => Class::Upper,
            '0'..='9' => Class::Digit,
            _ => Class::Other,
        };
    }
    if c.is_lowercase() {
        Class::Lower
    } else if c.is_uppercase() {
        Class::Upper
    } else if c.is_numeric() {
        Class::Digit
    } else if c.is_alphabetic() {
        Class::Uncased
    } else {
        Class::Other
    }
}

fn is_terminator(c: char) -> bool {
    matches!(
        c,
        '.' | '?'
            | '!'
            | '\u{2026}'
            | '\u{203C}'
            | '\u{203D}'
            | '\u{2047}'
            | '\u{2048}'
            | '\u{2049}'
            | '\u{061F}'
            | '\u{06D4}'
            | '\u{0964}'
            | '\u{0965}'
            | '\u{0589}'
            | '\u{1362}'
            | '\u{104B}'
            | '\u{3002}'
            | '\u{FF01}'
            | '\u{FF1F}'
            | '\u{FF61}'
    )
}

fn is_closer(c: char) -> bool {
    matches!(
        c,
        '"' | '\''
            | ')'
            | ']'
            | '}'
            | '\u{201D}'
            | '\u{2019}'
            | '\u{00BB}'
            | '\u{203A}'
            | '\u{300D}'
            | '\u{300F}'
            | '\u{FF09}'
            | '\u{3011}'
            | '\u{3009}'
            | '\u{300B}'
    )
}

fn is_opener(c: char) -> bool {
    matches!(
        c,
        '"' | '\''
            | '('
            | '['
            | '{'
            | '*'
            | '_'
            | '\u{201C}'
            | '\u{2018}'
            | '\u{201E}'
            | '\u{00AB}'
            | '\u{2039}'
            | '\u{00BF}'
            | '\u{00A1}'
            | '\u{300C}'
            | '\u{300E}'
            | '\u{FF08}'
            | '\u{3010}'
    )
}

fn is_bullet(c: char) -> bool {
    matches!(
        c,
        '\u{2022}' | '\u{2023}' | '\u{2043}' | '\u{25E6}' | '\u{25AA}' | '\u{25CF}' | '\u{25BA}'
    )
}
