//! `fanout queue --fork K`: one Poisson stream forked to K identical
//! stations; a job is done when its slowest leg is.
//!
//! This is the analytic counterpart of a fan-out-on-read merge, which waits
//! for its slowest shard. Every arrival submits one task to each of the K
//! stations (each station draws its own service times from its own random
//! stream) and one join event is scheduled at the latest departure, so the
//! response time of a job is `max_k(depart_k) - arrival`. The theory rows
//! (docs/references.md, Flatto-Hahn 1984; Nelson-Tantawi 1988):
//!
//! - K = 2, M/M/1 legs: the exact mean response `(12 - rho)/8 / (mu - lambda)`;
//! - K in 3..=[`MAX_APPROX_FORK`], M/M/1 legs: Nelson and Tantawi's scaling
//!   approximation, marked as one (the paper reports it within 5% of
//!   simulation for K up to 32);
//! - any other legs: a labelled lower bound, one leg's mean sojourn (the
//!   slowest of K legs is never faster on average than any one of them),
//!   where that sojourn has a closed form.

use super::Validated;
use super::compare::{Kind, Outcome, Row, Theory, measured_window};
use crate::error::{FanoutError, Result};
use crate::sim::dist::Shape;
use crate::sim::queue::EventQueue;
use crate::sim::rng::stream;
use crate::sim::station::{Station, StationStats};
use crate::sim::time::{SimDuration, SimTime};
use hdrhistogram::Histogram;
use rand_distr::{Distribution, Exp1};
use std::time::Instant;

/// Most legs accepted. A job costs K station visits, so the bound keeps one
/// run's work (customers times legs, also bounded) reasonable, and no
/// published closed form or error figure goes beyond a few dozen legs.
pub const MAX_FORK: u32 = 1024;
/// Most legs for which the Nelson-Tantawi approximation is printed: the
/// range over which its authors report its error (docs/references.md,
/// Nelson-Tantawi 1988: within 5% for K up to 32).
pub const MAX_APPROX_FORK: u32 = 32;

/// The K-th harmonic number `1 + 1/2 + ... + 1/K`.
pub(crate) fn harmonic(k: u32) -> f64 {
    (1..=k).map(|i| 1.0 / f64::from(i)).sum()
}

/// The mean response time of a K-way fork-join of M/M/1 legs, seconds:
/// exact for K = 1 and K = 2 (Flatto-Hahn), the Nelson-Tantawi scaling
/// approximation for K > 2 (the `bool` says whether it is exact).
pub(crate) fn mm1_fork_join_mean(lambda: f64, mu: f64, k: u32) -> (f64, bool) {
    let rho = lambda / mu;
    let r1 = 1.0 / (mu - lambda);
    if k == 1 {
        return (r1, true);
    }
    let r2 = (12.0 - rho) / 8.0 * r1;
    if k == 2 {
        return (r2, true);
    }
    let h = harmonic(k) / harmonic(2);
    ((h + 4.0 / 11.0 * (1.0 - h) * rho) * r2, false)
}

/// The theory of the mean response time of the fork-join (see the module
/// documentation for which one applies).
fn mean_response_theory(v: &Validated, leg_sojourn: Theory) -> Theory {
    let mm1 = v.dist.shape() == Shape::Exp && v.servers == 1;
    if mm1 && v.fork <= MAX_APPROX_FORK {
        let (r, exact) = mm1_fork_join_mean(v.lambda, 1.0 / v.dist.mean_secs(), v.fork);
        return if exact {
            Theory::Value(r)
        } else {
            Theory::Approx(r)
        };
    }
    match leg_sojourn {
        Theory::Value(w) => Theory::LowerBound(w),
        other => other,
    }
}

/// Simulates the fork-join and builds its rows.
pub(crate) fn simulate_fork(v: &Validated, leg_sojourn: Theory) -> Result<Outcome> {
    let overflow = |e: crate::sim::queue::ScheduleError| {
        FanoutError::failure(format!("fanout queue: internal error: {e}"))
    };
    let mut arrivals_rng = stream(v.seed, "queue.arrivals");
    // Leg 0 draws from the single station's stream, the others from their own.
    let mut service_rngs: Vec<_> = (0..v.fork)
        .map(|k| match k {
            0 => stream(v.seed, "queue.service"),
            k => stream(v.seed, &format!("queue.service.{k}")),
        })
        .collect();
    let interarrival_ns = 1e9 / v.lambda;
    let began = Instant::now();
    let (from, until) = measured_window(v, &arrivals_rng, interarrival_ns);
    let mut draw_gap = move || {
        let x: f64 = Exp1.sample(&mut arrivals_rng);
        SimDuration::from_nanos((x * interarrival_ns + 0.5) as u64)
    };
    let mut legs: Vec<Station> = (0..v.fork)
        .map(|_| {
            let mut s = Station::new(v.servers, None);
            s.set_window(from, until);
            s
        })
        .collect();
    let mut response = Histogram::<u64>::new(3).expect("3 significant digits are valid");
    response.auto(true);
    let (mut response_sum, mut measured) = (0u128, 0u64);
    let mut events = EventQueue::new();
    events
        .schedule(SimTime::ZERO + draw_gap(), true)
        .map_err(overflow)?;
    let mut arrived: u64 = 0;
    while let Some((now, arrival)) = events.pop() {
        if !arrival {
            continue;
        }
        arrived += 1;
        let mut done = now;
        for (leg, rng) in legs.iter_mut().zip(service_rngs.iter_mut()) {
            let visit = leg.submit(now, v.dist.sample(rng)).ok_or_else(|| {
                FanoutError::failure(
                    "fanout queue: internal error: an unbounded queue dropped a task",
                )
            })?;
            done = done.max(visit.depart);
        }
        if now >= from && now < until {
            let r = (done - now).as_nanos();
            response_sum += u128::from(r);
            measured += 1;
            response.saturating_record(r);
        }
        events.schedule(done, false).map_err(overflow)?;
        if arrived < v.customers {
            events.schedule_after(draw_gap(), true).map_err(overflow)?;
        }
    }
    let wall = began.elapsed();
    let mut stats: Option<StationStats> = None;
    for leg in &legs {
        match stats.as_mut() {
            Some(s) => s.merge(&leg.stats()),
            None => stats = Some(leg.stats()),
        }
    }
    let stats = stats.expect("validation keeps at least one leg");
    let mean_response = response_sum as f64 / measured.max(1) as f64 * 1e-9;
    let at = |q: f64| response.value_at_quantile(q) as f64 * 1e-9;
    let rows = vec![
        row(
            "mean_response",
            "mean response",
            Kind::Time,
            mean_response,
            mean_response_theory(v, leg_sojourn),
        ),
        row(
            "response_p50",
            "response p50",
            Kind::Time,
            at(0.5),
            Theory::NoClosedForm,
        ),
        row(
            "response_p99",
            "response p99",
            Kind::Time,
            at(0.99),
            Theory::NoClosedForm,
        ),
        row(
            "response_p999",
            "response p99.9",
            Kind::Time,
            at(0.999),
            Theory::NoClosedForm,
        ),
        row(
            "mean_leg_sojourn",
            "mean leg sojourn",
            Kind::Time,
            stats.mean_sojourn_ns() * 1e-9,
            leg_sojourn,
        ),
        row(
            "utilisation",
            "utilisation",
            Kind::Probability,
            stats.utilisation(),
            Theory::Value(v.rho),
        ),
    ];
    Ok(Outcome {
        rows,
        events: events.popped(),
        wall,
    })
}

fn row(
    metric: &'static str,
    label: &'static str,
    kind: Kind,
    simulated: f64,
    theory: Theory,
) -> Row {
    Row {
        metric,
        label,
        kind,
        simulated,
        theory,
    }
}
