//! JSON Schemas (draft-07) for every file kind an author or a tool writes:
//! rule sets, question banks, answers files and vignette files, each
//! generated from the loader's own Rust type (so it cannot drift from what
//! the loader accepts), with the descriptions from the `///` comments on
//! the types' fields. Editors with the YAML language server use them for completion,
//! hover text and checking; the bundled files carry a modeline pointing at
//! the checked-in copies in `schema/`, which a test keeps current.
//!
//! The generated schemas are made editor-friendly here: every property has
//! a description in words (a test fails if one is missing), one paragraph
//! per line, only standard
//! JSON Schema formats remain (schemars' `double` / `uint32` break ajv's
//! strict mode), ids carry their pattern, and a condition is one object
//! whose keys are the constructs, so a misspelt key is reported as that key
//! (`yse`) rather than as "missing property `all`".

use serde_json::{Map, Value, json};

use crate::cli::exit::{AppError, Exit};
use crate::cli::output;
use crate::cli::usage::UsageError;
use crate::files::answers::AnswersDoc;
use crate::files::rule_set::{BankDoc, ID_PATTERN, RuleSetDoc};
use crate::files::vignettes::VignetteDoc;

/// The kinds of file with a schema.
pub const KINDS: [&str; 4] = ["rule-set", "bank", "answers", "vignettes"];

/// The schema of one kind of file, as pretty JSON.
pub fn text(kind: &str) -> Option<String> {
    let value = match kind {
        "rule-set" => generated::<RuleSetDoc>(
            "sij-screen rule set",
            "A rule set of selection criteria for sij-screen. See docs/rule-sets.md.",
        ),
        "bank" => generated::<BankDoc>(
            "sij-screen question bank",
            "Questions shared by rule sets, so profiles ask the same question with the same id.",
        ),
        "answers" => generated::<AnswersDoc>(
            "sij-screen answers file",
            "One case's answers, for run --answers, --resume and compare. See docs/answers-files.md.",
        ),
        "vignettes" => generated::<VignetteDoc>(
            "sij-screen vignettes",
            "Teaching cases with expected results, run by sij-screen test. See docs/vignettes.md.",
        ),
        _ => return None,
    };
    Some(crate::report::json::pretty(&value))
}

fn generated<T: schemars::JsonSchema>(title: &str, description: &str) -> Value {
    let generator = schemars::generate::SchemaSettings::draft07().into_generator();
    let schema = generator.into_root_schema_for::<T>();
    let mut value = serde_json::to_value(&schema).unwrap_or(Value::Null);
    if let Some(obj) = value.as_object_mut() {
        obj.insert("title".into(), title.into());
        obj.insert("description".into(), description.into());
    }
    tidy(&mut value);
    if let Some(defs) = value.get_mut("definitions").and_then(Value::as_object_mut) {
        for d in defs.values_mut() {
            tidy(d);
        }
        if let Some(c) = defs.get_mut("Condition") {
            *c = condition(c);
        }
    }
    value
}

/// A description as one paragraph per blank-line break: a doc comment's
/// lines are wrapped for the source, not for an editor's hover.
fn unwrap_description(schema: &mut Value) {
    if let Some(o) = schema.as_object_mut() {
        unwrap_description_map(o);
    }
}

fn unwrap_description_map(o: &mut Map<String, Value>) {
    if let Some(Value::String(d)) = o.get_mut("description") {
        *d = unwrap_paragraphs(d);
    }
}

/// Joins the lines of each paragraph with spaces; fenced code blocks
/// (the YAML examples on the types) keep their lines as written.
fn unwrap_paragraphs(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_fence = false;
    let mut at_start = true;
    for line in text.lines() {
        let fence = line.trim_start().starts_with("```");
        if in_fence || fence || line.trim().is_empty() {
            if !at_start {
                out.push('\n');
            }
            out.push_str(line.trim_end());
            if line.trim().is_empty() {
                out.push('\n');
                at_start = true;
            } else {
                // The next line starts a new line after code.
                at_start = false;
                if fence {
                    in_fence = !in_fence;
                }
                if in_fence || fence {
                    out.push('\n');
                    at_start = true;
                }
            }
        } else if at_start {
            out.push_str(line.trim());
            at_start = false;
        } else {
            out.push(' ');
            out.push_str(line.trim());
        }
    }
    out.trim_end().to_string()
}

/// Descriptions as one paragraph each, standard formats only, id patterns.
fn tidy(schema: &mut Value) {
    unwrap_description(schema);
    let Some(props) = schema.get_mut("properties").and_then(Value::as_object_mut) else {
        return;
    };
    for (key, prop) in props.iter_mut() {
        let Some(p) = prop.as_object_mut() else {
            continue;
        };
        unwrap_description_map(p);
        // Beside a `$ref`, draft-07 ignores other keywords: wrap it.
        if p.contains_key("description")
            && let Some(r) = p.remove("$ref")
        {
            p.insert("allOf".into(), json!([{ "$ref": r }]));
        }
        strip_formats(p);
        let is_id = matches!(
            key.as_str(),
            "id" | "bank" | "from" | "question" | "option" | "source" | "rule_set" | "extends"
        );
        if is_id && p.get("type") == Some(&json!("string")) {
            p.insert("pattern".into(), ID_PATTERN.into());
        }
    }
}

/// Removes the non-standard `format`s schemars writes for numbers.
fn strip_formats(p: &mut Map<String, Value>) {
    if p.get("format").and_then(Value::as_str).is_some_and(|f| {
        matches!(
            f,
            "double"
                | "float"
                | "uint"
                | "uint8"
                | "uint16"
                | "uint32"
                | "uint64"
                | "int"
                | "int32"
                | "int64"
        )
    }) {
        p.remove("format");
    }
    if p.get("minimum") == Some(&json!(0.0)) {
        p.insert("minimum".into(), json!(0));
    }
}

/// A condition: one key, naming the construct. The derived schema is one
/// alternative per construct (`oneOf`), with which an editor reports a
/// misspelt key as "missing property `all`"; it is rewritten as one object
/// with every construct an optional property (and no other key allowed), so
/// a misspelt construct is reported as the key it is. Each construct keeps
/// its shape and its description from the type.
fn condition(derived: &Value) -> Value {
    let mut props = Map::new();
    let variants = derived
        .get("oneOf")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for v in &variants {
        let Some(p) = v.get("properties").and_then(Value::as_object) else {
            continue;
        };
        for (key, shape) in p {
            let mut shape = shape.clone();
            if let Some(o) = shape.as_object_mut() {
                match o.get("type").and_then(Value::as_str) {
                    Some("array") => {
                        o.insert("minItems".into(), json!(1));
                    }
                    Some("string") => {
                        o.insert("pattern".into(), ID_PATTERN.into());
                    }
                    _ => {}
                }
                if let Some(d) = v.get("description") {
                    o.insert("description".into(), d.clone());
                }
                unwrap_description_map(o);
            }
            props.insert(key.clone(), shape);
        }
    }
    let names: Vec<&str> = props.keys().map(String::as_str).collect();
    json!({
        "description": format!(
            "A condition over answers: one key naming the construct ({}). It is true, false or unknown.",
            names.join(", ")
        ),
        "type": "object",
        "properties": props,
        "additionalProperties": false,
        "minProperties": 1,
        "maxProperties": 1
    })
}

/// `sij-screen schema [KIND]`: prints a schema.
pub fn run(kind: &str) -> Result<Exit, AppError> {
    let Some(t) = text(kind) else {
        return Err(UsageError::NoSchema {
            kind: kind.to_string(),
            kinds: KINDS.join(", "),
        }
        .into());
    };
    output::stdout(&t)?;
    Ok(Exit::Success)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_checked_in_schemas_are_current() {
        let shipped = [
            (
                "rule-set",
                include_str!("../../../schema/rule-set.schema.json"),
            ),
            ("bank", include_str!("../../../schema/bank.schema.json")),
            (
                "answers",
                include_str!("../../../schema/answers.schema.json"),
            ),
            (
                "vignettes",
                include_str!("../../../schema/vignettes.schema.json"),
            ),
        ];
        for (kind, file) in shipped {
            assert!(
                Some(file.to_string()) == text(kind),
                "schema/{kind}.schema.json is stale: run `cargo run -- schema {kind} > schema/{kind}.schema.json`"
            );
        }
    }

    /// Every property of every schema is described, no description shows
    /// Rust doc syntax, and only standard formats remain.
    #[test]
    fn every_property_is_described_in_words() {
        fn walk(v: &Value, at: &str, missing: &mut Vec<String>) {
            match v {
                Value::Object(o) => {
                    if let Some(Value::Object(props)) = o.get("properties") {
                        for (k, p) in props {
                            let described = p.get("description").is_some();
                            if !described {
                                missing.push(format!("{at}.{k}"));
                            }
                        }
                    }
                    if let Some(Value::String(d)) = o.get("description") {
                        assert!(!d.contains("[`") && !d.contains("crate::"), "{at}: {d}");
                    }
                    if let Some(Value::String(f)) = o.get("format") {
                        assert!(matches!(f.as_str(), "date" | "uri"), "{at}: format {f}");
                    }
                    for (k, x) in o {
                        walk(x, &format!("{at}/{k}"), missing);
                    }
                }
                Value::Array(a) => a.iter().for_each(|x| walk(x, at, missing)),
                _ => {}
            }
        }
        for kind in KINDS {
            let v: Value = serde_json::from_str(&text(kind).expect("kind")).expect("json");
            let mut missing = Vec::new();
            walk(&v, kind, &mut missing);
            assert!(missing.is_empty(), "{kind}: no description for {missing:?}");
        }
    }
}

#[cfg(test)]
mod paragraph_tests {
    use super::unwrap_paragraphs;

    #[test]
    fn lines_join_and_code_keeps_its_lines() {
        let doc = "One\nparagraph.\n\n```yaml\nid: a\n  x: 1\n```\n\nAnother\none.";
        assert_eq!(
            unwrap_paragraphs(doc),
            "One paragraph.\n\n```yaml\nid: a\n  x: 1\n```\n\nAnother one."
        );
    }
}
