//! What a client knows and remembers about one tier: circuit breakers,
//! the retry budget and the recent response times hedging is timed by.
//!
//! The simulation computes a request's answer when it sends it (the
//! stations are solved by Lindley's recursion), but the client may only act
//! on an answer once it has arrived. So every outcome is filed with the time
//! it reaches the client, and is applied only when the client next looks at
//! a time at or after it: causality holds without an event per answer.
//!
//! - Circuit breaker (Nygard, "Release It!", 2007): closed until `failures`
//!   consecutive failures, then open (requests fail at once, nothing is
//!   sent) for `open_for`, then half-open: one probe goes through; its
//!   success closes the breaker, its failure opens it again.
//! - Retry budget (as Finagle's): each first attempt deposits `ratio` of a
//!   token, up to [`BUDGET_CAP`] banked; a retry spends one, and without a
//!   token there is no retry, so retries stay a bounded fraction of load
//!   however bad things get.
//! - Hedging at a quantile of recent latency (Dean and Barroso 2013): the
//!   last [`WINDOW`] answers, the quantile recomputed every [`REFRESH`].

use crate::model::config::Breaker;
use crate::sim::time::{SimDuration, SimTime};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Most retry tokens a client banks: the largest burst of retries.
pub const BUDGET_CAP: f64 = 100.0;
/// Recent answers the hedging quantile is taken over.
pub const WINDOW: usize = 1000;
/// Answers between two recomputations of the hedging quantile.
pub const REFRESH: u32 = 100;

/// Outcomes filed for the time they reach the client.
#[derive(Default)]
struct Pending<T: Ord> {
    heap: BinaryHeap<Reverse<(u64, T)>>,
}

impl<T: Ord + Copy> Pending<T> {
    fn file(&mut self, at: SimTime, what: T) {
        self.heap.push(Reverse((at.as_nanos(), what)));
    }

    /// The next outcome that arrived by `now`, in arrival order.
    fn next_by(&mut self, now: SimTime) -> Option<(SimTime, T)> {
        match self.heap.peek() {
            Some(Reverse((t, _))) if *t <= now.as_nanos() => {
                let Reverse((t, what)) = self.heap.pop()?;
                Some((SimTime::from_nanos(t), what))
            }
            _ => None,
        }
    }
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum State {
    Closed { failures: u32 },
    Open { until: SimTime },
    HalfOpen { probing: bool },
}

/// The circuit breaker the client keeps for one station.
pub struct CircuitBreaker {
    state: State,
    outcomes: Pending<bool>,
}

impl Default for CircuitBreaker {
    fn default() -> Self {
        CircuitBreaker {
            state: State::Closed { failures: 0 },
            outcomes: Pending::default(),
        }
    }
}

impl CircuitBreaker {
    /// Whether a request may be sent at `now`; a half-open breaker lets one
    /// probe through and holds the rest until the probe's outcome arrives.
    pub fn allow(&mut self, now: SimTime, cfg: &Breaker) -> bool {
        self.catch_up(now, cfg);
        match self.state {
            State::Closed { .. } => true,
            State::Open { until } if now < until => false,
            State::Open { .. } | State::HalfOpen { probing: false } => {
                self.state = State::HalfOpen { probing: true };
                true
            }
            State::HalfOpen { probing: true } => false,
        }
    }

    /// Files the outcome of a request, reaching the client at `at`.
    pub fn record(&mut self, at: SimTime, ok: bool) {
        self.outcomes.file(at, ok);
    }

    fn catch_up(&mut self, now: SimTime, cfg: &Breaker) {
        while let Some((at, ok)) = self.outcomes.next_by(now) {
            self.state = match (self.state, ok) {
                (State::Open { until }, _) => State::Open { until },
                (_, true) => State::Closed { failures: 0 },
                (State::HalfOpen { .. }, false) => State::Open {
                    until: at + cfg.open_for,
                },
                (State::Closed { failures }, false) if failures + 1 >= cfg.failures => {
                    State::Open {
                        until: at + cfg.open_for,
                    }
                }
                (State::Closed { failures }, false) => State::Closed {
                    failures: failures + 1,
                },
            };
        }
    }

    /// Whether the breaker is open (failing requests at once) at `now`.
    #[cfg(test)]
    pub fn is_open(&mut self, now: SimTime, cfg: &Breaker) -> bool {
        self.catch_up(now, cfg);
        matches!(self.state, State::Open { until } if now < until)
    }
}

/// A token bucket bounding retries to a fraction of first attempts.
pub struct RetryBudget {
    ratio: Option<f64>,
    tokens: f64,
}

impl RetryBudget {
    /// A budget of `ratio` retries per first attempt; `None`: unlimited.
    pub fn new(ratio: Option<f64>) -> RetryBudget {
        RetryBudget { ratio, tokens: 0.0 }
    }

    /// A first attempt was sent.
    pub fn deposit(&mut self) {
        if let Some(r) = self.ratio {
            self.tokens = (self.tokens + r).min(BUDGET_CAP);
        }
    }

    /// Takes a token for one retry, if there is one.
    pub fn try_spend(&mut self) -> bool {
        match self.ratio {
            None => true,
            Some(_) if self.tokens >= 1.0 => {
                self.tokens -= 1.0;
                true
            }
            Some(_) => false,
        }
    }
}

/// A quantile of the response times the client has seen lately.
pub struct RecentLatency {
    q: f64,
    arrived: Pending<u64>,
    ring: Vec<u64>,
    next: usize,
    fresh: u32,
    scratch: Vec<u64>,
    value: Option<SimDuration>,
}

impl RecentLatency {
    /// Tracks the `q`-quantile (0..1).
    pub fn new(q: f64) -> RecentLatency {
        RecentLatency {
            q,
            arrived: Pending::default(),
            ring: Vec::with_capacity(WINDOW),
            next: 0,
            fresh: 0,
            scratch: Vec::with_capacity(WINDOW),
            value: None,
        }
    }

    /// Files a response time, seen by the client at `at`.
    pub fn record(&mut self, at: SimTime, latency: SimDuration) {
        self.arrived.file(at, latency.as_nanos());
    }

    /// The quantile over the answers seen by `now`; `None` until
    /// [`REFRESH`] answers have been seen (no hedging before that).
    pub fn quantile(&mut self, now: SimTime) -> Option<SimDuration> {
        while let Some((_, l)) = self.arrived.next_by(now) {
            if self.ring.len() < WINDOW {
                self.ring.push(l);
            } else {
                self.ring[self.next] = l;
                self.next = (self.next + 1) % WINDOW;
            }
            self.fresh += 1;
        }
        if self.fresh >= REFRESH {
            self.fresh = 0;
            self.scratch.clear();
            self.scratch.extend_from_slice(&self.ring);
            let k = ((self.scratch.len() as f64 * self.q) as usize).min(self.scratch.len() - 1);
            let (_, v, _) = self.scratch.select_nth_unstable(k);
            self.value = Some(SimDuration::from_nanos(*v));
        }
        self.value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> SimTime {
        SimTime::ZERO + SimDuration::from_millis(n)
    }

    #[test]
    fn the_breaker_opens_after_consecutive_failures_and_probes_when_half_open() {
        let cfg = Breaker {
            failures: 3,
            open_for: SimDuration::from_millis(100),
        };
        let mut b = CircuitBreaker::default();
        b.record(ms(1), false);
        b.record(ms(2), false);
        b.record(ms(3), true);
        b.record(ms(4), false);
        b.record(ms(5), false);
        assert!(b.allow(ms(5), &cfg), "a success reset the count");
        // An outcome filed for later does not count yet.
        b.record(ms(10), false);
        assert!(b.allow(ms(9), &cfg));
        assert!(!b.allow(ms(10), &cfg), "third consecutive failure opens it");
        assert!(!b.allow(ms(109), &cfg));
        assert!(b.allow(ms(110), &cfg), "half-open: one probe");
        assert!(!b.allow(ms(111), &cfg), "the rest wait for the probe");
        b.record(ms(112), true);
        assert!(b.allow(ms(112), &cfg), "the probe succeeded: closed");
        assert!(b.allow(ms(113), &cfg));
    }

    #[test]
    fn a_failed_probe_opens_the_breaker_again() {
        let cfg = Breaker {
            failures: 1,
            open_for: SimDuration::from_millis(10),
        };
        let mut b = CircuitBreaker::default();
        b.record(ms(0), false);
        assert!(b.is_open(ms(1), &cfg));
        assert!(b.allow(ms(10), &cfg));
        b.record(ms(12), false);
        assert!(b.is_open(ms(12), &cfg));
        assert!(!b.allow(ms(21), &cfg));
        assert!(b.allow(ms(22), &cfg));
    }

    #[test]
    fn the_budget_allows_a_fraction_of_first_attempts() {
        let mut b = RetryBudget::new(Some(0.1));
        let mut retries = 0;
        for _ in 0..1000 {
            b.deposit();
            while b.try_spend() {
                retries += 1;
            }
        }
        assert!((99..=100).contains(&retries), "{retries}");
        let mut none = RetryBudget::new(None);
        assert!((0..1000).all(|_| none.try_spend()));
    }

    #[test]
    fn the_quantile_follows_what_has_arrived() {
        let mut r = RecentLatency::new(0.95);
        for i in 0..100u64 {
            r.record(ms(i), SimDuration::from_micros(i + 1));
        }
        assert_eq!(r.quantile(ms(50)), None, "only 51 answers arrived");
        let q = r.quantile(ms(100)).unwrap();
        assert_eq!(q, SimDuration::from_micros(96));
    }
}
