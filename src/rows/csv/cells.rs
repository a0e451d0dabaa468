//! Reading CSV cells: the common spellings recognised directly, the rest
//! by the engine's one parser.

use crate::engine::ruleset::{NumberSpec, Question, QuestionKind};
use crate::engine::{Answer, AnswerError, RuleSet, parse_text};

/// Fast, exact reading of the cells a registry export is made of. The
/// common spellings are recognised directly: `yes`, `no`, `true`, `false`,
/// an empty cell, and whole numbers of digits within the question's range.
/// Choice cells (an option-id search, a split for ticks) are remembered per
/// column, since a column holds few distinct values. Anything else, and
/// every problem, goes to the engine's one parser, so the answer (and any
/// message) is always the parser's own; a property test checks the two
/// agree.
#[derive(Debug)]
pub(super) struct CellCache<'a> {
    /// What each column holds, read once from its question: the cells are
    /// read without touching the (large) question records.
    pub(super) plan: Vec<Plan<'a>>,
    pub(super) choices: Vec<Vec<(Box<[u8]>, Answer)>>,
}

/// How a column's cells are read.
#[derive(Debug, Clone, Copy)]
pub(super) enum Plan<'a> {
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
    pub(super) fn new(rs: &'a RuleSet, columns: &[Option<usize>]) -> Self {
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
    pub(super) fn parse(
        &mut self,
        column: usize,
        q: &Question,
        cell: &str,
    ) -> Result<Answer, AnswerError> {
        let mut a = Answer::Unanswered;
        self.parse_into(column, q, cell.as_bytes(), &mut a)
            .map(|()| a)
    }

    /// Reads `cell` into `slot`. The answer is written in place, not
    /// returned: a returned `Result<Answer, _>` was built on the stack with
    /// narrow stores and copied out with one wide load, which the processor
    /// cannot forward (a stall on every cell: half of this function's time).
    pub(super) fn parse_into(
        &mut self,
        column: usize,
        q: &Question,
        cell: &[u8],
        slot: &mut Answer,
    ) -> Result<(), AnswerError> {
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
fn as_text(cell: &[u8]) -> Result<&str, AnswerError> {
    std::str::from_utf8(cell).map_err(|_| AnswerError::NotUtf8)
}

/// A cell of 1 to 15 ASCII digits as a number (exactly what `f64` parsing
/// gives for it); `None` for anything else.
pub(super) fn digits(b: &[u8]) -> Option<f64> {
    if b.is_empty() || b.len() > 15 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n = b.iter().fold(0u64, |n, d| n * 10 + u64::from(d - b'0'));
    // Below 2^53, so the conversion is exact.
    #[allow(clippy::cast_precision_loss)]
    Some(n as f64)
}
