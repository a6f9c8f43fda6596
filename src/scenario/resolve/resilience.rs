//! The resilience keys: `[[faults]]`, and the client policies
//! `[policy.store]` and `[policy.cache]`.

use super::Reader;
use crate::error::Result;
use crate::model::config::{
    Breaker, ClientPolicy, ClusterConfig, Fault, FaultKind, FaultTarget, Hedge, Policies,
};
use crate::scenario::keys;
use crate::sim::time::SimDuration;

use crate::scenario::keys::FAULT_KINDS as KINDS;
/// The keys of a fault besides `kind`, `at` and `duration`, with the kinds
/// that take them; any other kind refuses them.
const KIND_KEYS: [(&str, &[&str]); 8] = [
    ("target", &["crash", "slow"]),
    ("index", &["crash", "slow"]),
    ("workers", &["crash"]),
    ("lose_data", &["crash"]),
    ("factor", &["slow"]),
    ("delay", &["slow", "network"]),
    ("probability", &["slow"]),
    ("drop", &["network"]),
];

/// `"a"`, `"a" or "b"`: the options of a condition, quoted.
fn quoted_or(options: &[&str]) -> String {
    let quoted: Vec<String> = options.iter().map(|o| format!("\"{o}\"")).collect();
    quoted.join(" or ")
}

/// The quantile of `pNN`, given `NN`: a plain decimal strictly between 0
/// and 100, over 100.
fn percentile(nn: &str) -> Option<f64> {
    if !nn.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    let x: f64 = nn.parse().ok()?;
    // Scaling the decimal text keeps "p99.9" exactly 0.999.
    (x > 0.0 && x < 100.0)
        .then(|| format!("{nn}e-2").parse().ok())
        .flatten()
}

impl Reader<'_> {
    // ----- faults ---------------------------------------------------------

    /// Every `[[faults]]` table, in file order; the run ends at `end`.
    pub(super) fn faults(&self, cluster: &ClusterConfig, end: SimDuration) -> Result<Vec<Fault>> {
        self.entries(&keys::FAULTS, |_, base| self.fault(base, cluster, end))
    }

    fn fault(&self, base: &str, cluster: &ClusterConfig, end: SimDuration) -> Result<Fault> {
        let key = |k: &str| format!("{base}.{k}");
        let kind = self.choice(&key("kind"))?;
        let at = self.start(&key("at"), end)?;
        let duration = self.duration(&key("duration"))?;
        for (name, kinds) in KIND_KEYS {
            if !kinds.contains(&KINDS[kind]) {
                let cond = format!(
                    "kind = {} ({base}.kind is \"{}\")",
                    quoted_or(kinds),
                    KINDS[kind]
                );
                self.only_with(&key(name), &cond)?;
            }
        }
        let kind = match kind {
            0 => self.crash(base, cluster)?,
            1 => self.slow(base, cluster)?,
            _ => self.network(base)?,
        };
        Ok(Fault { at, duration, kind })
    }

    fn crash(&self, base: &str, cluster: &ClusterConfig) -> Result<FaultKind> {
        let key = |k: &str| format!("{base}.{k}");
        let target = self.choice(&key("target"))?;
        let lose_data = self.boolean(&key("lose_data"))?;
        if target == 2 {
            let cond = format!("target = \"store\" or \"cache\" ({base}.target is \"workers\")");
            self.only_with(&key("index"), &cond)?;
            let (path, n) = (key("workers"), cluster.fanout_workers.workers);
            let v = self.required(&path)?;
            let what = format!("an integer from 1 to cluster.fanout_workers.workers = {n}");
            let workers = self.uint_of(&path, &v, 1, n.into(), &what)? as u32;
            return Ok(FaultKind::CrashWorkers { workers, lose_data });
        }
        let target = [FaultTarget::Store, FaultTarget::Cache][target];
        if target == FaultTarget::Store && lose_data {
            let path = key("lose_data");
            return Err(self.bad(
                &path,
                &toml::Value::Boolean(true),
                "the tweet store is durable in this model: only a cache machine (it restarts \
                 empty) or crashed workers (their jobs are lost instead of retried) lose data; \
                 must be false with target = \"store\"",
            ));
        }
        let index = match self.index(base, target, cluster)? {
            Some(i) => i,
            None => {
                let path = key("index");
                return Err(self.fail(
                    &path,
                    format!(
                        "{path} is missing: a crash must name {}",
                        Self::index_range(target, cluster)
                    ),
                ));
            }
        };
        Ok(FaultKind::Crash {
            target,
            index,
            lose_data,
        })
    }

    fn slow(&self, base: &str, cluster: &ClusterConfig) -> Result<FaultKind> {
        let key = |k: &str| format!("{base}.{k}");
        let path = key("target");
        let target = match self.choice(&path)? {
            0 => FaultTarget::Store,
            1 => FaultTarget::Cache,
            _ => {
                let v = self.required(&path)?;
                return Err(self.bad(
                    &path,
                    &v,
                    "must be \"store\" or \"cache\" with kind = \"slow\" (workers can crash, \
                     not slow down; their speed is cluster.fanout_workers.service)",
                ));
            }
        };
        let index = self.index(base, target, cluster)?;
        let factor = self.float(&key("factor"))?;
        let delay = self.duration(&key("delay"))?;
        let probability = self.float(&key("probability"))?;
        if factor == 1.0 && delay == SimDuration::ZERO {
            return Err(self.fail(
                base,
                format!(
                    "{base}: a slow fault with factor = 1 and delay = \"0s\" does nothing; \
                     set factor above 1 or delay above 0s"
                ),
            ));
        }
        Ok(FaultKind::Slow {
            target,
            index,
            factor,
            delay,
            probability,
        })
    }

    fn network(&self, base: &str) -> Result<FaultKind> {
        let delay = self.duration(&format!("{base}.delay"))?;
        let drop = self.float(&format!("{base}.drop"))?;
        if delay == SimDuration::ZERO && drop == 0.0 {
            return Err(self.fail(
                base,
                format!(
                    "{base}: a network fault with delay = \"0s\" and drop = 0 does nothing; \
                     set delay above 0s or drop above 0"
                ),
            ));
        }
        Ok(FaultKind::Network { delay, drop })
    }

    /// The shard or machine a store or cache fault names, if given; a
    /// `workers` count is refused here.
    fn index(
        &self,
        base: &str,
        target: FaultTarget,
        cluster: &ClusterConfig,
    ) -> Result<Option<u32>> {
        let name = match target {
            FaultTarget::Store => "store",
            FaultTarget::Cache => "cache",
        };
        let cond =
            format!("kind = \"crash\" and target = \"workers\" ({base}.target is \"{name}\")");
        self.only_with(&format!("{base}.workers"), &cond)?;
        let path = format!("{base}.index");
        let Some(v) = self.given(&path) else {
            return Ok(None);
        };
        let top = match target {
            FaultTarget::Store => cluster.tweet_store.tier.shards,
            FaultTarget::Cache => cluster.timeline_cache.machines,
        } - 1;
        let what = Self::index_range(target, cluster);
        Ok(Some(self.uint_of(&path, v, 0, top.into(), &what)? as u32))
    }

    /// What `index` names for `target`, with its range.
    fn index_range(target: FaultTarget, cluster: &ClusterConfig) -> String {
        match target {
            FaultTarget::Store => format!(
                "a store shard, an integer from 0 to cluster.tweet_store.shards - 1 = {}",
                cluster.tweet_store.tier.shards - 1
            ),
            FaultTarget::Cache => format!(
                "a cache machine, an integer from 0 to cluster.timeline_cache.machines - 1 = {}",
                cluster.timeline_cache.machines - 1
            ),
        }
    }

    // ----- client policies ------------------------------------------------

    /// `[policy.store]` and `[policy.cache]`.
    pub(super) fn policies(&self) -> Result<Policies> {
        Ok(Policies {
            store: self.policy("policy.store", false)?,
            cache: self.policy("policy.cache", true)?,
        })
    }

    /// One tier's policy; `failover` is a key only where data is replicated.
    fn policy(&self, base: &str, replicated: bool) -> Result<ClientPolicy> {
        let key = |k: &str| format!("{base}.{k}");
        let timeout = self.optional(&key("timeout"), |p| self.duration(p))?;
        let retries = self.uint(&key("retries"))? as u32;
        let (backoff, backoff_max) = self.backoff(base)?;
        let jitter = self.choice(&key("jitter"))? == 0;
        let retry_budget = self.optional(&key("retry_budget"), |p| self.float(p))?;
        let hedge = self.hedge(&key("hedge"))?;
        let failures = self.uint(&key("breaker_failures"))? as u32;
        let open_for = self.duration(&key("breaker_open"))?;
        let failover = replicated && self.boolean(&key("failover"))?;
        Ok(ClientPolicy {
            timeout,
            retries,
            backoff,
            backoff_max,
            jitter,
            retry_budget,
            hedge,
            breaker: (failures > 0).then_some(Breaker { failures, open_for }),
            failover,
        })
    }

    /// `backoff` and `backoff_max`, the cap at least the first backoff.
    fn backoff(&self, base: &str) -> Result<(SimDuration, SimDuration)> {
        let (first_key, max_key) = (format!("{base}.backoff"), format!("{base}.backoff_max"));
        let first = self.duration(&first_key)?;
        let max = self.duration(&max_key)?;
        if max < first {
            let v = self.required(&max_key)?;
            return Err(self.bad(
                &max_key,
                &v,
                format!("must be at least {first_key} = {first}"),
            ));
        }
        Ok((first, max))
    }

    /// `"off"`, a duration (`"2ms"`) or a percentile (`"p95"`).
    fn hedge(&self, path: &str) -> Result<Option<Hedge>> {
        let v = self.required(path)?;
        let hedge = match v.as_str().map(str::trim) {
            Some("off") => return Ok(None),
            Some(t) if t.starts_with('p') => percentile(&t[1..]).map(Hedge::Quantile),
            Some(t) => SimDuration::parse(t)
                .ok()
                .filter(|d| *d > SimDuration::ZERO && *d <= keys::MAX_DELAY)
                .map(Hedge::After),
            None => None,
        };
        hedge.map(Some).ok_or_else(|| self.must(path, &v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_exact_decimals_strictly_inside_0_100() {
        assert_eq!(percentile("95"), Some(0.95));
        assert_eq!(percentile("99.9"), Some(0.999));
        assert_eq!(percentile("0.5"), Some(0.005));
        for bad in [
            "", ".", "0", "100", "100.0", "-5", "1e1", "nan", "inf", "9.9.9",
        ] {
            assert_eq!(percentile(bad), None, "{bad}");
        }
    }
}
