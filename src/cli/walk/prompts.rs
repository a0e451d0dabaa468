//! The terminal prompts for each question type: a choice list with a
//! neutral first line, a tick list with an explicit "None of these", and a
//! number field whose old value is a hint, never text to edit.

use super::keys::{self, Choice, Edit, Ticked};
use super::terminal::{
    BACK_LABEL, CHOOSE_LABEL, HELP_LABEL, NONE_LABEL, NOTHING_CHOSEN, TermPrompter, UNKNOWN_LABEL,
};
use super::{Ask, PromptError, Reply};
use crate::engine::{Answer, QuestionKind, parse_text};

impl TermPrompter {
    /// Yes/no and single choice. `Ok(None)` means "show help and ask again".
    /// Single keys answer at once: `y` / `n` for yes/no, a digit for an
    /// option, `u` for unknown, `?` for help, Esc to go back.
    pub(super) fn ask_choice(&self, ask: &Ask<'_>) -> Result<Option<Reply>, PromptError> {
        let q = &ask.rules.questions[ask.question];
        let mut items: Vec<Choice> = Vec::new();
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
                    // Digits 1-9 for the first nine options.
                    let key = u32::try_from(i + 1)
                        .ok()
                        .filter(|d| *d <= 9)
                        .and_then(|d| char::from_digit(d, 10));
                    items.push(Choice::new(o.label.clone(), key));
                    values.push(Answer::Choice(index));
                }
            }
        }
        if q.allow_unknown {
            items.push(Choice::new(UNKNOWN_LABEL, Some('u')));
            values.push(Answer::Unknown);
        }
        // A neutral first line, where the cursor starts on a fresh question:
        // Enter (or Space) there records nothing, so two quick key presses
        // can never record an answer nobody chose.
        items.insert(0, Choice::new(CHOOSE_LABEL, None));
        let help_at = items.len();
        items.push(Choice::new(HELP_LABEL, Some('?')));
        if ask.can_go_back {
            items.push(Choice::new(BACK_LABEL, Some('\u{1b}')));
        }
        let default = values
            .iter()
            .position(|v| *v == ask.current)
            .map_or(0, |i| i + 1);
        let prompt = self.prompt(&q.text, 0)?;
        loop {
            return match keys::select(&self.term, &prompt, &items, default, self.color)? {
                None => Ok(Some(Reply::Back)),
                Some(0) => {
                    // The prompt echoed the neutral line as if it were an
                    // answer: take that back before saying nothing was recorded.
                    let _ = self.term.clear_last_lines(1);
                    self.line(NOTHING_CHOSEN)?;
                    continue;
                }
                Some(i) if i <= values.len() => Ok(Some(Reply::Answer(values[i - 1]))),
                Some(i) if i == help_at => Ok(None),
                Some(_) => Ok(Some(Reply::Back)),
            };
        }
    }

    pub(super) fn ask_multi(&self, ask: &Ask<'_>) -> Result<Option<Reply>, PromptError> {
        let q = &ask.rules.questions[ask.question];
        let opts = q.kind.options();
        let current_bits = match ask.current {
            Answer::Multi(b) => b,
            _ => 0,
        };
        let mut items: Vec<Choice> = opts
            .iter()
            .enumerate()
            .map(|(i, o)| {
                let key = u32::try_from(i + 1)
                    .ok()
                    .filter(|d| *d <= 9)
                    .and_then(|d| char::from_digit(d, 10));
                Choice::new(o.label.clone(), key)
            })
            .collect();
        let mut checked: Vec<bool> = (0..opts.len())
            .map(|i| current_bits >> i & 1 == 1)
            .collect();
        // "None of these" is a choice of its own: an untouched list submitted
        // with Enter records nothing, instead of "none apply".
        let none_at = items.len();
        items.push(Choice::new(NONE_LABEL, Some('0')));
        checked.push(ask.current == Answer::Multi(0));
        let unknown_at = items.len();
        if q.allow_unknown {
            items.push(Choice::new(UNKNOWN_LABEL, Some('u')));
            checked.push(ask.current == Answer::Unknown);
        }
        let help_at = items.len();
        items.push(Choice::new(HELP_LABEL, Some('?')));
        checked.push(false);
        let prompt = self.prompt(&q.text, 0)?;
        loop {
            let ticks = match keys::multi(&self.term, &prompt, &items, &checked, self.color)? {
                Ticked::Back => return Ok(Some(Reply::Back)),
                Ticked::Help => return Ok(None),
                Ticked::Done(t) => t,
            };
            let picked: Vec<usize> = (0..ticks.len()).filter(|&i| ticks[i]).collect();
            if picked.contains(&help_at) {
                return Ok(None);
            }
            if picked.is_empty() {
                self.line(
                    "  Nothing recorded: tick the options that apply (Space), or \"None of these\".",
                )?;
                continue;
            }
            if q.allow_unknown && picked.contains(&unknown_at) {
                if picked.len() == 1 {
                    return Ok(Some(Reply::Answer(Answer::Unknown)));
                }
                self.line("  Tick either options or \"unknown\", not both.")?;
                checked = ticks;
                continue;
            }
            if picked.contains(&none_at) {
                if picked.len() == 1 {
                    return Ok(Some(Reply::Answer(Answer::Multi(0))));
                }
                self.line("  Tick either options or \"None of these\", not both.")?;
                checked = ticks;
                continue;
            }
            let bits = picked
                .iter()
                .filter(|&&i| i < none_at)
                .fold(0u64, |b, &i| b | 1 << i);
            return Ok(Some(Reply::Answer(Answer::Multi(bits))));
        }
    }

    /// A number typed on an empty line: `?` shows help, `u` means unknown,
    /// Esc goes back, and Enter on an empty line keeps the earlier answer
    /// (shown as a hint, never as text to edit).
    pub(super) fn ask_number(&self, ask: &Ask<'_>) -> Result<Option<Reply>, PromptError> {
        let q = &ask.rules.questions[ask.question];
        let QuestionKind::Number(spec) = &q.kind else {
            return Ok(Some(Reply::Back));
        };
        let mut keys_said = vec!["? help"];
        if q.allow_unknown {
            keys_said.push("u unknown");
        }
        if ask.can_go_back {
            keys_said.push("Esc back");
        }
        // Typed digits replace the earlier answer ("8" then "1" is 81 only
        // when both are typed now), and Enter on an empty field keeps it.
        let now = match ask.current {
            Answer::Number(_) => Some(format!("now {}", ask.current.describe(q))),
            Answer::Unknown => Some("now unknown".to_string()),
            _ => None,
        };
        let keep = now.is_some();
        let hint = match &now {
            Some(now) => format!(
                " ({}; {now}, Enter keeps it; {})",
                spec.range_text(),
                keys_said.join(", ")
            ),
            None => format!(" ({}; {})", spec.range_text(), keys_said.join(", ")),
        };
        let prompt = format!("{}{hint}", self.prompt(&q.text, hint.len())?);
        let allow_unknown = q.allow_unknown;
        let question = q.clone();
        let check = move |t: &str| -> Result<(), String> {
            match t {
                "" if keep => Ok(()),
                "" => Err("type a number".to_string()),
                "u" | "unknown" if allow_unknown => Ok(()),
                _ => match parse_text(&question, t) {
                    Ok(Answer::Unanswered) => Err("type a number".to_string()),
                    Ok(_) => Ok(()),
                    Err(e) => Err(e.to_string()),
                },
            }
        };
        let typed = keys::line(&self.term, &prompt, &check, self.color)?;
        Ok(match typed {
            Err(Edit::Help) => None,
            Err(_) => Some(Reply::Back),
            Ok(t) => match t.as_str() {
                "" => Some(Reply::Answer(ask.current)),
                "u" | "unknown" => Some(Reply::Answer(Answer::Unknown)),
                _ => Some(Reply::Answer(
                    // The check above ran the same parser, so this cannot fail.
                    parse_text(q, &t).map_err(|e| PromptError::Io(std::io::Error::other(e)))?,
                )),
            },
        })
    }
}
