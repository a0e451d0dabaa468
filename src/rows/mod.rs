//! Reading cases from row files: CSV, JSON Lines, NDJSON of FHIR
//! QuestionnaireResponses and Bundles of them.
//!
//! A reader turns one block of whole records (cut by [`split`]) into cases,
//! one at a time: it reads a case's answers into the buffer its
//! [`RowSink`] lends it, then hands the case over (or says why the row
//! could not be read, as a typed [`RowError`]). What happens to a case
//! (screening, counting, writing) is the `batch` layer's business; this
//! layer knows only the formats, so the fuzzers and tests drive it without
//! a pipeline, and a second consumer (a validator, a converter) could use
//! it as it is.

pub mod bundle;
pub mod csv;
pub mod jsonl;
pub mod limits;
pub mod split;

use std::io::{self, BufRead};
use std::path::Path;

use crate::diagnostics::inert;
use crate::engine::{Answer, AnswerError, BadAnswer};

/// Column or field names taken as the case id when none is named.
pub const DEFAULT_ID_COLUMNS: [&str; 2] = ["case_id", "id"];

/// The row formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    Csv,
    Jsonl,
}

impl Input {
    /// Decides the format from the file name, or from the first byte.
    pub fn sniff(path: &Path, reader: &mut impl BufRead) -> io::Result<Input> {
        match path.extension().and_then(|e| e.to_str()) {
            Some("csv") => return Ok(Input::Csv),
            Some("jsonl" | "ndjson") => return Ok(Input::Jsonl),
            _ => {}
        }
        let buf = reader.fill_buf()?;
        Ok(match buf.iter().find(|b| !b.is_ascii_whitespace()) {
            Some(b'{') => Input::Jsonl,
            _ => Input::Csv,
        })
    }
}

/// Where a reader puts the cases it reads.
///
/// The reader writes a case's answers into [`Self::answers`] (every slot
/// it does not set must be [`Answer::Unanswered`]), then calls
/// [`Self::case`]; or it calls [`Self::bad`]. A `Stop` ends the block.
pub trait RowSink {
    type Stop;
    /// The answers buffer for the next case: one slot per question.
    fn answers(&mut self) -> &mut [Answer];
    /// The case now in [`Self::answers`], with its id and line.
    fn case(&mut self, id: Option<&str>, line: u64) -> Result<(), Self::Stop>;
    /// A row that could not be read.
    fn bad(&mut self, id: Option<&str>, line: u64, error: RowError) -> Result<(), Self::Stop>;
}

/// Reads blocks of whole records of one format into cases. One per worker
/// thread, so it may remember what it has seen (a column's choices).
pub trait BlockReader: Send {
    fn read_block<S: RowSink>(
        &mut self,
        sink: &mut S,
        bytes: &[u8],
        first_line: u64,
    ) -> Result<(), S::Stop>;
}

/// Why one row could not be read. The words are the ones the output's
/// `error` column and the bad-row lines show.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RowError {
    #[error("not valid UTF-8 text")]
    NotUtf8,
    /// A CSV record the csv crate could not read.
    #[error("not a CSV record: {0}")]
    Csv(String),
    #[error("{found} fields, but the header has {expected}")]
    FieldCount { found: usize, expected: usize },
    #[error(transparent)]
    Answer(#[from] BadAnswer),
    /// A JSON key that is not a question of the rule set.
    #[error("no question '{}'{hint}", inert(.key))]
    NoQuestion { key: String, hint: String },
    /// The case-id key given twice.
    #[error("the key '{}' appears twice", inert(.0))]
    RepeatedId(String),
    /// A question answered twice on one line.
    #[error("the key '{0}' appears twice (a second answer would silently replace the first)")]
    RepeatedKey(String),
    #[error("expected a JSON object of question ids and answers")]
    NotAnObject,
    /// A line that is not JSON (serde_json's words, with the column).
    #[error("not a JSON object: {0}")]
    Json(String),
    /// A FHIR QuestionnaireResponse that does not read as answers, in the
    /// words of the answers reader (`files::fhir_response`, then the
    /// answers-file checks it goes through).
    #[error("{0}")]
    Response(String),
}

impl RowError {
    /// What kind of problem this is, in a few words, for counting bad rows
    /// by kind.
    pub fn kind(&self) -> &'static str {
        match self {
            RowError::NotUtf8 => "not UTF-8",
            RowError::Csv(_) => "not a CSV record",
            RowError::FieldCount { .. } => "wrong number of fields",
            RowError::Answer(a) => a.error.kind(),
            RowError::NoQuestion { .. } => "no such question",
            RowError::RepeatedId(_) | RowError::RepeatedKey(_) => "repeated key",
            RowError::NotAnObject | RowError::Json(_) => "not a JSON object",
            RowError::Response(_) => "FHIR response",
        }
    }

    /// An answer that does not fit question `id`.
    pub fn answer(id: &str, error: AnswerError) -> Self {
        RowError::Answer(error.for_question(id))
    }
}

/// A sink that keeps what it is given, for tests that compare readers.
#[cfg(test)]
pub mod collect {
    use super::{RowError, RowSink};
    use crate::engine::Answer;

    /// One row as read: line, id, and the answers or the error.
    pub type Row = (u64, Option<String>, Result<Vec<Answer>, String>);

    #[derive(Debug)]
    pub struct Collect {
        pub buf: Vec<Answer>,
        pub rows: Vec<Row>,
    }

    impl Collect {
        pub fn new(questions: usize) -> Self {
            Collect {
                buf: vec![Answer::Unanswered; questions],
                rows: Vec::new(),
            }
        }
    }

    impl RowSink for Collect {
        type Stop = std::convert::Infallible;
        fn answers(&mut self) -> &mut [Answer] {
            &mut self.buf
        }
        fn case(&mut self, id: Option<&str>, line: u64) -> Result<(), Self::Stop> {
            let answers = self.buf.clone();
            self.rows.push((line, id.map(String::from), Ok(answers)));
            Ok(())
        }
        fn bad(&mut self, id: Option<&str>, line: u64, e: RowError) -> Result<(), Self::Stop> {
            self.rows
                .push((line, id.map(String::from), Err(e.to_string())));
            Ok(())
        }
    }
}
