//! Checking a parsed rule set and compiling it for evaluation.
//!
//! Every problem is collected, not only the first, so an author fixes a file
//! in one pass. Errors refuse the rule set; warnings (a question no criterion
//! uses, a criterion without a source) are shown but do not. Each part of the
//! compiler has its own file: [`meta`] (ids, dates, sources, the hash),
//! [`sections`] (sections and question banks), [`questions`] (question
//! types), [`conditions`] (the condition arena) and [`criteria`] (their
//! order, cycles and whole-set warnings). [`catalog`] finds rule sets by id
//! or path and runs the whole pipeline.
//!
//! Every span carries the id of the file it is in (the rule set, or the
//! question bank it draws on), so a problem in a bank is reported in the
//! bank's file without any mode to switch.

pub mod catalog;
mod conditions;
mod criteria;
mod meta;

pub use meta::valid_id;
mod questions;
mod sections;
mod text;

use std::collections::HashMap;

use crate::diagnostics::{Diagnostic, FileId, Severity, Span};
use crate::engine::node::{Node, NodeId};
use crate::engine::ruleset::{
    Criterion, CriterionIdx, Question, QuestionIdx, QuestionKind, RuleSet, SectionInfo,
};
use crate::engine::{CriterionKind, Urgency};
use crate::files::rule_set::{self as doc_types, BankDoc, RuleSetDoc};
use text::Lines;

/// A question bank a rule set draws on.
#[derive(Debug, Clone, Copy)]
pub struct Bank<'a> {
    pub doc: &'a BankDoc,
    pub text: &'a str,
}

/// A section after `from` and `include` are resolved: each question with the
/// file it was written in.
struct SectionView<'a> {
    id: String,
    title: String,
    description: String,
    questions: Vec<(&'a doc_types::Question, FileId)>,
}

/// Validates `doc` (parsed from `text`, drawing on `bank` if it names one)
/// and compiles it. Returns the rule set when there are no errors, and every
/// diagnostic (errors and warnings).
pub fn compile(
    doc: &RuleSetDoc,
    text: &str,
    bank: Option<Bank<'_>>,
) -> (Option<RuleSet>, Vec<Diagnostic>) {
    let mut cx = Compiler::default();
    let meta = cx.meta(doc, text, bank);
    let source_idx: HashMap<&str, usize> = meta
        .sources
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.as_str(), i))
        .collect();
    let views = cx.resolve_sections(doc, bank);
    let (sections, mut questions, question_spans) = cx.questions(&views, &source_idx);
    for r in &doc.retired {
        if cx.question_idx.contains_key(r.id.value.as_str()) {
            cx.error(
                Span::of(FileId::MAIN, &r.id),
                format!("'{}' is listed as retired but is still asked", r.id.value),
            );
        }
    }
    cx.criterion_ids(doc);
    cx.skip_logic(&views, &mut questions);
    let (criteria, edges) = cx.criteria(doc, &source_idx);
    let eval_order = cx.order_criteria(&criteria, &edges);

    // Warnings that need the whole picture. An unresolved reference makes
    // its question look unused: only warn once the references resolve, so
    // warnings never echo an error.
    if !cx.has_errors() {
        cx.warn_unused_questions(&questions, &question_spans, &criteria);
    }
    cx.warn_red_flags_late(&questions, &question_spans, &criteria);

    if cx.has_errors() {
        return (None, cx.diagnostics);
    }
    let rs = RuleSet::new(
        meta,
        sections,
        questions,
        criteria,
        eval_order,
        cx.nodes,
        cx.children,
    );
    (Some(rs), cx.diagnostics)
}

impl Compiler {
    /// Questions, in order, across sections; with where each was written.
    fn questions(
        &mut self,
        views: &[SectionView<'_>],
        source_idx: &HashMap<&str, usize>,
    ) -> (Vec<SectionInfo>, Vec<Question>, Vec<Span>) {
        let mut sections = Vec::new();
        let mut questions: Vec<Question> = Vec::new();
        let mut spans: Vec<Span> = Vec::new();
        let mut section_seen: HashMap<&str, ()> = HashMap::new();
        for (si, section) in views.iter().enumerate() {
            if section_seen.insert(&section.id, ()).is_some() {
                let span = section
                    .questions
                    .first()
                    .map(|(q, file)| Span::of(*file, &q.id))
                    .unwrap_or_default();
                self.error(span, format!("duplicate section id '{}'", section.id));
            }
            let start = questions.len();
            for &(q, file) in &section.questions {
                let span = Span::of(file, &q.id);
                self.check_id(&q.id, "question", file);
                if let Some(&first) = self.question_idx.get(q.id.value.as_str()) {
                    let d =
                        Diagnostic::error(span, format!("duplicate question id '{}'", q.id.value))
                            .with_related(spans[first], "first defined here");
                    self.diagnostics.push(d);
                } else {
                    self.question_idx
                        .insert(q.id.value.clone(), questions.len());
                }
                let kind = self.question_kind(q, file);
                let sources = self.resolve_sources(&q.sources, source_idx, file);
                let evidence = self.resolve_evidence(&q.evidence, source_idx, file, false);
                let text = self.text(&q.text, span, "question text", Lines::One);
                let short = match &q.short {
                    Some(s) => self.text(s, span, "short text", Lines::One),
                    None => short_text(&text),
                };
                questions.push(Question {
                    id: q.id.value.clone(),
                    text,
                    short,
                    help: self.text(&q.help, span, "help", Lines::Many),
                    rationale: self.text(&q.rationale, span, "rationale", Lines::Many),
                    kind,
                    allow_unknown: q.allow_unknown,
                    ask_when: None,
                    sources,
                    section: si,
                    evidence,
                });
                spans.push(span);
            }
            let at = spans.get(start).copied().unwrap_or_default();
            sections.push(SectionInfo {
                id: section.id.clone(),
                title: self.text(&section.title, at, "section title", Lines::One),
                description: self.text(
                    &section.description,
                    at,
                    "section description",
                    Lines::Many,
                ),
                questions: start..questions.len(),
            });
        }
        self.questions = questions.iter().map(|q| q.kind.clone()).collect();
        self.question_ids = questions.iter().map(|q| q.id.clone()).collect();
        (sections, questions, spans)
    }

    /// Criterion ids first, so conditions may refer to criteria defined later.
    fn criterion_ids(&mut self, doc: &RuleSetDoc) {
        let mut seen: HashMap<&str, Span> = HashMap::new();
        for c in &doc.criteria {
            self.check_id(&c.id, "criterion", FileId::MAIN);
            if self.unique(&mut seen, &c.id, "criterion", FileId::MAIN) {
                self.criterion_idx
                    .insert(c.id.value.clone(), self.criterion_idx.len());
            }
        }
        if doc.criteria.is_empty() {
            self.error(Span::start(FileId::MAIN), "the rule set has no criteria");
        }
    }

    /// Skip logic, which may look only at earlier questions.
    fn skip_logic(&mut self, views: &[SectionView<'_>], questions: &mut [Question]) {
        let asked = views.iter().flat_map(|s| s.questions.iter());
        for (qi, &(q, file)) in asked.enumerate() {
            if let Some(cond) = &q.ask_when {
                self.context = Context::AskWhen { question: qi };
                let node = self.condition(cond, file);
                questions[qi].ask_when = Some(node);
            }
        }
    }

    /// Every criterion's condition, with the criteria each one refers to.
    fn criteria(
        &mut self,
        doc: &RuleSetDoc,
        source_idx: &HashMap<&str, usize>,
    ) -> (Vec<Criterion>, Vec<Vec<(CriterionIdx, Span)>>) {
        let mut criteria = Vec::new();
        let mut edges = Vec::new();
        for c in &doc.criteria {
            self.context = Context::Criterion;
            self.refs.clear();
            let root = self.condition(&c.condition, FileId::MAIN);
            edges.push(std::mem::take(&mut self.refs));
            let sources = self.resolve_sources(&c.sources, source_idx, FileId::MAIN);
            let evidence = self.resolve_evidence(&c.evidence, source_idx, FileId::MAIN, true);
            // Evidence is selected after every criterion is evaluated, so
            // its references impose no order.
            self.refs.clear();
            let urgency = match &c.urgency {
                Some(u) if c.kind != CriterionKind::RedFlag => {
                    self.error(Span::of(FileId::MAIN, u), "`urgency` is for red flags only");
                    Urgency::default()
                }
                Some(u) => u.value,
                None => Urgency::default(),
            };
            if c.sources.is_empty() {
                self.warning(
                    Span::of(FileId::MAIN, &c.id),
                    format!("criterion '{}' cites no source", c.id.value),
                );
            }
            let at = Span::of(FileId::MAIN, &c.id);
            criteria.push(Criterion {
                id: c.id.value.clone(),
                label: self.text(&c.label, at, "criterion label", Lines::One),
                kind: c.kind,
                root,
                sources,
                rationale: self.text(&c.rationale, at, "rationale", Lines::Many),
                if_not_met: self.text(&c.if_not_met, at, "if_not_met", Lines::Many),
                evidence,
                urgency,
                unverified: c
                    .unverified
                    .as_ref()
                    .map(|u| self.text(u, at, "unverified", Lines::Many)),
            });
        }
        (criteria, edges)
    }
}

/// A question's words for summaries when it gives none: the text up to its
/// first parenthesis, without the question mark.
fn short_text(text: &str) -> String {
    let cut = text.find(" (").map_or(text, |i| &text[..i]);
    cut.trim().trim_end_matches('?').trim_end().to_string()
}

/// Where a condition is being compiled: skip logic has stricter rules.
#[derive(Debug, Clone, Copy, Default)]
enum Context {
    #[default]
    Criterion,
    AskWhen {
        question: QuestionIdx,
    },
}

#[derive(Debug, Default)]
struct Compiler {
    diagnostics: Vec<Diagnostic>,
    question_idx: HashMap<String, QuestionIdx>,
    questions: Vec<QuestionKind>,
    question_ids: Vec<String>,
    criterion_idx: HashMap<String, CriterionIdx>,
    nodes: Vec<Node>,
    children: Vec<NodeId>,
    context: Context,
    /// Criterion references met while compiling the current criterion.
    refs: Vec<(CriterionIdx, Span)>,
}

impl Compiler {
    fn error(&mut self, span: Span, msg: impl Into<String>) {
        self.diagnostics.push(Diagnostic::error(span, msg));
    }

    fn warning(&mut self, span: Span, msg: impl Into<String>) {
        self.diagnostics.push(Diagnostic::warning(span, msg));
    }

    fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }
}
