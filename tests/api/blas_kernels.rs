//! The `briefly` binary runs OpenBLAS with kernels this CPU can run: on a CPU newer than
//! the installed OpenBLAS (Debian 12's 0.3.21 on an Emerald Rapids Xeon), the library
//! falls back to its generic Prescott kernels unless the process restarts itself with
//! `OPENBLAS_CORETYPE` set.

use std::process::Command;

use briefly::speech::openblas_kernel::{better_kernel, CpuVectors, ENV};

fn kernel_reported_by_binary(env: Option<&str>) -> String {
    let data_dir = tempfile::tempdir().unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_briefly"));
    command.arg("config").env("BRIEFLY_DATA_DIR", data_dir.path()).env("RUST_LOG", "warn");
    match env {
        Some(kernel) => command.env(ENV, kernel),
        None => command.env_remove(ENV),
    };
    let output = command.output().expect("run briefly config");
    assert!(output.status.success(), "briefly config failed: {}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    stdout
        .lines()
        .find_map(|line| line.strip_prefix("openblas_kernel: "))
        .unwrap_or_else(|| panic!("no openblas_kernel line in: {stdout}"))
        .to_string()
}

#[test]
fn the_binary_never_runs_the_generic_fallback_kernels_on_a_cpu_that_can_do_better() {
    let kernel = kernel_reported_by_binary(None);
    assert_eq!(better_kernel(&kernel, CpuVectors::of_this_cpu()), None, "OpenBLAS runs {kernel} kernels");
}

#[test]
fn an_explicit_kernel_choice_is_respected() {
    assert_eq!(kernel_reported_by_binary(Some("Prescott")), "Prescott");
}
