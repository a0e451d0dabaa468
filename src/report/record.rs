//! The parts of a summary that make it a record for the chart: every
//! question with its answer, whether asked or not, and the sources cited,
//! numbered in the order a reader meets them.

use crate::engine::{Answer, Evaluation, RuleSet};

/// A cited source, numbered for the summary's reference list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    pub number: usize,
    pub id: String,
    pub citation: String,
    pub url: Option<String>,
}

/// What became of one question in this screening.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Asked and answered.
    Answered,
    /// Asked and answered "unknown / not assessed".
    Unknown,
    /// Asked but not answered (the walk stopped, or the file leaves it out).
    Unanswered,
    /// Skipped by its skip logic.
    NotAsked,
}

impl State {
    pub const fn word(self) -> &'static str {
        match self {
            State::Answered => "answered",
            State::Unknown => "not assessed",
            State::Unanswered => "unanswered",
            State::NotAsked => "not asked",
        }
    }
}

/// One question of the record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordRow {
    pub question: String,
    pub short: String,
    pub text: String,
    /// The answer in words (option labels, units), empty unless answered.
    pub answer: String,
    pub state: State,
}

/// One section of the record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordSection {
    pub title: String,
    pub rows: Vec<RecordRow>,
}

/// Every question, by section, with what became of it.
pub fn record(rs: &RuleSet, ev: &Evaluation) -> Vec<RecordSection> {
    rs.sections
        .iter()
        .map(|s| RecordSection {
            title: s.title.clone(),
            rows: s
                .questions
                .clone()
                .map(|qi| {
                    let q = &rs.questions[qi];
                    let a = ev.answers[qi];
                    let state = match (ev.asked[qi], a) {
                        (false, _) => State::NotAsked,
                        (true, Answer::Unanswered) => State::Unanswered,
                        (true, Answer::Unknown) => State::Unknown,
                        (true, _) => State::Answered,
                    };
                    RecordRow {
                        question: q.id.clone(),
                        short: q.short.clone(),
                        text: q.text.clone(),
                        answer: if state == State::Answered {
                            a.describe(q)
                        } else {
                            String::new()
                        },
                        state,
                    }
                })
                .collect(),
        })
        .collect()
}

/// The sources the criteria cite, numbered by first citation, and each
/// criterion's reference numbers.
pub fn references(rs: &RuleSet) -> (Vec<Reference>, Vec<Vec<usize>>) {
    let mut number_of: Vec<Option<usize>> = vec![None; rs.meta.sources.len()];
    let mut list = Vec::new();
    let per_criterion = rs
        .criteria
        .iter()
        .map(|c| {
            c.sources
                .iter()
                .filter_map(|&si| {
                    let s = rs.meta.sources.get(si)?;
                    Some(*number_of[si].get_or_insert_with(|| {
                        list.push(Reference {
                            number: list.len() + 1,
                            id: s.id.clone(),
                            citation: s.citation.trim().to_string(),
                            url: s.url.clone(),
                        });
                        list.len()
                    }))
                })
                .collect()
        })
        .collect();
    (list, per_criterion)
}

/// The references of [`references`], then the sources only questions
/// cite (for teaching notes), and each source's number (by index into the
/// rule set's sources; `None` when nothing cites it). The numbers of the
/// criteria's sources are the summary's own.
pub fn all_references(rs: &RuleSet) -> (Vec<Reference>, Vec<Option<usize>>) {
    let (mut list, _) = references(rs);
    let mut number_of: Vec<Option<usize>> = vec![None; rs.meta.sources.len()];
    for r in &list {
        if let Some(i) = rs.meta.sources.iter().position(|s| s.id == r.id) {
            number_of[i] = Some(r.number);
        }
    }
    let cited = rs.questions.iter().flat_map(|q| {
        q.sources
            .iter()
            .copied()
            .chain(q.evidence.iter().map(|e| e.source))
    });
    for si in cited {
        let Some(s) = rs.meta.sources.get(si) else {
            continue;
        };
        if number_of[si].is_none() {
            list.push(Reference {
                number: list.len() + 1,
                id: s.id.clone(),
                citation: s.citation.trim().to_string(),
                url: s.url.clone(),
            });
            number_of[si] = Some(list.len());
        }
    }
    (list, number_of)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compile::catalog;

    #[test]
    fn references_are_numbered_by_first_citation() {
        let rs = catalog::load("nass-2015").expect("bundled").rules;
        let (refs, per) = references(&rs);
        assert_eq!(refs[0].number, 1);
        assert_eq!(per[0][0], 1, "the first criterion cites reference 1");
        let mut seen: Vec<&str> = refs.iter().map(|r| r.id.as_str()).collect();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.len(), refs.len(), "each source once");
        assert!(per.iter().flatten().all(|&n| n >= 1 && n <= refs.len()));
    }

    #[test]
    fn the_record_has_every_question_once() {
        let rs = catalog::load("nass-2015").expect("bundled").rules;
        let ev = rs.evaluate(&[]);
        let rows: usize = record(&rs, &ev).iter().map(|s| s.rows.len()).sum();
        assert_eq!(rows, rs.questions.len());
    }
}
