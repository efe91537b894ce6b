//! Thin entry point: parse the command line, then hand over to the library.

use clap::Parser;

fn main() -> std::process::ExitCode {
    // Before any thread starts: may run this process again with faster BLAS kernels.
    briefly::speech::openblas_kernel::run_with_cpu_kernels();
    let cli = briefly::cli::Cli::parse();
    match briefly::cli::run(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("briefly: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
