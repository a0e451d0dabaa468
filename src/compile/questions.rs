//! Question types: options, ranges and units, checked for what each type
//! allows.

use std::collections::HashMap;

use super::Compiler;
use super::text::Lines;
use crate::diagnostics::{FileId, Span};
use crate::engine::UNKNOWN_WORD;
use crate::engine::ruleset::{ChoiceOption, MAX_OPTIONS, NumberSpec, QuestionKind};
use crate::files::rule_set::{self as doc_types, QuestionType};

impl Compiler {
    pub(super) fn question_kind(&mut self, q: &doc_types::Question, file: FileId) -> QuestionKind {
        let ty = q.kind.value;
        let number_only = [
            ("min", q.min.as_ref().map(|v| Span::of(file, v))),
            ("max", q.max.as_ref().map(|v| Span::of(file, v))),
            ("unit", q.unit.as_ref().map(|v| Span::of(file, v))),
            ("integer", q.integer.as_ref().map(|v| Span::of(file, v))),
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
                    self.error(
                        Span::of(file, opts),
                        "`options` applies only to choice questions",
                    );
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
                        self.error(Span::of(file, bound), "range bounds must be finite numbers");
                    }
                }
                if let (Some(lo), Some(hi)) = (&q.min, &q.max)
                    && lo.value > hi.value
                {
                    self.error(
                        Span::of(file, hi),
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
                        Span::of(file, &q.kind),
                        format!("choice question '{}' needs `options`", q.id.value),
                    );
                    return QuestionKind::SingleChoice(Vec::new());
                };
                if opts.value.len() < 2 {
                    self.error(
                        Span::of(file, opts),
                        "a choice question needs at least 2 options",
                    );
                }
                if opts.value.len() > MAX_OPTIONS {
                    self.error(
                        Span::of(file, opts),
                        format!(
                            "a choice question may have at most {MAX_OPTIONS} options (this one has {})",
                            opts.value.len()
                        ),
                    );
                }
                let mut seen = HashMap::new();
                for o in &opts.value {
                    self.check_id(&o.id, "option", file);
                    self.unique(&mut seen, &o.id, "option", file);
                    if o.id.value == UNKNOWN_WORD {
                        self.error(
                            Span::of(file, &o.id),
                            "option id 'unknown' is reserved for \"not assessed\"",
                        );
                    }
                    // FHIR export and import code "none of these" as `none`
                    // on a tick list, so an option may not take that code.
                    if o.id.value == "none" && q.kind.value == QuestionType::MultipleChoice {
                        self.error(
                            Span::of(file, &o.id),
                            "option id 'none' is reserved on a multiple choice for \"none of these\" (answer [] in an answers file)",
                        );
                    }
                }
                let list = opts
                    .value
                    .iter()
                    .map(|o| ChoiceOption {
                        id: o.id.value.clone(),
                        label: self.text(
                            &o.label,
                            Span::of(file, &o.id),
                            "option label",
                            Lines::One,
                        ),
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
}
