use std::process::ExitCode;

fn main() -> ExitCode {
    sij_screen::app::main()
}
