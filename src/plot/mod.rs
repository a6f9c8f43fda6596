//! `fanout plot`: draws one SVG from the CSVs the other commands write.
//!
//! It is a module of its own, not one of `report`'s exporters: it reads
//! files those exporters wrote (possibly by another version, or edited by
//! hand), never a run's results in memory, so it must treat its input as
//! untrusted text.
//!
//! The kind of CSV is recognised from its header ([`classify`]):
//!
//! - a summary (`fanout run --csv`) gives response-time percentiles per
//!   strategy: read, post and delivery p50/p99/p99.9, one panel each;
//! - a time series (`fanout run --timeseries`) gives timeline writes/s and
//!   read p99 over simulated time, with scheduled events marked, and, when
//!   faults cost reads or client policies did work (the resilience columns),
//!   the share of reads answered in full and the policy counters;
//! - a sweep (`fanout sweep --csv`) gives the trade-off: timeline writes/s
//!   against read p99, one point per (strategy, sweep point), labelled with
//!   the varied values, and the Pareto front joined by a line;
//! - a tune CSV (`fanout tune --csv`) gives each evaluated configuration's
//!   cost against the main SLO's figure, feasible points filled and each
//!   strategy's feasible frontier joined.
//!
//! The SVG is written by hand (see `svg.rs`) rather than with plotters: with
//! no font backend plotters can only guess text sizes, and the plots need
//! control it does not give easily (log ticks labelled 1, 10, 100, labels
//! placed to avoid each other, a legend outside the data, event labels).
//! Every coordinate is printed with fixed decimals and nothing depends on
//! hash order or the clock, so the same CSVs give the same bytes.
//!
//! Files: `table.rs` reads the CSVs; `axis.rs` chooses scales and ticks;
//! `panel.rs` maps data to pixels and draws frames; `legend.rs` and
//! `svg.rs` write the picture; `colors.rs` gives each series its colour;
//! `summary.rs`, `timeseries/` and `sweep.rs` are the three plots, each a
//! short `draw` that reads rows, fits axes, lays out panels and draws them.

mod axis;
/// How a point's value is labelled (about three significant digits), so a
/// test can look for the label a figure must carry.
pub use axis::fmt_sig;
mod colors;
mod legend;
mod panel;
mod summary;
mod svg;
mod sweep;
mod table;
mod timeseries;
mod tune;

use crate::error::{FanoutError, Result};
use crate::output::{check_writable, write_atomic};
use colors::series_colors;
use std::path::{Path, PathBuf};
use table::{Provenance, Table, mean};

/// The 21 first columns of the summary CSV (its stable contract), which a
/// summary or sweep CSV starts with.
pub const SUMMARY_COLUMNS: [&str; 21] = [
    "scenario",
    "strategy",
    "seed",
    "sim_seconds",
    "users",
    "tweets_per_sec",
    "reads_per_sec",
    "mean_fanout_per_tweet",
    "timeline_writes_per_sec",
    "store_reads_per_sec",
    "read_p50_ms",
    "read_p99_ms",
    "read_p999_ms",
    "post_p50_ms",
    "post_p99_ms",
    "post_p999_ms",
    "delivery_p50_ms",
    "delivery_p99_ms",
    "delivery_p999_ms",
    "events",
    "wall_seconds",
];

/// The columns of the time-series CSV (those its exporter writes); later
/// columns are ignored. Files written before the resilience columns (the
/// last eight) existed lack them and still plot, without those panels.
pub const TIMESERIES_COLUMNS: [&str; 26] = crate::report::TIMESERIES_COLUMNS;

/// What kind of CSV a header is, which decides the plot drawn from it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CsvKind {
    /// `fanout run --csv`: one row per strategy (and seed).
    Summary,
    /// `fanout run --timeseries`: one row per strategy and interval.
    TimeSeries,
    /// `fanout sweep --csv`: summary rows plus one column per varied key.
    Sweep,
    /// `fanout tune --csv`: one row per evaluated configuration.
    Tune,
}

impl CsvKind {
    /// The kind's name in error messages.
    pub fn describe(self) -> &'static str {
        match self {
            CsvKind::Summary => "a summary CSV (fanout run --csv)",
            CsvKind::TimeSeries => "a time-series CSV (fanout run --timeseries)",
            CsvKind::Sweep => "a sweep CSV (fanout sweep --csv)",
            CsvKind::Tune => "a tune CSV (fanout tune --csv)",
        }
    }
}

/// Recognises a CSV from its header, so `fanout plot` needs no flag saying
/// what it was given.
///
/// - Time series: the header has `t_start_s` and `t_end_s`.
/// - Summary or sweep: the header has `strategy` and `read_p99_ms`; it is a
///   sweep when it has at least one varied-key column ([`varied_columns`]).
/// - Tune: the header has `cost_per_hour`, `feasible` and a `*_bound95`
///   column (checked first: it has no `read_p99_ms`).
/// - Anything else: `None`.
///
/// Names are compared after trimming spaces. Which other columns a plot
/// needs is checked when drawing it, so the error can name the one missing.
pub fn classify(header: &[String]) -> Option<CsvKind> {
    let has = |name: &str| header.iter().any(|h| h.trim() == name);
    if has("t_start_s") && has("t_end_s") {
        Some(CsvKind::TimeSeries)
    } else if has("cost_per_hour") && has("feasible") && tune::figure_column(header).is_some() {
        Some(CsvKind::Tune)
    } else if has("strategy") && has("read_p99_ms") {
        if varied_columns(header).is_empty() {
            Some(CsvKind::Summary)
        } else {
            Some(CsvKind::Sweep)
        }
    } else {
        None
    }
}

/// The indices of a sweep's varied-key columns. A column is a varied key
/// iff its name is a dotted key path (contains a `.`: no summary column
/// does), or is one of the top-level scenario keys `duration` or `warmup`
/// (not summary columns either), or is a second column named `seed` (the
/// summary has its own `seed`; a varied seed repeats the name). This does
/// not depend on the number or names of the summary's extra columns, which
/// may grow.
pub fn varied_columns(header: &[String]) -> Vec<usize> {
    let mut seen_seed = false;
    let mut out = Vec::new();
    for (i, h) in header.iter().enumerate() {
        let h = h.trim();
        let varied = match h {
            "seed" => std::mem::replace(&mut seen_seed, true),
            "duration" | "warmup" => true,
            _ => h.contains('.'),
        };
        if varied {
            out.push(i);
        }
    }
    out
}

/// The Pareto front of `(cost_x, cost_y)` points where lower is better on
/// both axes: the indices of points that no other point dominates (is <= on
/// both and < on one), sorted by x then y. Points with a NaN are never on
/// the front. Equal points are all kept.
pub fn pareto_front(points: &[(f64, f64)]) -> Vec<usize> {
    let ok = |p: &(f64, f64)| !p.0.is_nan() && !p.1.is_nan();
    let mut front: Vec<usize> = (0..points.len())
        .filter(|&i| ok(&points[i]))
        .filter(|&i| {
            let (x, y) = points[i];
            !points
                .iter()
                .any(|q| ok(q) && q.0 <= x && q.1 <= y && (q.0 < x || q.1 < y))
        })
        .collect();
    front.sort_by(|&a, &b| {
        points[a]
            .0
            .total_cmp(&points[b].0)
            .then(points[a].1.total_cmp(&points[b].1))
            .then(a.cmp(&b))
    });
    front
}

/// Reads the CSVs, recognises their kind, and draws one SVG, written
/// atomically to `out` (`-` = standard output). Several inputs must be of
/// the same kind; their rows are concatenated. Bad input (missing, empty or
/// unknown file, mixed kinds, a cell that is not a number or that no
/// axis can hold) is
/// [`FanoutError::Input`] with one line naming the file.
pub fn plot(inputs: &[PathBuf], out: &Path) -> Result<()> {
    check_writable("-o", out)?;
    let svg = render(inputs)?;
    write_atomic(out, |w| w.write_all(svg.as_bytes()))
}

/// The SVG text for `inputs`, without writing it anywhere.
pub fn render(inputs: &[PathBuf]) -> Result<String> {
    if inputs.is_empty() {
        return Err(FanoutError::input(
            "fanout plot: no CSV file given; pass one or more CSVs written by fanout run or fanout sweep",
        ));
    }
    let tables = inputs
        .iter()
        .map(|p| Table::load(p))
        .collect::<Result<Vec<_>>>()?;
    let mut kinds = Vec::with_capacity(tables.len());
    for t in &tables {
        match classify(&t.header) {
            Some(k) => kinds.push(k),
            None => {
                return Err(FanoutError::input(format!(
                    "{}: not a fanout CSV: header '{}' has none of the recognised columns \
                     (summary or sweep: strategy, read_p99_ms, ...; time series: t_start_s, t_end_s, ...)",
                    t.name,
                    svg::truncate(&t.header.join(","), 80)
                )));
            }
        }
    }
    if kinds.iter().any(|k| *k != kinds[0]) {
        let list: Vec<String> = tables
            .iter()
            .zip(&kinds)
            .map(|(t, k)| format!("{} is {}", t.name, k.describe()))
            .collect();
        return Err(FanoutError::input(format!(
            "cannot plot different kinds of CSV together: {}; plot them separately",
            list.join(", ")
        )));
    }
    let mut tables = tables;
    separate_runs(&mut tables, kinds[0])?;
    match kinds[0] {
        CsvKind::Summary => summary::draw(&tables),
        CsvKind::TimeSeries => timeseries::draw(&tables),
        CsvKind::Sweep => sweep::draw(&tables),
        CsvKind::Tune => tune::draw(&tables),
    }
}

/// Keeps runs from different files apart. Two files holding rows of the
/// same run (scenario, strategy and seed, and for a sweep the same varied
/// values) are two runs that differ in something the CSV does not show: a
/// `--set`, a policy, another build. Averaging their rows, or joining their
/// intervals into one line, would mix them; so each file then becomes its
/// own series, labelled by its file name (its path when two names are the
/// same). Files whose runs are all distinct (other scenarios, other seeds)
/// are grouped as before: seeds of one scenario are averaged. The same
/// path given twice is refused.
fn separate_runs(tables: &mut [Table], kind: CsvKind) -> Result<()> {
    for (i, t) in tables.iter().enumerate() {
        if let Some(first) = tables[..i].iter().find(|o| o.name == t.name) {
            return Err(FanoutError::input(format!(
                "{}: given twice; pass each CSV once",
                first.name
            )));
        }
    }
    let keys: Vec<Vec<String>> = tables.iter().map(|t| run_keys(t, kind)).collect();
    let shared = (0..keys.len()).any(|i| {
        keys[..i]
            .iter()
            .any(|earlier| keys[i].iter().any(|k| earlier.binary_search(k).is_ok()))
    });
    if !shared {
        return Ok(());
    }
    let file_name = |t: &Table| {
        Path::new(&t.name)
            .file_name()
            .map_or_else(|| t.name.clone(), |n| n.to_string_lossy().into_owned())
    };
    let names: Vec<String> = tables.iter().map(file_name).collect();
    for (i, t) in tables.iter_mut().enumerate() {
        let unique = names.iter().filter(|n| **n == names[i]).count() == 1;
        t.run = Some(if unique {
            names[i].clone()
        } else {
            t.name.clone()
        });
    }
    Ok(())
}

/// The legend's heading over the series: what their names are made of.
fn series_heading(by_file: bool, multi_scenario: bool) -> &'static str {
    match (by_file, multi_scenario) {
        (false, false) => "strategy",
        (false, true) => "scenario: strategy",
        (true, false) => "file: strategy",
        (true, true) => "file: scenario: strategy",
    }
}

/// The runs of a table, sorted: one key per distinct (scenario, strategy,
/// seed), plus the varied values for a sweep. Missing columns give empty
/// keys; the plot reports them when it needs them.
fn run_keys(t: &Table, kind: CsvKind) -> Vec<String> {
    let mut cols: Vec<Option<usize>> = ["scenario", "strategy", "seed"]
        .iter()
        .map(|c| t.opt_col(c))
        .collect();
    if kind == CsvKind::Sweep {
        cols.extend(varied_columns(&t.header).into_iter().map(Some));
    }
    let mut keys: Vec<String> = t
        .rows
        .iter()
        .map(|r| {
            let cells: Vec<&str> = cols
                .iter()
                .map(|c| c.map_or("", |c| t.text(r, c)))
                .collect();
            // Unit separator: cannot occur in a trimmed CSV cell by accident.
            cells.join("\u{1f}")
        })
        .collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(s: &str) -> Vec<String> {
        s.split(',').map(String::from).collect()
    }

    #[test]
    fn classifies_the_three_kinds() {
        let summary = SUMMARY_COLUMNS.join(",") + ",read_p90_ms,store_utilisation";
        assert_eq!(classify(&h(&summary)), Some(CsvKind::Summary));
        let sweep = summary.clone() + ",strategy.hybrid.celebrity_threshold";
        assert_eq!(classify(&h(&sweep)), Some(CsvKind::Sweep));
        assert_eq!(
            classify(&h(&(summary.clone() + ",seed"))),
            Some(CsvKind::Sweep)
        );
        assert_eq!(classify(&h(&(summary + ",duration"))), Some(CsvKind::Sweep));
        assert_eq!(
            classify(&h(&TIMESERIES_COLUMNS.join(","))),
            Some(CsvKind::TimeSeries)
        );
        assert_eq!(classify(&h("a,b,c")), None);
        assert_eq!(classify(&h("lambda,servers,mean_wait")), None);
        assert_eq!(classify(&[]), None);
        let tune = "strategy,cluster.fanout_workers.workers,cost_per_hour,read_p99_ms_mean,\
                    read_p99_ms_bound95,stable,feasible";
        assert_eq!(classify(&h(tune)), Some(CsvKind::Tune));
        // A summary, whose cost_per_hour column makes it no tune CSV.
        assert_eq!(
            classify(&h("strategy,read_p99_ms,cost_per_hour")),
            Some(CsvKind::Summary)
        );
    }

    #[test]
    fn varied_columns_rule() {
        let hdr = h(
            "scenario,strategy,seed,read_p99_ms,store_utilisation,workload.tweets_per_sec,seed,warmup",
        );
        assert_eq!(varied_columns(&hdr), vec![5, 6, 7]);
    }

    #[test]
    fn pareto_front_keeps_only_undominated_points() {
        let pts = [
            (10.0, 5.0),     // 0: front
            (5.0, 10.0),     // 1: front
            (10.0, 10.0),    // 2: dominated by 0 and 1
            (1.0, 50.0),     // 3: front
            (20.0, 5.0),     // 4: dominated by 0 (same y, more x)
            (f64::NAN, 0.0), // 5: never on the front
            (100.0, 1.0),    // 6: front
            (5.0, 10.0),     // 7: equal to 1, kept
        ];
        assert_eq!(pareto_front(&pts), vec![3, 1, 7, 0, 6]);
        assert!(pareto_front(&[]).is_empty());
        assert_eq!(pareto_front(&[(0.0, 0.0)]), vec![0]);
    }
}
