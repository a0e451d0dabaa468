//! Result rows: one per case, in CSV or JSON Lines; and the recorder every
//! input format hands its rows to.
//!
//! Every row has exactly the header's fields, whatever went wrong with the
//! case: a row without an id gets an empty id, a bad row gets empty criteria
//! and its error. CSV is written by the `csv` crate's writer, which also
//! refuses a row of another length, so a value can never land under its
//! neighbour's column.

use std::io::{self, Write};

use super::Tally;
use crate::cli::exit::AppError;
use crate::cli::request::BatchFormat;
use crate::engine::{Answer, Outcome, RuleSet, Tri};
use crate::report::is_adverse;

pub(super) fn write_err(e: io::Error) -> AppError {
    AppError::Write {
        path: "output".into(),
        source: e,
    }
}

fn csv_err(e: csv::Error) -> AppError {
    match e.into_kind() {
        csv::ErrorKind::Io(io) => write_err(io),
        other => write_err(io::Error::other(format!("{other:?}"))),
    }
}

/// A text cell made safe to open in a spreadsheet: one starting with `=`,
/// `+`, `-`, `@`, a tab or a carriage return would be read as a formula, so
/// it gets a leading `'` (as OWASP advises for CSV injection).
pub(super) fn spreadsheet_safe(s: &str) -> std::borrow::Cow<'_, str> {
    match s.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => format!("'{s}").into(),
        _ => s.into(),
    }
}

/// Where result rows go.
pub(super) enum RowWriter<'a> {
    Csv(Box<csv::Writer<&'a mut dyn Write>>),
    Jsonl {
        out: &'a mut dyn Write,
        buf: Vec<u8>,
    },
}

impl<'a> RowWriter<'a> {
    pub(super) fn new(format: BatchFormat, out: &'a mut dyn Write) -> Self {
        match format {
            BatchFormat::Csv => RowWriter::Csv(Box::new(
                csv::WriterBuilder::new()
                    .flexible(false)
                    .buffer_capacity(64 * 1024)
                    .from_writer(out),
            )),
            BatchFormat::Jsonl => RowWriter::Jsonl {
                out,
                buf: Vec::with_capacity(1024),
            },
        }
    }

    /// The header (CSV only): case id (when the input has one), line,
    /// outcome, one column per criterion, error.
    fn header(&mut self, rs: &RuleSet, with_id: bool) -> Result<(), AppError> {
        let RowWriter::Csv(w) = self else {
            return Ok(());
        };
        if with_id {
            w.write_field("case_id").map_err(csv_err)?;
        }
        w.write_field("line").map_err(csv_err)?;
        w.write_field("outcome").map_err(csv_err)?;
        for c in &rs.criteria {
            w.write_field(&c.id).map_err(csv_err)?;
        }
        w.write_field("error").map_err(csv_err)?;
        w.write_record(None::<&[u8]>).map_err(csv_err)
    }

    fn row(
        &mut self,
        rs: &RuleSet,
        id: Option<Option<&str>>,
        line: u64,
        result: Result<(Outcome, &[Tri]), &str>,
    ) -> Result<(), AppError> {
        match self {
            RowWriter::Csv(w) => {
                if let Some(id) = id {
                    w.write_field(spreadsheet_safe(id.unwrap_or("")).as_bytes())
                        .map_err(csv_err)?;
                }
                w.write_field(line.to_string()).map_err(csv_err)?;
                match result {
                    Ok((outcome, holds)) => {
                        w.write_field(outcome.as_str()).map_err(csv_err)?;
                        for h in holds {
                            w.write_field(match h {
                                Tri::True => "true",
                                Tri::False => "false",
                                Tri::Unknown => "",
                            })
                            .map_err(csv_err)?;
                        }
                        w.write_field("").map_err(csv_err)?;
                    }
                    Err(msg) => {
                        w.write_field("error").map_err(csv_err)?;
                        for _ in &rs.criteria {
                            w.write_field("").map_err(csv_err)?;
                        }
                        w.write_field(spreadsheet_safe(msg).as_bytes())
                            .map_err(csv_err)?;
                    }
                }
                w.write_record(None::<&[u8]>).map_err(csv_err)
            }
            RowWriter::Jsonl { out, buf } => {
                let b = buf;
                b.clear();
                b.push(b'{');
                if let Some(id) = id {
                    b.extend_from_slice(b"\"case_id\":");
                    serde_json::to_writer(&mut *b, &id).map_err(|e| write_err(e.into()))?;
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
                out.write_all(b).map_err(write_err)
            }
        }
    }

    pub(super) fn flush(&mut self) -> Result<(), AppError> {
        match self {
            RowWriter::Csv(w) => w.flush().map_err(write_err),
            RowWriter::Jsonl { out, .. } => out.flush().map_err(write_err),
        }
    }
}

/// Reusable per-row buffers.
pub(super) struct Buffers {
    pub(super) answers: Vec<Answer>,
    asked: Vec<bool>,
    holds: Vec<Tri>,
}

impl Buffers {
    pub(super) fn new(rs: &RuleSet) -> Self {
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
                h if is_adverse(c.kind, *h) => t.0 += 1,
                _ => {}
            }
        }
        outcome
    }
}

/// Where every row ends: screened and written, or counted, reported and
/// written as bad. Both input formats go through it.
pub(super) struct Recorder<'a> {
    pub(super) rs: &'a RuleSet,
    pub(super) rows: RowWriter<'a>,
    pub(super) buf: Buffers,
    pub(super) tally: &'a mut Tally,
    pub(super) on_bad: &'a mut dyn FnMut(u64, &str) -> Result<(), AppError>,
    /// Whether the output has a case-id column (decided by the header).
    with_id: bool,
}

impl<'a> Recorder<'a> {
    pub(super) fn new(
        rs: &'a RuleSet,
        rows: RowWriter<'a>,
        tally: &'a mut Tally,
        on_bad: &'a mut dyn FnMut(u64, &str) -> Result<(), AppError>,
    ) -> Self {
        Recorder {
            rs,
            rows,
            buf: Buffers::new(rs),
            tally,
            on_bad,
            with_id: false,
        }
    }

    /// Writes the header; from now on every row has a case-id field exactly
    /// when `with_id`.
    pub(super) fn header(&mut self, with_id: bool) -> Result<(), AppError> {
        self.with_id = with_id;
        self.rows.header(self.rs, with_id)
    }

    fn id<'i>(&self, id: Option<&'i str>) -> Option<Option<&'i str>> {
        self.with_id.then_some(id)
    }

    /// Screens the case in `self.buf.answers` and writes its row.
    pub(super) fn screened(&mut self, id: Option<&str>, line: u64) -> Result<(), AppError> {
        let outcome = self.buf.evaluate(self.rs, self.tally);
        let id = self.id(id);
        self.rows
            .row(self.rs, id, line, Ok((outcome, &self.buf.holds)))
    }

    /// Counts, reports and writes a row that could not be screened.
    pub(super) fn bad(&mut self, id: Option<&str>, line: u64, msg: &str) -> Result<(), AppError> {
        self.tally.bad += 1;
        (self.on_bad)(line, msg)?;
        let id = self.id(id);
        self.rows.row(self.rs, id, line, Err(msg))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised() {
        assert_eq!(spreadsheet_safe("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(spreadsheet_safe("+1"), "'+1");
        assert_eq!(spreadsheet_safe("-2"), "'-2");
        assert_eq!(spreadsheet_safe("@cmd"), "'@cmd");
        assert_eq!(spreadsheet_safe("case-1"), "case-1");
    }
}
