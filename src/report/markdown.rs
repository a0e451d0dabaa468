//! The summary as Markdown (to paste into notes) and as a self-contained,
//! printable HTML page. Both carry the outcome, the criteria table, the
//! unknowns, the rule set's id, version and hash, the date and the disclaimer.

use std::fmt::Write;

use super::{Summary, status_word};

/// Today's date as YYYY-MM-DD (UTC), from the system clock.
pub fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    civil_date(secs / 86_400)
}

/// Days since 1970-01-01 to a calendar date (Howard Hinnant's algorithm).
fn civil_date(days: u64) -> String {
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

fn md_escape(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// Markdown.
pub fn render_markdown(s: &Summary, date: &str, extra: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Screening summary: {}\n", s.title);
    let _ = writeln!(
        out,
        "Rule set `{}` version {} ({}, reviewed {}), SHA-256 `{}`. Screened {date}.\n",
        s.rule_set_id, s.version, s.review_status, s.review_date, s.sha256
    );
    let _ = writeln!(out, "**Outcome: {}**\n", s.outcome.plain());
    let _ = writeln!(out, "| Criterion | Kind | Status | Decided by | Source |");
    let _ = writeln!(out, "|---|---|---|---|---|");
    for c in &s.criteria {
        let decided: Vec<String> = c
            .decided_by
            .iter()
            .map(|(q, _, a)| format!("{q} = {a}"))
            .collect();
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            md_escape(&c.label),
            c.kind.label(),
            status_word(c.kind, c.holds),
            md_escape(&decided.join("; ")),
            c.sources.join(", ")
        );
    }
    if s.unknowns().next().is_some() {
        let _ = writeln!(out, "\n## Unknown, would need assessing\n");
        for (id, text, why) in s.unknowns() {
            let _ = writeln!(out, "- `{id}`: {} ({why})", md_escape(text));
        }
    }
    if !extra.is_empty() {
        let _ = writeln!(out, "\n```text\n{}\n```", extra.trim_end());
    }
    let _ = writeln!(out, "\n> {}", s.disclaimer);
    out
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A self-contained HTML page (no scripts, no external files), styled for
/// screen and print.
pub fn render_html(s: &Summary, date: &str, extra: &str) -> String {
    let mut rows = String::new();
    for c in &s.criteria {
        let decided: Vec<String> = c
            .decided_by
            .iter()
            .map(|(q, _, a)| format!("<code>{}</code> = {}", html_escape(q), html_escape(a)))
            .collect();
        let class = if c.holds.known().is_none() {
            "unknown"
        } else if super::is_adverse(c.kind, c.holds) {
            "adverse"
        } else {
            "ok"
        };
        let _ = writeln!(
            rows,
            "<tr><td>{}</td><td>{}</td><td class=\"{class}\">{}</td><td>{}</td><td>{}</td></tr>",
            html_escape(&c.label),
            c.kind.label(),
            status_word(c.kind, c.holds),
            decided.join("<br>"),
            html_escape(&c.sources.join(", "))
        );
    }
    let mut unknowns = String::new();
    if s.unknowns().next().is_some() {
        unknowns.push_str("<h2>Unknown, would need assessing</h2><ul>");
        for (id, text, why) in s.unknowns() {
            let _ = write!(
                unknowns,
                "<li><code>{}</code>: {} ({why})</li>",
                html_escape(id),
                html_escape(text)
            );
        }
        unknowns.push_str("</ul>");
    }
    if !extra.is_empty() {
        let _ = write!(unknowns, "<pre>{}</pre>", html_escape(extra.trim_end()));
    }
    format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Screening summary: {title}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #111; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border: 1px solid #999; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }}
th {{ background: #eee; }}
.adverse {{ color: #a00; font-weight: bold; }}
.unknown {{ color: #850; }}
.ok {{ color: #060; }}
.outcome {{ font-size: 1.2rem; font-weight: bold; border: 2px solid #111; padding: 0.5rem; }}
.disclaimer {{ border-top: 1px solid #999; margin-top: 2rem; padding-top: 0.5rem; font-weight: bold; }}
@media print {{ body {{ margin: 0; max-width: none; }} th {{ background: none; }} }}
</style>
</head>
<body>
<h1>Screening summary: {title}</h1>
<p>Rule set <code>{id}</code> version {version} ({status}, reviewed {review_date}), SHA-256 <code>{sha}</code>. Screened {date}.</p>
<p class="outcome">{outcome}</p>
<table>
<thead><tr><th>Criterion</th><th>Kind</th><th>Status</th><th>Decided by</th><th>Source</th></tr></thead>
<tbody>
{rows}</tbody>
</table>
{unknowns}
<p class="disclaimer">{disclaimer}</p>
</body>
</html>
"#,
        title = html_escape(&s.title),
        id = html_escape(&s.rule_set_id),
        version = html_escape(&s.version),
        status = s.review_status,
        review_date = html_escape(&s.review_date),
        sha = s.sha256,
        outcome = html_escape(s.outcome.plain()),
        disclaimer = html_escape(&s.disclaimer),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(19_723), "2024-01-01");
        assert_eq!(civil_date(20_778), "2026-11-21");
        assert_eq!(civil_date(11_016), "2000-02-29");
    }

    #[test]
    fn escaping() {
        assert_eq!(html_escape("<a & \"b\">"), "&lt;a &amp; &quot;b&quot;&gt;");
        assert_eq!(md_escape("a|b\nc"), "a\\|b c");
    }
}
