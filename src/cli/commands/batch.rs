//! `sij-screen batch`: screen many cases from CSV or JSON Lines. This file
//! opens the input and the output, draws the progress bar and prints bad
//! rows; the screening itself is [`crate::batch`].

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, IsTerminal, Read, Write};
use std::path::Path;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::batch::{self, BatchError, Events, OutputFormat};
use crate::cli::atomic::{self, AtomicFile};
use crate::cli::exit::{AppError, Exit};
use crate::cli::request::{BatchFormat, BatchRequest, Settings};
use crate::cli::{interrupt, output};
use crate::compile::catalog;
use crate::diagnostics::inert;
use crate::files::InputError;
use crate::rows::{Input, RowError};

/// Bad rows described on standard error before the rest are only counted.
const MAX_REPORTED: usize = 20;

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
        None => {
            Input::sniff(&args.input, &mut reader).map_err(|e| InputError::from_io(&shown, e))?
        }
    };

    // Write to a temporary file beside the target, renamed at the end, or to
    // stdout; never onto a file being read.
    if let Some(out) = &args.output {
        let mut reading = vec![("input", args.input.as_path())];
        reading.extend(loaded.paths.iter().map(|p| ("rule set", p.as_path())));
        atomic::refuse_if_reading(out, &reading)?;
    }
    let mut sink = Sink::open(args.output.as_deref())?;
    let opts = batch::Options {
        format: match args.format {
            BatchFormat::Csv => OutputFormat::Csv,
            BatchFormat::Jsonl => OutputFormat::Jsonl,
        },
        strict: args.strict,
        id_column: args.id_column.clone(),
        threads: args.threads,
    };
    let mut told = Told {
        shown: &shown,
        reported: 0,
        kinds: BTreeMap::new(),
    };
    let result = batch::screen(rs, input, reader, &shown, &opts, sink.writer(), &mut told);
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    let tally = match result {
        Ok(tally) => tally,
        Err(BatchError::Write(e)) if e.kind() == io::ErrorKind::BrokenPipe => {
            return Ok(Exit::Success);
        }
        // The rows' writer knows no name for where it writes; name it here.
        Err(BatchError::Write(source)) => {
            let path = args.output.as_ref().map_or_else(
                || "standard output".to_string(),
                |p| inert(&p.display().to_string()).into_owned(),
            );
            return Err(AppError::Write { path, source });
        }
        Err(e) => return Err(e.into()),
    };
    sink.finish(args.output.as_deref())?;
    if told.reported > MAX_REPORTED {
        let kinds: Vec<String> = told.kinds.iter().map(|(k, n)| format!("{k} {n}")).collect();
        output::eprintln(&format!(
            "{}: {} bad rows by kind: {}",
            inert(&shown),
            told.reported,
            kinds.join(", ")
        ));
    }
    output::eprintln(&batch::summary(rs, &tally, output::stderr_style()));
    Ok(if tally.bad > 0 {
        Exit::Problems
    } else {
        Exit::Success
    })
}

/// Prints bad rows and notes on standard error as they come, the first
/// [`MAX_REPORTED`] bad rows in full.
struct Told<'a> {
    shown: &'a str,
    reported: usize,
    /// Bad rows per kind of problem, for the closing line when not every
    /// one was shown.
    kinds: BTreeMap<&'static str, u64>,
}

impl Events for Told<'_> {
    fn bad_row(&mut self, line: u64, error: &RowError) {
        let shown = inert(self.shown);
        if self.reported < MAX_REPORTED {
            output::eprintln(&format!(
                "{shown}:{line}: bad row: {}",
                inert(&error.to_string())
            ));
        } else if self.reported == MAX_REPORTED {
            output::eprintln(&format!(
                "{shown}: more bad rows; see the output's error column"
            ));
        }
        self.reported += 1;
        *self.kinds.entry(error.kind()).or_default() += 1;
    }

    fn note(&mut self, note: &str) {
        output::eprintln(&format!("{}: {note}", inert(self.shown)));
    }
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
