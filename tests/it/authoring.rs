//! For rule-set authors: `validate` and `test` run for real, with every
//! problem at its place.

use super::cli::{run, run_short, stderr, stdout, write_temp};
use crate::common::fixture;

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
