//! Service-time distributions: a mean and a shape.
//!
//! Every distribution is `mean * X` with `X` a unit-mean random variable of
//! the chosen shape, so the model can keep one shape and vary the mean per
//! request (`per_request + per_item * k`) without rebuilding anything:
//!
//! - `Const`: `X = 1` (M/D/1 and friends).
//! - `Exp`: `X ~ Exp(1)`, sampled with the ziggurat of `rand_distr::Exp1`.
//! - `LogNormal { cv }`: `X = exp(mu + sigma Z)`, `Z ~ N(0, 1)`, with
//!   `sigma^2 = ln(1 + cv^2)` and `mu = -sigma^2 / 2`, so `E[X] = 1` and
//!   `sd(X) = cv` (the standard moment-matching of the lognormal).
//! - `Pareto { alpha }`: `X = xm U^(-1/alpha)`, `U ~ U(0, 1]`, with
//!   `xm = (alpha - 1) / alpha` so that `E[X] = alpha xm / (alpha - 1) = 1`;
//!   `E[X^2] = alpha xm^2 / (alpha - 2)` is finite only for `alpha > 2`.
//!
//! Samples are rounded to the nearest nanosecond and saturate at
//! [`SimDuration::MAX`] (a heavy-tailed draw beyond 584 years means "never").

use crate::sim::time::SimDuration;
use rand_distr::{Distribution, Exp1, OpenClosed01, StandardNormal};

/// The shape of a service-time distribution, independent of its mean.
#[derive(Copy, Clone, Debug, PartialEq)]
pub enum Shape {
    /// Every sample equals the mean (deterministic service).
    Const,
    /// Exponential: coefficient of variation 1, memoryless.
    Exp,
    /// Lognormal with the given coefficient of variation (sd / mean > 0).
    LogNormal {
        /// Coefficient of variation, sd / mean.
        cv: f64,
    },
    /// Pareto (heavy tail) with tail index `alpha > 1` (finite mean).
    Pareto {
        /// Tail index; the variance is infinite for `alpha <= 2`.
        alpha: f64,
    },
}

/// Precomputed parameters of the unit-mean variable `X`.
#[derive(Copy, Clone, Debug, PartialEq)]
enum Unit {
    Const,
    Exp,
    LogNormal { mu: f64, sigma: f64 },
    Pareto { xm: f64, inv_neg_alpha: f64 },
}

/// A service-time distribution: `mean * X` with `X` of unit mean and a fixed
/// [`Shape`]; parameters are precomputed so sampling is a few flops.
#[derive(Clone, Debug, PartialEq)]
pub struct ServiceDist {
    mean: SimDuration,
    shape: Shape,
    unit: Unit,
}

impl ServiceDist {
    /// A distribution of the given mean and shape; refuses a lognormal `cv`
    /// that is not finite and > 0, and a Pareto `alpha` that is not finite
    /// and > 1 (at or below 1 the mean is infinite).
    pub fn new(mean: SimDuration, shape: Shape) -> Result<ServiceDist, String> {
        let unit = match shape {
            Shape::Const => Unit::Const,
            Shape::Exp => Unit::Exp,
            Shape::LogNormal { cv } => {
                if !(cv.is_finite() && cv > 0.0) {
                    return Err(format!(
                        "lognormal cv {cv} is not allowed; use a finite number > 0 (e.g. 1.5), or const: for cv 0"
                    ));
                }
                let sigma2 = cv.mul_add(cv, 1.0).ln();
                Unit::LogNormal {
                    mu: -0.5 * sigma2,
                    sigma: sigma2.sqrt(),
                }
            }
            Shape::Pareto { alpha } => {
                if !(alpha.is_finite() && alpha > 1.0) {
                    return Err(format!(
                        "pareto alpha {alpha} is not allowed; use a finite number > 1 (the mean is infinite at or below 1)"
                    ));
                }
                Unit::Pareto {
                    xm: (alpha - 1.0) / alpha,
                    inv_neg_alpha: -1.0 / alpha,
                }
            }
        };
        Ok(ServiceDist { mean, shape, unit })
    }

    /// Deterministic service of exactly `mean` (cannot fail).
    pub fn constant(mean: SimDuration) -> ServiceDist {
        ServiceDist {
            mean,
            shape: Shape::Const,
            unit: Unit::Const,
        }
    }

    /// Exponential service of the given mean (cannot fail).
    pub fn exp(mean: SimDuration) -> ServiceDist {
        ServiceDist {
            mean,
            shape: Shape::Exp,
            unit: Unit::Exp,
        }
    }

    /// The mean service time.
    pub fn mean(&self) -> SimDuration {
        self.mean
    }

    /// The shape, for reports and for choosing a closed form.
    pub fn shape(&self) -> Shape {
        self.shape
    }

    /// One service time.
    #[inline]
    pub fn sample<R: rand::Rng + ?Sized>(&self, rng: &mut R) -> SimDuration {
        self.sample_with_mean(self.mean, rng)
    }

    /// One draw of `mean * X`: the same shape around another mean (the model
    /// computes the mean per request). No allocation; `Const` draws nothing
    /// from `rng`, every other shape draws what its sampler needs.
    #[inline]
    pub fn sample_with_mean<R: rand::Rng + ?Sized>(
        &self,
        mean: SimDuration,
        rng: &mut R,
    ) -> SimDuration {
        let x: f64 = match self.unit {
            Unit::Const => return mean,
            Unit::Exp => Exp1.sample(rng),
            Unit::LogNormal { mu, sigma } => {
                let z: f64 = StandardNormal.sample(rng);
                sigma.mul_add(z, mu).exp()
            }
            Unit::Pareto { xm, inv_neg_alpha } => {
                let u: f64 = OpenClosed01.sample(rng);
                xm * u.powf(inv_neg_alpha)
            }
        };
        scale_nanos(mean, x)
    }

    /// The mean in seconds, for closed forms.
    pub fn mean_secs(&self) -> f64 {
        self.mean.as_secs_f64()
    }

    /// `E[S^2]` in s^2 (what Pollaczek-Khinchine needs), or `None` when it is
    /// infinite (Pareto with `alpha <= 2`).
    pub fn second_moment_secs2(&self) -> Option<f64> {
        let m = self.mean_secs();
        let ex2 = match self.shape {
            Shape::Const => 1.0,
            Shape::Exp => 2.0,
            Shape::LogNormal { cv } => 1.0 + cv * cv,
            Shape::Pareto { alpha } => {
                if alpha <= 2.0 {
                    return None;
                }
                (alpha - 1.0) * (alpha - 1.0) / (alpha * (alpha - 2.0))
            }
        };
        Some(ex2 * m * m)
    }

    /// Parses the `fanout queue --service` forms `exp:MEAN`, `const:VALUE`,
    /// `lognormal:MEAN,CV` and `pareto:MEAN,ALPHA`. MEAN is a plain number of
    /// seconds (the time unit of 1/lambda) or a duration with a unit (`10ms`).
    /// The error says what is allowed; the caller prefixes the flag.
    pub fn parse(text: &str) -> Result<ServiceDist, String> {
        const FORMS: &str = "use exp:MEAN, const:VALUE, lognormal:MEAN,CV or pareto:MEAN,ALPHA, with MEAN in seconds (0.01) or with a unit (10ms)";
        let t = text.trim();
        let Some((kind, rest)) = t.split_once(':') else {
            return Err(format!("'{text}' is not a service distribution; {FORMS}"));
        };
        let kind = kind.trim().to_ascii_lowercase();
        let args: Vec<&str> = rest.split(',').map(str::trim).collect();
        let want = match kind.as_str() {
            "exp" | "const" => 1,
            "lognormal" | "pareto" => 2,
            _ => {
                return Err(format!("'{text}': unknown distribution '{kind}'; {FORMS}"));
            }
        };
        if args.len() != want {
            return Err(format!(
                "'{text}': {kind} takes {want} value{}; {FORMS}",
                if want == 1 { "" } else { "s" }
            ));
        }
        let mean = parse_mean(args[0]).map_err(|why| format!("'{text}': {why}; {FORMS}"))?;
        let shape = match kind.as_str() {
            "exp" => Shape::Exp,
            "const" => Shape::Const,
            "lognormal" => Shape::LogNormal {
                cv: parse_number(args[1]).map_err(|why| format!("'{text}': cv {why}"))?,
            },
            _ => Shape::Pareto {
                alpha: parse_number(args[1]).map_err(|why| format!("'{text}': alpha {why}"))?,
            },
        };
        ServiceDist::new(mean, shape).map_err(|why| format!("'{text}': {why}"))
    }
}

/// `mean * x` rounded to the nearest nanosecond, saturating like
/// [`SimDuration::from_secs_f64_saturating`] (NaN and negatives give 0, huge
/// values [`SimDuration::MAX`]) but without the detour through seconds.
/// Rounds as `floor(v + 0.5)` through Rust's saturating float-to-int cast:
/// `f64::round` is a libm call on baseline x86-64 and costs more than the
/// draw itself; the two differ only for values within an ulp of a half.
#[inline]
fn scale_nanos(mean: SimDuration, x: f64) -> SimDuration {
    SimDuration::from_nanos((mean.as_nanos() as f64 * x + 0.5) as u64)
}

fn parse_number(s: &str) -> Result<f64, String> {
    s.parse::<f64>()
        .map_err(|_| format!("'{s}' is not a number"))
}

/// A mean: plain seconds, or a duration with a unit. Refuses negative, NaN,
/// infinite and too-large values, and nonzero values below the 1 ns clock
/// resolution (they would silently become 0).
fn parse_mean(s: &str) -> Result<SimDuration, String> {
    if let Ok(secs) = s.parse::<f64>() {
        if !(secs.is_finite() && secs >= 0.0) {
            return Err(format!(
                "mean '{s}' must be a finite number of seconds >= 0"
            ));
        }
        let d = SimDuration::try_from_secs_f64(secs)
            .ok_or_else(|| format!("mean '{s}' seconds is too long"))?;
        if secs > 0.0 && d == SimDuration::ZERO {
            return Err(format!("mean '{s}' is below the 1ns clock resolution"));
        }
        return Ok(d);
    }
    SimDuration::parse(s).map_err(|e| format!("mean {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::rng::stream;

    fn moments(d: &ServiceDist, n: usize) -> (f64, f64) {
        let mut rng = stream(1, "dist-test");
        let (mut s, mut s2) = (0.0, 0.0);
        for _ in 0..n {
            let x = d.sample(&mut rng).as_secs_f64();
            s += x;
            s2 += x * x;
        }
        let m = s / n as f64;
        (m, (s2 / n as f64 - m * m).max(0.0).sqrt() / m)
    }

    #[test]
    fn means_and_cvs() {
        // 400k draws: the sample mean of a cv-c variable has relative sd
        // c / sqrt(n) = c * 0.0016, so 1% is > 6 sd for c <= 1.5.
        let n = 400_000;
        let ms = SimDuration::from_millis(10);
        let (m, cv) = moments(&ServiceDist::constant(ms), 1000);
        assert!((m - 0.01).abs() < 1e-15 && cv < 1e-6, "const {m} {cv}");
        let (m, cv) = moments(&ServiceDist::exp(ms), n);
        assert!((m / 0.01 - 1.0).abs() < 0.01, "exp mean {m}");
        assert!((cv - 1.0).abs() < 0.02, "exp cv {cv}");
        let d = ServiceDist::new(ms, Shape::LogNormal { cv: 1.5 }).unwrap();
        let (m, cv) = moments(&d, n);
        assert!((m / 0.01 - 1.0).abs() < 0.015, "lognormal mean {m}");
        // The sample sd of a lognormal converges slowly (heavy-ish tail).
        assert!((cv - 1.5).abs() < 0.1, "lognormal cv {cv}");
        let d = ServiceDist::new(ms, Shape::Pareto { alpha: 3.0 }).unwrap();
        let (m, _) = moments(&d, n);
        assert!((m / 0.01 - 1.0).abs() < 0.02, "pareto mean {m}");
    }

    #[test]
    fn second_moments() {
        let s = SimDuration::from_secs(2);
        assert_eq!(ServiceDist::constant(s).second_moment_secs2(), Some(4.0));
        assert_eq!(ServiceDist::exp(s).second_moment_secs2(), Some(8.0));
        let ln = ServiceDist::new(s, Shape::LogNormal { cv: 0.5 }).unwrap();
        assert_eq!(ln.second_moment_secs2(), Some(5.0));
        let p = ServiceDist::new(s, Shape::Pareto { alpha: 2.0 }).unwrap();
        assert_eq!(p.second_moment_secs2(), None);
        let p = ServiceDist::new(s, Shape::Pareto { alpha: 3.0 }).unwrap();
        // (alpha-1)^2 / (alpha (alpha-2)) = 4/3, times mean^2 = 4.
        assert!((p.second_moment_secs2().unwrap() - 16.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn sample_with_mean_scales() {
        let d = ServiceDist::constant(SimDuration::from_secs(1));
        let mut rng = stream(3, "x");
        assert_eq!(
            d.sample_with_mean(SimDuration::from_micros(7), &mut rng),
            SimDuration::from_micros(7)
        );
        let e = ServiceDist::exp(SimDuration::from_secs(1));
        let mut a = stream(3, "x");
        let mut b = stream(3, "x");
        let x = e
            .sample_with_mean(SimDuration::from_secs(1), &mut a)
            .as_nanos() as f64;
        let y = e
            .sample_with_mean(SimDuration::from_secs(2), &mut b)
            .as_nanos() as f64;
        assert!((y / x - 2.0).abs() < 1e-6, "{x} {y}");
    }

    #[test]
    fn parses_the_documented_forms() {
        let d = ServiceDist::parse("exp:1").unwrap();
        assert_eq!(
            (d.mean(), d.shape()),
            (SimDuration::from_secs(1), Shape::Exp)
        );
        let d = ServiceDist::parse("const:10ms").unwrap();
        assert_eq!(
            (d.mean(), d.shape()),
            (SimDuration::from_millis(10), Shape::Const)
        );
        let d = ServiceDist::parse("lognormal:0.002, 1.5").unwrap();
        assert_eq!(d.mean(), SimDuration::from_millis(2));
        assert_eq!(d.shape(), Shape::LogNormal { cv: 1.5 });
        let d = ServiceDist::parse("pareto:250us,2.5").unwrap();
        assert_eq!(d.mean(), SimDuration::from_micros(250));
        assert_eq!(d.shape(), Shape::Pareto { alpha: 2.5 });
    }

    #[test]
    fn refuses_nonsense_with_a_reason() {
        for bad in [
            "",
            "exp",
            "exp:",
            "exp:-1",
            "exp:nan",
            "exp:inf",
            "exp:1,2",
            "gamma:1",
            "lognormal:1",
            "lognormal:1,0",
            "lognormal:1,-2",
            "lognormal:1,nan",
            "pareto:1,1",
            "pareto:1,0.5",
            "pareto:1,inf",
            "const:1e-12",
            "exp:5parsecs",
        ] {
            let e = ServiceDist::parse(bad);
            assert!(e.is_err(), "{bad:?} was accepted");
            let msg = e.unwrap_err();
            assert!(!msg.contains('\n'), "{msg}");
        }
        let msg = ServiceDist::parse("pareto:1,1").unwrap_err();
        assert!(msg.contains("> 1"), "{msg}");
        assert!(ServiceDist::new(SimDuration::from_secs(1), Shape::LogNormal { cv: 0.0 }).is_err());
    }
}
