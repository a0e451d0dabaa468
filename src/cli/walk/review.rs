//! The review page: every answer, numbered and wrapped whole, in a list
//! paged to the window. Arrows, PageUp/PageDown and Home/End move; typing
//! a row's number goes to it; Enter changes the answer under the cursor.

use console::{Key, Term};

use super::frame::{self, Frame, Look};
use super::keys::read_key;
use super::{PromptError, ReviewRow};

/// An entry of the review list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    Finish,
    /// Go on with the questions not yet asked (after finishing early).
    Continue(usize),
    /// A section's title: a heading the cursor passes over.
    Heading(String),
    /// Review row `i`, numbered `i + 1`.
    Answer(usize),
}

/// What a key did on the review list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    Pick(usize),
    Back,
    Stop,
    Stay,
}

/// The review list's cursor and the number being typed.
#[derive(Debug, Clone, Default)]
pub struct Cursor {
    pub at: usize,
    pub typed: String,
}

impl Cursor {
    /// The effect of `key` on a list of `entries` where `page` entries fit
    /// the window: pure, so it is tested without a terminal. Headings are
    /// passed over.
    pub fn key(&mut self, entries: &[Entry], page: usize, key: &Key) -> Move {
        let last = entries.len().saturating_sub(1);
        let selectable = |i: usize| !matches!(entries.get(i), Some(Entry::Heading(_)) | None);
        let digit = matches!(key, Key::Char(c) if c.is_ascii_digit());
        if !digit {
            self.typed.clear();
        }
        let (target, down) = match key {
            Key::ArrowUp | Key::BackTab => (self.at.checked_sub(1).unwrap_or(last), false),
            Key::ArrowDown | Key::Tab => (if self.at >= last { 0 } else { self.at + 1 }, true),
            Key::PageUp => (self.at.saturating_sub(page.max(1)), false),
            Key::PageDown => ((self.at + page.max(1)).min(last), true),
            Key::Home => (0, true),
            Key::End => (last, false),
            Key::Enter | Key::Char(' ') => return Move::Pick(self.at),
            Key::Escape | Key::Backspace | Key::ArrowLeft => return Move::Back,
            Key::Char('q' | 'Q') => return Move::Stop,
            Key::Char(c) if c.is_ascii_digit() => {
                // The number typed so far, or, when no row has it, the
                // number started again from this digit.
                self.typed.push(*c);
                let row = |typed: &str| {
                    let wanted: usize = typed.parse().unwrap_or(0);
                    entries
                        .iter()
                        .position(|e| *e == Entry::Answer(wanted.wrapping_sub(1)))
                };
                match row(&self.typed).or_else(|| {
                    self.typed = c.to_string();
                    row(&self.typed)
                }) {
                    Some(i) => (i, true),
                    None => {
                        self.typed.clear();
                        return Move::Stay;
                    }
                }
            }
            _ => return Move::Stay,
        };
        // Off a heading, in the direction of travel (or back if none).
        let mut at = target;
        if !selectable(at) {
            let forward = (at..=last).find(|&i| selectable(i));
            let backward = (0..=at).rev().find(|&i| selectable(i));
            at = if down {
                forward.or(backward)
            } else {
                backward.or(forward)
            }
            .unwrap_or(0);
        }
        self.at = at;
        Move::Stay
    }
}

/// The entries of the review: finish (and continue), then the answers by
/// section.
pub fn entries(rows: &[ReviewRow], remaining: usize) -> Vec<Entry> {
    let mut list = vec![Entry::Finish];
    if remaining > 0 {
        list.push(Entry::Continue(remaining));
    }
    let mut section = None;
    for (i, r) in rows.iter().enumerate() {
        if section != Some(&r.section) {
            section = Some(&r.section);
            list.push(Entry::Heading(r.section.clone()));
        }
        list.push(Entry::Answer(i));
    }
    list
}

/// The rows of one entry, wrapped to the frame's width.
fn draw_entry(f: &mut Frame, e: &Entry, rows: &[ReviewRow], current: bool) {
    let mark = if current { ">" } else { " " };
    let look = if current { Look::Cursor } else { Look::Plain };
    match e {
        Entry::Finish => f.text(
            "Finish and show the summary",
            &format!("{mark}     "),
            "      ",
            look,
        ),
        Entry::Continue(n) => f.text(
            &format!("Answer the {n} remaining question(s)"),
            &format!("{mark}     "),
            "      ",
            look,
        ),
        Entry::Heading(s) => f.text(&format!("── {s} ──"), "  ", "     ", Look::Dim),
        Entry::Answer(i) => {
            let r = &rows[*i];
            let number = format!("{mark} {:>3}. ", i + 1);
            let indent = " ".repeat(number.chars().count());
            f.text(&format!("{}: {}", r.text, r.answer), &number, &indent, look)
        }
    };
}

/// Shows the review and reads keys until an entry is picked (`Some`),
/// Esc (`None`) or `q` (stop). The cursor starts on `focus`'s row (the
/// answer just changed) or on "Finish".
pub fn review(
    term: &Term,
    rows: &[ReviewRow],
    focus: Option<usize>,
    remaining: usize,
    color: bool,
) -> Result<Option<Entry>, PromptError> {
    let list = entries(rows, remaining);
    let answered = rows.iter().filter(|r| r.answered).count();
    let mut cursor = Cursor {
        at: focus
            .and_then(|q| {
                list.iter()
                    .position(|e| matches!(e, Entry::Answer(i) if rows[*i].question == q))
            })
            .unwrap_or(0),
        typed: String::new(),
    };
    let mut top = 0;
    let _ = term.hide_cursor();
    let picked = loop {
        let height = frame::height(term).saturating_sub(1).max(6);
        let mut f = Frame::for_term(term);
        f.text("", "", "", Look::Plain);
        let open = rows.len() - answered;
        let mut head = format!("Review: {answered} answer(s)");
        if open > 0 {
            head.push_str(&format!(", {open} question(s) not answered yet"));
        }
        head.push_str(". Finish, or change any answer.");
        f.text(&head, "", "", Look::Bold);
        let long = "↑↓ PgUp PgDn · number: go to row · Enter change · Esc back · q stop";
        let mut keys = if console::measure_text_width(long) <= f.width {
            long.to_string()
        } else {
            "↑↓ PgUp PgDn · number · Enter · Esc back · q stop".to_string()
        };
        if !cursor.typed.is_empty() {
            keys = format!("row {}… · {keys}", cursor.typed);
        }
        // Each entry's rows, to page by rows and not by entries.
        let drawn: Vec<Frame> = list
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let mut one = Frame::for_term(term);
                draw_entry(&mut one, e, rows, i == cursor.at);
                one
            })
            .collect();
        let room = height.saturating_sub(4);
        // Scroll so the cursor's entry is whole on screen.
        top = top.min(cursor.at);
        loop {
            let used: usize = drawn[top..=cursor.at].iter().map(|d| d.rows.len()).sum();
            if used <= room || top == cursor.at {
                break;
            }
            top += 1;
        }
        let mut used = 0;
        let mut shown = 0;
        for d in &drawn[top..] {
            if used + d.rows.len() > room {
                break;
            }
            used += d.rows.len();
            shown += 1;
            f.rows.extend(d.rows.iter().cloned());
        }
        if shown == 0 {
            // One entry taller than the window: its first rows.
            f.rows.extend(drawn[top].rows.iter().take(room).cloned());
        }
        if top > 0 || top + shown < list.len() {
            // Where the window is in the list, in the review's numbers.
            let numbered: Vec<usize> = list[top..top + shown.max(1)]
                .iter()
                .filter_map(|e| match e {
                    Entry::Answer(i) => Some(i + 1),
                    _ => None,
                })
                .collect();
            if let (Some(a), Some(b)) = (numbered.first(), numbered.last()) {
                f.text(
                    &format!("  (rows {a}-{b} of {})", rows.len()),
                    "",
                    "",
                    Look::Dim,
                );
            }
        }
        f.one_row(&keys, Look::Dim);
        let count = f.paint(term, color)?;
        let key = read_key(term);
        frame::clear(term, count)?;
        match cursor.key(&list, shown.max(1), &key?) {
            Move::Pick(i) => break Some(list[i].clone()),
            Move::Back => break None,
            Move::Stop => {
                let _ = term.show_cursor();
                return Err(PromptError::Stop);
            }
            Move::Stay => {}
        }
    };
    let _ = term.show_cursor();
    Ok(picked)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(n: usize) -> Vec<ReviewRow> {
        (0..n)
            .map(|i| ReviewRow {
                question: i,
                text: format!("Q{i}"),
                answer: "Yes".into(),
                section: if i < n / 2 { "A" } else { "B" }.into(),
                answered: true,
            })
            .collect()
    }

    #[test]
    fn typed_numbers_go_to_their_row_and_headings_are_passed_over() {
        let list = entries(&rows(30), 0);
        let mut c = Cursor::default();
        assert_eq!(c.key(&list, 10, &Key::Char('2')), Move::Stay);
        assert_eq!(list[c.at], Entry::Answer(1));
        c.key(&list, 10, &Key::Char('4'));
        assert_eq!(list[c.at], Entry::Answer(23), "2 then 4 is row 24");
        c.key(&list, 10, &Key::Char('9'));
        assert_eq!(
            list[c.at],
            Entry::Answer(8),
            "249 is no row: 9 starts again"
        );
        c.key(&list, 10, &Key::Home);
        assert_eq!(list[c.at], Entry::Finish);
        c.key(&list, 10, &Key::ArrowDown);
        assert_eq!(list[c.at], Entry::Answer(0), "the heading is passed over");
        c.key(&list, 10, &Key::End);
        assert_eq!(list[c.at], Entry::Answer(29));
        c.key(&list, 10, &Key::PageUp);
        assert!(
            matches!(list[c.at], Entry::Answer(19 | 20)),
            "{:?}",
            list[c.at]
        );
        assert_eq!(c.key(&list, 10, &Key::Enter), Move::Pick(c.at));
        assert_eq!(c.key(&list, 10, &Key::Char('q')), Move::Stop);
        assert_eq!(c.key(&list, 10, &Key::Escape), Move::Back);
    }

    #[test]
    fn continue_is_offered_after_finishing_early() {
        let list = entries(&rows(2), 3);
        assert_eq!(list[1], Entry::Continue(3));
    }
}
