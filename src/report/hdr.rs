//! HDR histogram export (`--hdr PATH`).
//!
//! `PATH` gets HdrHistogram's interval-log format (V2 compressed histograms,
//! base64, one line per histogram), which HistogramLogAnalyzer and
//! HdrHistogram's own tools read; one histogram per (strategy, seed, kind),
//! tagged `strategy/kind` (with `/seedN` in sweeps), covering the measured
//! window, values in nanoseconds (the max column is in ms: divisor 1e6).
//! `PATH.percentiles.txt` gets the classic percentile-distribution text
//! (Value in ms, Percentile, TotalCount, 1/(1-Percentile)) per histogram.
//! Timestamps are simulated time from the start of the run, so the files are
//! identical for identical inputs.

use super::Row;
use crate::metrics::Latency;
use hdrhistogram::serialization::V2DeflateSerializer;
use hdrhistogram::serialization::interval_log::{IntervalLogWriterBuilder, Tag};
use std::io::{self, Write};
use std::time::{Duration, UNIX_EPOCH};

/// The histograms of a row, with their kind names.
fn kinds(row: &Row) -> [(&'static str, &Latency); 3] {
    let r = &row.report;
    [
        ("read", &r.read_latency),
        ("post", &r.post_latency),
        ("delivery", &r.delivery_latency),
    ]
}

/// The tag of one histogram.
pub fn tag(row: &Row, kind: &str, with_seed: bool) -> String {
    let mut t = format!("{}/{}", row.report.strategy.name(), kind);
    if with_seed {
        t.push_str(&format!("/seed{}", row.report.seed));
    }
    for (k, v) in &row.point {
        t.push_str(&format!("/{k}={v}"));
    }
    t.replace([',', ' ', '\r', '\n'], "_")
}

fn several_seeds(rows: &[Row]) -> bool {
    rows.iter().any(|r| r.report.seed != rows[0].report.seed)
}

/// Writes the interval log.
pub fn write_interval_log(
    rows: &[Row],
    warmup: Duration,
    mut out: &mut dyn Write,
) -> io::Result<()> {
    let mut serializer = V2DeflateSerializer::new();
    let mut writer = IntervalLogWriterBuilder::new()
        .add_comment("fanout latency histograms, values in nanoseconds of simulated time")
        .with_start_time(UNIX_EPOCH)
        .with_base_time(UNIX_EPOCH)
        .with_max_value_divisor(1e6)
        .begin_log_with(&mut out, &mut serializer)?;
    let seeds = several_seeds(rows);
    for row in rows {
        let window = Duration::from_secs_f64(row.report.sim_seconds);
        for (kind, lat) in kinds(row) {
            let tag = tag(row, kind, seeds);
            writer
                .write_histogram(lat.histogram(), warmup, window, Tag::new(&tag))
                .map_err(|e| io::Error::other(e.to_string()))?;
        }
    }
    Ok(())
}

/// Writes the percentile distributions.
pub fn write_percentiles(rows: &[Row], out: &mut dyn Write) -> io::Result<()> {
    let seeds = several_seeds(rows);
    for row in rows {
        for (kind, lat) in kinds(row) {
            let h = lat.histogram();
            writeln!(out, "# {} latency (ms)", tag(row, kind, seeds))?;
            writeln!(
                out,
                "{:>12} {:>14} {:>10} {:>14}\n",
                "Value", "Percentile", "TotalCount", "1/(1-Percentile)"
            )?;
            if h.is_empty() {
                writeln!(out, "# (no values)\n")?;
                continue;
            }
            for v in h.iter_quantiles(5) {
                let q = v.quantile_iterated_to();
                let inv = if q < 1.0 {
                    format!("{:.2}", 1.0 / (1.0 - q))
                } else {
                    "inf".into()
                };
                writeln!(
                    out,
                    "{:>12.3} {:>14.12} {:>10} {:>14}",
                    v.value_iterated_to() as f64 * 1e-6,
                    q,
                    count_to(h, v.value_iterated_to()),
                    inv
                )?;
            }
            writeln!(
                out,
                "#[Mean    = {:>12.3}, StdDeviation   = {:>12.3}]",
                h.mean() * 1e-6,
                h.stdev() * 1e-6
            )?;
            writeln!(
                out,
                "#[Max     = {:>12.3}, Total count    = {:>12}]",
                h.max() as f64 * 1e-6,
                h.len()
            )?;
            writeln!(
                out,
                "#[Buckets = {:>12}, SubBuckets     = {:>12}]\n",
                h.buckets(),
                h.distinct_values()
            )?;
        }
    }
    Ok(())
}

fn count_to(h: &hdrhistogram::Histogram<u64>, value: u64) -> u64 {
    h.count_between(0, value)
}
