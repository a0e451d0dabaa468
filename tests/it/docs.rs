//! The documentation cannot go stale: every command shown in `README.md`
//! and `docs/*.md` runs here, and every Markdown table is well formed.
//!
//! A command is a line of a fenced `sh` block, or an inline code span that
//! starts with `sij-screen` (a span with a placeholder such as `FILE`,
//! `[...]` or `...` is syntax, not a command). Each runs through `sh` in a
//! copy of the examples, rule sets and fixtures, with the built binary first
//! on `PATH`. It must exit 0, unless a trailing `# exit N` says otherwise;
//! `# walk` (or a command that starts the walk) needs a terminal, which a
//! test does not have, so there its arguments must parse and the refusal
//! must be the documented one. The cargo and benchmark commands for
//! developers are listed below with where each runs.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Developer commands the docs show that run elsewhere, with where.
const RUN_ELSEWHERE: &[(&str, &str)] = &[
    ("cargo test", ".ci/run"),
    ("cargo test --locked", ".ci/run"),
    ("cargo install --path . --locked", ".ci/run"),
    ("cargo fmt --check", ".ci/run"),
    ("cargo clippy --all-targets -- -D warnings", ".ci/run"),
    ("cargo doc", ".ci/run"),
    (
        "cargo bench --bench evaluate",
        "by hand: docs/performance.md",
    ),
    (
        "python3 benches/vs_polars.py",
        "by hand: docs/performance.md",
    ),
    (
        "python3 benches/vs_polars.py --runs 7",
        "by hand: docs/performance.md",
    ),
    (
        "cargo +nightly fuzz run batch_rows",
        "by hand: fuzz/README.md",
    ),
];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// README.md and every page in docs/, each with its name and text.
fn markdown_files() -> Vec<(String, String)> {
    let mut files = vec![root().join("README.md")];
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root().join("docs"))
        .expect("docs/")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    files.extend(docs);
    files
        .into_iter()
        .map(|f| {
            let name = f
                .strip_prefix(root())
                .expect("under root")
                .display()
                .to_string();
            let text = std::fs::read_to_string(&f).expect("read");
            (name, text)
        })
        .collect()
}

/// What a documented command must do.
#[derive(Debug, Clone, PartialEq)]
enum Expect {
    Exit(i32),
    /// Starts the walk: needs a terminal.
    Walk,
}

#[derive(Debug)]
struct Shown {
    place: String,
    command: String,
    expect: Expect,
}

/// A line's command and what it must do (from a trailing `# exit N` or
/// `# walk`; other comments are for readers).
fn parse_line(line: &str) -> (String, Option<Expect>) {
    let mut expect = None;
    let mut command = line.to_string();
    if let Some(i) = line.find(" #") {
        let comment = &line[i..];
        if comment.contains("# walk") {
            expect = Some(Expect::Walk);
        } else if let Some(n) = comment
            .split("# exit ")
            .nth(1)
            .and_then(|r| r.split_whitespace().next())
            .and_then(|n| n.parse().ok())
        {
            expect = Some(Expect::Exit(n));
        }
        command = line[..i].to_string();
    }
    (command.trim().to_string(), expect)
}

/// Whether an inline span is syntax rather than a command.
fn is_syntax(span: &str) -> bool {
    span.contains('[')
        || span.contains("...")
        || span
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|w| w.len() > 1 && w.chars().all(|c| c.is_ascii_uppercase()))
}

/// Every command shown in `text`.
fn commands(name: &str, text: &str) -> Vec<Shown> {
    let mut out = Vec::new();
    let mut fence: Option<String> = None;
    for (n, line) in text.lines().enumerate() {
        let place = format!("{name}:{}", n + 1);
        if let Some(info) = line.trim_start().strip_prefix("```") {
            fence = match fence {
                Some(_) => None,
                None => Some(info.trim().to_string()),
            };
            continue;
        }
        match fence.as_deref() {
            Some("sh") => {
                let (command, expect) = parse_line(line);
                if command.is_empty() {
                    continue;
                }
                let expect = expect.unwrap_or(Expect::Exit(0));
                out.push(Shown {
                    place,
                    command,
                    expect,
                });
            }
            Some(_) => {}
            None => {
                for (i, span) in line.split('`').enumerate() {
                    let span = span.replace("\\|", "|");
                    let known = span == "sij-screen"
                        || ["sij-screen ", "cargo ", "python3 "]
                            .iter()
                            .any(|p| span.starts_with(p));
                    if i % 2 == 1 && known && !is_syntax(&span) {
                        out.push(Shown {
                            place: place.clone(),
                            command: span,
                            expect: Expect::Exit(0),
                        });
                    }
                }
            }
        }
    }
    out
}

/// The command as the test runs it: `cargo run ... --` is the binary (or
/// the example), and a command without a subcommand or `--answers` that
/// asks no question of a file is the walk.
fn as_run(shown: &Shown, examples: &Path) -> Option<(String, Expect)> {
    let c = shown.command.as_str();
    let c = if let Some(rest) = c.strip_prefix("cargo run --release --example gen_cases --") {
        format!("{}{rest}", examples.join("gen_cases").display())
    } else if let Some(rest) = c
        .strip_prefix("cargo run --release --")
        .or_else(|| c.strip_prefix("cargo run -q --"))
    {
        format!("sij-screen{rest}")
    } else if c == "cargo run --release" {
        "sij-screen".to_string()
    } else {
        c.to_string()
    };
    if !c.starts_with("sij-screen") && !c.contains("gen_cases") {
        return None;
    }
    let words: Vec<&str> = c.split_whitespace().collect();
    let sub = words.get(1).copied().unwrap_or("");
    let walk = words.first() == Some(&"sij-screen")
        && (sub.is_empty() || sub.starts_with('-') || sub == "run")
        && !c.contains("--answers")
        && !c.contains(" -a ")
        && !c.contains("--help");
    let expect = if walk {
        Expect::Walk
    } else {
        shown.expect.clone()
    };
    Some((c, expect))
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read dir") {
        let e = e.expect("entry");
        let dest = to.join(e.file_name());
        if e.file_type().expect("type").is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), &dest).expect("copy");
        }
    }
}

/// A folder like the repository's, with the files the examples name.
fn workdir() -> tempfile::TempDir {
    let d = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(d.path().join("docs")).expect("docs");
    for dir in [
        "examples",
        "rules",
        "schema",
        "tests/fixtures",
        "tests/cmd/fixtures",
    ] {
        copy_dir(&root().join(dir), &d.path().join(dir));
    }
    let copy = |from: &str, to: &str| {
        let to = d.path().join(to);
        std::fs::create_dir_all(to.parent().expect("parent")).expect("mkdir");
        std::fs::copy(root().join(from), to).expect("copy");
    };
    // The placeholders' stand-ins.
    copy("examples/cases/met.yaml", "case.yaml");
    copy("examples/cases.csv", "cases.csv");
    copy("tests/fixtures/mini.yaml", "my-rules.yaml");
    // The fixture's vignettes fail one case on purpose; these pass.
    std::fs::write(
        d.path().join("my-rules.vignettes.yaml"),
        "rule_set: mini\ncases:\n  - { id: met, answers: { flag: no, excl: no, done: yes, pct: 50, side: left }, expect: { outcome: met } }\n",
    )
    .expect("vignettes");
    copy("tests/fixtures/mini.yaml", "path/to/rules.yaml");
    std::fs::create_dir_all(
        d.path()
            .join("home/.local/share/bash-completion/completions"),
    )
    .expect("home");
    d
}

#[test]
fn every_documented_command_runs() {
    let binary = PathBuf::from(env!("CARGO_BIN_EXE_sij-screen"));
    let bin_dir = binary.parent().expect("bin dir");
    let examples = bin_dir.join("examples");
    let ci = std::fs::read_to_string(root().join(".ci/run")).expect(".ci/run");
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut failures = Vec::new();
    let mut ran = 0;
    for (name, text) in markdown_files() {
        for shown in commands(&name, &text) {
            let Some((command, expect)) = as_run(&shown, &examples) else {
                match RUN_ELSEWHERE.iter().find(|(c, _)| *c == shown.command) {
                    Some((c, where_)) if *where_ == ".ci/run" => {
                        let base = c.split(" --").next().unwrap_or(c);
                        if !ci.contains(base) {
                            failures.push(format!("{}: `{c}` is not in .ci/run", shown.place));
                        }
                    }
                    Some(_) => {}
                    None => failures.push(format!(
                        "{}: `{}` is neither run here nor listed in RUN_ELSEWHERE",
                        shown.place, shown.command
                    )),
                }
                continue;
            };
            if command.contains("gen_cases") && !examples.join("gen_cases").exists() {
                failures.push(format!(
                    "{}: the gen_cases example is not built",
                    shown.place
                ));
                continue;
            }
            let dir = workdir();
            let o = Command::new("sh")
                .args(["-c", &command])
                .current_dir(dir.path())
                .env("PATH", &path)
                .env("HOME", dir.path().join("home"))
                .env("COLUMNS", "100")
                .stdin(std::process::Stdio::null())
                .output()
                .expect("sh runs");
            ran += 1;
            let err = String::from_utf8_lossy(&o.stderr);
            let code = o.status.code();
            let ok = match expect {
                Expect::Exit(n) => code == Some(n),
                // No terminal here: the arguments parsed (clap would say
                // "Usage:") and the walk refused with exit 2.
                Expect::Walk => code == Some(2) && !err.contains("Usage:"),
            };
            if !ok || err.contains("panicked") {
                failures.push(format!(
                    "{}: `{command}` exited {code:?}, expected {expect:?}:\n{err}",
                    shown.place
                ));
            }
        }
    }
    assert!(ran > 40, "ran only {ran} documented commands");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The cells of a table row: split at `|` not escaped as `\|`.
fn cells(row: &str) -> usize {
    let row = row.trim();
    let inner = row.strip_prefix('|').unwrap_or(row);
    let inner = inner.strip_suffix('|').unwrap_or(inner);
    let mut n = 1;
    let mut prev = ' ';
    for c in inner.chars() {
        if c == '|' && prev != '\\' {
            n += 1;
        }
        prev = c;
    }
    n
}

/// Every table has a header, a separator row, and rows of the header's
/// width, with no blank line inside (a blank line ends a table, and the
/// rows after it render as a paragraph of pipes).
#[test]
fn every_markdown_table_is_well_formed() {
    let mut problems = Vec::new();
    let mut tables = 0;
    for (name, text) in markdown_files() {
        let mut in_code = false;
        let mut table: Vec<(usize, &str)> = Vec::new();
        let lines: Vec<&str> = text.lines().chain(std::iter::once("")).collect();
        for (n, line) in lines.iter().enumerate() {
            if line.trim_start().starts_with("```") {
                in_code = !in_code;
            }
            if !in_code && line.trim_start().starts_with('|') {
                table.push((n + 1, line));
                continue;
            }
            if table.is_empty() {
                continue;
            }
            tables += 1;
            let (first, header) = table[0];
            let width = cells(header);
            let separator = table.get(1).map(|(_, l)| *l).unwrap_or("");
            let sep_ok = separator.trim().trim_matches('|').split('|').all(|c| {
                let c = c.trim();
                !c.is_empty() && c.trim_matches(':').chars().all(|x| x == '-')
            });
            if !sep_ok {
                problems.push(format!(
                    "{name}:{first}: a table without a separator row under its header (a blank line before it?)"
                ));
            }
            for (at, row) in &table {
                if cells(row) != width {
                    problems.push(format!(
                        "{name}:{at}: {} cells, the header has {width}",
                        cells(row)
                    ));
                }
            }
            table.clear();
        }
    }
    assert!(tables > 5, "found only {tables} tables");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The dependency table in docs/development.md names every crate in
/// Cargo.toml, and no other.
#[test]
fn every_dependency_is_explained() {
    let manifest = std::fs::read_to_string(root().join("Cargo.toml")).expect("Cargo.toml");
    let mut crates = Vec::new();
    let mut in_deps = false;
    for line in manifest.lines() {
        if line.starts_with('[') {
            in_deps = line.ends_with("dependencies]");
            continue;
        }
        if in_deps && let Some((name, _)) = line.split_once('=') {
            let name = name.trim();
            if !name.is_empty() && !name.starts_with('#') {
                crates.push(name.to_string());
            }
        }
    }
    let dev = std::fs::read_to_string(root().join("docs/development.md")).expect("development.md");
    let table: Vec<String> = dev
        .lines()
        .skip_while(|l| !l.starts_with("## Dependencies"))
        .filter(|l| l.starts_with("| ") && !l.starts_with("| crate"))
        .filter_map(|l| l.split('|').nth(1))
        .map(|c| c.split(" (").next().unwrap_or(c).trim().to_string())
        .collect();
    assert!(crates.len() > 20, "{crates:?}");
    let mut missing: Vec<&String> = crates.iter().filter(|c| !table.contains(c)).collect();
    missing.sort();
    let mut extra: Vec<&String> = table.iter().filter(|c| !crates.contains(c)).collect();
    extra.sort();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "not explained: {missing:?}; explained but not used: {extra:?}"
    );
}

#[test]
fn inline_syntax_is_told_from_commands() {
    assert!(is_syntax("sij-screen batch FILE"));
    assert!(is_syntax("sij-screen man [SUBCOMMAND]"));
    assert!(is_syntax("sij-screen run ... --why"));
    assert!(!is_syntax(
        "sij-screen run --answers case.yaml --format json"
    ));
    assert!(!is_syntax("sij-screen graph -f dot | dot -Tpdf > nass.pdf"));
    assert_eq!(
        parse_line("sij-screen batch x.csv   # exit 1"),
        ("sij-screen batch x.csv".into(), Some(Expect::Exit(1)))
    );
}
