//! The simulations a sweep runs and the rows they fill, in grid order.
//!
//! Usually one simulation per row: each (point, seed, strategy). When every
//! varied key is a `strategy.hybrid.` key, the values change nothing but
//! the hybrid strategy (its celebrity threshold decides who is pushed and
//! who is pulled; fan-out-on-read and fan-out-on-write never read it), so
//! the other strategies are simulated once per seed, at the first point,
//! and their row is reused at every point with that point's values: the
//! bytes are what re-simulating would give, apart from `wall_seconds`.

use super::{SweepConfig, cartesian, seeds};
use crate::commands::jobs::Job;
use crate::commands::results::describe_point;
use crate::error::{FanoutError, Result};
use crate::model::config::{Scenario, StrategyKind};
use crate::report::Row;

/// The values of the varied keys at one point.
type Point = Vec<(String, String)>;

/// The simulations to run, and the rows each one fills.
pub struct Plan {
    /// The simulations, in grid order of their first row.
    pub jobs: Vec<Job>,
    /// For each job, the rows it fills: (row index, the point's values).
    fills: Vec<Vec<(usize, Point)>>,
    rows: usize,
    reused: bool,
}

/// Whether every varied key only changes the hybrid strategy.
fn hybrid_only(cfg: &SweepConfig) -> bool {
    !cfg.varies.is_empty()
        && cfg
            .varies
            .iter()
            .all(|v| v.key.starts_with("strategy.hybrid."))
}

/// The scenario at one point; a bad value names the flag and the point.
fn resolve_point(cfg: &SweepConfig, point: &[(String, String)]) -> Result<Scenario> {
    let mut raw = cfg.raw.clone();
    for (key, value) in point {
        raw.set_value(key, value).map_err(|e| match e {
            FanoutError::Input(m) => FanoutError::input(format!("--vary {key}={value}: {m}")),
            other => other,
        })?;
    }
    raw.resolve().map_err(|e| match e {
        FanoutError::Input(m) => {
            FanoutError::input(format!("--vary at {}: {m}", describe_point(point)))
        }
        other => other,
    })
}

impl Plan {
    /// Resolves every point before running any, so a bad value fails at once.
    pub fn build(cfg: &SweepConfig) -> Result<Plan> {
        let reuse = hybrid_only(cfg);
        let mut plan = Plan {
            jobs: Vec::new(),
            fills: Vec::new(),
            rows: 0,
            reused: false,
        };
        // (seed, strategy) -> the job that simulates it for every point.
        let mut shared: Vec<((u64, StrategyKind), usize)> = Vec::new();
        for point in cartesian(&cfg.varies) {
            let scenario = resolve_point(cfg, &point)?;
            for seed in seeds(scenario.seed, cfg.seeds) {
                let mut s = scenario.clone();
                s.seed = seed;
                for &kind in &s.strategies {
                    let row = plan.rows;
                    plan.rows += 1;
                    let key = (seed, kind);
                    let reusable = reuse && kind != StrategyKind::Hybrid;
                    if let Some(&(_, job)) = shared.iter().find(|(k, _)| reusable && *k == key) {
                        plan.fills[job].push((row, point.clone()));
                        plan.reused = true;
                        continue;
                    }
                    if reusable {
                        shared.push((key, plan.jobs.len()));
                    }
                    plan.fills.push(vec![(row, point.clone())]);
                    plan.jobs.push(Job {
                        scenario: s.clone(),
                        kind,
                        point: point.clone(),
                    });
                }
            }
        }
        Ok(plan)
    }

    /// Whether some rows reuse another point's simulation.
    pub fn reuses(&self) -> bool {
        self.reused
    }

    /// Number of rows the sweep writes.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Job `job` finished with `row`: hands a copy to `sink` for each row
    /// it fills, with that row's index and point.
    pub fn deliver(
        &self,
        job: usize,
        row: Row,
        sink: &mut dyn FnMut(usize, Row) -> Result<()>,
    ) -> Result<()> {
        let fills = &self.fills[job];
        let Some(((last, last_point), rest)) = fills.split_last() else {
            return Ok(());
        };
        for (index, point) in rest {
            sink(
                *index,
                Row {
                    report: row.report.clone(),
                    point: point.clone(),
                },
            )?;
        }
        sink(
            *last,
            Row {
                report: row.report,
                point: last_point.clone(),
            },
        )
    }
}
