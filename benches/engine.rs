//! Engine speed against the practical ceiling (docs/references.md, Simulator speed): a minimal
//! `std::collections::BinaryHeap` event loop doing the same work with the
//! same random draws, measured in the same run.
//!
//! - `mm1/*`: an M/M/1 queue at rho = 0.7, 100k customers (200k events) per
//!   iteration. `engine` = EventQueue + Station (no histograms);
//!   `eventqueue_lindley` = EventQueue with the Lindley step inline (the
//!   queue alone); `binaryheap` = BinaryHeap<Reverse<(time, seq<<1|kind)>>
//!   with the Lindley step inline. Targets: engine >= 0.75x binaryheap.
//! - `hold/N`: the classic hold model (Jones, CACM 1986): N pending events;
//!   each operation pops the earliest and schedules one at its time plus an
//!   exponential increment; 100k operations per iteration, the queue kept
//!   across iterations (steady state). Target at 1M pending: >= 4x.
//!
//! Throughput is in events (M/M/1) or hold operations per second.
//!
//! Criterion measures each function for seconds at a time, one after the
//! other, so on a shared machine the ratio of two means mixes in whatever
//! else ran meanwhile. After the criterion groups, a paired check therefore
//! alternates the two loops of each comparison run by run and reports the
//! ratio of their best times ("paired ratio"), which is what the targets are
//! judged on. Run with `cargo bench --bench engine` (about two minutes).

use criterion::{Criterion, Throughput, criterion_group};
use fanout::sim::dist::ServiceDist;
use fanout::sim::queue::EventQueue;
use fanout::sim::rng::{SimRng, stream};
use fanout::sim::station::Station;
use fanout::sim::time::{SimDuration, SimTime};
use rand_distr::{Distribution, Exp1};
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::hint::black_box;
use std::time::{Duration, Instant};

const CUSTOMERS: u64 = 100_000;
const HOLD_OPS: u64 = 100_000;

/// Exponential gap of the given mean (ns), rounded to whole ns (as
/// `ServiceDist` does: `+ 0.5` and a saturating cast, no libm call).
#[inline]
fn gap(rng: &mut SimRng, mean_ns: f64) -> u64 {
    let x: f64 = Exp1.sample(rng);
    (x * mean_ns + 0.5) as u64
}

struct Mm1 {
    arrivals: SimRng,
    service: SimRng,
    dist: ServiceDist,
    mean_gap_ns: f64,
}

fn mm1(seed: u64) -> Mm1 {
    Mm1 {
        arrivals: stream(seed, "bench.arrivals"),
        service: stream(seed, "bench.service"),
        dist: ServiceDist::exp(SimDuration::from_millis(1)),
        mean_gap_ns: 1e6 / 0.7,
    }
}

#[derive(Copy, Clone)]
enum Ev {
    Arrival,
    Departure,
}

fn mm1_engine(m: &mut Mm1) -> u64 {
    let mut q = EventQueue::new();
    let mut st = Station::new(1, None);
    q.schedule(
        SimTime::from_nanos(gap(&mut m.arrivals, m.mean_gap_ns)),
        Ev::Arrival,
    )
    .unwrap();
    let mut arrived = 0;
    let mut departed = 0u64;
    while let Some((now, ev)) = q.pop() {
        match ev {
            Ev::Arrival => {
                arrived += 1;
                let s = m.dist.sample(&mut m.service);
                let v = st.submit(now, s).unwrap();
                q.schedule(v.depart, Ev::Departure).unwrap();
                if arrived < CUSTOMERS {
                    let g = SimDuration::from_nanos(gap(&mut m.arrivals, m.mean_gap_ns));
                    q.schedule_after(g, Ev::Arrival).unwrap();
                }
            }
            Ev::Departure => departed += 1,
        }
    }
    black_box(st.stats().wait_sum_ns);
    black_box(departed);
    q.popped()
}

fn mm1_eventqueue_lindley(m: &mut Mm1) -> u64 {
    let mut q = EventQueue::new();
    q.schedule(
        SimTime::from_nanos(gap(&mut m.arrivals, m.mean_gap_ns)),
        Ev::Arrival,
    )
    .unwrap();
    let (mut arrived, mut departed) = (0, 0u64);
    let (mut free, mut wait_sum) = (0u64, 0u128);
    while let Some((now, ev)) = q.pop() {
        match ev {
            Ev::Arrival => {
                arrived += 1;
                let s = m.dist.sample(&mut m.service).as_nanos();
                let t = now.as_nanos();
                let start = t.max(free);
                free = start + s;
                wait_sum += u128::from(start - t);
                q.schedule(SimTime::from_nanos(free), Ev::Departure)
                    .unwrap();
                if arrived < CUSTOMERS {
                    let g = SimDuration::from_nanos(gap(&mut m.arrivals, m.mean_gap_ns));
                    q.schedule_after(g, Ev::Arrival).unwrap();
                }
            }
            Ev::Departure => departed += 1,
        }
    }
    black_box(wait_sum);
    black_box(departed);
    q.popped()
}

fn mm1_binaryheap(m: &mut Mm1) -> u64 {
    let mut heap: BinaryHeap<Reverse<(u64, u64)>> = BinaryHeap::new();
    let mut seq = 0u64;
    heap.push(Reverse((gap(&mut m.arrivals, m.mean_gap_ns), 0)));
    let (mut arrived, mut departed, mut popped) = (0, 0u64, 0u64);
    let (mut free, mut wait_sum) = (0u64, 0u128);
    while let Some(Reverse((t, tag))) = heap.pop() {
        popped += 1;
        if tag & 1 == 0 {
            arrived += 1;
            let s = m.dist.sample(&mut m.service).as_nanos();
            let start = t.max(free);
            free = start + s;
            wait_sum += u128::from(start - t);
            seq += 1;
            heap.push(Reverse((free, seq << 1 | 1)));
            if arrived < CUSTOMERS {
                seq += 1;
                heap.push(Reverse((t + gap(&mut m.arrivals, m.mean_gap_ns), seq << 1)));
            }
        } else {
            departed += 1;
        }
    }
    black_box(wait_sum);
    black_box(departed);
    popped
}

fn bench_mm1(c: &mut Criterion) {
    let mut g = c.benchmark_group("mm1");
    g.sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4))
        .throughput(Throughput::Elements(2 * CUSTOMERS));
    // Same seed for all three: identical draws, identical event sequences.
    let mut m = mm1(1);
    assert_eq!(mm1_engine(&mut mm1(1)), 2 * CUSTOMERS);
    assert_eq!(mm1_binaryheap(&mut mm1(1)), 2 * CUSTOMERS);
    g.bench_function("engine", |b| b.iter(|| mm1_engine(&mut m)));
    let mut m = mm1(1);
    g.bench_function("eventqueue_lindley", |b| {
        b.iter(|| mm1_eventqueue_lindley(&mut m))
    });
    let mut m = mm1(1);
    g.bench_function("binaryheap", |b| b.iter(|| mm1_binaryheap(&mut m)));
    g.finish();
}

/// Mean hold increment: 1 ms, so 1M pending events span tens of ms.
const HOLD_MEAN_NS: f64 = 1e6;

/// A hold-model queue: `pending` events at exponential times.
fn hold_queue(pending: u64) -> (EventQueue<u64>, SimRng) {
    let mut rng = stream(2, "bench.hold");
    let mut q: EventQueue<u64> = EventQueue::new();
    for id in 0..pending {
        q.schedule(SimTime::from_nanos(gap(&mut rng, HOLD_MEAN_NS)), id)
            .unwrap();
    }
    (q, rng)
}

fn hold_eventqueue(q: &mut EventQueue<u64>, rng: &mut SimRng) {
    for _ in 0..HOLD_OPS {
        let (t, id) = q.pop().unwrap();
        let at = SimTime::from_nanos(t.as_nanos() + gap(rng, HOLD_MEAN_NS));
        q.schedule(at, id).unwrap();
    }
}

/// The same, with `BinaryHeap<Reverse<(time, seq)>>`.
fn hold_heap(pending: u64) -> (BinaryHeap<Reverse<(u64, u64)>>, SimRng, u64) {
    let mut rng = stream(2, "bench.hold");
    let mut heap = BinaryHeap::new();
    for seq in 0..pending {
        heap.push(Reverse((gap(&mut rng, HOLD_MEAN_NS), seq)));
    }
    (heap, rng, pending)
}

fn hold_binaryheap(heap: &mut BinaryHeap<Reverse<(u64, u64)>>, rng: &mut SimRng, seq: &mut u64) {
    for _ in 0..HOLD_OPS {
        let Reverse((t, _)) = heap.pop().unwrap();
        heap.push(Reverse((t + gap(rng, HOLD_MEAN_NS), *seq)));
        *seq += 1;
    }
}

const PENDING: [u64; 3] = [10, 10_000, 1_000_000];

fn bench_hold(c: &mut Criterion) {
    let mut g = c.benchmark_group("hold");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .throughput(Throughput::Elements(HOLD_OPS));
    for pending in PENDING {
        let (mut q, mut rng) = hold_queue(pending);
        g.bench_function(format!("eventqueue/{pending}"), |b| {
            b.iter(|| hold_eventqueue(&mut q, &mut rng))
        });
        drop(q);
        let (mut heap, mut rng, mut seq) = hold_heap(pending);
        g.bench_function(format!("binaryheap/{pending}"), |b| {
            b.iter(|| hold_binaryheap(&mut heap, &mut rng, &mut seq))
        });
    }
    g.finish();
}

/// Best time of `a` and of `b` over `rounds` alternating runs.
fn paired(rounds: usize, mut a: impl FnMut(), mut b: impl FnMut()) -> (f64, f64) {
    let (mut best_a, mut best_b) = (f64::MAX, f64::MAX);
    for _ in 0..rounds {
        let t = Instant::now();
        a();
        best_a = best_a.min(t.elapsed().as_secs_f64());
        let t = Instant::now();
        b();
        best_b = best_b.min(t.elapsed().as_secs_f64());
    }
    (best_a, best_b)
}

fn paired_report() {
    println!("\npaired ratios (alternating runs, best of each; targets in the module docs):");
    let (mut ma, mut mb, mut mc, mut md) = (mm1(1), mm1(1), mm1(1), mm1(1));
    let ev = (2 * CUSTOMERS) as f64;
    let (e, h) = paired(
        30,
        || {
            black_box(mm1_engine(&mut ma));
        },
        || {
            black_box(mm1_binaryheap(&mut mb));
        },
    );
    let (l, h2) = paired(
        30,
        || {
            black_box(mm1_eventqueue_lindley(&mut mc));
        },
        || {
            black_box(mm1_binaryheap(&mut md));
        },
    );
    println!(
        "  mm1: engine {:.1} M events/s vs binaryheap {:.1} M: ratio = {:.2} (target >= 0.75); eventqueue_lindley {:.1} M vs {:.1} M: ratio = {:.2}",
        ev / e / 1e6,
        ev / h / 1e6,
        h / e,
        ev / l / 1e6,
        ev / h2 / 1e6,
        h2 / l
    );
    for pending in PENDING {
        let (mut q, mut rq) = hold_queue(pending);
        let (mut heap, mut rh, mut seq) = hold_heap(pending);
        let (e, h) = paired(
            15,
            || hold_eventqueue(&mut q, &mut rq),
            || hold_binaryheap(&mut heap, &mut rh, &mut seq),
        );
        let ops = HOLD_OPS as f64;
        println!(
            "  hold/{pending}: eventqueue {:.1} M ops/s, binaryheap {:.1} M; ratio = {:.2}{}",
            ops / e / 1e6,
            ops / h / 1e6,
            h / e,
            if pending == 1_000_000 {
                " (target >= 4)"
            } else {
                ""
            }
        );
    }
}

criterion_group!(benches, bench_mm1, bench_hold);

fn main() {
    benches();
    // Only under `cargo bench` (criterion's test mode, under `cargo test`,
    // runs each benchmark once and must stay quick).
    if std::env::args().any(|a| a == "--bench") {
        paired_report();
    }
    Criterion::default().configure_from_args().final_summary();
}
