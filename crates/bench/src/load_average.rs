//! The machine's load average, printed next to results: numbers taken while other work
//! runs on this 2-core machine are noisy, and the report should say so.

pub fn now() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|text| text.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| "unknown".to_string())
}
