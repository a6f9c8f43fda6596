//! `fanout run`: one scenario under each of its strategies, side by side.

use super::Notes;
use super::config::{self, Outputs};
use super::jobs::{self, Job};
use super::results;
use crate::cli::RunArgs;
use crate::error::Result;
use crate::model::config::Scenario;
use crate::provenance::{self, Provenance};
use crate::report::Table;
use crate::scenario;

/// `run`'s flags, validated: the resolved scenario and the outputs.
pub struct RunConfig {
    /// The scenario with `--set`, `--seed`, `--duration` and `--strategy` applied.
    pub scenario: Scenario,
    /// Where results go.
    pub outputs: Outputs,
    /// No progress bar or notes.
    pub quiet: bool,
    /// Run even if the memory estimate exceeds the memory available.
    pub force: bool,
}

impl RunConfig {
    /// Validates every flag and loads the scenario, before any work.
    pub fn from_args(args: &RunArgs) -> Result<RunConfig> {
        let f = &args.flags;
        let overrides = config::flag_overrides(f)?;
        let (_raw, scenario) = config::load(&args.scenario, &overrides)?;
        let outputs = Outputs::from_flags(f, &config::inputs(&args.scenario))?;
        Ok(RunConfig {
            scenario,
            outputs,
            quiet: f.quiet,
            force: f.force,
        })
    }
}

/// Simulates the scenario under each strategy and writes the results.
pub fn execute(cfg: &RunConfig) -> Result<()> {
    let notes = Notes { quiet: cfg.quiet };
    let scenario = &cfg.scenario;
    for w in scenario::warnings(scenario) {
        eprintln!("fanout: warning: {w}");
    }
    notes.say(&format!(
        "simulating {} strateg{} for {} (+ {} warm-up) of simulated time, seed {}",
        scenario.strategies.len(),
        if scenario.strategies.len() == 1 {
            "y"
        } else {
            "ies"
        },
        scenario.duration,
        scenario.warmup,
        scenario.seed
    ));
    let tail = Provenance::new(provenance::scenario_hash(scenario)).columns();
    let jobs: Vec<Job> = scenario
        .strategies
        .iter()
        .map(|&kind| Job {
            scenario: scenario.clone(),
            kind,
            point: Vec::new(),
            tail: tail.clone(),
        })
        .collect();
    let done = jobs::run_and_collect(&jobs, &cfg.outputs.sim_options(), &notes, cfg.force)?;
    results::finish(&cfg.outputs, done, &Table, scenario.warmup)
}
