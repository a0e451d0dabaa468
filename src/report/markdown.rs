//! The summary as Markdown, a full record to paste into notes: the outcome
//! (a red flag as an alert), the criteria table in words, unverified
//! criteria, evidence, unknowns, every question with its answer, the
//! sections asked for, numbered references, the rule set's id, version and
//! hash, when it was screened and the disclaimer.
//!
//! Text from files is escaped for Markdown: table pipes, line breaks, and
//! HTML (which common Markdown viewers would otherwise render).

use std::fmt::Write;

use super::record::State;
use super::{Summary, status_word};
use crate::diagnostics::inert_line;
use crate::engine::Outcome;

/// Text made safe inside a Markdown paragraph or table cell.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in inert_line(&s.replace(['\n', '\r'], " ")).chars() {
        match c {
            '|' => out.push_str("\\|"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '`' => out.push_str("\\`"),
            '*' | '[' | ']' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// Markdown.
pub fn render(s: &Summary) -> String {
    let mut out = String::new();
    // A what-if opens by saying so, with the recorded outcome beside it.
    if let Some(h) = &s.hypothetical {
        let _ = writeln!(
            out,
            "**{}**\n\n**{}**\n",
            escape(super::HYPOTHETICAL_BANNER),
            escape(&h.outcomes_line(s.outcome))
        );
    }
    let title = if s.hypothetical.is_some() {
        "Hypothetical screening"
    } else {
        "Screening summary"
    };
    let _ = writeln!(out, "# {title}: {}\n", escape(&s.title));
    let _ = writeln!(
        out,
        "Rule set `{}` version {} ({}, reviewed {}), SHA-256 `{}`. Screened {}.\n",
        s.rule_set_id,
        escape(&s.version),
        s.review_status,
        s.review_date,
        s.sha256,
        s.date
    );
    if s.outcome == Outcome::RedFlag {
        // A quotation in bold, set apart from any other outcome: plain
        // CommonMark, where GitHub's `[!CAUTION]` alert is read literally
        // by every other viewer and by a chart that pastes the text.
        let _ = writeln!(out, "> **Outcome: {}**\n", escape(&s.outcome_sentence()));
    } else {
        let _ = writeln!(out, "**Outcome: {}**\n", escape(&s.outcome_sentence()));
    }
    if let Some(note) = s.teaching_note() {
        let _ = writeln!(out, "{}\n", escape(&note));
    }
    let _ = writeln!(out, "| Criterion | Kind | Status | Decided by | Sources |");
    let _ = writeln!(out, "|---|---|---|---|---|");
    for c in &s.criteria {
        let mut decided: Vec<String> = c
            .decided_by
            .iter()
            .map(|a| format!("{}: {}", escape(&a.short), escape(&a.words)))
            .collect();
        if let Some(m) = c.missing_text() {
            decided.push(format!("**{}**", escape(&m)));
        }
        let refs: Vec<String> = c.refs.iter().map(|n| format!("\\[{n}\\]")).collect();
        let mark = if c.unverified.is_some() {
            " **(UNVERIFIED)**"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "| {}{mark} | {} | {} | {} | {} |",
            escape(&c.label),
            c.kind.label(),
            status_word(c.kind, c.holds),
            decided.join("; "),
            refs.join(" ")
        );
    }
    if s.unverified().next().is_some() {
        let _ = writeln!(
            out,
            "\n## Unverified criteria\n\nNot checked against their source; weigh them accordingly.\n"
        );
        for (c, why) in s.unverified() {
            let _ = writeln!(out, "- **{}**: {}", escape(&c.label), escape(why.trim()));
        }
    }
    let figures: Vec<_> = s.figures().collect();
    if !figures.is_empty() {
        let _ = writeln!(out, "\n## Evidence\n");
        for (c, text, n) in figures {
            let _ = writeln!(out, "- {}: {} \\[{n}\\]", escape(&c.label), escape(text));
        }
    }
    if let Some(stopped) = s.stopped_by_red_flag() {
        let _ = writeln!(out, "\n{stopped}");
    } else if s.unknowns().next().is_some() {
        let _ = writeln!(out, "\n## Unknown, would need assessing\n");
        for (id, text, why) in s.unknowns() {
            let _ = writeln!(out, "- `{id}`: {} ({why})", escape(text));
        }
    }
    if !s.recorded_not_asked.is_empty() {
        let _ = writeln!(out, "\n## Recorded but not asked here\n");
        for (a, _) in &s.recorded_not_asked {
            let _ = writeln!(out, "- {}", escape(&a.words));
        }
    }
    record(&mut out, s);
    sections(&mut out, s);
    if !s.references.is_empty() {
        let _ = writeln!(out, "\n## References\n");
        for r in &s.references {
            let url = r
                .url
                .as_deref()
                .map(|u| format!(" <{}>", escape(u)))
                .unwrap_or_default();
            let _ = writeln!(out, "{}. {}{url}", r.number, escape(&r.citation));
        }
    }
    let _ = writeln!(out, "\n> {}", escape(&s.disclaimer));
    out
}

/// Every question with its answer, asked or not: the full record.
fn record(out: &mut String, s: &Summary) {
    let _ = writeln!(out, "\n## All questions\n");
    let _ = writeln!(out, "| Section | Question | Answer |\n|---|---|---|");
    for section in &s.record {
        for row in &section.rows {
            let answer = if row.state == State::Answered {
                escape(&row.answer)
            } else {
                format!("*{}*", row.state.word())
            };
            let _ = writeln!(
                out,
                "| {} | {} (`{}`) | {answer} |",
                escape(&section.title),
                escape(&row.text),
                row.question
            );
        }
    }
}

fn sections(out: &mut String, s: &Summary) {
    if let Some(w) = &s.sections.what_if {
        let set: Vec<String> = w.set.iter().map(|x| format!("`{}`", escape(x))).collect();
        let _ = writeln!(out, "\n## What if: {}\n", set.join(", "));
        let _ = writeln!(
            out,
            "Outcome: {} → {}.\n",
            w.outcome_before.as_str(),
            w.outcome_after.as_str()
        );
        if w.criteria.is_empty() {
            let _ = writeln!(out, "No criterion changed.");
        } else {
            let _ = writeln!(out, "| Criterion | Before | After |\n|---|---|---|");
            for (id, before, after) in &w.criteria {
                let _ = writeln!(out, "| `{id}` | {before} | {after} |");
            }
        }
    }
    if let Some(traces) = &s.sections.why {
        let _ = writeln!(out, "\n## Why\n");
        for t in traces {
            let _ = writeln!(out, "- **{}** (`{}`): {}", escape(&t.label), t.id, t.status);
            for line in &t.lines {
                let _ = writeln!(
                    out,
                    "{}- {}: {}",
                    "  ".repeat(line.depth + 1),
                    escape(&line.text),
                    line.value.as_str()
                );
            }
        }
    }
    if let Some(w) = &s.sections.what_would_change {
        let _ = writeln!(
            out,
            "\n## What would change the outcome ({})\n",
            w.outcome.as_str()
        );
        let better = w.better();
        if better.is_empty() {
            let _ = writeln!(out, "No single change to an answered question improves it.");
        } else {
            let _ = writeln!(
                out,
                "| Question | Now | Answer | Outcome |\n|---|---|---|---|"
            );
            for q in &better {
                for a in &q.alternatives {
                    let _ = writeln!(
                        out,
                        "| `{}` | {} | {} | {} |",
                        q.question,
                        escape(&q.now),
                        escape(&a.answer),
                        a.outcome.as_str()
                    );
                }
            }
        }
        let worse = w.worse_in_words();
        if !worse.is_empty() {
            let _ = writeln!(out, "\nChanges that would make it worse:\n");
            for (outcome, parts) in worse {
                let parts: Vec<String> = parts.iter().map(|p| escape(p)).collect();
                let _ = writeln!(out, "- {}: {}", outcome.as_str(), parts.join("; "));
            }
        }
        if !w.unknowns.is_empty() {
            let _ = writeln!(
                out,
                "\n### Unknowns, and what assessing each would give\n\n| Question | Answer | Outcome | Alone |\n|---|---|---|---|"
            );
            for u in &w.unknowns {
                for a in &u.alternatives {
                    let _ = writeln!(
                        out,
                        "| `{}` | {} | {} | {} |",
                        u.question,
                        escape(&a.answer),
                        a.outcome.as_str(),
                        super::verdict_text(u.verdict)
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_neutralises_tables_html_and_emphasis() {
        assert_eq!(escape("a|b\nc"), "a\\|b c");
        assert_eq!(
            escape("<script>x</script>"),
            "&lt;script&gt;x&lt;/script&gt;"
        );
        assert_eq!(escape("`code` *b*"), "\\`code\\` \\*b\\*");
    }
}
