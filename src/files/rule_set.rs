//! The rule-set file format, exactly as written in YAML.
//!
//! These types mirror the file one to one, and keep the line and column of
//! every id and reference (`Spanned`), so that validation can point a rule-set
//! author at the exact place of a problem. They are checked and compiled into
//! [`crate::engine::RuleSet`] by [`crate::compile`]; nothing else reads them.
//!
//! Every struct rejects unknown keys: a misspelt `ask_whne:` must be an error,
//! not a silently ignored line that changes who is asked what.

use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::engine::{CmpOp, CriterionKind, ReviewStatus, Skipped, Urgency};

/// An identifier or a reference to one, with where it was written.
pub type Id = Spanned<String>;

/// A whole rule-set file.
///
/// ```yaml
/// id: nass-2015
/// title: NASS 2015 coverage recommendations
/// version: "1.0.0"
/// review: { status: educational, date: 2026-11-21, note: "..." }
/// description: ...
/// disclaimer: ...
/// sources: [ ... ]
/// question_bank: sij-questions   # optional: reuse shared questions
/// sections: [ ... ]
/// criteria: [ ... ]
/// ```
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleSetDoc {
    #[schemars(with = "String")]
    pub id: Id,
    pub title: String,
    #[schemars(with = "String")]
    pub version: Spanned<String>,
    pub review: Review,
    #[serde(default)]
    pub description: String,
    pub disclaimer: String,
    #[serde(default)]
    pub sources: Vec<Source>,
    /// A bundled question bank's id, or a path relative to this file.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub question_bank: Option<Id>,
    pub sections: Vec<Section>,
    pub criteria: Vec<Criterion>,
    /// Question ids an earlier version asked and this one no longer does.
    /// Answers files that still answer them load, with a note that the
    /// answer is not used (question ids are a public contract).
    #[serde(default)]
    pub retired: Vec<Retired>,
}

/// A question id this rule set no longer asks, and why.
///
/// ```yaml
/// retired:
///   - id: fortin_finger_test
///     reason: Not a NASS item (since 2.0.0).
/// ```
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Retired {
    #[schemars(with = "String")]
    pub id: Id,
    pub reason: String,
}

/// A question bank: questions (and their sources) shared by rule sets, so
/// guideline profiles ask the same questions with the same ids and can be
/// compared answer for answer.
///
/// ```yaml
/// bank: sij-questions
/// title: Shared SI joint questions
/// sources: [ ... ]
/// sections: [ ... ]     # ordinary sections with questions
/// ```
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BankDoc {
    #[schemars(with = "String")]
    pub bank: Id,
    /// For people reading the bank; nothing prints it.
    #[allow(dead_code)]
    pub title: String,
    #[serde(default)]
    pub sources: Vec<Source>,
    pub sections: Vec<Section>,
}

/// Who has checked the rule set against its sources, and when.
///
/// ```yaml
/// review:
///   status: educational    # draft | educational | reviewed
///   date: 2026-11-21       # YYYY-MM-DD
///   note: Thresholds checked against the policy text; not clinically reviewed.
/// ```
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Review {
    pub status: ReviewStatus,
    #[schemars(with = "String")]
    pub date: Spanned<String>,
    #[serde(default)]
    pub note: String,
}

/// A document the rule set draws on.
///
/// ```yaml
/// sources:
///   - id: laslett2005
///     citation: Laslett M, et al. Man Ther. 2005;10(3):207-218.
///     url: https://doi.org/10.1016/j.math.2005.01.003
///     verified: Cluster figures read in the abstract.   # optional
/// ```
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Source {
    #[schemars(with = "String")]
    pub id: Id,
    pub citation: String,
    #[serde(default)]
    pub url: Option<String>,
    /// What of this source was checked, and what was not.
    #[serde(default)]
    pub verified: Option<String>,
}

/// An ordered group of questions.
///
/// ```yaml
/// sections:
///   - id: red_flags
///     title: Red flags
///     description: Ask these first.   # optional
///     questions: [ ... ]
/// ```
///
/// With a question bank, a section may take a whole bank section, or pick
/// bank questions by id, before its own questions:
///
/// ```yaml
///   - from: red_flags                  # the bank's section, id and title
///   - id: block
///     title: Diagnostic injection
///     include: [block_count, first_block_relief_percent]
///     questions: [ ... ]               # this rule set's own
/// ```
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Section {
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub from: Option<Id>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub id: Option<Id>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub include: Vec<Id>,
    #[serde(default)]
    pub questions: Vec<Question>,
}

/// A teaching figure with its source, shown next to a question or criterion.
///
/// ```yaml
/// evidence:
///   - text: "3 or more positive of 6 tests: sensitivity 94%, specificity 78%"
///     source: laslett2005
/// ```
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    pub text: String,
    #[schemars(with = "String")]
    pub source: Id,
    /// Criterion evidence only: show the figure only for cases where this
    /// condition holds (for example, a figure measured for "2 of 4 tests
    /// positive" next to a case with 2 of those 4 positive).
    #[serde(default)]
    pub when: Option<Condition>,
}

/// One question. Its `type` decides which other keys apply.
///
/// ```yaml
/// - id: block_relief_percent
///   text: Pain relief after the diagnostic block?
///   short: Block relief        # optional: a few words for summaries
///   type: number               # yes_no | single_choice | multiple_choice | number
///   min: 0                     # number only
///   max: 100                   # number only
///   unit: percent              # number only: percent, months, 0-10, ng/mL ...
///   integer: false             # number only: whole numbers only
///   help: Within the anaesthetic's expected duration.
///   rationale: Why this is asked (shown in --teach).
///   sources: [polly2016]
///   allow_unknown: true        # the default: "unknown / not assessed" is accepted
///   ask_when:                  # skip logic: ask only when this holds
///     yes: block_done
/// ```
///
/// Choice questions list their options instead of a range:
///
/// ```yaml
/// - id: pain_side
///   text: Which side is painful?
///   type: single_choice
///   options:
///     - { id: left, label: Left }
///     - { id: right, label: Right }
/// ```
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Question {
    #[schemars(with = "String")]
    pub id: Id,
    pub text: String,
    /// A few words for summaries ("Saddle anaesthesia"); by default the
    /// text up to its first parenthesis, without the question mark.
    #[serde(default)]
    pub short: Option<String>,
    #[serde(rename = "type")]
    #[schemars(with = "QuestionType")]
    pub kind: Spanned<QuestionType>,
    #[serde(default)]
    #[schemars(with = "Option<Vec<ChoiceOption>>")]
    pub options: Option<Spanned<Vec<ChoiceOption>>>,
    #[serde(default)]
    #[schemars(with = "Option<f64>")]
    pub min: Option<Spanned<f64>>,
    #[serde(default)]
    #[schemars(with = "Option<f64>")]
    pub max: Option<Spanned<f64>>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub unit: Option<Spanned<String>>,
    #[serde(default)]
    #[schemars(with = "Option<bool>")]
    pub integer: Option<Spanned<bool>>,
    #[serde(default)]
    pub help: String,
    #[serde(default)]
    pub rationale: String,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub sources: Vec<Id>,
    #[serde(default = "default_true")]
    pub allow_unknown: bool,
    #[serde(default)]
    pub ask_when: Option<Condition>,
    #[serde(default)]
    pub evidence: Vec<Evidence>,
}

const fn default_true() -> bool {
    true
}

/// The four kinds of question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum QuestionType {
    YesNo,
    SingleChoice,
    MultipleChoice,
    Number,
}

/// One option of a choice question: `{ id: left, label: Left }`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChoiceOption {
    #[schemars(with = "String")]
    pub id: Id,
    pub label: String,
}

/// A selection criterion.
///
/// ```yaml
/// criteria:
///   - id: provocation_cluster
///     kind: indication          # red_flag | exclusion | indication
///     label: At least 3 of 6 provocation tests positive
///     condition: { at_least: { n: 3, of: [ {yes: distraction}, ... ] } }
///     sources: [nass2015, laslett2005]
///     rationale: The cluster of 3 is more accurate than any single test.
///     if_not_met: Consider another pain generator (lumbar spine, hip).
///     unverified: The 75% threshold was not read in the source.   # optional
/// ```
///
/// A red flag may say how pressing it is: `urgency: urgent` (the default;
/// stop, urgent evaluation) or `urgency: investigate` (stop until a serious
/// cause has been investigated and excluded).
///
/// What "holds" means depends on the kind: a red flag that holds is present
/// (stop and refer urgently), an exclusion that holds rules the patient out,
/// and an indication that holds is met.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    #[schemars(with = "String")]
    pub id: Id,
    pub kind: CriterionKind,
    pub label: String,
    pub condition: Condition,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub sources: Vec<Id>,
    #[serde(default)]
    pub rationale: String,
    #[serde(default)]
    pub if_not_met: String,
    #[serde(default)]
    pub evidence: Vec<Evidence>,
    /// Red flags only: how pressing the flag is when present.
    #[serde(default)]
    #[schemars(with = "Option<Urgency>")]
    pub urgency: Option<Spanned<Urgency>>,
    /// Why this criterion could not be checked against its source. Every
    /// output marks the criterion UNVERIFIED and gives this reason.
    #[serde(default)]
    pub unverified: Option<String>,
}

/// A condition over answers, true, false or unknown (see [`crate::engine::Tri`]).
///
/// Written as a one-key mapping; the key names the construct:
///
/// ```yaml
/// all: [ {yes: a}, {yes: b} ]          # every one holds (Kleene AND)
/// any: [ {yes: a}, {yes: b} ]          # at least one holds (Kleene OR)
/// not: { yes: a }                      # negation; unknown stays unknown
/// at_least: { n: 3, of: [ ... ] }      # n or more hold, unknowns counted
/// at_least: { n: 3, of: [ ... ], skipped: not_met }  # skipped items count as not met
/// yes: distraction_test                # a yes/no question answered yes
/// no: distraction_test                 # a yes/no question answered no
/// known: block_relief_percent          # answered with anything but unknown
/// equals: { question: pain_side, option: left }          # single choice
/// includes: { question: conservative_care, option: pt }  # multiple choice
/// compare: { question: block_relief_percent, op: ">=", value: 75 }  # number
/// count: { question: conservative_care, op: ">=", value: 2 }  # options chosen
/// criterion: provocation_cluster       # the value of another criterion
/// ```
///
/// A question that is unanswered, answered "unknown", or skipped by its
/// `ask_when` makes the leaves that read it unknown (`known` is the one leaf
/// that is never unknown).
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Condition {
    All(#[schemars(with = "Vec<Condition>")] Spanned<Vec<Condition>>),
    Any(#[schemars(with = "Vec<Condition>")] Spanned<Vec<Condition>>),
    Not(Box<Condition>),
    AtLeast(AtLeast),
    Yes(#[schemars(with = "String")] Id),
    No(#[schemars(with = "String")] Id),
    Known(#[schemars(with = "String")] Id),
    Equals(OptionRef),
    Includes(OptionRef),
    Compare(Comparison),
    Count(Comparison),
    Criterion(#[schemars(with = "String")] Id),
}

/// `at_least: { n: 3, of: [ ... ], skipped: not_met }`
///
/// With `skipped: not_met`, an item whose question skip logic has decided
/// not to ask counts as not met instead of unknown (each item must then test
/// one question). While the skip logic is undecided the item stays unknown.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AtLeast {
    #[schemars(with = "u32")]
    pub n: Spanned<u32>,
    #[schemars(with = "Vec<Condition>")]
    pub of: Spanned<Vec<Condition>>,
    #[serde(default)]
    #[schemars(with = "Option<Skipped>")]
    pub skipped: Option<Spanned<Skipped>>,
}

/// `{ question: pain_side, option: left }`
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OptionRef {
    #[schemars(with = "String")]
    pub question: Id,
    #[schemars(with = "String")]
    pub option: Id,
}

/// `{ question: block_relief_percent, op: ">=", value: 75 }`
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Comparison {
    #[schemars(with = "String")]
    pub question: Id,
    pub op: CmpOp,
    #[schemars(with = "f64")]
    pub value: Spanned<f64>,
}
