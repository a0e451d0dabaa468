//! The walk's prompter on a real terminal: every prompt on standard error
//! (so standard output carries only the summary), drawn as frames that
//! give way to one line once answered.

use console::{Key, Term};

use super::frame::{Frame, Look};
use super::keys::{self, Choice, View};
use super::review::{self, Entry};
use super::{Ask, PromptError, Prompter, Reply, ReviewChoice, ReviewRow};
use crate::engine::{QuestionIdx, QuestionKind, RuleSet};
use crate::report;

/// Prompts on standard error.
pub(super) struct TermPrompter {
    pub(super) term: Term,
    pub(super) color: bool,
    /// Each source's number in the summary's references (teaching notes
    /// and help cite by number).
    pub(super) numbers: Vec<Option<usize>>,
}

impl std::fmt::Debug for TermPrompter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TermPrompter")
            .field("color", &self.color)
            .finish()
    }
}

/// The smallest terminal the walk prompts on.
const MIN_ROWS: u16 = 8;
const MIN_COLUMNS: u16 = 30;

pub(super) const UNKNOWN_LABEL: &str = "Unknown / not assessed";
pub(super) const NONE_LABEL: &str = "None of these";

impl TermPrompter {
    pub(super) fn new(color: bool) -> Self {
        TermPrompter {
            term: Term::stderr(),
            color,
            numbers: Vec::new(),
        }
    }

    /// A choice between actions, below a neutral line where the cursor
    /// starts: Enter alone chooses nothing. Esc is `None`; `q` stops the
    /// walk when `stoppable`. The choice leaves one line, "✔ prompt ·
    /// action", when `leave` says so.
    pub(super) fn choose(
        &self,
        prompt: &str,
        actions: &[&str],
        stoppable: bool,
        leave: bool,
    ) -> Result<Option<usize>, PromptError> {
        let mut items = vec![Choice::new(keys::CHOOSE_LABEL, None)];
        for (i, a) in actions.iter().enumerate() {
            let key = u32::try_from(i + 1)
                .ok()
                .and_then(|d| char::from_digit(d, 10));
            items.push(Choice::new(*a, key));
        }
        let view = View {
            question: prompt.to_string(),
            stoppable,
            ..View::default()
        };
        loop {
            return match keys::select(&self.term, &view, &items, 0, true, self.color) {
                Ok(Some(i)) if i >= 1 => {
                    if leave {
                        super::frame::answered(&self.term, prompt, actions[i - 1], self.color)?;
                    }
                    Ok(Some(i - 1))
                }
                Ok(_) => Ok(None),
                // `q` where it does not stop: the choice stays.
                Err(PromptError::Stop) if !stoppable => continue,
                Err(e) => Err(e),
            };
        }
    }

    /// Refuses to prompt on a terminal too small to show a question and its
    /// choices.
    fn check_size(&self) -> Result<(), PromptError> {
        match self.term.size_checked() {
            Some((rows, cols)) if rows < MIN_ROWS || cols < MIN_COLUMNS => {
                Err(PromptError::Io(std::io::Error::other(format!(
                    "the terminal is {cols}x{rows}; the walk needs at least {MIN_COLUMNS}x{MIN_ROWS} (enlarge it and start again; a walk saved with --save continues with --resume)"
                ))))
            }
            _ => Ok(()),
        }
    }

    /// Writes `text`, wrapped at word boundaries to the terminal's width.
    pub(super) fn line(&self, text: &str) -> Result<(), PromptError> {
        self.styled(text, Look::Plain)
    }

    fn styled(&self, text: &str, look: Look) -> Result<(), PromptError> {
        let mut f = Frame::for_term(&self.term);
        let indent: String = text.chars().take_while(|c| *c == ' ').collect();
        f.text(text.trim_start(), &indent, &indent, look);
        f.paint(&self.term, self.color).map(|_| ())
    }
}

impl Prompter for TermPrompter {
    fn intro(&mut self, rules: &RuleSet, teach: bool) -> Result<(), PromptError> {
        self.check_size()?;
        self.numbers = report::record::all_references(rules).1;
        let m = &rules.meta;
        self.styled(&m.title, Look::Bold)?;
        self.line(&format!(
            "Rule set {} version {} | review status: {} ({})",
            m.id,
            m.version,
            m.review_status.as_str(),
            m.review_date
        ))?;
        self.line("")?;
        self.styled(report::NOT_ADVICE, Look::Bold)?;
        self.line("")?;
        if teach {
            self.line(
                "Teaching mode: each question says why it is asked, with the numbers of its sources in the summary's references.",
            )?;
        }
        self.styled("Press Enter to start.", Look::Dim)?;
        loop {
            match keys::read_key(&self.term)? {
                Key::Enter | Key::Char(' ') => return Ok(()),
                Key::Char('q' | 'Q') => return Err(PromptError::Stop),
                _ => continue,
            }
        }
    }

    fn ask(&mut self, ask: &Ask<'_>) -> Result<Reply, PromptError> {
        self.check_size()?;
        let q = &ask.rules.questions[ask.question];
        match &q.kind {
            QuestionKind::YesNo | QuestionKind::SingleChoice(_) => self.ask_choice(ask),
            QuestionKind::MultipleChoice(_) => self.ask_multi(ask),
            QuestionKind::Number(_) => self.ask_number(ask),
        }
    }

    fn review(
        &mut self,
        rows: &[ReviewRow],
        focus: Option<QuestionIdx>,
        remaining: usize,
    ) -> Result<ReviewChoice, PromptError> {
        self.check_size()?;
        Ok(
            match review::review(&self.term, rows, focus, remaining, self.color)? {
                None => ReviewChoice::Back,
                Some(Entry::Finish | Entry::Heading(_)) => ReviewChoice::Finish,
                Some(Entry::Continue(_)) => ReviewChoice::Continue,
                Some(Entry::Answer(i)) => ReviewChoice::Edit(rows[i].question),
            },
        )
    }

    fn confirm_red_flag(&mut self) -> Result<bool, PromptError> {
        Ok(self.choose(
            "Stop the screening here?",
            &[
                "Stop here: this is a red flag (show the summary)",
                "Go back and change the answer",
            ],
            true,
            true,
        )? == Some(0))
    }

    fn offer_finish(&mut self, text: &str) -> Result<bool, PromptError> {
        self.line("")?;
        self.styled(text, Look::Bold)?;
        Ok(self.choose(
            "Finish now?",
            &[
                "Finish: review the answers and show the summary",
                "Continue recording the remaining questions",
            ],
            true,
            true,
        )? == Some(0))
    }

    fn info(&mut self, text: &str) -> Result<(), PromptError> {
        self.line(text)
    }

    fn notice(&mut self, text: &str) -> Result<(), PromptError> {
        self.line("")?;
        self.styled(text, Look::Alarm)
    }
}
