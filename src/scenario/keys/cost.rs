//! The keys of the optional `[cost]` section: what the cluster's machines
//! and the timeline cache's memory cost per hour.
//!
//! The defaults are unit prices (1 per machine-hour, 1 per GB-hour), not
//! anyone's list price: with them `cost_per_hour` counts machines plus
//! gigabytes, and a user who wants money sets their own prices. What one
//! "machine" of each tier is, is said in each key's doc and in
//! `model::cost`.

use super::Bound::{AtLeast, Incl};
use super::{KeyDoc, number_in};

/// A price: a number from 0 to 1e9 per hour.
const PRICE: super::Domain = number_in(AtLeast(0.0), Incl(1e9));

/// The cost keys, in documentation order.
pub(super) const KEYS: [KeyDoc; 4] = [
    KeyDoc::new(
        "cost.store_machine_hour",
        PRICE,
        "1.0",
        "Price of one tweet-store machine for an hour; a store machine is one server of one shard, so the store counts shards x servers of them (default: a unit price).",
    )
    .unit("per machine-hour"),
    KeyDoc::new(
        "cost.cache_machine_hour",
        PRICE,
        "1.0",
        "Price of one timeline-cache machine for an hour; the cache counts cluster.timeline_cache.machines of them (default: a unit price).",
    )
    .unit("per machine-hour"),
    KeyDoc::new(
        "cost.worker_machine_hour",
        PRICE,
        "1.0",
        "Price of one fan-out worker machine for an hour; one worker is one machine (default: a unit price).",
    )
    .unit("per machine-hour"),
    KeyDoc::new(
        "cost.memory_gb_hour",
        PRICE,
        "1.0",
        "Price of one GB (1e9 bytes) of timeline-cache memory for an hour, counted as users x max_entries x 20 bytes x replicas (Krikorian 2012: 20 bytes per entry; default: a unit price).",
    )
    .unit("per GB-hour"),
];
