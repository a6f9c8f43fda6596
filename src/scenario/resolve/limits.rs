//! Cross-key bounds on simulated time: one request at its largest item
//! count, a whole fan-out job, a merge, and the work offered to a station
//! over the run. Single keys are bounded by their definitions
//! (`MAX_DELAY`, `MAX_SPAN`); these sums are what the model then forms,
//! and bounding them here is what keeps a validated scenario from
//! overflowing the u64 nanosecond clock.

use super::Reader;
use crate::error::Result;
use crate::model::config::{FaultTarget, Scenario};
use crate::scenario::budget::{Slowdown, WORK_BUDGET_NS, request_ns, slowdown, station_work};
use crate::scenario::keys::MAX_SPAN;
use crate::sim::time::SimDuration;

/// `ns` as a duration for messages, saturating.
fn shown(ns: u128) -> SimDuration {
    SimDuration::from_nanos(u64::try_from(ns).unwrap_or(u64::MAX))
}

impl Reader<'_> {
    /// Refuses a scenario whose requests, jobs or station backlogs could
    /// outgrow simulated time.
    pub(super) fn time_limits(&self, s: &Scenario) -> Result<()> {
        let c = &s.cluster;
        let users = u64::from(s.population.users.saturating_sub(1));
        let (store, cache) = (
            slowdown(s, FaultTarget::Store),
            slowdown(s, FaultTarget::Cache),
        );
        let none = Slowdown::NONE;
        let requests = [
            (
                "cluster.tweet_store.write",
                &c.tweet_store.write,
                1,
                "one tweet",
                store,
            ),
            (
                "cluster.tweet_store.read",
                &c.tweet_store.read,
                users,
                "population.users - 1 authors",
                store,
            ),
            (
                "cluster.timeline_cache.read",
                &c.timeline_cache.read,
                u64::from(c.timeline_cache.max_entries),
                "cluster.timeline_cache.max_entries",
                cache,
            ),
            (
                "cluster.timeline_cache.write",
                &c.timeline_cache.write,
                u64::from(c.timeline_cache.write_chunk),
                "cluster.timeline_cache.write_chunk",
                cache,
            ),
            (
                "cluster.fanout_workers.service",
                &c.fanout_workers.service,
                u64::from(c.fanout_workers.batch),
                "cluster.fanout_workers.batch",
                none,
            ),
        ];
        for (base, cfg, items, what, slow) in requests {
            self.request_limit(base, request_ns(cfg, items), items, what, slow)?;
        }
        let merge = u128::from(c.merge_per_item.as_nanos()) * u128::from(users);
        if merge > u128::from(MAX_SPAN.as_nanos()) {
            let path = "cluster.client.merge_per_item";
            let v = self.required(path)?;
            return Err(self.bad(
                path,
                &v,
                format!(
                    "merging the tweets of population.users - 1 = {users} authors takes {}; must be at most 8760h",
                    shown(merge)
                ),
            ));
        }
        self.work_limit(s)
    }

    /// Refuses one request of the service at `base` whose mean at its
    /// largest item count, `ns`, exceeds [`MAX_SPAN`], alone or stretched by
    /// the slow faults of its tier.
    fn request_limit(
        &self,
        base: &str,
        ns: u128,
        items: u64,
        what: &str,
        slow: Slowdown,
    ) -> Result<()> {
        let max = u128::from(MAX_SPAN.as_nanos());
        if ns > max {
            let path = format!("{base}.per_item");
            let v = self.required(&path)?;
            return Err(self.bad(
                &path,
                &v,
                format!(
                    "per_request + per_item x {what} ({items}) = {}; one request must take at most 8760h",
                    shown(ns)
                ),
            ));
        }
        // Slow faults stretch it: every overlapping factor, every delay.
        let slowed = ns as f64 * slow.peak_factor + slow.delay_ns;
        if slowed > max as f64 {
            let path = format!("{base}.per_request");
            let v = self.required(&path)?;
            return Err(self.bad(
                &path,
                &v,
                format!(
                    "slow faults on its tier stretch one request at its largest ({what} = {items}) \
                     by x{} and +{} to {}; one request must take at most 8760h: lower the fault \
                     factors or delays, or the service time",
                    slow.peak_factor,
                    shown(slow.delay_ns as u128),
                    shown(slowed as u128)
                ),
            ));
        }
        Ok(())
    }

    /// Refuses a scenario that offers one station more service time over
    /// the run than [`WORK_BUDGET_NS`]: its queue would outgrow the clock.
    fn work_limit(&self, s: &Scenario) -> Result<()> {
        for (base, work) in station_work(s) {
            if work.is_finite() && work <= WORK_BUDGET_NS {
                continue;
            }
            let path = format!("{base}.per_request");
            let v = self.required(&path)?;
            let years = work / 1e9 / (365.0 * 86400.0);
            return Err(self.bad(
                &path,
                &v,
                format!(
                    "with the rates, bursts and run length given, one {base} server would be offered \
                     about {years:.1e} years of service time, more than the 146 years the simulated \
                     clock can queue; lower the service time, the rates or the run length, or add servers"
                ),
            ));
        }
        Ok(())
    }
}
