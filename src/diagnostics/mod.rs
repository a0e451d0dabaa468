//! Problems found in a rule-set, bank, answers or vignette file, with where
//! they are.
//!
//! A [`Diagnostic`] is a value: a severity, a message, the [`Span`] it is
//! about (a file id, line, column and, where known, the byte range), an
//! optional help line (a did-you-mean) and an optional related place ("first
//! defined here"). [`render`] turns a set of them into text, either like a
//! compiler, with the offending source line and a marker under the span, or
//! as one `file:line:col: error: message` line each, for editors and scripts.
//!
//! This is the bottom layer of the crate: it depends on nothing else here.

pub mod render;
pub mod suggest;

use std::borrow::Cow;

use serde_saphyr::Spanned;

pub use render::Format;

/// How bad a problem is: errors refuse the file, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub const fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// Which file a span is in: an index into [`Diagnostics::files`]. The file
/// being checked is always `FileId::MAIN`; a question bank it uses is the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct FileId(pub u32);

impl FileId {
    pub const MAIN: FileId = FileId(0);
    pub const BANK: FileId = FileId(1);
}

/// A place in a file: 1-based line and column (`0:0` when not known), and
/// the byte range of the thing itself when the parser reported one. Files
/// are at most a few MiB, so 32 bits hold any place (and saturate past it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    pub file: FileId,
    pub line: u32,
    pub column: u32,
    /// Start and end byte offsets of the thing itself.
    pub bytes: Option<(u32, u32)>,
}

fn saturate(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Span {
    /// Where a parsed value was written.
    pub fn of<T>(file: FileId, s: &Spanned<T>) -> Self {
        Self::from_location(file, s.referenced)
    }

    /// A parser location in `file`.
    pub fn from_location(file: FileId, l: serde_saphyr::Location) -> Self {
        let span = l.span();
        let bytes = match (span.byte_offset(), span.byte_len()) {
            (Some(start), Some(len)) => {
                Some((saturate(start), saturate(start.saturating_add(len))))
            }
            _ => None,
        };
        Span {
            file,
            line: saturate(l.line()),
            column: saturate(l.column()),
            bytes,
        }
    }

    /// Line 1, column 1 of `file`: for problems with the whole file.
    pub const fn start(file: FileId) -> Self {
        Span {
            file,
            line: 1,
            column: 1,
            bytes: None,
        }
    }

    /// A line and column without a byte range.
    pub fn at(file: FileId, line: u64, column: u64) -> Self {
        Span {
            file,
            line: saturate(line),
            column: saturate(column),
            bytes: None,
        }
    }
}

/// A second place a diagnostic points at, with what it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    pub span: Span,
    /// "first defined here".
    pub label: String,
}

/// One problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub span: Span,
    pub message: String,
    /// Shown under the marker in the rich format.
    pub label: Option<String>,
    /// A suggestion: "did you mean 'distraction_test'?", "use `compare`".
    pub help: Option<String>,
    pub related: Option<Box<Related>>,
}

impl Diagnostic {
    pub fn error(span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            span,
            message: message.into(),
            label: None,
            help: None,
            related: None,
        }
    }

    pub fn warning(span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Self::error(span, message)
        }
    }

    /// Adds a help line; `None` leaves the diagnostic as it is.
    #[must_use]
    pub fn with_help(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }

    #[must_use]
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    #[must_use]
    pub fn with_related(mut self, span: Span, label: impl Into<String>) -> Self {
        self.related = Some(Box::new(Related {
            span,
            label: label.into(),
        }));
        self
    }
}

/// Places an error: `parse(q, text).at(span)?` turns any error into a
/// [`Diagnostic`] at `span` with the error's own words, so no caller
/// builds a message or a span by hand (typst's `At` does the same).
pub trait At<T> {
    /// The error as a diagnostic at `span`.
    fn at(self, span: Span) -> Result<T, Diagnostic>;
}

impl<T, E: std::error::Error> At<T> for Result<T, E> {
    fn at(self, span: Span) -> Result<T, Diagnostic> {
        self.map_err(|e| Diagnostic::error(span, e.to_string()))
    }
}

/// A file diagnostics refer to: its name for messages and its text for
/// snippets.
#[derive(Debug, Clone, Default)]
pub struct SourceFile {
    pub name: String,
    pub text: String,
}

/// All the problems found while checking one file (and the files it uses),
/// sorted by place.
#[derive(Debug, Clone, Default)]
pub struct Diagnostics {
    /// Indexed by [`FileId`]; the first is the file being checked.
    pub files: Vec<SourceFile>,
    pub items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn new(files: Vec<SourceFile>, mut items: Vec<Diagnostic>) -> Self {
        items.sort_by(|a, b| (&a.span, a.severity).cmp(&(&b.span, b.severity)));
        items.dedup();
        Diagnostics { files, items }
    }

    /// Problems with one file, named `name`, whose text is not at hand.
    pub fn for_file(name: impl Into<String>, items: Vec<Diagnostic>) -> Self {
        Self::new(
            vec![SourceFile {
                name: name.into(),
                text: String::new(),
            }],
            items,
        )
    }

    /// Problems with one file whose text is at hand (for snippets).
    pub fn with_text(name: impl Into<String>, text: &str, items: Vec<Diagnostic>) -> Self {
        Self::new(
            vec![SourceFile {
                name: name.into(),
                text: text.to_string(),
            }],
            items,
        )
    }

    /// The name of the file being checked.
    pub fn main_file(&self) -> &str {
        self.files.first().map_or("", |f| f.name.as_str())
    }

    pub fn file_name(&self, id: FileId) -> &str {
        self.files
            .get(id.0 as usize)
            .or(self.files.first())
            .map_or("", |f| f.name.as_str())
    }

    pub fn errors(&self) -> usize {
        self.items
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    pub fn warnings(&self) -> usize {
        self.items.len() - self.errors()
    }
}

/// Text from a file, made safe to print on a terminal: control characters
/// (which could move the cursor, retitle the window or hide text) are shown
/// as escapes instead of being sent raw. Ordinary text is borrowed.
pub fn inert(s: &str) -> Cow<'_, str> {
    // Printable ASCII, the usual case (every case id of a batch), is
    // recognised a byte at a time without decoding characters.
    if s.bytes().all(|b| (0x20..0x7f).contains(&b)) || !s.chars().any(is_unsafe_char) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_unsafe_char(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Inert text that must stay on one line (a table cell, a header): line
/// breaks and tabs are escaped too.
pub fn inert_line(s: &str) -> Cow<'_, str> {
    if !s
        .chars()
        .any(|c| is_unsafe_char(c) || c == '\n' || c == '\t')
    {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push(' '),
            c if is_unsafe_char(c) => out.extend(c.escape_unicode()),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Control characters other than line feed and tab, the C1 controls, and
/// the bidirectional overrides that can make text read differently from
/// how it is stored.
pub const fn is_unsafe_char(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_by_position_and_counts() {
        let ds = Diagnostics::for_file(
            "f",
            vec![
                Diagnostic::warning(Span::at(FileId::MAIN, 9, 1), "w"),
                Diagnostic::error(Span::at(FileId::MAIN, 2, 3), "e"),
            ],
        );
        assert_eq!(ds.items[0].message, "e");
        assert_eq!((ds.errors(), ds.warnings()), (1, 1));
    }

    #[test]
    fn control_characters_are_shown_not_sent() {
        assert_eq!(inert("plain text"), "plain text");
        assert_eq!(inert("a\u{1b}]0;x\u{7}b"), "a\\u{1b}]0;x\\u{7}b");
        assert_eq!(inert("two\nlines"), "two\nlines");
        assert_eq!(inert_line("two\nlines\u{9b}"), "two\\nlines\\u{9b}");
        assert_eq!(inert("\u{202e}abc"), "\\u{202e}abc");
    }
}
