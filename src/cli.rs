//! The command line: the only module that knows clap.
//!
//! Raw flags become validated configuration in one step (the scenario layer
//! for `run`, `check` and `sweep`; `queuecmd` for `queue`), and the commands
//! below only orchestrate: build the world, run simulations in parallel,
//! hand the reports to exporters.

use crate::error::{FanoutError, Result};
use crate::metrics::Report;
use crate::model::config::{GraphMode, Scenario, StrategyKind};
use crate::model::sim::{self, SimOptions, World};
use crate::output;
use crate::progress::Progress;
use crate::report::{Exporter, Json, Row, SummaryCsv, SweepTable, Table, TimeSeriesCsv, hdr};
use crate::scenario::{self, RawScenario};
use crate::sim::time::SimDuration;
use clap::{Args, Parser, Subcommand};
use rayon::prelude::*;
use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

/// fanout: simulate a social feed's fan-out (push on write, pull on read, or
/// hybrid) and compare writes/s and latency percentiles per strategy.
#[derive(Parser, Debug)]
#[command(name = "fanout", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Simulate a scenario under each strategy and print them side by side.
    Run(RunArgs),
    /// Validate a scenario; print its resolved parameters and graph statistics.
    Check(CheckArgs),
    /// Run a scenario over a grid of values of some keys, several seeds each.
    Sweep(SweepArgs),
    /// Check the engine against queueing theory: Poisson arrivals into one station.
    Queue(QueueArgs),
    /// Draw an SVG from result CSVs: latency percentiles, a time series, or a sweep's trade-off.
    Plot(PlotArgs),
}

/// Flags shared by the commands that read a scenario.
#[derive(Args, Debug, Clone)]
pub struct ScenarioArgs {
    /// Scenario file (TOML); see docs/scenario.md for every key.
    pub scenario: PathBuf,
    /// Override a scenario key: a dotted path and a TOML value, e.g.
    /// `--set workload.tweets_per_sec=12000`. Repeatable.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
}

/// Flags shared by `run` and `sweep`.
#[derive(Args, Debug)]
pub struct RunFlags {
    /// Strategy to simulate: fanout-on-read (read), fanout-on-write (write)
    /// or hybrid. Repeatable; default: the scenario's `strategies`.
    #[arg(long = "strategy", value_name = "NAME")]
    pub strategy: Vec<String>,
    /// Random seed (overrides the scenario's `seed`).
    #[arg(long, allow_hyphen_values = true)]
    pub seed: Option<String>,
    /// Measured simulated time, with a unit: 60s, 250ms, 2m (overrides `duration`).
    #[arg(long, allow_hyphen_values = true)]
    pub duration: Option<String>,
    /// Write the summary CSV here (`-` for standard output).
    #[arg(long, value_name = "PATH")]
    pub csv: Option<PathBuf>,
    /// Write the summary as JSON here, same numbers as the CSV (`-` for standard output).
    #[arg(long, value_name = "PATH")]
    pub json: Option<PathBuf>,
    /// Write a time series here: one row per interval and strategy (`-` for standard output).
    #[arg(long, value_name = "PATH")]
    pub timeseries: Option<PathBuf>,
    /// Length of a time-series interval, with a unit.
    #[arg(long, value_name = "DURATION", default_value = "1s")]
    pub interval: String,
    /// Write the read, post and delivery latency histograms here, in
    /// HdrHistogram's interval-log format, plus PATH.percentiles.txt.
    #[arg(long, value_name = "PATH")]
    pub hdr: Option<PathBuf>,
    /// No progress bar or notes on standard error; results and warnings only.
    #[arg(long, short)]
    pub quiet: bool,
    /// Run even if the memory estimate exceeds the memory available.
    #[arg(long)]
    pub force: bool,
}

/// `fanout run`.
#[derive(Args, Debug)]
pub struct RunArgs {
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    #[command(flatten)]
    pub flags: RunFlags,
}

/// `fanout sweep`.
#[derive(Args, Debug)]
pub struct SweepArgs {
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// A key and its values: `KEY=V1,V2,...`, `KEY=A..B:lin:N` or
    /// `KEY=A..B:log:N`. Repeatable: several form a cartesian product.
    #[arg(long = "vary", value_name = "KEY=VALUES", required = true)]
    pub vary: Vec<String>,
    /// Seeds per point, derived from the scenario's seed (the first is the seed itself).
    #[arg(long, default_value_t = 1)]
    pub seeds: u32,
    #[command(flatten)]
    pub flags: RunFlags,
}

/// `fanout plot`.
#[derive(Args, Debug)]
pub struct PlotArgs {
    /// CSV files written by `run --csv`, `run --timeseries` or `sweep --csv`
    /// (all of one kind); the kind decides the plot.
    #[arg(required = true)]
    pub csv: Vec<PathBuf>,
    /// The SVG file to write.
    #[arg(short, long, value_name = "OUT.svg")]
    pub output: PathBuf,
}

/// `fanout check`.
#[derive(Args, Debug)]
pub struct CheckArgs {
    #[command(flatten)]
    pub scenario: ScenarioArgs,
}

/// `fanout queue`.
#[derive(Args, Debug)]
pub struct QueueArgs {
    /// Arrival rate lambda, customers per second (Poisson).
    #[arg(long, allow_negative_numbers = true)]
    pub lambda: f64,
    /// Number of identical servers c.
    #[arg(long)]
    pub servers: u32,
    /// Service-time distribution: exp:MEAN, const:VALUE, lognormal:MEAN,CV or
    /// pareto:MEAN,ALPHA; MEAN in seconds (the unit of 1/lambda) or with a unit (10ms).
    #[arg(long, value_name = "DIST")]
    pub service: String,
    /// Number of customers to simulate.
    #[arg(long)]
    pub customers: u64,
    /// Random seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Write the comparison as CSV here (`-` for standard output).
    #[arg(long, value_name = "PATH")]
    pub csv: Option<PathBuf>,
}

/// Runs the parsed command, writing results to standard output.
pub fn dispatch(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Run(args) => run(args),
        Command::Check(args) => check(args),
        Command::Sweep(args) => sweep(args),
        Command::Plot(args) => crate::plot::plot(&args.csv, &args.output),
        Command::Queue(args) => {
            let params = crate::queuecmd::QueueParams {
                lambda: args.lambda,
                servers: args.servers,
                service: args.service,
                customers: args.customers,
                seed: args.seed,
                csv: args.csv,
            };
            let stdout = std::io::stdout();
            crate::queuecmd::run(&params, &mut stdout.lock())
        }
    }
}

/// Loads a scenario and applies `--set`, then the dedicated flags.
fn load(args: &ScenarioArgs, overrides: &[(&str, String)]) -> Result<(RawScenario, Scenario)> {
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
fn flag_overrides(
    seed: &Option<String>,
    duration: &Option<String>,
    strategies: &[String],
) -> Result<Vec<(&'static str, String)>> {
    let mut out = Vec::new();
    if let Some(seed) = seed {
        if seed.trim().parse::<u64>().is_err() {
            return Err(FanoutError::input(format!(
                "--seed {seed}: must be a whole number from 0 to {}",
                u64::MAX
            )));
        }
        out.push(("seed", seed.trim().to_string()));
    }
    if let Some(d) = duration {
        if let Err(e) = crate::sim::time::SimDuration::parse(d) {
            return Err(FanoutError::input(format!("--duration {d}: {e}")));
        }
        out.push(("duration", format!("\"{}\"", d.trim())));
    }
    if !strategies.is_empty() {
        let mut names = Vec::new();
        for s in strategies {
            let kind = StrategyKind::parse(s).ok_or_else(|| {
                FanoutError::input(format!(
                    "--strategy {s}: unknown strategy; use fanout-on-read (read), fanout-on-write (write) or hybrid"
                ))
            })?;
            if !names.contains(&kind.name()) {
                names.push(kind.name());
            }
        }
        let list: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
        out.push(("strategies", format!("[{}]", list.join(", "))));
    }
    Ok(out)
}

/// Prints to standard error unless quiet.
struct Notes {
    quiet: bool,
}

impl Notes {
    fn say(&self, text: &str) {
        if !self.quiet {
            eprintln!("{text}");
        }
    }
}

/// Builds the follower graph, with a note on standard error.
fn build_world(scenario: &Scenario, notes: &Notes) -> Result<World> {
    let started = Instant::now();
    notes.say(&format!(
        "building the follower graph: {} users ...",
        crate::report::thousands(f64::from(scenario.population.users))
    ));
    let world =
        World::build(scenario).map_err(|e| FanoutError::input(format!("population: {e}")))?;
    notes.say(&format!(
        "graph built: {} follow edges in {:.1} s",
        crate::report::thousands(world.graph.edges() as f64),
        started.elapsed().as_secs_f64()
    ));
    Ok(world)
}

/// One simulation to run: a resolved scenario (seed included), a strategy,
/// and the sweep point it belongs to.
struct Job {
    scenario: Scenario,
    kind: StrategyKind,
    point: Vec<(String, String)>,
}

/// The flag Ctrl-C sets. The first Ctrl-C lets running simulations stop at
/// their next check and finished results be written; a second exits at once.
fn interrupt_flag() -> Arc<AtomicBool> {
    static FLAG: OnceLock<Arc<AtomicBool>> = OnceLock::new();
    FLAG.get_or_init(|| {
        let flag = Arc::new(AtomicBool::new(false));
        let seen = flag.clone();
        // If a handler cannot be installed, Ctrl-C simply kills the process
        // as usual; results are still never half-written (atomic outputs).
        let _ = ctrlc::set_handler(move || {
            if seen.swap(true, Ordering::SeqCst) {
                std::process::exit(130);
            }
            eprintln!("\nfanout: interrupted; finishing up (Ctrl-C again to quit at once)");
        });
        flag
    })
    .clone()
}

/// Peak resident memory of this process so far (Linux VmHWM), in bytes.
fn peak_memory_bytes() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = text.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// Memory the machine has available now (Linux /proc/meminfo), in bytes.
fn available_memory() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// Refuses a scenario whose estimated memory exceeds what is available,
/// unless forced.
fn memory_guard(scenario: &Scenario, parallel: usize, force: bool) -> Result<()> {
    let need = World::estimate_memory_bytes(scenario, parallel);
    let Some(have) = available_memory() else {
        return Ok(());
    };
    if need > have && !force {
        let gib = |b: u64| b as f64 / (1u64 << 30) as f64;
        let sampled = World::estimate_memory_bytes_in(scenario, parallel, GraphMode::Sampled);
        let hint = if scenario.population.graph == GraphMode::Stored && sampled <= have {
            format!(
                "; --set population.graph=sampled (scale mode, about {:.1} GiB) would fit",
                gib(sampled)
            )
        } else {
            String::new()
        };
        return Err(FanoutError::input(format!(
            "population.users = {}: this run needs about {:.1} GiB of memory (follower graph and \
             simulations) but {:.1} GiB is available; lower population.users or \
             population.followers.mean, or pass --force to try anyway{hint}",
            scenario.population.users,
            gib(need),
            gib(have)
        )));
    }
    Ok(())
}

/// Rows of the finished jobs, and whether Ctrl-C cut the work short.
struct Finished {
    rows: Vec<Row>,
    interrupted: bool,
}

/// Runs jobs, building each distinct graph once and running the jobs that
/// share it in parallel; rows come back in job order whatever the thread count.
fn run_jobs(jobs: &[Job], options: &SimOptions, notes: &Notes, force: bool) -> Result<Finished> {
    let cancel = interrupt_flag();
    let mut options = options.clone();
    options.cancel = Some(cancel.clone());
    let per_job = jobs
        .iter()
        .map(|j| (j.scenario.warmup + j.scenario.duration).as_nanos())
        .max()
        .unwrap_or(1);
    let mut rows: Vec<Option<Row>> = jobs.iter().map(|_| None).collect();
    // Jobs share a graph when their population and seed agree.
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (i, job) in jobs.iter().enumerate() {
        match groups.iter_mut().find(|g| {
            let first = &jobs[g[0]].scenario;
            first.seed == job.scenario.seed && first.population == job.scenario.population
        }) {
            Some(g) => g.push(i),
            None => groups.push(vec![i]),
        }
    }
    let parallel = rayon::current_num_threads().min(jobs.len()).max(1);
    for group in &groups {
        memory_guard(&jobs[group[0]].scenario, parallel, force)?;
    }
    let progress = Progress::new(jobs.len(), per_job, notes.quiet);
    for group in &groups {
        if cancel.load(Ordering::Relaxed) {
            break;
        }
        let world = build_world(&jobs[group[0]].scenario, notes)?;
        let done: Vec<(usize, Report)> = group
            .par_iter()
            .filter(|_| !cancel.load(Ordering::Relaxed))
            .map(|&i| {
                let job = &jobs[i];
                let report = sim::simulate(
                    &job.scenario,
                    &world,
                    job.kind,
                    &options,
                    &mut |t, events| progress.update(i, t.as_nanos(), events),
                );
                progress.finish_job(i);
                (i, report)
            })
            .collect();
        for (i, report) in done {
            if !report.partial {
                rows[i] = Some(Row {
                    report,
                    point: jobs[i].point.clone(),
                });
            }
        }
    }
    progress.finish();
    let interrupted = cancel.load(Ordering::Relaxed);
    let rows: Vec<Row> = rows.into_iter().flatten().collect();
    if interrupted {
        eprintln!(
            "fanout: interrupted: {} of {} simulations finished; writing their results",
            rows.len(),
            jobs.len()
        );
    }
    Ok(Finished { rows, interrupted })
}

/// Prints the scenario's warnings.
fn warn_scenario(scenario: &Scenario) {
    for w in scenario::warnings(scenario) {
        eprintln!("fanout: warning: {w}");
    }
}

/// Warns about results whose queues grew without bound.
fn warn_unstable(rows: &[Row]) {
    for row in rows {
        let r = &row.report;
        if let Some(t) = r.unstable_tier() {
            eprintln!(
                "fanout: warning: {} (seed {}{}): the {} tier is offered {:.2}x the capacity of its busiest \
                 station, so its queue grows for as long as the run lasts and latencies depend on the \
                 duration; the row is marked unstable",
                r.strategy.name(),
                r.seed,
                if row.point.is_empty() {
                    String::new()
                } else {
                    format!(", {}", describe_point(&row.point))
                },
                t.name,
                t.max_station_offered_load
            );
        }
    }
}

/// Writes the results of finished jobs, then reports an interruption.
fn finish(
    flags: &RunFlags,
    done: Finished,
    table: &dyn Exporter,
    warmup: SimDuration,
) -> Result<()> {
    warn_unstable(&done.rows);
    write_results(flags, &done.rows, table, warmup)?;
    if done.interrupted {
        return Err(FanoutError::Interrupted);
    }
    Ok(())
}

/// Checks every output path before any work is done.
fn check_outputs(flags: &RunFlags) -> Result<Option<SimDuration>> {
    for (flag, path) in [
        ("--csv", &flags.csv),
        ("--json", &flags.json),
        ("--timeseries", &flags.timeseries),
        ("--hdr", &flags.hdr),
    ] {
        if let Some(p) = path {
            output::check_writable(flag, p)?;
        }
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
    if flags.timeseries.is_none() {
        return Ok(None);
    }
    let interval = SimDuration::parse(&flags.interval)
        .map_err(|e| FanoutError::input(format!("--interval {}: {e}", flags.interval)))?;
    if interval < SimDuration::from_millis(1) {
        return Err(FanoutError::input(format!(
            "--interval {}: must be at least 1ms",
            flags.interval
        )));
    }
    Ok(Some(interval))
}

/// Writes the results: the table (unless a result goes to stdout) and files.
fn write_results(
    flags: &RunFlags,
    rows: &[Row],
    table: &dyn Exporter,
    warmup: SimDuration,
) -> Result<()> {
    let to_stdout = |p: &Option<PathBuf>| p.as_deref().is_some_and(output::is_stdout);
    if !to_stdout(&flags.csv) && !to_stdout(&flags.json) && !to_stdout(&flags.timeseries) {
        let stdout = std::io::stdout();
        let mut lock = stdout.lock();
        table
            .export(rows, &mut lock)
            .and_then(|_| match peak_memory_bytes() {
                Some(b) => writeln!(
                    lock,
                    "peak memory of the whole process: {:.0} MiB",
                    b as f64 / 1048576.0
                ),
                None => Ok(()),
            })
            .and_then(|_| lock.flush())
            .map_err(|e| FanoutError::failure(format!("writing to standard output: {e}")))?;
    }
    write_with(&SummaryCsv, &flags.csv, rows)?;
    write_with(&Json, &flags.json, rows)?;
    write_with(&TimeSeriesCsv, &flags.timeseries, rows)?;
    if let Some(path) = &flags.hdr {
        let warmup = std::time::Duration::from_nanos(warmup.as_nanos());
        output::write_atomic(path, |w| hdr::write_interval_log(rows, warmup, w))?;
        let mut txt = path.clone().into_os_string();
        txt.push(".percentiles.txt");
        output::write_atomic(&PathBuf::from(txt), |w| hdr::write_percentiles(rows, w))?;
    }
    Ok(())
}

fn run(args: RunArgs) -> Result<()> {
    let notes = Notes {
        quiet: args.flags.quiet,
    };
    let f = &args.flags;
    let overrides = flag_overrides(&f.seed, &f.duration, &f.strategy)?;
    let (_raw, scenario) = load(&args.scenario, &overrides)?;
    let interval = check_outputs(f)?;
    let options = SimOptions {
        timeseries: interval,
        cancel: None,
    };
    warn_scenario(&scenario);
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
    let jobs: Vec<Job> = scenario
        .strategies
        .iter()
        .map(|&kind| Job {
            scenario: scenario.clone(),
            kind,
            point: Vec::new(),
        })
        .collect();
    let done = run_jobs(&jobs, &options, &notes, f.force)?;
    finish(f, done, &Table, scenario.warmup)
}

fn sweep(args: SweepArgs) -> Result<()> {
    let notes = Notes {
        quiet: args.flags.quiet,
    };
    let f = &args.flags;
    if args.seeds == 0 || args.seeds > 10_000 {
        return Err(FanoutError::input(format!(
            "--seeds {}: must be a whole number from 1 to 10000",
            args.seeds
        )));
    }
    let overrides = flag_overrides(&f.seed, &f.duration, &f.strategy)?;
    let (raw, base) = load(&args.scenario, &overrides)?;
    let varies = args
        .vary
        .iter()
        .map(|spec| {
            let key = spec.split_once('=').map(|(k, _)| k.trim()).unwrap_or("");
            let integer = scenario::known_keys()
                .iter()
                .any(|k| k.key == key && k.kind.contains("integer"));
            crate::sweep::parse_vary(spec, integer)
        })
        .collect::<Result<Vec<_>>>()?;
    let interval = check_outputs(f)?;
    let options = SimOptions {
        timeseries: interval,
        cancel: None,
    };
    warn_scenario(&base);
    // Resolve every point before running any, so a bad value fails at once.
    let mut jobs = Vec::new();
    for point in crate::sweep::cartesian(&varies) {
        let mut raw = raw.clone();
        for (key, value) in &point {
            raw.set_value(key, value).map_err(|e| match e {
                FanoutError::Input(m) => FanoutError::input(format!("--vary {key}={value}: {m}")),
                other => other,
            })?;
        }
        let scenario = raw.resolve().map_err(|e| match e {
            FanoutError::Input(m) => {
                FanoutError::input(format!("--vary at {}: {m}", describe_point(&point)))
            }
            other => other,
        })?;
        for seed in crate::sweep::seeds(scenario.seed, args.seeds) {
            let mut s = scenario.clone();
            s.seed = seed;
            for &kind in &s.strategies {
                jobs.push(Job {
                    scenario: s.clone(),
                    kind,
                    point: point.clone(),
                });
            }
        }
    }
    notes.say(&format!(
        "sweeping {} simulations ({} points x {} seeds x strategies)",
        jobs.len(),
        crate::sweep::cartesian(&varies).len(),
        args.seeds
    ));
    let done = run_jobs(&jobs, &options, &notes, f.force)?;
    finish(f, done, &SweepTable, base.warmup)
}

fn write_with(exporter: &dyn Exporter, path: &Option<PathBuf>, rows: &[Row]) -> Result<()> {
    match path {
        Some(p) => output::write_atomic(p, |w| exporter.export(rows, w)),
        None => Ok(()),
    }
}

fn describe_point(point: &[(String, String)]) -> String {
    point
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(" ")
}

fn check(args: CheckArgs) -> Result<()> {
    let (_raw, scenario) = load(&args.scenario, &[])?;
    let notes = Notes { quiet: false };
    let mut out = String::new();
    out.push_str(&format!(
        "{}: valid\n\nresolved parameters:\n",
        args.scenario.scenario.display()
    ));
    let params = scenario::describe(&scenario);
    let w = params.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    for (k, v) in &params {
        out.push_str(&format!("  {k:<w$}  {v}\n"));
    }
    let stored = World::estimate_memory_bytes_in(&scenario, 1, GraphMode::Stored);
    let sampled = World::estimate_memory_bytes_in(&scenario, 1, GraphMode::Sampled);
    out.push_str(&format!(
        "\nmemory estimate (graph build peak + one simulation): stored {:.1} MiB, sampled {:.1} MiB \
         (population.graph = {}); available: {}\n",
        stored as f64 / 1048576.0,
        sampled as f64 / 1048576.0,
        scenario.population.graph.name(),
        available_memory()
            .map(|b| format!("{:.1} MiB", b as f64 / 1048576.0))
            .unwrap_or_else(|| "unknown".into())
    ));
    for w in scenario::warnings(&scenario) {
        out.push_str(&format!("warning: {w}\n"));
    }
    print!("{out}");
    memory_guard(&scenario, 1, false)?;
    let world = build_world(&scenario, &notes)?;
    let st = world.graph.stats();
    let fanout = world
        .graph
        .weighted_mean_followers(scenario.population.author_activity_exponent);
    let rows = [
        ("users", crate::report::thousands(st.users as f64)),
        ("follow edges", crate::report::thousands(st.edges as f64)),
        (
            "followers per user: mean / median / p99 / max",
            format!(
                "{:.1} / {} / {} / {}",
                st.mean_followers, st.median_followers, st.p99_followers, st.max_followers
            ),
        ),
        (
            if world.graph.mode() == GraphMode::Sampled {
                "followees per user (expected): mean / median / max"
            } else {
                "followees per user: mean / median / max"
            },
            format!(
                "{:.1} / {} / {}",
                st.mean_followees, st.median_followees, st.max_followees
            ),
        ),
        (
            "mean fan-out per tweet (activity-weighted)",
            format!("{fanout:.1} followers"),
        ),
        (
            "celebrities (>= strategy.hybrid.celebrity_threshold)",
            crate::report::thousands(
                (0..world.graph.users())
                    .filter(|&u| {
                        world.graph.follower_count(u) >= scenario.strategy.celebrity_threshold
                    })
                    .count() as f64,
            ),
        ),
        (
            "graph memory",
            format!(
                "{:.1} MiB ({:.2} bytes per edge)",
                st.memory_bytes as f64 / (1024.0 * 1024.0),
                st.memory_bytes as f64 / (st.edges.max(1)) as f64
            ),
        ),
    ];
    let w = rows.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    println!("\ngraph statistics:");
    for (k, v) in rows {
        println!("  {k:<w$}  {v}");
    }
    Ok(())
}
