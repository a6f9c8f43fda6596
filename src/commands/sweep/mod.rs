//! `fanout sweep`: a scenario over a grid of values of some keys, several
//! seeds per point, summarised as mean and 95% confidence interval.

mod grid;
mod plan;
mod resume;
mod stream;

pub use grid::{Vary, cartesian, format_float, mean_ci95, parse_vary, seeds};

use super::Notes;
use super::config::{self, Outputs};
use super::jobs;
use crate::cli::SweepArgs;
use crate::error::{FanoutError, Result};
use crate::model::config::Scenario;
use crate::scenario::{self, RawScenario};

/// `sweep`'s flags, validated.
pub struct SweepConfig {
    /// The scenario file with `--set` and the dedicated flags applied.
    pub raw: RawScenario,
    /// `raw` resolved: the base every point starts from.
    pub base: Scenario,
    /// The varied keys and their values, first outermost.
    pub varies: Vec<Vary>,
    /// Seeds per point.
    pub seeds: u32,
    /// Where results go.
    pub outputs: Outputs,
    /// No progress bar or notes.
    pub quiet: bool,
    /// Run even if the memory estimate exceeds the memory available.
    pub force: bool,
    /// `--partition K/N`: only slice K (1..=N) of N.
    pub partition: Option<(u64, u64)>,
    /// `--list`: print the grid instead of simulating it.
    pub list: bool,
    /// `--resume`: keep the rows already in the `--csv` file.
    pub resume: bool,
    /// The sweep's provenance hash: base scenario, `--vary` and `--seeds`.
    pub hash: String,
}

/// Parses `--partition K/N`: whole numbers, 1 <= K <= N.
fn parse_partition(text: &str) -> Result<(u64, u64)> {
    let bad = || {
        FanoutError::input(format!(
            "--partition {text}: expected K/N with whole numbers 1 <= K <= N (slice K of N)"
        ))
    };
    let (k, n) = text.split_once('/').ok_or_else(bad)?;
    let k: u64 = k.trim().parse().map_err(|_| bad())?;
    let n: u64 = n.trim().parse().map_err(|_| bad())?;
    if k == 0 || k > n {
        return Err(bad());
    }
    Ok((k, n))
}

/// `--resume` keeps rows of the `--csv` file only: the other outputs
/// cannot be rebuilt from it.
fn check_resume(args: &SweepArgs) -> Result<()> {
    let f = &args.flags;
    match &f.csv {
        None => {
            return Err(FanoutError::input(
                "--resume: needs --csv PATH, the file whose finished rows are kept",
            ));
        }
        Some(p) if crate::output::is_stdout(p) => {
            return Err(FanoutError::input(
                "--resume with --csv -: needs a file, not standard output",
            ));
        }
        Some(_) => {}
    }
    for (flag, given) in [
        ("--json", f.json.is_some()),
        ("--timeseries", f.timeseries.is_some()),
        ("--hdr", f.hdr.is_some()),
    ] {
        if given {
            return Err(FanoutError::input(format!(
                "--resume with {flag}: only the --csv file can be resumed; drop {flag}, or run \
                 the sweep without --resume"
            )));
        }
    }
    Ok(())
}

impl SweepConfig {
    /// Validates every flag and loads the scenario, before any work.
    pub fn from_args(args: &SweepArgs) -> Result<SweepConfig> {
        let f = &args.flags;
        if args.seeds == 0 || args.seeds > 10_000 {
            return Err(FanoutError::input(format!(
                "--seeds {}: must be a whole number from 1 to 10000",
                args.seeds
            )));
        }
        let overrides = config::flag_overrides(f)?;
        let (raw, base) = config::load(&args.scenario, &overrides)?;
        let varies = args
            .vary
            .iter()
            .map(|spec| {
                let key = spec.split_once('=').map(|(k, _)| k.trim()).unwrap_or("");
                let integer = scenario::key_type(key) == Some(scenario::KeyType::Integer);
                parse_vary(spec, integer)
            })
            .collect::<Result<Vec<_>>>()?;
        if args.seeds > 1
            && let Some(v) = varies.iter().find(|v| v.key == "seed")
        {
            return Err(FanoutError::input(format!(
                "--vary seed={} with --seeds {}: both set the seed column; vary seed with --seeds 1, \
                 or drop --vary seed and let --seeds derive the seeds",
                v.values.join(","),
                args.seeds
            )));
        }
        let partition = args.partition.as_deref().map(parse_partition).transpose()?;
        if args.resume {
            check_resume(args)?;
        }
        let outputs = Outputs::from_flags(f, &config::inputs(&args.scenario))?;
        let spec: Vec<(String, Vec<String>)> = varies
            .iter()
            .map(|v| (v.key.clone(), v.values.clone()))
            .collect();
        let hash = crate::provenance::sweep_hash(&base, &spec, args.seeds);
        let cfg = SweepConfig {
            raw,
            base,
            varies,
            seeds: args.seeds,
            outputs,
            quiet: f.quiet,
            force: f.force,
            partition,
            list: args.list,
            resume: args.resume,
            hash,
        };
        // The grid's size is part of validating the flags: refused here,
        // before any work, like every other bad flag.
        count_points(&cfg)?;
        Ok(cfg)
    }
}

/// Most grid points accepted without `--force`: beyond this, resolving
/// the points alone takes long and much memory before anything runs.
pub const MAX_POINTS: u64 = 10_000;

/// Memory a sweep keeps per simulation besides the simulations themselves:
/// the job's resolved scenario and its rendered rows waiting for their
/// turn (generous; the rows are written as they finish).
const BYTES_PER_JOB: u64 = 64 << 10;

/// Memory per simulation when `--hdr` keeps every report whole (its
/// histograms) until the end.
const BYTES_PER_HDR_REPORT: u64 = 1 << 20;

/// Number of grid points, counted without building the grid; refused
/// above [`MAX_POINTS`] unless forced.
fn count_points(cfg: &SweepConfig) -> Result<u64> {
    let points = cfg
        .varies
        .iter()
        .try_fold(1u64, |n, v| n.checked_mul(v.values.len() as u64));
    let sizes: Vec<String> = cfg
        .varies
        .iter()
        .map(|v| v.values.len().to_string())
        .collect();
    match points {
        Some(n) if n <= MAX_POINTS || cfg.force => Ok(n),
        _ => Err(FanoutError::input(format!(
            "--vary: the grid has {} points ({}), more than {MAX_POINTS}; use fewer values, \
             or pass --force to run it anyway",
            points.map_or_else(|| "over 2^64".to_string(), |n| n.to_string()),
            sizes.join(" x ")
        ))),
    }
}

/// A slice with no item (more slices than items): its CSV is written
/// empty, so a merge that names every slice finds it; `fanout merge`
/// takes an empty file as an empty slice.
fn empty_slice(cfg: &SweepConfig, notes: &Notes) -> Result<()> {
    notes.say("this slice of the grid is empty (more slices than items): nothing to simulate");
    match &cfg.outputs.csv {
        Some(p) if !crate::output::is_stdout(p) => crate::output::write_atomic(p, |_| Ok(())),
        _ => Ok(()),
    }
}

/// Runs every point and seed and writes the results, row by row.
pub fn execute(cfg: &SweepConfig) -> Result<()> {
    let notes = Notes { quiet: cfg.quiet };
    for w in scenario::warnings(&cfg.base) {
        eprintln!("fanout: warning: {w}");
    }
    let points = count_points(cfg)?;
    if points >= 1000 {
        // Resolving thousands of points takes a moment: say what happens.
        notes.say(&format!("resolving {points} grid points ..."));
    }
    if cfg.list {
        return resume::list(cfg);
    }
    let (header, done) = resume::previous(cfg)?;
    let plan = plan::Plan::build(cfg, &done)?;
    if plan.preset.len() != done.len() {
        return Err(FanoutError::input(format!(
            "--resume: --csv {} holds rows of items outside this run's slice{}: resume each \
             slice into its own file",
            cfg.outputs
                .csv
                .as_deref()
                .unwrap_or(std::path::Path::new("-"))
                .display(),
            cfg.partition
                .map(|(k, n)| format!(" {k}/{n}"))
                .unwrap_or_default()
        )));
    }
    if plan.rows() == 0 {
        return empty_slice(cfg, &notes);
    }
    if !plan.preset.is_empty() {
        notes.say(&format!(
            "resuming: {} of {} rows already in the CSV are kept",
            plan.preset.len(),
            plan.rows()
        ));
    }
    if plan.reuses() {
        notes.say(
            "only strategy.hybrid.* keys vary, and they change only hybrid: the other \
             strategies are simulated once per seed and their rows reused at every point",
        );
    }
    let jobs = &plan.jobs;
    notes.say(&format!(
        "sweeping {} simulations ({} points x {} seeds x strategies)",
        jobs.len(),
        points,
        cfg.seeds
    ));
    let per_job = BYTES_PER_JOB
        + if cfg.outputs.hdr.is_some() {
            BYTES_PER_HDR_REPORT
        } else {
            0
        };
    let extra = per_job.saturating_mul(plan.rows() as u64);
    let mut writer = stream::SweepWriter::new(&cfg.outputs);
    for (row, fields) in &plan.preset {
        writer.preset(*row, &header, fields)?;
    }
    let interrupted = jobs::run_jobs(
        jobs,
        &cfg.outputs.sim_options(),
        &notes,
        (cfg.force, extra),
        &mut |i, row| plan.deliver(i, row, &mut |slot, row| writer.push(slot, row)),
    )?;
    writer.finish(cfg.base.warmup)?;
    if interrupted {
        return Err(FanoutError::Interrupted);
    }
    Ok(())
}
