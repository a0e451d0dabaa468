//! Reading blocks of CSV records into cases: a block without quotes line
//! by line and cell by cell by hand (see [`super::fast`]), any other block
//! through the `csv` crate.

use super::Header;
use super::cells::CellCache;
use crate::engine::{Answer, RuleSet};
use crate::rows::split;
use crate::rows::{BlockReader, RowError, RowSink};

/// Reads blocks of CSV records whose columns a [`Header`] mapped.
#[derive(Debug)]
pub struct CsvRows<'a> {
    pub(super) rs: &'a RuleSet,
    pub(super) columns: &'a [Option<usize>],
    pub(super) id_col: Option<usize>,
    pub(super) cache: CellCache<'a>,
    /// Whether every question of the rule set has a column.
    pub(super) all_questions: bool,
}

impl<'a> CsvRows<'a> {
    pub fn new(rs: &'a RuleSet, header: &'a Header) -> Self {
        Self::with_columns(rs, &header.columns, header.id_col, header.all_questions)
    }

    /// A reader for `columns` (as a header maps them).
    pub(super) fn with_columns(
        rs: &'a RuleSet,
        columns: &'a [Option<usize>],
        id_col: Option<usize>,
        all_questions: bool,
    ) -> Self {
        CsvRows {
            rs,
            columns,
            id_col,
            cache: CellCache::new(rs, columns),
            all_questions,
        }
    }
}

impl BlockReader for CsvRows<'_> {
    fn read_block<S: RowSink>(
        &mut self,
        sink: &mut S,
        bytes: &[u8],
        first_line: u64,
    ) -> Result<(), S::Stop> {
        self.rows(sink, bytes, first_line)
    }
}

impl CsvRows<'_> {
    /// Screens every record of a block. A block without any `"` is split
    /// by hand (every `\n` ends a record, every `,` a field: exactly what
    /// the csv crate does without quotes, which a property test checks);
    /// any other block goes through the csv crate.
    fn rows<S: RowSink>(
        &mut self,
        rec: &mut S,
        bytes: &[u8],
        first_line: u64,
    ) -> Result<(), S::Stop> {
        if memchr::memchr(b'"', bytes).is_none() {
            return self.plain_rows(rec, bytes, first_line);
        }
        let mut csv = ::csv::ReaderBuilder::new()
            .flexible(true)
            .has_headers(false)
            .terminator(::csv::Terminator::Any(b'\n'))
            .from_reader(bytes);
        let mut record = ::csv::StringRecord::new();
        let global = |local: u64| first_line + local - 1;
        loop {
            let line = csv.position().line();
            match csv.read_record(&mut record) {
                Ok(false) => return Ok(()),
                Ok(true) => {}
                Err(e) => {
                    let line = e.position().map_or(line, |p| true_line(bytes, p));
                    let error = match e.kind() {
                        ::csv::ErrorKind::Utf8 { .. } => RowError::NotUtf8,
                        _ => RowError::Csv(e.to_string()),
                    };
                    rec.bad(None, global(line), error)?;
                    continue;
                }
            }
            let line = global(record.position().map_or(line, |p| true_line(bytes, p)));
            let cells: Vec<&[u8]> = record.iter().map(str::as_bytes).collect();
            self.record(rec, &cells, line)?;
        }
    }

    /// The quote-free path: lines by `\n`, cells by `,`.
    fn plain_rows<S: RowSink>(
        &mut self,
        rec: &mut S,
        bytes: &[u8],
        first_line: u64,
    ) -> Result<(), S::Stop> {
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
                rec.bad(None, this, RowError::NotUtf8)?;
                continue;
            }
            if let Some(id) = self.fast_row(raw, rec.answers()) {
                rec.case(id, this)?;
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

    /// Binds one record's cells, then screens it or marks it bad.
    pub(super) fn record<S: RowSink>(
        &mut self,
        rec: &mut S,
        cells: &[&[u8]],
        line: u64,
    ) -> Result<(), S::Stop> {
        let rs = self.rs;
        // Valid UTF-8 (see `plain_rows`), so this borrows.
        let id: Option<&str> = self
            .id_col
            .and_then(|i| cells.get(i))
            .and_then(|s| std::str::from_utf8(s.trim_ascii()).ok());
        if cells.len() != self.columns.len() {
            let error = RowError::FieldCount {
                found: cells.len(),
                expected: self.columns.len(),
            };
            return rec.bad(id, line, error);
        }
        // Every slot is written below when every question has a column
        // (a row stopped by a bad cell is not screened).
        if !self.all_questions {
            rec.answers().fill(Answer::Unanswered);
        }
        for (c, (cell, col)) in cells.iter().zip(self.columns).enumerate() {
            let Some(qi) = *col else { continue };
            let Some(slot) = rec.answers().get_mut(qi) else {
                continue;
            };
            if let Err(e) = self.cache.parse_into(c, &rs.questions[qi], cell, slot) {
                return rec.bad(id, line, RowError::answer(&rs.questions[qi].id, e));
            }
        }
        rec.case(id, line)
    }
}

/// The line a record starts on. The csv crate skips empty lines before a
/// record but reports the position where skipping began (a record after a
/// blank line would be reported a line early): step over them here.
fn true_line(bytes: &[u8], p: &::csv::Position) -> u64 {
    let start = usize::try_from(p.byte()).unwrap_or(usize::MAX);
    let blanks = bytes
        .get(start..)
        .map_or(0, |rest| rest.iter().take_while(|&&b| b == b'\n').count());
    p.line() + blanks as u64
}
