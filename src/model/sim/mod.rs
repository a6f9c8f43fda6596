//! One simulation: a feed backend under one strategy, driven by the event loop.
//!
//! The cluster (DDIA ch. 1's Twitter example, with Krikorian's 2012 figures
//! for the timeline cache):
//!
//! - a tweet store sharded by author, one FIFO station per shard;
//! - a home-timeline cache sharded by reader, `replicas` copies of every shard,
//!   one station per (shard, replica); a read goes to one replica, a write to all;
//! - a pool of fan-out workers, one station whose servers are the workers;
//!   a job inserts a tweet into its followers' timelines, pipelining up to
//!   `batch` destinations of one cache shard per request;
//! - a network: every hop costs a fixed `one_way` delay, and each round trip a
//!   random jitter.
//!
//! Every station computes a job's start and departure on arrival (Lindley's
//! recursion, c servers, FIFO), so no event is spent on a departure that
//! nothing reacts to. That needs arrivals at each station in time order: all
//! requests leave at an event's time and travel the same fixed one-way delay
//! to the station, and the random part of the network delay is added on the
//! way back, after the queue (it changes response times, not arrival order).
//! A read is then one event however many shards it scatters to; a post is
//! one event, plus one when the store write completes and one per batch
//! when it is pushed.
//!
//! Requests are measured by the time they are issued: a read, post or tweet
//! issued in the window [warm-up, warm-up + duration) is counted, even if it
//! completes after the window; the run drains until every job is done.

mod client;
mod faults;
mod resilient;

use crate::metrics::{Latency, Report, Resilience, TierReport, TimeSeries};
use crate::model::config::{
    AccountRef, FaultTarget, GraphMode, Scenario, ScheduledEvent, ServiceConfig, StrategyKind,
};
use crate::model::graph::Graph;
use crate::model::strategy::{self, Strategy};
use crate::model::workload::{Arrivals, RateShape, UserSampler};
use crate::sim::queue::EventQueue;
use crate::sim::rng::{self, SimRng};
use crate::sim::station::{Station, StationStats};
use crate::sim::time::{SimDuration, SimTime};
use rand::RngExt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

/// What is built once per scenario and shared, read-only, by every
/// simulation of it: the graph and the samplers of authors and readers.
pub struct World {
    /// The follower graph.
    pub graph: Graph,
    authors: UserSampler,
    readers: UserSampler,
}

impl World {
    /// Builds the graph and samplers of a scenario.
    pub fn build(scenario: &Scenario) -> Result<World, String> {
        let p = &scenario.population;
        let params = crate::model::graph::GraphParams {
            users: p.users,
            follower_exponent: p.followers.exponent,
            follower_max: p.followers.max,
            followee_exponent: p.followee_exponent,
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
    /// plus a bit per user for each cache crash that loses its data).
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
        let (graph, per_list) = match mode {
            GraphMode::Stored => (crate::model::graph::estimate_memory_bytes(users, mean), 0),
            GraphMode::Sampled => (
                crate::model::graph::estimate_sampled_memory_bytes(users),
                // The list buffer (grown to the largest list) and the bitset
                // of a long draw.
                4 * u64::from(p.followers.max) + users / 8,
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
        let per_sim = (16u64 << 20)
            .saturating_add(series)
            .saturating_add(per_list)
            .saturating_add(emptied.saturating_mul(users / 8 + 8));
        graph
            .saturating_add(samplers)
            .saturating_add(per_sim.saturating_mul(parallel as u64))
    }

    /// Wraps an already built graph (tests and benchmarks reuse one).
    pub fn from_graph(scenario: &Scenario, graph: Graph) -> Result<World, String> {
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

/// One line per scheduled event, for the time series' `event` column.
fn describe_events(scenario: &Scenario, world: &World) -> Vec<(SimTime, String)> {
    let mut out: Vec<(SimTime, String)> = scenario
        .workload
        .events
        .iter()
        .map(|e| match e {
            ScheduledEvent::Tweet { at, account } => {
                let who = match account {
                    AccountRef::Rank(r) => format!("rank {r}"),
                    AccountRef::Id(id) => format!("user {id}"),
                };
                let followers = world
                    .resolve_account(*account)
                    .map(|u| world.graph.follower_count(u))
                    .unwrap_or(0);
                (
                    SimTime::ZERO + *at,
                    format!("tweet by {who} ({followers} followers)"),
                )
            }
            ScheduledEvent::Burst {
                at,
                duration,
                factor,
            } => (
                SimTime::ZERO + *at,
                format!("burst x{factor} for {duration}"),
            ),
        })
        .collect();
    for f in &scenario.faults {
        let start = SimTime::ZERO + f.at;
        out.push((start, faults::describe(f)));
        // Marked too, so a plot shows whether an effect outlasts its fault.
        if let Some(end) = start.checked_add(f.duration) {
            out.push((end, format!("end of {}", faults::describe_short(f))));
        }
    }
    out.sort_by_key(|(t, _)| *t);
    out
}

#[derive(Clone, Copy, Debug)]
enum Event {
    /// The next post of the Poisson process.
    Post,
    /// The next read of the Poisson process.
    Read,
    /// A scheduled tweet by this account.
    ScheduledTweet(u32),
    /// The store acknowledged the tweet of this fan-out job.
    StoreWritten(u32),
    /// A worker sends the next batch of a job (ignored if the job's
    /// attempt changed since: its worker crashed).
    Batch {
        /// The fan-out job.
        job: u32,
        /// The attempt the batch belongs to.
        attempt: u32,
    },
    /// A call of a resilient read is sent again (retry or failover).
    Retry(u32),
    /// A call of a resilient read is due its hedge.
    Hedge(u32),
    /// A resilient read found its timeline lost: rebuild it from the store.
    Rebuild(u32),
    /// A rebuilt timeline of `items` entries is written back to a cache machine.
    WriteBack {
        /// The cache machine.
        station: u32,
        /// Entries written.
        items: u32,
    },
    /// The worker crash with this index (in start order) happens.
    WorkerCrash(u32),
    /// A fan-out job interrupted by a worker crash is taken up again.
    JobRetry {
        /// The fan-out job.
        job: u32,
        /// The attempt it resumes as.
        attempt: u32,
    },
    /// A cache station takes the next chunk of an insert request.
    CacheChunk {
        /// The fan-out job.
        job: u32,
        /// The cache station (shard x replica).
        station: u32,
        /// Timelines of the request not yet applied.
        left: u32,
    },
}

/// How a read ended.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum ReadOutcome {
    /// Every part answered.
    Full,
    /// Answered with a part missing.
    Degraded,
    /// No answer: the timeline, or every part, failed.
    Failed,
}

impl ReadOutcome {
    fn count(self, r: &mut Resilience) {
        match self {
            ReadOutcome::Full => r.full_reads += 1,
            ReadOutcome::Degraded => r.degraded_reads += 1,
            ReadOutcome::Failed => r.failed_reads += 1,
        }
    }
}

/// One pipelined insert request: destinations on one cache shard.
#[derive(Clone, Copy, Debug)]
struct BatchPlan {
    shard: u32,
    size: u32,
    worker_cost: SimDuration,
}

/// A tweet being pushed to its followers' timelines.
#[derive(Debug, Default)]
struct Job {
    author: u32,
    posted: SimTime,
    in_window: bool,
    batches: Vec<BatchPlan>,
    next: usize,
    dispatch_at: SimTime,
    delivered: SimTime,
    /// Insert requests still being applied chunk by chunk.
    pending_chunks: u32,
    /// Bumped whenever the job is (re)started, so events of an attempt a
    /// crash ended are recognised and ignored; never reset, as slots are reused.
    attempt: u32,
    /// Batches sent by earlier attempts (a retried job sends them again).
    sent_before: usize,
    /// When the job's worker took it and will be done with it.
    worker_start: SimTime,
    worker_done: SimTime,
    /// A worker crash lost the job; it is freed once its last chunk lands.
    lost: bool,
}

/// A tier of identical stations and the costs of its operations.
struct Tier {
    stations: Vec<Station>,
    rng: SimRng,
}

impl Tier {
    fn new(
        count: u32,
        servers: u32,
        limit: Option<u32>,
        window: (SimTime, SimTime),
        rng: SimRng,
    ) -> Tier {
        let stations = (0..count)
            .map(|_| {
                let mut s = Station::new(servers, limit);
                s.set_window(window.0, window.1);
                s
            })
            .collect();
        Tier { stations, rng }
    }

    fn report(&self, name: &'static str) -> TierReport {
        let mut total: Option<StationStats> = None;
        let mut max_util: f64 = 0.0;
        let mut max_offered: f64 = 0.0;
        for s in &self.stations {
            let st = s.stats();
            max_util = max_util.max(st.utilisation());
            max_offered = max_offered.max(st.offered_load());
            match total.as_mut() {
                None => total = Some(st),
                Some(t) => t.merge(&st),
            }
        }
        TierReport {
            name,
            stations: self.stations.len() as u32,
            total: total.expect("a tier has at least one station"),
            max_station_utilisation: max_util,
            max_station_offered_load: max_offered,
        }
    }
}

/// Mean service time of a request of `items` items.
fn service_mean(cfg: &ServiceConfig, items: u64) -> SimDuration {
    cfg.per_request.saturating_add(SimDuration::from_nanos(
        cfg.per_item.as_nanos().saturating_mul(items),
    ))
}

fn sample(cfg: &ServiceConfig, items: u64, rng: &mut SimRng) -> SimDuration {
    cfg.shape.sample_with_mean(service_mean(cfg, items), rng)
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

/// `user % shards` without a division on the hot path (Lemire, Kaser and
/// Kurz, "Faster remainder by direct computation", 2019): a read under
/// fan-out-on-read maps dozens of followees to their shards.
#[derive(Clone, Copy, Debug)]
struct ShardMap {
    shards: u32,
    magic: u64,
}

impl ShardMap {
    fn new(shards: u32) -> ShardMap {
        let shards = shards.max(1);
        ShardMap {
            shards,
            magic: (u64::MAX / u64::from(shards)).wrapping_add(1),
        }
    }

    #[inline]
    fn of(self, user: u32) -> u32 {
        let low = self.magic.wrapping_mul(u64::from(user));
        ((u128::from(low) * u128::from(self.shards)) >> 64) as u32
    }
}

/// The state of one running simulation.
struct Simulation<'a> {
    store_shard: ShardMap,
    cache_shard: ShardMap,
    scenario: &'a Scenario,
    world: &'a World,
    strategy: Box<dyn Strategy>,
    queue: EventQueue<Event>,
    shape: RateShape,
    posts: Arrivals,
    reads: Arrivals,
    author_rng: SimRng,
    reader_rng: SimRng,
    net_rng: SimRng,
    replica_rng: SimRng,
    store: Tier,
    cache: Tier,
    workers: Tier,
    jobs: Vec<Job>,
    free_jobs: Vec<u32>,
    /// Per store/cache shard counts of the request being built, and the
    /// shards touched, reused across events so the hot path never allocates.
    shard_counts: Vec<u32>,
    touched: Vec<u32>,
    /// Where a sampled graph's follower and followee lists are drawn
    /// (untouched with a stored graph), reused across events.
    list_buf: Vec<u32>,
    backlog: u64,
    /// The fault schedule, if the scenario has faults.
    faults: Option<faults::Faults>,
    /// The resilient read path's state, if any fault or policy is configured.
    clients: Option<Box<resilient::Clients>>,
    /// Followees a rebuild fetches, reused across rebuilds.
    rebuild_buf: Vec<u32>,
    /// Worker crashes: (start, end, workers, jobs lost), by start.
    worker_crashes: Vec<(SimTime, SimTime, u32, bool)>,
    series: Option<TimeSeries>,
    /// Scheduled events, described, by start time (for the time series).
    labels: Vec<(SimTime, String)>,
    window_start: SimTime,
    window_end: SimTime,
    report: Report,
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
    let started = Instant::now();
    let mut sim = Simulation::new(scenario, world, kind);
    sim.series = options.timeseries.map(TimeSeries::new);
    sim.run(progress, options.cancel.as_deref());
    let mut report = sim.finish();
    report.wall_seconds = started.elapsed().as_secs_f64();
    report
}

impl<'a> Simulation<'a> {
    fn new(scenario: &'a Scenario, world: &'a World, kind: StrategyKind) -> Self {
        let seed = scenario.seed;
        let window_start = SimTime::ZERO + scenario.warmup;
        let window_end = window_start + scenario.duration;
        let window = (window_start, window_end);
        let c = &scenario.cluster;
        let store = Tier::new(
            c.tweet_store.tier.shards,
            c.tweet_store.tier.servers,
            c.tweet_store.tier.queue_limit,
            window,
            rng::stream(seed, "store-service"),
        );
        let cache = Tier::new(
            c.timeline_cache.machines,
            c.timeline_cache.tier.servers,
            c.timeline_cache.tier.queue_limit,
            window,
            rng::stream(seed, "cache-service"),
        );
        let workers = Tier::new(
            1,
            c.fanout_workers.workers,
            c.fanout_workers.queue_limit,
            window,
            rng::stream(seed, "worker-service"),
        );
        let shards = c.tweet_store.tier.shards.max(c.timeline_cache.tier.shards) as usize;
        Simulation {
            scenario,
            world,
            strategy: strategy::build(kind, &scenario.strategy, &world.graph),
            store_shard: ShardMap::new(c.tweet_store.tier.shards),
            cache_shard: ShardMap::new(c.timeline_cache.tier.shards),
            queue: EventQueue::new(),
            shape: RateShape::new(&scenario.workload),
            posts: Arrivals::new(
                scenario.workload.tweets_per_sec,
                rng::stream(seed, "post-arrivals"),
            ),
            reads: Arrivals::new(
                scenario.workload.reads_per_sec,
                rng::stream(seed, "read-arrivals"),
            ),
            author_rng: rng::stream(seed, "authors"),
            reader_rng: rng::stream(seed, "readers"),
            net_rng: rng::stream(seed, "network"),
            replica_rng: rng::stream(seed, "replica-choice"),
            store,
            cache,
            workers,
            jobs: Vec::new(),
            free_jobs: Vec::new(),
            shard_counts: vec![0; shards],
            touched: Vec::with_capacity(shards),
            list_buf: Vec::new(),
            backlog: 0,
            faults: faults::Faults::new(
                &scenario.faults,
                c.timeline_cache.machines,
                world.graph.users(),
                seed,
            ),
            clients: scenario
                .has_resilience()
                .then(|| Box::new(resilient::Clients::new(seed, scenario))),
            rebuild_buf: Vec::new(),
            worker_crashes: Vec::new(),
            series: None,
            labels: describe_events(scenario, world),
            window_start,
            window_end,
            report: Report {
                scenario: scenario.name.clone(),
                strategy: kind,
                seed,
                sim_seconds: scenario.duration.as_secs_f64(),
                users: world.graph.users(),
                posts: 0,
                reads: 0,
                fanout_sum: 0,
                timeline_writes: 0,
                store_reads: 0,
                read_latency: Latency::default(),
                post_latency: Latency::default(),
                delivery_latency: Latency::default(),
                dropped_reads: 0,
                dropped_posts: 0,
                dropped_fanouts: 0,
                dropped_timeline_writes: 0,
                peak_fanout_backlog: 0,
                resilience: Default::default(),
                resilience_configured: scenario.has_resilience(),
                tiers: Vec::new(),
                partial: false,
                series: Vec::new(),
                events: 0,
                wall_seconds: 0.0,
            },
        }
    }

    fn schedule(&mut self, at: SimTime, event: Event) {
        // Every event is scheduled at or after the current time by
        // construction; a failure here is a bug in this file, not bad input.
        self.queue
            .schedule(at, event)
            .expect("the model scheduled an event in the past");
    }

    fn run(&mut self, progress: &mut dyn FnMut(SimTime, u64), cancel: Option<&AtomicBool>) {
        let end = self.window_end;
        if let Some(t) = self.posts.next(SimTime::ZERO, &self.shape, end) {
            self.schedule(t, Event::Post);
        }
        if let Some(t) = self.reads.next(SimTime::ZERO, &self.shape, end) {
            self.schedule(t, Event::Read);
        }
        self.worker_crashes = self
            .faults
            .as_ref()
            .map(|f| f.worker_crashes())
            .unwrap_or_default();
        for i in 0..self.worker_crashes.len() {
            let at = self.worker_crashes[i].0;
            if at < end {
                self.schedule(at, Event::WorkerCrash(i as u32));
            }
        }
        for e in &self.scenario.workload.events {
            if let ScheduledEvent::Tweet { at, account } = e {
                // Validation resolved accounts against the graph already; an
                // account that does not exist is skipped, never guessed.
                if let Some(id) = self.world.resolve_account(*account) {
                    let at = SimTime::ZERO + *at;
                    if at < end {
                        self.schedule(at, Event::ScheduledTweet(id));
                    }
                }
            }
        }
        while let Some((now, event)) = self.queue.pop() {
            if self.series.as_ref().is_some_and(|s| now >= s.boundary()) {
                self.roll_series(now);
            }
            match event {
                Event::Post => {
                    let author = self.world.authors.sample(&mut self.author_rng);
                    self.post(now, author);
                    if let Some(t) = self.posts.next(now, &self.shape, end) {
                        self.schedule(t, Event::Post);
                    }
                }
                Event::Read => {
                    let reader = self.world.readers.sample(&mut self.reader_rng);
                    if self.clients.is_some() {
                        self.read_resilient(now, reader);
                    } else {
                        self.read(now, reader);
                    }
                    if let Some(t) = self.reads.next(now, &self.shape, end) {
                        self.schedule(t, Event::Read);
                    }
                }
                Event::ScheduledTweet(author) => self.post(now, author),
                Event::StoreWritten(job) => self.start_fanout(now, job),
                Event::Batch { job, attempt } => {
                    if self.jobs[job as usize].attempt == attempt {
                        self.send_batch(now, job);
                    }
                }
                Event::Retry(call) => self.attempt(now, call),
                Event::Hedge(call) => self.hedge(now, call),
                Event::Rebuild(read) => self.rebuild(now, read),
                Event::WriteBack { station, items } => self.write_back(now, station, items),
                Event::WorkerCrash(i) => self.crash_workers(now, i as usize),
                Event::JobRetry { job, attempt } => {
                    if self.jobs[job as usize].attempt == attempt {
                        self.submit_job(now, job);
                    }
                }
                Event::CacheChunk { job, station, left } => {
                    self.jobs[job as usize].pending_chunks -= 1;
                    self.send_chunk(now, job, station, left);
                    self.finish_job_if_done(job);
                }
            }
            if self.queue.popped() & 0xF_FFFF == 0 {
                progress(now, self.queue.popped());
                if cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
                    self.report.partial = true;
                    return;
                }
            }
        }
        progress(self.queue.now(), self.queue.popped());
        let last = self.queue.now().max(self.window_end);
        if self.series.as_ref().is_some_and(|s| last >= s.boundary()) {
            self.roll_series(last);
        }
    }

    /// Closes every time-series interval that ends at or before `now`.
    fn roll_series(&mut self, now: SimTime) {
        let Some(series) = self.series.as_mut() else {
            return;
        };
        while now >= series.boundary() {
            let peaks = [
                Self::tier_peak(&mut self.store),
                Self::tier_peak(&mut self.cache),
                Self::tier_peak(&mut self.workers),
            ];
            let end = series.boundary();
            let event = self
                .labels
                .iter()
                .filter(|(at, _)| *at < end && *at >= series.interval_start())
                .map(|(_, l)| l.as_str())
                .collect::<Vec<_>>()
                .join("; ");
            series.close(self.backlog, peaks, event);
        }
    }

    fn tier_peak(tier: &mut Tier) -> u64 {
        tier.stations
            .iter_mut()
            .map(|s| s.take_interval_peak())
            .max()
            .unwrap_or(0)
    }

    fn in_window(&self, t: SimTime) -> bool {
        t >= self.window_start && t < self.window_end
    }

    /// Fixed one-way delay of every hop.
    fn one_way(&self) -> SimDuration {
        self.scenario.cluster.network.one_way
    }

    /// Delay of a response on its way back: one hop plus the round trip's jitter.
    fn back(&mut self) -> SimDuration {
        let net = &self.scenario.cluster.network;
        net.one_way + net.jitter.sample(&mut self.net_rng)
    }

    fn post(&mut self, now: SimTime, author: u32) {
        let in_window = self.in_window(now);
        let graph = &self.world.graph;
        let followers = graph.follower_count(author);
        if let Some(s) = self.series.as_mut() {
            s.post();
        }
        if in_window {
            self.report.posts += 1;
            self.report.fanout_sum += u64::from(followers);
        }
        let store_cfg = &self.scenario.cluster.tweet_store;
        let shard = self.store_shard.of(author) as usize;
        let mut service = sample(&store_cfg.write, 1, &mut self.store.rng);
        let arrival = now + self.one_way();
        let mut down = false;
        if let Some(f) = self.faults.as_mut() {
            // Drawn after the service time, so the other draws stay aligned
            // with a run without the fault.
            down = f.down(FaultTarget::Store, shard as u32, arrival);
            service = f.service(FaultTarget::Store, shard as u32, arrival, service);
        }
        let visit = match down {
            true => None,
            false => self.store.stations[shard].submit(arrival, service),
        };
        let Some(visit) = visit else {
            if in_window {
                self.report.dropped_posts += 1;
            }
            return;
        };
        let ack = visit.depart + self.back_at(visit.depart);
        if in_window {
            self.report.post_latency.record(ack - now);
        }
        if followers > 0 && self.strategy.pushes(graph, author) {
            let job = self.new_job(author, now, in_window);
            self.schedule(visit.depart, Event::StoreWritten(job));
        } else {
            // Pulled (or followed by nobody): readable once in the store.
            self.record_delivery(in_window, visit.depart - now);
        }
    }

    /// A tweet reached every timeline it is pushed to (or, pulled, the
    /// store): the summary counts it if it was posted in the window, the
    /// time series in the interval it completes in.
    fn record_delivery(&mut self, in_window: bool, latency: SimDuration) {
        if in_window {
            self.report.delivery_latency.record(latency);
        }
        if let Some(s) = self.series.as_mut() {
            s.delivery(latency);
        }
    }

    /// Adds to a resilience counter of the summary (if `in_window`) and of
    /// the open time-series interval.
    fn count(&mut self, in_window: bool, f: impl Fn(&mut Resilience)) {
        if in_window {
            f(&mut self.report.resilience);
        }
        if let Some(s) = self.series.as_mut() {
            f(&mut s.resilience);
        }
    }

    fn new_job(&mut self, author: u32, posted: SimTime, in_window: bool) -> u32 {
        let id = match self.free_jobs.pop() {
            Some(id) => id,
            None => {
                self.jobs.push(Job::default());
                (self.jobs.len() - 1) as u32
            }
        };
        let job = &mut self.jobs[id as usize];
        job.author = author;
        job.posted = posted;
        job.in_window = in_window;
        job.batches.clear();
        job.next = 0;
        job.pending_chunks = 0;
        job.delivered = posted;
        job.attempt = job.attempt.wrapping_add(1);
        job.sent_before = 0;
        job.lost = false;
        id
    }

    /// The store has the tweet: plan its batches and queue it for a worker.
    fn start_fanout(&mut self, now: SimTime, id: u32) {
        let c = &self.scenario.cluster;
        let batch = c.fanout_workers.batch;
        let author = self.jobs[id as usize].author;
        let mut buf = std::mem::take(&mut self.list_buf);
        let followers = self.world.graph.followers_into(author, &mut buf);
        for &f in followers {
            let s = self.cache_shard.of(f) as usize;
            if self.shard_counts[s] == 0 {
                self.touched.push(s as u32);
            }
            self.shard_counts[s] += 1;
        }
        let mut batches = std::mem::take(&mut self.jobs[id as usize].batches);
        for &s in &self.touched {
            let mut left = self.shard_counts[s as usize];
            self.shard_counts[s as usize] = 0;
            while left > 0 {
                let size = left.min(batch);
                left -= size;
                let cost = sample(
                    &c.fanout_workers.service,
                    u64::from(size),
                    &mut self.workers.rng,
                );
                batches.push(BatchPlan {
                    shard: s,
                    size,
                    worker_cost: cost,
                });
            }
        }
        self.touched.clear();
        self.list_buf = buf;
        self.jobs[id as usize].batches = batches;
        self.submit_job(now, id);
    }

    /// Queues a planned job for a worker: first after its store write, and
    /// again, from its first batch, after a worker crash ended an attempt.
    fn submit_job(&mut self, now: SimTime, id: u32) {
        let job = &self.jobs[id as usize];
        let in_window = job.in_window;
        let destinations: u64 = job.batches.iter().map(|b| u64::from(b.size)).sum();
        let total = job
            .batches
            .iter()
            .fold(SimDuration::ZERO, |t, b| t.saturating_add(b.worker_cost));
        let arrival = now + self.one_way();
        match self.workers.stations[0].submit(arrival, total) {
            None => {
                if in_window {
                    self.report.dropped_fanouts += 1;
                }
                self.jobs[id as usize].lost = true;
                self.finish_job_if_done(id);
            }
            Some(visit) => {
                self.backlog += destinations;
                if self.in_window(now) {
                    self.report.peak_fanout_backlog =
                        self.report.peak_fanout_backlog.max(self.backlog);
                }
                let job = &mut self.jobs[id as usize];
                let first = visit.start + job.batches[0].worker_cost;
                job.next = 0;
                job.dispatch_at = first;
                job.worker_start = visit.start;
                job.worker_done = visit.depart;
                let attempt = job.attempt;
                self.schedule(first, Event::Batch { job: id, attempt });
            }
        }
    }

    /// `workers` fan-out workers die at `now` until the crash ends: the
    /// jobs running on them stop mid-batch (which of the running jobs is
    /// drawn at random: workers are identical), and are retried after the
    /// queue's lease (`retry_after`) unless the crash loses them.
    fn crash_workers(&mut self, now: SimTime, i: usize) {
        let (_, until, workers, lose) = self.worker_crashes[i];
        let mut running: Vec<u32> = (0..self.jobs.len() as u32)
            .filter(|&id| {
                let j = &self.jobs[id as usize];
                !j.lost && j.next < j.batches.len() && j.worker_start <= now && j.worker_done > now
            })
            .collect();
        let k = (workers as usize).min(running.len());
        if let Some(f) = self.faults.as_mut() {
            for j in 0..k {
                let r = f.worker_rng().random_range(j..running.len());
                running.swap(j, r);
            }
        }
        for &id in &running[..k] {
            self.interrupt_job(now, id, until, lose);
        }
        for _ in k..workers as usize {
            self.workers.stations[0].hold_earliest(until);
        }
    }

    fn interrupt_job(&mut self, now: SimTime, id: u32, until: SimTime, lose: bool) {
        let job = &mut self.jobs[id as usize];
        job.attempt = job.attempt.wrapping_add(1);
        let unsent: u64 = job.batches[job.next..]
            .iter()
            .map(|b| u64::from(b.size))
            .sum();
        job.sent_before = job.sent_before.max(job.next);
        // Nothing more of this attempt is sent; the job is unfinished.
        job.next = 0;
        let (done, in_window, attempt) = (job.worker_done, job.in_window, job.attempt);
        self.backlog -= unsent;
        // The dead worker is back only when the crash ends.
        if !self.workers.stations[0].reschedule_server(done.as_nanos(), until.as_nanos()) {
            self.workers.stations[0].hold_earliest(until);
        }
        if lose {
            if in_window {
                self.report.dropped_fanouts += 1;
            }
            self.jobs[id as usize].lost = true;
            self.finish_job_if_done(id);
        } else {
            let at = now + self.scenario.cluster.fanout_workers.retry_after;
            self.schedule(at, Event::JobRetry { job: id, attempt });
        }
    }

    /// The cache station (machine) that holds replica `replica` of `shard`:
    /// consecutive slots on consecutive machines, so the replicas of a shard
    /// are on distinct machines whenever there are at least `replicas`.
    fn cache_station(&self, shard: u32, replica: u32) -> u32 {
        let cache = &self.scenario.cluster.timeline_cache;
        ((u64::from(shard) * u64::from(cache.replicas) + u64::from(replica))
            % u64::from(cache.machines)) as u32
    }

    /// A worker sends one pipelined insert to every replica of one cache shard.
    fn send_batch(&mut self, now: SimTime, id: u32) {
        let replicas = self.scenario.cluster.timeline_cache.replicas;
        let job = &self.jobs[id as usize];
        let plan = job.batches[job.next];
        let repeated = job.next < job.sent_before;
        let in_window = job.in_window;
        self.backlog -= u64::from(plan.size);
        if repeated && !self.scenario.cluster.fanout_workers.idempotency_key {
            // Sent before the crash: these entries are now in twice.
            let n = u64::from(plan.size) * u64::from(replicas);
            self.count(in_window, |r| r.duplicates += n);
        }
        for r in 0..replicas {
            let station = self.cache_station(plan.shard, r);
            if self.faults.as_mut().is_some_and(|f| f.lose_message(now)) {
                if in_window {
                    self.report.dropped_timeline_writes += u64::from(plan.size);
                }
                continue;
            }
            self.send_chunk(now, id, station, plan.size);
        }
        let job = &mut self.jobs[id as usize];
        job.next += 1;
        if job.next < job.batches.len() {
            job.dispatch_at += job.batches[job.next].worker_cost;
            let (at, attempt) = (job.dispatch_at, job.attempt);
            self.schedule(at, Event::Batch { job: id, attempt });
        } else {
            self.finish_job_if_done(id);
        }
    }

    /// A cache station applies the next `write_chunk` entries of an insert
    /// request (Redis reads a client's pipeline 16 KB at a time and serves
    /// other clients in between); the rest rejoins its queue one hop after
    /// this chunk is done, so reads are not stuck behind a whole 4,000-entry
    /// batch.
    fn send_chunk(&mut self, now: SimTime, id: u32, station: u32, left: u32) {
        let cache_cfg = &self.scenario.cluster.timeline_cache;
        let size = left.min(cache_cfg.write_chunk);
        let mut service = sample(&cache_cfg.write, u64::from(size), &mut self.cache.rng);
        let arrival = now + self.one_way();
        let in_window = self.jobs[id as usize].in_window;
        let mut down = false;
        if let Some(f) = self.faults.as_mut() {
            down = f.down(FaultTarget::Cache, station, arrival);
            service = f.service(FaultTarget::Cache, station, arrival, service);
        }
        let visit = match down {
            true => None,
            false => self.cache.stations[station as usize].submit(arrival, service),
        };
        match visit {
            Some(v) => {
                if in_window {
                    self.report.timeline_writes += u64::from(size);
                }
                if let Some(s) = self.series.as_mut() {
                    s.timeline_writes(u64::from(size));
                }
                let job = &mut self.jobs[id as usize];
                if left > size {
                    job.pending_chunks += 1;
                    self.schedule(
                        v.depart,
                        Event::CacheChunk {
                            job: id,
                            station,
                            left: left - size,
                        },
                    );
                } else {
                    job.delivered = job.delivered.max(v.depart);
                }
            }
            None => {
                // The rest of the request is lost with this chunk.
                if in_window {
                    self.report.dropped_timeline_writes += u64::from(left);
                }
            }
        }
    }

    /// Records the delivery and frees the job once every batch was sent and
    /// every chunk applied.
    fn finish_job_if_done(&mut self, id: u32) {
        let job = &self.jobs[id as usize];
        if job.lost {
            if job.pending_chunks == 0 {
                // Freed once; `lost` stays set until the slot is reused.
                self.jobs[id as usize].pending_chunks = u32::MAX;
                self.free_jobs.push(id);
            }
            return;
        }
        if job.next < job.batches.len() || job.pending_chunks > 0 {
            return;
        }
        let (in_window, latency) = (job.in_window, job.delivered - job.posted);
        self.record_delivery(in_window, latency);
        self.free_jobs.push(id);
    }

    fn read(&mut self, now: SimTime, reader: u32) {
        let in_window = self.in_window(now);
        let arrival = now + self.one_way();
        let mut done = now;
        let mut dropped = false;
        // Whether any part answered: the timeline, or one of the pulls.
        let mut answered = false;
        let mut timeline_lost = false;
        let cluster = &self.scenario.cluster;
        if self.strategy.reads_cache() {
            let cache_cfg = &cluster.timeline_cache;
            let replica = self.replica_rng.random_range(0..cache_cfg.replicas);
            let station = self.cache_station(self.cache_shard.of(reader), replica) as usize;
            let service = sample(
                &cache_cfg.read,
                u64::from(cache_cfg.max_entries),
                &mut self.cache.rng,
            );
            match self.cache.stations[station].submit(arrival, service) {
                Some(v) => {
                    done = done.max(v.depart + self.back());
                    answered = true;
                }
                None => {
                    dropped = true;
                    timeline_lost = true;
                }
            }
        }
        let graph = &self.world.graph;
        let mut buf = std::mem::take(&mut self.list_buf);
        let pulls = self.strategy.pulls(graph, reader, &mut buf);
        if !pulls.is_empty() {
            let store_cfg = &cluster.tweet_store;
            for &f in pulls {
                let s = self.store_shard.of(f) as usize;
                if self.shard_counts[s] == 0 {
                    self.touched.push(s as u32);
                }
                self.shard_counts[s] += 1;
            }
            for i in 0..self.touched.len() {
                let s = self.touched[i] as usize;
                let items = u64::from(self.shard_counts[s]);
                self.shard_counts[s] = 0;
                let service = sample(&store_cfg.read, items, &mut self.store.rng);
                match self.store.stations[s].submit(arrival, service) {
                    Some(v) => {
                        let back = self.back();
                        done = done.max(v.depart + back);
                        answered = true;
                    }
                    None => dropped = true,
                }
            }
            self.touched.clear();
            let merge = cluster
                .merge_per_item
                .as_nanos()
                .saturating_mul(pulls.len() as u64);
            done += SimDuration::from_nanos(merge);
            if in_window {
                self.report.store_reads += pulls.len() as u64;
            }
            if let Some(s) = self.series.as_mut() {
                s.store_reads(pulls.len() as u64);
            }
        }
        self.list_buf = buf;
        // A read with nothing to fetch (no followees) is answered, empty.
        let outcome = if timeline_lost || (!answered && dropped) {
            ReadOutcome::Failed
        } else if dropped {
            ReadOutcome::Degraded
        } else {
            ReadOutcome::Full
        };
        if let Some(s) = self.series.as_mut() {
            s.read((!dropped).then(|| done - now));
            outcome.count(&mut s.resilience);
        }
        if in_window {
            self.report.reads += 1;
            outcome.count(&mut self.report.resilience);
            if dropped {
                self.report.dropped_reads += 1;
            } else {
                self.report.read_latency.record(done - now);
            }
        }
    }

    fn finish(mut self) -> Report {
        self.report.tiers = vec![
            self.store.report("store"),
            self.cache.report("cache"),
            self.workers.report("workers"),
        ];
        self.report.events = self.queue.popped();
        self.report.series = self
            .series
            .take()
            .map(TimeSeries::into_rows)
            .unwrap_or_default();
        self.report
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
                followers: FollowerConfig {
                    exponent: 1.6,
                    mean: None,
                    max: users - 1,
                },
                followee_exponent: 2.28,
                author_activity_exponent: 0.0,
                reader_activity_exponent: 0.0,
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
                },
                fanout_workers: WorkerConfig {
                    workers: 8,
                    batch: 4000,
                    service: svc(50, 3000),
                    queue_limit: None,
                    retry_after: SimDuration::from_secs(1),
                    idempotency_key: true,
                },
                merge_per_item: SimDuration::from_nanos(100),
            },
            strategy: StrategyConfig {
                celebrity_threshold: 200,
            },
            faults: Vec::new(),
            policy: Policies::default(),
        }
    }

    fn run(s: &Scenario, world: &World, kind: StrategyKind) -> Report {
        simulate(s, world, kind, &SimOptions::default(), &mut |_, _| {})
    }

    #[test]
    fn shard_map_is_the_remainder() {
        for shards in [1u32, 2, 3, 7, 16, 48, 1000, 65_535, 100_000] {
            let m = ShardMap::new(shards);
            for user in [0u32, 1, 2, 15, 16, 17, 999_999, u32::MAX - 1, u32::MAX] {
                assert_eq!(m.of(user), user % shards, "{user} % {shards}");
            }
        }
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
