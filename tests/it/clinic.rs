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

/// The walk in a pseudo-terminal of `rows` x `cols`, in `dir`.
fn sized(rows: u16, cols: u16, dir: &std::path::Path, args: &str) -> rexpect::session::PtySession {
    let script = format!(
        "stty rows {rows} cols {cols}; cd '{}'; exec '{}' {args}",
        dir.display(),
        env!("CARGO_BIN_EXE_sij-screen"),
    );
    let mut cmd = Command::new("sh");
    cmd.args(["-c", &script])
        .env("NO_COLOR", "1")
        .env("TERM", "xterm");
    spawn_command(cmd, Some(15_000)).expect("spawn")
}

fn code(mut p: rexpect::session::PtySession) -> i32 {
    let _ = p.exp_eof();
    match p.process().wait().expect("wait") {
        rexpect::process::WaitStatus::Exited(_, c) => c,
        other => panic!("{other:?}"),
    }
}

/// Ctrl-C with answers saved nowhere asks first: saving writes them to a
/// new file (which `--resume` reads), at 80x24 and 60x20.
#[test]
fn ctrl_c_with_unsaved_answers_offers_to_save_them() {
    for (rows, cols) in [(24, 80), (20, 60)] {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut p = sized(rows, cols, dir.path(), "");
        p.exp_string("Press Enter to start.").expect("intro");
        keys(&mut p, ENTER);
        p.exp_string("Question 1").expect("q1");
        keys(&mut p, "n");
        p.exp_string("Question 2").expect("q2");
        keys(&mut p, "n");
        p.exp_string("Question 3").expect("q3");
        p.send_control('c').expect("ctrl-c");
        p.exp_string("Stop the walk? 2 answer(s) are not saved anywhere.")
            .expect("asks");
        keys(&mut p, "1");
        p.exp_string("Save the answers to which file?")
            .expect("where");
        keys(&mut p, &format!("visit.yaml{ENTER}"));
        p.exp_string("saved in visit.yaml").expect("says where");
        assert_eq!(code(p), 130);
        let saved = std::fs::read_to_string(dir.path().join("visit.yaml")).expect("saved");
        assert!(saved.contains("saddle_anaesthesia: no"), "{saved}");
        assert!(saved.contains("bladder_bowel_dysfunction: no"), "{saved}");
    }
}

/// A second Ctrl-C discards, and `q` then "continue" goes on where it was.
#[test]
fn a_second_ctrl_c_discards_and_q_can_continue() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut p = sized(20, 60, dir.path(), "");
    p.exp_string("Press Enter to start.").expect("intro");
    keys(&mut p, ENTER);
    p.exp_string("Question 1").expect("q1");
    keys(&mut p, "n");
    p.exp_string("Question 2").expect("q2");
    keys(&mut p, "q");
    p.exp_string("Stop the walk? 1 answer(s)").expect("q asks");
    keys(&mut p, "3");
    p.exp_string("Question 2")
        .expect("continued at the same question");
    p.send_control('c').expect("ctrl-c");
    p.exp_string("Stop the walk?").expect("asks");
    p.send_control('c').expect("ctrl-c again");
    p.exp_string("1 answer(s) discarded; nothing was saved")
        .expect("discarded");
    assert_eq!(code(p), 130);
    let left: Vec<_> = std::fs::read_dir(dir.path()).expect("dir").collect();
    assert!(left.is_empty(), "nothing written: {left:?}");
}

/// A walk finished early resumes at the review, not at the questions it
/// left out; the review offers them.
#[test]
fn a_finished_walk_resumes_at_the_review() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("early.yaml"),
        "rule_set: nass-2015\nanswers:\n  saddle_anaesthesia: no\n  bladder_bowel_dysfunction: no\n  progressive_neuro_deficit: no\n  history_of_cancer: no\n  unexplained_weight_loss: no\n  fever_or_rigors: no\n  infection_risk: no\n  fracture_risk: no\n  suspected_spondyloarthritis: no\n  pain_location: lumbar\n",
    )
    .expect("write");
    let mut p = sized(24, 80, dir.path(), "--resume early.yaml");
    p.exp_string("Press Enter to start.").expect("intro");
    keys(&mut p, ENTER);
    let before = p.exp_string("Review: ").expect("the review first");
    assert!(!before.contains("Question "), "{before}");
    p.exp_string("remaining question(s)")
        .expect("offers the rest");
    p.send_control('c').expect("ctrl-c");
    assert_eq!(code(p), 130);
}

/// `--pager` sends the summary through the pager on a terminal only.
#[test]
fn the_pager_is_used_on_a_terminal_when_asked() {
    let bin = env!("CARGO_BIN_EXE_sij-screen");
    let met = case("met.yaml");
    let mut cmd = Command::new(bin);
    cmd.args(["run", "--pager", "--answers"])
        .arg(&met)
        .env("NO_COLOR", "1")
        .env("TERM", "xterm")
        .env("SIJ_SCREEN_PAGER", "sed 's/^/PAGED: /'");
    let mut p = spawn_command(cmd, Some(15_000)).expect("spawn");
    p.exp_string("PAGED: Outcome: MET")
        .expect("through the pager");
    assert_eq!(code(p), 0);
    // In a pipe, never.
    let out = Command::new(bin)
        .args(["run", "--pager", "--answers"])
        .arg(&met)
        .env("SIJ_SCREEN_PAGER", "sed 's/^/PAGED: /'")
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("Outcome: MET"), "{text:.200}");
}
