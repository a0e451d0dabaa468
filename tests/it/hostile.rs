//! Hostile and broken input: every case gets a clear error and a documented
//! exit code; nothing panics, hangs or is half-written.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::common::{bin, fixture};

fn run_in(dir: &Path, args: &[&str]) -> Output {
    let start = Instant::now();
    let out = bin()
        .args(args)
        .current_dir(dir)
        .output()
        .expect("binary runs");
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "{args:?} took {:?}",
        start.elapsed()
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{args:?} panicked: {err}");
    out
}

/// Runs `args` and checks the exit code and that stderr contains `want`.
fn expect(dir: &Path, args: &[&str], code: i32, want: &str) {
    let o = run_in(dir, args);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(code), "{args:?}: {err}");
    assert!(err.contains(want), "{args:?}: expected {want:?} in\n{err}");
}

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> String {
    std::fs::write(dir.join(name), bytes).expect("write");
    name.to_string()
}

#[test]
fn hostile_rule_set_files() {
    let d = tempfile::tempdir().expect("tempdir");
    let d = d.path();
    let mini = std::fs::read_to_string(fixture("mini.yaml")).expect("fixture");
    let deep = format!("id: {}{}\n", "[".repeat(10_000), "]".repeat(10_000));
    let big = format!("id: x\n# {}\n", "x".repeat(50 * 1024 * 1024));
    let table: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty.yaml", vec![], "error: the file is empty"),
        ("notyaml.yaml", b"{{{ :: ]]\n".to_vec(), ":1:"),
        (
            "latin1.yaml",
            b"id: caf\xe9\n".to_vec(),
            "latin1.yaml:1:8: not valid UTF-8 text",
        ),
        ("deep.yaml", deep.into_bytes(), "deep.yaml:1:5: error:"),
        (
            "big.yaml",
            big.into_bytes(),
            "big.yaml: larger than the limit of 8 MiB",
        ),
        (
            "tabs.yaml",
            b"id: x\ntitle: t\nreview:\n\tstatus: draft\n".to_vec(),
            "tabs.yaml:4:2: error: tabs disallowed",
        ),
        (
            "dupkey.yaml",
            mini.replacen("title: Mini", "title: A\ntitle: Mini", 1)
                .into_bytes(),
            "duplicate key `title`",
        ),
        ("list.yaml", b"- 1\n- 2\n".to_vec(), "list.yaml:1:1: error:"),
        (
            "scalar.yaml",
            b"just text\n".to_vec(),
            "scalar.yaml:1:1: error:",
        ),
    ];
    for (name, bytes, want) in table {
        let f = write(d, name, bytes);
        let o = run_in(d, &["validate", &f, "--diagnostic-format", "short"]);
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(matches!(o.status.code(), Some(1 | 2)), "{name}: {all}");
        assert!(all.contains(want), "{name}: expected {want:?} in {all}");
    }
}

#[test]
fn wrong_types_at_every_level_are_located() {
    let d = tempfile::tempdir().expect("tempdir");
    let d = d.path();
    let mini = std::fs::read_to_string(fixture("mini.yaml")).expect("fixture");
    let table = [
        (
            "top level",
            "version: \"0.1\"",
            "version: {a: 1}",
            ":4:10: error: expected string scalar",
        ),
        (
            "review",
            "status: draft",
            "status: final",
            ":5:19: error: unknown variant `final`",
        ),
        (
            "source",
            "{ id: src, citation: A test source. }",
            "{ id: src, citation: [a] }",
            ":8:26: error: expected string scalar",
        ),
        (
            "section",
            "  - id: flags\n    title: Flags",
            "  - id: flags\n    title: [Flags]",
            ":11:12: error: expected string scalar",
        ),
        (
            "question",
            "type: number, min: 0",
            "type: number, min: zero",
            ":19:62: error: invalid floating point",
        ),
        (
            "option",
            "{ id: left, label: Left }",
            "{ id: left, label: {x: 1} }",
            ":24:32: error: expected string scalar",
        ),
        (
            "criterion",
            "kind: red_flag",
            "kind: emergency",
            ":27:21: error: unknown variant `emergency`",
        ),
        (
            "condition",
            "condition: { yes: flag }",
            "condition: { maybe: flag }",
            ":27:61: error: unknown variant `maybe`",
        ),
        (
            "operator",
            "op: \">=\"",
            "op: \"=>\"",
            ":33:72: error: unknown variant `=>`",
        ),
        (
            "at_least n",
            "condition: { yes: excl }",
            "condition: { at_least: { n: -1, of: [ {yes: excl} ] } }",
            ":28:78: error: invalid u32",
        ),
    ];
    for (name, from, to, want) in table {
        assert!(mini.contains(from), "{name}: fixture moved");
        let f = write(d, "bad.yaml", mini.replacen(from, to, 1));
        let o = run_in(d, &["validate", &f, "--diagnostic-format", "short"]);
        let out = String::from_utf8_lossy(&o.stdout);
        assert_eq!(o.status.code(), Some(1), "{name}: {out}");
        assert!(
            out.contains(&format!("bad.yaml{want}")),
            "{name}: expected {want:?} in {out}"
        );
    }
}

/// A rule set of `n` questions and one criterion counting them all.
fn big_rule_set(n: usize) -> String {
    let mut y = String::from(
        "id: big\ntitle: Big\nversion: \"1\"\nreview: { status: draft, date: 2026-01-01 }\ndisclaimer: d\nsources: [{ id: s, citation: c }]\nsections:\n  - id: a\n    title: A\n    questions:\n",
    );
    for i in 0..n {
        y.push_str(&format!(
            "      - {{ id: q{i}, text: Q{i}?, type: yes_no }}\n"
        ));
    }
    y.push_str(&format!("criteria:\n  - id: c\n    kind: indication\n    label: C\n    sources: [s]\n    condition:\n      at_least:\n        n: {}\n        of:\n", n / 2));
    for i in 0..n {
        y.push_str(&format!("          - yes: q{i}\n"));
    }
    y
}

/// Validating grows linearly with the rule set: four times the questions
/// take about four times as long, not sixteen (a quadratic step would).
/// A ratio of times, so the check means the same on a slow machine and in
/// a debug build; each time is the fastest of three runs.
#[test]
fn validating_scales_linearly_with_the_rule_set() {
    let d = tempfile::tempdir().expect("tempdir");
    let d = d.path();
    let time = |n: usize| {
        let f = write(d, &format!("big{n}.yaml"), big_rule_set(n));
        (0..3)
            .map(|_| {
                let start = Instant::now();
                let o = run_in(d, &["validate", &f]);
                assert_eq!(
                    o.status.code(),
                    Some(0),
                    "{}",
                    String::from_utf8_lossy(&o.stderr)
                );
                start.elapsed()
            })
            .min()
            .expect("three runs")
    };
    let small = time(2000);
    let large = time(8000);
    let ratio = large.as_secs_f64() / small.as_secs_f64();
    assert!(
        ratio < 8.0,
        "4x the questions took {ratio:.1}x as long ({small:?} -> {large:?})"
    );
}

#[test]
fn hostile_answers_files() {
    let d = tempfile::tempdir().expect("tempdir");
    let d = d.path();
    let mut bomb =
        String::from("rule_set: nass-2015\nanswers:\n  a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        bomb.push_str(&format!(
            "  a{i}: &a{i} [{}]\n",
            vec![format!("*a{}", i - 1); 10].join(", ")
        ));
    }
    let big = "x".repeat(1_000_000);
    let strings = format!(
        "rule_set: nass-2015\nanswers:\n  keep: &a \"{big}\"\n  conservative_care_components: [{}]\n",
        vec!["*a"; 20].join(", ")
    );
    let table: Vec<(&str, String, &str)> = vec![
        ("bomb.yaml", bomb, "bomb.yaml:4:"),
        (
            "strings.yaml",
            strings,
            "YAML safety limit exceeded: 9000056 bytes of values;",
        ),
        (
            "inf.yaml",
            "rule_set: nass-2015\nanswers: { block_count: .inf }\n".into(),
            "non-finite float",
        ),
        (
            "neg.yaml",
            "rule_set: nass-2015\nanswers: { conservative_care_months: -3 }\n".into(),
            "conservative_care_months: -3 is outside the range 0 to 600 months",
        ),
        (
            "pct.yaml",
            "rule_set: nass-2015\nanswers: { first_block_relief_percent: 150 }\n".into(),
            "150 is outside the range 0 to 100 percent",
        ),
        (
            "str.yaml",
            "rule_set: nass-2015\nanswers: { block_count: \"2\" }\n".into(),
            "found the text '2' (write it without quotes)",
        ),
        (
            "frac.yaml",
            "rule_set: nass-2015\nanswers: { block_count: 1.5 }\n".into(),
            "1.5 is not a whole number",
        ),
        (
            "case.yaml",
            "rule_set: nass-2015\nanswers: { pain_location: Posterior_SI }\n".into(),
            "(did you mean 'posterior_si'?)",
        ),
        (
            "list.yaml",
            "rule_set: nass-2015\nanswers: { pain_location: [posterior_si] }\n".into(),
            "expected one option, found a list",
        ),
        (
            "map.yaml",
            "rule_set: nass-2015\nanswers: { sulcus_tenderness_only: {a: 1} }\n".into(),
            "expected an answer, found a mapping",
        ),
        (
            "other.yaml",
            "rule_set: evicore-cmm-611\nanswers: {}\n".into(),
            "written for rule set 'evicore-cmm-611', not 'nass-2015'",
        ),
        (
            "version.yaml",
            "rule_set: nass-2015\nversion: \"0.9\"\nanswers: {}\n".into(),
            "version 0.9 of 'nass-2015'",
        ),
        (
            "noruleset.yaml",
            "answers: {}\n".into(),
            "missing field `rule_set`",
        ),
    ];
    for (name, text, want) in table {
        let f = write(d, name, text);
        // The rule set named explicitly: answers for another are refused.
        expect(
            d,
            &["run", "--rules", "nass-2015", "--answers", &f],
            2,
            want,
        );
    }
    // A file naming a rule set that is not bundled needs --rules.
    let f = write(
        d,
        "elsewhere.yaml",
        "rule_set: my-local-rules\nanswers: {}\n",
    );
    expect(
        d,
        &["run", "--answers", &f],
        2,
        "which is not bundled: pass --rules PATH",
    );
}

#[test]
fn hostile_batch_rows_are_reported_and_marked() {
    let d = tempfile::tempdir().expect("tempdir");
    let d = d.path();
    let csv = "case_id,block_count,first_block_relief_percent,pain_location,conservative_care_months\n\
               r1,NaN,,,\n\
               r2,inf,,,\n\
               r3,2,150,,\n\
               r4,,,Posterior_SI,\n\
               r5,,,,-1\n\
               r6,only,two\n\
               r7,1,80,posterior_si,6\n";
    let f = write(d, "rows.csv", csv);
    let o = run_in(d, &["batch", &f]);
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8_lossy(&o.stdout);
    let err = String::from_utf8_lossy(&o.stderr);
    for (line, want) in [
        (2, "block_count: expected a finite number"),
        (3, "block_count: expected a finite number"),
        (
            4,
            "first_block_relief_percent: 150 is outside the range 0 to 100 percent",
        ),
        (
            5,
            "pain_location: no option 'Posterior_SI' (did you mean 'posterior_si'?)",
        ),
        (
            6,
            "conservative_care_months: -1 is outside the range 0 to 600 months",
        ),
        (7, "3 fields, but the header has 5"),
    ] {
        assert!(
            err.contains(&format!("rows.csv:{line}: bad row: {want}")),
            "line {line}: {err}"
        );
    }
    assert_eq!(
        out.lines().filter(|l| l.contains(",error,")).count(),
        6,
        "{out}"
    );
    assert!(
        out.lines()
            .any(|l| l.starts_with("r7,8,") && !l.contains("error")),
        "{out}"
    );
}

#[test]
fn hostile_paths() {
    let d = tempfile::tempdir().expect("tempdir");
    let d = d.path();
    let fifo = d.join("pipe.yaml");
    let made = Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if made {
        // Must not block waiting for a writer.
        expect(
            d,
            &["run", "--answers", "pipe.yaml"],
            2,
            "pipe.yaml: not a regular file",
        );
        expect(
            d,
            &["validate", "pipe.yaml"],
            2,
            "pipe.yaml: not a regular file",
        );
        // batch names the way to read rows from a pipe.
        expect(
            d,
            &["batch", "pipe.yaml"],
            2,
            "pipe.yaml: not a regular file (a pipe, socket or device is not read by name; to screen rows from a pipe, give - and send them to standard input)",
        );
    } else {
        assert!(
            std::env::var_os("CI").is_none(),
            "mkfifo failed: under CI this test must not skip its pipe cases"
        );
    }
    expect(d, &["run", "--answers", "."], 2, ".: is a directory");
    expect(d, &["batch", "nope.csv"], 2, "nope.csv: no such file");
    expect(
        d,
        &["batch", &fixture("mini-met.yaml"), "-o", "missing/out.csv"],
        2,
        "directory missing does not exist",
    );
    // A location nobody can write to, even root.
    expect(
        d,
        &[
            "batch",
            &fixture("mini-met.yaml"),
            "-o",
            "/proc/sij-screen-out.csv",
        ],
        2,
        "/proc/sij-screen-out.csv: cannot write",
    );
}

/// A file the user may not read. As root (how CI runs), permissions do not
/// stop reads, so the binary runs as `nobody` instead, which may enter the
/// folder but not read the file.
#[test]
fn unreadable_files_are_reported() {
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::process::CommandExt;
    let d = tempfile::tempdir().expect("tempdir");
    std::fs::set_permissions(d.path(), std::fs::Permissions::from_mode(0o755)).expect("chmod dir");
    let f = d.path().join("secret.yaml");
    std::fs::write(&f, "rule_set: nass-2015\nanswers: {}\n").expect("write");
    std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    let mut cmd = bin();
    cmd.args(["run", "--answers", "secret.yaml"])
        .current_dir(d.path());
    if std::fs::read(&f).is_ok() {
        // Root: drop to nobody for this run.
        cmd.uid(65534).gid(65534);
    }
    let o = cmd.output().expect("binary runs");
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("secret.yaml: permission denied"), "{err}");
}

#[test]
fn a_terminal_narrower_than_40_columns_still_gets_a_summary() {
    let d = tempfile::tempdir().expect("tempdir");
    let o = Command::new(env!("CARGO_BIN_EXE_sij-screen"))
        .args([
            "run",
            "--answers",
            &fixture("mini-met.yaml"),
            "--rules",
            &fixture("mini.yaml"),
        ])
        .env("COLUMNS", "20")
        .current_dir(d.path())
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stdout).contains("Outcome: MET"));
}

#[test]
fn sigterm_during_batch_leaves_no_partial_output() {
    let d = tempfile::tempdir().expect("tempdir");
    let out = d.path().join("out.csv");
    // Standard input stays open, so batch waits mid-run for more rows.
    let mut child = Command::new(env!("CARGO_BIN_EXE_sij-screen"))
        .args([
            "batch",
            "-",
            "-r",
            &fixture("mini.yaml"),
            "-o",
            &out.display().to_string(),
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    {
        use std::io::Write as _;
        let stdin = child.stdin.as_mut().expect("stdin");
        stdin.write_all(b"flag,excl\nno,no\n").expect("write");
        stdin.flush().expect("flush");
    }
    // Wait until the run is under way (its temporary output exists, so its
    // interrupt handler is installed), however loaded the machine is.
    let start = std::time::Instant::now();
    while std::fs::read_dir(d.path()).expect("ls").next().is_none() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "batch never started"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let pid = child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill")
            .success()
    );
    // Keep standard input open until the program has exited: closing it
    // (as `wait_with_output` would) lets a slow handler lose the race to a
    // normal end of input.
    let stdin = child.stdin.take();
    let status = child.wait().expect("wait");
    drop(stdin);
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().expect("stderr"), &mut err)
        .expect("stderr");
    assert_eq!(status.code(), Some(130), "{err}");
    assert!(err.contains("interrupted: no output written"), "{err}");
    // Standard error is a pipe here: no terminal escape (such as showing
    // the cursor) belongs in it.
    assert!(
        !err.contains('\u{1b}'),
        "escape sequence on a pipe: {err:?}"
    );
    let left: Vec<_> = std::fs::read_dir(d.path()).expect("ls").collect();
    assert!(left.is_empty(), "left behind: {left:?}");
}

/// Every input kept in `tests/fuzz-regressions/TARGET/` (fuzzer finds and
/// hand-made hostile cases) goes through the same entry point as its fuzz
/// target, and must not panic.
#[test]
fn fuzz_regressions_do_not_panic() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-regressions");
    type Target = (&'static str, fn(&[u8]));
    let targets: [Target; 5] = [
        ("rule_set", sij_screen::fuzzing::rule_set),
        ("answers", sij_screen::fuzzing::answers),
        ("vignettes", sij_screen::fuzzing::vignettes),
        ("batch_rows", sij_screen::fuzzing::batch_rows),
        ("fhir_response", sij_screen::fuzzing::fhir_response),
    ];
    let mut ran = 0;
    for (target, run) in targets {
        let mut files: Vec<_> = std::fs::read_dir(root.join(target))
            .expect("regression folder")
            .map(|e| e.expect("entry").path())
            .collect();
        files.sort();
        for file in files {
            let bytes = std::fs::read(&file).expect("read");
            let outcome = std::panic::catch_unwind(|| run(&bytes));
            assert!(outcome.is_ok(), "{target}: {} panicked", file.display());
            ran += 1;
        }
    }
    assert!(ran >= 8, "only {ran} regression inputs");
}
