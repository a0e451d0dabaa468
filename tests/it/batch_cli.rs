//! `batch` run for real: CSV and JSON Lines in and out, bad rows, --strict,
//! output files.

use std::process::Output;

use super::cli::{json, run, run_short, stderr, stdout, write_temp};
use crate::common::{case, fixture, run_timed};

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
