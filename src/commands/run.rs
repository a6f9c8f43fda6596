//! `fanout run`: one scenario under each of its strategies, side by side.

use super::Notes;
use super::config::{self, Outputs};
use super::jobs::{self, Job};
use super::results;
use crate::cli::RunArgs;
use crate::error::Result;
use crate::model::config::Scenario;
use crate::model::graph;
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
    if !cfg.quiet {
        // Two closed-form sums: skipped when nothing would be printed.
        let fanout = ExpectedFanout::of(scenario);
        notes.say(&fanout.note());
        if let Some(w) = fanout.warning() {
            notes.say(&format!("fanout: warning: {w}"));
        }
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

/// The mean fan-out per tweet the scenario's graph and author activity
/// imply, and how well a run of its length can measure it.
///
/// A tweet's fan-out is the follower count of its author, drawn with
/// probability ∝ (1 + followers)^x, so it has mean mu and variance
/// sigma^2 = E[d^2] - mu^2 under that law; a run of n tweets measures mu with
/// standard error sigma / sqrt(n). Follower counts are heavy-tailed: a
/// 30M-follower account posts rarely but carries much of mu, so whether it
/// posted at all moves the measured mean (a 10 s run of the 150M-user
/// scenario measures 58.5 against 70.1). The criterion is the relative
/// standard error sigma / (mu sqrt(n)) above [`ExpectedFanout::NOISY`].
#[derive(Clone, Debug, PartialEq)]
pub struct ExpectedFanout {
    /// The expected mean fan-out per tweet, mu (followers per tweet).
    pub mean: f64,
    /// The target it was solved for (`population.fanout_per_tweet`), if any.
    pub target: Option<f64>,
    /// Standard deviation of one tweet's fan-out, sigma.
    pub sd: f64,
    /// Tweets the run is expected to measure (average rate x duration).
    pub tweets: f64,
    /// Average tweets per simulated second.
    pub tweets_per_sec: f64,
}

impl ExpectedFanout {
    /// Relative standard error of the measured mean above which a run is
    /// too short for it: 10%.
    pub const NOISY: f64 = 0.10;

    /// The figures of `s`, from the closed forms of the rank-size law
    /// (`model::graph::degrees`), without building the graph.
    pub fn of(s: &Scenario) -> ExpectedFanout {
        let p = &s.population;
        let f = &p.followers;
        let x = p.author_activity_exponent;
        let (mean, second) = match &p.file {
            // A loaded graph follows no closed form: weigh its own counts.
            Some(file) => file.graph.weighted_follower_moments(x),
            None => (
                graph::activity_weighted_mean(f.exponent, f.max, p.users, x),
                graph::activity_weighted_second_moment(f.exponent, f.max, p.users, x),
            ),
        };
        let tweets_per_sec = s.workload.tweets_per_sec;
        ExpectedFanout {
            mean,
            target: p.fanout_per_tweet,
            sd: (second - mean * mean).max(0.0).sqrt(),
            tweets: tweets_per_sec * s.duration.as_secs_f64(),
            tweets_per_sec,
        }
    }

    /// sigma / (mu sqrt(n)): the relative standard error of the mean a run
    /// measures (infinite without tweets).
    pub fn relative_se(&self) -> f64 {
        if self.tweets <= 0.0 || self.mean <= 0.0 {
            return f64::INFINITY;
        }
        self.sd / (self.mean * self.tweets.sqrt())
    }

    /// The note printed before a run: the figure to compare with the
    /// `mean_fanout_per_tweet` column.
    pub fn note(&self) -> String {
        let target = self
            .target
            .map(|t| format!(" (population.fanout_per_tweet = {t})"))
            .unwrap_or_default();
        format!(
            "expected mean fan-out per tweet {:.1}{target}, measured as mean_fanout_per_tweet \
             (standard error of the run's mean: {:.1}%)",
            self.mean,
            100.0 * self.relative_se()
        )
    }

    /// The warning when the run is too short for the measured mean to be
    /// representative, with the duration that would be long enough.
    pub fn warning(&self) -> Option<String> {
        let rse = self.relative_se();
        if rse <= Self::NOISY || self.mean <= 0.0 {
            return None;
        }
        let needed = (self.sd / (Self::NOISY * self.mean)).powi(2) / self.tweets_per_sec;
        Some(format!(
            "about {:.0} tweets are measured, and one tweet's fan-out has standard deviation {:.0} \
             against a mean of {:.1} (the most-followed accounts post rarely but carry much of \
             it), so the measured mean_fanout_per_tweet has a standard error of {:.0}%: it is not \
             representative; a duration of at least {:.0}s brings it under {:.0}%",
            self.tweets,
            self.sd,
            self.mean,
            100.0 * rse,
            needed.ceil(),
            100.0 * Self::NOISY
        ))
    }
}
