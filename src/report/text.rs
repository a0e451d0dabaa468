//! The summary as text for a terminal, read at a glance: the outcome first
//! (bold and coloured on a terminal), the reason in one sentence, one
//! compact row per criterion in words, absent red flags folded into one
//! line, numbered references, then what it means, unknowns, the sections
//! asked for and the disclaimer, all wrapped to the terminal's width.
//!
//! Text from rule sets and answers files is made inert before it is shown
//! (see [`crate::diagnostics::inert`]): a rule set cannot send escape
//! sequences to the clinician's terminal.

use std::fmt::Write;

use console::Style as Paint;

use super::table::Style;
use super::{
    CriterionLine, HYPOTHETICAL_BANNER, Summary, WhatIfSection, WhatWouldChangeSection, WhySection,
    is_adverse, status_word,
};
use crate::diagnostics::{inert, inert_line};
use crate::engine::{CriterionKind, Outcome, Tri};

/// Where a criterion's label starts: after the widest status word.
const LABEL_AT: usize = 18;

/// Text wrapped to the width, every line indented by `indent` (the first by
/// `first`, which may hold a marker).
fn wrap(out: &mut String, text: &str, width: usize, first: &str, indent: usize) {
    let pad = " ".repeat(indent);
    let options = textwrap::Options::new(width.max(indent + 20))
        .initial_indent(first)
        .subsequent_indent(&pad)
        .break_words(false);
    for line in textwrap::wrap(text, options) {
        let _ = writeln!(out, "{}", line.trim_end());
    }
}

/// The colour of a status or an outcome: red against the patient, yellow
/// unknown, green for it. Bold when colour is on; plain otherwise.
fn paint(text: &str, adverse: Option<bool>, style: Style) -> String {
    if !style.color {
        return text.to_string();
    }
    let p = Paint::new().bold().force_styling(true);
    let p = match adverse {
        Some(true) => p.red(),
        Some(false) => p.green(),
        None => p.yellow(),
    };
    p.apply_to(text).to_string()
}

/// Whether the outcome counts against the patient (`None`: undecided).
const fn adverse_outcome(outcome: Outcome) -> Option<bool> {
    match outcome {
        Outcome::RedFlag | Outcome::Excluded | Outcome::NotMet => Some(true),
        Outcome::Incomplete => None,
        Outcome::Met => Some(false),
    }
}

/// The criteria that decided the outcome, in one sentence.
/// One line that ends a walk's summary, so the outcome is in view after a
/// long summary has scrolled: "Outcome: NOT MET. Why: ...".
pub fn recap(s: &Summary) -> String {
    let word = match &s.hypothetical {
        Some(_) => format!("Outcome (hypothetical): {}", super::outcome_word(s.outcome)),
        None => format!("Outcome: {}", super::outcome_word(s.outcome)),
    };
    format!("{word}. {}", reason(s))
}

fn reason(s: &Summary) -> String {
    let labels = |f: &dyn Fn(&CriterionLine) -> bool| -> Vec<String> {
        s.criteria
            .iter()
            .filter(|c| f(c))
            .map(|c| inert_line(&c.label).into_owned())
            .collect()
    };
    let (lead, list) = match s.outcome {
        Outcome::RedFlag => (
            "Present",
            labels(&|c| c.kind == CriterionKind::RedFlag && c.holds == Tri::True),
        ),
        Outcome::Excluded => (
            "Applies",
            labels(&|c| c.kind == CriterionKind::Exclusion && c.holds == Tri::True),
        ),
        Outcome::NotMet => (
            "Not met",
            labels(&|c| c.kind == CriterionKind::Indication && c.holds == Tri::False),
        ),
        Outcome::Incomplete => ("Not yet decided", labels(&|c| c.holds == Tri::Unknown)),
        Outcome::Met => {
            return format!(
                "Why: all {} criteria are decided in the patient's favour.",
                s.criteria.len()
            );
        }
    };
    format!("Why: {lead}: {}.", list.join("; "))
}

/// The answers that decided a criterion, in words.
fn answers(c: &CriterionLine) -> String {
    c.decided_by
        .iter()
        .map(|a| format!("{}: {}", inert_line(&a.short), inert_line(&a.words)))
        .collect::<Vec<_>>()
        .join("; ")
}

/// One criterion: its status, label and reference numbers, then the
/// answers that decided it, indented under the label.
fn criterion(out: &mut String, c: &CriterionLine, width: usize, style: Style) {
    let word = status_word(c.kind, c.holds);
    let adverse = match c.holds {
        Tri::Unknown => None,
        h => Some(is_adverse(c.kind, h)),
    };
    let refs = if c.refs.is_empty() {
        String::new()
    } else {
        let n: Vec<String> = c.refs.iter().map(ToString::to_string).collect();
        format!(" [{}]", n.join(", "))
    };
    let unverified = if c.unverified.is_some() {
        " (UNVERIFIED)"
    } else {
        ""
    };
    let label = format!("{}{unverified}{refs}", inert_line(&c.label));
    // The status is padded before painting, so colour codes do not shift
    // the columns.
    let first = format!("  {}", paint(&format!("{word:<16}"), adverse, style));
    let mut lines = String::new();
    wrap(&mut lines, &label, width, &" ".repeat(LABEL_AT), LABEL_AT);
    let mut body = lines.lines();
    if let Some(head) = body.next() {
        let _ = writeln!(out, "{first}{}", &head[LABEL_AT..]);
    }
    for line in body {
        let _ = writeln!(out, "{line}");
    }
    let decided = answers(c);
    if !decided.is_empty() {
        wrap(
            out,
            &decided,
            width,
            &" ".repeat(LABEL_AT + 2),
            LABEL_AT + 2,
        );
    }
    if let Some(line) = missing_line(c) {
        wrap(out, &line, width, &" ".repeat(LABEL_AT + 2), LABEL_AT + 2);
    }
}

/// [`CriterionLine::missing_text`], safe for the terminal.
fn missing_line(c: &CriterionLine) -> Option<String> {
    c.missing_text().map(|m| inert_line(&m).into_owned())
}

/// Renders the whole summary, with any sections it carries before the
/// disclaimer: the outcome first, then the criteria one compact row each,
/// then what it means, references and unknowns.
pub fn render(s: &Summary, style: Style) -> String {
    let width = usize::from(style.width.max(40));
    let mut out = String::new();
    // The outcome first, painted line by line so no colour code spans a
    // line break.
    let adverse = adverse_outcome(s.outcome);
    let mut headline = String::new();
    // A what-if opens by saying so, with the recorded outcome beside it.
    let label = if let Some(h) = &s.hypothetical {
        wrap(&mut headline, HYPOTHETICAL_BANNER, width, "", 0);
        wrap(&mut headline, &h.outcomes_line(s.outcome), width, "", 0);
        "Outcome (hypothetical)"
    } else {
        "Outcome"
    };
    wrap(
        &mut headline,
        &format!("{label}: {}", s.outcome_sentence()),
        width,
        "",
        0,
    );
    for line in headline.lines() {
        let _ = writeln!(out, "{}", paint(line, adverse, style));
    }
    wrap(&mut out, &reason(s), width, "", 0);
    if let Some(note) = s.teaching_note() {
        wrap(&mut out, &note, width, "", 0);
    }
    out.push('\n');
    wrap(&mut out, &inert_line(&s.title), width, "", 0);
    let _ = writeln!(
        out,
        "Rule set {} {} ({}, reviewed {})",
        s.rule_set_id,
        inert_line(&s.version),
        s.review_status,
        s.review_date,
    );
    // The hash whole when it fits; else its start (JSON, Markdown and HTML
    // carry it whole).
    if width >= s.sha256.len() + 8 {
        let _ = writeln!(out, "sha256 {}", s.sha256);
    } else {
        let _ = writeln!(out, "sha256 {}…", &s.sha256[..s.sha256.len().min(16)]);
    }
    let _ = writeln!(out, "Screened {}", inert_line(&s.date));
    out.push('\n');

    let _ = writeln!(out, "Criteria:");
    let absent: Vec<&CriterionLine> = s
        .criteria
        .iter()
        .filter(|c| c.kind == CriterionKind::RedFlag && c.holds == Tri::False)
        .collect();
    let red_flags = s
        .criteria
        .iter()
        .filter(|c| c.kind == CriterionKind::RedFlag)
        .count();
    let folded = |c: &&CriterionLine| c.kind == CriterionKind::RedFlag && c.holds == Tri::False;
    for c in s
        .criteria
        .iter()
        .filter(|c| c.kind == CriterionKind::RedFlag && !folded(c))
    {
        criterion(&mut out, c, width, style);
    }
    if !absent.is_empty() {
        let questions: usize = absent.iter().map(|c| c.decided_by.len()).sum();
        let lead = if absent.len() == red_flags {
            "No red flags"
        } else {
            "Other red flags absent"
        };
        let mut line = String::new();
        wrap(
            &mut line,
            &format!(
                "{lead}: {} checked ({questions} questions), none present",
                absent.len()
            ),
            width,
            "  ",
            4,
        );
        for l in line.lines() {
            let _ = writeln!(out, "{}", paint(l, Some(false), style));
        }
    }
    for c in s
        .criteria
        .iter()
        .filter(|c| c.kind != CriterionKind::RedFlag)
    {
        criterion(&mut out, c, width, style);
    }

    let unmet: Vec<_> = s
        .criteria
        .iter()
        .filter(|c| is_adverse(c.kind, c.holds) && !c.if_not_met.is_empty())
        .collect();
    if !unmet.is_empty() {
        out.push('\n');
        let _ = writeln!(out, "What this means:");
        for c in unmet {
            // What fails first, then the rule set's advice for it.
            let text = match missing_line(c) {
                Some(m) => format!(
                    "{}: {m}. {}",
                    inert_line(&c.label),
                    inert(c.if_not_met.trim())
                ),
                None => format!("{}: {}", inert_line(&c.label), inert(c.if_not_met.trim())),
            };
            wrap(&mut out, &text, width, "  - ", 4);
        }
    }
    if s.figures().next().is_some() {
        out.push('\n');
        let _ = writeln!(out, "Evidence:");
        for (c, text, n) in s.figures() {
            let line = format!("{}: {} [{n}]", inert_line(&c.label), inert(text));
            wrap(&mut out, &line, width, "  - ", 4);
        }
    }
    if s.unverified().next().is_some() {
        out.push('\n');
        let _ = writeln!(
            out,
            "UNVERIFIED criteria (not checked against their source; weigh them accordingly):"
        );
        for (c, why) in s.unverified() {
            let line = format!("{}: {}", inert_line(&c.label), inert(why.trim()));
            wrap(&mut out, &line, width, "  - ", 4);
        }
    }
    if let Some(stopped) = s.stopped_by_red_flag() {
        out.push('\n');
        wrap(&mut out, &stopped, width, "", 0);
    } else if s.unknowns().next().is_some() {
        out.push('\n');
        let _ = writeln!(out, "Unknown, would need assessing:");
        for (id, text, why) in s.unknowns() {
            let line = format!("{} ({why}; {id})", inert_line(text));
            wrap(&mut out, &line, width, "  - ", 4);
        }
    }
    if !s.recorded_not_asked.is_empty() {
        out.push('\n');
        let _ = writeln!(out, "Recorded but not asked here:");
        for (a, _) in &s.recorded_not_asked {
            wrap(&mut out, &inert_line(&a.words), width, "  - ", 4);
        }
    }
    if !s.references.is_empty() {
        out.push('\n');
        let _ = writeln!(out, "References:");
        for r in &s.references {
            let mut line = format!("[{}] {}", r.number, inert(&r.citation));
            if let Some(url) = &r.url {
                line.push(' ');
                line.push_str(&inert_line(url));
            }
            wrap(&mut out, &line, width, "  ", 6);
        }
    }
    let extra = sections(s);
    if !extra.is_empty() {
        out.push('\n');
        out.push_str(extra.trim_end());
        out.push('\n');
    }
    out.push('\n');
    wrap(&mut out, &inert(&s.disclaimer), width, "", 0);
    out
}

/// The sections asked for (`--set`, `--why`, `--what-would-change`) as text.
pub fn sections(s: &Summary) -> String {
    let mut out = String::new();
    if let Some(w) = &s.sections.what_if {
        what_if(&mut out, w);
    }
    if let Some(w) = &s.sections.why {
        why(&mut out, w);
    }
    if let Some(w) = &s.sections.what_would_change {
        what_would_change(&mut out, w);
    }
    out
}

fn what_if(out: &mut String, w: &WhatIfSection) {
    let set: Vec<String> = w.set.iter().map(|s| inert_line(s).into_owned()).collect();
    let _ = writeln!(out, "What changed (--set {}):", set.join(", --set "));
    for line in w.lines() {
        let _ = writeln!(out, "  {line}");
    }
}

fn why(out: &mut String, traces: &[WhySection]) {
    let _ = writeln!(out, "Why:");
    for t in traces {
        let _ = writeln!(out, "  {} [{}]: {}", inert_line(&t.label), t.id, t.status);
        for line in &t.lines {
            let _ = writeln!(out, "    {}", inert_line(&line.render()));
        }
    }
}

/// Changes toward a better outcome in detail, toward a worse one grouped by
/// outcome, then what assessing each unknown would give.
fn what_would_change(out: &mut String, w: &WhatWouldChangeSection) {
    let _ = writeln!(
        out,
        "What would change the outcome ({}):",
        w.outcome.as_str()
    );
    let better = w.better();
    if better.is_empty() {
        let _ = writeln!(
            out,
            "  No single change to an answered question improves it."
        );
    }
    for q in &better {
        let _ = writeln!(out, "  {} (now {}):", q.question, inert_line(&q.now));
        for a in &q.alternatives {
            let _ = writeln!(out, "    {} -> {}", a.answer, a.outcome.as_str());
        }
    }
    for (outcome, parts) in w.worse_in_words() {
        let _ = writeln!(out, "  -> {} if: {}", outcome.as_str(), parts.join("; "));
    }
    if !w.unknowns.is_empty() {
        let _ = writeln!(out, "Unknowns, and what assessing each would give:");
        for u in &w.unknowns {
            let verdict = super::verdict_text(u.verdict);
            let outcomes: Vec<String> = u
                .alternatives
                .iter()
                .map(|a| format!("{} -> {}", a.answer, a.outcome.as_str()))
                .collect();
            let shown = if outcomes.len() > 6 {
                format!(
                    "{}; ... ({} answers in all)",
                    outcomes[..4].join("; "),
                    outcomes.len()
                )
            } else {
                outcomes.join("; ")
            };
            let _ = writeln!(out, "  {} ({verdict}): {shown}", u.question);
        }
    }
}
