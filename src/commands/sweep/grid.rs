//! Sweeps: the points of a `--vary` product, the seeds of each point, and
//! the across-seed summary (mean and 95% confidence interval).
//!
//! The confidence interval is Student's t interval for the mean of n
//! independent replications (different seeds): mean +- t(0.975, n-1) s/sqrt(n)
//! (Law and Kelton, "Simulation Modeling and Analysis", ch. 9). Percentiles
//! of different seeds are not averaged into one distribution: each seed's
//! p99 is one observation of the p99 statistic, and the interval is about it.

use crate::error::{FanoutError, Result};
use crate::sim::rng::derive_seed;

/// One `--vary` flag, expanded.
#[derive(Clone, Debug, PartialEq)]
pub struct Vary {
    /// The dotted key path.
    pub key: String,
    /// Its values, as TOML value text.
    pub values: Vec<String>,
}

/// Parses `KEY=V1,V2,...`, `KEY=A..B:lin:N` or `KEY=A..B:log:N`.
/// `integer` says the key takes whole numbers, so range values are rounded.
pub fn parse_vary(spec: &str, integer: bool) -> Result<Vary> {
    let bad = |why: &str| FanoutError::input(format!("--vary {spec}: {why}"));
    let (key, rhs) = spec
        .split_once('=')
        .ok_or_else(|| bad("expected KEY=V1,V2,... or KEY=A..B:lin:N or KEY=A..B:log:N"))?;
    let key = key.trim();
    if key.is_empty() {
        return Err(bad("the key is empty"));
    }
    let rhs = rhs.trim();
    let values = if rhs.contains("..") && !rhs.starts_with(['"', '\'', '[', '{']) {
        let (range, rest) = rhs
            .split_once(':')
            .ok_or_else(|| bad("a range needs a scale and a count: A..B:lin:N or A..B:log:N"))?;
        let (a, b) = range
            .split_once("..")
            .ok_or_else(|| bad("a range is A..B"))?;
        let num = |t: &str| -> Result<f64> {
            t.trim()
                .parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .ok_or_else(|| bad(&format!("'{t}' is not a finite number")))
        };
        let (a, b) = (num(a)?, num(b)?);
        let (scale, n) = rest
            .split_once(':')
            .ok_or_else(|| bad("a range needs a scale and a count: A..B:lin:N or A..B:log:N"))?;
        let n: usize = n
            .trim()
            .parse()
            .ok()
            .filter(|&n| (1..=10_000).contains(&n))
            .ok_or_else(|| {
                bad(&format!(
                    "the count '{n}' must be a whole number from 1 to 10000"
                ))
            })?;
        let at = |i: usize| -> f64 {
            if n == 1 {
                return a;
            }
            let f = i as f64 / (n - 1) as f64;
            match scale {
                "log" => a * (b / a).powf(f),
                _ => a + (b - a) * f,
            }
        };
        match scale.trim() {
            "lin" => {}
            "log" if a > 0.0 && b > 0.0 => {}
            "log" => return Err(bad("a log range needs both ends > 0")),
            other => return Err(bad(&format!("unknown scale '{other}'; use lin or log"))),
        }
        let mut values: Vec<String> = Vec::with_capacity(n);
        for i in 0..n {
            let x = at(i);
            let text = if integer {
                format!("{}", x.round() as i64)
            } else {
                format_float(x)
            };
            if !values.contains(&text) {
                values.push(text);
            }
        }
        values
    } else {
        split_list(rhs)
            .into_iter()
            .map(|v| v.trim().to_string())
            .collect()
    };
    if values.is_empty() || values.iter().any(|v| v.is_empty()) {
        return Err(bad("a value is empty"));
    }
    Ok(Vary {
        key: key.to_string(),
        values,
    })
}

/// A float as TOML text, always with a decimal point or exponent, with the
/// shortest digits that round-trip (`12000.0`, `0.25`, `3162.2776601683795`).
pub fn format_float(x: f64) -> String {
    let s = format!("{x:?}");
    if s.contains('.') || s.contains('e') || s.contains("inf") || s.contains("NaN") {
        s
    } else {
        format!("{s}.0")
    }
}

/// Splits on commas that are not inside brackets, braces or quotes, so
/// `[1,2],[3]` is two values.
fn split_list(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut quote: Option<char> = None;
    let mut cur = String::new();
    for c in text.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '[' | '{') => depth += 1,
            (None, ']' | '}') => depth -= 1,
            (None, ',') if depth == 0 => {
                out.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    out.push(cur);
    out
}

/// Every combination of the varied values, first `--vary` outermost:
/// each point is a list of (key, value).
pub fn cartesian(varies: &[Vary]) -> Vec<Vec<(String, String)>> {
    let mut points: Vec<Vec<(String, String)>> = vec![Vec::new()];
    for v in varies {
        let mut next = Vec::with_capacity(points.len() * v.values.len());
        for p in &points {
            for value in &v.values {
                let mut q = p.clone();
                q.push((v.key.clone(), value.clone()));
                next.push(q);
            }
        }
        points = next;
    }
    points
}

/// The seeds of one point: the scenario's own seed first (so one seed gives
/// exactly `fanout run`'s rows), then seeds derived from it.
pub fn seeds(base: u64, n: u32) -> Vec<u64> {
    (0..n)
        .map(|i| {
            if i == 0 {
                base
            } else {
                derive_seed(base, "sweep-seed", u64::from(i))
            }
        })
        .collect()
}

/// Mean and half-width of the 95% confidence interval of the finite values
/// (the half-width is NaN with fewer than two).
pub fn mean_ci95(values: &[f64]) -> (f64, f64) {
    let xs: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    let n = xs.len();
    if n == 0 {
        return (f64::NAN, f64::NAN);
    }
    let mean = xs.iter().sum::<f64>() / n as f64;
    if n < 2 {
        return (mean, f64::NAN);
    }
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    (mean, t975(n - 1) * (var / n as f64).sqrt())
}

/// The 0.975 quantile of Student's t with `df` degrees of freedom.
fn t975(df: usize) -> f64 {
    const TABLE: [f64; 30] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
        2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
        2.052, 2.048, 2.045, 2.042,
    ];
    match df {
        0 => f64::NAN,
        1..=30 => TABLE[df - 1],
        31..=60 => 2.000 + (2.042 - 2.000) * (60 - df) as f64 / 30.0,
        61..=120 => 1.980 + (2.000 - 1.980) * (120 - df) as f64 / 60.0,
        _ => 1.960,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_and_ranges_expand() {
        let v = parse_vary("workload.tweets_per_sec=4000..12000:lin:5", false).unwrap();
        assert_eq!(
            v.values,
            ["4000.0", "6000.0", "8000.0", "10000.0", "12000.0"]
        );
        let v = parse_vary("strategy.hybrid.celebrity_threshold=1e3..1e7:log:9", true).unwrap();
        assert_eq!(v.values.len(), 9);
        assert_eq!(v.values[0], "1000");
        assert_eq!(v.values[2], "10000");
        assert_eq!(v.values[8], "10000000");
        let v = parse_vary("duration=10s,20s", false).unwrap();
        assert_eq!(v.values, ["10s", "20s"]);
        let v = parse_vary("strategies=[\"read\",\"write\"],[\"hybrid\"]", false).unwrap();
        assert_eq!(v.values.len(), 2);
    }

    #[test]
    fn bad_specs_name_the_flag() {
        for bad in [
            "novalue",
            "=1,2",
            "k=1..x:lin:3",
            "k=1..10:cubic:3",
            "k=0..10:log:3",
            "k=1..10:lin:0",
            "k=1..10",
            "k=1,,2",
        ] {
            let e = parse_vary(bad, false);
            let msg = match e {
                Err(FanoutError::Input(m)) => m,
                other => panic!("{bad}: {other:?}"),
            };
            assert!(msg.starts_with(&format!("--vary {bad}:")), "{msg}");
        }
    }

    #[test]
    fn product_is_outer_first() {
        let a = parse_vary("a=1,2", false).unwrap();
        let b = parse_vary("b=x,y,z", false).unwrap();
        let p = cartesian(&[a, b]);
        assert_eq!(p.len(), 6);
        assert_eq!(
            p[0],
            vec![("a".into(), "1".into()), ("b".into(), "x".into())]
        );
        assert_eq!(p[3][0].1, "2");
    }

    #[test]
    fn confidence_interval_matches_hand_computation() {
        // Values 1..=5: mean 3, s = 1.5811, t(0.975, 4) = 2.776.
        let (m, h) = mean_ci95(&[1.0, 2.0, 3.0, 4.0, 5.0]);
        assert_eq!(m, 3.0);
        assert!((h - 2.776 * 1.5811388 / 5f64.sqrt()).abs() < 1e-6, "{h}");
        assert!(mean_ci95(&[2.0]).1.is_nan());
        assert_eq!(seeds(9, 3)[0], 9);
        assert_ne!(seeds(9, 3)[1], seeds(9, 3)[2]);
    }
}
