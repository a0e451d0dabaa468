//! Result rows: one per case, in CSV or JSON Lines, written into a reused
//! buffer; and the recorder every input format hands its rows to.

use std::io::{self, Write};

use super::{Sink, Tally};
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
pub(super) struct RowWriter {
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
    pub(super) fn new(format: BatchFormat) -> Self {
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
    pub(super) rows: RowWriter,
    pub(super) buf: Buffers,
    pub(super) sink: &'a mut Sink,
    pub(super) tally: &'a mut Tally,
    pub(super) on_bad: &'a mut dyn FnMut(u64, &str) -> Result<(), AppError>,
}

impl Recorder<'_> {
    pub(super) fn header(&mut self, with_id: bool) -> Result<(), AppError> {
        self.rows
            .header(self.sink.writer(), &header(self.rs, with_id))
    }

    /// Screens the case in `self.buf.answers` and writes its row.
    pub(super) fn screened(&mut self, id: Option<&str>, line: u64) -> Result<(), AppError> {
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
    pub(super) fn bad(&mut self, id: Option<&str>, line: u64, msg: &str) -> Result<(), AppError> {
        self.tally.bad += 1;
        (self.on_bad)(line, msg)?;
        self.rows
            .row(self.sink.writer(), self.rs, id, line, Err(msg))
    }
}
