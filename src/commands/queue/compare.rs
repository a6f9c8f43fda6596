//! The simulation of `fanout queue` and the rows comparing it with theory.

use super::Validated;
use crate::error::{FanoutError, Result};
use crate::sim::dist::Shape;
use crate::sim::queue::EventQueue;
use crate::sim::rng::{SimRng, stream};
use crate::sim::station::{Station, StationStats};
use crate::sim::theory;
use crate::sim::time::{SimDuration, SimTime};
use rand_distr::{Distribution, Exp1};
use std::time::{Duration, Instant};

/// The closed-form value of a metric.
#[derive(Copy, Clone, Debug, PartialEq)]
pub(crate) enum Theory {
    Value(f64),
    /// The exact answer is infinite (P-K with `E[S^2] = inf`).
    Infinite,
    NoClosedForm,
    /// A published approximation, not an exact result (`--fork` K > 2).
    Approx(f64),
    /// A bound the true value cannot be below (`--fork` without a closed form).
    LowerBound(f64),
}

impl Theory {
    /// What kind of theory this is, for the fork-join CSV's `theory_kind`.
    pub fn kind_name(self) -> &'static str {
        match self {
            Theory::Value(_) | Theory::Infinite => "exact",
            Theory::Approx(_) => "approximation",
            Theory::LowerBound(_) => "lower bound",
            Theory::NoClosedForm => "",
        }
    }
}

/// How a metric is displayed.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Time,
    Probability,
    Count,
}

/// One compared metric; times in seconds.
#[derive(Clone, Debug)]
pub(crate) struct Row {
    pub metric: &'static str,
    pub label: &'static str,
    pub kind: Kind,
    pub simulated: f64,
    pub theory: Theory,
}

impl Row {
    /// `(sim - theory) / theory`; 0 when both are 0; `None` without a finite
    /// nonzero theory.
    pub fn rel_error(&self) -> Option<f64> {
        match self.theory {
            Theory::Value(t) | Theory::Approx(t) if t != 0.0 => Some((self.simulated - t) / t),
            Theory::Value(_) if self.simulated == 0.0 => Some(0.0),
            _ => None,
        }
    }
}

/// Everything a run produced.
pub(crate) struct Outcome {
    pub rows: Vec<Row>,
    pub events: u64,
    pub wall: Duration,
}

#[derive(Copy, Clone, Debug)]
enum Ev {
    Arrival,
    Departure,
}

/// Share of the customers left out of the statistics at each end: the
/// first tenth (the warm-up, while the queue fills from empty) and the last
/// tenth (the drain, when arrivals stop and the servers empty), so the
/// numbers describe the steady state the closed forms are about.
pub const TRIM_DIVISOR: u64 = 10;

/// The customers measured: indices `first..end` of `0..customers`.
pub(crate) fn measured(customers: u64) -> (u64, u64) {
    let skip = customers / TRIM_DIVISOR;
    (skip, customers - skip)
}

/// The measurement window: from the arrival of the first measured customer
/// to that of the first customer after them (open when nothing is trimmed).
/// Found by drawing the arrival gaps ahead with a copy of the arrival
/// stream, so the simulation itself draws exactly as before.
pub(crate) fn measured_window(v: &Validated, rng: &SimRng, gap_ns: f64) -> (SimTime, SimTime) {
    let (first, end) = measured(v.customers);
    if first == 0 {
        return (SimTime::ZERO, SimTime::MAX);
    }
    let mut rng = rng.clone();
    let mut t = 0u64;
    let mut start = 0u64;
    for i in 0..=end {
        let x: f64 = Exp1.sample(&mut rng);
        t = t.saturating_add((x * gap_ns + 0.5) as u64);
        if i == first {
            start = t;
        }
    }
    (SimTime::from_nanos(start), SimTime::from_nanos(t))
}

/// Runs the simulation and builds the comparison rows.
pub(crate) fn simulate(v: &Validated) -> Result<Outcome> {
    let overflow = |e: crate::sim::queue::ScheduleError| {
        FanoutError::failure(format!("fanout queue: internal error: {e}"))
    };
    let mut arrivals_rng = stream(v.seed, "queue.arrivals");
    let mut service_rng = stream(v.seed, "queue.service");
    let interarrival_ns = 1e9 / v.lambda;
    let began = Instant::now();
    let (from, until) = measured_window(v, &arrivals_rng, interarrival_ns);
    // Rounded to the nearest ns by `+ 0.5` and a saturating cast, as
    // `ServiceDist` does (no libm `round` call on the hot path).
    let mut draw_gap = move || {
        let x: f64 = Exp1.sample(&mut arrivals_rng);
        SimDuration::from_nanos((x * interarrival_ns + 0.5) as u64)
    };
    let mut station = Station::new(v.servers, None);
    station.enable_histograms();
    station.set_window(from, until);
    let mut events = EventQueue::new();
    events
        .schedule(SimTime::ZERO + draw_gap(), Ev::Arrival)
        .map_err(overflow)?;
    let mut arrived: u64 = 0;
    let mut waited: u64 = 0;
    let mut in_system: u64 = 0;
    while let Some((now, ev)) = events.pop() {
        match ev {
            Ev::Arrival => {
                arrived += 1;
                in_system += 1;
                let service = v.dist.sample(&mut service_rng);
                let visit = station.submit(now, service).ok_or_else(|| {
                    FanoutError::failure(
                        "fanout queue: internal error: an unbounded queue dropped a customer",
                    )
                })?;
                waited += u64::from(visit.start > now && now >= from && now < until);
                events
                    .schedule(visit.depart, Ev::Departure)
                    .map_err(overflow)?;
                if arrived < v.customers {
                    events
                        .schedule_after(draw_gap(), Ev::Arrival)
                        .map_err(overflow)?;
                }
            }
            Ev::Departure => in_system -= 1,
        }
    }
    let wall = began.elapsed();
    debug_assert_eq!(in_system, 0);
    let stats = station.stats();
    let rows = compare(v, &stats, waited);
    Ok(Outcome {
        rows,
        events: events.popped(),
        wall,
    })
}

/// The rows: simulated values from the station, theory from closed forms.
fn compare(v: &Validated, st: &StationStats, waited: u64) -> Vec<Row> {
    let (lambda, c) = (v.lambda, v.servers);
    let es = v.dist.mean_secs();
    let mu = 1.0 / es;
    let exp = v.dist.shape() == Shape::Exp;
    let known = |x: Option<f64>| x.map_or(Theory::NoClosedForm, Theory::Value);
    let secs = |ns: u64| ns as f64 * 1e-9;
    let served = st.served().max(1) as f64;
    let wait_hist = st.wait_hist.as_ref().expect("histograms are enabled");
    let sojourn_hist = st.sojourn_hist.as_ref().expect("histograms are enabled");
    let wait_at = |q: f64| secs(wait_hist.value_at_quantile(q));
    let sojourn_at = |q: f64| secs(sojourn_hist.value_at_quantile(q));
    let wait_q = |q: f64| match exp {
        true => known(theory::mmc_wait_quantile(lambda, mu, c, q)),
        false => Theory::NoClosedForm,
    };
    let sojourn_q = |q: f64| match exp && c == 1 {
        true => known(theory::mm1_sojourn_quantile(lambda, mu, q)),
        false => Theory::NoClosedForm,
    };
    let [mean_wait, mean_sojourn, mean_in_system] = mean_theories(v);
    use Kind::{Count, Probability, Time};
    let rows = [
        (
            "mean_wait",
            "mean wait",
            Time,
            st.mean_wait_ns() * 1e-9,
            mean_wait,
        ),
        (
            "prob_wait",
            "P(wait > 0)",
            Probability,
            waited as f64 / served,
            prob_wait_theory(v),
        ),
        ("wait_p50", "wait p50", Time, wait_at(0.5), wait_q(0.5)),
        ("wait_p99", "wait p99", Time, wait_at(0.99), wait_q(0.99)),
        (
            "wait_p999",
            "wait p99.9",
            Time,
            wait_at(0.999),
            wait_q(0.999),
        ),
        (
            "mean_sojourn",
            "mean sojourn",
            Time,
            st.mean_sojourn_ns() * 1e-9,
            mean_sojourn,
        ),
        (
            "sojourn_p50",
            "sojourn p50",
            Time,
            sojourn_at(0.5),
            sojourn_q(0.5),
        ),
        (
            "sojourn_p99",
            "sojourn p99",
            Time,
            sojourn_at(0.99),
            sojourn_q(0.99),
        ),
        (
            "sojourn_p999",
            "sojourn p99.9",
            Time,
            sojourn_at(0.999),
            sojourn_q(0.999),
        ),
        (
            "mean_in_system",
            "mean in system",
            Count,
            st.mean_in_system(),
            mean_in_system,
        ),
        (
            "utilisation",
            "utilisation",
            Probability,
            st.utilisation(),
            Theory::Value(v.rho),
        ),
    ];
    rows.into_iter()
        .map(|(metric, label, kind, simulated, theory)| Row {
            metric,
            label,
            kind,
            simulated,
            theory,
        })
        .collect()
}

/// Mean wait, mean sojourn (wait plus a mean service) and mean number in
/// system (Little's law) in closed form, where the mean wait has one.
pub(crate) fn mean_theories(v: &Validated) -> [Theory; 3] {
    let mean_wait = mean_wait_theory(v);
    let mean_sojourn = match mean_wait {
        Theory::Value(w) => Theory::Value(w + v.dist.mean_secs()),
        other => other,
    };
    let mean_in_system = match mean_sojourn {
        Theory::Value(w) => Theory::Value(theory::littles_law(v.lambda, w)),
        other => other,
    };
    [mean_wait, mean_sojourn, mean_in_system]
}

/// The mean wait in closed form: Erlang C for M/M/c, Pollaczek-Khinchine
/// for M/G/1 (infinite when `E[S^2]` is).
fn mean_wait_theory(v: &Validated) -> Theory {
    let es = v.dist.mean_secs();
    let known = |x: Option<f64>| x.map_or(Theory::NoClosedForm, Theory::Value);
    if v.dist.shape() == Shape::Exp {
        known(theory::mmc_mean_wait(v.lambda, 1.0 / es, v.servers))
    } else if v.servers == 1 {
        match v.dist.second_moment_secs2() {
            Some(s2) => known(theory::mg1_mean_wait(v.lambda, es, s2)),
            None => Theory::Infinite,
        }
    } else {
        Theory::NoClosedForm
    }
}

/// The probability of waiting in closed form: Erlang C for M/M/c, rho for
/// M/G/1 (PASTA).
fn prob_wait_theory(v: &Validated) -> Theory {
    let es = v.dist.mean_secs();
    let known = |x: Option<f64>| x.map_or(Theory::NoClosedForm, Theory::Value);
    if v.dist.shape() == Shape::Exp {
        known(theory::erlang_c(v.servers, v.lambda / (1.0 / es)))
    } else if v.servers == 1 {
        known(theory::mg1_prob_wait(v.lambda, es))
    } else {
        Theory::NoClosedForm
    }
}
