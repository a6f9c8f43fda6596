//! Exporters: one per format, behind one trait, each writing to any
//! `io::Write` (a file written atomically, or standard output for `-`).
//!
//! The summary's columns are defined once, in [`summary_columns`], and
//! every format (CSV, JSON, the terminal table) reads them from there, so
//! the numbers agree across formats by construction. Floats are printed
//! with a fixed number of decimals, so identical inputs give identical bytes.

pub mod hdr;
mod series;
mod sweep_table;
mod table;

pub use series::COLUMNS as TIMESERIES_COLUMNS;
pub use series::TimeSeriesCsv;
pub use sweep_table::{SweepSummary, SweepTable};
pub use table::{Table, thousands};

use crate::metrics::{Report, Resilience};
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
    /// Columns after the varied keys: a sweep's `item` and `items`, then
    /// the provenance (`fanout_version`, `scenario_hash`); see
    /// `crate::provenance`. Empty in unit tests' rows.
    pub tail: Vec<(String, String)>,
}

impl Row {
    /// A row with no sweep columns.
    pub fn plain(report: Report) -> Row {
        Row {
            report,
            point: Vec::new(),
            tail: Vec::new(),
        }
    }
}

/// `; fanout VERSION, scenario hash HASH` for a table's header line, from
/// a row's provenance columns; empty for rows without them.
pub fn provenance_suffix(tail: &[(String, String)]) -> String {
    let get = |name: &str| tail.iter().find(|(k, _)| k == name).map(|(_, v)| v);
    match (get("fanout_version"), get("scenario_hash")) {
        (Some(v), Some(h)) => format!("; fanout {v}, scenario hash {h}"),
        _ => String::new(),
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

/// The summary columns of one report, in the order of the README's summary CSV
/// contract (its 21 columns first), then the extra columns, then the
/// resilience columns ([`RESILIENCE_COLUMNS`]), then one per varied key.
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
    cols.extend(resilience_columns(&r.resilience));
    // Posts of the window whose fan-out had not finished when the run
    // stopped at its drain horizon: not in the delivery percentiles.
    // Appended after every older column, so none moves.
    cols.push(("pending_deliveries".into(), Cell::Int(r.pending_deliveries)));
    cols.extend(mean_and_rate_columns(r));
    cols.extend(cache_columns(&r.cache));
    // What the configuration costs (model::cost), per hour and per
    // million reads served; appended after every older column.
    cols.push((COST_COLUMNS[0].into(), Cell::Num(r.cost_per_hour, 4)));
    cols.push((
        COST_COLUMNS[1].into(),
        Cell::Num(
            crate::model::cost::per_million_reads(r.cost_per_hour, r.reads_per_sec()),
            6,
        ),
    ));
    for (key, value) in row.point.iter().chain(&row.tail) {
        cols.push((key.clone(), Cell::Text(value.clone())));
    }
    cols
}

/// The exact mean latencies (from the sums the recorder keeps, not the
/// histogram buckets) and each tier's arrival rate in the measurement
/// window, so Little's law (mean in system = rate x mean sojourn) can be
/// checked from the CSV with the `{tier}_mean_in_system` and
/// `{tier}_mean_sojourn_ms` columns. Appended, in one block, after every
/// older column.
fn mean_and_rate_columns(r: &Report) -> Vec<(String, Cell)> {
    let ms = |x: f64| Cell::Num(x, 3);
    let mut cols = vec![
        (
            "read_mean_ms".to_string(),
            ms(r.read_latency.exact_mean_ms()),
        ),
        (
            "post_mean_ms".to_string(),
            ms(r.post_latency.exact_mean_ms()),
        ),
        (
            "delivery_mean_ms".to_string(),
            ms(r.delivery_latency.exact_mean_ms()),
        ),
    ];
    for t in &r.tiers {
        // A worker serves jobs; the store and cache serve requests.
        let what = if t.name == "workers" {
            "jobs"
        } else {
            "requests"
        };
        cols.push((
            format!("{}_{what}_per_sec", t.name),
            Cell::Num(t.arrivals_per_sec(), 1),
        ));
    }
    cols
}

/// Names of the timeline-cache columns, in order: the memory the held
/// timelines take (bytes, every replica), the fraction of reads that found
/// their timeline held (empty in CSV and null in JSON when no read looks
/// one up, as under fan-out-on-read), and the pushes skipped because the
/// follower's timeline was not held.
pub const CACHE_COLUMNS: [&str; 3] = ["cache_memory_bytes", "cache_hit_rate", "skipped_deliveries"];

/// The timeline-cache columns of one run ([`CACHE_COLUMNS`]).
pub fn cache_columns(c: &crate::metrics::CacheUse) -> Vec<(String, Cell)> {
    let cells = [
        Cell::Int(c.memory_bytes),
        Cell::Num(c.hit_rate(), 4),
        Cell::Int(c.skipped_deliveries),
    ];
    CACHE_COLUMNS
        .iter()
        .map(|n| n.to_string())
        .zip(cells)
        .collect()
}

/// Names of the cost columns, in order: they come after the cache
/// columns (see `model::cost`).
pub const COST_COLUMNS: [&str; 2] = ["cost_per_hour", "cost_per_million_reads"];

/// Names of the resilience columns, in order. They come after
/// every earlier column, in the summary and in the time series alike, so
/// readers that go by position keep working; they are always written, so a
/// file's header does not depend on the scenario.
pub const RESILIENCE_COLUMNS: [&str; 8] = [
    "availability",
    "failed_reads",
    "degraded_reads",
    "timeouts",
    "retries",
    "hedges",
    "duplicates",
    "rebuilds",
];

/// The resilience cells: availability (4 decimals, empty when no read
/// settled) then the seven counts, named as in [`RESILIENCE_COLUMNS`].
pub fn resilience_columns(r: &Resilience) -> Vec<(String, Cell)> {
    let cells = [
        Cell::Num(r.availability(), 4),
        Cell::Int(r.failed_reads),
        Cell::Int(r.degraded_reads),
        Cell::Int(r.timeouts),
        Cell::Int(r.retries),
        Cell::Int(r.hedges),
        Cell::Int(r.duplicates),
        Cell::Int(r.rebuilds),
    ];
    RESILIENCE_COLUMNS
        .iter()
        .zip(cells)
        .map(|(k, c)| (k.to_string(), c))
        .collect()
}

/// The summary CSV (columns listed in the README, Outputs): a header, then one row per report.
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
/// keys are the CSV's columns, in the same order, in an envelope that says
/// where they came from: `{"fanout_version", "scenario_hash", "results"}`
/// (the hash of the first row; null for rows without provenance).
pub struct Json;

impl Exporter for Json {
    fn export(&self, rows: &[Row], out: &mut dyn Write) -> io::Result<()> {
        let hash = rows
            .first()
            .and_then(|r| r.tail.iter().find(|(k, _)| k == "scenario_hash"))
            .map_or(serde_json::Value::Null, |(_, v)| v.clone().into());
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
        let envelope = serde_json::json!({
            "fanout_version": crate::provenance::VERSION,
            "scenario_hash": hash,
            "results": array,
        });
        serde_json::to_writer_pretty(&mut *out, &envelope)?;
        writeln!(out)
    }
}

/// Reports with known numbers, for the exporters' unit tests.
#[cfg(test)]
pub(crate) mod fixtures {
    use crate::metrics::{Latency, Report, Resilience, TierReport};
    use crate::model::config::StrategyKind;
    use crate::sim::station::StationStats;
    use crate::sim::time::SimDuration;

    /// A 10-second run of `kind` with fixed counts and latencies, no
    /// resilience configured and no read failed.
    pub fn report(kind: StrategyKind) -> Report {
        let k = kind.index() as u64 + 1;
        let mut read_latency = Latency::default();
        let mut post_latency = Latency::default();
        let mut delivery_latency = Latency::default();
        for i in 1..=1000u64 {
            read_latency.record(SimDuration::from_micros(i * 10 * k));
            post_latency.record(SimDuration::from_micros(i * 3));
            delivery_latency.record(SimDuration::from_micros(i * 50 * k));
        }
        let stats = StationStats {
            servers: 4,
            window_ns: 10_000_000_000,
            arrivals: 50_000,
            drops: 0,
            wait_sum_ns: 1_000_000_000,
            sojourn_sum_ns: 20_000_000_000,
            busy_ns: 8_000_000_000 * u128::from(k),
            offered_ns: 8_000_000_000 * u128::from(k),
            area_in_system_ns: 20_000_000_000,
            area_waiting_ns: 1_000_000_000,
            peak_waiting: 7 * k,
            wait_hist: None,
            sojourn_hist: None,
        };
        Report {
            scenario: "fixture".into(),
            strategy: kind,
            seed: 42,
            sim_seconds: 10.0,
            users: 12_345,
            posts: 46_000,
            reads: 3_000_000,
            fanout_sum: 46_000 * 75,
            timeline_writes: 3_450_000 * (k - 1),
            store_reads: 1_000_000 * (3 - k),
            read_latency,
            post_latency,
            delivery_latency,
            dropped_reads: k,
            dropped_posts: 0,
            dropped_fanouts: 0,
            dropped_timeline_writes: 0,
            peak_fanout_backlog: 1_234_567 * (k - 1),
            pending_deliveries: 0,
            resilience: Resilience {
                full_reads: 3_000_000,
                ..Resilience::default()
            },
            cache: Default::default(),
            resilience_configured: false,
            tiers: vec![TierReport {
                name: "store",
                stations: 2,
                total: stats,
                max_station_utilisation: 0.3 * k as f64,
                max_station_offered_load: 0.3 * k as f64,
            }],
            partial: false,
            series: Vec::new(),
            events: 9_876_543,
            wall_seconds: 1.25,
            cost_per_hour: 36.0,
        }
    }

    /// The same run with faults configured and these counts.
    pub fn faulty(kind: StrategyKind, r: Resilience) -> Report {
        Report {
            resilience: r,
            resilience_configured: true,
            ..report(kind)
        }
    }

    /// All three strategies, unconfigured.
    pub fn three() -> Vec<super::Row> {
        [
            StrategyKind::FanoutOnRead,
            StrategyKind::FanoutOnWrite,
            StrategyKind::Hybrid,
        ]
        .into_iter()
        .map(|k| super::Row::plain(report(k)))
        .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::config::StrategyKind;

    fn counted() -> Resilience {
        Resilience {
            full_reads: 9_995,
            failed_reads: 3,
            degraded_reads: 2,
            timeouts: 40,
            retries: 50,
            hedges: 60,
            duplicates: 70,
            rebuilds: 80,
        }
    }

    /// The columns after `pending_deliveries` for the fixture (one tier,
    /// the store), then its varied key.
    const MEAN_RATE_TAIL: [&str; 5] = [
        "read_mean_ms",
        "post_mean_ms",
        "delivery_mean_ms",
        "store_requests_per_sec",
        "cluster.cache.replicas",
    ];

    #[test]
    fn resilience_columns_keep_their_place_before_later_columns_and_the_varied_keys() {
        let row = Row {
            report: fixtures::faulty(StrategyKind::Hybrid, counted()),
            point: vec![("cluster.cache.replicas".into(), "2".into())],
            tail: Vec::new(),
        };
        let cols = summary_columns(&row);
        let names: Vec<&str> = cols.iter().map(|(k, _)| k.as_str()).collect();
        let n = names.len();
        // The columns appended after pending_deliveries, in order: the
        // mean and rate columns, the cache columns, the cost columns; then
        // the varied key (the fixture has one tier, the store).
        let p = names
            .iter()
            .position(|c| *c == "pending_deliveries")
            .unwrap();
        let appended: Vec<&str> = MEAN_RATE_TAIL[..4]
            .iter()
            .chain(&CACHE_COLUMNS)
            .chain(&COST_COLUMNS)
            .copied()
            .collect();
        assert_eq!(names[p + 1..n - 1], appended);
        assert_eq!(names[n - 1], "cluster.cache.replicas");
        // Columns added later (pending_deliveries, then the blocks above)
        // come after the resilience columns, so those keep their place.
        let n = p + 2;
        assert_eq!(names[n - 10..n - 2], RESILIENCE_COLUMNS);
        // Every earlier column keeps its place: the contract's 21 first.
        assert_eq!(names[..21], crate::plot::SUMMARY_COLUMNS);
        assert_eq!(names[n - 11], "store_mean_sojourn_ms");
        let cells: Vec<String> = cols[n - 10..n - 2]
            .iter()
            .map(|(_, c)| c.render())
            .collect();
        assert_eq!(cells, ["0.9995", "3", "2", "40", "50", "60", "70", "80"]);
    }

    #[test]
    fn the_cost_columns_price_the_hour_and_a_million_reads() {
        // The fixture reads 3,000,000 times in 10 s: 300k reads/s, so an
        // hour at 36 serves 1.08e9 reads and a million cost 36 / 1080.
        let row = Row::plain(fixtures::report(StrategyKind::Hybrid));
        let cols = summary_columns(&row);
        let get = |name: &str| {
            cols.iter()
                .find(|(k, _)| k == name)
                .map(|(_, c)| c.render())
                .unwrap()
        };
        assert_eq!(get("cost_per_hour"), "36.0000");
        assert_eq!(get("cost_per_million_reads"), "0.033333");
        let mut idle = fixtures::report(StrategyKind::Hybrid);
        idle.reads = 0;
        let cols = summary_columns(&Row::plain(idle));
        assert_eq!(cols.last().unwrap().1.render(), "");
    }

    #[test]
    fn unused_resilience_columns_hold_neutral_values() {
        let row = Row::plain(fixtures::report(StrategyKind::FanoutOnRead));
        let cells: Vec<String> = resilience_columns(&row.report.resilience)
            .iter()
            .map(|(_, c)| c.render())
            .collect();
        assert_eq!(cells, ["1.0000", "0", "0", "0", "0", "0", "0", "0"]);
        // No read settled: empty in the CSV, null in JSON, like other NaNs.
        let none = resilience_columns(&Resilience::default());
        assert_eq!(none[0].1.render(), "");
        assert_eq!(none[0].1.json(), serde_json::Value::Null);
    }

    #[test]
    fn csv_and_json_carry_the_resilience_columns() {
        let rows = vec![Row::plain(fixtures::faulty(
            StrategyKind::FanoutOnWrite,
            counted(),
        ))];
        let mut csv = Vec::new();
        SummaryCsv.export(&rows, &mut csv).unwrap();
        let csv = String::from_utf8(csv).unwrap();
        let header = csv.lines().next().unwrap();
        // The resilience columns, then the later pending_deliveries, then
        // the mean and rate, cache and cost columns.
        let tail = format!(
            "{},pending_deliveries,{},{},{}",
            RESILIENCE_COLUMNS.join(","),
            MEAN_RATE_TAIL[..4].join(","),
            CACHE_COLUMNS.join(","),
            COST_COLUMNS.join(",")
        );
        assert!(header.ends_with(&tail), "{header}");
        let line = csv.lines().nth(1).unwrap();
        let cells: Vec<&str> = line.split(',').collect();
        // Before the cost: the cache columns (0 bytes, no hit rate, 0).
        assert_eq!(cells[cells.len() - 5..cells.len() - 2], ["0", "", "0"]);
        assert_eq!(
            cells[cells.len() - 18..cells.len() - 9],
            ["0.9995", "3", "2", "40", "50", "60", "70", "80", "0"],
            "{line}"
        );
        let mut json = Vec::new();
        Json.export(&rows, &mut json).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&json).unwrap();
        let obj = v["results"][0].as_object().unwrap();
        let keys: Vec<&str> = obj.keys().map(String::as_str).collect();
        let k = CACHE_COLUMNS.len() + COST_COLUMNS.len();
        assert_eq!(keys[keys.len() - 2..], COST_COLUMNS);
        assert_eq!(keys[keys.len() - k..keys.len() - 2], CACHE_COLUMNS);
        let n = keys.len() - k - 4;
        assert_eq!(keys[n - 9..n - 1], RESILIENCE_COLUMNS);
        assert_eq!(keys[n - 1], "pending_deliveries");
        assert_eq!(keys[n..n + 4], MEAN_RATE_TAIL[..4]);
        assert_eq!(obj["availability"], serde_json::json!(0.9995));
        assert_eq!(obj["rebuilds"], serde_json::json!(80));
    }
}
