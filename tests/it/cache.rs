//! The timeline cache's residency (`cluster.timeline_cache.active_window`,
//! `.capacity`): who is held, what the fan-out skips, what a miss costs, and
//! the memory and hit rate reported.

use fanout::metrics::Report;
use fanout::model::config::{Scenario, StrategyKind};
use fanout::model::sim::{SimOptions, World, simulate};
use fanout::scenario::RawScenario;

/// A small fan-out-on-write run: 20,000 users, 2,000 reads/s (0.1 per user
/// per second on average), 1 s of warm-up and 5 s measured.
const BASE: &str = "seed = 5\nduration = \"5s\"\nwarmup = \"1s\"\n\
    strategies = [\"write\", \"read\"]\n\
    [population]\nusers = 20_000\nauthor_activity_exponent = 0.0\n\
    [population.followers]\nmean = 20.0\n\
    [workload]\ntweets_per_sec = 200\nreads_per_sec = 2_000\n\
    [cluster.tweet_store]\nshards = 8\nservers = 16\n\
    [cluster.timeline_cache]\nshards = 8\nreplicas = 3\n";

fn scenario(sets: &[&str]) -> Scenario {
    let mut raw = RawScenario::from_str(BASE, "cache.toml").unwrap();
    for s in sets {
        raw.set(s).unwrap();
    }
    raw.resolve().unwrap()
}

fn run(s: &Scenario, world: &World, kind: StrategyKind) -> Report {
    simulate(s, world, kind, &SimOptions::default(), &mut |_, _| {})
}

/// Each user's read rate φ_u = R w_u / Σw, w_u = (1 + followees)^x: the
/// same weights the reader sampler draws from.
fn read_rates(s: &Scenario, world: &World) -> Vec<f64> {
    let x = s.population.reader_activity_exponent;
    let g = &world.graph;
    let w: Vec<f64> = (0..g.users())
        .map(|u| (1.0 + f64::from(g.followee_count(u))).powf(x))
        .collect();
    let total: f64 = w.iter().sum();
    w.iter()
        .map(|w| s.workload.reads_per_sec * w / total)
        .collect()
}

#[test]
fn off_by_default_every_timeline_is_held_and_every_read_hits() {
    let s = scenario(&[]);
    let world = World::build(&s).unwrap();
    let write = run(&s, &world, StrategyKind::FanoutOnWrite);
    let read = run(&s, &world, StrategyKind::FanoutOnRead);
    // Every user's timeline, full (800 entries x 20 bytes), on 3 replicas.
    assert_eq!(write.cache_memory_bytes(), 20_000 * 800 * 20 * 3);
    assert_eq!(write.cache.hit_rate(), 1.0);
    assert_eq!(write.cache.lookups, write.reads);
    assert_eq!(write.cache.skipped_deliveries, 0);
    assert_eq!(write.store_reads, 0);
    // Fan-out-on-read keeps no timeline: no memory, no hit rate.
    assert_eq!(read.cache_memory_bytes(), 0);
    assert!(read.cache.hit_rate().is_nan());
}

/// With window W and no capacity, user u is held at the start with
/// probability 1 - exp(-φ_u W) and from its first read on. Reads are
/// Poisson, so a read in the window [w0, w0 + T) misses iff it is u's first
/// since the start and u was not held: expected misses
/// Σ_u exp(-φ_u W) (exp(-φ_u w0) - exp(-φ_u (w0 + T))) over expected reads
/// Σ_u φ_u T = R T. For short runs (φT small) this is the read-weighted
/// E[exp(-φ W)]; here it also counts the users whose first read cached them.
#[test]
fn the_hit_rate_matches_the_active_window_analytically() {
    let s = scenario(&[
        "population.reader_activity_exponent=1.0",
        "cluster.timeline_cache.active_window=\"10s\"",
    ]);
    let world = World::build(&s).unwrap();
    let r = run(&s, &world, StrategyKind::FanoutOnWrite);
    let (w, w0, t) = (10.0, 1.0, 5.0);
    let misses: f64 = read_rates(&s, &world)
        .iter()
        .map(|phi| (-phi * w).exp() * ((-phi * w0).exp() - (-phi * (w0 + t)).exp()))
        .sum();
    let expected = 1.0 - misses / (s.workload.reads_per_sec * t);
    // Misses are a sum of independent Bernoullis (sd <= sqrt(mean)); the
    // read count is Poisson. 4 sd of the miss count, over the reads.
    let tolerance = 4.0 * misses.sqrt() / r.reads as f64;
    let got = r.cache.hit_rate();
    eprintln!("hit rate {got:.4}, expected {expected:.4} +- {tolerance:.4}");
    assert!(
        (got - expected).abs() < tolerance,
        "hit rate {got:.4}, expected {expected:.4} +- {tolerance:.4}"
    );
    assert!(expected < 0.9, "the window should matter: {expected}");
    // Each miss was rebuilt once, from the store.
    assert_eq!(r.cache.misses, r.resilience.rebuilds);
    assert!(r.store_reads > 0);
    // Fewer timelines are held than users, and memory says so.
    assert!(r.cache.timelines < 20_000 && r.cache.timelines > 10_000);
    assert_eq!(r.cache_memory_bytes(), r.cache.timelines * 800 * 20 * 3);
}

/// RPUSHX: with uniform readers every follower is held with the same
/// probability at time t, q(t) = 1 - exp(-φ (W + t)) (held at the start, or
/// read since). Authors are uniform and posts spread evenly over the window,
/// so the fraction of pushes written is q averaged over [w0, w0 + T].
#[test]
fn fanout_on_write_writes_only_to_held_timelines() {
    let s = scenario(&["cluster.timeline_cache.active_window=\"5s\""]);
    let world = World::build(&s).unwrap();
    let full = run(&scenario(&[]), &world, StrategyKind::FanoutOnWrite);
    let r = run(&s, &world, StrategyKind::FanoutOnWrite);
    let skipped = r.cache.skipped_deliveries;
    assert_eq!(r.dropped_timeline_writes, 0);
    // Bookkeeping: every push not skipped is written on every replica.
    assert_eq!(r.timeline_writes, 3 * (r.fanout_sum - skipped));
    assert!(r.timeline_writes < full.timeline_writes);
    let phi: f64 = 2_000.0 / 20_000.0;
    let (w, w0, t): (f64, f64, f64) = (5.0, 1.0, 5.0);
    // ∫ exp(-φ (W + s)) ds over [w0, w0 + T], divided by T.
    let unheld = (-phi * (w + w0)).exp() * (1.0 - (-phi * t).exp()) / (phi * t);
    let expected = 1.0 - unheld;
    let got = 1.0 - skipped as f64 / r.fanout_sum as f64;
    eprintln!("pushes written {got:.4}, expected {expected:.4}");
    // Followers are shared between posts, so pushes are not independent:
    // a generous absolute margin (the expected fraction is far from 1).
    assert!(
        (got - expected).abs() < 0.03,
        "fraction of pushes written {got:.4}, expected {expected:.4}"
    );
    assert!(expected < 0.75, "{expected}");
}

/// CLOCK bounds the held timelines at capacity x machines / replicas, so
/// memory grows with the capacity and never passes capacity x machines x a
/// full timeline.
#[test]
fn memory_grows_with_capacity_and_is_bounded_by_it() {
    let mut last = 0;
    let mut hits = Vec::new();
    for cap in [100u64, 400, 1600] {
        let set = format!("cluster.timeline_cache.capacity={cap}");
        let s = scenario(&[&set]);
        let world = World::build(&s).unwrap();
        let r = run(&s, &world, StrategyKind::FanoutOnWrite);
        let machines = u64::from(s.cluster.timeline_cache.machines);
        let bound = cap * machines * 800 * 20;
        let memory = r.cache_memory_bytes();
        assert!(memory <= bound, "capacity {cap}: {memory} > {bound}");
        // Full from the start (everyone wants a timeline).
        assert_eq!(memory, bound, "capacity {cap}");
        assert!(memory > last);
        last = memory;
        eprintln!(
            "capacity {cap}: {memory} bytes, hit rate {:.4}",
            r.cache.hit_rate()
        );
        hits.push(r.cache.hit_rate());
    }
    // More room, more hits; and a bounded cache misses.
    assert!(
        hits[0] < hits[1] && hits[1] < hits[2] && hits[2] < 1.0,
        "{hits:?}"
    );
}

/// A miss is answered only after the timeline is rebuilt from the store:
/// with almost every read missing, reads are slower than when all hit.
#[test]
fn a_miss_costs_a_rebuild() {
    let s = scenario(&[]);
    let world = World::build(&s).unwrap();
    let hits = run(&s, &world, StrategyKind::FanoutOnWrite);
    let tiny = scenario(&["cluster.timeline_cache.capacity=1"]);
    let misses = run(&tiny, &world, StrategyKind::FanoutOnWrite);
    assert!(misses.cache.hit_rate() < 0.1, "{}", misses.cache.hit_rate());
    assert!(misses.store_reads > 0 && hits.store_reads == 0);
    for q in [0.5, 0.99] {
        let (m, h) = (
            misses.read_latency.quantile_ms(q),
            hits.read_latency.quantile_ms(q),
        );
        assert!(m > h, "q{q}: miss {m} ms <= hit {h} ms");
    }
}

#[test]
fn residency_is_deterministic() {
    let s = scenario(&[
        "cluster.timeline_cache.active_window=\"10s\"",
        "cluster.timeline_cache.capacity=500",
    ]);
    let world = World::build(&s).unwrap();
    let a = run(&s, &world, StrategyKind::Hybrid);
    let b = run(&s, &world, StrategyKind::Hybrid);
    assert_eq!(a.cache, b.cache);
    assert_eq!(a.timeline_writes, b.timeline_writes);
    assert_eq!(a.events, b.events);
}
