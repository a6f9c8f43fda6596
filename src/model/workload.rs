//! The load: Poisson posts and reads at time-varying rates, and who does them.
//!
//! Arrivals are drawn lazily, one pending arrival per process, so the event
//! queue stays small however high the rate. A time-varying rate lambda(t) =
//! base * m(t) is sampled exactly by thinning (Lewis and Shedler, 1979):
//! candidates arrive at the bounding rate base * max m, and each is kept
//! with probability m(t) / max m.
//!
//! The configured rates are averages: a diurnal profile's m(t) has mean 1
//! over every whole period and peaks at `peak_factor` (peak over average,
//! docs/references.md, DDIA ch. 1: over 12k tweets/s at peak against 4.6k on
//! average) at half a period. Up to a peak of 2 it is the cosine
//! 1 - (p - 1) cos(2 pi t / T), whose trough is 2 - p; above 2 a cosine with
//! the same mean would go negative, so it is p sin^(2k)(pi t / T), zero at
//! the trough, with k solved so that the mean is 1 (the two agree at p = 2).
//!
//! Who posts and who reads: uniformly, or weighted by popularity
//! (docs/references.md, Sysomos 2009; Pew 2019: a user's tweet rate grows with its follower count, so
//! the mean fan-out per tweet exceeds the mean follower count per user),
//! sampled in O(1) from an alias table.

use crate::model::config::{RateProfile, ScheduledEvent, WorkloadConfig};
use crate::model::graph::Graph;
use crate::sim::alias::AliasTable;
use crate::sim::rng::SimRng;
use crate::sim::time::{SimDuration, SimTime};
use rand::RngExt;
use rand_distr::{Distribution, Exp1};

/// The rate multiplier m(t): the diurnal profile times any active bursts.
#[derive(Clone, Debug)]
pub struct RateShape {
    profile: RateProfile,
    /// The sine power k of a diurnal profile peaking above 2 (see the
    /// module doc); 0 otherwise.
    sine_power: f64,
    bursts: Vec<(u64, u64, f64)>,
    max: f64,
    profile_max: f64,
}

impl RateShape {
    /// The multiplier of a workload's profile and bursts.
    pub fn new(workload: &WorkloadConfig) -> RateShape {
        let bursts: Vec<(u64, u64, f64)> = workload
            .events
            .iter()
            .filter_map(|e| match e {
                ScheduledEvent::Burst {
                    at,
                    duration,
                    factor,
                } => Some((
                    at.as_nanos(),
                    at.saturating_add(*duration).as_nanos(),
                    *factor,
                )),
                ScheduledEvent::Tweet { .. } => None,
            })
            .collect();
        let profile_max = match workload.profile {
            RateProfile::Constant => 1.0,
            RateProfile::Diurnal { peak_factor, .. } => peak_factor.max(1.0),
        };
        // Overlapping bursts multiply, so the product of all factors above 1
        // bounds m(t) from above.
        let burst_max: f64 = bursts.iter().map(|b| b.2.max(1.0)).product();
        let sine_power = match workload.profile {
            RateProfile::Diurnal { peak_factor, .. } if peak_factor > 2.0 => {
                solve_sine_power(peak_factor)
            }
            _ => 0.0,
        };
        RateShape {
            profile: workload.profile.clone(),
            sine_power,
            bursts,
            max: profile_max * burst_max,
            profile_max,
        }
    }

    /// m(t) at simulated time `t` (from the start of the run).
    pub fn multiplier(&self, t: SimTime) -> f64 {
        let ns = t.as_nanos();
        let mut m = match self.profile {
            RateProfile::Constant => 1.0,
            RateProfile::Diurnal {
                period,
                peak_factor,
            } => {
                let phase =
                    (ns % period.as_nanos().max(1)) as f64 / period.as_nanos().max(1) as f64;
                let cos = (std::f64::consts::TAU * phase).cos();
                if peak_factor <= 2.0 {
                    1.0 - (peak_factor - 1.0) * cos
                } else {
                    // sin^2(pi phase) = (1 - cos(2 pi phase)) / 2.
                    peak_factor * ((1.0 - cos) / 2.0).max(0.0).powf(self.sine_power)
                }
            }
        };
        for &(start, end, factor) in &self.bursts {
            if ns >= start && ns < end {
                m *= factor;
            }
        }
        m
    }

    /// An upper bound of m(t) over all t.
    pub fn max_multiplier(&self) -> f64 {
        self.max
    }

    /// An upper bound of m over [t, until), and `until`: the next time a
    /// burst starts or ends after `t` (the set of active bursts is constant
    /// in between), or the end of time.
    pub fn bound_from(&self, t: SimTime) -> (f64, SimTime) {
        let ns = t.as_nanos();
        let mut m = self.profile_max;
        let mut until = u64::MAX;
        for &(start, end, factor) in &self.bursts {
            if ns >= start && ns < end {
                m *= factor.max(1.0);
                until = until.min(end);
            } else if start > ns {
                until = until.min(start);
            }
        }
        (m, SimTime::from_nanos(until))
    }
}

/// The mean of sin^(2k)(theta) over a period, Gamma(k + 1/2) / (sqrt(pi)
/// Gamma(k + 1)) for k >= 0: shifted up by the recurrence
/// R(k) = R(k + 1) (k + 1) / (k + 1/2) until k >= 256, then the asymptotic
/// series (error below 1e-14 there).
pub fn sine_power_mean(k: f64) -> f64 {
    let mut k = k.max(0.0);
    let mut factor = 1.0;
    while k < 256.0 {
        factor *= (k + 1.0) / (k + 0.5);
        k += 1.0;
    }
    let inv = 1.0 / k;
    let series = 1.0 - inv / 8.0 + inv * inv / 128.0 + 5.0 * inv.powi(3) / 1024.0
        - 21.0 * inv.powi(4) / 32768.0;
    factor * series / (std::f64::consts::PI * k).sqrt()
}

/// The k >= 1 with [`sine_power_mean`]`(k)` = 1 / `peak` (peak >= 2), by
/// bisection: the sine power that makes a profile peaking at `peak` average 1.
pub fn solve_sine_power(peak: f64) -> f64 {
    let target = 1.0 / peak.max(2.0);
    let (mut lo, mut hi) = (1.0f64, 2.0f64);
    while sine_power_mean(hi) > target && hi < 1e12 {
        lo = hi;
        hi *= 2.0;
    }
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if sine_power_mean(mid) > target {
            lo = mid;
        } else {
            hi = mid;
        }
        if hi - lo <= 1e-13 * hi {
            break;
        }
    }
    0.5 * (lo + hi)
}

/// A Poisson process with rate `base * m(t)`, drawn one arrival at a time.
#[derive(Clone, Debug)]
pub struct Arrivals {
    base: f64,
    rng: SimRng,
}

impl Arrivals {
    /// A process with average (unmodulated) rate `per_sec`, drawing from `rng`.
    pub fn new(per_sec: f64, rng: SimRng) -> Arrivals {
        Arrivals { base: per_sec, rng }
    }

    /// The first arrival after `now`, or `None` if it would fall at or after
    /// `end` (or the rate is zero).
    pub fn next(&mut self, now: SimTime, shape: &RateShape, end: SimTime) -> Option<SimTime> {
        let mut t = now;
        loop {
            // Thinning against the bound of the current stretch between
            // burst edges; a candidate past the stretch is discarded and
            // drawing restarts at its end (exact: exponential gaps are
            // memoryless).
            let (m, until) = shape.bound_from(t);
            let bound = self.base * m;
            if bound <= 0.0 || !bound.is_finite() {
                return None;
            }
            let gap: f64 = Exp1.sample(&mut self.rng);
            let c = t.checked_add(SimDuration::from_secs_f64_saturating(gap / bound))?;
            if c >= until {
                if until >= end {
                    return None;
                }
                t = until;
                continue;
            }
            if c >= end {
                return None;
            }
            t = c;
            let keep = shape.multiplier(t) / m;
            if keep >= 1.0 || self.rng.random::<f64>() < keep {
                return Some(t);
            }
        }
    }
}

/// Picks a user: uniformly, or by weight from an alias table.
pub enum UserSampler {
    /// Every user equally likely.
    Uniform(u32),
    /// Users weighted (by popularity).
    Weighted(AliasTable),
}

impl UserSampler {
    /// Users weighted by `weights(exponent)`, or uniform when `exponent` is 0.
    pub fn new(
        users: u32,
        exponent: f64,
        weights: impl FnOnce(f64) -> Vec<f64>,
    ) -> Result<Self, String> {
        if exponent == 0.0 {
            return Ok(UserSampler::Uniform(users));
        }
        Ok(UserSampler::Weighted(AliasTable::new(&weights(exponent))?))
    }

    /// The authors of posts, weighted by (1 + followers)^x.
    pub fn authors(graph: &Graph, x: f64) -> Result<Self, String> {
        Self::new(graph.users(), x, |x| graph.author_weights(x))
    }

    /// The readers of home timelines, weighted by (1 + followees)^x.
    pub fn readers(graph: &Graph, x: f64) -> Result<Self, String> {
        Self::new(graph.users(), x, |x| graph.reader_weights(x))
    }

    /// One user id.
    pub fn sample(&self, rng: &mut SimRng) -> u32 {
        match self {
            UserSampler::Uniform(n) => rng.random_range(0..*n),
            UserSampler::Weighted(table) => table.sample(rng),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::rng::stream;

    fn workload(profile: RateProfile, events: Vec<ScheduledEvent>) -> WorkloadConfig {
        WorkloadConfig {
            tweets_per_sec: 1000.0,
            reads_per_sec: 0.0,
            profile,
            events,
        }
    }

    fn count(per_sec: f64, shape: &RateShape, from: u64, to: u64) -> u64 {
        let mut a = Arrivals::new(per_sec, stream(3, "arrivals"));
        let end = SimTime::from_nanos(to);
        let mut t = SimTime::ZERO;
        let mut n = 0;
        while let Some(next) = a.next(t, shape, end) {
            if next.as_nanos() >= from {
                n += 1;
            }
            t = next;
        }
        n
    }

    #[test]
    fn constant_rate_gives_poisson_count() {
        let shape = RateShape::new(&workload(RateProfile::Constant, vec![]));
        let n = count(1000.0, &shape, 0, 100_000_000_000);
        // Poisson(100k): sd 316; 5 sd is 1,581.
        assert!((n as f64 - 100_000.0).abs() < 1_600.0, "{n}");
    }

    #[test]
    fn burst_multiplies_rate_inside_its_interval_only() {
        let burst = ScheduledEvent::Burst {
            at: SimDuration::from_secs(10),
            duration: SimDuration::from_secs(10),
            factor: 5.0,
        };
        let shape = RateShape::new(&workload(RateProfile::Constant, vec![burst]));
        let inside = count(1000.0, &shape, 10_000_000_000, 20_000_000_000);
        let before = count(1000.0, &shape, 0, 10_000_000_000);
        // Poisson(50k) and Poisson(10k): 5 sd bounds.
        assert!((inside as f64 - 50_000.0).abs() < 1_200.0, "{inside}");
        assert!((before as f64 - 10_000.0).abs() < 500.0, "{before}");
    }

    #[test]
    fn diurnal_peaks_at_half_period_and_averages_one() {
        for (peak, trough) in [(1.5, 0.5), (2.0, 0.0), (3.0, 0.0), (100.0, 0.0)] {
            let profile = RateProfile::Diurnal {
                period: SimDuration::from_secs(100),
                peak_factor: peak,
            };
            let shape = RateShape::new(&workload(profile, vec![]));
            let at = |ns: u64| shape.multiplier(SimTime::from_nanos(ns));
            assert!((at(0) - trough).abs() < 1e-12, "{peak}");
            assert!((at(50_000_000_000) - peak).abs() < 1e-9, "{peak}");
            // The mean over a period, by the midpoint rule (exact to far
            // below 1e-6 for these smooth periodic functions).
            let steps = 100_000u64;
            let mean: f64 =
                (0..steps).map(|i| at((2 * i + 1) * 500_000)).sum::<f64>() / steps as f64;
            assert!((mean - 1.0).abs() < 1e-6, "{peak}: {mean}");
        }
    }

    #[test]
    fn sine_power_mean_matches_wallis() {
        // Integer k: (2k choose k) / 4^k.
        let mut wallis = 1.0;
        for k in 0..60u32 {
            let got = sine_power_mean(f64::from(k));
            assert!((got - wallis).abs() < 1e-12 * wallis, "{k}: {got} {wallis}");
            wallis *= f64::from(2 * k + 1) / f64::from(2 * k + 2);
        }
        for peak in [2.0, 2.6, 7.0, 100.0] {
            let k = solve_sine_power(peak);
            assert!((sine_power_mean(k) * peak - 1.0).abs() < 1e-10, "{peak}");
        }
        assert!((solve_sine_power(2.0) - 1.0).abs() < 1e-9);
    }

    #[test]
    fn zero_rate_never_arrives() {
        let shape = RateShape::new(&workload(RateProfile::Constant, vec![]));
        let mut a = Arrivals::new(0.0, stream(1, "x"));
        assert_eq!(a.next(SimTime::ZERO, &shape, SimTime::MAX), None);
    }
}
