//! Defaults resolve to DDIA's Twitter example.

use super::*;

#[test]
fn defaults_resolve_to_ddia_twitter() {
    let s = ok("");
    assert_eq!(s.name, "x");
    assert_eq!(s.seed, 1);
    assert_eq!(s.duration, SimDuration::from_secs(60));
    assert_eq!(s.warmup, SimDuration::from_secs(5));
    // DDIA's three; feeding-frenzy joins only when a scenario names it, so
    // results of scenarios written before it keep their rows.
    assert_eq!(
        s.strategies,
        vec![
            StrategyKind::FanoutOnRead,
            StrategyKind::FanoutOnWrite,
            StrategyKind::Hybrid
        ]
    );
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
    assert_eq!(s.strategy.feeding_frenzy.push_cost, None);
    assert_eq!(s.strategy.feeding_frenzy.pull_cost, None);
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
    // Unit prices: the keys' defaults and CostConfig::default agree.
    assert_eq!(s.cost, fanout::model::config::CostConfig::default());
    assert_eq!(s.cost.store_machine_hour, 1.0);
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
