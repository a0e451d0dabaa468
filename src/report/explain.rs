//! A rule set in plain words: metadata, sections and questions (with their
//! skip logic), each criterion's condition with its sources, the outcome's
//! precedence, and the sources with what of each was verified.

use std::fmt::Write;

use crate::analysis::describe;
use crate::engine::{CriterionKind, QuestionKind, RuleSet, Urgency};

/// The rule set as readable text: metadata, sections and questions (with
/// their skip logic), and each criterion's condition with its sources.
pub fn rule_set(rs: &RuleSet) -> String {
    let m = &rs.meta;
    let mut out = String::new();
    let _ = writeln!(out, "{}", m.title);
    let _ = writeln!(
        out,
        "Rule set {} version {} ({}, {})",
        m.id,
        m.version,
        m.review_status.as_str(),
        m.review_date
    );
    if !m.review_note.trim().is_empty() {
        let _ = writeln!(out, "Review note: {}", m.review_note.trim());
    }
    if !m.description.trim().is_empty() {
        let _ = writeln!(out, "\n{}", m.description.trim());
    }
    let _ = writeln!(out, "\nQUESTIONS");
    for s in &rs.sections {
        let _ = writeln!(out, "\n{}", s.title);
        for qi in s.questions.clone() {
            let q = &rs.questions[qi];
            let _ = writeln!(out, "  {} [{}]: {}", q.id, kind_text(&q.kind), q.text);
            if let Some(node) = q.ask_when {
                let _ = writeln!(
                    out,
                    "      asked only when {}",
                    describe::condition(rs, node)
                );
            }
            if !q.allow_unknown {
                let _ = writeln!(out, "      must be answered (unknown is not accepted)");
            }
        }
    }
    let _ = writeln!(out, "\nCRITERIA");
    for kind in [
        CriterionKind::RedFlag,
        CriterionKind::Exclusion,
        CriterionKind::Indication,
    ] {
        let heading = match kind {
            CriterionKind::RedFlag => {
                "Red flags (any present: stop; urgent evaluation unless marked otherwise)"
            }
            CriterionKind::Exclusion => "Exclusions (any applies: excluded)",
            CriterionKind::Indication => "Indications (all must be met)",
        };
        let _ = writeln!(out, "\n{heading}");
        for c in rs.criteria.iter().filter(|c| c.kind == kind) {
            let _ = writeln!(out, "  {}: {}", c.id, c.label);
            let _ = writeln!(out, "      holds when {}", describe::condition(rs, c.root));
            if !c.sources.is_empty() {
                let _ = writeln!(
                    out,
                    "      sources: {}",
                    rs.source_ids(&c.sources).join(", ")
                );
            }
            if !c.rationale.trim().is_empty() {
                let _ = writeln!(out, "      why: {}", c.rationale.trim());
            }
            if kind == CriterionKind::RedFlag && c.urgency == Urgency::Investigate {
                let _ = writeln!(
                    out,
                    "      when present: investigate and exclude a serious cause before screening"
                );
            }
            if let Some(u) = &c.unverified {
                let _ = writeln!(out, "      UNVERIFIED: {}", u.trim());
            }
        }
    }
    let _ = writeln!(
        out,
        "\nOUTCOME\n  red_flag if a red flag is present; else excluded if an exclusion applies;"
    );
    let _ = writeln!(
        out,
        "  else not_met if an indication is not met; else incomplete if anything is unknown; else met."
    );
    let _ = writeln!(out, "\nSOURCES");
    for s in &m.sources {
        let _ = writeln!(out, "  [{}] {}", s.id, s.citation.trim());
        if let Some(url) = &s.url {
            let _ = writeln!(out, "      {url}");
        }
        if let Some(v) = &s.verified {
            let _ = writeln!(out, "      verified: {}", v.trim());
        }
    }
    out
}

fn kind_text(kind: &QuestionKind) -> String {
    match kind {
        QuestionKind::YesNo => "yes/no".into(),
        QuestionKind::SingleChoice(o) => {
            format!(
                "one of: {}",
                o.iter()
                    .map(|o| o.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
        QuestionKind::MultipleChoice(o) => {
            format!(
                "any of: {}",
                o.iter()
                    .map(|o| o.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
        QuestionKind::Number(spec) => format!("number, {}", spec.range_text()),
    }
}
