//! A block of screen rows drawn under the walk's history and redrawn on
//! every key: the question being asked, its answers and one line of keys.
//!
//! Every line is wrapped to the terminal's width before it is drawn, so one
//! line is one screen row and a redraw clears exactly what it drew; nothing
//! is cut (a clinical distinction is often at the end of a label), except
//! when the block would not fit the screen at all (see [`Frame::fit`]).

use console::{Term, style};

use super::PromptError;

/// One screen row and how it is styled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub text: String,
    pub look: Look,
    /// What [`Frame::fit`] may drop first when the screen is short.
    pub optional: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Look {
    Plain,
    Dim,
    Bold,
    /// The row under the cursor.
    Cursor,
    Warning,
    /// A red flag.
    Alarm,
}

/// The rows of one prompt, wrapped to `width` columns.
#[derive(Debug, Clone)]
pub struct Frame {
    pub width: usize,
    pub rows: Vec<Row>,
}

impl Frame {
    pub fn new(width: usize) -> Self {
        Frame {
            // One column spare: a row that fills the width exactly makes
            // some terminals wrap the cursor onto a row of its own.
            width: width.saturating_sub(1).max(20),
            rows: Vec::new(),
        }
    }

    /// The width of the terminal behind `term` (80 when it cannot be read).
    pub fn for_term(term: &Term) -> Self {
        Frame::new(term.size_checked().map_or(80, |(_, w)| usize::from(w)))
    }

    /// Adds `text` wrapped at spaces: the first row starts with `first`,
    /// the others with `rest` (a hanging indent), so a label wraps under
    /// itself and not under its key.
    pub fn text(&mut self, text: &str, first: &str, rest: &str, look: Look) -> &mut Self {
        self.push_wrapped(text, first, rest, look, false)
    }

    /// As [`Frame::text`], for rows that may be dropped on a short screen.
    pub fn optional(&mut self, text: &str, first: &str, rest: &str, look: Look) -> &mut Self {
        self.push_wrapped(text, first, rest, look, true)
    }

    fn push_wrapped(
        &mut self,
        text: &str,
        first: &str,
        rest: &str,
        look: Look,
        optional: bool,
    ) -> &mut Self {
        for line in text.split('\n') {
            let options = textwrap::Options::new(self.width)
                .initial_indent(first)
                .subsequent_indent(rest)
                .break_words(true);
            let wrapped = textwrap::wrap(line, options);
            if wrapped.is_empty() {
                self.rows.push(Row {
                    text: String::new(),
                    look,
                    optional,
                });
            }
            for w in wrapped {
                self.rows.push(Row {
                    text: w.into_owned(),
                    look,
                    optional,
                });
            }
        }
        self
    }

    /// One row cut to the width: for the line of keys, which must stay one
    /// row.
    pub fn one_row(&mut self, text: &str, look: Look) -> &mut Self {
        self.rows.push(Row {
            text: console::truncate_str(text, self.width, "…").into_owned(),
            look,
            optional: false,
        });
        self
    }

    /// Keeps the frame within `height` rows: optional rows (help, teaching
    /// notes) go first, from the end, replaced by one row that says so; a
    /// frame still too tall keeps its last rows (the answers and the keys),
    /// because the rows above would scroll away and never be cleared.
    pub fn fit(&mut self, height: usize) {
        let height = height.max(4);
        if self.rows.len() <= height {
            return;
        }
        let optional = self.rows.iter().filter(|r| r.optional).count();
        if optional > 0 {
            let over = self.rows.len() + 1 - height;
            let mut drop = over.min(optional);
            let mut at = self.rows.len();
            while drop > 0 && at > 0 {
                at -= 1;
                if self.rows[at].optional {
                    self.rows.remove(at);
                    drop -= 1;
                }
            }
            let last_optional = self.rows.iter().rposition(|r| r.optional);
            let note = Row {
                text: "  … (more than the window holds: enlarge it to read the rest)".into(),
                look: Look::Dim,
                optional: false,
            };
            match last_optional {
                Some(i) => self.rows.insert(i + 1, note),
                None => self.rows.insert(0, note),
            }
        }
        if self.rows.len() > height {
            let cut = self.rows.len() - height;
            self.rows.drain(..cut);
        }
    }

    /// Draws the rows on `term`; returns how many were drawn (to clear).
    pub fn paint(&self, term: &Term, color: bool) -> Result<usize, PromptError> {
        for r in &self.rows {
            let shown = if color {
                match r.look {
                    Look::Plain => r.text.clone(),
                    Look::Dim => style(&r.text).dim().to_string(),
                    Look::Bold => style(&r.text).bold().to_string(),
                    Look::Cursor => style(&r.text).cyan().bold().to_string(),
                    Look::Warning => style(&r.text).red().to_string(),
                    Look::Alarm => style(&r.text).red().bold().to_string(),
                }
            } else {
                r.text.clone()
            };
            term.write_line(&shown).map_err(PromptError::Io)?;
        }
        Ok(self.rows.len())
    }
}

/// The height of the terminal behind `term` (24 when it cannot be read).
pub fn height(term: &Term) -> usize {
    term.size_checked().map_or(24, |(h, _)| usize::from(h))
}

/// Clears the `rows` last drawn rows.
pub fn clear(term: &Term, rows: usize) -> Result<(), PromptError> {
    if rows > 0 {
        term.clear_last_lines(rows).map_err(PromptError::Io)?;
    }
    Ok(())
}

/// The line an answered question leaves behind: its short label and the
/// answer in words, wrapped (never cut) under the label.
pub fn answered(term: &Term, short: &str, answer: &str, color: bool) -> Result<(), PromptError> {
    let mut f = Frame::for_term(term);
    let mark = if color {
        style("✔").green().to_string()
    } else {
        "✔".to_string()
    };
    // The mark is one column wide: wrap as if it were a plain character.
    f.text(&format!("{short} · {answer}"), "✔ ", "    ", Look::Plain);
    for (i, r) in f.rows.iter().enumerate() {
        let line = if i == 0 {
            r.text.replacen('✔', &mark, 1)
        } else {
            r.text.clone()
        };
        term.write_line(&line).map_err(PromptError::Io)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_wrap_under_themselves_and_nothing_is_cut() {
        let mut f = Frame::new(33);
        f.text(
            "Over the posterior SI joint / buttock, below L5",
            "    1  ",
            "       ",
            Look::Plain,
        );
        let rows: Vec<&str> = f.rows.iter().map(|r| r.text.as_str()).collect();
        assert_eq!(
            rows,
            [
                "    1  Over the posterior SI",
                "       joint / buttock, below L5"
            ]
        );
    }

    #[test]
    fn a_short_screen_drops_optional_rows_first_and_says_so() {
        let mut f = Frame::new(40);
        f.text("Question?", "", "", Look::Bold);
        for i in 0..10 {
            f.optional(&format!("help {i}"), "  ", "  ", Look::Dim);
        }
        f.text("y  Yes", "  ", "  ", Look::Plain);
        f.one_row("keys", Look::Dim);
        f.fit(8);
        let rows: Vec<&str> = f.rows.iter().map(|r| r.text.as_str()).collect();
        assert_eq!(rows.len(), 8, "{rows:?}");
        assert_eq!(rows[0], "Question?");
        assert!(rows[1].starts_with("  help 0"), "{rows:?}");
        assert!(rows[5].contains("enlarge"), "{rows:?}");
        assert_eq!(&rows[6..], ["  y  Yes", "keys"]);
    }

    #[test]
    fn the_line_of_keys_stays_one_row() {
        let mut f = Frame::new(25);
        f.one_row("y/n/u answer · ? help · Esc back · q stop", Look::Dim);
        assert_eq!(f.rows.len(), 1);
        assert!(console::measure_text_width(&f.rows[0].text) <= 24);
    }
}
