//! The JSON Schema (draft-07) of rule-set files, generated from the model's
//! Rust types, so it cannot drift from what the loader accepts. Editors with
//! the YAML language server use it for completion and checking; the bundled
//! rule sets point at the copy in `schema/rule-set.schema.json`.

use crate::cli::exit::{AppError, Exit};
use crate::cli::output;
use crate::files::rule_set::RuleSetDoc;

/// The schema as pretty JSON with a trailing newline.
pub fn text() -> String {
    let generator = schemars::generate::SchemaSettings::draft07().into_generator();
    let schema = generator.into_root_schema_for::<RuleSetDoc>();
    let mut value = serde_json::to_value(&schema).unwrap_or(serde_json::Value::Null);
    if let Some(obj) = value.as_object_mut() {
        obj.insert("title".into(), "sij-screen rule set".into());
        obj.insert(
            "description".into(),
            "A rule set of selection criteria for sij-screen. See README.md, \"Rule-set format\"."
                .into(),
        );
    }
    crate::report::json::pretty(&value)
}

/// `sij-screen schema`: prints the schema.
pub fn run() -> Result<Exit, AppError> {
    output::stdout(&text())?;
    Ok(Exit::Success)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_checked_in_schema_is_current() {
        let shipped = include_str!("../../../schema/rule-set.schema.json");
        assert!(
            shipped == super::text(),
            "schema/rule-set.schema.json is stale: run `cargo run -- schema > schema/rule-set.schema.json`"
        );
    }
}
