//! JSON Schemas (draft-07) for every file kind an author or a tool writes:
//! rule sets and question banks (generated from the loader's own Rust types,
//! so they cannot drift from what it accepts), answers files and vignette
//! files. Editors with the YAML language server use them for completion,
//! hover text and checking; the bundled files carry a modeline pointing at
//! the checked-in copies in `schema/`, which a test keeps current.
//!
//! The generated schemas are made editor-friendly here: every property has
//! a description in words (a test fails if one is missing), only standard
//! JSON Schema formats remain (schemars' `double` / `uint32` break ajv's
//! strict mode), ids carry their pattern, and a condition is one object
//! whose keys are the constructs, so a misspelt key is reported as that key
//! (`yse`) rather than as "missing property `all`".

use serde_json::{Map, Value, json};

use crate::cli::exit::{AppError, Exit};
use crate::cli::output;
use crate::cli::usage::UsageError;
use crate::files::rule_set::{BankDoc, RuleSetDoc};

/// The kinds of file with a schema.
pub const KINDS: [&str; 4] = ["rule-set", "bank", "answers", "vignettes"];

/// An id as the compiler accepts it.
const ID_PATTERN: &str = "^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$";

/// Descriptions of the generated properties, by `Definition.property`
/// (`root` for the top level), in words an author understands.
const DESCRIPTIONS: &[(&str, &str)] = &[
    (
        "root.id",
        "The rule set's id: letters, digits, '_', '-' or '.'. Also its bundled file name.",
    ),
    (
        "root.title",
        "The rule set's name, shown at the top of every summary.",
    ),
    (
        "root.version",
        "The rule set's version, written in quotes (\"2.0.0\"). Saved answers record it.",
    ),
    (
        "root.review",
        "Who checked the rule set against its sources, and when.",
    ),
    (
        "root.description",
        "What the rule set encodes, in a few sentences.",
    ),
    (
        "root.disclaimer",
        "Shown under every summary, after the tool's own not-medical-advice notice.",
    ),
    (
        "root.sources",
        "The documents the rule set cites; criteria and questions refer to them by id.",
    ),
    (
        "root.question_bank",
        "A bundled question bank's id, or a path relative to this file, whose questions sections may take.",
    ),
    (
        "root.sections",
        "The questions, in the order they are asked, grouped in sections.",
    ),
    (
        "root.criteria",
        "The selection criteria: red flags, exclusions and indications.",
    ),
    (
        "root.retired",
        "Question ids an earlier version asked and this one does not: saved answers to them still load, with a note.",
    ),
    (
        "root.bank",
        "The bank's id, which rule sets name in question_bank.",
    ),
    (
        "Review.status",
        "draft (not checked), educational (checked against its sources, not clinically reviewed) or reviewed (by a clinician).",
    ),
    ("Review.date", "When it was last checked: YYYY-MM-DD."),
    (
        "Review.note",
        "What was checked against which document, what could not be verified, and what is not encoded.",
    ),
    (
        "Source.id",
        "The id criteria and questions cite the source by.",
    ),
    (
        "Source.citation",
        "The reference as it should appear in a reference list.",
    ),
    ("Source.url", "Where the source can be read."),
    (
        "Source.verified",
        "What of this source was read and checked, and what was not.",
    ),
    (
        "Section.from",
        "Take a whole section of the question bank (its id, title and questions).",
    ),
    ("Section.id", "The section's id (not needed with from)."),
    (
        "Section.title",
        "The section's heading in the walk and the summaries.",
    ),
    ("Section.description", "Shown at the start of the section."),
    (
        "Section.include",
        "Question ids to take from the question bank, in this order.",
    ),
    (
        "Section.questions",
        "This rule set's own questions in the section.",
    ),
    (
        "Question.id",
        "The question's id: the key of its answer in answers files, CSV headers and JSON Lines. Never rename it once published.",
    ),
    ("Question.text", "The question as asked."),
    (
        "Question.short",
        "A few words for summaries and the review list; by default the text up to its first parenthesis.",
    ),
    (
        "Question.type",
        "yes_no, single_choice, multiple_choice or number.",
    ),
    (
        "Question.options",
        "The choices of a single or multiple choice question (2 to 64).",
    ),
    (
        "Question.min",
        "Number questions: the smallest accepted answer.",
    ),
    (
        "Question.max",
        "Number questions: the largest accepted answer.",
    ),
    (
        "Question.unit",
        "Number questions: the unit shown with answers: percent, months, years, ng/mL, mm, 0-10...",
    ),
    (
        "Question.integer",
        "Number questions: accept whole numbers only.",
    ),
    (
        "Question.help",
        "Shown when the clinician asks for help (? in the walk).",
    ),
    (
        "Question.rationale",
        "Why the question is asked; shown in teaching mode.",
    ),
    (
        "Question.sources",
        "Ids of the sources behind the question.",
    ),
    (
        "Question.allow_unknown",
        "Whether \"unknown / not assessed\" is accepted (default true).",
    ),
    (
        "Question.ask_when",
        "Skip logic: ask the question only when this condition holds. It may look only at earlier questions.",
    ),
    (
        "Question.evidence",
        "Teaching figures shown with the question.",
    ),
    (
        "ChoiceOption.id",
        "The option's id: how answers files and CSV cells write this choice.",
    ),
    (
        "ChoiceOption.label",
        "The option as shown to the clinician.",
    ),
    (
        "Criterion.id",
        "The criterion's id, shown in batch output columns and JSON.",
    ),
    (
        "Criterion.kind",
        "red_flag (present: stop), exclusion (applies: excluded) or indication (must be met).",
    ),
    (
        "Criterion.label",
        "The criterion in words, as summaries show it.",
    ),
    (
        "Criterion.condition",
        "When the criterion holds: true, false or unknown, from the answers.",
    ),
    (
        "Criterion.sources",
        "Ids of the sources the criterion encodes.",
    ),
    (
        "Criterion.rationale",
        "Why the criterion exists, ideally quoting its source.",
    ),
    (
        "Criterion.if_not_met",
        "What it means when the criterion counts against the patient.",
    ),
    (
        "Criterion.evidence",
        "Teaching figures; each may say when it applies.",
    ),
    (
        "Criterion.urgency",
        "Red flags only: urgent (stop for urgent evaluation; the default) or investigate (stop until a serious cause is investigated and excluded).",
    ),
    (
        "Criterion.unverified",
        "Why the criterion could not be checked against its source; every output then marks it UNVERIFIED.",
    ),
    (
        "Evidence.text",
        "The figure in words, e.g. \"sensitivity 94%, specificity 78%\".",
    ),
    (
        "Evidence.source",
        "The id of the source the figure comes from.",
    ),
    (
        "Evidence.when",
        "Criterion evidence only: show the figure only for cases where this condition holds.",
    ),
    (
        "AtLeast.n",
        "How many of the conditions must hold (at least 1).",
    ),
    ("AtLeast.of", "The conditions counted."),
    (
        "AtLeast.skipped",
        "not_met: an item whose question skip logic did not ask counts as not met (a test not done is not positive); unknown (default): it counts as unknown.",
    ),
    (
        "OptionRef.question",
        "The id of a single choice (equals) or multiple choice (includes) question.",
    ),
    ("OptionRef.option", "The id of one of its options."),
    (
        "Comparison.question",
        "The id of a number question (compare) or multiple choice question (count).",
    ),
    ("Comparison.op", "The comparison: >=, >, <=, <, == or !=."),
    (
        "Comparison.value",
        "The number compared with (within the question's range).",
    ),
    ("Retired.id", "The retired question's id."),
    (
        "Retired.reason",
        "Why it is no longer asked, and since which version.",
    ),
];

/// What each condition construct means, for hover text.
const CONSTRUCTS: &[(&str, &str)] = &[
    (
        "all",
        "Every condition in the list holds (false wins over unknown).",
    ),
    (
        "any",
        "At least one condition in the list holds (true wins over unknown).",
    ),
    ("not", "The condition does not hold; unknown stays unknown."),
    (
        "at_least",
        "At least n of the conditions hold, counting unknowns: { n: 3, of: [...] }.",
    ),
    ("yes", "The id of a yes/no question answered yes."),
    ("no", "The id of a yes/no question answered no."),
    (
        "known",
        "The id of a question answered with anything but unknown (never unknown itself).",
    ),
    (
        "equals",
        "A single choice question has this option: { question, option }.",
    ),
    (
        "includes",
        "A multiple choice question has this option ticked: { question, option }.",
    ),
    (
        "compare",
        "A number question compared with a value: { question, op, value }.",
    ),
    (
        "count",
        "How many options of a multiple choice question are ticked: { question, op, value }.",
    ),
    ("criterion", "The id of another criterion: its value."),
];

/// The schema of one kind of file, as pretty JSON.
pub fn text(kind: &str) -> Option<String> {
    let value = match kind {
        "rule-set" => generated::<RuleSetDoc>(
            "sij-screen rule set",
            "A rule set of selection criteria for sij-screen. See README.md, \"Rule-set format\".",
        ),
        "bank" => generated::<BankDoc>(
            "sij-screen question bank",
            "Questions shared by rule sets, so profiles ask the same question with the same id.",
        ),
        "answers" => answers(),
        "vignettes" => vignettes(),
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
    tidy(&mut value, "root");
    if let Some(defs) = value.get_mut("definitions").and_then(Value::as_object_mut) {
        let names: Vec<String> = defs.keys().cloned().collect();
        for name in names {
            if let Some(d) = defs.get_mut(&name) {
                tidy(d, &name);
            }
        }
        defs.insert("Condition".into(), condition());
    }
    value
}

/// Descriptions from the table, standard formats only, id patterns.
fn tidy(schema: &mut Value, name: &str) {
    let Some(props) = schema.get_mut("properties").and_then(Value::as_object_mut) else {
        return;
    };
    for (key, prop) in props.iter_mut() {
        let Some(p) = prop.as_object_mut() else {
            continue;
        };
        let path = format!("{name}.{key}");
        if let Some((_, d)) = DESCRIPTIONS.iter().find(|(k, _)| *k == path) {
            // Beside a `$ref`, draft-07 ignores other keywords: wrap it.
            if let Some(r) = p.remove("$ref") {
                p.insert("allOf".into(), json!([{ "$ref": r }]));
            }
            p.insert("description".into(), (*d).into());
        }
        strip_formats(p);
        let is_id = matches!(
            key.as_str(),
            "id" | "bank" | "from" | "question" | "option" | "source"
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

/// A condition: one key, naming the construct. Written as one object with
/// every construct an optional property (and no other key allowed), so an
/// editor reports a misspelt construct as the key it is.
fn condition() -> Value {
    let list =
        json!({"type": "array", "items": {"$ref": "#/definitions/Condition"}, "minItems": 1});
    let id = json!({"type": "string", "pattern": ID_PATTERN});
    let option_ref = json!({"$ref": "#/definitions/OptionRef"});
    let comparison = json!({"$ref": "#/definitions/Comparison"});
    let mut props = Map::new();
    for (key, about) in CONSTRUCTS {
        let mut shape = match *key {
            "all" | "any" => list.clone(),
            "not" => json!({"$ref": "#/definitions/Condition"}),
            "at_least" => json!({"$ref": "#/definitions/AtLeast"}),
            "equals" | "includes" => option_ref.clone(),
            "compare" | "count" => comparison.clone(),
            _ => id.clone(),
        };
        if let Some(o) = shape.as_object_mut() {
            o.insert("description".into(), (*about).into());
        }
        props.insert((*key).to_string(), shape);
    }
    json!({
        "description": "A condition over answers: one key naming the construct (all, any, not, at_least, yes, no, known, equals, includes, compare, count, criterion). It is true, false or unknown.",
        "type": "object",
        "properties": props,
        "additionalProperties": false,
        "minProperties": 1,
        "maxProperties": 1
    })
}

/// One answer as an answers file or vignette writes it.
fn answer_value() -> Value {
    json!({
        "description": "yes / no / unknown for yes/no questions (true / false too), a number, an option id, or a list of option ids ([] for none). Leave a question out (or ~) for unanswered.",
        "anyOf": [
            {"type": "boolean"},
            {"type": "number"},
            {"type": "string"},
            {"type": "array", "items": {"type": "string", "pattern": ID_PATTERN}},
            {"type": "null"}
        ]
    })
}

fn answers_map() -> Value {
    json!({
        "description": "Answers by question id.",
        "type": "object",
        "propertyNames": {"pattern": ID_PATTERN},
        "additionalProperties": answer_value()
    })
}

fn answers() -> Value {
    json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "sij-screen answers file",
        "description": "One case's answers, for run --answers, --resume and compare. See README.md, \"Answers files\".",
        "type": "object",
        "properties": {
            "rule_set": {"description": "The id of the rule set the answers are for.", "type": "string", "pattern": ID_PATTERN},
            "version": {"description": "The rule set's version when saved; another version is refused (delete this line to screen anyway).", "type": "string"},
            "saved": {"description": "When the walk last saved the file (UTC); for people, not checked.", "type": "string"},
            "answers": answers_map()
        },
        "required": ["rule_set"],
        "additionalProperties": false
    })
}

fn vignettes() -> Value {
    json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "sij-screen vignettes",
        "description": "Teaching cases with expected results, run by sij-screen test. See README.md, \"Vignettes\".",
        "type": "object",
        "properties": {
            "rule_set": {"description": "The id of the rule set the cases test.", "type": "string", "pattern": ID_PATTERN},
            "cases": {
                "description": "The cases, each with answers and what the rule set must make of them.",
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "id": {"description": "The case's id, unique in the file.", "type": "string", "pattern": ID_PATTERN},
                        "description": {"description": "What the case shows, quoting the source line that justifies the expected outcome.", "type": "string"},
                        "extends": {"description": "Start from another case's answers (by id); answers here override them, ~ removes one.", "type": "string", "pattern": ID_PATTERN},
                        "answers": answers_map(),
                        "expect": {
                            "description": "The expected outcome, and criterion values to check.",
                            "type": "object",
                            "properties": {
                                "outcome": {"description": "red_flag, excluded, not_met, incomplete or met.", "enum": ["red_flag", "excluded", "not_met", "incomplete", "met"]},
                                "criteria": {
                                    "description": "Criterion values by id: true, false, or ~ for unknown.",
                                    "type": "object",
                                    "propertyNames": {"pattern": ID_PATTERN},
                                    "additionalProperties": {"type": ["boolean", "null"]}
                                }
                            },
                            "required": ["outcome"],
                            "additionalProperties": false
                        }
                    },
                    "required": ["id", "expect"],
                    "additionalProperties": false
                }
            }
        },
        "required": ["rule_set", "cases"],
        "additionalProperties": false
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
        // Every table entry names a property that exists.
        let rs: Value = serde_json::from_str(&text("rule-set").expect("rs")).expect("json");
        let bank: Value = serde_json::from_str(&text("bank").expect("bank")).expect("json");
        for (path, _) in DESCRIPTIONS {
            let (def, prop) = path.split_once('.').expect("Definition.property");
            let found = [&rs, &bank].iter().any(|v| {
                let d = if def == "root" {
                    Some(*v)
                } else {
                    v.get("definitions").and_then(|d| d.get(def))
                };
                d.and_then(|d| d.get("properties"))
                    .and_then(|p| p.get(prop))
                    .is_some()
            });
            assert!(found, "{path} describes nothing");
        }
    }
}
