//! The terminal table: strategies side by side, one metric per line, every
//! number with its unit, and each strategy's ratio to the best on total
//! writes/s and on read p99 (the two costs DDIA's example trades).

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

impl Exporter for Table {
    fn export(&self, rows: &[Row], out: &mut dyn Write) -> io::Result<()> {
        let Some(first) = rows.first() else {
            return writeln!(out, "(no results)");
        };
        let f = &first.report;
        writeln!(
            out,
            "scenario {}, seed {}: {:.3} simulated s measured, {} users",
            f.scenario,
            f.seed,
            f.sim_seconds,
            thousands(f64::from(f.users))
        )?;
        let reports: Vec<&Report> = rows.iter().map(|r| &r.report).collect();
        let each = |g: &dyn Fn(&Report) -> String| -> Vec<String> {
            reports.iter().map(|r| g(r)).collect()
        };
        let mut lines: Vec<(String, Vec<String>)> = Vec::new();
        let mut line = |label: &str, cells: Vec<String>| lines.push((label.to_string(), cells));

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
        line(
            "dropped reads / posts / fan-outs",
            each(&|r| {
                format!(
                    "{} / {} / {}",
                    r.dropped_reads, r.dropped_posts, r.dropped_fanouts
                )
            }),
        );
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
                        .map(|t| t.total.peak_waiting.to_string())
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
    fn ratios_mark_the_best() {
        let v = [2.0, 1.0, 4.0];
        let s: Vec<String> = v.iter().map(|x| x.to_string()).collect();
        assert_eq!(
            with_ratios(&v, &s),
            vec!["2 (x2.0)", "1 (best)", "4 (x4.0)"]
        );
    }
}
