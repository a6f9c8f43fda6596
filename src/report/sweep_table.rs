//! The terminal table of a sweep: one line per (point, strategy), each metric
//! as the mean across seeds and, with two or more seeds, the half-width of
//! its 95% confidence interval (Student's t; see `crate::commands::sweep`). Runs that
//! configure faults or client policies add an availability
//! column, and a per-second column for each resilience counter that is not
//! zero everywhere.

use super::{Exporter, Row};
use crate::commands::sweep::mean_ci95;
use crate::metrics::Report;
use std::io::{self, Write};

/// Sweep results, aggregated across seeds.
pub struct SweepTable;

type Metric = (&'static str, fn(&Report) -> f64, usize);

const METRICS: [Metric; 6] = [
    ("timeline writes/s", |r| r.timeline_writes_per_sec(), 0),
    ("store reads/s", |r| r.store_reads_per_sec(), 0),
    ("read p50 ms", |r| r.read_latency.quantile_ms(0.5), 3),
    ("read p99 ms", |r| r.read_latency.quantile_ms(0.99), 3),
    ("read p99.9 ms", |r| r.read_latency.quantile_ms(0.999), 3),
    (
        "delivery p99 ms",
        |r| r.delivery_latency.quantile_ms(0.99),
        3,
    ),
];

/// Shown after [`METRICS`] when some run configured a fault or client
/// policy: the share of reads answered in full, in percent.
const AVAILABILITY: Metric = ("availability %", |r| r.resilience.availability() * 100.0, 3);

/// Per simulated second: failed and degraded reads, timeouts, retries,
/// hedges, duplicate entries and rebuilds; each shown when not all zero.
const COUNTS: [Metric; 7] = [
    (
        "failed reads/s",
        |r| per_sec(r, r.resilience.failed_reads),
        1,
    ),
    (
        "degraded reads/s",
        |r| per_sec(r, r.resilience.degraded_reads),
        1,
    ),
    ("timeouts/s", |r| per_sec(r, r.resilience.timeouts), 1),
    ("retries/s", |r| per_sec(r, r.resilience.retries), 1),
    ("hedges/s", |r| per_sec(r, r.resilience.hedges), 1),
    ("duplicates/s", |r| per_sec(r, r.resilience.duplicates), 1),
    ("rebuilds/s", |r| per_sec(r, r.resilience.rebuilds), 1),
];

fn per_sec(r: &Report, n: u64) -> f64 {
    n as f64 / r.sim_seconds
}

fn cell(values: &[f64], decimals: usize) -> String {
    let (mean, half) = mean_ci95(values);
    if !mean.is_finite() {
        return "-".into();
    }
    if half.is_finite() {
        format!("{mean:.decimals$} ±{half:.decimals$}")
    } else {
        format!("{mean:.decimals$}")
    }
}

/// What the sweep table needs of one row, so a long sweep can drop each
/// report (its histograms are most of its memory) once it is written.
#[derive(Clone, Debug)]
pub struct SweepSummary {
    point: String,
    strategy: &'static str,
    scenario: String,
    sim_seconds: f64,
    resilience_configured: bool,
    /// `; fanout VERSION, scenario hash HASH`, or empty.
    provenance: String,
    /// [`METRICS`], then [`AVAILABILITY`], then [`COUNTS`].
    values: Vec<f64>,
}

impl SweepSummary {
    /// The numbers of `row` the table shows.
    pub fn of(row: &Row) -> SweepSummary {
        let r = &row.report;
        let values = METRICS
            .iter()
            .chain(std::iter::once(&AVAILABILITY))
            .chain(COUNTS.iter())
            .map(|m| m.1(r))
            .collect();
        SweepSummary {
            point: row
                .point
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(" "),
            strategy: r.strategy.name(),
            scenario: r.scenario.clone(),
            sim_seconds: r.sim_seconds,
            resilience_configured: r.resilience_configured,
            provenance: super::provenance_suffix(&row.tail),
            values,
        }
    }

    /// The numbers of a row of a sweep's summary CSV (`fanout merge`,
    /// `sweep --resume`): the same as [`SweepSummary::of`] up to the CSV's
    /// rounding. Resilience counts as configured when a resilience column
    /// is not at its unused value.
    pub fn from_csv(header: &[String], fields: &[String]) -> SweepSummary {
        let get = |name: &str| {
            header
                .iter()
                .position(|h| h == name)
                .and_then(|i| fields.get(i))
                .map_or("", |s| s.as_str())
        };
        let num = |name: &str| get(name).parse::<f64>().unwrap_or(f64::NAN);
        let sim_seconds = num("sim_seconds");
        let availability = num("availability");
        let counts = [
            "failed_reads",
            "degraded_reads",
            "timeouts",
            "retries",
            "hedges",
            "duplicates",
            "rebuilds",
        ];
        let mut values: Vec<f64> = [
            "timeline_writes_per_sec",
            "store_reads_per_sec",
            "read_p50_ms",
            "read_p99_ms",
            "read_p999_ms",
            "delivery_p99_ms",
        ]
        .iter()
        .map(|c| num(c))
        .collect();
        values.push(availability * 100.0);
        values.extend(counts.iter().map(|c| num(c) / sim_seconds));
        let resilience_configured = availability < 1.0 || counts.iter().any(|c| num(c) > 0.0);
        let point = crate::plot::varied_columns(header)
            .into_iter()
            .map(|i| format!("{}={}", header[i], fields.get(i).map_or("", |s| s)))
            .collect::<Vec<_>>()
            .join(" ");
        let tail: Vec<(String, String)> = ["fanout_version", "scenario_hash"]
            .iter()
            .map(|k| (k.to_string(), get(k).to_string()))
            .collect();
        SweepSummary {
            point,
            strategy: crate::model::config::StrategyKind::parse(get("strategy"))
                .map_or("?", |k| k.name()),
            scenario: get("scenario").to_string(),
            sim_seconds,
            resilience_configured,
            provenance: super::provenance_suffix(&tail),
            values,
        }
    }
}

impl Exporter for SweepTable {
    fn export(&self, rows: &[Row], out: &mut dyn Write) -> io::Result<()> {
        let summaries: Vec<SweepSummary> = rows.iter().map(SweepSummary::of).collect();
        self.export_summaries(&summaries, out)
    }
}

impl SweepTable {
    /// The table from the rows' summaries, in sweep order.
    pub fn export_summaries(&self, rows: &[SweepSummary], out: &mut dyn Write) -> io::Result<()> {
        let Some(first) = rows.first() else {
            return writeln!(out, "(no results)");
        };
        // Groups keep first-seen order, which is the sweep's point order.
        let mut groups: Vec<(&str, &'static str, Vec<&SweepSummary>)> = Vec::new();
        for row in rows {
            match groups
                .iter_mut()
                .find(|(p, s, _)| *p == row.point && *s == row.strategy)
            {
                Some(g) => g.2.push(row),
                None => groups.push((&row.point, row.strategy, vec![row])),
            }
        }
        let seeds = groups.iter().map(|g| g.2.len()).max().unwrap_or(1);
        writeln!(
            out,
            "sweep of scenario {}: {:.3} simulated s measured per run, {} seed{} per point{}{}",
            first.scenario,
            first.sim_seconds,
            seeds,
            if seeds == 1 { "" } else { "s" },
            if seeds > 1 {
                " (mean ±95% CI half-width)"
            } else {
                ""
            },
            first.provenance
        )?;
        // (metric, index into the summary's values).
        let mut metrics: Vec<(Metric, usize)> = METRICS.iter().copied().zip(0..).collect();
        if rows.iter().any(|r| r.resilience_configured) {
            let base = METRICS.len();
            metrics.push((AVAILABILITY, base));
            metrics.extend(
                COUNTS
                    .iter()
                    .copied()
                    .zip(base + 1..)
                    .filter(|&(_, i)| rows.iter().any(|r| r.values[i] > 0.0)),
            );
        }
        let mut header = vec!["point".to_string(), "strategy".to_string()];
        header.extend(metrics.iter().map(|m| m.0.0.to_string()));
        let mut lines = vec![header];
        for (point, strategy, reports) in &groups {
            let mut line = vec![point.to_string(), strategy.to_string()];
            for &((_, _, d), i) in &metrics {
                let values: Vec<f64> = reports.iter().map(|r| r.values[i]).collect();
                line.push(cell(&values, d));
            }
            lines.push(line);
        }
        let widths: Vec<usize> = (0..lines[0].len())
            .map(|i| {
                lines
                    .iter()
                    .map(|l| l[i].chars().count())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        for line in &lines {
            let mut text = String::new();
            for (i, (c, w)) in line.iter().zip(&widths).enumerate() {
                let pad = w - c.chars().count();
                if i < 2 {
                    text.push_str(c);
                    text.push_str(&" ".repeat(pad));
                } else {
                    text.push_str(&" ".repeat(pad));
                    text.push_str(c);
                }
                text.push_str("  ");
            }
            writeln!(out, "{}", text.trim_end())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::Resilience;
    use crate::model::config::StrategyKind;
    use crate::report::fixtures;

    fn render(rows: &[Row]) -> String {
        let mut out = Vec::new();
        SweepTable.export(rows, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn point(report: Report, v: &str) -> Row {
        Row {
            report,
            point: vec![("cluster.cache.replicas".into(), v.into())],
            tail: Vec::new(),
        }
    }

    #[test]
    fn availability_column_only_when_configured() {
        let plain: Vec<Row> = ["1", "2"]
            .iter()
            .map(|v| point(fixtures::report(StrategyKind::Hybrid), v))
            .collect();
        assert!(!render(&plain).contains("availability"));

        let faulty = |full: u64, seed: u64| {
            let mut r = fixtures::faulty(
                StrategyKind::Hybrid,
                Resilience {
                    full_reads: full,
                    failed_reads: 1000 - full,
                    ..Resilience::default()
                },
            );
            r.seed = seed;
            r
        };
        let rows = vec![
            point(faulty(990, 1), "1"),
            point(faulty(996, 2), "1"),
            point(faulty(1000, 1), "2"),
        ];
        let text = render(&rows);
        let lines: Vec<&str> = text.lines().collect();
        assert!(
            lines[1].ends_with("availability %  failed reads/s"),
            "{text}"
        );
        // Mean of 99.0 and 99.6 with its 95% half-width (t = 12.706).
        assert!(!text.contains("retries/s"), "all zero: not shown");
        assert!(lines[2].contains("99.300 ±3.812"), "{text}");
        let last: Vec<&str> = lines[3].split_whitespace().rev().take(2).collect();
        assert_eq!(last, ["0.0", "100.000"], "{text}");
    }
}
