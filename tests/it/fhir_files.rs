//! FHIR files for real: the exported Questionnaire and CodeSystems, the
//! Bundle `--format fhir` writes, and responses read back by `run` and
//! `batch`.

use super::formats::{ok, run};
use crate::common::case;

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
        // The outcome at the top, the sections, and the computed result at
        // the end.
        let items = q["item"].as_array().expect("items");
        assert_eq!(items.len(), catalog_sections(rules) + 2, "{rules}");
        assert_eq!(items[0]["linkId"], "sij-screen:top", "{rules}");
        // Every question can be answered ("Unknown" and "None of these"
        // are options), so each is required but a number that may be "not
        // assessed" by its check box.
        for section in &items[1..items.len() - 1] {
            let list = section["item"].as_array().expect("questions");
            let links: Vec<&str> = list.iter().filter_map(|i| i["linkId"].as_str()).collect();
            for it in list {
                let link = it["linkId"].as_str().expect("linkId");
                let has_box = links.contains(&format!("{link}:not-assessed").as_str());
                let required = match it["type"].as_str() {
                    Some("choice") => true,
                    Some("integer" | "decimal") => !has_box,
                    _ => continue,
                };
                assert_eq!(it["required"] == true, required, "{rules}: {link}");
            }
        }
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

/// An answer skip logic set aside is not in the QuestionnaireResponse (a
/// question not asked has no answer there); the Observation says it, so
/// no recorded answer vanishes from the FHIR output without a word.
#[test]
fn the_observation_says_what_was_recorded_but_not_asked() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("case.yaml");
    let text = std::fs::read_to_string(case("met.yaml"))
        .expect("case")
        .replace("thrust_contraindicated: no", "thrust_contraindicated: yes");
    std::fs::write(&file, text).expect("write");
    let b: serde_json::Value = serde_json::from_str(&ok(&[
        "run",
        "-a",
        file.to_str().expect("utf-8"),
        "-f",
        "fhir",
    ]))
    .expect("json");
    let notes = b["entry"][1]["resource"]["note"].to_string();
    assert!(
        notes.contains("Recorded but not asked here: Thigh thrust test = yes (not used"),
        "{notes}"
    );
}
