//! CSV input: a header row of question ids, one case per row. [`Header`]
//! reads the header and maps its columns; [`CsvRows`] reads blocks of
//! records into cases.

mod cells;
mod fast;
mod records;
#[cfg(test)]
mod tests;

use std::io::Read;

pub use self::records::CsvRows;
use super::limits::MAX_RECORD_BYTES;
use super::{DEFAULT_ID_COLUMNS, split};
use crate::diagnostics::{Diagnostic, FileId, Span, inert, suggest};
use crate::engine::RuleSet;

/// The header row, mapped onto the rule set.
#[derive(Debug)]
pub struct Header {
    /// Per column, the question it answers (`None`: the id, a retired
    /// question).
    pub columns: Vec<Option<usize>>,
    /// The case-id column.
    pub id_col: Option<usize>,
    /// Whether every question of the rule set has a column.
    pub all_questions: bool,
    /// Columns of questions this rule set no longer asks: name and why.
    pub retired: Vec<(String, String)>,
    /// Bytes read past the header: the start of the first block.
    pub rest: Vec<u8>,
    /// The line `rest` starts on.
    pub first_line: u64,
}

/// Why the header could not be used.
#[derive(Debug, thiserror::Error)]
pub enum HeaderError {
    /// A problem with the header row, at its place.
    #[error("{}", .0.message)]
    Invalid(Box<Diagnostic>),
    #[error(transparent)]
    Read(std::io::Error),
}

fn invalid(line: u64, col: u64, msg: String) -> HeaderError {
    HeaderError::Invalid(Box::new(Diagnostic::error(
        Span::at(FileId::MAIN, line, col),
        msg,
    )))
}

impl Header {
    /// Reads the header record from `reader` (quote-aware, up to the record
    /// limit) and maps its columns: `id_column` names the case-id column,
    /// else `case_id` or `id` when no question has that name.
    pub fn read(
        rs: &RuleSet,
        reader: &mut impl Read,
        id_column: Option<&str>,
    ) -> Result<Header, HeaderError> {
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
                Err(e) => return Err(HeaderError::Read(e)),
            }
        };
        let rest = head.split_off(header_end);
        let first_line = 1 + split::line_breaks(&head);
        // Records end at `\n` only: with the default (`\r`, `\n` or `\r\n`)
        // the reader counts a CRLF file's lines one short. A `\r` left at
        // the end of a row's last cell is trimmed like any other space.
        let mut csv = ::csv::ReaderBuilder::new()
            .flexible(true)
            .has_headers(true)
            .terminator(::csv::Terminator::Any(b'\n'))
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
        let mut columns: Vec<Option<usize>> = Vec::with_capacity(headers.len());
        let mut taken = vec![false; rs.questions.len()];
        let mut id_col = None;
        let mut unknown = Vec::new();
        let mut retired = Vec::new();
        for (i, h) in headers.iter().enumerate() {
            let h = h.trim();
            let is_id = match id_column {
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
                retired.push((h.to_string(), why.to_string()));
                columns.push(None);
            } else {
                let hint = suggest::did_you_mean(h, rs.questions.iter().map(|q| q.id.as_str()));
                unknown.push(format!("'{}'{hint}", inert(h)));
                columns.push(None);
            }
        }
        if let Some(name) = id_column
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
        Ok(Header {
            columns,
            id_col,
            all_questions: taken.iter().all(|&t| t),
            retired,
            rest,
            first_line,
        })
    }
}
