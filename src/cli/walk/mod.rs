//! The interactive screening walk, independent of any terminal.
//!
//! The walk decides *what* to ask next; a [`Prompter`] decides *how*. The
//! terminal prompter lives in [`terminal`]; tests drive the same logic with a
//! scripted prompter. Rules the walk keeps:
//!
//! - questions are asked in rule-set order, skipping those whose `ask_when`
//!   does not hold, and red-flag questions come first in every bundled set;
//! - going back re-asks the previous question with its answer preselected,
//!   and any change re-applies skip logic: answers of questions no longer
//!   asked are dropped, never kept stale;
//! - a red flag that holds stops the walk (unless teaching);
//! - a review of every answer comes before the result, and any answer can be
//!   changed there;
//! - after every change the answers are handed to `on_change` (saving).

mod frame;
mod keys;
mod prompter;
mod prompts;
mod review;
mod save;
pub mod terminal;

use std::io;

use crate::engine::{Answer, CriterionKind, Outcome, QuestionIdx, RuleSet, Tri, Urgency};
use crate::report::is_adverse;

/// What the prompter is asked to show for one question.
#[derive(Debug)]
pub struct Ask<'a> {
    pub rules: &'a RuleSet,
    pub question: QuestionIdx,
    /// The answer to preselect (after going back or when editing).
    pub current: Answer,
    /// 1-based position, and the honest estimate of how many will be asked.
    pub number: usize,
    pub about: usize,
    pub teach: bool,
    pub can_go_back: bool,
}

/// The user's reply to a question.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Reply {
    Answer(Answer),
    Back,
}

/// The user's choice on the review page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewChoice {
    Finish,
    Edit(QuestionIdx),
    Back,
    /// Go on with the questions not asked yet (after finishing early).
    Continue,
}

/// One row of the review page.
#[derive(Debug, Clone)]
pub struct ReviewRow {
    pub question: QuestionIdx,
    /// The question in a few words.
    pub text: String,
    pub answer: String,
    /// The title of the question's section, for grouping.
    pub section: String,
    /// Answered (an answer or "unknown"), not left open.
    pub answered: bool,
}

/// Why prompting stopped.
#[derive(Debug)]
pub enum PromptError {
    /// Ctrl-C read as a key: the caller decides what becomes of the answers.
    Interrupted,
    /// `q`: the user asked to stop; the caller asks what becomes of the
    /// answers.
    Stop,
    Io(io::Error),
}

/// How questions are put to the user.
pub trait Prompter {
    /// Shows the rule set's header and waits for the user to start.
    fn intro(&mut self, rules: &RuleSet, teach: bool) -> Result<(), PromptError>;
    /// Asks one question.
    fn ask(&mut self, ask: &Ask<'_>) -> Result<Reply, PromptError>;
    /// Shows every answer; the user finishes or picks one to change. The
    /// cursor starts on `focus` (the answer just changed); `remaining`
    /// questions are still to ask after finishing early (then the user may
    /// go on with them).
    fn review(
        &mut self,
        rows: &[ReviewRow],
        focus: Option<QuestionIdx>,
        remaining: usize,
    ) -> Result<ReviewChoice, PromptError>;
    /// Shows a warning (a red flag), set apart.
    fn notice(&mut self, text: &str) -> Result<(), PromptError>;
    /// Shows a plain line of information ("nothing before this question").
    fn info(&mut self, text: &str) -> Result<(), PromptError>;
    /// After a red flag's notice: stop here (true), or go back and change
    /// the answer that raised it (false).
    fn confirm_red_flag(&mut self) -> Result<bool, PromptError>;
    /// The outcome is decided (`text` says which and why): finish now
    /// (true), or go on recording the remaining answers (false).
    fn offer_finish(&mut self, text: &str) -> Result<bool, PromptError>;
}

/// How a walk ended.
#[derive(Debug, Clone, PartialEq)]
pub struct WalkEnd {
    pub answers: Vec<Answer>,
    /// A red flag stopped the walk early.
    pub stopped_by_red_flag: bool,
}

/// The state of one walk.
#[derive(Debug)]
pub struct Walk<'a> {
    rules: &'a RuleSet,
    /// The answers of the questions asked now.
    answers: Vec<Answer>,
    /// Recorded answers of questions skip logic does not ask now (from the
    /// resumed file, or given before an earlier answer changed): kept, so
    /// a save never loses them, reported as recorded but not asked, and
    /// offered again if the question is asked again.
    set_aside: Vec<Answer>,
    /// Answered in this walk (or loaded from a resumed file) and still asked.
    visited: Vec<bool>,
    /// Questions answered, most recent last: the path Back retraces.
    history: Vec<QuestionIdx>,
    /// A question to ask next regardless of order (Back, or an edit).
    forced: Option<QuestionIdx>,
    teach: bool,
    /// Red flags already announced (teaching mode continues past them).
    announced: Vec<bool>,
    /// The question being changed from the review: Back returns there.
    editing: Option<QuestionIdx>,
    /// Finishing early was offered (once per walk).
    offered_finish: bool,
    /// The clinician chose to finish early: no more questions, straight to
    /// the review.
    finish_now: bool,
    /// The intro was shown: a walk run again after "continue" (from the
    /// stop question) picks up where it was.
    started: bool,
    /// The answer last changed from the review: the review's cursor goes
    /// back to it.
    last_edited: Option<QuestionIdx>,
}

impl<'a> Walk<'a> {
    /// Starts a walk, optionally from saved answers: questions answered there
    /// (and still asked under skip logic) are not asked again.
    pub fn new(rules: &'a RuleSet, resumed: Option<Vec<Answer>>, teach: bool) -> Self {
        let n = rules.questions.len();
        let mut answers = resumed.unwrap_or_else(|| vec![Answer::Unanswered; n]);
        answers.resize(n, Answer::Unanswered);
        let mut walk = Walk {
            rules,
            visited: answers.iter().map(|a| *a != Answer::Unanswered).collect(),
            history: Vec::new(),
            answers,
            set_aside: vec![Answer::Unanswered; n],
            forced: None,
            teach,
            announced: vec![false; rules.criteria.len()],
            editing: None,
            offered_finish: false,
            finish_now: false,
            started: false,
            last_edited: None,
        };
        walk.reapply_skip_logic();
        walk.history = (0..n).filter(|&i| walk.visited[i]).collect();
        // A walk finished early (or one whose answers already decide the
        // outcome) resumes at the review, where the remaining questions
        // are one choice away; they are not asked again unasked-for.
        if !walk.history.is_empty() && !walk.teach {
            let ev = rules.evaluate(&walk.answers);
            if rules.cannot_be_met(&ev) {
                walk.offered_finish = true;
                walk.finish_now = true;
            }
        }
        walk
    }

    /// The answers as recorded: those of the questions asked now, and those
    /// set aside. What is saved and screened.
    pub fn answers(&self) -> Vec<Answer> {
        self.answers
            .iter()
            .zip(&self.set_aside)
            .map(|(&a, &aside)| if a == Answer::Unanswered { aside } else { a })
            .collect()
    }

    /// Sets aside the answers of questions no longer asked, and brings back
    /// a set-aside answer whose question is asked again (it is asked again,
    /// with that answer preselected), until nothing changes.
    fn reapply_skip_logic(&mut self) {
        let n = self.answers.len();
        let mut asked = vec![true; n];
        for _ in 0..=n {
            let before = self.answers.clone();
            self.rules.apply_skip_logic(&mut self.answers, &mut asked);
            for ((aside, was), now) in self.set_aside.iter_mut().zip(&before).zip(&self.answers) {
                if *was != Answer::Unanswered && *now == Answer::Unanswered {
                    *aside = *was;
                }
            }
            let mut restored = false;
            for (qi, &ask) in asked.iter().enumerate() {
                if ask
                    && self.answers[qi] == Answer::Unanswered
                    && self.set_aside[qi] != Answer::Unanswered
                {
                    self.answers[qi] =
                        std::mem::replace(&mut self.set_aside[qi], Answer::Unanswered);
                    self.visited[qi] = false;
                    restored = true;
                }
            }
            if !restored {
                break;
            }
        }
        for (qi, a) in asked.iter().enumerate() {
            if !a {
                self.visited[qi] = false;
            }
        }
        let visited = &self.visited;
        self.history.retain(|&q| visited[q]);
    }

    /// The next question in order: asked under skip logic, not yet answered.
    fn next_question(&self) -> Option<QuestionIdx> {
        if self.finish_now {
            return None;
        }
        self.unvisited().next()
    }

    fn unvisited(&self) -> impl Iterator<Item = QuestionIdx> + '_ {
        (0..self.rules.questions.len())
            .filter(|&qi| !self.visited[qi] && self.rules.would_ask(qi, &self.answers) == Tri::True)
    }

    /// Questions asked now and not yet answered: after finishing early, the
    /// review offers to go on with them.
    fn remaining(&self) -> usize {
        if self.finish_now {
            self.unvisited().count()
        } else {
            0
        }
    }

    /// Whether question `i` is, or may still be, asked: its skip logic
    /// holds, or is undecided only because a question it reads is not
    /// answered yet. (Undecided because of an answered "unknown" means it
    /// will never be asked, so it is not counted.)
    fn may_be_asked(&self, i: QuestionIdx) -> bool {
        match self.rules.would_ask(i, &self.answers) {
            Tri::True => true,
            Tri::False => false,
            Tri::Unknown => self.rules.questions[i].ask_when.is_some_and(|node| {
                self.rules
                    .questions_read(node)
                    .into_iter()
                    .any(|q| self.answers[q] == Answer::Unanswered)
            }),
        }
    }

    /// (position of `qi`, estimated total) among the questions that are or
    /// may be asked, in rule-set order: an edit from the review shows the
    /// question's own place, and the total shrinks as skip logic rules
    /// questions out.
    fn progress(&self, qi: QuestionIdx) -> (usize, usize) {
        let counted: Vec<bool> = (0..self.answers.len())
            .map(|i| i == qi || self.may_be_asked(i))
            .collect();
        let position = counted[..qi].iter().filter(|c| **c).count() + 1;
        let total = counted.iter().filter(|c| **c).count();
        (position, total.max(position))
    }

    /// Red flags that hold now and have not been announced.
    fn new_red_flags(&mut self) -> Vec<usize> {
        let ev = self.rules.evaluate(&self.answers);
        let mut found = Vec::new();
        for (ci, c) in self.rules.criteria.iter().enumerate() {
            if c.kind == CriterionKind::RedFlag && ev.holds[ci] == Tri::True && !self.announced[ci]
            {
                self.announced[ci] = true;
                found.push(ci);
            }
        }
        found
    }

    fn red_flag_notice(&self, ci: usize) -> String {
        let ev = self.rules.evaluate(&self.answers);
        let c = &self.rules.criteria[ci];
        let raised: Vec<String> = self
            .rules
            .deciding_questions(ci, &ev)
            .into_iter()
            .map(|qi| {
                // In words, as the clinician answered it: the question's
                // short label, not its id.
                let q = &self.rules.questions[qi];
                format!("{}: {}", q.short, ev.answers[qi].describe(q))
            })
            .collect();
        let what = match c.urgency {
            Urgency::Urgent => {
                "This needs urgent medical evaluation; the screening should stop here."
            }
            Urgency::Investigate => {
                "A serious cause must be investigated and excluded first; the screening should stop here."
            }
        };
        let mut text = format!(
            "RED FLAG: {}.\n{what}\nRaised by the answer: {}",
            c.label.trim_end_matches('.'),
            raised.join("; ")
        );
        if self.teach {
            text.push_str("\n(Teaching mode: continuing past the red flag; the result will be marked red flag.)");
        }
        text
    }

    /// Runs the walk to its end. `on_change` gets the answers after every
    /// change (to save them); its error ends the walk.
    pub fn run<E>(
        &mut self,
        prompter: &mut dyn Prompter,
        on_change: &mut dyn FnMut(&[Answer]) -> Result<(), E>,
    ) -> Result<WalkEnd, WalkError<E>> {
        if !self.started {
            prompter.intro(self.rules, self.teach)?;
            self.started = true;
            // A resumed walk may already hold a red flag.
            if self.stop_for_red_flags(prompter)? {
                return Ok(self.end(true));
            }
        }
        loop {
            let next = self.forced.take().or_else(|| self.next_question());
            let Some(qi) = next else {
                let remaining = self.remaining();
                match prompter.review(&self.review_rows(), self.last_edited, remaining)? {
                    ReviewChoice::Finish => return Ok(self.end(false)),
                    ReviewChoice::Edit(q) => {
                        self.forced = Some(q);
                        self.editing = Some(q);
                        self.last_edited = Some(q);
                    }
                    ReviewChoice::Continue => self.finish_now = false,
                    ReviewChoice::Back => self.go_back(),
                }
                continue;
            };
            let (number, about) = self.progress(qi);
            let ask = Ask {
                rules: self.rules,
                question: qi,
                current: self.answers[qi],
                number,
                about,
                teach: self.teach,
                can_go_back: self.history.iter().any(|&h| h != qi),
            };
            match prompter.ask(&ask)? {
                Reply::Back if self.editing.take() == Some(qi) => {
                    // Back from an edit made in the review: to the review,
                    // the answer unchanged.
                }
                Reply::Back => {
                    // Retrace to the question answered before this one.
                    self.history.retain(|&h| h != qi);
                    self.visited[qi] = false;
                    if self.history.is_empty() {
                        // Said, so the key does not seem to do nothing.
                        prompter.info("This is the first question: there is nothing before it.")?;
                        self.forced = Some(qi);
                    } else {
                        self.go_back();
                    }
                }
                Reply::Answer(a) => {
                    self.editing = None;
                    self.answers[qi] = a;
                    self.set_aside[qi] = Answer::Unanswered;
                    self.visited[qi] = true;
                    self.history.retain(|&h| h != qi);
                    self.history.push(qi);
                    self.reapply_skip_logic();
                    on_change(&self.answers()).map_err(WalkError::Save)?;
                    if self.stop_for_red_flags(prompter)? {
                        return Ok(self.end(true));
                    }
                    self.offer_to_finish(prompter)?;
                }
            }
        }
    }

    /// Once no remaining answer can change the outcome (see
    /// [`RuleSet::outcome_is_final`]) and questions remain, says so once and
    /// offers to finish. A red flag has its own stop; "met" needs every
    /// answer, so it is never decided early.
    fn offer_to_finish(&mut self, prompter: &mut dyn Prompter) -> Result<(), PromptError> {
        if self.offered_finish || self.teach || self.next_question().is_none() {
            return Ok(());
        }
        let ev = self.rules.evaluate(&self.answers);
        if !self.rules.cannot_be_met(&ev) {
            return Ok(());
        }
        self.offered_finish = true;
        let kind = if ev.outcome == Outcome::Excluded {
            CriterionKind::Exclusion
        } else {
            CriterionKind::Indication
        };
        let because: Vec<&str> = self
            .rules
            .criteria
            .iter()
            .zip(&ev.holds)
            .filter(|(c, h)| c.kind == kind && is_adverse(c.kind, **h))
            .map(|(c, _)| c.label.as_str())
            .collect();
        let (word, status) = if ev.outcome == Outcome::Excluded {
            ("excluded", "applies")
        } else {
            ("not met", "not met")
        };
        let because: Vec<String> = because.iter().map(|l| format!("{l}: {status}")).collect();
        let more = if self.rules.outcome_is_final(&ev) {
            "No remaining question can change it."
        } else {
            "The remaining questions could only add a reason (an exclusion), not make the patient a candidate."
        };
        let text = format!("Outcome decided: {word} ({}). {more}", because.join("; "));
        self.finish_now = prompter.offer_finish(&text)?;
        Ok(())
    }

    /// Re-asks the most recently answered question.
    fn go_back(&mut self) {
        if let Some(prev) = self.history.pop() {
            self.visited[prev] = false;
            self.forced = Some(prev);
        }
    }

    /// Announces new red flags; true when the walk must stop. Outside
    /// teaching mode the clinician confirms the stop, or goes back to the
    /// answer that raised the flag (a slip of the keys, or a resumed file
    /// with a mistaken answer, is never a dead end).
    fn stop_for_red_flags(&mut self, prompter: &mut dyn Prompter) -> Result<bool, PromptError> {
        let flags = self.new_red_flags();
        for &ci in &flags {
            prompter.notice(&self.red_flag_notice(ci))?;
        }
        if flags.is_empty() || self.teach {
            return Ok(false);
        }
        if prompter.confirm_red_flag()? {
            return Ok(true);
        }
        // Go back: the flags are announced again if they still hold, and the
        // first question that raised them is asked again.
        let ev = self.rules.evaluate(&self.answers);
        let first = flags
            .iter()
            .flat_map(|&ci| self.rules.deciding_questions(ci, &ev))
            .min();
        for &ci in &flags {
            self.announced[ci] = false;
        }
        if let Some(q) = first {
            self.visited[q] = false;
            self.history.retain(|&h| h != q);
            self.forced = Some(q);
        }
        Ok(false)
    }

    fn review_rows(&self) -> Vec<ReviewRow> {
        let ev = self.rules.evaluate(&self.answers);
        (0..self.rules.questions.len())
            .filter(|&qi| ev.asked[qi])
            .map(|qi| {
                let q = &self.rules.questions[qi];
                ReviewRow {
                    question: qi,
                    text: q.short.clone(),
                    answer: self.answers[qi].describe(q),
                    section: self.rules.sections[q.section].title.clone(),
                    answered: self.answers[qi] != Answer::Unanswered,
                }
            })
            .collect()
    }

    fn end(&self, stopped_by_red_flag: bool) -> WalkEnd {
        WalkEnd {
            answers: self.answers(),
            stopped_by_red_flag,
        }
    }
}

/// Why a walk did not finish.
#[derive(Debug)]
pub enum WalkError<E> {
    Prompt(PromptError),
    Save(E),
}

impl<E> From<PromptError> for WalkError<E> {
    fn from(e: PromptError) -> Self {
        WalkError::Prompt(e)
    }
}

#[cfg(test)]
mod tests;
