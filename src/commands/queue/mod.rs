//! `fanout queue`: simulate one queueing station and compare it with theory.
//!
//! This is the engine's self-test in front of the user: Poisson arrivals at
//! rate `lambda` into one FIFO [`Station`] with `c` servers, driven through
//! the real [`EventQueue`] (one pending arrival at a time, drawn lazily, and
//! one departure event per customer), then every metric next to its closed
//! form from [`crate::sim::theory`] (docs/references.md):
//!
//! - M/M/c (any c): Erlang C for the probability of waiting, the mean wait
//!   and the wait quantiles; for c = 1 also the exponential sojourn quantiles.
//! - M/G/1 (including M/D/1): Pollaczek-Khinchine mean wait
//!   `lambda E[S^2] / (2 (1 - rho))` and `P(wait > 0) = rho` (PASTA).
//! - Any model with a known mean wait: mean sojourn `Wq + E[S]` and, by
//!   Little's law, the mean number in system `lambda (Wq + E[S])`.
//! - Utilisation `rho = lambda E[S] / c` always.
//!
//! Where no closed form exists the theory column says so; it never holds an
//! approximation, except with `--fork K` (see the `fork` module), where the
//! Nelson-Tantawi approximation and a lower bound are printed and marked as
//! such. Times are in seconds, `lambda` is per second. The report
//! and the CSV are pure functions of the parameters and the seed, apart
//! from the table's last line (events per second of wall time).

mod compare;
mod fork;
mod render;
#[cfg(test)]
mod tests;

use crate::cli::QueueArgs;
use crate::error::{FanoutError, Result};
use crate::output;
use crate::sim::dist::{ServiceDist, Shape};
use compare::{mean_theories, simulate};
pub use fork::{MAX_APPROX_FORK, MAX_FORK};
use render::{write_csv, write_table};
use std::io::Write;

/// The flags of `fanout queue`, as parsed by the CLI (validated by [`run`]).
#[derive(Clone, Debug)]
pub struct QueueParams {
    /// Arrival rate, per second.
    pub lambda: f64,
    /// Number of identical servers.
    pub servers: u32,
    /// Service-time distribution text (see [`ServiceDist::parse`]).
    pub service: String,
    /// Customers to simulate.
    pub customers: u64,
    /// Seed of every random stream.
    pub seed: u64,
    /// Identical stations each arrival is forked to (1: one station, no fork).
    pub fork: u32,
    /// Where to write the comparison as CSV (`-`: standard output).
    pub csv: Option<std::path::PathBuf>,
}

impl QueueParams {
    /// The flags of `fanout queue`, not yet validated.
    pub fn from_args(args: &QueueArgs) -> QueueParams {
        QueueParams {
            lambda: args.lambda,
            servers: args.servers,
            service: args.service.clone(),
            customers: args.customers,
            seed: args.seed,
            fork: args.fork,
            csv: args.csv.clone(),
        }
    }
}

/// Most servers accepted (Erlang C stays accurate well beyond).
pub const MAX_SERVERS: u32 = 100_000;
/// Most customers accepted (about ten minutes of simulation).
pub const MAX_CUSTOMERS: u64 = 10_000_000_000;
/// Shortest mean interarrival or service time: below it, rounding every
/// draw to whole nanoseconds would visibly distort the distribution.
const MIN_MEAN_SECS: f64 = 100e-9;
/// Longest expected simulated span, seconds (about 158 years: a safe
/// margin inside the 584 years of the nanosecond clock).
const MAX_SPAN_SECS: f64 = 5e9;

/// Parameters after validation.
#[derive(Clone, Debug)]
pub(crate) struct Validated {
    /// Arrival rate, per second.
    pub lambda: f64,
    /// Identical servers.
    pub servers: u32,
    /// `--service` as given, for the table's header.
    pub service_text: String,
    /// The service-time distribution.
    pub dist: ServiceDist,
    /// Customers to simulate (the middle 80% are measured).
    pub customers: u64,
    /// Seed of every random stream.
    pub seed: u64,
    /// Utilisation `lambda E[S] / c`, below 1.
    pub rho: f64,
    /// Kendall notation: `M/M/4`, `M/D/1`, `M/G/1`; with `--fork K` > 1,
    /// followed by ` fork-join K=K`.
    pub model: String,
    /// Stations each arrival is forked to (1: no fork).
    pub fork: u32,
}

/// Checks every flag before any work; each error is one line naming the flag.
pub(crate) fn validate(p: &QueueParams) -> Result<Validated> {
    let bad = |m: String| Err(FanoutError::input(m));
    if !(p.lambda.is_finite() && p.lambda > 0.0) {
        return bad(format!(
            "--lambda {}: must be a finite number of arrivals per second > 0",
            p.lambda
        ));
    }
    if 1.0 / p.lambda < MIN_MEAN_SECS {
        return bad(format!(
            "--lambda {}: mean interarrival time below 100ns; times are whole nanoseconds, so use at most 1e7 arrivals per second (rescale the time unit)",
            p.lambda
        ));
    }
    if !(1..=MAX_SERVERS).contains(&p.servers) {
        return bad(format!(
            "--servers {}: must be between 1 and {MAX_SERVERS}",
            p.servers
        ));
    }
    if !(1..=MAX_CUSTOMERS).contains(&p.customers) {
        return bad(format!(
            "--customers {}: must be between 1 and {MAX_CUSTOMERS}",
            p.customers
        ));
    }
    if !(1..=MAX_FORK).contains(&p.fork) {
        return bad(format!(
            "--fork {}: must be between 1 and {MAX_FORK} (every arrival costs one task per leg)",
            p.fork
        ));
    }
    if u128::from(p.customers) * u128::from(p.fork) > u128::from(MAX_CUSTOMERS) {
        return bad(format!(
            "--customers {} with --fork {}: {} tasks in all, above the {MAX_CUSTOMERS} one run may simulate (about ten minutes); lower --customers or --fork",
            p.customers,
            p.fork,
            u128::from(p.customers) * u128::from(p.fork)
        ));
    }
    let dist =
        ServiceDist::parse(&p.service).map_err(|e| FanoutError::input(format!("--service {e}")))?;
    let es = dist.mean_secs();
    if es < MIN_MEAN_SECS {
        return bad(format!(
            "--service {}: mean service time {} is below 100ns; times are whole nanoseconds, so use a longer mean (rescale the time unit)",
            p.service,
            dist.mean()
        ));
    }
    let span = p.customers as f64 / p.lambda;
    if span > MAX_SPAN_SECS {
        return bad(format!(
            "--customers {} with --lambda {}: the run would span about {span:.3e} s of simulated time, beyond the clock's safe range of {MAX_SPAN_SECS:.0e} s; lower --customers or raise --lambda",
            p.customers, p.lambda
        ));
    }
    let rho = p.lambda * es / f64::from(p.servers);
    if rho.is_nan() || rho >= 1.0 {
        return bad(format!(
            "--lambda {} with --servers {} and --service {}: utilisation rho = {rho:.3} >= 1, the queue grows without bound; lower --lambda or add --servers",
            p.lambda, p.servers, p.service
        ));
    }
    let letter = match dist.shape() {
        Shape::Exp => "M",
        Shape::Const => "D",
        _ => "G",
    };
    Ok(Validated {
        lambda: p.lambda,
        servers: p.servers,
        service_text: p.service.clone(),
        customers: p.customers,
        seed: p.seed,
        rho,
        model: match p.fork {
            1 => format!("M/{letter}/{}", p.servers),
            k => format!("M/{letter}/{} fork-join K={k}", p.servers),
        },
        fork: p.fork,
        dist,
    })
}

/// Runs shorter than this many relaxation times are warned about.
const MIN_RELAXATIONS: f64 = 50.0;

/// How long the queue takes to forget its empty start, in seconds: the
/// relaxation time `1 / (mu (sqrt(c) - sqrt(lambda/mu))^2)` of the M/M/c
/// queue in heavy traffic (for c = 1 the classic `1 / (mu (1 - sqrt(rho))^2)`;
/// docs/references.md, Kleinrock 1975, Morse's relaxation time), and never
/// less than one mean service time (many servers fill in about that long).
/// For other service distributions it is an order of magnitude, which is
/// all the warning needs.
pub(crate) fn relaxation_secs(v: &Validated) -> f64 {
    let es = v.dist.mean_secs();
    let mu = 1.0 / es;
    let gap = f64::from(v.servers).sqrt() - (v.lambda * es).sqrt();
    (1.0 / (mu * gap * gap)).max(es)
}

/// A warning when the run is too short to reach steady state: its span is
/// under [`MIN_RELAXATIONS`] relaxation times, so even after the warm-up
/// tenth is left out the numbers are those of a transient.
fn transient_warning(v: &Validated) -> Option<String> {
    let tau = relaxation_secs(v);
    let span = v.customers as f64 / v.lambda;
    if span >= MIN_RELAXATIONS * tau {
        return None;
    }
    let need = (MIN_RELAXATIONS * tau * v.lambda).ceil();
    let advice = if need <= MAX_CUSTOMERS as f64 {
        format!("use --customers {need:.0} or more")
    } else {
        "no allowed --customers reaches it; lower rho".to_string()
    };
    Some(format!(
        "--customers {}: the run spans {span:.3e} s of simulated time, but at rho {:.6} the queue \
         needs about {tau:.3e} s (its relaxation time) to forget its empty start; the results \
         describe a transient, not the steady state the theory column is about; {advice}",
        v.customers, v.rho
    ))
}

/// Validates, simulates, prints the table to `out` and writes the CSV. With
/// `--csv -` the CSV alone goes to standard output, as with `run --csv -`.
pub fn run(params: &QueueParams, out: &mut dyn Write) -> Result<()> {
    let v = validate(params)?;
    if let Some(path) = &params.csv {
        output::check_writable("--csv", path)?;
    }
    let outcome = match v.fork {
        1 => simulate(&v)?,
        _ => fork::simulate_fork(&v, mean_theories(&v)[1])?,
    };
    if let Some(w) = transient_warning(&v) {
        eprintln!("fanout: warning: {w}");
    }
    let csv_on_stdout = params.csv.as_deref().is_some_and(output::is_stdout);
    if !csv_on_stdout {
        write_table(&v, &outcome, out)
            .and_then(|_| out.flush())
            .map_err(FanoutError::stdout)?;
    }
    if let Some(path) = &params.csv {
        output::write_atomic(path, |w| write_csv(&v, &outcome.rows, w))?;
    }
    Ok(())
}
