//! A rule set in plain words, for a class or a clinic wall: what it is and
//! how far it was checked, the questions by section (with when each is
//! asked), the criteria by kind with their conditions in words and their
//! numbered sources, how the outcome follows, and the references. As text,
//! Markdown, or a self-contained printable HTML handout.

use std::fmt::Write;

use super::html::escape as html;
use super::markdown::escape as md;
use crate::analysis::describe;
use crate::engine::{CriterionKind, QuestionKind, RuleSet, Urgency};

/// One question, in words.
struct QuestionLine {
    id: String,
    text: String,
    kind: String,
    /// "asked only when ..." in words, if it has skip logic.
    asked_when: Option<String>,
    must_answer: bool,
}

/// One criterion, in words.
struct CriterionLine {
    id: String,
    label: String,
    holds_when: String,
    refs: Vec<usize>,
    why: String,
    note: Option<&'static str>,
    unverified: Option<String>,
}

/// The rule set, gathered once for every format.
struct Explanation {
    title: String,
    id: String,
    version: String,
    review: String,
    note: String,
    description: String,
    sections: Vec<(String, Vec<QuestionLine>)>,
    /// Non-empty groups only, in the order the outcome reads them.
    groups: Vec<(&'static str, Vec<CriterionLine>)>,
    references: Vec<(usize, String, Option<String>, Option<String>)>,
}

const OUTCOME: [&str; 5] = [
    "red flag, if any red flag is present (the screening stops);",
    "else excluded, if any exclusion applies;",
    "else not met, if any indication is not met;",
    "else incomplete, if anything is still unknown;",
    "else met.",
];

fn gather(rs: &RuleSet, ids: bool) -> Explanation {
    let m = &rs.meta;
    let sections = rs
        .sections
        .iter()
        .map(|s| {
            let qs = s
                .questions
                .clone()
                .map(|qi| {
                    let q = &rs.questions[qi];
                    QuestionLine {
                        id: q.id.clone(),
                        text: q.text.clone(),
                        kind: kind_text(&q.kind, ids),
                        asked_when: q.ask_when.map(|n| describe::words(rs, n)),
                        must_answer: !q.allow_unknown,
                    }
                })
                .collect();
            (s.title.clone(), qs)
        })
        .collect();
    let (refs, per) = super::record::references(rs);
    let groups = [
        (CriterionKind::RedFlag, "Red flags (any present: stop)"),
        (
            CriterionKind::Exclusion,
            "Exclusions (any applies: excluded)",
        ),
        (CriterionKind::Indication, "Indications (all must be met)"),
    ]
    .into_iter()
    .filter_map(|(kind, heading)| {
        let lines: Vec<CriterionLine> = rs
            .criteria
            .iter()
            .enumerate()
            .filter(|(_, c)| c.kind == kind)
            .map(|(ci, c)| CriterionLine {
                id: c.id.clone(),
                label: c.label.clone(),
                holds_when: describe::words(rs, c.root),
                refs: per[ci].clone(),
                why: c.rationale.trim().to_string(),
                note: match (kind, c.urgency) {
                    (CriterionKind::RedFlag, Urgency::Urgent) => {
                        Some("when present: urgent medical evaluation")
                    }
                    (CriterionKind::RedFlag, Urgency::Investigate) => {
                        Some("when present: investigate and exclude a serious cause first")
                    }
                    _ => None,
                },
                unverified: c.unverified.as_ref().map(|u| u.trim().to_string()),
            })
            .collect();
        (!lines.is_empty()).then_some((heading, lines))
    })
    .collect();
    // The criteria's sources by their numbers, then every other source
    // (cited by questions or evidence) after them.
    let mut references: Vec<(usize, String, Option<String>, Option<String>)> = refs
        .iter()
        .map(|r| {
            let verified = m
                .sources
                .iter()
                .find(|s| s.id == r.id)
                .and_then(|s| s.verified.clone());
            (r.number, r.citation.clone(), r.url.clone(), verified)
        })
        .collect();
    let mut cited = vec![false; m.sources.len()];
    for q in &rs.questions {
        for &si in q.sources.iter().chain(q.evidence.iter().map(|e| &e.source)) {
            cited[si] = true;
        }
    }
    for c in &rs.criteria {
        for e in &c.evidence {
            cited[e.source] = true;
        }
    }
    for (si, s) in m.sources.iter().enumerate() {
        if cited[si] && !refs.iter().any(|r| r.id == s.id) {
            references.push((
                references.len() + 1,
                s.citation.trim().to_string(),
                s.url.clone(),
                s.verified.clone(),
            ));
        }
    }
    Explanation {
        title: m.title.clone(),
        id: m.id.clone(),
        version: m.version.clone(),
        review: format!("{}, {}", m.review_status.as_str(), m.review_date),
        note: m.review_note.trim().to_string(),
        description: m.description.trim().to_string(),
        sections,
        groups,
        references,
    }
}

fn refs_text(refs: &[usize]) -> String {
    if refs.is_empty() {
        return String::new();
    }
    let n: Vec<String> = refs.iter().map(|r| format!("[{r}]")).collect();
    format!(" {}", n.join(""))
}

/// The rule set as readable text.
pub fn rule_set(rs: &RuleSet) -> String {
    let e = gather(rs, true);
    let mut out = String::new();
    let _ = writeln!(out, "{}", e.title);
    let _ = writeln!(
        out,
        "Rule set {} version {} ({})",
        e.id, e.version, e.review
    );
    if !e.note.is_empty() {
        let _ = writeln!(out, "Review note: {}", e.note);
    }
    if !e.description.is_empty() {
        let _ = writeln!(out, "\n{}", e.description);
    }
    let _ = writeln!(out, "\nQUESTIONS");
    for (title, qs) in &e.sections {
        let _ = writeln!(out, "\n{title}");
        for q in qs {
            let _ = writeln!(out, "  {} [{}]: {}", q.id, q.kind, q.text);
            if let Some(w) = &q.asked_when {
                let _ = writeln!(out, "      asked only when {w}");
            }
            if q.must_answer {
                let _ = writeln!(out, "      must be answered (unknown is not accepted)");
            }
        }
    }
    let _ = writeln!(out, "\nCRITERIA");
    for (heading, lines) in &e.groups {
        let _ = writeln!(out, "\n{heading}");
        for c in lines {
            let _ = writeln!(out, "  {}: {}{}", c.id, c.label, refs_text(&c.refs));
            let _ = writeln!(out, "      holds when {}", c.holds_when);
            if !c.why.is_empty() {
                let _ = writeln!(out, "      why: {}", c.why);
            }
            if let Some(n) = c.note {
                let _ = writeln!(out, "      {n}");
            }
            if let Some(u) = &c.unverified {
                let _ = writeln!(out, "      UNVERIFIED: {u}");
            }
        }
    }
    let _ = writeln!(out, "\nOUTCOME");
    for line in OUTCOME {
        let _ = writeln!(out, "  {line}");
    }
    let _ = writeln!(out, "\nREFERENCES");
    for (n, citation, url, verified) in &e.references {
        let _ = writeln!(out, "  [{n}] {citation}");
        if let Some(url) = url {
            let _ = writeln!(out, "      {url}");
        }
        if let Some(v) = verified {
            let _ = writeln!(out, "      verified: {}", v.trim());
        }
    }
    out
}

/// The rule set as a Markdown handout.
pub fn markdown(rs: &RuleSet) -> String {
    let e = gather(rs, false);
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", md(&e.title));
    let _ = writeln!(
        out,
        "Rule set `{}` version {} ({}).\n",
        e.id,
        md(&e.version),
        md(&e.review)
    );
    if !e.description.is_empty() {
        let _ = writeln!(out, "{}\n", md(&e.description));
    }
    if !e.note.is_empty() {
        let _ = writeln!(out, "> **Review note.** {}\n", md(&e.note));
    }
    let _ = writeln!(out, "## Questions");
    for (title, qs) in &e.sections {
        let _ = writeln!(out, "\n### {}\n", md(title));
        for q in qs {
            let _ = write!(out, "- {} *({})*", md(&q.text), md(&q.kind));
            if let Some(w) = &q.asked_when {
                let _ = write!(out, "; asked only when {}", md(w));
            }
            if q.must_answer {
                let _ = write!(out, "; must be answered");
            }
            let _ = writeln!(out, " `{}`", q.id);
        }
    }
    let _ = writeln!(out, "\n## Criteria");
    for (heading, lines) in &e.groups {
        let _ = writeln!(out, "\n### {}\n", md(heading));
        for c in lines {
            let refs: Vec<String> = c.refs.iter().map(|r| format!("\\[{r}\\]")).collect();
            let _ = writeln!(out, "- **{}** {}", md(&c.label), refs.join(""));
            let _ = writeln!(out, "  - holds when {}", md(&c.holds_when));
            if !c.why.is_empty() {
                let _ = writeln!(out, "  - why: {}", md(&c.why));
            }
            if let Some(n) = c.note {
                let _ = writeln!(out, "  - {n}");
            }
            if let Some(u) = &c.unverified {
                let _ = writeln!(out, "  - **UNVERIFIED:** {}", md(u));
            }
        }
    }
    let _ = writeln!(out, "\n## Outcome\n");
    for line in OUTCOME {
        let _ = writeln!(out, "- {line}");
    }
    let _ = writeln!(out, "\n## References\n");
    for (n, citation, url, verified) in &e.references {
        let url = url
            .as_deref()
            .map(|u| format!(" <{}>", md(u)))
            .unwrap_or_default();
        let _ = writeln!(out, "{n}. {}{url}", md(citation));
        if let Some(v) = verified {
            let _ = writeln!(out, "   *Verified:* {}", md(v.trim()));
        }
    }
    let _ = writeln!(out, "\n> {}", md(super::NOT_ADVICE));
    out
}

/// The rule set as a self-contained, printable HTML handout.
pub fn html_page(rs: &RuleSet) -> String {
    let e = gather(rs, false);
    let mut body = String::new();
    if !e.description.is_empty() {
        let _ = writeln!(body, "<p>{}</p>", html(&e.description));
    }
    if !e.note.is_empty() {
        let _ = writeln!(
            body,
            "<p class=\"note\"><strong>Review note.</strong> {}</p>",
            html(&e.note)
        );
    }
    body.push_str("<h2>Questions</h2>\n");
    for (title, qs) in &e.sections {
        let _ = writeln!(body, "<h3>{}</h3>\n<ul>", html(title));
        for q in qs {
            let mut extra = String::new();
            if let Some(w) = &q.asked_when {
                let _ = write!(
                    extra,
                    "<br><span class=\"when\">asked only when {}</span>",
                    html(w)
                );
            }
            if q.must_answer {
                extra.push_str("<br><span class=\"when\">must be answered</span>");
            }
            let _ = writeln!(
                body,
                "<li>{} <span class=\"kind\">({})</span> <code>{}</code>{extra}</li>",
                html(&q.text),
                html(&q.kind),
                html(&q.id)
            );
        }
        body.push_str("</ul>\n");
    }
    body.push_str("<h2>Criteria</h2>\n");
    for (heading, lines) in &e.groups {
        let _ = writeln!(body, "<h3>{}</h3>\n<ul>", html(heading));
        for c in lines {
            let refs: Vec<String> = c
                .refs
                .iter()
                .map(|r| format!("<a href=\"#ref{r}\">[{r}]</a>"))
                .collect();
            let _ = write!(
                body,
                "<li><strong>{}</strong> {}<br>holds when {}",
                html(&c.label),
                refs.join(""),
                html(&c.holds_when)
            );
            if !c.why.is_empty() {
                let _ = write!(body, "<br><span class=\"why\">why: {}</span>", html(&c.why));
            }
            if let Some(n) = c.note {
                let _ = write!(body, "<br><span class=\"why\">{n}</span>");
            }
            if let Some(u) = &c.unverified {
                let _ = write!(
                    body,
                    "<br><strong class=\"unverified\">UNVERIFIED:</strong> {}",
                    html(u)
                );
            }
            body.push_str("</li>\n");
        }
        body.push_str("</ul>\n");
    }
    body.push_str("<h2>Outcome</h2>\n<ol>");
    for line in OUTCOME {
        let _ = write!(body, "<li>{}</li>", html(line));
    }
    body.push_str("</ol>\n<h2>References</h2>\n<ol class=\"refs\">");
    for (n, citation, url, verified) in &e.references {
        let url = url
            .as_deref()
            .map(|u| format!(" {}", html(u)))
            .unwrap_or_default();
        let verified = verified
            .as_deref()
            .map(|v| format!("<br><em>Verified:</em> {}", html(v.trim())))
            .unwrap_or_default();
        let _ = write!(
            body,
            "<li id=\"ref{n}\">{}{url}{verified}</li>",
            html(citation)
        );
    }
    body.push_str("</ol>\n");
    format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 50rem; margin: 2rem auto; padding: 0 1rem; color: #111; line-height: 1.4; }}
h1 {{ font-size: 1.5rem; }} h2 {{ border-bottom: 1px solid #999; margin-top: 1.5rem; }} h3 {{ margin-bottom: 0.3rem; }}
ul {{ padding-left: 1.2rem; }} li {{ margin-bottom: 0.4rem; }}
.kind, .when, .why {{ color: #444; font-size: 0.92rem; }}
.unverified {{ color: #850; }}
.note {{ border-left: 4px solid #999; padding-left: 0.6rem; }}
.disclaimer {{ border-top: 1px solid #999; margin-top: 2rem; padding-top: 0.5rem; font-weight: bold; }}
@media print {{ body {{ margin: 0; max-width: none; font-size: 10.5pt; }} li, h3 {{ break-inside: avoid; }} h2, h3 {{ break-after: avoid; }} }}
</style>
</head>
<body>
<h1>{title}</h1>
<p>Rule set <code>{id}</code> version {version} ({review}).</p>
{body}<p class="disclaimer">{advice}</p>
</body>
</html>
"#,
        title = html(&e.title),
        id = html(&e.id),
        version = html(&e.version),
        review = html(&e.review),
        advice = html(super::NOT_ADVICE),
    )
}

/// A question's type in words: option ids for authors (the text form),
/// option labels for handouts.
fn kind_text(kind: &QuestionKind, ids: bool) -> String {
    let options = |o: &[crate::engine::ruleset::ChoiceOption]| {
        o.iter()
            .map(|o| if ids { o.id.as_str() } else { o.label.as_str() })
            .collect::<Vec<_>>()
            .join(if ids { ", " } else { "; " })
    };
    match kind {
        QuestionKind::YesNo => "yes/no".into(),
        QuestionKind::SingleChoice(o) => format!("one of: {}", options(o)),
        QuestionKind::MultipleChoice(o) => format!("any of: {}", options(o)),
        QuestionKind::Number(n) => format!("number, {}", n.range_text()),
    }
}
