//! Clinical fidelity: the rule-language constructs the bundled profiles need
//! (tests skipped by skip logic, red flags already investigated, unverified
//! criteria, evidence picked by the case, retired questions), end to end
//! through the real binary.

use std::path::Path;
use std::process::Output;

use crate::common::{bin, case, fixture};

fn run(args: &[&str]) -> Output {
    bin()
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .expect("binary runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn write(dir: &Path, name: &str, body: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, body).expect("write");
    p.display().to_string()
}

/// `examples/cases/met.yaml` with some answers replaced or added.
fn met_with(dir: &Path, changes: &[(&str, &str)]) -> String {
    let mut body = std::fs::read_to_string(case("met.yaml")).expect("case");
    for (key, value) in changes {
        let line = format!("  {key}: ");
        if let Some(start) = body.find(&line) {
            let end = body[start..].find('\n').map_or(body.len(), |e| start + e);
            body.replace_range(start..end, &format!("{line}{value}"));
        } else {
            body.push_str(&format!("{line}{value}\n"));
        }
    }
    write(dir, "case.yaml", &body)
}

fn json(args: &[&str]) -> serde_json::Value {
    let o = run(args);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    serde_json::from_slice(&o.stdout).expect("json")
}

fn criterion<'a>(v: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    v["criteria"]
        .as_array()
        .expect("criteria")
        .iter()
        .find(|c| c["id"] == id)
        .expect("criterion")
}

/// NASS: "the thrust test is not recommended in pregnant individuals". A
/// pregnant patient with 2 of the 4 permitted tests positive is decided (not
/// met), with the skipped tests named in the trace; 3 of 4 is met.
#[test]
fn a_pregnant_patient_is_decidable() {
    let dir = tempfile::tempdir().expect("tempdir");
    let two = met_with(
        dir.path(),
        &[
            ("thrust_contraindicated", "yes"),
            ("thigh_thrust_test", "~"),
            ("sacral_thrust_test", "~"),
            ("compression_test", "no"),
            ("gaenslen_test", "yes"),
            ("faber_test", "no"),
        ],
    );
    let v = json(&["run", "-a", &two, "-f", "json"]);
    assert_eq!(v["outcome"], "not_met");
    assert_eq!(criterion(&v, "provocation_cluster")["holds"], false);
    let o = run(&["run", "-a", &two, "--why"]);
    let out = text(&o.stdout);
    assert!(
        out.contains("thigh_thrust_test = yes (not asked: skipped, counts as not met): false"),
        "{out}"
    );
    let three = met_with(
        dir.path(),
        &[
            ("thrust_contraindicated", "yes"),
            ("thigh_thrust_test", "~"),
            ("sacral_thrust_test", "~"),
            ("gaenslen_test", "yes"),
        ],
    );
    assert_eq!(json(&["run", "-a", &three, "-f", "json"])["outcome"], "met");
}

/// A risk factor already investigated and excluded no longer stops the
/// screening; one not investigated stops it with the "investigate" wording,
/// and an urgent sign keeps the urgent wording.
#[test]
fn red_flags_are_worded_by_urgency_and_an_excluded_cause_does_not_stop() {
    let dir = tempfile::tempdir().expect("tempdir");
    let treated = met_with(
        dir.path(),
        &[
            ("history_of_cancer", "yes"),
            ("cancer_investigated_excluded", "yes"),
        ],
    );
    assert_eq!(
        json(&["run", "-a", &treated, "-f", "json"])["outcome"],
        "met"
    );

    let open = met_with(
        dir.path(),
        &[
            ("history_of_cancer", "yes"),
            ("cancer_investigated_excluded", "no"),
        ],
    );
    let v = json(&["run", "-a", &open, "-f", "json"]);
    assert_eq!(v["outcome"], "red_flag");
    let said = v["outcome_text"].as_str().expect("text");
    assert!(
        said.contains("investigate and exclude a serious cause"),
        "{said}"
    );
    assert!(!said.contains("urgent"), "{said}");
    assert_eq!(
        criterion(&v, "suspected_malignancy")["urgency"],
        "investigate"
    );

    let urgent = met_with(dir.path(), &[("saddle_anaesthesia", "yes")]);
    let v = json(&["run", "-a", &urgent, "-f", "json"]);
    let said = v["outcome_text"].as_str().expect("text");
    assert!(said.contains("urgent medical evaluation"), "{said}");
    assert!(
        !said.contains("SI joint"),
        "the engine names no clinical field: {said}"
    );
}

/// Criteria not checked against their source are marked in every summary
/// format, in `compare` and in the batch tally.
#[test]
fn unverified_criteria_are_marked_in_every_output() {
    let met = case("met.yaml");
    let v = json(&["run", "-a", &met, "-f", "json"]);
    assert!(
        criterion(&v, "diagnostic_blocks")["unverified"]
            .as_str()
            .is_some_and(|s| s.contains("Not in the NASS text read")),
        "{v}"
    );
    assert!(criterion(&v, "localised_pain")["unverified"].is_null());
    for format in ["text", "markdown", "html"] {
        let o = run(&["run", "-a", &met, "-f", format]);
        let out = text(&o.stdout);
        assert!(out.contains("UNVERIFIED"), "{format}: {out}");
        assert!(out.contains("CMS L39797 background"), "{format}: {out}");
    }
    let o = run(&["explain", "-r", "bcbs-mp-555"]);
    assert!(
        text(&o.stdout).contains("UNVERIFIED: MP-555's diagnostic block item was not read"),
        "{}",
        text(&o.stdout)
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let csv = write(dir.path(), "c.csv", "case_id,block_count\na,1\n");
    let o = run(&["batch", &csv]);
    assert!(
        text(&o.stderr).contains("diagnostic_blocks (UNVERIFIED)"),
        "{}",
        text(&o.stderr)
    );
}

/// Laslett's figures are shown only when the case's positives among
/// Laslett's own tests match the figure.
#[test]
fn evidence_figures_follow_the_case() {
    let dir = tempfile::tempdir().expect("tempdir");
    let figures = |path: &str| -> Vec<String> {
        let v = json(&["run", "-a", path, "-f", "json"]);
        criterion(&v, "provocation_cluster")["evidence"]
            .as_array()
            .expect("evidence")
            .iter()
            .map(|e| e["text"].as_str().unwrap_or_default().to_string())
            .collect()
    };
    // met.yaml: distraction, thigh thrust, compression positive: 3 of Laslett's.
    let three = figures(&case("met.yaml"));
    assert_eq!(three.len(), 1, "{three:?}");
    assert!(three[0].contains("sensitivity 94%"), "{three:?}");
    // Two of Laslett's four positive (FABER positive too, which Laslett did not test).
    let two = met_with(
        dir.path(),
        &[("compression_test", "no"), ("faber_test", "yes")],
    );
    let two = figures(&two);
    assert_eq!(two.len(), 1, "{two:?}");
    assert!(two[0].contains("sensitivity 88%"), "{two:?}");
    // One positive: no figure applies.
    let one = met_with(
        dir.path(),
        &[("compression_test", "no"), ("thigh_thrust_test", "no")],
    );
    assert!(figures(&one).is_empty());
}

/// A case saved for NASS 1.x answers `fortin_finger_test`, which 2.0.0 no
/// longer asks: it still loads, with a note that the answer is not used.
#[test]
fn a_retired_question_still_loads_with_a_note() {
    let o = run(&["run", "-a", &fixture("nass-v1-met.yaml"), "-f", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let err = text(&o.stderr);
    assert!(
        err.contains("'fortin_finger_test' is no longer asked by nass-2015 2.0.0"),
        "{err}"
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let csv = write(
        dir.path(),
        "c.csv",
        "case_id,fortin_finger_test,saddle_anaesthesia\na,yes,yes\n",
    );
    let o = run(&["batch", &csv]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).contains("a,2,red_flag"),
        "{}",
        text(&o.stdout)
    );
    assert!(
        text(&o.stderr).contains("column 'fortin_finger_test' is no longer asked"),
        "{}",
        text(&o.stderr)
    );
}

/// The new constructs are checked where they are written.
#[test]
fn misused_constructs_are_refused_with_the_place() {
    let dir = tempfile::tempdir().expect("tempdir");
    let base = |criteria: &str, extra: &str| {
        format!(
            "id: t\ntitle: T\nversion: \"1\"\nreview: {{status: draft, date: 2026-01-01}}\ndisclaimer: d\nsources: [{{id: s, citation: c}}]\nsections:\n  - id: a\n    title: A\n    questions:\n      - {{id: x, text: X?, type: yes_no}}\n      - {{id: y, text: Y?, type: yes_no, ask_when: {{no: x}}}}\ncriteria:\n{criteria}{extra}"
        )
    };
    let cases = [
        (
            base(
                "  - {id: c, kind: indication, label: C, sources: [s], condition: {at_least: {n: 1, skipped: not_met, of: [{all: [{yes: x}]}, {yes: y}]}}}\n",
                "",
            ),
            "every item of `at_least` must test one question",
        ),
        (
            base(
                "  - {id: c, kind: indication, urgency: urgent, label: C, sources: [s], condition: {yes: x}}\n",
                "",
            ),
            "`urgency` is for red flags only",
        ),
        (
            base(
                "  - {id: c, kind: indication, label: C, sources: [s], condition: {yes: x}}\n",
                "retired:\n  - {id: y, reason: gone}\n",
            ),
            "'y' is listed as retired but is still asked",
        ),
    ];
    for (yaml, message) in cases {
        let path = write(dir.path(), "r.yaml", &yaml);
        let o = run(&["validate", &path]);
        assert_eq!(o.status.code(), Some(1), "{yaml}");
        let out = text(&o.stdout) + &text(&o.stderr);
        assert!(out.contains(message), "{message}: {out}");
        assert!(out.contains("r.yaml:"), "points at the file: {out}");
    }
}
