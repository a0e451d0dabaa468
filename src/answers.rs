//! Answers: the answers-file format, and checking answers against questions.
//!
//! ```yaml
//! rule_set: nass-2015      # the rule set these answers were written for
//! version: "1.0.0"         # optional: refuse other versions
//! answers:
//!   saddle_anaesthesia: no          # yes / no / unknown
//!   block_relief_percent: 80        # a number in the question's range
//!   pain_side: left                 # an option id
//!   conservative_care: [pt, nsaid]  # a list of option ids ([] = none)
//! ```
//!
//! JSON works too (it is YAML). A question left out is *unanswered*, which
//! evaluates as unknown and is listed as such.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

use crate::diagnostic::{Diagnostic, Pos};
use crate::ruleset::{Question, QuestionKind, RuleSet, fmt_num};
use crate::validate::UNKNOWN_WORD;

/// One question's answer, bound to the question's options.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Answer {
    /// Not asked yet, left out of the file, or dropped by skip logic.
    #[default]
    Unanswered,
    /// Explicitly "unknown / not assessed".
    Unknown,
    Yes,
    No,
    Number(f64),
    /// Index of the chosen option.
    Choice(u16),
    /// Bit set of chosen options (bit i = option i).
    Multi(u64),
}

impl Answer {
    /// Whether the answer carries a value (not unanswered, not unknown).
    pub const fn is_known(self) -> bool {
        !matches!(self, Answer::Unanswered | Answer::Unknown)
    }

    /// The value as written in an answers file: `yes`, `80`, `left`, `[a, b]`,
    /// `unknown`. `None` for unanswered.
    pub fn to_yaml(self, q: &Question) -> Option<String> {
        let opts = q.kind.options();
        Some(match self {
            Answer::Unanswered => return None,
            Answer::Unknown => UNKNOWN_WORD.to_string(),
            Answer::Yes => "yes".into(),
            Answer::No => "no".into(),
            Answer::Number(v) => fmt_num(v),
            Answer::Choice(i) => opts[i as usize].id.clone(),
            Answer::Multi(bits) => {
                let ids: Vec<&str> = opts
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| bits >> i & 1 == 1)
                    .map(|(_, o)| o.id.as_str())
                    .collect();
                format!("[{}]", ids.join(", "))
            }
        })
    }

    /// A compact rendering for tables: option ids, a number with its unit.
    pub fn short(self, q: &Question) -> String {
        match self {
            Answer::Number(_) => self.describe(q),
            Answer::Multi(0) => "none".into(),
            Answer::Multi(_) | Answer::Choice(_) => self
                .to_yaml(q)
                .unwrap_or_default()
                .trim_start_matches('[')
                .trim_end_matches(']')
                .to_string(),
            _ => self.describe(q),
        }
    }

    /// A human-readable rendering: option labels, the unit of a number.
    pub fn describe(self, q: &Question) -> String {
        let opts = q.kind.options();
        match self {
            Answer::Unanswered => "(unanswered)".into(),
            Answer::Unknown => "unknown".into(),
            Answer::Yes => "yes".into(),
            Answer::No => "no".into(),
            Answer::Number(v) => match &q.kind {
                QuestionKind::Number(spec) => match spec.unit.as_deref() {
                    Some("percent") | Some("%") => format!("{}%", fmt_num(v)),
                    Some(u) => format!("{} {u}", fmt_num(v)),
                    None => fmt_num(v),
                },
                _ => fmt_num(v),
            },
            Answer::Choice(i) => opts[i as usize].label.clone(),
            Answer::Multi(0) => "none".into(),
            Answer::Multi(bits) => opts
                .iter()
                .enumerate()
                .filter(|(i, _)| bits >> i & 1 == 1)
                .map(|(_, o)| o.label.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        }
    }
}

/// An answer as written, before it is checked against its question.
#[derive(Debug, Clone, PartialEq)]
pub enum RawValue {
    Null,
    Bool(bool),
    Number(f64),
    Text(String),
    List(Vec<String>),
}

impl<'de> Deserialize<'de> for RawValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawValue;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("yes, no, unknown, a number, an option id or a list of option ids")
            }
            fn visit_bool<E>(self, v: bool) -> Result<RawValue, E> {
                Ok(RawValue::Bool(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<RawValue, E> {
                Ok(RawValue::Number(v as f64))
            }
            fn visit_u64<E>(self, v: u64) -> Result<RawValue, E> {
                Ok(RawValue::Number(v as f64))
            }
            fn visit_f64<E>(self, v: f64) -> Result<RawValue, E> {
                Ok(RawValue::Number(v))
            }
            fn visit_str<E>(self, v: &str) -> Result<RawValue, E> {
                Ok(RawValue::Text(v.to_string()))
            }
            fn visit_string<E>(self, v: String) -> Result<RawValue, E> {
                Ok(RawValue::Text(v))
            }
            fn visit_none<E>(self) -> Result<RawValue, E> {
                Ok(RawValue::Null)
            }
            fn visit_unit<E>(self) -> Result<RawValue, E> {
                Ok(RawValue::Null)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawValue, A::Error> {
                let mut items = Vec::new();
                while let Some(s) = seq.next_element::<String>()? {
                    items.push(s);
                }
                Ok(RawValue::List(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, _map: A) -> Result<RawValue, A::Error> {
                Err(de::Error::custom("expected an answer, found a mapping"))
            }
        }
        d.deserialize_any(V)
    }
}

/// Key-value pairs in file order, each with its place. (A map type would lose
/// the order and the places.)
#[derive(Debug, Default)]
pub struct Entries(pub Vec<(Spanned<String>, Spanned<RawValue>)>);

impl<'de> Deserialize<'de> for Entries {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Entries;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping of question ids to answers")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entries, A::Error> {
                let mut v = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    v.push(entry);
                }
                Ok(Entries(v))
            }
            fn visit_unit<E>(self) -> Result<Entries, E> {
                Ok(Entries::default())
            }
        }
        d.deserialize_map(V)
    }
}

/// An answers file as written.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnswersDoc {
    pub rule_set: Spanned<String>,
    #[serde(default)]
    pub version: Option<Spanned<String>>,
    #[serde(default)]
    pub answers: Entries,
}

/// How strictly an answers file must match the rule set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Match {
    /// `rule_set` (and `version`, if given) must name this rule set.
    Strict,
    /// Match answers by question id only; questions this rule set does not
    /// ask are ignored (used to compare one case across rule sets).
    ByQuestionId,
}

/// Checks an answers file against a rule set, listing every problem.
pub fn bind(rs: &RuleSet, doc: &AnswersDoc, mode: Match) -> Result<Vec<Answer>, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    if mode == Match::Strict {
        if doc.rule_set.value != rs.meta.id {
            errors.push(Diagnostic::error(
                Pos::of(&doc.rule_set),
                format!(
                    "these answers were written for rule set '{}', not '{}' (pass --rules {} or fix `rule_set`)",
                    doc.rule_set.value, rs.meta.id, doc.rule_set.value
                ),
            ));
            return Err(errors);
        }
        if let Some(v) = &doc.version
            && v.value != rs.meta.version
        {
            errors.push(Diagnostic::error(
                Pos::of(v),
                format!(
                    "these answers were written for version {} of '{}', but the rule set is version {}",
                    v.value, rs.meta.id, rs.meta.version
                ),
            ));
            return Err(errors);
        }
    }
    let mut answers = vec![Answer::Unanswered; rs.questions.len()];
    for (key, value) in &doc.answers.0 {
        let Some(qi) = rs.question_idx(&key.value) else {
            if mode == Match::Strict {
                let hint = did_you_mean(&key.value, rs.questions.iter().map(|q| q.id.as_str()));
                errors.push(Diagnostic::error(
                    Pos::of(key),
                    format!(
                        "rule set '{}' has no question '{}'{hint}",
                        rs.meta.id, key.value
                    ),
                ));
            }
            continue;
        };
        match parse_value(&rs.questions[qi], &value.value) {
            Ok(a) => answers[qi] = a,
            Err(msg) => errors.push(Diagnostic::error(
                Pos::of(value),
                format!("{}: {msg}", key.value),
            )),
        }
    }
    if errors.is_empty() {
        Ok(answers)
    } else {
        Err(errors)
    }
}

/// Checks one written answer against its question.
pub fn parse_value(q: &Question, raw: &RawValue) -> Result<Answer, String> {
    if let RawValue::Text(t) = raw
        && t == UNKNOWN_WORD
    {
        return if q.allow_unknown {
            Ok(Answer::Unknown)
        } else {
            Err("this question must be answered; `unknown` is not accepted".into())
        };
    }
    if *raw == RawValue::Null {
        return Ok(Answer::Unanswered);
    }
    match (&q.kind, raw) {
        (QuestionKind::YesNo, RawValue::Bool(b)) => Ok(if *b { Answer::Yes } else { Answer::No }),
        (QuestionKind::YesNo, RawValue::Text(t)) => match t.as_str() {
            "yes" => Ok(Answer::Yes),
            "no" => Ok(Answer::No),
            other => Err(format!(
                "expected yes, no or unknown, found '{}'",
                other.escape_debug()
            )),
        },
        (QuestionKind::Number(spec), RawValue::Number(v)) => match spec.check(*v) {
            None => Ok(Answer::Number(*v)),
            Some(why) => Err(why),
        },
        (QuestionKind::Number(_), RawValue::Text(t)) => Err(format!(
            "expected a number, found the text '{}'{}",
            t.escape_debug(),
            if t.trim().parse::<f64>().is_ok() {
                " (write it without quotes)"
            } else {
                ""
            }
        )),
        (QuestionKind::SingleChoice(opts), RawValue::Text(t)) => {
            find_option(opts, t).map(Answer::Choice)
        }
        (QuestionKind::MultipleChoice(opts), RawValue::List(items)) => {
            let mut bits = 0u64;
            for item in items {
                let i = find_option(opts, item)?;
                bits |= 1 << i;
            }
            Ok(Answer::Multi(bits))
        }
        (QuestionKind::MultipleChoice(opts), RawValue::Text(t)) => {
            let i = find_option(opts, t)?;
            Err(format!(
                "expected a list of options, write [{}]",
                opts[i as usize].id
            ))
        }
        (QuestionKind::SingleChoice(_), RawValue::List(_)) => {
            Err("expected one option, found a list (this question takes a single choice)".into())
        }
        (kind, raw) => Err(format!("expected {}, found {}", expected(kind), found(raw))),
    }
}

/// Parses an answer typed as text: a CSV cell, `--set q=value`, a prompt.
/// Lists are separated by `;` or `,`; the empty string is unanswered.
///
/// Batch screening calls this for every cell, so a well-formed answer is
/// parsed without allocating; only an error builds a message.
pub fn parse_text(q: &Question, text: &str) -> Result<Answer, String> {
    // ASCII trimming: Unicode-aware `trim` cost a tenth of batch time.
    let t = text.trim_ascii();
    if t.is_empty() {
        return Ok(Answer::Unanswered);
    }
    if t == UNKNOWN_WORD {
        return parse_value(q, &RawValue::Text(t.to_string()));
    }
    match &q.kind {
        QuestionKind::YesNo => match t {
            "yes" | "true" => Ok(Answer::Yes),
            "no" | "false" => Ok(Answer::No),
            _ => parse_value(q, &RawValue::Text(t.to_string())),
        },
        QuestionKind::Number(spec) => match t.parse::<f64>() {
            Ok(v) => match spec.check(v) {
                None => Ok(Answer::Number(v)),
                Some(why) => Err(why),
            },
            Err(_) => Err(format!("expected a number, found '{}'", t.escape_debug())),
        },
        QuestionKind::SingleChoice(opts) => find_option(opts, t).map(Answer::Choice),
        QuestionKind::MultipleChoice(opts) => {
            let inner = t
                .strip_prefix('[')
                .and_then(|s| s.strip_suffix(']'))
                .unwrap_or(t);
            let mut bits = 0u64;
            for item in inner
                .split([';', ','])
                .map(str::trim_ascii)
                .filter(|s| !s.is_empty())
            {
                bits |= 1 << find_option(opts, item)?;
            }
            Ok(Answer::Multi(bits))
        }
    }
}

fn find_option(opts: &[crate::ruleset::ChoiceOption], id: &str) -> Result<u16, String> {
    if let Some(i) = opts.iter().position(|o| o.id == id) {
        return Ok(i as u16);
    }
    let ids: Vec<&str> = opts.iter().map(|o| o.id.as_str()).collect();
    let hint = did_you_mean(id, ids.iter().copied());
    Err(format!(
        "no option '{}'{hint} (options: {})",
        id.escape_debug(),
        ids.join(", ")
    ))
}

fn expected(kind: &QuestionKind) -> &'static str {
    match kind {
        QuestionKind::YesNo => "yes, no or unknown",
        QuestionKind::SingleChoice(_) => "one option id",
        QuestionKind::MultipleChoice(_) => "a list of option ids",
        QuestionKind::Number(_) => "a number",
    }
}

fn found(raw: &RawValue) -> String {
    match raw {
        RawValue::Null => "nothing".into(),
        RawValue::Bool(b) => format!("{b}"),
        RawValue::Number(n) => format!("the number {}", fmt_num(*n)),
        RawValue::Text(t) => format!("'{}'", t.escape_debug()),
        RawValue::List(_) => "a list".into(),
    }
}

/// " (did you mean 'x'?)" for a near miss: same letters in another case, or a
/// small edit away.
pub fn did_you_mean<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> String {
    let lower = word.to_lowercase();
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let d = if c.to_lowercase() == lower {
            0
        } else {
            edit_distance(&lower, &c.to_lowercase())
        };
        // Close, and not a rewrite of the whole word ('y' is not a typo of 'x').
        if d <= 2.max(word.len() / 4)
            && d < word.chars().count()
            && best.is_none_or(|(bd, _)| d < bd)
        {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| format!(" (did you mean '{c}'?)"))
        .unwrap_or_default()
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, &cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Writes answers in the answers-file format. Only answered questions are
/// written; ids are plain (see `validate::valid_id`), so no quoting is needed
/// except for the version, which is written as a JSON string (valid YAML).
pub fn to_file_text(rs: &RuleSet, answers: &[Answer]) -> String {
    let mut out = format!(
        "# sij-screen answers: patient data, handle accordingly.\nrule_set: {}\nversion: {}\nanswers:\n",
        rs.meta.id,
        serde_json::Value::String(rs.meta.version.clone())
    );
    let mut any = false;
    for (q, a) in rs.questions.iter().zip(answers) {
        if let Some(v) = a.to_yaml(q) {
            out.push_str(&format!("  {}: {v}\n", q.id));
            any = true;
        }
    }
    if !any {
        out.push_str("  {}\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ruleset::{ChoiceOption, NumberSpec};

    fn q(kind: QuestionKind) -> Question {
        Question {
            id: "q".into(),
            text: String::new(),
            help: String::new(),
            rationale: String::new(),
            kind,
            allow_unknown: true,
            ask_when: None,
            sources: vec![],
            section: 0,
            evidence: vec![],
        }
    }

    fn opts(ids: &[&str]) -> Vec<ChoiceOption> {
        ids.iter()
            .map(|i| ChoiceOption {
                id: i.to_string(),
                label: i.to_uppercase(),
            })
            .collect()
    }

    fn pct() -> QuestionKind {
        QuestionKind::Number(NumberSpec {
            min: Some(0.0),
            max: Some(100.0),
            unit: Some("percent".into()),
            integer: false,
        })
    }

    #[test]
    fn values_bind_to_their_question_type() {
        let text = |t: &str| RawValue::Text(t.into());
        let cases: Vec<(QuestionKind, RawValue, Result<Answer, &str>)> = vec![
            (QuestionKind::YesNo, RawValue::Bool(true), Ok(Answer::Yes)),
            (QuestionKind::YesNo, text("no"), Ok(Answer::No)),
            (QuestionKind::YesNo, text("unknown"), Ok(Answer::Unknown)),
            (
                QuestionKind::YesNo,
                text("Yes"),
                Err("expected yes, no or unknown, found 'Yes'"),
            ),
            (
                QuestionKind::YesNo,
                RawValue::Number(1.0),
                Err("expected yes, no or unknown, found the number 1"),
            ),
            (pct(), RawValue::Number(75.0), Ok(Answer::Number(75.0))),
            (
                pct(),
                RawValue::Number(150.0),
                Err("150 is outside the range 0 to 100 percent"),
            ),
            (
                pct(),
                RawValue::Number(f64::NAN),
                Err("expected a finite number"),
            ),
            (
                pct(),
                text("80"),
                Err("expected a number, found the text '80' (write it without quotes)"),
            ),
            (
                QuestionKind::SingleChoice(opts(&["left", "right"])),
                text("left"),
                Ok(Answer::Choice(0)),
            ),
            (
                QuestionKind::SingleChoice(opts(&["left", "right"])),
                text("Left"),
                Err("no option 'Left' (did you mean 'left'?) (options: left, right)"),
            ),
            (
                QuestionKind::SingleChoice(opts(&["left", "right"])),
                RawValue::List(vec!["left".into()]),
                Err("expected one option, found a list (this question takes a single choice)"),
            ),
            (
                QuestionKind::MultipleChoice(opts(&["a", "b", "c"])),
                RawValue::List(vec!["a".into(), "c".into()]),
                Ok(Answer::Multi(0b101)),
            ),
            (
                QuestionKind::MultipleChoice(opts(&["a", "b"])),
                RawValue::List(vec![]),
                Ok(Answer::Multi(0)),
            ),
            (
                QuestionKind::MultipleChoice(opts(&["a", "b"])),
                text("a"),
                Err("expected a list of options, write [a]"),
            ),
            (QuestionKind::YesNo, RawValue::Null, Ok(Answer::Unanswered)),
        ];
        for (kind, raw, want) in cases {
            let got = parse_value(&q(kind.clone()), &raw);
            assert_eq!(
                got.as_ref().copied().map_err(String::as_str),
                want,
                "{kind:?} {raw:?}"
            );
        }
    }

    #[test]
    fn unknown_can_be_forbidden() {
        let mut question = q(QuestionKind::YesNo);
        question.allow_unknown = false;
        assert!(parse_value(&question, &RawValue::Text("unknown".into())).is_err());
    }

    #[test]
    fn text_answers_parse_like_cells() {
        assert_eq!(parse_text(&q(pct()), " 75 "), Ok(Answer::Number(75.0)));
        assert_eq!(parse_text(&q(pct()), ""), Ok(Answer::Unanswered));
        assert_eq!(parse_text(&q(QuestionKind::YesNo), "true"), Ok(Answer::Yes));
        assert_eq!(
            parse_text(&q(QuestionKind::MultipleChoice(opts(&["a", "b"]))), "a;b"),
            Ok(Answer::Multi(0b11))
        );
        assert_eq!(
            parse_text(&q(QuestionKind::MultipleChoice(opts(&["a", "b"]))), "[b]"),
            Ok(Answer::Multi(0b10))
        );
        assert!(parse_text(&q(pct()), "lots").is_err());
    }

    #[test]
    fn did_you_mean_finds_case_and_typos() {
        let c = ["posterior_si", "groin"];
        assert_eq!(
            did_you_mean("Posterior_SI", c.iter().copied()),
            " (did you mean 'posterior_si'?)"
        );
        assert_eq!(
            did_you_mean("gorin", c.iter().copied()),
            " (did you mean 'groin'?)"
        );
        assert_eq!(did_you_mean("zzzzzz", c.iter().copied()), "");
    }
}
