//! Screening many cases: rows in (read by [`crate::rows`]), one result row
//! out per case, in input order, on every core.
//!
//! One row in, one row out, with the same rules and evaluation as the walk.
//! Memory does not grow with the file: blocks of rows travel through a
//! bounded pipeline ([`pipeline`]), and each worker reuses one answers
//! buffer and one result buffer for every row ([`recorder`]). A bad row is
//! counted, told to the caller's [`Events`] and marked in the output, and
//! the run goes on (`strict` stops at it instead). Opening files, the
//! progress bar and where the output goes are the command line's business.

mod error;
mod pipeline;
mod recorder;
mod summary;
mod writer;

use std::io::{self, BufRead, Write};

pub use self::error::BatchError;
use self::pipeline::Worker;
use self::recorder::Screener;
pub use self::summary::summary;
use self::writer::RowWriter;
use crate::diagnostics::inert;
use crate::engine::RuleSet;
use crate::files::InputError;
use crate::rows::bundle::{self, BundleError};
use crate::rows::csv::{CsvRows, Header};
use crate::rows::jsonl::JsonlRows;
use crate::rows::{BlockReader, Input, RowError, split};

/// The result rows' format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    Csv,
    Jsonl,
}

/// How to screen.
#[derive(Debug, Clone)]
pub struct Options {
    pub format: OutputFormat,
    /// Stop at the first bad row (as an error at its line).
    pub strict: bool,
    /// The column or key of the case id (else `case_id` or `id`).
    pub id_column: Option<String>,
    /// Worker threads (at least 1).
    pub threads: usize,
}

/// What the caller hears while a run goes on, in input order.
pub trait Events {
    /// A row that could not be screened (not called under `strict`, where
    /// the first bad row ends the run as [`BatchError::Invalid`]).
    fn bad_row(&mut self, line: u64, error: &RowError);
    /// Something worth knowing that is not a problem (a retired column).
    fn note(&mut self, note: &str);
}

/// Totals for the closing table.
#[derive(Debug, Default)]
pub struct Tally {
    pub cases: u64,
    pub bad: u64,
    pub outcomes: [u64; 5],
    /// Per criterion, how many cases gave each value, indexed by
    /// `Tri as usize`: one increment per criterion and case, where sorting
    /// values into "against the patient" and "unknown" as they came was a
    /// branch per criterion. The summary sorts the totals with
    /// `report::is_adverse`.
    pub criteria: Vec<[u64; 3]>,
    /// Per question, how many cases had a recorded answer that skip logic
    /// set aside.
    pub not_asked: Vec<u64>,
}

impl Tally {
    fn new(rs: &RuleSet) -> Self {
        Tally {
            criteria: vec![[0; 3]; rs.criteria.len()],
            not_asked: vec![0; rs.questions.len()],
            ..Tally::default()
        }
    }

    /// Adds another block's counts.
    fn add(&mut self, other: &Tally) {
        self.cases += other.cases;
        self.bad += other.bad;
        for (a, b) in self.outcomes.iter_mut().zip(other.outcomes) {
            *a += b;
        }
        for (a, b) in self.criteria.iter_mut().zip(&other.criteria) {
            for (a, b) in a.iter_mut().zip(b) {
                *a += b;
            }
        }
        for (a, b) in self.not_asked.iter_mut().zip(&other.not_asked) {
            *a += b;
        }
    }
}

/// Screens every case of `reader` (rows of `input`, named `name` in
/// messages) into `out`, telling `events` of bad rows and notes: the core
/// of `batch`, free of files and terminals, so tests and fuzzers drive it
/// directly. A JSON document over many lines is read as a FHIR Bundle of
/// responses, one case each.
pub fn screen(
    rs: &RuleSet,
    input: Input,
    mut reader: impl BufRead + Send,
    name: &str,
    opts: &Options,
    out: &mut dyn Write,
    events: &mut dyn Events,
) -> Result<Tally, BatchError> {
    let mut tally = Tally::new(rs);
    let threads = opts.threads.max(1);
    let id = opts.id_column.as_deref();
    let read_err = |e| BatchError::Read(InputError::from_io(name, e));
    let sink = pipeline::Sink {
        out: &mut *out,
        tally: &mut tally,
        events,
        name,
        input,
        strict: opts.strict,
    };
    match input {
        Input::Csv => {
            let mut header =
                Header::read(rs, &mut reader, id).map_err(|e| BatchError::header(name, e))?;
            for (column, why) in &header.retired {
                sink.events.note(&format!(
                    "note: column '{}' is no longer asked by {} {}, so it is not used: {why}",
                    inert(column),
                    rs.meta.id,
                    rs.meta.version
                ));
            }
            let with_id = header.id_col.is_some();
            header_row(rs, opts.format, with_id, sink.out)?;
            let feed = pipeline::Feed {
                reader,
                start: std::mem::take(&mut header.rest),
                first_line: header.first_line,
                cut: split::csv_cut,
            };
            let workers = (0..threads)
                .map(|_| screener(rs, opts, with_id, CsvRows::new(rs, &header)))
                .collect();
            pipeline::run(feed, workers, sink)?;
        }
        Input::Jsonl => {
            header_row(rs, opts.format, true, sink.out)?;
            let workers = (0..threads)
                .map(|_| screener(rs, opts, true, JsonlRows::new(rs, id)))
                .collect();
            if bundle::looks_like_document(&mut reader).map_err(read_err)? {
                // A Bundle over many lines: its responses, one line each.
                let (lines, others) = bundle::to_lines(reader).map_err(|error| match error {
                    BundleError::Read(e) => read_err(e),
                    error => BatchError::Bundle {
                        name: inert(name).into_owned(),
                        error,
                    },
                })?;
                if others > 0 {
                    sink.events.note(&format!(
                        "{others} Bundle entr{} not a QuestionnaireResponse, passed over",
                        if others == 1 { "y is" } else { "ies are" }
                    ));
                }
                pipeline::run(feed(io::Cursor::new(lines)), workers, sink)?;
            } else {
                pipeline::run(feed(reader), workers, sink)?;
            }
        }
    }
    out.flush().map_err(BatchError::Write)?;
    Ok(tally)
}

/// JSON Lines from the start.
fn feed<R>(reader: R) -> pipeline::Feed<R> {
    pipeline::Feed {
        reader,
        start: Vec::new(),
        first_line: 1,
        cut: split::jsonl_cut,
    }
}

fn screener<'a, R: BlockReader + 'a>(
    rs: &'a RuleSet,
    opts: &Options,
    with_id: bool,
    reader: R,
) -> Box<dyn Worker + 'a> {
    Box::new(Screener::new(rs, opts.format, opts.strict, with_id, reader))
}

/// Writes the header row (CSV output only).
fn header_row(
    rs: &RuleSet,
    format: OutputFormat,
    with_id: bool,
    out: &mut dyn Write,
) -> Result<(), BatchError> {
    let mut rows = RowWriter::new(format, out);
    rows.header(rs, with_id)
        .and_then(|()| rows.flush())
        .map_err(BatchError::Write)
}
