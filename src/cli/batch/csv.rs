//! CSV input: a header row of question ids, one case per row. The header is
//! read here; the rows are cut into blocks and screened on every core by
//! [`super::pipeline`].

use std::io::{Read, Write};

use super::limits::MAX_RECORD_BYTES;
use super::pipeline::{self, Output, ReadFailure, Worker};
use super::rows::{Recorder, screen_block};
use super::{DEFAULT_ID_COLUMNS, Run, Tally, split};
use crate::cli::exit::AppError;
use crate::cli::output;
use crate::cli::request::BatchFormat;
use crate::diagnostics::{Diagnostic, Diagnostics, FileId, Span, inert, suggest};
use crate::engine::ruleset::{NumberSpec, Question, QuestionKind};
use crate::engine::{Answer, RuleSet, parse_text};
use crate::files::InputError;

pub(super) fn run(
    run: Run<'_, '_>,
    mut reader: impl Read + Send,
    out: &mut dyn Write,
    tally: &mut Tally,
) -> Result<(), AppError> {
    let (rs, args, shown) = (run.rs, run.args, run.shown);
    let invalid = |line: u64, col: u64, msg: String| {
        AppError::Invalid(Diagnostics::for_file(
            shown,
            vec![Diagnostic::error(Span::at(FileId::MAIN, line, col), msg)],
        ))
    };
    // The header record: bytes up to its end (quote-aware), read here; the
    // bytes read past it start the first block.
    let mut head = Vec::new();
    let header_end = loop {
        if let Some(end) = split::csv_first(&head) {
            break end;
        }
        if head.len() > MAX_RECORD_BYTES {
            return Err(invalid(
                1,
                1,
                format!(
                    "the header row is longer than the limit of {} MiB (is this really a CSV file?)",
                    MAX_RECORD_BYTES >> 20
                ),
            ));
        }
        let mut chunk = [0u8; 64 * 1024];
        match reader.read(&mut chunk) {
            Ok(0) => break head.len(),
            Ok(n) => head.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(AppError::Input(InputError::from_io(shown, e))),
        }
    };
    let start = head.split_off(header_end);
    let first_line = 1 + split::line_breaks(&head);
    // Records end at `\n` only: with the default (`\r`, `\n` or `\r\n`)
    // the reader counts a CRLF file's lines one short. A `\r` left at the
    // end of a row's last cell is trimmed like any other space.
    let mut csv = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(true)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_reader(&head[..]);
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

    run.header(out, id_col.is_some())?;
    let workers: Vec<Box<dyn Worker + '_>> = (0..args.threads.max(1))
        .map(|_| {
            Box::new(CsvWorker {
                rs,
                columns: &columns,
                id_col,
                format: args.format,
                strict: args.strict,
                with_id: id_col.is_some(),
                cache: CellCache::new(rs, &columns),
                all_questions: taken.iter().all(|&t| t),
            }) as Box<dyn Worker>
        })
        .collect();
    let fail = |f: ReadFailure| super::failure(shown, f, super::Input::Csv);
    pipeline::run(
        reader,
        start,
        first_line,
        split::csv_cut,
        workers,
        out,
        tally,
        run.on_bad,
        &fail,
    )
}

/// Parses, screens and formats blocks of CSV records.
struct CsvWorker<'a> {
    rs: &'a RuleSet,
    columns: &'a [Option<usize>],
    id_col: Option<usize>,
    format: BatchFormat,
    strict: bool,
    with_id: bool,
    cache: CellCache<'a>,
    /// Whether every question of the rule set has a column.
    all_questions: bool,
}

impl Worker for CsvWorker<'_> {
    fn block(&mut self, bytes: &[u8], first_line: u64) -> Output {
        let (rs, format, strict) = (self.rs, self.format, self.strict);
        screen_block(rs, format, strict, self.with_id, bytes.len(), |rec| {
            self.rows(rec, bytes, first_line)
        })
    }
}

#[cfg(test)]
impl<'a> CsvWorker<'a> {
    /// A worker writing CSV rows with ids, as tests build it.
    fn for_test(
        rs: &'a RuleSet,
        columns: &'a [Option<usize>],
        id_col: Option<usize>,
        all_questions: bool,
    ) -> Self {
        CsvWorker {
            rs,
            columns,
            id_col,
            format: BatchFormat::Csv,
            strict: false,
            with_id: true,
            cache: CellCache::new(rs, columns),
            all_questions,
        }
    }
}

impl CsvWorker<'_> {
    /// Screens every record of a block. A block without any `"` is split
    /// by hand (every `\n` ends a record, every `,` a field: exactly what
    /// the csv crate does without quotes, which a property test checks);
    /// any other block goes through the csv crate.
    fn rows(
        &mut self,
        rec: &mut Recorder<'_>,
        bytes: &[u8],
        first_line: u64,
    ) -> Result<(), AppError> {
        if memchr::memchr(b'"', bytes).is_none() {
            return self.plain_rows(rec, bytes, first_line);
        }
        let mut csv = csv::ReaderBuilder::new()
            .flexible(true)
            .has_headers(false)
            .terminator(csv::Terminator::Any(b'\n'))
            .from_reader(bytes);
        let mut record = csv::StringRecord::new();
        let global = |local: u64| first_line + local - 1;
        loop {
            let line = csv.position().line();
            match csv.read_record(&mut record) {
                Ok(false) => return Ok(()),
                Ok(true) => {}
                Err(e) => {
                    let line = e.position().map_or(line, |p| true_line(bytes, p));
                    let msg = match e.into_kind() {
                        csv::ErrorKind::Utf8 { .. } => "not valid UTF-8 text".to_string(),
                        other => format!("{other:?}"),
                    };
                    rec.bad(None, global(line), &msg)?;
                    continue;
                }
            }
            let line = global(record.position().map_or(line, |p| true_line(bytes, p)));
            let cells: Vec<&[u8]> = record.iter().map(str::as_bytes).collect();
            self.record(rec, &cells, line)?;
        }
    }

    /// The quote-free path: lines by `\n`, cells by `,`.
    fn plain_rows(
        &mut self,
        rec: &mut Recorder<'_>,
        bytes: &[u8],
        first_line: u64,
    ) -> Result<(), AppError> {
        // Cells are byte slices of a line checked as UTF-8, cut at ASCII
        // commas, so each is valid UTF-8 too; the fast readers compare
        // bytes, and only text that needs it is turned into `str` (char
        // boundary checks on every cell had cost a twentieth of the time).
        let mut cells: Vec<&[u8]> = Vec::with_capacity(self.columns.len());
        // UTF-8 is checked once for the block, then each line is a slice of
        // it; only a block with bad bytes is checked line by line, to say
        // which lines.
        let whole = std::str::from_utf8(bytes).is_ok();
        for (this, raw) in (first_line..).zip(split::lines(bytes)) {
            // The csv crate skips an empty line (and a block's final line
            // break leaves an empty last piece).
            if raw.is_empty() {
                continue;
            }
            // A line of a valid block is valid: it is cut at line breaks.
            let valid = whole || std::str::from_utf8(raw).is_ok();
            if !valid {
                rec.bad(None, this, "not valid UTF-8 text")?;
                continue;
            }
            if let Some(id) = self.fast_row(raw, &mut rec.buf.answers) {
                rec.screened(id, this)?;
                continue;
            }
            // The rare line the fast reader leaves: cut into cells, read
            // the usual way.
            cells.clear();
            cells.extend(raw.split(|&b| b == b','));
            self.record(rec, &cells, this)?;
        }
        Ok(())
    }

    /// Reads a quote-free line straight into the answer slots, column by
    /// column, without first cutting it into cells: the common cells
    /// (`yes`, `no`, empty, whole numbers in range, a choice this column
    /// has held before) are recognised where they stand, followed by their
    /// `,` (or the end of the line, for the last column), and any other
    /// cell is cut at its `,` and read by [`CellCache::parse_into`]. Gives
    /// the case id (`Some`) when every cell was read; `None` for a line
    /// with another number of fields or a cell that cannot be read, which
    /// [`Self::record`] then reads from scratch, so its message is always
    /// the usual one. A property test checks this path against the `csv`
    /// crate's.
    fn fast_row<'r>(&mut self, raw: &'r [u8], answers: &mut [Answer]) -> Option<Option<&'r str>> {
        if !self.all_questions {
            answers.fill(Answer::Unanswered);
        }
        let mut id = None;
        let mut rest = raw;
        let last = self.columns.len().checked_sub(1)?;
        // Every column but the last ends at a `,`, the last at the end of
        // the line: two calls, so each has its ending fixed.
        for c in 0..last {
            let len = self.fast_cell::<false>(c, rest, answers, &mut id)?;
            rest = rest.get(len + 1..)?;
        }
        self.fast_cell::<true>(last, rest, answers, &mut id)?;
        Some(id)
    }

    /// Reads the cell of column `c` at the start of `rest` into its slot
    /// (or, for the id column, into `id`): the cell's length, up to its `,`
    /// (`LAST`: the whole of `rest`, which must hold no `,`). `None` if
    /// the line must be read from scratch (see [`Self::fast_row`]).
    #[inline(always)]
    fn fast_cell<'r, const LAST: bool>(
        &mut self,
        c: usize,
        rest: &'r [u8],
        answers: &mut [Answer],
        id: &mut Option<&'r str>,
    ) -> Option<usize> {
        // Whether a cell of `len` bytes ends the field here.
        let ends = |len: usize| {
            if LAST {
                rest.len() == len
            } else {
                rest.get(len) == Some(&b',')
            }
        };
        let qi = self.columns.get(c).copied()?;
        let plan = self.cache.plan.get(c).copied().unwrap_or(Plan::Other);
        let fast = match (plan, rest.first()) {
            _ if ends(0) => Some((Answer::Unanswered, 0)),
            (Plan::YesNo, Some(b'n')) if rest.starts_with(b"no") && ends(2) => {
                Some((Answer::No, 2))
            }
            (Plan::YesNo, Some(b'y')) if rest.starts_with(b"yes") && ends(3) => {
                Some((Answer::Yes, 3))
            }
            (Plan::Number(spec), Some(b'0'..=b'9')) => {
                let len = rest
                    .iter()
                    .take(16)
                    .take_while(|b| b.is_ascii_digit())
                    .count();
                rest.get(..len)
                    .and_then(digits)
                    .filter(|&v| ends(len) && spec.in_range(v))
                    .map(|v| (Answer::Number(v), len))
            }
            (Plan::Choice, Some(_)) => self.cache.choices.get(c).and_then(|seen| {
                seen.iter()
                    .find(|(k, _)| ends(k.len()) && rest.starts_with(k))
                    .map(|(k, a)| (*a, k.len()))
            }),
            _ => None,
        };
        match (fast, qi) {
            (Some((a, len)), Some(qi)) => {
                *answers.get_mut(qi)? = a;
                Some(len)
            }
            (fast, qi) => {
                let len = match fast {
                    Some((_, len)) => len,
                    None if LAST => {
                        if memchr::memchr(b',', rest).is_some() {
                            return None; // more fields than the header
                        }
                        rest.len()
                    }
                    None => memchr::memchr(b',', rest)?,
                };
                let cell = rest.get(..len)?;
                if let Some(qi) = qi {
                    let (rs, slot) = (self.rs, answers.get_mut(qi)?);
                    self.cache
                        .parse_into(c, &rs.questions[qi], cell, slot)
                        .ok()?;
                } else if Some(c) == self.id_col {
                    *id = std::str::from_utf8(cell.trim_ascii()).ok();
                }
                Some(len)
            }
        }
    }

    /// Binds one record's cells, then screens it or marks it bad.
    fn record(
        &mut self,
        rec: &mut Recorder<'_>,
        cells: &[&[u8]],
        line: u64,
    ) -> Result<(), AppError> {
        let rs = self.rs;
        // Valid UTF-8 (see `plain_rows`), so this borrows.
        let id: Option<&str> = self
            .id_col
            .and_then(|i| cells.get(i))
            .and_then(|s| std::str::from_utf8(s.trim_ascii()).ok());
        if cells.len() != self.columns.len() {
            let msg = format!(
                "{} fields, but the header has {}",
                cells.len(),
                self.columns.len()
            );
            return rec.bad(id, line, &msg);
        }
        // Every slot is written below when every question has a column
        // (a row stopped by a bad cell is not screened).
        if !self.all_questions {
            rec.buf.answers.fill(Answer::Unanswered);
        }
        for (c, (cell, col)) in cells.iter().zip(self.columns).enumerate() {
            let Some(qi) = *col else { continue };
            let Some(slot) = rec.buf.answers.get_mut(qi) else {
                continue;
            };
            match self.cache.parse_into(c, &rs.questions[qi], cell, slot) {
                Ok(()) => {}
                Err(msg) => {
                    let msg = format!("{}: {msg}", rs.questions[qi].id);
                    return rec.bad(id, line, &msg);
                }
            }
        }
        rec.screened(id, line)
    }
}

/// The line a record starts on. The csv crate skips empty lines before a
/// record but reports the position where skipping began (a record after a
/// blank line would be reported a line early): step over them here.
fn true_line(bytes: &[u8], p: &csv::Position) -> u64 {
    let start = usize::try_from(p.byte()).unwrap_or(usize::MAX);
    let blanks = bytes
        .get(start..)
        .map_or(0, |rest| rest.iter().take_while(|&&b| b == b'\n').count());
    p.line() + blanks as u64
}

/// Fast, exact reading of the cells a registry export is made of. The
/// common spellings are recognised directly: `yes`, `no`, `true`, `false`,
/// an empty cell, and whole numbers of digits within the question's range.
/// Choice cells (an option-id search, a split for ticks) are remembered per
/// column, since a column holds few distinct values. Anything else, and
/// every problem, goes to the engine's one parser, so the answer (and any
/// message) is always the parser's own; a property test checks the two
/// agree.
struct CellCache<'a> {
    /// What each column holds, read once from its question: the cells are
    /// read without touching the (large) question records.
    plan: Vec<Plan<'a>>,
    choices: Vec<Vec<(Box<[u8]>, Answer)>>,
}

/// How a column's cells are read.
#[derive(Debug, Clone, Copy)]
enum Plan<'a> {
    /// Not a question (the case id, a retired question).
    Other,
    YesNo,
    Number(&'a NumberSpec),
    /// A single or multiple choice.
    Choice,
}

/// Distinct choice cells kept per column; past this they are parsed each time.
const CHOICES_PER_COLUMN: usize = 32;

impl<'a> CellCache<'a> {
    fn new(rs: &'a RuleSet, columns: &[Option<usize>]) -> Self {
        let plan = columns
            .iter()
            .map(|col| match col.map(|qi| &rs.questions[qi].kind) {
                None => Plan::Other,
                Some(QuestionKind::YesNo) => Plan::YesNo,
                Some(QuestionKind::Number(spec)) => Plan::Number(spec),
                Some(QuestionKind::SingleChoice(_) | QuestionKind::MultipleChoice(_)) => {
                    Plan::Choice
                }
            })
            .collect();
        CellCache {
            plan,
            choices: vec![Vec::new(); columns.len()],
        }
    }

    #[cfg(test)]
    fn parse(&mut self, column: usize, q: &Question, cell: &str) -> Result<Answer, String> {
        let mut a = Answer::Unanswered;
        self.parse_into(column, q, cell.as_bytes(), &mut a)
            .map(|()| a)
    }

    /// Reads `cell` into `slot`. The answer is written in place, not
    /// returned: a returned `Result<Answer, _>` was built on the stack with
    /// narrow stores and copied out with one wide load, which the processor
    /// cannot forward (a stall on every cell: half of this function's time).
    fn parse_into(
        &mut self,
        column: usize,
        q: &Question,
        cell: &[u8],
        slot: &mut Answer,
    ) -> Result<(), String> {
        let plan = self.plan.get(column).copied().unwrap_or(Plan::Other);
        // Empty, or "unknown" where the question allows it, as the parser
        // reads them for every kind of question.
        match cell {
            b"" => {
                *slot = Answer::Unanswered;
                return Ok(());
            }
            b"unknown" if q.allow_unknown => {
                *slot = Answer::Unknown;
                return Ok(());
            }
            _ => {}
        }
        match plan {
            Plan::YesNo => match cell {
                b"yes" | b"true" => {
                    *slot = Answer::Yes;
                    return Ok(());
                }
                b"no" | b"false" => {
                    *slot = Answer::No;
                    return Ok(());
                }
                _ => {}
            },
            // A whole number of digits is finite and whole: only its range
            // is left to check.
            Plan::Number(spec) => {
                if let Some(v) = digits(cell)
                    && spec.in_range(v)
                {
                    *slot = Answer::Number(v);
                    return Ok(());
                }
            }
            Plan::Other => {}
            Plan::Choice => {
                if let Some(seen) = self.choices.get_mut(column) {
                    if let Some((_, a)) = seen
                        .iter()
                        .find(|(k, _)| k.len() == cell.len() && **k == *cell)
                    {
                        *slot = *a;
                        return Ok(());
                    }
                    let a = parse_text(q, as_text(cell)?)?;
                    if seen.len() < CHOICES_PER_COLUMN {
                        seen.push((cell.into(), a));
                    }
                    *slot = a;
                    return Ok(());
                }
            }
        }
        *slot = parse_text(q, as_text(cell)?)?;
        Ok(())
    }
}

/// A cell as text (always valid: see `plain_rows`).
fn as_text(cell: &[u8]) -> Result<&str, String> {
    std::str::from_utf8(cell).map_err(|_| "not valid UTF-8 text".to_string())
}

/// A cell of 1 to 15 ASCII digits as a number (exactly what `f64` parsing
/// gives for it); `None` for anything else.
fn digits(b: &[u8]) -> Option<f64> {
    if b.is_empty() || b.len() > 15 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n = b.iter().fold(0u64, |n, d| n * 10 + u64::from(d - b'0'));
    // Below 2^53, so the conversion is exact.
    #[allow(clippy::cast_precision_loss)]
    Some(n as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compile::catalog;
    use proptest::prelude::*;

    /// Screens `bytes` with the quote-free path or the csv crate's.
    fn screen(rs: &RuleSet, columns: &[Option<usize>], bytes: &[u8], plain: bool) -> Output {
        let mut w = CsvWorker::for_test(rs, columns, Some(0), false);
        if plain {
            w.block(bytes, 2)
        } else {
            // The same block with a quoted empty id on a line of its own
            // forces the csv crate; that line is then dropped from the
            // comparison by comparing only what follows it.
            w.block(&forced(columns, bytes), 1)
        }
    }

    /// `bytes` after a line with a quoted empty id and empty cells, which
    /// makes the block go through the `csv` crate.
    fn forced(columns: &[Option<usize>], bytes: &[u8]) -> Vec<u8> {
        let mut forced = b"\"\"".to_vec();
        forced.extend(std::iter::repeat_n(b',', columns.len() - 1));
        forced.push(b'\n');
        forced.extend_from_slice(bytes);
        forced
    }

    /// The output rows after the first line (the forcing line).
    fn after_first(out: &[u8]) -> &[u8] {
        match out.iter().position(|&b| b == b'\n') {
            Some(i) => &out[i + 1..],
            None => &[],
        }
    }

    /// A cell any of the test's columns might hold, valid or not.
    fn any_cell() -> impl Strategy<Value = String> {
        prop_oneof![
            prop::sample::select(vec![
                "yes",
                "no",
                "unknown",
                "",
                "",
                "nope",
                "yess",
                "n",
                "y",
                "true",
                "No",
                " no",
                "no ",
                "75",
                "0",
                "007",
                "100",
                "101",
                "1000000000000000000",
                "-1",
                "7.5",
                "75\r",
                "posterior_si",
                "lumbar",
                "posterior_sit",
                "posterior",
                "medication;bracing",
                "bracing;medication",
                "[]",
                "medication",
                "medication;medication",
                "\u{e9}",
                "x",
            ])
            .prop_map(String::from),
            "[0-9]{1,17}",
            "[a-z_;]{0,12}",
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

        /// Lines of mostly well-formed cells (so most reach the last column
        /// by the fast reader) with near misses, stray cells and missing
        /// ones, under every order of columns (so each kind, and the id, is
        /// sometimes the last): the fast reader reads them exactly as the
        /// `csv` crate's path does, the same rows, answers and messages.
        #[test]
        fn the_fast_row_reader_reads_like_the_csv_crate(
            rows in prop::collection::vec(
                (
                    prop::collection::vec((0u8..=255, any_cell()), 5..=7),
                    prop::sample::select(vec!["\n", "\r\n"]),
                ),
                0..24,
            ),
            rotate in 0usize..6,
            all_columns in any::<bool>(),
        ) {
            let rs = catalog::load("nass-2015").expect("bundled").rules;
            let q = |id: &str| rs.question_idx(id);
            // Each column with the cells it usually holds.
            let mut columns = vec![
                (None, &["c1", "case 2", ""][..]),
                (q("saddle_anaesthesia"), &["yes", "no", "", "unknown", "true"][..]),
                (q("first_block_relief_percent"), &["75", "0", "100", "", "unknown"][..]),
                (q("pain_location"), &["posterior_si", "lumbar", "", "unknown"][..]),
                (q("conservative_care_components"), &["medication;bracing", "[]", "", "medication"][..]),
                (q("block_count"), &["2", "1", "0", ""][..]),
            ];
            columns.rotate_left(rotate);
            let id_col = columns.iter().position(|(c, _)| c.is_none());
            let (columns, usual): (Vec<Option<usize>>, Vec<&[&str]>) = columns.into_iter().unzip();
            let mut text = String::new();
            for (cells, end) in &rows {
                let line: Vec<&str> = cells
                    .iter()
                    .enumerate()
                    .map(|(i, (pick, other))| match usual.get(i) {
                        // Seven in eight cells are ones their column holds.
                        Some(u) if *pick < 224 => u[usize::from(*pick) % u.len()],
                        _ => other.as_str(),
                    })
                    .collect();
                text.push_str(&line.join(","));
                text.push_str(end);
            }
            let screen = |bytes: &[u8], first: u64| {
                let mut w = CsvWorker::for_test(&rs, &columns, id_col, all_columns);
                // Twice, so the second pass reads choices it remembers.
                let _ = w.block(bytes, first);
                w.block(bytes, first)
            };
            let fast = screen(text.as_bytes(), 2);
            let crate_read = screen(&forced(&columns, text.as_bytes()), 1);
            prop_assert_eq!(
                String::from_utf8_lossy(&fast.bytes),
                String::from_utf8_lossy(after_first(&crate_read.bytes))
            );
            prop_assert_eq!(&fast.bad, &crate_read.bad);
        }

        /// The fast cell reader gives exactly the engine parser's answer or
        /// message, for every question of the bundled rule set.
        #[test]
        fn fast_cells_read_like_the_parser(
            qi in 0usize..40,
            cell in prop_oneof![
                prop::sample::select(vec![
                    "yes", "no", "true", "false", "", "unknown", "Yes", " yes", "0", "007", "10", "100",
                    "101", "1000000000000000", "75%", "7.5", "-1", "posterior_si", "[]",
                    "medication;bracing", "medication;medication", "x",
                ]).prop_map(String::from),
                "[0-9]{1,17}",
                "[a-z_;]{0,20}",
            ],
        ) {
            let rs = catalog::load("nass-2015").expect("bundled").rules;
            let q = &rs.questions[qi % rs.questions.len()];
            let mut cache = CellCache::new(&rs, &[Some(qi % rs.questions.len())]);
            // Twice: the second read may come from what the first remembered.
            for _ in 0..2 {
                prop_assert_eq!(cache.parse(0, q, &cell), parse_text(q, &cell));
            }
        }

        /// Without quotes, splitting by hand reads exactly what the csv
        /// crate reads: the same rows, ids, line numbers, bad rows
        /// (including invalid UTF-8, short rows and empty lines).
        #[test]
        fn the_quote_free_path_reads_like_the_csv_crate(
            pieces in prop::collection::vec(prop::sample::select(vec![
                "yes", "no", "unknown", "", ",", ",", ",", "\n", "\n", "\r\n", "\r", "x", "7", " ", "\u{e9}", "\u{ff}",
                "nope", "yess", "true", "75", "007", "101", "1000000000000000000", "-1", "7.5",
                "posterior_si", "lumbar", "posterior_sit", "medication;bracing", "bracing;medication", "[]",
                "medication", "medication;medication",
            ]), 0..80),
            invalid in any::<bool>(),
        ) {
            let rs = catalog::load("nass-2015").expect("bundled").rules;
            let q = |id: &str| rs.question_idx(id);
            // Every kind of column the fast reader knows, and the id.
            let columns = [
                None,
                q("saddle_anaesthesia"),
                q("bladder_bowel_dysfunction"),
                q("first_block_relief_percent"),
                q("pain_location"),
                q("conservative_care_components"),
            ];
            let mut bytes: Vec<u8> = pieces.concat().into_bytes();
            if invalid && !bytes.is_empty() {
                let at = bytes.len() / 2;
                bytes.insert(at, 0xff);
            }
            let plain = screen(&rs, &columns, &bytes, true);
            let crate_read = screen(&rs, &columns, &bytes, false);
            prop_assert_eq!(
                String::from_utf8_lossy(&plain.bytes),
                String::from_utf8_lossy(after_first(&crate_read.bytes))
            );
            prop_assert_eq!(&plain.bad, &crate_read.bad);
            prop_assert_eq!(plain.tally.cases, crate_read.tally.cases - 1);
        }
    }
}

#[cfg(test)]
mod line_tests {
    use super::*;
    use crate::compile::catalog;

    /// The usual cells are read by the fast reader (not only by the
    /// fallback, which would pass the comparisons too), and it leaves the
    /// rest to the fallback.
    #[test]
    fn usual_lines_take_the_fast_reader() {
        let rs = catalog::load("nass-2015").expect("bundled").rules;
        let q = |id: &str| rs.question_idx(id);
        let columns = [
            None,
            q("saddle_anaesthesia"),
            q("first_block_relief_percent"),
            q("pain_location"),
            q("conservative_care_components"),
        ];
        let mut w = CsvWorker::for_test(&rs, &columns, Some(0), false);
        let mut answers = vec![Answer::Unanswered; rs.questions.len()];
        let line = b"c1,yes,75,posterior_si,medication;bracing";
        // Twice: the second time the choices are remembered.
        for _ in 0..2 {
            assert_eq!(w.fast_row(line, &mut answers), Some(Some("c1")));
            let at = |id: &str| answers[q(id).expect("question")];
            assert_eq!(at("saddle_anaesthesia"), Answer::Yes);
            assert_eq!(at("first_block_relief_percent"), Answer::Number(75.0));
            assert!(matches!(at("pain_location"), Answer::Choice(_)));
            assert!(matches!(
                at("conservative_care_components"),
                Answer::Multi(_)
            ));
        }
        for other in [
            &b"c1,yes,75,posterior_si"[..],
            b"c1,yes,75,posterior_si,medication,x",
            b"c1,yess,75,posterior_si,[]",
            b"c1,yes,101,posterior_si,[]",
        ] {
            assert_eq!(
                w.fast_row(other, &mut answers),
                None,
                "{:?}",
                String::from_utf8_lossy(other)
            );
        }
    }

    /// A record after blank lines is reported on its own line, quoted or not.
    #[test]
    fn records_after_blank_lines_keep_their_line_numbers() {
        let rs = catalog::load("nass-2015").expect("bundled").rules;
        let columns = [None, rs.question_idx("saddle_anaesthesia")];
        for block in [&b"a,no\n\n\nb,yes\n"[..], &b"\"a\",no\n\n\n\"b\",yes\n"[..]] {
            let mut w = CsvWorker::for_test(&rs, &columns, Some(0), false);
            let out = String::from_utf8(w.block(block, 10).bytes).expect("utf8");
            assert!(out.starts_with("a,10,"), "{out}");
            assert!(out.contains("\nb,13,red_flag"), "{out}");
        }
    }
}
