//! Prompts answered with single keys: `y` / `n` / `u`, a digit for an
//! option, `?` for help, Esc to go back and `q` to stop, besides the arrows
//! and Enter. dialoguer's prompts have no per-key hooks, no paging by rows
//! and no help that records nothing, so these prompts (a list, a tick list
//! and a line) are drawn here with console, dialoguer's own terminal layer,
//! as [`Frame`]s redrawn on every key.

use console::{Key, Term};

use super::PromptError;
use super::frame::{self, Frame, Look};

/// One entry of a list: its label and the key that picks it at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub label: String,
    pub key: Option<char>,
}

impl Choice {
    pub fn new(label: impl Into<String>, key: Option<char>) -> Self {
        Choice {
            label: label.into(),
            key,
        }
    }
}

/// What a prompt shows around its entries.
#[derive(Debug, Clone, Default)]
pub struct View {
    /// A dim line above the question: where the walk is.
    pub title: String,
    /// The question, once, wrapped.
    pub question: String,
    /// Notes under the question (teaching notes, a number's range), which a
    /// short window may drop.
    pub notes: Vec<String>,
    /// Shown under the question while `?` has it open; records nothing.
    pub help: Vec<String>,
    /// Esc goes back (said in the line of keys only when it does).
    pub can_go_back: bool,
    /// `q` stops the walk here (said in the line of keys only when it does).
    pub stoppable: bool,
}

impl View {
    /// The rows above the entries.
    fn head(&self, f: &mut Frame, show_help: bool) {
        // A blank row sets the prompt apart from the answers above it, and
        // goes with the prompt once answered.
        f.text("", "", "", Look::Plain);
        if !self.title.is_empty() {
            f.text(&self.title, "", "", Look::Dim);
        }
        f.text(&self.question, "", "", Look::Bold);
        for n in &self.notes {
            f.optional(n, "  ", "  ", Look::Dim);
        }
        if show_help {
            for h in &self.help {
                f.optional(h, "  ", "    ", Look::Dim);
            }
        }
    }

    /// The one line of keys: what answers, then the keys every prompt has,
    /// in fewer words when the full line is wider than `width`.
    fn keys(&self, answer_keys: &str, show_help: bool, width: usize) -> String {
        let mut parts = vec![answer_keys.to_string()];
        if !self.help.is_empty() {
            parts.push(if show_help { "? hide help" } else { "? help" }.into());
        }
        if self.can_go_back {
            parts.push("Esc back".into());
        }
        if self.stoppable {
            parts.push("q stop".into());
        }
        let full = parts.join(" · ");
        if console::measure_text_width(&full) <= width {
            return full;
        }
        let short = full
            .replace(" or ↑↓ Enter to answer", "")
            .replace("Space or ", "Space/")
            .replace(" ticks · Enter done", " · Enter")
            .replace("type a number, Enter", "number, Enter");
        if console::measure_text_width(&short) <= width {
            return short;
        }
        short
            .replace("? hide help", "? hide")
            .replace("? help", "?")
    }
}

/// One step of every prompt: draws the frame made by `build`, reads a
/// key, and clears the frame (the key's effect is drawn next time).
fn shown_key(term: &Term, color: bool, build: impl FnOnce(&mut Frame)) -> Result<Key, PromptError> {
    let drawn = draw(term, color, build)?;
    let key = read_key(term);
    frame::clear(term, drawn)?;
    key
}

/// Draws a frame made by `build` (with the screen's height less one row,
/// so nothing scrolls), and returns the rows drawn.
fn draw(term: &Term, color: bool, build: impl FnOnce(&mut Frame)) -> Result<usize, PromptError> {
    let mut f = Frame::for_term(term);
    build(&mut f);
    f.fit(frame::height(term).saturating_sub(1));
    f.paint(term, color)
}

/// What a key press did to a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Picked entry `i`.
    Pick(usize),
    /// Esc, Backspace or Left: go back.
    Back,
    /// `?`: show or hide the help.
    Help,
    /// `q`: stop the walk (the walk asks what to do with the answers).
    Stop,
    /// The cursor moved, or nothing happened.
    Stay,
}

/// The effect of `key` on a list whose cursor is at `cursor`: pure, so it
/// is tested without a terminal.
pub fn step(items: &[Choice], cursor: &mut usize, key: &Key) -> Step {
    let last = items.len().saturating_sub(1);
    match key {
        Key::ArrowUp | Key::BackTab => {
            *cursor = if *cursor == 0 { last } else { *cursor - 1 };
            Step::Stay
        }
        Key::ArrowDown | Key::Tab => {
            *cursor = if *cursor >= last { 0 } else { *cursor + 1 };
            Step::Stay
        }
        Key::Home | Key::PageUp => {
            *cursor = 0;
            Step::Stay
        }
        Key::End | Key::PageDown => {
            *cursor = last;
            Step::Stay
        }
        Key::Enter | Key::Char(' ') => Step::Pick(*cursor),
        Key::Escape | Key::Backspace | Key::ArrowLeft => Step::Back,
        Key::Char('?') => Step::Help,
        Key::Char('q' | 'Q') => Step::Stop,
        Key::Char(c) => {
            let c = c.to_ascii_lowercase();
            match items.iter().position(|i| i.key == Some(c)) {
                Some(i) => {
                    *cursor = i;
                    Step::Pick(i)
                }
                None => Step::Stay,
            }
        }
        _ => Step::Stay,
    }
}

/// The keys that pick entries, in words: `y/n/u answer`, `1-5/u answer`.
pub fn key_hint(items: &[Choice], verb: &str) -> String {
    let keys: Vec<char> = items
        .iter()
        .filter_map(|i| i.key)
        .filter(char::is_ascii_alphanumeric)
        .collect();
    let mut shown: Vec<String> = Vec::new();
    let mut i = 0;
    while i < keys.len() {
        // A run of three or more digits reads as a range.
        let mut j = i;
        while j + 1 < keys.len()
            && keys[j].is_ascii_digit()
            && keys[j + 1] as u32 == keys[j] as u32 + 1
        {
            j += 1;
        }
        if j >= i + 2 {
            shown.push(format!("{}-{}", keys[i], keys[j]));
        } else {
            shown.extend(keys[i..=j].iter().map(char::to_string));
        }
        i = j + 1;
    }
    if shown.is_empty() {
        format!("↑↓ Enter {verb}")
    } else {
        format!("{} or ↑↓ Enter {verb}", shown.join("/"))
    }
}

/// The keys of a tick list: `Space or 1-5/0/u ticks · Enter done`.
fn tick_hint(items: &[Choice]) -> String {
    let picks = key_hint(items, "");
    let keys = picks.split(" or ").next().unwrap_or_default();
    format!("{keys} ticks · Enter done")
}

/// The neutral first entry of a list, where the cursor starts.
pub const CHOOSE_LABEL: &str = "(choose an answer)";

/// The "(choose an answer)" entry picked: nothing is recorded.
pub const NOTHING_CHOSEN: &str = "Nothing recorded: move to an answer with the arrows first.";

/// One entry's rows: the cursor mark, its key, and the label wrapped under
/// itself.
fn entry(f: &mut Frame, mark: &str, key: &str, label: &str, current: bool) {
    let first = format!("{mark} {key:>3}  ");
    let rest = " ".repeat(first.chars().count());
    let look = if current { Look::Cursor } else { Look::Plain };
    f.text(label, &first, &rest, look);
}

/// Draws a list and reads keys until one picks an entry (`Some(i)`) or
/// goes back (`None`). The cursor starts at `default`. When `neutral`,
/// entry 0 picks nothing: it says so and waits. `?` opens the help in
/// place and records nothing.
pub fn select(
    term: &Term,
    view: &View,
    items: &[Choice],
    default: usize,
    neutral: bool,
    color: bool,
) -> Result<Option<usize>, PromptError> {
    let mut cursor = default.min(items.len().saturating_sub(1));
    let mut message: Option<&str> = None;
    let mut show_help = false;
    let answer_keys = key_hint(items, "to answer");
    let _ = term.hide_cursor();
    let result = loop {
        let key = shown_key(term, color, |f| {
            view.head(f, show_help);
            for (i, item) in items.iter().enumerate() {
                let key = item.key.map(String::from).unwrap_or_default();
                let mark = if i == cursor { ">" } else { " " };
                entry(f, mark, &key, &item.label, i == cursor);
            }
            if let Some(m) = message {
                f.text(m, "  ", "  ", Look::Warning);
            }
            f.one_row(&view.keys(&answer_keys, show_help, f.width), Look::Dim);
        });
        message = None;
        match step(items, &mut cursor, &key?) {
            Step::Pick(0) if neutral => message = Some(NOTHING_CHOSEN),
            Step::Pick(i) => break Some(i),
            Step::Back => break None,
            Step::Help => show_help = !show_help,
            Step::Stop => {
                let _ = term.show_cursor();
                return Err(PromptError::Stop);
            }
            Step::Stay => {}
        }
    };
    let _ = term.show_cursor();
    Ok(result)
}

/// Reads one key; Ctrl-C is a key here, not a signal, so the walk (not the
/// signal handler) decides what an interrupt does with unsaved answers.
pub(super) fn read_key(term: &Term) -> Result<Key, PromptError> {
    match term.read_key_raw() {
        Ok(Key::CtrlC) => Err(PromptError::Interrupted),
        Ok(key) => Ok(key),
        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => Err(PromptError::Interrupted),
        Err(e) => Err(PromptError::Io(e)),
    }
}

/// What a tick list gave back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ticked {
    /// Enter: the ticks.
    Done(Vec<bool>),
    Back,
    Help,
    Stop,
}

/// The effect of `key` on a tick list: Space or an entry's key ticks or
/// unticks, Enter is done, `?` asks for help, Esc goes back, `q` stops.
pub fn tick(
    items: &[Choice],
    checked: &mut [bool],
    cursor: &mut usize,
    key: &Key,
) -> Option<Ticked> {
    match key {
        Key::Enter => Some(Ticked::Done(checked.to_vec())),
        Key::Escape | Key::Backspace | Key::ArrowLeft => Some(Ticked::Back),
        Key::Char('?') => Some(Ticked::Help),
        Key::Char('q' | 'Q') => Some(Ticked::Stop),
        Key::Char(' ') => {
            if let Some(c) = checked.get_mut(*cursor) {
                *c = !*c;
            }
            None
        }
        Key::Char(ch) if items.iter().any(|i| i.key == Some(ch.to_ascii_lowercase())) => {
            let i = items
                .iter()
                .position(|i| i.key == Some(ch.to_ascii_lowercase()))
                .unwrap_or(0);
            *cursor = i;
            if let Some(c) = checked.get_mut(i) {
                *c = !*c;
            }
            None
        }
        other => {
            step(items, cursor, other);
            None
        }
    }
}

/// Draws a tick list and reads keys until Enter gives ticks that `check`
/// accepts (its error is shown in the list, which keeps the ticks), or
/// until Esc (`None`). `?` opens the help in place.
pub fn multi(
    term: &Term,
    view: &View,
    items: &[Choice],
    checked: &[bool],
    check: &dyn Fn(&[bool]) -> Result<(), &'static str>,
    color: bool,
) -> Result<Option<Vec<bool>>, PromptError> {
    let mut checked = checked.to_vec();
    let mut cursor = 0;
    let mut show_help = false;
    let mut message: Option<&str> = None;
    let answer_keys = format!("Space or {}", tick_hint(items));
    let _ = term.hide_cursor();
    let result = loop {
        let key = shown_key(term, color, |f| {
            view.head(f, show_help);
            for (i, (item, &c)) in items.iter().zip(&checked).enumerate() {
                let key = item.key.map(String::from).unwrap_or_default();
                let mark = if i == cursor { ">" } else { " " };
                let label = format!("[{}] {}", if c { "x" } else { " " }, item.label);
                entry(f, mark, &key, &label, i == cursor);
            }
            if let Some(m) = message {
                f.text(m, "  ", "  ", Look::Warning);
            }
            f.one_row(&view.keys(&answer_keys, show_help, f.width), Look::Dim);
        });
        message = None;
        match tick(items, &mut checked, &mut cursor, &key?) {
            None => {}
            Some(Ticked::Help) => show_help = !show_help,
            Some(Ticked::Back) => break None,
            Some(Ticked::Stop) => {
                let _ = term.show_cursor();
                return Err(PromptError::Stop);
            }
            Some(Ticked::Done(t)) => match check(&t) {
                Ok(()) => break Some(t),
                Err(m) => message = Some(m),
            },
        }
    };
    let _ = term.show_cursor();
    Ok(result)
}

/// What a key press did to a line being typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit {
    /// Enter: submit the text.
    Submit,
    /// Esc or Left on an empty line: go back.
    Back,
    /// `?` on an empty line: show or hide the help.
    Help,
    /// `q` on an empty line: stop the walk.
    Stop,
    /// The text changed, or nothing happened.
    Stay,
}

/// The effect of `key` on `text`: pure, so it is tested without a terminal.
pub fn edit(text: &mut String, key: &Key) -> Edit {
    match key {
        Key::Enter => Edit::Submit,
        Key::Escape => Edit::Back,
        // `<` was the earlier walk's "back"; kept on an empty line.
        Key::ArrowLeft | Key::Char('<') if text.is_empty() => Edit::Back,
        Key::Backspace => {
            text.pop();
            Edit::Stay
        }
        Key::Char('?') if text.is_empty() => Edit::Help,
        Key::Char('q' | 'Q') if text.is_empty() => Edit::Stop,
        Key::Char(c) if !c.is_control() && text.len() < 1024 => {
            text.push(*c);
            Edit::Stay
        }
        _ => Edit::Stay,
    }
}

/// Reads a line typed under the view, checking it with `check` on Enter:
/// an error is shown under the line, which keeps what was typed. Returns
/// the accepted text, or `None` for Esc.
pub fn line(
    term: &Term,
    view: &View,
    answer_keys: &str,
    check: &dyn Fn(&str) -> Result<(), String>,
    color: bool,
) -> Result<Option<String>, PromptError> {
    let mut text = String::new();
    let mut error: Option<String> = None;
    let mut show_help = false;
    loop {
        let key = shown_key(term, color, |f| {
            view.head(f, show_help);
            f.text(&format!("> {text}"), "", "  ", Look::Cursor);
            if let Some(e) = &error {
                f.text(e, "  ", "  ", Look::Warning);
            }
            f.one_row(&view.keys(answer_keys, show_help, f.width), Look::Dim);
        });
        match edit(&mut text, &key?) {
            Edit::Submit => match check(text.trim()) {
                Ok(()) => return Ok(Some(text.trim().to_string())),
                Err(e) => error = Some(e),
            },
            Edit::Stay => error = None,
            Edit::Help => show_help = !show_help,
            Edit::Back => return Ok(None),
            // Where `q` stops nothing (a file name), it is text.
            Edit::Stop if !view.stoppable => {
                text.push('q');
                error = None;
            }
            Edit::Stop => return Err(PromptError::Stop),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yes_no() -> Vec<Choice> {
        vec![
            Choice::new("(choose an answer)", None),
            Choice::new("Yes", Some('y')),
            Choice::new("No", Some('n')),
            Choice::new("Unknown / not assessed", Some('u')),
        ]
    }

    #[test]
    fn single_keys_pick_at_once_and_q_stops_but_never_goes_back() {
        let items = yes_no();
        let mut c = 0;
        assert_eq!(step(&items, &mut c, &Key::Char('y')), Step::Pick(1));
        assert_eq!(step(&items, &mut c, &Key::Char('N')), Step::Pick(2));
        assert_eq!(step(&items, &mut c, &Key::Char('u')), Step::Pick(3));
        assert_eq!(step(&items, &mut c, &Key::Char('?')), Step::Help);
        assert_eq!(step(&items, &mut c, &Key::Char('q')), Step::Stop);
        assert_eq!(step(&items, &mut c, &Key::Char('x')), Step::Stay);
        assert_eq!(step(&items, &mut c, &Key::Escape), Step::Back);
        assert_eq!(step(&items, &mut c, &Key::Backspace), Step::Back);
    }

    #[test]
    fn arrows_move_and_wrap_and_enter_picks_the_cursor() {
        let items = yes_no();
        let mut c = 0;
        assert_eq!(step(&items, &mut c, &Key::ArrowUp), Step::Stay);
        assert_eq!(c, items.len() - 1);
        assert_eq!(step(&items, &mut c, &Key::ArrowDown), Step::Stay);
        assert_eq!(c, 0);
        step(&items, &mut c, &Key::ArrowDown);
        assert_eq!(step(&items, &mut c, &Key::Enter), Step::Pick(1));
    }

    #[test]
    fn the_hint_names_the_keys() {
        assert_eq!(
            key_hint(&yes_no(), "to answer"),
            "y/n/u or ↑↓ Enter to answer"
        );
        let options: Vec<Choice> = "12345u"
            .chars()
            .map(|k| Choice::new("x", Some(k)))
            .collect();
        assert_eq!(
            key_hint(&options, "to answer"),
            "1-5/u or ↑↓ Enter to answer"
        );
        let view = View {
            can_go_back: true,
            stoppable: true,
            help: vec!["help".into()],
            ..View::default()
        };
        assert_eq!(
            view.keys("y/n/u or ↑↓ Enter to answer", false, 80),
            "y/n/u or ↑↓ Enter to answer · ? help · Esc back · q stop"
        );
        assert_eq!(
            view.keys("y/n/u or ↑↓ Enter to answer", false, 40),
            "y/n/u · ? help · Esc back · q stop"
        );
    }

    #[test]
    fn tick_lists_toggle_by_space_or_digit() {
        let items = vec![
            Choice::new("A", Some('1')),
            Choice::new("B", Some('2')),
            Choice::new("None of these", Some('0')),
        ];
        let mut checked = vec![false; 3];
        let mut c = 0;
        assert_eq!(tick(&items, &mut checked, &mut c, &Key::Char('2')), None);
        assert_eq!(checked, [false, true, false]);
        assert_eq!(tick(&items, &mut checked, &mut c, &Key::ArrowDown), None);
        assert_eq!(tick(&items, &mut checked, &mut c, &Key::Char(' ')), None);
        assert_eq!(checked, [false, true, true]);
        assert_eq!(
            tick(&items, &mut checked, &mut c, &Key::Char('?')),
            Some(Ticked::Help)
        );
        assert_eq!(
            tick(&items, &mut checked, &mut c, &Key::Escape),
            Some(Ticked::Back)
        );
        assert_eq!(
            tick(&items, &mut checked, &mut c, &Key::Enter),
            Some(Ticked::Done(vec![false, true, true]))
        );
        assert_eq!(
            tick(&items, &mut checked, &mut c, &Key::Char('q')),
            Some(Ticked::Stop),
            "q stops"
        );
    }

    #[test]
    fn typing_replaces_and_esc_goes_back() {
        let mut t = String::new();
        assert_eq!(edit(&mut t, &Key::Char('?')), Edit::Help);
        assert_eq!(edit(&mut t, &Key::Char('8')), Edit::Stay);
        assert_eq!(edit(&mut t, &Key::Char('1')), Edit::Stay);
        assert_eq!(t, "81");
        assert_eq!(edit(&mut t, &Key::Backspace), Edit::Stay);
        assert_eq!(t, "8");
        assert_eq!(
            edit(&mut t, &Key::Char('?')),
            Edit::Stay,
            "? inside a number is text"
        );
        assert_eq!(edit(&mut t, &Key::Escape), Edit::Back);
        assert_eq!(edit(&mut t, &Key::Enter), Edit::Submit);
    }
}
