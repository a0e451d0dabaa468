//! The fast path for quote-free CSV lines: cells read straight into the
//! answer slots, column by column.

use super::cells::{Plan, digits};
use super::records::CsvRows;
use crate::engine::Answer;

impl CsvRows<'_> {
    /// Reads a quote-free line straight into the answer slots, column by
    /// column, without first cutting it into cells: the common cells
    /// (`yes`, `no`, empty, whole numbers in range, a choice this column
    /// has held before) are recognised where they stand, followed by their
    /// `,` (or the end of the line, for the last column), and any other
    /// cell is cut at its `,` and read by [`super::cells::CellCache::parse_into`]. Gives
    /// the case id (`Some`) when every cell was read; `None` for a line
    /// with another number of fields or a cell that cannot be read, which
    /// [`Self::record`] then reads from scratch, so its message is always
    /// the usual one. A property test checks this path against the `csv`
    /// crate's.
    pub(super) fn fast_row<'r>(
        &mut self,
        raw: &'r [u8],
        answers: &mut [Answer],
    ) -> Option<Option<&'r str>> {
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
}
