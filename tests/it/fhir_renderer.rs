//! The self-scoring Questionnaire in real FHIR tools: every bundled
//! vignette, screened by the CLI, is screened again
//!
//! 1. by fhirpath.js, the FHIRPath engine SDC renderers use, evaluating the
//!    exported Questionnaire's variables over the CLI's own response;
//! 2. by the LHC-Forms renderer in headless Chromium, with the response's
//!    answers filled in: the items it enables must be the questions the CLI
//!    asks, its computed outcome and criteria must be the CLI's, and the
//!    response it writes must screen back, in the CLI, to the same result.
//!
//! The npm packages are pinned by `tools/fhir-check/package-lock.json`;
//! `.ci/run` installs them and Chromium. Under CI a missing piece fails the
//! test; run locally without them, it says what it skipped.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};

use super::common::bin;

/// What the CLI says of one case.
struct Expected {
    rule_set: String,
    id: String,
    asked: BTreeSet<String>,
    outcome: String,
    outcome_text: String,
    statuses: BTreeMap<String, String>,
    /// The display items a renderer must show: the outcome sentence, and a
    /// warning for each red flag not ruled out.
    shown: BTreeSet<String>,
}

fn run_json(args: &[&str]) -> Value {
    let out = bin().args(args).output().expect("binary runs");
    assert!(
        out.status.code().is_some_and(|c| c < 64),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

/// The display items that show the CLI's outcome sentence: its own (at the
/// top of the form and in the result), one warning per red flag not ruled
/// out, and at the top each red flag present.
fn shown_items(j: &Value) -> BTreeSet<String> {
    let text = j["outcome_text"].as_str().expect("text");
    let code = match j["outcome"].as_str().expect("outcome") {
        "red_flag" if text.starts_with("RED FLAG: a risk factor") => "red_flag_investigate",
        "red_flag" => "red_flag_urgent",
        "incomplete" if text.starts_with("RED FLAG NOT RULED OUT") => "incomplete_red_flag_open",
        other => other,
    };
    // Once a red flag is present, the others' warnings are not shown.
    let mut shown: BTreeSet<String> = j["red_flags_not_ruled_out"]
        .as_array()
        .expect("red flags not ruled out")
        .iter()
        .filter(|_| code != "red_flag_urgent" && code != "red_flag_investigate")
        .map(|id| format!("sij-screen:red-flag-open:{}", id.as_str().expect("id")))
        .collect();
    shown.insert(format!("sij-screen:outcome-shown:{code}"));
    shown.insert(format!("sij-screen:top:outcome-shown:{code}"));
    for c in j["criteria"].as_array().expect("criteria") {
        if c["kind"] == "red_flag" && c["holds"] == true {
            shown.insert(format!(
                "sij-screen:top:red-flag-present:{}",
                c["id"].as_str().expect("id")
            ));
        }
    }
    shown
}

/// The outcome code, its sentence, and each criterion's status word, as
/// `run --format json` gives them.
fn screen(answers: &Path) -> (String, String, BTreeMap<String, String>, BTreeSet<String>) {
    let j = run_json(&[
        "run",
        "--answers",
        answers.to_str().expect("path"),
        "--format",
        "json",
    ]);
    let statuses = j["criteria"]
        .as_array()
        .expect("criteria")
        .iter()
        .map(|c| {
            (
                c["id"].as_str().expect("id").to_string(),
                c["status"].as_str().expect("status").to_string(),
            )
        })
        .collect();
    (
        j["outcome"].as_str().expect("outcome").to_string(),
        j["outcome_text"].as_str().expect("text").to_string(),
        statuses,
        shown_items(&j),
    )
}

/// The outcome code a computed outcome sentence stands for.
pub(crate) fn outcome_code(sentence: &str) -> &'static str {
    for (prefix, code) in [
        ("RED FLAG", "red_flag"),
        ("EXCLUDED:", "excluded"),
        ("NOT MET:", "not_met"),
        ("INCOMPLETE:", "incomplete"),
        ("MET:", "met"),
    ] {
        if sentence.starts_with(prefix) {
            return code;
        }
    }
    "unrecognised"
}

/// Differences between what a FHIR tool computed and what the CLI says.
fn disagreements(computed: &Value, e: &Expected) -> Vec<String> {
    let mut out = Vec::new();
    let sentence = computed["sij-screen:outcome"].as_str().unwrap_or("(none)");
    // The CLI may put "RED FLAG NOT RULED OUT: ..." before the sentence.
    if outcome_code(sentence) != e.outcome || !e.outcome_text.ends_with(sentence) {
        out.push(format!(
            "outcome: computed {sentence:?}, CLI {} ({:?})",
            e.outcome, e.outcome_text
        ));
    }
    for (id, status) in &e.statuses {
        let got = computed[format!("sij-screen:criterion:{id}")]
            .as_str()
            .unwrap_or("(none)");
        if got != status {
            out.push(format!("{id}: computed {got}, CLI {status}"));
        }
    }
    out
}

fn have_chromium() -> bool {
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .iter()
        .any(|p| Path::new(p).exists())
        || std::env::var_os("CHROMIUM").is_some()
}

#[test]
fn bundled_questionnaires_compute_the_same_in_fhirpath_and_lhc_forms() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tools = root.join("tools/fhir-check");
    let ci = std::env::var_os("CI").is_some();
    if !tools.join("node_modules/lforms").exists() || !tools.join("node_modules/fhirpath").exists()
    {
        assert!(
            !ci,
            "tools/fhir-check has no node_modules under CI: .ci/run installs them"
        );
        eprintln!("SKIPPED: fhirpath.js and LHC-Forms checks (run npm ci in tools/fhir-check)");
        return;
    }
    let browser = have_chromium();
    if !browser {
        assert!(!ci, "Chromium is missing under CI: .ci/run installs it");
        eprintln!("SKIPPED: the LHC-Forms part (no Chromium; install Debian's chromium)");
    }

    let dir = tempfile::tempdir().expect("temp dir");
    let mut questionnaires = serde_json::Map::new();
    let mut cases = Vec::new();
    let mut expected = Vec::new();
    for rule_set in sij_screen::bundled_rule_sets() {
        let rs = sij_screen::load_rules(rule_set).expect("bundled");
        questionnaires.insert(
            rule_set.to_string(),
            run_json(&["export", "fhir-questionnaire", "--rules", rule_set]),
        );
        let text = std::fs::read_to_string(root.join(format!("rules/{rule_set}.vignettes.yaml")))
            .expect("vignettes");
        for (id, answers) in sij_screen::vignette_answers(&rs, &text).expect("cases") {
            let path = dir.path().join(format!("{rule_set}.{id}.yaml"));
            std::fs::write(&path, sij_screen::answers_file_text(&rs, &answers)).expect("write");
            let bundle = run_json(&[
                "run",
                "--answers",
                path.to_str().expect("path"),
                "--format",
                "fhir",
            ]);
            let (outcome, outcome_text, statuses, shown) = screen(&path);
            let ev = rs.evaluate(&answers);
            let asked = rs
                .questions
                .iter()
                .zip(&ev.asked)
                .filter(|(_, a)| **a)
                .map(|(q, _)| q.id.clone())
                .collect();
            cases.push(json!({
                "rule_set": rule_set,
                "id": id,
                "response": bundle["entry"][0]["resource"],
            }));
            expected.push(Expected {
                rule_set: rule_set.to_string(),
                id,
                asked,
                outcome,
                outcome_text,
                statuses,
                shown,
            });
        }
    }
    assert!(expected.len() >= 100, "only {} vignettes", expected.len());
    // What the cases exercise: "none of these", "unknown" options, and
    // numbers ticked "not assessed".
    let count = |needle: &str| {
        cases
            .iter()
            .filter(|c| c["response"].to_string().contains(needle))
            .count()
    };
    let (none, unknown, not_assessed) = (
        count(r#""code":"none""#),
        count(r#""code":"unknown""#),
        count(":not-assessed"),
    );
    eprintln!(
        "{} vignettes: {none} answer \"none of these\", {unknown} answer \"unknown\" to a choice, {not_assessed} tick a number \"not assessed\"",
        expected.len()
    );
    assert!(none > 0 && unknown > 0 && not_assessed > 0);
    let manifest = dir.path().join("manifest.json");
    std::fs::write(
        &manifest,
        json!({"questionnaires": questionnaires, "cases": cases}).to_string(),
    )
    .expect("write manifest");
    let mut node = Command::new("node");
    node.arg(tools.join("lforms-check.js")).arg(&manifest);
    if !browser {
        node.arg("--fhirpath-only");
    }
    let out = node.output().expect("node runs");
    assert!(
        out.status.success(),
        "lforms-check: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let results: Value = serde_json::from_slice(&out.stdout).expect("results");

    let mut failures = Vec::new();
    let fhirpath = results["fhirpath"].as_array().expect("fhirpath results");
    assert_eq!(fhirpath.len(), expected.len());
    let mut fhirpath_agree = 0;
    for (r, e) in fhirpath.iter().zip(&expected) {
        let d = disagreements(&r["computed"], e);
        if d.is_empty() {
            fhirpath_agree += 1;
        } else {
            failures.push(format!(
                "fhirpath.js, {} {}: {}",
                e.rule_set,
                e.id,
                d.join("; ")
            ));
        }
    }
    eprintln!(
        "fhirpath.js: {fhirpath_agree} of {} vignettes compute the CLI's outcome and every criterion",
        expected.len()
    );

    if browser {
        let lforms = results["lforms"].as_array().expect("lforms results");
        if let Some(errors) = lforms.iter().find_map(|r| r.get("page_errors")) {
            failures.push(format!("LHC-Forms page errors: {errors}"));
        }
        let (mut enabled_agree, mut computed_agree, mut back_agree) = (0, 0, 0);
        for (r, e) in lforms
            .iter()
            .filter(|r| r.get("id").is_some())
            .zip(&expected)
        {
            assert_eq!(r["id"], e.id.as_str());
            let rs = sij_screen::load_rules(&e.rule_set).expect("bundled");
            let questions: BTreeSet<&str> = rs.questions.iter().map(|q| q.id.as_str()).collect();
            let enabled: BTreeSet<String> = r["enabled"]
                .as_array()
                .expect("enabled")
                .iter()
                .filter_map(Value::as_str)
                .filter(|l| questions.contains(l))
                .map(String::from)
                .collect();
            if enabled == e.asked {
                enabled_agree += 1;
            } else {
                failures.push(format!(
                    "LHC-Forms, {} {}: enabled but not asked {:?}; asked but not enabled {:?}",
                    e.rule_set,
                    e.id,
                    enabled.difference(&e.asked).collect::<Vec<_>>(),
                    e.asked.difference(&enabled).collect::<Vec<_>>()
                ));
            }
            let mut d = disagreements(&r["computed"], e);
            let shown: BTreeSet<String> = r["shown"]
                .as_array()
                .expect("shown")
                .iter()
                .filter_map(Value::as_str)
                .map(String::from)
                .collect();
            if shown != e.shown {
                d.push(format!("shown {shown:?}, CLI's sentence {:?}", e.shown));
            }
            if d.is_empty() {
                computed_agree += 1;
            } else {
                failures.push(format!(
                    "LHC-Forms, {} {}: {}",
                    e.rule_set,
                    e.id,
                    d.join("; ")
                ));
            }
            // The response LHC-Forms wrote, read back by the CLI.
            let back = dir
                .path()
                .join(format!("{}.{}.lforms.json", e.rule_set, e.id));
            std::fs::write(&back, r["response"].to_string()).expect("write");
            let (outcome, _, statuses, _) = screen(&back);
            if outcome == e.outcome && statuses == e.statuses {
                back_agree += 1;
            } else {
                failures.push(format!(
                    "LHC-Forms response read back, {} {}: {outcome} (CLI {})",
                    e.rule_set, e.id, e.outcome
                ));
            }
        }
        eprintln!(
            "LHC-Forms: of {} vignettes, enabled items equal the asked questions in {enabled_agree}, computed outcome, criteria and the sentence shown agree in {computed_agree}, its response screens back the same in {back_agree}",
            expected.len()
        );
        assert_eq!(
            lforms.iter().filter(|r| r.get("id").is_some()).count(),
            expected.len()
        );
    }
    assert!(
        failures.is_empty(),
        "{} disagreement(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}
