//! The result of a vignette run as tables: pass or fail per case, each
//! failure side by side, and coverage gaps.

use std::fmt::Write;

use comfy_table::{Cell, Color};

use super::table::{Style, table};
use crate::analysis::vignettes::Report;
use crate::diagnostics::inert_line;
use crate::engine::Tri;

/// Appends the report of one rule set's vignettes (`file`) to `out`.
pub fn render(out: &mut String, id: &str, file: &str, report: &Report, style: Style) {
    let _ = writeln!(out, "{id} ({file}): {} case(s)", report.cases.len());
    let mut t = table(style);
    t.set_header(["case", "expected", "actual", "result"]);
    for c in &report.cases {
        let (word, color) = if c.passed() {
            ("pass", Color::Green)
        } else {
            ("FAIL", Color::Red)
        };
        let result = if style.color {
            Cell::new(word).fg(color)
        } else {
            Cell::new(word)
        };
        t.add_row(vec![
            Cell::new(inert_line(&c.id)),
            Cell::new(c.expected.as_str()),
            Cell::new(c.actual.as_str()),
            result,
        ]);
    }
    let _ = writeln!(out, "{t}");
    for c in report.cases.iter().filter(|c| !c.passed()) {
        let _ = writeln!(
            out,
            "FAIL {}{}",
            inert_line(&c.id),
            if c.description.is_empty() {
                String::new()
            } else {
                format!(": {}", inert_line(&c.description))
            }
        );
        let mut d = table(style);
        d.set_header(["check", "expected", "actual"]);
        for m in &c.mismatches {
            d.add_row(vec![
                m.what.as_str(),
                m.expected.as_str(),
                m.actual.as_str(),
            ]);
        }
        let _ = writeln!(out, "{d}");
    }
    if report.coverage_gaps.is_empty() {
        let _ = writeln!(
            out,
            "coverage: complete (every criterion is true, false and unknown in some case)"
        );
    } else {
        let _ = writeln!(out, "coverage gaps (no case makes the criterion so):");
        for (criterion, missing) in &report.coverage_gaps {
            let words: Vec<&str> = missing.iter().map(|t: &Tri| t.as_str()).collect();
            let _ = writeln!(out, "  - {criterion}: never {}", words.join(", never "));
        }
    }
    out.push('\n');
}
