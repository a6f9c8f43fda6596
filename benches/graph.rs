//! Follower-graph benchmarks: build rate (edges/s) of a 1M-user graph with
//! mean 75 followers (max 999,999, followee exponent 2.28), and lookup
//! throughput of `followers` / `followees` / `celebrity_prefix`.
//!
//! `cargo bench --bench graph` (about a minute). The 10M-user build is timed
//! separately: `cargo test --release --lib graph_10m -- --ignored --nocapture`.

use criterion::{BatchSize, Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use fanout::model::graph::{Graph, GraphParams, solve_exponent};
use fanout::sim::rng::stream;
use rand::RngExt;
use std::hint::black_box;
use std::time::Duration;

fn params() -> GraphParams {
    let users = 1_000_000;
    let max = users - 1;
    GraphParams {
        users,
        follower_exponent: solve_exponent(75.0, max, users).expect("mean 75 is reachable"),
        follower_max: max,
        followee_exponent: 2.28,
        followee_max: None,
        seed: 1,
    }
}

fn build(c: &mut Criterion) {
    let p = params();
    let g = Graph::build(&p).expect("valid parameters");
    eprintln!(
        "graph 1M users mean 75: {} edges, {} bytes held, {:.3} bytes/edge",
        g.edges(),
        g.memory_bytes(),
        g.memory_bytes() as f64 / g.edges() as f64
    );
    let mut group = c.benchmark_group("graph_build");
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(20))
        .throughput(Throughput::Elements(g.edges()));
    drop(g);
    group.bench_function("1M_users_mean_75", |b| {
        b.iter_batched(
            || (),
            |()| Graph::build(black_box(&p)).expect("valid parameters"),
            // Dropping a 600 MB graph is not part of the build.
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

fn lookups(c: &mut Criterion) {
    let g = Graph::build(&params()).expect("valid parameters");
    let n = g.users();
    let mut rng = stream(9, "bench-lookups");
    let users: Vec<u32> = (0..4096).map(|_| rng.random_range(0..n)).collect();
    // Entries touched per pass, for the throughput figure.
    let follower_entries: u64 = users.iter().map(|&u| u64::from(g.follower_count(u))).sum();
    let followee_entries: u64 = users.iter().map(|&u| u64::from(g.followee_count(u))).sum();

    let mut group = c.benchmark_group("graph_lookup");
    group.measurement_time(Duration::from_secs(5));
    group.throughput(Throughput::Elements(users.len() as u64));
    group.bench_function("follower_count_x4096", |b| {
        b.iter(|| users.iter().map(|&u| g.follower_count(u)).sum::<u32>())
    });
    group.bench_function("celebrity_prefix_x4096", |b| {
        b.iter(|| {
            users
                .iter()
                .map(|&u| g.celebrity_prefix(u, 10_000))
                .sum::<usize>()
        })
    });
    group.throughput(Throughput::Elements(follower_entries.max(1)));
    group.bench_function("followers_scan_4096_users", |b| {
        b.iter(|| {
            users
                .iter()
                .map(|&u| g.followers(u).iter().map(|&v| u64::from(v)).sum::<u64>())
                .sum::<u64>()
        })
    });
    group.throughput(Throughput::Elements(followee_entries.max(1)));
    group.bench_function("followees_scan_4096_users", |b| {
        b.iter(|| {
            users
                .iter()
                .map(|&u| g.followees(u).iter().map(|&v| u64::from(v)).sum::<u64>())
                .sum::<u64>()
        })
    });
    group.finish();
}

criterion_group!(benches, build, lookups);
criterion_main!(benches);
