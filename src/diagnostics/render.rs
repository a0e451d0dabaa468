//! Diagnostics as text: like a compiler's (the source line and a marker under
//! the span, via annotate-snippets), or one line each.
//!
//! The rich form is for people; the short form, `file:line:col: error:
//! message (help)`, is for editors' problem matchers and scripts, and is what
//! `--diagnostic-format short` selects.

use std::fmt::Write;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

#[cfg(test)]
use super::FileId;
use super::{Diagnostic, Diagnostics, Severity, SourceFile, Span, inert, is_unsafe_char};

/// How diagnostics are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// The source line with a marker under the problem, then help.
    #[default]
    Rich,
    /// One `file:line:col: severity: message` line per problem.
    Short,
}

/// Renders every diagnostic, one after another, with no trailing newline.
pub fn render(ds: &Diagnostics, format: Format, color: bool) -> String {
    match format {
        Format::Short => ds
            .items
            .iter()
            .map(|d| short(ds, d))
            .collect::<Vec<_>>()
            .join("\n"),
        Format::Rich => {
            let lines: Vec<LineIndex> = ds.files.iter().map(LineIndex::new).collect();
            let renderer = if color {
                Renderer::styled()
            } else {
                Renderer::plain()
            };
            ds.items
                .iter()
                .map(|d| rich(ds, &lines, &renderer, d))
                .collect::<Vec<_>>()
                .join("\n\n")
        }
    }
}

/// `file:line:col: error: message (help) (first defined at line N)`.
pub fn short(ds: &Diagnostics, d: &Diagnostic) -> String {
    let mut line = format!(
        "{}:{}:{}: {}: {}",
        inert(ds.file_name(d.span.file)),
        d.span.line,
        d.span.column,
        d.severity.as_str(),
        inert(&d.message)
    );
    if let Some(help) = &d.help {
        let _ = write!(line, " ({})", inert(help));
    }
    if let Some(r) = &d.related {
        let place = if r.span.file == d.span.file {
            format!("line {}", r.span.line)
        } else {
            format!("{}:{}", inert(ds.file_name(r.span.file)), r.span.line)
        };
        let what = r.label.strip_suffix(" here").unwrap_or(&r.label);
        let _ = write!(line, " ({what} at {place})");
    }
    line
}

fn rich(ds: &Diagnostics, lines: &[LineIndex], renderer: &Renderer, d: &Diagnostic) -> String {
    let level = match d.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let message = inert(&d.message);
    let title = level.primary_title(message.as_ref());
    let mut elements = Vec::new();
    let primary = excerpt(ds, lines, &d.span);
    let related = d
        .related
        .as_ref()
        .map(|r| (excerpt(ds, lines, &r.span), r.label.as_str()));
    match &primary {
        Some(x) => {
            let mut ann = AnnotationKind::Primary.span(x.marker.clone());
            if let Some(label) = &d.label {
                ann = ann.label(label.as_str());
            }
            elements.push(
                Snippet::source(x.text.as_str())
                    .line_start(x.line)
                    .path(x.path.as_str())
                    .annotation(ann),
            );
        }
        None => {
            // No text to show (a file that could not be read as a whole):
            // the place alone, as a compiler does for generated code.
            elements.push(
                Snippet::source("")
                    .path(format!(
                        "{}:{}:{}",
                        inert(ds.file_name(d.span.file)),
                        d.span.line,
                        d.span.column
                    ))
                    .line_numbering(false),
            );
        }
    }
    if let Some((Some(x), label)) = &related {
        elements.push(
            Snippet::source(x.text.as_str())
                .line_start(x.line)
                .path(x.path.as_str())
                .annotation(AnnotationKind::Context.span(x.marker.clone()).label(*label)),
        );
    }
    let group = title.elements(elements);
    let help = d.help.as_deref().map(inert);
    let mut report: Vec<Group<'_>> = vec![group];
    if let Some(h) = &help {
        report.push(Group::with_title(Level::HELP.secondary_title(h.as_ref())));
    }
    renderer.render(&report)
}

/// One source line, made inert, with where to put the marker.
struct Excerpt {
    path: String,
    line: usize,
    text: String,
    marker: std::ops::Range<usize>,
}

fn excerpt(ds: &Diagnostics, lines: &[LineIndex], span: &Span) -> Option<Excerpt> {
    let file = ds.files.get(span.file.0 as usize)?;
    let index = lines.get(span.file.0 as usize)?;
    if file.text.is_empty() || span.line == 0 {
        return None;
    }
    let line_no = usize::try_from(span.line).ok()?;
    let (start, end) = index.line(line_no, &file.text)?;
    let raw = &file.text[start..end];
    // The marker: the reported byte range when it starts on this line, else
    // the column (in characters) to the end of the word there.
    let bytes = span.bytes.map(|(b, e)| {
        (
            usize::try_from(b).unwrap_or(usize::MAX),
            usize::try_from(e).unwrap_or(usize::MAX),
        )
    });
    let from = match bytes {
        Some((b, _)) if b >= start && b <= end => b - start,
        _ => raw
            .char_indices()
            .nth(usize::try_from(span.column.saturating_sub(1)).unwrap_or(0))
            .map_or(raw.len(), |(i, _)| i),
    };
    let to = match bytes {
        Some((b, e)) if b >= start && b <= end && e > b => (e - start).min(raw.len()),
        _ => raw[from..]
            .find(|c: char| c.is_whitespace() || matches!(c, ',' | ']' | '}' | ':'))
            .map_or(raw.len(), |n| from + n),
    };
    let to = to.max(from);
    // Same byte length, no control characters: the marker stays aligned.
    let text: String = raw
        .chars()
        .map(|c| {
            if is_unsafe_char(c) {
                if c.len_utf8() == 1 { '?' } else { '¿' }
            } else {
                c
            }
        })
        .collect();
    if text.len() != raw.len() {
        return None;
    }
    Some(Excerpt {
        path: inert(ds.file_name(span.file)).into_owned(),
        line: line_no,
        text,
        marker: from..to,
    })
}

/// Where each line of a file starts, found once per rendering so that many
/// diagnostics in a large file cost one pass over it.
struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(file: &SourceFile) -> Self {
        let mut starts = vec![0];
        starts.extend(
            file.text
                .bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex { starts }
    }

    /// The byte range of 1-based line `n`, without its line break.
    fn line(&self, n: usize, text: &str) -> Option<(usize, usize)> {
        let start = *self.starts.get(n.checked_sub(1)?)?;
        let end = self.starts.get(n).map_or(text.len(), |&s| s - 1);
        let end = if text.as_bytes().get(end.wrapping_sub(1)) == Some(&b'\r') && end > start {
            end - 1
        } else {
            end
        };
        Some((start, end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str, d: Diagnostic) -> Diagnostics {
        Diagnostics::with_text("rules/x.yaml", text, vec![d])
    }

    #[test]
    fn short_is_one_line_like_a_compiler() {
        let d = Diagnostic::error(Span::at(FileId::MAIN, 12, 7), "unknown question 'foo'")
            .with_help(Some("did you mean 'fob'?".into()));
        assert_eq!(
            render(&one("", d), Format::Short, false),
            "rules/x.yaml:12:7: error: unknown question 'foo' (did you mean 'fob'?)"
        );
    }

    #[test]
    fn short_names_where_a_duplicate_was_first_defined() {
        let d = Diagnostic::error(Span::at(FileId::MAIN, 9, 3), "duplicate question id 'a'")
            .with_related(Span::at(FileId::MAIN, 4, 3), "first defined here");
        assert_eq!(
            render(&one("", d), Format::Short, false),
            "rules/x.yaml:9:3: error: duplicate question id 'a' (first defined at line 4)"
        );
    }

    #[test]
    fn rich_shows_the_line_and_a_marker_under_the_span() {
        let text = "criteria:\n  - condition: { yes: distraction_tst }\n";
        let start = text.find("distraction_tst").expect("in text");
        let span = Span {
            file: FileId::MAIN,
            line: 2,
            column: 23,
            bytes: Some((
                u32::try_from(start).expect("small"),
                u32::try_from(start + "distraction_tst".len()).expect("small"),
            )),
        };
        let d = Diagnostic::error(span, "unknown question 'distraction_tst'")
            .with_help(Some("did you mean 'distraction_test'?".into()));
        let out = render(&one(text, d), Format::Rich, false);
        assert!(
            out.starts_with("error: unknown question 'distraction_tst'"),
            "{out}"
        );
        assert!(out.contains("--> rules/x.yaml:2:23"), "{out}");
        assert!(
            out.contains("  - condition: { yes: distraction_tst }"),
            "{out}"
        );
        assert!(out.contains(&"^".repeat("distraction_tst".len())), "{out}");
        assert!(
            out.contains("help: did you mean 'distraction_test'?"),
            "{out}"
        );
    }

    #[test]
    fn rich_marks_the_word_at_the_column_without_a_byte_range() {
        let text = "a: 1\nbb: two words\n";
        let d = Diagnostic::error(Span::at(FileId::MAIN, 2, 5), "bad");
        let out = render(&one(text, d), Format::Rich, false);
        assert!(out.contains("bb: two words"), "{out}");
        assert!(out.lines().any(|l| l.trim_end().ends_with("^^^")), "{out}");
    }

    #[test]
    fn control_characters_in_the_source_are_not_sent_to_the_terminal() {
        let text = "title: \u{1b}]0;pwned\u{7}\n";
        let d = Diagnostic::error(Span::at(FileId::MAIN, 1, 1), "bad \u{1b}[2J");
        for format in [Format::Rich, Format::Short] {
            let out = render(&one(text, d.clone()), format, false);
            assert!(!out.contains('\u{1b}') && !out.contains('\u{7}'), "{out:?}");
        }
    }
}
