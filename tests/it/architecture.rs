//! The source tree's layers depend one way: each top-level folder of `src/`
//! may use only the layers before it. This test reads every source file and
//! fails on a `crate::` path that points up (or on a layer missing from the
//! list), so the layering in `src/lib.rs` stays true.

use std::path::Path;

/// Bottom to top.
const LAYERS: [&str; 7] = [
    "diagnostics",
    "engine",
    "files",
    "compile",
    "analysis",
    "report",
    "cli",
];

fn rank(layer: &str) -> Option<usize> {
    LAYERS.iter().position(|l| *l == layer)
}

fn sources(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn layers_only_use_the_layers_before_them() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let mut problems = Vec::new();
    for file in &files {
        let rel = file.strip_prefix(&src).expect("under src");
        let mut parts = rel.components();
        let first = parts.next().expect("a path").as_os_str().to_string_lossy();
        if parts.next().is_none() {
            continue; // lib.rs and main.rs sit above every layer
        }
        let Some(own) = rank(&first) else {
            problems.push(format!(
                "{}: folder '{first}' is not a layer",
                rel.display()
            ));
            continue;
        };
        let text = std::fs::read_to_string(file).expect("read");
        for (n, line) in text.lines().enumerate() {
            // Doc links may point anywhere; only code creates a dependence.
            if line.trim_start().starts_with("//") {
                continue;
            }
            let mut rest = line;
            while let Some(i) = rest.find("crate::") {
                rest = &rest[i + "crate::".len()..];
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                match rank(&name) {
                    Some(r) if r > own => problems.push(format!(
                        "{}:{}: {first} uses {name}, a later layer",
                        rel.display(),
                        n + 1
                    )),
                    Some(_) => {}
                    None if name.is_empty() || name == "main" => {}
                    None => problems.push(format!(
                        "{}:{}: crate::{name} is not a layer",
                        rel.display(),
                        n + 1
                    )),
                }
            }
        }
    }
    assert!(files.len() > 20, "found only {} source files", files.len());
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
