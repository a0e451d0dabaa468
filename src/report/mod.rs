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
pub mod note;
pub mod record;
pub mod sections;
pub mod table;
pub mod text;
pub mod vignettes;

use crate::engine::{CriterionKind, Evaluation, Outcome, RuleSet, Tri, Urgency};
pub use sections::{
    Sections, Wanted, WhatIfSection, WhatWouldChangeSection, WhySection, verdict_text,
};

/// Said on every summary, whatever the rule set says besides.
pub const NOT_ADVICE: &str = "NOT MEDICAL ADVICE. This is an educational screening aid that applies published selection criteria mechanically. It is not medical advice and not a substitute for the judgement of a specialist who examines the patient.";

/// A red flag present that needs urgent evaluation now.
pub const RED_FLAG_URGENT: &str = "RED FLAG: a sign of possible serious pathology is present. Stop: this needs urgent medical evaluation, not this screening.";

/// Only risk factors are present, none of them investigated and excluded.
pub const RED_FLAG_INVESTIGATE: &str = "RED FLAG: a risk factor for serious pathology is present and has not been investigated and excluded. Stop: investigate and exclude a serious cause before this screening.";

/// The warning for red flags not yet assessed (`labels`, joined), said
/// before anything else; the FHIR form says it for each flag.
pub fn not_ruled_out(labels: &str) -> String {
    format!("RED FLAG NOT RULED OUT: {labels} not assessed; assess before anything else.")
}

/// An incomplete screening while a red flag is not ruled out: said after
/// the red-flag warning, so it never reassures ("nothing rules the patient
/// out") where a red flag is still open.
pub const INCOMPLETE_RED_FLAG_OPEN: &str = "INCOMPLETE: nothing can be concluded until the red flag above and the other unknowns below are assessed.";

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
    /// The question in a few words.
    pub short: String,
    /// The answer as written in files (option ids), for JSON.
    pub answer: String,
    /// The answer in words (option labels, units), for people.
    pub words: String,
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
    /// Numbers of its sources in [`Summary::references`].
    pub refs: Vec<usize>,
    /// For an indication not met, each requirement that fails (with the
    /// answer given); for a criterion unknown, what it waits for.
    pub missing: Vec<String>,
}

impl CriterionLine {
    /// What keeps the criterion from the patient's side, in one line:
    /// "Missing: ..." for an indication not met, "Open: not known: ..."
    /// for a criterion unknown.
    pub fn missing_text(&self) -> Option<String> {
        if self.missing.is_empty() {
            return None;
        }
        let lead = if self.holds == Tri::Unknown {
            "Open"
        } else {
            "Missing"
        };
        Some(format!("{lead}: {}", self.missing.join("; ")))
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
    /// When the screening was done ("YYYY-MM-DD HH:MM UTC").
    pub date: String,
    pub outcome: Outcome,
    pub criteria: Vec<CriterionLine>,
    /// Asked questions left unanswered.
    pub unanswered: Vec<AnswerLine>,
    /// Asked questions answered "unknown".
    pub not_assessed: Vec<AnswerLine>,
    /// Answers given to questions skip logic does not ask here, said so
    /// (`words` holds the answer, the skip rule and what became of the
    /// answer, in words), with whether the skip rule is still undecided.
    pub recorded_not_asked: Vec<(AnswerLine, bool)>,
    pub disclaimer: String,
    pub sections: Sections,
    /// The sources the criteria cite, numbered.
    pub references: Vec<record::Reference>,
    /// Every question with what became of it, by section.
    pub record: Vec<record::RecordSection>,
    /// Teaching mode after a red flag: the outcome without the red flags.
    pub without_red_flags: Option<Outcome>,
    /// Set when answers were changed by `--set`: this is then a what-if,
    /// never to be taken for the patient's recorded screening.
    pub hypothetical: Option<Hypothetical>,
}

/// A what-if: the answers `--set` changed, and the outcome of the answers
/// as recorded.
#[derive(Debug, Clone)]
pub struct Hypothetical {
    /// The question ids `--set` changed.
    pub changed: Vec<String>,
    pub recorded_outcome: Outcome,
}

/// The line every format opens with when answers were changed by `--set`.
pub const HYPOTHETICAL_BANNER: &str =
    "HYPOTHETICAL: answers changed by --set (not the patient's recorded screening)";

/// How a changed answer is marked wherever it is shown.
pub const CHANGED_MARK: &str = " [changed by --set]";

impl Hypothetical {
    /// "Recorded outcome: NOT MET. With the changes: MET." (outcome words
    /// as the summaries print them).
    pub fn outcomes_line(&self, now: Outcome) -> String {
        format!(
            "Recorded outcome: {}. With the changes by --set: {}.",
            outcome_word(self.recorded_outcome),
            outcome_word(now)
        )
    }
}

/// An outcome as the summaries name it: "MET", "NOT MET", "RED FLAG".
pub const fn outcome_word(o: Outcome) -> &'static str {
    match o {
        Outcome::RedFlag => "RED FLAG",
        Outcome::Excluded => "EXCLUDED",
        Outcome::NotMet => "NOT MET",
        Outcome::Incomplete => "INCOMPLETE",
        Outcome::Met => "MET",
    }
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
        let then = if self.outcome == Outcome::Incomplete {
            INCOMPLETE_RED_FLAG_OPEN
        } else {
            outcome_text(self.outcome)
        };
        format!("{} {then}", not_ruled_out(&open.join("; ")))
    }

    /// For teaching, after a red flag: what the outcome would be without
    /// it, in one sentence; `None` unless asked for.
    pub fn teaching_note(&self) -> Option<String> {
        self.without_red_flags.map(|o| {
            format!(
                "Teaching: without the red flag, the criteria would give {}. The red flag still stops the screening.",
                o.as_str()
            )
        })
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

    /// The teaching figures that apply to this case, with their criterion
    /// and the number of their source among the references.
    pub fn figures(&self) -> impl Iterator<Item = (&CriterionLine, &str, usize)> {
        self.criteria.iter().flat_map(move |c| {
            c.evidence.iter().map(move |(text, source)| {
                let n = self
                    .references
                    .iter()
                    .find(|r| &r.id == source)
                    .map_or(0, |r| r.number);
                (c, text.as_str(), n)
            })
        })
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
        let (mut references, mut refs) = record::references(rs);
        let criteria: Vec<CriterionLine> = rs
            .criteria
            .iter()
            .enumerate()
            .map(|(ci, c)| CriterionLine {
                refs: std::mem::take(&mut refs[ci]),
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
                            short: q.short.clone(),
                            answer: shown,
                            words: if ev.asked[qi] {
                                ev.answers[qi].describe(q)
                            } else {
                                "not asked".into()
                            },
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
                missing: crate::analysis::shortfall::shortfall(rs, ev, ci),
            })
            .collect();
        // A figure's source is cited by number like the criteria's, so
        // every citation resolves to a numbered reference.
        for (_, source) in criteria.iter().flat_map(|c: &CriterionLine| &c.evidence) {
            if !references.iter().any(|r| &r.id == source)
                && let Some(s) = rs.meta.sources.iter().find(|s| &s.id == source)
            {
                references.push(record::Reference {
                    number: references.len() + 1,
                    id: s.id.clone(),
                    citation: s.citation.trim().to_string(),
                    url: s.url.clone(),
                });
            }
        }
        let pick = |list: Vec<usize>| {
            list.into_iter()
                .map(|qi| AnswerLine {
                    question: rs.questions[qi].id.clone(),
                    text: rs.questions[qi].text.clone(),
                    short: rs.questions[qi].short.clone(),
                    answer: String::new(),
                    words: String::new(),
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
            recorded_not_asked: recorded_not_asked(rs, ev),
            disclaimer: format!("{NOT_ADVICE} {}", rs.meta.disclaimer.trim()),
            sections,
            references,
            record: record::record(rs, ev),
            without_red_flags: None,
            hypothetical: None,
        }
        .marking_what_if()
    }

    /// With `--set`, says so: the summary is a hypothetical, and each
    /// changed answer is marked where it appears.
    fn marking_what_if(mut self) -> Self {
        let Some(w) = &self.sections.what_if else {
            return self;
        };
        let changed: Vec<String> = w
            .set
            .iter()
            .filter_map(|s| Some(s.split_once('=')?.0.trim().to_string()))
            .collect();
        let is_changed = |q: &str| changed.iter().any(|c| c == q);
        for c in &mut self.criteria {
            for a in &mut c.decided_by {
                if is_changed(&a.question) {
                    a.words.push_str(CHANGED_MARK);
                }
            }
        }
        for section in &mut self.record {
            for row in &mut section.rows {
                if is_changed(&row.question) {
                    row.answer.push_str(CHANGED_MARK);
                }
            }
        }
        self.hypothetical = Some(Hypothetical {
            changed,
            recorded_outcome: w.outcome_before,
        });
        self
    }
}

/// The answers skip logic did not ask for, each with the rule that skipped
/// it, what became of the answer, and whether the rule is undecided.
fn recorded_not_asked(rs: &RuleSet, ev: &Evaluation) -> Vec<(AnswerLine, bool)> {
    ev.dropped
        .iter()
        .map(|&(qi, a)| {
            let q = &rs.questions[qi];
            let undecided = rs.would_ask(qi, &ev.answers) == Tri::Unknown;
            let rule = q.ask_when.map_or_else(String::new, |n| {
                format!(
                    "asked only when {}",
                    crate::analysis::describe::words(rs, n)
                )
            });
            let use_ = if rs.is_pending(qi, ev) {
                format!("{rule}, which is not known yet: {PENDING_USE}")
            } else {
                format!("not used: {rule}")
            };
            let line = AnswerLine {
                question: q.id.clone(),
                text: q.text.clone(),
                short: q.short.clone(),
                answer: a.to_yaml(q).unwrap_or_default(),
                words: format!("{} = {} ({use_})", q.short, a.describe(q)),
            };
            (line, undecided)
        })
        .collect()
}

/// What becomes of an answer whose question may or may not be asked.
pub const PENDING_USE: &str =
    "it counts only where it decides a criterion whether or not the question is asked";

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
