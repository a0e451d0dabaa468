//! Reports: one typed [`Summary`] of a screening, and renderers that only
//! handle syntax (a terminal table, JSON, Markdown, HTML, FHIR), so formats
//! cannot disagree. The optional sections a user asks for (`--why`, `--set`,
//! `--what-would-change`) are typed parts of the summary too, rendered
//! natively by each format. Also here: the rule set in words (`explain`),
//! flowcharts, comparison and vignette tables.

pub mod compare;
pub mod explain;
pub mod fhir;
pub mod graph;
pub mod html;
pub mod json;
pub mod markdown;
pub mod table;
pub mod text;
pub mod vignettes;

use crate::analysis::what_if::Differences;
use crate::analysis::what_would_change::{self as wwc, Verdict, WhatWouldChange};
use crate::analysis::why::{self, TraceLine};
use crate::engine::{CriterionKind, Evaluation, Outcome, RuleSet, Tri, Urgency};

/// Said on every summary, whatever the rule set says besides.
pub const NOT_ADVICE: &str = "NOT MEDICAL ADVICE. This is an educational screening aid that applies published selection criteria mechanically. It is not medical advice and not a substitute for the judgement of a specialist who examines the patient.";

/// A red flag present that needs urgent evaluation now.
pub const RED_FLAG_URGENT: &str = "RED FLAG: a sign of possible serious pathology is present. Stop: this needs urgent medical evaluation, not this screening.";

/// Only risk factors are present, none of them investigated and excluded.
pub const RED_FLAG_INVESTIGATE: &str = "RED FLAG: a risk factor for serious pathology is present and has not been investigated and excluded. Stop: investigate and exclude a serious cause before this screening.";

/// The red-flag outcome in words, by the most pressing flag present.
pub const fn red_flag_text(urgency: Urgency) -> &'static str {
    match urgency {
        Urgency::Urgent => RED_FLAG_URGENT,
        Urgency::Investigate => RED_FLAG_INVESTIGATE,
    }
}

/// The outcome in plain words for a clinician. A red flag is worded as
/// urgent here; [`Summary::outcome_sentence`] words it by the flags present.
pub const fn outcome_text(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::RedFlag => RED_FLAG_URGENT,
        Outcome::Excluded => {
            "EXCLUDED: an exclusion criterion applies, so the patient does not meet this rule set's criteria."
        }
        Outcome::NotMet => "NOT MET: at least one indication is not met under this rule set.",
        Outcome::Incomplete => {
            "INCOMPLETE: nothing rules the patient out so far, but some criteria cannot be decided until the unknowns below are assessed."
        }
        Outcome::Met => {
            "MET: every criterion of this rule set is met and no exclusion or red flag applies."
        }
    }
}

/// A question and the answer shown for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerLine {
    pub question: String,
    pub text: String,
    pub answer: String,
}

/// One criterion's line in a summary.
#[derive(Debug, Clone)]
pub struct CriterionLine {
    pub id: String,
    pub kind: CriterionKind,
    pub label: String,
    pub holds: Tri,
    pub decided_by: Vec<AnswerLine>,
    pub sources: Vec<String>,
    pub if_not_met: String,
    /// (teaching figure, source id): the figures that apply to this case.
    pub evidence: Vec<(String, String)>,
    pub urgency: Urgency,
    /// Why the criterion could not be checked against its source.
    pub unverified: Option<String>,
}

/// What `--set` changed.
#[derive(Debug, Clone)]
pub struct WhatIfSection {
    /// The `--set` arguments as given.
    pub set: Vec<String>,
    pub outcome_before: Outcome,
    pub outcome_after: Outcome,
    /// (criterion id, status before, status after)
    pub criteria: Vec<(String, &'static str, &'static str)>,
}

impl WhatIfSection {
    fn new(rs: &RuleSet, set: &[String], d: &Differences) -> Self {
        WhatIfSection {
            set: set.to_vec(),
            outcome_before: d.outcome_before,
            outcome_after: d.outcome_after,
            criteria: d
                .criteria
                .iter()
                .map(|c| {
                    let crit = &rs.criteria[c.criterion];
                    (
                        crit.id.clone(),
                        status_word(crit.kind, c.before),
                        status_word(crit.kind, c.after),
                    )
                })
                .collect(),
        }
    }

    /// The changes as lines: "outcome: a -> b", "criterion: x -> y".
    pub fn lines(&self) -> Vec<String> {
        let mut lines = vec![if self.outcome_before == self.outcome_after {
            format!("outcome: {} (unchanged)", self.outcome_after.as_str())
        } else {
            format!(
                "outcome: {} -> {}",
                self.outcome_before.as_str(),
                self.outcome_after.as_str()
            )
        }];
        lines.extend(
            self.criteria
                .iter()
                .map(|(id, before, after)| format!("{id}: {before} -> {after}")),
        );
        if self.criteria.is_empty() && self.outcome_before == self.outcome_after {
            lines.push("no criterion changed".into());
        }
        lines
    }
}

/// One criterion's `--why` trace.
#[derive(Debug, Clone)]
pub struct WhySection {
    pub id: String,
    pub label: String,
    pub status: &'static str,
    pub lines: Vec<TraceLine>,
}

/// One answer class and the outcome it gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alternative {
    pub answer: String,
    pub outcome: Outcome,
}

/// A question whose change would change the outcome.
#[derive(Debug, Clone)]
pub struct QuestionChanges {
    pub question: String,
    /// The current answer, short.
    pub now: String,
    pub alternatives: Vec<Alternative>,
}

/// An unknown and what assessing it would give.
#[derive(Debug, Clone)]
pub struct UnknownOutcomes {
    pub question: String,
    pub verdict: Verdict,
    pub alternatives: Vec<Alternative>,
}

/// Questions, each with answers of theirs: `[("pct", ["under 50"])]`.
pub type QuestionAnswers<'a> = Vec<(&'a str, Vec<&'a str>)>;

/// `--what-would-change`, ready to render.
#[derive(Debug, Clone)]
pub struct WhatWouldChangeSection {
    pub outcome: Outcome,
    /// Every single-answer change, by question in rule-set order.
    pub changes: Vec<QuestionChanges>,
    pub unknowns: Vec<UnknownOutcomes>,
}

impl WhatWouldChangeSection {
    fn new(rs: &RuleSet, ev: &Evaluation, w: &WhatWouldChange) -> Self {
        let mut changes: Vec<QuestionChanges> = Vec::new();
        for c in &w.changes {
            let list = &mut changes;
            let q = &rs.questions[c.question];
            let alt = Alternative {
                answer: c.answer.label(rs, c.question),
                outcome: c.outcome,
            };
            match list.last_mut() {
                Some(last) if last.question == q.id => last.alternatives.push(alt),
                _ => list.push(QuestionChanges {
                    question: q.id.clone(),
                    now: ev.answers[c.question].short(q),
                    alternatives: vec![alt],
                }),
            }
        }
        let unknowns = w
            .unknowns
            .iter()
            .map(|s| UnknownOutcomes {
                question: rs.questions[s.question].id.clone(),
                verdict: s.verdict,
                alternatives: s
                    .outcomes
                    .iter()
                    .map(|(t, o)| Alternative {
                        answer: t.label(rs, s.question),
                        outcome: *o,
                    })
                    .collect(),
            })
            .collect();
        WhatWouldChangeSection {
            outcome: ev.outcome,
            changes,
            unknowns,
        }
    }

    /// Changes toward a better outcome, by question.
    pub fn better(&self) -> Vec<QuestionChanges> {
        self.changes
            .iter()
            .filter_map(|q| {
                let alternatives: Vec<Alternative> = q
                    .alternatives
                    .iter()
                    .filter(|a| wwc::rank(a.outcome) > wwc::rank(self.outcome))
                    .cloned()
                    .collect();
                (!alternatives.is_empty()).then(|| QuestionChanges {
                    alternatives,
                    ..q.clone()
                })
            })
            .collect()
    }

    /// Worse outcomes, worst first, each with its questions in words:
    /// "pct = under 75", "care = [] (or 14 other answers)".
    pub fn worse_in_words(&self) -> Vec<(Outcome, Vec<String>)> {
        self.worse_by_outcome()
            .into_iter()
            .map(|(outcome, parts)| {
                let words = parts
                    .iter()
                    .map(|(id, answers)| match answers.as_slice() {
                        [one] => format!("{id} = {one}"),
                        [a, b] => format!("{id} = {a} or {b}"),
                        [a, rest @ ..] => format!("{id} = {a} (or {} other answers)", rest.len()),
                        [] => String::new(),
                    })
                    .collect();
                (outcome, words)
            })
            .collect()
    }

    /// Worse outcomes, worst first, each with its questions and answers.
    pub fn worse_by_outcome(&self) -> Vec<(Outcome, QuestionAnswers<'_>)> {
        [
            Outcome::RedFlag,
            Outcome::Excluded,
            Outcome::NotMet,
            Outcome::Incomplete,
        ]
        .into_iter()
        .filter_map(|outcome| {
            let parts: Vec<(&str, Vec<&str>)> = self
                .changes
                .iter()
                .filter_map(|q| {
                    let answers: Vec<&str> = q
                        .alternatives
                        .iter()
                        .filter(|a| a.outcome == outcome)
                        .map(|a| a.answer.as_str())
                        .collect();
                    (!answers.is_empty()).then_some((q.question.as_str(), answers))
                })
                .collect();
            (!parts.is_empty()).then_some((outcome, parts))
        })
        .collect()
    }
}

/// The optional sections a user asked for.
#[derive(Debug, Clone, Default)]
pub struct Sections {
    pub what_if: Option<WhatIfSection>,
    pub why: Option<Vec<WhySection>>,
    pub what_would_change: Option<WhatWouldChangeSection>,
}

/// Which optional sections to build.
#[derive(Debug, Clone, Default)]
pub struct Wanted<'a> {
    /// `--set` arguments and the evaluation before them.
    pub what_if: Option<(&'a [String], &'a Evaluation)>,
    pub why: bool,
    pub what_would_change: bool,
}

impl Sections {
    pub fn new(rs: &RuleSet, ev: &Evaluation, wanted: &Wanted<'_>) -> Self {
        Sections {
            what_if: wanted.what_if.map(|(set, before)| {
                let d = crate::analysis::what_if::differences(rs, before, ev);
                WhatIfSection::new(rs, set, &d)
            }),
            why: wanted.why.then(|| {
                rs.criteria
                    .iter()
                    .enumerate()
                    .map(|(ci, c)| WhySection {
                        id: c.id.clone(),
                        label: c.label.clone(),
                        status: status_word(c.kind, ev.holds[ci]),
                        lines: why::why(rs, ev, ci),
                    })
                    .collect()
            }),
            what_would_change: wanted
                .what_would_change
                .then(|| WhatWouldChangeSection::new(rs, ev, &wwc::what_would_change(rs, ev))),
        }
    }
}

/// Everything a report shows, gathered once.
#[derive(Debug, Clone)]
pub struct Summary {
    pub rule_set_id: String,
    pub title: String,
    pub version: String,
    pub sha256: String,
    pub review_status: &'static str,
    pub review_date: String,
    /// When the screening was done (YYYY-MM-DD), for formats that record it.
    pub date: String,
    pub outcome: Outcome,
    pub criteria: Vec<CriterionLine>,
    /// Asked questions left unanswered.
    pub unanswered: Vec<AnswerLine>,
    /// Asked questions answered "unknown".
    pub not_assessed: Vec<AnswerLine>,
    pub disclaimer: String,
    pub sections: Sections,
}

impl Summary {
    /// Red flags that are neither present nor ruled out: their questions
    /// were not assessed. They come first in every format, because the
    /// screening means nothing until they are.
    pub fn red_flags_not_ruled_out(&self) -> impl Iterator<Item = &CriterionLine> {
        self.criteria
            .iter()
            .filter(|c| c.kind == CriterionKind::RedFlag && c.holds == Tri::Unknown)
    }

    /// The outcome in one sentence, with a warning first when a red flag has
    /// not been ruled out (an incomplete screening must not read as "nothing
    /// rules the patient out").
    pub fn outcome_sentence(&self) -> String {
        let open: Vec<&str> = self
            .red_flags_not_ruled_out()
            .map(|c| c.label.as_str())
            .collect();
        if self.outcome == Outcome::RedFlag {
            return red_flag_text(self.red_flag_urgency()).to_string();
        }
        if open.is_empty() {
            return outcome_text(self.outcome).to_string();
        }
        format!(
            "RED FLAG NOT RULED OUT: {} not assessed; assess before anything else. {}",
            open.join("; "),
            outcome_text(self.outcome)
        )
    }

    /// The most pressing urgency among the red flags present (urgent when
    /// none is, so that a caller's mistake errs on the side of urgency).
    pub fn red_flag_urgency(&self) -> Urgency {
        let present = self
            .criteria
            .iter()
            .filter(|c| c.kind == CriterionKind::RedFlag && c.holds == Tri::True);
        if present.clone().next().is_none() || present.clone().any(|c| c.urgency == Urgency::Urgent)
        {
            Urgency::Urgent
        } else {
            Urgency::Investigate
        }
    }

    /// The teaching figures that apply to this case, with their criterion.
    pub fn figures(&self) -> impl Iterator<Item = (&CriterionLine, &(String, String))> {
        self.criteria
            .iter()
            .flat_map(|c| c.evidence.iter().map(move |e| (c, e)))
    }

    /// Criteria that could not be checked against their sources, with why.
    pub fn unverified(&self) -> impl Iterator<Item = (&CriterionLine, &str)> {
        self.criteria
            .iter()
            .filter_map(|c| c.unverified.as_deref().map(|u| (c, u)))
    }

    /// After a red flag, the questions left open are not "to be assessed":
    /// the screening stopped. Then the reports say so in one sentence
    /// instead of listing them.
    pub fn stopped_by_red_flag(&self) -> Option<String> {
        (self.outcome == Outcome::RedFlag).then(|| {
            let open = self.unanswered.len() + self.not_assessed.len();
            let first = match self.red_flag_urgency() {
                Urgency::Urgent => "it needs urgent medical evaluation first",
                Urgency::Investigate => "a serious cause must be investigated and excluded first",
            };
            format!(
                "The screening stopped at the red flag: {first}; {open} question(s) were not asked or not assessed, and none of them matters until the red flag is dealt with."
            )
        })
    }

    /// Every question still to be assessed, as (id, text, why): those answered
    /// "unknown" first, then those left unanswered. Every format lists these.
    pub fn unknowns(&self) -> impl Iterator<Item = (&str, &str, &'static str)> {
        fn tagged<'a>(
            list: &'a [AnswerLine],
            why: &'static str,
        ) -> impl Iterator<Item = (&'a str, &'a str, &'static str)> {
            list.iter()
                .map(move |a| (a.question.as_str(), a.text.as_str(), why))
        }
        tagged(&self.not_assessed, "answered unknown").chain(tagged(&self.unanswered, "unanswered"))
    }

    pub fn new(rs: &RuleSet, ev: &Evaluation, date: &str, sections: Sections) -> Self {
        let criteria = rs
            .criteria
            .iter()
            .enumerate()
            .map(|(ci, c)| CriterionLine {
                id: c.id.clone(),
                kind: c.kind,
                label: c.label.clone(),
                holds: ev.holds[ci],
                decided_by: rs
                    .deciding_questions(ci, ev)
                    .into_iter()
                    .map(|qi| {
                        let q = &rs.questions[qi];
                        let shown = if ev.asked[qi] {
                            ev.answers[qi].short(q)
                        } else {
                            "(not asked)".into()
                        };
                        AnswerLine {
                            question: q.id.clone(),
                            text: q.text.clone(),
                            answer: shown,
                        }
                    })
                    .collect(),
                sources: rs
                    .source_ids(&c.sources)
                    .into_iter()
                    .map(String::from)
                    .collect(),
                if_not_met: c.if_not_met.clone(),
                evidence: c
                    .evidence
                    .iter()
                    .filter(|e| {
                        e.when
                            .is_none_or(|w| rs.eval(w, &ev.answers, &ev.holds) == Tri::True)
                    })
                    .map(|e| (e.text.clone(), rs.meta.sources[e.source].id.clone()))
                    .collect(),
                urgency: c.urgency,
                unverified: c.unverified.clone(),
            })
            .collect();
        let pick = |list: Vec<usize>| {
            list.into_iter()
                .map(|qi| AnswerLine {
                    question: rs.questions[qi].id.clone(),
                    text: rs.questions[qi].text.clone(),
                    answer: String::new(),
                })
                .collect()
        };
        Summary {
            rule_set_id: rs.meta.id.clone(),
            title: rs.meta.title.clone(),
            version: rs.meta.version.clone(),
            sha256: rs.meta.sha256.clone(),
            review_status: rs.meta.review_status.as_str(),
            review_date: rs.meta.review_date.clone(),
            date: date.to_string(),
            outcome: ev.outcome,
            criteria,
            unanswered: pick(ev.unanswered()),
            not_assessed: pick(ev.not_assessed()),
            disclaimer: format!("{NOT_ADVICE} {}", rs.meta.disclaimer.trim()),
            sections,
        }
    }
}

/// What an unknown's verdict says, in words.
pub const fn verdict_text(v: Verdict) -> &'static str {
    match v {
        Verdict::Settles => "settles it",
        Verdict::DoesNotSettle => "does not settle it alone",
        Verdict::NotExhaustive => {
            "not exhaustive: options tried one at a time, combinations not tried"
        }
    }
}

/// The status word of a criterion, by kind: a red flag is present or absent,
/// an exclusion applies or not, an indication is met or not.
pub const fn status_word(kind: CriterionKind, holds: Tri) -> &'static str {
    match (kind, holds) {
        (_, Tri::Unknown) => "unknown",
        (CriterionKind::RedFlag, Tri::True) => "PRESENT",
        (CriterionKind::RedFlag, Tri::False) => "absent",
        (CriterionKind::Exclusion, Tri::True) => "APPLIES",
        (CriterionKind::Exclusion, Tri::False) => "does not apply",
        (CriterionKind::Indication, Tri::True) => "met",
        (CriterionKind::Indication, Tri::False) => "NOT MET",
    }
}

/// Whether a criterion's value counts against the patient.
pub const fn is_adverse(kind: CriterionKind, holds: Tri) -> bool {
    matches!(
        (kind, holds),
        (CriterionKind::RedFlag | CriterionKind::Exclusion, Tri::True)
            | (CriterionKind::Indication, Tri::False)
    )
}
