//! Calendar dates and rule-based date expressions ("on Tuesday", "last week", "7 December 2016").
//!
//! A small proleptic-Gregorian date type is enough here (day arithmetic, weekdays, ISO weeks);
//! it saves a date-time dependency for a handful of functions.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::text::tokens::Token;
use crate::text::Span;
use crate::{Error, Result};

/// A date or time expression, resolved where the text and the report date allow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeExpr {
    pub text: String,
    pub span: Span,
    /// ISO 8601: a day `2016-12-07`, an ISO week `2016-W48`, a month `2016-12` or a year `2016`.
    pub resolved: Option<String>,
}

/// A calendar day, written and parsed as `YYYY-MM-DD` (a trailing `THH:MM...` is ignored).
///
/// ```
/// use reportage::events::Date;
/// let d: Date = "2016-11-29T08:00:00Z".parse().unwrap();
/// assert_eq!(d.to_string(), "2016-11-29");
/// assert_eq!(d.weekday(), 1); // Tuesday (Monday = 0)
/// assert_eq!(d.add_days(3).to_string(), "2016-12-02");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl Date {
    /// A date, if it exists.
    pub fn new(year: i32, month: u32, day: u32) -> Option<Date> {
        let ok = (1..=9999).contains(&year)
            && (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month);
        ok.then_some(Date { year, month, day })
    }

    /// Days since 1970-01-01 (H. Hinnant's `days_from_civil`).
    pub fn days(&self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` days after 1970-01-01.
    pub fn from_days(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// This date moved by `n` days.
    pub fn add_days(&self, n: i64) -> Date {
        Date::from_days(self.days() + n)
    }

    /// Day of the week, Monday = 0 ... Sunday = 6.
    pub fn weekday(&self) -> u32 {
        // 1970-01-01 was a Thursday (3).
        ((self.days() + 3).rem_euclid(7)) as u32
    }

    /// ISO 8601 week as `YYYY-Www`.
    pub fn iso_week(&self) -> String {
        // The ISO year is the year of this week's Thursday.
        let thursday = self.add_days(3 - i64::from(self.weekday()));
        let jan1 = Date {
            year: thursday.year,
            month: 1,
            day: 1,
        };
        let week = (thursday.days() - jan1.days()) / 7 + 1;
        format!("{}-W{:02}", thursday.year, week)
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl FromStr for Date {
    type Err = Error;
    fn from_str(s: &str) -> Result<Date> {
        let bad = || Error::Unparsable(format!("not a YYYY-MM-DD date: `{s}`"));
        let s = s.trim();
        let day_part = s.get(..10).ok_or_else(bad)?;
        if s.len() > 10 && !s[10..].starts_with(['T', ' ']) {
            return Err(bad());
        }
        let b = day_part.as_bytes();
        if b[4] != b'-' || b[7] != b'-' {
            return Err(bad());
        }
        let num = |r: std::ops::Range<usize>| day_part[r].parse::<u32>().map_err(|_| bad());
        Date::new(num(0..4)? as i32, num(5..7)?, num(8..10)?).ok_or_else(bad)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

const MONTHS: [(&str, &str); 12] = [
    ("january", "jan"),
    ("february", "feb"),
    ("march", "mar"),
    ("april", "apr"),
    ("may", "may"),
    ("june", "jun"),
    ("july", "jul"),
    ("august", "aug"),
    ("september", "sep"),
    ("october", "oct"),
    ("november", "nov"),
    ("december", "dec"),
];

const PARTS_OF_DAY: [&str; 5] = ["morning", "afternoon", "evening", "night", "overnight"];

fn month_of(t: &Token) -> Option<u32> {
    if !t.capitalized {
        return None;
    }
    let w = t.lower.trim_end_matches('.');
    MONTHS
        .iter()
        .position(|(full, abbr)| {
            w == *full || (w == *abbr && w.len() == 3) || (w == "sept" && *abbr == "sep")
        })
        .map(|i| i as u32 + 1)
}

fn day_number(t: &Token) -> Option<u32> {
    let w = t.lower.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let suffix_ok = matches!(&t.lower[w.len()..], "" | "st" | "nd" | "rd" | "th");
    let n: u32 = w.parse().ok()?;
    (suffix_ok && (1..=31).contains(&n) && w.len() <= 2).then_some(n)
}

fn year_number(t: &Token) -> Option<i32> {
    let n: i32 = t.lower.parse().ok()?;
    (t.lower.len() == 4 && (1900..=2100).contains(&n)).then_some(n)
}

/// Find date/time expressions among a sentence's tokens, resolving them against `report_date`.
///
/// Relative weekdays are read as news does: "on Tuesday" is the latest Tuesday on or before
/// the report date, "next Tuesday" the first one after it.
pub(crate) fn find_times(text: &str, toks: &[Token], report_date: Option<Date>) -> Vec<TimeExpr> {
    let mut out = Vec::new();
    let mut i = 0;
    let word = |k: usize| toks.get(k).map(|t| t.lower.as_str()).unwrap_or("");
    while i < toks.len() {
        let t = &toks[i];
        let mut found: Option<(usize, usize, Option<String>)> = None;
        // ISO date.
        if t.lower.len() == 10 {
            if let Ok(d) = t.lower.parse::<Date>() {
                found = Some((i, i + 1, Some(d.to_string())));
            }
        }
        // Weekday, with "last"/"next"/"this" before and a part of the day after.
        if found.is_none() {
            if let Some(wd) = WEEKDAYS.iter().position(|w| *w == t.lower) {
                let (mut start, mut end) = (i, i + 1);
                let modifier = if i > 0 && matches!(word(i - 1), "last" | "next" | "this") {
                    start = i - 1;
                    word(i - 1)
                } else {
                    ""
                };
                if PARTS_OF_DAY.contains(&word(end)) {
                    end += 1;
                }
                let resolved = report_date.map(|d| {
                    let back = (7 + i64::from(d.weekday()) - wd as i64) % 7;
                    let day = if modifier == "next" {
                        d.add_days(7 - back)
                    } else if modifier == "last" && back == 0 {
                        d.add_days(-7)
                    } else {
                        d.add_days(-back)
                    };
                    day.to_string()
                });
                found = Some((start, end, resolved));
            }
        }
        // Month expressions: "7 December 2016", "December 7, 2016", "December 2016", "in May".
        if found.is_none() {
            let day_first =
                day_number(t).and_then(|d| toks.get(i + 1).and_then(month_of).map(|m| (d, m)));
            let month_here = month_of(t);
            if let Some((day, month)) = day_first {
                let mut end = i + 2;
                let year = toks.get(end).and_then(year_number);
                if year.is_some() {
                    end += 1;
                }
                found = Some((i, end, resolve_day(year, month, day, report_date)));
            } else if let Some(month) = month_here {
                let mut end = i + 1;
                let mut day = None;
                if let Some(d) = toks.get(end).and_then(day_number) {
                    day = Some(d);
                    end += 1;
                }
                let mut year = None;
                let comma = word(end) == ",";
                if let Some(y) = toks.get(end + usize::from(comma)).and_then(year_number) {
                    year = Some(y);
                    end += 1 + usize::from(comma);
                }
                // "May" and "March" are also words: demand a number or a preposition.
                let ambiguous = matches!(month, 3 | 5) && day.is_none() && year.is_none();
                let anchored = i > 0
                    && matches!(
                        word(i - 1),
                        "in" | "since" | "early" | "late" | "mid" | "until" | "by"
                    );
                if !ambiguous || anchored {
                    let resolved = match (day, year) {
                        (Some(d), _) => resolve_day(year, month, d, report_date),
                        (None, Some(y)) => Some(format!("{y:04}-{month:02}")),
                        (None, None) => report_date.map(|r| {
                            let y = if month > r.month { r.year - 1 } else { r.year };
                            format!("{y:04}-{month:02}")
                        }),
                    };
                    found = Some((i, end, resolved));
                }
            }
        }
        // Deictic words.
        if found.is_none() {
            let two = format!("{} {}", t.lower, word(i + 1));
            let rel = |days: i64| report_date.map(|d| d.add_days(days).to_string());
            found = match two.as_str() {
                "last night" => Some((i, i + 2, rel(-1))),
                "this morning" | "this afternoon" | "this evening" => Some((i, i + 2, rel(0))),
                "last week" => Some((i, i + 2, report_date.map(|d| d.add_days(-7).iso_week()))),
                "this week" => Some((i, i + 2, report_date.map(|d| d.iso_week()))),
                "next week" => Some((i, i + 2, report_date.map(|d| d.add_days(7).iso_week()))),
                "last month" => Some((
                    i,
                    i + 2,
                    report_date.map(|d| {
                        let (y, m) = if d.month == 1 {
                            (d.year - 1, 12)
                        } else {
                            (d.year, d.month - 1)
                        };
                        format!("{y:04}-{m:02}")
                    }),
                )),
                "last year" => Some((i, i + 2, report_date.map(|d| format!("{:04}", d.year - 1)))),
                _ => match t.lower.as_str() {
                    "yesterday" => Some((i, i + 1, rel(-1))),
                    "today" | "tonight" => Some((i, i + 1, rel(0))),
                    "tomorrow" => Some((i, i + 1, rel(1))),
                    _ => None,
                },
            };
        }
        // A bare year after "in"/"since": "in 2015".
        if found.is_none() && i > 0 && matches!(word(i - 1), "in" | "since") {
            if let Some(y) = year_number(t) {
                found = Some((i, i + 1, Some(format!("{y:04}"))));
            }
        }
        match found {
            Some((start, end, resolved)) => {
                let span = Span::new(toks[start].span.start, toks[end - 1].span.end);
                out.push(TimeExpr {
                    text: text_at(text, span),
                    span,
                    resolved,
                });
                i = end;
            }
            None => i += 1,
        }
    }
    out
}

/// `text` is the whole report; spans are report offsets.
fn text_at(text: &str, span: Span) -> String {
    text.get(span.range()).unwrap_or_default().to_string()
}

fn resolve_day(year: Option<i32>, month: u32, day: u32, report: Option<Date>) -> Option<String> {
    let year = match (year, report) {
        (Some(y), _) => y,
        // A day without a year is in the report's year, unless that puts it well after the report.
        (None, Some(r)) => match Date::new(r.year, month, day) {
            Some(d) if d.days() > r.days() + 7 => r.year - 1,
            _ => r.year,
        },
        (None, None) => return None,
    };
    Date::new(year, month, day).map(|d| d.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::tokens::tokenize;

    fn times(text: &str, date: &str) -> Vec<(String, Option<String>)> {
        let toks = tokenize(text, 0);
        find_times(text, &toks, date.parse().ok())
            .into_iter()
            .map(|t| (t.text, t.resolved))
            .collect()
    }

    #[test]
    fn dates_round_trip_and_weekdays() {
        for s in ["1970-01-01", "2000-02-29", "2016-12-31", "2024-03-01"] {
            let d: Date = s.parse().unwrap();
            assert_eq!(Date::from_days(d.days()), d);
            assert_eq!(d.to_string(), s);
        }
        assert!("2015-02-29".parse::<Date>().is_err());
        assert!("2015-13-01".parse::<Date>().is_err());
        assert_eq!("2022-02-24".parse::<Date>().unwrap().weekday(), 3); // Thursday
        assert_eq!("2021-01-03".parse::<Date>().unwrap().iso_week(), "2020-W53");
        assert_eq!("2016-11-29".parse::<Date>().unwrap().iso_week(), "2016-W48");
    }

    #[test]
    fn relative_expressions_resolve_against_the_report_date() {
        // 2019-06-16 is a Sunday.
        let got = times(
            "Police fired tear gas on Wednesday night and protesters marched on Sunday, last week and yesterday.",
            "2019-06-16",
        );
        assert_eq!(
            got,
            [
                ("Wednesday night".into(), Some("2019-06-12".into())),
                ("Sunday".into(), Some("2019-06-16".into())),
                ("last week".into(), Some("2019-W23".into())),
                ("yesterday".into(), Some("2019-06-15".into())),
            ]
        );
    }

    #[test]
    fn absolute_expressions_and_ambiguous_months() {
        let got = times(
            "Talks held on 14 July 2015 and December 7, 2016 in Vienna; in January, officials may march.",
            "2017-03-01",
        );
        assert_eq!(
            got,
            [
                ("14 July 2015".into(), Some("2015-07-14".into())),
                ("December 7, 2016".into(), Some("2016-12-07".into())),
                ("January".into(), Some("2017-01".into())),
            ]
        );
        assert_eq!(
            times("on 2016-11-29", ""),
            [("2016-11-29".into(), Some("2016-11-29".into()))]
        );
        assert_eq!(times("on Tuesday", ""), [("Tuesday".into(), None)]);
    }
}
