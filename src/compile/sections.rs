//! Sections, and the question banks they draw on with `from` and `include`.

use std::collections::HashMap;

use super::{Bank, Compiler, SectionView};
use crate::diagnostics::{Diagnostic, FileId, Span, suggest};
use crate::files::rule_set::{self as doc_types, RuleSetDoc};

/// A bank's sections and questions by id.
#[derive(Default)]
struct BankIndex<'a> {
    sections: HashMap<&'a str, &'a doc_types::Section>,
    questions: HashMap<&'a str, &'a doc_types::Question>,
}

impl Compiler {
    /// Turns sections into flat question lists, taking `from` and `include`
    /// from the bank.
    pub(super) fn resolve_sections<'a>(
        &mut self,
        doc: &'a RuleSetDoc,
        bank: Option<Bank<'a>>,
    ) -> Vec<SectionView<'a>> {
        let index = bank.map(|b| self.index_bank(b)).unwrap_or_default();
        doc.sections
            .iter()
            .map(|section| self.section(section, bank, &index))
            .collect()
    }

    fn index_bank<'a>(&mut self, bank: Bank<'a>) -> BankIndex<'a> {
        let file = FileId::BANK;
        let mut index = BankIndex::default();
        for s in &bank.doc.sections {
            match &s.id {
                Some(id) => {
                    index.sections.insert(&id.value, s);
                }
                None => self.error(
                    Span::start(file),
                    "every section of a question bank needs an `id`",
                ),
            }
            if let Some(f) = &s.from {
                self.error(
                    Span::of(file, f),
                    "a question bank's sections cannot use `from`",
                );
            }
            if let Some(i) = s.include.first() {
                self.error(
                    Span::of(file, i),
                    "a question bank's sections cannot use `include`",
                );
            }
            for q in &s.questions {
                index.questions.insert(&q.id.value, q);
            }
        }
        index
    }

    /// A `from` or `include` naming nothing in the bank, with the nearest id.
    fn not_in_bank<'a>(
        &mut self,
        bank: Bank<'_>,
        id: &doc_types::Id,
        what: &str,
        known: impl Iterator<Item = &'a str>,
    ) {
        self.diagnostics.push(
            Diagnostic::error(
                Span::of(FileId::MAIN, id),
                format!(
                    "question bank '{}' has no {what} '{}'",
                    bank.doc.bank.value, id.value
                ),
            )
            .with_help(suggest::help(&id.value, known)),
        );
    }

    fn section<'a>(
        &mut self,
        section: &'a doc_types::Section,
        bank: Option<Bank<'a>>,
        index: &BankIndex<'a>,
    ) -> SectionView<'a> {
        let main = FileId::MAIN;
        let mut questions = Vec::new();
        let mut base: Option<&doc_types::Section> = None;
        let bank_ref = section.from.iter().chain(&section.include).next();
        if let (Some(r), None) = (bank_ref, bank) {
            self.error(
                Span::of(main, r),
                "`from` and `include` need a `question_bank`",
            );
        }
        if let (Some(from), Some(b)) = (&section.from, bank) {
            match index.sections.get(from.value.as_str()) {
                Some(bs) => {
                    base = Some(bs);
                    questions.extend(bs.questions.iter().map(|q| (q, FileId::BANK)));
                }
                None => self.not_in_bank(b, from, "section", index.sections.keys().copied()),
            }
        }
        if let Some(b) = bank {
            for inc in &section.include {
                match index.questions.get(inc.value.as_str()) {
                    Some(q) => questions.push((q, FileId::BANK)),
                    None => {
                        self.not_in_bank(b, inc, "question", index.questions.keys().copied());
                    }
                }
            }
        }
        questions.extend(section.questions.iter().map(|q| (q, main)));
        let first_span = bank_ref
            .map(|r| Span::of(main, r))
            .or_else(|| section.questions.first().map(|q| Span::of(main, &q.id)));
        let id = section.id.as_ref().or(base.and_then(|b| b.id.as_ref()));
        match id {
            Some(id) => {
                if section.id.is_some() {
                    self.check_id(id, "section", main);
                }
            }
            None => self.error(
                first_span.unwrap_or_default(),
                "a section needs an `id` (or `from` a bank section)",
            ),
        }
        let title = section
            .title
            .clone()
            .or_else(|| base.and_then(|b| b.title.clone()));
        if title.is_none() {
            self.error(
                first_span.unwrap_or_default(),
                "a section needs a `title` (or `from` a bank section)",
            );
        }
        if questions.is_empty() {
            self.error(
                first_span
                    .or(id.map(|i| Span::of(main, i)))
                    .unwrap_or_default(),
                "section has no questions",
            );
        }
        SectionView {
            id: id.map(|i| i.value.clone()).unwrap_or_default(),
            title: title.unwrap_or_default(),
            description: section
                .description
                .clone()
                .or_else(|| base.and_then(|b| b.description.clone()))
                .unwrap_or_default(),
            questions,
        }
    }
}
