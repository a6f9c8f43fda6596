//! Library-level tests of the scenario format: defaults, every key, `--set`,
//! unknown keys, every validation rule, `describe`, the docs, and a fuzz test
//! that no input panics and every error is one line naming its source.

use fanout::error::FanoutError;
use fanout::model::config::{
    AccountRef, Breaker, ClientPolicy, Fault, FaultKind, FaultTarget, GraphMode, Hedge,
    RateProfile, Scenario, ScheduledEvent, StrategyKind,
};
use fanout::scenario::{RawScenario, describe, known_keys};
use fanout::sim::dist::{ServiceDist, Shape};
use fanout::sim::time::SimDuration;
use proptest::prelude::*;
use std::collections::BTreeMap;

const SRC: &str = "scenarios/x.toml";

fn raw(text: &str) -> RawScenario {
    RawScenario::from_str(text, SRC).unwrap_or_else(|e| panic!("{e}"))
}

fn ok(text: &str) -> Scenario {
    raw(text).resolve().unwrap_or_else(|e| panic!("{e}"))
}

fn with_sets(text: &str, sets: &[&str]) -> Result<Scenario, String> {
    let mut r = RawScenario::from_str(text, SRC).map_err(|e| e.to_string())?;
    for s in sets {
        r.set(s).map_err(|e| e.to_string())?;
    }
    r.resolve().map_err(|e| e.to_string())
}

/// The error message of an input that must be refused, checked for the
/// contract: exit 2, one line, names the source.
fn err(text: &str) -> String {
    match RawScenario::from_str(text, SRC).and_then(|r| r.resolve()) {
        Ok(_) => panic!("accepted:\n{text}"),
        Err(e) => checked(e),
    }
}

fn err_set(text: &str, sets: &[&str]) -> String {
    let mut r = raw(text);
    for s in sets {
        if let Err(e) = r.set(s) {
            return checked(e);
        }
    }
    match r.resolve() {
        Ok(_) => panic!("accepted with {sets:?}:\n{text}"),
        Err(e) => checked(e),
    }
}

fn checked(e: FanoutError) -> String {
    assert_eq!(e.exit_code(), 2, "{e}");
    let m = e.to_string();
    assert!(!m.contains('\n'), "not one line: {m}");
    assert!(m.starts_with(SRC), "does not name the source: {m}");
    m
}

fn ms(n: u64) -> SimDuration {
    SimDuration::from_millis(n)
}
fn us(n: u64) -> SimDuration {
    SimDuration::from_micros(n)
}

// ----- defaults --------------------------------------------------------------

#[test]
fn defaults_resolve_to_ddia_twitter() {
    let s = ok("");
    assert_eq!(s.name, "x");
    assert_eq!(s.seed, 1);
    assert_eq!(s.duration, SimDuration::from_secs(60));
    assert_eq!(s.warmup, SimDuration::from_secs(5));
    assert_eq!(s.strategies, StrategyKind::ALL.to_vec());
    let p = &s.population;
    assert_eq!(p.users, 1_000_000);
    assert!(
        (p.followers.exponent - 0.8832).abs() < 1e-3,
        "{}",
        p.followers.exponent
    );
    assert_eq!(p.followers.mean, Some(35.0));
    assert_eq!(p.followers.max, 999_999);
    assert_eq!(p.followee_exponent, 2.28);
    assert_eq!(p.author_activity_exponent, 0.165);
    assert_eq!(p.reader_activity_exponent, 0.0);
    let w = &s.workload;
    assert_eq!(w.tweets_per_sec, 4600.0);
    assert_eq!(w.reads_per_sec, 300_000.0);
    assert_eq!(w.profile, RateProfile::Constant);
    assert!(w.events.is_empty());
    let c = &s.cluster;
    assert_eq!(c.network.one_way, us(100));
    assert_eq!(
        (c.network.jitter.mean(), c.network.jitter.shape()),
        (us(100), Shape::Exp)
    );
    let lognormal =
        |cv| ServiceDist::new(SimDuration::from_secs(1), Shape::LogNormal { cv }).unwrap();
    let st = &c.tweet_store;
    assert_eq!(
        (st.tier.shards, st.tier.servers, st.tier.queue_limit),
        (16, 48, None)
    );
    assert_eq!(
        (st.write.per_request, st.write.per_item),
        (us(200), SimDuration::ZERO)
    );
    assert_eq!(st.write.shape, lognormal(1.0));
    assert_eq!((st.read.per_request, st.read.per_item), (us(100), us(10)));
    assert_eq!(st.read.shape, lognormal(1.0));
    let tc = &c.timeline_cache;
    assert_eq!(
        (tc.tier.shards, tc.tier.servers, tc.tier.queue_limit),
        (16, 1, None)
    );
    assert_eq!((tc.replicas, tc.max_entries), (3, 800));
    assert_eq!(
        (tc.read.per_request, tc.read.per_item),
        (us(20), SimDuration::from_nanos(25))
    );
    assert_eq!(tc.read.shape, lognormal(0.5));
    assert_eq!((tc.write.per_request, tc.write.per_item), (us(10), us(2)));
    assert_eq!(tc.write.shape, lognormal(0.5));
    let fw = &c.fanout_workers;
    assert_eq!((fw.workers, fw.batch, fw.queue_limit), (16, 4000, None));
    assert_eq!(
        (fw.service.per_request, fw.service.per_item),
        (us(50), us(3))
    );
    assert_eq!(fw.service.shape, lognormal(0.5));
    assert_eq!(c.merge_per_item, SimDuration::from_nanos(100));
    assert_eq!(s.strategy.celebrity_threshold, 10_000);
    assert_eq!(
        (fw.retry_after, fw.idempotency_key),
        (SimDuration::from_secs(1), true)
    );
    assert!(s.faults.is_empty());
    let off = ClientPolicy {
        timeout: None,
        retries: 0,
        backoff: ms(10),
        backoff_max: SimDuration::from_secs(1),
        jitter: true,
        retry_budget: None,
        hedge: None,
        breaker: None,
        failover: false,
    };
    assert_eq!((&s.policy.store, &s.policy.cache), (&off, &off));
    assert!(!s.has_resilience());
}

#[test]
fn small_populations_cap_max_at_users_minus_one_and_large_ones_at_30m() {
    assert_eq!(ok("population.users = 1").population.followers.max, 0);
    assert_eq!(ok("population.users = 100").population.followers.max, 99);
    let big = ok("population.users = 100_000_000");
    assert_eq!(big.population.followers.max, 30_000_000);
}

#[test]
fn name_defaults_to_the_file_stem_and_files_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("celebrity-storm.toml");
    std::fs::write(&path, "seed = 7\n").unwrap();
    let r = RawScenario::from_file(&path).unwrap();
    assert_eq!(r.source(), path.display().to_string());
    let s = r.resolve().unwrap();
    assert_eq!((s.name.as_str(), s.seed), ("celebrity-storm", 7));
    std::fs::write(&path, "name = \"storm\"\ndescription = \"what\"\n").unwrap();
    let r = RawScenario::from_file(&path).unwrap();
    assert_eq!(r.description(), Some("what"));
    assert_eq!(r.resolve().unwrap().name, "storm");

    let missing = dir.path().join("nope.toml");
    let e = RawScenario::from_file(&missing).unwrap_err();
    assert_eq!(e.exit_code(), 2);
    let m = e.to_string();
    assert!(
        m.starts_with(&format!("{}: cannot read: ", missing.display())),
        "{m}"
    );
    assert!(!m.contains('\n'));
}

#[test]
fn syntax_errors_are_one_line_with_line_and_column() {
    let e = RawScenario::from_str("seed = 1\n[workload]\ntweets_per_sec = = 3\n", SRC).unwrap_err();
    let m = checked(e);
    assert!(m.starts_with("scenarios/x.toml: line 3, column "), "{m}");
    let m = checked(RawScenario::from_str("a = 1\na = 2\n", SRC).unwrap_err());
    assert!(m.contains("line 2"), "{m}");
}

// ----- every key does what it says -------------------------------------------

/// A non-default value for every key, and what it must do to the scenario.
/// The test below fails when a key is added to the format without a case here.
#[allow(clippy::type_complexity)]
fn key_cases() -> Vec<(&'static str, &'static str, Box<dyn Fn(&Scenario) -> bool>)> {
    let c = |f: fn(&Scenario) -> bool| -> Box<dyn Fn(&Scenario) -> bool> { Box::new(f) };
    vec![
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
    ]
}

/// The other keys a case needs (an event to edit, the right `dist`).
fn prerequisites(key: &str) -> Vec<String> {
    let mut sets = Vec::new();
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

// ----- --set -------------------------------------------------------------------

#[test]
fn set_edits_existing_nested_and_new_keys() {
    let base = "[workload]\ntweets_per_sec = 100.0\n";
    let s = with_sets(
        base,
        &[
            "workload.tweets_per_sec=12000",
            "cluster.timeline_cache.replicas=5",
            "duration=30s",
            "name=run-1",
            "description=two words",
            "cluster.tweet_store.write={ dist = \"exp\", per_request = \"1ms\" }",
            "cluster.fanout_workers.service.cv=0.75",
            "strategy.hybrid.celebrity_threshold = 100",
        ],
    )
    .unwrap();
    assert_eq!(s.workload.tweets_per_sec, 12000.0);
    assert_eq!(s.cluster.timeline_cache.replicas, 5);
    assert_eq!(s.duration, SimDuration::from_secs(30));
    assert_eq!(s.name, "run-1");
    assert_eq!(s.cluster.tweet_store.write.per_request, ms(1));
    assert_eq!(s.cluster.tweet_store.write.shape.shape(), Shape::Exp);
    assert_eq!(
        s.cluster.fanout_workers.service.shape.shape(),
        Shape::LogNormal { cv: 0.75 }
    );
    assert_eq!(s.strategy.celebrity_threshold, 100);
}

#[test]
fn set_builds_and_edits_events() {
    let s = with_sets(
        "",
        &[
            "workload.events[0].kind=tweet",
            "workload.events[0].at=30s",
            "workload.events[0].rank=1",
            "workload.events[1]={ kind = \"burst\", at = \"20s\", duration = \"10s\", factor = 3 }",
            "workload.events[1].factor=4",
        ],
    )
    .unwrap();
    assert_eq!(
        s.workload.events,
        vec![
            ScheduledEvent::Tweet {
                at: SimDuration::from_secs(30),
                account: AccountRef::Rank(1)
            },
            ScheduledEvent::Burst {
                at: SimDuration::from_secs(20),
                duration: SimDuration::from_secs(10),
                factor: 4.0
            },
        ]
    );
    let s = with_sets("", &["workload.events=[]"]).unwrap();
    assert!(s.workload.events.is_empty());
    let m = err_set("", &["workload.events[1].at=1s"]);
    assert!(m.contains("index must be at most 0"), "{m}");
}

#[test]
fn set_builds_and_edits_faults_and_policies() {
    let s = with_sets(
        "",
        &[
            "faults[0].kind=crash",
            "faults[0].target=workers",
            "faults[0].workers=2",
            "faults[0].at=30s",
            "faults[0].duration=5s",
            "faults[1]={ kind = \"slow\", target = \"store\", factor = 4, at = \"1s\", duration = \"2s\" }",
            "faults[1].at=10s",
            "policy.store.timeout=50ms",
            "policy.store.hedge=\"p95\"",
            "policy.cache.hedge=p99",
            "policy.cache.jitter=none",
            "policy.cache.failover=true",
            "cluster.fanout_workers.retry_after=30s",
            "cluster.fanout_workers.idempotency_key=false",
        ],
    )
    .unwrap();
    assert_eq!(
        s.faults,
        vec![
            Fault {
                at: SimDuration::from_secs(30),
                duration: SimDuration::from_secs(5),
                kind: FaultKind::CrashWorkers {
                    workers: 2,
                    lose_data: false
                },
            },
            Fault {
                at: SimDuration::from_secs(10),
                duration: SimDuration::from_secs(2),
                kind: FaultKind::Slow {
                    target: FaultTarget::Store,
                    index: None,
                    factor: 4.0,
                    delay: SimDuration::ZERO,
                    probability: 1.0
                },
            },
        ]
    );
    assert_eq!(s.policy.store.timeout, Some(ms(50)));
    assert_eq!(s.policy.store.hedge, Some(Hedge::Quantile(0.95)));
    assert_eq!(s.policy.cache.hedge, Some(Hedge::Quantile(0.99)));
    assert!(!s.policy.cache.jitter && s.policy.cache.failover);
    assert_eq!(
        s.cluster.fanout_workers.retry_after,
        SimDuration::from_secs(30)
    );
    assert!(!s.cluster.fanout_workers.idempotency_key);
    assert!(s.has_resilience());
    // Replacing the whole array removes every fault.
    let file = "[[faults]]\nkind = \"network\"\ndrop = 0.1\nat = \"1s\"\nduration = \"1s\"\n";
    assert_eq!(ok(file).faults.len(), 1);
    assert_eq!(with_sets(file, &["faults=[]"]).unwrap(), ok(""));
    let m = err_set("", &["faults[1].at=1s"]);
    assert!(m.contains("index must be at most 0"), "{m}");
    let m = err_set("", &["faults.at=1s"]);
    assert!(m.contains("name one fault, as in faults[0].at"), "{m}");
    let m = err_set("", &["faults[0].when=1s"]);
    assert!(
        m.contains("unknown key 'faults[0].when' (keys in [[faults]]: kind, target, at,"),
        "{m}"
    );
    let m = err_set("", &["policy.store.failover=true"]);
    assert!(
        m.contains("unknown key 'policy.store.failover'; did you mean 'policy.cache.failover'?"),
        "{m}"
    );
    let m = err_set("", &["policy.store.hedge=fast"]);
    assert!(m.ends_with("(from --set)"), "{m}");
}

#[test]
fn explicit_default_policies_and_no_faults_equal_an_empty_scenario() {
    let explicit = ok(r#"
faults = []
[policy.store]
retries = 0
backoff = "10ms"
backoff_max = "1s"
jitter = "full"
hedge = "off"
breaker_failures = 0
breaker_open = "1s"
[policy.cache]
retries = 0
backoff = "10ms"
backoff_max = "1s"
jitter = "full"
hedge = "off"
breaker_failures = 0
breaker_open = "1s"
failover = false
"#);
    assert_eq!(explicit, ok(""));
    assert_eq!(ok("faults = []"), ok(""));
    assert!(ok("faults = []").faults.is_empty());
}

#[test]
fn unknown_keys_inside_faults_and_policies_are_refused() {
    let m = err(
        "[[faults]]\nkind = \"crash\"\ntarget = \"cache\"\nindex = 0\nat = \"1s\"\nduration = \"1s\"\n[[faults]]\nkind = \"crash\"\nmachine = 2\n",
    );
    assert!(
        m.contains("unknown key 'faults[1].machine' (keys in [[faults]]: kind, target, at, duration, index, workers, lose_data, factor, delay, probability, drop)"),
        "{m}"
    );
    let m = err("[[faults]]\nkind = \"slow\"\nfactr = 2\n");
    assert!(
        m.contains("unknown key 'faults[0].factr'; did you mean 'faults[0].factor'?"),
        "{m}"
    );
    let m = err("[policy.cache]\nretires = 2\n");
    assert!(
        m.contains("unknown key 'policy.cache.retires'; did you mean 'policy.cache.retries'?"),
        "{m}"
    );
    let m = err("[policy.disk]\nretries = 2\n");
    assert!(m.contains("unknown key 'policy.disk'"), "{m}");
    assert!(m.contains("(keys in [policy]: store, cache)"), "{m}");
}

#[test]
fn docs_examples_resolve() {
    let doc =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/scenario.md")).unwrap();
    let blocks: Vec<&str> = doc
        .split("```toml\n")
        .skip(1)
        .map(|b| b.split("```").next().unwrap())
        .collect();
    assert!(blocks.len() >= 3, "{}", blocks.len());
    for b in blocks {
        raw(b).resolve().unwrap_or_else(|e| panic!("{e}\n{b}"));
    }
}

#[test]
fn cli_overrides_for_seed_duration_and_strategy() {
    let mut r = raw("seed = 5\nduration = \"60s\"");
    r.set_value("seed", "17").unwrap();
    r.set_value("duration", "2s").unwrap();
    r.set_value("strategies", "[\"read\", \"hybrid\"]").unwrap();
    let s = r.resolve().unwrap();
    assert_eq!(s.seed, 17);
    assert_eq!(s.duration, SimDuration::from_secs(2));
    assert_eq!(
        s.strategies,
        [StrategyKind::FanoutOnRead, StrategyKind::Hybrid]
    );
    assert_eq!(
        with_sets("", &["strategies=write,read"])
            .unwrap()
            .strategies,
        [StrategyKind::FanoutOnWrite, StrategyKind::FanoutOnRead]
    );
    assert_eq!(
        with_sets("", &["strategies=hybrid"]).unwrap().strategies,
        [StrategyKind::Hybrid]
    );
}

#[test]
fn set_is_refused_when_malformed_or_unknown() {
    for (assignment, expect) in [
        ("duration", "--set duration: expected KEY=VALUE"),
        ("=5", "expected KEY=VALUE"),
        ("a..b=1", "a part of the key is empty"),
        (
            "workload.tweet_per_sec=5",
            "unknown key 'workload.tweet_per_sec'; did you mean 'workload.tweets_per_sec'?",
        ),
        (
            "workloads.tweets_per_sec=5",
            "unknown key 'workloads'; did you mean 'workload'?",
        ),
        ("seed.x=1", "'seed' is a value, not a table"),
        ("seed[0]=1", "'seed' is not an array"),
        (
            "workload.events.at=1s",
            "name one event, as in workload.events[0].at",
        ),
        (
            "workload.events[0].rnak=1",
            "unknown key 'workload.events[0].rnak'; did you mean 'workload.events[0].rank'?",
        ),
    ] {
        let m = err_set("", &[assignment]);
        assert!(m.contains(expect), "{assignment}: {m}");
    }
    // A key path through a value is refused when the file holds a value there.
    let m = err_set("[cluster]\nnetwork = 5\n", &["cluster.network.one_way=1ms"]);
    assert!(m.contains("'cluster.network' holds 5, not a table"), "{m}");
    // A refused --set leaves the scenario unchanged.
    let mut r = raw("");
    assert!(r.set("workload.events[3].at=1s").is_err());
    assert!(r.resolve().unwrap().workload.events.is_empty());
}

#[test]
fn values_from_set_are_checked_and_marked() {
    let m = err_set("", &["workload.tweets_per_sec=-5"]);
    assert_eq!(
        m,
        "scenarios/x.toml: workload.tweets_per_sec = -5: must be a finite number > 0 and at most 1e8 (posts per simulated second) (from --set)"
    );
    let m = err_set("", &["duration=60"]);
    assert!(
        m.starts_with("scenarios/x.toml: duration = 60: must be a duration > 0 with a unit"),
        "{m}"
    );
    assert!(m.ends_with("(from --set)"), "{m}");
    let m = err("workload.tweets_per_sec = -5");
    assert!(!m.contains("--set"), "{m}");
}

// ----- unknown keys ------------------------------------------------------------

#[test]
fn unknown_keys_name_the_dotted_path() {
    let m = err("seeed = 1");
    assert!(m.starts_with("scenarios/x.toml: unknown key 'seeed'; did you mean 'seed'? (top-level keys: name, description, seed,"), "{m}");
    let m = err("[workload]\ntweet_per_sec = 5");
    assert_eq!(
        m,
        "scenarios/x.toml: unknown key 'workload.tweet_per_sec'; did you mean 'workload.tweets_per_sec'? (keys in [workload]: tweets_per_sec, reads_per_sec, profile, diurnal_period, peak_factor, events)"
    );
    let m = err("[cluster.timeline_cache]\nreplica = 2");
    assert!(
        m.contains(
            "'cluster.timeline_cache.replica'; did you mean 'cluster.timeline_cache.replicas'?"
        ),
        "{m}"
    );
    let m = err("[cluster.tweet_store.write]\nmean = \"1ms\"");
    assert!(
        m.contains("unknown key 'cluster.tweet_store.write.mean'"),
        "{m}"
    );
    assert!(
        m.contains("keys in [cluster.tweet_store.write]: per_request, per_item, dist, cv, alpha"),
        "{m}"
    );
    let m =
        err("[cluster.network]\njitter = { dist = \"exp\", mean = \"1ms\", per_item = \"1us\" }");
    assert!(
        m.contains("unknown key 'cluster.network.jitter.per_item'"),
        "{m}"
    );
    let m = err(
        "[[workload.events]]\nkind = \"tweet\"\nat = \"1s\"\nrank = 1\n[[workload.events]]\nkind = \"tweet\"\nwhen = \"1s\"\n",
    );
    assert!(m.contains("unknown key 'workload.events[1].when'"), "{m}");
    assert!(
        m.contains("(keys in [[workload.events]]: kind, at, rank, id, duration, factor)"),
        "{m}"
    );
    let m = err("[workload]\nusers = 5");
    assert!(m.contains("did you mean 'population.users'?"), "{m}");
    let m = err("[strategy.hybird]\ncelebrity_threshold = 5");
    assert!(
        m.contains("unknown key 'strategy.hybird'; did you mean 'strategy.hybrid'?"),
        "{m}"
    );
    let m = err("\"odd key\" = 1");
    assert!(m.contains("unknown key '\"odd key\"'"), "{m}");
}

#[test]
fn values_where_tables_belong_are_refused() {
    let m = err("population = 5");
    assert!(
        m.contains("population = 5: must be a table with keys users,"),
        "{m}"
    );
    let m = err("[population]\nfollowers = 35");
    assert!(
        m.contains("population.followers = 35: must be a table with keys exponent, mean, max"),
        "{m}"
    );
    let m = err("[cluster.tweet_store]\nwrite = \"exp\"");
    assert!(
        m.contains("cluster.tweet_store.write = \"exp\": must be a table"),
        "{m}"
    );
    let m = err("[workload]\nevents = 3");
    assert!(
        m.contains("workload.events = 3: must be zero or more [[workload.events]] tables"),
        "{m}"
    );
    let m = err("[workload]\nevents = [1]");
    assert!(
        m.contains("workload.events[0] = 1: must be a table with keys kind, at"),
        "{m}"
    );
}

// ----- every validation rule ---------------------------------------------------

/// (input, text the message must contain). Each case breaks one rule.
const REFUSED: &[(&str, &str)] = &[
    // top level
    ("name = \"\"", "name = \"\": must be a non-empty string"),
    ("name = 5", "name = 5: must be a non-empty string"),
    ("name = \"a\\nb\"", "name = \"a\\nb\": must be"),
    ("description = 5", "description = 5: must be a string"),
    (
        "seed = -1",
        "seed = -1: must be an integer from 0 to 18446744073709551615",
    ),
    ("seed = \"x\"", "seed = \"x\": must be an integer"),
    ("seed = 1.5", "seed = 1.5: must be an integer"),
    (
        "duration = \"0s\"",
        "duration = \"0s\": must be a duration > 0",
    ),
    (
        "duration = 60",
        "duration = 60: must be a duration > 0 with a unit",
    ),
    (
        "duration = \"60\"",
        "duration = \"60\": '60' is not a duration (a unit is missing)",
    ),
    ("duration = \"5 parsecs\"", "the unit is not known"),
    (
        "duration = \"-1s\"",
        "duration = \"-1s\": '-1s' is not a duration",
    ),
    ("warmup = \"x\"", "warmup = \"x\": 'x' is not a duration"),
    (
        "duration = \"8760h\"\nwarmup = \"1s\"",
        "duration = \"8760h\": warmup + duration must be at most 8760h",
    ),
    (
        "duration = \"100000000000h\"",
        "is not a duration (it is too long)",
    ),
    (
        "strategies = []",
        "strategies = []: must be a non-empty list",
    ),
    (
        "strategies = \"\"",
        "strategies[0] = \"\": must be a non-empty list",
    ),
    (
        "strategies = [\"push\"]",
        "strategies[0] = \"push\": must be a non-empty list of distinct names",
    ),
    ("strategies = [\"read\", 5]", "strategies[1] = 5: must be"),
    (
        "strategies = [\"read\", \"fanout-on-read\"]",
        "lists fanout-on-read twice",
    ),
    ("strategies = 3", "strategies = 3: must be a non-empty list"),
    // population
    (
        "population.users = 0",
        "population.users = 0: must be an integer from 1 to 200000000",
    ),
    (
        "population.users = 200_000_001",
        "population.users = 200000001: must be an integer from 1 to 200000000",
    ),
    (
        "population.users = \"many\"",
        "population.users = \"many\": must be an integer",
    ),
    (
        "population.users = nan",
        "population.users = nan: must be an integer",
    ),
    (
        "population.followee_exponent = 1",
        "population.followee_exponent = 1: must be a finite number > 1",
    ),
    (
        "population.followee_exponent = inf",
        "population.followee_exponent = inf: must be a finite number > 1",
    ),
    (
        "population.author_activity_exponent = -0.1",
        "population.author_activity_exponent = -0.1: must be a number from 0 to 3",
    ),
    (
        "population.author_activity_exponent = 3.5",
        "must be a number from 0 to 3",
    ),
    (
        "population.reader_activity_exponent = nan",
        "population.reader_activity_exponent = nan: must be a number from 0 to 3",
    ),
    (
        "population.followers.exponent = 0",
        "population.followers.exponent = 0: must be a finite number > 0 and at most 10",
    ),
    (
        "population.followers.exponent = 10.5",
        "must be a finite number > 0 and at most 10",
    ),
    (
        "population.followers.exponent = nan",
        "population.followers.exponent = nan: must be",
    ),
    (
        "population.followers = { exponent = 2.0, mean = 35.0 }",
        "population.followers.exponent = 2.0 and population.followers.mean = 35.0: give one or the other, not both",
    ),
    (
        "population.followers.mean = 0",
        "population.followers.mean = 0: must be a finite number > 0",
    ),
    (
        "population.followers.mean = -inf",
        "population.followers.mean = -inf: must be",
    ),
    (
        "population.users = 100\npopulation.followers.mean = 500",
        "population.followers.mean = 500: ",
    ),
    (
        "population.followers.max = 5000000",
        "population.followers.max = 5000000: must be at most population.users - 1 = 999999",
    ),
    (
        "population.followers.max = -1",
        "population.followers.max = -1: must be an integer from 0 to population.users - 1 = 999999",
    ),
    (
        "population.followers.max = 1e20",
        "population.followers.max = 1e20: must be an integer",
    ),
    // workload
    (
        "workload.tweets_per_sec = -5",
        "workload.tweets_per_sec = -5: must be a finite number > 0 and at most 1e8 (posts per simulated second)",
    ),
    (
        "workload.tweets_per_sec = 0",
        "workload.tweets_per_sec = 0: must be",
    ),
    (
        "workload.tweets_per_sec = inf",
        "workload.tweets_per_sec = inf: must be",
    ),
    (
        "workload.tweets_per_sec = \"fast\"",
        "workload.tweets_per_sec = \"fast\": must be a finite number",
    ),
    (
        "workload.tweets_per_sec = 1e9",
        "workload.tweets_per_sec = 1000000000.0: must be",
    ),
    (
        "workload.reads_per_sec = -1",
        "workload.reads_per_sec = -1: must be a finite number >= 0 and at most 1e9",
    ),
    (
        "workload.reads_per_sec = nan",
        "workload.reads_per_sec = nan: must be",
    ),
    (
        "workload.profile = \"weekly\"",
        "workload.profile = \"weekly\": must be one of \"constant\", \"diurnal\"",
    ),
    (
        "workload.peak_factor = 3",
        "workload.peak_factor = 3: only used with workload.profile = \"diurnal\"",
    ),
    (
        "workload.diurnal_period = \"1h\"",
        "workload.diurnal_period = \"1h\": only used with workload.profile = \"diurnal\"",
    ),
    (
        "workload.profile = \"diurnal\"\nworkload.diurnal_period = \"0s\"",
        "workload.diurnal_period = \"0s\": must be a duration > 0",
    ),
    (
        "workload.profile = \"diurnal\"\nworkload.peak_factor = 0.5",
        "workload.peak_factor = 0.5: must be a number from 1 to 100",
    ),
    (
        "workload.profile = \"diurnal\"\nworkload.peak_factor = 101",
        "must be a number from 1 to 100",
    ),
    // events
    (
        "[[workload.events]]\nat = \"1s\"\nrank = 1",
        "workload.events[0].kind is missing: it must be given, as one of \"tweet\", \"burst\"",
    ),
    (
        "[[workload.events]]\nkind = \"retweet\"\nat = \"1s\"",
        "workload.events[0].kind = \"retweet\": must be one of \"tweet\", \"burst\"",
    ),
    (
        "[[workload.events]]\nkind = \"tweet\"\nrank = 1",
        "workload.events[0].at is missing",
    ),
    (
        "[[workload.events]]\nkind = \"tweet\"\nat = 5\nrank = 1",
        "workload.events[0].at = 5: must be a duration >= 0 with a unit",
    ),
    (
        "[[workload.events]]\nkind = \"tweet\"\nat = \"65s\"\nrank = 1",
        "workload.events[0].at = \"65s\": must be before the end of the run, warmup + duration = 65s",
    ),
    (
        "[[workload.events]]\nkind = \"tweet\"\nat = \"1s\"",
        "workload.events[0]: a tweet event needs rank",
    ),
    (
        "[[workload.events]]\nkind = \"tweet\"\nat = \"1s\"\nrank = 1\nid = 2",
        "workload.events[0].rank = 1 and workload.events[0].id = 2: give rank or id, not both",
    ),
    (
        "[[workload.events]]\nkind = \"tweet\"\nat = \"1s\"\nrank = 0",
        "workload.events[0].rank = 0: must be an integer from 1 to population.users = 1000000",
    ),
    (
        "[[workload.events]]\nkind = \"tweet\"\nat = \"1s\"\nrank = 1000001",
        "must be an integer from 1 to population.users = 1000000",
    ),
    (
        "[[workload.events]]\nkind = \"tweet\"\nat = \"1s\"\nid = 1000000",
        "workload.events[0].id = 1000000: must be an integer from 0 to population.users - 1 = 999999",
    ),
    (
        "[[workload.events]]\nkind = \"tweet\"\nat = \"1s\"\nid = -3",
        "workload.events[0].id = -3: must be",
    ),
    (
        "[[workload.events]]\nkind = \"tweet\"\nat = \"1s\"\nrank = 1\nfactor = 2",
        "workload.events[0].factor = 2: only used with workload.events[0].kind = \"burst\"",
    ),
    (
        "[[workload.events]]\nkind = \"tweet\"\nat = \"1s\"\nrank = 1\nduration = \"1s\"",
        "workload.events[0].duration = \"1s\": only used with",
    ),
    (
        "[[workload.events]]\nkind = \"burst\"\nat = \"1s\"\nduration = \"1s\"\nfactor = 2\nrank = 1",
        "workload.events[0].rank = 1: only used with workload.events[0].kind = \"tweet\"",
    ),
    (
        "[[workload.events]]\nkind = \"burst\"\nat = \"1s\"\nfactor = 2",
        "workload.events[0].duration is missing",
    ),
    (
        "[[workload.events]]\nkind = \"burst\"\nat = \"1s\"\nduration = \"0s\"\nfactor = 2",
        "workload.events[0].duration = \"0s\": must be a duration > 0",
    ),
    (
        "[[workload.events]]\nkind = \"burst\"\nat = \"1s\"\nduration = \"1s\"",
        "workload.events[0].factor is missing",
    ),
    (
        "[[workload.events]]\nkind = \"burst\"\nat = \"1s\"\nduration = \"1s\"\nfactor = 0",
        "workload.events[0].factor = 0: must be a finite number > 0 and at most 1000",
    ),
    (
        "[[workload.events]]\nkind = \"burst\"\nat = \"1s\"\nduration = \"1s\"\nfactor = 1001",
        "must be a finite number > 0 and at most 1000",
    ),
    // cluster
    (
        "cluster.network.one_way = 100",
        "cluster.network.one_way = 100: must be a duration >= 0 with a unit",
    ),
    (
        "cluster.network.jitter = { dist = \"gauss\" }",
        "cluster.network.jitter.dist = \"gauss\": must be one of \"const\", \"exp\", \"lognormal\", \"pareto\"",
    ),
    (
        "cluster.network.jitter = { dist = \"exp\", cv = 1.0 }",
        "cluster.network.jitter.cv = 1.0: only used with dist = \"lognormal\" (cluster.network.jitter.dist is \"exp\")",
    ),
    (
        "cluster.network.jitter = { dist = \"lognormal\", alpha = 2.0 }",
        "cluster.network.jitter.alpha = 2.0: only used with dist = \"pareto\"",
    ),
    (
        "cluster.network.jitter = { dist = \"lognormal\", cv = 0 }",
        "cluster.network.jitter.cv = 0: must be a finite number > 0",
    ),
    (
        "cluster.network.jitter = { mean = \"-1us\" }",
        "cluster.network.jitter.mean = \"-1us\": '-1us' is not a duration",
    ),
    (
        "cluster.tweet_store.shards = 0",
        "cluster.tweet_store.shards = 0: must be an integer from 1 to 100000",
    ),
    (
        "cluster.tweet_store.shards = 100001",
        "must be an integer from 1 to 100000",
    ),
    (
        "cluster.tweet_store.servers = 0",
        "cluster.tweet_store.servers = 0: must be an integer from 1 to 10000",
    ),
    (
        "cluster.tweet_store.queue_limit = -1",
        "cluster.tweet_store.queue_limit = -1: must be an integer from 0 (unbounded) to 4294967295",
    ),
    (
        "cluster.tweet_store.queue_limit = 4294967296",
        "must be an integer from 0 (unbounded)",
    ),
    (
        "cluster.tweet_store.write = { per_request = 5 }",
        "cluster.tweet_store.write.per_request = 5: must be a duration >= 0",
    ),
    (
        "cluster.tweet_store.read = { per_item = \"2\" }",
        "cluster.tweet_store.read.per_item = \"2\": '2' is not a duration",
    ),
    (
        "cluster.tweet_store.read = { dist = \"exp\", cv = 2 }",
        "cluster.tweet_store.read.cv = 2: only used with dist = \"lognormal\"",
    ),
    (
        "cluster.tweet_store.read = { dist = \"pareto\", alpha = 1.0 }",
        "cluster.tweet_store.read.alpha = 1.0: must be a finite number > 1 and at most 100",
    ),
    (
        "cluster.tweet_store.read = { dist = \"pareto\", alpha = nan }",
        "cluster.tweet_store.read.alpha = nan: must be",
    ),
    (
        "cluster.tweet_store.read = { cv = inf }",
        "cluster.tweet_store.read.cv = inf: must be a finite number > 0 and at most 100",
    ),
    (
        "cluster.timeline_cache.replicas = 0",
        "cluster.timeline_cache.replicas = 0: must be an integer from 1 to 16",
    ),
    (
        "cluster.timeline_cache.replicas = 17",
        "must be an integer from 1 to 16",
    ),
    (
        "cluster.timeline_cache.max_entries = 0",
        "cluster.timeline_cache.max_entries = 0: must be an integer from 1 to 1000000",
    ),
    (
        "cluster.timeline_cache.servers = 10001",
        "cluster.timeline_cache.servers = 10001: must be",
    ),
    (
        "cluster.timeline_cache.write = { dist = 1 }",
        "cluster.timeline_cache.write.dist = 1: must be one of",
    ),
    (
        "cluster.fanout_workers.workers = 0",
        "cluster.fanout_workers.workers = 0: must be an integer from 1 to 1000000",
    ),
    (
        "cluster.fanout_workers.batch = 0",
        "cluster.fanout_workers.batch = 0: must be an integer from 1 to 4294967295",
    ),
    (
        "cluster.fanout_workers.queue_limit = 1.5",
        "cluster.fanout_workers.queue_limit = 1.5: must be an integer",
    ),
    (
        "cluster.fanout_workers.service = { dist = \"const\", alpha = 2 }",
        "cluster.fanout_workers.service.alpha = 2: only used with dist = \"pareto\"",
    ),
    (
        "cluster.client.merge_per_item = true",
        "cluster.client.merge_per_item = true: must be a duration",
    ),
    (
        "cluster.timeline_cache.machines = 2",
        "cluster.timeline_cache.replicas = 3 is more than cluster.timeline_cache.machines = 2",
    ),
    (
        "cluster.timeline_cache.machines = 49",
        "cluster.timeline_cache.machines = 49: must be an integer from 1 to shards x replicas = 48",
    ),
    (
        "strategy.hybrid.celebrity_threshold = -1",
        "strategy.hybrid.celebrity_threshold = -1: must be an integer from 0 to 4294967295",
    ),
    (
        "strategy.hybrid.celebrity_threshold = 4294967296",
        "must be an integer from 0 to 4294967295",
    ),
    (
        "cluster.fanout_workers.retry_after = \"0s\"",
        "cluster.fanout_workers.retry_after = \"0s\": must be a duration > 0 with a unit",
    ),
    (
        "cluster.fanout_workers.idempotency_key = \"yes\"",
        "cluster.fanout_workers.idempotency_key = \"yes\": must be true or false",
    ),
    // faults
    (
        "faults = 3",
        "faults = 3: must be zero or more [[faults]] tables",
    ),
    (
        "faults = [1]",
        "faults[0] = 1: must be a table with keys kind, target, at",
    ),
    (
        "[[faults]]\nat = \"1s\"\nduration = \"1s\"",
        "faults[0].kind is missing: it must be given, as one of \"crash\", \"slow\", \"network\"",
    ),
    (
        "[[faults]]\nkind = \"explode\"",
        "faults[0].kind = \"explode\": must be one of \"crash\", \"slow\", \"network\"",
    ),
    (
        "[[faults]]\nkind = \"network\"\nat = \"65s\"\nduration = \"1s\"\ndrop = 0.1",
        "faults[0].at = \"65s\": must be before the end of the run, warmup + duration = 65s",
    ),
    (
        "[[faults]]\nkind = \"network\"\nat = \"1s\"\ndrop = 0.1",
        "faults[0].duration is missing",
    ),
    (
        "[[faults]]\nkind = \"network\"\nat = \"1s\"\nduration = \"0s\"\ndrop = 0.1",
        "faults[0].duration = \"0s\": must be a duration > 0 with a unit",
    ),
    (
        "[[faults]]\nkind = \"crash\"\nat = \"1s\"\nduration = \"1s\"\nindex = 0",
        "faults[0].target is missing: it must be given, as one of \"store\", \"cache\", \"workers\"",
    ),
    (
        "[[faults]]\nkind = \"crash\"\ntarget = \"disk\"\nat = \"1s\"\nduration = \"1s\"",
        "faults[0].target = \"disk\": must be one of \"store\", \"cache\", \"workers\"",
    ),
    (
        "[[faults]]\nkind = \"network\"\ntarget = \"cache\"\nat = \"1s\"\nduration = \"1s\"\ndrop = 0.1",
        "faults[0].target = \"cache\": only used with kind = \"crash\" or \"slow\" (faults[0].kind is \"network\")",
    ),
    (
        "[[faults]]\nkind = \"crash\"\ntarget = \"store\"\nat = \"1s\"\nduration = \"1s\"",
        "faults[0].index is missing: a crash must name a store shard, an integer from 0 to cluster.tweet_store.shards - 1 = 15",
    ),
    (
        "[[faults]]\nkind = \"crash\"\ntarget = \"store\"\nindex = 16\nat = \"1s\"\nduration = \"1s\"",
        "faults[0].index = 16: must be a store shard, an integer from 0 to cluster.tweet_store.shards - 1 = 15",
    ),
    (
        "cluster.timeline_cache.machines = 8\n[[faults]]\nkind = \"crash\"\ntarget = \"cache\"\nindex = 8\nat = \"1s\"\nduration = \"1s\"",
        "faults[0].index = 8: must be a cache machine, an integer from 0 to cluster.timeline_cache.machines - 1 = 7",
    ),
    (
        "[[faults]]\nkind = \"slow\"\ntarget = \"cache\"\nindex = 48\nfactor = 2\nat = \"1s\"\nduration = \"1s\"",
        "faults[0].index = 48: must be a cache machine, an integer from 0 to cluster.timeline_cache.machines - 1 = 47",
    ),
    (
        "[[faults]]\nkind = \"crash\"\ntarget = \"cache\"\nindex = -1\nat = \"1s\"\nduration = \"1s\"",
        "faults[0].index = -1: must be a cache machine",
    ),
    (
        "[[faults]]\nkind = \"crash\"\ntarget = \"store\"\nindex = 0\nlose_data = true\nat = \"1s\"\nduration = \"1s\"",
        "faults[0].lose_data = true: the tweet store is durable in this model",
    ),
    (
        "[[faults]]\nkind = \"crash\"\ntarget = \"cache\"\nindex = 0\nlose_data = 1\nat = \"1s\"\nduration = \"1s\"",
        "faults[0].lose_data = 1: must be true or false",
    ),
    (
        "[[faults]]\nkind = \"crash\"\ntarget = \"workers\"\nat = \"1s\"\nduration = \"1s\"",
        "faults[0].workers is missing",
    ),
    (
        "[[faults]]\nkind = \"crash\"\ntarget = \"workers\"\nworkers = 17\nat = \"1s\"\nduration = \"1s\"",
        "faults[0].workers = 17: must be an integer from 1 to cluster.fanout_workers.workers = 16",
    ),
    (
        "[[faults]]\nkind = \"crash\"\ntarget = \"workers\"\nworkers = 0\nat = \"1s\"\nduration = \"1s\"",
        "faults[0].workers = 0: must be an integer from 1",
    ),
    (
        "[[faults]]\nkind = \"crash\"\ntarget = \"workers\"\nworkers = 1\nindex = 0\nat = \"1s\"\nduration = \"1s\"",
        "faults[0].index = 0: only used with target = \"store\" or \"cache\" (faults[0].target is \"workers\")",
    ),
    (
        "[[faults]]\nkind = \"crash\"\ntarget = \"cache\"\nindex = 0\nworkers = 1\nat = \"1s\"\nduration = \"1s\"",
        "faults[0].workers = 1: only used with kind = \"crash\" and target = \"workers\" (faults[0].target is \"cache\")",
    ),
    (
        "[[faults]]\nkind = \"crash\"\ntarget = \"cache\"\nindex = 0\nfactor = 2\nat = \"1s\"\nduration = \"1s\"",
        "faults[0].factor = 2: only used with kind = \"slow\" (faults[0].kind is \"crash\")",
    ),
    (
        "[[faults]]\nkind = \"slow\"\ntarget = \"workers\"\nfactor = 2\nat = \"1s\"\nduration = \"1s\"",
        "faults[0].target = \"workers\": must be \"store\" or \"cache\" with kind = \"slow\"",
    ),
    (
        "[[faults]]\nkind = \"slow\"\ntarget = \"store\"\nat = \"1s\"\nduration = \"1s\"",
        "faults[0]: a slow fault with factor = 1 and delay = \"0s\" does nothing; set factor above 1 or delay above 0s",
    ),
    (
        "[[faults]]\nkind = \"slow\"\ntarget = \"store\"\nfactor = 0.5\nat = \"1s\"\nduration = \"1s\"",
        "faults[0].factor = 0.5: must be a finite number from 1 to 1e6",
    ),
    (
        "[[faults]]\nkind = \"slow\"\ntarget = \"store\"\nfactor = inf\nat = \"1s\"\nduration = \"1s\"",
        "faults[0].factor = inf: must be a finite number from 1 to 1e6",
    ),
    (
        "[[faults]]\nkind = \"slow\"\ntarget = \"store\"\nfactor = 2\nprobability = 0\nat = \"1s\"\nduration = \"1s\"",
        "faults[0].probability = 0: must be a number > 0 and at most 1",
    ),
    (
        "[[faults]]\nkind = \"slow\"\ntarget = \"store\"\ndelay = 5\nat = \"1s\"\nduration = \"1s\"",
        "faults[0].delay = 5: must be a duration >= 0 with a unit",
    ),
    (
        "[[faults]]\nkind = \"network\"\nat = \"1s\"\nduration = \"1s\"",
        "faults[0]: a network fault with delay = \"0s\" and drop = 0 does nothing; set delay above 0s or drop above 0",
    ),
    (
        "[[faults]]\nkind = \"network\"\ndrop = 1\nat = \"1s\"\nduration = \"1s\"",
        "faults[0].drop = 1: must be a number >= 0 and below 1",
    ),
    (
        "[[faults]]\nkind = \"network\"\ndrop = 0.1\nprobability = 0.5\nat = \"1s\"\nduration = \"1s\"",
        "faults[0].probability = 0.5: only used with kind = \"slow\" (faults[0].kind is \"network\")",
    ),
    (
        "[[faults]]\nkind = \"network\"\ndrop = 0.1\nlose_data = false\nat = \"1s\"\nduration = \"1s\"",
        "faults[0].lose_data = false: only used with kind = \"crash\"",
    ),
    // policies
    (
        "policy.store.timeout = \"0s\"",
        "policy.store.timeout = \"0s\": must be a duration > 0 with a unit, as in \"50ms\"",
    ),
    (
        "policy.cache.timeout = \"none\"",
        "policy.cache.timeout = \"none\": 'none' is not a duration",
    ),
    (
        "policy.store.retries = 101",
        "policy.store.retries = 101: must be an integer from 0 to 100",
    ),
    (
        "policy.cache.backoff = \"-1ms\"",
        "policy.cache.backoff = \"-1ms\": '-1ms' is not a duration",
    ),
    (
        "policy.store.backoff = \"10ms\"\npolicy.store.backoff_max = \"5ms\"",
        "policy.store.backoff_max = \"5ms\": must be at least policy.store.backoff = 10ms",
    ),
    (
        "policy.cache.backoff = \"2s\"",
        "policy.cache.backoff_max = \"1s\": must be at least policy.cache.backoff = 2s",
    ),
    (
        "policy.store.jitter = \"equal\"",
        "policy.store.jitter = \"equal\": must be one of \"full\", \"none\"",
    ),
    (
        "policy.store.retry_budget = 0",
        "policy.store.retry_budget = 0: must be a number > 0 and at most 1",
    ),
    (
        "policy.cache.retry_budget = 1.5",
        "policy.cache.retry_budget = 1.5: must be a number > 0 and at most 1",
    ),
    (
        "policy.store.hedge = \"p100\"",
        "policy.store.hedge = \"p100\": must be \"off\", a duration > 0 with a unit such as \"2ms\", or a percentile \"pNN\" such as \"p95\", \"p99\", \"p99.9\" (NN strictly between 0 and 100)",
    ),
    (
        "policy.cache.hedge = \"fast\"",
        "policy.cache.hedge = \"fast\": must be \"off\", a duration > 0 with a unit such as \"2ms\", or a percentile \"pNN\"",
    ),
    (
        "policy.cache.hedge = \"p0\"",
        "policy.cache.hedge = \"p0\": must be \"off\"",
    ),
    (
        "policy.cache.hedge = \"0ms\"",
        "policy.cache.hedge = \"0ms\": must be \"off\"",
    ),
    (
        "policy.cache.hedge = 2",
        "policy.cache.hedge = 2: must be \"off\"",
    ),
    (
        "policy.store.breaker_failures = 1000001",
        "policy.store.breaker_failures = 1000001: must be an integer from 0 (no breaker) to 1000000",
    ),
    (
        "policy.store.breaker_open = \"0s\"",
        "policy.store.breaker_open = \"0s\": must be a duration > 0 with a unit",
    ),
    (
        "policy.cache.failover = \"yes\"",
        "policy.cache.failover = \"yes\": must be true or false",
    ),
    (
        "policy.store.failover = true",
        "unknown key 'policy.store.failover'; did you mean 'policy.cache.failover'? (keys in [policy.store]: timeout, retries,",
    ),
    (
        "policy = 5",
        "policy = 5: must be a table with keys store, cache",
    ),
];

#[test]
fn every_rule_refuses_with_key_value_and_what_is_allowed() {
    for (text, expect) in REFUSED {
        let m = err(text);
        assert!(
            m.contains(expect),
            "input:\n{text}\nmessage: {m}\nexpected to contain: {expect}"
        );
    }
}

#[test]
fn the_boundaries_of_every_range_are_accepted() {
    for text in [
        "population.users = 1",
        "population.users = 200_000_000\npopulation.followers.max = 199_999_999",
        "population.followers.max = 0",
        "population.followers.exponent = 10",
        "population.author_activity_exponent = 3\npopulation.reader_activity_exponent = 3",
        "population.followee_exponent = 1.0001",
        "workload.tweets_per_sec = 1e8\nworkload.reads_per_sec = 1e9",
        "workload.profile = \"diurnal\"\nworkload.peak_factor = 1",
        "workload.profile = \"diurnal\"\nworkload.peak_factor = 100",
        "warmup = \"0s\"\nduration = \"8760h\"",
        "duration = \"1ns\"",
        "[[workload.events]]\nkind = \"tweet\"\nat = \"0s\"\nid = 0",
        "[[workload.events]]\nkind = \"tweet\"\nat = \"64.999s\"\nrank = 1000000",
        "[[workload.events]]\nkind = \"tweet\"\nat = \"1s\"\nid = 999999",
        "[[workload.events]]\nkind = \"burst\"\nat = \"60s\"\nduration = \"1h\"\nfactor = 1000",
        "cluster.tweet_store = { shards = 100000, servers = 10000, queue_limit = 4294967295 }",
        "cluster.timeline_cache = { replicas = 16, max_entries = 1000000 }",
        "cluster.fanout_workers = { workers = 1000000, batch = 4294967295 }",
        "cluster.network = { one_way = \"0s\", jitter = { dist = \"pareto\", alpha = 100 } }",
        "cluster.tweet_store.read = { per_request = \"0s\", per_item = \"0s\", cv = 100 }",
        "strategy.hybrid.celebrity_threshold = 4294967295",
        "seed = 9223372036854775807",
        "seed = 0",
        "cluster.fanout_workers.retry_after = \"1ns\"",
        "[[faults]]\nkind = \"crash\"\ntarget = \"store\"\nindex = 15\nat = \"0s\"\nduration = \"1ns\"",
        "[[faults]]\nkind = \"crash\"\ntarget = \"cache\"\nindex = 47\nat = \"64.999s\"\nduration = \"1h\"\nlose_data = true",
        "[[faults]]\nkind = \"crash\"\ntarget = \"workers\"\nworkers = 16\nat = \"1s\"\nduration = \"1s\"\nlose_data = true",
        "[[faults]]\nkind = \"crash\"\ntarget = \"store\"\nindex = 0\nlose_data = false\nat = \"1s\"\nduration = \"1s\"",
        "[[faults]]\nkind = \"slow\"\ntarget = \"store\"\nindex = 0\nfactor = 1e6\nprobability = 1\nat = \"1s\"\nduration = \"1s\"",
        "[[faults]]\nkind = \"slow\"\ntarget = \"cache\"\ndelay = \"1ns\"\nprobability = 1e-9\nat = \"1s\"\nduration = \"1s\"",
        "[[faults]]\nkind = \"network\"\ndrop = 0.999999\nat = \"1s\"\nduration = \"1s\"",
        "[[faults]]\nkind = \"network\"\ndelay = \"1ns\"\nat = \"1s\"\nduration = \"1s\"",
        "policy.store = { timeout = \"1ns\", retries = 100, backoff = \"0s\", backoff_max = \"0s\" }",
        "policy.cache = { retry_budget = 1, hedge = \"p0.001\", breaker_failures = 1000000 }",
        "policy.cache = { hedge = \"p99.999\", breaker_open = \"1ns\" }",
        "policy.store.hedge = \"1ns\"",
    ] {
        let r = RawScenario::from_str(text, SRC).and_then(|r| r.resolve());
        assert!(r.is_ok(), "refused:\n{text}\n{}", r.unwrap_err());
    }
}

// ----- describe ----------------------------------------------------------------

#[test]
fn describe_lists_every_resolved_key_with_units() {
    let full = ok(r#"
workload.profile = "diurnal"
[[workload.events]]
kind = "tweet"
at = "1s"
rank = 1
[[workload.events]]
kind = "burst"
at = "2s"
duration = "1s"
factor = 2
[[workload.events]]
kind = "tweet"
at = "1s"
id = 5
[cluster.network.jitter]
dist = "lognormal"
[cluster.tweet_store.read]
dist = "pareto"
"#);
    let mean = with_sets(
        "",
        &[
            "population.users=1000",
            "population.followers.mean=10",
            "cluster.network.jitter.dist=pareto",
            "cluster.tweet_store.write.dist=pareto",
            "cluster.tweet_store.read.dist=pareto",
            "cluster.timeline_cache.read.dist=pareto",
            "cluster.timeline_cache.write.dist=pareto",
            "cluster.fanout_workers.service.dist=pareto",
        ],
    )
    .unwrap();
    let resilient = ok(r#"
cluster.fanout_workers.idempotency_key = false
[[faults]]
kind = "crash"
target = "cache"
index = 1
at = "1s"
duration = "1s"
[[faults]]
kind = "slow"
target = "store"
factor = 2
at = "1s"
duration = "1s"
[[faults]]
kind = "crash"
target = "workers"
workers = 2
at = "1s"
duration = "1s"
[[faults]]
kind = "network"
delay = "1ms"
at = "1s"
duration = "1s"
[policy.store]
timeout = "50ms"
retries = 2
retry_budget = 0.2
hedge = "p99.9"
breaker_failures = 3
[policy.cache]
timeout = "5ms"
retries = 1
retry_budget = 0.5
hedge = "2ms"
breaker_failures = 2
failover = true
"#);
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for s in [&ok(""), &full, &mean, &resilient] {
        let d = describe(s);
        let keys: Vec<&String> = d.iter().map(|(k, _)| k).collect();
        let mut unique = keys.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), keys.len(), "a key is listed twice: {keys:?}");
        for (k, v) in d {
            // A fault is one line under `faults[i]`; a policy that is off
            // is one line under its table.
            let norm = k.replace(|c: char| c.is_ascii_digit(), "");
            let norm = norm.strip_suffix("[]").unwrap_or(&norm).to_string();
            let table = format!("{norm}.");
            assert!(
                known_keys()
                    .iter()
                    .any(|kd| kd.key == norm || kd.key.starts_with(&table)),
                "describe lists {k}, which is not a known key or table"
            );
            assert!(!v.is_empty() && !v.contains('\n'), "{k} = {v:?}");
            seen.entry(norm).or_default().push_str(&format!("{v}; "));
        }
    }
    for kd in known_keys() {
        if let Some(field) = kd.key.strip_prefix("faults[].") {
            let line = &seen["faults"];
            assert!(line.contains(&format!("{field} = ")), "{line}");
            continue;
        }
        if kd.key == "description" || kd.key == "workload.events" {
            continue;
        }
        assert!(seen.contains_key(kd.key), "describe never lists {}", kd.key);
    }
    let d: BTreeMap<String, String> = describe(&ok("")).into_iter().collect();
    assert_eq!(d["duration"], "60s");
    assert_eq!(d["workload.tweets_per_sec"], "4600 tweets/s");
    assert_eq!(d["workload.reads_per_sec"], "300000 reads/s");
    assert_eq!(d["population.users"], "1000000 users");
    assert_eq!(d["population.followers.max"], "999999 followers");
    assert_eq!(d["cluster.tweet_store.write.per_request"], "200us");
    assert_eq!(d["cluster.tweet_store.queue_limit"], "unbounded");
    assert_eq!(d["cluster.timeline_cache.replicas"], "3 copies");
    assert_eq!(d["strategy.hybrid.celebrity_threshold"], "10000 followers");
    assert_eq!(d["strategies"], "fanout-on-read, fanout-on-write, hybrid");
    let d: BTreeMap<String, String> = describe(&mean).into_iter().collect();
    assert!(
        d["population.followers.exponent"].ends_with("(solved from the mean)"),
        "{d:?}"
    );
    assert_eq!(d["population.followers.mean"], "10 followers");
    let d: BTreeMap<String, String> = describe(&ok("")).into_iter().collect();
    assert_eq!(d["faults"], "none");
    assert_eq!(d["policy.store"], "off");
    assert_eq!(d["policy.cache"], "off");
    assert_eq!(d["cluster.fanout_workers.retry_after"], "1s");
    let d: BTreeMap<String, String> = describe(&resilient).into_iter().collect();
    assert_eq!(
        d["faults[0]"],
        "kind = crash, target = cache, index = 1, at = 1s, duration = 1s, lose_data = false"
    );
    assert_eq!(
        d["faults[1]"],
        "kind = slow, target = store, index = every one, at = 1s, duration = 1s, factor = 2x, delay = 0s, probability = 1"
    );
    assert_eq!(
        d["faults[2]"],
        "kind = crash, target = workers, workers = 2, at = 1s, duration = 1s, lose_data = false"
    );
    assert_eq!(
        d["faults[3]"],
        "kind = network, at = 1s, duration = 1s, delay = 1ms per hop, drop = 0"
    );
    assert_eq!(d["policy.store.timeout"], "50ms");
    assert_eq!(d["policy.store.retries"], "2 retries");
    assert_eq!(
        d["policy.store.hedge"],
        "after p99.9 of recent response times"
    );
    assert_eq!(d["policy.cache.hedge"], "after 2ms");
    // Only the parts switched on.
    let d: BTreeMap<String, String> = describe(&ok("policy.cache.hedge = \"p95\""))
        .into_iter()
        .collect();
    let cache: Vec<&String> = d.keys().filter(|k| k.starts_with("policy.")).collect();
    assert_eq!(cache, ["policy.cache.hedge", "policy.store"]);
    assert_eq!(
        d["policy.cache.hedge"],
        "after p95 of recent response times"
    );
}

// ----- docs --------------------------------------------------------------------

#[test]
fn docs_table_matches_known_keys() {
    let doc =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/scenario.md")).unwrap();
    let rows: Vec<Vec<String>> = doc
        .lines()
        .filter(|l| l.starts_with("| `"))
        .map(|l| {
            l.trim_matches('|')
                .split(" | ")
                .map(|c| c.trim().to_string())
                .collect()
        })
        .collect();
    let keys: Vec<String> = rows
        .iter()
        .map(|r| r[0].trim_matches('`').to_string())
        .collect();
    let known: Vec<String> = known_keys().iter().map(|k| k.key.to_string()).collect();
    assert_eq!(
        keys, known,
        "docs/scenario.md lists other keys, or in another order"
    );
    for (row, kd) in rows.iter().zip(known_keys()) {
        assert_eq!(row[1], kd.kind, "kind of {}", kd.key);
        let default = row[2].trim_matches('`').replace("\\|", "|");
        assert_eq!(default, kd.default, "default of {}", kd.key);
    }
}

#[test]
fn every_literal_default_is_what_resolves() {
    // Writing every literal default into the file changes nothing.
    let mut r = raw("");
    for kd in known_keys() {
        // Computed defaults, and keys only allowed with another value.
        let conditional = [
            "workload.diurnal_period",
            "workload.peak_factor",
            "cluster.network.jitter.cv",
        ];
        // Keys of array entries exist only inside an entry.
        if kd.default.starts_with('(')
            || conditional.contains(&kd.key)
            || kd.key.ends_with(".alpha")
            || kd.key.contains("[]")
        {
            continue;
        }
        r.set_value(kd.key, kd.default)
            .unwrap_or_else(|e| panic!("{e}"));
    }
    assert_eq!(r.resolve().unwrap(), ok(""));
}

// ----- no input panics ---------------------------------------------------------

const BASE: &str = r#"name = "t"
seed = 1
duration = "10s"
warmup = "1s"
strategies = ["read", "write", "hybrid"]
[population]
users = 1000
followee_exponent = 2.28
[population.followers]
exponent = 1.9
max = 999
[workload]
tweets_per_sec = 4600.0
reads_per_sec = 300000.0
profile = "diurnal"
peak_factor = 2.6
[[workload.events]]
kind = "tweet"
at = "3s"
rank = 1
[[workload.events]]
kind = "burst"
at = "2s"
duration = "1s"
factor = 3.0
[cluster.network]
one_way = "100us"
jitter = { dist = "exp", mean = "100us" }
[cluster.tweet_store]
shards = 16
write = { per_request = "200us", per_item = "0us", dist = "lognormal", cv = 1.0 }
[cluster.timeline_cache]
replicas = 3
[strategy.hybrid]
celebrity_threshold = 10_000
[[faults]]
kind = "crash"
target = "cache"
index = 1
at = "2s"
duration = "1s"
lose_data = true
[[faults]]
kind = "slow"
target = "store"
factor = 2.0
at = "1s"
duration = "3s"
[policy.cache]
timeout = "10ms"
retries = 2
hedge = "p95"
breaker_failures = 3
failover = true
"#;

/// Pieces that make interesting values and keys when spliced in.
const PIECES: &[&str] = &[
    "",
    "0",
    "-1",
    "1e400",
    "nan",
    "inf",
    "-inf",
    "\"\"",
    "\"1s\"",
    "\"60\"",
    "[",
    "]",
    "{",
    "}",
    "=",
    ".",
    "[[",
    "]]",
    "\n",
    "\"",
    "'",
    "#",
    "1_000",
    "18446744073709551616",
    "true",
    "1979-05-27",
    "[]",
    "{}",
    "[1, \"a\"]",
    "µs",
    "é",
    "\u{0}",
    "workload.events",
    "x.y.z",
    "4294967296",
    "9223372036854775807",
    "0.5",
    "1.0",
    "\"lognormal\"",
    "\"pareto\"",
    "h",
    "\"p99.9\"",
    "\"crash\"",
    "\"workers\"",
    "false",
];

fn keys_and_junk() -> impl Strategy<Value = String> {
    let known: Vec<String> = known_keys()
        .iter()
        .map(|k| k.key.replace("[]", "[0]"))
        .chain(
            [
                "workload.events[1]",
                "workload.events[2].at",
                "faults[1]",
                "faults[2].kind",
                "faults",
                "policy.store",
                "a..b",
                "seed[0]",
                " ",
                "x[99999999999999999999]",
            ]
            .map(String::from),
        )
        .collect();
    prop_oneof![proptest::sample::select(known), "[a-z_.\\[\\]0-9]{0,20}",]
}

fn values() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::sample::select(PIECES.to_vec()).prop_map(String::from),
        any::<i64>().prop_map(|i| i.to_string()),
        any::<f64>().prop_map(|f| f.to_string()),
        "[ -~]{0,12}",
        "[0-9]{1,4}(ns|us|ms|s|m|h)",
    ]
}

#[derive(Debug, Clone)]
enum Edit {
    Insert(usize, String),
    Delete(usize, usize),
}

fn edits() -> impl Strategy<Value = Vec<Edit>> {
    let edit = prop_oneof![
        (any::<usize>(), values()).prop_map(|(i, s)| Edit::Insert(i, s)),
        (any::<usize>(), 0usize..8).prop_map(|(i, n)| Edit::Delete(i, n)),
    ];
    proptest::collection::vec(edit, 0..6)
}

fn mutate(base: &str, edits: &[Edit]) -> String {
    let mut chars: Vec<char> = base.chars().collect();
    for e in edits {
        match e {
            Edit::Insert(i, s) => {
                let at = i % (chars.len() + 1);
                chars.splice(at..at, s.chars());
            }
            Edit::Delete(i, n) => {
                let at = i % (chars.len() + 1);
                let end = (at + n).min(chars.len());
                chars.drain(at..end);
            }
        }
    }
    chars.into_iter().collect()
}

fn assert_contract(source: &str, r: Result<Scenario, FanoutError>) {
    if let Err(e) = r {
        assert_eq!(e.exit_code(), 2, "{e}");
        let m = e.to_string();
        assert!(
            !m.contains('\n') && !m.contains('\r'),
            "not one line: {m:?}"
        );
        assert!(m.contains(source), "does not name {source}: {m}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn mutated_files_never_panic(edits in edits()) {
        let text = mutate(BASE, &edits);
        let source = "fuzz/case.toml";
        assert_contract(source, RawScenario::from_str(&text, source).and_then(|r| r.resolve()));
    }

    #[test]
    fn random_sets_never_panic(sets in proptest::collection::vec((keys_and_junk(), values()), 0..5)) {
        let source = "fuzz/set.toml";
        let mut r = RawScenario::from_str(BASE, source).unwrap();
        let mut result = Ok(());
        for (k, v) in &sets {
            let assignment = format!("{k}={v}");
            result = result.and_then(|_| r.set(&assignment));
        }
        assert_contract(source, result.and_then(|_| r.resolve()));
    }

    #[test]
    fn random_text_never_panics(text in "[ -~\n]{0,200}") {
        let source = "fuzz/text.toml";
        assert_contract(source, RawScenario::from_str(&text, source).and_then(|r| r.resolve()));
    }
}

#[test]
fn docs_table_is_generated_from_the_definitions() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/scenario.md");
    let doc = std::fs::read_to_string(path).unwrap();
    let fresh = fanout::scenario::doc::render_doc(&doc).expect("marker lines in docs/scenario.md");
    assert!(
        fresh == doc,
        "docs/scenario.md is stale: run `cargo run --example scenario-doc`"
    );
}
