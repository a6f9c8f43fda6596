//! Service-level objectives: `METRIC<=VALUE` or `METRIC>=VALUE`, a metric
//! being a summary column (`read_p99` is `read_p99_ms`), and whether one
//! holds over several seeds.
//!
//! An SLO holds when the end of the 95% confidence interval of its figure
//! over the seeds (Student's t, the interval `sweep` reports) that is
//! furthest from the goal still meets it: the upper end for `<=`, the lower
//! end for `>=`. A seed whose figure is missing (no read settled) fails it.

use crate::commands::sweep::mean_ci95;
use crate::error::{FanoutError, Result};
use crate::sim::time::SimDuration;

/// The latency metrics: `NAME` is the summary column `NAME_ms`, and its
/// value takes a unit (`100ms`, `5s`).
const LATENCIES: [&str; 15] = [
    "read_p50",
    "read_p90",
    "read_p99",
    "read_p999",
    "read_max",
    "post_p50",
    "post_p90",
    "post_p99",
    "post_p999",
    "post_max",
    "delivery_p50",
    "delivery_p90",
    "delivery_p99",
    "delivery_p999",
    "delivery_max",
];

/// The other metrics: plain numbers, named as their summary column.
const PLAIN: [&str; 7] = [
    "availability",
    "max_offered_load",
    "dropped_reads",
    "dropped_posts",
    "failed_reads",
    "pending_deliveries",
    "cost_per_million_reads",
];

/// Which way an SLO bounds its figure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// The figure must be at most the limit.
    AtMost,
    /// The figure must be at least the limit.
    AtLeast,
}

/// One objective, parsed.
#[derive(Clone, Debug, PartialEq)]
pub struct Slo {
    /// The text as given, for messages and the table.
    pub text: String,
    /// The metric as the user named it (`read_p99`).
    pub metric: String,
    /// The summary column it reads (`read_p99_ms`).
    pub column: String,
    /// `<=` or `>=`.
    pub op: Op,
    /// The limit, in the column's unit (milliseconds for latencies).
    pub limit: f64,
}

/// Every metric name `--slo` accepts, for the refusal's list.
pub fn allowed_metrics() -> String {
    LATENCIES
        .iter()
        .chain(PLAIN.iter())
        .copied()
        .collect::<Vec<_>>()
        .join(", ")
}

/// The summary column of every metric, for the test that they exist.
#[cfg(test)]
fn all_columns() -> Vec<String> {
    LATENCIES
        .iter()
        .map(|m| format!("{m}_ms"))
        .chain(PLAIN.iter().map(|m| m.to_string()))
        .collect()
}

/// Parses `METRIC<=VALUE` or `METRIC>=VALUE`.
pub fn parse(text: &str) -> Result<Slo> {
    let bad = |why: String| FanoutError::input(format!("--slo {text}: {why}"));
    let (metric, op, value) = if let Some((m, v)) = text.split_once("<=") {
        (m.trim(), Op::AtMost, v.trim())
    } else if let Some((m, v)) = text.split_once(">=") {
        (m.trim(), Op::AtLeast, v.trim())
    } else {
        return Err(bad(
            "expected METRIC<=VALUE or METRIC>=VALUE, e.g. read_p99<=100ms or availability>=0.999"
                .into(),
        ));
    };
    let (column, limit) = if LATENCIES.contains(&metric) {
        let d = SimDuration::parse(value).map_err(|e| {
            bad(format!(
                "{metric} is a latency: the value must be a duration with a unit, as in 100ms ({e})"
            ))
        })?;
        (format!("{metric}_ms"), d.as_millis_f64())
    } else if PLAIN.contains(&metric) {
        match value.parse::<f64>() {
            Ok(x) if x.is_finite() => (metric.to_string(), x),
            _ => {
                return Err(bad(format!(
                    "{metric} takes a finite number, not '{value}'"
                )));
            }
        }
    } else {
        return Err(bad(format!(
            "unknown metric '{metric}'; use one of {}",
            allowed_metrics()
        )));
    };
    Ok(Slo {
        text: text.trim().to_string(),
        metric: metric.to_string(),
        column,
        op,
        limit,
    })
}

/// What the seeds say about one SLO at one point.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Verdict {
    /// The mean figure over the seeds (NaN when a seed had none).
    pub mean: f64,
    /// The end of the 95% interval that is checked: upper for `<=`,
    /// lower for `>=` (NaN when a seed had none).
    pub bound: f64,
    /// How far the bound is inside the limit, in the column's unit;
    /// negative when it misses.
    pub margin: f64,
    /// Whether the SLO holds.
    pub holds: bool,
}

impl Slo {
    /// Judges the figures of the seeds (one per seed, at least two).
    pub fn judge(&self, figures: &[f64]) -> Verdict {
        if figures.len() < 2 || figures.iter().any(|x| !x.is_finite()) {
            return Verdict {
                mean: f64::NAN,
                bound: f64::NAN,
                margin: f64::NEG_INFINITY,
                holds: false,
            };
        }
        let (mean, half) = mean_ci95(figures);
        let (bound, margin) = match self.op {
            Op::AtMost => (mean + half, self.limit - (mean + half)),
            Op::AtLeast => (mean - half, (mean - half) - self.limit),
        };
        Verdict {
            mean,
            bound,
            margin,
            holds: margin >= 0.0,
        }
    }

    /// How much a miss weighs against the limit: the margin relative to
    /// the limit's size, for choosing the closest miss.
    pub fn relative(&self, margin: f64) -> f64 {
        margin / self.limit.abs().max(1e-9)
    }

    /// The unit the column is in, for the table.
    pub fn unit(&self) -> &'static str {
        if self.column.ends_with("_ms") {
            " ms"
        } else {
            ""
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::config::StrategyKind;
    use crate::report::{Row, fixtures, summary_columns};

    #[test]
    fn every_metric_reads_a_summary_column() {
        let row = Row::plain(fixtures::report(StrategyKind::Hybrid));
        let names: Vec<String> = summary_columns(&row).into_iter().map(|c| c.0).collect();
        for c in all_columns() {
            assert!(names.contains(&c), "{c} is no summary column");
        }
    }

    #[test]
    fn latencies_take_units_and_others_plain_numbers() {
        let s = parse("read_p99<=100ms").unwrap();
        assert_eq!(
            (s.column.as_str(), s.op, s.limit),
            ("read_p99_ms", Op::AtMost, 100.0)
        );
        assert_eq!(parse("delivery_p99 <= 5s").unwrap().limit, 5000.0);
        let a = parse("availability>=0.999").unwrap();
        assert_eq!((a.op, a.limit), (Op::AtLeast, 0.999));
        for bad in [
            "read_p99<100ms",
            "read_p99<=100",
            "nope<=1ms",
            "availability>=x",
        ] {
            let e = parse(bad).unwrap_err().to_string();
            assert!(e.starts_with(&format!("--slo {bad}")), "{e}");
            assert!(!e.contains('\n'));
        }
        assert!(
            parse("nope<=1")
                .unwrap_err()
                .to_string()
                .contains("read_p99")
        );
    }

    #[test]
    fn an_slo_holds_only_when_the_far_end_of_the_interval_does() {
        let s = parse("read_p99<=10ms").unwrap();
        // Mean 9, but the upper end of the interval is past 10.
        assert!(!s.judge(&[8.0, 10.0]).holds);
        let v = s.judge(&[9.0, 9.0, 9.0]);
        assert!(v.holds && v.margin == 1.0);
        assert!(!s.judge(&[1.0]).holds, "one seed gives no interval");
        assert!(!s.judge(&[1.0, f64::NAN]).holds);
        let a = parse("availability>=0.99").unwrap();
        assert!(a.judge(&[0.995, 0.995]).holds);
        assert!(!a.judge(&[0.985, 0.999]).holds);
    }
}
