//! CSV input: a header row of question ids, one case per row. Parsing runs
//! on a second thread, in chunks that are recycled, so memory stays flat.

use std::io::Read;
use std::sync::mpsc::{Receiver, Sender};

use super::DEFAULT_ID_COLUMNS;
use super::limits::RecordLimit;
use super::rows::Recorder;
use crate::cli::exit::AppError;
use crate::cli::output;
use crate::cli::request::BatchRequest;
use crate::diagnostics::{Diagnostic, Diagnostics, FileId, Span, inert, suggest};
use crate::engine::{Answer, RuleSet, parse_text};
use crate::files::InputError;

pub(super) fn run(
    rec: &mut Recorder<'_>,
    args: &BatchRequest,
    shown: &str,
    reader: impl Read + Send,
) -> Result<(), AppError> {
    let rs = rec.rs;
    // Records end at `\n` only: with the default (`\r`, `\n` or `\r\n`)
    // the reader counts a CRLF file's lines one short. A `\r` left at the
    // end of a row's last cell is trimmed like any other space.
    let mut csv = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(true)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_reader(RecordLimit::new(reader));
    let invalid = |line: u64, col: u64, msg: String| {
        AppError::Invalid(Diagnostics::for_file(
            shown,
            vec![Diagnostic::error(Span::at(FileId::MAIN, line, col), msg)],
        ))
    };
    let headers = csv
        .headers()
        .map_err(|e| invalid(1, 1, format!("cannot read the header row: {e}")))?
        .clone();
    if headers.is_empty() || headers.iter().all(|h| h.trim().is_empty()) {
        return Err(invalid(
            1,
            1,
            "the file is empty: expected a header row of question ids".into(),
        ));
    }
    // Map columns to questions, and find the case-id column.
    let mut columns: Vec<Option<usize>> = Vec::with_capacity(headers.len());
    let mut taken = vec![false; rs.questions.len()];
    let mut id_col = None;
    let mut unknown = Vec::new();
    for (i, h) in headers.iter().enumerate() {
        let h = h.trim();
        let is_id = match &args.id_column {
            Some(name) => h == name,
            None => DEFAULT_ID_COLUMNS.contains(&h) && rs.question_idx(h).is_none(),
        };
        if is_id && id_col.is_none() {
            id_col = Some(i);
            columns.push(None);
        } else if let Some(qi) = rs.question_idx(h) {
            if std::mem::replace(&mut taken[qi], true) {
                return Err(invalid(
                    1,
                    i as u64 + 1,
                    format!("column '{h}' appears twice"),
                ));
            }
            columns.push(Some(qi));
        } else if let Some(why) = rs.retired(h) {
            output::eprintln(&format!(
                "{shown}: note: column '{}' is no longer asked by {} {}, so it is not used: {why}",
                inert(h),
                rs.meta.id,
                rs.meta.version
            ));
            columns.push(None);
        } else {
            let hint = suggest::did_you_mean(h, rs.questions.iter().map(|q| q.id.as_str()));
            unknown.push(format!("'{}'{hint}", inert(h)));
            columns.push(None);
        }
    }
    if let Some(name) = &args.id_column
        && id_col.is_none()
    {
        return Err(invalid(
            1,
            1,
            format!("no column '{}' for --id-column", inert(name)),
        ));
    }
    if !unknown.is_empty() {
        return Err(invalid(
            1,
            1,
            format!(
                "rule set '{}' has no question for column(s) {}",
                rs.meta.id,
                unknown.join(", ")
            ),
        ));
    }

    rec.header(id_col.is_some())?;
    let nq = rs.questions.len();

    // Two stages on two threads: this one evaluates and writes while the
    // reader parses the next chunk. Chunks go back to the reader for reuse,
    // and at most CHUNKS_IN_FLIGHT exist, so memory stays flat.
    let (full_tx, full_rx) =
        std::sync::mpsc::sync_channel::<Result<Chunk, ReadFailure>>(CHUNKS_IN_FLIGHT);
    let (empty_tx, empty_rx) = std::sync::mpsc::channel::<Chunk>();
    std::thread::scope(|scope| {
        scope.spawn(move || {
            let mut record = csv::StringRecord::new();
            let mut made = 0;
            loop {
                let mut chunk = match empty_rx.try_recv() {
                    Ok(c) => c,
                    Err(_) if made < CHUNKS_IN_FLIGHT + 1 => {
                        made += 1;
                        Chunk::new(nq)
                    }
                    Err(_) => match empty_rx.recv() {
                        Ok(c) => c,
                        Err(_) => return, // the writer stopped
                    },
                };
                chunk.clear();
                let filled = fill_chunk(rs, &mut csv, &mut record, &columns, id_col, &mut chunk);
                let (message, done) = match filled {
                    Ok(more) => (Ok(chunk), !more),
                    Err(e) => (Err(e), true),
                };
                if full_tx.send(message).is_err() || done {
                    return;
                }
            }
        });
        // The writer owns its ends of both channels, so any early return
        // (a closed pipe, a full disk, --strict) drops them and releases the
        // reader, which then ends too: no deadlock.
        consume(rec, full_rx, empty_tx, nq, shown)
    })
}

/// Screens and writes every chunk the reader sends, handing chunks back for
/// reuse.
fn consume(
    rec: &mut Recorder<'_>,
    full: Receiver<Result<Chunk, ReadFailure>>,
    empty: Sender<Chunk>,
    nq: usize,
    shown: &str,
) -> Result<(), AppError> {
    for msg in full {
        let chunk = msg.map_err(|e| e.into_error(shown))?;
        for r in 0..chunk.len() {
            let (line, id) = (chunk.lines[r], chunk.id(r));
            match chunk.error(r) {
                Some(msg) => rec.bad(id, line, msg)?,
                None => {
                    rec.buf
                        .answers
                        .copy_from_slice(&chunk.answers[r * nq..(r + 1) * nq]);
                    rec.screened(id, line)?;
                }
            }
        }
        let _ = empty.send(chunk);
    }
    Ok(())
}

/// Input that could not be read at all: it ends the run (exit 2), because
/// what follows cannot be trusted to line up.
#[derive(Debug)]
struct ReadFailure {
    line: u64,
    error: std::io::Error,
}

impl ReadFailure {
    fn into_error(self, shown: &str) -> AppError {
        let limit = self
            .error
            .get_ref()
            .and_then(|e| e.downcast_ref::<super::limits::TooLong>())
            .map(ToString::to_string);
        match limit {
            Some(msg) => AppError::Usage(format!(
                "{shown}: {msg}; nothing after it was read (is this really a CSV file?)"
            )),
            None => AppError::Input(InputError::Io {
                path: format!("{shown}:{}", self.line),
                source: self.error,
            }),
        }
    }
}

/// Chunks of parsed rows in flight between the reader and the writer.
const CHUNKS_IN_FLIGHT: usize = 4;

/// Rows per chunk: large enough to amortise the hand-over, small enough to
/// keep memory trivial.
const CHUNK_ROWS: usize = 2048;

/// Parsed rows: answers row by row, line numbers, ids and bad-row messages,
/// in flat buffers that are reused.
struct Chunk {
    nq: usize,
    answers: Vec<Answer>,
    lines: Vec<u64>,
    ids: String,
    /// Each row's id as a range of `ids`; `None` when the row has no id.
    id_ranges: Vec<Option<(usize, usize)>>,
    /// Each row's problem, if it is a bad row (`None` costs no allocation).
    errors: Vec<Option<String>>,
}

impl Chunk {
    fn new(nq: usize) -> Self {
        Chunk {
            nq,
            answers: Vec::with_capacity(nq * CHUNK_ROWS),
            lines: Vec::with_capacity(CHUNK_ROWS),
            ids: String::new(),
            id_ranges: Vec::with_capacity(CHUNK_ROWS),
            errors: Vec::with_capacity(CHUNK_ROWS),
        }
    }

    fn clear(&mut self) {
        self.answers.clear();
        self.lines.clear();
        self.ids.clear();
        self.id_ranges.clear();
        self.errors.clear();
    }

    fn len(&self) -> usize {
        self.lines.len()
    }

    fn id(&self, r: usize) -> Option<&str> {
        self.id_ranges[r].map(|(start, end)| &self.ids[start..end])
    }

    fn error(&self, r: usize) -> Option<&str> {
        self.errors[r].as_deref()
    }

    fn set_error(&mut self, r: usize, msg: String) {
        self.errors[r] = Some(msg);
    }

    fn push_row(&mut self, line: u64, id: Option<&str>) -> usize {
        self.lines.push(line);
        self.answers
            .resize(self.answers.len() + self.nq, Answer::Unanswered);
        self.id_ranges.push(id.map(|id| {
            let start = self.ids.len();
            self.ids.push_str(id);
            (start, self.ids.len())
        }));
        self.errors.push(None);
        self.lines.len() - 1
    }
}

/// Reads and parses up to `CHUNK_ROWS` rows; false at the end of the input.
/// Rows that cannot be screened are marked in the chunk; input that cannot
/// be read at all is an error.
fn fill_chunk(
    rs: &RuleSet,
    csv: &mut csv::Reader<impl Read>,
    record: &mut csv::StringRecord,
    columns: &[Option<usize>],
    id_col: Option<usize>,
    chunk: &mut Chunk,
) -> Result<bool, ReadFailure> {
    let nq = rs.questions.len();
    while chunk.len() < CHUNK_ROWS {
        let line = csv.position().line();
        match csv.read_record(record) {
            Ok(false) => return Ok(false),
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(line, |p| p.line());
                let msg = match e.into_kind() {
                    csv::ErrorKind::Io(error) => return Err(ReadFailure { line, error }),
                    csv::ErrorKind::Utf8 { .. } => "not valid UTF-8 text".to_string(),
                    other => format!("{other:?}"),
                };
                let r = chunk.push_row(line, None);
                chunk.set_error(r, msg);
                continue;
            }
        }
        let line = record.position().map_or(line, |p| p.line());
        let r = chunk.push_row(
            line,
            id_col.and_then(|i| record.get(i)).map(str::trim_ascii),
        );
        if record.len() != columns.len() {
            chunk.set_error(
                r,
                format!(
                    "{} fields, but the header has {}",
                    record.len(),
                    columns.len()
                ),
            );
            continue;
        }
        let row = &mut chunk.answers[r * nq..(r + 1) * nq];
        for (cell, col) in record.iter().zip(columns) {
            let Some(qi) = *col else { continue };
            match parse_text(&rs.questions[qi], cell) {
                Ok(a) => row[qi] = a,
                Err(msg) => {
                    chunk.set_error(r, format!("{}: {msg}", rs.questions[qi].id));
                    break;
                }
            }
        }
    }
    Ok(true)
}
