//! Problems found in a rule-set or answers file, with where they are.
//!
//! Rendered one per line as `file:line:col: error: message`, the form
//! compilers use, so editors and terminals can jump to the place.

use std::fmt;

use serde_saphyr::{Location, Spanned};

/// How bad a problem is: errors refuse the file, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// A 1-based line and column; `0:0` when the place is not known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Pos {
    pub line: u64,
    pub column: u64,
}

impl Pos {
    pub fn of<T>(s: &Spanned<T>) -> Self {
        Self::from(s.referenced)
    }
}

impl From<Location> for Pos {
    fn from(l: Location) -> Self {
        Pos {
            line: l.line(),
            column: l.column(),
        }
    }
}

/// One problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub pos: Pos,
    pub message: String,
    /// The file, when it is not the one being checked (a question bank).
    pub file: Option<String>,
}

impl Diagnostic {
    pub fn error(pos: Pos, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            pos,
            message: message.into(),
            file: None,
        }
    }

    pub fn warning(pos: Pos, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            pos,
            message: message.into(),
            file: None,
        }
    }

    /// Renders as `file:line:col: error: message`.
    pub fn display<'a>(&'a self, file: &'a str) -> impl fmt::Display + 'a {
        DisplayDiagnostic {
            file,
            diagnostic: self,
        }
    }
}

struct DisplayDiagnostic<'a> {
    file: &'a str,
    diagnostic: &'a Diagnostic,
}

impl fmt::Display for DisplayDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.diagnostic;
        let severity = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(
            f,
            "{}:{}:{}: {severity}: {}",
            self.file, d.pos.line, d.pos.column, d.message
        )
    }
}

/// All the problems of one file, sorted by place.
#[derive(Debug, Clone, Default)]
pub struct Diagnostics {
    pub file: String,
    pub items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn new(file: impl Into<String>, mut items: Vec<Diagnostic>) -> Self {
        items.sort_by_key(|d| (d.file.clone(), d.pos, d.severity));
        items.dedup();
        Diagnostics {
            file: file.into(),
            items,
        }
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

    pub fn has_errors(&self) -> bool {
        self.errors() > 0
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.items.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{}", d.display(&self.file))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_like_a_compiler() {
        let d = Diagnostic::error(
            Pos {
                line: 12,
                column: 7,
            },
            "unknown question 'foo'",
        );
        assert_eq!(
            d.display("rules/x.yaml").to_string(),
            "rules/x.yaml:12:7: error: unknown question 'foo'"
        );
    }

    #[test]
    fn sorts_by_position_and_counts() {
        let ds = Diagnostics::new(
            "f",
            vec![
                Diagnostic::warning(Pos { line: 9, column: 1 }, "w"),
                Diagnostic::error(Pos { line: 2, column: 3 }, "e"),
            ],
        );
        assert_eq!(ds.to_string(), "f:2:3: error: e\nf:9:1: warning: w");
        assert_eq!((ds.errors(), ds.warnings()), (1, 1));
    }
}
