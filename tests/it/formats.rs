//! Explaining the logic: explain, --why, --set, what would change the
//! outcome, graphs, Markdown and HTML reports.

use std::process::{Command, Output, Stdio};

use crate::common::{bin, case};

pub fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("binary runs")
}

pub fn ok(args: &[&str]) -> String {
    let o = run(args);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).expect("UTF-8")
}

#[test]
fn explain_prints_questions_skip_logic_criteria_and_sources() {
    let out = ok(&["explain"]);
    assert!(
        out.contains("thigh_thrust_test [yes/no]: Thigh thrust (posterior shear) test positive?"),
        "{out}"
    );
    assert!(
        out.contains("asked only when 'Pregnancy or connective-tissue disorder' is no"),
        "{out}"
    );
    assert!(out.contains(
        "holds when 'Diagnostic blocks done' is at least 2 and 'Relief after block 1' is at least 75% and 'Relief after block 2' is at least 75%"
    ), "{out}");
    assert!(out.contains("] Laslett M"), "{out}");
    assert!(!out.contains("shared/"), "no project-internal paths: {out}");
    let insite = ok(&["explain", "--rules", "insite-sifi-2016"]);
    assert!(
        insite.contains("holds when 'Diagnostic blocks done' is at least 1 and 'Relief after block 1' is at least 50%"),
        "{insite}"
    );
    // Natural wording of a negated skip rule, and no empty headings.
    let ev = ok(&["explain", "--rules", "evicore-cmm-611"]);
    assert!(
        ev.contains("asked only when 'Nicotine use' is unanswered or unknown or 'Nicotine use' is not 'Never used nicotine'"),
        "{ev}"
    );
    let mini = ok(&["explain", "--rules", &crate::common::fixture("ticks.yaml")]);
    for heading in ["Red flags (", "Exclusions (", "Indications ("] {
        if let Some(at) = mini.find(heading) {
            let next = mini[at..].lines().nth(1).unwrap_or("");
            assert!(next.starts_with("  "), "empty heading {heading}: {mini}");
        }
    }
}

/// Handouts: Markdown and a self-contained HTML page.
#[test]
fn explain_handouts_in_markdown_and_html() {
    let md = ok(&["explain", "-f", "markdown"]);
    assert!(md.starts_with("# NASS 2015"), "{md}");
    assert!(
        md.contains("## Criteria") && md.contains("## References\n\n1. "),
        "{md}"
    );
    assert!(md.contains("**UNVERIFIED:**"), "{md}");
    let html = ok(&["explain", "-f", "html", "-r", "bcbs-mp-555"]);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("@media print"));
    assert!(html.contains("UNVERIFIED:"));
    assert!(
        !html.contains("<script") && !html.contains("src="),
        "self-contained"
    );
    assert!(html.contains("NOT MEDICAL ADVICE"));
}

#[test]
fn why_traces_each_criterion() {
    let out = ok(&["run", "--answers", &case("incomplete.yaml"), "--why"]);
    assert!(
        out.contains("At least 3 positive provocation tests (a skipped thrust test counts as not positive) [provocation_cluster]: unknown"),
        "{out}"
    );
    assert!(
        out.contains("at least 3 of 6: 1 true, 3 unknown, 2 false: unknown"),
        "{out}"
    );
    assert!(
        out.contains("thigh_thrust_test = yes (answer: unknown): unknown"),
        "{out}"
    );
    let json: serde_json::Value = serde_json::from_str(&ok(&[
        "run",
        "-a",
        &case("incomplete.yaml"),
        "--why",
        "-f",
        "json",
    ]))
    .expect("json");
    assert!(
        json["why"]["provocation_cluster"][0]
            .as_str()
            .is_some_and(|l| l.starts_with("at least 3 of 6"))
    );
}

#[test]
fn set_reruns_with_changed_answers_and_shows_the_difference() {
    let out = ok(&[
        "run",
        "--answers",
        &case("not-met.yaml"),
        "--set",
        "block_count=2",
        "--set",
        "first_block_relief_percent=80",
        "--set",
        "second_block_relief_percent=90",
    ]);
    assert!(out.contains("outcome: not_met -> met"), "{out}");
    assert!(out.contains("diagnostic_blocks: NOT MET -> met"), "{out}");
    assert!(out.contains("Outcome (hypothetical): MET"), "{out}");

    let bad = run(&[
        "run",
        "-a",
        &case("not-met.yaml"),
        "--set",
        "block_count=lots",
    ]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&bad.stderr)
            .contains("--set block_count=lots: expected a number, found 'lots'")
    );
    let unknown = run(&["run", "-a", &case("not-met.yaml"), "--set", "blok_count=1"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("(did you mean 'block_count'?)"));
}

#[test]
fn what_would_change_the_outcome_is_exact() {
    let out = ok(&[
        "run",
        "--answers",
        &case("not-met.yaml"),
        "--what-would-change",
    ]);
    // One block with 60%: two blocks are needed; a second block question
    // appears only once block_count is 2, so no single answer meets NASS.
    assert!(
        out.contains("What would change the outcome (not_met):"),
        "{out}"
    );
    assert!(
        out.contains("No single change to an answered question improves it."),
        "{out}"
    );
    assert!(
        out.contains(
            "  -> red_flag if: saddle_anaesthesia = yes; bladder_bowel_dysfunction = yes;"
        ),
        "{out}"
    );
    assert!(
        out.contains("device_contraindications = [deformity] (or 30 other answers)"),
        "{out}"
    );
    let json: serde_json::Value = serde_json::from_str(&ok(&[
        "run",
        "-a",
        &case("not-met.yaml"),
        "--what-would-change",
        "-f",
        "json",
    ]))
    .expect("json");
    let changes = json["what_would_change"]["changes"]
        .as_array()
        .expect("changes");
    assert!(changes.iter().all(|c| c["outcome"] != "not_met"));
    assert!(
        !changes.iter().any(|c| c["outcome"] == "met"),
        "no single answer meets NASS here: {changes:?}"
    );

    // Under INSITE the same patient with 40% relief is one answer from met.
    let dir = tempfile::tempdir().expect("tempdir");
    let f = dir.path().join("c.yaml");
    std::fs::write(
        &f,
        "rule_set: insite-sifi-2016\nanswers: {saddle_anaesthesia: no, bladder_bowel_dysfunction: no, progressive_neuro_deficit: no, history_of_cancer: no, unexplained_weight_loss: no, fever_or_rigors: no, infection_risk: no, fracture_risk: no, suspected_spondyloarthritis: no, fortin_finger_test: yes, thrust_contraindicated: no, distraction_test: yes, thigh_thrust_test: yes, compression_test: yes, sacral_thrust_test: no, gaenslen_test: no, faber_test: unknown, block_count: 1, first_block_relief_percent: 40, age_years: 40, pain_duration_months: 12, conservative_care_inadequate: yes, imaging_si_disruption: yes, odi_percent: 40, si_pain_vas_mm: 60, other_lumbar_cause_severe: no, known_si_pathology: [], pelvic_trauma_past_year: no}\n",
    )
    .expect("write");
    let out = ok(&[
        "run",
        "-r",
        "insite-sifi-2016",
        "-a",
        &f.display().to_string(),
        "--what-would-change",
    ]);
    assert!(
        out.contains("first_block_relief_percent (now 40%):\n    50 or more -> met"),
        "{out}"
    );
}

#[test]
fn unknowns_that_would_settle_an_incomplete_case() {
    let out = ok(&[
        "run",
        "--answers",
        &case("incomplete.yaml"),
        "--what-would-change",
    ]);
    assert!(
        out.contains(
            "first_block_relief_percent = under 75; second_block_relief_percent = under 75"
        ),
        "{out}"
    );
    assert!(out.contains("conservative_care_months = under 6"), "{out}");
    assert!(
        out.contains("Unknowns, and what assessing each would give:"),
        "{out}"
    );
    assert!(
        out.contains(
            "imaging_si_joint (does not settle it alone): yes -> incomplete; no -> not_met"
        ),
        "{out}"
    );
}

#[test]
fn graphs_in_mermaid_and_dot() {
    let m = ok(&["graph"]);
    assert!(m.contains("flowchart TB"));
    // The decision as it is taken: red flags, exclusions, indications, then
    // the outcomes; conditions and skip logic in words.
    let at = |s: &str| m.find(s).unwrap_or_else(|| panic!("{s} missing: {m}"));
    assert!(
        at("RED FLAGS (asked first)") < at("EXCLUSIONS") && at("EXCLUSIONS") < at("INDICATIONS")
    );
    assert!(m.contains("'Relief after block 1' is at least 75%"), "{m}");
    assert!(m.contains("Skip logic (gates):"), "{m}");
    assert!(
        m.contains("d_red -->|yes| o_red") && m.contains("d_ind -->|all met| o_met"),
        "{m}"
    );
    assert!(
        m.contains("g_d_red -.- d_red"),
        "a criterion group is tied, not a decision: {m}"
    );
    for outcome in ["RED FLAG: stop", "EXCLUDED", "NOT MET", "INCOMPLETE", "MET"] {
        assert!(m.contains(outcome), "{outcome}: {m}");
    }
    let d = ok(&["graph", "--format", "dot", "--rules", "evicore-cmm-611"]);
    assert!(d.starts_with("// evicore-cmm-611 v2.0.0"));
    assert!(d.contains("digraph \"evicore-cmm-611\""));
    assert!(d.contains("rankdir=TB"));
    // Graphviz must accept it: CI installs it; run locally without it, the
    // check says what it skipped.
    let spawned = Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn();
    if spawned.is_err() {
        assert!(
            std::env::var_os("CI").is_none(),
            "Graphviz (dot) is missing under CI: .ci/run installs it"
        );
        eprintln!("SKIPPED: Graphviz check of the DOT output (dot is not installed)");
    }
    if let Ok(mut child) = spawned {
        use std::io::Write as _;
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(d.as_bytes())
            .expect("write");
        let o = child.wait_with_output().expect("dot");
        assert!(
            o.status.success(),
            "dot rejected the graph: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
}

#[test]
fn markdown_and_html_reports() {
    let md = ok(&["run", "-a", &case("incomplete.yaml"), "-f", "markdown"]);
    assert!(md.starts_with("# Screening summary: NASS 2015"));
    assert!(md.contains("| Criterion | Kind | Status | Decided by | Sources |"));
    assert!(md.contains("## All questions"), "the full record");
    assert!(md.contains("## References\n\n1. "), "numbered references");
    assert!(md.contains("**Outcome: INCOMPLETE"));
    assert!(md.contains("## Unknown, would need assessing"));
    assert!(md.contains("Rule set `nass-2015` version 2.0.0") && md.contains("SHA-256 `"));
    assert!(md.contains("Screened 20"), "date");
    assert!(md.contains("> NOT MEDICAL ADVICE"));
    let html = ok(&["run", "-a", &case("red-flag.yaml"), "-f", "html"]);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(
        html.contains("<p class=\"outcome alert\">RED FLAG"),
        "a red flag is an alert"
    );
    assert!(html.contains("Patient identifier: <span class=\"blank\">"));
    assert!(html.contains("Signature: <span class=\"blank\">"));
    assert!(
        html.contains("<thead><tr><td><div class=\"ident\">"),
        "repeated on every page"
    );
    assert!(html.contains("<h2>All questions</h2>"));
    assert!(html.contains("@media print"));
    assert!(
        !html.contains("<script")
            && !html.contains("src=")
            && !html.contains("href=\"http")
            && !html.contains("<link"),
        "self-contained: no scripts or external resources"
    );
    assert!(html.contains("class=\"disclaimer\">NOT MEDICAL ADVICE"));
}

/// Regression (a patient-safety defect): a what-if looked exactly like
/// the patient's screening: `Outcome: MET` first, an HTML record with
/// patient-identifier and signature blanks, a `completed` FHIR response.
/// With `--set`, every format now opens by saying it is hypothetical, with
/// the recorded outcome beside the changed one; changed answers are
/// marked; the HTML has the banner on every printed page and nothing to
/// sign; FHIR is refused.
#[test]
fn a_what_if_is_never_presented_as_the_patients_record() {
    let base = ["run", "--answers", &case("not-met.yaml")];
    let set = [
        "--set",
        "block_count=2",
        "--set",
        "first_block_relief_percent=80",
        "--set",
        "second_block_relief_percent=80",
    ];
    let with = |format: &str| ok(&[&base[..], &set[..], &["-f", format]].concat());
    let banner = "HYPOTHETICAL: answers changed by --set (not the patient's recorded screening)";

    let text = with("text");
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some(banner), "{text}");
    assert_eq!(
        lines.next(),
        Some("Recorded outcome: NOT MET. With the changes by --set: MET."),
        "{text}"
    );
    assert!(
        lines
            .next()
            .is_some_and(|l| l.starts_with("Outcome (hypothetical): MET")),
        "{text}"
    );
    assert!(text.contains("80% [changed by --set]"), "{text}");

    let md = with("markdown");
    assert!(md.starts_with(&format!("**{banner}**")), "{md}");
    assert!(md.contains("# Hypothetical screening"), "{md}");

    let html = with("html");
    let head = &html[html.find("<thead>").expect("page head")..];
    assert!(
        head.starts_with("<thead><tr><td><div class=\"hypothetical\">"),
        "{head:.200}"
    );
    assert!(!html.contains("Signature:") && !html.contains("Patient identifier:"));
    assert!(html.contains("[changed by --set]"));

    let json: serde_json::Value = serde_json::from_str(&with("json")).expect("json");
    assert_eq!(json["hypothetical"], true);
    assert_eq!(json["recorded_outcome"], "not_met");
    assert_eq!(json["outcome"], "met");
    assert_eq!(
        json["changed_by_set"],
        serde_json::json!([
            "block_count",
            "first_block_relief_percent",
            "second_block_relief_percent"
        ])
    );

    let fhir = run(&[&base[..], &set[..], &["-f", "fhir"]].concat());
    assert_eq!(fhir.status.code(), Some(2));
    assert!(fhir.stdout.is_empty());
    let err = String::from_utf8_lossy(&fhir.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("FHIR resources are records"), "{err}");

    // Without --set, nothing says hypothetical, and the record has its blanks.
    let plain: serde_json::Value =
        serde_json::from_str(&ok(&[&base[..], &["-f", "json"]].concat())).expect("json");
    assert_eq!(plain["hypothetical"], false);
    assert!(plain.get("recorded_outcome").is_none());
    let html = ok(&[&base[..], &["-f", "html"]].concat());
    assert!(html.contains("Signature:") && html.contains("Patient identifier:"));
    assert!(!html.contains("HYPOTHETICAL"));
}

/// Regression: with a red flag unknown, the outcome read "RED FLAG NOT
/// RULED OUT: ... assess before anything else. INCOMPLETE: nothing rules
/// the patient out so far, ...": the second sentence contradicted the
/// first. It now says nothing can be concluded until the red flag is
/// assessed, in every format and in the FHIR form's computed sentence.
#[test]
fn an_unknown_red_flag_is_never_followed_by_a_reassurance() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("case.yaml");
    std::fs::write(
        &file,
        "rule_set: nass-2015\nanswers:\n  bladder_bowel_dysfunction: unknown\n",
    )
    .expect("write");
    let f = file.to_str().expect("utf-8");
    let j: serde_json::Value =
        serde_json::from_str(&ok(&["run", "-a", f, "-f", "json"])).expect("json");
    let text = j["outcome_text"].as_str().expect("text");
    assert!(text.starts_with("RED FLAG NOT RULED OUT:"), "{text}");
    assert!(!text.contains("nothing rules the patient out"), "{text}");
    assert!(
        text.ends_with("INCOMPLETE: nothing can be concluded until the red flag above and the other unknowns below are assessed."),
        "{text}"
    );
    let q = ok(&["export", "fhir-questionnaire"]);
    assert!(q.contains("INCOMPLETE: nothing can be concluded until the red flag above"));
}

/// Regression: the Evidence section cited `[laslett2005]`, a raw source id
/// missing from the numbered references. Every citation in every example
/// summary is a number that the reference list resolves.
#[test]
fn every_citation_resolves_to_a_numbered_reference() {
    for c in ["met", "not-met", "incomplete", "red-flag", "excluded"] {
        let out = ok(&["run", "-a", &case(&format!("{c}.yaml"))]);
        let (body, refs) = out.split_once("\nReferences:\n").expect("references");
        let listed: Vec<String> = refs
            .lines()
            .filter_map(|l| l.trim_start().strip_prefix('[')?.split_once(']'))
            .map(|(n, _)| n.to_string())
            .collect();
        let mut cited = 0;
        for piece in body.split('[').skip(1) {
            let Some((inside, _)) = piece.split_once(']') else {
                continue;
            };
            assert!(
                inside.chars().all(|ch| ch.is_ascii_digit()) || inside.contains(' '),
                "{c}: a citation [{inside}] is not a reference number"
            );
            if inside.chars().all(|ch| ch.is_ascii_digit()) {
                assert!(
                    listed.contains(&inside.to_string()),
                    "{c}: [{inside}] is not listed"
                );
                cited += 1;
            }
        }
        assert!(cited > 0, "{c}: nothing cited");
    }
}

/// A NOT MET row said only which criterion failed ("... including all four
/// components" above the components given): the reader had to work out
/// that bracing was the gap. Each not-met or unknown criterion now says
/// what fails or is missing, in words, in every format.
#[test]
fn a_not_met_criterion_says_what_is_missing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("case.yaml");
    let text = std::fs::read_to_string(case("met.yaml"))
        .expect("case")
        .replace("bracing, ", "")
        .replace(
            "second_block_relief_percent: 75",
            "second_block_relief_percent: 60",
        );
    std::fs::write(&file, text).expect("write");
    let f = file.to_str().expect("utf-8");
    let out = ok(&["run", "-a", f]).replace("\n                    ", " ");
    assert!(
        out.contains("Missing: Non-operative care included: missing Bracing or an SI belt"),
        "{out}"
    );
    assert!(
        out.contains("Relief after block 2: 60%, needs at least 75%"),
        "{out}"
    );
    let j: serde_json::Value =
        serde_json::from_str(&ok(&["run", "-a", f, "-f", "json"])).expect("json");
    let missing: Vec<String> = j["criteria"]
        .as_array()
        .expect("criteria")
        .iter()
        .flat_map(|c| c["missing"].as_array().cloned().unwrap_or_default())
        .filter_map(|m| m.as_str().map(String::from))
        .collect();
    assert!(
        missing.contains(&"Non-operative care included: missing Bracing or an SI belt".to_string()),
        "{missing:?}"
    );
    assert!(
        ok(&["run", "-a", f, "-f", "markdown"])
            .contains("**Missing: Non-operative care included: missing Bracing or an SI belt**")
    );
    assert!(ok(&["run", "-a", f, "-f", "html"]).contains(
        "<strong>Missing: Non-operative care included: missing Bracing or an SI belt</strong>"
    ));
}

/// `--format note` pastes into a chart: at most 15 plain lines, no
/// Markdown or HTML, the not-advice sentence last, and a what-if says so
/// first.
#[test]
fn a_chart_note_is_short_plain_and_honest() {
    for c in ["met", "not-met", "incomplete", "red-flag", "excluded"] {
        let note = ok(&["run", "-a", &case(&format!("{c}.yaml")), "-f", "note"]);
        let lines: Vec<&str> = note.lines().collect();
        assert!(lines.len() <= 15, "{c}: {} lines", lines.len());
        assert!(
            lines
                .last()
                .is_some_and(|l| l.starts_with("NOT MEDICAL ADVICE")),
            "{c}"
        );
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("Rule set nass-2015 version ")),
            "{c}"
        );
        for bad in ["**", "<", "`", "\\[", "&gt;", "> ["] {
            assert!(!note.contains(bad), "{c}: markup {bad:?} in {note}");
        }
    }
    let what_if = ok(&[
        "run",
        "-a",
        &case("not-met.yaml"),
        "--set",
        "block_count=2",
        "-f",
        "note",
    ]);
    assert!(
        what_if.starts_with("HYPOTHETICAL: answers changed by --set"),
        "{what_if}"
    );
}
