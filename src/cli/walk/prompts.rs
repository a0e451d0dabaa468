//! The terminal prompts for each question type: a choice list with a
//! neutral first line, a tick list with an explicit "None of these", and a
//! number field whose old value is a hint, never text to edit.

use dialoguer::{Input, MultiSelect};

use super::terminal::{
    BACK_LABEL, CHOOSE_LABEL, HELP_LABEL, MULTI_KEYS, NONE_LABEL, NOTHING_CHOSEN, TermPrompter,
    UNKNOWN_LABEL, map_err,
};
use super::{Ask, PromptError, Reply};
use crate::engine::{Answer, QuestionKind, parse_text};

impl TermPrompter {
    /// Yes/no and single choice. `Ok(None)` means "show help and ask again".
    pub(super) fn ask_choice(&self, ask: &Ask<'_>) -> Result<Option<Reply>, PromptError> {
        let q = &ask.rules.questions[ask.question];
        let (mut items, values): (Vec<String>, Vec<Answer>) = match &q.kind {
            QuestionKind::YesNo => (
                vec!["Yes".into(), "No".into()],
                vec![Answer::Yes, Answer::No],
            ),
            kind => kind
                .options()
                .iter()
                .enumerate()
                .filter_map(|(i, o)| {
                    Some((o.label.clone(), Answer::Choice(u16::try_from(i).ok()?)))
                })
                .unzip(),
        };
        let mut values = values;
        if q.allow_unknown {
            items.push(UNKNOWN_LABEL.into());
            values.push(Answer::Unknown);
        }
        // A neutral first line, where the cursor starts on a fresh question:
        // Enter (or Space) there records nothing, so two quick key presses
        // can never record an answer nobody chose.
        items.insert(0, CHOOSE_LABEL.into());
        let help_at = items.len();
        items.push(HELP_LABEL.into());
        if ask.can_go_back {
            items.push(BACK_LABEL.into());
        }
        let default = values
            .iter()
            .position(|v| *v == ask.current)
            .map_or(0, |i| i + 1);
        let prompt = self.prompt(&q.text, 0)?;
        loop {
            return match self.select(&prompt, &items, default)? {
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
        let mut items: Vec<String> = opts.iter().map(|o| o.label.clone()).collect();
        let mut checked: Vec<bool> = (0..opts.len())
            .map(|i| current_bits >> i & 1 == 1)
            .collect();
        // "None of these" is a choice of its own: an untouched list submitted
        // with Enter records nothing, instead of "none apply".
        let none_at = items.len();
        items.push(NONE_LABEL.into());
        checked.push(ask.current == Answer::Multi(0));
        let unknown_at = items.len();
        if q.allow_unknown {
            items.push(UNKNOWN_LABEL.into());
            checked.push(ask.current == Answer::Unknown);
        }
        let help_at = items.len();
        items.push(HELP_LABEL.into());
        checked.push(false);
        loop {
            let picked = MultiSelect::with_theme(self.theme.as_ref())
                .with_prompt(format!(
                    "{}{MULTI_KEYS}",
                    self.prompt(&q.text, MULTI_KEYS.len())?
                ))
                .items(&items)
                .defaults(&checked)
                .report(true)
                .interact_on_opt(&self.term)
                .map_err(map_err)?;
            let Some(picked) = picked else {
                return Ok(Some(Reply::Back));
            };
            if picked.contains(&help_at) {
                return Ok(None);
            }
            let keep = |picked: &[usize]| (0..items.len()).map(|i| picked.contains(&i)).collect();
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
                checked = keep(&picked);
                continue;
            }
            if picked.contains(&none_at) {
                if picked.len() == 1 {
                    return Ok(Some(Reply::Answer(Answer::Multi(0))));
                }
                self.line("  Tick either options or \"None of these\", not both.")?;
                checked = keep(&picked);
                continue;
            }
            let bits = picked
                .iter()
                .filter(|&&i| i < none_at)
                .fold(0u64, |b, &i| b | 1 << i);
            return Ok(Some(Reply::Answer(Answer::Multi(bits))));
        }
    }

    pub(super) fn ask_number(&self, ask: &Ask<'_>) -> Result<Option<Reply>, PromptError> {
        let q = &ask.rules.questions[ask.question];
        let QuestionKind::Number(spec) = &q.kind else {
            return Ok(Some(Reply::Back));
        };
        let mut keys = vec!["?: help"];
        if q.allow_unknown {
            keys.push("u: unknown");
        }
        if ask.can_go_back {
            keys.push("<: back");
        }
        // Going back shows the earlier answer as a hint, never as text to
        // edit: typed digits replace it ("8" then "1" is 1, not 81), and
        // Enter on an empty field keeps it.
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
                keys.join(", ")
            ),
            None => format!(" ({}; {})", spec.range_text(), keys.join(", ")),
        };
        let prompt = format!("{}{hint}", self.prompt(&q.text, hint.len())?);
        let allow_unknown = q.allow_unknown;
        let can_go_back = ask.can_go_back;
        let question = q.clone();
        let text: String = Input::with_theme(self.theme.as_ref())
            .with_prompt(prompt)
            .allow_empty(keep)
            .report(true)
            .validate_with(move |s: &String| -> Result<(), String> {
                let t = s.trim();
                match t {
                    "" if keep => Ok(()),
                    "?" => Ok(()),
                    "<" if can_go_back => Ok(()),
                    "u" | "unknown" if allow_unknown => Ok(()),
                    _ => parse_text(&question, t).and_then(|a| match a {
                        Answer::Unanswered => Err("type a number".to_string()),
                        _ => Ok(()),
                    }),
                }
            })
            .interact_text_on(&self.term)
            .map_err(map_err)?;
        let t = text.trim();
        Ok(match t {
            "" => Some(Reply::Answer(ask.current)),
            "?" => None,
            "<" => Some(Reply::Back),
            "u" | "unknown" => Some(Reply::Answer(Answer::Unknown)),
            _ => Some(Reply::Answer(
                parse_text(q, t).map_err(|e| PromptError::Io(std::io::Error::other(e)))?,
            )),
        })
    }
}
