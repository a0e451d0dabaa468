//! Small closed vocabularies the file format and the engine share: the role
//! of a criterion, a comparison operator, and how far a rule set is reviewed.

use serde::Deserialize;

/// How far a rule set may be trusted.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ReviewStatus {
    /// Work in progress: not checked against its sources.
    Draft,
    /// Checked against its sources for teaching; not clinically reviewed.
    Educational,
    /// Reviewed by a clinician against its sources.
    Reviewed,
}

impl ReviewStatus {
    pub const fn as_str(self) -> &'static str {
        match self {
            ReviewStatus::Draft => "draft",
            ReviewStatus::Educational => "educational",
            ReviewStatus::Reviewed => "reviewed",
        }
    }
}

/// The role a criterion plays in the outcome.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum CriterionKind {
    /// Holds when something serious may be going on: stop, evaluate urgently.
    RedFlag,
    /// Holds when the patient is not a candidate whatever else is true.
    Exclusion,
    /// Must hold for the patient to be a candidate.
    Indication,
}

impl CriterionKind {
    /// The kind in words for tables: "red flag", "exclusion", "indication".
    pub const fn label(self) -> &'static str {
        match self {
            CriterionKind::RedFlag => "red flag",
            CriterionKind::Exclusion => "exclusion",
            CriterionKind::Indication => "indication",
        }
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            CriterionKind::RedFlag => "red_flag",
            CriterionKind::Exclusion => "exclusion",
            CriterionKind::Indication => "indication",
        }
    }
}

/// A numeric comparison operator, written as in most languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
pub enum CmpOp {
    #[serde(rename = ">=")]
    Ge,
    #[serde(rename = ">")]
    Gt,
    #[serde(rename = "<=")]
    Le,
    #[serde(rename = "<")]
    Lt,
    #[serde(rename = "==")]
    Eq,
    #[serde(rename = "!=")]
    Ne,
}

impl CmpOp {
    pub fn apply(self, left: f64, right: f64) -> bool {
        match self {
            CmpOp::Ge => left >= right,
            CmpOp::Gt => left > right,
            CmpOp::Le => left <= right,
            CmpOp::Lt => left < right,
            CmpOp::Eq => left == right,
            CmpOp::Ne => left != right,
        }
    }

    pub const fn symbol(self) -> &'static str {
        match self {
            CmpOp::Ge => ">=",
            CmpOp::Gt => ">",
            CmpOp::Le => "<=",
            CmpOp::Lt => "<",
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
        }
    }
}

/// What a red flag asks of the clinician when it is present. The sources
/// mix signs that need action now (cauda equina, a progressive deficit) with
/// risk factors that call for a serious cause to be investigated and
/// excluded first (a history of cancer, immunosuppression, trauma); the
/// outcome is worded by the most pressing one present.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, serde::Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    /// Stop now: urgent (same-day) medical evaluation.
    #[default]
    Urgent,
    /// Stop until a serious cause has been investigated and excluded.
    Investigate,
}

impl Urgency {
    pub const fn as_str(self) -> &'static str {
        match self {
            Urgency::Urgent => "urgent",
            Urgency::Investigate => "investigate",
        }
    }
}

/// How `at_least` counts an item whose question skip logic has decided not
/// to ask.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, serde::Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Skipped {
    /// As unknown, like any unanswered question (the default).
    #[default]
    Unknown,
    /// As not met: a test that is not done is not positive, so "3 positive
    /// among the tests that can be done" can be decided.
    NotMet,
}
