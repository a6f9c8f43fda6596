//! Every key does what it says.

use super::*;
use fanout::model::graph::{CacheMode, Direction, EdgeFormat};

/// A non-default value for every key, and what it must do to the scenario.
/// The test below fails when a key is added to the format without a case here.
#[allow(clippy::type_complexity)]
fn key_cases() -> Vec<(&'static str, &'static str, Box<dyn Fn(&Scenario) -> bool>)> {
    let c = |f: fn(&Scenario) -> bool| -> Box<dyn Fn(&Scenario) -> bool> { Box::new(f) };
    let mut cases = vec![
        ("name", "\"other\"", c(|s| s.name == "other")),
        ("description", "\"text\"", c(|_| true)),
        ("seed", "42", c(|s| s.seed == 42)),
        (
            "duration",
            "\"2m\"",
            c(|s| s.duration == SimDuration::from_secs(120)),
        ),
        ("warmup", "\"0s\"", c(|s| s.warmup == SimDuration::ZERO)),
        (
            "strategies",
            "[\"hybrid\", \"read\"]",
            c(|s| s.strategies == [StrategyKind::Hybrid, StrategyKind::FanoutOnRead]),
        ),
        (
            "population.users",
            "5000",
            c(|s| s.population.users == 5000 && s.population.followers.max == 4999),
        ),
        (
            "population.graph",
            "\"sampled\"",
            c(|s| s.population.graph == GraphMode::Sampled),
        ),
        (
            "population.graph.file",
            EDGES,
            c(|s| s.population.users == 2000 && s.population.file.is_some()),
        ),
        (
            "population.graph.format",
            "\"text\"",
            c(|s| file_options(s).is_some_and(|o| o.format == EdgeFormat::Text)),
        ),
        (
            "population.graph.direction",
            "\"followee-follower\"",
            c(|s| file_options(s).is_some_and(|o| o.direction == Direction::FolloweeFollower)),
        ),
        (
            "population.graph.cache",
            key_case_cache(),
            c(|s| file_options(s).is_some_and(|o| matches!(o.cache, CacheMode::At(_)))),
        ),
        (
            "population.followee_exponent",
            "2.5",
            c(|s| s.population.followee_exponent == 2.5),
        ),
        (
            "population.author_activity_exponent",
            "0",
            c(|s| s.population.author_activity_exponent == 0.0),
        ),
        (
            "population.fanout_per_tweet",
            "100.0",
            c(|s| {
                let p = &s.population;
                p.fanout_per_tweet == Some(100.0) && p.author_activity_exponent > 0.165
            }),
        ),
        (
            "population.reader_activity_exponent",
            "1.5",
            c(|s| s.population.reader_activity_exponent == 1.5),
        ),
        (
            "population.followers.exponent",
            "2.1",
            c(|s| s.population.followers.exponent == 2.1),
        ),
        (
            "population.followers.mean",
            "20",
            c(|s| {
                let f = &s.population.followers;
                f.mean == Some(20.0) && f.exponent > 0.5 && f.exponent < 1.5
            }),
        ),
        (
            "population.followers.max",
            "1000",
            c(|s| s.population.followers.max == 1000),
        ),
        (
            "population.followees.max",
            "5000",
            c(|s| s.population.followee_max == Some(5000)),
        ),
        (
            "workload.tweets_per_sec",
            "12000",
            c(|s| s.workload.tweets_per_sec == 12000.0),
        ),
        (
            "workload.reads_per_sec",
            "0",
            c(|s| s.workload.reads_per_sec == 0.0),
        ),
        (
            "workload.profile",
            "\"diurnal\"",
            c(|s| {
                s.workload.profile
                    == RateProfile::Diurnal {
                        period: SimDuration::from_secs(86_400),
                        peak_factor: 2.6,
                    }
            }),
        ),
        (
            "workload.diurnal_period",
            "\"1h\"",
            c(
                |s| matches!(s.workload.profile, RateProfile::Diurnal { period, .. } if period == SimDuration::from_secs(3600)),
            ),
        ),
        (
            "workload.peak_factor",
            "4",
            c(
                |s| matches!(s.workload.profile, RateProfile::Diurnal { peak_factor, .. } if peak_factor == 4.0),
            ),
        ),
        (
            "workload.events",
            "[{ kind = \"tweet\", at = \"1s\", rank = 1 }]",
            c(|s| s.workload.events.len() == 1),
        ),
        (
            "workload.events[].kind",
            "\"burst\"",
            c(|s| matches!(s.workload.events[0], ScheduledEvent::Burst { .. })),
        ),
        (
            "workload.events[].at",
            "\"3s\"",
            c(
                |s| matches!(s.workload.events[0], ScheduledEvent::Tweet { at, .. } if at == SimDuration::from_secs(3)),
            ),
        ),
        (
            "workload.events[].rank",
            "7",
            c(|s| {
                matches!(
                    s.workload.events[0],
                    ScheduledEvent::Tweet {
                        account: AccountRef::Rank(7),
                        ..
                    }
                )
            }),
        ),
        (
            "workload.events[].id",
            "12345",
            c(|s| {
                matches!(
                    s.workload.events[0],
                    ScheduledEvent::Tweet {
                        account: AccountRef::Id(12345),
                        ..
                    }
                )
            }),
        ),
        (
            "workload.events[].duration",
            "\"10s\"",
            c(
                |s| matches!(s.workload.events[0], ScheduledEvent::Burst { duration, .. } if duration == SimDuration::from_secs(10)),
            ),
        ),
        (
            "workload.events[].factor",
            "3.5",
            c(
                |s| matches!(s.workload.events[0], ScheduledEvent::Burst { factor, .. } if factor == 3.5),
            ),
        ),
        (
            "cluster.network.one_way",
            "\"1ms\"",
            c(|s| s.cluster.network.one_way == ms(1)),
        ),
        (
            "cluster.network.jitter.dist",
            "\"const\"",
            c(|s| {
                (
                    s.cluster.network.jitter.mean(),
                    s.cluster.network.jitter.shape(),
                ) == (us(100), Shape::Const)
            }),
        ),
        (
            "cluster.network.jitter.mean",
            "\"0s\"",
            c(|s| s.cluster.network.jitter.mean() == SimDuration::ZERO),
        ),
        (
            "cluster.network.jitter.cv",
            "2.0",
            c(|s| s.cluster.network.jitter.shape() == Shape::LogNormal { cv: 2.0 }),
        ),
        (
            "cluster.network.jitter.alpha",
            "3.0",
            c(|s| s.cluster.network.jitter.shape() == Shape::Pareto { alpha: 3.0 }),
        ),
        (
            "cluster.tweet_store.shards",
            "64",
            c(|s| s.cluster.tweet_store.tier.shards == 64),
        ),
        (
            "cluster.tweet_store.servers",
            "2",
            c(|s| s.cluster.tweet_store.tier.servers == 2),
        ),
        (
            "cluster.tweet_store.queue_limit",
            "100",
            c(|s| s.cluster.tweet_store.tier.queue_limit == Some(100)),
        ),
        (
            "cluster.tweet_store.write.per_request",
            "\"1ms\"",
            c(|s| s.cluster.tweet_store.write.per_request == ms(1)),
        ),
        (
            "cluster.tweet_store.write.per_item",
            "\"1us\"",
            c(|s| s.cluster.tweet_store.write.per_item == us(1)),
        ),
        (
            "cluster.tweet_store.write.dist",
            "\"exp\"",
            c(|s| s.cluster.tweet_store.write.shape.shape() == Shape::Exp),
        ),
        (
            "cluster.tweet_store.write.cv",
            "0.25",
            c(|s| s.cluster.tweet_store.write.shape.shape() == Shape::LogNormal { cv: 0.25 }),
        ),
        (
            "cluster.tweet_store.write.alpha",
            "1.5",
            c(|s| s.cluster.tweet_store.write.shape.shape() == Shape::Pareto { alpha: 1.5 }),
        ),
        (
            "cluster.tweet_store.read.per_request",
            "\"1ms\"",
            c(|s| s.cluster.tweet_store.read.per_request == ms(1)),
        ),
        (
            "cluster.tweet_store.read.per_item",
            "\"1us\"",
            c(|s| s.cluster.tweet_store.read.per_item == us(1)),
        ),
        (
            "cluster.tweet_store.read.dist",
            "\"const\"",
            c(|s| s.cluster.tweet_store.read.shape.shape() == Shape::Const),
        ),
        (
            "cluster.tweet_store.read.cv",
            "0.25",
            c(|s| s.cluster.tweet_store.read.shape.shape() == Shape::LogNormal { cv: 0.25 }),
        ),
        (
            "cluster.tweet_store.read.alpha",
            "1.5",
            c(|s| s.cluster.tweet_store.read.shape.shape() == Shape::Pareto { alpha: 1.5 }),
        ),
        (
            "cluster.timeline_cache.shards",
            "64",
            c(|s| s.cluster.timeline_cache.tier.shards == 64),
        ),
        (
            "cluster.timeline_cache.servers",
            "4",
            c(|s| s.cluster.timeline_cache.tier.servers == 4),
        ),
        (
            "cluster.timeline_cache.queue_limit",
            "7",
            c(|s| s.cluster.timeline_cache.tier.queue_limit == Some(7)),
        ),
        (
            "cluster.timeline_cache.replicas",
            "1",
            c(|s| s.cluster.timeline_cache.replicas == 1),
        ),
        (
            "cluster.timeline_cache.max_entries",
            "100",
            c(|s| s.cluster.timeline_cache.max_entries == 100),
        ),
        (
            "cluster.timeline_cache.write_chunk",
            "50",
            c(|s| s.cluster.timeline_cache.write_chunk == 50),
        ),
        (
            "cluster.timeline_cache.machines",
            "8",
            c(|s| s.cluster.timeline_cache.machines == 8),
        ),
        (
            "cluster.timeline_cache.active_window",
            "\"720h\"",
            c(|s| {
                s.cluster.timeline_cache.residency.active_window
                    == Some(SimDuration::from_secs(720 * 3600))
            }),
        ),
        (
            "cluster.timeline_cache.capacity",
            "1000",
            c(|s| s.cluster.timeline_cache.residency.capacity == Some(1000)),
        ),
        (
            "cluster.timeline_cache.bytes_per_entry",
            "16",
            c(|s| s.cluster.timeline_cache.residency.bytes_per_entry == 16),
        ),
        (
            "cluster.timeline_cache.read.per_request",
            "\"1ms\"",
            c(|s| s.cluster.timeline_cache.read.per_request == ms(1)),
        ),
        (
            "cluster.timeline_cache.read.per_item",
            "\"1us\"",
            c(|s| s.cluster.timeline_cache.read.per_item == us(1)),
        ),
        (
            "cluster.timeline_cache.read.dist",
            "\"exp\"",
            c(|s| s.cluster.timeline_cache.read.shape.shape() == Shape::Exp),
        ),
        (
            "cluster.timeline_cache.read.cv",
            "2",
            c(|s| s.cluster.timeline_cache.read.shape.shape() == Shape::LogNormal { cv: 2.0 }),
        ),
        (
            "cluster.timeline_cache.read.alpha",
            "1.5",
            c(|s| s.cluster.timeline_cache.read.shape.shape() == Shape::Pareto { alpha: 1.5 }),
        ),
        (
            "cluster.timeline_cache.write.per_request",
            "\"1ms\"",
            c(|s| s.cluster.timeline_cache.write.per_request == ms(1)),
        ),
        (
            "cluster.timeline_cache.write.per_item",
            "\"1us\"",
            c(|s| s.cluster.timeline_cache.write.per_item == us(1)),
        ),
        (
            "cluster.timeline_cache.write.dist",
            "\"exp\"",
            c(|s| s.cluster.timeline_cache.write.shape.shape() == Shape::Exp),
        ),
        (
            "cluster.timeline_cache.write.cv",
            "2",
            c(|s| s.cluster.timeline_cache.write.shape.shape() == Shape::LogNormal { cv: 2.0 }),
        ),
        (
            "cluster.timeline_cache.write.alpha",
            "1.5",
            c(|s| s.cluster.timeline_cache.write.shape.shape() == Shape::Pareto { alpha: 1.5 }),
        ),
        (
            "cluster.fanout_workers.workers",
            "100",
            c(|s| s.cluster.fanout_workers.workers == 100),
        ),
        (
            "cluster.fanout_workers.batch",
            "1",
            c(|s| s.cluster.fanout_workers.batch == 1),
        ),
        (
            "cluster.fanout_workers.queue_limit",
            "5",
            c(|s| s.cluster.fanout_workers.queue_limit == Some(5)),
        ),
        (
            "cluster.fanout_workers.retry_after",
            "\"5s\"",
            c(|s| s.cluster.fanout_workers.retry_after == SimDuration::from_secs(5)),
        ),
        (
            "cluster.fanout_workers.idempotency_key",
            "false",
            c(|s| !s.cluster.fanout_workers.idempotency_key),
        ),
        (
            "cluster.fanout_workers.parallelism",
            "4",
            c(|s| s.cluster.fanout_workers.parallelism == 4),
        ),
        (
            "cluster.fanout_workers.service.per_request",
            "\"1ms\"",
            c(|s| s.cluster.fanout_workers.service.per_request == ms(1)),
        ),
        (
            "cluster.fanout_workers.service.per_item",
            "\"1us\"",
            c(|s| s.cluster.fanout_workers.service.per_item == us(1)),
        ),
        (
            "cluster.fanout_workers.service.dist",
            "\"exp\"",
            c(|s| s.cluster.fanout_workers.service.shape.shape() == Shape::Exp),
        ),
        (
            "cluster.fanout_workers.service.cv",
            "2",
            c(|s| s.cluster.fanout_workers.service.shape.shape() == Shape::LogNormal { cv: 2.0 }),
        ),
        (
            "cluster.fanout_workers.service.alpha",
            "1.5",
            c(|s| s.cluster.fanout_workers.service.shape.shape() == Shape::Pareto { alpha: 1.5 }),
        ),
        (
            "cluster.client.merge_per_item",
            "\"1us\"",
            c(|s| s.cluster.merge_per_item == us(1)),
        ),
        (
            "strategy.hybrid.celebrity_threshold",
            "0",
            c(|s| s.strategy.celebrity_threshold == 0),
        ),
        (
            "strategy.feeding_frenzy.push_cost",
            "\"2us\"",
            c(|s| s.strategy.feeding_frenzy.push_cost == Some(us(2))),
        ),
        (
            "strategy.feeding_frenzy.pull_cost",
            "\"3us\"",
            c(|s| s.strategy.feeding_frenzy.pull_cost == Some(us(3))),
        ),
        (
            "faults",
            "[{ kind = \"network\", at = \"1s\", duration = \"1s\", drop = 0.1 }]",
            c(|s| s.faults.len() == 1),
        ),
        (
            "faults[].kind",
            "\"crash\"",
            c(|s| {
                s.faults[0].kind
                    == FaultKind::Crash {
                        target: FaultTarget::Cache,
                        index: 0,
                        lose_data: false,
                    }
            }),
        ),
        (
            "faults[].target",
            "\"store\"",
            c(|s| {
                matches!(
                    s.faults[0].kind,
                    FaultKind::Crash {
                        target: FaultTarget::Store,
                        ..
                    }
                )
            }),
        ),
        (
            "faults[].at",
            "\"3s\"",
            c(|s| s.faults[0].at == SimDuration::from_secs(3)),
        ),
        (
            "faults[].duration",
            "\"10s\"",
            c(|s| s.faults[0].duration == SimDuration::from_secs(10)),
        ),
        (
            "faults[].index",
            "2",
            c(|s| matches!(s.faults[0].kind, FaultKind::Slow { index: Some(2), .. })),
        ),
        (
            "faults[].workers",
            "3",
            c(|s| {
                s.faults[0].kind
                    == FaultKind::CrashWorkers {
                        workers: 3,
                        lose_data: false,
                    }
            }),
        ),
        (
            "faults[].lose_data",
            "true",
            c(|s| {
                matches!(
                    s.faults[0].kind,
                    FaultKind::Crash {
                        lose_data: true,
                        ..
                    }
                )
            }),
        ),
        (
            "faults[].factor",
            "10",
            c(|s| matches!(s.faults[0].kind, FaultKind::Slow { factor, .. } if factor == 10.0)),
        ),
        (
            "faults[].delay",
            "\"5ms\"",
            c(|s| matches!(s.faults[0].kind, FaultKind::Slow { delay, .. } if delay == ms(5))),
        ),
        (
            "faults[].probability",
            "0.5",
            c(
                |s| matches!(s.faults[0].kind, FaultKind::Slow { probability, .. } if probability == 0.5),
            ),
        ),
        (
            "faults[].drop",
            "0.2",
            c(|s| {
                s.faults[0].kind
                    == FaultKind::Network {
                        delay: ms(1),
                        drop: 0.2,
                    }
            }),
        ),
        (
            "policy.store.timeout",
            "\"50ms\"",
            c(|s| s.policy.store.timeout == Some(ms(50))),
        ),
        (
            "policy.store.retries",
            "3",
            c(|s| s.policy.store.retries == 3),
        ),
        (
            "policy.store.backoff",
            "\"20ms\"",
            c(|s| s.policy.store.backoff == ms(20)),
        ),
        (
            "policy.store.backoff_max",
            "\"2s\"",
            c(|s| s.policy.store.backoff_max == SimDuration::from_secs(2)),
        ),
        (
            "policy.store.jitter",
            "\"none\"",
            c(|s| !s.policy.store.jitter),
        ),
        (
            "policy.store.retry_budget",
            "0.1",
            c(|s| s.policy.store.retry_budget == Some(0.1)),
        ),
        (
            "policy.store.hedge",
            "\"p95\"",
            c(|s| s.policy.store.hedge == Some(Hedge::Quantile(0.95))),
        ),
        (
            "policy.store.breaker_failures",
            "5",
            c(|s| {
                s.policy.store.breaker
                    == Some(Breaker {
                        failures: 5,
                        open_for: SimDuration::from_secs(1),
                    })
            }),
        ),
        (
            "policy.store.breaker_open",
            "\"2s\"",
            c(|s| s.policy.store.breaker.map(|b| b.open_for) == Some(SimDuration::from_secs(2))),
        ),
        (
            "policy.cache.timeout",
            "\"5ms\"",
            c(|s| s.policy.cache.timeout == Some(ms(5))),
        ),
        (
            "policy.cache.retries",
            "1",
            c(|s| s.policy.cache.retries == 1),
        ),
        (
            "policy.cache.backoff",
            "\"0s\"",
            c(|s| s.policy.cache.backoff == SimDuration::ZERO),
        ),
        (
            "policy.cache.backoff_max",
            "\"10ms\"",
            c(|s| s.policy.cache.backoff_max == ms(10)),
        ),
        (
            "policy.cache.jitter",
            "\"none\"",
            c(|s| !s.policy.cache.jitter),
        ),
        (
            "policy.cache.retry_budget",
            "1",
            c(|s| s.policy.cache.retry_budget == Some(1.0)),
        ),
        (
            "policy.cache.hedge",
            "\"2ms\"",
            c(|s| s.policy.cache.hedge == Some(Hedge::After(ms(2)))),
        ),
        (
            "policy.cache.breaker_failures",
            "1",
            c(|s| s.policy.cache.breaker.map(|b| b.failures) == Some(1)),
        ),
        (
            "policy.cache.breaker_open",
            "\"100ms\"",
            c(|s| s.policy.cache.breaker.map(|b| b.open_for) == Some(ms(100))),
        ),
        (
            "policy.cache.failover",
            "true",
            c(|s| s.policy.cache.failover),
        ),
        (
            "cost.store_machine_hour",
            "0.5",
            c(|s| s.cost.store_machine_hour == 0.5),
        ),
        (
            "cost.cache_machine_hour",
            "2",
            c(|s| s.cost.cache_machine_hour == 2.0),
        ),
        (
            "cost.worker_machine_hour",
            "0",
            c(|s| s.cost.worker_machine_hour == 0.0),
        ),
        (
            "cost.memory_gb_hour",
            "3.5",
            c(|s| s.cost.memory_gb_hour == 3.5),
        ),
    ];
    // The tail mechanisms' keys follow the cluster's, before the faults'.
    let at = cases.iter().position(|c| c.0 == "faults").unwrap();
    cases.splice(at..at, super::tail_keys::cases());
    cases
}

/// The shipped edge list, by absolute path (a `--set` path is relative to
/// the scenario's directory, and these scenarios have none).
const EDGES: &str = concat!(
    "\"",
    env!("CARGO_MANIFEST_DIR"),
    "/tests/data/edges-small.txt\""
);

/// How a scenario's graph file is loaded, if it has one.
fn file_options(s: &Scenario) -> Option<&fanout::model::graph::LoadOptions> {
    s.population.file.as_ref().map(|f| &f.options)
}

/// A cache path in the temporary directory, as a TOML string (leaked: the
/// cases are `'static`).
fn key_case_cache() -> &'static str {
    let p = std::env::temp_dir().join(format!(
        "fanout-key-case-{}.fanout-graph",
        std::process::id()
    ));
    Box::leak(format!("{:?}", p.display().to_string()).into_boxed_str())
}

/// The other keys a case needs (an event to edit, the right `dist`).
fn prerequisites(key: &str) -> Vec<String> {
    let mut sets = Vec::new();
    if key.starts_with("population.graph.") {
        // The shipped file, without writing a cache beside it.
        if key != "population.graph.file" {
            sets.push(format!("population.graph.file={EDGES}"));
        }
        // (the cache case then sets it elsewhere).
        sets.push("population.graph.cache=off".to_string());
    }
    if let Some(field) = key.strip_prefix("workload.events[].") {
        let base = match field {
            "duration" | "factor" => {
                "{ kind = \"burst\", at = \"1s\", duration = \"1s\", factor = 2 }"
            }
            "kind" => "{ at = \"1s\", duration = \"1s\", factor = 2 }",
            "rank" | "id" => "{ kind = \"tweet\", at = \"1s\" }",
            _ => "{ kind = \"tweet\", at = \"1s\", rank = 1 }",
        };
        sets.push(format!("workload.events[0]={base}"));
    }
    if let Some(field) = key.strip_prefix("faults[].") {
        let (at, kind) = ("at = \"1s\", duration = \"1s\"", "kind = \"crash\"");
        let rest = match field {
            "kind" => format!("target = \"cache\", index = 0, {at}"),
            "target" => format!("{kind}, index = 0, {at}"),
            "index" => format!("kind = \"slow\", target = \"cache\", factor = 2, {at}"),
            "workers" => format!("{kind}, target = \"workers\", {at}"),
            "factor" => format!("kind = \"slow\", target = \"store\", delay = \"1ms\", {at}"),
            "delay" | "probability" => {
                format!("kind = \"slow\", target = \"store\", factor = 2, {at}")
            }
            "drop" => format!("kind = \"network\", delay = \"1ms\", {at}"),
            _ => format!("{kind}, target = \"cache\", index = 0, {at}"),
        };
        sets.push(format!("faults[0]={{ {rest} }}"));
    }
    if let Some(base) = key.strip_suffix(".breaker_open") {
        sets.push(format!("{base}.breaker_failures=5"));
    }
    if key == "population.followers.mean" {
        sets.push("population.users=100000".to_string());
    }
    if key.ends_with(".diurnal_period") || key.ends_with(".peak_factor") {
        sets.push("workload.profile=diurnal".to_string());
    }
    if let Some(base) = key.strip_suffix(".cv") {
        sets.push(format!("{base}.dist=lognormal"));
    }
    if let Some(base) = key.strip_suffix(".alpha") {
        sets.push(format!("{base}.dist=pareto"));
    }
    sets
}

#[test]
fn every_key_changes_what_it_should() {
    let cases = key_cases();
    let documented: Vec<&str> = known_keys().iter().map(|k| k.key).collect();
    let tested: Vec<&str> = cases.iter().map(|c| c.0).collect();
    assert_eq!(
        documented, tested,
        "every known key needs a case, in the same order"
    );
    for (key, value, check) in &cases {
        let mut r = raw("");
        for s in prerequisites(key) {
            r.set(&s).unwrap_or_else(|e| panic!("{key}: {e}"));
        }
        // An entry without a kind or a target does not resolve; compare
        // with the defaults.
        let before = r.resolve().unwrap_or_else(|_| ok(""));
        let path = key.replace("[]", "[0]");
        r.set_value(&path, value)
            .unwrap_or_else(|e| panic!("{key}: {e}"));
        let after = r
            .resolve()
            .unwrap_or_else(|e| panic!("{key} = {value}: {e}"));
        assert!(check(&after), "{key} = {value} did not do what it should");
        if *key != "description" {
            assert_ne!(before, after, "{key} = {value} changed nothing");
        }
    }
}

#[test]
fn the_same_keys_work_in_file_syntax() {
    let s = ok(r#"
name = "storm"
seed = 9
duration = "10s"
warmup = "1s"
strategies = ["write"]

[population]
users = 10_000
followee_exponent = 2.0

[population.followers]
mean = 20
max = 5000

[workload]
tweets_per_sec = 100
reads_per_sec = 1e4
profile = "diurnal"
diurnal_period = "10s"
peak_factor = 3

[[workload.events]]
kind = "tweet"
at = "2s"
id = 17

[[workload.events]]
kind = "burst"
at = "3s"
duration = "1s"
factor = 10

[cluster.network]
one_way = "50us"
jitter = { dist = "lognormal", mean = "20us", cv = 0.3 }

[cluster.tweet_store]
shards = 4
write = { per_request = "1ms", dist = "pareto", alpha = 1.8 }

[cluster.timeline_cache.read]
dist = "const"

[strategy.hybrid]
celebrity_threshold = 1_000
"#);
    assert_eq!(s.name, "storm");
    assert_eq!(s.strategies, [StrategyKind::FanoutOnWrite]);
    assert_eq!(s.population.followers.max, 5000);
    assert_eq!(s.population.followers.mean, Some(20.0));
    assert_eq!(s.workload.reads_per_sec, 10_000.0);
    assert_eq!(
        s.workload.events,
        vec![
            ScheduledEvent::Tweet {
                at: SimDuration::from_secs(2),
                account: AccountRef::Id(17)
            },
            ScheduledEvent::Burst {
                at: SimDuration::from_secs(3),
                duration: SimDuration::from_secs(1),
                factor: 10.0
            },
        ]
    );
    assert_eq!(s.cluster.network.jitter.mean(), us(20));
    assert_eq!(
        s.cluster.network.jitter.shape(),
        Shape::LogNormal { cv: 0.3 }
    );
    let w = &s.cluster.tweet_store.write;
    assert_eq!((w.per_request, w.per_item), (ms(1), SimDuration::ZERO));
    assert_eq!(w.shape.shape(), Shape::Pareto { alpha: 1.8 });
    assert_eq!(s.cluster.timeline_cache.read.shape.shape(), Shape::Const);
    assert_eq!(s.cluster.timeline_cache.read.per_request, us(20));
    assert_eq!(s.strategy.celebrity_threshold, 1000);
}

#[test]
fn numbers_convert_between_integer_and_float_where_exact() {
    let s = ok("population.users = 1e5\nworkload.tweets_per_sec = 5000\nseed = 3.0");
    assert_eq!(
        (s.population.users, s.workload.tweets_per_sec, s.seed),
        (100_000, 5000.0, 3)
    );
    let m = err("population.users = 1.5");
    assert!(
        m.contains("population.users = 1.5: must be an integer from 1 to 200000000"),
        "{m}"
    );
    // The whole u64 range of seeds, the top half written as a string.
    assert_eq!(ok("seed = \"18446744073709551615\"").seed, u64::MAX);
    let mut r = raw("");
    r.set_value("seed", "18446744073709551615").unwrap();
    assert_eq!(r.resolve().unwrap().seed, u64::MAX);
}
