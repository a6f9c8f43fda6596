//! The keys of the run, the population, the workload and the cluster.

use super::Bound::{AtLeast, Excl, Incl, Open};
use super::DurationMin::{Positive, Zero};
use super::{
    Domain, EVENTS, KeyDoc, KeyType, concat_all, delay, finite_in, int, int0, number_in, span,
};

/// Service-time shapes, as `dist` spells them.
pub(crate) const DISTS: &[&str] = &["const", "exp", "lognormal", "pareto"];
/// A coefficient of variation.
const CV: Domain = finite_in(Excl(0.0), Incl(100.0));
/// A Pareto tail index.
const ALPHA: Domain = finite_in(Excl(1.0), Incl(100.0));
/// Integers that fit a u32 count.
const U32: u64 = u32::MAX as u64;

/// The five keys of a service-time table at `$base`.
macro_rules! service_keys {
    ($base:literal, $req:literal, $item:literal, $cv:literal, $what:literal) => {
        [
            KeyDoc::new(
                concat!($base, ".per_request"),
                delay(Zero, "20us"),
                $req,
                concat!("Mean service time paid once per request: ", $what, "."),
            ),
            KeyDoc::new(
                concat!($base, ".per_item"),
                delay(Zero, "2us"),
                $item,
                concat!(
                    "Mean service time added per item of the request: ",
                    $what,
                    "."
                ),
            ),
            KeyDoc::new(
                concat!($base, ".dist"),
                Domain::Choice(DISTS),
                "\"lognormal\"",
                "Shape of the service time around its mean.",
            ),
            KeyDoc::new(
                concat!($base, ".cv"),
                CV,
                $cv,
                "Coefficient of variation (std dev / mean) of a log-normal service time.",
            )
            .note("; only with dist = \"lognormal\""),
            KeyDoc::new(
                concat!($base, ".alpha"),
                ALPHA,
                "2.5",
                "Tail index of a Pareto service time (smaller is heavier).",
            )
            .note("; only with dist = \"pareto\""),
        ]
    };
}

/// The four keys of a random delay at `$base`: its mean and its shape
/// (`dist`, with `cv` for lognormal and `alpha` for pareto).
macro_rules! delay_dist_keys {
    ($base:expr, $mean:literal, $dist:literal, $what:literal) => {
        [
            KeyDoc::new(
                concat!($base, ".mean"),
                delay(Positive, "50ms"),
                $mean,
                concat!("Mean ", $what, "."),
            ),
            KeyDoc::new(
                concat!($base, ".dist"),
                Domain::Choice(DISTS),
                $dist,
                concat!("Shape of the ", $what, " around its mean."),
            ),
            KeyDoc::new(
                concat!($base, ".cv"),
                CV,
                "1.0",
                concat!("Coefficient of variation of a log-normal ", $what, "."),
            )
            .note("; only with dist = \"lognormal\""),
            KeyDoc::new(
                concat!($base, ".alpha"),
                ALPHA,
                "2.5",
                concat!("Tail index of a Pareto ", $what, "."),
            )
            .note("; only with dist = \"pareto\""),
        ]
    };
}

/// The keys of one tier's tail mechanisms at `$base`: pauses of a whole
/// station, and reads that wait for the device (docs/references.md,
/// Dean and Barroso 2013).
macro_rules! tier_tail_keys {
    ($base:literal, $every_doc:literal, $disk_doc:literal) => {
        concat_all(&[
            &[KeyDoc::new(
                concat!($base, ".pause.every"),
                delay(Zero, "10s"),
                "\"0s\"",
                $every_doc,
            )
            .note("; \"0s\" means no pauses")],
            &delay_dist_keys!(
                concat!($base, ".pause.length"),
                "\"50ms\"",
                "\"exp\"",
                "pause (every server of the station stops)"
            ),
            &[KeyDoc::new(
                concat!($base, ".disk.fraction"),
                number_in(Incl(0.0), Incl(1.0)),
                "0.0",
                $disk_doc,
            )],
            &delay_dist_keys!(
                concat!($base, ".disk.latency"),
                "\"5ms\"",
                "\"exp\"",
                "device time of a read that misses memory (a store thread waits for it; a cache miss is read back by the timeline service)"
            ),
        ])
    };
}

const TOP: [KeyDoc; 6] = [
    KeyDoc::new(
        "name",
        Domain::Rule(
            KeyType::String,
            "a non-empty string of at most 100 characters without control characters",
        ),
        "(file stem)",
        "Short name printed in every report row.",
    ),
    KeyDoc::new(
        "description",
        Domain::Rule(KeyType::String, "a string"),
        "(none)",
        "Free text shown by `fanout check`.",
    ),
    KeyDoc::new(
        "seed",
        Domain::Rule(
            KeyType::Integer,
            "an integer from 0 to 18446744073709551615 (above 2^63 - 1, write it as a string)",
        ),
        "1",
        "The seed every random stream of a run is derived from; every output row carries it.",
    ),
    KeyDoc::new(
        "duration",
        span(Positive, "60s"),
        "\"60s\"",
        "Simulated time measured, after the warm-up.",
    )
    .note("; warmup + duration at most 8760h"),
    KeyDoc::new(
        "warmup",
        span(Zero, "5s"),
        "\"5s\"",
        "Simulated time run before measuring, so queues reach steady state.",
    ),
    KeyDoc::new(
        "strategies",
        Domain::Strategies,
        "[\"fanout-on-read\", \"fanout-on-write\", \"hybrid\"]",
        "Strategies to simulate, in report order (DDIA ch. 1: approach 1, approach 2, hybrid).",
    ),
];

const POPULATION: [KeyDoc; 14] = [
    KeyDoc::new(
        "population.users",
        int(1, 200_000_000),
        "1_000_000",
        "Number of users (graph nodes); Twitter 2012 had 150M active, scaled down by default.",
    ),
    KeyDoc::new(
        "population.graph",
        Domain::Choice(&["stored", "sampled"]),
        "\"stored\"",
        "How the graph is held: stored (both directions in memory, exact) or sampled (scale mode: only the degree sequence is kept and follower/followee lists are redrawn from the seed on every access; each direction has the right marginal but they are not exact transposes).",
    )
    .note(", or a table { file = \"PATH\", ... } that loads the graph from an edge list (see population.graph.file)"),
    KeyDoc::new(
        "population.graph.file",
        Domain::Rule(KeyType::String, "a path to an edge list, relative to the scenario file's directory"),
        "(none: the graph is generated)",
        "Load the follower graph from this edge list instead of generating it: the users are the file's ids (remapped densely in ascending order), so population.users, population.followers.* and population.followee_exponent must not be given; [[workload.events]] name accounts by the file's original ids.",
    ),
    KeyDoc::new(
        "population.graph.format",
        Domain::Choice(&["auto", "text", "text.gz", "binary"]),
        "\"auto\"",
        "How the file is written: text pairs (blanks or a comma between two ids, # comments: SNAP's format), the same compressed with gzip, or fanout's binary graph; auto recognizes gzip and binary files by their first bytes; text, text.gz and binary refuse a file of another kind.",
    ),
    KeyDoc::new(
        "population.graph.direction",
        Domain::Choice(&["follower-followee", "followee-follower"]),
        "\"follower-followee\"",
        "What a pair \"a b\" means: follower-followee, a follows b (SNAP's Twitter sets); followee-follower, b follows a. Not used for a binary file, which holds the graph as loaded.",
    ),
    KeyDoc::new(
        "population.graph.cache",
        Domain::Rule(KeyType::String, "a path, relative to the scenario file's directory, or \"off\""),
        "(FILE.fanout-graph)",
        "Where the binary cache of a text file is kept: written after the first load with a checksum of the source, read instead of parsing while the source is unchanged, rebuilt when stale; \"off\" parses every time.",
    ),
    KeyDoc::new(
        "population.followee_exponent",
        finite_in(Excl(1.0), Open),
        "2.28",
        "Power-law exponent of followee counts (Kwak et al. 2010 fit 2.28). Followee weights are Pareto with shape exponent - 1, capped at users: near 1 most users hit the cap and counts become nearly uniform (1.01 at 1M users gives a largest count of 39), so a warning names the smallest exponent that keeps the cap under 1% of users.",
    ),
    KeyDoc::new(
        "population.author_activity_exponent",
        number_in(Incl(0.0), Incl(3.0)),
        "0.165",
        "A user's tweet rate is proportional to (1 + followers)^x; 0 is uniform; 0.165 brings the mean fan-out per tweet to DDIA's 75 at mean 35 followers and 1M users.",
    )
    .note("; give this or population.fanout_per_tweet, not both"),
    KeyDoc::new(
        "population.fanout_per_tweet",
        finite_in(Excl(0.0), Open),
        "(none)",
        "Target mean fan-out per tweet (DDIA: 75): when given, author_activity_exponent is solved for it from the follower counts, whatever the scale (the exponent that gives 75 at 1M users gives 70 at 150M).",
    )
    .unit("followers per tweet")
    .note(" that author activity exponents 0 to 3 reach; give this or population.author_activity_exponent, not both"),
    KeyDoc::new(
        "population.reader_activity_exponent",
        number_in(Incl(0.0), Incl(3.0)),
        "0.0",
        "A user's read rate is proportional to (1 + followees)^x; 0 is uniform.",
    ),
    KeyDoc::new(
        "population.followers.exponent",
        finite_in(Excl(0.0), Incl(10.0)),
        "(none)",
        "Zipf rank-size exponent s: the r-th most followed account has max * r^-s followers.",
    )
    .note("; give exponent or mean, not both"),
    KeyDoc::new(
        "population.followers.mean",
        finite_in(Excl(0.0), Open),
        "35.0",
        "Target mean follower count; the exponent is solved for it (Kwak et al. 2010: 1.47B edges / 41.7M users = 35).",
    )
    .note(" that counts 0..=max can average; give exponent or mean, not both (the mean is the default)"),
    KeyDoc::new(
        "population.followers.max",
        Domain::Rule(KeyType::Integer, "an integer from 0 to population.users - 1"),
        "(min(users - 1, 30000000))",
        "Largest follower count of any account (DDIA: the largest accounts have over 30 million).",
    ),
    KeyDoc::new(
        "population.followees.max",
        int(1, U32),
        "(none)",
        "Largest followee count of any user (Twitter's follow limit: 5,000, docs/references.md, Twitter follow limits); none by default. The heaviest out-weights are capped so that no user is expected above it, and the few drawn above it give their surplus follows to others, so every follower count, and the mean, stay as they are.",
    )
    .note(" above the mean follower count (someone must take every follow)"),
];

const WORKLOAD: [KeyDoc; 12] = [
    KeyDoc::new(
        "workload.tweets_per_sec",
        finite_in(Excl(0.0), Incl(1e8)),
        "4600.0",
        "Average tweet rate (DDIA: 4.6k posts/s on average).",
    )
    .unit("posts per simulated second"),
    KeyDoc::new(
        "workload.reads_per_sec",
        finite_in(AtLeast(0.0), Incl(1e9)),
        "300000.0",
        "Average home-timeline read rate (DDIA: 300k reads/s).",
    )
    .unit("home-timeline reads per simulated second"),
    KeyDoc::new(
        "workload.profile",
        Domain::Choice(&["constant", "diurnal"]),
        "\"constant\"",
        "How the rates vary: constant, or diurnal (a daily cycle whose average over each whole period is the configured rate, lowest at t = 0 and peak_factor times the average at half a period).",
    ),
    KeyDoc::new(
        "workload.diurnal_period",
        span(Positive, "24h"),
        "\"24h\"",
        "Length of one diurnal cycle.",
    )
    .note("; only with profile = \"diurnal\""),
    KeyDoc::new(
        "workload.peak_factor",
        number_in(Incl(1.0), Incl(100.0)),
        "2.6",
        "Diurnal peak rate over the average (DDIA: over 12k/s at peak over 4.6k/s = 2.6). Up to 2 the cycle is a cosine with trough (2 - peak_factor) x average; above 2 it is peak_factor x sin^2k, zero at the trough, k solved so the average stays the configured rate.",
    )
    .note("; only with profile = \"diurnal\""),
    KeyDoc::new(
        EVENTS.key,
        Domain::Tables,
        "[]",
        "Scheduled events: one account tweets, or a burst of load.",
    ),
    KeyDoc::new(
        "workload.events[].kind",
        Domain::Choice(&["tweet", "burst"]),
        "(required)",
        "\"tweet\": one account posts once at `at`; \"burst\": rates are multiplied by `factor` during [at, at + duration).",
    ),
    KeyDoc::new(
        "workload.events[].at",
        span(Zero, ""),
        "(required)",
        "When the event happens, from the start of the run (warm-up included).",
    )
    .note(", before the end of the run (warmup + duration)"),
    KeyDoc::new(
        "workload.events[].rank",
        Domain::Rule(KeyType::Integer, "an integer from 1 to population.users"),
        "(tweet: rank or id)",
        "The account with the n-th most followers tweets (1 = the largest).",
    )
    .note("; only with kind = \"tweet\", and not with id"),
    KeyDoc::new(
        "workload.events[].id",
        Domain::Rule(KeyType::Integer, "an integer from 0 to population.users - 1"),
        "(tweet: rank or id)",
        "The account with this user id tweets.",
    )
    .note("; only with kind = \"tweet\", and not with rank"),
    KeyDoc::new(
        "workload.events[].duration",
        span(Positive, ""),
        "(required for burst)",
        "Length of the burst.",
    )
    .note("; only with kind = \"burst\""),
    KeyDoc::new(
        "workload.events[].factor",
        finite_in(Excl(0.0), Incl(1000.0)),
        "(required for burst)",
        "Multiplier of the post and read rates during the burst (Twitter's record: 143k/s against 5.7k/s, about 25).",
    )
    .note("; only with kind = \"burst\""),
];

const NETWORK: [KeyDoc; 5] = [
    KeyDoc::new(
        "cluster.network.one_way",
        delay(Zero, "100us"),
        "\"100us\"",
        "Fixed delay of one hop; a request pays it there and back.",
    ),
    KeyDoc::new(
        "cluster.network.jitter.dist",
        Domain::Choice(DISTS),
        "\"exp\"",
        "Shape of the random extra delay of a round trip.",
    ),
    KeyDoc::new(
        "cluster.network.jitter.mean",
        delay(Zero, ""),
        "\"100us\"",
        "Mean random extra delay of a round trip.",
    )
    .note("; \"0s\" means no jitter"),
    KeyDoc::new(
        "cluster.network.jitter.cv",
        CV,
        "1.0",
        "Coefficient of variation of a log-normal jitter.",
    )
    .note("; only with dist = \"lognormal\""),
    KeyDoc::new(
        "cluster.network.jitter.alpha",
        ALPHA,
        "2.5",
        "Tail index of a Pareto jitter.",
    )
    .note("; only with dist = \"pareto\""),
];

/// The three keys of a tier (shards, servers, queue_limit) at these paths.
const fn tier_keys(
    keys: [&'static str; 3],
    servers_default: &'static str,
    what: &'static str,
) -> [KeyDoc; 3] {
    [
        KeyDoc::new(
            keys[0],
            int(1, 100_000),
            "16",
            "Shards, one queueing station each (per replica).",
        ),
        KeyDoc::new(keys[1], int(1, 10_000), servers_default, what),
        KeyDoc::new(
            keys[2],
            int0("unbounded", U32),
            "0",
            "Most requests waiting at one shard; more are dropped. 0 = unbounded.",
        ),
    ]
}

const STORE_TIER: [KeyDoc; 3] = tier_keys(
    [
        "cluster.tweet_store.shards",
        "cluster.tweet_store.servers",
        "cluster.tweet_store.queue_limit",
    ],
    "48",
    "Servers (threads) per tweet-store shard.",
);
const STORE_WRITE: [KeyDoc; 5] = service_keys!(
    "cluster.tweet_store.write",
    "\"200us\"",
    "\"0us\"",
    "1.0",
    "inserting one tweet"
);
const STORE_READ: [KeyDoc; 5] = service_keys!(
    "cluster.tweet_store.read",
    "\"100us\"",
    "\"10us\"",
    "1.0",
    "fetching recent tweets; items = authors fetched"
);

const CACHE_TIER: [KeyDoc; 3] = tier_keys(
    [
        "cluster.timeline_cache.shards",
        "cluster.timeline_cache.servers",
        "cluster.timeline_cache.queue_limit",
    ],
    "1",
    "Servers per timeline-cache shard (Redis is single-threaded: 1).",
);
const CACHE_MORE: [KeyDoc; 4] = [
    KeyDoc::new(
        "cluster.timeline_cache.replicas",
        int(1, 16),
        "3",
        "Copies of each home timeline; a write goes to all, a read to one (Krikorian 2012: 3).",
    ),
    KeyDoc::new(
        "cluster.timeline_cache.max_entries",
        int(1, 1_000_000),
        "800",
        "Length cap of a home timeline (Krikorian 2012: 800 entries).",
    ),
    KeyDoc::new(
        "cluster.timeline_cache.write_chunk",
        int(1, 1_000_000),
        "200",
        "Entries a shard applies from one insert request before serving other requests (Redis reads a pipeline 16 KB, about 200 commands, at a time).",
    ),
    KeyDoc::new(
        "cluster.timeline_cache.machines",
        Domain::Rule(
            KeyType::Integer,
            "an integer from replicas to shards x replicas",
        ),
        "(shards x replicas)",
        "Machines the cache runs on, one single-threaded process each; replica r of shard s is on machine (s x replicas + r) mod machines.",
    ),
];
/// Which timelines the cache holds, and what that memory is (off by default).
const CACHE_RESIDENCY: [KeyDoc; 3] = [
    KeyDoc::new(
        "cluster.timeline_cache.active_window",
        span(Positive, "720h"),
        "(none)",
        "Only users who read within this window have a cached timeline at the start (Krikorian 2012: ~30 days = \"720h\"); a user reading at rate r is cached with probability 1 - exp(-r x window). Fan-out appends only to cached timelines (Redis RPUSHX); a read of an uncached one rebuilds it from the tweet store.",
    )
    .note("; absent: every timeline cached"),
    KeyDoc::new(
        "cluster.timeline_cache.capacity",
        int0("unbounded", U32),
        "0",
        "Most timelines one cache machine holds; beyond it the least recently read is evicted (CLOCK). 0 = unbounded.",
    ),
    KeyDoc::new(
        "cluster.timeline_cache.bytes_per_entry",
        int(1, 1_000_000),
        "20",
        "Memory of one timeline entry, for cache_memory_bytes (Krikorian 2012: tweet id 8 + user id 8 + flags 4 = 20 bytes).",
    ),
];
const CACHE_READ: [KeyDoc; 5] = service_keys!(
    "cluster.timeline_cache.read",
    "\"20us\"",
    "\"25ns\"",
    "0.5",
    "reading one timeline; items = max_entries"
);
const CACHE_WRITE: [KeyDoc; 5] = service_keys!(
    "cluster.timeline_cache.write",
    "\"10us\"",
    "\"2us\"",
    "0.5",
    "one pipelined insert; items = timelines written"
);

const WORKERS: [KeyDoc; 6] = [
    KeyDoc::new(
        "cluster.fanout_workers.workers",
        int(1, 1_000_000),
        "16",
        "Fan-out workers (servers of one station).",
    ),
    KeyDoc::new(
        "cluster.fanout_workers.batch",
        int(1, U32),
        "4000",
        "Most destinations in one pipelined insert (Krikorian 2012: 4k).",
    ),
    KeyDoc::new(
        "cluster.fanout_workers.queue_limit",
        int0("unbounded", U32),
        "0",
        "Most fan-out jobs waiting for a worker; more are dropped. 0 = unbounded.",
    ),
    KeyDoc::new(
        "cluster.fanout_workers.retry_after",
        delay(Positive, "1s"),
        "\"1s\"",
        "How long a job whose worker died stays invisible in the job queue before another worker takes it again (SQS's visibility timeout).",
    ),
    KeyDoc::new(
        "cluster.fanout_workers.idempotency_key",
        Domain::Bool,
        "true",
        "Inserts carry the tweet id, so a retried job's repeated inserts are not written twice.",
    ),
    KeyDoc::new(
        "cluster.fanout_workers.parallelism",
        int(1, 1_000_000),
        "1",
        "Workers one fan-out job may use at once: its batches are split in up to this many parts, each queued for its own worker. 1 = one worker per job.",
    ),
];
const WORKER_SERVICE: [KeyDoc; 5] = service_keys!(
    "cluster.fanout_workers.service",
    "\"50us\"",
    "\"3us\"",
    "0.5",
    "worker time per batch; items = destinations"
);

const REST: [KeyDoc; 4] = [
    KeyDoc::new(
        "cluster.client.merge_per_item",
        delay(Zero, "100ns"),
        "\"100ns\"",
        "Client cost of merging pulled tweets, per tweet merged.",
    ),
    KeyDoc::new(
        "strategy.hybrid.celebrity_threshold",
        int(0, U32),
        "10_000",
        "Under hybrid, accounts with at least this many followers are pulled at read time, not pushed.",
    ),
    KeyDoc::new(
        "strategy.feeding_frenzy.push_cost",
        delay(Positive, "9us"),
        "(fanout_workers.service.per_item + replicas x timeline_cache.write.per_item)",
        "Under feeding-frenzy, H: the cost of pushing one post into one timeline (Silberstein et al. 2010); only its ratio to pull_cost matters.",
    ),
    KeyDoc::new(
        "strategy.feeding_frenzy.pull_cost",
        delay(Positive, "10us"),
        "(tweet_store.read.per_item + client.merge_per_item)",
        "Under feeding-frenzy, Lp: the cost of pulling one author's posts at one read; an edge is pushed when reads / posts >= push_cost / pull_cost.",
    ),
];

const STORE_TAILS: [KeyDoc; 10] = tier_tail_keys!(
    "cluster.tweet_store",
    "Mean time between pauses of one store shard (garbage collection, compaction), from the end of one to the start of the next (exponential).",
    "Fraction of store reads that miss memory and read the device."
);
const CACHE_TAILS: [KeyDoc; 10] = tier_tail_keys!(
    "cluster.timeline_cache",
    "Mean time between pauses of one cache machine (a fork for a snapshot, swapping), from the end of one to the start of the next (exponential).",
    "Fraction of timeline reads that miss memory and read the device."
);
const CROSS_DC: [KeyDoc; 5] = concat_all(&[
    &[KeyDoc::new(
        "cluster.network.cross_dc.fraction",
        number_in(Incl(0.0), Incl(1.0)),
        "0.0",
        "Fraction of read requests (each leg of a scatter draws its own) served from another datacentre.",
    )],
    &delay_dist_keys!(
        "cluster.network.cross_dc.rtt",
        "\"70ms\"",
        "\"const\"",
        "extra round trip of a request served from another datacentre"
    ),
]);
const HYDRATION: [KeyDoc; 1] = [KeyDoc::new(
    "cluster.hydration.page",
    int0("no hydration", 10_000),
    "0",
    "Tweets of the page a read returns, whose bodies are then fetched by id from the tweet store (one multi-get per shard); 0 = a read returns ids only.",
)];

/// How many keys this part has.
const COUNT: usize = TOP.len()
    + POPULATION.len()
    + WORKLOAD.len()
    + NETWORK.len()
    + STORE_TIER.len()
    + STORE_WRITE.len()
    + STORE_READ.len()
    + CACHE_TIER.len()
    + CACHE_MORE.len()
    + CACHE_RESIDENCY.len()
    + CACHE_READ.len()
    + CACHE_WRITE.len()
    + WORKERS.len()
    + WORKER_SERVICE.len()
    + REST.len()
    + STORE_TAILS.len()
    + CACHE_TAILS.len()
    + CROSS_DC.len()
    + HYDRATION.len();

/// The run, population, workload and cluster keys, in documentation order.
pub(super) static KEYS: [KeyDoc; COUNT] = concat_all(&[
    &TOP,
    &POPULATION,
    &WORKLOAD,
    &NETWORK,
    &STORE_TIER,
    &STORE_WRITE,
    &STORE_READ,
    &CACHE_TIER,
    &CACHE_MORE,
    &CACHE_RESIDENCY,
    &CACHE_READ,
    &CACHE_WRITE,
    &WORKERS,
    &WORKER_SERVICE,
    &REST,
    &STORE_TAILS,
    &CACHE_TAILS,
    &CROSS_DC,
    &HYDRATION,
]);
