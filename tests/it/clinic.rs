//! The walk as a clinician uses it: the outcome stays in view after a long
//! summary, and keys never seem to do nothing.

use std::process::Command;

use rexpect::session::spawn_command;

use crate::common::case;
use crate::pty::{ENTER, ESC, keys, spawn};

/// After the walk, a one-line recap ends the summary; with the summary
/// sent to a file (`-f html > visit.html`), the recap still reaches the
/// terminal, on standard error, so the clinician sees the outcome.
#[test]
fn the_outcome_stays_in_view_when_the_summary_goes_to_a_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let saved = dir.path().join("visit.yaml");
    std::fs::copy(case("not-met.yaml"), &saved).expect("copy");
    let html = dir.path().join("visit.html");
    let script = format!(
        "exec '{}' --resume '{}' -f html > '{}'",
        env!("CARGO_BIN_EXE_sij-screen"),
        saved.display(),
        html.display()
    );
    let mut cmd = Command::new("sh");
    cmd.args(["-c", &script])
        .env("NO_COLOR", "1")
        .env("TERM", "xterm");
    let mut p = spawn_command(cmd, Some(15_000)).expect("spawn");
    p.exp_string("Press Enter to start.").expect("intro");
    keys(&mut p, ENTER);
    p.exp_string("Finish and show the summary").expect("review");
    keys(&mut p, ENTER);
    p.exp_string("Outcome: NOT MET. Why: Not met: At least 75% relief")
        .expect("the recap on the terminal");
    p.exp_string("Answers saved in").expect("where");
    let _ = p.exp_eof();
    let page = std::fs::read_to_string(&html).expect("page");
    assert!(page.starts_with("<!DOCTYPE html>"), "{page:.80}");
    assert!(
        !page.contains("Answers saved in"),
        "the recap is not in the page"
    );
}

/// Esc on the first question said nothing: it now says there is nothing
/// before it and asks the question again.
#[test]
fn esc_on_the_first_question_says_there_is_nothing_before_it() {
    let mut p = spawn(&[]);
    p.exp_string("Press Enter to start.").expect("intro");
    keys(&mut p, ENTER);
    p.exp_string("Question 1").expect("first question");
    keys(&mut p, ESC);
    p.exp_string("This is the first question: there is nothing before it.")
        .expect("said");
    p.exp_string("Question 1").expect("asked again");
    p.send_control('c').expect("ctrl-c");
    let _ = p.exp_eof();
}
