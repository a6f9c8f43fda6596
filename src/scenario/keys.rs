//! Every key of the scenario format: type, default, allowed values, meaning.
//!
//! ======================================================================
//! THE DEFAULTS LIVE HERE, AND ONLY HERE.
//! ======================================================================
//! `default` is the TOML text of the value used when the key is absent
//! (`"60s"`, `4600.0`, `1_000_000`); the resolver parses it like a value
//! from the file. A default in parentheses, such as `(file stem)`, is not a
//! literal: the resolver computes it (see `COMPUTED`). To recalibrate, edit
//! the literal here; docs/scenario.md repeats this table (a test compares).
//!
//! `allowed` completes the sentence "must be ..." in error messages, so the
//! messages, `fanout check` and the docs say the same thing.

use super::KeyDoc;

/// Keys whose default is computed or absent rather than a TOML literal.
pub(crate) const COMPUTED: &[&str] = &[
    "name",
    "description",
    "population.followers.exponent",
    "population.followers.max",
    "cluster.timeline_cache.machines",
    "workload.events[].kind",
    "workload.events[].at",
    "workload.events[].rank",
    "workload.events[].id",
    "workload.events[].duration",
    "workload.events[].factor",
    "faults[].kind",
    "faults[].target",
    "faults[].at",
    "faults[].duration",
    "faults[].index",
    "faults[].workers",
    "policy.store.timeout",
    "policy.store.retry_budget",
    "policy.cache.timeout",
    "policy.cache.retry_budget",
];

/// A key that holds an array of tables (`[[workload.events]]`): each entry
/// is a table whose keys are `<key>[].<name>` in the table of keys.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) struct ArrayKey {
    /// The dotted path of the array (`workload.events`).
    pub key: &'static str,
    /// What one entry is called in messages (`event`).
    pub item: &'static str,
    /// A key of an entry, for examples in messages (`at`).
    pub example: &'static str,
}

/// The list of scheduled events.
pub(crate) const EVENTS: ArrayKey = ArrayKey {
    key: "workload.events",
    item: "event",
    example: "at",
};

/// The list of injected faults.
pub(crate) const FAULTS: ArrayKey = ArrayKey {
    key: "faults",
    item: "fault",
    example: "at",
};

/// Every array of tables of the format.
const ARRAYS: [ArrayKey; 2] = [EVENTS, FAULTS];

/// The array of tables at the normalised path `norm`, if it is one.
pub(crate) fn array(norm: &str) -> Option<&'static ArrayKey> {
    ARRAYS.iter().find(|a| a.key == norm)
}

macro_rules! key {
    ($key:expr, $kind:expr, $default:expr, $allowed:expr, $doc:expr) => {
        KeyDoc {
            key: $key,
            kind: $kind,
            default: $default,
            allowed: $allowed,
            doc: $doc,
        }
    };
}

macro_rules! service_keys {
    ($base:literal, $req:literal, $item:literal, $cv:literal, $what:literal) => {
        [
            key!(
                concat!($base, ".per_request"),
                "duration",
                $req,
                "a duration >= 0 with a unit, as in \"20us\"",
                concat!("Mean service time paid once per request: ", $what, ".")
            ),
            key!(
                concat!($base, ".per_item"),
                "duration",
                $item,
                "a duration >= 0 with a unit, as in \"2us\"",
                concat!(
                    "Mean service time added per item of the request: ",
                    $what,
                    "."
                )
            ),
            key!(
                concat!($base, ".dist"),
                "string",
                "\"lognormal\"",
                "one of \"const\", \"exp\", \"lognormal\", \"pareto\"",
                "Shape of the service time around its mean."
            ),
            key!(
                concat!($base, ".cv"),
                "float",
                $cv,
                "a finite number > 0 and at most 100; only with dist = \"lognormal\"",
                "Coefficient of variation (std dev / mean) of a log-normal service time."
            ),
            key!(
                concat!($base, ".alpha"),
                "float",
                "2.5",
                "a finite number > 1 and at most 100; only with dist = \"pareto\"",
                "Tail index of a Pareto service time (smaller is heavier)."
            ),
        ]
    };
}

const TOP: [KeyDoc; 6] = [
    key!(
        "name",
        "string",
        "(file stem)",
        "a non-empty string of at most 100 characters without control characters",
        "Short name printed in every report row."
    ),
    key!(
        "description",
        "string",
        "(none)",
        "a string",
        "Free text shown by `fanout check`."
    ),
    key!(
        "seed",
        "integer",
        "1",
        "an integer from 0 to 18446744073709551615 (above 2^63 - 1, write it as a string)",
        "The seed every random stream of a run is derived from; every output row carries it."
    ),
    key!(
        "duration",
        "duration",
        "\"60s\"",
        "a duration > 0 with a unit, as in \"60s\"; warmup + duration at most 8760h",
        "Simulated time measured, after the warm-up."
    ),
    key!(
        "warmup",
        "duration",
        "\"5s\"",
        "a duration >= 0 with a unit, as in \"5s\"",
        "Simulated time run before measuring, so queues reach steady state."
    ),
    key!(
        "strategies",
        "array of strings",
        "[\"fanout-on-read\", \"fanout-on-write\", \"hybrid\"]",
        "a non-empty list of distinct names from \"fanout-on-read\" (or \"read\"), \"fanout-on-write\" (or \"write\"), \"hybrid\"",
        "Strategies to simulate, in report order (DDIA ch. 1: approach 1, approach 2, hybrid)."
    ),
];

const POPULATION: [KeyDoc; 8] = [
    key!(
        "population.users",
        "integer",
        "1_000_000",
        "an integer from 1 to 200000000",
        "Number of users (graph nodes); Twitter 2012 had 150M active, scaled down by default."
    ),
    key!(
        "population.graph",
        "string",
        "\"stored\"",
        "one of \"stored\", \"sampled\"",
        "How the graph is held: stored (both directions in memory, exact) or sampled (scale mode: only the degree sequence is kept and follower/followee lists are redrawn from the seed on every access; each direction has the right marginal but they are not exact transposes)."
    ),
    key!(
        "population.followee_exponent",
        "float",
        "2.28",
        "a finite number > 1",
        "Power-law exponent of followee counts (Kwak et al. 2010 fit 2.28)."
    ),
    key!(
        "population.author_activity_exponent",
        "float",
        "0.165",
        "a number from 0 to 3",
        "A user's tweet rate is proportional to (1 + followers)^x; 0 is uniform; 0.165 brings the mean fan-out per tweet to DDIA's 75 at mean 35 followers."
    ),
    key!(
        "population.reader_activity_exponent",
        "float",
        "0.0",
        "a number from 0 to 3",
        "A user's read rate is proportional to (1 + followees)^x; 0 is uniform."
    ),
    key!(
        "population.followers.exponent",
        "float",
        "(none)",
        "a finite number > 0 and at most 10; give exponent or mean, not both",
        "Zipf rank-size exponent s: the r-th most followed account has max * r^-s followers."
    ),
    key!(
        "population.followers.mean",
        "float",
        "35.0",
        "a finite number > 0 that counts 0..=max can average; give exponent or mean, not both (the mean is the default)",
        "Target mean follower count; the exponent is solved for it (Kwak et al. 2010: 1.47B edges / 41.7M users = 35)."
    ),
    key!(
        "population.followers.max",
        "integer",
        "(min(users - 1, 30000000))",
        "an integer from 0 to population.users - 1",
        "Largest follower count of any account (DDIA: the largest accounts have over 30 million)."
    ),
];

const WORKLOAD: [KeyDoc; 12] = [
    key!(
        "workload.tweets_per_sec",
        "float",
        "4600.0",
        "a finite number > 0 and at most 1e8 (posts per simulated second)",
        "Average tweet rate (DDIA: 4.6k posts/s on average)."
    ),
    key!(
        "workload.reads_per_sec",
        "float",
        "300000.0",
        "a finite number >= 0 and at most 1e9 (home-timeline reads per simulated second)",
        "Average home-timeline read rate (DDIA: 300k reads/s)."
    ),
    key!(
        "workload.profile",
        "string",
        "\"constant\"",
        "one of \"constant\", \"diurnal\"",
        "How the rates vary: constant, or a raised cosine up to peak_factor at half a period."
    ),
    key!(
        "workload.diurnal_period",
        "duration",
        "\"24h\"",
        "a duration > 0 with a unit, as in \"24h\"; only with profile = \"diurnal\"",
        "Length of one diurnal cycle."
    ),
    key!(
        "workload.peak_factor",
        "float",
        "2.6",
        "a number from 1 to 100; only with profile = \"diurnal\"",
        "Diurnal peak rate over the average (DDIA: over 12k/s at peak over 4.6k/s = 2.6)."
    ),
    key!(
        EVENTS.key,
        "array of tables",
        "[]",
        "zero or more [[workload.events]] tables",
        "Scheduled events: one account tweets, or a burst of load."
    ),
    key!(
        "workload.events[].kind",
        "string",
        "(required)",
        "one of \"tweet\", \"burst\"",
        "\"tweet\": one account posts once at `at`; \"burst\": rates are multiplied by `factor` during [at, at + duration)."
    ),
    key!(
        "workload.events[].at",
        "duration",
        "(required)",
        "a duration >= 0 with a unit, before the end of the run (warmup + duration)",
        "When the event happens, from the start of the run (warm-up included)."
    ),
    key!(
        "workload.events[].rank",
        "integer",
        "(tweet: rank or id)",
        "an integer from 1 to population.users; only with kind = \"tweet\", and not with id",
        "The account with the n-th most followers tweets (1 = the largest)."
    ),
    key!(
        "workload.events[].id",
        "integer",
        "(tweet: rank or id)",
        "an integer from 0 to population.users - 1; only with kind = \"tweet\", and not with rank",
        "The account with this user id tweets."
    ),
    key!(
        "workload.events[].duration",
        "duration",
        "(required for burst)",
        "a duration > 0 with a unit; only with kind = \"burst\"",
        "Length of the burst."
    ),
    key!(
        "workload.events[].factor",
        "float",
        "(required for burst)",
        "a finite number > 0 and at most 1000; only with kind = \"burst\"",
        "Multiplier of the post and read rates during the burst (Twitter's record: 143k/s against 5.7k/s, about 25)."
    ),
];

const NETWORK: [KeyDoc; 5] = [
    key!(
        "cluster.network.one_way",
        "duration",
        "\"100us\"",
        "a duration >= 0 with a unit, as in \"100us\"",
        "Fixed delay of one hop; a request pays it there and back."
    ),
    key!(
        "cluster.network.jitter.dist",
        "string",
        "\"exp\"",
        "one of \"const\", \"exp\", \"lognormal\", \"pareto\"",
        "Shape of the random extra delay of a round trip."
    ),
    key!(
        "cluster.network.jitter.mean",
        "duration",
        "\"100us\"",
        "a duration >= 0 with a unit; \"0s\" means no jitter",
        "Mean random extra delay of a round trip."
    ),
    key!(
        "cluster.network.jitter.cv",
        "float",
        "1.0",
        "a finite number > 0 and at most 100; only with dist = \"lognormal\"",
        "Coefficient of variation of a log-normal jitter."
    ),
    key!(
        "cluster.network.jitter.alpha",
        "float",
        "2.5",
        "a finite number > 1 and at most 100; only with dist = \"pareto\"",
        "Tail index of a Pareto jitter."
    ),
];

const fn tier_keys(servers_default: &'static str, what: &'static str) -> [KeyDoc; 3] {
    [
        key!(
            "",
            "integer",
            "16",
            "an integer from 1 to 100000",
            "Shards, one queueing station each (per replica)."
        ),
        key!(
            "",
            "integer",
            servers_default,
            "an integer from 1 to 10000",
            what
        ),
        key!(
            "",
            "integer",
            "0",
            "an integer from 0 (unbounded) to 4294967295",
            "Most requests waiting at one shard; more are dropped. 0 = unbounded."
        ),
    ]
}

/// Sets the key paths of a tier's three keys (const fns cannot concat).
const fn named(mut t: [KeyDoc; 3], keys: [&'static str; 3]) -> [KeyDoc; 3] {
    t[0].key = keys[0];
    t[1].key = keys[1];
    t[2].key = keys[2];
    t
}

const STORE_TIER: [KeyDoc; 3] = named(
    tier_keys("48", "Servers (threads) per tweet-store shard."),
    [
        "cluster.tweet_store.shards",
        "cluster.tweet_store.servers",
        "cluster.tweet_store.queue_limit",
    ],
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

const CACHE_TIER: [KeyDoc; 3] = named(
    tier_keys(
        "1",
        "Servers per timeline-cache shard (Redis is single-threaded: 1).",
    ),
    [
        "cluster.timeline_cache.shards",
        "cluster.timeline_cache.servers",
        "cluster.timeline_cache.queue_limit",
    ],
);
const CACHE_MORE: [KeyDoc; 4] = [
    key!(
        "cluster.timeline_cache.replicas",
        "integer",
        "3",
        "an integer from 1 to 16",
        "Copies of each home timeline; a write goes to all, a read to one (Krikorian 2012: 3)."
    ),
    key!(
        "cluster.timeline_cache.max_entries",
        "integer",
        "800",
        "an integer from 1 to 1000000",
        "Length cap of a home timeline (Krikorian 2012: 800 entries)."
    ),
    key!(
        "cluster.timeline_cache.write_chunk",
        "integer",
        "200",
        "an integer from 1 to 1000000",
        "Entries a shard applies from one insert request before serving other requests (Redis reads a pipeline 16 KB, about 200 commands, at a time)."
    ),
    key!(
        "cluster.timeline_cache.machines",
        "integer",
        "(shards x replicas)",
        "an integer from replicas to shards x replicas",
        "Machines the cache runs on, one single-threaded process each; replica r of shard s is on machine (s x replicas + r) mod machines."
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

const WORKERS: [KeyDoc; 5] = [
    key!(
        "cluster.fanout_workers.workers",
        "integer",
        "16",
        "an integer from 1 to 1000000",
        "Fan-out workers (servers of one station)."
    ),
    key!(
        "cluster.fanout_workers.batch",
        "integer",
        "4000",
        "an integer from 1 to 4294967295",
        "Most destinations in one pipelined insert (Krikorian 2012: 4k)."
    ),
    key!(
        "cluster.fanout_workers.queue_limit",
        "integer",
        "0",
        "an integer from 0 (unbounded) to 4294967295",
        "Most fan-out jobs waiting for a worker; more are dropped. 0 = unbounded."
    ),
    key!(
        "cluster.fanout_workers.retry_after",
        "duration",
        "\"1s\"",
        "a duration > 0 with a unit, as in \"1s\"",
        "How long a job whose worker died stays invisible in the job queue before another worker takes it again (SQS's visibility timeout)."
    ),
    key!(
        "cluster.fanout_workers.idempotency_key",
        "boolean",
        "true",
        "true or false",
        "Inserts carry the tweet id, so a retried job's repeated inserts are not written twice."
    ),
];
const WORKER_SERVICE: [KeyDoc; 5] = service_keys!(
    "cluster.fanout_workers.service",
    "\"50us\"",
    "\"3us\"",
    "0.5",
    "worker time per batch; items = destinations"
);

const REST: [KeyDoc; 2] = [
    key!(
        "cluster.client.merge_per_item",
        "duration",
        "\"100ns\"",
        "a duration >= 0 with a unit, as in \"100ns\"",
        "Client cost of merging pulled tweets, per tweet merged."
    ),
    key!(
        "strategy.hybrid.celebrity_threshold",
        "integer",
        "10_000",
        "an integer from 0 to 4294967295",
        "Under hybrid, accounts with at least this many followers are pulled at read time, not pushed."
    ),
];

const FAULT_KEYS: [KeyDoc; 12] = [
    key!(
        FAULTS.key,
        "array of tables",
        "[]",
        "zero or more [[faults]] tables",
        "Faults injected during the run: a crash, a slowdown, or a degraded network."
    ),
    key!(
        "faults[].kind",
        "string",
        "(required)",
        "one of \"crash\", \"slow\", \"network\"",
        "\"crash\": a store shard, a cache machine or some fan-out workers stop; \"slow\": a store shard or cache machine (or its whole tier) serves slower; \"network\": every hop is delayed or loses messages."
    ),
    key!(
        "faults[].target",
        "string",
        "(required for crash and slow)",
        "one of \"store\", \"cache\", \"workers\" (\"workers\" only with kind = \"crash\"); only with kind = \"crash\" or \"slow\"",
        "The tier the fault hits."
    ),
    key!(
        "faults[].at",
        "duration",
        "(required)",
        "a duration >= 0 with a unit, before the end of the run (warmup + duration)",
        "When the fault starts, from the start of the run (warm-up included)."
    ),
    key!(
        "faults[].duration",
        "duration",
        "(required)",
        "a duration > 0 with a unit",
        "How long the fault lasts; it may run past the end of the run."
    ),
    key!(
        "faults[].index",
        "integer",
        "(crash: required; slow: every one)",
        "an integer from 0 to cluster.tweet_store.shards - 1 (target = \"store\") or to cluster.timeline_cache.machines - 1 (target = \"cache\"); only with kind = \"crash\" or \"slow\"",
        "The store shard or cache machine hit; a slow fault without it hits every one of the tier."
    ),
    key!(
        "faults[].workers",
        "integer",
        "(required for worker crashes)",
        "an integer from 1 to cluster.fanout_workers.workers; only with kind = \"crash\" and target = \"workers\"",
        "How many fan-out workers die."
    ),
    key!(
        "faults[].lose_data",
        "boolean",
        "false",
        "true or false; only with kind = \"crash\", and not true with target = \"store\" (the tweet store is durable)",
        "A crashed cache machine restarts empty (its timelines are rebuilt from the store as they are read); crashed workers' jobs are lost instead of retried."
    ),
    key!(
        "faults[].factor",
        "float",
        "1.0",
        "a finite number from 1 to 1e6; only with kind = \"slow\"",
        "Service-time multiplier of a slowed request."
    ),
    key!(
        "faults[].delay",
        "duration",
        "\"0s\"",
        "a duration >= 0 with a unit; only with kind = \"slow\" or \"network\"",
        "Slow: service time added to a slowed request; network: extra one-way delay of every hop."
    ),
    key!(
        "faults[].probability",
        "float",
        "1.0",
        "a number > 0 and at most 1; only with kind = \"slow\"",
        "Chance that one request is slowed."
    ),
    key!(
        "faults[].drop",
        "float",
        "0.0",
        "a number >= 0 and below 1; only with kind = \"network\"",
        "Chance that one message (a request or its answer) is lost."
    ),
];

macro_rules! policy_keys {
    ($base:literal, $what:literal) => {
        [
            key!(
                concat!($base, ".timeout"),
                "duration",
                "(none)",
                "a duration > 0 with a unit, as in \"50ms\"; absent: no timeout",
                concat!("Give up on an attempt (", $what, ") after this long.")
            ),
            key!(
                concat!($base, ".retries"),
                "integer",
                "0",
                "an integer from 0 to 100",
                concat!("Attempts after the first (", $what, ") on an error or a timeout.")
            ),
            key!(
                concat!($base, ".backoff"),
                "duration",
                "\"10ms\"",
                "a duration >= 0 with a unit, as in \"10ms\"",
                "Wait before the first retry; it doubles for each further retry."
            ),
            key!(
                concat!($base, ".backoff_max"),
                "duration",
                "\"1s\"",
                "a duration with a unit, at least the backoff",
                "Cap of the doubled backoff."
            ),
            key!(
                concat!($base, ".jitter"),
                "string",
                "\"full\"",
                "one of \"full\", \"none\"",
                "\"full\": wait a uniform random time in [0, backoff] (AWS's full jitter); \"none\": wait the backoff."
            ),
            key!(
                concat!($base, ".retry_budget"),
                "float",
                "(none)",
                "a number > 0 and at most 1; absent: no budget",
                "Retries allowed as a fraction of first attempts (a token bucket)."
            ),
            key!(
                concat!($base, ".hedge"),
                "string",
                "\"off\"",
                "\"off\", a duration > 0 with a unit such as \"2ms\", or a percentile \"pNN\" such as \"p95\", \"p99\", \"p99.9\" (NN strictly between 0 and 100)",
                "Send a second copy of an unanswered request after a fixed delay, or after that percentile of the tier's recent response times (Dean and Barroso: p95); the loser is cancelled."
            ),
            key!(
                concat!($base, ".breaker_failures"),
                "integer",
                "0",
                "an integer from 0 (no breaker) to 1000000",
                "Consecutive failures of one shard or machine that open its circuit breaker; 0 = no breaker."
            ),
            key!(
                concat!($base, ".breaker_open"),
                "duration",
                "\"1s\"",
                "a duration > 0 with a unit, as in \"1s\"",
                "How long an open breaker refuses requests before letting one probe through."
            ),
        ]
    };
}

const POLICY_STORE: [KeyDoc; 9] = policy_keys!("policy.store", "a fetch of tweets from the store");
const POLICY_CACHE: [KeyDoc; 9] = policy_keys!("policy.cache", "a home-timeline read");
const POLICY_FAILOVER: [KeyDoc; 1] = [key!(
    "policy.cache.failover",
    "boolean",
    "false",
    "true or false",
    "Send a failed timeline read at once to the next replica (the store has no replicas, so no failover)."
)];

const fn concat_all<const N: usize>(parts: &[&[KeyDoc]]) -> [KeyDoc; N] {
    let mut out = [key!("", "", "", "", ""); N];
    let mut n = 0;
    let mut p = 0;
    while p < parts.len() {
        let mut i = 0;
        while i < parts[p].len() {
            out[n] = parts[p][i];
            n += 1;
            i += 1;
        }
        p += 1;
    }
    assert!(n == N, "KEYS length mismatch");
    out
}

const COUNT: usize = TOP.len()
    + POPULATION.len()
    + WORKLOAD.len()
    + NETWORK.len()
    + STORE_TIER.len()
    + STORE_WRITE.len()
    + STORE_READ.len()
    + CACHE_TIER.len()
    + CACHE_MORE.len()
    + CACHE_READ.len()
    + CACHE_WRITE.len()
    + WORKERS.len()
    + WORKER_SERVICE.len()
    + REST.len()
    + FAULT_KEYS.len()
    + POLICY_STORE.len()
    + POLICY_CACHE.len()
    + POLICY_FAILOVER.len();

/// The table, in the order of the documentation.
pub(crate) static KEYS: [KeyDoc; COUNT] = concat_all(&[
    &TOP,
    &POPULATION,
    &WORKLOAD,
    &NETWORK,
    &STORE_TIER,
    &STORE_WRITE,
    &STORE_READ,
    &CACHE_TIER,
    &CACHE_MORE,
    &CACHE_READ,
    &CACHE_WRITE,
    &WORKERS,
    &WORKER_SERVICE,
    &REST,
    &FAULT_KEYS,
    &POLICY_STORE,
    &POLICY_CACHE,
    &POLICY_FAILOVER,
]);

/// The entry for a normalised key path (`workload.events[].at`).
pub(crate) fn find(norm: &str) -> Option<&'static KeyDoc> {
    KEYS.iter().find(|k| k.key == norm)
}

/// True when `norm` names a table of the format (`cluster`,
/// `cluster.tweet_store.write`, `workload.events[]`), i.e. a proper prefix of
/// some key.
pub(crate) fn is_section(norm: &str) -> bool {
    !norm.is_empty()
        && KEYS.iter().any(|k| {
            k.key.len() > norm.len()
                && k.key.starts_with(norm)
                && matches!(k.key.as_bytes()[norm.len()], b'.')
        })
}

/// The names directly inside a section (`""` is the top level), in table
/// order, without duplicates; subsections are included by name.
pub(crate) fn children(section: &str) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for k in KEYS.iter() {
        let rest = if section.is_empty() {
            Some(k.key)
        } else {
            k.key
                .strip_prefix(section)
                .and_then(|r| r.strip_prefix('.'))
        };
        if let Some(rest) = rest {
            let name = rest.split('.').next().unwrap_or(rest);
            let name = name.strip_suffix("[]").unwrap_or(name);
            if !name.is_empty() && !out.contains(&name) {
                out.push(name);
            }
        }
    }
    out
}
