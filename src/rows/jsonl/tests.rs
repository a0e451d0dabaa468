//! The JSON Lines readers against each other and against reading through
//! `serde_json::Value`.

use std::borrow::Cow;

use proptest::prelude::*;
use serde::de::DeserializeSeed;

use super::bind_line;
use super::flat::{self as flat_json, Keys};
use super::visitor::AnswerSeed;
use crate::compile::catalog;
use crate::engine::{Answer, AnswerError, RuleSet};

/// nass-2015, compiled once for all the tests here.
fn nass() -> &'static RuleSet {
    static RS: std::sync::OnceLock<RuleSet> = std::sync::OnceLock::new();
    RS.get_or_init(|| catalog::load("nass-2015").expect("bundled").rules)
}

fn mini() -> RuleSet {
    catalog::compile_text("mini", include_str!("../../../tests/fixtures/mini.yaml"))
        .expect("fixture")
        .rules
}

/// A bound line's id and problem.
#[derive(Debug)]
struct Bound {
    id: Option<String>,
    error: Option<String>,
}

fn bind(text: &str) -> Bound {
    let rs = mini();
    let mut answers = vec![Answer::Unanswered; rs.questions.len()];
    let row = bind_line(&rs, text, &mut Keys::new(&rs, None), &mut answers);
    Bound {
        id: row.id.map(Cow::into_owned),
        error: row.error.map(|e| e.to_string()),
    }
}

/// What the earlier reader made of a JSON value: through `Value`.
fn through_value(v: &serde_json::Value) -> Result<crate::engine::RawValue, AnswerError> {
    use crate::engine::RawValue;
    use serde_json::Value;
    Ok(match v {
        Value::Null => RawValue::Null,
        Value::Bool(b) => RawValue::Bool(*b),
        Value::Number(n) => RawValue::Number(n.as_f64().unwrap_or(f64::NAN)),
        Value::String(s) => RawValue::Text(s.clone()),
        Value::Array(items) => RawValue::List(
            items
                .iter()
                .map(|i| match i {
                    Value::String(s) => Ok(s.clone()),
                    _ => Err(AnswerError::ListItemsNotText),
                })
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(_) => return Err(AnswerError::Object),
    })
}

proptest! {
    /// The borrowing reader gives every question the answer (or the
    /// message) that reading through `serde_json::Value` gave.
    #[test]
    fn answers_read_as_through_value(qi in 0usize..40, text in prop_oneof![
        prop::sample::select(vec![
            "null", "true", "false", "0", "75", "75.5", "1e1", "-3", "1e400", "\"yes\"", "\"no\"",
            "\"unknown\"", "\"75%\"", "\"posterior_si\"", "\"lumbar\"", "[]", "[\"medication\"]",
            "[\"medication\", 3]", "[\"bracing\", \"bracing\"]", "{}", "{\"a\": 1}", "\"y\\u0065s\"",
            "[[1], {\"b\": 2}]", "18446744073709551615", "-9223372036854775808",
        ]).prop_map(String::from),
        "-?[0-9]{1,20}(\\.[0-9]{1,5})?",
    ]) {
        let rs = nass();
        let q = &rs.questions[qi % rs.questions.len()];
        let Ok(value) = serde_json::from_str::<serde_json::Value>(&text) else {
            return Ok(());
        };
        let before = through_value(&value).and_then(|raw| crate::engine::parse_value(q, &raw));
        let mut de = serde_json::Deserializer::from_str(&text);
        let now = AnswerSeed { question: q }.deserialize(&mut de).expect("reads");
        prop_assert_eq!(now, before, "{}", text);
    }
}

/// Keys with values their question accepts: most pairs of a line are
/// valid, so that the lines which differ only in one edge (a repeated
/// key, one odd value) reach the fast reader's checks.
const KEYS: &[(&str, &[&str])] = &[
    (
        "saddle_anaesthesia",
        &["\"yes\"", "\"no\"", "\"unknown\"", "true", "false", "null"],
    ),
    ("distraction_test", &["\"yes\"", "false", "\"unknown\""]),
    (
        "pain_location",
        &["\"posterior_si\"", "\"lumbar\"", "\"unknown\""],
    ),
    ("block_count", &["0", "2", "10", "-0", "2.0"]),
    (
        "first_block_relief_percent",
        &["75", "75.5", "0.1", "99.999999999999", "\"75%\"", "100"],
    ),
    (
        "conservative_care_months",
        &["6", "12.5", "600", "123456789012345"],
    ),
    (
        "conservative_care_components",
        &["[]", "[\"medication\"]", "[ \"medication\" , \"bracing\" ]"],
    ),
    ("case_id", &["\"c7\"", "\"\"", "\"caf\u{e9}\""]),
    ("id", &["\"c8\""]),
    ("no_such_question", &["1"]),
    ("fortin_finger_test", &["\"yes\""]),
    ("pain_\\u006cocation", &["\"lumbar\""]),
];

/// Values at the edges of the fast reader: escapes, control
/// characters, exponents, leading zeros, long numbers, broken syntax.
const EDGES: &[&str] = &[
    "\"y\\u0065s\"",
    "\"a\tb\"",
    "tru",
    "nul",
    "007",
    "1.",
    ".5",
    "-",
    "1e1",
    "2E0",
    "1234567890123456",
    "1.5.2",
    "[\"medication\",]",
    "[1]",
    "[\"medication\", 3]",
    "[\"bracing\", \"bracing\"]",
    "{}",
    "{\"a\": 1}",
    "[\"medication\"",
    "-3",
    "\"many\"",
    "101",
    "7",
];

/// One JSON line of such pairs, with odd spacing and sometimes broken
/// braces or trailing text.
fn flat_line() -> impl Strategy<Value = String> {
    let space = || prop::sample::select(vec!["", "", "", " ", "\t", "  ", "\r"]);
    let pair = (
        prop::sample::select(KEYS.to_vec()),
        any::<prop::sample::Index>(),
        prop::bool::weighted(0.1),
        prop::sample::select(EDGES.to_vec()),
        space(),
        space(),
    )
        .prop_map(|((key, good), pick, edge, odd, a, b)| {
            let value = if edge { odd } else { *pick.get(good) };
            format!("\"{key}\"{a}:{b}{value}")
        });
    (
        prop::collection::vec(pair, 0..8),
        prop::sample::select(vec!["{", "{", "{", "{", " {", "[", ""]),
        prop::sample::select(vec!["}", "}", "}", "}", "} ", "}}", "} x", "", ",}"]),
        space(),
    )
        .prop_map(|(pairs, open, close, sp)| {
            format!("{open}{sp}{}{close}", pairs.join(&format!("{sp},")))
        })
}

/// The generated lines hit both readers: many are taken by the fast
/// one, many are left to serde (else the agreement below says little).
#[test]
fn generated_lines_reach_both_readers() {
    use proptest::strategy::ValueTree;
    let rs = nass();
    let n = rs.questions.len();
    let mut keys = Keys::new(rs, None);
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let (mut fast, mut repeated) = (0, 0);
    for _ in 0..2000 {
        let line = flat_line().new_tree(&mut runner).expect("line").current();
        let mut answers = vec![Answer::Unanswered; n];
        let taken = flat_json::read(rs, &line, &mut keys, &mut answers);
        fast += usize::from(taken.is_some());
        let row = bind_line(rs, &line, &mut keys, &mut answers);
        repeated += usize::from(row.error.is_some_and(|e| e.to_string().contains("twice")));
    }
    assert!(
        (150..1700).contains(&fast),
        "fast reader took {fast} of 2000"
    );
    assert!(repeated > 100, "{repeated} lines repeat a key");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]
    /// Whatever line the fast reader accepts, the serde reader reads
    /// with no problem, the same case id and the same answers; the key
    /// positions it remembers carry over from line to line as in a run.
    #[test]
    fn the_fast_reader_agrees_with_serde(lines in prop::collection::vec(flat_line(), 1..6)) {
        let rs = nass();
        let n = rs.questions.len();
        let mut keys = Keys::new(rs, None);
        for line in &lines {
            let (mut fast, mut slow) = (vec![Answer::Unanswered; n], vec![Answer::Unanswered; n]);
            let got = flat_json::read(rs, line, &mut keys, &mut fast);
            let row = bind_line(rs, line, &mut keys, &mut slow);
            if let Some(id) = got {
                prop_assert_eq!(&row.error, &None, "{}", line);
                prop_assert_eq!(id, row.id.as_deref(), "{}", line);
                prop_assert_eq!(&fast, &slow, "{}", line);
            }
        }
    }
}

#[test]
fn the_fast_reader_takes_ordinary_lines_and_leaves_the_rest() {
    let rs = nass();
    let n = rs.questions.len();
    let mut keys = Keys::new(rs, None);
    let mut read = |line: &str| {
        let mut answers = vec![Answer::Unanswered; n];
        flat_json::read(rs, line, &mut keys, &mut answers).map(|id| (id.map(String::from), answers))
    };
    let ordinary = r#"{"case_id": "c1", "pain_location": "posterior_si", "block_count": 2, "first_block_relief_percent": 80.5, "conservative_care_components": ["medication", "bracing"], "saddle_anaesthesia": false}"#;
    let (id, answers) = read(ordinary).expect("accepted");
    assert_eq!(id.as_deref(), Some("c1"));
    assert!(answers.iter().filter(|a| **a != Answer::Unanswered).count() == 5);
    // The same line again takes the remembered key positions.
    assert!(read(ordinary).is_some());
    for unusual in [
        r#"{"block_count": 1e1}"#,
        r#"{"pain_location": "posterior\u005fsi"}"#,
        r#"{"block_count": 2, "block_count": 2}"#,
        r#"{"no_such_question": 1}"#,
        r#"{"fortin_finger_test": "yes"}"#,
        r#"{"block_count": "many"}"#,
        r#"{"case_id": 7}"#,
        r#"{"block_count": 2} x"#,
        r#"{"block_count": 1234567890123456}"#,
    ] {
        assert!(read(unusual).is_none(), "{unusual}");
    }
}

#[test]
fn a_duplicate_key_is_refused_and_the_id_still_reported() {
    let row = bind(r#"{"flag": false, "flag": true, "case_id": "c7"}"#);
    assert_eq!(row.id.as_deref(), Some("c7"));
    assert!(
        row.error
            .as_deref()
            .is_some_and(|e| e.contains("appears twice")),
        "{row:?}"
    );
}

#[test]
fn shapes_and_values_are_checked() {
    assert!(bind(r#"{"pct": {"a": 1}}"#).error.is_some());
    assert!(bind(r#"[1, 2]"#).error.is_some());
    assert!(bind(r#"{"flag": true"#).error.is_some());
    assert!(bind(r#"{"flag": true} trailing"#).error.is_some());
    let ok = bind(r#"{"id": 7, "flag": false, "pct": 80, "side": "left"}"#);
    assert_eq!((ok.id.as_deref(), ok.error), (Some("7"), None));
}
