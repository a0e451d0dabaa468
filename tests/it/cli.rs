//! The real binary, run on files: outcomes, reports, validation, bad input.

use std::path::Path;
use std::process::{Output, Stdio};

use crate::common::{bin, case, fixture, run_timed};

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("binary runs")
}

/// Runs with one-line diagnostics, `file:line:col: error: message`.
fn run_short(args: &[&str]) -> Output {
    bin()
        .args(args)
        .args(["--diagnostic-format", "short"])
        .output()
        .expect("binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(o)))
}

fn write_temp(dir: &Path, name: &str, text: &str) -> String {
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

/// Each validation error kind, with its line and column in mini.yaml.
#[test]
fn validation_errors_name_line_and_column() {
    let base = std::fs::read_to_string(fixture("mini.yaml")).expect("fixture");
    let table: &[(&str, &str, &str, &str)] = &[
        (
            "unknown key",
            "    title: Main\n",
            "    title: Main\n    colour: blue\n",
            ":16:5: error: unknown field `colour`",
        ),
        (
            "wrong type",
            "version: \"0.1\"",
            "version: [0, 1]",
            ":4:10: error: expected string scalar",
        ),
        (
            "duplicate id",
            "{ id: done, text: Block done?",
            "{ id: excl, text: Block done?",
            ":18:15: error: duplicate question id 'excl' (first defined at line 17)",
        ),
        (
            "undefined question",
            "condition: { yes: excl }",
            "condition: { yes: exclusion }",
            ":28:68: error: unknown question 'exclusion'",
        ),
        (
            "undefined option",
            "option: left } }",
            "option: centre } }",
            ":34:101: error: question 'side' has no option 'centre'",
        ),
        (
            "undefined criterion",
            "condition: { yes: excl }",
            "condition: { criterion: nowhere }",
            ":28:74: error: unknown criterion 'nowhere'",
        ),
        (
            "number compare on yes/no",
            "{ compare: { question: pct,",
            "{ compare: { question: done,",
            ":33:63: error: `compare` needs a number question, but 'done' is a yes/no question",
        ),
        (
            "yes on a number",
            "{ yes: done }, { compare",
            "{ yes: pct }, { compare",
            ":33:32: error: `yes` needs a yes/no question, but 'pct' is a number question",
        ),
        (
            "threshold out of range",
            "value: 50 }",
            "value: 150 }",
            ":33:85: error: 150 is outside the range of 'pct'",
        ),
        (
            "self reference",
            "condition: { yes: flag }, sources",
            "condition: { criterion: rf }, sources",
            ":27:72: error: criterion 'rf' refers to itself",
        ),
        (
            "skip logic looks ahead",
            "ask_when: { yes: done }",
            "ask_when: { equals: { question: side, option: left } }",
            ":19:122: error: skip logic of 'pct' looks at the later question 'side'",
        ),
        (
            "odd id",
            "{ id: flag, text",
            "{ id: \"fl ag\", text",
            ":13:15: error: question id 'fl ag' is not valid",
        ),
        (
            "unknown source",
            "sources: [src], help",
            "sources: [nope], help",
            ":13:70: error: unknown source 'nope'",
        ),
        (
            "duplicate key",
            "title: Mini test rule set\n",
            "title: Mini test rule set\ntitle: again\n",
            ":4:1: error: duplicate key `title`",
        ),
    ];
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, from, to, want) in table {
        assert!(base.contains(from), "{name}: fixture text moved");
        let path = write_temp(dir.path(), "bad.yaml", &base.replacen(from, to, 1));
        let o = run_short(&["validate", &path]);
        assert_eq!(o.status.code(), Some(1), "{name}: {}", stdout(&o));
        let out = stdout(&o);
        assert!(
            out.contains(&format!("{path}{want}")),
            "{name}: expected {want}\n got: {out}"
        );
    }
}

#[test]
fn a_cycle_between_criteria_is_reported_once_with_its_path() {
    let base = std::fs::read_to_string(fixture("mini.yaml")).expect("fixture");
    let text = base
        .replace(
            "condition: { yes: flag }, sources",
            "condition: { criterion: ex }, sources",
        )
        .replace(
            "condition: { yes: excl }, sources",
            "condition: { criterion: rf }, sources",
        );
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write_temp(dir.path(), "loop.yaml", &text);
    let o = run_short(&["validate", &path]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert_eq!(out.matches("cycle").count(), 1, "{out}");
    assert!(out.contains("rf -> ex -> rf"), "{out}");
}

#[test]
fn validate_lists_every_problem_at_once() {
    let base = std::fs::read_to_string(fixture("mini.yaml")).expect("fixture");
    let text = base
        .replace("condition: { yes: excl }", "condition: { yes: nope1 }")
        .replace("option: left } }", "option: nope2 } }")
        .replace("value: 50 }", "value: 500 }");
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write_temp(dir.path(), "many.yaml", &text);
    let o = run_short(&["validate", &path]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stdout(&o)
            .lines()
            .filter(|l| l.contains(": error: "))
            .count(),
        3,
        "{}",
        stdout(&o)
    );
    assert!(stderr(&o).contains("3 error(s)"));
}

#[test]
fn warnings_do_not_fail_validation() {
    let base = std::fs::read_to_string(fixture("mini.yaml")).expect("fixture");
    let text = base.replace(
        "label: Left side, condition: { equals: { question: side, option: left } }, sources: [src] }",
        "label: Left side, condition: { equals: { question: side, option: left } } }",
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write_temp(dir.path(), "warn.yaml", &text);
    let o = run_short(&["validate", &path]);
    assert_eq!(o.status.code(), Some(0));
    assert!(
        stdout(&o).contains(":34:11: warning: criterion 'sided' cites no source"),
        "{}",
        stdout(&o)
    );
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
fn malformed_rule_sets_are_refused_before_screening() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, text, want) in [
        ("empty.yaml", "", ":1:1: error: the file is empty"),
        ("notyaml.yaml", "id: [unclosed\n", ":1:"),
        ("list.yaml", "- a\n- b\n", ":1:1: error:"),
    ] {
        let path = write_temp(dir.path(), name, text);
        let o = run_short(&[
            "run",
            "--rules",
            &path,
            "--answers",
            &fixture("mini-met.yaml"),
        ]);
        assert_eq!(o.status.code(), Some(2), "{name}");
        assert!(
            stderr(&o).contains(&format!("{path}{want}")),
            "{name}: {}",
            stderr(&o)
        );
        assert!(o.stdout.is_empty());
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
fn test_runs_every_bundled_rule_sets_vignettes() {
    let o = run(&["test"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let out = stdout(&o);
    assert_eq!(out.matches("coverage: complete").count(), 4, "{out}");
    let last = out.lines().last().unwrap_or_default();
    assert!(last.ends_with(" passed, 0 failed"), "{last}");
}

#[test]
fn test_shows_a_failure_side_by_side_and_exits_1() {
    // mini.vignettes.yaml sits beside mini.yaml and is found by name.
    let o = run(&["test", &fixture("mini.yaml")]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.contains("FAIL wrong: 49% relief is under the 50% the block needs."),
        "the failure shows the case's description: {out}"
    );
    assert!(out.contains("| outcome | met      | not_met |"), "{out}");
    assert!(out.contains("| block   | true     | false   |"), "{out}");
    assert!(out.contains("coverage gaps"), "{out}");
    assert!(out.trim_end().ends_with("1 passed, 1 failed"), "{out}");
}

#[test]
fn test_without_vignettes_is_a_usage_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let rules = write_temp(
        dir.path(),
        "r.yaml",
        &std::fs::read_to_string(fixture("mini.yaml")).expect("fixture"),
    );
    let o = run(&["test", &rules]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no vignettes for"), "{}", stderr(&o));
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

/// An answers-file value as a CSV cell: lists as `a;b`, the empty list as `[]`.
fn csv_cell(v: &str) -> String {
    if v == "[]" {
        v.to_string()
    } else {
        v.trim_matches(['[', ']']).replace(", ", ";")
    }
}

fn batch_out(args: &[&str], stdin: Option<&str>) -> Output {
    run_timed(
        args,
        stdin.map(str::as_bytes),
        std::time::Duration::from_secs(60),
    )
}

const MINI_CSV: &str = "case_id,flag,excl,done,pct,side\n\
a1,no,no,yes,60,left\n\
a2,yes,no,,,\n\
a3,no,no,yes,150,left\n\
\"a,4\",no,no,no,,right\n";

#[test]
fn batch_csv_screens_each_row_and_marks_bad_ones() {
    let o = batch_out(
        &["batch", "-", "--rules", &fixture("mini.yaml")],
        Some(MINI_CSV),
    );
    assert_eq!(
        o.status.code(),
        Some(1),
        "a bad row gives exit 1: {}",
        stderr(&o)
    );
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "case_id,line,outcome,rf,ex,block,sided,error");
    assert_eq!(lines[1], "a1,2,met,false,false,true,true,");
    assert_eq!(lines[2], "a2,3,red_flag,true,false,,,");
    assert_eq!(
        lines[3],
        "a3,4,error,,,,,pct: 150 is outside the range 0 to 100 percent"
    );
    assert_eq!(lines[4], "\"a,4\",5,not_met,false,false,false,false,");
    let err = stderr(&o);
    assert!(
        err.contains("-:4: bad row: pct: 150 is outside the range 0 to 100 percent"),
        "{err}"
    );
    assert!(err.contains("| met "), "summary table on stderr: {err}");
}

#[test]
fn batch_jsonl_in_and_out_with_true_false() {
    let input = "{\"case_id\": \"j1\", \"flag\": false, \"excl\": \"no\", \"done\": true, \"pct\": 75, \"side\": \"left\"}\n\
                 {\"case_id\": \"j2\", \"flag\": \"no\", \"side\": [\"left\"]}\n";
    let o = batch_out(
        &["batch", "-", "-r", &fixture("mini.yaml"), "-f", "jsonl"],
        Some(input),
    );
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    let rows: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    assert_eq!(rows[0]["case_id"], "j1");
    assert_eq!(rows[0]["outcome"], "met");
    assert_eq!(rows[0]["criteria"]["block"], true);
    assert_eq!(rows[1]["outcome"], "error");
    assert_eq!(
        rows[1]["error"],
        "side: expected one option, found a list (this question takes a single choice)"
    );
}

#[test]
fn batch_strict_stops_at_the_first_bad_row_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = write_temp(dir.path(), "cases.csv", MINI_CSV);
    let output = dir.path().join("out.csv");
    let o = run_short(&[
        "batch",
        &input,
        "-r",
        &fixture("mini.yaml"),
        "--strict",
        "-o",
        &output.display().to_string(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains(&format!(
            "{input}:4:1: error: pct: 150 is outside the range"
        )),
        "{}",
        stderr(&o)
    );
    assert!(!output.exists(), "no half-written output");
    assert_eq!(
        std::fs::read_dir(dir.path()).expect("ls").count(),
        1,
        "no temp files left"
    );
}

#[test]
fn batch_unknown_columns_are_refused() {
    let o = batch_out(
        &["batch", "-", "-r", &fixture("mini.yaml")],
        Some("flag,sidd\nno,left\n"),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("has no question for column(s) 'sidd' (did you mean 'side'?)"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn batch_output_file_is_complete_and_matches_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    // The example cases as one CSV: every outcome equals `run --answers`.
    let cases = [
        "met.yaml",
        "not-met.yaml",
        "incomplete.yaml",
        "red-flag.yaml",
        "excluded.yaml",
    ];
    let mut header: Vec<String> = Vec::new();
    let mut rows: Vec<Vec<(String, String)>> = Vec::new();
    for c in cases {
        let text = std::fs::read_to_string(case(c)).expect("case");
        let pairs: Vec<(String, String)> = text
            .lines()
            .filter_map(|l| l.strip_prefix("  "))
            .filter_map(|l| {
                l.split_once(": ")
                    .map(|(k, v)| (k.to_string(), csv_cell(v)))
            })
            .collect();
        for (k, _) in &pairs {
            if !header.contains(k) {
                header.push(k.clone());
            }
        }
        rows.push(pairs);
    }
    let mut csv = format!("case_id,{}\n", header.join(","));
    for (c, pairs) in cases.iter().zip(&rows) {
        let cells: Vec<String> = header
            .iter()
            .map(|h| {
                pairs
                    .iter()
                    .find(|(k, _)| k == h)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default()
            })
            .collect();
        csv.push_str(&format!("{c},{}\n", cells.join(",")));
    }
    let input = write_temp(dir.path(), "cases.csv", &csv);
    let output = dir.path().join("out.csv").display().to_string();
    let o = run(&["batch", &input, "-o", &output]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = std::fs::read_to_string(&output).expect("output written");
    for (c, line) in cases.iter().zip(out.lines().skip(1)) {
        let single = json(&run(&["run", "--answers", &case(c), "-f", "json"]));
        let outcome = line.split(',').nth(2).unwrap_or_default();
        assert_eq!(single["outcome"], outcome, "{c}: batch and run disagree");
    }
}

#[test]
fn batch_refuses_an_output_in_a_missing_directory() {
    let o = run(&[
        "batch",
        &fixture("mini-met.yaml"),
        "-o",
        "/no/such/dir/out.csv",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o)
            .contains("/no/such/dir/out.csv: cannot write: directory /no/such/dir does not exist"),
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

/// `--strict` to standard output keeps the rows before the bad one, in
/// order, with one thread or several (rows are formatted in blocks).
#[test]
fn batch_strict_to_stdout_keeps_the_rows_before_the_bad_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut csv = String::from("case_id,flag,excl,done,pct,side\n");
    for i in 0..5000 {
        csv.push_str(&format!("c{i},no,no,yes,80,left\n"));
    }
    csv.push_str("bad,no,no,yes,150,left\nafter,no,no,yes,80,left\n");
    let input = write_temp(dir.path(), "cases.csv", &csv);
    for threads in ["1", "2", "3"] {
        let o = run(&[
            "batch",
            &input,
            "-r",
            &fixture("mini.yaml"),
            "--strict",
            "-j",
            threads,
        ]);
        assert_eq!(o.status.code(), Some(2), "{threads}");
        let out = stdout(&o);
        assert_eq!(out.lines().count(), 5001, "{threads}: header and 5000 rows");
        assert!(
            out.lines()
                .last()
                .unwrap_or("")
                .starts_with("c4999,5001,met"),
            "{threads}"
        );
        assert!(!out.contains("after"), "{threads}");
    }
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
