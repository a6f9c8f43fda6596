//! The terminal table: strategies side by side, one metric per line, every
//! number with its unit, and each strategy's ratio to the best on total
//! writes/s and on read p99 (the two costs DDIA's example trades). When a
//! scenario configures faults or client policies, a block of
//! rows shows availability and what the policies did.

use super::{Exporter, Row};
use crate::metrics::{Latency, Report};
use std::io::{self, Write};

/// Side-by-side comparison of the strategies of one run.
pub struct Table;

/// `1234567.8` as `1,234,568`.
pub fn thousands(x: f64) -> String {
    if !x.is_finite() {
        return "-".into();
    }
    let n = x.round() as i128;
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    if n < 0 { format!("-{out}") } else { out }
}

fn ms(x: f64) -> String {
    if x.is_finite() {
        format!("{x:.3}")
    } else {
        "-".into()
    }
}

fn pct(x: f64) -> String {
    if x.is_finite() {
        format!("{:.1}%", x * 100.0)
    } else {
        "-".into()
    }
}

/// Total writes per second: tweets stored plus timeline entries written.
pub fn total_writes_per_sec(r: &Report) -> f64 {
    r.tweets_per_sec() + r.timeline_writes_per_sec()
}

/// Appends "(best)" or "(xN.N)" to each value, lower being better.
fn with_ratios(values: &[f64], shown: &[String]) -> Vec<String> {
    let best = values
        .iter()
        .copied()
        .filter(|v| v.is_finite())
        .fold(f64::INFINITY, f64::min);
    values
        .iter()
        .zip(shown)
        .map(|(&v, s)| {
            if !v.is_finite() || !best.is_finite() || values.len() < 2 {
                s.clone()
            } else if v == best {
                format!("{s} (best)")
            } else if best > 0.0 {
                format!("{s} (x{:.1})", v / best)
            } else {
                s.clone()
            }
        })
        .collect()
}

fn latency_line(l: &Latency) -> String {
    format!(
        "{} / {} / {}",
        ms(l.quantile_ms(0.5)),
        ms(l.quantile_ms(0.99)),
        ms(l.quantile_ms(0.999))
    )
}

/// Availability as a percentage with 3 decimals, rounded down so that a
/// run with any read not answered in full never shows `100.000%`.
fn availability(x: f64) -> String {
    if x.is_finite() {
        let floored = (x * 100_000.0).floor() / 1000.0;
        format!("{floored:.3}%")
    } else {
        "-".into()
    }
}

/// A count over the window and its rate: `1,234 (123.4/s)`. Rates under 100
/// keep a decimal, so rare events do not show as `0/s`.
fn count_and_rate(n: u64, sim_seconds: f64) -> String {
    let rate = n as f64 / sim_seconds;
    let rate = if !rate.is_finite() {
        "-".to_string()
    } else if rate < 100.0 {
        format!("{rate:.1}")
    } else {
        thousands(rate)
    };
    format!("{} ({rate}/s)", thousands(n as f64))
}

/// The resilience block: what faults did to reads and what the client
/// policies did about them. Shown only when some report configured a fault
/// or policy, so tables of fault-free runs stay as they were.
fn resilience_lines(reports: &[&Report], line: &mut dyn FnMut(&str, Vec<String>)) {
    let counts = |f: fn(&crate::metrics::Resilience) -> u64| -> Vec<String> {
        reports
            .iter()
            .map(|r| count_and_rate(f(&r.resilience), r.sim_seconds))
            .collect()
    };
    line(
        "availability (reads answered in full)",
        reports
            .iter()
            .map(|r| availability(r.resilience.availability()))
            .collect(),
    );
    line("failed reads (reads, per s)", counts(|x| x.failed_reads));
    line(
        "degraded reads (reads, per s)",
        counts(|x| x.degraded_reads),
    );
    line("timeouts (attempts, per s)", counts(|x| x.timeouts));
    line(
        "retries and failovers (requests, per s)",
        counts(|x| x.retries),
    );
    line("hedges (second requests, per s)", counts(|x| x.hedges));
    line(
        "duplicate timeline writes (entries, per s)",
        counts(|x| x.duplicates),
    );
    line(
        "timeline rebuilds (timelines, per s)",
        counts(|x| x.rebuilds),
    );
}

/// A table line: a label and one cell per strategy.
type Line<'a> = dyn FnMut(&str, Vec<String>) + 'a;

/// What each strategy carried: the rates and the fan-out.
fn load_lines(reports: &[&Report], line: &mut Line) {
    let each =
        |g: &dyn Fn(&Report) -> String| -> Vec<String> { reports.iter().map(|r| g(r)).collect() };
    line("strategy", each(&|r| r.strategy.name().to_string()));
    line("posts/s", each(&|r| thousands(r.tweets_per_sec())));
    line("timeline reads/s", each(&|r| thousands(r.reads_per_sec())));
    line(
        "mean fan-out per tweet (followers)",
        each(&|r| format!("{:.1}", r.mean_fanout_per_tweet())),
    );
    line(
        "timeline writes/s (all replicas)",
        each(&|r| thousands(r.timeline_writes_per_sec())),
    );
    line(
        "store reads/s (author fetches)",
        each(&|r| thousands(r.store_reads_per_sec())),
    );
}

/// Total writes and latencies, with each strategy's ratio to the best.
fn latency_lines(reports: &[&Report], line: &mut Line) {
    let each =
        |g: &dyn Fn(&Report) -> String| -> Vec<String> { reports.iter().map(|r| g(r)).collect() };
    let writes: Vec<f64> = reports.iter().map(|r| total_writes_per_sec(r)).collect();
    let shown: Vec<String> = writes.iter().map(|&w| thousands(w)).collect();
    line(
        "total writes/s (tweets + timelines)",
        with_ratios(&writes, &shown),
    );
    line(
        "read p50 / p99 / p99.9 (ms)",
        each(&|r| latency_line(&r.read_latency)),
    );
    let p99: Vec<f64> = reports
        .iter()
        .map(|r| r.read_latency.quantile_ms(0.99))
        .collect();
    let shown: Vec<String> = p99.iter().map(|&x| ms(x)).collect();
    line("read p99 (ms)", with_ratios(&p99, &shown));
    line(
        "post p50 / p99 / p99.9 (ms)",
        each(&|r| latency_line(&r.post_latency)),
    );
    line(
        "delivery p50 / p99 / p99.9 (ms)",
        each(&|r| latency_line(&r.delivery_latency)),
    );
    line(
        "delivery max (ms)",
        each(&|r| ms(r.delivery_latency.max_ms())),
    );
}

/// Dropped requests, pending deliveries and, with faults or policies, the
/// resilience block.
fn outcome_lines(reports: &[&Report], line: &mut Line) {
    let each =
        |g: &dyn Fn(&Report) -> String| -> Vec<String> { reports.iter().map(|r| g(r)).collect() };
    line(
        "dropped reads / posts / fan-outs",
        each(&|r| {
            format!(
                "{} / {} / {}",
                r.dropped_reads, r.dropped_posts, r.dropped_fanouts
            )
        }),
    );
    if reports.iter().any(|r| r.pending_deliveries > 0) {
        line(
            "deliveries pending when the run stopped (posts)",
            each(&|r| r.pending_deliveries.to_string()),
        );
    }
    if reports.iter().any(|r| r.resilience_configured) {
        resilience_lines(reports, line);
    }
    if reports.iter().any(|r| r.cache.partial) {
        cache_lines(reports, line);
    }
}

/// With residency on (`cluster.timeline_cache.active_window`, `.capacity`):
/// the cache's memory, its hit rate and the pushes it skipped ("-" for a
/// strategy that reads no timeline).
fn cache_lines(reports: &[&Report], line: &mut Line) {
    let each =
        |g: &dyn Fn(&Report) -> String| -> Vec<String> { reports.iter().map(|r| g(r)).collect() };
    line(
        "timeline cache memory (GB, all replicas)",
        each(&|r| format!("{:.3}", r.cache.memory_bytes as f64 / 1e9)),
    );
    line(
        "timeline cache hit rate",
        each(&|r| match r.cache.hit_rate() {
            h if h.is_finite() => format!("{h:.4}"),
            _ => "-".into(),
        }),
    );
    line(
        "pushes skipped, timeline not cached",
        each(&|r| thousands(r.cache.skipped_deliveries as f64)),
    );
}

/// Utilisation and peak queue per tier, and whether the run was stable.
fn tier_lines(reports: &[&Report], line: &mut Line) {
    let each =
        |g: &dyn Fn(&Report) -> String| -> Vec<String> { reports.iter().map(|r| g(r)).collect() };
    for tier in ["store", "cache", "workers"] {
        line(
            &format!("{tier} utilisation (mean / hottest)"),
            each(&|r| {
                r.tier(tier)
                    .map(|t| {
                        format!(
                            "{} / {}",
                            pct(t.utilisation()),
                            pct(t.max_station_utilisation)
                        )
                    })
                    .unwrap_or_else(|| "-".into())
            }),
        );
        line(
            &format!("{tier} peak queue (requests)"),
            each(&|r| {
                r.tier(tier)
                    .map(|t| thousands(t.total.peak_waiting as f64))
                    .unwrap_or_else(|| "-".into())
            }),
        );
    }
    line(
        "stable? (busiest station's offered load)",
        each(&|r| match r.unstable_tier() {
            Some(t) => format!("UNSTABLE ({} {:.2}x)", t.name, t.max_station_offered_load),
            None => format!("yes ({:.2})", r.max_offered_load()),
        }),
    );
}

/// The simulator's own work.
fn simulator_lines(reports: &[&Report], line: &mut Line) {
    let each =
        |g: &dyn Fn(&Report) -> String| -> Vec<String> { reports.iter().map(|r| g(r)).collect() };
    line(
        "peak fan-out backlog (timelines)",
        each(&|r| thousands(r.peak_fanout_backlog as f64)),
    );
    line(
        "events (simulator work)",
        each(&|r| thousands(r.events as f64)),
    );
    line("wall time (s)", each(&|r| format!("{:.2}", r.wall_seconds)));
    line(
        "events per wall second",
        each(&|r| thousands(r.events_per_wall_second())),
    );
}

impl Exporter for Table {
    fn export(&self, rows: &[Row], out: &mut dyn Write) -> io::Result<()> {
        let Some(first) = rows.first() else {
            return writeln!(out, "(no results)");
        };
        let f = &first.report;
        writeln!(
            out,
            "scenario {}, seed {}: {:.3} simulated s measured, {} users{}",
            f.scenario,
            f.seed,
            f.sim_seconds,
            thousands(f64::from(f.users)),
            super::provenance_suffix(&first.tail)
        )?;
        let reports: Vec<&Report> = rows.iter().map(|r| &r.report).collect();
        let mut lines: Vec<(String, Vec<String>)> = Vec::new();
        let mut line = |label: &str, cells: Vec<String>| lines.push((label.to_string(), cells));
        load_lines(&reports, &mut line);
        latency_lines(&reports, &mut line);
        outcome_lines(&reports, &mut line);
        tier_lines(&reports, &mut line);
        simulator_lines(&reports, &mut line);

        let label_w = lines.iter().map(|(l, _)| l.len()).max().unwrap_or(0);
        let col_w: Vec<usize> = (0..reports.len())
            .map(|i| lines.iter().map(|(_, c)| c[i].len()).max().unwrap_or(0))
            .collect();
        for (label, cells) in &lines {
            write!(out, "{label:<label_w$}")?;
            for (c, w) in cells.iter().zip(&col_w) {
                write!(out, "  {c:>w$}")?;
            }
            writeln!(out)?;
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

    #[test]
    fn thousands_separates() {
        assert_eq!(thousands(0.0), "0");
        assert_eq!(thousands(999.4), "999");
        assert_eq!(thousands(1000.0), "1,000");
        assert_eq!(thousands(22_503_000.0), "22,503,000");
        assert_eq!(thousands(-1234.0), "-1,234");
        assert_eq!(thousands(f64::NAN), "-");
    }

    #[test]
    fn peak_queue_has_thousands_separators_like_every_other_row() {
        let mut rows = fixtures::three();
        rows[0].report.tiers[0].total.peak_waiting = 623_520;
        let text = render(&rows);
        let line = text.lines().find(|l| l.contains("peak queue")).unwrap();
        assert!(line.contains("623,520"), "{line}");
    }

    fn render(rows: &[Row]) -> String {
        let mut out = Vec::new();
        Table.export(rows, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn unconfigured_table_is_unchanged() {
        // Pinned before the resilience block existed: fault-free runs must
        // print exactly what they printed then.
        let pinned = include_str!("../../tests/data/table-unconfigured.txt");
        let text = render(&fixtures::three());
        assert_eq!(text, pinned);
        assert!(!text.contains("availability"));
    }

    #[test]
    fn configured_table_shows_the_resilience_block() {
        let mut rows = fixtures::three();
        rows[2].report = fixtures::faulty(
            StrategyKind::Hybrid,
            Resilience {
                full_reads: 2_999_999,
                failed_reads: 1,
                degraded_reads: 0,
                timeouts: 12_345,
                retries: 2_000,
                hedges: 3,
                duplicates: 0,
                rebuilds: 5,
            },
        );
        let text = render(&rows);
        // A line's cells, spaces squeezed.
        let find = |label: &str| -> String {
            let l = text
                .lines()
                .find(|l| l.starts_with(label))
                .unwrap_or_else(|| panic!("no line {label}:\n{text}"));
            l.split_whitespace().collect::<Vec<_>>().join(" ")
        };
        // Every strategy gets the rows once one report configured them.
        let avail = find("availability (reads answered in full)");
        assert!(avail.ends_with("100.000% 100.000% 99.999%"), "{avail}");
        assert!(find("failed reads").ends_with("0 (0.0/s) 1 (0.1/s)"));
        assert!(find("timeouts").ends_with("12,345 (1,235/s)"));
        assert!(find("retries and failovers").ends_with("2,000 (200/s)"));
        assert!(find("hedges").ends_with("3 (0.3/s)"));
        assert!(find("timeline rebuilds").ends_with("5 (0.5/s)"));
        for label in ["degraded reads", "duplicate timeline writes"] {
            find(label);
        }
        // The rest of the table is as before, the block added in one place.
        let pinned = include_str!("../../tests/data/table-unconfigured.txt");
        let without: Vec<&str> = text
            .lines()
            .filter(|l| !l.contains("per s)") && !l.starts_with("availability"))
            .collect();
        assert_eq!(without.len(), pinned.lines().count());
    }

    #[test]
    fn availability_is_rounded_down() {
        assert_eq!(availability(1.0), "100.000%");
        assert_eq!(availability(0.999_999_9), "99.999%");
        assert_eq!(availability(0.5), "50.000%");
        assert_eq!(availability(f64::NAN), "-");
        assert_eq!(count_and_rate(0, 10.0), "0 (0.0/s)");
        assert_eq!(count_and_rate(1_234_567, 10.0), "1,234,567 (123,457/s)");
    }

    #[test]
    fn ratios_mark_the_best() {
        let v = [2.0, 1.0, 4.0];
        let s: Vec<String> = v.iter().map(|x| x.to_string()).collect();
        assert_eq!(
            with_ratios(&v, &s),
            vec!["2 (x2.0)", "1 (best)", "4 (x4.0)"]
        );
    }
}
