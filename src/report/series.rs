//! The time-series CSV: one row per interval, strategy and seed.

use super::{Cell, Exporter, Row};
use std::io::{self, Write};

/// The time-series CSV (`--timeseries`).
pub struct TimeSeriesCsv;

/// Column names, in order, before any sweep columns.
pub const COLUMNS: [&str; 18] = [
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
                rec.extend(row.point.iter().map(|(_, v)| v.clone()));
                w.write_record(&rec)?;
            }
        }
        w.flush()
    }
}
