//! The walk in a real terminal: prompts on standard error (so standard
//! output carries only the summary), saves after every answer when asked
//! to, and the summary at the end.
//!
//! Ctrl-C during a prompt is a key: with answers not saved anywhere, the
//! walk asks whether to save them to a file, discard them or continue (a
//! second Ctrl-C discards); `q` asks the same. Ctrl-C at any other moment,
//! and SIGTERM, are caught by one handler that puts the cursor back, says
//! in one line what was saved, and exits with 130. Saving holds a lock the
//! handler also takes, so an interrupt never cuts a save in half.

use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};

use console::Term;

use super::keys::{self, View};
use super::prompter::TermPrompter;
use super::save::SaveTarget;
use super::{PromptError, Walk, WalkError};
use crate::cli::exit::{AppError, Exit};
use crate::cli::request::RunRequest;
use crate::cli::{interrupt, output, screening};
use crate::engine::{Answer, RuleSet};

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
    let end = loop {
        let result = walk.run(&mut prompter, &mut |answers: &[Answer]| match &mut target {
            Some(t) => t.save(rules, answers),
            None => Ok(()),
        });
        match result {
            Ok(end) => break end,
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
            Err(WalkError::Prompt(PromptError::Interrupted | PromptError::Stop)) => {
                let _ = Term::stderr().show_cursor();
                if target.is_some() {
                    // Every answer is in the file already.
                    return Err(AppError::Interrupted(interrupted_message(
                        save_path.as_deref(),
                    )));
                }
                stop(&prompter, rules, &walk.answers())?;
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
        }
    };
    let ev = rules.evaluate(&end.answers);
    let text = screening::render(rules, &ev, args, None);
    output::eprintln("");
    output::summary(&text, args.pager)?;
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

/// Ctrl-C or `q` with answers saved nowhere: save them to a file,
/// discard them, or continue (`Ok`). Stopping is an `Interrupted` error
/// (exit 130) that says what became of the answers. A second Ctrl-C
/// discards them.
fn stop(prompter: &TermPrompter, rules: &RuleSet, answers: &[Answer]) -> Result<(), AppError> {
    let given = answers.iter().filter(|a| **a != Answer::Unanswered).count();
    if given == 0 {
        return Err(AppError::Interrupted(interrupted_message(None)));
    }
    let discarded = format!("{given} answer(s) discarded; nothing was saved");
    interrupt::set_message(discarded.clone());
    let asked = format!("Stop the walk? {given} answer(s) are not saved anywhere.");
    loop {
        prompter.line("").map_err(terminal_error)?;
        let choice = prompter.choose(
            &asked,
            &[
                "Save them to a file, then stop",
                "Discard them and stop",
                "Continue the walk",
            ],
            false,
            false,
        );
        match choice {
            Ok(Some(0)) => {
                if let Some(path) = save_as(prompter, rules, answers)? {
                    return Err(AppError::Interrupted(interrupted_message(Some(&path))));
                }
            }
            Ok(Some(1)) | Err(PromptError::Interrupted) => {
                return Err(AppError::Interrupted(discarded));
            }
            Ok(_) => {
                interrupt::set_message(interrupted_message(None));
                return Ok(());
            }
            Err(PromptError::Stop) => {}
            Err(PromptError::Io(e)) => return Err(AppError::Terminal(e)),
        }
    }
}

fn terminal_error(e: PromptError) -> AppError {
    match e {
        PromptError::Io(e) => AppError::Terminal(e),
        PromptError::Interrupted | PromptError::Stop => {
            AppError::Interrupted(interrupted_message(None))
        }
    }
}

/// Asks for a new file and saves the answers there: the path saved to, or
/// `None` to go back to the choice. A file that exists is never replaced.
fn save_as(
    prompter: &TermPrompter,
    rules: &RuleSet,
    answers: &[Answer],
) -> Result<Option<PathBuf>, AppError> {
    let suggested = format!(
        "answers-{}.yaml",
        jiff::Zoned::now().strftime("%Y-%m-%d-%H%M")
    );
    let view = View {
        question: "Save the answers to which file?".into(),
        notes: vec![format!(
            "Enter alone saves to {suggested} in this folder. An existing file is never replaced."
        )],
        can_go_back: true,
        stoppable: false,
        ..View::default()
    };
    let check = |t: &str| -> Result<(), String> {
        let path = Path::new(if t.is_empty() { suggested.as_str() } else { t });
        if path.exists() {
            Err(format!("{} exists: type another name.", path.display()))
        } else {
            Ok(())
        }
    };
    loop {
        let typed = match keys::line(
            &prompter.term,
            &view,
            "type a path, Enter",
            &check,
            prompter.color,
        ) {
            Ok(Some(t)) => t,
            Ok(None) | Err(PromptError::Stop) => return Ok(None),
            Err(PromptError::Interrupted) => {
                return Err(AppError::Interrupted(format!(
                    "{} answer(s) discarded; nothing was saved",
                    answers.iter().filter(|a| **a != Answer::Unanswered).count()
                )));
            }
            Err(PromptError::Io(e)) => return Err(AppError::Terminal(e)),
        };
        let path = PathBuf::from(if typed.is_empty() {
            suggested.clone()
        } else {
            typed
        });
        match SaveTarget::new(&path, false).and_then(|mut t| t.save(rules, answers)) {
            Ok(()) => return Ok(Some(path)),
            Err(e) => prompter
                .line(&format!("  Not saved: {e}"))
                .map_err(terminal_error)?,
        }
    }
}
