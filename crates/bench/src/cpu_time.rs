//! CPU time spent, read from /proc: on a machine whose cores are all busy, wall time is
//! CPU time over the core count, so the CPU seconds each side spends say where a wall
//! time difference comes from.

use anyhow::Context;

/// Linux reports /proc times in USER_HZ ticks, 100 per second on every architecture
/// it exports them for.
const TICKS_PER_SECOND: f64 = 100.0;

/// User + system CPU seconds used so far by process `pid` (all its threads).
pub fn of_process(pid: u32) -> anyhow::Result<f64> {
    let fields = stat_fields(&format!("/proc/{pid}/stat"))?;
    Ok(ticks(&fields, 14)? + ticks(&fields, 15)?)
}

/// User + system CPU seconds used by this process's children that have been waited for.
pub fn of_finished_children() -> anyhow::Result<f64> {
    let fields = stat_fields("/proc/self/stat")?;
    Ok(ticks(&fields, 16)? + ticks(&fields, 17)?)
}

/// The fields after the command name (which may hold spaces), numbered as in proc(5):
/// the first returned is field 3.
fn stat_fields(path: &str) -> anyhow::Result<Vec<String>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {path}"))?;
    let after_name = text.rsplit_once(')').map(|(_, rest)| rest).context("no command name in stat")?;
    Ok(after_name.split_whitespace().map(str::to_string).collect())
}

fn ticks(fields: &[String], number: usize) -> anyhow::Result<f64> {
    let raw = fields.get(number - 3).with_context(|| format!("stat field {number} missing"))?;
    let ticks: u64 = raw.parse().with_context(|| format!("stat field {number} = {raw:?}"))?;
    Ok(ticks as f64 / TICKS_PER_SECOND)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_cpu_spent_by_this_process_and_a_child() {
        let before_self = of_process(std::process::id()).unwrap();
        let before_children = of_finished_children().unwrap();
        // Burn a little CPU here and in a child so both counters must move. A fixed amount
        // of work (about 0.4 s of one core), not of wall time: on a loaded machine 300 ms
        // of wall time can hold less than 100 ms of CPU.
        let mut x = 0u64;
        for _ in 0..400_000_000u64 {
            x = std::hint::black_box(x.wrapping_mul(6364136223846793005).wrapping_add(1));
        }
        let status = std::process::Command::new("sh")
            .args(["-c", "i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done"])
            .status()
            .unwrap();
        assert!(status.success());
        assert!(of_process(std::process::id()).unwrap() - before_self >= 0.1);
        assert!(of_finished_children().unwrap() - before_children >= 0.05);
    }
}
