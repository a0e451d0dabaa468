//! `sij-screen completions`: shell completion scripts.
//!
//! clap_complete (4.6) names the bash function's case arms for a
//! hyphenated binary differently from the state its loop computes
//! (`sij__subcmd__screen__subcmd__run` against `sij__screen__subcmd__run`),
//! so nothing completed past the subcommand. The bash script is corrected
//! here, and `--rules` / `-r` offer the bundled rule-set ids before files.
//! A test runs the script in a real bash.

use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::args::Cli;
use crate::cli::exit::{AppError, Exit};
use crate::cli::output;
use crate::compile::catalog::BUNDLED;

const BIN: &str = "sij-screen";

/// The completion script for `shell`.
pub fn script(shell: Shell) -> String {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), BIN, &mut buf);
    let text = String::from_utf8_lossy(&buf).into_owned();
    match shell {
        Shell::Bash => fix_bash(&text),
        _ => text,
    }
}

fn fix_bash(text: &str) -> String {
    // The state the loop computes is the binary name with `-` as `__`.
    let state = BIN.replace('-', "__");
    let wrong = BIN.replace('-', "__subcmd__");
    let ids: Vec<&str> = BUNDLED.iter().map(|b| b.id).collect();
    let rules = format!(
        "COMPREPLY=($(compgen -W \"{}\" -- \"${{cur}}\") $(compgen -f -- \"${{cur}}\"))",
        ids.join(" ")
    );
    let mut out = String::with_capacity(text.len());
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let line = line.replace(&wrong, &state);
        out.push_str(&line);
        out.push('\n');
        // `--rules)` / `-r)` arms: bundled ids, then files.
        let arm = line.trim();
        if (arm == "--rules)" || arm == "-r)")
            && let Some(next) = lines.peek()
            && next.trim() == "COMPREPLY=($(compgen -f \"${cur}\"))"
        {
            let indent = &next[..next.len() - next.trim_start().len()];
            out.push_str(indent);
            out.push_str(&rules);
            out.push('\n');
            lines.next();
        }
    }
    out
}

pub fn run(shell: Shell) -> Result<Exit, AppError> {
    output::stdout(&script(shell))?;
    Ok(Exit::Success)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bash_arms_match_the_loop_and_rules_complete_ids() {
        let s = script(Shell::Bash);
        assert!(!s.contains("sij__subcmd__screen"), "arms renamed");
        assert!(s.contains("        sij__screen__subcmd__export)"));
        assert!(
            s.contains("compgen -W \"nass-2015 evicore-cmm-611"),
            "bundled ids"
        );
    }
}
