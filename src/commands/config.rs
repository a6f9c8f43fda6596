//! Raw flags to validated configuration, in one step per command: the
//! scenario with `--set` and the dedicated flags applied, and the output
//! paths checked, all before any work is done.

use crate::cli::{RunFlags, ScenarioArgs};
use crate::error::{FanoutError, Result};
use crate::model::config::{Scenario, StrategyKind};
use crate::model::sim::SimOptions;
use crate::output;
use crate::scenario::RawScenario;
use crate::sim::time::SimDuration;
use std::path::PathBuf;

/// Loads a scenario and applies `--set`, then the dedicated flags. A
/// scenario of `-` (standard input) is refused: a sweep or a rerun needs to
/// read the file again, and the rows name it.
pub fn load(args: &ScenarioArgs, overrides: &[(&str, String)]) -> Result<(RawScenario, Scenario)> {
    if output::is_stdout(&args.scenario) {
        return Err(FanoutError::input(
            "SCENARIO -: reading a scenario from standard input is not supported; give the path of a TOML file",
        ));
    }
    let mut raw = RawScenario::from_file(&args.scenario)?;
    for assignment in &args.set {
        raw.set(assignment)?;
    }
    for (key, value) in overrides {
        raw.set_value(key, value)?;
    }
    let scenario = raw.resolve()?;
    Ok((raw, scenario))
}

/// The `--seed`, `--duration` and `--strategy` flags as scenario overrides.
pub fn flag_overrides(flags: &RunFlags) -> Result<Vec<(&'static str, String)>> {
    let mut out = Vec::new();
    if let Some(seed) = &flags.seed {
        if seed.trim().parse::<u64>().is_err() {
            return Err(FanoutError::input(format!(
                "--seed {seed}: must be a whole number from 0 to {}",
                u64::MAX
            )));
        }
        out.push(("seed", seed.trim().to_string()));
    }
    if let Some(d) = &flags.duration {
        if let Err(e) = SimDuration::parse(d) {
            return Err(FanoutError::input(format!("--duration {d}: {e}")));
        }
        out.push(("duration", format!("\"{}\"", d.trim())));
    }
    if !flags.strategy.is_empty() {
        let mut names = Vec::new();
        for s in &flags.strategy {
            let kind = StrategyKind::parse(s).ok_or_else(|| {
                FanoutError::input(format!(
                    "--strategy {s}: unknown strategy; use {}",
                    crate::model::strategy::names_help()
                ))
            })?;
            if names.contains(&kind.name()) {
                // As a repeated strategy in the scenario file is refused.
                return Err(FanoutError::input(format!(
                    "--strategy {s}: {} is given twice; name each strategy once",
                    kind.name()
                )));
            }
            names.push(kind.name());
        }
        let list: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
        out.push(("strategies", format!("[{}]", list.join(", "))));
    }
    Ok(out)
}

/// The files a scenario command reads, for [`Outputs::from_flags`].
pub fn inputs(args: &ScenarioArgs) -> Vec<(String, PathBuf)> {
    vec![("the scenario file".to_string(), args.scenario.clone())]
}

/// Where `run` and `sweep` write their results, checked before any work.
#[derive(Clone, Debug, Default)]
pub struct Outputs {
    /// The summary CSV (`-`: standard output).
    pub csv: Option<PathBuf>,
    /// The summary as JSON.
    pub json: Option<PathBuf>,
    /// The time series CSV.
    pub timeseries: Option<PathBuf>,
    /// The HdrHistogram interval log (and its `.percentiles.txt`).
    pub hdr: Option<PathBuf>,
    /// The time-series interval, when a time series is asked for.
    pub interval: Option<SimDuration>,
}

impl Outputs {
    /// Checks every output path (the `.percentiles.txt` of `--hdr`
    /// included), that no two share a file and that none is one of
    /// `inputs` (the scenario file), and the interval.
    pub fn from_flags(flags: &RunFlags, inputs: &[(String, PathBuf)]) -> Result<Outputs> {
        let mut named: Vec<(String, PathBuf)> = Vec::new();
        for (flag, path) in [
            ("--csv", &flags.csv),
            ("--json", &flags.json),
            ("--timeseries", &flags.timeseries),
            ("--hdr", &flags.hdr),
        ] {
            if let Some(p) = path {
                output::check_writable(flag, p)?;
                named.push((flag.to_string(), p.clone()));
            }
        }
        if let Some(p) = flags.hdr.as_deref().filter(|p| !output::is_stdout(p)) {
            let txt = super::results::percentiles_path(p);
            output::check_writable("--hdr (its .percentiles.txt)", &txt)?;
            named.push(("--hdr (its .percentiles.txt)".to_string(), txt));
        }
        let stdout_paths = [&flags.csv, &flags.json, &flags.timeseries]
            .iter()
            .filter(|p| p.as_deref().is_some_and(output::is_stdout))
            .count();
        if stdout_paths > 1 {
            return Err(FanoutError::input(
                "--csv, --json and --timeseries: only one of them can be - (standard output)",
            ));
        }
        if flags.hdr.as_deref().is_some_and(output::is_stdout) {
            return Err(FanoutError::input(
                "--hdr -: the histogram log needs a file path (it writes two files)",
            ));
        }
        output::refuse_clashes(&named, inputs)?;
        let interval = match flags.timeseries {
            None => None,
            Some(_) => Some(parse_interval(&flags.interval)?),
        };
        Ok(Outputs {
            csv: flags.csv.clone(),
            json: flags.json.clone(),
            timeseries: flags.timeseries.clone(),
            hdr: flags.hdr.clone(),
            interval,
        })
    }

    /// Whether a result goes to standard output (the table then does not).
    pub fn any_on_stdout(&self) -> bool {
        [&self.csv, &self.json, &self.timeseries]
            .iter()
            .any(|p| p.as_deref().is_some_and(output::is_stdout))
    }

    /// The simulation options these outputs need.
    pub fn sim_options(&self) -> SimOptions {
        SimOptions {
            timeseries: self.interval,
            cancel: None,
        }
    }
}

/// `--interval`: a duration of at least 1ms.
fn parse_interval(text: &str) -> Result<SimDuration> {
    let interval = SimDuration::parse(text)
        .map_err(|e| FanoutError::input(format!("--interval {text}: {e}")))?;
    if interval < SimDuration::from_millis(1) {
        return Err(FanoutError::input(format!(
            "--interval {text}: must be at least 1ms"
        )));
    }
    Ok(interval)
}
