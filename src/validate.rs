//! Checks a parsed rule set and compiles it for evaluation.
//!
//! Every problem is collected, not only the first, so an author fixes a file
//! in one pass. Errors refuse the rule set; warnings (a question no criterion
//! uses, a criterion without a source) are shown but do not.

use std::collections::HashMap;

use sha2::{Digest, Sha256};

use crate::diagnostic::{Diagnostic, Pos};
use crate::model::{self, BankDoc, Condition, CriterionKind, QuestionType, RuleSetDoc};
use crate::ruleset::{
    ChoiceOption, Criterion, CriterionIdx, MAX_MULTI_OPTIONS, Meta, Node, NodeId, NumberSpec,
    Question, QuestionIdx, QuestionKind, Range32, RuleSet, SectionInfo, SourceInfo, mark_read,
};

/// The answer word reserved for "not assessed"; no option may use it.
pub const UNKNOWN_WORD: &str = "unknown";

/// Whether `s` is an acceptable id: letters, digits, `_`, `-`, `.`, starting
/// with a letter or digit, at most 64 characters. Ids appear in answers files,
/// CSV headers and shell commands, so they stay plain.
pub fn valid_id(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphanumeric())
        && s.len() <= 64
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// A question bank a rule set draws on, with its name for messages.
#[derive(Debug, Clone, Copy)]
pub struct Bank<'a> {
    pub doc: &'a BankDoc,
    pub name: &'a str,
    pub text: &'a str,
}

/// A section after `from` and `include` are resolved: each question with
/// whether it came from the bank (whose file its diagnostics then name).
struct SectionView<'a> {
    id: String,
    title: String,
    description: String,
    questions: Vec<(&'a model::Question, bool)>,
}

/// Validates `doc` (parsed from `text`) and compiles it. Returns the rule set
/// when there are no errors, and every diagnostic (errors and warnings).
pub fn compile(
    doc: &RuleSetDoc,
    text: &str,
    bank: Option<Bank<'_>>,
) -> (Option<RuleSet>, Vec<Diagnostic>) {
    let mut cx = Compiler {
        bank_name: bank.map(|b| b.name.to_string()),
        ..Compiler::default()
    };
    let meta = cx.meta(doc, text, bank);
    let source_idx: HashMap<&str, usize> = meta
        .sources
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.as_str(), i))
        .collect();
    let views = cx.resolve_sections(doc, bank);

    // Questions, in order, across sections.
    let mut sections = Vec::new();
    let mut questions: Vec<Question> = Vec::new();
    let mut question_pos: Vec<(Pos, bool)> = Vec::new();
    let mut section_seen: HashMap<String, ()> = HashMap::new();
    for (si, section) in views.iter().enumerate() {
        if section_seen.insert(section.id.clone(), ()).is_some() {
            let pos = section
                .questions
                .first()
                .map(|(q, _)| Pos::of(&q.id))
                .unwrap_or_default();
            cx.error(pos, format!("duplicate section id '{}'", section.id));
        }
        let start = questions.len();
        for &(q, from_bank) in &section.questions {
            cx.in_bank = from_bank;
            cx.check_id(&q.id, "question");
            if let Some(&first) = cx.question_idx.get(q.id.value.as_str()) {
                cx.error(
                    Pos::of(&q.id),
                    format!(
                        "duplicate question id '{}' (first defined at line {})",
                        q.id.value, question_pos[first].0.line
                    ),
                );
            } else {
                cx.question_idx.insert(q.id.value.clone(), questions.len());
            }
            let kind = cx.question_kind(q);
            let sources = cx.resolve_sources(&q.sources, &source_idx);
            let evidence = cx.resolve_evidence(&q.evidence, &source_idx);
            questions.push(Question {
                id: q.id.value.clone(),
                text: q.text.clone(),
                help: q.help.clone(),
                rationale: q.rationale.clone(),
                kind,
                allow_unknown: q.allow_unknown,
                ask_when: None,
                sources,
                section: si,
                evidence,
            });
            question_pos.push((Pos::of(&q.id), from_bank));
        }
        cx.in_bank = false;
        sections.push(SectionInfo {
            id: section.id.clone(),
            title: section.title.clone(),
            description: section.description.clone(),
            questions: start..questions.len(),
        });
    }
    cx.questions = questions.iter().map(|q| q.kind.clone()).collect();
    cx.question_ids = questions.iter().map(|q| q.id.clone()).collect();

    // Criteria ids first, so conditions may refer to criteria defined later.
    let mut criterion_seen: HashMap<&str, Pos> = HashMap::new();
    for c in &doc.criteria {
        cx.check_id(&c.id, "criterion");
        if cx.unique(&mut criterion_seen, &c.id, "criterion") {
            cx.criterion_idx
                .insert(c.id.value.clone(), cx.criterion_idx.len());
        }
    }
    if doc.criteria.is_empty() {
        cx.error(Pos { line: 1, column: 1 }, "the rule set has no criteria");
    }

    // Skip logic: may look only at earlier questions.
    let mut qi = 0;
    for section in &views {
        for &(q, from_bank) in &section.questions {
            if let Some(cond) = &q.ask_when {
                cx.in_bank = from_bank;
                cx.context = Context::AskWhen { question: qi };
                let node = cx.condition(cond);
                questions[qi].ask_when = Some(node);
            }
            qi += 1;
        }
    }
    cx.in_bank = false;

    // Criteria.
    let mut criteria = Vec::new();
    let mut edges: Vec<Vec<(CriterionIdx, Pos)>> = Vec::new();
    for c in &doc.criteria {
        cx.context = Context::Criterion;
        cx.refs.clear();
        let root = cx.condition(&c.condition);
        edges.push(std::mem::take(&mut cx.refs));
        let sources = cx.resolve_sources(&c.sources, &source_idx);
        let evidence = cx.resolve_evidence(&c.evidence, &source_idx);
        if c.sources.is_empty() {
            cx.warning(
                Pos::of(&c.id),
                format!("criterion '{}' cites no source", c.id.value),
            );
        }
        criteria.push(Criterion {
            id: c.id.value.clone(),
            label: c.label.clone(),
            kind: c.kind,
            root,
            sources,
            rationale: c.rationale.clone(),
            if_not_met: c.if_not_met.clone(),
            evidence,
        });
    }
    let eval_order = cx.order_criteria(&criteria, &edges);

    // Warnings that need the whole picture.
    // (An unresolved reference makes its question look unused: only warn
    // once the references resolve, so warnings never echo an error.)
    if !cx
        .diagnostics
        .iter()
        .any(|d| d.severity == crate::diagnostic::Severity::Error)
    {
        cx.warn_unused_questions(&questions, &question_pos, &criteria);
    }
    cx.warn_red_flags_late(&questions, &question_pos, &criteria);

    let diagnostics = std::mem::take(&mut cx.diagnostics);
    let has_errors = diagnostics
        .iter()
        .any(|d| d.severity == crate::diagnostic::Severity::Error);
    if has_errors {
        return (None, diagnostics);
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
    (Some(rs), diagnostics)
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
    /// The bank's name, for diagnostics inside it.
    bank_name: Option<String>,
    /// Whether the item being checked came from the bank.
    in_bank: bool,
    question_idx: HashMap<String, QuestionIdx>,
    questions: Vec<QuestionKind>,
    question_ids: Vec<String>,
    criterion_idx: HashMap<String, CriterionIdx>,
    nodes: Vec<Node>,
    children: Vec<NodeId>,
    context: Context,
    /// Criterion references met while compiling the current criterion.
    refs: Vec<(CriterionIdx, Pos)>,
}

impl Compiler {
    /// Records a diagnostic, naming the bank's file while checking its items.
    fn report(&mut self, d: Diagnostic) {
        let file = if self.in_bank {
            self.bank_name.clone()
        } else {
            None
        };
        self.diagnostics.push(Diagnostic { file, ..d });
    }

    fn error(&mut self, pos: Pos, msg: impl Into<String>) {
        self.report(Diagnostic::error(pos, msg));
    }

    fn warning(&mut self, pos: Pos, msg: impl Into<String>) {
        self.report(Diagnostic::warning(pos, msg));
    }

    /// Turns sections into flat question lists, taking `from` and `include`
    /// from the bank.
    fn resolve_sections<'a>(
        &mut self,
        doc: &'a RuleSetDoc,
        bank: Option<Bank<'a>>,
    ) -> Vec<SectionView<'a>> {
        let mut bank_sections: HashMap<&str, &'a model::Section> = HashMap::new();
        let mut bank_questions: HashMap<&str, &'a model::Question> = HashMap::new();
        if let Some(b) = bank {
            self.in_bank = true;
            for s in &b.doc.sections {
                match &s.id {
                    Some(id) => {
                        bank_sections.insert(&id.value, s);
                    }
                    None => self.error(
                        Pos { line: 1, column: 1 },
                        "every section of a question bank needs an `id`",
                    ),
                }
                if let Some(f) = &s.from {
                    self.error(Pos::of(f), "a question bank's sections cannot use `from`");
                }
                if let Some(i) = s.include.first() {
                    self.error(
                        Pos::of(i),
                        "a question bank's sections cannot use `include`",
                    );
                }
                for q in &s.questions {
                    bank_questions.insert(&q.id.value, q);
                }
            }
            self.in_bank = false;
        }
        let mut views = Vec::new();
        for section in &doc.sections {
            let mut questions = Vec::new();
            let mut base: Option<&model::Section> = None;
            let bank_ref = section.from.iter().chain(&section.include).next();
            if let (Some(r), None) = (bank_ref, bank) {
                self.error(Pos::of(r), "`from` and `include` need a `question_bank`");
            }
            if let (Some(from), Some(b)) = (&section.from, bank) {
                match bank_sections.get(from.value.as_str()) {
                    Some(bs) => {
                        base = Some(bs);
                        questions.extend(bs.questions.iter().map(|q| (q, true)));
                    }
                    None => self.error(
                        Pos::of(from),
                        format!(
                            "question bank '{}' has no section '{}'",
                            b.doc.bank.value, from.value
                        ),
                    ),
                }
            }
            if let Some(b) = bank {
                for inc in &section.include {
                    match bank_questions.get(inc.value.as_str()) {
                        Some(q) => questions.push((q, true)),
                        None => {
                            let hint = crate::answers::did_you_mean(
                                &inc.value,
                                bank_questions.keys().copied(),
                            );
                            self.error(
                                Pos::of(inc),
                                format!(
                                    "question bank '{}' has no question '{}'{hint}",
                                    b.doc.bank.value, inc.value
                                ),
                            );
                        }
                    }
                }
            }
            questions.extend(section.questions.iter().map(|q| (q, false)));
            let first_pos = bank_ref
                .map(Pos::of)
                .or_else(|| section.questions.first().map(|q| Pos::of(&q.id)));
            let id = section.id.as_ref().or(base.and_then(|b| b.id.as_ref()));
            match id {
                Some(id) => {
                    if section.id.is_some() {
                        self.check_id(id, "section");
                    }
                }
                None => self.error(
                    first_pos.unwrap_or_default(),
                    "a section needs an `id` (or `from` a bank section)",
                ),
            }
            let title = section
                .title
                .clone()
                .or_else(|| base.and_then(|b| b.title.clone()));
            if title.is_none() {
                self.error(
                    first_pos.unwrap_or_default(),
                    "a section needs a `title` (or `from` a bank section)",
                );
            }
            if questions.is_empty() {
                self.error(
                    first_pos.or(id.map(Pos::of)).unwrap_or_default(),
                    "section has no questions",
                );
            }
            views.push(SectionView {
                id: id.map(|i| i.value.clone()).unwrap_or_default(),
                title: title.unwrap_or_default(),
                description: section
                    .description
                    .clone()
                    .or_else(|| base.and_then(|b| b.description.clone()))
                    .unwrap_or_default(),
                questions,
            });
        }
        views
    }

    fn resolve_evidence(
        &mut self,
        notes: &[model::Evidence],
        index: &HashMap<&str, usize>,
    ) -> Vec<crate::ruleset::EvidenceNote> {
        let mut out = Vec::new();
        for n in notes {
            match index.get(n.source.value.as_str()) {
                Some(&source) => out.push(crate::ruleset::EvidenceNote {
                    text: n.text.clone(),
                    source,
                }),
                None => self.error(
                    Pos::of(&n.source),
                    format!("unknown source '{}'", n.source.value),
                ),
            }
        }
        out
    }

    fn check_id(&mut self, id: &model::Id, what: &str) {
        if !valid_id(&id.value) {
            self.error(
                Pos::of(id),
                format!(
                    "{what} id '{}' is not valid: use letters, digits, '_', '-' or '.', starting with a letter or digit (at most 64)",
                    id.value.escape_debug()
                ),
            );
        }
    }

    /// Records `id` in `seen`; reports a duplicate and returns false if it was there.
    fn unique<'a>(
        &mut self,
        seen: &mut HashMap<&'a str, Pos>,
        id: &'a model::Id,
        what: &str,
    ) -> bool {
        if let Some(first) = seen.get(id.value.as_str()) {
            let line = first.line;
            self.error(
                Pos::of(id),
                format!(
                    "duplicate {what} id '{}' (first defined at line {line})",
                    id.value
                ),
            );
            false
        } else {
            seen.insert(&id.value, Pos::of(id));
            true
        }
    }

    fn meta(&mut self, doc: &RuleSetDoc, text: &str, bank: Option<Bank<'_>>) -> Meta {
        self.check_id(&doc.id, "rule set");
        if doc.version.value.trim().is_empty() {
            self.error(Pos::of(&doc.version), "version is empty");
        }
        if !is_iso_date(&doc.review.date.value) {
            self.error(
                Pos::of(&doc.review.date),
                format!(
                    "review date '{}' is not a date in the form YYYY-MM-DD",
                    doc.review.date.value
                ),
            );
        }
        let mut seen = HashMap::new();
        for s in &doc.sources {
            self.check_id(&s.id, "source");
            self.unique(&mut seen, &s.id, "source");
        }
        let info = |s: &model::Source| SourceInfo {
            id: s.id.value.clone(),
            citation: s.citation.clone(),
            url: s.url.clone(),
            verified: s.verified.clone(),
        };
        let mut sources: Vec<SourceInfo> = doc.sources.iter().map(info).collect();
        let mut hashed = text.as_bytes().to_vec();
        if let Some(b) = bank {
            // A rule set may redefine a bank source (to add its own note).
            self.in_bank = true;
            let mut bank_seen = HashMap::new();
            for s in &b.doc.sources {
                self.check_id(&s.id, "source");
                if self.unique(&mut bank_seen, &s.id, "source")
                    && !seen.contains_key(s.id.value.as_str())
                {
                    sources.push(info(s));
                }
            }
            self.in_bank = false;
            hashed.push(0);
            hashed.extend_from_slice(b.text.as_bytes());
        }
        if let (Some(qb), None) = (&doc.question_bank, bank) {
            self.error(
                Pos::of(qb),
                format!("question bank '{}' was not loaded", qb.value),
            );
        }
        Meta {
            id: doc.id.value.clone(),
            title: doc.title.clone(),
            version: doc.version.value.clone(),
            review_status: doc.review.status,
            review_date: doc.review.date.value.clone(),
            review_note: doc.review.note.clone(),
            description: doc.description.clone(),
            disclaimer: doc.disclaimer.clone(),
            sources,
            sha256: sha256_hex(&hashed),
            question_bank: bank.map(|b| b.doc.bank.value.clone()),
        }
    }

    fn resolve_sources(&mut self, ids: &[model::Id], index: &HashMap<&str, usize>) -> Vec<usize> {
        let mut out = Vec::new();
        for id in ids {
            match index.get(id.value.as_str()) {
                Some(&i) => out.push(i),
                None => self.error(Pos::of(id), format!("unknown source '{}'", id.value)),
            }
        }
        out
    }

    fn question_kind(&mut self, q: &model::Question) -> QuestionKind {
        let ty = q.kind.value;
        let number_only = [
            ("min", q.min.as_ref().map(Pos::of)),
            ("max", q.max.as_ref().map(Pos::of)),
            ("unit", q.unit.as_ref().map(Pos::of)),
            ("integer", q.integer.as_ref().map(Pos::of)),
        ];
        if ty != QuestionType::Number {
            for (key, pos) in number_only {
                if let Some(pos) = pos {
                    self.error(pos, format!("`{key}` applies only to number questions"));
                }
            }
        }
        match ty {
            QuestionType::YesNo | QuestionType::Number => {
                if let Some(opts) = &q.options {
                    self.error(Pos::of(opts), "`options` applies only to choice questions");
                }
            }
            QuestionType::SingleChoice | QuestionType::MultipleChoice => {}
        }
        match ty {
            QuestionType::YesNo => QuestionKind::YesNo,
            QuestionType::Number => {
                let min = q.min.as_ref().map(|m| m.value);
                let max = q.max.as_ref().map(|m| m.value);
                for bound in [&q.min, &q.max].into_iter().flatten() {
                    if !bound.value.is_finite() {
                        self.error(Pos::of(bound), "range bounds must be finite numbers");
                    }
                }
                if let (Some(lo), Some(hi)) = (&q.min, &q.max)
                    && lo.value > hi.value
                {
                    self.error(
                        Pos::of(hi),
                        format!("max ({}) is below min ({})", hi.value, lo.value),
                    );
                }
                QuestionKind::Number(NumberSpec {
                    min,
                    max,
                    unit: q.unit.as_ref().map(|u| u.value.clone()),
                    integer: q.integer.as_ref().is_some_and(|i| i.value),
                })
            }
            QuestionType::SingleChoice | QuestionType::MultipleChoice => {
                let Some(opts) = &q.options else {
                    self.error(
                        Pos::of(&q.kind),
                        format!("choice question '{}' needs `options`", q.id.value),
                    );
                    return QuestionKind::SingleChoice(Vec::new());
                };
                if opts.value.len() < 2 {
                    self.error(Pos::of(opts), "a choice question needs at least 2 options");
                }
                if ty == QuestionType::MultipleChoice && opts.value.len() > MAX_MULTI_OPTIONS {
                    self.error(
                        Pos::of(opts),
                        format!("a multiple-choice question may have at most {MAX_MULTI_OPTIONS} options"),
                    );
                }
                let mut seen = HashMap::new();
                for o in &opts.value {
                    self.check_id(&o.id, "option");
                    self.unique(&mut seen, &o.id, "option");
                    if o.id.value == UNKNOWN_WORD {
                        self.error(
                            Pos::of(&o.id),
                            "option id 'unknown' is reserved for \"not assessed\"",
                        );
                    }
                }
                let list = opts
                    .value
                    .iter()
                    .map(|o| ChoiceOption {
                        id: o.id.value.clone(),
                        label: o.label.clone(),
                    })
                    .collect();
                if ty == QuestionType::SingleChoice {
                    QuestionKind::SingleChoice(list)
                } else {
                    QuestionKind::MultipleChoice(list)
                }
            }
        }
    }

    fn push(&mut self, node: Node) -> NodeId {
        self.nodes.push(node);
        (self.nodes.len() - 1) as NodeId
    }

    fn list(&mut self, items: &[Condition]) -> Range32 {
        let ids: Vec<NodeId> = items.iter().map(|c| self.condition(c)).collect();
        let start = self.children.len() as u32;
        self.children.extend(ids);
        Range32 {
            start,
            end: self.children.len() as u32,
        }
    }

    /// Compiles one condition into the arena, reporting what is wrong with it.
    fn condition(&mut self, c: &Condition) -> NodeId {
        let node = match c {
            Condition::All(items) | Condition::Any(items) => {
                let word = if matches!(c, Condition::All(_)) {
                    "all"
                } else {
                    "any"
                };
                if items.value.is_empty() {
                    self.error(
                        Pos::of(items),
                        format!("`{word}` needs at least one condition"),
                    );
                }
                let r = self.list(&items.value);
                if matches!(c, Condition::All(_)) {
                    Node::All(r)
                } else {
                    Node::Any(r)
                }
            }
            Condition::Not(inner) => Node::Not(self.condition(inner)),
            Condition::AtLeast(a) => {
                let len = a.of.value.len() as u32;
                if a.n.value == 0 {
                    self.error(
                        Pos::of(&a.n),
                        "`at_least` needs n of 1 or more (n: 0 always holds)",
                    );
                } else if a.n.value > len {
                    self.error(
                        Pos::of(&a.n),
                        format!(
                            "`at_least` asks for {} of only {len} conditions, so it can never hold",
                            a.n.value
                        ),
                    );
                }
                let of = self.list(&a.of.value);
                Node::AtLeast { n: a.n.value, of }
            }
            Condition::Yes(q) | Condition::No(q) => {
                let word = if matches!(c, Condition::Yes(_)) {
                    "yes"
                } else {
                    "no"
                };
                match self.question(q) {
                    Some((qi, QuestionKind::YesNo)) => {
                        if word == "yes" {
                            Node::Yes(qi)
                        } else {
                            Node::No(qi)
                        }
                    }
                    Some((_, kind)) => {
                        let hint = hint_for(&kind);
                        self.error(
                            Pos::of(q),
                            format!(
                                "`{word}` needs a yes/no question, but '{}' is a {} question{hint}",
                                q.value,
                                kind.name()
                            ),
                        );
                        Node::Known(0)
                    }
                    None => Node::Known(0),
                }
            }
            Condition::Known(q) => match self.question(q) {
                Some((qi, _)) => Node::Known(qi),
                None => Node::Known(0),
            },
            Condition::Equals(r) | Condition::Includes(r) => {
                let (word, want_multi) = match c {
                    Condition::Equals(_) => ("equals", false),
                    _ => ("includes", true),
                };
                match self.question(&r.question) {
                    Some((qi, kind)) => {
                        let fits = matches!(
                            (&kind, want_multi),
                            (QuestionKind::SingleChoice(_), false)
                                | (QuestionKind::MultipleChoice(_), true)
                        );
                        if !fits {
                            let needed = if want_multi {
                                "multiple-choice"
                            } else {
                                "single-choice"
                            };
                            let hint = hint_for(&kind);
                            self.error(
                                Pos::of(&r.question),
                                format!(
                                    "`{word}` needs a {needed} question, but '{}' is a {} question{hint}",
                                    r.question.value,
                                    kind.name()
                                ),
                            );
                            Node::Known(0)
                        } else {
                            match kind.options().iter().position(|o| o.id == r.option.value) {
                                Some(oi) => {
                                    if want_multi {
                                        Node::Includes(qi, oi as u16)
                                    } else {
                                        Node::Equals(qi, oi as u16)
                                    }
                                }
                                None => {
                                    let known: Vec<&str> =
                                        kind.options().iter().map(|o| o.id.as_str()).collect();
                                    self.error(
                                        Pos::of(&r.option),
                                        format!(
                                            "question '{}' has no option '{}' (options: {})",
                                            r.question.value,
                                            r.option.value,
                                            known.join(", ")
                                        ),
                                    );
                                    Node::Known(0)
                                }
                            }
                        }
                    }
                    None => Node::Known(0),
                }
            }
            Condition::Compare(cmp) => match self.question(&cmp.question) {
                Some((qi, QuestionKind::Number(spec))) => {
                    let v = cmp.value.value;
                    if !v.is_finite() {
                        self.error(Pos::of(&cmp.value), "compare needs a finite number");
                    } else if spec.min.is_some_and(|m| v < m) || spec.max.is_some_and(|m| v > m) {
                        self.error(
                            Pos::of(&cmp.value),
                            format!(
                                "{} is outside the range of '{}' ({})",
                                crate::ruleset::fmt_num(v),
                                cmp.question.value,
                                spec.range_text()
                            ),
                        );
                    }
                    Node::Compare(qi, cmp.op, v)
                }
                Some((_, kind)) => {
                    let hint = hint_for(&kind);
                    self.error(
                        Pos::of(&cmp.question),
                        format!(
                            "`compare` needs a number question, but '{}' is a {} question{hint}",
                            cmp.question.value,
                            kind.name()
                        ),
                    );
                    Node::Known(0)
                }
                None => Node::Known(0),
            },
            Condition::Count(cmp) => match self.question(&cmp.question) {
                Some((qi, QuestionKind::MultipleChoice(opts))) => {
                    let v = cmp.value.value;
                    if !v.is_finite() || v < 0.0 || v > opts.len() as f64 {
                        self.error(
                            Pos::of(&cmp.value),
                            format!(
                                "count {v} is outside 0 to {} (the number of options)",
                                opts.len()
                            ),
                        );
                    }
                    Node::Count(qi, cmp.op, v)
                }
                Some((_, kind)) => {
                    self.error(
                        Pos::of(&cmp.question),
                        format!(
                            "`count` needs a multiple-choice question, but '{}' is a {} question",
                            cmp.question.value,
                            kind.name()
                        ),
                    );
                    Node::Known(0)
                }
                None => Node::Known(0),
            },
            Condition::Criterion(id) => {
                if let Context::AskWhen { .. } = self.context {
                    self.error(
                        Pos::of(id),
                        "skip logic (`ask_when`) cannot refer to criteria: criteria may depend on later questions",
                    );
                    Node::Known(0)
                } else {
                    match self.criterion_idx.get(id.value.as_str()) {
                        Some(&ci) => {
                            self.refs.push((ci, Pos::of(id)));
                            Node::Criterion(ci)
                        }
                        None => {
                            self.error(Pos::of(id), format!("unknown criterion '{}'", id.value));
                            Node::Known(0)
                        }
                    }
                }
            }
        };
        self.push(node)
    }

    /// Resolves a question reference, checking the skip-logic ordering rule.
    fn question(&mut self, id: &model::Id) -> Option<(QuestionIdx, QuestionKind)> {
        let Some(&qi) = self.question_idx.get(id.value.as_str()) else {
            self.error(Pos::of(id), format!("unknown question '{}'", id.value));
            return None;
        };
        if let Context::AskWhen { question } = self.context {
            if qi == question {
                self.error(
                    Pos::of(id),
                    format!("skip logic of '{}' refers to the question itself", id.value),
                );
                return None;
            }
            if qi > question {
                self.error(
                    Pos::of(id),
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

    /// A topological order of criteria; reports each cycle once.
    fn order_criteria(
        &mut self,
        criteria: &[Criterion],
        edges: &[Vec<(CriterionIdx, Pos)>],
    ) -> Vec<CriterionIdx> {
        #[derive(Clone, Copy, PartialEq)]
        enum Mark {
            New,
            Active,
            Done,
        }
        let n = criteria.len();
        let mut mark = vec![Mark::New; n];
        let mut order = Vec::with_capacity(n);
        // Iterative DFS: criterion chains in hostile files can be long.
        for start in 0..n {
            if mark[start] != Mark::New {
                continue;
            }
            let mut stack: Vec<(CriterionIdx, usize)> = vec![(start, 0)];
            mark[start] = Mark::Active;
            while let Some(&mut (node, ref mut next)) = stack.last_mut() {
                if let Some(&(to, pos)) = edges.get(node).and_then(|e| e.get(*next)) {
                    *next += 1;
                    match mark[to] {
                        Mark::New => {
                            mark[to] = Mark::Active;
                            stack.push((to, 0));
                        }
                        Mark::Active => {
                            let from = stack.iter().position(|&(c, _)| c == to).unwrap_or(0);
                            let mut path: Vec<&str> = stack[from..]
                                .iter()
                                .map(|&(c, _)| criteria[c].id.as_str())
                                .collect();
                            path.push(criteria[to].id.as_str());
                            let msg = if to == node {
                                format!("criterion '{}' refers to itself", criteria[to].id)
                            } else {
                                format!(
                                    "criteria refer to each other in a cycle: {}",
                                    path.join(" -> ")
                                )
                            };
                            self.error(pos, msg);
                        }
                        Mark::Done => {}
                    }
                } else {
                    mark[node] = Mark::Done;
                    order.push(node);
                    stack.pop();
                }
            }
        }
        order
    }

    fn warn_unused_questions(
        &mut self,
        questions: &[Question],
        pos: &[(Pos, bool)],
        criteria: &[Criterion],
    ) {
        let mut used = vec![false; questions.len()];
        let roots = criteria
            .iter()
            .map(|c| c.root)
            .chain(questions.iter().filter_map(|q| q.ask_when));
        mark_read(&self.nodes, &self.children, roots, None, &mut used);
        for (i, q) in questions.iter().enumerate() {
            if !used[i] {
                self.in_bank = pos[i].1;
                self.warning(
                    pos[i].0,
                    format!(
                        "question '{}' is not used by any criterion or skip logic",
                        q.id
                    ),
                );
            }
        }
    }

    /// Red flags must be asked first so the walk can stop early: warn when a
    /// question a red flag reads comes after one it does not.
    fn warn_red_flags_late(
        &mut self,
        questions: &[Question],
        pos: &[(Pos, bool)],
        criteria: &[Criterion],
    ) {
        let mut red = vec![false; questions.len()];
        let roots = criteria
            .iter()
            .filter(|c| c.kind == CriterionKind::RedFlag)
            .map(|c| c.root);
        mark_read(&self.nodes, &self.children, roots, None, &mut red);
        let mut seen_other = false;
        for (i, q) in questions.iter().enumerate() {
            if red[i] && seen_other {
                self.in_bank = pos[i].1;
                self.warning(
                    pos[i].0,
                    format!("question '{}' feeds a red flag but comes after other questions; ask red flags first", q.id),
                );
            }
            seen_other |= !red[i];
        }
    }
}

/// A suggestion of the construct that fits a question type.
fn hint_for(kind: &QuestionKind) -> &'static str {
    match kind {
        QuestionKind::YesNo => " (use `yes` or `no`)",
        QuestionKind::SingleChoice(_) => " (use `equals`)",
        QuestionKind::MultipleChoice(_) => " (use `includes` or `count`)",
        QuestionKind::Number(_) => " (use `compare`)",
    }
}

fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
        && (1..=12).contains(&s[5..7].parse::<u32>().unwrap_or(0))
        && (1..=31).contains(&s[8..10].parse::<u32>().unwrap_or(0))
}

/// Lower-case hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    Sha256::digest(bytes)
        .iter()
        .fold(String::with_capacity(64), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_plain() {
        for ok in ["a", "nass-2015", "q_1.b", "A9"] {
            assert!(valid_id(ok), "{ok}");
        }
        for bad in ["", "-a", "_a", "a b", "a/b", "é", "a:b", &"x".repeat(65)] {
            assert!(!valid_id(bad), "{bad}");
        }
    }

    #[test]
    fn dates_are_checked() {
        assert!(is_iso_date("2026-11-21"));
        for bad in ["2026-13-01", "2026-1-01", "21/11/2026", "2026-11-00"] {
            assert!(!is_iso_date(bad), "{bad}");
        }
    }

    #[test]
    fn sha256_of_empty_input() {
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
