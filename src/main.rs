//! The `sij-screen` binary: all of it is in the library's `cli` layer.

fn main() -> std::process::ExitCode {
    sij_screen::cli_main()
}
