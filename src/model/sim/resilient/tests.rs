//! The resilient read path's tests: faults, client policies and what
//! they do to reads, and that a policy which never fires changes nothing.

use crate::metrics::Report;
use crate::model::config::*;
use crate::model::sim::tests::small;
use crate::model::sim::{SimOptions, World, simulate};
use crate::sim::time::SimDuration;

fn run(s: &Scenario, world: &World, kind: StrategyKind) -> Report {
    simulate(s, world, kind, &SimOptions::default(), &mut |_, _| {})
}

fn secs(n: u64) -> SimDuration {
    SimDuration::from_secs(n)
}

/// A fault that lasts the whole of a test run.
fn whole_run(kind: FaultKind) -> Fault {
    Fault {
        at: SimDuration::ZERO,
        duration: secs(100),
        kind,
    }
}

fn quantiles(r: &Report) -> Vec<f64> {
    [0.5, 0.9, 0.99, 0.999, 1.0]
        .iter()
        .map(|&q| r.read_latency.quantile_ms(q))
        .collect()
}

#[test]
fn a_policy_that_never_fires_changes_no_read() {
    let plain = small(5_000, 200.0, 2_000.0);
    let world = World::build(&plain).unwrap();
    let mut idle = plain.clone();
    idle.policy.store.timeout = Some(secs(3600));
    idle.policy.cache.timeout = Some(secs(3600));
    idle.policy.cache.failover = true;
    assert!(idle.has_resilience());
    for kind in StrategyKind::ALL {
        let (a, b) = (run(&plain, &world, kind), run(&idle, &world, kind));
        assert_eq!(quantiles(&a), quantiles(&b), "{kind:?}");
        assert_eq!(a.reads, b.reads);
        assert_eq!(a.store_reads, b.store_reads);
        assert_eq!(a.resilience.full_reads, b.resilience.full_reads);
        assert_eq!(b.resilience.full_reads, b.reads);
        assert!(!a.resilience_configured && b.resilience_configured);
    }
}

#[test]
fn a_slow_shard_makes_timeouts_and_retries_and_degraded_pulls() {
    let mut s = small(5_000, 200.0, 2_000.0);
    s.faults = vec![whole_run(FaultKind::Slow {
        target: FaultTarget::Store,
        index: Some(0),
        factor: 1.0,
        delay: SimDuration::from_millis(50),
        probability: 1.0,
    })];
    s.policy.store.timeout = Some(SimDuration::from_millis(10));
    s.policy.store.retries = 2;
    let world = World::build(&s).unwrap();
    let r = run(&s, &world, StrategyKind::FanoutOnRead);
    let res = r.resilience;
    assert!(res.timeouts > 0 && res.retries > 0, "{res:?}");
    // Every attempt at shard 0 times out: two retries, then degraded.
    assert_eq!(
        res.timeouts,
        res.retries + res.degraded_reads + res.failed_reads
    );
    assert!(res.degraded_reads > 0);
    assert_eq!(
        res.full_reads + res.degraded_reads + res.failed_reads,
        r.reads
    );
    // Reads that avoid shard 0 are fast.
    assert!(r.read_latency.quantile_ms(0.5) < 10.0);
    let w = run(&s, &world, StrategyKind::FanoutOnWrite);
    assert_eq!(w.resilience.timeouts, 0, "fan-out-on-write reads no store");
}

#[test]
fn a_retry_budget_bounds_retries() {
    let mut s = small(5_000, 200.0, 2_000.0);
    s.faults = vec![whole_run(FaultKind::Crash {
        target: FaultTarget::Store,
        index: 1,
        lose_data: false,
    })];
    s.policy.store.retries = 3;
    s.policy.store.backoff = SimDuration::from_millis(1);
    let world = World::build(&s).unwrap();
    let unbounded = run(&s, &world, StrategyKind::FanoutOnRead).resilience;
    // A budget of 0.2% of first attempts: about 60k calls in the run.
    s.policy.store.retry_budget = Some(0.002);
    let bounded = run(&s, &world, StrategyKind::FanoutOnRead).resilience;
    assert!(unbounded.retries > 0);
    assert!(
        bounded.retries * 3 < unbounded.retries,
        "{} vs {}",
        bounded.retries,
        unbounded.retries
    );
}

#[test]
fn a_crashed_replica_fails_reads_unless_they_fail_over_and_its_lost_timelines_are_rebuilt() {
    let mut s = small(5_000, 200.0, 4_000.0);
    s.faults = vec![Fault {
        at: secs(2),
        duration: secs(1),
        kind: FaultKind::Crash {
            target: FaultTarget::Cache,
            index: 0,
            lose_data: true,
        },
    }];
    let world = World::build(&s).unwrap();
    let without = run(&s, &world, StrategyKind::FanoutOnWrite);
    s.policy.cache.failover = true;
    let with = run(&s, &world, StrategyKind::FanoutOnWrite);
    assert!(without.resilience.failed_reads > 0);
    assert_eq!(with.resilience.failed_reads, 0);
    assert!(with.resilience.retries > 0, "failovers count as retries");
    for r in [&without, &with] {
        assert!(r.resilience.rebuilds > 0);
        // Rebuilds read the store, which fan-out-on-write never does otherwise.
        assert!(r.store_reads > 0);
    }
    // Fan-out-on-read keeps no timelines: nothing to lose.
    let read = run(&s, &world, StrategyKind::FanoutOnRead);
    assert_eq!(read.resilience.rebuilds, 0);
    assert_eq!(read.resilience.failed_reads, 0);
}

#[test]
fn hedging_cuts_the_tail_of_a_slow_one_percent() {
    let mut s = small(5_000, 100.0, 2_000.0);
    s.faults = vec![whole_run(FaultKind::Slow {
        target: FaultTarget::Store,
        index: None,
        factor: 1.0,
        delay: SimDuration::from_millis(20),
        probability: 0.01,
    })];
    let world = World::build(&s).unwrap();
    let before = run(&s, &world, StrategyKind::FanoutOnRead);
    s.policy.store.hedge = Some(Hedge::Quantile(0.95));
    let after = run(&s, &world, StrategyKind::FanoutOnRead);
    let p99 = |r: &Report| r.read_latency.quantile_ms(0.99);
    assert!(p99(&before) > 20.0, "{}", p99(&before));
    assert!(
        p99(&after) < p99(&before) / 2.0,
        "{} -> {}",
        p99(&before),
        p99(&after)
    );
    let hedged = after.resilience.hedges as f64 / after.store_reads as f64;
    assert!(hedged > 0.0 && hedged < 0.15, "{hedged}");
}

#[test]
fn a_worker_crash_duplicates_entries_unless_inserts_carry_a_key() {
    let mut s = small(5_000, 400.0, 100.0);
    s.cluster.fanout_workers.workers = 2;
    // Slow workers, so jobs are running when the crash comes.
    s.cluster.fanout_workers.service.per_item = SimDuration::from_micros(800);
    s.faults = (2..6)
        .map(|t| Fault {
            at: secs(t),
            duration: SimDuration::from_millis(200),
            kind: FaultKind::CrashWorkers {
                workers: 2,
                lose_data: false,
            },
        })
        .collect();
    s.cluster.fanout_workers.idempotency_key = false;
    let world = World::build(&s).unwrap();
    let dup = run(&s, &world, StrategyKind::FanoutOnWrite);
    s.cluster.fanout_workers.idempotency_key = true;
    let keyed = run(&s, &world, StrategyKind::FanoutOnWrite);
    assert!(dup.resilience.duplicates > 0);
    assert_eq!(keyed.resilience.duplicates, 0);
    // Retried, not lost: every pushed post is delivered.
    assert_eq!(dup.delivery_latency.count(), dup.posts);
    assert_eq!(dup.dropped_fanouts, 0);
    for f in &mut s.faults {
        f.kind = FaultKind::CrashWorkers {
            workers: 2,
            lose_data: true,
        };
    }
    let lost = run(&s, &world, StrategyKind::FanoutOnWrite);
    assert!(lost.dropped_fanouts > 0);
    assert_eq!(lost.resilience.duplicates, 0);
    assert_eq!(
        lost.delivery_latency.count() + lost.dropped_fanouts,
        lost.posts
    );
}

#[test]
fn a_network_fault_delays_answers_and_loses_messages() {
    let mut s = small(5_000, 200.0, 2_000.0);
    let world = World::build(&s).unwrap();
    let base = run(&s, &world, StrategyKind::FanoutOnWrite);
    s.faults = vec![whole_run(FaultKind::Network {
        delay: SimDuration::from_millis(5),
        drop: 0.0,
    })];
    let slow = run(&s, &world, StrategyKind::FanoutOnWrite);
    // Both hops of the one cache round trip: 10 ms more at every percentile.
    for q in [0.5, 0.99] {
        let d = slow.read_latency.quantile_ms(q) - base.read_latency.quantile_ms(q);
        assert!((d - 10.0).abs() < 0.05, "q{q}: +{d} ms");
    }
    s.faults[0].kind = FaultKind::Network {
        delay: SimDuration::ZERO,
        drop: 0.05,
    };
    // Without a timeout a lost message is a read that never answers.
    let lossy = run(&s, &world, StrategyKind::FanoutOnWrite).resilience;
    let lost = lossy.failed_reads as f64 / (lossy.full_reads + lossy.failed_reads) as f64;
    // Request or answer lost: 1 - 0.95^2 = 9.75%.
    assert!((lost - 0.0975).abs() < 0.01, "{lost}");
    // A timeout and a retry on another replica bring most back.
    s.policy.cache.timeout = Some(SimDuration::from_millis(20));
    s.policy.cache.failover = true;
    let kept = run(&s, &world, StrategyKind::FanoutOnWrite).resilience;
    assert!(kept.timeouts > 0);
    // All three replicas lost: about 0.0975^3 = 0.09%.
    assert!(kept.failed_reads * 50 < lossy.failed_reads, "{kept:?}");
}

#[test]
fn a_fixed_hedge_fires_after_its_delay_only() {
    let mut s = small(5_000, 100.0, 2_000.0);
    s.policy.cache.hedge = Some(Hedge::After(SimDuration::from_millis(50)));
    let world = World::build(&s).unwrap();
    let r = run(&s, &world, StrategyKind::FanoutOnWrite);
    assert_eq!(r.resilience.hedges, 0, "nothing takes 50 ms");
    s.policy.cache.hedge = Some(Hedge::After(SimDuration::from_micros(1)));
    let r = run(&s, &world, StrategyKind::FanoutOnWrite);
    // Every read is still unanswered after 1 us: one hedge each.
    assert_eq!(r.resilience.hedges, r.reads);
}

#[test]
fn a_breaker_stops_sending_to_a_failing_shard() {
    let mut s = small(5_000, 200.0, 2_000.0);
    s.faults = vec![whole_run(FaultKind::Slow {
        target: FaultTarget::Store,
        index: Some(2),
        factor: 1.0,
        delay: SimDuration::from_millis(100),
        probability: 1.0,
    })];
    s.policy.store.timeout = Some(SimDuration::from_millis(10));
    let world = World::build(&s).unwrap();
    let open = run(&s, &world, StrategyKind::FanoutOnRead);
    s.policy.store.breaker = Some(Breaker {
        failures: 5,
        open_for: secs(1),
    });
    let guarded = run(&s, &world, StrategyKind::FanoutOnRead);
    // The same reads lose their shard-2 part either way...
    assert_eq!(
        open.resilience.degraded_reads,
        guarded.resilience.degraded_reads
    );
    // ...but with the breaker open they fail at once instead of waiting
    // out a timeout: a probe per second, and a few in flight.
    assert!(
        guarded.resilience.timeouts * 20 < open.resilience.timeouts,
        "{} vs {}",
        guarded.resilience.timeouts,
        open.resilience.timeouts
    );
}

#[test]
fn a_pull_that_times_out_under_hybrid_is_a_degraded_read() {
    let mut s = small(5_000, 200.0, 2_000.0);
    let world = World::build(&s).unwrap();
    // The shard of the most followed account, whom hybrid pulls.
    let shard = world.graph.by_rank(1).unwrap() % s.cluster.tweet_store.tier.shards;
    s.faults = vec![whole_run(FaultKind::Slow {
        target: FaultTarget::Store,
        index: Some(shard),
        factor: 1.0,
        delay: SimDuration::from_millis(100),
        probability: 1.0,
    })];
    s.policy.store.timeout = Some(SimDuration::from_millis(10));
    let r = run(&s, &world, StrategyKind::Hybrid).resilience;
    // The cached timeline answers; the celebrities on that shard are missing.
    assert!(r.degraded_reads > 0, "{r:?}");
    assert_eq!(r.failed_reads, 0);
    assert_eq!(r.timeouts, r.degraded_reads, "one timed-out pull each");
    assert!(r.full_reads > 0);
}

#[test]
fn a_request_that_never_answers_counts_against_the_breaker() {
    use super::{Answer, TierClient};
    let policy = ClientPolicy {
        breaker: Some(Breaker {
            failures: 1,
            open_for: SimDuration::from_millis(10),
        }),
        ..ClientPolicy::default()
    };
    let mut tc = TierClient::new(&policy, 2, crate::sim::rng::stream(1, "t"));
    let t0 = crate::sim::time::SimTime::ZERO + secs(1);
    let ms = SimDuration::from_millis;
    assert!(tc.allows(0, t0));
    tc.learn(0, t0, Answer::Hang);
    assert!(tc.allows(0, t0 + ms(9)), "not known to have failed yet");
    assert!(!tc.allows(0, t0 + ms(10)), "given up on: the breaker opens");
    assert!(tc.allows(1, t0 + ms(10)), "per station");
    // Half-open 10 ms later: one probe; if it is lost too, the breaker
    // opens again rather than waiting for it for ever.
    assert!(tc.allows(0, t0 + ms(20)));
    tc.learn(0, t0 + ms(20), Answer::Hang);
    assert!(!tc.allows(0, t0 + ms(25)));
    assert!(!tc.allows(0, t0 + ms(35)));
    assert!(tc.allows(0, t0 + ms(40)));
}

#[test]
fn a_worker_crash_outlasting_the_run_leaves_deliveries_pending_not_measured() {
    let mut s = small(5_000, 200.0, 100.0);
    let world = World::build(&s).unwrap();
    let healthy = run(&s, &world, StrategyKind::FanoutOnWrite);
    assert_eq!(healthy.pending_deliveries, 0);
    assert_eq!(healthy.delivery_latency.count(), healthy.posts);
    // Every worker down from the start until long after the run.
    s.faults = vec![whole_run(FaultKind::CrashWorkers {
        workers: s.cluster.fanout_workers.workers,
        lose_data: false,
    })];
    let r = run(&s, &world, StrategyKind::FanoutOnWrite);
    // No job ran in the run: nothing written, nothing delivered late and
    // counted as if measured.
    assert_eq!(r.timeline_writes, 0);
    assert!(r.pending_deliveries > 0);
    // Posts by accounts nobody follows are delivered once stored.
    assert_eq!(r.delivery_latency.count() + r.pending_deliveries, r.posts);
    assert!(r.delivery_latency.count() == 0 || r.delivery_latency.max_ms() < 1_000.0);
    assert!(r.events < healthy.events * 2, "the drain stopped");
}
