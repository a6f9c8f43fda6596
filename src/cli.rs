//! The command line's types: the only module that knows clap.
//!
//! Nothing here runs anything. [`crate::commands`] turns these raw flags
//! into validated configuration in one step and runs the command with it,
//! so the engine never sees clap.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// fanout: simulate a social feed's fan-out (push on write, pull on read, or
/// hybrid) and compare writes/s and latency percentiles per strategy.
#[derive(Parser, Debug)]
#[command(name = "fanout", version = crate::provenance::LONG_VERSION, about, long_about = None, propagate_version = true)]
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
    /// Find, per strategy, the cheapest cluster whose SLOs hold (by
    /// bisection over the tier sizes, several seeds per point).
    Tune(TuneArgs),
    /// Check the engine against queueing theory: Poisson arrivals into one station.
    Queue(QueueArgs),
    /// Draw an SVG from result CSVs: latency percentiles, a time series, or a sweep's trade-off.
    Plot(PlotArgs),
    /// Join the slices of a sweep (`sweep --partition K/N --csv`) into the
    /// CSV the unpartitioned sweep writes.
    Merge(MergeArgs),
    /// Print a shell completion script (bash, zsh or fish) on standard output.
    Completions(CompletionsArgs),
    /// Print the manual page (roff) on standard output.
    Man,
    /// Print a JSON Schema of the scenario file, for TOML editors.
    Schema,
    /// Follower graphs as edge lists: export a scenario's graph, or fit the
    /// generator to a real one.
    Graph(GraphArgs),
}

/// `fanout graph`.
#[derive(Args, Debug)]
pub struct GraphArgs {
    /// What to do with a graph.
    #[command(subcommand)]
    pub command: GraphCommand,
}

/// The `graph` subcommands.
#[derive(Subcommand, Debug)]
pub enum GraphCommand {
    /// Write the scenario's follower graph as an edge list ("a b": a
    /// follows b), gzip-compressed when OUT ends in .gz.
    Export(GraphExportArgs),
    /// Fit the generator to an edge list: the follower-count power law
    /// (maximum likelihood, KS distance), a [population] section, and a
    /// table of the real graph against the fitted synthetic one.
    Fit(GraphFitArgs),
}

/// `fanout graph export`.
#[derive(Args, Debug)]
pub struct GraphExportArgs {
    /// The scenario file and its `--set` overrides.
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// The edge list to write (`-` for standard output); a name ending in
    /// .gz is written gzip-compressed.
    #[arg(short, long, value_name = "EDGES.txt[.gz]")]
    pub output: PathBuf,
}

/// `fanout graph fit`.
#[derive(Args, Debug)]
pub struct GraphFitArgs {
    /// The edge list: text pairs (SNAP's format), gzip-compressed text, or
    /// fanout's binary graph.
    #[arg(value_name = "EDGES")]
    pub file: PathBuf,
    /// auto, text, text.gz or binary (as `population.graph.format`).
    #[arg(long, default_value = "auto")]
    pub format: String,
    /// follower-followee ("a b": a follows b, SNAP's Twitter sets) or
    /// followee-follower (as `population.graph.direction`).
    #[arg(long, default_value = "follower-followee")]
    pub direction: String,
    /// Where the binary cache of a text file is kept, or `off` (default:
    /// beside the file, as `population.graph.cache`).
    #[arg(long, value_name = "PATH|off")]
    pub graph_cache: Option<String>,
    /// Seed of the fitted synthetic graph built for the comparison.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Do not build the fitted synthetic graph (it takes as much memory as
    /// the real one); its followee figures are then left out.
    #[arg(long)]
    pub no_build: bool,
}

/// `fanout merge`.
#[derive(Args, Debug)]
pub struct MergeArgs {
    /// The slices' CSV files (`sweep --partition K/N --csv PART`), any order.
    #[arg(required = true, value_name = "PART.csv")]
    pub parts: Vec<PathBuf>,
    /// The merged CSV to write (`-` for standard output).
    #[arg(short, long, value_name = "OUT.csv")]
    pub output: PathBuf,
}

/// `fanout completions`.
#[derive(Args, Debug)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh or fish.
    pub shell: String,
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
    /// Strategy to simulate, by name or alias (listed from the strategy
    /// table). Repeatable; default: the scenario's `strategies`.
    #[arg(long = "strategy", value_name = "NAME", help = strategy_help())]
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
    /// Run even if the memory estimate exceeds the memory available, or
    /// (sweep) the grid has more than 10000 points.
    #[arg(long)]
    pub force: bool,
}

/// `fanout run`.
#[derive(Args, Debug)]
pub struct RunArgs {
    /// The scenario file and its `--set` overrides.
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// The flags `run` and `sweep` share.
    #[command(flatten)]
    pub flags: RunFlags,
}

/// `fanout sweep`.
#[derive(Args, Debug)]
pub struct SweepArgs {
    /// The scenario file and its `--set` overrides.
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// A key and its values: `KEY=V1,V2,...`, `KEY=A..B:lin:N` or
    /// `KEY=A..B:log:N`. Repeatable: several form a cartesian product (at
    /// most 10000 points without --force). When only `strategy.hybrid.*`
    /// keys vary, the other strategies are simulated once per seed.
    #[arg(long = "vary", value_name = "KEY=VALUES", required = true)]
    pub vary: Vec<String>,
    /// Seeds per point, derived from the scenario's seed (the first is the
    /// seed itself). More than 1 cannot be combined with `--vary seed=...`
    /// (both would set the one `seed` column).
    #[arg(long, default_value_t = 1)]
    pub seeds: u32,
    /// Run only slice K of N (K from 1 to N): the grid's (point, seed)
    /// items numbered from 0 in grid order, item i belongs to slice
    /// (i mod N) + 1. Join the slices with `fanout merge`.
    #[arg(long, value_name = "K/N")]
    pub partition: Option<String>,
    /// Print the grid (item, point, values, seed), of the slice with
    /// --partition, without simulating anything.
    #[arg(long)]
    pub list: bool,
    /// Keep the rows already in the --csv file (written by an earlier,
    /// interrupted run of the same sweep) and simulate only the others.
    #[arg(long)]
    pub resume: bool,
    /// The flags `run` and `sweep` share.
    #[command(flatten)]
    pub flags: RunFlags,
}

/// `fanout tune`.
#[derive(Args, Debug)]
pub struct TuneArgs {
    /// The scenario file and its `--set` overrides.
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// A service-level objective: `METRIC<=VALUE` or `METRIC>=VALUE`, e.g.
    /// `read_p99<=100ms`, `delivery_p99<=5s`, `availability>=0.999`.
    /// Repeatable; the first is the main one (plotted). A stable cluster
    /// is always required.
    #[arg(long = "slo", value_name = "METRIC<=VALUE", required = true)]
    pub slo: Vec<String>,
    /// A key to search and its range, `KEY=LO..HI` (integer keys).
    /// Repeatable; default: store shards and servers, cache machines,
    /// fan-out workers, and hybrid's celebrity threshold.
    #[arg(long = "search", value_name = "KEY=LO..HI")]
    pub search: Vec<String>,
    /// Seeds per evaluated point (at least 2): an SLO holds when the upper
    /// end of its 95% confidence interval over the seeds does.
    #[arg(long, default_value_t = 3)]
    pub seeds: u32,
    /// Strategy to tune, by name or alias. Repeatable; default: the
    /// scenario's `strategies`.
    #[arg(long = "strategy", value_name = "NAME")]
    pub strategy: Vec<String>,
    /// Random seed (overrides the scenario's `seed`).
    #[arg(long, allow_hyphen_values = true)]
    pub seed: Option<String>,
    /// Measured simulated time per simulation, with a unit (overrides `duration`).
    #[arg(long, allow_hyphen_values = true)]
    pub duration: Option<String>,
    /// Write every evaluated point here as CSV (`-` for standard output).
    #[arg(long, value_name = "PATH")]
    pub csv: Option<PathBuf>,
    /// No progress on standard error; results and warnings only.
    #[arg(long, short)]
    pub quiet: bool,
    /// Run even if the memory estimate exceeds the memory available.
    #[arg(long)]
    pub force: bool,
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
    /// The scenario file and its `--set` overrides.
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// Print the resolved scenario's memory estimate as JSON, without
    /// building the graph (for scripts that request memory per task).
    #[arg(long)]
    pub json: bool,
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
    /// Number of customers to simulate; the first and last 10% are left
    /// out of the statistics (warm-up and drain).
    #[arg(long)]
    pub customers: u64,
    /// Random seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Fork each arrival to K identical stations and measure the slowest
    /// leg (fork-join); 1 (the default) simulates one station.
    #[arg(long, value_name = "K", default_value_t = 1)]
    pub fork: u32,
    /// Write the comparison as CSV here (`-` for standard output).
    #[arg(long, value_name = "PATH")]
    pub csv: Option<PathBuf>,
}

/// The `--strategy` help, naming every registered strategy and its aliases,
/// so a new strategy appears here without editing this file.
fn strategy_help() -> String {
    format!(
        "Strategy to simulate: {}. Repeatable; default: the scenario's `strategies`",
        crate::model::strategy::names_help()
    )
}
