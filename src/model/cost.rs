//! What a configuration costs: machine-hours per tier and the timeline
//! cache's memory, priced by the `[cost]` section.
//!
//! A "machine" per tier, from the cluster keys:
//! - tweet store: one server of one shard, so `shards x servers` machines
//!   (a shard's servers are what serve it; adding one is adding capacity);
//! - timeline cache: `cluster.timeline_cache.machines` (by default
//!   `shards x replicas`), one single-threaded process each;
//! - fan-out workers: one worker is one machine.
//!
//! The cache's memory is what it is provisioned for (see
//! [`cache_memory_bytes`]): a machine is paid for whether or not it is full,
//! so the cost depends on the configuration and the strategy only, not on
//! what the run measured, and `fanout tune` can price a point before it
//! simulates it. The measured memory is the `cache_memory_bytes` column. A
//! strategy that keeps no timelines (fan-out-on-read,
//! [`StrategyKind::uses_cache`]) needs no timeline cache: neither its
//! machines nor its memory are priced.

use crate::model::config::Scenario;
use crate::model::strategy::StrategyKind;

/// Bytes in the GB of `memory_gb_hour` (decimal, as cloud prices count).
const GB: f64 = 1e9;

/// The prices of the `[cost]` section, per hour.
#[derive(Clone, Debug, PartialEq)]
pub struct CostConfig {
    /// Price of one store machine (one server of one shard) for an hour.
    pub store_machine_hour: f64,
    /// Price of one cache machine for an hour.
    pub cache_machine_hour: f64,
    /// Price of one fan-out worker for an hour.
    pub worker_machine_hour: f64,
    /// Price of one GB of cache memory for an hour.
    pub memory_gb_hour: f64,
}

impl Default for CostConfig {
    /// Unit prices, the keys' defaults: the cost then counts machines and
    /// gigabytes, so strategies and sizes can be compared without prices.
    fn default() -> Self {
        CostConfig {
            store_machine_hour: 1.0,
            cache_machine_hour: 1.0,
            worker_machine_hour: 1.0,
            memory_gb_hour: 1.0,
        }
    }
}

/// Machines of each tier and the cache memory: what is priced.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Usage {
    /// Store machines: shards x servers.
    pub store_machines: f64,
    /// Cache machines.
    pub cache_machines: f64,
    /// Fan-out worker machines.
    pub worker_machines: f64,
    /// Timeline-cache memory, bytes.
    pub cache_memory_bytes: f64,
}

/// Bytes the timeline cache is provisioned for, every timeline full
/// (`max_entries` x `bytes_per_entry`, Krikorian 2012: 20 bytes): every
/// user's timeline on each replica, or, when
/// `cluster.timeline_cache.capacity` bounds each machine, `capacity`
/// timelines per machine (never more than every user on every replica).
pub fn cache_memory_bytes(s: &Scenario) -> f64 {
    let c = &s.cluster.timeline_cache;
    let all = f64::from(s.population.users) * f64::from(c.replicas);
    let timelines = c
        .residency
        .capacity
        .map_or(all, |cap| all.min(f64::from(cap) * f64::from(c.machines)));
    timelines * f64::from(c.max_entries) * f64::from(c.residency.bytes_per_entry)
}

/// What the scenario's cluster uses under `kind`.
pub fn usage(s: &Scenario, kind: StrategyKind) -> Usage {
    let c = &s.cluster;
    let cache = kind.uses_cache();
    Usage {
        store_machines: f64::from(c.tweet_store.tier.shards)
            * f64::from(c.tweet_store.tier.servers),
        cache_machines: if cache {
            f64::from(c.timeline_cache.machines)
        } else {
            0.0
        },
        worker_machines: f64::from(c.fanout_workers.workers),
        cache_memory_bytes: if cache { cache_memory_bytes(s) } else { 0.0 },
    }
}

/// The cluster's price for one hour under the scenario's `[cost]` prices,
/// running strategy `kind`.
pub fn per_hour(s: &Scenario, kind: StrategyKind) -> f64 {
    let u = usage(s, kind);
    let p = &s.cost;
    u.store_machines * p.store_machine_hour
        + u.cache_machines * p.cache_machine_hour
        + u.worker_machines * p.worker_machine_hour
        + u.cache_memory_bytes / GB * p.memory_gb_hour
}

/// Cost of a million reads at `reads_per_sec`: the hour's cost over the
/// reads served in an hour, times a million; NaN when nothing was read.
pub fn per_million_reads(per_hour: f64, reads_per_sec: f64) -> f64 {
    if reads_per_sec > 0.0 {
        per_hour / (reads_per_sec * 3600.0) * 1e6
    } else {
        f64::NAN
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::sim::tests::small;

    #[test]
    fn each_tier_is_priced_by_its_machines_and_the_memory_by_its_gigabytes() {
        let mut s = small(1_000, 10.0, 100.0);
        s.cost = CostConfig {
            store_machine_hour: 2.0,
            cache_machine_hour: 3.0,
            worker_machine_hour: 5.0,
            memory_gb_hour: 7.0,
        };
        // 1000 users x 800 entries x 20 B x 3 replicas = 0.048 GB.
        assert_eq!(cache_memory_bytes(&s), 48_000_000.0);
        let write = StrategyKind::FanoutOnWrite;
        let expected = 64.0 * 2.0 + 24.0 * 3.0 + 8.0 * 5.0 + 0.048 * 7.0;
        let cost = per_hour(&s, write);
        assert!((cost - expected).abs() < 1e-9, "{cost}");
        // Fan-out-on-read keeps no timelines: no cache machines, no memory.
        let read = per_hour(&s, StrategyKind::FanoutOnRead);
        assert!((read - (64.0 * 2.0 + 8.0 * 5.0)).abs() < 1e-9, "{read}");
        // Doubling the workers adds exactly their price.
        s.cluster.fanout_workers.workers = 16;
        assert!((per_hour(&s, write) - expected - 40.0).abs() < 1e-9);
    }

    #[test]
    fn a_capacity_bounds_the_provisioned_memory() {
        let mut s = small(1_000, 10.0, 100.0);
        let machines = f64::from(s.cluster.timeline_cache.machines);
        // 100 timelines per machine, each 800 entries of 16 bytes.
        s.cluster.timeline_cache.residency.capacity = Some(100);
        s.cluster.timeline_cache.residency.bytes_per_entry = 16;
        assert_eq!(cache_memory_bytes(&s), machines * 100.0 * 800.0 * 16.0);
        // A capacity above every timeline on every replica changes nothing.
        s.cluster.timeline_cache.residency.capacity = Some(1_000_000);
        assert_eq!(cache_memory_bytes(&s), 1_000.0 * 3.0 * 800.0 * 16.0);
    }

    #[test]
    fn a_million_reads_cost_the_hour_over_the_hour_s_reads() {
        assert!((per_million_reads(36.0, 10.0) - 1000.0).abs() < 1e-9);
        assert!(per_million_reads(36.0, 0.0).is_nan());
    }
}
