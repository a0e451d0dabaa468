//! The paths of the differential harness: each renders the harness's cases
//! into its input format, screens them, and reads back the outcome and the
//! criteria.

use std::fmt::Write as _;
use std::process::Command;

use serde_json::{Value, json};
use sij_screen::engine::{Answer, RuleSet};

use super::{Harness, Screened, tools_dir};
use crate::common::bin;
use crate::fhir_renderer::outcome_code;
use crate::pty::{DOWN, ENTER, keys};

type PathFn = fn(&Harness) -> Result<Vec<Screened>, String>;

/// Every path but the walk, by name.
pub(super) const ALL: [(&str, PathFn); 14] = [
    ("evaluate", evaluate),
    ("recursion", recursion),
    ("batch-evaluator", batch_evaluator),
    ("yaml-file", yaml_file),
    ("json-file", json_file),
    ("set", set),
    ("fhir-response", fhir_response),
    ("csv-fast", csv_fast),
    ("csv-quoted", csv_quoted),
    ("jsonl-flat", jsonl_flat),
    ("jsonl-serde", jsonl_serde),
    ("fhir-ndjson", fhir_ndjson),
    ("fhirpath", fhirpath),
    ("r4-enable-when", enable_when),
];

/// The evaluators that run in this process.
pub(super) const IN_PROCESS: [(&str, PathFn); 3] = [
    ("evaluate", evaluate),
    ("recursion", recursion),
    ("batch-evaluator", batch_evaluator),
];

/// Spoils one result, as a broken path would.
pub(super) fn corrupt(list: &mut [Screened]) {
    if let Some(first) = list.first_mut() {
        first.outcome.push('!');
        if let Some(not_asked) = &mut first.not_asked {
            not_asked.push("lost".into());
        }
        if let Some(asked) = &mut first.asked {
            asked.iter_mut().for_each(|a| *a = !*a);
        }
    }
}

// ---- In-process evaluators ---------------------------------------------

fn evaluate(h: &Harness) -> Result<Vec<Screened>, String> {
    Ok(h.cases
        .iter()
        .map(|c| {
            let ev = h.rs.evaluate(c);
            Screened::from_tri(ev.outcome.as_str(), &ev.holds, Some(ev.asked))
        })
        .collect())
}

/// Each criterion by recursion over its condition, not its program.
fn recursion(h: &Harness) -> Result<Vec<Screened>, String> {
    Ok(h.cases
        .iter()
        .map(|c| {
            let mut ev = h.rs.evaluate(c);
            for ci in 0..h.rs.criteria.len() {
                ev.holds[ci] = h.rs.value_in(h.rs.criteria[ci].root, &ev);
            }
            let outcome = h.rs.outcome(&ev.holds);
            Screened::from_tri(outcome.as_str(), &ev.holds, None)
        })
        .collect())
}

fn batch_evaluator(h: &Harness) -> Result<Vec<Screened>, String> {
    Ok(h.cases
        .iter()
        .map(|c| {
            let mut answers = c.clone();
            let mut holds = vec![sij_screen::engine::Tri::Unknown; h.rs.criteria.len()];
            let outcome =
                h.rs.evaluate_criteria_into(&mut answers, &mut holds, &mut Vec::new());
            Screened::from_tri(outcome.as_str(), &holds, None)
        })
        .collect())
}

// ---- Rendering answers ------------------------------------------------

/// An answer as JSON, as an answers file or a JSON Lines row holds it;
/// `None` for no answer.
fn json_value(rs: &RuleSet, q: usize, a: Answer) -> Option<Value> {
    let opts = rs.questions[q].kind.options();
    Some(match a {
        Answer::Unanswered => return None,
        Answer::Unknown => json!("unknown"),
        Answer::Yes => json!("yes"),
        Answer::No => json!("no"),
        Answer::Number(v) => json!(v),
        Answer::Choice(o) => json!(opts[o as usize].id),
        Answer::Multi(bits) => json!(
            (0..opts.len())
                .filter(|i| bits >> i & 1 == 1)
                .map(|i| opts[i].id.clone())
                .collect::<Vec<_>>()
        ),
    })
}

/// An answer as text, as `--set` and a CSV cell take it (a list as
/// `a;b`, an empty one as `[]`).
fn text_value(rs: &RuleSet, q: usize, a: Answer) -> Option<String> {
    Some(match json_value(rs, q, a)? {
        Value::String(s) => s,
        Value::Array(list) if list.is_empty() => "[]".into(),
        Value::Array(list) => list
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(";"),
        other => other.to_string(),
    })
}

/// The answers as a JSON object; `booleans` writes yes and no as JSON
/// `true` and `false` (which every JSON reader also takes).
fn json_answers(rs: &RuleSet, case: &[Answer], booleans: bool) -> serde_json::Map<String, Value> {
    case.iter()
        .enumerate()
        .filter_map(|(q, &a)| {
            let v = match a {
                Answer::Yes if booleans => json!(true),
                Answer::No if booleans => json!(false),
                _ => json_value(rs, q, a)?,
            };
            Some((rs.questions[q].id.clone(), v))
        })
        .collect()
}

// ---- The binary, one case at a time -------------------------------------

/// `run --rules R --answers FILE -f json`, read back.
fn run_json(h: &Harness, file: &str, extra: &[String]) -> Result<Screened, String> {
    let out = bin()
        .args(["run", "--rules", h.rules(), "--answers", file, "-f", "json"])
        .args(extra)
        .output()
        .map_err(|e| e.to_string())?;
    let j: Value = serde_json::from_slice(&out.stdout)
        .map_err(|e| format!("{e}: {}", String::from_utf8_lossy(&out.stderr)))?;
    let holds = j["criteria"]
        .as_array()
        .ok_or("no criteria")?
        .iter()
        .map(|c| c["holds"].as_bool())
        .collect();
    Ok(Screened {
        outcome: j["outcome"].as_str().ok_or("no outcome")?.to_string(),
        holds,
        asked: None,
        not_asked: Some(
            j["recorded_not_asked"]
                .as_array()
                .ok_or("no recorded_not_asked")?
                .iter()
                .filter_map(|r| Some(r["question"].as_str()?.to_string()))
                .collect(),
        ),
    })
}

fn each_case(
    h: &Harness,
    name: &str,
    render: impl Fn(&[Answer]) -> (String, Vec<String>),
) -> Result<Vec<Screened>, String> {
    h.cases
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let (text, extra) = render(c);
            let file = h.path(&format!("{name}-{i}"));
            std::fs::write(&file, text).map_err(|e| e.to_string())?;
            run_json(h, file.to_str().ok_or("path")?, &extra)
        })
        .collect()
}

fn yaml_file(h: &Harness) -> Result<Vec<Screened>, String> {
    each_case(h, "case.yaml", |c| {
        (sij_screen::answers_file_text(&h.rs, c), Vec::new())
    })
}

fn json_file(h: &Harness) -> Result<Vec<Screened>, String> {
    each_case(h, "case.json", |c| {
        let doc = json!({"rule_set": h.rs.meta.id, "answers": json_answers(&h.rs, c, true)});
        (doc.to_string(), Vec::new())
    })
}

fn set(h: &Harness) -> Result<Vec<Screened>, String> {
    each_case(h, "empty.yaml", |c| {
        let sets = c
            .iter()
            .enumerate()
            .filter_map(|(q, &a)| {
                let v = text_value(&h.rs, q, a)?;
                let v = if v.contains(';') || v == "[]" {
                    format!("[{}]", v.trim_matches(['[', ']']).replace(';', ", "))
                } else {
                    v
                };
                Some(["--set".to_string(), format!("{}={v}", h.rs.questions[q].id)])
            })
            .flatten()
            .collect();
        (format!("rule_set: {}\nanswers: {{}}\n", h.rs.meta.id), sets)
    })
}

/// The QuestionnaireResponse the binary exports for each case.
fn responses(h: &Harness) -> Result<Vec<Value>, String> {
    h.responses.get_or_init(|| export_responses(h)).clone()
}

fn export_responses(h: &Harness) -> Result<Vec<Value>, String> {
    h.cases
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let file = h.path(&format!("qr-source-{i}.yaml"));
            std::fs::write(&file, sij_screen::answers_file_text(&h.rs, c))
                .map_err(|e| e.to_string())?;
            let out = bin()
                .args(["run", "--rules", h.rules(), "--answers"])
                .arg(&file)
                .args(["-f", "fhir"])
                .output()
                .map_err(|e| e.to_string())?;
            let bundle: Value = serde_json::from_slice(&out.stdout)
                .map_err(|e| format!("{e}: {}", String::from_utf8_lossy(&out.stderr)))?;
            Ok(bundle["entry"][0]["resource"].clone())
        })
        .collect()
}

/// A response records the answers of asked questions (and of those behind
/// an undecided skip rule), so what it reports as not asked is not compared.
fn fhir_response(h: &Harness) -> Result<Vec<Screened>, String> {
    let qrs = responses(h)?;
    let mut out = Vec::new();
    for (i, qr) in qrs.iter().enumerate() {
        let file = h.path(&format!("qr-{i}.json"));
        std::fs::write(&file, qr.to_string()).map_err(|e| e.to_string())?;
        let mut s = run_json(h, file.to_str().ok_or("path")?, &[])?;
        s.not_asked = None;
        out.push(s);
    }
    Ok(out)
}

// ---- The binary, all cases in one batch -------------------------------

/// `batch FILE -f jsonl`, read back in order.
fn batch(h: &Harness, name: &str, text: &str) -> Result<Vec<Screened>, String> {
    let file = h.path(name);
    std::fs::write(&file, text).map_err(|e| e.to_string())?;
    let out = bin()
        .args(["batch", "--rules", h.rules(), "-f", "jsonl", "--strict"])
        .arg(&file)
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|line| {
            let j: Value = serde_json::from_str(line).map_err(|e| e.to_string())?;
            let crit = j["criteria"].as_object().ok_or("no criteria")?;
            Ok(Screened {
                outcome: j["outcome"].as_str().ok_or("no outcome")?.to_string(),
                holds: h
                    .rs
                    .criteria
                    .iter()
                    .map(|c| crit.get(&c.id).and_then(Value::as_bool))
                    .collect(),
                asked: None,
                not_asked: Some(
                    j["recorded_not_asked"]
                        .as_array()
                        .map(|l| {
                            l.iter()
                                .filter_map(|q| Some(q.as_str()?.to_string()))
                                .collect()
                        })
                        .unwrap_or_default(),
                ),
            })
        })
        .collect()
}

fn csv(h: &Harness, quote: bool) -> String {
    let mut text = String::from("case_id");
    for q in &h.rs.questions {
        let _ = write!(text, ",{}", q.id);
    }
    text.push('\n');
    for (i, c) in h.cases.iter().enumerate() {
        text.push_str(&format!("c{i}"));
        for (q, &a) in c.iter().enumerate() {
            let cell = text_value(&h.rs, q, a).unwrap_or_default();
            if quote {
                let _ = write!(text, ",\"{cell}\"");
            } else {
                let _ = write!(text, ",{cell}");
            }
        }
        text.push('\n');
    }
    text
}

fn csv_fast(h: &Harness) -> Result<Vec<Screened>, String> {
    batch(h, "cases.csv", &csv(h, false))
}

/// Every cell quoted: read by the csv crate, not the fast path.
fn csv_quoted(h: &Harness) -> Result<Vec<Screened>, String> {
    batch(h, "quoted.csv", &csv(h, true))
}

/// JSON Lines; `escape_keys` sends every line to the serde visitor (and
/// writes yes and no as JSON booleans there).
fn jsonl(h: &Harness, escape_keys: bool) -> String {
    let mut text = String::new();
    for (i, c) in h.cases.iter().enumerate() {
        let mut row = serde_json::Map::new();
        row.insert("case_id".into(), json!(format!("c{i}")));
        row.extend(json_answers(&h.rs, c, escape_keys));
        let mut line = Value::Object(row).to_string();
        if escape_keys {
            // `"q` as `"\u0071`: the flat scanner leaves escapes to serde.
            line = line.replace("\"q", "\"\\u0071");
        }
        text.push_str(&line);
        text.push('\n');
    }
    text
}

fn jsonl_flat(h: &Harness) -> Result<Vec<Screened>, String> {
    batch(h, "cases.jsonl", &jsonl(h, false))
}

fn jsonl_serde(h: &Harness) -> Result<Vec<Screened>, String> {
    batch(h, "escaped.jsonl", &jsonl(h, true))
}

fn fhir_ndjson(h: &Harness) -> Result<Vec<Screened>, String> {
    let text: String = responses(h)?.iter().map(|qr| format!("{qr}\n")).collect();
    let mut out = batch(h, "responses.ndjson", &text)?;
    out.iter_mut().for_each(|s| s.not_asked = None);
    Ok(out)
}

// ---- The exported Questionnaire, under Node ------------------------------

/// fhirpath.js and the R4 `enableWhen` evaluator over each response.
fn node_results(h: &Harness) -> Result<Vec<Value>, String> {
    h.node.get_or_init(|| run_node(h)).clone()
}

fn run_node(h: &Harness) -> Result<Vec<Value>, String> {
    let out = bin()
        .args(["export", "fhir-questionnaire", "--rules", h.rules()])
        .output()
        .map_err(|e| e.to_string())?;
    let questionnaire: Value = serde_json::from_slice(&out.stdout)
        .map_err(|e| format!("{e}: {}", String::from_utf8_lossy(&out.stderr)))?;
    let manifest = h.path("manifest.json");
    let doc = json!({"questionnaire": questionnaire, "responses": responses(h)?});
    std::fs::write(&manifest, doc.to_string()).map_err(|e| e.to_string())?;
    let out = Command::new("node")
        .arg(tools_dir().join("fhirpath-eval.js"))
        .arg(&manifest)
        .output()
        .map_err(|e| format!("node: {e} (.ci/run installs Node's tools)"))?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    serde_json::from_slice::<Vec<Value>>(&out.stdout).map_err(|e| e.to_string())
}

fn fhirpath(h: &Harness) -> Result<Vec<Screened>, String> {
    node_results(h)?
        .iter()
        .map(|r| {
            let vars = r["variables"].as_object().ok_or("no variables")?;
            let holds = (0..h.rs.criteria.len())
                .map(|ci| {
                    let prefix = format!("c{ci}");
                    vars.iter()
                        .find(|(k, _)| {
                            k.strip_prefix(&prefix)
                                .is_some_and(|rest| !rest.starts_with(|c: char| c.is_ascii_digit()))
                        })
                        .and_then(|(_, v)| v.as_bool())
                })
                .collect();
            let sentence = vars
                .get("outcome")
                .and_then(Value::as_str)
                .ok_or("no outcome")?;
            Ok(Screened {
                outcome: outcome_code(sentence).to_string(),
                holds,
                asked: None,
                not_asked: None,
            })
        })
        .collect()
}

/// Which questions an R4 renderer enables, against the engine's skip
/// logic (the outcome and criteria are the engine's, so only `asked` can
/// differ).
fn enable_when(h: &Harness) -> Result<Vec<Screened>, String> {
    let results = node_results(h)?;
    let mut out = evaluate(h)?;
    for (s, r) in out.iter_mut().zip(&results) {
        let enabled: Vec<&str> = r["enabled"]
            .as_array()
            .ok_or("no enabled")?
            .iter()
            .filter_map(Value::as_str)
            .collect();
        s.asked = Some(
            h.rs.questions
                .iter()
                .map(|q| enabled.contains(&q.id.as_str()))
                .collect(),
        );
    }
    Ok(out)
}

// ---- The walk --------------------------------------------------------------

/// The answers a walk can hold for `case`: those of asked questions, with
/// every asked question answered ("unknown" where the case has nothing).
pub(super) fn walkable(rs: &RuleSet, case: &[Answer]) -> Vec<Answer> {
    let mut answers = case.to_vec();
    for _ in 0..=answers.len() {
        let ev = rs.evaluate(&answers);
        let next: Vec<Answer> = ev
            .answers
            .iter()
            .zip(&ev.asked)
            .map(|(&a, &asked)| {
                if asked && a == Answer::Unanswered {
                    Answer::Unknown
                } else {
                    a
                }
            })
            .collect();
        if next == answers {
            break;
        }
        answers = next;
    }
    answers
}

/// The first `n` cases, resumed in a walk (a real pseudo-terminal) and
/// finished from its review: the walk's own reading and screening.
pub(super) fn walk(h: &Harness, n: usize) -> Result<Vec<Screened>, String> {
    let mut out = Vec::new();
    for (i, c) in h.cases.iter().take(n).enumerate() {
        let answers = walkable(&h.rs, c);
        let file = h.path(&format!("walk-{i}.yaml"));
        std::fs::write(&file, sij_screen::answers_file_text(&h.rs, &answers))
            .map_err(|e| e.to_string())?;
        let result = h.path(&format!("walk-{i}.json"));
        let script = format!(
            "exec '{}' --rules '{}' --resume '{}' -f json > '{}'",
            env!("CARGO_BIN_EXE_sij-screen"),
            h.rules(),
            file.display(),
            result.display()
        );
        let mut cmd = Command::new("sh");
        cmd.args(["-c", &script])
            .env("NO_COLOR", "1")
            .env("TERM", "xterm");
        let mut p =
            rexpect::session::spawn_command(cmd, Some(15_000)).map_err(|e| e.to_string())?;
        p.exp_string("Press Enter to start.")
            .map_err(|e| e.to_string())?;
        keys(&mut p, ENTER);
        // A red flag in the file is announced first: stop there.
        let (_, seen) = p
            .exp_regex("Finish and show the summary|Stop the screening here\\?")
            .map_err(|e| e.to_string())?;
        if seen.starts_with("Stop") {
            keys(&mut p, &format!("{DOWN}{ENTER}"));
        } else {
            keys(&mut p, ENTER);
        }
        let _ = p.exp_eof();
        let text = std::fs::read(&result).map_err(|e| e.to_string())?;
        let j: Value = serde_json::from_slice(&text).map_err(|e| format!("walk {i}: {e}"))?;
        out.push(Screened {
            outcome: j["outcome"].as_str().ok_or("no outcome")?.to_string(),
            holds: j["criteria"]
                .as_array()
                .ok_or("no criteria")?
                .iter()
                .map(|c| c["holds"].as_bool())
                .collect(),
            asked: None,
            not_asked: None,
        });
    }
    Ok(out)
}
