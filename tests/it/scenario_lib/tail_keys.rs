//! A case for every key of the tail mechanisms and hydration (the list
//! `keys::key_cases` splices in, in the order of the documentation).

use super::*;
use fanout::model::config::TierTails;

/// What a key case checks, and the list of cases.
type Check = Box<dyn Fn(&Scenario) -> bool>;
type Case = (&'static str, &'static str, Check);

fn ms(n: u64) -> SimDuration {
    SimDuration::from_millis(n)
}

/// The ten keys of one tier's pauses and disk reads at `base`, read back
/// through `tier`.
fn tier_cases(
    keys: [&'static str; 10],
    tier: fn(&Scenario) -> &TierTails,
) -> impl Iterator<Item = Case> {
    type Test = fn(&TierTails) -> bool;
    let values: [(&'static str, Test); 10] = [
        ("\"1s\"", |t| t.pause_every == ms(1000)),
        ("\"20ms\"", |t| t.pause_length.mean() == ms(20)),
        ("\"const\"", |t| {
            (t.pause_length.mean(), t.pause_length.shape()) == (ms(50), Shape::Const)
        }),
        ("2.0", |t| {
            t.pause_length.shape() == Shape::LogNormal { cv: 2.0 }
        }),
        ("3.0", |t| {
            t.pause_length.shape() == Shape::Pareto { alpha: 3.0 }
        }),
        ("0.5", |t| t.disk_fraction == 0.5),
        ("\"1ms\"", |t| t.disk_latency.mean() == ms(1)),
        ("\"const\"", |t| {
            (t.disk_latency.mean(), t.disk_latency.shape()) == (ms(5), Shape::Const)
        }),
        ("2.0", |t| {
            t.disk_latency.shape() == Shape::LogNormal { cv: 2.0 }
        }),
        ("3.0", |t| {
            t.disk_latency.shape() == Shape::Pareto { alpha: 3.0 }
        }),
    ];
    keys.into_iter()
        .zip(values)
        .map(move |(key, (value, test))| -> Case {
            (key, value, Box::new(move |s: &Scenario| test(tier(s))))
        })
}

/// Every case, in the order the keys are documented.
pub(super) fn cases() -> Vec<Case> {
    let mut out: Vec<Case> = Vec::new();
    out.extend(tier_cases(
        [
            "cluster.tweet_store.pause.every",
            "cluster.tweet_store.pause.length.mean",
            "cluster.tweet_store.pause.length.dist",
            "cluster.tweet_store.pause.length.cv",
            "cluster.tweet_store.pause.length.alpha",
            "cluster.tweet_store.disk.fraction",
            "cluster.tweet_store.disk.latency.mean",
            "cluster.tweet_store.disk.latency.dist",
            "cluster.tweet_store.disk.latency.cv",
            "cluster.tweet_store.disk.latency.alpha",
        ],
        |s| &s.cluster.tails.store,
    ));
    out.extend(tier_cases(
        [
            "cluster.timeline_cache.pause.every",
            "cluster.timeline_cache.pause.length.mean",
            "cluster.timeline_cache.pause.length.dist",
            "cluster.timeline_cache.pause.length.cv",
            "cluster.timeline_cache.pause.length.alpha",
            "cluster.timeline_cache.disk.fraction",
            "cluster.timeline_cache.disk.latency.mean",
            "cluster.timeline_cache.disk.latency.dist",
            "cluster.timeline_cache.disk.latency.cv",
            "cluster.timeline_cache.disk.latency.alpha",
        ],
        |s| &s.cluster.tails.cache,
    ));
    let x = |s: &Scenario| s.cluster.tails.cross_dc.clone();
    let cross: [(&'static str, &'static str, Check); 5] = [
        (
            "cluster.network.cross_dc.fraction",
            "0.25",
            Box::new(move |s| x(s).fraction == 0.25),
        ),
        (
            "cluster.network.cross_dc.rtt.mean",
            "\"10ms\"",
            Box::new(move |s| x(s).rtt.mean() == ms(10)),
        ),
        (
            "cluster.network.cross_dc.rtt.dist",
            "\"exp\"",
            Box::new(move |s| (x(s).rtt.mean(), x(s).rtt.shape()) == (ms(70), Shape::Exp)),
        ),
        (
            "cluster.network.cross_dc.rtt.cv",
            "2.0",
            Box::new(move |s| x(s).rtt.shape() == Shape::LogNormal { cv: 2.0 }),
        ),
        (
            "cluster.network.cross_dc.rtt.alpha",
            "3.0",
            Box::new(move |s| x(s).rtt.shape() == Shape::Pareto { alpha: 3.0 }),
        ),
    ];
    out.extend(cross);
    out.push((
        "cluster.hydration.page",
        "20",
        Box::new(|s| s.cluster.tails.hydration_page == 20),
    ));
    out
}
