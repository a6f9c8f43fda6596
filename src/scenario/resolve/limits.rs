//! Cross-key bounds on simulated time: one request at its largest item
//! count, a whole fan-out job, a merge, and the work offered to a station
//! over the run. Single keys are bounded by their definitions
//! (`MAX_DELAY`, `MAX_SPAN`); these sums are what the model then forms,
//! and bounding them here is what keeps a validated scenario from
//! overflowing the u64 nanosecond clock.

use super::Reader;
use crate::error::Result;
use crate::model::config::Scenario;
use crate::scenario::budget::{WORK_BUDGET_NS, request_ns, station_work};
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
        let requests = [
            (
                "cluster.tweet_store.write",
                &c.tweet_store.write,
                1,
                "one tweet",
            ),
            (
                "cluster.tweet_store.read",
                &c.tweet_store.read,
                users,
                "population.users - 1 authors",
            ),
            (
                "cluster.timeline_cache.read",
                &c.timeline_cache.read,
                u64::from(c.timeline_cache.max_entries),
                "cluster.timeline_cache.max_entries",
            ),
            (
                "cluster.timeline_cache.write",
                &c.timeline_cache.write,
                u64::from(c.timeline_cache.write_chunk),
                "cluster.timeline_cache.write_chunk",
            ),
            (
                "cluster.fanout_workers.service",
                &c.fanout_workers.service,
                u64::from(c.fanout_workers.batch),
                "cluster.fanout_workers.batch",
            ),
        ];
        let max = u128::from(MAX_SPAN.as_nanos());
        for (base, cfg, items, what) in requests {
            let ns = request_ns(cfg, items);
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
        }
        let merge = u128::from(c.merge_per_item.as_nanos()) * u128::from(users);
        if merge > max {
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
