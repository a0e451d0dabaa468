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

/// An id as the compiler accepts it (`compile::valid_id`), for schemas.
pub const ID_PATTERN: &str = "^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$";

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
    /// The rule set's id: letters, digits, '_', '-' or '.'. Also its bundled
    /// file name.
    #[schemars(with = "String")]
    pub id: Id,
    /// The rule set's name, shown at the top of every summary.
    pub title: String,
    /// The rule set's version, written in quotes ("2.0.0"). Saved answers
    /// record it.
    #[schemars(with = "String")]
    pub version: Spanned<String>,
    /// Who checked the rule set against its sources, and when.
    pub review: Review,
    /// What the rule set encodes, in a few sentences.
    #[serde(default)]
    pub description: String,
    /// Shown under every summary, after the tool's own not-medical-advice
    /// notice.
    pub disclaimer: String,
    /// The documents the rule set cites; criteria and questions refer to them
    /// by id.
    #[serde(default)]
    pub sources: Vec<Source>,
    /// A bundled question bank's id, or a path relative to this file, whose
    /// questions sections may take.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub question_bank: Option<Id>,
    /// The questions, in the order they are asked, grouped in sections.
    pub sections: Vec<Section>,
    /// The selection criteria: red flags, exclusions and indications.
    pub criteria: Vec<Criterion>,
    /// Question ids an earlier version asked and this one does not: saved
    /// answers to them still load, with a note.
    // Question ids an earlier version asked and this one no longer does.
    // Answers files that still answer them load, with a note that the
    // answer is not used (question ids are a public contract).
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
    /// The retired question's id.
    #[schemars(with = "String")]
    pub id: Id,
    /// Why it is no longer asked, and since which version.
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
    /// The bank's id, which rule sets name in question_bank.
    #[schemars(with = "String")]
    pub bank: Id,
    /// The bank's name, for people reading it.
    // For people reading the bank; nothing prints it.
    #[allow(dead_code)]
    pub title: String,
    /// The documents the bank's questions cite; questions refer to them by id.
    #[serde(default)]
    pub sources: Vec<Source>,
    /// The bank's questions, in sections that rule sets take whole (from) or
    /// pick from (include).
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
    /// draft (not checked), educational (checked against its sources, not
    /// clinically reviewed) or reviewed (by a clinician).
    pub status: ReviewStatus,
    /// When it was last checked: YYYY-MM-DD.
    #[schemars(with = "String")]
    pub date: Spanned<String>,
    /// What was checked against which document, what could not be verified, and
    /// what is not encoded.
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
    /// The id criteria and questions cite the source by.
    #[schemars(with = "String")]
    pub id: Id,
    /// The reference as it should appear in a reference list.
    pub citation: String,
    /// Where the source can be read.
    #[serde(default)]
    pub url: Option<String>,
    /// What of this source was read and checked, and what was not.
    // What of this source was checked, and what was not.
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
    /// Take a whole section of the question bank (its id, title and questions).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub from: Option<Id>,
    /// The section's id (not needed with from).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub id: Option<Id>,
    /// The section's heading in the walk and the summaries.
    #[serde(default)]
    pub title: Option<String>,
    /// Shown at the start of the section.
    #[serde(default)]
    pub description: Option<String>,
    /// Question ids to take from the question bank, in this order.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub include: Vec<Id>,
    /// This rule set's own questions in the section.
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
    /// The figure in words, e.g. "sensitivity 94%, specificity 78%".
    pub text: String,
    /// The id of the source the figure comes from.
    #[schemars(with = "String")]
    pub source: Id,
    /// Criterion evidence only: show the figure only for cases where this
    /// condition holds.
    // Criterion evidence only: show the figure only for cases where this
    // condition holds (for example, a figure measured for "2 of 4 tests
    // positive" next to a case with 2 of those 4 positive).
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
    /// The question's id: the key of its answer in answers files, CSV headers
    /// and JSON Lines. Never rename it once published.
    #[schemars(with = "String")]
    pub id: Id,
    /// The question as asked.
    pub text: String,
    /// A few words for summaries and the review list; by default the text up to
    /// its first parenthesis.
    // A few words for summaries ("Saddle anaesthesia"); by default the
    // text up to its first parenthesis, without the question mark.
    #[serde(default)]
    pub short: Option<String>,
    /// yes_no, single_choice, multiple_choice or number.
    #[serde(rename = "type")]
    #[schemars(with = "QuestionType")]
    pub kind: Spanned<QuestionType>,
    /// The choices of a single or multiple choice question (2 to 64).
    #[serde(default)]
    #[schemars(with = "Option<Vec<ChoiceOption>>")]
    pub options: Option<Spanned<Vec<ChoiceOption>>>,
    /// Number questions: the smallest accepted answer.
    #[serde(default)]
    #[schemars(with = "Option<f64>")]
    pub min: Option<Spanned<f64>>,
    /// Number questions: the largest accepted answer.
    #[serde(default)]
    #[schemars(with = "Option<f64>")]
    pub max: Option<Spanned<f64>>,
    /// Number questions: the unit shown with answers: percent, months, years,
    /// ng/mL, mm, 0-10...
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub unit: Option<Spanned<String>>,
    /// Number questions: accept whole numbers only.
    #[serde(default)]
    #[schemars(with = "Option<bool>")]
    pub integer: Option<Spanned<bool>>,
    /// Shown when the clinician asks for help (? in the walk).
    #[serde(default)]
    pub help: String,
    /// Why the question is asked; shown in teaching mode.
    #[serde(default)]
    pub rationale: String,
    /// Ids of the sources behind the question.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub sources: Vec<Id>,
    /// Whether "unknown / not assessed" is accepted (default true).
    #[serde(default = "default_true")]
    pub allow_unknown: bool,
    /// Skip logic: ask the question only when this condition holds. It may look
    /// only at earlier questions.
    #[serde(default)]
    pub ask_when: Option<Condition>,
    /// Teaching figures shown with the question.
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
    /// The option's id: how answers files and CSV cells write this choice.
    #[schemars(with = "String")]
    pub id: Id,
    /// The option as shown to the clinician.
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
    /// The criterion's id, shown in batch output columns and JSON.
    #[schemars(with = "String")]
    pub id: Id,
    /// red_flag (present: stop), exclusion (applies: excluded) or indication
    /// (must be met).
    pub kind: CriterionKind,
    /// The criterion in words, as summaries show it.
    pub label: String,
    /// When the criterion holds: true, false or unknown, from the answers.
    pub condition: Condition,
    /// Ids of the sources the criterion encodes.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub sources: Vec<Id>,
    /// Why the criterion exists, ideally quoting its source.
    #[serde(default)]
    pub rationale: String,
    /// What it means when the criterion counts against the patient.
    #[serde(default)]
    pub if_not_met: String,
    /// Teaching figures; each may say when it applies.
    #[serde(default)]
    pub evidence: Vec<Evidence>,
    /// Red flags only: urgent (stop for urgent evaluation; the default) or
    /// investigate (stop until a serious cause is investigated and excluded).
    // Red flags only: how pressing the flag is when present.
    #[serde(default)]
    #[schemars(with = "Option<Urgency>")]
    pub urgency: Option<Spanned<Urgency>>,
    /// Why the criterion could not be checked against its source; every output
    /// then marks it UNVERIFIED.
    // Why this criterion could not be checked against its source. Every
    // output marks the criterion UNVERIFIED and gives this reason.
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
    /// Every condition in the list holds (false wins over unknown).
    All(#[schemars(with = "Vec<Condition>")] Spanned<Vec<Condition>>),
    /// At least one condition in the list holds (true wins over unknown).
    Any(#[schemars(with = "Vec<Condition>")] Spanned<Vec<Condition>>),
    /// The condition does not hold; unknown stays unknown.
    Not(Box<Condition>),
    /// At least n of the conditions hold, counting unknowns: { n: 3, of: [...]
    /// }.
    AtLeast(AtLeast),
    /// The id of a yes/no question answered yes.
    Yes(#[schemars(with = "String")] Id),
    /// The id of a yes/no question answered no.
    No(#[schemars(with = "String")] Id),
    /// The id of a question answered with anything but unknown (never unknown
    /// itself).
    Known(#[schemars(with = "String")] Id),
    /// A single choice question has this option: { question, option }.
    Equals(OptionRef),
    /// A multiple choice question has this option ticked: { question, option }.
    Includes(OptionRef),
    /// A number question compared with a value: { question, op, value }.
    Compare(Comparison),
    /// How many options of a multiple choice question are ticked: { question,
    /// op, value }.
    Count(Comparison),
    /// The id of another criterion: its value.
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
    /// How many of the conditions must hold (at least 1).
    #[schemars(with = "u32")]
    pub n: Spanned<u32>,
    /// The conditions counted.
    #[schemars(with = "Vec<Condition>")]
    pub of: Spanned<Vec<Condition>>,
    /// not_met: an item whose question skip logic did not ask counts as not met
    /// (a test not done is not positive); unknown (default): it counts as
    /// unknown.
    #[serde(default)]
    #[schemars(with = "Option<Skipped>")]
    pub skipped: Option<Spanned<Skipped>>,
}

/// `{ question: pain_side, option: left }`
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OptionRef {
    /// The id of a single choice (equals) or multiple choice (includes)
    /// question.
    #[schemars(with = "String")]
    pub question: Id,
    /// The id of one of its options.
    #[schemars(with = "String")]
    pub option: Id,
}

/// `{ question: block_relief_percent, op: ">=", value: 75 }`
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Comparison {
    /// The id of a number question (compare) or multiple choice question
    /// (count).
    #[schemars(with = "String")]
    pub question: Id,
    /// The comparison: >=, >, <=, <, == or !=.
    pub op: CmpOp,
    /// The number compared with (within the question's range).
    #[schemars(with = "f64")]
    pub value: Spanned<f64>,
}
