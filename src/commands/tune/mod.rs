//! `fanout tune`: per strategy, the cheapest configuration of the searched
//! keys whose SLOs hold on a stable cluster.
//!
//! The flow: flags to a [`TuneConfig`] (every `--slo` and `--search`
//! checked before any work); one graph per seed, built once and shared by
//! every point; then per strategy (and per tried value of hybrid's
//! threshold) the bisection search of `search.rs`, each point simulated
//! over the seeds in parallel by `eval.rs` (at most once). Then the table,
//! and `--csv` with every point evaluated. The search's order of points
//! does not depend on the thread count, so neither does the answer.

mod eval;
mod output;
mod search;
mod slo;
mod space;

pub use search::{Oracle, Outcome, minimise};
pub use slo::{Slo, allowed_metrics};
pub use space::Dim;

use super::Notes;
use super::config;
use crate::cli::{RunFlags, TuneArgs};
use crate::error::{FanoutError, Result};
use crate::model::config::{Scenario, StrategyKind};
use crate::scenario::RawScenario;
use eval::{Eval, Evaluator, Values};
use std::path::PathBuf;

/// `tune`'s flags, validated.
pub struct TuneConfig {
    /// The scenario with `--set` and the flags applied.
    pub raw: RawScenario,
    /// `raw` resolved.
    pub base: Scenario,
    /// The objectives, first the main one.
    pub slos: Vec<Slo>,
    /// The searched keys.
    pub dims: Vec<Dim>,
    /// The seeds of every point.
    pub seeds: Vec<u64>,
    /// Where every evaluated point goes.
    pub csv: Option<PathBuf>,
    /// No progress on standard error.
    pub quiet: bool,
    /// Run even if the memory estimate is too large.
    pub force: bool,
}

impl TuneConfig {
    /// Checks every flag and loads the scenario, before any work.
    pub fn from_args(args: &TuneArgs) -> Result<TuneConfig> {
        if args.seeds < 2 || args.seeds > 100 {
            return Err(FanoutError::input(format!(
                "--seeds {}: must be a whole number from 2 to 100 (a confidence interval needs \
                 two seeds)",
                args.seeds
            )));
        }
        let slos = args
            .slo
            .iter()
            .map(|s| slo::parse(s))
            .collect::<Result<Vec<_>>>()?;
        let flags = RunFlags {
            strategy: args.strategy.clone(),
            seed: args.seed.clone(),
            duration: args.duration.clone(),
            csv: args.csv.clone(),
            json: None,
            timeseries: None,
            interval: "1s".into(),
            hdr: None,
            quiet: args.quiet,
            force: args.force,
        };
        let overrides = config::flag_overrides(&flags)?;
        let (raw, base) = config::load(&args.scenario, &overrides)?;
        let dims = space::build(&args.search, &raw, &base)?;
        if let Some(d) = dims.iter().find(|d| d.key.starts_with("population.")) {
            return Err(FanoutError::input(format!(
                "--search {}: population keys change the graph, which tune builds once; \
                 search cluster or strategy keys",
                d.key
            )));
        }
        config::Outputs::from_flags(&flags, &config::inputs(&args.scenario))?;
        Ok(TuneConfig {
            seeds: crate::commands::sweep::seeds(base.seed, args.seeds),
            raw,
            base,
            slos,
            dims,
            csv: args.csv.clone(),
            quiet: args.quiet,
            force: args.force,
        })
    }
}

/// The result of one strategy.
pub struct Answer {
    /// The strategy.
    pub kind: StrategyKind,
    /// The cheapest feasible point, if any was found.
    pub best: Option<Eval>,
    /// When none was: the point that came closest.
    pub closest: Option<Eval>,
    /// Points evaluated for this strategy.
    pub points: usize,
    /// Simulations run for this strategy.
    pub simulations: usize,
    /// Whether the search proved its answer the cheapest of the space
    /// (see `search.rs`: the refinement finished within its budget).
    pub proven: bool,
}

/// Adapts the evaluator to the search: the sizes of one strategy at one
/// value of the choice keys.
struct Sizes<'e, 'a> {
    ev: &'e mut Evaluator<'a>,
    kind: StrategyKind,
    /// The full values with the choice keys set; sizes are filled in.
    template: Values,
    /// Index in `template` of each size.
    slots: Vec<usize>,
    progress: &'e output::Progress,
}

impl Sizes<'_, '_> {
    fn values(&self, x: &[u64]) -> Values {
        let mut v = self.template.clone();
        for (&slot, &x) in self.slots.iter().zip(x) {
            v[slot] = Some(x);
        }
        v
    }
}

impl Oracle for Sizes<'_, '_> {
    fn feasible(&mut self, x: &[u64]) -> Option<bool> {
        let values = self.values(x);
        let feasible = self.ev.eval(self.kind, &values)?.feasible;
        self.progress.update(self.ev);
        Some(feasible)
    }
    fn cost(&self, x: &[u64]) -> f64 {
        self.ev.cost(self.kind, &self.values(x))
    }
}

/// Searches one strategy; `None` when Ctrl-C stopped it (the answer then
/// holds what was found so far).
fn tune_strategy(
    ev: &mut Evaluator,
    kind: StrategyKind,
    progress: &output::Progress,
) -> (Answer, bool) {
    let dims = ev.dims;
    let slots: Vec<usize> = (0..dims.len()).filter(|&i| !dims[i].is_choice()).collect();
    let ranges: Vec<(u64, u64)> = slots.iter().map(|&i| (dims[i].lo, dims[i].hi)).collect();
    // Hybrid's knobs are tried at a few values; other strategies ignore them.
    let mut templates: Vec<Values> = vec![vec![None; dims.len()]];
    if kind == StrategyKind::Hybrid {
        for (i, d) in dims.iter().enumerate().filter(|(_, d)| d.is_choice()) {
            templates = templates
                .into_iter()
                .flat_map(|t| {
                    d.choices().into_iter().map(move |v| {
                        let mut t = t.clone();
                        t[i] = Some(v);
                        t
                    })
                })
                .collect();
        }
    }
    let (start_log, start_sims) = (ev.log.len(), ev.simulations);
    let mut interrupted = false;
    let mut proven = true;
    for template in templates {
        let mut sizes = Sizes {
            ev: &mut *ev,
            kind,
            template,
            slots: slots.clone(),
            progress,
        };
        match minimise(&ranges, &mut sizes) {
            Outcome::Interrupted(_) => {
                interrupted = true;
                break;
            }
            Outcome::Found { exact: false, .. } => proven = false,
            _ => {}
        }
    }
    let mine = &ev.log[start_log..];
    let best = mine
        .iter()
        .filter(|e| e.feasible)
        .min_by(|a, b| a.cost.total_cmp(&b.cost))
        .cloned();
    let closest = mine
        .iter()
        .max_by(|a, b| a.closeness(ev.slos).total_cmp(&b.closeness(ev.slos)))
        .cloned();
    let answer = Answer {
        kind,
        best,
        closest,
        points: mine.len(),
        simulations: ev.simulations - start_sims,
        proven: proven && !interrupted,
    };
    (answer, interrupted)
}

/// Builds the graphs, searches every strategy, prints and writes.
pub fn execute(cfg: &TuneConfig) -> Result<()> {
    let notes = Notes { quiet: cfg.quiet };
    for w in crate::scenario::warnings(&cfg.base) {
        eprintln!("fanout: warning: {w}");
    }
    let threads = rayon::current_num_threads().max(1);
    crate::memory::guard(&cfg.base, threads.min(cfg.seeds.len()), 0, cfg.force)?;
    let mut worlds = Vec::new();
    for &seed in &cfg.seeds {
        let mut s = cfg.base.clone();
        s.seed = seed;
        worlds.push((seed, super::jobs::build_world(&s, &notes)?));
    }
    let mut ev = Evaluator::new(&cfg.raw, &cfg.dims, &cfg.slos, &worlds);
    let progress = output::Progress::new(cfg.quiet);
    let mut answers = Vec::new();
    let mut interrupted = false;
    for &kind in &cfg.base.strategies {
        progress.strategy(kind);
        let (answer, stopped) = tune_strategy(&mut ev, kind, &progress);
        answers.push(answer);
        if stopped {
            interrupted = true;
            break;
        }
    }
    progress.finish();
    output::finish(cfg, &ev, &answers, interrupted)
}
