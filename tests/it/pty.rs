//! Driving the walk through a real pseudo-terminal (rexpect): spawning it,
//! keys, and the steps every walk test takes.

use std::process::Command;

use rexpect::process::WaitStatus;
use rexpect::session::{PtySession, spawn_command};

pub const DOWN: &str = "\x1b[B";
pub const UP: &str = "\x1b[A";
pub const ENTER: &str = "\r";
pub const ESC: &str = "\x1b";
pub const HOME: &str = "\x1b[H";

pub fn spawn(args: &[&str]) -> PtySession {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sij-screen"));
    cmd.args(args)
        .env("NO_COLOR", "1")
        .env("TERM", "xterm")
        .env_remove("CLICOLOR_FORCE");
    let mut p = spawn_command(cmd, Some(15_000)).expect("spawn in a pty");
    p.process_mut().set_kill_timeout(Some(2_000));
    p
}

/// Types `text` (rexpect buffers writes until flushed).
pub fn keys(p: &mut PtySession, text: &str) {
    p.send(text).expect("send");
    p.flush().expect("flush");
    p.flush().expect("flush");
}

pub fn start(p: &mut PtySession) {
    p.exp_string("Press Enter to start.").expect("intro");
    keys(p, ENTER);
}

/// Waits for a fresh `question` and picks its answer number `downs` (0 is
/// the first answer): the cursor starts on the neutral line above them.
pub fn pick(p: &mut PtySession, question: &str, downs: usize) {
    again(p, question, downs + 1);
}

/// Waits for a re-asked `question` (its answer preselected), moves down
/// `downs` items from there and presses Enter.
pub fn again(p: &mut PtySession, question: &str, downs: usize) {
    p.exp_string(question)
        .unwrap_or_else(|e| panic!("waiting for {question:?}: {e}"));
    keys(p, &format!("{}{ENTER}", DOWN.repeat(downs)));
}

/// Waits for a tick list of `options` options and ticks "None of these".
pub fn none_of_these(p: &mut PtySession, question: &str, options: usize) {
    p.exp_string(question)
        .unwrap_or_else(|e| panic!("waiting for {question:?}: {e}"));
    keys(p, &format!("{} {ENTER}", DOWN.repeat(options)));
}

pub fn number(p: &mut PtySession, question: &str, text: &str) {
    p.exp_string(question)
        .unwrap_or_else(|e| panic!("waiting for {question:?}: {e}"));
    keys(p, &format!("{text}{ENTER}"));
}

/// Declines the offer to finish early once the outcome is decided.
pub fn keep_going(p: &mut PtySession) {
    p.exp_string("Outcome decided:")
        .expect("the offer to finish early");
    pick(p, "Finish now?", 1);
}

/// Home, then Enter: after an edit the review's cursor stays on the row
/// just changed, not on "Finish".
pub fn finish(p: &mut PtySession) {
    p.exp_string("Finish and show the summary")
        .expect("review page");
    keys(p, &format!("{HOME}{ENTER}"));
}

pub fn exit_code(mut p: PtySession) -> i32 {
    let _ = p.exp_eof();
    match p.process().wait().expect("wait") {
        WaitStatus::Exited(_, code) => code,
        other => panic!("did not exit normally: {other:?}"),
    }
}

/// Answers the mini rule set: flag, excl, done, [pct], side (as downs / text).
pub fn mini_walk(
    p: &mut PtySession,
    flag: usize,
    excl: usize,
    done: usize,
    pct: Option<&str>,
    side: usize,
) {
    start(p);
    pick(p, "Red flag present?", flag);
    // Once the outcome is decided (excluded; block not done; relief under
    // 50%), the walk offers to finish early: these walks go on.
    pick(p, "Excluded?", excl);
    let mut decided = excl == 0;
    if decided {
        keep_going(p);
    }
    pick(p, "Block done?", done);
    if done == 1 && !decided {
        decided = true;
        keep_going(p);
    }
    if let Some(v) = pct {
        number(p, "Relief percent?", v);
        if v.parse::<f64>().is_ok_and(|x| x < 50.0) && !decided {
            keep_going(p);
        }
    }
    pick(p, "Which side?", side);
}
