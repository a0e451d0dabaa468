//! The source tree's layers depend one way: each top-level folder of `src/`
//! may use only the layers before it. This test reads every source file and
//! fails on a path that points up, however it is spelled: `crate::report`,
//! `crate::{engine, report}` (a group, even over several lines), or
//! `super::super::report` climbing out of the layer. A layer missing from
//! the list fails too, so the layering in `src/lib.rs` stays true.

use std::path::{Path, PathBuf};

/// Bottom to top.
const LAYERS: [&str; 9] = [
    "diagnostics",
    "engine",
    "files",
    "compile",
    "rows",
    "analysis",
    "report",
    "batch",
    "cli",
];

fn rank(layer: &str) -> Option<usize> {
    LAYERS.iter().position(|l| *l == layer)
}

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a file with comments, strings and character literals
/// blanked out (doc links and messages may name anything; only code
/// creates a dependence), keeping line breaks so positions stay true.
fn code(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let blank = |out: &mut String, c: char| out.push(if c == '\n' { '\n' } else { ' ' });
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            i += 2;
            while i < chars.len() && !(chars[i] == '*' && chars.get(i + 1) == Some(&'/')) {
                blank(&mut out, chars[i]);
                i += 1;
            }
            i += 2;
        } else if c == 'r'
            && matches!(next, Some('#' | '"'))
            && !ident_char(chars.get(i.wrapping_sub(1)))
        {
            // A raw string: r"..." or r#"..."#.
            let hashes = chars[i + 1..].iter().take_while(|&&h| h == '#').count();
            if chars.get(i + 1 + hashes) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            i += 2 + hashes;
            while i < chars.len() {
                if chars[i] == '"'
                    && chars[i + 1..]
                        .iter()
                        .take(hashes)
                        .filter(|&&h| h == '#')
                        .count()
                        == hashes
                {
                    i += 1 + hashes;
                    break;
                }
                blank(&mut out, chars[i]);
                i += 1;
            }
        } else if c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    i += 1;
                }
                if let Some(&x) = chars.get(i) {
                    blank(&mut out, x);
                }
                i += 1;
            }
            i += 1;
        } else if c == '\'' {
            // A character literal ('x', '\n', '\u{1b}'), not a lifetime.
            let close = if next == Some('\\') {
                chars[i + 2..]
                    .iter()
                    .take(10)
                    .position(|&x| x == '\'')
                    .map(|p| i + 2 + p)
            } else if chars.get(i + 2) == Some(&'\'') {
                Some(i + 2)
            } else {
                None
            };
            match close {
                Some(end) => i = end + 1,
                None => {
                    out.push(c);
                    i += 1;
                }
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn ident_char(c: Option<&char>) -> bool {
    c.is_some_and(|c| c.is_ascii_alphanumeric() || *c == '_')
}

fn ident(s: &str) -> String {
    s.chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect()
}

/// The top-level names a path names after `crate::`: one, or each of a
/// group's (`{a, b::c, self}`), with the text's line of each.
fn targets(rest: &str) -> Vec<(String, usize)> {
    let rest = rest.trim_start();
    if let Some(group) = rest.strip_prefix('{') {
        // The first level of the group only.
        let mut depth = 0usize;
        let mut names = Vec::new();
        let mut line = 0usize;
        let mut at_start = true;
        for (i, c) in group.char_indices() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => break,
                '}' => depth -= 1,
                ',' if depth == 0 => at_start = true,
                '\n' => line += 1,
                c if at_start && !c.is_whitespace() => {
                    at_start = false;
                    names.push((ident(&group[i..]), line));
                }
                _ => {}
            }
        }
        names
    } else {
        vec![(ident(rest), 0)]
    }
}

/// Every upward or unknown path in one file of layer `own`.
fn problems_in(rel: &Path, own: usize, text: &str) -> Vec<String> {
    let code = code(text);
    let mut problems = Vec::new();
    let line_of = |at: usize| code[..at].matches('\n').count() + 1;
    let mut check = |name: &str, line: usize, how: &str| match rank(name) {
        Some(r) if r > own => problems.push(format!(
            "{}:{line}: {} uses {name} ({how}), a later layer",
            rel.display(),
            LAYERS[own]
        )),
        Some(_) => {}
        None if name.is_empty() || name == "main" || name == "self" => {}
        None => problems.push(format!(
            "{}:{line}: {how} names '{name}', which is not a layer",
            rel.display()
        )),
    };
    for (at, _) in code.match_indices("crate::") {
        // `$crate::` in a macro is the same crate; `foo_crate::` another.
        if ident_char(code[..at].chars().last().as_ref()) {
            continue;
        }
        for (name, extra) in targets(&code[at + "crate::".len()..]) {
            check(&name, line_of(at) + extra, "crate::");
        }
    }
    // `super::` chains: a file at depth d (0 for `layer/mod.rs` or
    // `layer/x.rs`' parent module) leaves its layer after climbing more
    // than its depth; whatever it then names is a top-level module.
    let depth = module_depth(rel);
    let inline = inline_modules(&code);
    for (at, _) in code.match_indices("super::") {
        // Count only the start of a chain.
        if code[..at].ends_with("super::") || ident_char(code[..at].chars().last().as_ref()) {
            continue;
        }
        let mut n = 0;
        let mut rest = &code[at..];
        while let Some(r) = rest.strip_prefix("super::") {
            n += 1;
            rest = r;
        }
        if n > depth + inline[at] {
            for (name, extra) in targets(rest) {
                check(&name, line_of(at) + extra, "super::");
            }
        }
    }
    problems
}

/// For each byte of `code`, how many inline modules (`mod tests { ... }`)
/// it sits in: each is one more `super::` step inside the file.
fn inline_modules(code: &str) -> Vec<usize> {
    let bytes = code.as_bytes();
    let mut out = vec![0; bytes.len() + 1];
    let mut depth = 0usize;
    // Brace depths at which an inline module's body opened.
    let mut open: Vec<usize> = Vec::new();
    let mut pending = false;
    let mut i = 0;
    while i < bytes.len() {
        let at_word = i == 0 || !ident_char(Some(&(bytes[i - 1] as char)));
        if at_word && code[i..].starts_with("mod ") {
            // `mod name {` opens one; `mod name;` is another file.
            let rest = code[i + 4..].trim_start();
            let name_len = ident(rest).len();
            pending = rest[name_len..].trim_start().starts_with('{');
        }
        match bytes[i] {
            b'{' => {
                depth += 1;
                if std::mem::take(&mut pending) {
                    open.push(depth);
                }
            }
            b'}' => {
                if open.last() == Some(&depth) {
                    open.pop();
                }
                depth = depth.saturating_sub(1);
            }
            _ => {}
        }
        out[i] = open.len();
        i += 1;
    }
    out
}

/// How many `super::` steps stay inside the layer: from `layer/x.rs`
/// (module `layer::x`) one step reaches `layer`, a second the crate root;
/// from `layer/mod.rs` (module `layer`) the first step leaves it.
fn module_depth(rel: &Path) -> usize {
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    // Module path below the crate root: folders, then the file unless it
    // is mod.rs.
    let mut modules = parts.len();
    if parts.last().is_some_and(|f| f == "mod.rs") {
        modules -= 1;
    }
    // Steps of `super` that stay within the layer's top module.
    modules.saturating_sub(1)
}

#[test]
fn layers_only_use_the_layers_before_them() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let mut problems = Vec::new();
    for file in &files {
        let rel = file.strip_prefix(&src).expect("under src");
        let mut parts = rel.components();
        let first = parts.next().expect("a path").as_os_str().to_string_lossy();
        if parts.next().is_none() {
            continue; // lib.rs and main.rs sit above every layer
        }
        let Some(own) = rank(&first) else {
            problems.push(format!(
                "{}: folder '{first}' is not a layer",
                rel.display()
            ));
            continue;
        };
        let text = std::fs::read_to_string(file).expect("read");
        problems.extend(problems_in(rel, own, &text));
    }
    assert!(files.len() > 20, "found only {} source files", files.len());
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The checker itself catches every spelling of an upward path (each of
/// these would pass a check that only looked for `crate::name`).
#[test]
fn every_spelling_of_an_upward_path_is_caught() {
    let engine = rank("engine").expect("layer");
    let caught = |file: &str, text: &str| !problems_in(Path::new(file), engine, text).is_empty();
    assert!(caught("engine/x.rs", "use crate::report::Summary;"));
    assert!(caught("engine/x.rs", "use crate::{diagnostics, report};"));
    assert!(caught(
        "engine/x.rs",
        "use crate::{\n    diagnostics::Span,\n    cli::args,\n};"
    ));
    assert!(caught("engine/mod.rs", "use super::report::Summary;"));
    assert!(!caught("engine/x.rs", "use super::report::Summary;"));
    assert!(caught(
        "engine/sub/mod.rs",
        "use super::super::report::Summary;"
    ));
    assert!(caught(
        "engine/sub/x.rs",
        "use super::super::super::report::X;"
    ));
    assert!(caught("engine/x.rs", "let s = crate::report::summary(rs);"));
    // Not caught: paths that stay down or inside, and comments.
    assert!(!caught(
        "engine/x.rs",
        "use crate::{diagnostics, engine::Tri};"
    ));
    assert!(!caught("engine/sub/x.rs", "use super::Tri;"));
    assert!(!caught(
        "engine/sub/mod.rs",
        "use super::super::diagnostics::Span;"
    ));
    assert!(!caught(
        "engine/x.rs",
        "// see crate::report\n/* crate::cli */"
    ));
    assert!(!caught("engine/x.rs", "let s = \"crate::report\";"));
    assert!(!caught(
        "engine/mod.rs",
        "mod tests {\n    use super::Tri;\n}"
    ));
    assert!(caught("engine/mod.rs", "mod tests {}\nuse super::report;"));
}
