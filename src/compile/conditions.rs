//! Conditions, compiled into the engine's flat node arena, with every
//! reference resolved and checked against the question's type.

use super::{Compiler, Context};
use crate::diagnostics::{Diagnostic, FileId, Span, suggest};
use crate::engine::node::{Node, NodeId, Range32};
use crate::engine::ruleset::{QuestionIdx, QuestionKind};
use crate::engine::{Skipped, fmt_num};
use crate::files::rule_set::{self as doc_types, Comparison, Condition, OptionRef};

/// Stands in for a node that could not be compiled; the rule set is refused
/// anyway, so it is never evaluated.
const PLACEHOLDER: Node = Node::Known(0);

/// An arena index. The YAML budget keeps a file far below `u32::MAX` nodes,
/// so this saturates only in theory, and a saturated index is never used:
/// the compiler reports it and refuses the rule set.
fn index32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Compiler {
    fn push(&mut self, node: Node) -> NodeId {
        self.nodes.push(node);
        index32(self.nodes.len() - 1)
    }

    fn list(&mut self, items: &[Condition], file: FileId) -> Range32 {
        let ids: Vec<NodeId> = items.iter().map(|c| self.condition(c, file)).collect();
        let start = index32(self.children.len());
        self.children.extend(ids);
        Range32 {
            start,
            end: index32(self.children.len()),
        }
    }

    /// Compiles one condition into the arena, reporting what is wrong with it.
    pub(super) fn condition(&mut self, c: &Condition, file: FileId) -> NodeId {
        let node = match c {
            Condition::All(items) | Condition::Any(items) => {
                let all = matches!(c, Condition::All(_));
                if items.value.is_empty() {
                    let word = if all { "all" } else { "any" };
                    self.error(
                        Span::of(file, items),
                        format!("`{word}` needs at least one condition"),
                    );
                }
                let r = self.list(&items.value, file);
                if all { Node::All(r) } else { Node::Any(r) }
            }
            Condition::Not(inner) => Node::Not(self.condition(inner, file)),
            Condition::AtLeast(a) => {
                let len = index32(a.of.value.len());
                if a.n.value == 0 {
                    self.error(
                        Span::of(file, &a.n),
                        "`at_least` needs n of 1 or more (n: 0 always holds)",
                    );
                } else if a.n.value > len {
                    self.error(
                        Span::of(file, &a.n),
                        format!(
                            "`at_least` asks for {} of only {len} conditions, so it can never hold",
                            a.n.value
                        ),
                    );
                }
                let skipped_not_met = self.skipped_rule(a, file);
                let of = self.list(&a.of.value, file);
                Node::AtLeast {
                    n: a.n.value,
                    of,
                    skipped_not_met,
                }
            }
            Condition::Yes(q) => self.yes_no(q, true, file),
            Condition::No(q) => self.yes_no(q, false, file),
            Condition::Known(q) => match self.question(q, file) {
                Some((qi, _)) => Node::Known(qi),
                None => PLACEHOLDER,
            },
            Condition::Equals(r) => self.option_test(r, false, file),
            Condition::Includes(r) => self.option_test(r, true, file),
            Condition::Compare(cmp) => self.compare(cmp, file),
            Condition::Count(cmp) => self.count(cmp, file),
            Condition::Criterion(id) => self.criterion_ref(id, file),
        };
        self.push(node)
    }

    /// Checks `skipped: not_met`: each item must test one question (so
    /// "skipped" has one meaning), and skip logic may not use it (it would
    /// evaluate other questions' skip logic inside skip logic).
    fn skipped_rule(&mut self, a: &doc_types::AtLeast, file: FileId) -> bool {
        let Some(skipped) = &a.skipped else {
            return false;
        };
        if skipped.value != Skipped::NotMet {
            return false;
        }
        if let Context::AskWhen { .. } = self.context {
            self.error(
                Span::of(file, skipped),
                "`skipped: not_met` is for criteria, not skip logic (`ask_when`)",
            );
            return false;
        }
        for item in &a.of.value {
            if !reads_one_question(item) {
                self.diagnostics.push(
                    Diagnostic::error(
                        Span::of(file, skipped),
                        "with `skipped: not_met`, every item of `at_least` must test one question",
                    )
                    .with_help(Some(
                        "use yes, no, known, equals, includes, compare or count items, or drop `skipped`".into(),
                    )),
                );
                return false;
            }
        }
        true
    }

    /// A question read with the wrong construct: say which one fits.
    fn wrong_type(&mut self, id: &doc_types::Id, file: FileId, needs: &str, kind: &QuestionKind) {
        self.diagnostics.push(
            Diagnostic::error(
                Span::of(file, id),
                format!("{needs}, but '{}' is a {} question", id.value, kind.name()),
            )
            .with_help(Some(hint_for(kind).to_string())),
        );
    }

    fn yes_no(&mut self, q: &doc_types::Id, yes: bool, file: FileId) -> Node {
        match self.question(q, file) {
            Some((qi, QuestionKind::YesNo)) => {
                if yes {
                    Node::Yes(qi)
                } else {
                    Node::No(qi)
                }
            }
            Some((_, kind)) => {
                let word = if yes { "yes" } else { "no" };
                self.wrong_type(q, file, &format!("`{word}` needs a yes/no question"), &kind);
                PLACEHOLDER
            }
            None => PLACEHOLDER,
        }
    }

    fn option_test(&mut self, r: &OptionRef, multi: bool, file: FileId) -> Node {
        let Some((qi, kind)) = self.question(&r.question, file) else {
            return PLACEHOLDER;
        };
        let fits = matches!(
            (&kind, multi),
            (QuestionKind::SingleChoice(_), false) | (QuestionKind::MultipleChoice(_), true)
        );
        if !fits {
            let (word, needed) = if multi {
                ("includes", "multiple-choice")
            } else {
                ("equals", "single-choice")
            };
            self.wrong_type(
                &r.question,
                file,
                &format!("`{word}` needs a {needed} question"),
                &kind,
            );
            return PLACEHOLDER;
        }
        let options = kind.options();
        let position = options.iter().position(|o| o.id == r.option.value);
        match position.and_then(|oi| u16::try_from(oi).ok()) {
            Some(oi) if multi => Node::Includes(qi, oi),
            Some(oi) => Node::Equals(qi, oi),
            None => {
                let known: Vec<&str> = options.iter().map(|o| o.id.as_str()).collect();
                let help = suggest::help(&r.option.value, known.iter().copied());
                self.diagnostics.push(
                    Diagnostic::error(
                        Span::of(file, &r.option),
                        format!(
                            "question '{}' has no option '{}' (options: {})",
                            r.question.value,
                            r.option.value,
                            known.join(", ")
                        ),
                    )
                    .with_help(help),
                );
                PLACEHOLDER
            }
        }
    }

    fn compare(&mut self, cmp: &Comparison, file: FileId) -> Node {
        match self.question(&cmp.question, file) {
            Some((qi, QuestionKind::Number(spec))) => {
                let v = cmp.value.value;
                if !v.is_finite() {
                    self.error(Span::of(file, &cmp.value), "compare needs a finite number");
                } else if spec.min.is_some_and(|m| v < m) || spec.max.is_some_and(|m| v > m) {
                    self.error(
                        Span::of(file, &cmp.value),
                        format!(
                            "{} is outside the range of '{}' ({})",
                            fmt_num(v),
                            cmp.question.value,
                            spec.range_text()
                        ),
                    );
                }
                Node::Compare(qi, cmp.op, v)
            }
            Some((_, kind)) => {
                self.wrong_type(
                    &cmp.question,
                    file,
                    "`compare` needs a number question",
                    &kind,
                );
                PLACEHOLDER
            }
            None => PLACEHOLDER,
        }
    }

    fn count(&mut self, cmp: &Comparison, file: FileId) -> Node {
        match self.question(&cmp.question, file) {
            Some((qi, QuestionKind::MultipleChoice(opts))) => {
                let v = cmp.value.value;
                let most = u32::try_from(opts.len()).map_or(f64::MAX, f64::from);
                if !v.is_finite() || v < 0.0 || v > most {
                    self.error(
                        Span::of(file, &cmp.value),
                        format!(
                            "count {v} is outside 0 to {} (the number of options)",
                            opts.len()
                        ),
                    );
                }
                Node::Count(qi, cmp.op, v)
            }
            Some((_, kind)) => {
                self.wrong_type(
                    &cmp.question,
                    file,
                    "`count` needs a multiple-choice question",
                    &kind,
                );
                PLACEHOLDER
            }
            None => PLACEHOLDER,
        }
    }

    fn criterion_ref(&mut self, id: &doc_types::Id, file: FileId) -> Node {
        if let Context::AskWhen { .. } = self.context {
            self.error(
                Span::of(file, id),
                "skip logic (`ask_when`) cannot refer to criteria: criteria may depend on later questions",
            );
            return PLACEHOLDER;
        }
        if let Some(&ci) = self.criterion_idx.get(id.value.as_str()) {
            self.refs.push((ci, Span::of(file, id)));
            return Node::Criterion(ci);
        }
        let help = suggest::help(&id.value, self.criterion_idx.keys().map(String::as_str));
        self.diagnostics.push(
            Diagnostic::error(
                Span::of(file, id),
                format!("unknown criterion '{}'", id.value),
            )
            .with_label("no criterion has this id")
            .with_help(help),
        );
        PLACEHOLDER
    }

    /// Resolves a question reference, checking the skip-logic ordering rule.
    fn question(
        &mut self,
        id: &doc_types::Id,
        file: FileId,
    ) -> Option<(QuestionIdx, QuestionKind)> {
        let Some(&qi) = self.question_idx.get(id.value.as_str()) else {
            let help = suggest::help(&id.value, self.question_ids.iter().map(String::as_str));
            self.diagnostics.push(
                Diagnostic::error(
                    Span::of(file, id),
                    format!("unknown question '{}'", id.value),
                )
                .with_label("no question has this id")
                .with_help(help),
            );
            return None;
        };
        if let Context::AskWhen { question } = self.context {
            if qi == question {
                self.error(
                    Span::of(file, id),
                    format!("skip logic of '{}' refers to the question itself", id.value),
                );
                return None;
            }
            if qi > question {
                self.error(
                    Span::of(file, id),
                    format!(
                        "skip logic of '{}' looks at the later question '{}': it may only look at earlier questions",
                        self.question_ids[question], id.value
                    ),
                );
                return None;
            }
        }
        Some((qi, self.questions[qi].clone()))
    }
}

/// Whether a condition is a test of a single question.
const fn reads_one_question(c: &Condition) -> bool {
    matches!(
        c,
        Condition::Yes(_)
            | Condition::No(_)
            | Condition::Known(_)
            | Condition::Equals(_)
            | Condition::Includes(_)
            | Condition::Compare(_)
            | Condition::Count(_)
    )
}

/// The construct that fits a question type.
fn hint_for(kind: &QuestionKind) -> &'static str {
    match kind {
        QuestionKind::YesNo => "use `yes` or `no`",
        QuestionKind::SingleChoice(_) => "use `equals`",
        QuestionKind::MultipleChoice(_) => "use `includes` or `count`",
        QuestionKind::Number(_) => "use `compare`",
    }
}
