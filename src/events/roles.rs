//! Role assignment inside one sentence: actor and place mentions, clauses, triggers, and who
//! did what to whom.
//!
//! Everything here is rules over tokens, driven by the word lists of [`RoleRules`] and the
//! trigger lexicon; it never looks beyond the sentence (no coreference).

use super::geo::GeoNames;
use super::lexicon::{phrase_at, phrase_ending_at, RoleRules, TriggerHit, TriggerLexicon};
use super::types::{Actor, EventType, Place, Role, Trigger};
use crate::entities::{Entity, EntityKind};
use crate::text::tokens::{tokenize, Token};
use crate::text::Span;

/// An actor or place mention, in token indices of the sentence.
#[derive(Debug, Clone, PartialEq)]
struct Mention {
    start: usize,
    end: usize,
    /// Byte span (may be narrower than the tokens: "Russian" in "Russian-backed").
    span: Span,
    kind: Option<EntityKind>,
    named: bool,
    place: bool,
}

/// A stretch of the sentence that roles do not cross.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Clause {
    start: usize,
    end: usize,
    /// The lower-cased word that opened it, if a clause word did.
    opener: Option<usize>,
}

/// A supporter phrase: "backed by Russian air support" -> the actor "Russian air support".
#[derive(Debug, Clone)]
struct Zone {
    /// Token range of the whole phrase, pattern words included.
    start: usize,
    end: usize,
    actor: Option<Actor>,
}

/// An event as the rules see it, before ids, dates, confidence and stance.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Draft {
    pub event_type: EventType,
    pub mode: Option<String>,
    pub triggers: Vec<Trigger>,
    pub weak: bool,
    pub sources: Vec<Actor>,
    pub targets: Vec<Actor>,
    pub supporters: Vec<Actor>,
    pub locations: Vec<Place>,
    /// Whether the source came from another clause (inherited subject, relative clause).
    pub inherited_source: bool,
}

impl Draft {
    /// An event the lexicon did not find but a classifier did: its type only; actors come
    /// from the role tagger.
    pub fn classified(event_type: EventType) -> Draft {
        Draft {
            event_type,
            mode: None,
            triggers: Vec::new(),
            weak: false,
            sources: Vec::new(),
            targets: Vec::new(),
            supporters: Vec::new(),
            locations: Vec::new(),
            inherited_source: false,
        }
    }
}

/// One draft per type and actors in a sentence. Two triggers of one type that name the same
/// sources and targets ("An explosion at the refinery, which killed four workers") report
/// one event, not two: counted twice, it would double what an analyst counts. The merged
/// draft keeps every trigger as evidence, in text order, and the places and supporters of
/// both. Drafts whose actors differ stay apart ("X shelled Y and Z shelled W").
pub(crate) fn merge_same_events(drafts: Vec<Draft>) -> Vec<Draft> {
    let same_spans =
        |a: &[Actor], b: &[Actor]| a.iter().map(|x| x.span).eq(b.iter().map(|x| x.span));
    let mut merged: Vec<Draft> = Vec::with_capacity(drafts.len());
    for d in drafts {
        let same = merged.iter_mut().find(|m| {
            m.event_type == d.event_type
                && same_spans(&m.sources, &d.sources)
                && same_spans(&m.targets, &d.targets)
        });
        let Some(m) = same else {
            merged.push(d);
            continue;
        };
        m.mode = m.mode.take().or(d.mode);
        m.weak &= d.weak;
        m.inherited_source &= d.inherited_source;
        for t in d.triggers {
            if !m.triggers.contains(&t) {
                m.triggers.push(t);
            }
        }
        m.triggers.sort_by_key(|t| t.span.start);
        for a in d.supporters {
            if !m.supporters.iter().any(|x| x.span == a.span) {
                m.supporters.push(a);
            }
        }
        for p in d.locations {
            if !m.locations.iter().any(|x| x.span == p.span) {
                m.locations.push(p);
            }
        }
    }
    merged
}

/// Analyse one sentence. `text` is the whole report, `span` the sentence, `entities` the
/// sentence's entities with report offsets, sorted by start.
pub(crate) fn analyse(
    text: &str,
    span: Span,
    entities: &[Entity],
    lexicon: &TriggerLexicon,
    rules: &RoleRules,
) -> (Vec<Token>, Vec<Draft>) {
    let Some(sentence) = text.get(span.range()) else {
        return (Vec::new(), Vec::new());
    };
    let toks = tokenize(sentence, span.start);
    let a = Analysis::new(text, &toks, entities, lexicon, rules);
    let drafts = a.drafts();
    (toks, drafts)
}

struct Analysis<'a> {
    text: &'a str,
    toks: &'a [Token],
    rules: &'a RoleRules,
    lexicon: &'a TriggerLexicon,
    /// Token range of each entity.
    ents: Vec<(usize, usize, &'a Entity)>,
    hits: Vec<TriggerHit>,
    mentions: Vec<Mention>,
    clauses: Vec<Clause>,
    zones: Vec<Zone>,
    /// Actors marked by a "-backed" word ("Russian-backed forces"): supporters of the clause.
    hyphen_backers: Vec<(usize, Actor)>,
}

/// Kinds that can name an actor: persons, groups, organisations, states, and the places and
/// catch-all `MISC` of CoNLL-style recognizers (which label "Syrian" MISC and "Syria" LOC).
fn actorish(kind: &EntityKind) -> bool {
    kind.is_actor() || matches!(kind, EntityKind::Location | EntityKind::Misc)
}

fn lower_in(list: &[String], w: &str) -> bool {
    list.iter().any(|x| x == w)
}

impl<'a> Analysis<'a> {
    fn new(
        text: &'a str,
        toks: &'a [Token],
        entities: &'a [Entity],
        lexicon: &'a TriggerLexicon,
        rules: &'a RoleRules,
    ) -> Self {
        let mut ents = Vec::new();
        for e in entities {
            let a = toks.iter().position(|t| t.span.end > e.span.start);
            let b = toks.iter().rposition(|t| t.span.start < e.span.end);
            if let (Some(a), Some(b)) = (a, b) {
                // Overlapping entities (a sloppy recognizer): keep the first.
                if a <= b && ents.last().map_or(true, |&(_, pb, _)| a >= pb) {
                    ents.push((a, b + 1, e));
                }
            }
        }
        let mut a = Analysis {
            text,
            toks,
            rules,
            lexicon,
            ents,
            hits: Vec::new(),
            mentions: Vec::new(),
            clauses: Vec::new(),
            zones: Vec::new(),
            hyphen_backers: Vec::new(),
        };
        a.clauses = a.find_clauses();
        a.hits = a.find_triggers();
        a.mentions = a.find_mentions();
        a.zones = a.find_zones();
        a
    }

    fn word(&self, i: usize) -> &str {
        self.toks.get(i).map(|t| t.lower.as_str()).unwrap_or("")
    }

    fn entity_at(&self, i: usize) -> Option<(usize, usize, &'a Entity)> {
        self.ents.iter().copied().find(|&(a, _, _)| a == i)
    }

    fn inside_entity(&self, i: usize) -> bool {
        self.ents.iter().any(|&(a, b, _)| a <= i && i < b)
    }

    fn tok_span(&self, start: usize, end: usize) -> Span {
        Span::new(self.toks[start].span.start, self.toks[end - 1].span.end)
    }

    fn surface(&self, span: Span) -> String {
        self.text.get(span.range()).unwrap_or_default().to_string()
    }

    // ---- clauses ---------------------------------------------------------------------

    fn find_clauses(&self) -> Vec<Clause> {
        let c = &self.rules.clauses;
        let mut out = Vec::new();
        let mut start = 0;
        let mut opener = None;
        for i in 0..self.toks.len() {
            let w = self.word(i);
            let after_punct = i > 0 && matches!(self.word(i - 1), "," | ";" | ":" | "—" | "–");
            // A spaced dash ends a dateline or opens an aside: "HONG KONG - Police ...".
            let after_dash = i > 0 && matches!(self.word(i - 1), "-" | "—" | "–");
            let opens = after_dash
                || (i > 0 && lower_in(&c.always, w))
                || (after_punct && lower_in(&c.after_comma, w))
                || (i > 0 && self.word(i - 1) == ";");
            if opens && i > start {
                out.push(Clause {
                    start,
                    end: i,
                    opener,
                });
                start = i;
                opener = Some(i);
            }
        }
        out.push(Clause {
            start,
            end: self.toks.len(),
            opener,
        });
        out
    }

    fn clause_of(&self, i: usize) -> usize {
        self.clauses
            .iter()
            .position(|c| c.start <= i && i < c.end)
            .unwrap_or(0)
    }

    // ---- triggers --------------------------------------------------------------------

    fn find_triggers(&self) -> Vec<TriggerHit> {
        let m = &self.rules.modality;
        self.lexicon
            .find(self.toks)
            .into_iter()
            // A trigger word inside a name is part of the name ("Rapid Support Forces").
            .filter(|h| !(h.start..h.end).any(|i| self.inside_entity(i)))
            // Nor is a modifier of an actor noun a trigger: "riot police".
            .filter(|h| {
                !(h.end == h.start + 1 && self.is_modifier(h.start) && self.head_follows(h.end))
            })
            .filter(|h| {
                let clause = self.clauses[self.clause_of(h.start)];
                let near = h.start.saturating_sub(4).max(clause.start);
                // Negated triggers did not happen; hypothetical ones ("whether", "could")
                // colour the rest of their clause.
                !(near..h.start)
                    .any(|k| phrase_at(&m.negation, self.toks, k).is_some_and(|n| k + n <= h.start))
                    && !(clause.start..h.start).any(|k| {
                        phrase_at(&m.irrealis, self.toks, k).is_some_and(|n| k + n <= h.start)
                    })
            })
            .collect()
    }

    fn in_trigger(&self, i: usize) -> bool {
        self.hits.iter().any(|h| h.start <= i && i < h.end)
    }

    // ---- mentions --------------------------------------------------------------------

    fn is_head(&self, i: usize) -> Option<(usize, Option<EntityKind>)> {
        let a = &self.rules.actors;
        if let Some(n) = phrase_at(&a.org, self.toks, i) {
            return Some((n, Some(EntityKind::Organization)));
        }
        if let Some(n) = phrase_at(&a.person, self.toks, i) {
            return Some((n, Some(EntityKind::Person)));
        }
        phrase_at(&a.groups, self.toks, i)
            .or_else(|| phrase_at(&a.pronouns, self.toks, i))
            .map(|n| (n, None))
    }

    fn is_modifier(&self, i: usize) -> bool {
        lower_in(&self.rules.actors.modifiers, self.word(i))
    }

    /// Whether modifiers then a head start at `i` ("government forces", "ground troops").
    fn head_follows(&self, mut i: usize) -> bool {
        while i < self.toks.len() {
            if self.is_head(i).is_some() && !(self.is_modifier(i) && self.head_follows(i + 1)) {
                return true;
            }
            if !self.is_modifier(i) {
                return false;
            }
            i += 1;
        }
        false
    }

    fn place_context(&self, run_start: usize, ent_start: usize) -> bool {
        let pm = &self.rules.patterns;
        phrase_ending_at(&pm.locative, self.toks, run_start).is_some()
            || (run_start..ent_start).any(|k| self.word(k) != "the")
    }

    /// A place at `i`: place modifiers, then a place entity (a GPE only in a place context).
    fn place_at(&self, i: usize) -> Option<Mention> {
        let pm = &self.rules.patterns.place_modifiers;
        let mut k = i;
        while self.entity_at(k).is_none() {
            k += phrase_at(pm, self.toks, k)?;
        }
        let (a, b, e) = self.entity_at(k)?;
        // "Sahel states", "Gaza residents": a place name used as a modifier of an actor.
        let place = !self.head_follows(b)
            && match e.kind {
                EntityKind::Facility => true,
                // CoNLL-style recognizers label countries and cities LOC: like a GPE, a
                // LOC is a place after "in/near/..." and may be an actor elsewhere.
                EntityKind::Gpe | EntityKind::Location => self.place_context(i, a),
                _ => false,
            };
        place.then(|| Mention {
            start: i,
            end: b,
            span: Span::new(self.toks[i].span.start.min(e.span.start), e.span.end),
            kind: Some(e.kind.clone()),
            named: true,
            place: true,
        })
    }

    /// An actor phrase at `i`: an entity grown to its noun phrase, or a lexicon head.
    fn actor_at(&self, i: usize) -> Option<Mention> {
        let dets = &self.rules.actors.determiners;
        let mut j = i;
        if lower_in(dets, self.word(j)) {
            j += 1;
        }
        let mut last_good: Option<usize> = None;
        let mut kind: Option<EntityKind> = None;
        let mut head_kind: Option<Option<EntityKind>> = None;
        let mut named = false;
        while j < self.toks.len() {
            if let Some((a, b, e)) = self.entity_at(j) {
                let person_after_title = head_kind.is_some() && e.kind == EntityKind::Person;
                if head_kind.is_some() && !person_after_title {
                    break;
                }
                let modifies_head = self.head_follows(b);
                let gpe_like = matches!(e.kind, EntityKind::Gpe | EntityKind::Location);
                if gpe_like && self.place_context(i, a) && !modifies_head {
                    break;
                }
                if !(actorish(&e.kind) || e.kind.is_place() && modifies_head) {
                    break;
                }
                // "Russian-backed": the entity only names the backer, not this phrase.
                if e.span.end < self.toks[b - 1].span.end {
                    break;
                }
                kind.get_or_insert(e.kind.clone());
                named = true;
                j = b;
                last_good = Some(j);
                continue;
            }
            if self.in_trigger(j) {
                break;
            }
            if let Some((n, hk)) = self.is_head(j) {
                if self.is_modifier(j) && self.head_follows(j + 1) {
                    j += 1;
                    continue;
                }
                j += n;
                last_good = Some(j);
                head_kind = Some(hk);
                // "the Syrian government's ground troops": one phrase through the possessive.
                if self.word(j) == "'s" && self.head_follows(j + 1) {
                    j += 1;
                    head_kind = None;
                    continue;
                }
                // A PERSON name may follow a title; anything else ends the phrase.
                if self
                    .entity_at(j)
                    .is_some_and(|(_, _, e)| e.kind == EntityKind::Person)
                {
                    continue;
                }
                break;
            }
            if self.word(j) == "'s" && last_good == Some(j) && self.head_follows(j + 1) {
                j += 1;
                continue;
            }
            if self.is_modifier(j) {
                j += 1;
                continue;
            }
            break;
        }
        let end = last_good?;
        let head_kind = head_kind.flatten();
        // An ORG/PERSON head names the phrase's kind ("Syrian government forces" is an ORG).
        let kind = match (&head_kind, kind) {
            (Some(h), _) => Some(h.clone()),
            (None, k) => k,
        };
        Some(Mention {
            start: i,
            end,
            span: self.tok_span(i, end),
            kind,
            named,
            place: false,
        })
    }

    fn find_mentions(&mut self) -> Vec<Mention> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < self.toks.len() {
            if !self.toks[i].is_word {
                i += 1;
                continue;
            }
            if let Some(m) = self.place_at(i) {
                i = m.end;
                out.push(m);
                continue;
            }
            if let Some(m) = self.actor_at(i) {
                // A lexicon noun inside a trigger is the trigger ("military support").
                if m.named || !(m.start..m.end).any(|k| self.in_trigger(k)) {
                    i = m.end;
                    out.push(m);
                    continue;
                }
            }
            // "Russian-backed forces": the name before the hyphen backs what follows.
            if let Some((_, b, e)) = self.entity_at(i) {
                let w = self.word(i);
                if b == i + 1
                    && (w.ends_with("-backed") || w.ends_with("-supported"))
                    && actorish(&e.kind)
                {
                    let actor = Actor {
                        text: e.text.clone(),
                        span: e.span,
                        kind: Some(e.kind.clone()),
                        named: true,
                        role: Role::Supporter,
                        refers_to: None,
                    };
                    self.hyphen_backers.push((i, actor));
                }
            }
            i += 1;
        }
        out
    }

    // ---- supporter phrases -----------------------------------------------------------

    fn find_zones(&self) -> Vec<Zone> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < self.toks.len() {
            let Some(n) = phrase_at(&self.rules.patterns.supporter, self.toks, i) else {
                i += 1;
                continue;
            };
            let clause = self.clauses[self.clause_of(i)];
            let mut end = i + n;
            while end < clause.end && self.toks[end].is_word {
                end += 1;
            }
            let inside: Vec<&Mention> = self
                .mentions
                .iter()
                .filter(|m| !m.place && m.start >= i + n && m.end <= end)
                .collect();
            let actor = inside.first().map(|first| {
                // The whole noun phrase ("Russian air support"), up to the phrase's last word.
                let span = Span::new(first.span.start, self.toks[end - 1].span.end);
                let kind = inside
                    .iter()
                    .find(|m| m.named)
                    .and_then(|m| m.kind.clone())
                    .or_else(|| first.kind.clone());
                Actor {
                    text: self.surface(span),
                    span,
                    kind,
                    named: inside.iter().any(|m| m.named),
                    role: Role::Supporter,
                    refers_to: None,
                }
            });
            out.push(Zone {
                start: i,
                end,
                actor,
            });
            i = end.max(i + 1);
        }
        out
    }

    fn in_zone(&self, i: usize) -> bool {
        self.zones.iter().any(|z| z.start <= i && i < z.end)
    }

    // ---- roles -----------------------------------------------------------------------

    /// Whether the mention is the object of a preposition (not a subject).
    fn after_preposition(&self, m: &Mention) -> bool {
        // A clause opener is not a preposition: "with troops making gains".
        let opener = self
            .clauses
            .iter()
            .any(|c| c.opener == Some(m.start.wrapping_sub(1)));
        let quantity = self.word(m.start.wrapping_sub(1)) == "of"
            && lower_in(
                &self.rules.patterns.quantifiers,
                self.word(m.start.wrapping_sub(2)),
            );
        m.start > 0
            && !opener
            && !quantity
            && lower_in(&self.rules.patterns.prepositions, self.word(m.start - 1))
    }

    fn actors_in(&self, from: usize, to: usize) -> impl Iterator<Item = (usize, &Mention)> {
        self.mentions.iter().enumerate().filter(move |(_, m)| {
            !m.place && m.start >= from && m.end <= to && !self.in_zone(m.start)
        })
    }

    /// Mentions coordinated with `k` by "and" / "," ("Russian and Syrian forces").
    fn coordinated(&self, k: usize) -> Vec<usize> {
        let linked = |a: usize, b: usize| {
            let (a, b) = (&self.mentions[a], &self.mentions[b]);
            let gap: Vec<&str> = (a.end..b.start).map(|i| self.word(i)).collect();
            !a.place && !b.place && matches!(gap.as_slice(), ["and"] | [","] | [",", "and"])
        };
        let mut first = k;
        while first > 0 && linked(first - 1, first) {
            first -= 1;
        }
        let mut last = k;
        while last + 1 < self.mentions.len() && linked(last, last + 1) {
            last += 1;
        }
        (first..=last).collect()
    }

    /// The subject of a clause: its first actor that is not a prepositional object.
    fn subject_of(&self, c: &Clause) -> Option<usize> {
        self.actors_in(c.start, c.end)
            .find(|(_, m)| !self.after_preposition(m))
            .map(|(k, _)| k)
    }

    fn actor(&self, k: usize, role: Role) -> Actor {
        let m = &self.mentions[k];
        Actor {
            text: self.surface(m.span),
            span: m.span,
            kind: m.kind.clone(),
            named: m.named,
            role,
            refers_to: None,
        }
    }

    fn place(&self, m: &Mention) -> Place {
        let text = self.surface(m.span);
        Place {
            geo: GeoNames::bundled().link(&text).cloned(),
            text,
            span: m.span,
            kind: m.kind.clone(),
        }
    }

    fn after_preposition_word(&self, i: usize) -> bool {
        let mut k = i;
        if k > 0 && lower_in(&self.rules.actors.determiners, self.word(k - 1)) {
            k -= 1;
        }
        k > 0 && lower_in(&self.rules.patterns.prepositions, self.word(k - 1))
    }

    fn is_passive(&self, h: &TriggerHit) -> bool {
        let t = &self.toks[h.start];
        let participle =
            t.lower.ends_with("ed") || lower_in(&self.rules.voice.participles, &t.lower);
        if !participle {
            return false;
        }
        // Up to two adverbs between the auxiliary and the participle ("was heavily shelled").
        (0..=2).any(|skip| {
            let end = h.start.saturating_sub(skip);
            (end..h.start).all(|k| self.word(k).ends_with("ly"))
                && phrase_ending_at(&self.rules.voice.passive_aux, self.toks, end).is_some()
        })
    }

    fn drafts(&self) -> Vec<Draft> {
        let mut out = Vec::new();
        // The clause of each draft in `out`.
        let mut ends: Vec<usize> = Vec::new();
        for (ci, clause) in self.clauses.iter().enumerate() {
            let mut groups: Vec<(Vec<&TriggerHit>, bool)> = Vec::new();
            let mut absorbed = false;
            for h in self
                .hits
                .iter()
                .filter(|h| h.start >= clause.start && h.end <= clause.end)
            {
                // "condemned the attack and called for ...": a second predicate, not content.
                if absorbed && h.start > 0 && self.word(h.start - 1) == "and" {
                    absorbed = false;
                }
                // Triggers inside "backed by ..." describe the backing, not a new event.
                if absorbed || self.in_zone(h.start) {
                    continue;
                }
                // "sanctions ... over the crackdown": a noun after a preposition, once the
                // clause has its event, is what that event is about.
                if !groups.is_empty() && self.after_preposition_word(h.start) {
                    continue;
                }
                let verbal = self.lexicon.info(h.event_type).verbal;
                match groups
                    .iter_mut()
                    .find(|(g, _)| g[0].event_type == h.event_type)
                {
                    Some((g, _)) => g.push(h),
                    None => groups.push((vec![h], verbal)),
                }
                // What a speech act says is its content, not another event.
                absorbed = verbal;
            }
            let mut prev_source = None;
            for (group, verbal) in groups {
                // "accused X ... and vowed to retaliate": the same subject for both verbs.
                let anchor = group[0];
                let coordinated = anchor.start > 0 && self.word(anchor.start - 1) == "and";
                let inherit = if coordinated { prev_source } else { None };
                if let Some((d, source)) = self.draft(ci, clause, &group, verbal, inherit) {
                    prev_source = source.or(prev_source);
                    if !self.elaborates(clause, &d, &mut out, &ends) {
                        out.push(d);
                        ends.push(ci);
                    }
                }
            }
        }
        out
    }

    /// "The army's advance has been rapid, with troops making gains": a "with" clause whose
    /// event has the type of the previous clause's and no named source of its own says more
    /// about that event. Folds `d` into it and returns true if so.
    fn elaborates(&self, clause: &Clause, d: &Draft, out: &mut [Draft], ends: &[usize]) -> bool {
        let opener = clause.opener.map(|o| self.word(o));
        if opener != Some("with") || d.sources.iter().any(|a| a.named) {
            return false;
        }
        let this = self.clause_of(clause.start);
        let Some(k) = (0..out.len())
            .rev()
            .find(|&k| ends[k] + 1 == this && out[k].event_type == d.event_type)
        else {
            return false;
        };
        let prev = &mut out[k];
        prev.triggers.extend(d.triggers.iter().cloned());
        if prev.targets.is_empty() {
            prev.targets = d.targets.clone();
        }
        if prev.locations.is_empty() {
            prev.locations = d.locations.clone();
        }
        prev.mode = prev.mode.clone().or_else(|| d.mode.clone());
        true
    }

    fn draft(
        &self,
        ci: usize,
        clause: &Clause,
        group: &[&TriggerHit],
        verbal: bool,
        coordinated_source: Option<usize>,
    ) -> Option<(Draft, Option<usize>)> {
        let anchor = group[0];
        let passive = self.is_passive(anchor);
        // "shelled by X", "the attack by X": an explicit agent after the trigger.
        let agent = self
            .actors_in(anchor.end, clause.end)
            .find(|(_, m)| {
                lower_in(
                    &self.rules.patterns.agent,
                    self.word(m.start.wrapping_sub(1)),
                )
            })
            .map(|(k, _)| k);
        let before: Vec<(usize, &Mention)> = self
            .actors_in(clause.start, anchor.start)
            .filter(|(_, m)| !self.after_preposition(m))
            .collect();
        let nearest_before = coordinated_source.or(before.last().map(|&(k, _)| k));

        let mut inherited_source = false;
        let mut target: Option<usize> = None;
        let source = if passive {
            target = nearest_before;
            agent
        } else {
            agent.or(nearest_before).or_else(|| {
                let opener = clause.opener.map(|o| self.word(o)).unwrap_or("");
                let c = &self.rules.clauses;
                let from_earlier = if lower_in(&c.relative, opener) {
                    // "the rebels, who ...": the actor right before the clause.
                    self.actors_in(0, clause.start).last().map(|(k, _)| k)
                } else if lower_in(&c.inherit_subject, opener) {
                    self.clauses[..ci]
                        .iter()
                        .rev()
                        .find_map(|c| self.subject_of(c))
                } else {
                    None
                };
                inherited_source = from_earlier.is_some();
                from_earlier
            })
        };
        let info = self.lexicon.info(anchor.event_type);
        if !passive {
            let excluded = |m: &Mention| {
                let prev = self.word(m.start.wrapping_sub(1));
                lower_in(&self.rules.patterns.agent, prev) || prev == "from"
            };
            let last_end = group.iter().map(|h| h.end).max().unwrap_or(anchor.end);
            // The target comes before the next trigger of another event in the clause.
            let limit = self
                .hits
                .iter()
                .filter(|h| h.start >= anchor.end && h.event_type != anchor.event_type)
                .map(|h| h.start)
                .min()
                .unwrap_or(clause.end)
                .min(clause.end);
            target = if verbal {
                let partner = |m: &Mention| {
                    lower_in(
                        &self.rules.patterns.partner,
                        self.word(m.start.wrapping_sub(1)),
                    )
                };
                // Only an actor right after a speech act is addressed by it ("urged Russia"),
                // or one introduced as the other party ("talks with X", "between X").
                self.actors_in(anchor.end, limit)
                    .find(|(_, m)| m.start <= anchor.end + 1 && !excluded(m))
                    .or_else(|| {
                        self.actors_in(anchor.end, clause.end)
                            .find(|(_, m)| partner(m))
                    })
                    .or_else(|| {
                        // "threatened to impose sanctions on officials": who is threatened.
                        info.content_target
                            .then(|| {
                                self.actors_in(anchor.end, clause.end)
                                    .find(|(_, m)| !excluded(m))
                            })
                            .flatten()
                    })
                    .map(|(k, _)| k)
            } else {
                self.actors_in(anchor.end, limit)
                    .filter(|(k, m)| Some(*k) != source && !excluded(m))
                    .find(|(_, m)| {
                        m.start >= anchor.end && (m.start >= last_end || m.end <= last_end)
                    })
                    .map(|(k, _)| k)
            };
        }
        if source.is_none() && target.is_none() {
            return None;
        }
        if group.iter().all(|h| h.weak) && source.is_none() {
            return None;
        }
        let sources: Vec<Actor> = source
            .map(|k| {
                self.coordinated(k)
                    .into_iter()
                    .map(|k| self.actor(k, Role::Source))
                    .collect()
            })
            .unwrap_or_default();
        let targets: Vec<Actor> = target
            .filter(|t| Some(*t) != source)
            .map(|k| {
                self.coordinated(k)
                    .into_iter()
                    .map(|k| self.actor(k, Role::Target))
                    .collect()
            })
            .unwrap_or_default();

        // Supporters: "backed by" phrases and "X-backed" words in the source's clause.
        let source_clause = source
            .map(|k| self.clause_of(self.mentions[k].start))
            .unwrap_or(ci);
        let mut supporters: Vec<Actor> = self
            .zones
            .iter()
            .filter(|z| self.clause_of(z.start) == source_clause)
            .filter_map(|z| z.actor.clone())
            .collect();
        supporters.extend(
            self.hyphen_backers
                .iter()
                .filter(|(i, _)| self.clause_of(*i) == source_clause)
                .map(|(_, a)| a.clone()),
        );

        let places_in = |from: usize, to: usize| -> Vec<Place> {
            self.mentions
                .iter()
                .filter(|m| m.place && m.start >= from && m.end <= to)
                .map(|m| self.place(m))
                .collect()
        };
        let mut locations;
        if verbal && !info.located {
            // What follows a speech act is what was said, places included.
            locations = places_in(clause.start, anchor.start);
        } else {
            locations = places_in(clause.start, clause.end);
            if locations.is_empty() {
                locations = places_in(0, self.toks.len());
            }
        }

        let mode = group.iter().find_map(|h| h.mode.clone());
        let triggers = group
            .iter()
            .map(|h| {
                let span = self.tok_span(h.start, h.end);
                Trigger {
                    text: self.surface(span),
                    span,
                    pattern: h.phrase.clone(),
                }
            })
            .collect();
        let draft = Draft {
            event_type: anchor.event_type,
            mode,
            triggers,
            weak: group.iter().all(|h| h.weak),
            sources,
            targets,
            supporters,
            locations,
            inherited_source,
        };
        Some((draft, source))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entities::EntityRecognition;
    use crate::entities::GazetteerRecognizer;

    /// One line per draft: `TYPE[/mode] src=a+b tgt=.. sup=.. loc=..`.
    fn show(s: &str) -> Vec<String> {
        let ents = GazetteerRecognizer::default().recognize(s).unwrap();
        let (lex, rules) = (TriggerLexicon::default(), RoleRules::default());
        let (_, drafts) = analyse(s, Span::new(0, s.len()), &ents, &lex, &rules);
        let names = |v: &[Actor]| {
            v.iter()
                .map(|a| a.text.as_str())
                .collect::<Vec<_>>()
                .join("+")
        };
        drafts
            .iter()
            .map(|d| {
                format!(
                    "{}{} src={} tgt={} sup={} loc={}",
                    d.event_type,
                    d.mode
                        .as_deref()
                        .map(|m| format!("/{m}"))
                        .unwrap_or_default(),
                    names(&d.sources),
                    names(&d.targets),
                    names(&d.supporters),
                    d.locations
                        .iter()
                        .map(|p| p.text.as_str())
                        .collect::<Vec<_>>()
                        .join("+"),
                )
            })
            .collect()
    }

    #[test]
    fn drafts_of_one_type_and_the_same_actors_merge() {
        let text = "An explosion at the refinery, which killed four workers, hit output.";
        let at = |w: &str| {
            let start = text.find(w).unwrap();
            Span::new(start, start + w.len())
        };
        let actor = |w: &str, role| Actor {
            text: w.into(),
            span: at(w),
            kind: None,
            named: false,
            role,
            refers_to: None,
        };
        let draft = |trigger: &str, target: &str, weak| Draft {
            triggers: vec![Trigger {
                text: trigger.into(),
                span: at(trigger),
                pattern: trigger.into(),
            }],
            weak,
            targets: vec![actor(target, Role::Target)],
            ..Draft::classified(EventType::Assault)
        };
        let killed = draft("killed", "four workers", false);
        let explosion = draft("explosion", "four workers", true);
        let merged = merge_same_events(vec![killed.clone(), explosion.clone()]);
        assert_eq!(merged.len(), 1);
        let triggers: Vec<&str> = merged[0].triggers.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(triggers, ["explosion", "killed"]);
        assert!(!merged[0].weak, "one strong trigger makes the event strong");

        // Other actors or another type: two events.
        let other = draft("hit", "output", false);
        assert_eq!(merge_same_events(vec![killed.clone(), other]).len(), 2);
        let coerce = Draft {
            event_type: EventType::Coerce,
            ..explosion
        };
        assert_eq!(merge_same_events(vec![killed, coerce]).len(), 2);
    }

    #[test]
    fn actor_phrases_grow_around_entities_and_supporters_are_split_off() {
        assert_eq!(
            show("Syrian government forces, backed by Russian air support, have made significant advances in central Aleppo, pushing towards the historic Old Quarter."),
            ["ASSAULT src=Syrian government forces tgt= sup=Russian air support loc=central Aleppo+the historic Old Quarter"]
        );
        assert_eq!(
            show("Turkish-backed fighters clashed with the SDF near Manbij."),
            ["ASSAULT src=fighters tgt=the SDF sup=Turkish loc=Manbij"]
        );
        assert_eq!(
            show("Chinese foreign ministry spokesman Wang Wenbin urged Washington to stop."),
            ["REQUEST src=Chinese foreign ministry spokesman tgt=Washington sup= loc="]
        );
        assert_eq!(
            show("Russian and Syrian warplanes bombed rebel positions in Idlib."),
            ["ASSAULT/aerial src=Russian+Syrian tgt= sup= loc=Idlib"]
        );
    }

    #[test]
    fn voice_against_and_speech_acts() {
        assert_eq!(
            show("The convoy was shelled by government forces on Tuesday."),
            ["ASSAULT src=government forces tgt= sup= loc="]
        );
        assert_eq!(
            show("Rebel fighters were heavily shelled by government forces near Homs."),
            ["ASSAULT src=government forces tgt=Rebel fighters sup= loc=Homs"]
        );
        assert_eq!(
            show("Rebels launched an offensive against Syrian troops near Idlib."),
            ["ASSAULT src=Rebels tgt=Syrian troops sup= loc=Idlib"]
        );
        // The content of a request is not a second event.
        assert_eq!(
            show("The European Union urged Russia to halt airstrikes on Aleppo."),
            ["REQUEST src=The European Union tgt=Russia sup= loc="]
        );
        assert_eq!(
            show("The United States imposed sanctions on Iranian officials over the crackdown."),
            ["SANCTION src=The United States tgt=Iranian officials sup= loc="]
        );
    }

    #[test]
    fn clauses_negation_and_inherited_subjects() {
        // The relative clause takes its antecedent; the negated attack is no event.
        assert_eq!(
            show("Kurdish-led forces, who captured the town last week, did not attack the base."),
            ["ASSAULT src=forces tgt= sup= loc="]
        );
        assert_eq!(
            show("Protesters marched through central Khartoum, demanding that the army hand power to civilians."),
            [
                "PROTEST src=Protesters tgt= sup= loc=central Khartoum",
                "REQUEST src=Protesters tgt=the army sup= loc=central Khartoum"
            ]
        );
        assert!(show("It remains to be seen whether the army will attack the rebels.").is_empty());
        // A "with" clause elaborates the main event unless it names its own actor.
        assert_eq!(
            show("The Syrian army's advance has been rapid, with troops making gains near Homs."),
            ["ASSAULT src=The Syrian army tgt= sup= loc=Homs"]
        );
        assert_eq!(
            show("Syrian forces advanced on Monday, with Russian warplanes striking rebels."),
            [
                "ASSAULT src=Syrian forces tgt= sup= loc=",
                "ASSAULT/aerial src=Russian tgt=rebels sup= loc="
            ]
        );
        // A background noun with nobody doing it is no event.
        assert!(show("Fighting continued across the city.").is_empty());
    }
}
