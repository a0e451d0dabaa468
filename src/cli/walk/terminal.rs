//! The walk in a real terminal, with dialoguer prompts on standard error (so
//! standard output carries only the summary).
//!
//! Ctrl-C and SIGTERM are caught by one handler that puts the cursor back,
//! says in one line what was saved, and exits with 130. Saving holds a lock the
//! handler also takes, so an interrupt never cuts a save in half.

use std::io::IsTerminal as _;
use std::path::Path;

use console::{Key, Term, style};
use dialoguer::Select;
use dialoguer::theme::{ColorfulTheme, SimpleTheme, Theme};

use super::keys::{self, Choice};
use super::save::SaveTarget;
use super::{Ask, PromptError, Prompter, Reply, ReviewChoice, ReviewRow, Walk, WalkError};
use crate::cli::exit::{AppError, Exit};
use crate::cli::request::RunRequest;
use crate::cli::{interrupt, output, screening};
use crate::engine::{Answer, QuestionKind, RuleSet};
use crate::report;

fn interrupted_message(saved_to: Option<&Path>) -> String {
    match saved_to {
        Some(p) => format!(
            "answers so far are saved in {} (continue with --resume {})",
            p.display(),
            p.display()
        ),
        None => "nothing was saved (pass --save FILE to keep answers)".into(),
    }
}

/// Runs the walk on the terminal and prints the summary.
/// `resumed` holds the answers of `--resume`'s file, already checked.
pub fn run(
    rules: &RuleSet,
    args: &RunRequest,
    resumed: Option<Vec<Answer>>,
) -> Result<Exit, AppError> {
    interrupt::install();
    interrupt::set_message(interrupted_message(None));
    let resumed = match (&args.resume, resumed) {
        (Some(path), Some(answers)) => {
            let n = answers.iter().filter(|a| **a != Answer::Unanswered).count();
            output::eprintln(&format!(
                "Resumed {}: {n} answer(s) loaded, rule set {} version {}; the walk continues at the first question not yet answered.",
                path.display(),
                rules.meta.id,
                rules.meta.version
            ));
            Some(answers)
        }
        _ => None,
    };
    let save_path = args.save.clone().or_else(|| args.resume.clone());
    // The file at the path may be replaced when it is the one resumed, or
    // when --force says so; any other file there is never replaced.
    let mut target = save_path
        .as_deref()
        .map(|p| {
            let resuming = args
                .resume
                .as_deref()
                .is_some_and(|r| same_file::is_same_file(r, p).unwrap_or(false));
            SaveTarget::new(p, resuming || args.force)
        })
        .transpose()?;
    if let Some(t) = &mut target {
        // Fail before the first question, not after the tenth answer.
        let initial = resumed
            .clone()
            .unwrap_or_else(|| vec![Answer::Unanswered; rules.questions.len()]);
        t.save(rules, &initial)?;
        interrupt::set_message(interrupted_message(Some(t.path())));
    }
    let color = output::use_color(args.color, true);
    let mut prompter = TermPrompter::new(color);
    let mut walk = Walk::new(rules, resumed, args.teach);
    let result = walk.run(&mut prompter, &mut |answers: &[Answer]| match &mut target {
        Some(t) => t.save(rules, answers),
        None => Ok(()),
    });
    let end = match result {
        Ok(end) => end,
        Err(WalkError::Save(e)) => {
            // A full disk or a vanished folder: the answers are not lost.
            // The file keeps the last save that succeeded (saves are
            // atomic); show everything answered so far.
            let _ = Term::stderr().show_cursor();
            let ev = rules.evaluate(&walk.answers());
            output::eprintln("");
            output::stdout(&screening::render(rules, &ev, args, None))?;
            let kept = match (&e, save_path.as_deref()) {
                // Another program's file: it holds none of these answers.
                (AppError::NotOurs { .. }, _) | (_, None) => String::new(),
                (_, Some(p)) => format!(
                    "; {} still holds the answers up to the one before (continue with --resume {})",
                    p.display(),
                    p.display()
                ),
            };
            return Err(AppError::SaveFailed {
                error: Box::new(e),
                kept,
            });
        }
        Err(WalkError::Prompt(PromptError::Signalled)) if interrupt::installed() => {
            // SIGINT was raised as the prompt returned: the handler owns
            // the exit (it prints the message once and ends the process).
            loop {
                std::thread::park();
            }
        }
        Err(WalkError::Prompt(PromptError::Interrupted | PromptError::Signalled)) => {
            let _ = Term::stderr().show_cursor();
            return Err(AppError::Interrupted(interrupted_message(
                save_path.as_deref(),
            )));
        }
        Err(WalkError::Prompt(PromptError::Io(e))) => {
            // The terminal failed or became unusable: show what was answered
            // (on standard output, which may still work) before the error.
            let _ = Term::stderr().show_cursor();
            if walk.answers().iter().any(|a| *a != Answer::Unanswered) {
                let ev = rules.evaluate(&walk.answers());
                let _ = output::stdout(&screening::render(rules, &ev, args, None));
            }
            return Err(AppError::Terminal(e));
        }
    };
    let ev = rules.evaluate(&end.answers);
    let text = screening::render(rules, &ev, args, None);
    output::eprintln("");
    output::stdout(&text)?;
    // The summary is long: a last line keeps the outcome in view, and says
    // where the answers are. On a terminal it ends the summary; when the
    // summary goes to a file or a pipe, it goes to standard error, so the
    // clinician still sees the outcome.
    let mut recap = screening::recap(rules, &ev);
    if let Some(p) = &save_path {
        recap.push_str(&format!(" Answers saved in {}.", p.display()));
    }
    if std::io::stdout().is_terminal() {
        output::stdout(&format!("\n{recap}\n"))?;
    } else {
        output::eprintln(&recap);
    }
    Ok(Exit::Success)
}

/// Splits `text` into lines of at most `width` columns at spaces, keeping
/// the leading indent on continuation lines (a word longer than a line
/// stands alone).
fn wrap(text: &str, width: usize) -> Vec<String> {
    if console::measure_text_width(text) <= width {
        return vec![text.to_string()];
    }
    let indent: String = text.chars().take_while(|c| *c == ' ').collect();
    let mut lines = Vec::new();
    let mut cur = indent.clone();
    for word in text.split_whitespace() {
        let sep = usize::from(!cur.trim().is_empty());
        let needed = console::measure_text_width(&cur) + sep + console::measure_text_width(word);
        if needed > width && !cur.trim().is_empty() {
            lines.push(std::mem::replace(&mut cur, indent.clone()));
        }
        if !cur.trim().is_empty() {
            cur.push(' ');
        }
        cur.push_str(word);
    }
    lines.push(cur);
    lines
}

/// dialoguer prompts on standard error.
pub(super) struct TermPrompter {
    pub(super) term: Term,
    pub(super) theme: Box<dyn Theme>,
    pub(super) color: bool,
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
pub(super) const CHOOSE_LABEL: &str = "(choose an answer)";
pub(super) const NOTHING_CHOSEN: &str =
    "  Nothing recorded: move to an answer with the arrows first.";
pub(super) const NONE_LABEL: &str = "None of these";
pub(super) const HELP_LABEL: &str = "Show help for this question";
pub(super) const BACK_LABEL: &str = "Back to the previous question";

/// A dialoguer prompt's error. Its Ctrl-C raises SIGINT before returning,
/// so the signal handler is already on its way to print and exit.
pub(super) fn map_err(e: dialoguer::Error) -> PromptError {
    let dialoguer::Error::IO(io) = e;
    if io.kind() == std::io::ErrorKind::Interrupted {
        PromptError::Signalled
    } else {
        PromptError::Io(io)
    }
}

impl TermPrompter {
    fn new(color: bool) -> Self {
        let theme: Box<dyn Theme> = if color {
            Box::new(ColorfulTheme::default())
        } else {
            Box::new(SimpleTheme)
        };
        TermPrompter {
            term: Term::stderr(),
            theme,
            color,
        }
    }

    /// A choice between two actions, `yes` or `no`, below a neutral line
    /// where the cursor starts: Enter alone chooses nothing. Esc is `no`.
    fn either(&self, prompt: &str, yes: &str, no: &str) -> Result<bool, PromptError> {
        let items = [
            Choice::new(CHOOSE_LABEL, None),
            Choice::new(yes, Some('1')),
            Choice::new(no, Some('2')),
        ];
        loop {
            return match keys::select(&self.term, prompt, &items, 0, self.color)? {
                Some(1) => Ok(true),
                Some(2) | None => Ok(false),
                _ => {
                    let _ = self.term.clear_last_lines(1);
                    self.line(NOTHING_CHOSEN)?;
                    continue;
                }
            };
        }
    }

    /// Refuses to prompt on a terminal too small to show a question and its
    /// choices (dialoguer cannot page a list into fewer rows).
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
        let width = self
            .term
            .size_checked()
            .map_or(100, |(_, w)| usize::from(w))
            .max(20);
        for l in wrap(text, width) {
            self.term.write_line(&l).map_err(PromptError::Io)?;
        }
        Ok(())
    }

    /// The prompt for a question: its text when it fits on one line; else
    /// the text is printed above (wrapped) and the prompt is its opening
    /// words. dialoguer redraws one line per prompt, so a prompt that wraps
    /// would leave a stale copy on screen.
    pub(super) fn prompt(&self, text: &str, suffix_len: usize) -> Result<String, PromptError> {
        let width = self
            .term
            .size_checked()
            .map_or(100, |(_, w)| usize::from(w));
        // Room for the theme's marks and, once answered, " · answer".
        let room = width.saturating_sub(24 + suffix_len).max(20);
        if console::measure_text_width(text) <= room {
            return Ok(text.to_string());
        }
        self.line(text)?;
        Ok(console::truncate_str(text, room, "…").into_owned())
    }

    fn dim(&self, text: &str) -> String {
        if self.color {
            style(text).dim().to_string()
        } else {
            text.to_string()
        }
    }

    fn bold(&self, text: &str) -> String {
        if self.color {
            style(text).bold().to_string()
        } else {
            text.to_string()
        }
    }

    fn show_help(&self, rules: &RuleSet, qi: usize) -> Result<(), PromptError> {
        let q = &rules.questions[qi];
        if q.help.trim().is_empty() {
            self.line("  (No help text for this question.)")?;
        } else {
            for l in q.help.trim().lines() {
                self.line(&format!("  {l}"))?;
            }
        }
        self.show_sources(rules, qi)
    }

    fn show_sources(&self, rules: &RuleSet, qi: usize) -> Result<(), PromptError> {
        let q = &rules.questions[qi];
        for e in &q.evidence {
            self.line(&format!(
                "  Evidence: {} [{}]",
                e.text, rules.meta.sources[e.source].id
            ))?;
        }
        for &si in &q.sources {
            let s = &rules.meta.sources[si];
            self.line(&self.dim(&format!("  Source [{}]: {}", s.id, s.citation.trim())))?;
        }
        Ok(())
    }
}

impl Prompter for TermPrompter {
    fn intro(&mut self, rules: &RuleSet, teach: bool) -> Result<(), PromptError> {
        self.check_size()?;
        let m = &rules.meta;
        self.line(&self.bold(&m.title))?;
        self.line(&format!(
            "Rule set {} version {} | review status: {} ({})",
            m.id,
            m.version,
            m.review_status.as_str(),
            m.review_date
        ))?;
        self.line("")?;
        self.line(&self.bold(report::NOT_ADVICE))?;
        self.line("")?;
        self.line(
            "Keys: y / n / u or the digit beside an answer picks it; arrows and Enter also work; ? shows help; Esc goes back; Ctrl-C stops.",
        )?;
        if teach {
            self.line("Teaching mode: each question shows why it is asked and its source.")?;
        }
        self.line(&self.dim("Press Enter to start."))?;
        loop {
            match keys::read_key(&self.term)? {
                Key::Enter | Key::Char(' ') => return Ok(()),
                _ => continue,
            }
        }
    }

    fn ask(&mut self, ask: &Ask<'_>) -> Result<Reply, PromptError> {
        self.check_size()?;
        let rules = ask.rules;
        let qi = ask.question;
        let q = &rules.questions[qi];
        let section = &rules.sections[q.section].title;
        self.line("")?;
        self.line(&self.dim(&format!(
            "Question {} of about {} | {section}",
            ask.number, ask.about
        )))?;
        if ask.teach {
            if !q.rationale.trim().is_empty() {
                self.line(&format!("  Why: {}", q.rationale.trim()))?;
            }
            self.show_sources(rules, qi)?;
        }
        loop {
            let reply = match &q.kind {
                QuestionKind::YesNo | QuestionKind::SingleChoice(_) => self.ask_choice(ask)?,
                QuestionKind::MultipleChoice(_) => self.ask_multi(ask)?,
                QuestionKind::Number(_) => self.ask_number(ask)?,
            };
            match reply {
                Some(r) => return Ok(r),
                None => self.show_help(rules, qi)?,
            }
        }
    }

    fn review(&mut self, rows: &[ReviewRow]) -> Result<ReviewChoice, PromptError> {
        self.check_size()?;
        self.line("")?;
        self.line(&self.bold("Review your answers"))?;
        // One line per answer, cut to the terminal's width with the answer
        // kept whole, and a list paged to its height: the pointer and the
        // header stay on screen, and moving leaves no stale lines.
        let (height, width) = self
            .term
            .size_checked()
            .map_or((24, 80), |(h, w)| (usize::from(h), usize::from(w)));
        // Grouped by section: a heading line before each section's answers.
        // A heading picks nothing; choosing one shows the list again.
        let mut items = vec!["Finish and show the summary".to_string()];
        let mut targets: Vec<Option<usize>> = vec![None];
        let mut section = "";
        for (ri, r) in rows.iter().enumerate() {
            if r.section != section {
                section = &r.section;
                items.push(format!(
                    "── {} ──",
                    console::truncate_str(section, width.saturating_sub(16), "…")
                ));
                targets.push(None);
            }
            let answer = console::truncate_str(&r.answer, width / 2, "…");
            let room = width
                .saturating_sub(10 + console::measure_text_width(&answer))
                .max(8);
            items.push(format!(
                "  {}: {answer}",
                console::truncate_str(&r.text, room, "…")
            ));
            targets.push(Some(ri));
        }
        let prompt = format!(
            "Finish, or change one of {} answers (Esc: back)",
            rows.len()
        );
        let mut default = 0;
        loop {
            let choice = Select::with_theme(self.theme.as_ref())
                // Room for the theme's marks and dialoguer's " [Page 2/3]".
                .with_prompt(console::truncate_str(
                    &prompt,
                    width.saturating_sub(20),
                    "…",
                ))
                .items(&items)
                .default(default)
                .max_length(height.saturating_sub(6).max(3))
                .report(false)
                .interact_on_opt(&self.term)
                .map_err(map_err)?;
            return match choice {
                None => Ok(ReviewChoice::Back),
                Some(0) => Ok(ReviewChoice::Finish),
                Some(i) => match targets.get(i).copied().flatten() {
                    Some(ri) => Ok(ReviewChoice::Edit(rows[ri].question)),
                    None => {
                        // A section heading: show the list again there.
                        default = i;
                        continue;
                    }
                },
            };
        }
    }

    fn confirm_red_flag(&mut self) -> Result<bool, PromptError> {
        self.either(
            "Stop the screening here?",
            "Stop here: this is a red flag (show the summary)",
            "Go back and change the answer",
        )
    }

    fn offer_finish(&mut self, text: &str) -> Result<bool, PromptError> {
        self.line("")?;
        self.line(&self.bold(text))?;
        self.either(
            "Finish now?",
            "Finish: review the answers and show the summary",
            "Continue recording the remaining questions",
        )
    }

    fn info(&mut self, text: &str) -> Result<(), PromptError> {
        self.line(text)
    }

    fn notice(&mut self, text: &str) -> Result<(), PromptError> {
        self.line("")?;
        for l in text.lines() {
            let shown = if self.color {
                style(l).red().bold().to_string()
            } else {
                l.to_string()
            };
            self.line(&shown)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn wraps_at_spaces_and_keeps_the_indent() {
        assert_eq!(wrap("short", 20), vec!["short"]);
        assert_eq!(
            wrap("one two three four", 9),
            vec!["one two", "three", "four"]
        );
        assert_eq!(wrap("  aa bb cc", 6), vec!["  aa", "  bb", "  cc"]);
        assert_eq!(
            wrap("averyveryverylongword x", 5),
            vec!["averyveryverylongword", "x"]
        );
    }
}
