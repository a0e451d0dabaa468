//! `sij-screen batch`: screen many cases from CSV or JSON Lines, streaming.
//!
//! One row in, one row out, with the same rules and evaluation as the walk.
//! Memory does not grow with the file: one record buffer, one answers buffer
//! and one result buffer are reused for every row. A bad row is reported
//! with its line and reason, counted and marked in the output, and the run
//! goes on (`--strict` stops at it instead).

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, IsTerminal, Read, Write};
use std::path::Path;

use comfy_table::Cell;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::answers::{self, Answer, RawValue};
use crate::catalog;
use crate::cli::{BatchArgs, BatchFormat};
use crate::diagnostic::{Diagnostic, Diagnostics, Pos};
use crate::error::{AppError, Exit, InputError};
use crate::evaluate::Outcome;
use crate::logic::Tri;
use crate::model::CriterionKind;
use crate::output;
use crate::report::text::{Style, table};
use crate::ruleset::RuleSet;

/// Column or field names taken as the case id when `--id-column` is not given.
const DEFAULT_ID_COLUMNS: [&str; 2] = ["case_id", "id"];

/// Bad rows described on standard error before the rest are only counted.
const MAX_REPORTED: usize = 20;

/// Input formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Input {
    Csv,
    Jsonl,
}

/// Totals for the closing table.
#[derive(Debug, Default)]
struct Tally {
    cases: u64,
    bad: u64,
    outcomes: [u64; 5],
    /// Per criterion: (counts against the patient, unknown).
    criteria: Vec<(u64, u64)>,
}

pub fn run(args: &BatchArgs) -> Result<Exit, AppError> {
    crate::interrupt::install();
    crate::interrupt::set_message("no output written");
    let loaded = catalog::load(&args.rules)?;
    let rs = &loaded.rules;
    let shown = args.input.display().to_string();
    let is_stdin = args.input.as_os_str() == "-";

    // Open the input, with a progress bar over its bytes on a terminal.
    let (reader, progress): (Box<dyn Read + Send>, Option<ProgressBar>) = if is_stdin {
        (Box::new(io::stdin()), None)
    } else {
        let meta = std::fs::metadata(&args.input).map_err(|e| InputError::from_io(&shown, e))?;
        if meta.is_dir() {
            return Err(InputError::IsDirectory { path: shown }.into());
        }
        if !meta.is_file() {
            return Err(InputError::NotRegularFile { path: shown }.into());
        }
        let file = File::open(&args.input).map_err(|e| InputError::from_io(&shown, e))?;
        let bar = (io::stderr().is_terminal() && meta.len() > 4 * 1024 * 1024)
            .then(|| progress_bar(meta.len()));
        match &bar {
            Some(b) => (Box::new(b.wrap_read(file)), bar.clone()),
            None => (Box::new(file), None),
        }
    };
    let mut reader = BufReader::with_capacity(256 * 1024, reader);
    let input = match args.input_format {
        Some(BatchFormat::Csv) => Input::Csv,
        Some(BatchFormat::Jsonl) => Input::Jsonl,
        None => sniff(&args.input, &mut reader).map_err(|e| InputError::from_io(&shown, e))?,
    };

    // Write to a temporary file beside the target, renamed at the end, or to stdout.
    let mut sink = Sink::open(args.output.as_deref())?;
    let mut tally = Tally {
        criteria: vec![(0, 0); rs.criteria.len()],
        ..Tally::default()
    };
    let mut reported = 0usize;
    let mut on_bad = |line: u64, msg: &str| -> Result<(), AppError> {
        if args.strict {
            return Err(AppError::Invalid(Diagnostics::new(
                &shown,
                vec![Diagnostic::error(Pos { line, column: 1 }, msg)],
            )));
        }
        if reported < MAX_REPORTED {
            eprintln!("{shown}:{line}: bad row: {msg}");
        } else if reported == MAX_REPORTED {
            eprintln!("{shown}: more bad rows; see the output's error column");
        }
        reported += 1;
        Ok(())
    };
    let mut rec = Recorder {
        rs,
        rows: RowWriter::new(args.format),
        buf: Buffers::new(rs),
        sink: &mut sink,
        tally: &mut tally,
        on_bad: &mut on_bad,
    };
    let result = match input {
        Input::Csv => run_csv(&mut rec, args, &shown, reader),
        Input::Jsonl => run_jsonl(&mut rec, args, &shown, reader),
    };
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    match result {
        Ok(()) => {}
        Err(AppError::Write { source, .. }) if source.kind() == io::ErrorKind::BrokenPipe => {
            return Ok(Exit::Success);
        }
        Err(e) => return Err(e),
    }
    sink.finish(args.output.as_deref())?;
    eprintln!("{}", summary(rs, &tally, output::stderr_style()));
    Ok(if tally.bad > 0 {
        Exit::Problems
    } else {
        Exit::Success
    })
}

fn progress_bar(len: u64) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    if let Ok(style) =
        ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}")
    {
        bar.set_style(style);
    }
    bar
}

/// Decides the input format from the file name, or from the first byte.
fn sniff(path: &Path, reader: &mut impl BufRead) -> io::Result<Input> {
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

/// Where results go: a buffered temporary file (persisted at the end) or stdout.
enum Sink {
    File(BufWriter<tempfile::NamedTempFile>),
    Stdout(BufWriter<io::StdoutLock<'static>>),
}

impl Sink {
    fn open(path: Option<&Path>) -> Result<Self, AppError> {
        let Some(path) = path else {
            return Ok(Sink::Stdout(BufWriter::with_capacity(
                256 * 1024,
                io::stdout().lock(),
            )));
        };
        let err = |source: io::Error| AppError::Write {
            path: path.display().to_string(),
            source,
        };
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        if path.is_dir() {
            return Err(err(io::Error::new(
                io::ErrorKind::IsADirectory,
                "is a directory",
            )));
        }
        if !dir.is_dir() {
            return Err(err(io::Error::new(
                io::ErrorKind::NotFound,
                format!("directory {} does not exist", dir.display()),
            )));
        }
        let tmp = tempfile::Builder::new()
            .prefix(".sij-screen-")
            .suffix(".tmp")
            .tempfile_in(dir)
            .map_err(err)?;
        // An interrupt removes the partial output instead of leaving it.
        crate::interrupt::set_cleanup(Some(tmp.path().to_path_buf()));
        crate::interrupt::set_message(format!("no output written to {}", path.display()));
        Ok(Sink::File(BufWriter::with_capacity(256 * 1024, tmp)))
    }

    fn writer(&mut self) -> &mut dyn Write {
        match self {
            Sink::File(w) => w,
            Sink::Stdout(w) => w,
        }
    }

    fn finish(self, path: Option<&Path>) -> Result<(), AppError> {
        let shown = path.map_or("standard output".to_string(), |p| p.display().to_string());
        let err = |source: io::Error| AppError::Write {
            path: shown.clone(),
            source,
        };
        match self {
            Sink::Stdout(mut w) => match w.flush() {
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
                other => other.map_err(err),
            },
            Sink::File(w) => {
                let tmp = w.into_inner().map_err(|e| err(e.into_error()))?;
                tmp.as_file().sync_all().map_err(err)?;
                let Some(path) = path else { return Ok(()) };
                crate::interrupt::commit(
                    || tmp.persist(path).map(drop).map_err(|e| err(e.error)),
                    format!("output is complete in {}", path.display()),
                )
            }
        }
    }
}

fn write_err(e: io::Error) -> AppError {
    AppError::Write {
        path: "output".into(),
        source: e,
    }
}

/// The output header: case id (when the input has one), line, outcome,
/// one column per criterion, error.
fn header(rs: &RuleSet, with_id: bool) -> Vec<String> {
    let mut h = Vec::with_capacity(rs.criteria.len() + 4);
    if with_id {
        h.push("case_id".to_string());
    }
    h.extend(["line".to_string(), "outcome".to_string()]);
    h.extend(rs.criteria.iter().map(|c| c.id.clone()));
    h.push("error".to_string());
    h
}

/// Writes one result row in the chosen format into a reused line buffer.
struct RowWriter {
    format: BatchFormat,
    buf: Vec<u8>,
}

/// Appends a CSV field, quoted (RFC 4180) only when it must be.
fn csv_field(b: &mut Vec<u8>, first: bool, s: &str) {
    if !first {
        b.push(b',');
    }
    if s.contains([',', '"', '\n', '\r']) {
        b.push(b'"');
        for ch in s.bytes() {
            if ch == b'"' {
                b.push(b'"');
            }
            b.push(ch);
        }
        b.push(b'"');
    } else {
        b.extend_from_slice(s.as_bytes());
    }
}

impl RowWriter {
    fn new(format: BatchFormat) -> Self {
        RowWriter {
            format,
            buf: Vec::with_capacity(1024),
        }
    }

    fn header(&mut self, out: &mut dyn Write, cols: &[String]) -> Result<(), AppError> {
        if self.format == BatchFormat::Csv {
            self.buf.clear();
            for (i, c) in cols.iter().enumerate() {
                csv_field(&mut self.buf, i == 0, c);
            }
            self.buf.push(b'\n');
            out.write_all(&self.buf).map_err(write_err)?;
        }
        Ok(())
    }

    fn row(
        &mut self,
        out: &mut dyn Write,
        rs: &RuleSet,
        id: Option<&str>,
        line: u64,
        result: Result<(Outcome, &[Tri]), &str>,
    ) -> Result<(), AppError> {
        let b = &mut self.buf;
        b.clear();
        match self.format {
            BatchFormat::Csv => {
                if let Some(id) = id {
                    csv_field(b, true, id);
                    b.push(b',');
                }
                b.extend_from_slice(line.to_string().as_bytes());
                match result {
                    Ok((outcome, holds)) => {
                        csv_field(b, false, outcome.as_str());
                        for h in holds {
                            b.extend_from_slice(match h {
                                Tri::True => b",true",
                                Tri::False => b",false",
                                Tri::Unknown => b",",
                            });
                        }
                        b.push(b',');
                    }
                    Err(msg) => {
                        csv_field(b, false, "error");
                        for _ in &rs.criteria {
                            b.push(b',');
                        }
                        csv_field(b, false, msg);
                    }
                }
                b.push(b'\n');
            }
            BatchFormat::Jsonl => {
                b.push(b'{');
                if let Some(id) = id {
                    b.extend_from_slice(b"\"case_id\":");
                    serde_json::to_writer(&mut *b, id).map_err(|e| write_err(e.into()))?;
                    b.push(b',');
                }
                b.extend_from_slice(format!("\"line\":{line},").as_bytes());
                match result {
                    Ok((outcome, holds)) => {
                        b.extend_from_slice(
                            format!("\"outcome\":\"{}\",\"criteria\":{{", outcome.as_str())
                                .as_bytes(),
                        );
                        for (i, (c, h)) in rs.criteria.iter().zip(holds).enumerate() {
                            if i > 0 {
                                b.push(b',');
                            }
                            let v = match h {
                                Tri::True => "true",
                                Tri::False => "false",
                                Tri::Unknown => "null",
                            };
                            b.extend_from_slice(format!("\"{}\":{v}", c.id).as_bytes());
                        }
                        b.extend_from_slice(b"}}\n");
                    }
                    Err(msg) => {
                        b.extend_from_slice(b"\"outcome\":\"error\",\"error\":");
                        serde_json::to_writer(&mut *b, msg).map_err(|e| write_err(e.into()))?;
                        b.extend_from_slice(b"}\n");
                    }
                }
            }
        }
        out.write_all(b).map_err(write_err)
    }
}

/// Reusable per-row buffers.
struct Buffers {
    answers: Vec<Answer>,
    asked: Vec<bool>,
    holds: Vec<Tri>,
}

impl Buffers {
    fn new(rs: &RuleSet) -> Self {
        Buffers {
            answers: vec![Answer::Unanswered; rs.questions.len()],
            asked: vec![true; rs.questions.len()],
            holds: vec![Tri::Unknown; rs.criteria.len()],
        }
    }

    fn evaluate(&mut self, rs: &RuleSet, tally: &mut Tally) -> Outcome {
        let outcome = rs.evaluate_into(&mut self.answers, &mut self.asked, &mut self.holds);
        tally.cases += 1;
        tally.outcomes[outcome as usize] += 1;
        for ((c, h), t) in rs.criteria.iter().zip(&self.holds).zip(&mut tally.criteria) {
            match h {
                Tri::Unknown => t.1 += 1,
                h if crate::report::is_adverse(c.kind, *h) => t.0 += 1,
                _ => {}
            }
        }
        outcome
    }
}

/// Where every row ends: screened and written, or counted, reported and
/// written as bad. Both input formats go through it.
struct Recorder<'a> {
    rs: &'a RuleSet,
    rows: RowWriter,
    buf: Buffers,
    sink: &'a mut Sink,
    tally: &'a mut Tally,
    on_bad: &'a mut dyn FnMut(u64, &str) -> Result<(), AppError>,
}

impl Recorder<'_> {
    fn header(&mut self, with_id: bool) -> Result<(), AppError> {
        self.rows
            .header(self.sink.writer(), &header(self.rs, with_id))
    }

    /// Screens the case in `self.buf.answers` and writes its row.
    fn screened(&mut self, id: Option<&str>, line: u64) -> Result<(), AppError> {
        let outcome = self.buf.evaluate(self.rs, self.tally);
        self.rows.row(
            self.sink.writer(),
            self.rs,
            id,
            line,
            Ok((outcome, &self.buf.holds)),
        )
    }

    /// Counts, reports and writes a row that could not be screened.
    fn bad(&mut self, id: Option<&str>, line: u64, msg: &str) -> Result<(), AppError> {
        self.tally.bad += 1;
        (self.on_bad)(line, msg)?;
        self.rows
            .row(self.sink.writer(), self.rs, id, line, Err(msg))
    }
}

fn run_csv(
    rec: &mut Recorder<'_>,
    args: &BatchArgs,
    shown: &str,
    reader: impl Read + Send,
) -> Result<(), AppError> {
    let rs = rec.rs;
    let mut csv = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(true)
        .from_reader(reader);
    let invalid = |line: u64, col: u64, msg: String| {
        AppError::Invalid(Diagnostics::new(
            shown,
            vec![Diagnostic::error(Pos { line, column: col }, msg)],
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
            if columns.contains(&Some(qi)) {
                return Err(invalid(
                    1,
                    i as u64 + 1,
                    format!("column '{h}' appears twice"),
                ));
            }
            columns.push(Some(qi));
        } else {
            let hint = answers::did_you_mean(h, rs.questions.iter().map(|q| q.id.as_str()));
            unknown.push(format!("'{h}'{hint}"));
            columns.push(None);
        }
    }
    if let Some(name) = &args.id_column
        && id_col.is_none()
    {
        return Err(invalid(1, 1, format!("no column '{name}' for --id-column")));
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
        std::sync::mpsc::sync_channel::<Result<Chunk, AppError>>(CHUNKS_IN_FLIGHT);
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
                let more = fill_chunk(rs, &mut csv, &mut record, &columns, id_col, &mut chunk);
                let done = !more;
                if full_tx.send(Ok(chunk)).is_err() || done {
                    return;
                }
            }
        });
        for msg in &full_rx {
            let chunk = msg?;
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
            let _ = empty_tx.send(chunk);
        }
        Ok(())
    })
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
fn fill_chunk(
    rs: &RuleSet,
    csv: &mut csv::Reader<impl Read>,
    record: &mut csv::StringRecord,
    columns: &[Option<usize>],
    id_col: Option<usize>,
    chunk: &mut Chunk,
) -> bool {
    let nq = rs.questions.len();
    while chunk.len() < CHUNK_ROWS {
        let line = csv.position().line();
        match csv.read_record(record) {
            Ok(false) => return false,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(line, |p| p.line());
                let msg = match e.kind() {
                    csv::ErrorKind::Utf8 { .. } => "not valid UTF-8 text".to_string(),
                    csv::ErrorKind::Io(_) => format!("cannot read: {e}"),
                    _ => e.to_string(),
                };
                let r = chunk.push_row(line, None);
                chunk.set_error(r, msg);
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    return false;
                }
                continue;
            }
        }
        let line = record.position().map_or(line, |p| p.line());
        let r = chunk.push_row(line, id_col.and_then(|i| record.get(i)));
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
            match answers::parse_text(&rs.questions[qi], cell) {
                Ok(a) => row[qi] = a,
                Err(msg) => {
                    chunk.set_error(r, format!("{}: {msg}", rs.questions[qi].id));
                    break;
                }
            }
        }
    }
    true
}

fn run_jsonl(
    rec: &mut Recorder<'_>,
    args: &BatchArgs,
    shown: &str,
    mut reader: impl BufRead,
) -> Result<(), AppError> {
    let id_field = args.id_column.as_deref();
    rec.header(true)?;
    let mut bytes = Vec::new();
    let mut line = 0u64;
    loop {
        bytes.clear();
        let n = reader
            .read_until(b'\n', &mut bytes)
            .map_err(|e| AppError::Input(InputError::from_io(shown, e)))?;
        if n == 0 {
            break;
        }
        line += 1;
        let Ok(text) = std::str::from_utf8(&bytes) else {
            rec.bad(None, line, "not valid UTF-8 text")?;
            continue;
        };
        if text.trim().is_empty() {
            continue;
        }
        match bind_json_line(rec.rs, text, id_field, &mut rec.buf.answers) {
            Ok(id) => rec.screened(id.as_deref(), line)?,
            Err((id, msg)) => rec.bad(id.as_deref(), line, &msg)?,
        }
    }
    Ok(())
}

/// Binds one JSON object (question id -> value) into `answers`; returns the
/// case id. JSON `true`/`false` stand for yes/no.
fn bind_json_line(
    rs: &RuleSet,
    text: &str,
    id_field: Option<&str>,
    answers: &mut [Answer],
) -> Result<Option<String>, (Option<String>, String)> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| (None, format!("not a JSON object: {e}")))?;
    let serde_json::Value::Object(map) = value else {
        return Err((
            None,
            "expected a JSON object of question ids and answers".into(),
        ));
    };
    let id_key = |k: &str| match id_field {
        Some(f) => k == f,
        None => DEFAULT_ID_COLUMNS.contains(&k) && rs.question_idx(k).is_none(),
    };
    let id = map.iter().find(|(k, _)| id_key(k)).map(|(_, v)| match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    });
    answers.fill(Answer::Unanswered);
    for (k, v) in &map {
        if id_key(k) {
            continue;
        }
        let Some(qi) = rs.question_idx(k) else {
            let hint = answers::did_you_mean(k, rs.questions.iter().map(|q| q.id.as_str()));
            return Err((id, format!("no question '{k}'{hint}")));
        };
        let raw = match v {
            serde_json::Value::Null => RawValue::Null,
            serde_json::Value::Bool(b) => RawValue::Bool(*b),
            serde_json::Value::Number(n) => RawValue::Number(n.as_f64().unwrap_or(f64::NAN)),
            serde_json::Value::String(s) => RawValue::Text(s.clone()),
            serde_json::Value::Array(items) => {
                let mut list = Vec::with_capacity(items.len());
                for item in items {
                    match item {
                        serde_json::Value::String(s) => list.push(s.clone()),
                        _ => return Err((id, format!("{k}: expected a list of option ids"))),
                    }
                }
                RawValue::List(list)
            }
            serde_json::Value::Object(_) => {
                return Err((id, format!("{k}: expected an answer, found an object")));
            }
        };
        match answers::parse_value(&rs.questions[qi], &raw) {
            Ok(a) => answers[qi] = a,
            Err(msg) => return Err((id, format!("{k}: {msg}"))),
        }
    }
    Ok(id)
}

/// The closing table: counts per outcome and per criterion.
fn summary(rs: &RuleSet, t: &Tally, style: Style) -> String {
    let mut out = String::new();
    let mut o = table(style);
    o.set_header(["Outcome", "Cases"]);
    for outcome in [
        Outcome::RedFlag,
        Outcome::Excluded,
        Outcome::NotMet,
        Outcome::Incomplete,
        Outcome::Met,
    ] {
        o.add_row(vec![
            Cell::new(outcome.as_str()),
            Cell::new(t.outcomes[outcome as usize]),
        ]);
    }
    o.add_row(vec![Cell::new("bad rows (not screened)"), Cell::new(t.bad)]);
    out.push_str(&format!("{o}\n"));
    let mut c = table(style);
    c.set_header(["Criterion", "Kind", "Against the patient", "Unknown"]);
    for (crit, (adverse, unknown)) in rs.criteria.iter().zip(&t.criteria) {
        let word = match crit.kind {
            CriterionKind::RedFlag => "present",
            CriterionKind::Exclusion => "applies",
            CriterionKind::Indication => "not met",
        };
        c.add_row(vec![
            Cell::new(&crit.id),
            Cell::new(crit.kind.as_str()),
            Cell::new(format!("{adverse} {word}")),
            Cell::new(unknown),
        ]);
    }
    out.push_str(&format!(
        "{c}\n{} case(s) screened with {} v{}",
        t.cases, rs.meta.id, rs.meta.version
    ));
    out
}
