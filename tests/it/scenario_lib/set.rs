//! `--set` overrides.

use super::*;

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
