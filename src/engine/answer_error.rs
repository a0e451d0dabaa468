//! Why a written answer does not fit its question.
//!
//! Every reader (answers files, `--set`, CSV cells, JSON Lines, FHIR, the
//! walk) gets this one type from the one parser, so a caller can place it
//! (see [`crate::diagnostics::At`]), count it by kind (`batch`), or show it,
//! and the wording is the same on every path.

use super::ruleset::fmt_num;

/// A written value as a message shows it: escaped (no control character
/// reaches the terminal) and cut after 80 characters, so a 5 MB value in a
/// hostile file gives a one-line error, not 5 MB of it.
fn shown(text: &str) -> String {
    const SHOWN: usize = 80;
    let mut chars = text.chars();
    let head: String = chars.by_ref().take(SHOWN).collect();
    let rest = chars.count();
    if rest == 0 {
        head.escape_debug().to_string()
    } else {
        format!("{}... ({} characters)", head.escape_debug(), SHOWN + rest)
    }
}

/// A written answer that its question does not accept.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AnswerError {
    /// `unknown` for a question that must be answered.
    #[error("this question must be answered; `unknown` is not accepted")]
    UnknownNotAllowed,
    /// Text that is not one of the yes/no words.
    #[error("expected yes, no or unknown, found '{}'", shown(.0))]
    NotYesNo(String),
    /// NaN or an infinity.
    #[error("expected a finite number")]
    NotFinite,
    /// A fraction for a question that counts.
    #[error("{0} is not a whole number")]
    NotWhole(f64),
    /// A number outside the question's range (`range` in words).
    #[error("{} is outside the range {range}", fmt_num(*.value))]
    OutOfRange { value: f64, range: String },
    /// A number written as text in a typed format (`"80"` in JSON).
    #[error("expected a number, found the text '{}'{}", shown(.text), if *.numeric { " (write it without quotes)" } else { "" })]
    QuotedNumber { text: String, numeric: bool },
    /// Typed text that does not read as a number.
    #[error("expected a number, found '{}'", shown(.0))]
    NotANumber(String),
    /// A laboratory limit (`<10`) where a value is needed.
    #[error("'{}' is a limit, not a value: a number is needed (enter the exact result if the report gives one, or unknown)", shown(.0))]
    Limit(String),
    /// An option id the question does not have.
    #[error("no option '{}'{hint} (options: {options})", shown(.id))]
    NoOption {
        id: String,
        /// ` (did you mean 'x'?)`, or empty.
        hint: String,
        /// The question's option ids, comma-separated.
        options: String,
    },
    /// An option beyond the index an answer can hold (the compiler caps
    /// options far below it; refused rather than wrapped).
    #[error("option '{}' is past the last option index", shown(.0))]
    OptionIndex(String),
    /// One option id where a list is needed (the id is valid).
    #[error("expected a list of options, write [{0}]")]
    ListExpected(String),
    /// A list for a single-choice question.
    #[error("expected one option, found a list (this question takes a single choice)")]
    ListForSingle,
    /// A list holding something other than option ids.
    #[error("expected a list of option ids")]
    ListItemsNotText,
    /// A JSON object where an answer belongs.
    #[error("expected an answer, found an object")]
    Object,
    /// A value of another type: what was expected and what was found, in
    /// words.
    #[error("expected {expected}, found {found}")]
    WrongType {
        expected: &'static str,
        found: String,
    },
    /// Bytes that are not UTF-8 text.
    #[error("not valid UTF-8 text")]
    NotUtf8,
}

/// An answer error with the question it was for: `pain_location: no
/// option 'lft' ...`, as every reader reports it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{question}: {error}")]
pub struct BadAnswer {
    pub question: String,
    #[source]
    pub error: AnswerError,
}

impl AnswerError {
    /// This error, said of question `id`.
    pub fn for_question(self, id: &str) -> BadAnswer {
        BadAnswer {
            question: id.to_string(),
            error: self,
        }
    }

    /// A short, stable name for the kind of problem (for counting bad rows
    /// by kind; never shown in place of the message).
    pub const fn kind(&self) -> &'static str {
        match self {
            AnswerError::UnknownNotAllowed => "unknown not allowed",
            AnswerError::NotYesNo(_) => "not yes or no",
            AnswerError::NotFinite | AnswerError::NotANumber(_) => "not a number",
            AnswerError::NotWhole(_) => "not a whole number",
            AnswerError::OutOfRange { .. } => "out of range",
            AnswerError::QuotedNumber { .. } => "number written as text",
            AnswerError::Limit(_) => "a limit, not a value",
            AnswerError::NoOption { .. } | AnswerError::OptionIndex(_) => "no such option",
            AnswerError::ListExpected(_) => "a list expected",
            AnswerError::ListForSingle => "one option expected",
            AnswerError::ListItemsNotText | AnswerError::Object | AnswerError::WrongType { .. } => {
                "wrong type"
            }
            AnswerError::NotUtf8 => "not UTF-8",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_read_as_they_always_have() {
        let cases = [
            (
                AnswerError::NotYesNo("Yes".into()),
                "expected yes, no or unknown, found 'Yes'",
            ),
            (
                AnswerError::OutOfRange {
                    value: 150.0,
                    range: "0 to 100 percent".into(),
                },
                "150 is outside the range 0 to 100 percent",
            ),
            (
                AnswerError::QuotedNumber {
                    text: "80".into(),
                    numeric: true,
                },
                "expected a number, found the text '80' (write it without quotes)",
            ),
            (
                AnswerError::NoOption {
                    id: "lft".into(),
                    hint: " (did you mean 'left'?)".into(),
                    options: "left, right".into(),
                },
                "no option 'lft' (did you mean 'left'?) (options: left, right)",
            ),
            (AnswerError::NotWhole(6.5), "6.5 is not a whole number"),
        ];
        for (e, want) in cases {
            assert_eq!(e.to_string(), want);
        }
    }

    #[test]
    fn control_characters_are_escaped() {
        let e = AnswerError::NotANumber("\u{1b}[2J".into());
        assert_eq!(e.to_string(), "expected a number, found '\\u{1b}[2J'");
        let long = AnswerError::NotYesNo("y".repeat(5_000_000));
        assert_eq!(
            long.to_string(),
            format!(
                "expected yes, no or unknown, found '{}... (5000000 characters)'",
                "y".repeat(80)
            )
        );
    }
}
