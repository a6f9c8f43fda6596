//! The time-series CSV: one row per interval, strategy and seed.
//!
//! Each row's resilience columns hold the counts settled in its interval,
//! so a fault's effect shows where it happens rather than averaged away.

use super::{Cell, Exporter, Row, resilience_columns};
use std::io::{self, Write};

/// The time-series CSV (`--timeseries`).
pub struct TimeSeriesCsv;

/// The columns written before the resilience columns existed.
const BASE_COLUMNS: [&str; 18] = [
    "scenario",
    "strategy",
    "seed",
    "t_start_s",
    "t_end_s",
    "posts_per_sec",
    "reads_per_sec",
    "timeline_writes_per_sec",
    "store_reads_per_sec",
    "read_p50_ms",
    "read_p99_ms",
    "read_p999_ms",
    "delivery_p99_ms",
    "fanout_backlog",
    "store_peak_queue",
    "cache_peak_queue",
    "workers_peak_queue",
    "event",
];

/// Column names, in order, before any sweep columns: the base columns, then
/// [`super::RESILIENCE_COLUMNS`] after `event`, so that the earlier columns
/// keep their positions.
pub const COLUMNS: [&str; 26] = concat(BASE_COLUMNS, super::RESILIENCE_COLUMNS);

/// `a` followed by `b`, in a constant.
const fn concat<const A: usize, const B: usize, const C: usize>(
    a: [&'static str; A],
    b: [&'static str; B],
) -> [&'static str; C] {
    assert!(A + B == C, "the lengths must add up");
    let mut out = [""; C];
    let mut i = 0;
    while i < A {
        out[i] = a[i];
        i += 1;
    }
    while i < C {
        out[i] = b[i - A];
        i += 1;
    }
    out
}

impl Exporter for TimeSeriesCsv {
    fn export(&self, rows: &[Row], out: &mut dyn Write) -> io::Result<()> {
        let mut w = csv::Writer::from_writer(out);
        let mut header: Vec<String> = COLUMNS.iter().map(|c| c.to_string()).collect();
        if let Some(first) = rows.first() {
            header.extend(first.point.iter().map(|(k, _)| k.clone()));
        }
        w.write_record(&header)?;
        for row in rows {
            let r = &row.report;
            for s in &r.series {
                let ms = |x: f64| Cell::Num(x, 3).render();
                let rate = |x: f64| Cell::Num(x, 1).render();
                let mut rec = vec![
                    r.scenario.clone(),
                    r.strategy.name().to_string(),
                    r.seed.to_string(),
                    Cell::Num(s.t_start_s, 3).render(),
                    Cell::Num(s.t_end_s, 3).render(),
                    rate(s.posts_per_sec),
                    rate(s.reads_per_sec),
                    rate(s.timeline_writes_per_sec),
                    rate(s.store_reads_per_sec),
                    ms(s.read_p50_ms),
                    ms(s.read_p99_ms),
                    ms(s.read_p999_ms),
                    ms(s.delivery_p99_ms),
                    s.fanout_backlog.to_string(),
                    s.peak_queue[0].to_string(),
                    s.peak_queue[1].to_string(),
                    s.peak_queue[2].to_string(),
                    s.event.clone(),
                ];
                rec.extend(
                    resilience_columns(&s.resilience)
                        .iter()
                        .map(|(_, c)| c.render()),
                );
                rec.extend(row.point.iter().map(|(_, v)| v.clone()));
                w.write_record(&rec)?;
            }
        }
        w.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::{Resilience, SeriesRow};
    use crate::model::config::StrategyKind;
    use crate::report::RESILIENCE_COLUMNS;
    use crate::report::fixtures;

    fn interval(t: f64, resilience: Resilience, event: &str) -> SeriesRow {
        SeriesRow {
            t_start_s: t,
            t_end_s: t + 1.0,
            posts_per_sec: 10.0,
            reads_per_sec: 100.0,
            timeline_writes_per_sec: 0.0,
            store_reads_per_sec: 5.0,
            read_p50_ms: 1.0,
            read_p99_ms: 2.0,
            read_p999_ms: 3.0,
            delivery_p99_ms: f64::NAN,
            fanout_backlog: 0,
            peak_queue: [1, 2, 3],
            resilience,
            event: event.into(),
        }
    }

    #[test]
    fn resilience_columns_follow_the_old_ones() {
        assert_eq!(COLUMNS[17], "event");
        assert_eq!(COLUMNS[18..], RESILIENCE_COLUMNS);
    }

    #[test]
    fn each_interval_has_its_own_resilience_counts() {
        let mut report = fixtures::report(StrategyKind::Hybrid);
        let bad = Resilience {
            full_reads: 90,
            failed_reads: 6,
            degraded_reads: 4,
            timeouts: 7,
            retries: 8,
            hedges: 9,
            duplicates: 10,
            rebuilds: 11,
        };
        report.series = vec![
            interval(0.0, Resilience::default(), ""),
            interval(1.0, bad, "cache shard 0 down"),
        ];
        let mut out = Vec::new();
        TimeSeriesCsv
            .export(
                &[Row {
                    report,
                    point: vec![("workload.tweets_per_sec".into(), "5".into())],
                    tail: Vec::new(),
                }],
                &mut out,
            )
            .unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            format!("{},workload.tweets_per_sec", COLUMNS.join(","))
        );
        // No read settled: availability is empty, like other missing values.
        assert!(lines[1].ends_with(",3,,,0,0,0,0,0,0,0,5"), "{}", lines[1]);
        assert!(
            lines[2].ends_with(",3,cache shard 0 down,0.9000,6,4,7,8,9,10,11,5"),
            "{}",
            lines[2]
        );
    }
}
