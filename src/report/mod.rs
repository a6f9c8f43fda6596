//! Exporters: one per format, behind one trait, each writing to any
//! `io::Write` (a file written atomically, or standard output for `-`).
//!
//! The summary's columns are defined once, in [`summary_columns`], and
//! every format (CSV, JSON, the terminal table) reads them from there, so
//! the numbers agree across formats by construction. Floats are printed
//! with a fixed number of decimals, so identical inputs give identical bytes.

pub mod hdr;
pub mod plot;
mod series;
mod sweep_table;
mod table;

pub use series::TimeSeriesCsv;
pub use sweep_table::SweepTable;
pub use table::{Table, thousands};

use crate::metrics::Report;
use std::io::{self, Write};

/// A format results can be written in.
pub trait Exporter {
    /// Writes `reports` (one per strategy, seed or sweep point) to `out`.
    fn export(&self, reports: &[Row], out: &mut dyn Write) -> io::Result<()>;
}

/// One row of results: a report, plus the values of any varied keys.
#[derive(Clone, Debug)]
pub struct Row {
    /// What the simulation measured.
    pub report: Report,
    /// `(key path, value)` of each key a sweep varied, in `--vary` order.
    pub point: Vec<(String, String)>,
}

impl Row {
    /// A row with no sweep columns.
    pub fn plain(report: Report) -> Row {
        Row {
            report,
            point: Vec::new(),
        }
    }
}

/// A cell of the summary: printed the same way by every format.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    /// Text, such as the scenario or strategy name.
    Text(String),
    /// A count.
    Int(u64),
    /// A measured value with this many decimals; NaN is printed empty.
    Num(f64, usize),
}

impl Cell {
    /// The cell as CSV text.
    pub fn render(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Int(n) => n.to_string(),
            Cell::Num(x, _) if !x.is_finite() => String::new(),
            Cell::Num(x, d) => format!("{x:.d$}", d = *d),
        }
    }
    /// The cell as a JSON value (numbers rounded as in the CSV, NaN as null).
    pub fn json(&self) -> serde_json::Value {
        match self {
            Cell::Text(s) => serde_json::Value::String(s.clone()),
            Cell::Int(n) => serde_json::Value::from(*n),
            Cell::Num(x, _) if !x.is_finite() => serde_json::Value::Null,
            Cell::Num(..) => {
                let text = self.render();
                serde_json::from_str(&text).unwrap_or(serde_json::Value::Null)
            }
        }
    }
}

/// The summary columns of one report, in the order of the DESIGN.md
/// contract (its 21 columns first), then the extra columns, then one per
/// varied key.
pub fn summary_columns(row: &Row) -> Vec<(String, Cell)> {
    let r = &row.report;
    let ms = |x: f64| Cell::Num(x, 3);
    let rate = |x: f64| Cell::Num(x, 1);
    let mut cols: Vec<(String, Cell)> = vec![
        ("scenario".into(), Cell::Text(r.scenario.clone())),
        ("strategy".into(), Cell::Text(r.strategy.name().into())),
        ("seed".into(), Cell::Int(r.seed)),
        ("sim_seconds".into(), Cell::Num(r.sim_seconds, 3)),
        ("users".into(), Cell::Int(u64::from(r.users))),
        ("tweets_per_sec".into(), rate(r.tweets_per_sec())),
        ("reads_per_sec".into(), rate(r.reads_per_sec())),
        (
            "mean_fanout_per_tweet".into(),
            Cell::Num(r.mean_fanout_per_tweet(), 2),
        ),
        (
            "timeline_writes_per_sec".into(),
            rate(r.timeline_writes_per_sec()),
        ),
        ("store_reads_per_sec".into(), rate(r.store_reads_per_sec())),
        ("read_p50_ms".into(), ms(r.read_latency.quantile_ms(0.5))),
        ("read_p99_ms".into(), ms(r.read_latency.quantile_ms(0.99))),
        ("read_p999_ms".into(), ms(r.read_latency.quantile_ms(0.999))),
        ("post_p50_ms".into(), ms(r.post_latency.quantile_ms(0.5))),
        ("post_p99_ms".into(), ms(r.post_latency.quantile_ms(0.99))),
        ("post_p999_ms".into(), ms(r.post_latency.quantile_ms(0.999))),
        (
            "delivery_p50_ms".into(),
            ms(r.delivery_latency.quantile_ms(0.5)),
        ),
        (
            "delivery_p99_ms".into(),
            ms(r.delivery_latency.quantile_ms(0.99)),
        ),
        (
            "delivery_p999_ms".into(),
            ms(r.delivery_latency.quantile_ms(0.999)),
        ),
        ("events".into(), Cell::Int(r.events)),
        ("wall_seconds".into(), Cell::Num(r.wall_seconds, 3)),
        ("read_p90_ms".into(), ms(r.read_latency.quantile_ms(0.9))),
        ("read_max_ms".into(), ms(r.read_latency.max_ms())),
        ("post_p90_ms".into(), ms(r.post_latency.quantile_ms(0.9))),
        ("post_max_ms".into(), ms(r.post_latency.max_ms())),
        (
            "delivery_p90_ms".into(),
            ms(r.delivery_latency.quantile_ms(0.9)),
        ),
        ("delivery_max_ms".into(), ms(r.delivery_latency.max_ms())),
        ("dropped_reads".into(), Cell::Int(r.dropped_reads)),
        ("dropped_posts".into(), Cell::Int(r.dropped_posts)),
        ("dropped_fanouts".into(), Cell::Int(r.dropped_fanouts)),
        (
            "dropped_timeline_writes".into(),
            Cell::Int(r.dropped_timeline_writes),
        ),
        (
            "peak_fanout_backlog".into(),
            Cell::Int(r.peak_fanout_backlog),
        ),
        (
            "unstable".into(),
            Cell::Int(u64::from(r.unstable_tier().is_some())),
        ),
        (
            "max_offered_load".into(),
            Cell::Num(r.max_offered_load(), 4),
        ),
    ];
    for t in &r.tiers {
        let n = t.name;
        cols.push((format!("{n}_utilisation"), Cell::Num(t.utilisation(), 4)));
        cols.push((
            format!("{n}_max_shard_utilisation"),
            Cell::Num(t.max_station_utilisation, 4),
        ));
        cols.push((format!("{n}_peak_queue"), Cell::Int(t.total.peak_waiting)));
        cols.push((
            format!("{n}_mean_in_system"),
            Cell::Num(t.total.mean_in_system(), 3),
        ));
        cols.push((
            format!("{n}_mean_sojourn_ms"),
            ms(t.total.mean_sojourn_ns() * 1e-6),
        ));
    }
    for (key, value) in &row.point {
        cols.push((key.clone(), Cell::Text(value.clone())));
    }
    cols
}

/// The summary CSV of DESIGN.md: a header, then one row per report.
pub struct SummaryCsv;

impl Exporter for SummaryCsv {
    fn export(&self, rows: &[Row], out: &mut dyn Write) -> io::Result<()> {
        let mut w = csv::Writer::from_writer(out);
        for (i, row) in rows.iter().enumerate() {
            let cols = summary_columns(row);
            if i == 0 {
                w.write_record(cols.iter().map(|(k, _)| k.as_str()))?;
            }
            w.write_record(cols.iter().map(|(_, c)| c.render()))?;
        }
        w.flush()
    }
}

/// The same numbers as the summary CSV, as a JSON array of objects whose
/// keys are the CSV's columns, in the same order.
pub struct Json;

impl Exporter for Json {
    fn export(&self, rows: &[Row], out: &mut dyn Write) -> io::Result<()> {
        let array: Vec<serde_json::Value> = rows
            .iter()
            .map(|row| {
                let map: serde_json::Map<String, serde_json::Value> = summary_columns(row)
                    .into_iter()
                    .map(|(k, c)| (k, c.json()))
                    .collect();
                serde_json::Value::Object(map)
            })
            .collect();
        serde_json::to_writer_pretty(&mut *out, &array)?;
        writeln!(out)
    }
}
