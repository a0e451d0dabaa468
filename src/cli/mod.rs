//! The command line: arguments, one file per command, output, atomic files,
//! interrupts and the interactive walk. The top layer: it may use every other
//! part of the crate, and nothing else uses it.
//!
//! Flow: [`args`] parses, [`request`] turns that into plain values once,
//! [`run`] dispatches to `commands::<name>::run`, and any error is printed
//! in one place ([`report_error`]) with its documented exit code.

pub mod args;
pub mod atomic;
pub mod clock;
pub mod commands;
pub mod exit;
pub mod interrupt;
pub mod output;
pub mod request;
pub mod screening;
pub mod usage;
pub mod walk;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;

use self::exit::{AppError, Exit};
use self::request::{Request, Settings};
use crate::diagnostics;

/// The program: parse arguments, run, print any error, exit.
pub fn main() -> ExitCode {
    let cli = match args::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                Exit::Usage.into()
            } else {
                Exit::Success.into()
            };
        }
    };
    let (settings, request) = request::from_cli(cli);
    // Ctrl-C and SIGTERM mean exit 130 for every command, with one line.
    interrupt::install();
    // A panic is a bug; it still ends with one line, the cursor back, and
    // the documented exit code for "could not finish", never a backtrace.
    std::panic::set_hook(Box::new(|info| {
        output::restore_cursor();
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        output::eprintln(&format!(
            "sij-screen: internal error{place}: {}; nothing was written (please report this)",
            diagnostics::inert(&panic_message(info.payload()))
        ));
    }));
    match std::panic::catch_unwind(|| run(&settings, request)) {
        Ok(Ok(exit)) => exit.into(),
        Ok(Err(e)) => {
            report_error(&settings, &e);
            e.exit().into()
        }
        Err(_) => Exit::Usage.into(),
    }
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown".into())
}

/// Runs one request.
pub fn run(settings: &Settings, request: Request) -> Result<Exit, AppError> {
    use commands as c;
    match request {
        Request::Run(r) => c::run::run(settings, &r),
        Request::Validate { files } => c::validate::run(settings, &files),
        Request::Rules => c::rules::run(),
        Request::Batch(r) => c::batch::run(settings, &r),
        Request::Compare(r) => c::compare::run(&r),
        Request::Explain { rules, format } => c::explain::run(&rules, format),
        Request::Graph { rules, format } => c::graph::run(&rules, format),
        Request::Export { rules, what } => c::export::run(&rules, what),
        Request::Schema { kind } => c::schema::run(&kind),
        Request::Completions { shell } => c::completions::run(shell),
        Request::Man { subcommand, dir } => c::man::run(subcommand.as_deref(), dir.as_deref()),
        Request::Test(r) => c::test::run(&r),
    }
}

/// Diagnostics rendered for standard error, in the chosen format.
pub fn render_diagnostics(settings: &Settings, ds: &diagnostics::Diagnostics) -> String {
    let color = output::use_color(request::ColorWhen::Auto, std::io::stderr().is_terminal());
    diagnostics::render::render(ds, settings.diagnostics, color)
}

fn report_error(settings: &Settings, e: &AppError) {
    match e {
        AppError::Invalid(diags) => {
            output::eprintln(&render_diagnostics(settings, diags));
            output::eprintln(&format!(
                "sij-screen: error: {} has {} error(s); nothing was screened",
                diagnostics::inert(diags.main_file()),
                diags.errors()
            ));
        }
        // Said as the signal handler says it: an interrupt is not an error.
        AppError::Interrupted(msg) => output::eprintln(&format!(
            "\nsij-screen: interrupted: {}",
            diagnostics::inert(msg)
        )),
        other => output::eprintln(&format!(
            "sij-screen: error: {}",
            diagnostics::inert(&other.to_string())
        )),
    }
}
