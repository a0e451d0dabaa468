//! Reading rule-set and answers files safely.
//!
//! Everything read from disk is untrusted: a clinician may point the tool at
//! the wrong file, and YAML has features (aliases, deep nesting) that can make
//! a small file expensive. So a file must be a regular file under a size
//! limit, valid UTF-8, and parse within explicit resource budgets; each
//! failure says which rule was broken.

use std::fs;
use std::io::{self, Read};
use std::path::Path;

use serde::de::DeserializeOwned;
use serde_saphyr::{Budget, DuplicateKeyPolicy, Options, SnippetMode};

use crate::diagnostic::{Diagnostic, Pos};
use crate::error::InputError;

/// Largest rule-set or answers file accepted, in bytes. The bundled rule sets
/// are about 30 KiB; 8 MiB leaves room for thousands of questions.
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// YAML nesting depth accepted. Conditions nest a few levels; 64 is generous
/// and keeps recursion far from the stack's limit.
pub const MAX_DEPTH: usize = 64;

/// The resource budget every YAML document is parsed under.
pub fn budget() -> Budget {
    let mut b = Budget::default();
    b.max_depth = MAX_DEPTH;
    b.max_documents = 1;
    b.max_nodes = 500_000;
    b.max_events = 2_000_000;
    b.max_aliases = 10_000;
    b.max_anchors = 10_000;
    b.max_recorded_anchor_events = 200_000;
    b.max_total_scalar_bytes = MAX_FILE_BYTES as usize;
    b
}

fn options() -> Options {
    let mut o = Options::default();
    o.budget = Some(budget());
    o.duplicate_keys = DuplicateKeyPolicy::Error;
    o
}

/// Reads a whole file as UTF-8 text; `-` reads standard input.
pub fn read_text(path: &Path) -> Result<String, InputError> {
    let shown = path.display().to_string();
    let bytes = if path.as_os_str() == "-" {
        let mut buf = Vec::new();
        io::stdin()
            .lock()
            .take(MAX_FILE_BYTES + 1)
            .read_to_end(&mut buf)
            .map_err(|source| InputError::Io {
                path: shown.clone(),
                source,
            })?;
        if buf.len() as u64 > MAX_FILE_BYTES {
            return Err(InputError::TooLarge {
                path: shown,
                limit: MAX_FILE_BYTES,
            });
        }
        buf
    } else {
        // Look before opening: opening a FIFO would block until a writer
        // appears, and reading a directory gives an unhelpful OS error.
        let meta = fs::metadata(path).map_err(|source| InputError::from_io(&shown, source))?;
        if meta.is_dir() {
            return Err(InputError::IsDirectory { path: shown });
        }
        if !meta.is_file() {
            return Err(InputError::NotRegularFile { path: shown });
        }
        if meta.len() > MAX_FILE_BYTES {
            return Err(InputError::TooLarge {
                path: shown,
                limit: MAX_FILE_BYTES,
            });
        }
        let file = fs::File::open(path).map_err(|source| InputError::from_io(&shown, source))?;
        let mut buf = Vec::with_capacity(meta.len() as usize);
        // The file may grow between the look and the read: cap it again.
        file.take(MAX_FILE_BYTES + 1)
            .read_to_end(&mut buf)
            .map_err(|source| InputError::from_io(&shown, source))?;
        if buf.len() as u64 > MAX_FILE_BYTES {
            return Err(InputError::TooLarge {
                path: shown,
                limit: MAX_FILE_BYTES,
            });
        }
        buf
    };
    decode_utf8(&shown, bytes)
}

/// Checks UTF-8 and says where the first bad byte is.
pub fn decode_utf8(path: &str, bytes: Vec<u8>) -> Result<String, InputError> {
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
        let last_line = valid.rsplit(|&b| b == b'\n').next().unwrap_or(valid);
        let column = String::from_utf8_lossy(last_line).chars().count() as u64 + 1;
        InputError::NotUtf8 {
            path: path.to_string(),
            line,
            column,
        }
    })
}

/// Parses one YAML (or JSON) document under the budget, turning a failure
/// into a positioned diagnostic.
pub fn parse_yaml<T: DeserializeOwned>(text: &str) -> Result<T, Diagnostic> {
    if text.trim().is_empty() {
        return Err(Diagnostic::error(
            Pos { line: 1, column: 1 },
            "the file is empty",
        ));
    }
    serde_saphyr::from_str_with_options::<T>(text, options()).map_err(|e| {
        let pos = e
            .location()
            .map(Pos::from)
            .unwrap_or(Pos { line: 1, column: 1 });
        Diagnostic::error(pos, plain_message(&e))
    })
}

/// The library's message without its location prefix and source snippet:
/// the diagnostic carries the location itself.
fn plain_message(e: &serde_saphyr::Error) -> String {
    let mut opts = serde_saphyr::RenderOptions::default();
    opts.snippets = SnippetMode::Off;
    let rendered = e.render_with_options(opts);
    let joined = rendered.split_whitespace().collect::<Vec<_>>().join(" ");
    let msg = joined.strip_prefix("error: ").unwrap_or(&joined);
    // "line 2 column 1: message": the diagnostic carries the place itself.
    let msg = match msg.split_once(": ") {
        Some((head, rest)) if head.starts_with("line ") && head.contains(" column ") => rest,
        _ => msg,
    };
    // "... at line 2, column 1" at the very end repeats the place too.
    let msg = match msg.rfind(" at line ") {
        Some(i) if is_place(&msg[i + " at line ".len()..]) => &msg[..i],
        _ => msg,
    };
    // Advice addressed to programmers embedding the library, not to authors.
    let msg = msg
        .split(", set DuplicateKeyPolicy")
        .next()
        .unwrap_or(msg)
        .trim();
    match msg.strip_prefix("budget breached: ") {
        Some(which) => format!(
            "YAML safety limit exceeded: {which}; the file expands (through nesting or aliases) past what a rule set or answers file needs (see \"Resource limits\" in the README)"
        ),
        None if msg.is_empty() => "invalid YAML".to_string(),
        None => msg.to_string(),
    }
}

/// Whether `s` is exactly "N, column M".
fn is_place(s: &str) -> bool {
    s.split_once(", column ").is_some_and(|(l, c)| {
        !l.is_empty()
            && !c.is_empty()
            && l.bytes().all(|b| b.is_ascii_digit())
            && c.bytes().all(|b| b.is_ascii_digit())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Doc {
        a: u32,
    }

    #[test]
    fn parse_errors_carry_position_and_a_bare_message() {
        let e = parse_yaml::<Doc>("a: 1\nb: 2\n").expect_err("unknown key");
        assert_eq!(e.pos, Pos { line: 2, column: 1 });
        assert!(e.message.starts_with("unknown field `b`"), "{}", e.message);
        assert!(!e.message.contains("line"), "{}", e.message);
    }

    #[test]
    fn empty_text_is_its_own_error() {
        let e = parse_yaml::<Doc>("  \n").expect_err("empty");
        assert_eq!(e.message, "the file is empty");
    }

    #[test]
    fn duplicate_keys_are_rejected() {
        let e = parse_yaml::<Doc>("a: 1\na: 2\n").expect_err("duplicate");
        assert_eq!(e.pos.line, 2);
        assert!(e.message.contains("duplicate"), "{}", e.message);
    }

    #[test]
    fn aliases_of_a_large_string_hit_the_budget_and_say_which() {
        let big = "x".repeat(1_000_000);
        let refs = vec!["*a"; 20].join(", ");
        let y = format!("keep: &a \"{big}\"\nlist: [{refs}]\n");
        let e = parse_yaml::<serde_json::Value>(&y).expect_err("expands past 8 MiB");
        assert!(
            e.message
                .starts_with("YAML safety limit exceeded: ScalarBytes"),
            "{}",
            e.message
        );
    }

    #[test]
    fn alias_bomb_hits_the_budget() {
        let mut y = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            y.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let e = parse_yaml::<serde_json::Value>(&y).expect_err("bomb");
        assert!(
            e.message.contains("limit") || e.message.contains("budget"),
            "{}",
            e.message
        );
    }

    #[test]
    fn deep_nesting_hits_the_depth_limit() {
        let y = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        let e = parse_yaml::<serde_json::Value>(&y).expect_err("deep");
        assert!(!e.message.is_empty());
    }

    #[test]
    fn invalid_utf8_says_where() {
        let e = decode_utf8("f.yaml", b"id: a\nti\xfftle: x\n".to_vec()).expect_err("bad utf8");
        assert_eq!(e.to_string(), "f.yaml:2:3: not valid UTF-8 text");
    }
}
