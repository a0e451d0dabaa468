//! `sij-screen man`: manual pages in roff, one for the program and one per
//! subcommand (`sij-screen man run`, or all of them into a folder with
//! `--dir`), each with EXIT STATUS and ENVIRONMENT sections of their own.
//! `mandoc -T lint` finds nothing in them (a test runs it where mandoc is
//! installed; CI installs it).

use std::path::Path;

use clap::CommandFactory;

use crate::cli::args::Cli;
use crate::cli::exit::{AppError, EXIT_CODES, Exit};
use crate::cli::output;
use crate::cli::usage::UsageError;
use crate::diagnostics::suggest;

/// Text made safe for roff: a backslash is doubled, and a leading `.` or
/// `'` would start a request.
fn roff(text: &str) -> String {
    let t = text.replace('\\', "\\e").replace('`', "");
    match t.chars().next() {
        Some('.' | '\'') => format!("\\&{t}"),
        _ => t,
    }
}

/// The sections every page ends with.
fn common_sections() -> String {
    let mut s = String::from(".SH \"EXIT STATUS\"\n");
    for (exit, meaning) in EXIT_CODES {
        s.push_str(&format!(".TP\n.B {}\n{}\n", exit.code(), roff(meaning)));
    }
    s.push_str(
        ".SH ENVIRONMENT\n\
         .TP\n.B NO_COLOR\nWhen set (to anything), no colour is used on a terminal.\n\
         .TP\n.B COLUMNS\nThe width that tables and summaries are wrapped to when the output is not a terminal (default 100).\n\
         .TP\n.B TERM\nThe walk needs a terminal that can move the cursor; without one, use \\fB\\-\\-answers\\fR.\n\
         .SH NOTES\n\
         Not medical advice: an educational aid that applies published selection criteria mechanically.\n\
         Nothing is written to disk unless asked for, and nothing is sent over the network.\n\
         .SH \"SEE ALSO\"\n\
         .BR sij-screen (1),\n",
    );
    let subs: Vec<String> = Cli::command()
        .get_subcommands()
        .filter(|c| c.get_name() != "help")
        .map(|c| format!(".BR sij-screen-{} (1)", c.get_name()))
        .collect();
    s.push_str(&subs.join(",\n"));
    s.push('\n');
    s
}

/// The page of the program (`None`) or of one subcommand.
pub fn page(name: Option<&str>) -> Result<String, AppError> {
    let root = Cli::command();
    let cmd = match name {
        None => root.clone(),
        Some(n) => {
            let Some(sub) = root.find_subcommand(n) else {
                let names = root.get_subcommands().map(|c| c.get_name());
                let hint = suggest::did_you_mean(n, names);
                return Err(UsageError::NoSubcommand {
                    name: n.to_string(),
                    hint,
                }
                .into());
            };
            let title = format!("sij-screen-{n}");
            sub.clone()
                .display_name(title)
                .bin_name(format!("sij-screen {n}"))
                .version(env!("CARGO_PKG_VERSION"))
        }
    };
    // The exit codes have their own section; clap's copy after the options
    // is dropped from the page.
    let cmd = cmd.after_help("").after_long_help("");
    let title = match name {
        None => "SIJ-SCREEN".to_string(),
        Some(n) => format!("SIJ-SCREEN-{}", n.to_uppercase()),
    };
    let man = clap_mangen::Man::new(cmd.clone())
        .title(title)
        .section("1")
        .date(MAN_DATE)
        .source(format!("sij-screen {}", env!("CARGO_PKG_VERSION")))
        .manual("User Commands");
    let mut buf = Vec::new();
    let render = |buf: &mut Vec<u8>| -> std::io::Result<()> {
        man.render_title(buf)?;
        man.render_name_section(buf)?;
        man.render_synopsis_section(buf)?;
        man.render_description_section(buf)?;
        if cmd.get_arguments().any(|a| !a.is_hide_set()) {
            man.render_options_section(buf)?;
        }
        if name.is_none() {
            man.render_subcommands_section(buf)?;
        }
        Ok(())
    };
    render(&mut buf).map_err(AppError::stdout)?;
    let mut text = String::from_utf8_lossy(&buf).into_owned();
    text.push_str(&common_sections());
    if let Some(v) = cmd.get_version() {
        text.push_str(&format!(".SH VERSION\nv{}\n", roff(v)));
    }
    Ok(tidy(&text))
}

/// The date on the pages: when their text last changed (a fixed date, so
/// that the pages are reproducible).
const MAN_DATE: &str = "2026-11-22";

/// Makes clap_mangen's roff pass `mandoc -T lint`: no trailing spaces, no
/// line break next to a paragraph break, and text lines of at most 80
/// bytes (split at spaces; roff joins them again).
fn tidy(text: &str) -> String {
    let lines: Vec<&str> = text.lines().map(str::trim_end).collect();
    let blank = |l: Option<&&str>| l.is_none_or(|l| l.is_empty() || *l == ".sp");
    let mut out = String::with_capacity(text.len());
    for (i, line) in lines.iter().enumerate() {
        if *line == ".br" && (blank(lines.get(i + 1)) || i == 0 || blank(lines.get(i - 1))) {
            continue;
        }
        if line.is_empty() {
            out.push_str(".sp\n");
            continue;
        }
        if line.starts_with('.') || line.len() <= 80 {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        let mut current = String::new();
        for word in line.split(' ') {
            if !current.is_empty() && current.len() + 1 + word.len() > 80 {
                out.push_str(&current);
                out.push('\n');
                current.clear();
            }
            if !current.is_empty() {
                current.push(' ');
            } else if word.starts_with(['.', '\'']) {
                current.push_str("\\&");
            }
            current.push_str(word);
        }
        out.push_str(&current);
        out.push('\n');
    }
    out
}

/// Writes every page into `dir` as `NAME.1`.
fn write_all(dir: &Path) -> Result<Vec<String>, AppError> {
    std::fs::create_dir_all(dir).map_err(|e| AppError::Write {
        path: dir.display().to_string(),
        source: e,
    })?;
    let mut names = vec![None];
    names.extend(
        Cli::command()
            .get_subcommands()
            .filter(|c| c.get_name() != "help")
            .map(|c| Some(c.get_name().to_string())),
    );
    let mut written = Vec::new();
    for n in names {
        let file = match &n {
            None => "sij-screen.1".to_string(),
            Some(n) => format!("sij-screen-{n}.1"),
        };
        let path = dir.join(&file);
        std::fs::write(&path, page(n.as_deref())?).map_err(|e| AppError::Write {
            path: path.display().to_string(),
            source: e,
        })?;
        written.push(file);
    }
    Ok(written)
}

pub fn run(name: Option<&str>, dir: Option<&Path>) -> Result<Exit, AppError> {
    match dir {
        Some(dir) => {
            let written = write_all(dir)?;
            output::eprintln(&format!(
                "wrote {} pages to {}: {}",
                written.len(),
                dir.display(),
                written.join(", ")
            ));
        }
        None => output::stdout(&page(name)?)?,
    }
    Ok(Exit::Success)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_page_has_exit_status_and_environment() {
        let mut names: Vec<Option<String>> = vec![None];
        names.extend(
            Cli::command()
                .get_subcommands()
                .filter(|c| c.get_name() != "help")
                .map(|c| Some(c.get_name().to_string())),
        );
        for n in names {
            let page = page(n.as_deref()).expect("renders");
            assert!(page.contains(".SH \"EXIT STATUS\""), "{n:?}");
            for (exit, _) in EXIT_CODES {
                assert!(page.contains(&format!(".B {}\n", exit.code())), "{n:?}");
            }
            assert!(page.contains(".SH ENVIRONMENT\n.TP\n.B NO_COLOR"), "{n:?}");
            assert!(!page.contains("Exit codes:"), "{n:?}: not twice");
        }
        assert!(
            page(Some("run"))
                .expect("run")
                .contains(".TH SIJ-SCREEN-RUN 1 2026-11-22")
        );
        assert!(page(Some("nope")).is_err());
    }
}
