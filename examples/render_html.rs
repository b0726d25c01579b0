//! A self-contained HTML page of a report: entities highlighted by kind, and beside each
//! sentence the cards of the events it states.
//!
//! ```sh
//! cargo run --example render_html > aleppo.html
//! cargo run --example render_html -- report.txt > report.html
//! ```

mod common;

use std::fmt::Write as _;

use reportage::events::{Event, Report};
use reportage::Entity;

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The sentence `text[start..end]` with its entities wrapped in `<mark class="KIND">`.
fn highlight(text: &str, start: usize, end: usize, entities: &[Entity]) -> String {
    let mut html = String::new();
    let mut at = start;
    for e in entities {
        if e.span.start < at || e.span.end > end {
            continue;
        }
        html.push_str(&esc(&text[at..e.span.start]));
        let _ = write!(
            html,
            r#"<mark class="{k}" title="{k} {score:.2}">{t}</mark>"#,
            k = esc(e.kind.as_str()),
            score = e.score,
            t = esc(&text[e.span.range()])
        );
        at = e.span.end;
    }
    html.push_str(&esc(&text[at..end]));
    html
}

fn card(e: &Event) -> String {
    let list = |v: &mut dyn Iterator<Item = String>| v.collect::<Vec<_>>().join(", ");
    let actors = |v: &[reportage::events::Actor]| {
        list(&mut v.iter().map(|a| {
            let kind = a.kind.as_ref().map(|k| k.as_str()).unwrap_or("");
            format!(r#"<span class="actor {kind}">{}</span>"#, esc(&a.text))
        }))
    };
    let mut rows = String::new();
    for (name, value) in [
        ("source", actors(&e.sources)),
        ("target", actors(&e.targets)),
        ("backed by", actors(&e.supporters)),
        ("where", list(&mut e.locations.iter().map(|p| esc(&p.text)))),
        (
            "when",
            list(&mut e.times.iter().map(|t| match &t.resolved {
                Some(r) => format!("{} ({})", esc(&t.text), esc(r)),
                None => esc(&t.text),
            })),
        ),
        (
            "trigger",
            list(
                &mut e
                    .evidence
                    .triggers
                    .iter()
                    .map(|t| format!("<q>{}</q>", esc(&t.text))),
            ),
        ),
    ] {
        if !value.is_empty() {
            let _ = write!(rows, "<tr><th>{name}</th><td>{value}</td></tr>");
        }
    }
    format!(
        r#"<div class="card {ty}"><div class="type">{ty}{mode}<span class="conf">{conf:.2}</span></div><table>{rows}</table><div class="id">{id}</div></div>"#,
        ty = e.event_type,
        mode = e
            .mode
            .as_deref()
            .map(|m| format!("/{}", esc(m)))
            .unwrap_or_default(),
        conf = e.confidence,
        id = esc(&e.id),
    )
}

const STYLE: &str = r#"
body { font: 15px/1.5 system-ui, sans-serif; margin: 2em auto; max-width: 76em; color: #222; }
.row { display: grid; grid-template-columns: 3fr 2fr; gap: 1.5em; border-top: 1px solid #eee; padding: .6em 0; }
mark { border-radius: 3px; padding: 0 2px; }
mark.NORP { background: #fde2b8; } mark.GPE { background: #c8e6c9; } mark.LOC { background: #b2dfdb; }
mark.ORG { background: #bbdefb; } mark.PERSON { background: #f8bbd0; } mark.FAC { background: #d1c4e9; }
mark.DATE, mark.TIME { background: #eeeeee; } mark { background: #fff59d; }
.card { border: 1px solid #ccc; border-left: 5px solid #888; border-radius: 4px; padding: .3em .6em; margin-bottom: .5em; font-size: 13px; }
.card.ASSAULT, .card.COERCE, .card.THREATEN { border-left-color: #c62828; }
.card.AID, .card.SUPPORT, .card.COOPERATE, .card.AGREE, .card.CONSULT { border-left-color: #2e7d32; }
.card.REQUEST, .card.ACCUSE, .card.REJECT, .card.PROTEST { border-left-color: #ef6c00; }
.type { font-weight: bold; } .conf { float: right; color: #777; font-weight: normal; }
.card th { text-align: left; color: #666; font-weight: normal; padding-right: .6em; vertical-align: top; }
.id { color: #aaa; font-size: 11px; } .legend mark { margin-right: .4em; }
"#;

fn main() -> reportage::Result<()> {
    let (id, text) = common::report_from_args()?;
    let extractor = common::extractor()?;
    let report = Report::new(id.clone(), text.clone());
    let events = extractor.extract(&report)?;
    let sentences = extractor.sentence_entities(&text)?;

    let mut body = String::new();
    for s in &sentences {
        let cards: String = events
            .iter()
            .filter(|e| e.evidence.span == s.span)
            .map(card)
            .collect();
        let _ = write!(
            body,
            r#"<div class="row"><div>{}</div><div>{cards}</div></div>"#,
            highlight(&text, s.span.start, s.span.end, &s.entities)
        );
    }
    println!(
        r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title><style>{STYLE}</style></head>
<body><h1>{title}</h1>
<p class="legend"><mark class="NORP">NORP</mark><mark class="GPE">GPE</mark><mark class="LOC">LOC</mark><mark class="ORG">ORG</mark><mark class="PERSON">PERSON</mark><mark class="FAC">FAC</mark> {n} events, {m} sentences</p>
{body}
</body></html>"#,
        title = esc(&id),
        n = events.len(),
        m = sentences.len(),
    );
    Ok(())
}
