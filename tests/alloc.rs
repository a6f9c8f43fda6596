//! The simulation's hot path allocates nothing per event.
//!
//! A counting global allocator wraps the system one. Each test runs the same
//! scenario (same seed, same `World`) for two measured durations, counts the
//! allocations of each run, and checks that the extra events of the longer
//! run came with (almost) no extra allocations.
//!
//! Why a bound and not zero: a simulation sets itself up with a fixed number
//! of allocations (stations, histograms, the event queue's buckets), and
//! then only its reusable buffers grow: the event queue, the stations'
//! waiting lists, the pool of fan-out jobs and their batch lists. Those are
//! `Vec`s that double when full, so a run of n events allocates O(log n)
//! times for them, and only when a queue reaches a length it has never had
//! before, which a longer run does now and then. A per-event allocation
//! instead adds one allocation per event (or per few events) in the longer
//! run: hundreds of thousands here. The bound, fewer than one extra
//! allocation per [`EVENTS_PER_ALLOCATION`] extra events, sits four or more
//! orders of magnitude below the per-event case and well above the
//! logarithmic growth (measured: a handful).
//!
//! With a time series each closed interval may allocate a little (its row
//! is pushed onto a growing `Vec`; an interval in which a scheduled event
//! starts builds its label), so [`PER_INTERVAL`] more are allowed per extra
//! interval: per interval, not per event.
//!
//! Counts are kept per thread: the test harness runs tests on several
//! threads at once, and `simulate` runs on the thread that calls it.

use fanout::model::config::{Scenario, StrategyKind};
use fanout::model::sim::{SimOptions, World, simulate};
use fanout::scenario::RawScenario;
use fanout::sim::time::SimDuration;
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

/// Counts allocation calls (alloc, alloc_zeroed, realloc) of the calling thread.
struct Counting;

thread_local! {
    // Const-initialised and without a destructor, so reading it never
    // allocates and works at any point of a thread's life.
    static ALLOCS: Cell<u64> = const { Cell::new(0) };
}

fn bump() {
    let _ = ALLOCS.try_with(|c| c.set(c.get() + 1));
}

// SAFETY: every call is forwarded unchanged to `System`; counting touches
// only a thread-local `Cell`, which never allocates.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        bump();
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        bump();
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        bump();
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations() -> u64 {
    ALLOCS.with(Cell::get)
}

/// At most one extra allocation per this many extra events.
const EVENTS_PER_ALLOCATION: u64 = 10_000;
/// Extra allocations allowed per extra time-series interval.
const PER_INTERVAL: u64 = 4;
/// Measured durations of the short and the long run, simulated seconds.
const SHORT_S: u64 = 4;
const LONG_S: u64 = 8;

/// tests/data/tiny.toml (3,000 users) with 10x its rates, so a run has a
/// few hundred thousand events, and one scheduled tweet by the most
/// followed account (exercises that path and, with a time series, an
/// interval label). Both runs contain the same tweet, at 2 s.
fn scenario(duration_s: u64, extra: &[&str]) -> Scenario {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/tiny.toml"))
            .expect("tests/data/tiny.toml is readable");
    let mut raw = RawScenario::from_str(&text, "tests/data/tiny.toml").unwrap();
    for set in [
        "workload.tweets_per_sec=3000".to_string(),
        "workload.reads_per_sec=30000".to_string(),
        // Ten times the reads need more store servers to stay stable.
        "cluster.tweet_store.servers=32".to_string(),
        "warmup=\"1s\"".to_string(),
        format!("duration=\"{duration_s}s\""),
        "workload.events[0]={ kind = \"tweet\", at = \"2s\", rank = 1 }".to_string(),
    ]
    .into_iter()
    .chain(extra.iter().map(|s| s.to_string()))
    {
        raw.set(&set).unwrap();
    }
    raw.resolve().unwrap()
}

struct Measured {
    allocations: u64,
    events: u64,
    intervals: u64,
}

fn measure(s: &Scenario, world: &World, kind: StrategyKind, options: &SimOptions) -> Measured {
    let before = allocations();
    let report = simulate(s, world, kind, options, &mut |_, _| {});
    let allocations = allocations() - before;
    // Growing queues would legitimately grow their buffers for as long as
    // the run lasts; the scenario must be stable for the bound to mean much.
    assert!(
        report.unstable_tier().is_none(),
        "{}: the test scenario is unstable (offered load {:.2}); lower its rates",
        kind.name(),
        report.max_offered_load()
    );
    Measured {
        allocations,
        events: report.events,
        intervals: report.series.len() as u64,
    }
}

fn check(kind: StrategyKind, timeseries: bool) {
    check_with(kind, timeseries, &[]);
}

fn check_with(kind: StrategyKind, timeseries: bool, extra: &[&str]) {
    let short = scenario(SHORT_S, extra);
    let long = scenario(LONG_S, extra);
    // The graph depends only on population and seed, so one world serves both.
    let world = World::build(&short).unwrap();
    let options = SimOptions {
        timeseries: timeseries.then(|| SimDuration::from_secs(1)),
        cancel: None,
    };
    let a = measure(&short, &world, kind, &options);
    let b = measure(&long, &world, kind, &options);
    let extra_events = b.events - a.events;
    let extra_intervals = b.intervals - a.intervals;
    let extra_allocs = b.allocations.saturating_sub(a.allocations);
    let allowed = extra_events / EVENTS_PER_ALLOCATION + PER_INTERVAL * extra_intervals;
    eprintln!(
        "{} (time series: {timeseries}): {SHORT_S} s: {} events, {} allocations; \
         {LONG_S} s: {} events, {} allocations; extra {extra_allocs} for {extra_events} events \
         and {extra_intervals} intervals (allowed {allowed})",
        kind.name(),
        a.events,
        a.allocations,
        b.events,
        b.allocations,
    );
    assert!(
        extra_events > 100_000,
        "the runs differ by only {extra_events} events; the check needs more"
    );
    assert!(
        extra_allocs <= allowed,
        "{} (time series: {timeseries}): the {LONG_S} s run made {extra_allocs} more allocations \
         than the {SHORT_S} s run for {extra_events} more events and {extra_intervals} more \
         intervals; at most {allowed} are allowed (1 per {EVENTS_PER_ALLOCATION} events + \
         {PER_INTERVAL} per interval). Something on the per-event path allocates: look for \
         Vec/String/Box/format!/collect in src/model/sim.rs, src/sim/ and the strategies \
         (`valgrind --tool=dhat` on this test shows where).",
        kind.name()
    );
}

#[test]
fn fanout_on_read_allocates_nothing_per_event() {
    check(StrategyKind::FanoutOnRead, false);
}

#[test]
fn fanout_on_write_allocates_nothing_per_event() {
    check(StrategyKind::FanoutOnWrite, false);
}

#[test]
fn hybrid_allocates_nothing_per_event() {
    check(StrategyKind::Hybrid, false);
}

#[test]
fn fanout_on_read_with_time_series_allocates_per_interval_only() {
    check(StrategyKind::FanoutOnRead, true);
}

#[test]
fn fanout_on_write_with_time_series_allocates_per_interval_only() {
    check(StrategyKind::FanoutOnWrite, true);
}

#[test]
fn hybrid_with_time_series_allocates_per_interval_only() {
    check(StrategyKind::Hybrid, true);
}

/// Residency on: reads of timelines not held take the resilient path and
/// rebuild them, and the CLOCK ring evicts; neither may allocate per event.
#[test]
fn fanout_on_write_with_a_bounded_cache_allocates_nothing_per_event() {
    check_with(
        StrategyKind::FanoutOnWrite,
        false,
        &[
            "cluster.timeline_cache.active_window=\"2s\"",
            "cluster.timeline_cache.capacity=100",
        ],
    );
}
