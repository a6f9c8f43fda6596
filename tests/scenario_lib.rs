//! Library-level tests of the scenario format: defaults, every key, `--set`,
//! unknown keys, every validation rule, `describe`, the docs, and a fuzz test
//! that no input panics and every error is one line naming its source.

use fanout::error::FanoutError;
use fanout::model::config::{
    AccountRef, GraphMode, RateProfile, Scenario, ScheduledEvent, StrategyKind,
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
        // An event without a kind does not resolve; compare with the defaults.
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
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for s in [&ok(""), &full, &mean] {
        let d = describe(s);
        let keys: Vec<&String> = d.iter().map(|(k, _)| k).collect();
        let mut unique = keys.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), keys.len(), "a key is listed twice: {keys:?}");
        for (k, v) in d {
            let norm = k.replace(|c: char| c.is_ascii_digit(), "");
            assert!(
                known_keys().iter().any(|kd| kd.key == norm),
                "describe lists {k}, which is not a known key"
            );
            assert!(!v.is_empty() && !v.contains('\n'), "{k} = {v:?}");
            seen.insert(norm, v);
        }
    }
    for kd in known_keys() {
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
        if kd.default.starts_with('(')
            || conditional.contains(&kd.key)
            || kd.key.ends_with(".alpha")
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
];

fn keys_and_junk() -> impl Strategy<Value = String> {
    let known: Vec<String> = known_keys()
        .iter()
        .map(|k| k.key.replace("[]", "[0]"))
        .chain(
            [
                "workload.events[1]",
                "workload.events[2].at",
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
