//! `sij-screen batch`: screen many cases from CSV or JSON Lines, streaming.
//!
//! One row in, one row out, with the same rules and evaluation as the walk.
//! Memory does not grow with the file: parsed rows travel in reused chunks,
//! and one answers buffer and one result buffer are reused for every row. A
//! bad row is reported with its line and reason, counted and marked in the
//! output, and the run goes on (`--strict` stops at it instead). Parsing is
//! in [`csv`] and [`jsonl`]; writing result rows in [`rows`].

mod bundle;
mod csv;
mod flat_json;
mod jsonl;
mod limits;
mod pipeline;
mod rows;
mod split;

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, IsTerminal, Read, Write};
use std::path::Path;

use comfy_table::Cell;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use self::rows::RowWriter;
use super::atomic::AtomicFile;
use super::exit::{AppError, Exit};
use super::request::{BatchFormat, BatchRequest, Settings};
use super::{interrupt, output};
use crate::compile::catalog;
use crate::diagnostics::{Diagnostic, Diagnostics, FileId, Span, inert};
use crate::engine::{CriterionKind, Outcome, RuleSet, Tri};
use crate::files::InputError;
use crate::report::is_adverse;
use crate::report::table::{Style, table};

/// Column or field names taken as the case id when `--id-column` is not given.
const DEFAULT_ID_COLUMNS: [&str; 2] = ["case_id", "id"];

/// Bad rows described on standard error before the rest are only counted.
const MAX_REPORTED: usize = 20;

/// Input formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    Csv,
    Jsonl,
}

/// Totals for the closing table.
#[derive(Debug, Default)]
pub struct Tally {
    cases: u64,
    bad: u64,
    outcomes: [u64; 5],
    /// Per criterion, how many cases gave each value, indexed by
    /// `Tri as usize`: one increment per criterion and case, where sorting
    /// values into "against the patient" and "unknown" as they came was a
    /// branch per criterion (4% of a batch's instructions). The summary
    /// sorts the totals with `report::is_adverse`.
    criteria: Vec<[u64; 3]>,
}

impl Tally {
    fn new(rs: &RuleSet) -> Self {
        Tally {
            criteria: vec![[0; 3]; rs.criteria.len()],
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
    }
}

pub fn run(_settings: &Settings, args: &BatchRequest) -> Result<Exit, AppError> {
    interrupt::install();
    interrupt::set_message("no output written");
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
            return Err(InputError::NotRegularRows { path: shown }.into());
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

    // Write to a temporary file beside the target, renamed at the end, or to
    // stdout; never onto a file being read.
    if let Some(out) = &args.output {
        let mut reading = vec![("input", args.input.as_path())];
        reading.extend(loaded.paths.iter().map(|p| ("rule set", p.as_path())));
        super::atomic::refuse_if_reading(out, &reading)?;
    }
    let mut sink = Sink::open(args.output.as_deref())?;
    let mut reported = 0usize;
    let mut on_bad = |line: u64, msg: &str| -> Result<(), AppError> {
        if args.strict {
            return Err(AppError::Invalid(Diagnostics::for_file(
                &shown,
                vec![Diagnostic::error(Span::at(FileId::MAIN, line, 1), msg)],
            )));
        }
        if reported < MAX_REPORTED {
            output::eprintln(&format!(
                "{}:{line}: bad row: {}",
                inert(&shown),
                inert(msg)
            ));
        } else if reported == MAX_REPORTED {
            output::eprintln(&format!(
                "{}: more bad rows; see the output's error column",
                inert(&shown)
            ));
        }
        reported += 1;
        Ok(())
    };
    let document = input == Input::Jsonl
        && bundle::looks_like_document(&mut reader).map_err(|e| InputError::from_io(&shown, e))?;
    let result = if document {
        // A Bundle over many lines: its responses, one line each.
        let (lines, others) = bundle::to_lines(&shown, reader)?;
        if others > 0 {
            output::eprintln(&format!(
                "{}: {others} Bundle entr{} not a QuestionnaireResponse, passed over",
                inert(&shown),
                if others == 1 { "y is" } else { "ies are" }
            ));
        }
        screen(
            rs,
            input,
            io::Cursor::new(lines),
            args,
            &shown,
            sink.writer(),
            &mut on_bad,
        )
    } else {
        screen(rs, input, reader, args, &shown, sink.writer(), &mut on_bad)
    };
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    let tally = match result {
        Ok(tally) => tally,
        Err(AppError::Write { source, .. }) if source.kind() == io::ErrorKind::BrokenPipe => {
            return Ok(Exit::Success);
        }
        // The rows' writer knows no name for where it writes; name it here.
        Err(AppError::Write { source, .. }) => {
            let path = args.output.as_ref().map_or_else(
                || "standard output".to_string(),
                |p| inert(&p.display().to_string()).into_owned(),
            );
            return Err(AppError::Write { path, source });
        }
        Err(e) => return Err(e),
    };
    sink.finish(args.output.as_deref())?;
    output::eprintln(&summary(rs, &tally, output::stderr_style()));
    Ok(if tally.bad > 0 {
        Exit::Problems
    } else {
        Exit::Success
    })
}

/// What both input formats need to screen a file.
struct Run<'a, 'b> {
    rs: &'a RuleSet,
    args: &'a BatchRequest,
    shown: &'a str,
    on_bad: &'b mut dyn FnMut(u64, &str) -> Result<(), AppError>,
}

impl Run<'_, '_> {
    /// Writes the header row (CSV output only).
    fn header(&self, out: &mut dyn Write, with_id: bool) -> Result<(), AppError> {
        let mut rows = RowWriter::new(self.args.format, out);
        rows.header(self.rs, with_id)?;
        rows.flush()
    }
}

/// What ends a run when the input cannot be read on.
fn failure(shown: &str, f: pipeline::ReadFailure, input: Input) -> AppError {
    let mib = limits::MAX_RECORD_BYTES >> 20;
    match f {
        pipeline::ReadFailure::TooLong { line } => AppError::Usage(match input {
            Input::Jsonl => format!(
                "{shown}:{line}: line longer than the limit of {mib} MiB; nothing after it was read"
            ),
            Input::Csv => format!(
                "{shown}: line {line}: a record longer than the limit of {mib} MiB; nothing after it was read (is this really a CSV file?)"
            ),
        }),
        pipeline::ReadFailure::Io(e) => AppError::Input(InputError::from_io(shown, e)),
    }
}

/// Screens every case of `reader` into `out`: the core of `batch`, free of
/// files and terminals, so tests and fuzzers drive it directly. `on_bad`
/// hears of each bad row (and may stop the run).
pub fn screen(
    rs: &RuleSet,
    input: Input,
    reader: impl BufRead + Send,
    args: &BatchRequest,
    shown: &str,
    out: &mut dyn Write,
    on_bad: &mut dyn FnMut(u64, &str) -> Result<(), AppError>,
) -> Result<Tally, AppError> {
    let mut tally = Tally::new(rs);
    let run = Run {
        rs,
        args,
        shown,
        on_bad,
    };
    match input {
        Input::Csv => csv::run(run, reader, out, &mut tally)?,
        Input::Jsonl => jsonl::run(run, reader, out, &mut tally)?,
    }
    out.flush().map_err(rows::write_err)?;
    Ok(tally)
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

/// Where results go: the output file (published atomically at the end) or
/// standard output.
enum Sink {
    File(AtomicFile),
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
        let file = AtomicFile::create(path)?;
        interrupt::set_message(format!("no output written to {}", path.display()));
        Ok(Sink::File(file))
    }

    fn writer(&mut self) -> &mut dyn Write {
        match self {
            Sink::File(w) => w,
            Sink::Stdout(w) => w,
        }
    }

    fn finish(self, path: Option<&Path>) -> Result<(), AppError> {
        match self {
            Sink::Stdout(mut w) => match w.flush() {
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
                other => other.map_err(AppError::stdout),
            },
            Sink::File(f) => {
                f.commit(path.map(|p| format!("output is complete in {}", p.display())))
            }
        }
    }
}

/// The closing table: counts per outcome and per criterion.
fn summary(rs: &RuleSet, t: &Tally, style: Style) -> String {
    let mut out = String::new();
    let mut o = table(style);
    o.set_header(["Outcome", "Cases"]);
    for outcome in Outcome::ALL {
        o.add_row(vec![
            Cell::new(outcome.as_str()),
            Cell::new(t.outcomes[outcome as usize]),
        ]);
    }
    o.add_row(vec![Cell::new("bad rows (not screened)"), Cell::new(t.bad)]);
    out.push_str(&format!("{o}\n"));
    let mut c = table(style);
    c.set_header(["Criterion", "Kind", "Against the patient", "Unknown"]);
    for (crit, counts) in rs.criteria.iter().zip(&t.criteria) {
        let adverse: u64 = [Tri::False, Tri::Unknown, Tri::True]
            .into_iter()
            .filter(|&h| is_adverse(crit.kind, h))
            .map(|h| counts[h as usize])
            .sum();
        let unknown = counts[Tri::Unknown as usize];
        let word = match crit.kind {
            CriterionKind::RedFlag => "present",
            CriterionKind::Exclusion => "applies",
            CriterionKind::Indication => "not met",
        };
        let id = if crit.unverified.is_some() {
            format!("{} (UNVERIFIED)", crit.id)
        } else {
            crit.id.clone()
        };
        c.add_row(vec![
            Cell::new(id),
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
