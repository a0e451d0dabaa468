//! Result rows: one per case, in CSV or JSON Lines.
//!
//! Every row has exactly the header's fields, whatever went wrong with the
//! case: a row without an id gets an empty id, a bad row gets empty criteria
//! and its error. CSV is written by the `csv` crate's writer, which also
//! refuses a row of another length, so a value can never land under its
//! neighbour's column.

use std::borrow::Cow;
use std::io::{self, Write};

use super::OutputFormat;
use crate::diagnostics::inert;
use crate::engine::{Outcome, QuestionIdx, RuleSet, Tri};

/// A text cell from the input (a case id, a message quoting a value) made
/// safe to show: control characters become visible escapes, as everywhere
/// else the tool prints file text, since CSV rows often go straight to a
/// terminal; and a cell starting with `=`, `+`, `-`, `@` or a tab would be
/// read as a formula by a spreadsheet, so it gets a leading `'` (as OWASP
/// advises for CSV injection). JSON Lines needs neither: JSON escapes
/// control characters and is not opened as a spreadsheet.
pub fn spreadsheet_safe(s: &str) -> Cow<'_, str> {
    let s = inert(s);
    match s.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t') => format!("'{s}").into(),
        _ => s,
    }
}

/// Where result rows go: rows are formatted into a buffer that is written
/// out in large pieces.
///
/// CSV rows whose every field is plain (no `,`, `"`, `\r` or `\n`, which is
/// every field the tool writes but ids and messages from the input) are
/// written directly; any other row goes through the `csv` crate's writer,
/// so quoting is the crate's own and the output is the same either way (a
/// test compares the two on awkward ids).
pub(super) struct RowWriter<'a> {
    format: OutputFormat,
    /// Where full buffers go; `None`: the rows stay in `buf` (a block's
    /// output, handed over whole, so rows are not copied twice).
    out: Option<&'a mut dyn Write>,
    buf: Vec<u8>,
    /// JSON Lines: `"criterion_id":` for each criterion, escaped once.
    keys: Vec<Vec<u8>>,
}

/// Written out when the buffer passes this size.
const FLUSH_AT: usize = 64 * 1024;

/// Whether the csv crate would write `s` as it is (no quoting needed).
fn plain(s: &[u8]) -> bool {
    !s.iter().any(|b| matches!(b, b',' | b'"' | b'\r' | b'\n'))
}

const fn tri_json(h: Tri) -> &'static [u8] {
    match h {
        Tri::True => b"true",
        Tri::False => b"false",
        Tri::Unknown => b"null",
    }
}

impl<'a> RowWriter<'a> {
    pub(super) fn new(format: OutputFormat, out: &'a mut dyn Write) -> Self {
        RowWriter {
            format,
            out: Some(out),
            buf: Vec::with_capacity(FLUSH_AT + 4096),
            keys: Vec::new(),
        }
    }

    /// A writer whose rows stay in memory, taken with [`Self::into_bytes`].
    pub(super) fn in_memory(format: OutputFormat, capacity: usize) -> Self {
        RowWriter {
            format,
            out: None,
            buf: Vec::with_capacity(capacity),
            keys: Vec::new(),
        }
    }

    /// The rows written (all of them, for an in-memory writer).
    pub(super) fn into_bytes(self) -> Vec<u8> {
        self.buf
    }

    /// The header (CSV only): case id (when the input has one), line,
    /// outcome, one column per criterion, error.
    pub(super) fn header(&mut self, rs: &RuleSet, with_id: bool) -> io::Result<()> {
        if self.format != OutputFormat::Csv {
            return Ok(());
        }
        let mut fields: Vec<&str> = Vec::new();
        if with_id {
            fields.push("case_id");
        }
        fields.extend(["line", "outcome"]);
        fields.extend(rs.criteria.iter().map(|c| c.id.as_str()));
        fields.push("error");
        self.csv_record(&fields)
    }

    /// One record through the csv crate's writer (quoting as it does).
    fn csv_record(&mut self, fields: &[&str]) -> io::Result<()> {
        let mut w = csv::WriterBuilder::new()
            .flexible(false)
            .from_writer(&mut self.buf);
        w.write_record(fields).map_err(io::Error::from)?;
        w.flush()?;
        drop(w);
        self.spill()
    }

    fn spill(&mut self) -> io::Result<()> {
        if self.buf.len() >= FLUSH_AT
            && let Some(out) = &mut self.out
        {
            out.write_all(&self.buf)?;
            self.buf.clear();
        }
        Ok(())
    }

    pub(super) fn row(
        &mut self,
        rs: &RuleSet,
        id: Option<Option<&str>>,
        line: u64,
        result: Result<(Outcome, &[Tri], &[QuestionIdx]), &str>,
    ) -> io::Result<()> {
        match self.format {
            OutputFormat::Csv => self.csv_row(rs, id, line, result),
            OutputFormat::Jsonl => self.json_row(rs, id, line, result),
        }
    }

    fn csv_row(
        &mut self,
        rs: &RuleSet,
        id: Option<Option<&str>>,
        line: u64,
        result: Result<(Outcome, &[Tri], &[QuestionIdx]), &str>,
    ) -> io::Result<()> {
        let id = id.map(|i| spreadsheet_safe(i.unwrap_or("")));
        let msg = result.err().map(spreadsheet_safe);
        let fast = id.as_ref().is_none_or(|i| plain(i.as_bytes()))
            && msg.as_ref().is_none_or(|m| plain(m.as_bytes()));
        if !fast {
            let mut line_text = itoa::Buffer::new();
            let mut fields: Vec<&str> = Vec::with_capacity(rs.criteria.len() + 4);
            if let Some(id) = &id {
                fields.push(id);
            }
            fields.push(line_text.format(line));
            match result {
                Ok((outcome, holds, _)) => {
                    fields.push(outcome.as_str());
                    fields.extend(holds.iter().map(|h| match h {
                        Tri::True => "true",
                        Tri::False => "false",
                        Tri::Unknown => "",
                    }));
                    fields.push("");
                }
                Err(_) => {
                    fields.push("error");
                    fields.extend(rs.criteria.iter().map(|_| ""));
                    fields.push(msg.as_deref().unwrap_or(""));
                }
            }
            return self.csv_record(&fields);
        }
        let b = &mut self.buf;
        if let Some(id) = &id {
            b.extend_from_slice(id.as_bytes());
            b.push(b',');
        }
        b.extend_from_slice(itoa::Buffer::new().format(line).as_bytes());
        b.push(b',');
        match result {
            Ok((outcome, holds, _)) => {
                // Literals of fixed length per arm: copied inline, where a
                // slice of varying length was a call to memcpy per field.
                match outcome {
                    Outcome::RedFlag => b.extend_from_slice(b"red_flag"),
                    Outcome::Excluded => b.extend_from_slice(b"excluded"),
                    Outcome::NotMet => b.extend_from_slice(b"not_met"),
                    Outcome::Incomplete => b.extend_from_slice(b"incomplete"),
                    Outcome::Met => b.extend_from_slice(b"met"),
                }
                for &h in holds {
                    match h {
                        Tri::True => b.extend_from_slice(b",true"),
                        Tri::False => b.extend_from_slice(b",false"),
                        Tri::Unknown => b.push(b','),
                    }
                }
                b.extend_from_slice(b",\n");
            }
            Err(_) => {
                b.extend_from_slice(b"error");
                for _ in &rs.criteria {
                    b.push(b',');
                }
                b.push(b',');
                b.extend_from_slice(msg.as_deref().unwrap_or("").as_bytes());
                b.push(b'\n');
            }
        }
        self.spill()
    }

    fn json_row(
        &mut self,
        rs: &RuleSet,
        id: Option<Option<&str>>,
        line: u64,
        result: Result<(Outcome, &[Tri], &[QuestionIdx]), &str>,
    ) -> io::Result<()> {
        if self.keys.len() != rs.criteria.len() {
            self.keys = rs
                .criteria
                .iter()
                .map(|c| {
                    let mut k = serde_json::to_vec(&c.id).unwrap_or_default();
                    k.push(b':');
                    k
                })
                .collect();
        }
        let b = &mut self.buf;
        b.push(b'{');
        if let Some(id) = id {
            b.extend_from_slice(b"\"case_id\":");
            serde_json::to_writer(&mut *b, &id)?;
            b.push(b',');
        }
        b.extend_from_slice(b"\"line\":");
        b.extend_from_slice(itoa::Buffer::new().format(line).as_bytes());
        b.push(b',');
        match result {
            Ok((outcome, holds, not_asked)) => {
                b.extend_from_slice(b"\"outcome\":\"");
                b.extend_from_slice(outcome.as_str().as_bytes());
                b.extend_from_slice(b"\",\"criteria\":{");
                for (i, (key, &h)) in self.keys.iter().zip(holds).enumerate() {
                    if i > 0 {
                        b.push(b',');
                    }
                    b.extend_from_slice(key);
                    b.extend_from_slice(tri_json(h));
                }
                b.push(b'}');
                // Answers skip logic set aside: said on the row (only
                // when there are some), never dropped without a word.
                if !not_asked.is_empty() {
                    b.extend_from_slice(b",\"recorded_not_asked\":[");
                    for (i, &q) in not_asked.iter().enumerate() {
                        if i > 0 {
                            b.push(b',');
                        }
                        serde_json::to_writer(&mut *b, &rs.questions[q].id)?;
                    }
                    b.push(b']');
                }
                b.extend_from_slice(b"}\n");
            }
            Err(msg) => {
                b.extend_from_slice(b"\"outcome\":\"error\",\"error\":");
                serde_json::to_writer(&mut *b, msg)?;
                b.extend_from_slice(b"}\n");
            }
        }
        self.spill()
    }

    pub(super) fn flush(&mut self) -> io::Result<()> {
        let Some(out) = &mut self.out else {
            return Ok(());
        };
        out.write_all(&self.buf)?;
        self.buf.clear();
        out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compile::catalog;

    /// The CSV row spells each outcome as `Outcome::as_str` does (it
    /// writes them as literals, for speed), and each value as the header
    /// promises.
    #[test]
    fn csv_rows_spell_outcomes_as_the_engine_does() {
        let rs = catalog::load("nass-2015").expect("bundled").rules;
        let holds = vec![Tri::True; rs.criteria.len()];
        for outcome in Outcome::ALL {
            let mut w = RowWriter::in_memory(OutputFormat::Csv, 256);
            w.row(&rs, None, 7, Ok((outcome, &holds, &[])))
                .expect("row");
            let row = String::from_utf8(w.into_bytes()).expect("utf8");
            let want = format!("7,{}{},\n", outcome.as_str(), ",true".repeat(holds.len()));
            assert_eq!(row, want);
        }
    }

    #[test]
    fn formulas_are_neutralised() {
        assert_eq!(spreadsheet_safe("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(spreadsheet_safe("+1"), "'+1");
        assert_eq!(spreadsheet_safe("-2"), "'-2");
        assert_eq!(spreadsheet_safe("@cmd"), "'@cmd");
        assert_eq!(spreadsheet_safe("case-1"), "case-1");
        assert_eq!(spreadsheet_safe("\u{1b}[2Jc\u{7}"), "\\u{1b}[2Jc\\u{7}");
        assert_eq!(spreadsheet_safe("\r=1"), "\\u{d}=1");
    }
}
