//! The resolved parameters as (dotted key, value with unit) pairs.

use crate::model::config::{
    AccountRef, ClientPolicy, ClusterConfig, Fault, FaultKind, FaultTarget, Hedge,
    PopulationConfig, RateProfile, Residency, Scenario, ScheduledEvent, ServiceConfig,
    StrategyKind, TailsConfig, TierConfig, WorkloadConfig,
};
use crate::sim::dist::{ServiceDist, Shape};
use crate::sim::time::SimDuration;

/// Resolved parameters as (dotted key, value with unit) pairs, in the order
/// of docs/scenario.md, for `fanout check` and reports. Keys are those of
/// the file format (`workload.events[0].at`); keys that do not apply (a
/// diurnal period under a constant profile, `cv` of an exponential) are left
/// out. A fault is one line (`faults[0]`) listing its keys, and a client
/// policy only the parts switched on (`policy.store = off` when none is).
/// The description is not part of a `Scenario`; see
/// [`RawScenario::description`](super::RawScenario::description).
pub fn describe(s: &Scenario) -> Vec<(String, String)> {
    let mut out = Out(Vec::new());
    out.put("name", &s.name);
    out.put("seed", s.seed);
    out.put("duration", s.duration);
    out.put("warmup", s.warmup);
    let names: Vec<&str> = s.strategies.iter().map(|k| k.name()).collect();
    out.put("strategies", names.join(", "));

    out.population(&s.population);
    out.workload(&s.workload, s.population.file.as_ref().map(|f| &*f.ids));
    out.cluster(&s.cluster);
    out.put(
        "strategy.hybrid.celebrity_threshold",
        format!("{} followers", s.strategy.celebrity_threshold),
    );
    if s.strategies.contains(&StrategyKind::FeedingFrenzy) {
        // Only when the strategy runs: unused keys stay out of the
        // scenario's hash, as keys that do not apply do.
        let costs = crate::model::strategy::FrenzyCosts::of(s);
        let derived = |d: bool| if d { " (derived)" } else { "" };
        out.put(
            "strategy.feeding_frenzy.push_cost",
            format!("{}{}", costs.push, derived(costs.push_derived)),
        );
        out.put(
            "strategy.feeding_frenzy.pull_cost",
            format!("{}{}", costs.pull, derived(costs.pull_derived)),
        );
    }
    if s.faults.is_empty() {
        out.put("faults", "none");
    }
    for (i, f) in s.faults.iter().enumerate() {
        out.put(&format!("faults[{i}]"), fault(f));
    }
    out.policy("policy.store", &s.policy.store);
    out.policy("policy.cache", &s.policy.cache);
    // Each price is listed only when it is not the unit default, so the
    // canonical text (and the `scenario_hash` of every scenario without a
    // `[cost]` section) is what it was before the section existed.
    let (c, unit) = (&s.cost, crate::model::cost::CostConfig::default());
    let machine = |x: f64| format!("{x} per machine-hour");
    let prices = [
        (
            "cost.store_machine_hour",
            c.store_machine_hour,
            unit.store_machine_hour,
        ),
        (
            "cost.cache_machine_hour",
            c.cache_machine_hour,
            unit.cache_machine_hour,
        ),
        (
            "cost.worker_machine_hour",
            c.worker_machine_hour,
            unit.worker_machine_hour,
        ),
    ];
    for (key, price, default) in prices {
        if price != default {
            out.put(key, machine(price));
        }
    }
    if c.memory_gb_hour != unit.memory_gb_hour {
        out.put(
            "cost.memory_gb_hour",
            format!("{} per GB-hour", c.memory_gb_hour),
        );
    }
    out.0
}

/// One fault on one line, as its keys: `kind = crash, target = cache, ...`.
fn fault(f: &Fault) -> String {
    let target = |t: &FaultTarget| match t {
        FaultTarget::Store => "store",
        FaultTarget::Cache => "cache",
    };
    let mut parts = Vec::new();
    match &f.kind {
        FaultKind::Crash {
            target: t,
            index,
            lose_data,
        } => {
            parts.push(format!(
                "kind = crash, target = {}, index = {index}",
                target(t)
            ));
            parts.push(format!("at = {}, duration = {}", f.at, f.duration));
            parts.push(format!("lose_data = {lose_data}"));
        }
        FaultKind::CrashWorkers { workers, lose_data } => {
            parts.push(format!(
                "kind = crash, target = workers, workers = {workers}"
            ));
            parts.push(format!("at = {}, duration = {}", f.at, f.duration));
            parts.push(format!("lose_data = {lose_data}"));
        }
        FaultKind::Slow {
            target: t,
            index,
            factor,
            delay,
            probability,
        } => {
            let index = index.map_or("every one".to_string(), |i| i.to_string());
            parts.push(format!(
                "kind = slow, target = {}, index = {index}",
                target(t)
            ));
            parts.push(format!("at = {}, duration = {}", f.at, f.duration));
            parts.push(format!(
                "factor = {factor}x, delay = {delay}, probability = {probability}"
            ));
        }
        FaultKind::Network { delay, drop } => {
            parts.push("kind = network".to_string());
            parts.push(format!("at = {}, duration = {}", f.at, f.duration));
            parts.push(format!("delay = {delay} per hop, drop = {drop}"));
        }
    }
    parts.join(", ")
}

/// A float with at most six decimals, trailing zeros dropped (`1.9`, `2.071234`).
fn short(x: f64) -> String {
    let s = format!("{x:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

fn queue_limit(q: Option<u32>) -> String {
    match q {
        None => "unbounded".to_string(),
        Some(n) => format!("{n} requests"),
    }
}

struct Out(Vec<(String, String)>);

impl Out {
    /// The `population.*` keys.
    fn population(&mut self, p: &PopulationConfig) {
        if let Some(f) = &p.file {
            self.graph_file(p, f);
            return;
        }
        self.put("population.users", format!("{} users", p.users));
        self.put("population.graph", p.graph.name());
        self.put("population.followee_exponent", p.followee_exponent);
        let x = p.author_activity_exponent;
        match p.fanout_per_tweet {
            Some(_) => self.put(
                "population.author_activity_exponent",
                format!("{} (solved from population.fanout_per_tweet)", short(x)),
            ),
            None => self.put("population.author_activity_exponent", x),
        }
        // Left out when not given, like every key that does not apply (the
        // scenario hash of older scenarios stays as it was).
        if let Some(t) = p.fanout_per_tweet {
            self.put(
                "population.fanout_per_tweet",
                format!("{t} followers per tweet (target)"),
            );
        }
        self.put(
            "population.reader_activity_exponent",
            p.reader_activity_exponent,
        );
        let solved = if p.followers.mean.is_some() {
            " (solved from the mean)"
        } else {
            ""
        };
        self.put(
            "population.followers.exponent",
            format!("{}{solved}", short(p.followers.exponent)),
        );
        self.put(
            "population.followers.mean",
            match p.followers.mean {
                Some(m) => format!("{m} followers"),
                None => "none (the exponent is given)".to_string(),
            },
        );
        self.put(
            "population.followers.max",
            format!("{} followers", p.followers.max),
        );
        if let Some(m) = p.followee_max {
            self.put("population.followees.max", format!("{m} followees"));
        }
    }

    /// The `population.*` keys of a graph loaded from a file: the file and
    /// how it was read, and what it gave (the generator's keys do not
    /// apply).
    fn graph_file(&mut self, p: &PopulationConfig, f: &crate::model::graph::GraphFile) {
        let o = &f.options;
        self.put("population.graph.file", f.path.display());
        let format = match o.format {
            crate::model::graph::EdgeFormat::Text => "text",
            crate::model::graph::EdgeFormat::Gzip => "text.gz",
            crate::model::graph::EdgeFormat::Binary => "binary",
            _ => "auto",
        };
        self.put("population.graph.format", format);
        self.put("population.graph.direction", o.direction.name());
        let cache = match &o.cache {
            crate::model::graph::CacheMode::Off => "off".to_string(),
            crate::model::graph::CacheMode::Beside => "beside the file".to_string(),
            crate::model::graph::CacheMode::At(c) => c.display().to_string(),
        };
        self.put("population.graph.cache", cache);
        self.put(
            "population.users",
            format!("{} users (from the file)", p.users),
        );
        self.put(
            "population.author_activity_exponent",
            p.author_activity_exponent,
        );
        self.put(
            "population.reader_activity_exponent",
            p.reader_activity_exponent,
        );
        self.put(
            "population.followers.mean",
            format!(
                "{} followers (from the file)",
                short(p.followers.mean.unwrap_or(0.0))
            ),
        );
        self.put(
            "population.followers.max",
            format!("{} followers (from the file)", p.followers.max),
        );
    }

    /// The `workload.*` keys, events included.
    /// `ids`: a loaded graph's id map, so an event's account is shown by
    /// the id the scenario gave (the file's), not the dense one.
    fn workload(&mut self, w: &WorkloadConfig, ids: Option<&crate::model::graph::IdMap>) {
        self.put(
            "workload.tweets_per_sec",
            format!("{} tweets/s", w.tweets_per_sec),
        );
        self.put(
            "workload.reads_per_sec",
            format!("{} reads/s", w.reads_per_sec),
        );
        match &w.profile {
            RateProfile::Constant => self.put("workload.profile", "constant"),
            RateProfile::Diurnal {
                period,
                peak_factor,
            } => {
                self.put("workload.profile", "diurnal");
                self.put("workload.diurnal_period", period);
                self.put("workload.peak_factor", format!("{peak_factor}x"));
            }
        }
        for (i, e) in w.events.iter().enumerate() {
            let key = |k: &str| format!("workload.events[{i}].{k}");
            match e {
                ScheduledEvent::Tweet { at, account } => {
                    self.put(&key("kind"), "tweet");
                    self.put(&key("at"), at);
                    match account {
                        AccountRef::Rank(r) => self.put(&key("rank"), r),
                        AccountRef::Id(id) => match ids {
                            Some(m) if *id < m.users() => self.put(&key("id"), m.original_id(*id)),
                            _ => self.put(&key("id"), id),
                        },
                    }
                }
                ScheduledEvent::Burst {
                    at,
                    duration,
                    factor,
                } => {
                    self.put(&key("kind"), "burst");
                    self.put(&key("at"), at);
                    self.put(&key("duration"), duration);
                    self.put(&key("factor"), format!("{factor}x"));
                }
            }
        }
    }

    /// The `cluster.*` keys.
    fn cluster(&mut self, c: &ClusterConfig) {
        self.put("cluster.network.one_way", c.network.one_way);
        self.shape("cluster.network.jitter", &c.network.jitter, true);
        self.tier("cluster.tweet_store", &c.tweet_store.tier);
        self.service("cluster.tweet_store.write", &c.tweet_store.write);
        self.service("cluster.tweet_store.read", &c.tweet_store.read);
        let cache = &c.timeline_cache;
        self.tier("cluster.timeline_cache", &cache.tier);
        self.put(
            "cluster.timeline_cache.replicas",
            format!("{} copies", cache.replicas),
        );
        self.put(
            "cluster.timeline_cache.max_entries",
            format!("{} entries", cache.max_entries),
        );
        self.put(
            "cluster.timeline_cache.machines",
            format!("{} machines", cache.machines),
        );
        self.put(
            "cluster.timeline_cache.write_chunk",
            format!("{} entries", cache.write_chunk),
        );
        self.service("cluster.timeline_cache.read", &cache.read);
        self.service("cluster.timeline_cache.write", &cache.write);
        // Each residency key is listed only when it differs from its
        // default, so the canonical text (and the `scenario_hash` of every
        // scenario that caches every timeline) is what it was before the
        // keys existed.
        let r = &cache.residency;
        if let Some(w) = r.active_window {
            self.put(
                "cluster.timeline_cache.active_window",
                format!("{w} (users who read within it)"),
            );
        }
        if let Some(n) = r.capacity {
            self.put(
                "cluster.timeline_cache.capacity",
                format!("{n} timelines per machine"),
            );
        }
        if r.bytes_per_entry != Residency::default().bytes_per_entry {
            self.put(
                "cluster.timeline_cache.bytes_per_entry",
                format!("{} bytes", r.bytes_per_entry),
            );
        }
        let f = &c.fanout_workers;
        self.put(
            "cluster.fanout_workers.workers",
            format!("{} workers", f.workers),
        );
        self.put(
            "cluster.fanout_workers.batch",
            format!("{} destinations", f.batch),
        );
        self.put(
            "cluster.fanout_workers.queue_limit",
            queue_limit(f.queue_limit),
        );
        self.put("cluster.fanout_workers.retry_after", f.retry_after);
        self.put(
            "cluster.fanout_workers.idempotency_key",
            if f.idempotency_key {
                "on (a retried job's inserts are not written twice)"
            } else {
                "off (a retried job's inserts are written again)"
            },
        );
        // Listed only when used, so the canonical text (and the
        // `scenario_hash` of every scenario that runs jobs serially) is
        // what it was before the key existed.
        if f.parallelism > 1 {
            self.put(
                "cluster.fanout_workers.parallelism",
                format!("{} workers per job", f.parallelism),
            );
        }
        self.service("cluster.fanout_workers.service", &f.service);
        self.put("cluster.client.merge_per_item", c.merge_per_item);
        // Listed only when some key differs from its default, so that the
        // scenario hash of a run without them is what it was before they
        // existed.
        if c.tails != TailsConfig::default() {
            self.tails(&c.tails);
        }
    }

    /// The tail mechanisms and hydration (`TailsConfig`), in key order.
    fn tails(&mut self, t: &TailsConfig) {
        for (base, tier) in [
            ("cluster.tweet_store", &t.store),
            ("cluster.timeline_cache", &t.cache),
        ] {
            let every = match tier.pause_every {
                SimDuration::ZERO => "0s (no pauses)".to_string(),
                d => d.to_string(),
            };
            self.put(&format!("{base}.pause.every"), every);
            self.shape(&format!("{base}.pause.length"), &tier.pause_length, true);
            self.put(&format!("{base}.disk.fraction"), tier.disk_fraction);
            self.shape(&format!("{base}.disk.latency"), &tier.disk_latency, true);
        }
        self.put("cluster.network.cross_dc.fraction", t.cross_dc.fraction);
        self.shape("cluster.network.cross_dc.rtt", &t.cross_dc.rtt, true);
        let page = match t.hydration_page {
            0 => "0 (no hydration)".to_string(),
            n => format!("{n} tweets"),
        };
        self.put("cluster.hydration.page", page);
    }

    fn put(&mut self, key: &str, value: impl ToString) {
        self.0.push((key.to_string(), value.to_string()));
    }

    /// `dist`, then `mean` when `with_mean` (jitter), then `cv` or `alpha`.
    fn shape(&mut self, base: &str, d: &ServiceDist, with_mean: bool) {
        let key = |k: &str| format!("{base}.{k}");
        let name = match d.shape() {
            Shape::Const => "const",
            Shape::Exp => "exp",
            Shape::LogNormal { .. } => "lognormal",
            Shape::Pareto { .. } => "pareto",
        };
        self.put(&key("dist"), name);
        if with_mean {
            self.put(&key("mean"), d.mean());
        }
        match d.shape() {
            Shape::LogNormal { cv } => self.put(&key("cv"), cv),
            Shape::Pareto { alpha } => self.put(&key("alpha"), alpha),
            Shape::Const | Shape::Exp => {}
        }
    }

    fn tier(&mut self, base: &str, t: &TierConfig) {
        self.put(&format!("{base}.shards"), format!("{} shards", t.shards));
        self.put(
            &format!("{base}.servers"),
            format!("{} per shard", t.servers),
        );
        self.put(&format!("{base}.queue_limit"), queue_limit(t.queue_limit));
    }

    /// The parts of a client policy that are switched on, or `base = off`.
    fn policy(&mut self, base: &str, p: &ClientPolicy) {
        if !p.is_active() && p.retry_budget.is_none() {
            self.put(base, "off");
            return;
        }
        let key = |k: &str| format!("{base}.{k}");
        if let Some(t) = p.timeout {
            self.put(&key("timeout"), t);
        }
        if p.retries > 0 {
            self.put(&key("retries"), format!("{} retries", p.retries));
            self.put(&key("backoff"), p.backoff);
            self.put(&key("backoff_max"), p.backoff_max);
            self.put(&key("jitter"), if p.jitter { "full" } else { "none" });
        }
        if let Some(b) = p.retry_budget {
            self.put(
                &key("retry_budget"),
                format!("{b} retries per first attempt"),
            );
        }
        match p.hedge {
            Some(Hedge::After(d)) => self.put(&key("hedge"), format!("after {d}")),
            Some(Hedge::Quantile(q)) => self.put(
                &key("hedge"),
                format!("after p{} of recent response times", short(q * 100.0)),
            ),
            None => {}
        }
        if let Some(b) = p.breaker {
            self.put(
                &key("breaker_failures"),
                format!("{} consecutive failures", b.failures),
            );
            self.put(&key("breaker_open"), b.open_for);
        }
        if p.failover {
            self.put(
                &key("failover"),
                "on (a failed read goes to the next replica)",
            );
        }
    }

    fn service(&mut self, base: &str, s: &ServiceConfig) {
        self.put(&format!("{base}.per_request"), s.per_request);
        self.put(&format!("{base}.per_item"), s.per_item);
        self.shape(base, &s.shape, false);
    }
}
