//! The search space: which integer keys `tune` varies and over which range.
//!
//! Two kinds of key. A *size* (every key but `strategy.hybrid.*`) is
//! assumed to buy capacity: the larger it is, the lower the latencies and
//! the higher the cost, which is what lets the search bisect it. A
//! *choice* (`strategy.hybrid.*`, read by hybrid only) has no such order,
//! so it is tried at a few values spread over its range (a log grid), each
//! with a search of the sizes of its own.

use crate::error::{FanoutError, Result};
use crate::model::config::Scenario;
use crate::scenario::{self, KeyType, RawScenario};

/// Most values of a choice key tried: each costs a full search of sizes.
const CHOICE_VALUES: usize = 4;

/// One searched key and its inclusive range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dim {
    /// The key's dotted path.
    pub key: String,
    /// Smallest value searched.
    pub lo: u64,
    /// Largest value searched.
    pub hi: u64,
}

impl Dim {
    /// Whether the key is a choice (hybrid's knobs), not a size.
    pub fn is_choice(&self) -> bool {
        self.key.starts_with("strategy.hybrid.")
    }

    /// The values a choice key is tried at: `lo`, `hi` and a log grid
    /// between them, at most [`CHOICE_VALUES`], increasing, distinct.
    pub fn choices(&self) -> Vec<u64> {
        let (lo, hi) = (self.lo as f64 + 1.0, self.hi as f64 + 1.0);
        let mut out: Vec<u64> = (0..CHOICE_VALUES)
            .map(|i| {
                let t = i as f64 / (CHOICE_VALUES - 1) as f64;
                ((lo.ln() + t * (hi.ln() - lo.ln())).exp().round() as u64 - 1)
                    .clamp(self.lo, self.hi)
            })
            .collect();
        out.dedup();
        out
    }
}

/// The keys searched by default, in this order.
const DEFAULT_KEYS: [&str; 5] = [
    "strategy.hybrid.celebrity_threshold",
    "cluster.tweet_store.shards",
    "cluster.tweet_store.servers",
    "cluster.timeline_cache.machines",
    "cluster.fanout_workers.workers",
];

/// The default range of a key: from the least it allows (cache machines:
/// the replicas) to four times the scenario's value (cache machines: at
/// most shards x replicas; the threshold: up to the largest follower count).
fn default_dim(key: &str, base: &Scenario) -> Dim {
    let c = &base.cluster;
    let (lo, hi) = match key {
        "strategy.hybrid.celebrity_threshold" => (0, u64::from(base.population.followers.max)),
        "cluster.tweet_store.shards" => (1, 4 * u64::from(c.tweet_store.tier.shards)),
        "cluster.tweet_store.servers" => (1, 4 * u64::from(c.tweet_store.tier.servers)),
        "cluster.timeline_cache.machines" => (
            u64::from(c.timeline_cache.replicas),
            u64::from(c.timeline_cache.tier.shards) * u64::from(c.timeline_cache.replicas),
        ),
        _ => (1, 4 * u64::from(c.fanout_workers.workers)),
    };
    Dim {
        key: key.to_string(),
        lo,
        hi: hi.max(lo),
    }
}

/// Parses one `--search KEY=LO..HI`: an integer key of the format, whole
/// numbers LO <= HI, both values the key accepts in this scenario.
fn parse_dim(spec: &str, raw: &RawScenario) -> Result<Dim> {
    let bad = |why: String| FanoutError::input(format!("--search {spec}: {why}"));
    let (key, range) = spec.split_once('=').ok_or_else(|| {
        bad("expected KEY=LO..HI, e.g. cluster.fanout_workers.workers=1..64".into())
    })?;
    let key = key.trim();
    match scenario::key_type(key) {
        Some(KeyType::Integer) => {}
        Some(t) => {
            return Err(bad(format!(
                "{key} is a {}; only integer keys can be searched",
                t.name()
            )));
        }
        None => return Err(bad(format!("unknown key '{key}'"))),
    }
    if key == "seed" {
        return Err(bad("the seed is no size; use --seeds".into()));
    }
    let (lo, hi) = range
        .split_once("..")
        .ok_or_else(|| bad("expected a range LO..HI of whole numbers".into()))?;
    let parse = |t: &str| t.trim().replace('_', "").parse::<u64>();
    let (Ok(lo), Ok(hi)) = (parse(lo), parse(hi)) else {
        return Err(bad("LO and HI must be whole numbers >= 0".into()));
    };
    if lo > hi {
        return Err(bad(format!("LO {lo} is above HI {hi}")));
    }
    for v in [lo, hi] {
        let mut r = raw.clone();
        r.set_value(key, &v.to_string())
            .and_then(|()| r.resolve())
            .map_err(|e| bad(format!("{key} cannot be {v} here: {}", e.one_line())))?;
    }
    Ok(Dim {
        key: key.to_string(),
        lo,
        hi,
    })
}

/// The space of `--search` flags, or the default one; each key once.
pub fn build(specs: &[String], raw: &RawScenario, base: &Scenario) -> Result<Vec<Dim>> {
    let dims: Vec<Dim> = if specs.is_empty() {
        DEFAULT_KEYS.iter().map(|k| default_dim(k, base)).collect()
    } else {
        specs
            .iter()
            .map(|s| parse_dim(s, raw))
            .collect::<Result<_>>()?
    };
    for (i, d) in dims.iter().enumerate() {
        if dims[..i].iter().any(|e| e.key == d.key) {
            return Err(FanoutError::input(format!(
                "--search {}: the key is given twice; search each key once",
                d.key
            )));
        }
    }
    Ok(dims)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_choice_is_tried_at_a_few_spread_values_including_both_ends() {
        let d = Dim {
            key: "strategy.hybrid.celebrity_threshold".into(),
            lo: 0,
            hi: 9999,
        };
        let v = d.choices();
        assert_eq!((v[0], *v.last().unwrap()), (0, 9999));
        assert!(v.len() <= CHOICE_VALUES && v.windows(2).all(|w| w[0] < w[1]));
        let one = Dim { lo: 5, hi: 5, ..d };
        assert_eq!(one.choices(), [5]);
    }

    #[test]
    fn search_flags_are_checked_against_the_key_s_definition() {
        let raw = RawScenario::from_str("", "x.toml").unwrap();
        let base = raw.resolve().unwrap();
        let ok = build(&["cluster.fanout_workers.workers=1..8".into()], &raw, &base).unwrap();
        assert_eq!((ok[0].lo, ok[0].hi), (1, 8));
        for (spec, says) in [
            ("cluster.fanout_workers.workers=0..8", "cannot be 0"),
            ("cluster.fanout_workers.workers=9..8", "above HI"),
            ("cluster.fanout_workers.workers=1-8", "LO..HI"),
            ("duration=1..8", "only integer keys"),
            ("nope=1..2", "unknown key"),
            ("cluster.timeline_cache.machines=1..48", "cannot be 1"),
        ] {
            let e = build(&[spec.into()], &raw, &base).unwrap_err().to_string();
            assert!(e.contains(says) && e.starts_with("--search"), "{spec}: {e}");
            assert!(!e.contains('\n'), "{e}");
        }
    }
}
