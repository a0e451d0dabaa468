//! Prompts answered with single keys: `y` / `n` / `u`, a digit for an
//! option, `?` for help and Esc to go back, in every prompt, besides the
//! arrows and Enter. dialoguer has no per-key hooks, so these two prompts
//! (a list and a line) are drawn here with console, dialoguer's own
//! terminal layer. `q` is never "back": it only says which keys do what.

use console::{Key, Term, style};

use super::PromptError;

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

/// What a key press did to a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Picked entry `i`.
    Pick(usize),
    /// Esc, Backspace or Left: go back.
    Back,
    /// The cursor moved, or nothing happened.
    Stay,
    /// `q`: explain the keys instead of acting.
    Explain,
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
        Key::Char('q' | 'Q') => Step::Explain,
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

/// The keys of a list, in words, for its header.
pub fn key_hint(items: &[Choice]) -> String {
    let keys: String = items
        .iter()
        .filter_map(|i| i.key)
        .filter(|k| k.is_ascii_alphanumeric())
        .collect();
    let mut parts = Vec::new();
    if !keys.is_empty() {
        let shown: Vec<String> = keys.chars().map(String::from).collect();
        parts.push(format!("keys {}", shown.join("/")));
    }
    if items.iter().any(|i| i.key == Some('?')) {
        parts.push("? help".into());
    }
    parts.push("Esc back".into());
    parts.join(", ")
}

const EXPLAIN: &str = "  Keys: the letter or digit beside an answer picks it; arrows and Enter also work; ? shows help; Esc goes back; Ctrl-C stops (answers given so far are kept). q does nothing else.";

/// Draws a list and reads keys until one picks an entry (`Some(i)`) or
/// goes back (`None`). The cursor starts at `default`; once picked, the
/// list is replaced by one line, `prompt: answer`.
pub fn select(
    term: &Term,
    prompt: &str,
    items: &[Choice],
    default: usize,
    color: bool,
) -> Result<Option<usize>, PromptError> {
    let mut cursor = default.min(items.len().saturating_sub(1));
    let mut message: Option<&str> = None;
    let mut drawn = 0;
    let _ = term.hide_cursor();
    let result = loop {
        if drawn > 0 {
            term.clear_last_lines(drawn).map_err(PromptError::Io)?;
        }
        drawn = draw(
            term,
            prompt,
            items,
            &key_hint(items),
            cursor,
            message,
            color,
        )?;
        message = None;
        let key = read_key(term)?;
        match step(items, &mut cursor, &key) {
            Step::Pick(i) => break Some(i),
            Step::Back => break None,
            Step::Explain => message = Some(EXPLAIN),
            Step::Stay => {}
        }
    };
    term.clear_last_lines(drawn).map_err(PromptError::Io)?;
    let _ = term.show_cursor();
    if let Some(i) = result {
        report(term, prompt, &items[i].label, color)?;
    }
    Ok(result)
}

fn draw(
    term: &Term,
    prompt: &str,
    items: &[Choice],
    keys: &str,
    cursor: usize,
    message: Option<&str>,
    color: bool,
) -> Result<usize, PromptError> {
    let width = term.size_checked().map_or(80, |(_, w)| usize::from(w));
    let mut lines = vec![format!("{prompt}:")];
    for (i, item) in items.iter().enumerate() {
        let key = match item.key {
            Some('\u{1b}') => "Esc".to_string(),
            Some(k) => k.to_string(),
            None => String::new(),
        };
        let mark = if i == cursor { ">" } else { " " };
        let line = format!("{mark} {key:>3}  {}", item.label);
        let line = console::truncate_str(&line, width.saturating_sub(1), "…").into_owned();
        lines.push(if i == cursor && color {
            style(line).cyan().bold().to_string()
        } else {
            line
        });
    }
    // The keys, under the list, where they do not push the question off
    // its line; `q` replaces them with a fuller explanation.
    let footer = message.map_or_else(|| format!("  {keys}"), str::to_string);
    let options = textwrap::Options::new(width.saturating_sub(1).max(20)).subsequent_indent("  ");
    lines.extend(
        textwrap::wrap(&footer, options)
            .into_iter()
            .map(|l| l.into_owned()),
    );
    // The header may be longer than the width: cut it, so every drawn line
    // is one screen row and the redraw clears exactly what it drew.
    lines[0] = console::truncate_str(&lines[0], width.saturating_sub(1), "…").into_owned();
    for l in &lines {
        term.write_line(l).map_err(PromptError::Io)?;
    }
    Ok(lines.len())
}

/// The line a prompt leaves behind: the question, cut so the answer fits.
fn report(term: &Term, prompt: &str, answer: &str, color: bool) -> Result<(), PromptError> {
    let width = term.size_checked().map_or(80, |(_, w)| usize::from(w));
    let answer = console::truncate_str(answer, width / 2, "…");
    let room = width
        .saturating_sub(console::measure_text_width(&answer) + 6)
        .max(10);
    let prompt = console::truncate_str(prompt, room, "…");
    let line = if color {
        format!("{} {prompt} · {answer}", style("✔").green())
    } else {
        format!("{prompt}: {answer}")
    };
    term.write_line(&console::truncate_str(&line, width.saturating_sub(1), "…"))
        .map_err(PromptError::Io)
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
}

/// The effect of `key` on a tick list: Space or an entry's key ticks or
/// unticks, Enter is done, `?` asks for help, Esc goes back.
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

/// Draws a tick list and reads keys until Enter, `?` or Esc.
pub fn multi(
    term: &Term,
    prompt: &str,
    items: &[Choice],
    checked: &[bool],
    color: bool,
) -> Result<Ticked, PromptError> {
    let mut checked = checked.to_vec();
    let mut cursor = 0;
    let mut drawn = 0;
    let _ = term.hide_cursor();
    let result = loop {
        if drawn > 0 {
            term.clear_last_lines(drawn).map_err(PromptError::Io)?;
        }
        let rows: Vec<Choice> = items
            .iter()
            .zip(&checked)
            .map(|(i, &c)| {
                Choice::new(
                    format!("[{}] {}", if c { "x" } else { " " }, i.label),
                    i.key,
                )
            })
            .collect();
        drawn = draw(
            term,
            prompt,
            &rows,
            "Space or a digit ticks, Enter when done, ? help, Esc back",
            cursor,
            None,
            color,
        )?;
        let key = read_key(term)?;
        if let Some(t) = tick(items, &mut checked, &mut cursor, &key) {
            break t;
        }
    };
    term.clear_last_lines(drawn).map_err(PromptError::Io)?;
    let _ = term.show_cursor();
    if let Ticked::Done(c) = &result {
        let picked: Vec<&str> = items
            .iter()
            .zip(c)
            .filter(|(_, c)| **c)
            .map(|(i, _)| i.label.as_str())
            .collect();
        if !picked.is_empty() {
            report(term, prompt, &picked.join(", "), color)?;
        }
    }
    Ok(result)
}

/// What a key press did to a line being typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit {
    /// Enter: submit the text.
    Submit,
    /// Esc or Left on an empty line: go back.
    Back,
    /// `?` on an empty line: help.
    Help,
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
        Key::Char(c) if !c.is_control() && text.len() < 32 => {
            text.push(*c);
            Edit::Stay
        }
        _ => Edit::Stay,
    }
}

/// Reads a line typed after `prompt`, checking it with `check` on Enter:
/// an error is shown under the line, which keeps what was typed. Returns
/// the accepted text, or `Edit::Back` / `Edit::Help`.
pub fn line(
    term: &Term,
    prompt: &str,
    check: &dyn Fn(&str) -> Result<(), String>,
    color: bool,
) -> Result<Result<String, Edit>, PromptError> {
    let mut text = String::new();
    let mut error: Option<String> = None;
    let width = term.size_checked().map_or(80, |(_, w)| usize::from(w));
    let mut drawn = 0;
    loop {
        if drawn > 0 {
            term.clear_last_lines(drawn).map_err(PromptError::Io)?;
        }
        // The prompt on its own line (cut to the width), the typed text on
        // the next, so what is typed is always on screen.
        let head =
            console::truncate_str(&format!("{prompt}:"), width.saturating_sub(1), "…").into_owned();
        term.write_line(&head).map_err(PromptError::Io)?;
        let typed =
            console::truncate_str(&format!("> {text}"), width.saturating_sub(1), "…").into_owned();
        term.write_line(&typed).map_err(PromptError::Io)?;
        drawn = 2;
        if let Some(e) = &error {
            let e = format!("  {e}");
            let e = console::truncate_str(&e, width.saturating_sub(1), "…");
            let e = if color {
                style(e).red().to_string()
            } else {
                e.into_owned()
            };
            term.write_line(&e).map_err(PromptError::Io)?;
            drawn = 3;
        }
        let key = read_key(term)?;
        match edit(&mut text, &key) {
            Edit::Submit => match check(text.trim()) {
                Ok(()) => {
                    term.clear_last_lines(drawn).map_err(PromptError::Io)?;
                    let shown = if text.trim().is_empty() {
                        "(kept)"
                    } else {
                        text.trim()
                    };
                    report(term, prompt, shown, color)?;
                    return Ok(Ok(text.trim().to_string()));
                }
                Err(e) => error = Some(e),
            },
            Edit::Stay => error = None,
            other => {
                term.clear_last_lines(drawn).map_err(PromptError::Io)?;
                return Ok(Err(other));
            }
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
            Choice::new("? Show help", Some('?')),
        ]
    }

    #[test]
    fn single_keys_pick_at_once_and_q_never_goes_back() {
        let items = yes_no();
        let mut c = 0;
        assert_eq!(step(&items, &mut c, &Key::Char('y')), Step::Pick(1));
        assert_eq!(step(&items, &mut c, &Key::Char('N')), Step::Pick(2));
        assert_eq!(step(&items, &mut c, &Key::Char('u')), Step::Pick(3));
        assert_eq!(step(&items, &mut c, &Key::Char('?')), Step::Pick(4));
        assert_eq!(step(&items, &mut c, &Key::Char('q')), Step::Explain);
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
        assert_eq!(key_hint(&yes_no()), "keys y/n/u, ? help, Esc back");
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
            None,
            "q does nothing"
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
