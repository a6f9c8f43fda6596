//! A strategy defined only here, outside the table of strategies, runs
//! through the simulator: the fan-out job honours a per-edge push decision
//! (a post goes only to the followers the strategy names), and a read pulls
//! the followees whose posts are not pushed to it. Its counts are checked
//! against the decisions it made: timeline writes = pushed edges x
//! replicas, store fetches = pulled edges.

use fanout::model::config::{Scenario, StrategyKind};
use fanout::model::graph::Graph;
use fanout::model::sim::{SimOptions, World, simulate_strategy};
use fanout::model::strategy::{Push, Strategy};
use fanout::scenario::RawScenario;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// Pushes a post to even-numbered followers only; an odd reader pulls
/// every followee (none of their posts reach its timeline), an even reader
/// pulls none. Counts the edges it decided on.
#[derive(Default)]
struct EvenFollowers {
    pushed: AtomicU64,
    pulled: AtomicU64,
}

impl Strategy for EvenFollowers {
    fn pushes(&self, _graph: &Graph, _author: u32) -> Push {
        Push::PerEdge
    }
    fn pushes_to(&self, _graph: &Graph, _author: u32, follower: u32) -> bool {
        let push = follower.is_multiple_of(2);
        if push {
            self.pushed.fetch_add(1, Relaxed);
        }
        push
    }
    fn pulls<'g>(&self, graph: &'g Graph, reader: u32, scratch: &'g mut Vec<u32>) -> &'g [u32] {
        if reader.is_multiple_of(2) {
            return &[];
        }
        let followees = graph.followees_into(reader, scratch);
        self.pulled.fetch_add(followees.len() as u64, Relaxed);
        followees
    }
    fn reads_cache(&self) -> bool {
        true
    }
}

fn scenario() -> Scenario {
    // No warm-up: every post and read of the run is measured, so the
    // strategy's own tallies cover exactly what the report counts.
    let toml = "seed = 11\nduration = \"3s\"\nwarmup = \"0s\"\n\
                [population]\nusers = 5_000\n\
                [population.followers]\nmean = 20.0\n\
                [workload]\ntweets_per_sec = 300\nreads_per_sec = 2_000\n";
    RawScenario::from_str(toml, "per-edge.toml")
        .unwrap()
        .resolve()
        .unwrap()
}

#[test]
fn a_per_edge_strategy_pushes_only_the_edges_it_chooses_and_pulls_the_rest() {
    let s = scenario();
    let world = World::build(&s).unwrap();
    let strategy = EvenFollowers::default();
    let r = simulate_strategy(
        &s,
        &world,
        StrategyKind::Hybrid,
        &strategy,
        &SimOptions::default(),
        &mut |_, _| {},
    );
    let (pushed, pulled) = (strategy.pushed.load(Relaxed), strategy.pulled.load(Relaxed));
    let replicas = u64::from(s.cluster.timeline_cache.replicas);
    assert_eq!(
        r.dropped_timeline_writes + r.dropped_fanouts + r.dropped_reads,
        0
    );
    assert!(pushed > 0 && pulled > 0, "{pushed} pushed, {pulled} pulled");
    assert_eq!(r.timeline_writes, pushed * replicas);
    assert_eq!(r.store_reads, pulled);
    // About half the edges: the odd followers are skipped, not pushed.
    let all = r.fanout_sum * replicas;
    assert!(r.timeline_writes * 10 > all * 3 && r.timeline_writes * 10 < all * 7);
    // Every post is delivered, including those with no even follower.
    assert_eq!(r.delivery_latency.count(), r.posts);
    assert_eq!(r.resilience.full_reads, r.reads);
}
