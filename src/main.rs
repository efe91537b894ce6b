//! Thin entry point: parse the command line, then hand over to the library.

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = briefly::cli::Cli::parse();
    match briefly::cli::run(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("briefly: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
