//! Finding and loading rule sets: bundled ones by id, others by path.
//!
//! Bundled rule sets are compiled into the binary (`include_str!`), so the
//! tool works from any directory and a result's hash always matches the text
//! the binary carries.

use std::path::Path;

use super::{Bank, compile};
use crate::diagnostics::{Diagnostic, Diagnostics, FileId, SourceFile, Span, suggest};
use crate::engine::RuleSet;
use crate::files::read::{InputError, read_text};
use crate::files::rule_set::{BankDoc, Id, RuleSetDoc};
use crate::files::yaml;

/// A rule set embedded in the binary.
#[derive(Debug, Clone, Copy)]
pub struct Bundled {
    /// The rule set's id, which is also its file name without `.yaml`.
    pub id: &'static str,
    pub text: &'static str,
}

/// The id of the rule set used when none is named.
pub const DEFAULT_ID: &str = "nass-2015";

/// Every bundled rule set, default first.
pub const BUNDLED: &[Bundled] = &[
    Bundled {
        id: "nass-2015",
        text: include_str!("../../rules/nass-2015.yaml"),
    },
    Bundled {
        id: "evicore-cmm-611",
        text: include_str!("../../rules/evicore-cmm-611.yaml"),
    },
    Bundled {
        id: "insite-sifi-2016",
        text: include_str!("../../rules/insite-sifi-2016.yaml"),
    },
    Bundled {
        id: "bcbs-mp-555",
        text: include_str!("../../rules/bcbs-mp-555.yaml"),
    },
];

/// Bundled vignettes: (rule set id, `rules/<id>.vignettes.yaml`).
pub const VIGNETTES: &[(&str, &str)] = &[
    (
        "nass-2015",
        include_str!("../../rules/nass-2015.vignettes.yaml"),
    ),
    (
        "evicore-cmm-611",
        include_str!("../../rules/evicore-cmm-611.vignettes.yaml"),
    ),
    (
        "insite-sifi-2016",
        include_str!("../../rules/insite-sifi-2016.vignettes.yaml"),
    ),
    (
        "bcbs-mp-555",
        include_str!("../../rules/bcbs-mp-555.vignettes.yaml"),
    ),
];

/// Bundled question banks (`rules/banks/<id>.yaml`).
pub const BANKS: &[Bundled] = &[Bundled {
    id: "sij-questions",
    text: include_str!("../../rules/banks/sij-questions.yaml"),
}];

/// A compiled rule set and its warnings.
#[derive(Debug)]
pub struct Loaded {
    pub rules: RuleSet,
    pub warnings: Diagnostics,
    /// The files on disk it was read from (the rule set, its bank); empty
    /// for a bundled rule set. Writers refuse to overwrite these.
    pub paths: Vec<std::path::PathBuf>,
}

/// Why a rule set could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// Neither a bundled id nor a file.
    #[error("no bundled rule set '{name}' and no such file (bundled: {}; see `sij-screen rules`){}", bundled_ids(), suggestion.as_ref().map(|s| format!("; did you mean '{s}'?")).unwrap_or_default())]
    UnknownName {
        name: String,
        suggestion: Option<String>,
    },
    #[error(transparent)]
    Input(#[from] InputError),
    /// The file was read but has errors; every one is listed.
    #[error("{} has {} error(s)", .0.main_file(), .0.errors())]
    Invalid(Diagnostics),
}

fn bundled_ids() -> String {
    BUNDLED.iter().map(|b| b.id).collect::<Vec<_>>().join(", ")
}

pub fn bundled(id: &str) -> Option<&'static Bundled> {
    BUNDLED.iter().find(|b| b.id == id)
}

/// Loads `spec`: a bundled id, or else a path to a rule-set file.
pub fn load(spec: &str) -> Result<Loaded, LoadError> {
    if let Some(b) = bundled(spec) {
        return compile_text(&format!("rules/{}.yaml", b.id), b.text).map_err(LoadError::Invalid);
    }
    let path = Path::new(spec);
    if !path.exists()
        && !spec.contains(['/', '\\'])
        && !spec.ends_with(".yaml")
        && !spec.ends_with(".yml")
    {
        return Err(LoadError::UnknownName {
            name: spec.to_string(),
            suggestion: suggest::closest(spec, BUNDLED.iter().map(|b| b.id)).map(String::from),
        });
    }
    let text = read_text(path)?;
    let mut loaded = compile_text(spec, &text).map_err(LoadError::Invalid)?;
    loaded.paths.insert(0, path.to_path_buf());
    Ok(loaded)
}

/// Parses, validates and compiles rule-set text. On success the warnings come
/// with it; on failure every diagnostic (errors and warnings).
pub fn compile_text(name: &str, text: &str) -> Result<Loaded, Diagnostics> {
    let mut files = vec![SourceFile {
        name: name.to_string(),
        text: text.to_string(),
    }];
    let doc: RuleSetDoc =
        yaml::parse(text, FileId::MAIN).map_err(|d| Diagnostics::new(files.clone(), vec![d]))?;
    let bank = match &doc.question_bank {
        Some(id) => {
            let (bank_name, bank_text) =
                bank_text(name, id).map_err(|d| Diagnostics::new(files.clone(), vec![d]))?;
            files.push(SourceFile {
                name: bank_name,
                text: bank_text,
            });
            let parsed: BankDoc = yaml::parse(&files[1].text, FileId::BANK)
                .map_err(|d| Diagnostics::new(files.clone(), vec![d]))?;
            Some(parsed)
        }
        None => None,
    };
    let bank_ref = bank.as_ref().map(|doc| Bank {
        doc,
        text: &files[1].text,
    });
    let (rules, diags) = compile(&doc, text, bank_ref);
    let bank_path = match (&doc.question_bank, files.get(1)) {
        (Some(id), Some(bank)) if !BANKS.iter().any(|b| b.id == id.value) => {
            vec![std::path::PathBuf::from(&bank.name)]
        }
        _ => Vec::new(),
    };
    let diags = Diagnostics::new(files, diags);
    match rules {
        Some(rules) => Ok(Loaded {
            rules,
            warnings: diags,
            paths: bank_path,
        }),
        None => Err(diags),
    }
}

/// Finds the question bank `id` names: a bundled bank, or a file in the rule
/// set's own folder (or below it). Absolute paths and `..` are refused, so a
/// rule set cannot make the tool read (and echo) arbitrary files.
fn bank_text(name: &str, id: &Id) -> Result<(String, String), Diagnostic> {
    let at = |msg: String| Diagnostic::error(Span::of(FileId::MAIN, id), msg);
    if let Some(b) = BANKS.iter().find(|b| b.id == id.value) {
        return Ok((format!("rules/banks/{}.yaml", b.id), b.text.to_string()));
    }
    let relative = Path::new(&id.value);
    let escapes = relative.is_absolute()
        || relative.components().any(|c| {
            !matches!(
                c,
                std::path::Component::Normal(_) | std::path::Component::CurDir
            )
        });
    if escapes {
        return Err(at(format!(
            "question bank '{}' must be a bundled bank ({}) or a path inside the rule set's folder",
            id.value,
            BANKS.iter().map(|b| b.id).collect::<Vec<_>>().join(", ")
        )));
    }
    let dir = Path::new(name).parent().unwrap_or(Path::new("."));
    let path = dir.join(relative);
    let text = read_text(&path).map_err(|e| at(format!("cannot load question bank: {e}")))?;
    Ok((path.display().to_string(), text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bundled_rule_set_compiles_cleanly_and_matches_its_file_name() {
        for b in BUNDLED {
            let loaded = compile_text(b.id, b.text).unwrap_or_else(|d| panic!("{d:?}"));
            assert_eq!(loaded.rules.meta.id, b.id);
            assert!(loaded.warnings.items.is_empty(), "{:?}", loaded.warnings);
        }
        for b in BANKS {
            let doc: BankDoc =
                yaml::parse(b.text, FileId::BANK).unwrap_or_else(|d| panic!("{}", d.message));
            assert_eq!(doc.bank.value, b.id);
        }
        assert_eq!(BUNDLED[0].id, DEFAULT_ID);
    }

    #[test]
    fn none_is_reserved_on_a_tick_list_only() {
        let text = include_str!("../../tests/fixtures/ticks.yaml");
        let ticked = text.replace("{ id: b, label: Beta }", "{ id: none, label: None }");
        let d = compile_text("t.yaml", &ticked).expect_err("refused");
        assert!(
            d.items.iter().any(|i| i
                .message
                .contains("'none' is reserved on a multiple choice")),
            "{d:?}"
        );
        // A single choice may still have an option `none`.
        let single = ticked
            .replace("type: multiple_choice", "type: single_choice")
            .replace(
                "condition: { count: { question: contra, op: \">=\", value: 1 } }",
                "condition: { equals: { question: contra, option: a } }",
            );
        compile_text("t.yaml", &single).unwrap_or_else(|d| panic!("{d:?}"));
    }
}
