//! Evaluating one point of the space: its cost (from the configuration
//! alone) and its SLO figures over the seeds (simulated in parallel on the
//! graphs built once per seed). Every point is simulated at most once per
//! strategy: the search asks for many points twice.

use super::slo::{Slo, Verdict};
use super::space::Dim;
use crate::error::Result;
use crate::interrupt;
use crate::model::config::StrategyKind;
use crate::model::sim::{self, SimOptions, World};
use crate::report::{Row, summary_columns};
use crate::scenario::RawScenario;
use rayon::prelude::*;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

/// The value of each searched key at a point, in the space's order; `None`
/// for a key the strategy does not read (hybrid's knobs under the others).
pub type Values = Vec<Option<u64>>;

/// What one point gave.
#[derive(Clone, Debug)]
pub struct Eval {
    /// The strategy simulated.
    pub kind: StrategyKind,
    /// The searched keys' values.
    pub values: Values,
    /// `cost_per_hour` of the configuration (NaN when it does not resolve).
    pub cost: f64,
    /// One verdict per SLO, in `--slo` order.
    pub verdicts: Vec<Verdict>,
    /// Whether every tier was stable in every seed.
    pub stable: bool,
    /// Whether the point is stable and meets every SLO.
    pub feasible: bool,
}

impl Eval {
    /// How close the point comes to feasible: the smallest relative margin
    /// over its SLOs, less one when a tier is unstable (an unstable
    /// cluster is further from the goal than any stable one).
    pub fn closeness(&self, slos: &[Slo]) -> f64 {
        let worst = slos
            .iter()
            .zip(&self.verdicts)
            .map(|(s, v)| s.relative(v.margin))
            .fold(f64::INFINITY, f64::min);
        let worst = if worst.is_nan() {
            f64::NEG_INFINITY
        } else {
            worst
        };
        if self.stable {
            worst
        } else {
            worst.min(0.0) - 1.0
        }
    }
}

/// Simulates points for one tune, remembering every evaluation.
pub struct Evaluator<'a> {
    /// The scenario (with `--set` and flags) every point starts from.
    pub raw: &'a RawScenario,
    /// The searched keys.
    pub dims: &'a [Dim],
    /// The objectives.
    pub slos: &'a [Slo],
    /// One graph per seed, built once.
    pub worlds: &'a [(u64, World)],
    /// Carries the Ctrl-C flag into the simulations.
    pub options: SimOptions,
    /// The Ctrl-C flag.
    pub cancel: Arc<AtomicBool>,
    /// Every point evaluated, in order.
    pub log: Vec<Eval>,
    /// Index in `log` of each point already evaluated.
    seen: HashMap<(StrategyKind, Values), usize>,
    /// Simulations run so far.
    pub simulations: usize,
}

impl<'a> Evaluator<'a> {
    /// An evaluator with nothing evaluated yet.
    pub fn new(
        raw: &'a RawScenario,
        dims: &'a [Dim],
        slos: &'a [Slo],
        worlds: &'a [(u64, World)],
    ) -> Evaluator<'a> {
        let cancel = interrupt::flag();
        let options = SimOptions {
            timeseries: None,
            cancel: Some(cancel.clone()),
        };
        Evaluator {
            raw,
            dims,
            slos,
            worlds,
            options,
            cancel,
            log: Vec::new(),
            seen: HashMap::new(),
            simulations: 0,
        }
    }

    /// The scenario at a point, if its values resolve together (a cache
    /// with fewer machines than replicas does not).
    fn scenario(&self, values: &Values) -> Result<crate::model::config::Scenario> {
        let mut raw = self.raw.clone();
        for (d, v) in self.dims.iter().zip(values) {
            if let Some(v) = v {
                raw.set_value(&d.key, &v.to_string())?;
            }
        }
        raw.resolve()
    }

    /// `cost_per_hour` of `kind` at a point without simulating it (NaN
    /// when it does not resolve).
    pub fn cost(&self, kind: StrategyKind, values: &Values) -> f64 {
        self.scenario(values)
            .map_or(f64::NAN, |s| crate::model::cost::per_hour(&s, kind))
    }

    /// The evaluation of a point, simulating it unless already done;
    /// `None` when Ctrl-C stopped the simulations.
    pub fn eval(&mut self, kind: StrategyKind, values: &Values) -> Option<&Eval> {
        if let Some(&i) = self.seen.get(&(kind, values.clone())) {
            return Some(&self.log[i]);
        }
        if interrupt::requested(&self.cancel) {
            return None;
        }
        let eval = match self.scenario(values) {
            Ok(s) => {
                let reports: Vec<_> = self
                    .worlds
                    .par_iter()
                    .map(|(seed, world)| {
                        let mut s = s.clone();
                        s.seed = *seed;
                        sim::simulate(&s, world, kind, &self.options, &mut |_, _| {})
                    })
                    .collect();
                self.simulations += reports.len();
                if reports.iter().any(|r| r.partial) {
                    return None;
                }
                self.judge(
                    kind,
                    values,
                    crate::model::cost::per_hour(&s, kind),
                    &reports,
                )
            }
            Err(_) => Eval {
                kind,
                values: values.clone(),
                cost: f64::NAN,
                verdicts: self.slos.iter().map(|s| s.judge(&[])).collect(),
                stable: false,
                feasible: false,
            },
        };
        self.seen.insert((kind, values.clone()), self.log.len());
        self.log.push(eval);
        self.log.last()
    }

    /// Verdicts of the seeds' reports at one point.
    fn judge(
        &self,
        kind: StrategyKind,
        values: &Values,
        cost: f64,
        reports: &[crate::metrics::Report],
    ) -> Eval {
        let stable = reports.iter().all(|r| r.unstable_tier().is_none());
        let columns: Vec<Vec<(String, crate::report::Cell)>> = reports
            .iter()
            .map(|r| summary_columns(&Row::plain(r.clone())))
            .collect();
        let verdicts: Vec<Verdict> = self
            .slos
            .iter()
            .map(|slo| {
                let figures: Vec<f64> = columns
                    .iter()
                    .map(|cols| figure(cols, &slo.column))
                    .collect();
                slo.judge(&figures)
            })
            .collect();
        let feasible = stable && verdicts.iter().all(|v| v.holds);
        Eval {
            kind,
            values: values.clone(),
            cost,
            verdicts,
            stable,
            feasible,
        }
    }
}

/// The value of a summary column as the CSV prints it (NaN when empty),
/// so a verdict can be checked from a `run` or `sweep` CSV digit for digit.
fn figure(cols: &[(String, crate::report::Cell)], column: &str) -> f64 {
    cols.iter()
        .find(|(k, _)| k == column)
        .and_then(|(_, c)| c.render().parse().ok())
        .unwrap_or(f64::NAN)
}
