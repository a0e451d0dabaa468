//! Parsing one YAML (or JSON) document under explicit resource budgets.
//!
//! Every file this tool reads is untrusted, and YAML has features (aliases,
//! deep nesting) that can make a small file expensive; the budget stops those
//! early and says which limit was hit. Duplicate keys are refused: "last one
//! wins" would silently drop an answer. Parse errors become positioned
//! [`Diagnostic`]s built from serde-saphyr's structured errors, with a
//! did-you-mean for a misspelt key.

use serde::de::DeserializeOwned;
use serde_saphyr::{
    Budget, DefaultMessageFormatter, DuplicateKeyPolicy, Error, Location, MergeKeyPolicy,
    MessageFormatter, Options,
};

use super::read::MAX_FILE_BYTES;
use crate::diagnostics::suggest;
use crate::diagnostics::{Diagnostic, FileId, Span};

/// YAML nesting depth accepted. Conditions nest a few levels; 64 is generous
/// and keeps recursion far from the stack's limit.
pub const MAX_DEPTH: usize = 64;

/// The resource budget every YAML document is parsed under.
pub fn budget() -> Budget {
    let mut b = Budget::default();
    b.max_depth = MAX_DEPTH;
    b.max_documents = 1;
    b.max_nodes = 500_000;
    b.max_events = 2_000_000;
    b.max_aliases = 10_000;
    b.max_anchors = 10_000;
    b.max_recorded_anchor_events = 200_000;
    b.max_total_scalar_bytes = usize::try_from(MAX_FILE_BYTES).unwrap_or(usize::MAX);
    b
}

fn options() -> Options {
    let mut o = Options::default();
    o.budget = Some(budget());
    o.duplicate_keys = DuplicateKeyPolicy::Error;
    // YAML 1.2 core: a 1.1 merge key (`<<`) would give one key two values
    // without a word, and an unknown tag could change what a value means;
    // both are refused at their place.
    o.merge_keys = MergeKeyPolicy::Error;
    o.reject_unsupported_tags = true;
    o
}

/// Parses one document of `file` under the budget.
pub fn parse<T: DeserializeOwned>(text: &str, file: FileId) -> Result<T, Diagnostic> {
    if text.trim().is_empty() {
        return Err(Diagnostic::error(Span::start(file), "the file is empty"));
    }
    serde_saphyr::from_str_with_options::<T>(text, options()).map_err(|e| diagnostic(&e, file))
}

/// The error the parser met, behind any alias or snippet wrappers.
fn original(mut e: &Error) -> &Error {
    while let Error::AliasError { error, .. } | Error::WithSnippet { error, .. } = e {
        e = error;
    }
    e
}

fn known(l: Location) -> Option<Location> {
    (l != Location::UNKNOWN).then_some(l)
}

/// Which of the parser's limits a file went past, in words (the library
/// offers only its Debug text).
fn breach_words(b: &serde_saphyr::budget::BudgetBreach) -> String {
    use serde_saphyr::budget::BudgetBreach as B;
    match b {
        B::Events { events } => format!("{events} parser events"),
        B::Aliases { aliases } => format!("{aliases} aliases"),
        B::Anchors { anchors } => format!("{anchors} anchors"),
        B::Depth { depth } => format!("nesting {depth} deep"),
        B::Documents { documents } => format!("{documents} documents"),
        B::Nodes { nodes } => format!("{nodes} nodes"),
        B::ScalarBytes { total_scalar_bytes } => format!("{total_scalar_bytes} bytes of values"),
        B::MergeKeys { merge_keys } => format!("{merge_keys} merge keys"),
        B::AliasAnchorRatio { aliases, anchors } => {
            format!("{aliases} aliases to {anchors} anchors")
        }
        B::SequenceUnbalanced => "unbalanced nesting".to_string(),
        B::InputBytes { input_bytes } => format!("{input_bytes} bytes of input"),
        _ => "a parser limit".to_string(),
    }
}

/// A parse error as a diagnostic: the library's message for the error's
/// kind (never its rendered text with places baked in), a help line where
/// one helps, and the anchor's place for an error met through an alias.
fn diagnostic(e: &Error, file: FileId) -> Diagnostic {
    let inner = original(e);
    let (message, help) = match inner {
        Error::Budget { breach, .. } => (
            format!(
                "YAML safety limit exceeded: {}; the file expands (through nesting or aliases) past what a rule set or answers file needs",
                breach_words(breach)
            ),
            Some("see \"Resource limits\" in docs/guarantees.md".to_string()),
        ),
        Error::MergeKeyNotAllowed { .. } => (
            "a YAML merge key (`<<`) is not read: write each key out".to_string(),
            Some("files are read as YAML 1.2, which has no merge keys".into()),
        ),
        Error::DuplicateMappingKey { key, .. } => (
            match key {
                Some(k) => format!("duplicate key `{k}`"),
                None => "duplicate key".to_string(),
            },
            Some("each key may appear once; a second one would silently replace the first".into()),
        ),
        Error::SerdeUnknownField {
            field, expected, ..
        } => (
            format!(
                "unknown field `{field}`, expected one of {}",
                expected.join(", ")
            ),
            suggest::help(field, expected.iter().copied()),
        ),
        Error::SerdeUnknownVariant {
            variant, expected, ..
        } => (
            format!(
                "unknown variant `{variant}`, expected one of {}",
                expected.join(", ")
            ),
            suggest::help(variant, expected.iter().copied()),
        ),
        other => {
            let text = DefaultMessageFormatter.format_message(other);
            let text = text.trim();
            (
                if text.is_empty() {
                    "invalid YAML".to_string()
                } else {
                    text.to_string()
                },
                None,
            )
        }
    };
    let span = e
        .location()
        .and_then(known)
        .map_or(Span::start(file), |l| Span::from_location(file, l));
    let mut d = Diagnostic::error(span, message).with_help(help);
    if let Some(locs) = e.locations()
        && let Some(defined) = known(locs.defined_location)
        && defined != locs.reference_location
    {
        d = d.with_related(Span::from_location(file, defined), "anchor defined here");
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Doc {
        abc: u32,
    }

    #[test]
    fn parse_errors_carry_position_and_a_bare_message() {
        let e = parse::<Doc>("abc: 1\nabd: 2\n", FileId::MAIN).expect_err("unknown key");
        assert_eq!((e.span.line, e.span.column), (2, 1));
        assert!(
            e.message.starts_with("unknown field `abd`"),
            "{}",
            e.message
        );
        assert!(!e.message.contains("line"), "{}", e.message);
        assert_eq!(e.help.as_deref(), Some("did you mean 'abc'?"));
    }

    #[test]
    fn empty_text_is_its_own_error() {
        let e = parse::<Doc>("  \n", FileId::MAIN).expect_err("empty");
        assert_eq!(e.message, "the file is empty");
    }

    #[test]
    fn duplicate_keys_are_rejected() {
        let e = parse::<Doc>("abc: 1\nabc: 2\n", FileId::MAIN).expect_err("duplicate");
        assert_eq!(e.span.line, 2);
        assert_eq!(e.message, "duplicate key `abc`");
    }

    #[test]
    fn aliases_of_a_large_string_hit_the_budget_and_say_which() {
        let big = "x".repeat(1_000_000);
        let refs = vec!["*a"; 20].join(", ");
        let y = format!("keep: &a \"{big}\"\nlist: [{refs}]\n");
        let e = parse::<serde_json::Value>(&y, FileId::MAIN).expect_err("expands past 8 MiB");
        assert!(
            e.message.starts_with("YAML safety limit exceeded: 9000008")
                && e.message.contains(" bytes of values; "),
            "{}",
            e.message
        );
    }

    #[test]
    fn alias_bomb_hits_the_budget() {
        let mut y = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            y.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let e = parse::<serde_json::Value>(&y, FileId::MAIN).expect_err("bomb");
        assert!(e.message.contains("limit"), "{}", e.message);
    }

    #[test]
    fn deep_nesting_hits_the_depth_limit() {
        let y = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        let e = parse::<serde_json::Value>(&y, FileId::MAIN).expect_err("deep");
        assert!(!e.message.is_empty());
    }

    /// Regression: a YAML 1.1 merge key gave one key two values without a
    /// word; it is refused at its place.
    #[test]
    fn a_merge_key_is_refused_at_its_place() {
        let y =
            "base: &b { saddle_anaesthesia: yes }\nanswers:\n  <<: *b\n  saddle_anaesthesia: no\n";
        let e = parse::<serde_json::Value>(y, FileId::MAIN).expect_err("refused");
        assert!(e.message.contains("merge key"), "{}", e.message);
        assert_eq!(e.span.line, 3);
    }

    /// A tag the reader does not know could change what a value means; it
    /// is refused rather than ignored.
    #[test]
    fn an_unknown_tag_is_refused() {
        let e = parse::<serde_json::Value>("answers:\n  flag: !maybe yes\n", FileId::MAIN)
            .expect_err("refused");
        assert_eq!(e.span.line, 2, "{}", e.message);
    }
}
