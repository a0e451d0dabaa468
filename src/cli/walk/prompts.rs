//! The terminal prompts for each question type: a choice list with a
//! neutral first line, a tick list with an explicit "None of these", and a
//! number field whose old value is a hint, never text to edit.
//!
//! Each shows the question once, its answers under their keys and one line
//! of keys; once answered, all of it gives way to one line, "✔ short label ·
//! answer in words".

use super::frame;
use super::keys::{self, Choice, View};
use super::prompter::{NONE_LABEL, TermPrompter, UNKNOWN_LABEL};
use super::{Ask, PromptError, Reply};
use crate::engine::{Answer, QuestionKind, RuleSet, parse_text};

/// Digits 1-9 for the first nine options.
fn digit(i: usize) -> Option<char> {
    u32::try_from(i + 1)
        .ok()
        .filter(|d| *d <= 9)
        .and_then(|d| char::from_digit(d, 10))
}

impl TermPrompter {
    /// What every prompt of question `ask` shows around its answers.
    pub(super) fn view(&self, ask: &Ask<'_>) -> View {
        let rules = ask.rules;
        let q = &rules.questions[ask.question];
        let section = &rules.sections[q.section].title;
        let mut notes = Vec::new();
        if ask.teach {
            // Compact: the reason and the numbers of its sources; the full
            // citations are in the summary's references (and `?`).
            let refs = self.cite(&q.sources);
            let why = q.rationale.trim();
            match (why.is_empty(), refs.is_empty()) {
                (false, _) => notes.push(format!("Why: {why} {refs}").trim_end().to_string()),
                (true, false) => notes.push(format!("Sources: {refs}")),
                (true, true) => {}
            }
        }
        View {
            title: format!("Question {} of about {} · {section}", ask.number, ask.about),
            question: q.text.clone(),
            notes,
            help: self.help(rules, ask.question),
            can_go_back: ask.can_go_back,
            stoppable: true,
        }
    }

    /// `[5, 7]` for sources cited, by their numbers in the summary.
    fn cite(&self, sources: &[usize]) -> String {
        let numbers: Vec<String> = sources
            .iter()
            .filter_map(|&si| self.numbers.get(si).copied().flatten())
            .map(|n| n.to_string())
            .collect();
        if numbers.is_empty() {
            String::new()
        } else {
            format!("[{}]", numbers.join(", "))
        }
    }

    /// The help text, then the evidence and the full sources.
    fn help(&self, rules: &RuleSet, qi: usize) -> Vec<String> {
        let q = &rules.questions[qi];
        let mut lines: Vec<String> = q.help.trim().lines().map(str::to_string).collect();
        for e in &q.evidence {
            lines.push(format!("Evidence: {} {}", e.text, self.cite(&[e.source])));
        }
        for &si in &q.sources {
            let s = &rules.meta.sources[si];
            lines.push(format!(
                "Source {}: {}",
                self.cite(&[si]),
                s.citation.trim()
            ));
        }
        lines
    }

    /// Leaves the answered question's one line.
    fn answered(&self, ask: &Ask<'_>, answer: Answer) -> Result<(), PromptError> {
        let q = &ask.rules.questions[ask.question];
        frame::answered(&self.term, &q.short, &answer.describe(q), self.color)
    }

    /// Yes/no and single choice. Single keys answer at once: `y` / `n` for
    /// yes/no, a digit for an option, `u` for unknown.
    pub(super) fn ask_choice(&self, ask: &Ask<'_>) -> Result<Reply, PromptError> {
        let q = &ask.rules.questions[ask.question];
        // A neutral first line, where the cursor starts on a fresh question:
        // Enter (or Space) there records nothing, so two quick key presses
        // can never record an answer nobody chose.
        let mut items = vec![Choice::new(keys::CHOOSE_LABEL, None)];
        let mut values: Vec<Answer> = Vec::new();
        match &q.kind {
            QuestionKind::YesNo => {
                items.push(Choice::new("Yes", Some('y')));
                items.push(Choice::new("No", Some('n')));
                values.extend([Answer::Yes, Answer::No]);
            }
            kind => {
                for (i, o) in kind.options().iter().enumerate() {
                    let Ok(index) = u16::try_from(i) else { break };
                    items.push(Choice::new(o.label.clone(), digit(i)));
                    values.push(Answer::Choice(index));
                }
            }
        }
        if q.allow_unknown {
            items.push(Choice::new(UNKNOWN_LABEL, Some('u')));
            values.push(Answer::Unknown);
        }
        let default = values
            .iter()
            .position(|v| *v == ask.current)
            .map_or(0, |i| i + 1);
        let view = self.view(ask);
        match keys::select(&self.term, &view, &items, default, true, self.color)? {
            Some(i) if (1..=values.len()).contains(&i) => {
                self.answered(ask, values[i - 1])?;
                Ok(Reply::Answer(values[i - 1]))
            }
            _ => Ok(Reply::Back),
        }
    }

    /// A tick list: Space or a digit ticks, Enter records the ticks.
    /// "None of these" and "Unknown" are entries of their own, never
    /// combined with options.
    pub(super) fn ask_multi(&self, ask: &Ask<'_>) -> Result<Reply, PromptError> {
        let q = &ask.rules.questions[ask.question];
        let opts = q.kind.options();
        let current_bits = match ask.current {
            Answer::Multi(b) => b,
            _ => 0,
        };
        let mut items: Vec<Choice> = opts
            .iter()
            .enumerate()
            .map(|(i, o)| Choice::new(o.label.clone(), digit(i)))
            .collect();
        let mut checked: Vec<bool> = (0..opts.len())
            .map(|i| current_bits >> i & 1 == 1)
            .collect();
        // An untouched list submitted with Enter records nothing, instead
        // of "none apply".
        let none_at = items.len();
        items.push(Choice::new(NONE_LABEL, Some('0')));
        checked.push(ask.current == Answer::Multi(0));
        let unknown_at = q.allow_unknown.then_some(items.len());
        if q.allow_unknown {
            items.push(Choice::new(UNKNOWN_LABEL, Some('u')));
            checked.push(ask.current == Answer::Unknown);
        }
        let check = |ticks: &[bool]| -> Result<(), &'static str> {
            let picked = ticks.iter().filter(|t| **t).count();
            let lone = |i: Option<usize>| i.is_some_and(|i| ticks[i]);
            if picked == 0 {
                Err("Nothing recorded: tick the options that apply (Space), or \"None of these\".")
            } else if lone(unknown_at) && picked > 1 {
                Err("Tick either options or \"unknown\", not both.")
            } else if ticks[none_at] && picked > 1 {
                Err("Tick either options or \"None of these\", not both.")
            } else {
                Ok(())
            }
        };
        let view = self.view(ask);
        let Some(ticks) = keys::multi(&self.term, &view, &items, &checked, &check, self.color)?
        else {
            return Ok(Reply::Back);
        };
        let answer = if unknown_at.is_some_and(|i| ticks[i]) {
            Answer::Unknown
        } else {
            let bits = (0..none_at)
                .filter(|&i| ticks[i])
                .fold(0u64, |b, i| b | 1 << i);
            Answer::Multi(bits)
        };
        self.answered(ask, answer)?;
        Ok(Reply::Answer(answer))
    }

    /// A number typed on an empty line: `u` means unknown, and Enter on an
    /// empty line keeps the earlier answer (shown as a hint, never as text
    /// to edit).
    pub(super) fn ask_number(&self, ask: &Ask<'_>) -> Result<Reply, PromptError> {
        let q = &ask.rules.questions[ask.question];
        let QuestionKind::Number(spec) = &q.kind else {
            return Ok(Reply::Back);
        };
        // Typed digits replace the earlier answer ("8" then "1" is 81 only
        // when both are typed now), and Enter on an empty field keeps it.
        let now = match ask.current {
            Answer::Number(_) => Some(ask.current.describe(q)),
            Answer::Unknown => Some("unknown".to_string()),
            _ => None,
        };
        let keep = now.is_some();
        let mut view = self.view(ask);
        let range = match &now {
            Some(now) => format!("{} (now {now}: Enter keeps it)", spec.range_text()),
            None => spec.range_text(),
        };
        // The range is not optional: it is part of the question.
        view.question = format!("{}\n  {range}", view.question);
        let answer_keys = if q.allow_unknown {
            "type a number, Enter · u unknown"
        } else {
            "type a number, Enter"
        };
        let allow_unknown = q.allow_unknown;
        let check = |t: &str| -> Result<(), String> {
            match t {
                "" if keep => Ok(()),
                "" => Err("Type a number.".to_string()),
                "u" | "unknown" if allow_unknown => Ok(()),
                _ => match parse_text(q, t) {
                    Ok(Answer::Unanswered) => Err("Type a number.".to_string()),
                    Ok(_) => Ok(()),
                    Err(e) => Err(e.to_string()),
                },
            }
        };
        let Some(typed) = keys::line(&self.term, &view, answer_keys, &check, self.color)? else {
            return Ok(Reply::Back);
        };
        let answer = match typed.as_str() {
            "" => ask.current,
            "u" | "unknown" => Answer::Unknown,
            // The check above ran the same parser, so this cannot fail.
            _ => parse_text(q, &typed).map_err(|e| PromptError::Io(std::io::Error::other(e)))?,
        };
        self.answered(ask, answer)?;
        Ok(Reply::Answer(answer))
    }
}
