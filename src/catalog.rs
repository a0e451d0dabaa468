//! Finding and loading rule sets: bundled ones by id, others by path.
//!
//! Bundled rule sets are compiled into the binary (`include_str!`), so the
//! tool works from any directory and a result's hash always matches the text
//! the binary carries.

use std::path::Path;

use crate::diagnostic::Diagnostics;
use crate::error::AppError;
use crate::load;
use crate::model::RuleSetDoc;
use crate::ruleset::RuleSet;
use crate::validate;

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
pub const BUNDLED: &[Bundled] = &[Bundled {
    id: "nass-2015",
    text: include_str!("../rules/nass-2015.yaml"),
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
    let (rules, diags) = validate::compile(&doc, text);
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
        assert_eq!(BUNDLED[0].id, DEFAULT_ID);
    }
}
