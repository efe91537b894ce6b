//! Making sure OpenBLAS uses the matrix kernels this CPU can run.
//!
//! Why: OpenBLAS (whisper.cpp's encoder runs its large matrix products there) picks its
//! kernels once, when the library loads, from the CPU's model number. A release older
//! than the CPU does not know the model and falls back to its Prescott (SSE3) kernels:
//! Debian 12's OpenBLAS 0.3.21 does that on Emerald Rapids Xeons (family 6, model 207),
//! where `perf` showed `sgemm_kernel_PRESCOTT` taking a third of transcription's CPU
//! time. `OPENBLAS_CORETYPE` overrides the choice, but only if it is set before the
//! library loads, which is before `main` runs. So when OpenBLAS has fallen back to
//! Prescott on a CPU with AVX2, the process runs itself again, once, with the variable
//! set ([`run_with_cpu_kernels`]). An explicit `OPENBLAS_CORETYPE` is always respected.

use std::ffi::{c_char, CStr};

/// What OpenBLAS falls back to when it does not recognise the CPU.
const FALLBACK_KERNEL: &str = "Prescott";
pub const ENV: &str = "OPENBLAS_CORETYPE";

extern "C" {
    fn openblas_get_corename() -> *const c_char;
}

/// The kernel family OpenBLAS chose when it loaded, e.g. "SkylakeX" or "Prescott".
#[allow(unsafe_code)]
pub fn current() -> String {
    // SAFETY: openblas_get_corename returns a pointer to a static NUL-terminated name
    // (or null in builds without dynamic kernel selection); it takes no arguments.
    let name = unsafe { openblas_get_corename() };
    if name.is_null() {
        return "unknown".to_string();
    }
    // SAFETY: non-null, static and NUL-terminated, as above.
    unsafe { CStr::from_ptr(name) }.to_string_lossy().into_owned()
}

/// The CPU features the choice depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CpuVectors {
    /// AVX-512 F, BW, VL, DQ and CD: what OpenBLAS's SkylakeX kernels use.
    pub avx512: bool,
    /// AVX2 and FMA: what its Haswell kernels use.
    pub avx2: bool,
}

impl CpuVectors {
    pub fn of_this_cpu() -> CpuVectors {
        #[cfg(target_arch = "x86_64")]
        {
            use std::arch::is_x86_feature_detected as has;
            CpuVectors {
                avx512: has!("avx512f") && has!("avx512bw") && has!("avx512vl") && has!("avx512dq") && has!("avx512cd"),
                avx2: has!("avx2") && has!("fma"),
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        CpuVectors { avx512: false, avx2: false }
    }
}

/// The kernel to ask for instead of `chosen`, if OpenBLAS fell back to its generic one
/// on a CPU that can do better; `None` to leave its choice alone.
pub fn better_kernel(chosen: &str, cpu: CpuVectors) -> Option<&'static str> {
    if !chosen.eq_ignore_ascii_case(FALLBACK_KERNEL) {
        return None;
    }
    if cpu.avx512 {
        Some("SkylakeX")
    } else if cpu.avx2 {
        Some("Haswell")
    } else {
        None
    }
}

/// Call first thing in `main`, before any thread starts: when OpenBLAS fell back to
/// Prescott kernels on a CPU with AVX2 and nobody set `OPENBLAS_CORETYPE`, replace this
/// process with itself, same arguments, with the variable set. Returns (doing nothing)
/// otherwise, or if running itself again fails.
pub fn run_with_cpu_kernels() {
    if std::env::var_os(ENV).is_some() {
        return;
    }
    let Some(kernel) = better_kernel(&current(), CpuVectors::of_this_cpu()) else {
        return;
    };
    let Ok(exe) = std::env::current_exe() else {
        return;
    };
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        let err = std::process::Command::new(exe).args(std::env::args_os().skip(1)).env(ENV, kernel).exec();
        // Only reached if exec failed: carry on with the slow kernels, and say so.
        eprintln!("briefly: could not restart with {ENV}={kernel} ({err}); transcription will be slower");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const AVX512: CpuVectors = CpuVectors { avx512: true, avx2: true };
    const AVX2: CpuVectors = CpuVectors { avx512: false, avx2: true };
    const SSE: CpuVectors = CpuVectors { avx512: false, avx2: false };

    #[test]
    fn only_the_generic_fallback_is_replaced_and_only_when_the_cpu_can_do_better() {
        assert_eq!(better_kernel("Prescott", AVX512), Some("SkylakeX"));
        assert_eq!(better_kernel("PRESCOTT", AVX2), Some("Haswell"));
        assert_eq!(better_kernel("Prescott", SSE), None);
        assert_eq!(better_kernel("SkylakeX", AVX512), None);
        assert_eq!(better_kernel("Zen", AVX2), None);
        assert_eq!(better_kernel("Haswell", AVX512), None);
    }

    #[test]
    fn the_linked_library_names_the_kernel_it_chose() {
        // Debian's OpenBLAS selects kernels at load time (DYNAMIC_ARCH), so it always
        // has a name such as "SkylakeX" or "Prescott".
        let name = current();
        assert_ne!(name, "unknown");
        assert!(!name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric()), "{name:?}");
    }
}
