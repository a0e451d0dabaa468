//! Where every row a reader reads ends: screened and written, or counted
//! and written as bad. One [`Screener`] per worker thread.

use std::io;

use super::OutputFormat;
use super::Tally;
use super::pipeline::{BadRow, Output, Worker};
use super::writer::RowWriter;
use crate::engine::{Answer, Outcome, QuestionIdx, RuleSet, Tri};
use crate::rows::{BlockReader, RowError, RowSink};

/// Reusable per-row buffers.
struct Buffers {
    answers: Vec<Answer>,
    holds: Vec<Tri>,
    /// Questions whose recorded answers skip logic set aside.
    not_asked: Vec<QuestionIdx>,
}

impl Buffers {
    fn new(rs: &RuleSet) -> Self {
        Buffers {
            answers: vec![Answer::Unanswered; rs.questions.len()],
            holds: vec![Tri::Unknown; rs.criteria.len()],
            not_asked: Vec::new(),
        }
    }

    fn evaluate(&mut self, rs: &RuleSet, tally: &mut Tally) -> Outcome {
        let outcome =
            rs.evaluate_criteria_into(&mut self.answers, &mut self.holds, &mut self.not_asked);
        tally.cases += 1;
        for &q in &self.not_asked {
            tally.not_asked[q] += 1;
        }
        tally.outcomes[outcome as usize] += 1;
        for (&h, t) in self.holds.iter().zip(&mut tally.criteria) {
            t[h as usize] += 1;
        }
        outcome
    }
}

/// Why a block stopped early.
enum Halt {
    /// `strict`: at its first bad row.
    Strict,
    /// Formatting a row failed.
    Write(io::Error),
}

/// The sink a reader fills for one block: screens each case and writes its
/// row into the block's output.
struct Recorder<'a> {
    rs: &'a RuleSet,
    rows: RowWriter<'a>,
    buf: &'a mut Buffers,
    tally: Tally,
    bad: Vec<BadRow>,
    strict: bool,
    /// Whether the output has a case-id column (decided by the header).
    with_id: bool,
}

impl Recorder<'_> {
    fn id<'i>(&self, id: Option<&'i str>) -> Option<Option<&'i str>> {
        self.with_id.then_some(id)
    }
}

impl RowSink for Recorder<'_> {
    type Stop = Halt;

    fn answers(&mut self) -> &mut [Answer] {
        &mut self.buf.answers
    }

    /// Screens the case in the answers buffer and writes its row.
    fn case(&mut self, id: Option<&str>, line: u64) -> Result<(), Halt> {
        let outcome = self.buf.evaluate(self.rs, &mut self.tally);
        let id = self.id(id);
        self.rows
            .row(
                self.rs,
                id,
                line,
                Ok((outcome, &self.buf.holds, &self.buf.not_asked)),
            )
            .map_err(Halt::Write)
    }

    /// Counts and writes a row that could not be screened (under
    /// `strict`, stops the block instead of writing it).
    fn bad(&mut self, id: Option<&str>, line: u64, error: RowError) -> Result<(), Halt> {
        self.tally.bad += 1;
        if self.strict {
            self.bad.push((line, error));
            return Err(Halt::Strict);
        }
        let id = self.id(id);
        let message = error.to_string();
        self.bad.push((line, error));
        self.rows
            .row(self.rs, id, line, Err(&message))
            .map_err(Halt::Write)
    }
}

/// Reads, screens and formats blocks: one per worker thread, with its own
/// reader (which remembers what it has seen) and buffers.
pub struct Screener<'a, R> {
    rs: &'a RuleSet,
    format: OutputFormat,
    strict: bool,
    with_id: bool,
    reader: R,
    buf: Buffers,
}

impl<'a, R: BlockReader> Screener<'a, R> {
    pub fn new(
        rs: &'a RuleSet,
        format: OutputFormat,
        strict: bool,
        with_id: bool,
        reader: R,
    ) -> Self {
        Screener {
            rs,
            format,
            strict,
            with_id,
            reader,
            buf: Buffers::new(rs),
        }
    }
}

impl<R: BlockReader> Worker for Screener<'_, R> {
    /// Screens one block into its own output. Bad rows are collected (under
    /// `strict`, the first stops the block, and is not written); the rows
    /// before a stop are kept, as a single pass would write them.
    fn block(&mut self, bytes: &[u8], first_line: u64) -> Output {
        let mut rec = Recorder {
            rs: self.rs,
            rows: RowWriter::in_memory(self.format, bytes.len()),
            buf: &mut self.buf,
            tally: Tally::new(self.rs),
            bad: Vec::new(),
            strict: self.strict,
            with_id: self.with_id,
        };
        let failed = match self.reader.read_block(&mut rec, bytes, first_line) {
            Ok(()) | Err(Halt::Strict) => None,
            Err(Halt::Write(e)) => Some(e),
        };
        Output {
            bytes: rec.rows.into_bytes(),
            tally: rec.tally,
            bad: rec.bad,
            failed,
        }
    }
}
