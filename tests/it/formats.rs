//! Explaining the logic and interchange: explain, --why, --set, what would
//! change the outcome, graphs, Markdown and HTML reports, FHIR R4 (checked
//! with a real FHIR model library), the JSON Schema, completions, man page.

use std::process::{Command, Output, Stdio};

use crate::common::{bin, case};

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("binary runs")
}

fn ok(args: &[&str]) -> String {
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
    assert!(out.contains("Outcome: MET"), "{out}");

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

/// The resource's JSON, checked to be the named FHIR resource. Whether it
/// is valid FHIR is checked where FHIR is read for real: fhirpath.js and
/// LHC-Forms (`fhir_renderer.rs`) load every Questionnaire and write the
/// responses that the CLI reads back.
fn resource(text: &str, kind: &str) -> serde_json::Value {
    let v: serde_json::Value = serde_json::from_str(text).expect("json");
    assert_eq!(v["resourceType"], kind, "{text}");
    v
}

#[test]
fn fhir_questionnaire_and_response_are_the_resources_they_claim() {
    for rules in [
        "nass-2015",
        "evicore-cmm-611",
        "insite-sifi-2016",
        "bcbs-mp-555",
    ] {
        let q_text = ok(&["export", "fhir-questionnaire", "--rules", rules]);
        let q = resource(&q_text, "Questionnaire");
        // Educational rule sets are drafts until a clinician reviews them.
        assert_eq!(q["status"], "draft", "{rules}");
        // The sections, and the computed result at the end.
        let items = q["item"].as_array().expect("items");
        assert_eq!(items.len(), catalog_sections(rules) + 1, "{rules}");
        let cs_text = ok(&["export", "fhir-code-systems", "--rules", rules]);
        let cs: serde_json::Value = serde_json::from_str(&cs_text).expect("json");
        let entries = cs["entry"].as_array().expect("entries");
        assert_eq!(entries.len(), 3, "{rules}");
        for e in entries {
            let s = resource(&e["resource"].to_string(), "CodeSystem");
            assert_eq!(s["url"], e["fullUrl"]);
            assert!(s["concept"].as_array().is_some_and(|c| !c.is_empty()));
        }
    }
    let q_json: serde_json::Value =
        serde_json::from_str(&ok(&["export", "fhir-questionnaire"])).expect("json");
    let link_ids = link_ids(&q_json);
    for c in ["met.yaml", "incomplete.yaml", "red-flag.yaml"] {
        let b_text = ok(&["run", "-a", &case(c), "-f", "fhir"]);
        let b: serde_json::Value = serde_json::from_str(&b_text).expect("json");
        assert_eq!(b["resourceType"], "Bundle");
        assert_eq!(b["type"], "collection");
        resource(&b["entry"][1]["resource"].to_string(), "Observation");
        // The Bundle: the response, and the Observation of the outcome.
        let r = b["entry"][0]["resource"].clone();
        let obs = &b["entry"][1]["resource"];
        assert_eq!(obs["resourceType"], "Observation", "{c}");
        assert_eq!(
            obs["derivedFrom"][0]["reference"], b["entry"][0]["fullUrl"],
            "{c}"
        );
        assert!(
            obs["text"]["div"]
                .as_str()
                .is_some_and(|d| d.contains("NOT MEDICAL ADVICE"))
        );
        assert!(
            obs["note"][0]["text"]
                .as_str()
                .is_some_and(|n| n.contains("sha256"))
        );
        resource(&r.to_string(), "QuestionnaireResponse");
        assert_eq!(
            r["questionnaire"],
            "https://sij-screen.org/fhir/Questionnaire/nass-2015|2.0.0"
        );
        assert_eq!(
            q_json["url"],
            "https://sij-screen.org/fhir/Questionnaire/nass-2015"
        );
        for id in link_ids_of_response(&r) {
            assert!(
                link_ids.contains(&id),
                "{c}: response item {id} is not in the questionnaire"
            );
        }
    }
}

/// `batch` reads a FHIR Bundle of responses, written over many lines or on
/// one line, and screens each as `run` screens the case it came from;
/// `run` refuses a Bundle of several rather than screening only the first.
#[test]
fn batch_screens_every_response_of_a_bundle() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut entries = Vec::new();
    let mut want = Vec::new();
    for c in ["met", "not-met", "incomplete", "red-flag", "excluded"] {
        let file = case(&format!("{c}.yaml"));
        let b: serde_json::Value =
            serde_json::from_str(&ok(&["run", "-a", &file, "-f", "fhir"])).expect("json");
        let mut r = b["entry"][0]["resource"].clone();
        r["id"] = serde_json::json!(c);
        entries.push(serde_json::json!({"resource": r}));
        // Not a response: passed over, and said so.
        entries.push(b["entry"][1].clone());
        let j: serde_json::Value =
            serde_json::from_str(&ok(&["run", "-a", &file, "-f", "json"])).expect("json");
        want.push((
            c.to_string(),
            j["outcome"].as_str().expect("outcome").to_string(),
        ));
    }
    let bundle =
        serde_json::json!({"resourceType": "Bundle", "type": "collection", "entry": entries});
    let pretty = dir.path().join("bundle.json");
    std::fs::write(
        &pretty,
        serde_json::to_string_pretty(&bundle).expect("json"),
    )
    .expect("write");
    let one_line = dir.path().join("bundle.ndjson");
    std::fs::write(&one_line, format!("{bundle}\n")).expect("write");
    for path in [&pretty, &one_line] {
        let out = run(&["batch", path.to_str().expect("path"), "--format", "jsonl"]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let got: Vec<(String, String)> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).expect("json line");
                (
                    v["case_id"].as_str().expect("id").to_string(),
                    v["outcome"].as_str().expect("outcome").to_string(),
                )
            })
            .collect();
        assert_eq!(got, want, "{}", path.display());
    }
    let stderr = String::from_utf8_lossy(&run(&["batch", pretty.to_str().expect("path")]).stderr)
        .into_owned();
    assert!(
        stderr.contains("5 Bundle entries are not a QuestionnaireResponse, passed over"),
        "{stderr}"
    );
    let refused = run(&["run", "-a", pretty.to_str().expect("path")]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("a Bundle of 5 QuestionnaireResponses"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
}

/// A bundled rule set's text, from the repository.
fn rule_text(id: &str) -> String {
    std::fs::read_to_string(format!("{}/rules/{id}.yaml", env!("CARGO_MANIFEST_DIR")))
        .expect("rule set")
}

fn catalog_sections(rules: &str) -> usize {
    sij_screen::load_rules(rules)
        .expect("bundled")
        .sections
        .len()
}

fn link_ids(v: &serde_json::Value) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(items) = v["item"].as_array() {
        for i in items {
            if let Some(id) = i["linkId"].as_str() {
                out.push(id.to_string());
            }
            out.extend(link_ids(i));
        }
    }
    out
}

fn link_ids_of_response(v: &serde_json::Value) -> Vec<String> {
    link_ids(v)
}

#[test]
fn schema_accepts_every_bundled_rule_set_and_rejects_a_typo() {
    let schema: serde_json::Value = serde_json::from_str(&ok(&["schema"])).expect("schema is JSON");
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    let validator = jsonschema::draft7::new(&schema).expect("a valid draft-07 schema");
    for id in sij_screen::bundled_rule_sets() {
        let doc: serde_json::Value = serde_saphyr::from_str(&rule_text(id)).expect("YAML");
        let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{id}: {errors:?}");
    }
    let bad: serde_json::Value = serde_saphyr::from_str(
        &rule_text(sij_screen::DEFAULT_RULES).replace("\ncriteria:", "\ncritera: []\ncriteria:"),
    )
    .expect("YAML");
    assert!(
        !validator.is_valid(&bad),
        "a misspelt key must fail the schema"
    );
}

#[test]
fn completions_and_man_page() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = ok(&["completions", shell]);
        assert!(out.contains("sij-screen"), "{shell}");
        assert!(out.contains("what-would-change"), "{shell}: flags listed");
    }
    let man = ok(&["man"]);
    assert!(
        man.starts_with(".ie") || man.contains(".TH sij-screen"),
        "{}",
        &man[..man.len().min(200)]
    );
    assert!(man.contains(".SH \"EXIT STATUS\""));
}

/// Every page, the program's and each subcommand's, is clean under
/// `mandoc -T lint` (style warnings included). CI installs mandoc; run
/// locally without it, the test says what it skipped.
#[test]
fn man_pages_for_every_subcommand_pass_mandoc_lint() {
    let dir = tempfile::tempdir().expect("tempdir");
    let o = run(&["man", "--dir", &dir.path().display().to_string()]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let mut pages: Vec<_> = std::fs::read_dir(dir.path())
        .expect("ls")
        .map(|e| e.expect("entry").path())
        .collect();
    pages.sort();
    assert!(pages.len() >= 13, "{pages:?}");
    assert!(pages.iter().any(|p| p.ends_with("sij-screen-run.1")));
    if Command::new("mandoc").arg("-V").output().is_err() {
        assert!(
            std::env::var_os("CI").is_none(),
            "mandoc is missing under CI: .ci/run installs it"
        );
        eprintln!("SKIPPED: mandoc -T lint (mandoc is not installed)");
        return;
    }
    for page in &pages {
        let o = Command::new("mandoc")
            .args(["-T", "lint", "-W", "style"])
            .arg(page)
            .output()
            .expect("mandoc runs");
        assert!(
            o.status.success() && o.stdout.is_empty() && o.stderr.is_empty(),
            "{}: {}{}",
            page.display(),
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
    }
}

/// Completion in a real bash: past the subcommand (the hyphenated-name bug
/// of the generated script), values of an option, and `--rules` offering
/// the bundled ids.
#[test]
fn bash_completion_works_past_the_subcommand() {
    let script = ok(&["completions", "bash"]);
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("sij-screen.bash");
    std::fs::write(&path, script).expect("write");
    let probe = format!(
        r#"source '{}'
complete -p sij-screen
ask() {{ COMP_WORDS=("$@"); COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 )); _sij__screen sij-screen "${{COMP_WORDS[-1]}}" "${{COMP_WORDS[-2]}}"; echo "$1 ${{COMP_WORDS[*]:1}}=> ${{COMPREPLY[*]}}"; }}
ask sij-screen export ""
ask sij-screen run --format ""
ask sij-screen run --rules ev
ask sij-screen batch -r insite
ask sij-screen graph --format ""
"#,
        path.display()
    );
    let o = Command::new("bash")
        .args(["--norc", "--noprofile", "-c", &probe])
        .current_dir(dir.path())
        .output()
        .expect("bash runs");
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(out.contains("-F _sij__screen sij-screen"), "{out}");
    let line = |start: &str| {
        out.lines()
            .find(|l| l.starts_with(start))
            .unwrap_or_default()
            .to_string()
    };
    assert!(
        line("sij-screen export").contains("fhir-questionnaire"),
        "{out}"
    );
    assert!(
        line("sij-screen run --format").contains("markdown html"),
        "{out}"
    );
    assert!(
        line("sij-screen run --rules ev").ends_with("=> evicore-cmm-611"),
        "{out}"
    );
    assert!(
        line("sij-screen batch -r insite").contains("insite-sifi-2016"),
        "{out}"
    );
    assert!(
        line("sij-screen graph --format").contains("mermaid"),
        "{out}"
    );
}

/// The schemas in the tools an author would use: ajv (strict mode) accepts
/// every schema and every bundled file, and the YAML language server (over
/// its stdio protocol, as an editor runs it) reports nothing on the bundled
/// files and the misspelt key itself on a typo. CI installs the npm
/// packages (`tools/schema-check`, pinned by its lock file); run locally
/// without them, the test says what it skipped.
#[test]
fn schemas_check_in_ajv_and_the_yaml_language_server() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let tools = root.join("tools/schema-check");
    if !tools.join("node_modules/ajv").exists() {
        assert!(
            std::env::var_os("CI").is_none(),
            "tools/schema-check has no node_modules under CI: .ci/run installs them"
        );
        eprintln!(
            "SKIPPED: ajv and yaml-language-server checks (run npm ci in tools/schema-check)"
        );
        return;
    }
    let node = |args: &[&str]| {
        let o = Command::new("node")
            .args(args)
            .current_dir(root)
            .output()
            .expect("node runs");
        (
            o.status.success(),
            String::from_utf8_lossy(&o.stdout).into_owned(),
        )
    };
    let check = "tools/schema-check/check.js";
    let kinds: [(&str, &[&str]); 4] = [
        (
            "rule-set",
            &[
                "rules/nass-2015.yaml",
                "rules/evicore-cmm-611.yaml",
                "rules/insite-sifi-2016.yaml",
                "rules/bcbs-mp-555.yaml",
            ],
        ),
        ("bank", &["rules/banks/sij-questions.yaml"]),
        (
            "vignettes",
            &[
                "rules/nass-2015.vignettes.yaml",
                "rules/evicore-cmm-611.vignettes.yaml",
                "rules/insite-sifi-2016.vignettes.yaml",
                "rules/bcbs-mp-555.vignettes.yaml",
            ],
        ),
        (
            "answers",
            &[
                "examples/cases/met.yaml",
                "examples/cases/profiles-disagree.yaml",
            ],
        ),
    ];
    let mut all_files = Vec::new();
    for (kind, files) in kinds {
        let schema = format!("schema/{kind}.schema.json");
        let mut args = vec![check, schema.as_str()];
        args.extend(files);
        let (ok, out) = node(&args);
        assert!(ok, "ajv ({kind}): {out}");
        all_files.extend(files.iter().copied());
    }
    let mut args = vec!["tools/schema-check/lsp-check.js"];
    args.extend(&all_files);
    let (_, out) = node(&args);
    assert_eq!(
        out.matches(": 0 diagnostic(s)").count(),
        all_files.len(),
        "the language server flags a bundled file: {out}"
    );
    // A misspelt construct, in a folder laid out like the repository.
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join("rules")).expect("mkdir");
    std::fs::create_dir_all(dir.path().join("schema")).expect("mkdir");
    std::fs::copy(
        root.join("schema/rule-set.schema.json"),
        dir.path().join("schema/rule-set.schema.json"),
    )
    .expect("copy");
    let text = std::fs::read_to_string(root.join("rules/nass-2015.yaml"))
        .expect("rules")
        .replacen("- yes: saddle_anaesthesia", "- yse: saddle_anaesthesia", 1);
    let typo = dir.path().join("rules/typo.yaml");
    std::fs::write(&typo, text).expect("write");
    let typo = typo.display().to_string();
    let (_, out) = node(&["tools/schema-check/lsp-check.js", &typo]);
    assert!(out.contains("Property yse is not allowed."), "{out}");
    let (ok, out) = node(&[check, "schema/rule-set.schema.json", &typo]);
    assert!(
        !ok && out.contains("\"additionalProperty\": \"yse\""),
        "{out}"
    );
}

/// A QuestionnaireResponse is accepted wherever an answers file is: the
/// tool's own export screens back to the same outcome (none-of-these and
/// unknown kept), in `run` and in `compare`; a response to another
/// questionnaire is refused in one line.
#[test]
fn questionnaire_responses_are_read_as_answers() {
    let dir = tempfile::tempdir().expect("tempdir");
    for case_file in [
        "met.yaml",
        "not-met.yaml",
        "incomplete.yaml",
        "red-flag.yaml",
        "excluded.yaml",
    ] {
        let before: serde_json::Value =
            serde_json::from_str(&ok(&["run", "-a", &case(case_file), "-f", "json"]))
                .expect("json");
        let qr = ok(&["run", "-a", &case(case_file), "-f", "fhir"]);
        let path = dir.path().join("qr.json");
        std::fs::write(&path, &qr).expect("write");
        let path = path.display().to_string();
        let after: serde_json::Value =
            serde_json::from_str(&ok(&["run", "-a", &path, "-f", "json"])).expect("json");
        assert_eq!(after["outcome"], before["outcome"], "{case_file}");
        assert_eq!(after["criteria"], before["criteria"], "{case_file}");
        let bundle: serde_json::Value = serde_json::from_str(&qr).expect("bundle");
        let status = &bundle["entry"][0]["resource"];
        assert_eq!(
            bundle["entry"][1]["resource"]["valueCodeableConcept"]["coding"][0]["code"],
            before["outcome"],
            "{case_file}: the Observation carries the outcome"
        );
        let want = if before["unanswered"].as_array().is_some_and(Vec::is_empty) {
            "completed"
        } else {
            "in-progress"
        };
        assert_eq!(status["status"], want, "{case_file}");
        let compared = ok(&["compare", "-a", &path, "-r", "nass-2015"]);
        assert!(
            compared.contains(before["outcome"].as_str().expect("outcome")),
            "{case_file}: {compared}"
        );
    }
    // Resuming a response would save YAML over it: refused without --save.
    let qr = dir.path().join("qr.json");
    let o = run(&["--resume", &qr.display().to_string()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("needs --save FILE.yaml"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let other = dir.path().join("other.json");
    std::fs::write(
        &other,
        r#"{"resourceType": "QuestionnaireResponse", "questionnaire": "http://example.org/Questionnaire/phq9", "status": "completed"}"#,
    )
    .expect("write");
    let o = run(&["run", "-a", &other.display().to_string()]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("not a sij-screen questionnaire"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
}

/// `batch` reads NDJSON of QuestionnaireResponses (one per line, as FHIR
/// bulk exports write them): each screens to the outcome its answers file
/// gives, carrying the response's `id` as the case id.
#[test]
fn batch_reads_questionnaire_responses_line_by_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut ndjson = String::new();
    let mut want = Vec::new();
    for (i, case_file) in [
        "met.yaml",
        "not-met.yaml",
        "incomplete.yaml",
        "red-flag.yaml",
        "excluded.yaml",
    ]
    .iter()
    .enumerate()
    {
        let bundle: serde_json::Value =
            serde_json::from_str(&ok(&["run", "-a", &case(case_file), "-f", "fhir"]))
                .expect("json");
        let mut qr = bundle["entry"][0]["resource"].clone();
        qr["id"] = serde_json::json!(format!("qr{i}"));
        ndjson.push_str(&qr.to_string());
        ndjson.push('\n');
        want.push(
            bundle["entry"][1]["resource"]["valueCodeableConcept"]["coding"][0]["code"].clone(),
        );
    }
    let path = dir.path().join("responses.ndjson");
    std::fs::write(&path, ndjson).expect("write");
    let out = ok(&["batch", &path.display().to_string(), "-f", "jsonl"]);
    let rows: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("row"))
        .collect();
    assert_eq!(rows.len(), want.len(), "{out}");
    for (i, (row, outcome)) in rows.iter().zip(&want).enumerate() {
        assert_eq!(row["case_id"], format!("qr{i}"), "{out}");
        assert_eq!(&row["outcome"], outcome, "{out}");
    }
}
