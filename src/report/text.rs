//! The summary as a terminal table (comfy-table).
//!
//! UTF-8 borders and colour on a terminal; plain ASCII and no colour when
//! piped or when `NO_COLOR` is set, so a screen reader or a log file gets
//! clean text. Tables fit the given width.

use std::fmt::Write;

use comfy_table::{Attribute, Cell, Color, ContentArrangement, Table, presets};

use super::{Summary, is_adverse, status_word};
use crate::logic::Tri;

/// How to draw: decided once from the terminal and the environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    pub utf8: bool,
    pub color: bool,
    /// Total width to fit, in columns.
    pub width: u16,
}

impl Style {
    /// Plain ASCII, no colour, 100 columns: for files, pipes and tests.
    pub const PLAIN: Style = Style {
        utf8: false,
        color: false,
        width: 100,
    };
}

/// An empty table in the given style, shared by every table the tool prints.
pub fn table(style: Style) -> Table {
    let mut t = Table::new();
    t.load_style(if style.utf8 {
        presets::UTF8_FULL_CONDENSED
    } else {
        presets::ASCII_FULL_CONDENSED
    });
    t.set_content_arrangement(ContentArrangement::Dynamic);
    t.set_width(style.width.max(40));
    if style.color {
        t.enforce_styling();
    } else {
        t.force_no_tty();
    }
    t
}

fn paint(text: impl Into<String>, color: Option<Color>, style: Style) -> Cell {
    let cell = Cell::new(text.into());
    match (style.color, color) {
        (true, Some(c)) => cell.fg(c).add_attribute(Attribute::Bold),
        _ => cell,
    }
}

/// Renders the whole summary.
pub fn render(s: &Summary, style: Style) -> String {
    render_with(s, style, "")
}

/// Renders the summary with extra sections (why, what if) before the disclaimer.
pub fn render_with(s: &Summary, style: Style, extra: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Screening summary: {}", s.title);
    let _ = writeln!(
        out,
        "Rule set {} version {} ({}, {}), sha256 {}",
        s.rule_set_id, s.version, s.review_status, s.review_date, s.sha256
    );
    out.push('\n');

    let mut t = table(style);
    t.set_header(["Criterion", "Kind", "Status", "Decided by", "Source"]);
    for c in &s.criteria {
        let color = match c.holds {
            Tri::Unknown => Some(Color::Yellow),
            h if is_adverse(c.kind, h) => Some(Color::Red),
            _ => Some(Color::Green),
        };
        let decided = if c.decided_by.is_empty() {
            "-".to_string()
        } else {
            c.decided_by
                .iter()
                .map(|(id, _, a)| format!("{id} = {a}"))
                .collect::<Vec<_>>()
                .join("\n")
        };
        t.add_row(vec![
            Cell::new(&c.label),
            Cell::new(c.kind.label()),
            paint(status_word(c.kind, c.holds), color, style),
            Cell::new(decided),
            Cell::new(c.sources.join(", ")),
        ]);
    }
    let _ = writeln!(out, "{t}");
    out.push('\n');

    let _ = writeln!(out, "Outcome: {}", s.outcome.plain());
    let unmet: Vec<_> = s
        .criteria
        .iter()
        .filter(|c| is_adverse(c.kind, c.holds) && !c.if_not_met.is_empty())
        .collect();
    if !unmet.is_empty() {
        out.push('\n');
        let _ = writeln!(out, "What this means:");
        for c in unmet {
            let _ = writeln!(out, "  - {}: {}", c.label, c.if_not_met.trim());
        }
    }
    let with_evidence: Vec<_> = s
        .criteria
        .iter()
        .filter(|c| !c.evidence.is_empty())
        .collect();
    if !with_evidence.is_empty() {
        out.push('\n');
        let _ = writeln!(out, "Evidence:");
        for c in with_evidence {
            for (text, source) in &c.evidence {
                let _ = writeln!(out, "  - {}: {text} [{source}]", c.label);
            }
        }
    }
    if s.unknowns().next().is_some() {
        out.push('\n');
        let _ = writeln!(out, "Unknown, would need assessing:");
        for (id, text, why) in s.unknowns() {
            let _ = writeln!(out, "  - {id}: {text} ({why})");
        }
    }
    if !extra.is_empty() {
        out.push('\n');
        out.push_str(extra.trim_end());
        out.push('\n');
    }
    out.push('\n');
    let _ = writeln!(out, "{}", s.disclaimer);
    out
}
