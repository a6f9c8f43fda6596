//! One simulation: a feed backend under one strategy, driven by the event loop.
//!
//! The cluster (DDIA ch. 1's Twitter example, with Krikorian's 2012 figures
//! for the timeline cache; docs/references.md) is a set of components, each
//! in its own file and each owning its configuration, stations and random
//! stream:
//!
//! - the users (`workload.rs`): who posts and who reads, and when;
//! - the tweet store, sharded by author, and the home-timeline cache,
//!   sharded by reader with `replicas` copies of every shard (`tier.rs`);
//! - the network: a fixed `one_way` delay per hop and a random jitter per
//!   round trip (`tier.rs`);
//! - the fan-out worker pool and its jobs (`fanout.rs`);
//! - the read path (`read.rs`) and the client policies it may go through
//!   (`resilient.rs`, `client.rs`);
//! - the fault schedule (`faults.rs`) and the recorder of measurements
//!   (`recorder.rs`).
//!
//! The simulation loop only dispatches events to the component that handles
//! them. Every station computes a job's start and departure on arrival
//! (Lindley's recursion, c servers, FIFO), so no event is spent on a
//! departure that nothing reacts to. That needs arrivals at each station in
//! time order: all requests leave at an event's time and travel the same
//! fixed one-way delay to the station, and the random part of the network
//! delay is added on the way back, after the queue (it changes response
//! times, not arrival order). A read is then one event however many shards
//! it scatters to; a post is one event, plus one when the store write
//! completes and one per batch when it is pushed.

mod cache_set;
mod client;
mod fanout;
mod faults;
mod hydration;
mod read;
mod recorder;
mod resilient;
mod tails;
mod tier;
mod workload;

use crate::metrics::Report;
use crate::model::config::{AccountRef, GraphMode, Scenario, StrategyKind};
use crate::model::graph::Graph;
use crate::model::strategy::{Push, Strategy};
use crate::model::workload::UserSampler;
use crate::sim::queue::EventQueue;
use crate::sim::rng;
use crate::sim::time::{SimDuration, SimTime};
use fanout::{Fanout, FanoutEvent};
use faults::Faults;
use read::Direct;
use recorder::Recorder;
use resilient::{ClientEvent, Resilient};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;
use tier::{Cache, Network, ShardGroups, Store};
use workload::{Workload, WorkloadEvent};

/// What is built once per scenario and shared, read-only, by every
/// simulation of it: the graph and the samplers of authors and readers.
pub struct World {
    /// The follower graph (shared: a graph loaded from a file is held once
    /// however many worlds use it).
    pub graph: Arc<Graph>,
    authors: UserSampler,
    readers: UserSampler,
}

impl World {
    /// Builds the graph and samplers of a scenario.
    pub fn build(scenario: &Scenario) -> Result<World, String> {
        let p = &scenario.population;
        if let Some(file) = &p.file {
            return Self::from_graph(scenario, file.graph.clone());
        }
        let params = crate::model::graph::GraphParams {
            users: p.users,
            follower_exponent: p.followers.exponent,
            follower_max: p.followers.max,
            followee_exponent: p.followee_exponent,
            followee_max: p.followee_max,
            seed: rng::derive_seed(scenario.seed, "graph", 0),
        };
        let graph = match p.graph {
            GraphMode::Stored => Graph::build(&params)?,
            GraphMode::Sampled => Graph::build_sampled(&params)?,
        };
        Self::from_graph(scenario, graph)
    }

    /// Memory a run of `scenario` needs, estimated before anything is built:
    /// the graph at its peak during the build, the author and reader
    /// samplers, and `parallel` simulations running at once (event queue,
    /// stations, histograms, fan-out jobs: a few MiB each, 16 MiB allowed;
    /// plus a bit per user for each cache crash that loses its data, and
    /// the set of held timelines when residency is on).
    pub fn estimate_memory_bytes(scenario: &Scenario, parallel: usize) -> u64 {
        Self::estimate_memory_bytes_in(scenario, parallel, scenario.population.graph)
    }

    /// [`World::estimate_memory_bytes`] as if the graph were held in `mode`.
    /// Sampled: the degree sequence and alias tables at their build peak
    /// ([`crate::model::graph::estimate_sampled_memory_bytes`]), plus per
    /// simulation a list buffer as long as the largest follower count and a
    /// bitset of the users.
    pub fn estimate_memory_bytes_in(scenario: &Scenario, parallel: usize, mode: GraphMode) -> u64 {
        let p = &scenario.population;
        let users = u64::from(p.users);
        let mean = p.followers.mean.unwrap_or_else(|| {
            crate::model::graph::zipf_mean(p.followers.exponent, p.followers.max, p.users)
        });
        // The follow limit (model/graph/followee_cap.rs): in stored mode
        // its repair keeps two u32 per user beside the lists; in sampled
        // mode it bounds the followee lists a simulation draws.
        let limit = p.followee_max.map_or(0, |_| 8 * users);
        let longest = u64::from(p.followers.max.max(p.followee_max.unwrap_or(0)));
        let (graph, per_list) = match mode {
            // A loaded graph: what it holds (with its id map), exactly.
            GraphMode::Stored if p.file.is_some() => (Self::loaded_graph_bytes(scenario), 0),
            GraphMode::Stored => (
                crate::model::graph::estimate_memory_bytes(users, mean) + limit,
                0,
            ),
            GraphMode::Sampled => (
                crate::model::graph::estimate_sampled_memory_bytes(users),
                // The list buffer (grown to the largest list) and the bitset
                // of a long draw.
                4 * longest + users / 8,
            ),
        };
        let samplers = 2 * 16 * users;
        let series = scenario
            .duration
            .as_nanos()
            .saturating_add(scenario.warmup.as_nanos())
            / 1_000_000_000
            * 256;
        // A cache machine that restarts empty keeps a bit per user for
        // the timelines rebuilt since (src/model/sim/faults.rs).
        let emptied = scenario
            .faults
            .iter()
            .filter(|f| {
                matches!(
                    f.kind,
                    crate::model::config::FaultKind::Crash {
                        lose_data: true,
                        ..
                    }
                )
            })
            .count() as u64;
        // The set of held timelines, when residency is on (cache_set.rs).
        let c = &scenario.cluster.timeline_cache;
        let held = match c.residency.is_active() {
            true => cache_set::CacheSet::memory_bytes(
                users,
                c.residency
                    .capacity
                    .map(|cap| u64::from(cap) * u64::from(c.machines)),
            ),
            false => 0,
        };
        let per_sim = (16u64 << 20)
            .saturating_add(series)
            .saturating_add(held)
            .saturating_add(per_list)
            .saturating_add(emptied.saturating_mul(users / 8 + 8));
        graph
            .saturating_add(samplers)
            .saturating_add(per_sim.saturating_mul(parallel as u64))
    }

    /// Bytes held by a graph loaded from a file (graph and id map), 0 for
    /// a generated one: already in memory when the guard runs, so the
    /// guard does not count it against what is available.
    pub fn loaded_graph_bytes(scenario: &Scenario) -> u64 {
        scenario.population.file.as_ref().map_or(0, |f| {
            (f.graph.memory_bytes() as u64).saturating_add(f.ids.memory_bytes() as u64)
        })
    }

    /// Wraps an already built graph (tests and benchmarks reuse one).
    pub fn from_graph(scenario: &Scenario, graph: impl Into<Arc<Graph>>) -> Result<World, String> {
        let graph = graph.into();
        let p = &scenario.population;
        let authors = UserSampler::authors(&graph, p.author_activity_exponent)?;
        let readers = UserSampler::readers(&graph, p.reader_activity_exponent)?;
        Ok(World {
            graph,
            authors,
            readers,
        })
    }

    /// The user an [`AccountRef`] names, if it exists.
    pub fn resolve_account(&self, account: AccountRef) -> Option<u32> {
        match account {
            AccountRef::Rank(r) => self.graph.by_rank(r),
            AccountRef::Id(id) => (id < self.graph.users()).then_some(id),
        }
    }
}

/// An event, grouped by the component that handles it.
#[derive(Clone, Copy, Debug)]
enum Event {
    /// A user posts or reads.
    Workload(WorkloadEvent),
    /// A step of a fan-out job.
    Fanout(FanoutEvent),
    /// A step of a read the client is still working on.
    Client(ClientEvent),
    /// A fault that acts at a given time.
    Fault(FaultEvent),
    /// A read's ids are back: fetch its page's tweets (`hydration.rs`).
    Hydrate(u32),
}

/// A fault that acts at a given time (the others are asked as requests
/// go by).
#[derive(Clone, Copy, Debug)]
enum FaultEvent {
    /// The worker crash with this index (in start order) happens.
    WorkerCrash(u32),
}

/// What every component reports to and schedules on: the event queue, the
/// network, the fault schedule and the recorder.
struct Env {
    queue: EventQueue<Event>,
    net: Network,
    /// The fault schedule, if the scenario has faults.
    faults: Option<Faults>,
    recorder: Recorder,
}

impl Env {
    fn schedule(&mut self, at: SimTime, event: Event) {
        // Every event is scheduled at or after the current time by
        // construction; a failure here is a bug in the model, not bad input.
        self.queue
            .schedule(at, event)
            .expect("the model scheduled an event in the past");
    }

    /// Delay of an answer leaving at `t` (network faults included).
    fn back_at(&mut self, t: SimTime) -> SimDuration {
        self.net.back_at(t, &self.faults)
    }
}

/// What to record beyond the summary.
#[derive(Clone, Debug, Default)]
pub struct SimOptions {
    /// Record a time series with rows of this length.
    pub timeseries: Option<SimDuration>,
    /// Checked now and then; when it becomes true the run stops early and
    /// its report is marked partial (the CLI sets it on Ctrl-C).
    pub cancel: Option<Arc<AtomicBool>>,
}

/// The state of one running simulation: its components.
struct Simulation<'a> {
    scenario: &'a Scenario,
    world: &'a World,
    strategy: &'a dyn Strategy,
    workload: Workload,
    store: Store,
    cache: Cache,
    fanout: Fanout,
    /// The client policies' state, if any fault or policy is configured,
    /// or if a read may find its timeline missing (residency on).
    clients: Option<Box<resilient::Clients>>,
    /// Every read goes through the client policies (a fault or policy is
    /// configured); else only a read whose timeline is not held does.
    resilient_reads: bool,
    /// Device reads and remote requests of the read path, if any is on.
    tails: Option<Box<tails::Tails>>,
    /// Reads waiting for their page's tweets, if hydration is on.
    hydration: Option<Box<hydration::Hydration>>,
    env: Env,
    /// Store shards a read scatters to, reused across reads.
    groups: ShardGroups,
    /// Where a sampled graph's followee lists are drawn (untouched with a
    /// stored graph), reused across events.
    list_buf: Vec<u32>,
    /// Followees a rebuild fetches, reused across rebuilds.
    rebuild_buf: Vec<u32>,
    /// The run stopped at the drain horizon with work still pending.
    cut: bool,
}

/// Runs one strategy on a scenario's world and returns what it measured.
///
/// `progress` is called now and then with the simulated time reached and the
/// events processed so far (for a progress bar); it must not affect results.
pub fn simulate(
    scenario: &Scenario,
    world: &World,
    kind: StrategyKind,
    options: &SimOptions,
    progress: &mut dyn FnMut(SimTime, u64),
) -> Report {
    let strategy = kind.build(scenario, &world.graph);
    simulate_strategy(scenario, world, kind, strategy.as_ref(), options, progress)
}

/// Runs a strategy object (one not necessarily in the table of strategies,
/// such as a test's) and reports it under the name of `kind`.
pub fn simulate_strategy(
    scenario: &Scenario,
    world: &World,
    kind: StrategyKind,
    strategy: &dyn Strategy,
    options: &SimOptions,
    progress: &mut dyn FnMut(SimTime, u64),
) -> Report {
    let started = Instant::now();
    let mut sim = Simulation::new(scenario, world, kind, strategy, options);
    sim.run(progress, options.cancel.as_deref());
    let mut report = sim.finish();
    report.wall_seconds = started.elapsed().as_secs_f64();
    report
}

impl<'a> Simulation<'a> {
    fn new(
        scenario: &'a Scenario,
        world: &'a World,
        kind: StrategyKind,
        strategy: &'a dyn Strategy,
        options: &SimOptions,
    ) -> Self {
        let seed = scenario.seed;
        let recorder = Recorder::new(scenario, world, kind, options.timeseries);
        let window = recorder.window();
        let c = &scenario.cluster;
        let mut store = Store::new(&c.tweet_store, window, rng::stream(seed, "store-service"));
        let mut cache = Cache::new(
            &c.timeline_cache,
            window,
            rng::stream(seed, "cache-service"),
            rng::stream(seed, "replica-choice"),
            cache_set::for_run(scenario, &world.graph, seed),
        );
        let t = &c.tails;
        let pauses = |cfg, n, name| tails::Pauses::new(cfg, n, rng::stream(seed, name));
        let store_pauses = pauses(&t.store, c.tweet_store.tier.shards, "store-pauses");
        store.tier.set_pauses(store_pauses);
        let cache_pauses = pauses(&t.cache, c.timeline_cache.machines, "cache-pauses");
        cache.tier.set_pauses(cache_pauses);
        Simulation {
            scenario,
            world,
            strategy,
            workload: Workload::new(scenario, window.1),
            store,
            cache,
            fanout: Fanout::new(
                &c.fanout_workers,
                c.timeline_cache.tier.shards,
                window,
                rng::stream(seed, "worker-service"),
            ),
            clients: (scenario.has_resilience() || c.timeline_cache.residency.is_active())
                .then(|| Box::new(resilient::Clients::new(seed, scenario))),
            resilient_reads: scenario.has_resilience(),
            tails: tails::Tails::new(t, seed),
            hydration: hydration::Hydration::new(t.hydration_page, rng::stream(seed, "hydration")),
            env: Env {
                queue: EventQueue::new(),
                net: Network::new(&c.network, rng::stream(seed, "network")),
                faults: Faults::new(
                    &scenario.faults,
                    c.timeline_cache.machines,
                    world.graph.users(),
                    seed,
                ),
                recorder,
            },
            groups: ShardGroups::new(c.tweet_store.tier.shards),
            list_buf: Vec::new(),
            rebuild_buf: Vec::new(),
            cut: false,
        }
    }

    fn run(&mut self, progress: &mut dyn FnMut(SimTime, u64), cancel: Option<&AtomicBool>) {
        self.workload.start(&mut self.env);
        let end = self.env.recorder.window().1;
        self.fanout.schedule_crashes(&mut self.env, end);
        self.workload
            .schedule_tweets(self.scenario, self.world, &mut self.env);
        let horizon = self.env.recorder.horizon();
        let mut last = end;
        while let Some((now, event)) = self.env.queue.pop() {
            if now > horizon {
                // Drained for as long again as the run: stop, and count what
                // is still pending (the event popped is not processed).
                self.cut = true;
                last = horizon;
                break;
            }
            last = last.max(now);
            if self.env.recorder.interval_due(now) {
                self.roll_series(now);
            }
            match event {
                Event::Workload(e) => self.users(now, e),
                Event::Fanout(e) => {
                    let push = (&*self.world.graph, self.strategy);
                    self.fanout
                        .handle(now, e, &mut self.cache, &mut self.env, push);
                }
                Event::Client(e) => self.client_event(now, e),
                Event::Fault(FaultEvent::WorkerCrash(i)) => {
                    self.fanout.crash(now, i as usize, &mut self.env);
                }
                Event::Hydrate(id) => self.hydrate(now, id),
            }
            let popped = self.env.queue.popped();
            if popped & 0xF_FFFF == 0 {
                progress(now, popped);
                if cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
                    self.env.recorder.mark_partial();
                    return;
                }
            }
        }
        progress(last, self.env.queue.popped());
        self.fanout.count_pending(&mut self.env);
        let backlog = self.fanout.backlog();
        let (store, cache) = (&mut self.store.tier, &mut self.cache.tier);
        let workers = &mut self.fanout.workers;
        self.env.recorder.close_series(last, backlog, &mut || {
            [
                store.interval_peak(),
                cache.interval_peak(),
                workers.interval_peak(),
            ]
        });
    }

    /// A user posts or reads.
    #[inline]
    fn users(&mut self, now: SimTime, event: WorkloadEvent) {
        match event {
            WorkloadEvent::Post => {
                let author = self.workload.author(self.world);
                self.post(now, author);
                self.workload.next_post(now, &mut self.env);
            }
            WorkloadEvent::Read => {
                let reader = self.workload.reader(self.world);
                // The branches between the plain and the resilient client,
                // and between plain reads with and without tail mechanisms;
                // a read of a timeline not held takes the resilient path,
                // whose rebuild step fetches it from the store.
                if self.clients.is_some() && (self.misses(reader) || self.resilient_reads) {
                    self.read::<Resilient>(now, reader);
                } else if self.tails.is_some() || self.hydration.is_some() {
                    self.read_tailed(now, reader);
                } else {
                    self.read::<Direct>(now, reader);
                }
                self.workload.next_read(now, &mut self.env);
            }
            WorkloadEvent::ScheduledTweet(author) => self.post(now, author),
        }
    }

    /// Whether a read by `reader` will find its timeline missing (and
    /// otherwise, marks it recently read). Only asked when some read may
    /// take the resilient path; out of line, so the plain path stays as
    /// small as it was.
    #[inline(never)]
    fn misses(&mut self, reader: u32) -> bool {
        self.cache.partial() && self.strategy.reads_cache() && !self.cache.touch(reader)
    }

    /// Closes every time-series interval that ends at or before `now`.
    fn roll_series(&mut self, now: SimTime) {
        let backlog = self.fanout.backlog();
        let (store, cache) = (&mut self.store.tier, &mut self.cache.tier);
        let workers = &mut self.fanout.workers;
        self.env.recorder.roll(now, backlog, &mut || {
            [
                store.interval_peak(),
                cache.interval_peak(),
                workers.interval_peak(),
            ]
        });
    }

    /// A post: one insert into the store, acknowledged; then, if the
    /// strategy pushes it to anyone, a fan-out job.
    fn post(&mut self, now: SimTime, author: u32) {
        let in_window = self.env.recorder.in_window(now);
        let graph = &self.world.graph;
        let followers = graph.follower_count(author);
        self.env.recorder.post_issued(in_window, followers);
        let arrival = now + self.env.net.one_way();
        let Some(visit) = self.store.write(author, arrival, &mut self.env.faults) else {
            self.env.recorder.post_dropped(in_window);
            return;
        };
        let ack = visit.depart + self.env.back_at(visit.depart);
        self.env.recorder.post_acked(in_window, ack - now);
        let push = match followers {
            0 => Push::None,
            _ => self.strategy.pushes(graph, author),
        };
        if push == Push::None {
            // Pulled (or followed by nobody): readable once in the store.
            self.env.recorder.delivered(in_window, now, visit.depart);
            return;
        }
        let job = self
            .fanout
            .open(author, now, in_window, push == Push::PerEdge);
        let event = Event::Fanout(FanoutEvent::StoreWritten(job));
        self.env.schedule(visit.depart, event);
    }

    fn finish(mut self) -> Report {
        let (held, bytes) = self.cache.memory_bytes(self.world.graph.users());
        let reads_cache = self.strategy.reads_cache();
        let partial = self.cache.partial();
        self.env
            .recorder
            .cache_held(held, bytes, reads_cache, partial);
        let tiers = vec![
            self.store.tier.report("store"),
            self.cache.tier.report("cache"),
            self.fanout.workers.report("workers"),
        ];
        // An event popped to find the horizon passed was not processed.
        let events = self.env.queue.popped() - u64::from(self.cut);
        self.env.recorder.finish(tiers, events)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::model::config::*;
    use crate::sim::dist::{ServiceDist, Shape};

    fn svc(per_request_us: u64, per_item_ns: u64) -> ServiceConfig {
        ServiceConfig {
            per_request: SimDuration::from_micros(per_request_us),
            per_item: SimDuration::from_nanos(per_item_ns),
            shape: ServiceDist::new(SimDuration::from_secs(1), Shape::LogNormal { cv: 1.0 })
                .unwrap(),
        }
    }

    /// A small scenario in the shape of the DDIA example.
    pub(crate) fn small(users: u32, tweets: f64, reads: f64) -> Scenario {
        Scenario {
            name: "test".into(),
            seed: 7,
            duration: SimDuration::from_secs(5),
            warmup: SimDuration::from_secs(1),
            strategies: StrategyKind::ALL.to_vec(),
            population: PopulationConfig {
                users,
                graph: Default::default(),
                file: None,
                followers: FollowerConfig {
                    exponent: 1.6,
                    mean: None,
                    max: users - 1,
                },
                followee_exponent: 2.28,
                author_activity_exponent: 0.0,
                reader_activity_exponent: 0.0,
                fanout_per_tweet: None,
                followee_max: None,
            },
            workload: WorkloadConfig {
                tweets_per_sec: tweets,
                reads_per_sec: reads,
                profile: RateProfile::Constant,
                events: vec![],
            },
            cluster: ClusterConfig {
                network: NetworkConfig {
                    one_way: SimDuration::from_micros(100),
                    jitter: ServiceDist::exp(SimDuration::from_micros(100)),
                },
                tweet_store: StoreConfig {
                    tier: TierConfig {
                        shards: 8,
                        servers: 8,
                        queue_limit: None,
                    },
                    write: svc(200, 0),
                    read: svc(20, 2000),
                },
                timeline_cache: CacheConfig {
                    tier: TierConfig {
                        shards: 8,
                        servers: 1,
                        queue_limit: None,
                    },
                    replicas: 3,
                    max_entries: 800,
                    write_chunk: 200,
                    machines: 24,
                    read: svc(20, 25),
                    write: svc(10, 2000),
                    residency: Residency::default(),
                },
                fanout_workers: WorkerConfig {
                    workers: 8,
                    batch: 4000,
                    service: svc(50, 3000),
                    queue_limit: None,
                    retry_after: SimDuration::from_secs(1),
                    idempotency_key: true,
                    parallelism: 1,
                },
                merge_per_item: SimDuration::from_nanos(100),
                tails: TailsConfig::default(),
            },
            strategy: StrategyConfig {
                celebrity_threshold: 200,
                feeding_frenzy: Default::default(),
            },
            faults: Vec::new(),
            policy: Policies::default(),
            cost: CostConfig::default(),
        }
    }

    fn run(s: &Scenario, world: &World, kind: StrategyKind) -> Report {
        simulate(s, world, kind, &SimOptions::default(), &mut |_, _| {})
    }

    #[test]
    fn an_event_is_as_small_as_before_it_was_grouped() {
        assert!(std::mem::size_of::<Event>() <= 16);
    }

    #[test]
    fn strategies_do_what_they_say() {
        let s = small(5_000, 200.0, 2_000.0);
        let world = World::build(&s).unwrap();
        let read = run(&s, &world, StrategyKind::FanoutOnRead);
        let write = run(&s, &world, StrategyKind::FanoutOnWrite);
        let hybrid = run(&s, &world, StrategyKind::Hybrid);
        assert_eq!(read.timeline_writes, 0);
        assert!(read.store_reads > 0);
        assert_eq!(write.store_reads, 0);
        assert!(write.timeline_writes > 0);
        assert!(hybrid.timeline_writes < write.timeline_writes);
        assert!(hybrid.store_reads > 0 && hybrid.store_reads < read.store_reads);
        // Common random numbers: the same posts and reads under every strategy.
        assert_eq!(read.posts, write.posts);
        assert_eq!(read.reads, hybrid.reads);
        assert!(read.read_latency.quantile_ms(0.5) > write.read_latency.quantile_ms(0.5));
    }
}
