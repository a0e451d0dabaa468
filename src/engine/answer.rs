//! An answer to one question, and the one parser every input uses.
//!
//! Whatever the source (an answers file, a CSV cell, a JSON Lines field,
//! `--set`, a FHIR response or a prompt), an answer goes through
//! [`parse_value`] or [`parse_text`], so every input accepts the same
//! spellings and refuses the same mistakes.

use super::answer_error::AnswerError;
use super::ruleset::{ChoiceOption, NumberSpec, Question, QuestionKind, fmt_num};
use crate::diagnostics::suggest::did_you_mean;

/// The answer word reserved for "not assessed"; no option may use it.
pub const UNKNOWN_WORD: &str = "unknown";

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

/// An answer as written, borrowed from where it was read (a JSON line),
/// so that checking it allocates nothing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RawRef<'a> {
    Null,
    Bool(bool),
    Number(f64),
    Text(&'a str),
    List(&'a [&'a str]),
}

/// Checks one written answer against its question.
pub fn parse_value(q: &Question, raw: &RawValue) -> Result<Answer, AnswerError> {
    match raw {
        RawValue::Null => parse_raw(q, RawRef::Null),
        RawValue::Bool(b) => parse_raw(q, RawRef::Bool(*b)),
        RawValue::Number(n) => parse_raw(q, RawRef::Number(*n)),
        RawValue::Text(t) => parse_raw(q, RawRef::Text(t)),
        RawValue::List(items) => {
            let items: Vec<&str> = items.iter().map(String::as_str).collect();
            parse_raw(q, RawRef::List(&items))
        }
    }
}

/// Checks one written answer, borrowed, against its question: the one
/// check behind every typed format.
pub fn parse_raw(q: &Question, raw: RawRef<'_>) -> Result<Answer, AnswerError> {
    if let RawRef::Text(t) = raw
        && t == UNKNOWN_WORD
    {
        return if q.allow_unknown {
            Ok(Answer::Unknown)
        } else {
            Err(AnswerError::UnknownNotAllowed)
        };
    }
    if raw == RawRef::Null {
        return Ok(Answer::Unanswered);
    }
    match (&q.kind, raw) {
        (QuestionKind::YesNo, RawRef::Bool(b)) => Ok(if b { Answer::Yes } else { Answer::No }),
        (QuestionKind::YesNo, RawRef::Text(t)) => {
            yes_no(t).ok_or_else(|| AnswerError::NotYesNo(t.into()))
        }
        (QuestionKind::Number(spec), RawRef::Number(v)) => match spec.check(v) {
            None => Ok(Answer::Number(v)),
            Some(why) => Err(why),
        },
        // `75%` is text in every typed format; for a question in percent it
        // is read like a typed cell.
        (QuestionKind::Number(spec), RawRef::Text(t)) if percent_number(spec, t) != t => {
            parse_text(q, t)
        }
        (QuestionKind::Number(_), RawRef::Text(t)) => Err(AnswerError::QuotedNumber {
            text: t.into(),
            numeric: t.trim().parse::<f64>().is_ok(),
        }),
        (QuestionKind::SingleChoice(opts), RawRef::Text(t)) => {
            find_option(opts, t).map(Answer::Choice)
        }
        (QuestionKind::MultipleChoice(opts), RawRef::List(items)) => {
            let mut bits = 0u64;
            for item in items {
                let i = find_option(opts, item)?;
                bits |= 1 << i;
            }
            Ok(Answer::Multi(bits))
        }
        (QuestionKind::MultipleChoice(opts), RawRef::Text(t)) => {
            let i = find_option(opts, t)?;
            Err(AnswerError::ListExpected(opts[i as usize].id.clone()))
        }
        (QuestionKind::SingleChoice(_), RawRef::List(_)) => Err(AnswerError::ListForSingle),
        (kind, raw) => Err(AnswerError::WrongType {
            expected: expected(kind),
            found: found(&raw),
        }),
    }
}

/// Parses an answer typed as text: a CSV cell, `--set q=value`, a prompt.
/// Lists are separated by `;` or `,`; the empty string is unanswered.
///
/// Batch screening calls this for every cell, so a well-formed answer is
/// parsed without allocating; only an error builds a message.
pub fn parse_text(q: &Question, text: &str) -> Result<Answer, AnswerError> {
    // ASCII trimming: Unicode-aware `trim` cost a tenth of batch time.
    let t = text.trim_ascii();
    if t.is_empty() {
        return Ok(Answer::Unanswered);
    }
    if t == UNKNOWN_WORD {
        return parse_value(q, &RawValue::Text(t.to_string()));
    }
    match &q.kind {
        QuestionKind::YesNo => match yes_no(t) {
            Some(a) => Ok(a),
            None => parse_value(q, &RawValue::Text(t.to_string())),
        },
        QuestionKind::Number(spec) => match percent_number(spec, t).parse::<f64>() {
            Ok(v) => match spec.check(v) {
                None => Ok(Answer::Number(v)),
                Some(why) => Err(why),
            },
            Err(_) if is_limit(t) => Err(AnswerError::Limit(t.into())),
            Err(_) => Err(AnswerError::NotANumber(t.into())),
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

/// A lab result reported as a limit (`<10`, `> 200`, `<=5`): refused with
/// its own message, never read as a number it is not.
fn is_limit(t: &str) -> bool {
    let rest = t.trim_start_matches(['<', '>', '=', '≤', '≥']);
    rest.len() < t.len() && rest.trim_ascii().parse::<f64>().is_ok()
}

/// A percentage as typed (`75%`, `80 %`) for a question in percent: the
/// number alone. Other questions keep their text, so `75%` for months is
/// refused.
fn percent_number<'t>(spec: &NumberSpec, t: &'t str) -> &'t str {
    let percent = matches!(spec.unit.as_deref(), Some("percent" | "%"));
    match t.strip_suffix('%') {
        Some(n) if percent => n.trim_ascii_end(),
        _ => t,
    }
}

/// The words a yes/no answer may be written as, in every input: `yes`,
/// `no`, `true`, `false` (lower case; `Yes`, `on` or `y` are refused).
fn yes_no(word: &str) -> Option<Answer> {
    match word {
        "yes" | "true" => Some(Answer::Yes),
        "no" | "false" => Some(Answer::No),
        _ => None,
    }
}

fn find_option(opts: &[ChoiceOption], id: &str) -> Result<u16, AnswerError> {
    if let Some(i) = opts.iter().position(|o| o.id == id) {
        // The compiler caps options far below u16::MAX; refuse rather than wrap.
        return u16::try_from(i).map_err(|_| AnswerError::OptionIndex(id.into()));
    }
    let ids: Vec<&str> = opts.iter().map(|o| o.id.as_str()).collect();
    Err(AnswerError::NoOption {
        id: id.into(),
        hint: did_you_mean(id, ids.iter().copied()),
        options: ids.join(", "),
    })
}

fn expected(kind: &QuestionKind) -> &'static str {
    match kind {
        QuestionKind::YesNo => "yes, no or unknown",
        QuestionKind::SingleChoice(_) => "one option id",
        QuestionKind::MultipleChoice(_) => "a list of option ids",
        QuestionKind::Number(_) => "a number",
    }
}

fn found(raw: &RawRef<'_>) -> String {
    match raw {
        RawRef::Null => "nothing".into(),
        RawRef::Bool(b) => format!("{b}"),
        RawRef::Number(n) => format!("the number {}", fmt_num(*n)),
        RawRef::Text(t) => format!("'{}'", t.escape_debug()),
        RawRef::List(_) => "a list".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::ruleset::{ChoiceOption, NumberSpec};

    fn q(kind: QuestionKind) -> Question {
        Question {
            id: "q".into(),
            text: String::new(),
            short: "Q".into(),
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
                got.as_ref().copied().map_err(ToString::to_string),
                want.map_err(String::from),
                "{kind:?} {raw:?}"
            );
        }
    }

    #[test]
    fn a_lab_limit_is_refused_with_its_own_message() {
        for t in ["<10", "< 10", ">200", "<=5", "≤ 4"] {
            let e = parse_text(&q(pct()), t).expect_err(t);
            assert_eq!(e, AnswerError::Limit(t.into()), "{t}: {e}");
        }
        assert_eq!(
            parse_text(&q(pct()), "<x").expect_err("text"),
            AnswerError::NotANumber("<x".into())
        );
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
        assert_eq!(parse_text(&q(pct()), "75%"), Ok(Answer::Number(75.0)));
        assert_eq!(parse_text(&q(pct()), " 80 % "), Ok(Answer::Number(80.0)));
        let months = QuestionKind::Number(NumberSpec {
            min: Some(0.0),
            max: None,
            unit: Some("months".into()),
            integer: true,
        });
        assert!(
            parse_text(&q(months), "6%").is_err(),
            "a percent sign on months"
        );
    }
}
