//! The commands, one module each. Every command turns its raw flags into a
//! validated configuration in one step (`XConfig::from_args`) and then runs
//! with that configuration only (`execute`); the shared pieces (running
//! jobs in parallel, writing results) are modules of their own.

pub mod check;
pub mod config;
pub mod extras;
pub mod graph;
pub mod jobs;
pub mod merge;
pub mod plot;
pub mod queue;
pub mod results;
pub mod run;
pub mod sweep;
pub mod sweep_csv;
pub mod tune;

use crate::cli::{Cli, Command};
use crate::error::Result;

/// Runs the parsed command, writing results to standard output.
pub fn dispatch(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Run(args) => run::execute(&run::RunConfig::from_args(&args)?),
        Command::Check(args) => check::execute(&check::CheckConfig::from_args(&args)?),
        Command::Sweep(args) => sweep::execute(&sweep::SweepConfig::from_args(&args)?),
        Command::Plot(args) => plot::execute(&plot::PlotConfig::from_args(&args)?),
        Command::Tune(args) => tune::execute(&tune::TuneConfig::from_args(&args)?),
        Command::Merge(args) => merge::execute(&merge::MergeConfig::from_args(&args)?),
        Command::Completions(args) => extras::completions(&args.shell),
        Command::Man => extras::man(),
        Command::Schema => extras::schema(),
        Command::Graph(args) => graph::execute(&args),
        Command::Queue(args) => {
            let params = queue::QueueParams::from_args(&args);
            let stdout = std::io::stdout();
            queue::run(&params, &mut stdout.lock())
        }
    }
}

/// Notes for the user on standard error, unless `--quiet`.
pub struct Notes {
    /// Say nothing.
    pub quiet: bool,
}

impl Notes {
    /// Prints `text` on standard error unless quiet.
    pub fn say(&self, text: &str) {
        if !self.quiet {
            eprintln!("{text}");
        }
    }
}
