//! The real binary, run on files: outcomes, reports, validation, bad input.

use std::path::Path;
use std::process::{Output, Stdio};

use crate::common::{bin, case, fixture};

pub fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("binary runs")
}

/// Runs with one-line diagnostics, `file:line:col: error: message`.
pub fn run_short(args: &[&str]) -> Output {
    bin()
        .args(args)
        .args(["--diagnostic-format", "short"])
        .output()
        .expect("binary runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(o)))
}

pub fn write_temp(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write temp file");
    p.display().to_string()
}

#[test]
fn every_outcome_from_the_example_cases() {
    let table = [
        ("met.yaml", "met"),
        ("not-met.yaml", "not_met"),
        ("incomplete.yaml", "incomplete"),
        ("red-flag.yaml", "red_flag"),
        ("excluded.yaml", "excluded"),
    ];
    for (file, outcome) in table {
        let o = run(&["run", "--answers", &case(file), "--format", "json"]);
        assert_eq!(o.status.code(), Some(0), "{file}: {}", stderr(&o));
        let v = json(&o);
        assert_eq!(v["outcome"], outcome, "{file}");
        assert_eq!(v["rule_set"]["id"], "nass-2015");
        assert_eq!(v["rule_set"]["sha256"].as_str().map(str::len), Some(64));
        assert!(
            v["disclaimer"]
                .as_str()
                .is_some_and(|d| d.contains("NOT MEDICAL ADVICE"))
        );
    }
}

#[test]
fn json_contract_fields() {
    let o = run(&["--answers", &case("incomplete.yaml"), "-f", "json"]);
    let v = json(&o);
    let criteria = v["criteria"].as_array().expect("criteria list");
    for c in criteria {
        for key in ["id", "kind", "label", "holds"] {
            assert!(c.get(key).is_some(), "criterion lacks {key}: {c}");
        }
    }
    let provocation = criteria
        .iter()
        .find(|c| c["id"] == "provocation_cluster")
        .expect("cluster");
    assert!(
        provocation["holds"].is_null(),
        "2 known positive + 2 unknown of 6 is unknown"
    );
    let unanswered: Vec<_> = v["unanswered"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|x| x.as_str())
        .collect();
    assert_eq!(
        unanswered,
        ["imaging_si_joint", "imaging_pelvis", "imaging_lumbar"]
    );
}

#[test]
fn summary_table_snapshot() {
    let o = run(&["run", "--answers", &case("not-met.yaml")]);
    assert_eq!(o.status.code(), Some(0));
    // The time of the screening changes every minute.
    let out: Vec<String> = stdout(&o)
        .lines()
        .map(|l| {
            if l.starts_with("Screened ") {
                "Screened [time]".to_string()
            } else {
                l.to_string()
            }
        })
        .collect();
    insta::assert_snapshot!("summary_not_met", out.join("\n"));
}

#[test]
fn json_snapshot() {
    let o = run(&[
        "run",
        "--answers",
        &fixture("mini-met.yaml"),
        "--rules",
        &fixture("mini.yaml"),
        "-f",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    insta::assert_snapshot!("json_mini_met", stdout(&o));
}

#[test]
fn rules_lists_the_bundled_rule_sets() {
    let o = run(&["rules"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    assert!(
        out.contains("nass-2015") && out.contains("educational"),
        "{out}"
    );
}

#[test]
fn bundled_rule_sets_work_from_any_directory() {
    let dir = tempfile::tempdir().expect("tempdir");
    let o = bin()
        .current_dir(dir.path())
        .args(["validate", "nass-2015"])
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn bad_answers_files_are_refused_with_line_and_column() {
    let dir = tempfile::tempdir().expect("tempdir");
    let table = [
        (
            "answers: { flag: no, side: centre }",
            ":2:28: error: side: no option 'centre'",
        ),
        (
            "answers: { flag: no, pct: 150 }",
            ":2:27: error: pct: 150 is outside the range 0 to 100 percent",
        ),
        (
            "answers: { flag: no, plan: yes }",
            ":2:22: error: rule set 'mini' has no question 'plan'",
        ),
        (
            "answers: { flag: maybe }",
            ":2:18: error: flag: expected yes, no or unknown, found 'maybe'",
        ),
        (
            "answers: { side: Left }",
            ":2:18: error: side: no option 'Left' (did you mean 'left'?)",
        ),
        (
            "answers: { pct: \"80\" }",
            ":2:17: error: pct: expected a number, found the text '80' (write it without quotes)",
        ),
        (
            "answers: { pct: .nan }",
            ":2:17: error: non-finite float `.nan` rejected",
        ),
        (
            "answers: { side: [left] }",
            ":2:18: error: side: expected one option, found a list",
        ),
    ];
    for (body, want) in table {
        let path = write_temp(dir.path(), "a.yaml", &format!("rule_set: mini\n{body}\n"));
        let o = run_short(&["run", "--rules", &fixture("mini.yaml"), "--answers", &path]);
        assert_eq!(o.status.code(), Some(2), "{body}");
        let err = stderr(&o);
        assert!(
            err.contains(&format!("{path}{want}")),
            "{body}\nexpected {want}\n got {err}"
        );
        assert!(o.stdout.is_empty(), "nothing screened");
    }
}

#[test]
fn answers_for_another_rule_set_are_refused() {
    let o = run(&[
        "run",
        "--rules",
        &fixture("mini.yaml"),
        "--answers",
        &case("met.yaml"),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("these answers were written for rule set 'nass-2015', not 'mini'"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn answers_for_another_version_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write_temp(
        dir.path(),
        "v.yaml",
        "rule_set: mini\nversion: \"9\"\nanswers: {}\n",
    );
    let o = run(&["run", "--rules", &fixture("mini.yaml"), "--answers", &path]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("version 9 of 'mini', but the rule set is version 0.1"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn json_answers_work_too() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write_temp(
        dir.path(),
        "a.json",
        r#"{"rule_set": "mini", "answers": {"flag": false, "excl": "no", "done": true, "pct": 80, "side": "left"}}"#,
    );
    let o = run(&[
        "run",
        "--rules",
        &fixture("mini.yaml"),
        "--answers",
        &path,
        "-f",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(json(&o)["outcome"], "met");
}

#[test]
fn missing_and_unreadable_inputs_get_one_line_and_exit_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let dir_path = dir.path().display().to_string();
    let table: Vec<(Vec<String>, String)> = vec![
        (
            vec![
                "run".into(),
                "--answers".into(),
                "/no/such/case.yaml".into(),
            ],
            "/no/such/case.yaml: no such file".into(),
        ),
        (
            vec!["run".into(), "--answers".into(), dir_path.clone()],
            format!("{dir_path}: is a directory"),
        ),
        (
            vec!["run".into(), "--rules".into(), "no-such-rules".into()],
            "no bundled rule set 'no-such-rules'".into(),
        ),
        (
            vec!["run".into(), "--rules".into(), "/no/such.yaml".into()],
            "/no/such.yaml: no such file".into(),
        ),
    ];
    for (args, want) in table {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = run(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = stderr(&o);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            err.starts_with("sij-screen: error: ") && err.contains(&want),
            "{args:?}: {err}"
        );
    }
}

#[test]
fn no_terminal_and_no_answers_is_a_usage_error_not_a_hang() {
    let o = run(&[]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o).trim(),
        "sij-screen: error: no terminal to ask questions on: pass --answers FILE to screen a case without one"
    );
}

#[test]
fn help_documents_exit_codes() {
    let o = run(&["--help"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    for code in ["0 ", "1 ", "2 ", "130"] {
        assert!(
            out.contains(&format!("  {code}")),
            "{code} missing from --help"
        );
    }
}

#[test]
fn closed_stdout_ends_quietly() {
    let mut child = bin()
        .args(["run", "--answers", &case("met.yaml")])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    drop(child.stdout.take());
    let o = child.wait_with_output().expect("wait");
    assert_eq!(o.status.code(), Some(0));
    assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
}

#[test]
fn compare_one_case_across_every_bundled_rule_set() {
    let o = run(&["compare", "--answers", &case("met.yaml")]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let row = |id: &str| {
        out.lines()
            .find(|l| l.contains(id))
            .unwrap_or_default()
            .to_string()
    };
    assert!(row("nass-2015").contains("| met "), "{out}");
    // The other profiles ask what this NASS case does not answer (nicotine,
    // age, pain scores): unknown, not a failure.
    for other in ["evicore-cmm-611", "insite-sifi-2016", "bcbs-mp-555"] {
        assert!(row(other).contains("| incomplete "), "{other}: {out}");
    }
    assert!(out.contains("Nicotine"), "{out}");
    assert!(out.contains("Age;"), "{out}");
    assert!(out.contains("Not yet decided:"), "{out}");
}

/// One patient, four profiles: the trials' one 50% block is met where the
/// two-block 75% profiles are not, eviCore also refuses radiating pain, and
/// the unread MP-555 block item is marked unverified.
#[test]
fn compare_shows_where_the_profiles_disagree() {
    let o = run(&["compare", "--answers", &case("profiles-disagree.yaml")]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let row = |id: &str| {
        out.lines()
            .find(|l| l.contains(id))
            .unwrap_or_default()
            .to_string()
    };
    assert!(row("insite-sifi-2016").contains("| met "), "{out}");
    assert!(row("nass-2015").contains("| not_met "), "{out}");
    assert!(row("bcbs-mp-555").contains("| not_met "), "{out}");
    assert!(row("evicore-cmm-611").contains("| not_met "), "{out}");
    assert!(out.contains("Non-radiating pain"), "{out}");
    assert!(out.contains("(UNVERIFIED)"), "{out}");
    // Not a NASS question, but asked by other profiles: no retired note here.
    assert!(!stderr(&o).contains("no longer asked"), "{}", stderr(&o));
}

#[test]
fn compare_two_rule_sets_side_by_side() {
    let o = bin()
        .env("COLUMNS", "250")
        .args([
            "compare",
            "--rules",
            "nass-2015",
            "--rules",
            "insite-sifi-2016",
        ])
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    let squashed: String = out.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        squashed.contains("only nass-2015: second_block_relief_percent >= 75"),
        "{out}"
    );
    // Different thresholds on one question, in plain numbers.
    assert!(
        squashed.contains("'Relief after block 1': at least 75% vs at least 50%"),
        "{out}"
    );
    assert!(
        squashed.contains("'Diagnostic blocks done': at least 2 vs at least 1"),
        "{out}"
    );
    assert!(squashed.contains("only in nass-2015"), "{out}");
    // Identical criteria (the red flags) fold into one line.
    assert!(
        squashed.contains("The same in both (5): Signs of cauda equina"),
        "{out}"
    );
    assert_eq!(
        out.matches("Possible malignancy not yet excluded").count(),
        1,
        "{out}"
    );
}

#[test]
fn compare_needs_answers_or_two_rule_sets() {
    let o = run(&["compare", "--rules", "nass-2015"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("compare needs --answers FILE, or exactly two --rules"),
        "{}",
        stderr(&o)
    );
}

/// A red-flag question answered "unknown" is named first, in every format:
/// the outcome must not read "nothing rules the patient out so far".
#[test]
fn an_unassessed_red_flag_is_named_first() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = std::fs::read_to_string(case("met.yaml"))
        .expect("case")
        .replace("saddle_anaesthesia: no", "saddle_anaesthesia: unknown");
    assert!(text.contains("saddle_anaesthesia: unknown"), "case changed");
    let path = write_temp(dir.path(), "case.yaml", &text);
    let o = run(&["run", "--answers", &path]);
    let out = stdout(&o);
    // The outcome paragraph, wrapped to the width: joined back into one line.
    let outcome = out
        .split("\n\n")
        .find(|p| p.starts_with("Outcome:"))
        .expect("outcome paragraph")
        .lines()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        outcome.starts_with(
            "Outcome: RED FLAG NOT RULED OUT: Signs of cauda equina syndrome or a progressive deficit not assessed"
        ),
        "{outcome}"
    );
    let v = json(&run(&["run", "--answers", &path, "-f", "json"]));
    assert_eq!(v["outcome"], "incomplete");
    assert_eq!(
        v["red_flags_not_ruled_out"],
        serde_json::json!(["cauda_equina"])
    );
    for format in ["markdown", "html"] {
        let o = run(&["run", "--answers", &path, "-f", format]);
        assert!(stdout(&o).contains("RED FLAG NOT RULED OUT"), "{format}");
    }
}

/// A saved case remembers its rule set: without --rules, the bundled rule
/// set the file names is used (it used to fail with "written for rule set
/// 'evicore-cmm-611', not 'nass-2015'").
#[test]
fn a_case_is_screened_with_the_rule_set_it_names() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write_temp(
        dir.path(),
        "case.yaml",
        "rule_set: evicore-cmm-611\nanswers: { saddle_anaesthesia: yes }\n",
    );
    let v = json(&run(&["run", "--answers", &path, "-f", "json"]));
    assert_eq!(v["rule_set"]["id"], "evicore-cmm-611");
    assert_eq!(v["outcome"], "red_flag");
    // Named explicitly, another rule set still refuses it.
    let o = run(&["run", "--rules", "nass-2015", "--answers", &path]);
    assert_eq!(o.status.code(), Some(2));
}

/// After a red flag, the summary says what the stop means instead of
/// listing unasked questions as "would need assessing".
#[test]
fn a_red_flag_summary_does_not_list_unasked_questions() {
    let out = stdout(&run(&["run", "--answers", &case("red-flag.yaml")]));
    assert!(
        out.contains("The screening stopped at the red flag"),
        "{out}"
    );
    assert!(!out.contains("Unknown, would need assessing"), "{out}");
    let md = stdout(&run(&[
        "run",
        "--answers",
        &case("red-flag.yaml"),
        "-f",
        "markdown",
    ]));
    assert!(!md.contains("## Unknown, would need assessing"), "{md}");
}

/// An option that does not apply is refused, never silently ignored.
#[test]
fn teach_with_answers_is_refused() {
    let o = run(&["run", "--answers", &case("met.yaml"), "--teach"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("cannot be used with '--teach'"));
}

/// A vignette file screened against every bundled rule set: cases down,
/// rule sets across, disagreements marked and counted.
#[test]
fn compare_runs_a_vignette_file_across_rule_sets() {
    let o = bin()
        .env("COLUMNS", "160")
        .args(["compare", "--vignettes", "rules/nass-2015.vignettes.yaml"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let row = out
        .lines()
        .find(|l| l.contains("meets-all-at-the-borderline"))
        .unwrap_or_default();
    let cells: Vec<&str> = row.split('|').map(str::trim).collect();
    assert_eq!(
        cells.get(1..6),
        Some(
            &[
                "meets-all-at-the-borderline *",
                "met",
                "incomplete",
                "incomplete",
                "incomplete"
            ][..]
        ),
        "{out}"
    );
    assert!(out.contains("case(s) give different outcomes"), "{out}");
}
