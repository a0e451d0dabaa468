//! The summary as a self-contained, printable HTML page: no scripts, no
//! external files, styled for screen and print. A full record for the
//! chart: every question with its answer, numbered references, a red flag
//! as an alert, and blanks for the patient identifier, assessor and
//! signature (nothing identifying is stored unless the user writes it),
//! with the identification repeated at the top of every printed page. Every piece of text from a
//! file is escaped, so a rule set cannot inject markup.

use std::fmt::Write;

use super::record::State;
use super::{Summary, is_adverse, status_word};
use crate::diagnostics::inert;
use crate::engine::Outcome;

/// Text made safe inside HTML elements and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in inert(s).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The page.
pub fn render(s: &Summary) -> String {
    let mut rows = String::new();
    for c in &s.criteria {
        let mut decided: Vec<String> = c
            .decided_by
            .iter()
            .map(|a| format!("{}: {}", escape(&a.short), escape(&a.words)))
            .collect();
        if let Some(m) = c.missing_text() {
            decided.push(format!("<strong>{}</strong>", escape(&m)));
        }
        let refs: Vec<String> = c
            .refs
            .iter()
            .map(|n| format!("<a href=\"#ref{n}\">[{n}]</a>"))
            .collect();
        let class = if c.holds.known().is_none() {
            "unknown"
        } else if is_adverse(c.kind, c.holds) {
            "adverse"
        } else {
            "ok"
        };
        let _ = writeln!(
            rows,
            "<tr><td>{}{}</td><td>{}</td><td class=\"{class}\">{}</td><td>{}</td><td>{}</td></tr>",
            escape(&c.label),
            if c.unverified.is_some() {
                " <strong class=\"unverified\">(UNVERIFIED)</strong>"
            } else {
                ""
            },
            c.kind.label(),
            status_word(c.kind, c.holds),
            decided.join("; "),
            refs.join(" ")
        );
    }
    let mut body = String::new();
    if s.unverified().next().is_some() {
        body.push_str("<h2>Unverified criteria</h2>\n<p>Not checked against their source; weigh them accordingly.</p><ul>");
        for (c, why) in s.unverified() {
            let _ = write!(
                body,
                "<li><strong>{}</strong>: {}</li>",
                escape(&c.label),
                escape(why.trim())
            );
        }
        body.push_str("</ul>\n");
    }
    if let Some(stopped) = s.stopped_by_red_flag() {
        let _ = writeln!(body, "<p class=\"adverse\">{}</p>", escape(&stopped));
    } else if s.unknowns().next().is_some() {
        body.push_str("<h2>Unknown, would need assessing</h2><ul>");
        for (id, text, why) in s.unknowns() {
            let _ = write!(
                body,
                "<li><code>{}</code>: {} ({why})</li>",
                escape(id),
                escape(text)
            );
        }
        body.push_str("</ul>\n");
    }
    if !s.recorded_not_asked.is_empty() {
        body.push_str("<h2>Recorded but not asked here</h2><ul>");
        for (a, _) in &s.recorded_not_asked {
            let _ = write!(body, "<li>{}</li>", escape(&a.words));
        }
        body.push_str("</ul>\n");
    }
    let mut evidence = String::new();
    // A red flag leads the record; sensitivity figures are beside the point.
    let figures: Vec<_> = if s.outcome == Outcome::RedFlag {
        Vec::new()
    } else {
        s.figures().collect()
    };
    if !figures.is_empty() {
        evidence.push_str("<h2>Evidence</h2><ul>");
        for (c, text, n) in figures {
            let _ = write!(
                evidence,
                "<li>{}: {} <a href=\"#ref{n}\">[{n}]</a></li>",
                escape(&c.label),
                escape(text)
            );
        }
        evidence.push_str("</ul>\n");
    }
    // Page 1 ends with the signature; the full record follows on its own
    // page(s).
    let _ = writeln!(
        body,
        "<p class=\"disclaimer\">{}</p>",
        escape(&s.disclaimer)
    );
    body.push_str(sign(s));
    body.push_str("<div class=\"record\">\n");
    record(&mut body, s);
    body.push_str(&evidence);
    sections(&mut body, s);
    if !s.references.is_empty() {
        body.push_str("<h2>References</h2>\n<ol class=\"refs\">");
        for r in &s.references {
            let url = r
                .url
                .as_deref()
                .map(|u| format!(" {}", escape(u)))
                .unwrap_or_default();
            let _ = write!(
                body,
                "<li id=\"ref{}\">{}{url}</li>",
                r.number,
                escape(&r.citation)
            );
        }
        body.push_str("</ol>\n");
    }
    body.push_str("</div>\n");
    let outcome_class = if s.outcome == Outcome::RedFlag {
        "outcome alert"
    } else {
        "outcome"
    };
    format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Screening summary: {title}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #111; }}
table {{ border-collapse: collapse; width: 100%; margin-bottom: 1rem; }}
th, td {{ border: 1px solid #999; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }}
th {{ background: #eee; }}
.adverse {{ color: #a00; font-weight: bold; }}
.unknown {{ color: #850; }}
.unverified {{ color: #850; }}
.ok {{ color: #060; }}
.red-flag .ok {{ color: inherit; }}
.outcome {{ font-size: 1.2rem; font-weight: bold; border: 2px solid #111; padding: 0.5rem; }}
.alert {{ color: #fff; background: #a00; border-color: #a00; }}
.alert::before {{ content: "\26A0  "; }}
.ident {{ display: flex; gap: 1.5rem; flex-wrap: wrap; border-bottom: 1px solid #999; padding-bottom: 0.4rem; margin-bottom: 1rem; font-size: 0.9rem; }}
.ident span {{ white-space: nowrap; }}
/* The page is one table whose head repeats on every printed page. */
table.page, table.page > * > tr > td {{ border: none; padding: 0; margin: 0; }}
.blank {{ display: inline-block; min-width: 12rem; border-bottom: 1px solid #111; }}
.sign {{ margin-top: 2.5rem; display: flex; gap: 3rem; flex-wrap: wrap; }}
.sign span {{ white-space: nowrap; }}
.not-asked {{ color: #666; font-style: italic; }}
.hypothetical {{ border: 3px dashed #a40000; color: #a40000; padding: 0.4rem 0.6rem; margin-bottom: 0.6rem; }}
.disclaimer {{ border-top: 1px solid #999; margin-top: 2rem; padding-top: 0.5rem; font-weight: bold; }}
ul.trace, ul.trace ul {{ list-style: none; padding-left: 1.2rem; }}
@media print {{
  /* Two pages for a case: the outcome, criteria and signature on page 1,
     the full record on page 2; page x of y at the foot of each. */
  @page {{ size: auto; margin: 10mm 10mm 12mm; @bottom-right {{ content: "Page " counter(page) " of " counter(pages); font: 8pt system-ui, sans-serif; }} }}
  body {{ margin: 0; max-width: none; font-size: 8pt; line-height: 1.2; }}
  h1 {{ font-size: 12pt; margin: 0.2rem 0; }}
  h2 {{ font-size: 10pt; margin: 0.5rem 0 0.2rem; }}
  p, ul, ol {{ margin: 0.2rem 0; }}
  th, td {{ padding: 0 3px; }}
  th {{ background: none; }}
  table {{ margin-bottom: 0.4rem; }}
  .outcome {{ font-size: 10pt; padding: 0.25rem 0.4rem; }}
  .ident {{ font-size: 7.5pt; margin-bottom: 0.3rem; flex-wrap: nowrap; }}
  .ident .blank {{ min-width: 8rem; }}
  table.criteria {{ table-layout: fixed; }}
  .c-label {{ width: 30%; }} .c-kind {{ width: 9%; }} .c-status {{ width: 8%; }} .c-by {{ width: 44%; }} .c-src {{ width: 9%; }}
  .sign {{ margin-top: 1rem; flex-wrap: nowrap; gap: 1.5rem; }}
  .sign .blank {{ min-width: 9rem; }}
  .disclaimer {{ font-size: 8pt; }}
  .record {{ break-before: page; font-size: 7.5pt; line-height: 1.15; }}
  .record td code {{ display: none; }}
  table.answers {{ table-layout: fixed; }} .a-q {{ width: 66%; }} .a-a {{ width: 34%; }}
  .record td, .record th {{ padding: 0 3px; }}
  .record .refs, .record ul {{ font-size: 7pt; line-height: 1.1; }}
  .disclaimer {{ margin-top: 0.5rem; }}
  .alert, .hypothetical {{ -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
  tr, .disclaimer, .sign, li {{ break-inside: avoid; }}
}}
</style>
</head>
<body class="{body_class}">
<table class="page">
<thead><tr><td>{head}</td></tr></thead>
<tbody><tr><td>
<h1>{heading}: {title}</h1>
<p>Rule set <code>{id}</code> version {version} ({status}, reviewed {review_date}), SHA-256 <code>{sha}</code>.</p>
<p class="{outcome_class}">{outcome}</p>
{teaching}
<table class="criteria">
<colgroup><col class="c-label"><col class="c-kind"><col class="c-status"><col class="c-by"><col class="c-src"></colgroup>
<thead><tr><th>Criterion</th><th>Kind</th><th>Status</th><th>Decided by</th><th>Sources</th></tr></thead>
<tbody>
{rows}</tbody>
</table>
{body}
</td></tr></tbody>
</table>
</body>
</html>
"#,
        title = escape(&s.title),
        id = escape(&s.rule_set_id),
        version = escape(&s.version),
        status = s.review_status,
        review_date = escape(&s.review_date),
        sha = s.sha256,
        outcome = escape(&s.outcome_sentence()),
        // Under a red flag, nothing is coloured as if it were good news.
        body_class = if s.outcome == Outcome::RedFlag {
            "red-flag"
        } else {
            ""
        },
        teaching = s
            .teaching_note()
            .map(|n| format!("<p>{}</p>", escape(&n)))
            .unwrap_or_default(),
        // A what-if has the banner on every printed page (the head of the
        // page table repeats) and nothing to sign or file it under.
        head = match &s.hypothetical {
            Some(h) => format!(
                "<div class=\"hypothetical\"><strong>{}</strong><br>{}</div>",
                escape(super::HYPOTHETICAL_BANNER),
                escape(&h.outcomes_line(s.outcome))
            ),
            None => format!(
                "<div class=\"ident\"><span>Patient identifier: <span class=\"blank\">&nbsp;</span></span><span>Assessor: <span class=\"blank\">&nbsp;</span></span><span>Screened {} with <code>{}</code> {}</span></div>",
                escape(&s.date),
                escape(&s.rule_set_id),
                escape(&s.version)
            ),
        },
        heading = if s.hypothetical.is_some() {
            "Hypothetical screening"
        } else {
            "Screening summary"
        },
    )
}

/// The signature block: none on a what-if, which is nothing to sign.
fn sign(s: &Summary) -> &'static str {
    if s.hypothetical.is_some() {
        ""
    } else {
        "<div class=\"sign\"><span>Assessor: <span class=\"blank\">&nbsp;</span></span><span>Signature: <span class=\"blank\">&nbsp;</span></span><span>Date: <span class=\"blank\">&nbsp;</span></span></div>\n"
    }
}

/// Every question with its answer, asked or not: the full record.
fn record(out: &mut String, s: &Summary) {
    out.push_str("<h2>All questions</h2>\n<table class=\"answers\">\n<colgroup><col class=\"a-q\"><col class=\"a-a\"></colgroup>\n<thead><tr><th>Question</th><th>Answer</th></tr></thead>\n<tbody>\n");
    for section in &s.record {
        let _ = writeln!(
            out,
            "<tr><th colspan=\"2\">{}</th></tr>",
            escape(&section.title)
        );
        for row in &section.rows {
            let answer = if row.state == State::Answered {
                escape(&row.answer)
            } else {
                format!("<span class=\"not-asked\">{}</span>", row.state.word())
            };
            let _ = writeln!(
                out,
                "<tr><td>{} <code>{}</code></td><td>{answer}</td></tr>",
                escape(&row.text),
                escape(&row.question)
            );
        }
    }
    out.push_str("</tbody>\n</table>\n");
}

fn sections(out: &mut String, s: &Summary) {
    if let Some(w) = &s.sections.what_if {
        let set: Vec<String> = w
            .set
            .iter()
            .map(|x| format!("<code>{}</code>", escape(x)))
            .collect();
        let _ = writeln!(
            out,
            "<h2>What if: {}</h2>\n<p>Outcome: {} &rarr; {}.</p>",
            set.join(", "),
            w.outcome_before.as_str(),
            w.outcome_after.as_str()
        );
        if w.criteria.is_empty() {
            out.push_str("<p>No criterion changed.</p>\n");
        } else {
            out.push_str("<table><thead><tr><th>Criterion</th><th>Before</th><th>After</th></tr></thead><tbody>\n");
            for (id, before, after) in &w.criteria {
                let _ = writeln!(
                    out,
                    "<tr><td><code>{}</code></td><td>{before}</td><td>{after}</td></tr>",
                    escape(id)
                );
            }
            out.push_str("</tbody></table>\n");
        }
    }
    if let Some(traces) = &s.sections.why {
        out.push_str("<h2>Why</h2>\n<ul class=\"trace\">\n");
        for t in traces {
            let _ = write!(
                out,
                "<li><strong>{}</strong> (<code>{}</code>): {}",
                escape(&t.label),
                escape(&t.id),
                t.status
            );
            // Nested lists follow the trace's depth.
            let mut depth = 0;
            for line in &t.lines {
                let want = line.depth + 1;
                while depth < want {
                    out.push_str("<ul>");
                    depth += 1;
                }
                while depth > want {
                    out.push_str("</ul>");
                    depth -= 1;
                }
                let _ = write!(
                    out,
                    "<li>{}: {}</li>",
                    escape(&line.text),
                    line.value.as_str()
                );
            }
            out.push_str(&"</ul>".repeat(depth));
            out.push_str("</li>\n");
        }
        out.push_str("</ul>\n");
    }
    if let Some(w) = &s.sections.what_would_change {
        let _ = writeln!(
            out,
            "<h2>What would change the outcome ({})</h2>",
            w.outcome.as_str()
        );
        let better = w.better();
        if better.is_empty() {
            out.push_str("<p>No single change to an answered question improves it.</p>\n");
        } else {
            out.push_str("<table><thead><tr><th>Question</th><th>Now</th><th>Answer</th><th>Outcome</th></tr></thead><tbody>\n");
            for q in &better {
                for a in &q.alternatives {
                    let _ = writeln!(
                        out,
                        "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
                        escape(&q.question),
                        escape(&q.now),
                        escape(&a.answer),
                        a.outcome.as_str()
                    );
                }
            }
            out.push_str("</tbody></table>\n");
        }
        let worse = w.worse_in_words();
        if !worse.is_empty() {
            out.push_str("<p>Changes that would make it worse:</p>\n<ul>\n");
            for (outcome, parts) in worse {
                let parts: Vec<String> = parts.iter().map(|p| escape(p)).collect();
                let _ = writeln!(out, "<li>{}: {}</li>", outcome.as_str(), parts.join("; "));
            }
            out.push_str("</ul>\n");
        }
        if !w.unknowns.is_empty() {
            out.push_str("<h3>Unknowns, and what assessing each would give</h3>\n<table><thead><tr><th>Question</th><th>Answer</th><th>Outcome</th><th>Alone</th></tr></thead><tbody>\n");
            for u in &w.unknowns {
                for a in &u.alternatives {
                    let _ = writeln!(
                        out,
                        "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
                        escape(&u.question),
                        escape(&a.answer),
                        a.outcome.as_str(),
                        super::verdict_text(u.verdict)
                    );
                }
            }
            out.push_str("</tbody></table>\n");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(escape("<a & \"b\">"), "&lt;a &amp; &quot;b&quot;&gt;");
        assert_eq!(escape("\u{1b}[2J"), "\\u{1b}[2J");
    }
}
