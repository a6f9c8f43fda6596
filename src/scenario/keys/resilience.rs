//! The keys of injected faults and of the client policies.

use super::Bound::{Excl, Incl};
use super::DurationMin::{Positive, Unstated, Zero};
use super::{
    Domain, FAULTS, KeyDoc, KeyType, concat_all, delay, finite_in, int, int0, number_in, span,
};

/// The kinds of fault, as `faults[].kind` spells them.
pub(crate) const FAULT_KINDS: &[&str] = &["crash", "slow", "network"];

const FAULT_KEYS: [KeyDoc; 12] = [
    KeyDoc::new(
        FAULTS.key,
        Domain::Tables,
        "[]",
        "Faults injected during the run: a crash, a slowdown, or a degraded network.",
    ),
    KeyDoc::new(
        "faults[].kind",
        Domain::Choice(FAULT_KINDS),
        "(required)",
        "\"crash\": a store shard, a cache machine or some fan-out workers stop; \"slow\": a store shard or cache machine (or its whole tier) serves slower; \"network\": every hop is delayed or loses messages.",
    ),
    KeyDoc::new(
        "faults[].target",
        Domain::Choice(&["store", "cache", "workers"]),
        "(required for crash and slow)",
        "The tier the fault hits.",
    )
    .note(" (\"workers\" only with kind = \"crash\"); only with kind = \"crash\" or \"slow\""),
    KeyDoc::new(
        "faults[].at",
        span(Zero, ""),
        "(required)",
        "When the fault starts, from the start of the run (warm-up included).",
    )
    .note(", before the end of the run (warmup + duration)"),
    KeyDoc::new(
        "faults[].duration",
        span(Positive, ""),
        "(required)",
        "How long the fault lasts; it may run past the end of the run.",
    ),
    KeyDoc::new(
        "faults[].index",
        Domain::Rule(
            KeyType::Integer,
            "an integer from 0 to cluster.tweet_store.shards - 1 (target = \"store\") or to cluster.timeline_cache.machines - 1 (target = \"cache\")",
        ),
        "(crash: required; slow: every one)",
        "The store shard or cache machine hit; a slow fault without it hits every one of the tier.",
    )
    .note("; only with kind = \"crash\" or \"slow\""),
    KeyDoc::new(
        "faults[].workers",
        Domain::Rule(
            KeyType::Integer,
            "an integer from 1 to cluster.fanout_workers.workers",
        ),
        "(required for worker crashes)",
        "How many fan-out workers die.",
    )
    .note("; only with kind = \"crash\" and target = \"workers\""),
    KeyDoc::new(
        "faults[].lose_data",
        Domain::Bool,
        "false",
        "A crashed cache machine restarts empty (its timelines are rebuilt from the store as they are read); crashed workers' jobs are lost instead of retried.",
    )
    .note("; only with kind = \"crash\", and not true with target = \"store\" (the tweet store is durable)"),
    KeyDoc::new(
        "faults[].factor",
        finite_in(Incl(1.0), Incl(1e6)),
        "1.0",
        "Service-time multiplier of a slowed request.",
    )
    .note("; only with kind = \"slow\""),
    KeyDoc::new(
        "faults[].delay",
        delay(Zero, ""),
        "\"0s\"",
        "Slow: service time added to a slowed request; network: extra one-way delay of every hop.",
    )
    .note("; only with kind = \"slow\" or \"network\""),
    KeyDoc::new(
        "faults[].probability",
        number_in(Excl(0.0), Incl(1.0)),
        "1.0",
        "Chance that one request is slowed.",
    )
    .note("; only with kind = \"slow\""),
    KeyDoc::new(
        "faults[].drop",
        number_in(Incl(0.0), Excl(1.0)),
        "0.0",
        "Chance that one message (a request or its answer) is lost.",
    )
    .note("; only with kind = \"network\""),
];

/// The keys of a client policy at `$base`; `$what` names an attempt.
macro_rules! policy_keys {
    ($base:literal, $what:literal) => {
        [
            KeyDoc::new(
                concat!($base, ".timeout"),
                delay(Positive, "50ms"),
                "(none)",
                concat!("Give up on an attempt (", $what, ") after this long."),
            )
            .note("; absent: no timeout"),
            KeyDoc::new(
                concat!($base, ".retries"),
                int(0, 100),
                "0",
                concat!("Attempts after the first (", $what, ") on an error or a timeout."),
            ),
            KeyDoc::new(
                concat!($base, ".backoff"),
                delay(Zero, "10ms"),
                "\"10ms\"",
                "Wait before the first retry; it doubles for each further retry.",
            ),
            KeyDoc::new(
                concat!($base, ".backoff_max"),
                delay(Unstated, ""),
                "\"1s\"",
                "Cap of the doubled backoff.",
            )
            .note(", at least the backoff"),
            KeyDoc::new(
                concat!($base, ".jitter"),
                Domain::Choice(&["full", "none"]),
                "\"full\"",
                "\"full\": wait a uniform random time in [0, backoff] (AWS's full jitter); \"none\": wait the backoff.",
            ),
            KeyDoc::new(
                concat!($base, ".retry_budget"),
                number_in(Excl(0.0), Incl(1.0)),
                "(none)",
                "Retries allowed as a fraction of first attempts (a token bucket).",
            )
            .note("; absent: no budget"),
            KeyDoc::new(
                concat!($base, ".hedge"),
                Domain::Rule(
                    KeyType::String,
                    "\"off\", a duration > 0 with a unit such as \"2ms\", or a percentile \"pNN\" such as \"p95\", \"p99\", \"p99.9\" (NN strictly between 0 and 100); a duration at most 1h",
                ),
                "\"off\"",
                "Send a second copy of an unanswered request after a fixed delay, or after that percentile of the tier's recent response times (Dean and Barroso: p95); the loser is cancelled.",
            ),
            KeyDoc::new(
                concat!($base, ".breaker_failures"),
                int0("no breaker", 1_000_000),
                "0",
                "Consecutive failures of one shard or machine that open its circuit breaker; 0 = no breaker.",
            ),
            KeyDoc::new(
                concat!($base, ".breaker_open"),
                delay(Positive, "1s"),
                "\"1s\"",
                "How long an open breaker refuses requests before letting one probe through.",
            ),
        ]
    };
}

const POLICY_STORE: [KeyDoc; 9] = policy_keys!("policy.store", "a fetch of tweets from the store");
const POLICY_CACHE: [KeyDoc; 9] = policy_keys!("policy.cache", "a home-timeline read");
const POLICY_FAILOVER: [KeyDoc; 1] = [KeyDoc::new(
    "policy.cache.failover",
    Domain::Bool,
    "false",
    "Send a failed timeline read at once to the next replica (the store has no replicas, so no failover).",
)];

/// How many keys this part has.
const COUNT: usize =
    FAULT_KEYS.len() + POLICY_STORE.len() + POLICY_CACHE.len() + POLICY_FAILOVER.len();

/// The fault and policy keys, in documentation order.
pub(super) const KEYS: [KeyDoc; COUNT] =
    concat_all(&[&FAULT_KEYS, &POLICY_STORE, &POLICY_CACHE, &POLICY_FAILOVER]);
