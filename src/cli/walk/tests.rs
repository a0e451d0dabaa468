//! The walk's logic, driven by a scripted prompter.

use super::*;
use crate::compile::catalog;
use std::collections::VecDeque;

/// A prompter that replays a script and records what it was asked.
#[derive(Default)]
struct Script {
    replies: VecDeque<(&'static str, Reply)>,
    reviews: VecDeque<ReviewChoice>,
    asked: Vec<(String, Answer, usize, usize)>,
    notices: Vec<String>,
    /// Replies to red-flag confirmations (true = stop); stop when empty.
    confirms: VecDeque<bool>,
    /// The reply when finishing early is offered, and the offers made.
    finish_early: bool,
    offers: Vec<String>,
}

fn script(replies: &[(&'static str, Reply)], reviews: &[ReviewChoice]) -> Script {
    Script {
        replies: replies.iter().copied().collect(),
        reviews: reviews.iter().copied().collect(),
        ..Script::default()
    }
}

impl Prompter for Script {
    fn intro(&mut self, _: &RuleSet, _: bool) -> Result<(), PromptError> {
        Ok(())
    }
    fn ask(&mut self, ask: &Ask<'_>) -> Result<Reply, PromptError> {
        let id = ask.rules.questions[ask.question].id.clone();
        self.asked
            .push((id.clone(), ask.current, ask.number, ask.about));
        let (want, reply) = self.replies.pop_front().ok_or(PromptError::Interrupted)?;
        assert_eq!(id, want, "asked {id}, script expected {want}");
        Ok(reply)
    }
    fn review(
        &mut self,
        _: &[ReviewRow],
        _: Option<QuestionIdx>,
        _: usize,
    ) -> Result<ReviewChoice, PromptError> {
        self.reviews.pop_front().ok_or(PromptError::Interrupted)
    }
    fn notice(&mut self, text: &str) -> Result<(), PromptError> {
        self.notices.push(text.to_string());
        Ok(())
    }
    fn info(&mut self, text: &str) -> Result<(), PromptError> {
        self.notices.push(text.to_string());
        Ok(())
    }
    fn confirm_red_flag(&mut self) -> Result<bool, PromptError> {
        Ok(self.confirms.pop_front().unwrap_or(true))
    }
    fn offer_finish(&mut self, text: &str) -> Result<bool, PromptError> {
        self.offers.push(text.to_string());
        Ok(self.finish_early)
    }
}

fn rules() -> RuleSet {
    let text = r#"
id: t
title: T
version: "1"
review: { status: draft, date: 2026-01-01 }
disclaimer: d
sources: [{ id: s, citation: c }]
sections:
  - id: a
    title: A
    questions:
      - { id: flag, text: Flag?, type: yes_no }
      - { id: done, text: Done?, type: yes_no }
      - { id: pct, text: Pct?, type: number, min: 0, max: 100, ask_when: { yes: done } }
      - { id: other, text: Other?, type: yes_no }
criteria:
  - { id: rf, kind: red_flag, label: Flag, condition: { yes: flag }, sources: [s] }
  - id: ok
    kind: indication
    label: Ok
    sources: [s]
    condition: { all: [ { yes: done }, { compare: { question: pct, op: ">=", value: 50 } }, { yes: other } ] }
"#;
    catalog::compile_text("t", text).expect("compiles").rules
}

fn run(rs: &RuleSet, script: &mut Script, teach: bool) -> WalkEnd {
    let mut walk = Walk::new(rs, None, teach);
    walk.run::<()>(script, &mut |_| Ok(())).expect("walk ends")
}

fn ans(a: Answer) -> Reply {
    Reply::Answer(a)
}

#[test]
fn skip_logic_and_progress() {
    let rs = rules();
    let mut s = script(
        &[
            ("flag", ans(Answer::No)),
            ("done", ans(Answer::No)),
            ("other", ans(Answer::Yes)),
        ],
        &[ReviewChoice::Finish],
    );
    let end = run(&rs, &mut s, false);
    assert_eq!(
        end.answers,
        vec![Answer::No, Answer::No, Answer::Unanswered, Answer::Yes]
    );
    // pct is skipped once done = no, so the estimate drops from 4 to 3.
    let progress: Vec<_> = s.asked.iter().map(|a| (a.2, a.3)).collect();
    assert_eq!(progress, vec![(1, 4), (2, 4), (3, 3)]);
}

#[test]
fn a_red_flag_declined_goes_back_to_the_answer_that_raised_it() {
    let rs = rules();
    let mut s = script(
        &[
            ("flag", ans(Answer::Yes)),
            ("flag", ans(Answer::No)), // asked again after "go back"
            ("done", ans(Answer::No)),
            ("other", ans(Answer::Yes)),
        ],
        &[ReviewChoice::Finish],
    );
    s.confirms.push_back(false);
    let end = run(&rs, &mut s, false);
    assert!(!end.stopped_by_red_flag);
    assert_eq!(end.answers[0], Answer::No);
    assert_eq!(s.notices.len(), 1, "{:?}", s.notices);
    // Re-asked with the flagged answer preselected.
    assert_eq!(s.asked[1].1, Answer::Yes);
}

#[test]
fn a_decided_outcome_offers_to_finish_early() {
    let rs = rules();
    // done = no makes "ok" false with nothing left that could raise a
    // red flag: not met is decided before "other" is asked.
    let mut s = script(
        &[("flag", ans(Answer::No)), ("done", ans(Answer::No))],
        &[ReviewChoice::Finish],
    );
    s.finish_early = true;
    let end = run(&rs, &mut s, false);
    assert_eq!(
        s.offers,
        ["Outcome decided: not met (Ok: not met). No remaining question can change it."]
    );
    assert_eq!(end.answers[3], Answer::Unanswered, "'other' was not asked");
    // Declined: the walk goes on to the end.
    let mut s = script(
        &[
            ("flag", ans(Answer::No)),
            ("done", ans(Answer::No)),
            ("other", ans(Answer::Yes)),
        ],
        &[ReviewChoice::Finish],
    );
    let end = run(&rs, &mut s, false);
    assert_eq!(s.offers.len(), 1);
    assert_eq!(end.answers[3], Answer::Yes);
}

#[test]
fn back_changes_a_branch_and_sets_stale_answers_aside() {
    let rs = rules();
    let mut s = script(
        &[
            ("flag", ans(Answer::No)),
            ("done", ans(Answer::Yes)),
            ("pct", ans(Answer::Number(80.0))),
            ("other", Reply::Back),
            ("pct", Reply::Back),
            ("done", ans(Answer::No)), // pct is no longer asked: its 80 is set aside
            ("other", ans(Answer::Yes)),
        ],
        &[ReviewChoice::Finish],
    );
    let end = run(&rs, &mut s, false);
    // Kept in what is saved, never used: the summary reports it as
    // recorded but not asked.
    assert_eq!(end.answers[2], Answer::Number(80.0));
    let ev = rs.evaluate(&end.answers);
    assert_eq!(ev.answers[2], Answer::Unanswered);
    assert_eq!(ev.dropped, vec![(2, Answer::Number(80.0))]);
    // Going back preselects the earlier answer.
    assert_eq!(s.asked[4].1, Answer::Number(80.0));
    assert_eq!(s.asked[5].1, Answer::Yes);
}

#[test]
fn review_edit_asks_newly_enabled_questions() {
    let rs = rules();
    let mut s = script(
        &[
            ("flag", ans(Answer::No)),
            ("done", ans(Answer::No)),
            ("other", ans(Answer::Yes)),
            ("done", ans(Answer::Yes)),
            ("pct", ans(Answer::Number(60.0))),
        ],
        &[ReviewChoice::Edit(1), ReviewChoice::Finish],
    );
    let end = run(&rs, &mut s, false);
    assert_eq!(
        end.answers,
        vec![Answer::No, Answer::Yes, Answer::Number(60.0), Answer::Yes]
    );
    assert_eq!(
        rs.evaluate(&end.answers).outcome,
        crate::engine::Outcome::Met
    );
}

#[test]
fn red_flag_stops_the_walk_unless_teaching() {
    let rs = rules();
    let mut s = script(&[("flag", ans(Answer::Yes))], &[]);
    let end = run(&rs, &mut s, false);
    assert!(end.stopped_by_red_flag);
    assert!(s.notices[0].contains("RED FLAG: Flag"), "{}", s.notices[0]);
    assert!(
        s.notices[0].contains("Raised by the answer: ") && s.notices[0].ends_with(": yes"),
        "{}",
        s.notices[0]
    );

    let mut s = script(
        &[
            ("flag", ans(Answer::Yes)),
            ("done", ans(Answer::No)),
            ("other", ans(Answer::No)),
        ],
        &[ReviewChoice::Finish],
    );
    let end = run(&rs, &mut s, true);
    assert!(!end.stopped_by_red_flag);
    assert!(s.notices[0].contains("Teaching mode"));
}

#[test]
fn resume_skips_answered_questions() {
    let rs = rules();
    let saved = vec![
        Answer::No,
        Answer::Yes,
        Answer::Unanswered,
        Answer::Unanswered,
    ];
    let mut walk = Walk::new(&rs, Some(saved), false);
    let mut s = script(
        &[
            ("pct", ans(Answer::Number(10.0))),
            ("other", ans(Answer::Yes)),
        ],
        &[ReviewChoice::Finish],
    );
    let end = walk.run::<()>(&mut s, &mut |_| Ok(())).expect("ends");
    assert_eq!(end.answers[2], Answer::Number(10.0));
    assert_eq!(s.asked[0].2, 3, "progress counts resumed answers");
}

#[test]
fn every_change_is_handed_to_on_change() {
    let rs = rules();
    let mut s = script(
        &[
            ("flag", ans(Answer::No)),
            ("done", ans(Answer::No)),
            ("other", ans(Answer::No)),
        ],
        &[ReviewChoice::Finish],
    );
    let mut saves = 0;
    Walk::new(&rs, None, false)
        .run::<()>(&mut s, &mut |_| {
            saves += 1;
            Ok(())
        })
        .expect("ends");
    assert_eq!(saves, 3);
}

#[test]
fn an_edit_from_the_review_shows_its_own_place_and_back_returns_there() {
    let rs = rules();
    let mut s = script(
        &[
            ("flag", ans(Answer::No)),
            ("done", ans(Answer::No)),
            ("other", ans(Answer::Yes)),
            ("done", Reply::Back), // from the edit: back to the review
        ],
        &[ReviewChoice::Edit(1), ReviewChoice::Finish],
    );
    let end = run(&rs, &mut s, false);
    // "done" is question 2 of 3 (pct is skipped), not "4 of 4".
    assert_eq!(s.asked[3], ("done".to_string(), Answer::No, 2, 3));
    assert_eq!(end.answers[1], Answer::No, "the answer is unchanged");
    assert_eq!(s.asked.len(), 4, "nothing else was asked");
}

#[test]
fn a_question_gated_on_an_unknown_answer_is_not_counted() {
    let rs = rules();
    let mut s = script(
        &[
            ("flag", ans(Answer::No)),
            ("done", ans(Answer::Unknown)),
            ("other", ans(Answer::Yes)),
        ],
        &[ReviewChoice::Finish],
    );
    run(&rs, &mut s, false);
    // pct is asked only when done = yes; done is unknown, so it never is.
    let progress: Vec<_> = s.asked.iter().map(|a| (a.2, a.3)).collect();
    assert_eq!(progress, vec![(1, 4), (2, 4), (3, 3)]);
}

/// `--teach` after a red flag: the outcome the criteria would give without
/// it is computed from the same answers, and the red flag still decides.
#[test]
fn teaching_shows_the_outcome_without_the_red_flag() {
    let rs = catalog::load("nass-2015").expect("bundled").rules;
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/cases/red-flag.yaml"
    ))
    .expect("example");
    let doc = crate::files::yaml::parse(&text, crate::diagnostics::FileId::MAIN).expect("parses");
    let answers =
        crate::files::answers::bind(&rs, &doc, &text, crate::files::answers::Match::Strict)
            .expect("binds");
    let ev = rs.evaluate(&answers);
    assert_eq!(ev.outcome, Outcome::RedFlag);
    assert_eq!(rs.outcome_without_red_flags(&ev.holds), Outcome::Met);
    let mut s = crate::report::Summary::new(
        &rs,
        &ev,
        "2026-01-01 00:00 UTC",
        crate::report::Sections::default(),
    );
    assert!(s.teaching_note().is_none(), "only when asked for");
    s.without_red_flags = Some(rs.outcome_without_red_flags(&ev.holds));
    let note = s.teaching_note().expect("note");
    assert!(note.contains("would give met"), "{note}");
    assert!(note.contains("still stops"), "{note}");
}

/// A resumed file's answer to a question skip logic does not ask is kept
/// in every save (it had been lost at the first save), and asked again,
/// preselected, once its question is asked.
#[test]
fn a_resumed_answer_to_a_skipped_question_is_kept_and_offered_again() {
    let rs = rules();
    let mut resumed = vec![Answer::Unanswered; rs.questions.len()];
    resumed[0] = Answer::No; // flag
    resumed[1] = Answer::No; // done: pct is not asked
    resumed[2] = Answer::Number(80.0); // pct, recorded anyway
    let mut s = script(
        &[
            ("other", Reply::Back),
            ("done", ans(Answer::Yes)), // now pct is asked: 80 comes back
            ("pct", ans(Answer::Number(80.0))),
            ("other", ans(Answer::No)),
        ],
        // The resumed answers decide the outcome: the walk resumes at the
        // review, which goes on with the remaining question when asked.
        &[ReviewChoice::Continue, ReviewChoice::Finish],
    );
    let mut walk = Walk::new(&rs, Some(resumed), false);
    assert_eq!(walk.answers()[2], Answer::Number(80.0), "kept for the save");
    let end = walk.run::<()>(&mut s, &mut |_| Ok(())).expect("walk");
    let pct = s
        .asked
        .iter()
        .find(|a| a.0 == "pct")
        .expect("pct asked again");
    assert_eq!(pct.1, Answer::Number(80.0), "preselected");
    assert_eq!(end.answers[2], Answer::Number(80.0));
}

/// Esc on the first question said nothing and seemed to do nothing: the
/// walk now says there is nothing before it, and asks the question again.
#[test]
fn back_on_the_first_question_says_there_is_nothing_before_it() {
    let rs = rules();
    let mut s = script(
        &[
            ("flag", Reply::Back),
            ("flag", ans(Answer::No)),
            ("done", ans(Answer::No)),
            ("other", ans(Answer::No)),
        ],
        &[ReviewChoice::Finish],
    );
    let end = run(&rs, &mut s, false);
    assert_eq!(end.answers[0], Answer::No);
    assert!(
        s.notices
            .iter()
            .any(|n| n == "This is the first question: there is nothing before it."),
        "{:?}",
        s.notices
    );
}
