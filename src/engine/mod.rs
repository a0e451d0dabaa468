//! The engine: three-valued logic, answers, the compiled rule set and its
//! evaluation.
//!
//! No I/O, no terminal, no command line, and no clinical words: everything a
//! user reads about SI joints comes from the YAML rule sets. Files are read by
//! [`crate::files`] and compiled by [`crate::compile`] into a [`RuleSet`];
//! this layer only evaluates.

pub mod answer;
pub mod answer_error;
mod decide;
pub mod evaluate;
pub mod kinds;
pub mod logic;
pub mod node;
mod program;
pub mod ruleset;

pub use answer::{Answer, RawValue, UNKNOWN_WORD, parse_text, parse_value};
pub use answer_error::{AnswerError, BadAnswer};
pub use evaluate::{Evaluation, Item, Outcome};
pub use kinds::{CmpOp, CriterionKind, ReviewStatus, Skipped, Urgency};
pub use logic::Tri;
pub use node::{Node, NodeId};
pub use ruleset::{QuestionIdx, QuestionKind, RuleSet, fmt_num, whole_number};
