//! The interactive walk, driven through a real pseudo-terminal (rexpect), as
//! a clinician would use it: keys in, screens and exit codes out. These run in
//! CI too: rexpect makes its own terminal, none needs to be attached.

use std::process::Command;

use rexpect::process::WaitStatus;
use rexpect::session::{PtySession, spawn_command};

use super::pty::{
    DOWN, ENTER, ESC, UP, again, exit_code, finish, keep_going, keys, mini_walk, none_of_these,
    number, pick, spawn, start,
};
use crate::common::fixture;

#[test]
fn a_full_walk_reaches_each_outcome() {
    // (excl, done, pct, side, outcome): yes = 0 downs, no = 1, unknown = 2.
    let table: [(usize, usize, Option<&str>, usize, &str); 4] = [
        (1, 0, Some("60"), 0, "Outcome: MET"),
        (0, 0, Some("60"), 0, "Outcome: EXCLUDED"),
        (1, 0, Some("40"), 0, "Outcome: NOT MET"),
        (1, 0, Some("60"), 2, "Outcome: INCOMPLETE"),
    ];
    for (excl, done, pct, side, outcome) in table {
        let mut p = spawn(&["--rules", &fixture("mini.yaml")]);
        mini_walk(&mut p, 1, excl, done, pct, side);
        finish(&mut p);
        p.exp_string(outcome)
            .unwrap_or_else(|e| panic!("{outcome}: {e}"));
        p.exp_string("NOT MEDICAL ADVICE").expect("disclaimer");
        assert_eq!(exit_code(p), 0, "{outcome}");
    }
}

#[test]
fn a_red_flag_stops_the_walk_and_says_why() {
    let mut p = spawn(&["run", "--rules", &fixture("mini.yaml")]);
    start(&mut p);
    pick(&mut p, "Red flag present?", 0);
    p.exp_string("RED FLAG: Red flag").expect("notice");
    p.exp_string("urgent medical evaluation")
        .expect("plain words");
    p.exp_string("Raised by the answer: Red flag present")
        .expect("which answers");
    pick(&mut p, "Stop the screening here?", 0);
    p.exp_string("Outcome: RED FLAG").expect("summary");
    assert_eq!(exit_code(p), 0);
}

#[test]
fn teaching_mode_shows_rationale_and_continues_past_a_red_flag() {
    let mut p = spawn(&["--rules", &fixture("mini.yaml"), "--teach"]);
    start(&mut p);
    p.exp_string("Red flag present?").expect("question");
    p.exp_string("Sources: [1]")
        .expect("the source's number, shown as asked");
    keys(&mut p, "y");
    p.exp_string("Teaching mode: continuing past the red flag")
        .expect("marked");
    p.exp_string("Why: Why we ask about exclusion.")
        .expect("rationale");
    keys(&mut p, "n");
    pick(&mut p, "Block done?", 1);
    pick(&mut p, "Which side?", 0);
    finish(&mut p);
    p.exp_string("Outcome: RED FLAG").expect("still a red flag");
    assert_eq!(exit_code(p), 0);
}

#[test]
fn going_back_changes_a_skip_logic_branch_and_drops_the_stale_answer() {
    let mut p = spawn(&["--rules", &fixture("mini.yaml")]);
    start(&mut p);
    pick(&mut p, "Red flag present?", 1);
    pick(&mut p, "Excluded?", 1);
    pick(&mut p, "Block done?", 0);
    p.exp_string("Relief percent?").expect("number");
    keys(&mut p, ESC);
    // Back on "Block done?" with yes preselected: one down is "No".
    again(&mut p, "Block done?", 1);
    keep_going(&mut p);
    pick(&mut p, "Which side?", 0);
    p.exp_string("Review: ").expect("review");
    let review = p
        .exp_string("Finish and show the summary")
        .expect("review list");
    let rest = p.exp_string("Which side: ").expect("rows");
    assert!(
        !format!("{review}{rest}").contains("Relief percent"),
        "skipped question listed: {rest}"
    );
    keys(&mut p, ENTER);
    p.exp_string("Outcome: NOT MET").expect("block not done");
    assert_eq!(exit_code(p), 0);
}

#[test]
fn escape_goes_back_with_the_answer_preselected() {
    let mut p = spawn(&["--rules", &fixture("mini.yaml")]);
    start(&mut p);
    pick(&mut p, "Red flag present?", 1);
    p.exp_string("Excluded?").expect("second question");
    keys(&mut p, ESC);
    p.exp_string("Question 1 of about")
        .expect("back to the first");
    // "No" is preselected: Enter keeps it.
    again(&mut p, "Red flag present?", 0);
    pick(&mut p, "Excluded?", 1);
    pick(&mut p, "Block done?", 1);
    keep_going(&mut p);
    pick(&mut p, "Which side?", 0);
    finish(&mut p);
    p.exp_string("Outcome: NOT MET").expect("summary");
    assert_eq!(exit_code(p), 0);
}

#[test]
fn review_and_edit_asks_the_newly_enabled_question() {
    let mut p = spawn(&["--rules", &fixture("mini.yaml")]);
    mini_walk(&mut p, 1, 1, 1, None, 0);
    // Review, grouped and numbered: Finish, -- Flags --, 1 flag, -- Main --,
    // 2 excl, 3 done, 4 side. Typing 3 goes to "done".
    p.exp_string("Finish and show the summary").expect("review");
    p.exp_string(" Main ").expect("grouped by section");
    keys(&mut p, &format!("3{ENTER}"));
    // Re-asked with "No" preselected: up is "Yes".
    p.exp_string("Block done?").expect("edit");
    keys(&mut p, &format!("{UP}{ENTER}"));
    number(&mut p, "Relief percent?", "75");
    finish(&mut p);
    p.exp_string("Outcome: MET").expect("summary");
    assert_eq!(exit_code(p), 0);
}

#[test]
fn a_bad_number_is_re_asked_with_a_clear_message() {
    let mut p = spawn(&["--rules", &fixture("mini.yaml")]);
    start(&mut p);
    pick(&mut p, "Red flag present?", 1);
    pick(&mut p, "Excluded?", 1);
    pick(&mut p, "Block done?", 0);
    number(&mut p, "Relief percent?", "150");
    p.exp_string("150 is outside the range 0 to 100 percent")
        .expect("message");
    // Clear what was typed, then a good value.
    keys(&mut p, &format!("{}60{ENTER}", "\x7f".repeat(5)));
    pick(&mut p, "Which side?", 0);
    finish(&mut p);
    p.exp_string("Outcome: MET").expect("summary");
    assert_eq!(exit_code(p), 0);
}

#[test]
fn help_is_shown_on_demand() {
    let mut p = spawn(&["--rules", &fixture("mini.yaml")]);
    start(&mut p);
    p.exp_string("Red flag present?").expect("question");
    keys(&mut p, "?");
    p.exp_string("Help text for the flag.").expect("help");
    p.exp_string("Source [1]: A test source.").expect("source");
    p.exp_string("? hide help").expect("help is open");
    keys(&mut p, "?");
    p.exp_string("? help")
        .expect("help is closed; nothing recorded");
    keys(&mut p, "n");
    p.exp_string("Excluded?").expect("moves on");
    p.send_control('c').expect("ctrl-c");
    p.exp_string("Stop the walk?")
        .expect("asks: an answer is not saved");
    p.send_control('c').expect("ctrl-c discards");
    assert_eq!(exit_code(p), 130);
}

#[test]
fn ctrl_c_exits_130_restores_the_cursor_and_says_nothing_was_saved() {
    let mut p = spawn(&["--rules", &fixture("mini.yaml")]);
    start(&mut p);
    p.exp_string("Red flag present?").expect("first question");
    p.send_control('c').expect("ctrl-c");
    let before = p
        .exp_string("interrupted: nothing was saved")
        .expect("message");
    let after = p.exp_eof().unwrap_or_default();
    assert!(
        format!("{before}{after}").contains("\x1b[?25h"),
        "cursor not shown again"
    );
    // Said once, and not as an error.
    assert!(!after.contains("interrupted"), "said twice: {after}");
    assert!(
        !before.contains("interrupted") && !before.contains("error:"),
        "{before}"
    );
    assert_eq!(exit_code(p), 130);
}

#[test]
fn save_then_resume_gives_the_same_result_as_an_uninterrupted_walk() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("case.yaml").display().to_string();

    let mut p = spawn(&["--rules", &fixture("mini.yaml"), "--save", &file]);
    start(&mut p);
    pick(&mut p, "Red flag present?", 1);
    pick(&mut p, "Excluded?", 1);
    pick(&mut p, "Block done?", 0);
    p.exp_string("Relief percent?").expect("pct");
    p.send_control('c').expect("ctrl-c");
    p.exp_string(&format!("saved in {file}"))
        .expect("says where");
    assert_eq!(exit_code(p), 130);
    let saved = std::fs::read_to_string(&file).expect("saved file");
    assert!(
        saved.contains("done: yes") && !saved.contains("pct"),
        "{saved}"
    );

    let mut p = spawn(&["--rules", &fixture("mini.yaml"), "--resume", &file]);
    start(&mut p);
    p.exp_string("Question 4 of about 5")
        .expect("continues where it stopped");
    number(&mut p, "Relief percent?", "60");
    pick(&mut p, "Which side?", 0);
    finish(&mut p);
    p.exp_string("Outcome: MET").expect("summary");
    assert_eq!(exit_code(p), 0);

    // The same answers, uninterrupted, give the same result.
    let mut p = spawn(&["--rules", &fixture("mini.yaml")]);
    mini_walk(&mut p, 1, 1, 0, Some("60"), 0);
    finish(&mut p);
    p.exp_string("Outcome: MET").expect("summary");
    assert_eq!(exit_code(p), 0);

    let replay = Command::new(env!("CARGO_BIN_EXE_sij-screen"))
        .args([
            "--rules",
            &fixture("mini.yaml"),
            "--answers",
            &file,
            "-f",
            "json",
        ])
        .output()
        .expect("replay");
    let v: serde_json::Value = serde_json::from_slice(&replay.stdout).expect("json");
    assert_eq!(v["outcome"], "met");
}

#[test]
fn the_default_rule_set_walks_end_to_end() {
    let mut p = spawn(&[]);
    start(&mut p);
    for q in [
        "Saddle anaesthesia",
        "New urinary retention",
        "Severe or progressive neurological deficit",
        "History of cancer?",
        "Unexplained weight loss?",
        "Fever or rigors?",
        "Immunosuppression",
        "Significant trauma",
        "Suspected inflammatory disease",
    ] {
        pick(&mut p, q, 1);
    }
    pick(&mut p, "Where is the usual pain mostly felt?", 0);
    pick(&mut p, "Tender over the sacral sulcus", 0);
    pick(&mut p, "Have other obvious sources", 0);
    pick(&mut p, "Is the patient pregnant", 1);
    for q in [
        "Distraction test",
        "Thigh thrust",
        "Compression test",
        "Sacral thrust",
        "Gaenslen",
        "FABER",
    ] {
        pick(&mut p, q, 0);
    }
    number(&mut p, "How many image-guided", "2");
    number(&mut p, "Pain relief after the first block", "80");
    number(&mut p, "Pain relief after the second block", "75");
    number(&mut p, "For how many months", "7");
    p.exp_string("Which of these did the non-operative treatment include?")
        .expect("multi");
    keys(&mut p, &format!(" {DOWN} {DOWN} {DOWN} {ENTER}"));
    pick(&mut p, "therapeutic (steroid)", 0);
    pick(&mut p, "Do SI joint radiographs", 0);
    pick(&mut p, "AP pelvis", 0);
    pick(&mut p, "lumbar CT or MRI", 0);
    pick(&mut p, "Generalised pain disorder", 1);
    none_of_these(&mut p, "Which implant contraindications", 5);
    finish(&mut p);
    p.exp_string("Outcome: MET").expect("summary");
    assert_eq!(exit_code(p), 0);
}

#[test]
fn sigterm_at_every_stage_exits_130_with_one_line() {
    use rexpect::process::Signal;
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("saved.yaml").display().to_string();
    /// Keys that bring a walk to a stage.
    type Reach = fn(&mut PtySession);
    // (stage, keys to reach it, expected message)
    let stages: [(&str, Reach, &str); 3] = [
        (
            "intro",
            |p| {
                p.exp_string("Press Enter to start.")
                    .map(drop)
                    .expect("intro")
            },
            "interrupted: answers so far are saved in",
        ),
        (
            "question",
            |p| start(p),
            "interrupted: answers so far are saved in",
        ),
        (
            "review",
            |p| {
                mini_walk(p, 1, 1, 1, None, 0);
                p.exp_string("Finish and show the summary")
                    .map(drop)
                    .expect("review");
            },
            "interrupted: answers so far are saved in",
        ),
    ];
    for (stage, reach, want) in stages {
        let _ = std::fs::remove_file(&file);
        let mut p = spawn(&["--rules", &fixture("mini.yaml"), "--save", &file]);
        reach(&mut p);
        std::thread::sleep(std::time::Duration::from_millis(100));
        p.process_mut().signal(Signal::SIGTERM).expect("signal");
        p.exp_string(want)
            .unwrap_or_else(|e| panic!("{stage}: {e}"));
        assert_eq!(exit_code(p), 130, "{stage}");
        assert!(
            std::fs::read_to_string(&file).is_ok_and(|t| t.contains("rule_set: mini")),
            "{stage}: save file intact"
        );
    }
}

/// A terminal too small to show a question (2 rows) ends the walk with one
/// line and exit 2; it used to panic inside the prompt library.
#[test]
fn a_tiny_terminal_is_refused_not_a_panic() {
    let bin = env!("CARGO_BIN_EXE_sij-screen");
    let mut cmd = Command::new("sh");
    cmd.args(["-c", &format!("stty rows 2 cols 80; exec '{bin}'")])
        .env("NO_COLOR", "1")
        .env("TERM", "xterm");
    let mut p = spawn_command(cmd, Some(15_000)).expect("spawn in a pty");
    p.exp_string("the walk needs at least")
        .expect("says the terminal is too small");
    let status = p.process_mut().wait().expect("exits");
    assert!(matches!(status, WaitStatus::Exited(_, 2)), "{status:?}");
}

/// Enter on a fresh question records nothing: two quick Enters can never
/// record "red flag: yes" (they used to, and stopped the walk).
#[test]
fn enter_alone_never_records_an_answer() {
    let mut p = spawn(&["--rules", &fixture("mini.yaml")]);
    start(&mut p);
    p.exp_string("Red flag present?").expect("first question");
    keys(&mut p, ENTER);
    p.exp_string("Nothing recorded: move to an answer")
        .expect("refused");
    // Still on the same question, the cursor where it was; now answer it.
    keys(&mut p, &format!("{DOWN}{DOWN}{ENTER}"));
    p.exp_string("Excluded?")
        .expect("went on after a real answer");
    keys(&mut p, " ");
    p.exp_string("Nothing recorded")
        .expect("Space records nothing either");
    keys(&mut p, &format!("{DOWN}{DOWN}{ENTER}"));
    pick(&mut p, "Block done?", 1);
    keep_going(&mut p);
    pick(&mut p, "Which side?", 0);
    finish(&mut p);
    let out = p.exp_string("Outcome: NOT MET").expect("summary");
    assert!(!out.contains("RED FLAG"), "{out}");
    assert_eq!(exit_code(p), 0);
}

/// Enter on an untouched tick list records nothing; "None of these" is an
/// explicit choice.
#[test]
fn an_untouched_tick_list_is_not_none() {
    let mut p = spawn(&["--rules", &fixture("ticks.yaml")]);
    start(&mut p);
    p.exp_string("Which contraindications are present?")
        .expect("tick list");
    keys(&mut p, ENTER);
    p.exp_string("Nothing recorded: tick the options that apply")
        .expect("refused");
    keys(&mut p, &format!("{DOWN}{DOWN} {ENTER}"));
    finish(&mut p);
    p.exp_string("Outcome: MET")
        .expect("none of these is a real answer");
    assert_eq!(exit_code(p), 0);
}

/// A red flag is confirmed before the walk stops; "go back" re-asks the
/// answer that raised it, also when a resumed file holds the red flag.
#[test]
fn a_red_flag_can_be_undone_before_it_stops_the_walk() {
    let dir = tempfile::tempdir().expect("tempdir");
    let saved = dir.path().join("case.yaml");
    let saved_s = saved.display().to_string();
    let mut p = spawn(&["--rules", &fixture("mini.yaml"), "--save", &saved_s]);
    start(&mut p);
    pick(&mut p, "Red flag present?", 0);
    p.exp_string("RED FLAG: Red flag").expect("notice");
    // Go back instead of stopping, then quit: the file holds flag = yes.
    pick(&mut p, "Stop the screening here?", 1);
    p.exp_string("Red flag present?").expect("asked again");
    p.send_control('c').expect("ctrl-c");
    let _ = exit_code(p);
    assert!(
        std::fs::read_to_string(&saved)
            .expect("saved")
            .contains("flag: yes")
    );

    // Resuming that file announces the flag at once; going back re-asks it.
    let mut p = spawn(&["--rules", &fixture("mini.yaml"), "--resume", &saved_s]);
    start(&mut p);
    p.exp_string("RED FLAG: Red flag")
        .expect("notice on resume");
    pick(&mut p, "Stop the screening here?", 1);
    again(&mut p, "Red flag present?", 1); // yes preselected; one down is no
    pick(&mut p, "Excluded?", 1);
    pick(&mut p, "Block done?", 1);
    keep_going(&mut p);
    pick(&mut p, "Which side?", 0);
    finish(&mut p);
    p.exp_string("Outcome: NOT MET").expect("walk went on");
    assert_eq!(exit_code(p), 0);
}

/// Going back to a number shows the old value as a hint; typing replaces
/// it (it used to be pre-filled, so "4" after "80" recorded 804, or 81
/// months after 8). Enter alone keeps it; `75%` is accepted for percent.
#[test]
fn number_entry_replaces_the_old_value() {
    let mut p = spawn(&["--rules", &fixture("mini.yaml")]);
    start(&mut p);
    pick(&mut p, "Red flag present?", 1);
    pick(&mut p, "Excluded?", 1);
    pick(&mut p, "Block done?", 0);
    number(&mut p, "Relief percent?", "80%");
    p.exp_string("Which side?").expect("side");
    keys(&mut p, ESC);
    p.exp_string("now 80%: Enter keeps it")
        .expect("old value as a hint");
    keys(&mut p, &format!("4{ENTER}"));
    keep_going(&mut p);
    pick(&mut p, "Which side?", 0);
    p.exp_string("Review: ").expect("review");
    p.exp_string("4%").expect("4, not 804");
    keys(&mut p, ENTER);
    p.exp_string("Outcome: NOT MET").expect("4% is under 50%");
    assert_eq!(exit_code(p), 0);
}

/// `--resume` uses the rule set the saved file names and says what it
/// loaded; the file records when it was last saved.
#[test]
fn resume_uses_the_files_rule_set_and_says_what_it_loaded() {
    let dir = tempfile::tempdir().expect("tempdir");
    let saved = dir.path().join("case.yaml");
    std::fs::write(
        &saved,
        "rule_set: insite-sifi-2016\nanswers: { saddle_anaesthesia: no }\n",
    )
    .expect("write");
    let saved_s = saved.display().to_string();
    let mut p = spawn(&["--resume", &saved_s]);
    p.exp_string("1 answer(s) loaded, rule set insite-sifi-2016")
        .expect("says what it loaded");
    start(&mut p);
    p.exp_string("Question 2 of about")
        .expect("continues at question 2");
    p.send_control('c').expect("ctrl-c");
    let _ = exit_code(p);
    let text = std::fs::read_to_string(&saved).expect("saved");
    assert!(text.contains("rule_set: insite-sifi-2016"), "{text}");
    assert!(text.contains("\nsaved: \"20"), "{text}");
}

/// Once no remaining question can change the outcome, the walk says so and
/// offers to finish; finishing goes to the review and the summary.
#[test]
fn a_decided_outcome_can_finish_early() {
    let mut p = spawn(&["--rules", &fixture("mini.yaml")]);
    start(&mut p);
    pick(&mut p, "Red flag present?", 1);
    pick(&mut p, "Excluded?", 1);
    pick(&mut p, "Block done?", 1);
    p.exp_string("Outcome decided: not met (Block relief at least 50%: not met)")
        .expect("says which and why");
    pick(&mut p, "Finish now?", 0);
    let review = p.exp_string("Finish and show the summary").expect("review");
    assert!(
        !review.contains("Which side?"),
        "the side was not asked: {review}"
    );
    keys(&mut p, ENTER);
    p.exp_string("Outcome: NOT MET").expect("summary");
    assert_eq!(exit_code(p), 0);
}

/// The review fits the terminal: answers wrapped whole, paged, at 80x24 and
/// 60x20, the window following the pointer.
#[test]
fn the_review_is_paged_to_fit_the_terminal() {
    let dir = tempfile::tempdir().expect("tempdir");
    let case = dir.path().join("case.yaml");
    let answers = std::fs::read_to_string(crate::common::case("met.yaml")).expect("case");
    std::fs::write(&case, answers).expect("write");
    let bin = env!("CARGO_BIN_EXE_sij-screen");
    for (rows, cols) in [(24, 80), (20, 60)] {
        let mut cmd = Command::new("sh");
        cmd.args([
            "-c",
            &format!(
                "stty rows {rows} cols {cols}; exec '{bin}' --resume '{}'",
                case.display()
            ),
        ])
        .env("NO_COLOR", "1")
        .env("TERM", "xterm");
        let mut p = spawn_command(cmd, Some(15_000)).expect("spawn in a pty");
        start(&mut p);
        p.exp_string(">     Finish and show the summary")
            .expect("pointer shown");
        p.exp_string("(rows 1-").expect("paged");
        keys(&mut p, &DOWN.repeat(rows));
        p.exp_regex(r"\(rows [2-9][0-9]*-")
            .expect("the window follows the pointer");
        p.send_control('c').expect("ctrl-c");
        let _ = exit_code(p);
    }
}

/// Single keys answer at once in every prompt: `n`, `y`, a digit; `?` shows
/// help in place (here in a list and in a number field); Esc goes back from
/// a number; `q` asks before stopping, and "continue" goes on where it was.
#[test]
fn single_keys_answer_and_q_asks_before_stopping() {
    let mut p = spawn(&["--rules", &fixture("mini.yaml")]);
    start(&mut p);
    p.exp_string("Red flag present?").expect("first question");
    // rexpect reads bytes as Latin-1: match the ASCII parts of the line.
    p.exp_string("Enter to answer").expect("one line of keys");
    p.exp_string("? help").expect("help key");
    p.exp_string("q stop").expect("stop key");
    keys(&mut p, "?");
    p.exp_string("Help text for the flag.")
        .expect("help from ?");
    keys(&mut p, "n");
    p.exp_string("Excluded?").expect("next");
    keys(&mut p, "q");
    p.exp_string("Stop the walk? 1 answer(s) are not saved anywhere.")
        .expect("q asks");
    keys(&mut p, "3");
    p.exp_string("Excluded?").expect("continued where it was");
    keys(&mut p, "n");
    p.exp_string("Block done?")
        .expect("still the next question");
    keys(&mut p, "y");
    p.exp_string("Relief percent?").expect("number");
    keys(&mut p, ESC);
    p.exp_string("Block done?").expect("Esc went back");
    keys(&mut p, "y");
    p.exp_string("Relief percent?").expect("number again");
    keys(&mut p, &format!("8{ENTER}"));
    p.exp_string("Outcome decided:")
        .expect("8% decides: not met");
    pick(&mut p, "Finish now?", 1);
    p.exp_string("Which side?").expect("side");
    keys(&mut p, "1");
    finish(&mut p);
    p.exp_string("Outcome: NOT MET").expect("8% is under 50%");
    assert_eq!(exit_code(p), 0);
}
