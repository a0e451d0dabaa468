//! The integration tests: one binary, so the suite links once. Each module
//! is one kind of test of the real program.

mod architecture;
mod authoring;
mod batch_cli;
mod changes;
mod cli;
mod clinic;
mod common;
mod differential;
mod docs;
mod fhir_files;
mod fhir_renderer;
mod fidelity;
mod formats;
mod generate;
mod golden;
mod hostile;
mod print;
mod properties;
mod pty;
mod seams;
mod tooling;
mod trust;
mod walk;
