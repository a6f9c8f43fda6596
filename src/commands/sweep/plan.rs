//! The simulations a sweep runs and the rows they fill, in grid order.
//!
//! The grid's items are its (point, seed) pairs, numbered from 0 in grid
//! order (points outer, first `--vary` outermost; seeds inner). Item `i`
//! belongs to slice `(i mod N) + 1` of `--partition K/N`, the convention
//! of `cargo nextest --partition count:K/N`, so slices are a pure function
//! of the grid and interleave (each gets a fair share of cheap and costly
//! points). Every row carries its item and the number of items (columns
//! `item` and `items`), which is what `fanout merge` orders slices by.
//!
//! Usually one simulation per row: each (item, strategy). When every
//! varied key is a `strategy.hybrid.` key, the values change nothing but
//! the hybrid strategy (its celebrity threshold decides who is pushed and
//! who is pulled; fan-out-on-read and fan-out-on-write never read it), so
//! the other strategies are simulated once per seed, at the first point
//! of the slice that needs them, and their row is reused at every point
//! with that point's values: the bytes are what re-simulating would give,
//! apart from `wall_seconds`. Rows already in the output (`--resume`) are
//! not simulated again: their lines are copied.

use super::{SweepConfig, cartesian, seeds};
use crate::commands::jobs::Job;
use crate::commands::results::describe_point;
use crate::error::{FanoutError, Result};
use crate::model::config::{Scenario, StrategyKind};
use crate::report::Row;
use std::collections::HashMap;

/// The values of the varied keys at one point.
type Point = Vec<(String, String)>;

/// Rows already written, by (item, strategy name): their CSV fields.
pub type Done = HashMap<(u64, String), Vec<String>>;

/// A row a job fills: its index in the slice's row order, the point's
/// values and the row's last columns.
struct Fill {
    row: usize,
    point: Point,
    tail: Vec<(String, String)>,
}

/// The simulations to run, and the rows each one fills.
pub struct Plan {
    /// The simulations, in grid order of their first row.
    pub jobs: Vec<Job>,
    /// For each job, the rows it fills.
    fills: Vec<Vec<Fill>>,
    /// Rows taken from the output already written: (row index, CSV fields).
    pub preset: Vec<(usize, Vec<String>)>,
    rows: usize,
    reused: bool,
}

/// One (point, seed) pair of the grid.
pub struct Item {
    /// Its number in grid order, from 0.
    pub index: u64,
    /// The number of items of the whole grid.
    pub total: u64,
    /// The point's number in grid order, from 0.
    pub point_index: usize,
    /// The values of the varied keys.
    pub point: Point,
    /// The point's scenario with this item's seed.
    pub scenario: Scenario,
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

/// The items of this run's slice (all of them without `--partition`), in
/// grid order. Every point is resolved, in or out of the slice, so a bad
/// value fails the same way in every slice.
pub fn items(cfg: &SweepConfig) -> Result<Vec<Item>> {
    let points = cartesian(&cfg.varies);
    let total = points.len() as u64 * u64::from(cfg.seeds);
    let mut out = Vec::new();
    let mut index = 0u64;
    for (point_index, point) in points.into_iter().enumerate() {
        let scenario = resolve_point(cfg, &point)?;
        for seed in seeds(scenario.seed, cfg.seeds) {
            let mine = cfg.partition.is_none_or(|(k, n)| index % n == k - 1);
            if mine {
                let mut s = scenario.clone();
                s.seed = seed;
                out.push(Item {
                    index,
                    total,
                    point_index,
                    point: point.clone(),
                    scenario: s,
                });
            }
            index += 1;
        }
    }
    Ok(out)
}

impl Plan {
    /// Resolves every point before running any, so a bad value fails at
    /// once; rows in `done` are copied rather than simulated.
    pub fn build(cfg: &SweepConfig, done: &Done) -> Result<Plan> {
        let reuse = hybrid_only(cfg);
        let mut plan = Plan {
            jobs: Vec::new(),
            fills: Vec::new(),
            preset: Vec::new(),
            rows: 0,
            reused: false,
        };
        let provenance = crate::provenance::Provenance::new(cfg.hash.clone()).columns();
        // (seed, strategy) -> the job that simulates it for every point.
        let mut shared: Vec<((u64, StrategyKind), usize)> = Vec::new();
        for item in items(cfg)? {
            let s = &item.scenario;
            let mut tail = vec![
                ("item".to_string(), item.index.to_string()),
                ("items".to_string(), item.total.to_string()),
            ];
            tail.extend(provenance.iter().cloned());
            for &kind in &s.strategies {
                let row = plan.rows;
                plan.rows += 1;
                if let Some(fields) = done.get(&(item.index, kind.name().to_string())) {
                    plan.preset.push((row, fields.clone()));
                    continue;
                }
                let fill = Fill {
                    row,
                    point: item.point.clone(),
                    tail: tail.clone(),
                };
                let key = (s.seed, kind);
                let reusable = reuse && kind != StrategyKind::Hybrid;
                if let Some(&(_, job)) = shared.iter().find(|(k, _)| reusable && *k == key) {
                    plan.fills[job].push(fill);
                    plan.reused = true;
                    continue;
                }
                if reusable {
                    shared.push((key, plan.jobs.len()));
                }
                plan.fills.push(vec![fill]);
                plan.jobs.push(Job {
                    scenario: s.clone(),
                    kind,
                    point: item.point.clone(),
                    tail: tail.clone(),
                });
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
    /// it fills, with that row's index, point and item.
    pub fn deliver(
        &self,
        job: usize,
        row: Row,
        sink: &mut dyn FnMut(usize, Row) -> Result<()>,
    ) -> Result<()> {
        let fills = &self.fills[job];
        let Some((last, rest)) = fills.split_last() else {
            return Ok(());
        };
        for f in rest {
            sink(
                f.row,
                Row {
                    report: row.report.clone(),
                    point: f.point.clone(),
                    tail: f.tail.clone(),
                },
            )?;
        }
        sink(
            last.row,
            Row {
                report: row.report,
                point: last.point.clone(),
                tail: last.tail.clone(),
            },
        )
    }
}
