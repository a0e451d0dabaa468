//! Finding and loading rule sets: bundled ones by id, others by path.
//!
//! Bundled rule sets are compiled into the binary (`include_str!`), so the
//! tool works from any directory and a result's hash always matches the text
//! the binary carries.

use std::path::Path;

use crate::diagnostic::Diagnostics;
use crate::diagnostic::{Diagnostic, Pos};
use crate::error::AppError;
use crate::load;
use crate::model::{self, BankDoc, RuleSetDoc};
use crate::ruleset::RuleSet;
use crate::validate::{self, Bank};

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
        text: include_str!("../rules/nass-2015.yaml"),
    },
    Bundled {
        id: "evicore-cmm-611",
        text: include_str!("../rules/evicore-cmm-611.yaml"),
    },
    Bundled {
        id: "insite-sifi-2016",
        text: include_str!("../rules/insite-sifi-2016.yaml"),
    },
];

/// Bundled vignettes: (rule set id, `rules/<id>.vignettes.yaml`).
pub const VIGNETTES: &[(&str, &str)] = &[
    (
        "nass-2015",
        include_str!("../rules/nass-2015.vignettes.yaml"),
    ),
    (
        "evicore-cmm-611",
        include_str!("../rules/evicore-cmm-611.vignettes.yaml"),
    ),
    (
        "insite-sifi-2016",
        include_str!("../rules/insite-sifi-2016.vignettes.yaml"),
    ),
];

/// Bundled question banks (`rules/banks/<id>.yaml`).
pub const BANKS: &[Bundled] = &[Bundled {
    id: "sij-questions",
    text: include_str!("../rules/banks/sij-questions.yaml"),
}];

/// A compiled rule set with where it came from and its warnings.
#[derive(Debug)]
pub struct Loaded {
    pub rules: RuleSet,
    /// How to name the file in messages: `rules/<id>.yaml (bundled)` or the path.
    pub name: String,
    pub warnings: Diagnostics,
}

pub fn bundled(id: &str) -> Option<&'static Bundled> {
    BUNDLED.iter().find(|b| b.id == id)
}

/// Loads `spec`: a bundled id, or else a path to a rule-set file.
pub fn load(spec: &str) -> Result<Loaded, AppError> {
    if let Some(b) = bundled(spec) {
        return compile_text(&format!("rules/{}.yaml", b.id), b.text).map_err(AppError::Invalid);
    }
    let path = Path::new(spec);
    if !path.exists()
        && !spec.contains(['/', '\\'])
        && !spec.ends_with(".yaml")
        && !spec.ends_with(".yml")
    {
        let ids: Vec<&str> = BUNDLED.iter().map(|b| b.id).collect();
        return Err(AppError::Usage(format!(
            "no bundled rule set '{spec}' and no such file (bundled: {}; see `sij-screen rules`)",
            ids.join(", ")
        )));
    }
    let text = load::read_text(path)?;
    compile_text(spec, &text).map_err(AppError::Invalid)
}

/// Parses, validates and compiles rule-set text. On success the warnings come
/// with it; on failure every diagnostic (errors and warnings).
pub fn compile_text(name: &str, text: &str) -> Result<Loaded, Diagnostics> {
    let doc: RuleSetDoc = load::parse_yaml(text).map_err(|d| Diagnostics::new(name, vec![d]))?;
    let bank = match &doc.question_bank {
        Some(id) => Some(load_bank(name, id)?),
        None => None,
    };
    let bank_ref = bank.as_ref().map(|(bank_name, text, doc)| Bank {
        doc,
        name: bank_name,
        text,
    });
    let (rules, diags) = validate::compile(&doc, text, bank_ref);
    let diags = Diagnostics::new(name, diags);
    match rules {
        Some(rules) => Ok(Loaded {
            rules,
            name: name.to_string(),
            warnings: diags,
        }),
        None => Err(diags),
    }
}

/// Loads the question bank `id` names: a bundled bank, or a file relative
/// to the rule set `name`. Problems are reported at the reference.
fn load_bank(name: &str, id: &model::Id) -> Result<(String, String, BankDoc), Diagnostics> {
    let at = |msg: String| Diagnostics::new(name, vec![Diagnostic::error(Pos::of(id), msg)]);
    let (bank_name, text) = match BANKS.iter().find(|b| b.id == id.value) {
        Some(b) => (format!("rules/banks/{}.yaml", b.id), b.text.to_string()),
        None => {
            let dir = Path::new(name).parent().unwrap_or(Path::new("."));
            let path = dir.join(&id.value);
            let text = load::read_text(&path)
                .map_err(|e| at(format!("cannot load question bank: {e}")))?;
            (path.display().to_string(), text)
        }
    };
    let doc: BankDoc =
        load::parse_yaml(&text).map_err(|d| Diagnostics::new(&bank_name, vec![d]))?;
    Ok((bank_name, text, doc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bundled_rule_set_compiles_cleanly_and_matches_its_file_name() {
        for b in BUNDLED {
            let loaded = compile_text(b.id, b.text).unwrap_or_else(|d| panic!("{d}"));
            assert_eq!(loaded.rules.meta.id, b.id);
            assert!(loaded.warnings.items.is_empty(), "{}", loaded.warnings);
        }
        for b in BANKS {
            let doc: BankDoc = load::parse_yaml(b.text).unwrap_or_else(|d| panic!("{}", d.message));
            assert_eq!(doc.bank.value, b.id);
        }
        assert_eq!(BUNDLED[0].id, DEFAULT_ID);
    }

    /// Every bundled rule set is tested by its own vignettes: at least 12,
    /// all passing, every criterion made true, false and unknown.
    #[test]
    fn bundled_vignettes_pass_with_complete_coverage() {
        for b in BUNDLED {
            let rules = compile_text(b.id, b.text)
                .unwrap_or_else(|d| panic!("{d}"))
                .rules;
            let (_, text) = VIGNETTES
                .iter()
                .find(|(id, _)| *id == b.id)
                .expect("vignettes bundled");
            let doc: crate::vignette::VignetteDoc =
                load::parse_yaml(text).unwrap_or_else(|d| panic!("{}", d.message));
            let report = crate::vignette::run(&rules, &doc).unwrap_or_else(|d| panic!("{d:?}"));
            assert!(
                report.cases.len() >= 12,
                "{}: {} vignettes",
                b.id,
                report.cases.len()
            );
            for c in &report.cases {
                assert!(c.passed(), "{} / {}: {:?}", b.id, c.id, c.mismatches);
            }
            assert!(
                report.coverage_gaps.is_empty(),
                "{}: {:?}",
                b.id,
                report.coverage_gaps
            );
        }
    }
}
