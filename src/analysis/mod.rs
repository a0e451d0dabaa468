//! Analysis of compiled rule sets and evaluated cases: conditions in words,
//! why a criterion came out as it did, what changed under other answers,
//! which single answers would change the outcome, how rule sets compare, and
//! whether a rule set's vignettes pass.
//!
//! Everything here returns typed values; [`crate::report`] renders them.

pub mod compare;
pub mod describe;
pub mod number_range;
pub mod shortfall;
pub mod vignettes;
pub mod what_if;
pub mod what_would_change;
pub mod why;
