//! What a scenario costs before it runs: how many events the simulator will
//! process (so an hour-long run of a million-fold burst is flagged before
//! it starts, not after), and the largest simulated times it can form (so a
//! validated scenario can never overflow the u64 nanosecond clock).
//!
//! The estimates are expectations from the scenario's parameters alone (the
//! graph is not built): posts and reads are rate x effective seconds, where
//! bursts multiply the rate over their window (overlapping bursts multiply
//! each other, as in the model); a diurnal profile averages to its mean.
//! Event counts were calibrated on the defaults at 100k users and 6 s
//! (`fanout run` with `users = 100000`, `duration = "5s"`, `warmup = "1s"`):
//! the estimate is 1.86M events for fan-out on read against 1.83M
//! simulated, and 3.2M for fan-out on write against 2.14M: about one event
//! per read, and on the high side (by about 1.5x) for the inserts of a post,
//! which is the safe side for a warning.

use super::keys::MAX_DELAY;
use crate::model::config::{
    FaultKind, FaultTarget, Scenario, ScheduledEvent, ServiceConfig, StrategyKind,
};
use crate::model::graph;

/// Events above which a run is flagged as too long: 1e9, about a quarter of
/// an hour at the simulator's million events per wall second (fan-out on
/// read is slower per event, so its bound is reached sooner in wall time).
pub const MAX_EVENTS: f64 = 1e9;

/// Simulator throughput assumed for the wall-time estimate, events per
/// wall second (fan-out on write on one core; see docs/scenario.md).
pub const EVENTS_PER_WALL_SECOND: f64 = 1e6;

/// Queued service time one station may be offered over a run, in ns: 2^62
/// (146 years). A station's backlog, hence any departure time, is at most
/// the work offered to it; the bound leaves a factor of four to the 584
/// years of the clock for estimate error, random draws and the run itself.
pub const WORK_BUDGET_NS: f64 = 4.611_686_018_427_388e18;

/// The expected work of one strategy over the whole run (warm-up included).
#[derive(Clone, Debug, PartialEq)]
pub struct EventEstimate {
    /// The strategy.
    pub strategy: StrategyKind,
    /// Posts (tweets), bursts included.
    pub posts: f64,
    /// Home-timeline reads, bursts included.
    pub reads: f64,
    /// Fan-out batches (worker jobs' inserts) under push.
    pub fanout_batches: f64,
    /// Simulator events: requests arriving and being answered.
    pub events: f64,
}

impl EventEstimate {
    /// Expected wall time in seconds at [`EVENTS_PER_WALL_SECOND`].
    pub fn wall_seconds(&self) -> f64 {
        self.events / EVENTS_PER_WALL_SECOND
    }
}

/// For windows `(from, to, factor)` in seconds over a run of `end`
/// seconds, where factors of overlapping windows multiply: the largest
/// product at one instant, and the product integrated over `[0, end]`.
fn overlap(end: f64, windows: &[(f64, f64, f64)]) -> (f64, f64) {
    let mut cuts: Vec<f64> = vec![0.0, end];
    for (a, b, _) in windows {
        cuts.push(a.min(end));
        cuts.push(b.min(end));
    }
    cuts.sort_by(f64::total_cmp);
    cuts.dedup();
    let (mut peak, mut total) = (1.0f64, 0.0);
    for w in cuts.windows(2) {
        let mid = (w[0] + w[1]) / 2.0;
        let factor: f64 = windows
            .iter()
            .filter(|(a, b, _)| *a <= mid && mid < *b)
            .map(|(_, _, f)| f)
            .product();
        peak = peak.max(factor);
        total += (w[1] - w[0]) * factor;
    }
    (peak, total)
}

/// Seconds of the run weighted by the rate multiplier of bursts: the run's
/// length when there are none. Overlapping bursts multiply.
pub fn effective_seconds(s: &Scenario) -> f64 {
    let end = s.warmup.saturating_add(s.duration).as_secs_f64();
    let bursts: Vec<(f64, f64, f64)> = s
        .workload
        .events
        .iter()
        .filter_map(|e| match e {
            ScheduledEvent::Burst {
                at,
                duration,
                factor,
            } => Some((
                at.as_secs_f64(),
                at.as_secs_f64() + duration.as_secs_f64(),
                *factor,
            )),
            ScheduledEvent::Tweet { .. } => None,
        })
        .collect();
    overlap(end, &bursts).1
}

/// How slow faults stretch the service times of a tier, as a slowed
/// request sees them (`service x factor + delay`, overlapping faults
/// compounding): the worst instant's factor and the sum of the delays, for
/// bounds on one request; and the run's average factor and added time per
/// request (each weighted by its window and probability), for the work
/// offered over the run.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Slowdown {
    /// Largest product of the factors of faults active at one instant.
    pub peak_factor: f64,
    /// Sum of the delays of every slow fault on the tier, in ns.
    pub delay_ns: f64,
    /// Average factor over the run.
    pub mean_factor: f64,
    /// Average time added to a request over the run, in ns.
    pub mean_delay_ns: f64,
}

impl Slowdown {
    /// No slow fault.
    pub(crate) const NONE: Slowdown = Slowdown {
        peak_factor: 1.0,
        delay_ns: 0.0,
        mean_factor: 1.0,
        mean_delay_ns: 0.0,
    };
}

/// The [`Slowdown`] of the tier `target` under the scenario's slow faults.
pub(crate) fn slowdown(s: &Scenario, target: FaultTarget) -> Slowdown {
    let end = s.warmup.saturating_add(s.duration).as_secs_f64().max(1e-9);
    let (mut peak_w, mut mean_w) = (Vec::new(), Vec::new());
    let mut out = Slowdown::NONE;
    for f in &s.faults {
        if let FaultKind::Slow {
            target: t,
            factor,
            delay,
            probability,
            ..
        } = f.kind
            && t == target
        {
            let a = f.at.as_secs_f64();
            let b = a + f.duration.as_secs_f64();
            peak_w.push((a, b, factor));
            mean_w.push((a, b, 1.0 + (factor - 1.0) * probability));
            let d = delay.as_nanos() as f64;
            out.delay_ns += d;
            out.mean_delay_ns += d * probability * (b.min(end) - a.min(end)) / end;
        }
    }
    out.peak_factor = overlap(end, &peak_w).0;
    out.mean_factor = overlap(end, &mean_w).1 / end;
    out
}

/// Mean followers of a tweet's author: the mean fan-out of a post.
fn mean_fanout(s: &Scenario) -> f64 {
    let p = &s.population;
    let f = graph::activity_weighted_mean(
        p.followers.exponent,
        p.followers.max,
        p.users,
        p.author_activity_exponent,
    );
    if f.is_finite() {
        f.max(0.0)
    } else {
        f64::from(p.followers.max)
    }
}

/// The expected work of each strategy of the scenario, in report order.
pub fn estimate_events(s: &Scenario) -> Vec<EventEstimate> {
    let secs = effective_seconds(s);
    let posts = s.workload.tweets_per_sec * secs;
    let reads = s.workload.reads_per_sec * secs;
    let fanout = mean_fanout(s);
    let c = &s.cluster;
    let batches = (fanout / f64::from(c.fanout_workers.batch)).ceil();
    // Each batch inserts into at most every cache station once.
    let stations = f64::from(c.timeline_cache.tier.shards) * f64::from(c.timeline_cache.replicas);
    let inserts = (fanout * f64::from(c.timeline_cache.replicas)).min(stations * batches.max(1.0));
    let per_read = if c.tails.hydration_page > 0 { 2.0 } else { 1.0 };
    s.strategies
        .iter()
        .map(|&strategy| {
            let push = strategy != StrategyKind::FanoutOnRead;
            let per_post = if push { 2.0 + batches + inserts } else { 2.0 };
            let fanout_batches = if push { posts * batches } else { 0.0 };
            EventEstimate {
                strategy,
                posts,
                reads,
                fanout_batches,
                // Hydration gives every read a second event.
                events: posts * per_post + reads * per_read,
            }
        })
        .collect()
}

/// A warning when a strategy's estimated events exceed [`MAX_EVENTS`].
pub fn long_run_warning(s: &Scenario) -> Option<String> {
    let worst = estimate_events(s)
        .into_iter()
        .max_by(|a, b| a.events.total_cmp(&b.events))?;
    (worst.events > MAX_EVENTS).then(|| {
        format!(
            "the run would take about {:.1e} events under {} ({:.1e} posts, {:.1e} reads, bursts \
             included), about {} of wall time at {:.0e} events/s; more than {:.0e} events: shorten \
             duration, lower the rates or the burst factors",
            worst.events,
            worst.strategy.name(),
            worst.posts,
            worst.reads,
            wall(worst.wall_seconds()),
            EVENTS_PER_WALL_SECOND,
            MAX_EVENTS,
        )
    })
}

/// Seconds as `12 min`, `3.5 h`, `40 days`, `2e9 years`.
fn wall(secs: f64) -> String {
    if secs < 3600.0 {
        format!("{:.0} min", (secs / 60.0).ceil())
    } else if secs < 86400.0 * 3.0 {
        format!("{:.1} h", secs / 3600.0)
    } else if secs < 86400.0 * 365.0 {
        format!("{:.0} days", secs / 86400.0)
    } else {
        format!("{:.1e} years", secs / (86400.0 * 365.0))
    }
}

/// Mean service time of a request of `items` items, in ns (exact, no
/// overflow).
pub(crate) fn request_ns(cfg: &ServiceConfig, items: u64) -> u128 {
    u128::from(cfg.per_request.as_nanos()) + u128::from(cfg.per_item.as_nanos()) * u128::from(items)
}

/// The service time offered to the busiest station of each tier over the
/// run, in ns per server, with the tier's service key base; the resolver
/// refuses a scenario where one exceeds [`WORK_BUDGET_NS`]. Conservative:
/// a tier's whole work is put on one station (a hot shard), split only over
/// that station's servers.
pub(crate) fn station_work(s: &Scenario) -> Vec<(&'static str, f64)> {
    let secs = effective_seconds(s);
    let posts = s.workload.tweets_per_sec * secs;
    let reads = s.workload.reads_per_sec * secs;
    let fanout = mean_fanout(s);
    let p = &s.population;
    let followees = graph::zipf_mean(p.followers.exponent, p.followers.max, p.users);
    let followees = if followees.is_finite() {
        followees
    } else {
        f64::from(p.followers.max)
    };
    let c = &s.cluster;
    let (store, cache) = (
        slowdown(s, FaultTarget::Store),
        slowdown(s, FaultTarget::Cache),
    );
    let ns = |cfg: &ServiceConfig, items: f64| {
        cfg.per_request.as_nanos() as f64 + cfg.per_item.as_nanos() as f64 * items
    };
    // A slowed request's service is stretched by the factor and lengthened by the delay.
    let slowed = |work: f64, requests: f64, sd: &Slowdown| {
        work * sd.mean_factor + requests * sd.mean_delay_ns
    };
    let store_servers = f64::from(c.tweet_store.tier.servers);
    let cache_servers = f64::from(c.timeline_cache.tier.servers);
    let batches = (fanout / f64::from(c.fanout_workers.batch)).ceil().max(1.0);
    let store_shards = f64::from(c.tweet_store.tier.shards);
    let store_reads = reads * store_shards.min(followees);
    let store_read = store_reads * ns(&c.tweet_store.read, 0.0)
        + reads * followees * c.tweet_store.read.per_item.as_nanos() as f64;
    let entries = f64::from(c.timeline_cache.max_entries);
    let inserts = posts * f64::from(c.timeline_cache.replicas) * batches;
    let insert_items = posts
        * f64::from(c.timeline_cache.replicas)
        * fanout
        * c.timeline_cache.write.per_item.as_nanos() as f64;
    vec![
        (
            "cluster.tweet_store.write",
            slowed(posts * ns(&c.tweet_store.write, 1.0), posts, &store) / store_servers,
        ),
        (
            "cluster.tweet_store.read",
            slowed(store_read, store_reads, &store) / store_servers,
        ),
        (
            "cluster.timeline_cache.read",
            slowed(reads * ns(&c.timeline_cache.read, entries), reads, &cache) / cache_servers,
        ),
        (
            "cluster.timeline_cache.write",
            slowed(
                inserts * ns(&c.timeline_cache.write, 0.0) + insert_items,
                inserts,
                &cache,
            ) / cache_servers,
        ),
        (
            "cluster.fanout_workers.service",
            posts
                * (batches * ns(&c.fanout_workers.service, 0.0)
                    + fanout * c.fanout_workers.service.per_item.as_nanos() as f64)
                / f64::from(c.fanout_workers.workers),
        ),
    ]
}

/// The largest simulated time, in ns, that the deterministic parts of a
/// scenario can add up to: the end of the run, plus a fault or burst that
/// starts at its end, plus the slowest request at its largest item count
/// with every hop, merge, retry, backoff and timeout at their maxima. The
/// resolver's bounds keep it below 2^64 with a wide margin; a test checks
/// it on random scenarios.
pub fn worst_case_ns(s: &Scenario) -> u128 {
    let end = u128::from(s.warmup.as_nanos()) + u128::from(s.duration.as_nanos());
    let spans = s
        .faults
        .iter()
        .map(|f| u128::from(f.duration.as_nanos()))
        .chain(s.workload.events.iter().map(|e| match e {
            ScheduledEvent::Burst { duration, .. } => u128::from(duration.as_nanos()),
            ScheduledEvent::Tweet { .. } => 0,
        }))
        .max()
        .unwrap_or(0);
    let c = &s.cluster;
    let users = u64::from(s.population.users.saturating_sub(1));
    let (store, cache) = (
        slowdown(s, FaultTarget::Store),
        slowdown(s, FaultTarget::Cache),
    );
    // A request stretched by every slow fault of its tier at once.
    let slowed = |ns: u128, sd: &Slowdown| (ns as f64 * sd.peak_factor + sd.delay_ns) as u128;
    let store_request =
        request_ns(&c.tweet_store.write, 1).max(request_ns(&c.tweet_store.read, users));
    let cache_request = request_ns(
        &c.timeline_cache.read,
        u64::from(c.timeline_cache.max_entries),
    )
    .max(request_ns(
        &c.timeline_cache.write,
        u64::from(c.timeline_cache.write_chunk),
    ));
    let request = [
        slowed(store_request, &store),
        slowed(cache_request, &cache),
        request_ns(&c.fanout_workers.service, u64::from(c.fanout_workers.batch)),
        u128::from(c.merge_per_item.as_nanos()) * u128::from(users),
    ]
    .into_iter()
    .max()
    .unwrap_or(0);
    let delay = u128::from(MAX_DELAY.as_nanos());
    let hop = u128::from(c.network.one_way.as_nanos()) + delay;
    let policy = |p: &crate::model::config::ClientPolicy| {
        let attempt = p.timeout.map_or(delay, |t| u128::from(t.as_nanos()));
        (attempt + u128::from(p.backoff_max.as_nanos())) * (u128::from(p.retries) + 1)
    };
    let retries = policy(&s.policy.store) + policy(&s.policy.cache);
    end + spans
        + 4 * (request + 2 * hop)
        + retries
        + u128::from(c.fanout_workers.retry_after.as_nanos())
}
