//! What machine a benchmark ran on, printed with its results: figures from different
//! VMs of the same kind differ, and a report should say which one it came from.

/// "2 cores, AMD EPYC" (the CPU model as /proc/cpuinfo names it).
pub fn describe() -> String {
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|line| line.starts_with("model name"))
                .and_then(|line| line.split_once(':'))
                .map(|(_, name)| name.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".to_string());
    format!("{cores} cores, {cpu}")
}
