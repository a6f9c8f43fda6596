//! Whole-model speed: simulated seconds per wall second, and simulator events
//! per second, of each strategy on scenarios/twitter-2012.toml (1M users,
//! 4.6k tweets/s, 300k reads/s), with a short run: 1 s of warm-up and 2 s
//! measured, so one iteration is a few seconds of wall time.
//!
//! The follower graph and samplers (`World`) are built once, outside the
//! timing (`cargo bench --bench graph` measures the build). Throughput is in
//! simulator events (criterion's "elem/s"); each strategy's events per
//! iteration are the same every time, since a run is a pure function of the
//! scenario and seed. After the criterion groups, one line per strategy:
//!
//! ```text
//! fanout-on-read: X simulated s per wall s, Y M events/s (median of N runs)
//! ```
//!
//! The same runs again with client policies that never fire (hour-long
//! timeouts, cache failover) take the resilient read path (README, Faults and resilience), whose
//! output is the same (a unit test pins it): the cost of that path is
//! printed as a ratio of medians measured in the same run:
//!
//! ```text
//! fanout-on-read: resilient read path 1.23x the wall time of the plain one
//! ```
//!
//! `cargo bench --bench model` (about two minutes; `-- hybrid` for one strategy).
//! The engine alone against a minimal BinaryHeap loop is in benches/engine.rs.

use criterion::{Criterion, SamplingMode, Throughput};
use fanout::model::config::{Scenario, StrategyKind};
use fanout::model::sim::{SimOptions, World, simulate};
use fanout::scenario::RawScenario;
use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

/// twitter-2012.toml with a short run.
fn scenario() -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/twitter-2012.toml");
    let mut raw = RawScenario::from_file(&path).expect("scenarios/twitter-2012.toml is readable");
    raw.set("duration=\"2s\"").expect("duration is a known key");
    raw.set("warmup=\"1s\"").expect("warmup is a known key");
    raw.resolve().expect("the shipped scenario is valid")
}

/// What the timed runs of one strategy measured.
struct Timings {
    kind: StrategyKind,
    events: u64,
    walls: Vec<Duration>,
}

fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    let s = scenario();
    let started = Instant::now();
    let world = World::build(&s).expect("the shipped population is valid");
    eprintln!(
        "twitter-2012 (warm-up {}, duration {}): graph of {} users, {} edges built in {:.1} s (not timed)",
        s.warmup,
        s.duration,
        world.graph.users(),
        world.graph.edges(),
        started.elapsed().as_secs_f64()
    );
    // Simulated time of one run: the warm-up and the measured window (the
    // drain after it is short and not counted).
    let simulated = (s.warmup + s.duration).as_secs_f64();
    let mut all = time_strategies(&mut criterion, "model_twitter_2012_3s", &s, &world);
    let mut idle = s.clone();
    idle.policy.store.timeout = Some(fanout::sim::time::SimDuration::from_secs(3600));
    idle.policy.cache.timeout = idle.policy.store.timeout;
    idle.policy.cache.failover = true;
    let mut resilient = time_strategies(
        &mut criterion,
        "model_twitter_2012_3s_resilient_path",
        &idle,
        &world,
    );

    for t in &mut all {
        // Strategies left out by a filter on the command line ran nothing.
        if t.walls.is_empty() {
            continue;
        }
        let median = t.median();
        println!(
            "{}: {:.2} simulated s per wall s, {:.2} M events/s (median of {} runs of {} s simulated, {} events each)",
            t.kind.name(),
            simulated / median,
            t.events as f64 / median / 1e6,
            t.walls.len(),
            simulated,
            t.events
        );
    }
    for (plain, r) in all.iter_mut().zip(&mut resilient) {
        if plain.walls.is_empty() || r.walls.is_empty() {
            continue;
        }
        println!(
            "{}: resilient read path {:.2}x the wall time of the plain one ({} vs {} events)",
            r.kind.name(),
            r.median() / plain.median(),
            r.events,
            plain.events
        );
    }
    criterion.final_summary();
}

impl Timings {
    /// The median wall time in seconds (sorts the samples).
    fn median(&mut self) -> f64 {
        self.walls.sort();
        self.walls[self.walls.len() / 2].as_secs_f64()
    }
}

/// Times every strategy on `s` in one criterion group.
fn time_strategies(
    criterion: &mut Criterion,
    name: &str,
    s: &Scenario,
    world: &World,
) -> Vec<Timings> {
    let options = SimOptions::default();
    let mut group = criterion.benchmark_group(name);
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(10));
    let mut all: Vec<Timings> = Vec::new();
    for kind in StrategyKind::ALL {
        // One untimed run gives the throughput figure (events per run).
        let events = simulate(s, world, kind, &options, &mut |_, _| {}).events;
        group.throughput(Throughput::Elements(events));
        let mut walls = Vec::new();
        group.bench_function(kind.name(), |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let t = Instant::now();
                    let report = simulate(
                        black_box(s),
                        black_box(world),
                        kind,
                        &options,
                        &mut |_, _| {},
                    );
                    let wall = t.elapsed();
                    assert_eq!(report.events, events, "a run is deterministic");
                    walls.push(wall);
                    total += wall;
                }
                total
            })
        });
        all.push(Timings {
            kind,
            events,
            walls,
        });
    }
    group.finish();
    all
}
