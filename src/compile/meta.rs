//! The rule set's own fields: ids, dates, sources, and the hash that ties a
//! result to the exact text it came from.

use std::collections::HashMap;

use sha2::{Digest, Sha256};

use super::text::Lines;
use super::{Bank, Compiler};
use crate::diagnostics::{Diagnostic, FileId, Span, suggest};
use crate::engine::ruleset::{EvidenceNote, Meta, SourceInfo};
use crate::files::rule_set::{self as doc_types, RuleSetDoc};

/// Whether `s` is an acceptable id: letters, digits, `_`, `-`, `.`, starting
/// with a letter or digit, at most 64 characters. Ids appear in answers files,
/// CSV headers and shell commands, so they stay plain.
pub fn valid_id(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphanumeric())
        && s.len() <= 64
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

impl Compiler {
    pub(super) fn meta(&mut self, doc: &RuleSetDoc, text: &str, bank: Option<Bank<'_>>) -> Meta {
        let main = FileId::MAIN;
        self.check_id(&doc.id, "rule set", main);
        if doc.version.value.trim().is_empty() {
            self.error(Span::of(main, &doc.version), "version is empty");
        }
        if !is_iso_date(&doc.review.date.value) {
            self.error(
                Span::of(main, &doc.review.date),
                format!(
                    "review date '{}' is not a date in the form YYYY-MM-DD",
                    doc.review.date.value
                ),
            );
        }
        let mut seen = HashMap::new();
        for s in &doc.sources {
            self.check_id(&s.id, "source", main);
            self.unique(&mut seen, &s.id, "source", main);
        }
        let info = |cx: &mut Self, s: &doc_types::Source, file: FileId| {
            let at = Span::of(file, &s.id);
            SourceInfo {
                id: s.id.value.clone(),
                citation: cx.text(&s.citation, at, "citation", Lines::Many),
                url: s.url.as_deref().map(|u| cx.text(u, at, "url", Lines::One)),
                verified: s
                    .verified
                    .as_deref()
                    .map(|v| cx.text(v, at, "verified note", Lines::Many)),
            }
        };
        let mut sources: Vec<SourceInfo> =
            doc.sources.iter().map(|s| info(self, s, main)).collect();
        let mut hashed = text.as_bytes().to_vec();
        if let Some(b) = bank {
            // A rule set may redefine a bank source (to add its own note).
            let mut bank_seen = HashMap::new();
            for s in &b.doc.sources {
                self.check_id(&s.id, "source", FileId::BANK);
                if self.unique(&mut bank_seen, &s.id, "source", FileId::BANK)
                    && !seen.contains_key(s.id.value.as_str())
                {
                    let source = info(self, s, FileId::BANK);
                    sources.push(source);
                }
            }
            hashed.push(0);
            hashed.extend_from_slice(b.text.as_bytes());
        }
        if let (Some(qb), None) = (&doc.question_bank, bank) {
            self.error(
                Span::of(main, qb),
                format!("question bank '{}' was not loaded", qb.value),
            );
        }
        let at = Span::of(main, &doc.id);
        let version_at = Span::of(main, &doc.version);
        Meta {
            id: doc.id.value.clone(),
            title: self.text(&doc.title, at, "title", Lines::One),
            version: self.text(&doc.version.value, version_at, "version", Lines::One),
            review_status: doc.review.status,
            review_date: doc.review.date.value.clone(),
            review_note: self.text(&doc.review.note, at, "review note", Lines::Many),
            description: self.text(&doc.description, at, "description", Lines::Many),
            disclaimer: self.text(&doc.disclaimer, at, "disclaimer", Lines::Many),
            sources,
            sha256: sha256_hex(&hashed),
            question_bank: bank.map(|b| b.doc.bank.value.clone()),
            retired: doc
                .retired
                .iter()
                .map(|r| {
                    self.check_id(&r.id, "retired question", main);
                    let at = Span::of(main, &r.id);
                    (
                        r.id.value.clone(),
                        self.text(&r.reason, at, "retired reason", Lines::One),
                    )
                })
                .collect(),
        }
    }

    /// A reference to an unknown source, with the nearest known id.
    fn unknown_source(&mut self, id: &doc_types::Id, index: &HashMap<&str, usize>, file: FileId) {
        let help = suggest::help(&id.value, index.keys().copied());
        self.diagnostics.push(
            Diagnostic::error(Span::of(file, id), format!("unknown source '{}'", id.value))
                .with_help(help),
        );
    }

    pub(super) fn resolve_sources(
        &mut self,
        ids: &[doc_types::Id],
        index: &HashMap<&str, usize>,
        file: FileId,
    ) -> Vec<usize> {
        let mut out = Vec::new();
        for id in ids {
            match index.get(id.value.as_str()) {
                Some(&i) => out.push(i),
                None => self.unknown_source(id, index, file),
            }
        }
        out
    }

    pub(super) fn resolve_evidence(
        &mut self,
        notes: &[doc_types::Evidence],
        index: &HashMap<&str, usize>,
        file: FileId,
        for_criterion: bool,
    ) -> Vec<EvidenceNote> {
        let mut out = Vec::new();
        for n in notes {
            match index.get(n.source.value.as_str()) {
                Some(&source) => {
                    let at = Span::of(file, &n.source);
                    let when = match (&n.when, for_criterion) {
                        (Some(c), true) => Some(self.condition(c, file)),
                        (Some(_), false) => {
                            self.error(
                                at,
                                "`when` is for the evidence of criteria, which a case can select; a question's evidence is always shown",
                            );
                            None
                        }
                        (None, _) => None,
                    };
                    out.push(EvidenceNote {
                        text: self.text(&n.text, at, "evidence text", Lines::One),
                        source,
                        when,
                    });
                }
                None => self.unknown_source(&n.source, index, file),
            }
        }
        out
    }

    pub(super) fn check_id(&mut self, id: &doc_types::Id, what: &str, file: FileId) {
        if !valid_id(&id.value) {
            self.error(
                Span::of(file, id),
                format!(
                    "{what} id '{}' is not valid: use letters, digits, '_', '-' or '.', starting with a letter or digit (at most 64)",
                    id.value.escape_debug()
                ),
            );
        }
    }

    /// Records `id` in `seen`; reports a duplicate and returns false if it was there.
    pub(super) fn unique<'a>(
        &mut self,
        seen: &mut HashMap<&'a str, Span>,
        id: &'a doc_types::Id,
        what: &str,
        file: FileId,
    ) -> bool {
        let span = Span::of(file, id);
        if let Some(first) = seen.get(id.value.as_str()) {
            let d = Diagnostic::error(span, format!("duplicate {what} id '{}'", id.value))
                .with_related(*first, "first defined here");
            self.diagnostics.push(d);
            false
        } else {
            seen.insert(&id.value, span);
            true
        }
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
