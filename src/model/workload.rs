//! The load: Poisson posts and reads at time-varying rates, and who does them.
//!
//! Arrivals are drawn lazily, one pending arrival per process, so the event
//! queue stays small however high the rate. A time-varying rate lambda(t) =
//! base * m(t) is sampled exactly by thinning (Lewis and Shedler, 1979):
//! candidates arrive at the bounding rate base * max m, and each is kept
//! with probability m(t) / max m.
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
        RateShape {
            profile: workload.profile.clone(),
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
                1.0 + (peak_factor - 1.0) * (1.0 - (std::f64::consts::TAU * phase).cos()) / 2.0
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
    fn diurnal_peaks_at_half_period_and_averages_between() {
        let profile = RateProfile::Diurnal {
            period: SimDuration::from_secs(100),
            peak_factor: 3.0,
        };
        let shape = RateShape::new(&workload(profile, vec![]));
        assert!((shape.multiplier(SimTime::ZERO) - 1.0).abs() < 1e-12);
        assert!((shape.multiplier(SimTime::from_nanos(50_000_000_000)) - 3.0).abs() < 1e-9);
        // Mean multiplier over a period is (1 + 3) / 2 = 2.
        let n = count(1000.0, &shape, 0, 100_000_000_000);
        assert!((n as f64 - 200_000.0).abs() < 2_300.0, "{n}");
    }

    #[test]
    fn zero_rate_never_arrives() {
        let shape = RateShape::new(&workload(RateProfile::Constant, vec![]));
        let mut a = Arrivals::new(0.0, stream(1, "x"));
        assert_eq!(a.next(SimTime::ZERO, &shape, SimTime::MAX), None);
    }
}
