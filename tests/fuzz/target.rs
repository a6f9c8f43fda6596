//! THE ADAPTER: every call from the fuzzer into fanout goes through this
//! file, so a change of the crate's API is fixed here and only here.
//!
//! Two entries:
//! - [`run_cli`] runs a command line exactly as the `fanout` binary does
//!   (clap parse, then dispatch), mapping the result to an exit status the
//!   way `src/main.rs` does.
//! - [`validate`] takes the same command line and, for `check`, `run` and
//!   `sweep`, does only the cheap part in-process, through the commands'
//!   own validation (`RunConfig::from_args` and its siblings: the scenario,
//!   `--set`, the flag overrides, the output paths, the grid size), then
//!   resolves every sweep point and computes the warnings, the `check`
//!   description and the memory estimate. It also says whether the scenario is small
//!   enough to simulate in a fraction of a second.

use fanout::cli::{Cli, Command, SweepArgs};
use fanout::commands::check::CheckConfig;
use fanout::commands::config;
use fanout::commands::run::RunConfig;
use fanout::commands::sweep::{self, SweepConfig};
use fanout::error::FanoutError;
use fanout::model::config::{GraphMode, Scenario};
use fanout::model::sim::World;
use fanout::scenario;

/// How a command ended, as the process would report it.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Exit status 0 (including `--help` and `--version`).
    Success,
    /// Exit status 2, with the message the binary prints after `fanout: `.
    Refused(String),
    /// Any other exit status, with its message.
    Failed(i32, String),
}

/// The known scenario keys as (key, default, allowed), for the dictionary.
pub fn known_keys() -> Vec<(String, String, String)> {
    scenario::known_keys()
        .iter()
        .map(|k| (k.key.to_string(), k.default.to_string(), k.allowed()))
        .collect()
}

/// Runs `fanout ARGS...` in-process, as `src/main.rs` does.
pub fn run_cli(args: &[String]) -> Outcome {
    let cli = match parse(args) {
        Ok(cli) => cli,
        Err(outcome) => return outcome,
    };
    match fanout::commands::dispatch(cli) {
        Ok(()) => Outcome::Success,
        Err(e) => from_error(e),
    }
}

/// Parses the command line; a clap error becomes the outcome `main` reports
/// (help and version are successes, the rest a refusal folded to one line).
fn parse(args: &[String]) -> Result<Cli, Outcome> {
    use clap::Parser;
    use clap::error::ErrorKind;
    let argv = std::iter::once("fanout".to_string()).chain(args.iter().cloned());
    Cli::try_parse_from(argv).map_err(|e| match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => Outcome::Success,
        _ => {
            let text = e.to_string();
            let head = text.split("\n\nUsage:").next().unwrap_or(&text);
            let line: Vec<&str> = head.split_whitespace().collect();
            Outcome::Refused(line.join(" "))
        }
    })
}

/// The outcome of an error returned by a command.
fn from_error(e: FanoutError) -> Outcome {
    match e.exit_code() {
        2 => Outcome::Refused(e.one_line()),
        code => Outcome::Failed(code, e.one_line()),
    }
}

/// What [`validate`] found.
pub struct Validation {
    /// How validation ended (a clap or scenario refusal, or success).
    pub outcome: Outcome,
    /// True for `check`, `run` and `sweep` that got past clap.
    pub scenario_command: bool,
    /// For a valid scenario command: cheap enough to run for real.
    pub small: bool,
    /// A sweep with more points than [`RUNAWAY_POINTS`]: not expanded.
    pub runaway: bool,
}

/// Most sweep points validated; a larger sweep is valid if these are, but
/// never small.
pub const MAX_POINTS: usize = 200;

/// Sweeps with more points than this are not expanded at all: the CLI would
/// spend minutes (or all memory) listing and resolving them.
pub const RUNAWAY_POINTS: usize = 100_000;

/// Validates a command line in-process without simulating (see the module doc).
pub fn validate(args: &[String]) -> Validation {
    let mut v = Validation {
        outcome: Outcome::Success,
        scenario_command: false,
        small: false,
        runaway: false,
    };
    let cli = match parse(args) {
        Ok(cli) => cli,
        Err(outcome) => {
            v.outcome = outcome;
            return v;
        }
    };
    v.scenario_command = true;
    let result = match &cli.command {
        Command::Check(a) => CheckConfig::from_args(a).map(|c| {
            describe(&c.scenario);
            v.small = small(&c.scenario, 1);
        }),
        Command::Run(a) => RunConfig::from_args(a).map(|c| {
            describe(&c.scenario);
            v.small = small(&c.scenario, 1);
        }),
        Command::Sweep(a) => sweep(a, &mut v),
        _ => {
            v.scenario_command = false;
            Ok(())
        }
    };
    if let Err(e) = result {
        v.outcome = from_error(e);
    }
    v
}

/// Everything `check` computes from a resolved scenario before the graph.
fn describe(s: &Scenario) {
    let _ = scenario::describe(s);
    let _ = scenario::warnings(s);
    let _ = World::estimate_memory_bytes_in(s, 1, GraphMode::Stored);
    let _ = World::estimate_memory_bytes_in(s, 1, GraphMode::Sampled);
    let _ = World::estimate_memory_bytes(s, 2);
}

/// A sweep: every `--vary`, then every point resolved (up to [`MAX_POINTS`]).
fn sweep(a: &SweepArgs, v: &mut Validation) -> Result<(), FanoutError> {
    // The real validation first: flags, scenario, grid size, output paths.
    let cfg = SweepConfig::from_args(a)?;
    drop(cfg);
    let seeds = a.seeds;
    let overrides = config::flag_overrides(&a.flags)?;
    let (raw, base) = config::load(&a.scenario, &overrides)?;
    describe(&base);
    let mut varies = Vec::new();
    for spec in &a.vary {
        let key = spec.split_once('=').map(|(k, _)| k.trim()).unwrap_or("");
        let integer = scenario::key_type(key) == Some(scenario::KeyType::Integer);
        varies.push(sweep::parse_vary(spec, integer)?);
    }
    let count = varies
        .iter()
        .try_fold(1usize, |n, x| n.checked_mul(x.values.len()))
        .unwrap_or(usize::MAX);
    if count > RUNAWAY_POINTS {
        v.runaway = true;
        return Ok(());
    }
    let mut all_small = count <= MAX_POINTS;
    // A million-user point takes tens of milliseconds to resolve: stop after
    // a second, so validation never looks like a hang to the watchdog.
    let started = std::time::Instant::now();
    for point in sweep::cartesian(&varies).into_iter().take(MAX_POINTS) {
        if started.elapsed() > std::time::Duration::from_secs(1) {
            all_small = false;
            break;
        }
        let mut raw = raw.clone();
        for (key, value) in &point {
            raw.set_value(key, value)?;
        }
        let s = raw.resolve()?;
        describe(&s);
        all_small &= small(&s, count * seeds as usize);
    }
    v.small = all_small;
    Ok(())
}

/// Whether simulating `jobs` copies of `s` (each of its strategies) is a
/// fraction of a second: a few thousand users and about 20,000 events.
fn small(s: &Scenario, jobs: usize) -> bool {
    let secs = s.warmup.as_secs_f64() + s.duration.as_secs_f64();
    let users = f64::from(s.population.users);
    let fan = s.population.followers.mean.unwrap_or(50.0).min(users);
    let w = &s.workload;
    jobs * s.strategies.len() <= 6
        && users <= 5_000.0
        && World::estimate_memory_bytes_in(s, 1, GraphMode::Stored) <= 64 << 20
        && secs <= 3.0
        && secs * (w.tweets_per_sec + w.reads_per_sec) <= 20_000.0
        && secs * w.tweets_per_sec * fan <= 200_000.0
        && w.events.len() + s.faults.len() <= 200
}

/// Arguments that shrink a scenario command so it can run for real: the
/// case's own `--duration` and `--seeds` are dropped and size keys set.
pub fn clamp(args: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    let mut skip = false;
    for a in args {
        if skip {
            skip = false;
            continue;
        }
        if a == "--duration" || a == "--seeds" {
            skip = true;
            continue;
        }
        out.push(a.clone());
    }
    for set in [
        "population.users=1000",
        "population.followers.max=999",
        "population.followers.mean=10",
        "workload.tweets_per_sec=100",
        "workload.reads_per_sec=1000",
        "warmup=100ms",
        "duration=1s",
    ] {
        out.push("--set".into());
        out.push(set.into());
    }
    out
}
