//! The validated parameters of one simulation, free of any file format.
//!
//! `scenario/` turns a TOML file plus `--set` overrides into these structs in
//! one step and checks every value; the model trusts them. Defaults live in
//! `scenario/`, next to the documentation of each key.

use crate::sim::dist::ServiceDist;
use crate::sim::time::SimDuration;

pub use crate::model::cost::CostConfig;
pub use crate::model::graph::GraphMode;

/// Everything one run needs, after parsing, overrides and validation.
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    /// Short name printed in every report row (the file stem unless set).
    pub name: String,
    /// The one seed every random stream of the run is derived from.
    pub seed: u64,
    /// Simulated time measured, after the warm-up.
    pub duration: SimDuration,
    /// Simulated time run before measuring, so queues reach steady state.
    pub warmup: SimDuration,
    /// Strategies to simulate, in report order, without duplicates.
    pub strategies: Vec<StrategyKind>,
    /// Who exists and who follows whom.
    pub population: PopulationConfig,
    /// What users do: posts, reads, scheduled events.
    pub workload: WorkloadConfig,
    /// The machines and the network.
    pub cluster: ClusterConfig,
    /// Per-strategy knobs.
    pub strategy: StrategyConfig,
    /// Faults injected during the run, in file order.
    pub faults: Vec<Fault>,
    /// What clients do about slow and failed requests.
    pub policy: Policies,
    /// Prices of the cluster's machines and memory (`[cost]`).
    pub cost: CostConfig,
}

impl Scenario {
    /// Whether any fault or client policy is configured: the simulation
    /// then takes its resilient read path, and reports show its counters.
    pub fn has_resilience(&self) -> bool {
        !self.faults.is_empty() || self.policy.store.is_active() || self.policy.cache.is_active()
    }
}

/// A strategy, named in scenarios and reports; its names and aliases come
/// from the one table of strategies (`model::strategy::STRATEGIES`).
pub use crate::model::strategy::StrategyKind;

/// The follower graph and how active each user is.
#[derive(Clone, Debug, PartialEq)]
pub struct PopulationConfig {
    /// Number of users (graph nodes).
    pub users: u32,
    /// How the follower graph is held: stored, or sampled (scale mode).
    pub graph: GraphMode,
    /// A graph loaded from a file (`population.graph = { file = ... }`):
    /// when set, it is the graph, `users` is its user count and
    /// `followers` describes it; the generator is not used.
    pub file: Option<crate::model::graph::GraphFile>,
    /// Follower (in-degree) distribution.
    pub followers: FollowerConfig,
    /// Exponent of the power law that weights who follows: a user's expected
    /// followee count is proportional to a weight drawn with density
    /// proportional to w^-exponent (Kwak et al. 2010 fit 2.28).
    pub followee_exponent: f64,
    /// Tweet rate of a user is proportional to (1 + followers)^x; 0 is uniform.
    /// Sysomos 2009 (100 followers: 2.4 tweets/day, 1,800: 10.2) gives x = 0.5.
    pub author_activity_exponent: f64,
    /// Read rate of a user is proportional to (1 + followees)^x; 0 is uniform.
    pub reader_activity_exponent: f64,
    /// The target mean fan-out per tweet `author_activity_exponent` was
    /// solved for, if one was given.
    pub fanout_per_tweet: Option<f64>,
    /// The largest followee count of any user (Twitter's follow limit), if
    /// capped.
    pub followee_max: Option<u32>,
}

/// Follower counts by Zipf's rank-size law: the r-th most followed account
/// has round(max * r^-exponent) followers, so the largest has exactly `max`.
#[derive(Clone, Debug, PartialEq)]
pub struct FollowerConfig {
    /// The Zipf exponent in force (solved from `mean` when that was given).
    pub exponent: f64,
    /// The target mean the exponent was solved for, if one was given.
    pub mean: Option<f64>,
    /// The largest follower count any account may have (at most users - 1).
    pub max: u32,
}

/// Arrival processes of posts and reads.
#[derive(Clone, Debug, PartialEq)]
pub struct WorkloadConfig {
    /// Average tweet rate, posts per simulated second (DDIA: 4.6k).
    pub tweets_per_sec: f64,
    /// Average home-timeline read rate per simulated second (DDIA: 300k).
    pub reads_per_sec: f64,
    /// How the rates vary over time.
    pub profile: RateProfile,
    /// Scheduled events: a given account tweets, or a burst of load.
    pub events: Vec<ScheduledEvent>,
}

/// How the rates of posts and reads vary with simulated time.
#[derive(Clone, Debug, PartialEq)]
pub enum RateProfile {
    /// The configured rates throughout.
    Constant,
    /// A daily cycle whose average over every whole period is the
    /// configured rate: lowest at t = 0, `peak_factor` times the average at
    /// half a period (the shape is in `model::workload`).
    Diurnal {
        /// Length of one cycle.
        period: SimDuration,
        /// Peak rate over the average rate (Twitter: 12k / 4.6k = 2.6).
        peak_factor: f64,
    },
}

/// Something that happens at a given simulated time (measured from the start
/// of the run, warm-up included).
#[derive(Clone, Debug, PartialEq)]
pub enum ScheduledEvent {
    /// One account posts one tweet at `at`.
    Tweet {
        /// When, from the start of the run.
        at: SimDuration,
        /// Who.
        account: AccountRef,
    },
    /// Rates of posts and reads are multiplied by `factor` during the interval.
    Burst {
        /// Start, from the start of the run.
        at: SimDuration,
        /// Length of the burst.
        duration: SimDuration,
        /// Rate multiplier (> 0).
        factor: f64,
    },
}

/// A way to name one account in a scenario.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum AccountRef {
    /// The account with the n-th most followers (1 is the largest).
    Rank(u32),
    /// The account with this user id (0-based).
    Id(u32),
}

/// The machines of the feed backend and the network between them.
#[derive(Clone, Debug, PartialEq)]
pub struct ClusterConfig {
    /// Delays between tiers.
    pub network: NetworkConfig,
    /// Tweets sharded by author.
    pub tweet_store: StoreConfig,
    /// Home timelines sharded by reader, replicated.
    pub timeline_cache: CacheConfig,
    /// The pool that pushes tweets into timelines.
    pub fanout_workers: WorkerConfig,
    /// Cost at the client of merging pulled tweets, per tweet merged.
    pub merge_per_item: SimDuration,
    /// Where slow requests come from, and the fetch of a page's tweets;
    /// all off by default.
    pub tails: TailsConfig,
}

/// The mechanisms that make a few requests much slower than the rest
/// (docs/references.md, Dean and Barroso 2013), and hydration, which
/// sends every read through them once more. Each is off by default.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TailsConfig {
    /// Pauses and device reads of the tweet store's shards.
    pub store: TierTails,
    /// Pauses and device reads of the timeline cache's machines.
    pub cache: TierTails,
    /// Requests served from another datacentre.
    pub cross_dc: CrossDc,
    /// Tweets of the page a read returns, fetched by id from the tweet
    /// store after the timeline (0: no hydration, a read returns ids).
    pub hydration_page: u32,
}

impl TailsConfig {
    /// Whether any tail mechanism or hydration is switched on.
    pub fn is_active(&self) -> bool {
        self.store.is_active()
            || self.cache.is_active()
            || self.cross_dc.is_active()
            || self.hydration_page > 0
    }
}

/// Where one tier's slow requests come from: whole-process pauses
/// (garbage collection, compaction) and reads that go to the device.
#[derive(Clone, Debug, PartialEq)]
pub struct TierTails {
    /// Mean time between the end of one pause of a station and the start
    /// of its next (exponential); zero: no pauses.
    pub pause_every: SimDuration,
    /// Length of one pause; every server of the station stops.
    pub pause_length: ServiceDist,
    /// Fraction of reads that miss memory and wait for the device.
    pub disk_fraction: f64,
    /// Device time of such a read, holding its server.
    pub disk_latency: ServiceDist,
}

impl Default for TierTails {
    fn default() -> TierTails {
        TierTails {
            pause_every: SimDuration::ZERO,
            pause_length: ServiceDist::exp(SimDuration::from_millis(50)),
            disk_fraction: 0.0,
            disk_latency: ServiceDist::exp(SimDuration::from_millis(5)),
        }
    }
}

impl TierTails {
    /// Whether pauses or device reads are switched on.
    pub fn is_active(&self) -> bool {
        self.pause_every > SimDuration::ZERO || self.disk_fraction > 0.0
    }
}

/// Requests answered by another datacentre, which pay its round trip.
#[derive(Clone, Debug, PartialEq)]
pub struct CrossDc {
    /// Fraction of read requests served remotely (each leg draws its own).
    pub fraction: f64,
    /// The extra round trip such a request pays.
    pub rtt: ServiceDist,
}

impl Default for CrossDc {
    fn default() -> CrossDc {
        CrossDc {
            fraction: 0.0,
            rtt: ServiceDist::constant(SimDuration::from_millis(70)),
        }
    }
}

impl CrossDc {
    /// Whether any request goes to another datacentre.
    pub fn is_active(&self) -> bool {
        self.fraction > 0.0
    }
}

/// Network delay model: every request travels `one_way` to a tier and
/// `one_way` back, plus a random `jitter` drawn once per round trip.
#[derive(Clone, Debug, PartialEq)]
pub struct NetworkConfig {
    /// Fixed propagation and serialisation delay of one hop.
    pub one_way: SimDuration,
    /// Random extra delay of a round trip (queueing in switches, retransmits).
    pub jitter: ServiceDist,
}

/// How long a request takes to serve: mean = per_request + per_item * items,
/// shaped by a unit-mean distribution.
#[derive(Clone, Debug, PartialEq)]
pub struct ServiceConfig {
    /// Fixed part of the mean, paid once per request.
    pub per_request: SimDuration,
    /// Part of the mean paid per item (tweet fetched, timeline entry written).
    pub per_item: SimDuration,
    /// Shape of the distribution around the mean (its `mean` is ignored).
    pub shape: ServiceDist,
}

/// A sharded tier of identical stations.
#[derive(Clone, Debug, PartialEq)]
pub struct TierConfig {
    /// Number of shards (one queueing station each, per replica).
    pub shards: u32,
    /// Servers (threads, cores) per shard.
    pub servers: u32,
    /// Most requests waiting at one shard; more are dropped. `None`: unbounded.
    pub queue_limit: Option<u32>,
}

/// The tweet store, sharded by author.
#[derive(Clone, Debug, PartialEq)]
pub struct StoreConfig {
    /// Shards and servers.
    pub tier: TierConfig,
    /// Cost of inserting one tweet.
    pub write: ServiceConfig,
    /// Cost of fetching recent tweets; items = authors fetched in one request.
    pub read: ServiceConfig,
}

/// The home-timeline cache, sharded by reader, with every timeline replicated.
#[derive(Clone, Debug, PartialEq)]
pub struct CacheConfig {
    /// Shards and servers (per replica).
    pub tier: TierConfig,
    /// Copies of each timeline (Twitter: 3); a write goes to all, a read to one.
    pub replicas: u32,
    /// Length cap of a timeline (Twitter: 800 entries).
    pub max_entries: u32,
    /// Machines the cache runs on, one single-threaded cache process each.
    /// Replica r of shard s lives on machine (s * replicas + r) % machines,
    /// so the copies of a timeline are on different machines as long as
    /// there are at least `replicas` machines; with fewer machines than
    /// shards x replicas, slots share a machine and its queue.
    pub machines: u32,
    /// Timeline entries a shard applies from one insert request before it
    /// serves other requests (Redis reads a pipeline 16 KB, about 200
    /// commands, at a time), so a 4,000-entry batch does not block reads
    /// for its whole length.
    pub write_chunk: u32,
    /// Cost of reading one timeline; items = `max_entries` (timelines are full
    /// in steady state).
    pub read: ServiceConfig,
    /// Cost of one pipelined insert request; items = timelines written.
    pub write: ServiceConfig,
    /// Which timelines are held at all, and how memory is counted.
    pub residency: Residency,
}

/// Which home timelines the cache holds (docs/references.md, Krikorian
/// 2012: only users active in the last ~30 days have one). The default,
/// every timeline held and nothing evicted, is the model without residency:
/// it costs nothing and changes no output but the memory it reports.
#[derive(Clone, Debug, PartialEq)]
pub struct Residency {
    /// Only users who read within this window before the run have a cached
    /// timeline at its start; `None`: every user has one.
    pub active_window: Option<SimDuration>,
    /// Most timelines one cache machine holds (each of its shard replicas
    /// an equal part), the least recently read evicted beyond it (CLOCK);
    /// `None`: unbounded.
    pub capacity: Option<u32>,
    /// Memory of one timeline entry, overhead included (Krikorian 2012:
    /// tweet id 8 + user id 8 + flags 4 = 20 bytes).
    pub bytes_per_entry: u32,
}

impl Default for Residency {
    fn default() -> Residency {
        Residency {
            active_window: None,
            capacity: None,
            bytes_per_entry: 20,
        }
    }
}

impl Residency {
    /// Whether any timeline may be missing from the cache (the mechanism
    /// is on): only then does the model track which ones are held.
    pub fn is_active(&self) -> bool {
        self.active_window.is_some() || self.capacity.is_some()
    }
}

/// The fan-out worker pool.
#[derive(Clone, Debug, PartialEq)]
pub struct WorkerConfig {
    /// Number of workers (servers of one station).
    pub workers: u32,
    /// Most destinations in one pipelined insert request (Twitter: 4,000).
    pub batch: u32,
    /// Worker cost per batch (per_request) and per destination (per_item).
    pub service: ServiceConfig,
    /// Most jobs waiting for a worker; more are dropped. `None`: unbounded.
    pub queue_limit: Option<u32>,
    /// How long a job whose worker died stays invisible before another
    /// worker takes it again (the job queue's lease, as SQS's visibility
    /// timeout).
    pub retry_after: SimDuration,
    /// Inserts carry the tweet id, so a retried job's repeated inserts are
    /// recognised and not written twice.
    pub idempotency_key: bool,
    /// Most workers one job uses at once: its batches are split in up to
    /// this many contiguous parts, each queued for a worker on its own, so
    /// a celebrity's delivery time shrinks with the idle workers. 1 (the
    /// default) runs a job on one worker, as DDIA's description does.
    pub parallelism: u32,
}

/// Knobs of individual strategies.
#[derive(Clone, Debug, PartialEq)]
pub struct StrategyConfig {
    /// Accounts with at least this many followers are pulled at read time
    /// under `hybrid`, not pushed.
    pub celebrity_threshold: u32,
    /// The costs `feeding-frenzy` weighs, where the scenario sets them.
    pub feeding_frenzy: FeedingFrenzyConfig,
}

/// The keys of `feeding-frenzy`: its two costs, each derived from the
/// cluster's service times when absent (`model::strategy::FrenzyCosts`
/// says how), so changing the cluster moves the rule with it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FeedingFrenzyConfig {
    /// H, the cost of pushing one post into one timeline.
    pub push_cost: Option<SimDuration>,
    /// Lp, the cost of pulling one author's posts at one read.
    pub pull_cost: Option<SimDuration>,
}

/// Something that goes wrong during a run (`[[faults]]` in the scenario),
/// over `[at, at + duration)` measured from the start of the run.
#[derive(Clone, Debug, PartialEq)]
pub struct Fault {
    /// Start, from the start of the run (warm-up included).
    pub at: SimDuration,
    /// How long it lasts.
    pub duration: SimDuration,
    /// What goes wrong.
    pub kind: FaultKind,
}

/// A tier a crash or a slowdown hits.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum FaultTarget {
    /// The tweet store; `index` names a shard.
    Store = 0,
    /// The timeline cache; `index` names a machine.
    Cache = 1,
}

/// The kinds of fault the simulator injects.
#[derive(Clone, Debug, PartialEq)]
pub enum FaultKind {
    /// A store shard or cache machine stops: requests to it are refused (an
    /// error comes back after a round trip) until it restarts. A cache
    /// machine that loses its data restarts empty, and each timeline read
    /// from it is then rebuilt from the tweet store.
    Crash {
        /// Which tier.
        target: FaultTarget,
        /// Which shard (store) or machine (cache).
        index: u32,
        /// The cache machine restarts empty (cache only).
        lose_data: bool,
    },
    /// `workers` fan-out workers die; the jobs they were running stop
    /// mid-batch and, unless `lose_data`, are retried from their first batch
    /// after `cluster.fanout_workers.retry_after`.
    CrashWorkers {
        /// How many workers die.
        workers: u32,
        /// The interrupted jobs are lost instead of retried.
        lose_data: bool,
    },
    /// Requests to a shard or machine (or to all of the tier) take
    /// `service * factor + delay`, each with probability `probability`.
    Slow {
        /// Which tier.
        target: FaultTarget,
        /// Which shard or machine; `None`: every one of the tier.
        index: Option<u32>,
        /// Service-time multiplier (>= 1).
        factor: f64,
        /// Service time added.
        delay: SimDuration,
        /// Chance that one request is slowed (1: every request).
        probability: f64,
    },
    /// The network between clients, workers and tiers degrades.
    Network {
        /// Extra one-way delay of every hop (charged on the way back, so
        /// stations still see requests in the order they were sent).
        delay: SimDuration,
        /// Chance that one message (a request or its answer) is lost.
        drop: f64,
    },
}

/// When to send a second copy of a request that has not been answered.
#[derive(Copy, Clone, Debug, PartialEq)]
pub enum Hedge {
    /// After a fixed delay.
    After(SimDuration),
    /// After this quantile (0..1) of the tier's recent response times, as the
    /// client has observed them (Dean and Barroso send it at p95).
    Quantile(f64),
}

/// A circuit breaker per station (shard or machine), as the client sees it.
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct Breaker {
    /// Consecutive failures that open it.
    pub failures: u32,
    /// How long it stays open before letting one probe through (half-open).
    pub open_for: SimDuration,
}

/// What a client does about slow and failed requests to one tier. Every
/// part is off by default.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ClientPolicy {
    /// Give up on an attempt after this long.
    pub timeout: Option<SimDuration>,
    /// Attempts after the first, on an error or a timeout.
    pub retries: u32,
    /// Backoff before the first retry; it doubles for each further retry.
    pub backoff: SimDuration,
    /// Cap of the doubled backoff.
    pub backoff_max: SimDuration,
    /// Full jitter: wait a uniform random time in [0, backoff].
    pub jitter: bool,
    /// Retries allowed as a fraction of first attempts (a token bucket);
    /// `None`: no budget.
    pub retry_budget: Option<f64>,
    /// Hedged requests; the loser is cancelled.
    pub hedge: Option<Hedge>,
    /// Circuit breaker per station.
    pub breaker: Option<Breaker>,
    /// Send a failed read at once to the next replica (cache only).
    pub failover: bool,
}

impl ClientPolicy {
    /// Whether any part of the policy is switched on.
    pub fn is_active(&self) -> bool {
        self.timeout.is_some()
            || self.retries > 0
            || self.hedge.is_some()
            || self.breaker.is_some()
            || self.failover
    }
}

/// The client policies of the read path, one per tier it calls.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Policies {
    /// Fetches of tweets from the store (pulls and rebuilds).
    pub store: ClientPolicy,
    /// Reads of home timelines from the cache.
    pub cache: ClientPolicy,
}
