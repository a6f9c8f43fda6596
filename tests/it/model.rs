//! Model-level tests through the library: DDIA's arithmetic, what each
//! strategy does and does not do, conservation of requests, Little's law.

use fanout::metrics::Report;
use fanout::model::config::{Scenario, StrategyKind};
use fanout::model::sim::{SimOptions, World, simulate};
use fanout::scenario::RawScenario;

fn scenario(toml: &str, sets: &[&str]) -> Scenario {
    let mut raw = RawScenario::from_str(toml, "test.toml").unwrap();
    for s in sets {
        raw.set(s).unwrap();
    }
    raw.resolve().unwrap()
}

fn run(s: &Scenario, world: &World, kind: StrategyKind) -> Report {
    simulate(s, world, kind, &SimOptions::default(), &mut |_, _| {})
}

/// DDIA ch. 1: 4.6k tweets/s delivered to 75 followers each is 345k
/// home-timeline writes/s. One replica, authors uniform, mean 75 followers.
#[test]
fn ddia_arithmetic_345k_timeline_writes_per_second() {
    let s = scenario(
        "seed = 75\nduration = \"20s\"\nwarmup = \"1s\"\nstrategies = [\"write\"]\n\
         [population]\nusers = 200_000\nauthor_activity_exponent = 0.0\n\
         [population.followers]\nmean = 75.0\n\
         [workload]\ntweets_per_sec = 4_600\nreads_per_sec = 1_000\n\
         [cluster.timeline_cache]\nreplicas = 1\n\
         [cluster.fanout_workers]\nworkers = 64\n",
        &[],
    );
    let world = World::build(&s).unwrap();
    let r = run(&s, &world, StrategyKind::FanoutOnWrite);
    assert_eq!(r.dropped_timeline_writes, 0);
    // Exact bookkeeping: every follower of every measured tweet got one write.
    assert_eq!(r.timeline_writes, r.fanout_sum);
    // The graph's mean is the target by construction (rank-size Zipf).
    let g = world.graph.stats();
    assert!(
        (g.mean_followers - 75.0).abs() < 0.5,
        "{}",
        g.mean_followers
    );
    // Sampling error of the measured rate: tweets are Poisson (sd sqrt(n))
    // and each draws a follower count with the graph's own variance, so
    // sd(writes) = sqrt(n E[f^2]) (compound Poisson). Allow 4 sd.
    let ef2: f64 = (0..world.graph.users())
        .map(|u| (world.graph.follower_count(u) as f64).powi(2))
        .sum::<f64>()
        / world.graph.users() as f64;
    let sd_rate = (4600.0 * r.sim_seconds * ef2).sqrt() / r.sim_seconds;
    let got = r.timeline_writes_per_sec();
    assert!(
        (got - 345_000.0).abs() < 4.0 * sd_rate,
        "timeline writes/s {got:.0}, expected 345,000 +- {:.0}",
        4.0 * sd_rate
    );
}

const SMALL: &str = "seed = 5\nduration = \"4s\"\nwarmup = \"1s\"\n\
    [population]\nusers = 20_000\n[population.followers]\nmean = 30.0\n\
    [workload]\ntweets_per_sec = 500\nreads_per_sec = 20_000\n\
    [cluster.tweet_store]\nshards = 8\nservers = 4\n\
    [cluster.timeline_cache]\nshards = 8\n[strategy.hybrid]\ncelebrity_threshold = 2_000\n";

#[test]
fn each_strategy_does_only_its_own_work() {
    let s = scenario(SMALL, &[]);
    let world = World::build(&s).unwrap();
    let read = run(&s, &world, StrategyKind::FanoutOnRead);
    let write = run(&s, &world, StrategyKind::FanoutOnWrite);
    let hybrid = run(&s, &world, StrategyKind::Hybrid);
    assert_eq!(read.timeline_writes, 0, "fan-out-on-read wrote timelines");
    assert!(read.store_reads > 0);
    assert_eq!(
        write.store_reads, 0,
        "fan-out-on-write pulled from the store"
    );
    assert!(write.timeline_writes > 0);
    assert!(
        hybrid.timeline_writes < write.timeline_writes,
        "hybrid wrote as much as push"
    );
    assert!(hybrid.store_reads < read.store_reads);
    assert!(hybrid.timeline_writes > 0 && hybrid.store_reads > 0);
}

#[test]
fn hybrid_thresholds_reduce_to_the_pure_strategies() {
    let zero = scenario(SMALL, &["strategy.hybrid.celebrity_threshold=0"]);
    let world = World::build(&zero).unwrap();
    let h0 = run(&zero, &world, StrategyKind::Hybrid);
    let read = run(&zero, &world, StrategyKind::FanoutOnRead);
    assert_eq!(h0.timeline_writes, 0);
    assert_eq!(
        h0.store_reads, read.store_reads,
        "threshold 0 pulls every followee"
    );
    let above = scenario(SMALL, &["strategy.hybrid.celebrity_threshold=4000000000"]);
    let h_max = run(&above, &world, StrategyKind::Hybrid);
    let write = run(&above, &world, StrategyKind::FanoutOnWrite);
    assert_eq!(h_max.store_reads, 0);
    assert_eq!(h_max.timeline_writes, write.timeline_writes);
}

#[test]
fn every_request_completes_or_is_counted_as_dropped() {
    // Tiny queues and few servers force drops at every tier.
    let s = scenario(
        SMALL,
        &[
            "cluster.tweet_store.servers=1",
            "cluster.tweet_store.queue_limit=2",
            "cluster.timeline_cache.queue_limit=1",
            "cluster.fanout_workers.workers=1",
            "cluster.fanout_workers.queue_limit=1",
        ],
    );
    let world = World::build(&s).unwrap();
    let mut saw_drops = false;
    for kind in StrategyKind::ALL {
        let r = run(&s, &world, kind);
        assert_eq!(
            r.reads,
            r.read_latency.count() + r.dropped_reads,
            "{kind:?} reads"
        );
        assert_eq!(
            r.posts,
            r.post_latency.count() + r.dropped_posts,
            "{kind:?} posts"
        );
        saw_drops |= r.dropped_reads > 0 && r.dropped_posts > 0;
    }
    assert!(
        saw_drops,
        "the overload did not drop anything; the test tests nothing"
    );
}

#[test]
fn littles_law_holds_on_the_store_tier() {
    let s = scenario(SMALL, &["duration=\"10s\""]);
    let world = World::build(&s).unwrap();
    let r = run(&s, &world, StrategyKind::FanoutOnRead);
    let store = &r.tier("store").unwrap().total;
    // L (time-weighted number in system) against lambda * W (arrival rate
    // times mean sojourn of those arrivals), measured independently. They
    // differ only by requests straddling the window's edges: at most a
    // few ms of work in a 10 s window, so 1% is generous.
    let lambda = (store.arrivals - store.drops) as f64 / (store.window_ns as f64);
    let l = store.mean_in_system();
    let lw = lambda * store.mean_sojourn_ns();
    assert!(l > 0.5, "store too idle to test: L = {l}");
    assert!((l - lw).abs() / lw < 0.01, "L = {l}, lambda W = {lw}");
}

#[test]
fn reads_are_slower_under_fanout_on_read_at_twitter_scale() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/twitter-2012.toml"
    ))
    .unwrap();
    let s = scenario(&text, &["duration=\"2s\"", "warmup=\"1s\""]);
    let world = World::build(&s).unwrap();
    let read = run(&s, &world, StrategyKind::FanoutOnRead);
    let write = run(&s, &world, StrategyKind::FanoutOnWrite);
    // The typical read: a scatter to ~14 store shards and a merge against
    // one cache lookup. (The tails do not order the same way: under
    // fan-out-on-write, reads queue behind celebrities' insert batches on
    // single-threaded cache shards; the README discusses it, and hybrid
    // removes it.)
    let (r50, w50) = (
        read.read_latency.quantile_ms(0.5),
        write.read_latency.quantile_ms(0.5),
    );
    assert!(
        r50 > 1.5 * w50,
        "median read: fan-out-on-read {r50} ms vs on-write {w50} ms"
    );
    let (rm, wm) = (read.read_latency.mean_ms(), write.read_latency.mean_ms());
    assert!(
        rm > wm,
        "mean read: fan-out-on-read {rm} ms vs on-write {wm} ms"
    );
    // And the work behind it: a read pulls dozens of authors' tweets.
    assert!(read.store_reads_per_sec() > 20.0 * write.timeline_writes_per_sec() / 3.0);
}
