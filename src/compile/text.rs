//! Text fields, made safe once, here, for every output.
//!
//! A rule set's titles, questions and labels reach a clinician's terminal,
//! reports and flowcharts. Control characters (which could retitle the
//! window, clear the screen or plant a hyperlink) are stored as visible
//! escapes, and a single-line field's line breaks become spaces, so no
//! renderer can be made to emit them; each such field, and any that holds
//! HTML-like markup, gets a warning naming it.

use super::Compiler;
use crate::diagnostics::{Diagnostic, Span, inert, is_unsafe_char};

/// Whether a field is one line (a title, a label) or may hold paragraphs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Lines {
    One,
    Many,
}

impl Compiler {
    /// `s` as the engine keeps it; `what` names the field in a warning.
    pub(super) fn text(&mut self, s: &str, at: Span, what: &str, lines: Lines) -> String {
        if s.chars().any(is_unsafe_char) {
            self.diagnostics.push(
                Diagnostic::warning(
                    at,
                    format!("the {what} contains control characters; they are shown as escapes"),
                )
                .with_help(Some(
                    "remove them: they can change what a terminal shows".into(),
                )),
            );
        }
        if has_markup(s) {
            self.diagnostics.push(Diagnostic::warning(
                at,
                format!(
                    "the {what} contains HTML-like markup; it is shown as text, never rendered"
                ),
            ));
        }
        let safe = inert(s);
        match lines {
            Lines::Many => safe.into_owned(),
            Lines::One => safe.split_whitespace().collect::<Vec<_>>().join(" "),
        }
    }
}

/// `<` followed by a letter, `/` or `!`: the start of a tag or comment.
fn has_markup(s: &str) -> bool {
    s.as_bytes()
        .windows(2)
        .any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || w[1] == b'/' || w[1] == b'!'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::FileId;

    #[test]
    fn control_characters_are_escaped_and_warned_about() {
        let mut cx = Compiler::default();
        let at = Span::start(FileId::MAIN);
        assert_eq!(
            cx.text("Pain\u{1b}]0;x\u{7}", at, "title", Lines::One),
            "Pain\\u{1b}]0;x\\u{7}"
        );
        assert_eq!(
            cx.text("two\n lines ", at, "label", Lines::One),
            "two lines"
        );
        assert_eq!(
            cx.text("para\n\nnext", at, "help", Lines::Many),
            "para\n\nnext"
        );
        assert_eq!(cx.diagnostics.len(), 1);
        cx.text("<script>x</script>", at, "label", Lines::One);
        assert_eq!(cx.diagnostics.len(), 2);
        cx.text("relief < 50%, age <70", at, "label", Lines::One);
        assert_eq!(cx.diagnostics.len(), 2, "a comparison is not markup");
    }
}
