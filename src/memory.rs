//! Memory: what the machine has, what this process used at its peak, and
//! the guard that refuses a run that would not fit before it starts.
//!
//! Both figures come from Linux's /proc; elsewhere they are unknown and the
//! guard lets everything through.

use crate::error::{FanoutError, Result};
use crate::model::config::{GraphMode, Scenario};
use crate::model::sim::World;

/// Peak resident memory of this process so far (Linux VmHWM), in bytes.
pub fn peak_bytes() -> Option<u64> {
    proc_field("/proc/self/status", "VmHWM:")
}

/// Memory the machine has available now (Linux MemAvailable), in bytes.
pub fn available_bytes() -> Option<u64> {
    proc_field("/proc/meminfo", "MemAvailable:")
}

/// A `NAME: <n> kB` line of a /proc file, in bytes.
fn proc_field(file: &str, name: &str) -> Option<u64> {
    let text = std::fs::read_to_string(file).ok()?;
    parse_kib_field(&text, name)
}

/// The value of the `name` line of /proc-style text, given in KiB, in bytes.
fn parse_kib_field(text: &str, name: &str) -> Option<u64> {
    let line = text.lines().find(|l| l.starts_with(name))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    kib.checked_mul(1024)
}

fn gib(bytes: u64) -> f64 {
    bytes as f64 / (1u64 << 30) as f64
}

/// Refuses a scenario whose estimated memory (graph, `parallel` running
/// simulations, plus `extra` bytes the command keeps besides, such as a
/// sweep's finished rows) exceeds what is available, unless forced.
pub fn guard(scenario: &Scenario, parallel: usize, extra: u64, force: bool) -> Result<()> {
    // A graph loaded from a file is in memory already (and so not in
    // what is available): only the rest must fit.
    let need = World::estimate_memory_bytes(scenario, parallel)
        .saturating_add(extra)
        .saturating_sub(World::loaded_graph_bytes(scenario));
    let Some(have) = available_bytes() else {
        return Ok(());
    };
    if need <= have || force {
        return Ok(());
    }
    let sampled = World::estimate_memory_bytes_in(scenario, parallel, GraphMode::Sampled)
        .saturating_add(extra);
    let generated = scenario.population.file.is_none();
    let hint = if generated && scenario.population.graph == GraphMode::Stored && sampled <= have {
        format!(
            "; --set population.graph=sampled (scale mode, about {:.1} GiB) would fit",
            gib(sampled)
        )
    } else {
        String::new()
    };
    Err(FanoutError::input(format!(
        "population.users = {}: this run needs about {:.1} GiB of memory (follower graph and \
         simulations) but {:.1} GiB is available; lower population.users or \
         population.followers.mean, or pass --force to try anyway{hint}",
        scenario.population.users,
        gib(need),
        gib(have)
    )))
}

/// Sorts an error from building the follower graph. The scenario was
/// validated before the build, so what remains is the machine running out
/// of memory (resource exhaustion, status 1) or a parameter combination
/// only the builder can judge (bad input, status 2, as before).
pub fn graph_build_error(message: String) -> FanoutError {
    let text = format!("population: {message}");
    if message.contains("cannot allocate") || message.contains("do not fit in memory") {
        FanoutError::resource(text)
    } else {
        FanoutError::input(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proc_fields_are_read_in_bytes() {
        let text = "Name:\tfanout\nVmPeak:\t  2000 kB\nVmHWM:\t  1234 kB\n";
        assert_eq!(parse_kib_field(text, "VmHWM:"), Some(1234 * 1024));
        assert_eq!(parse_kib_field(text, "MemAvailable:"), None);
        assert_eq!(parse_kib_field("VmHWM: x kB", "VmHWM:"), None);
    }

    #[test]
    fn allocation_failure_is_resource_exhaustion_not_bad_input() {
        let e = graph_build_error("graph: cannot allocate 9000 MB for the edges".into());
        assert_eq!(e.exit_code(), 1);
        assert!(
            e.to_string()
                .starts_with("population: graph: cannot allocate")
        );
        let e = graph_build_error("graph: 1e12 edges do not fit in memory".into());
        assert_eq!(e.exit_code(), 1);
        assert_eq!(graph_build_error("graph: bad".into()).exit_code(), 2);
    }
}
