//! Files as written: reading them safely, parsing YAML under budgets, and
//! the document types of rule sets, question banks, answers files and
//! vignette files.
//!
//! These types mirror the files one to one and keep the place of every id
//! (`Spanned`), so later stages can point at the exact line. They are
//! checked and compiled by [`crate::compile`]; answers files are bound to a
//! compiled rule set here, because binding is only checking each value with
//! the engine's one answer parser.

pub mod answers;
pub mod fhir_response;
pub mod read;
pub mod rule_set;
pub mod vignettes;
pub mod yaml;

pub use read::{InputError, read_text};
