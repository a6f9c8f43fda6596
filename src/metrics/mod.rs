//! What a simulation measures: counters, HDR latency histograms and per-tier
//! queueing statistics, over the measured window (after warm-up).
//!
//! Latencies are recorded in nanoseconds with 3 significant digits (Gil
//! Tene's HdrHistogram), so p99.9 of a run is exact to 0.1% however long the
//! tail; percentiles are never averaged across runs, only histograms merged.

use crate::model::config::StrategyKind;
use crate::sim::station::StationStats;
use crate::sim::time::SimDuration;
use hdrhistogram::Histogram;

pub mod series;

pub use series::{SeriesRow, TimeSeries};

/// The range a latency histogram starts with: 24 simulated hours. Longer
/// latencies (a 13 h one-way delay, a queue drained hours after the run)
/// grow the histogram instead of being clamped, so every percentile printed
/// is a value that was measured; the range check is the one HdrHistogram
/// makes on every record anyway, so values in range cost nothing more.
pub const MAX_LATENCY_NS: u64 = 24 * 3600 * 1_000_000_000;

/// A latency distribution in nanoseconds.
#[derive(Clone, Debug)]
pub struct Latency {
    hist: Histogram<u64>,
    /// Values the histogram could not hold even after growing (beyond
    /// about 2^62 ns, 146 years), left out of it; never expected.
    pub clamped: u64,
    /// Sum of every value recorded (clamped ones included), ns: the exact
    /// mean, which the histogram's buckets only approximate.
    sum_ns: u128,
}

impl Default for Latency {
    fn default() -> Self {
        let mut hist = Histogram::new_with_bounds(1, MAX_LATENCY_NS, 3)
            .expect("static histogram bounds are valid");
        hist.auto(true);
        Latency {
            hist,
            clamped: 0,
            sum_ns: 0,
        }
    }
}

impl Latency {
    /// Records one latency (at least 1 ns).
    #[inline]
    pub fn record(&mut self, d: SimDuration) {
        let v = d.as_nanos().max(1);
        self.sum_ns += u128::from(v);
        if self.hist.record(v).is_err() {
            self.clamped += 1;
        }
    }
    /// Number of values recorded.
    pub fn count(&self) -> u64 {
        self.hist.len()
    }
    /// The q-quantile (0..=1) in milliseconds; NaN when empty.
    pub fn quantile_ms(&self, q: f64) -> f64 {
        if self.hist.is_empty() {
            return f64::NAN;
        }
        self.hist.value_at_quantile(q) as f64 * 1e-6
    }
    /// The largest value in milliseconds; NaN when empty.
    pub fn max_ms(&self) -> f64 {
        if self.hist.is_empty() {
            return f64::NAN;
        }
        self.hist.max() as f64 * 1e-6
    }
    /// The mean in milliseconds; NaN when empty.
    pub fn mean_ms(&self) -> f64 {
        if self.hist.is_empty() {
            return f64::NAN;
        }
        self.hist.mean() * 1e-6
    }
    /// The exact mean in milliseconds, from the sum of the values (not
    /// from the histogram's buckets, which round each value up to 0.1%);
    /// NaN when empty.
    pub fn exact_mean_ms(&self) -> f64 {
        let n = self.count() + self.clamped;
        if n == 0 {
            return f64::NAN;
        }
        self.sum_ns as f64 / n as f64 * 1e-6
    }
    /// Fraction (0..1) of the values above `d`; NaN when empty. Used to
    /// check "63% of reads are slow" (Dean and Barroso) against a run.
    pub fn fraction_above(&self, d: SimDuration) -> f64 {
        if self.hist.is_empty() {
            return f64::NAN;
        }
        let at_most = self.hist.count_between(0, d.as_nanos());
        1.0 - at_most as f64 / self.hist.len() as f64
    }
    /// The underlying histogram (for exporters).
    pub fn histogram(&self) -> &Histogram<u64> {
        &self.hist
    }
    /// Forgets every value (to reuse the allocation for the next interval).
    pub fn reset(&mut self) {
        self.hist.reset();
        self.clamped = 0;
        self.sum_ns = 0;
    }
    /// Adds another distribution's values (growing to hold them).
    pub fn merge(&mut self, other: &Latency) {
        if self.hist.add(&other.hist).is_err() {
            self.clamped += other.count();
        }
        self.clamped += other.clamped;
        self.sum_ns += other.sum_ns;
    }
}

/// What faults did to reads and what the client policies did about them.
/// Reads are counted by how they ended: answered in full,
/// degraded (answered with a part missing, such as a pull that timed out
/// under hybrid) or failed (no answer).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Resilience {
    /// Reads answered in full.
    pub full_reads: u64,
    /// Reads that got no answer: their timeline, or every part, failed.
    pub failed_reads: u64,
    /// Reads answered with some part missing.
    pub degraded_reads: u64,
    /// Attempts the client gave up on after its timeout.
    pub timeouts: u64,
    /// Requests sent again: retries after a backoff and failovers to
    /// another replica.
    pub retries: u64,
    /// Second copies sent by hedging.
    pub hedges: u64,
    /// Timeline entries written a second time by a retried fan-out job.
    pub duplicates: u64,
    /// Timelines rebuilt from the tweet store after a cache lost them.
    pub rebuilds: u64,
}

/// The timeline cache's memory and hit rate: memory is the third axis of
/// the push/pull trade-off (a pushed timeline must be held to be written).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CacheUse {
    /// Timelines held at the end of the run (all users' with residency off;
    /// none under a strategy that keeps no timelines).
    pub timelines: u64,
    /// Bytes they take, every replica counted, each timeline taken as full
    /// (`max_entries` x `bytes_per_entry` x `replicas`).
    pub memory_bytes: u64,
    /// Reads in the window that looked up their timeline in the cache.
    pub lookups: u64,
    /// Of those, reads that found it missing and rebuilt it from the store.
    pub misses: u64,
    /// Pushes of the window skipped because the follower's timeline was not
    /// held (Redis RPUSHX on a missing key), per follower, not per replica.
    pub skipped_deliveries: u64,
    /// Residency was on: some timelines may not have been held (the table
    /// then shows the cache rows).
    pub partial: bool,
}

impl CacheUse {
    /// Reads served from a held timeline over reads that looked one up; NaN
    /// (printed empty, JSON null) when no read looked one up, as under
    /// fan-out-on-read.
    pub fn hit_rate(&self) -> f64 {
        if self.lookups == 0 {
            return f64::NAN;
        }
        1.0 - self.misses.min(self.lookups) as f64 / self.lookups as f64
    }
}

impl Resilience {
    /// Reads answered in full over reads settled; NaN when none.
    pub fn availability(&self) -> f64 {
        let settled = self.full_reads + self.failed_reads + self.degraded_reads;
        if settled == 0 {
            return f64::NAN;
        }
        self.full_reads as f64 / settled as f64
    }

    /// Adds another run's (or interval's) counts.
    pub fn merge(&mut self, o: &Resilience) {
        self.full_reads += o.full_reads;
        self.failed_reads += o.failed_reads;
        self.degraded_reads += o.degraded_reads;
        self.timeouts += o.timeouts;
        self.retries += o.retries;
        self.hedges += o.hedges;
        self.duplicates += o.duplicates;
        self.rebuilds += o.rebuilds;
    }
}

/// One tier of the cluster, all its shards (and replicas) merged.
#[derive(Clone, Debug)]
pub struct TierReport {
    /// Tier name: `store`, `cache` or `workers`.
    pub name: &'static str,
    /// Number of stations (shards x replicas).
    pub stations: u32,
    /// All stations' statistics summed.
    pub total: StationStats,
    /// Highest utilisation of any single station (the hot shard).
    pub max_station_utilisation: f64,
    /// Highest offered load of any single station (demand over capacity);
    /// 1 or more means that station's queue grows without bound.
    pub max_station_offered_load: f64,
}

impl TierReport {
    /// Requests (jobs, for the workers) arriving at the tier's stations in
    /// the measurement window, served or dropped, per second of window; 0
    /// for an empty window.
    pub fn arrivals_per_sec(&self) -> f64 {
        match self.total.window_ns {
            0 => 0.0,
            w => self.total.arrivals as f64 / (w as f64 * 1e-9),
        }
    }
    /// Mean utilisation of the tier's servers over the window.
    pub fn utilisation(&self) -> f64 {
        self.total.utilisation()
    }
}

/// Everything one (scenario, strategy, seed) run measured.
#[derive(Clone, Debug)]
pub struct Report {
    /// Scenario name.
    pub scenario: String,
    /// Strategy simulated.
    pub strategy: StrategyKind,
    /// The seed every stream was derived from.
    pub seed: u64,
    /// Length of the measured window in simulated seconds.
    pub sim_seconds: f64,
    /// Users in the graph.
    pub users: u32,
    /// Posts issued in the window.
    pub posts: u64,
    /// Home-timeline reads issued in the window.
    pub reads: u64,
    /// Sum of the authors' follower counts over the posts in the window.
    pub fanout_sum: u64,
    /// Home-timeline entries inserted for posts in the window, every replica.
    pub timeline_writes: u64,
    /// Fetches of one author's recent tweets from the store, for reads in the window.
    pub store_reads: u64,
    /// Read response times (request sent to merged answer received).
    pub read_latency: Latency,
    /// Post response times (request sent to acknowledgement).
    pub post_latency: Latency,
    /// Per tweet: post request until in every pushed follower's timeline.
    pub delivery_latency: Latency,
    /// Reads refused by a full queue somewhere.
    pub dropped_reads: u64,
    /// Posts refused by a full store queue.
    pub dropped_posts: u64,
    /// Fan-out jobs refused by a full worker queue (their deliveries are lost).
    pub dropped_fanouts: u64,
    /// Timeline inserts refused by a full cache queue.
    pub dropped_timeline_writes: u64,
    /// Most follower timelines waiting to be written at once.
    pub peak_fanout_backlog: u64,
    /// Posts of the window still not delivered when the run stopped
    /// draining (a crash outlasting the run): not in `delivery_latency`,
    /// whose percentiles cover completed deliveries only.
    pub pending_deliveries: u64,
    /// Read outcomes and the work of client policies, for reads (and
    /// fan-out jobs) issued in the window.
    pub resilience: Resilience,
    /// What the timeline cache holds and how often a read found its timeline.
    pub cache: CacheUse,
    /// Whether the scenario configured any fault or client policy (the
    /// table then shows the resilience rows).
    pub resilience_configured: bool,
    /// Tweet store, timeline cache and fan-out workers.
    pub tiers: Vec<TierReport>,
    /// The run was interrupted before its end (Ctrl-C); its numbers cover
    /// only part of the window and it is left out of the outputs.
    pub partial: bool,
    /// Interval rows, when a time series was asked for.
    pub series: Vec<SeriesRow>,
    /// Events the engine processed (the simulator's own work).
    pub events: u64,
    /// Wall-clock seconds the simulation took (not a pure function of the input).
    pub wall_seconds: f64,
    /// What the configured cluster costs per hour at the `[cost]` prices
    /// (`model::cost::per_hour`): a property of the configuration, so the
    /// summary can weigh latency against money.
    pub cost_per_hour: f64,
}

impl Report {
    /// Posts per simulated second.
    pub fn tweets_per_sec(&self) -> f64 {
        self.posts as f64 / self.sim_seconds
    }
    /// Bytes of timeline cache the run needed at its end: what a cost model
    /// prices per GB-hour.
    pub fn cache_memory_bytes(&self) -> u64 {
        self.cache.memory_bytes
    }

    /// Reads per simulated second.
    pub fn reads_per_sec(&self) -> f64 {
        self.reads as f64 / self.sim_seconds
    }
    /// Mean follower count of the authors of the measured posts.
    pub fn mean_fanout_per_tweet(&self) -> f64 {
        if self.posts == 0 {
            return 0.0;
        }
        self.fanout_sum as f64 / self.posts as f64
    }
    /// Timeline entries inserted per simulated second.
    pub fn timeline_writes_per_sec(&self) -> f64 {
        self.timeline_writes as f64 / self.sim_seconds
    }
    /// Store fetches per simulated second.
    pub fn store_reads_per_sec(&self) -> f64 {
        self.store_reads as f64 / self.sim_seconds
    }
    /// The tier with this name, if simulated.
    pub fn tier(&self, name: &str) -> Option<&TierReport> {
        self.tiers.iter().find(|t| t.name == name)
    }
    /// The tier whose busiest station is the most overloaded, if any station
    /// was offered more work than it can do (the result is then unstable:
    /// queues grow for as long as the run lasts).
    pub fn unstable_tier(&self) -> Option<&TierReport> {
        self.tiers
            .iter()
            .filter(|t| t.max_station_offered_load >= 1.0)
            .max_by(|a, b| {
                a.max_station_offered_load
                    .total_cmp(&b.max_station_offered_load)
            })
    }
    /// Highest offered load of any station of any tier.
    pub fn max_offered_load(&self) -> f64 {
        self.tiers
            .iter()
            .map(|t| t.max_station_offered_load)
            .filter(|x| x.is_finite())
            .fold(0.0, f64::max)
    }
    /// Events per wall second.
    pub fn events_per_wall_second(&self) -> f64 {
        if self.wall_seconds > 0.0 {
            self.events as f64 / self.wall_seconds
        } else {
            0.0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_mean_is_the_sum_over_the_count_and_survives_merge_and_reset() {
        let mut a = Latency::default();
        assert!(a.exact_mean_ms().is_nan());
        // 1.0001 ms and 2.0003 ms: the histogram's buckets (3 significant
        // digits) cannot hold these exactly; the sum can.
        a.record(SimDuration::from_nanos(1_000_100));
        a.record(SimDuration::from_nanos(2_000_300));
        assert!((a.exact_mean_ms() - 1.5002).abs() < 1e-12);
        let mut b = Latency::default();
        b.record(SimDuration::from_nanos(3_000_000));
        a.merge(&b);
        assert!((a.exact_mean_ms() - 6.0004 / 3.0).abs() < 1e-12);
        a.reset();
        assert!(a.exact_mean_ms().is_nan());
    }

    #[test]
    fn latencies_beyond_a_day_are_measured_not_clamped() {
        let mut l = Latency::default();
        let h = |n: u64| SimDuration::from_secs(n * 3600);
        l.record(h(26));
        l.record(h(30));
        assert_eq!(l.clamped, 0);
        let p50 = l.quantile_ms(0.5);
        assert!((p50 / 3_600_000.0 - 26.0).abs() < 0.05, "{p50}");
        assert!((l.max_ms() / 3_600_000.0 - 30.0).abs() < 0.05);
        // A histogram that never grew takes the values of one that did.
        let mut m = Latency::default();
        m.record(SimDuration::from_millis(1));
        m.merge(&l);
        assert_eq!((m.count(), m.clamped), (3, 0));
        assert!((m.max_ms() / 3_600_000.0 - 30.0).abs() < 0.05);
    }
}
