//! Vignettes: teaching cases that test a rule set, as CQL's testing framework
//! tests measures. Each case gives answers and what the rule set must make of
//! them; `sij-screen test` runs every case (see `crate::analysis::vignettes`) and reports coverage: which
//! criteria no case makes true, false or unknown.
//!
//! ```yaml
//! rule_set: nass-2015
//! cases:
//!   - id: meets-all
//!     description: Every criterion met, at the borderline values.
//!     answers: { saddle_anaesthesia: no, block_count: 2, ... }
//!     expect:
//!       outcome: met
//!       criteria: { diagnostic_blocks: true, provocation_cluster: true }
//!   - id: second-block-74
//!     extends: meets-all                 # start from another case's answers
//!     answers: { second_block_relief_percent: 74 }   # `~` removes an answer
//!     expect: { outcome: not_met, criteria: { diagnostic_blocks: false } }
//! ```
//!
//! `criteria` values are `true`, `false` or `~` (null: unknown); criteria not
//! listed are not checked.

use serde::Deserialize;
use serde_saphyr::Spanned;

use super::answers::Entries;
use crate::engine::Outcome;

/// A vignette file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VignetteDoc {
    pub rule_set: Spanned<String>,
    pub cases: Vec<CaseDoc>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseDoc {
    pub id: Spanned<String>,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub extends: Option<Spanned<String>>,
    #[serde(default)]
    pub answers: Entries,
    pub expect: ExpectDoc,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectDoc {
    pub outcome: Spanned<Outcome>,
    #[serde(default)]
    pub criteria: Entries,
}
