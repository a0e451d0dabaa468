//! sij-screen: screen candidacy for sacroiliac joint fusion against a YAML
//! rule set of published selection criteria.
//!
//! Stages, each its own module: [`model`] (the file format) is read by
//! [`load`], checked and compiled by [`validate`] into a [`ruleset::RuleSet`],
//! evaluated by [`evaluate`] against [`answers`], and shown by [`report`]. The
//! interactive [`walk`] and the command line ([`cli`], [`app`]) sit on top.
//! The engine knows nothing clinical: all of that lives in `rules/*.yaml`.

pub mod answers;
pub mod app;
pub mod batch;
pub mod catalog;
pub mod cli;
pub mod compare;
pub mod describe;
pub mod diagnostic;
pub mod error;
pub mod evaluate;
pub mod explain;
pub mod fhir;
pub mod graph;
pub mod interrupt;
pub mod load;
pub mod logic;
pub mod model;
pub mod output;
pub mod report;
pub mod ruleset;
pub mod schema;
pub mod testcmd;
pub mod validate;
pub mod vignette;
pub mod walk;
