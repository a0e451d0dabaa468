//! Trust: no silently wrong result, no lost data, no hang, whatever the
//! input. Each test here pins one class of failure found by hand or by
//! fuzzing; each failed (or hung) before its fix.

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::common::{bin, fixture, run_timed};

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, bytes).expect("write");
    p.display().to_string()
}

/// Every CSV output row has exactly as many fields as the header.
fn assert_rectangular(csv: &str) {
    let mut rows = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(csv.as_bytes());
    let lens: Vec<usize> = rows.records().map(|r| r.expect("csv").len()).collect();
    assert!(
        lens.windows(2).all(|w| w[0] == w[1]),
        "ragged rows {lens:?}:\n{csv}"
    );
}

const SECOND: Duration = Duration::from_secs(20);

#[test]
fn rows_without_ids_and_bad_rows_keep_their_columns() {
    let dir = tempfile::tempdir().expect("tempdir");
    let jsonl = write(
        dir.path(),
        "a.jsonl",
        b"{\"flag\":\"no\",\"pct\":150}\nnot json\n{\"case_id\":\"c3\",\"flag\":\"no\"}\n",
    );
    let o = run_timed(
        &["batch", &jsonl, "-r", &fixture("mini.yaml"), "-f", "csv"],
        None,
        SECOND,
    );
    let out = String::from_utf8_lossy(&o.stdout);
    assert_rectangular(&out);
    assert!(
        out.lines()
            .nth(1)
            .is_some_and(|l| l.starts_with(",1,error")),
        "{out}"
    );

    let mut bytes = b"case_id,flag,excl,done,pct,side\n".to_vec();
    bytes.extend_from_slice(b"a,no,no,yes,80,left\nb\xff,no,no,yes,80,left\n");
    let csv_in = write(dir.path(), "bad-utf8.csv", &bytes);
    let o = run_timed(
        &["batch", &csv_in, "-r", &fixture("mini.yaml")],
        None,
        SECOND,
    );
    let out = String::from_utf8_lossy(&o.stdout);
    assert_rectangular(&out);
    assert!(out.contains(",3,error,"), "{out}");
}

#[test]
fn jsonl_refuses_a_key_given_twice() {
    let o = run_timed(
        &[
            "batch",
            "-",
            "-r",
            &fixture("mini.yaml"),
            "--input-format",
            "jsonl",
        ],
        Some(b"{\"flag\":\"no\",\"flag\":\"yes\"}\n"),
        SECOND,
    );
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(out.contains(",1,error,"), "{out}");
    assert!(out.contains("appears twice"), "{out}");
}

#[test]
fn crlf_input_reports_the_right_line() {
    let o = run_timed(
        &[
            "batch",
            "-",
            "-r",
            &fixture("mini.yaml"),
            "--input-format",
            "csv",
        ],
        Some(b"case_id,flag,excl,done,pct,side\r\na,no,no,yes,80,left\r\nb,no,no,yes,150,left\r\n"),
        SECOND,
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("-:3: bad row: pct"), "{err}");
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("\na,2,met,"), "{out}");
}

#[test]
fn spreadsheet_formulas_in_ids_are_neutralised() {
    let o = run_timed(
        &[
            "batch",
            "-",
            "-r",
            &fixture("mini.yaml"),
            "--input-format",
            "csv",
        ],
        Some(b"case_id,flag\n=HYPERLINK(\"http://x\"),no\n@SUM(A1),no\n"),
        SECOND,
    );
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("\"'=HYPERLINK(\"\"http://x\"\")\",2,"),
        "{out}"
    );
    assert!(out.contains("\n'@SUM(A1),3,"), "{out}");
}

/// 60,000 rows: many chunks, so the reader thread is well ahead of the
/// writer when the writer stops.
fn long_csv() -> Vec<u8> {
    let mut s = String::from("case_id,flag,excl,done,pct,side\nx,no,no,yes,150,left\n");
    for i in 0..60_000 {
        s.push_str(&format!("c{i},no,no,yes,80,left\n"));
    }
    s.into_bytes()
}

#[test]
fn an_early_stop_never_deadlocks_the_pipeline() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = write(dir.path(), "long.csv", &long_csv());
    let rules = fixture("mini.yaml");
    // --strict stops at the bad second row.
    let o = run_timed(&["batch", &input, "-r", &rules, "--strict"], None, SECOND);
    assert_eq!(o.status.code(), Some(2));
    // A full disk.
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full");
    if let Ok(full) = full {
        let start = Instant::now();
        let status = bin()
            .args(["batch", &input, "-r", &rules])
            .stdout(full)
            .stderr(Stdio::piped())
            .output()
            .expect("runs");
        assert!(start.elapsed() < SECOND, "hung on a full disk");
        assert_eq!(status.status.code(), Some(2));
        let err = String::from_utf8_lossy(&status.stderr);
        assert!(
            err.contains("standard output: cannot write: No space left"),
            "{err}"
        );
    }
    // A reader that goes away after one line (`| head -1`).
    let mut child = bin()
        .args(["batch", &input, "-r", &rules])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("runs");
    let mut out = child.stdout.take().expect("stdout");
    let mut first = [0u8; 16];
    let _ = std::io::Read::read(&mut out, &mut first);
    drop(out);
    let start = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        assert!(start.elapsed() < SECOND, "hung after its reader left");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn endless_or_huge_lines_stop_at_the_limit_with_flat_memory() {
    let zeros = vec![0u8; 8 << 20];
    let o = run_timed(
        &["batch", "-", "-r", &fixture("mini.yaml")],
        Some(&zeros),
        SECOND,
    );
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("longer than the limit of 1 MiB"), "{err}");

    let mut line = b"{\"case_id\":\"".to_vec();
    line.extend(std::iter::repeat_n(b'x', 2 << 20));
    line.extend_from_slice(b"\"}\n");
    let o = run_timed(
        &[
            "batch",
            "-",
            "-r",
            &fixture("mini.yaml"),
            "--input-format",
            "jsonl",
        ],
        Some(&line),
        SECOND,
    );
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("-:1: line longer than the limit"), "{err}");
}

#[test]
fn save_never_replaces_another_case_or_a_file_being_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let existing = write(
        dir.path(),
        "case.yaml",
        b"rule_set: mini\nanswers: {flag: no}\n",
    );
    let rules = write(
        dir.path(),
        "rules.yaml",
        &std::fs::read(fixture("mini.yaml")).expect("fixture"),
    );
    let cases: [(&[&str], &str); 3] = [
        (&["run", "--save", &existing], "already exists"),
        (
            &["run", "--rules", &rules, "--save", &rules, "--force"],
            "is the rule set being read",
        ),
        (&["run", "--save", "/dev/null"], "not a regular file"),
    ];
    for (args, want) in cases {
        let o = run_timed(args, None, SECOND);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(want), "{args:?}: {err}");
    }
    assert_eq!(
        std::fs::read_to_string(&existing).expect("read"),
        "rule_set: mini\nanswers: {flag: no}\n",
        "the existing case is untouched"
    );
    assert!(
        std::fs::read_to_string(&rules)
            .expect("read")
            .contains("id: mini")
    );
}

#[test]
fn batch_never_writes_onto_its_input_or_a_device() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = write(dir.path(), "in.csv", b"case_id,flag\na,no\n");
    for (out, want) in [
        (input.as_str(), "is the input being read"),
        ("/dev/null", "not a regular file"),
    ] {
        let o = run_timed(
            &["batch", &input, "-r", &fixture("mini.yaml"), "-o", out],
            None,
            SECOND,
        );
        assert_eq!(o.status.code(), Some(2), "{out}");
        assert!(String::from_utf8_lossy(&o.stderr).contains(want), "{out}");
    }
    assert_eq!(
        std::fs::read(&input).expect("read"),
        b"case_id,flag\na,no\n"
    );
}

#[cfg(unix)]
#[test]
fn output_through_a_symlink_replaces_its_target_and_keeps_the_link() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = write(dir.path(), "in.csv", b"case_id,flag\na,no\n");
    let real = write(dir.path(), "real.csv", b"old\n");
    let link = dir.path().join("link.csv");
    std::os::unix::fs::symlink(&real, &link).expect("symlink");
    let o = run_timed(
        &[
            "batch",
            &input,
            "-r",
            &fixture("mini.yaml"),
            "-o",
            &link.display().to_string(),
        ],
        None,
        SECOND,
    );
    assert_eq!(o.status.code(), Some(0));
    assert!(
        std::fs::symlink_metadata(&link)
            .expect("link")
            .file_type()
            .is_symlink()
    );
    assert!(
        std::fs::read_to_string(&real)
            .expect("read")
            .starts_with("case_id,")
    );
}

#[cfg(unix)]
#[test]
fn sigterm_means_130_for_every_command() {
    // `run --answers -` waits on standard input: a moment to be stopped in.
    let mut child = bin()
        .args(["run", "--answers", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    wait_for_sigterm_handler(child.id());
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    let start = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        assert!(start.elapsed() < SECOND, "did not stop");
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().expect("output");
    assert_eq!(out.status.code(), Some(130));
    assert!(String::from_utf8_lossy(&out.stderr).contains("interrupted"));
}

/// One parser, one set of spellings: a YAML answers file, a CSV cell,
/// `--set` and a JSON Lines string accept and refuse exactly the same
/// spellings of a yes/no and a number answer.
#[test]
fn every_input_accepts_the_same_spellings() {
    let dir = tempfile::tempdir().expect("tempdir");
    let rules = fixture("mini.yaml");
    let base = write(dir.path(), "base.yaml", b"rule_set: mini\nanswers: {}\n");
    for (question, spelling, accepted) in [
        ("flag", "yes", true),
        ("flag", "no", true),
        ("flag", "true", true),
        ("flag", "false", true),
        ("flag", "unknown", true),
        ("flag", "Yes", false),
        ("flag", "TRUE", false),
        ("flag", "on", false),
        ("flag", "y", false),
        ("flag", "1", false),
        ("pct", "80", true),
        ("pct", "80%", true),
        ("pct", "1e1", true),
        ("pct", "0x2", false),
        ("pct", "1_000", false),
        ("pct", "eighty", false),
    ] {
        let yaml = write(
            dir.path(),
            "a.yaml",
            format!("rule_set: mini\nanswers:\n  {question}: {spelling}\n").as_bytes(),
        );
        let from_file = run_timed(&["run", "-r", &rules, "-a", &yaml], None, SECOND);
        let set = format!("{question}={spelling}");
        let from_set = run_timed(
            &["run", "-r", &rules, "-a", &base, "--set", &set],
            None,
            SECOND,
        );
        let csv = format!("{question}\n{spelling}\n");
        let from_csv = run_timed(
            &["batch", "-", "-r", &rules, "--input-format", "csv"],
            Some(csv.as_bytes()),
            SECOND,
        );
        // JSON is typed: a number is written as a number, anything else
        // as a string.
        let value = if serde_json::from_str::<f64>(spelling).is_ok() {
            spelling.to_string()
        } else {
            format!("\"{spelling}\"")
        };
        let jsonl = format!("{{\"{question}\": {value}}}\n");
        let from_jsonl = run_timed(
            &["batch", "-", "-r", &rules, "--input-format", "jsonl"],
            Some(jsonl.as_bytes()),
            SECOND,
        );
        let verdicts = [
            from_file.status.code() == Some(0),
            from_set.status.code() == Some(0),
            from_csv.status.code() == Some(0),
            from_jsonl.status.code() == Some(0),
        ];
        assert_eq!(
            verdicts, [accepted; 4],
            "{question}: {spelling} (file, --set, csv, jsonl)"
        );
    }
}

/// Waits until process `pid` catches SIGTERM (its handler is installed), as
/// `/proc/PID/status` shows in the `SigCgt` mask; elsewhere, a fixed pause.
fn wait_for_sigterm_handler(pid: u32) {
    let status = format!("/proc/{pid}/status");
    if !Path::new(&status).exists() {
        std::thread::sleep(Duration::from_millis(500));
        return;
    }
    let start = Instant::now();
    loop {
        let caught = std::fs::read_to_string(&status)
            .ok()
            .and_then(|s| {
                s.lines()
                    .find_map(|l| l.strip_prefix("SigCgt:"))
                    .and_then(|m| u64::from_str_radix(m.trim(), 16).ok())
            })
            .is_some_and(|mask| mask & (1 << (15 - 1)) != 0);
        if caught {
            return;
        }
        assert!(start.elapsed() < SECOND, "no SIGTERM handler appeared");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// A rule set whose criteria each refer to the next one twice: "decided by"
/// used to follow every path through the references (2^40 here).
fn lattice_rule_set(depth: usize) -> String {
    let mut s = String::from(
        "id: lattice\ntitle: L\nversion: \"1\"\nreview: { status: draft, date: 2026-01-01 }\ndisclaimer: d\nsources: [{ id: s, citation: c }]\nsections:\n  - id: a\n    title: A\n    questions:\n      - { id: q, text: Q?, type: yes_no }\ncriteria:\n",
    );
    for i in 0..depth {
        s.push_str(&format!(
            "  - {{ id: c{i}, kind: indication, label: C{i}, sources: [s], condition: {{ all: [ {{ criterion: c{} }}, {{ criterion: c{} }} ] }} }}\n",
            i + 1,
            i + 1
        ));
    }
    s.push_str(&format!(
        "  - {{ id: c{depth}, kind: indication, label: Last, sources: [s], condition: {{ yes: q }} }}\n"
    ));
    s
}

#[test]
fn costs_stay_near_linear_in_the_input() {
    let dir = tempfile::tempdir().expect("tempdir");
    let rules = write(dir.path(), "lattice.yaml", lattice_rule_set(40).as_bytes());
    let answers = write(
        dir.path(),
        "a.yaml",
        b"rule_set: lattice\nanswers: { q: yes }\n",
    );
    let o = run_timed(
        &["run", "-r", &rules, "-a", &answers, "--why", "-f", "json"],
        None,
        SECOND,
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );

    // A chain of 3,000 vignettes, each extending the one before.
    let mut v = String::from(
        "rule_set: lattice\ncases:\n  - { id: v0, answers: { q: yes }, expect: { outcome: met } }\n",
    );
    for i in 1..3000 {
        v.push_str(&format!(
            "  - {{ id: v{i}, extends: v{}, expect: {{ outcome: met }} }}\n",
            i - 1
        ));
    }
    let vignettes = write(dir.path(), "lattice.vignettes.yaml", v.as_bytes());
    let o = run_timed(&["test", &rules, "--vignettes", &vignettes], None, SECOND);
    assert!(String::from_utf8_lossy(&o.stdout).contains("3000 passed, 0 failed"));

    // One long cycle of 2,000 criteria: one short message, not the whole path.
    let mut c =
        lattice_rule_set(0).replace("condition: { yes: q }", "condition: { criterion: d0 }");
    for i in 0..2000 {
        c.push_str(&format!(
            "  - {{ id: d{i}, kind: indication, label: D, sources: [s], condition: {{ criterion: d{} }} }}\n",
            (i + 1) % 2000
        ));
    }
    let cyclic = write(dir.path(), "cycle.yaml", c.as_bytes());
    let o = run_timed(
        &["validate", &cyclic, "--diagnostic-format", "short"],
        None,
        SECOND,
    );
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        out.contains("cycle: d0 -> d1 -> d2 -> d3 -> ... ->"),
        "{out}"
    );
    assert!(out.len() < 10_000, "{} bytes of messages", out.len());
}

/// A rule set with one choice question of `n` options and a criterion on
/// the last option.
fn many_options(kind: &str, n: usize) -> String {
    let options: Vec<String> = (0..n)
        .map(|i| format!("{{ id: o{i}, label: O{i} }}"))
        .collect();
    let test = if kind == "single_choice" {
        "equals"
    } else {
        "includes"
    };
    format!(
        "id: many\ntitle: M\nversion: \"1\"\nreview: {{ status: draft, date: 2026-01-01 }}\ndisclaimer: d\nsources: [{{ id: s, citation: c }}]\nsections:\n  - id: a\n    title: A\n    questions:\n      - {{ id: q, text: Q?, type: {kind}, options: [{}] }}\ncriteria:\n  - {{ id: c, kind: indication, label: C, sources: [s], condition: {{ {test}: {{ question: q, option: o{} }} }} }}\n",
        options.join(", "),
        n - 1
    )
}

#[test]
fn choice_questions_are_capped_so_no_option_index_is_truncated() {
    let dir = tempfile::tempdir().expect("tempdir");
    for kind in ["single_choice", "multiple_choice"] {
        let ok = write(dir.path(), "ok.yaml", many_options(kind, 64).as_bytes());
        let o = run_timed(&["validate", &ok], None, SECOND);
        assert_eq!(o.status.code(), Some(0), "{kind} with 64 options");
        let big = write(
            dir.path(),
            "big.yaml",
            many_options(kind, 65_537).as_bytes(),
        );
        let o = run_timed(
            &["validate", &big, "--diagnostic-format", "short"],
            None,
            SECOND,
        );
        assert_eq!(o.status.code(), Some(1), "{kind}");
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(out.contains("may have at most 64 options"), "{kind}: {out}");
    }
}

#[test]
fn what_would_change_never_claims_an_untried_combination_settles_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    // 12 options: too many to try every combination.
    let rules = write(
        dir.path(),
        "many.yaml",
        many_options("multiple_choice", 12).as_bytes(),
    );
    let answers = write(
        dir.path(),
        "a.yaml",
        b"rule_set: many\nanswers: { q: unknown }\n",
    );
    let o = run_timed(
        &[
            "run",
            "-r",
            &rules,
            "-a",
            &answers,
            "--what-would-change",
            "-f",
            "json",
        ],
        None,
        SECOND,
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let unknowns = v["what_would_change"]["unknowns"]
        .as_array()
        .expect("unknowns");
    assert_eq!(unknowns.len(), 1, "{v}");
    assert_eq!(unknowns[0]["verdict"], "not_exhaustive");
    assert_eq!(unknowns[0]["settles"], false);
    let o = run_timed(
        &["run", "-r", &rules, "-a", &answers, "--what-would-change"],
        None,
        SECOND,
    );
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("not exhaustive"), "{text}");
    assert!(!text.contains("settles it"), "{text}");
}
