//! Feeding Frenzy (docs/references.md, Silberstein et al. 2010): push or
//! pull decided per edge. For an author p posting at rate phi_p and a reader
//! c reading at rate phi_c, pushing p's posts to c costs H * phi_p (one
//! timeline insert per post) and pulling them costs Lp * phi_c (one fetch
//! and merge per read), so the edge is pushed when phi_c / phi_p >= H / Lp
//! and pulled otherwise; deciding every edge that way minimises the summed
//! cost. Hybrid's follower-count threshold is the coarse case in which the
//! reader's rate is ignored.
//!
//! The rates are the model's own: authors post at rates proportional to
//! (1 + followers)^a and readers read at rates proportional to
//! (1 + followees)^b (`population.author_activity_exponent` and
//! `reader_activity_exponent`), scaled to `workload.tweets_per_sec` and
//! `reads_per_sec`. The normalising sums are formed once per graph, so a
//! decision needs only the two users' degrees: no table per edge.
//!
//! Both sides of an edge use the one rule, [`FrenzyRule::pushes`]: it is
//! non-decreasing in the reader's followee count and non-increasing in the
//! author's follower count, and followees are sorted by follower count
//! descending, so the followees a read pulls are a prefix of its list, as
//! under hybrid. The fan-out asks the same rule as an integer per author
//! ([`FrenzyRule::min_followees`], its exact boundary), so a decision
//! there is one comparison of the follower's followee count.

use super::{Push, Strategy, StrategyInfo};
use crate::model::config::Scenario;
use crate::model::graph::{Graph, GraphMode};
use crate::sim::time::SimDuration;
use rayon::prelude::*;
use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering};

/// Its entry in [`super::STRATEGIES`].
pub(super) const INFO: StrategyInfo = StrategyInfo {
    name: "feeding-frenzy",
    aliases: &["ff"],
    help: "per edge: push when the reader reads at least push cost / pull cost times as often as the author posts, else pull",
    palette: 3,
    uses_cache: true,
    build: |scenario, graph| Box::new(FeedingFrenzy::new(scenario, graph)),
};

/// The two costs the rule weighs, and whether each was derived from the
/// cluster's service times (else set by its key).
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct FrenzyCosts {
    /// H: the cost of pushing one post into one home timeline.
    pub push: SimDuration,
    /// Lp: the cost of pulling one author's posts at one read.
    pub pull: SimDuration,
    /// `push` comes from the cluster, not `strategy.feeding_frenzy.push_cost`.
    pub push_derived: bool,
    /// `pull` comes from the cluster, not `strategy.feeding_frenzy.pull_cost`.
    pub pull_derived: bool,
}

impl FrenzyCosts {
    /// The scenario's costs: its keys where given, else derived from the
    /// per-item service times, the parts that grow with the edges decided.
    /// H = `cluster.fanout_workers.service.per_item` + `timeline_cache.replicas`
    /// x `timeline_cache.write.per_item` (a worker's time per destination
    /// plus the insert into every copy of the timeline); Lp =
    /// `cluster.tweet_store.read.per_item` + `cluster.client.merge_per_item`
    /// (one more author in a store fetch, one more tweet merged). Per-request
    /// parts are left out: batches and per-shard fetches share them.
    pub fn of(s: &Scenario) -> FrenzyCosts {
        let c = &s.cluster;
        let f = &s.strategy.feeding_frenzy;
        let insert = c.timeline_cache.write.per_item.as_nanos();
        let push = c
            .fanout_workers
            .service
            .per_item
            .as_nanos()
            .saturating_add(insert.saturating_mul(u64::from(c.timeline_cache.replicas)));
        let pull = c.tweet_store.read.per_item.saturating_add(c.merge_per_item);
        FrenzyCosts {
            push: f.push_cost.unwrap_or(SimDuration::from_nanos(push)),
            pull: f.pull_cost.unwrap_or(pull),
            push_derived: f.push_cost.is_none(),
            pull_derived: f.pull_cost.is_none(),
        }
    }
}

/// The per-edge rule with its constants: push when
/// `left + b ln(1 + followees) >= right + a ln(1 + followers)`, which is
/// ln(phi_c Lp) >= ln(phi_p H) with the rates written out. Kept as two
/// sides, so a zero rate or cost (ln 0 = -inf) gives no NaN: both sides
/// -inf compare equal, and a tie pushes.
#[derive(Clone, Debug)]
pub struct FrenzyRule {
    /// Author activity exponent.
    a: f64,
    /// Reader activity exponent.
    b: f64,
    /// ln(reads_per_sec * Lp / sum of reader weights).
    left: f64,
    /// ln(tweets_per_sec * H / sum of author weights).
    right: f64,
    /// This rule's key in the per-thread memo of
    /// [`FrenzyRule::min_followees`]; not part of the rule.
    id: u64,
}

impl FrenzyRule {
    /// The rule of scenario `s` on `graph`: O(users) once, for the two
    /// normalising sums.
    pub fn new(s: &Scenario, graph: &Graph) -> FrenzyRule {
        let p = &s.population;
        let costs = FrenzyCosts::of(s);
        let top_followers = graph.by_rank(1).map_or(0, |u| graph.follower_count(u));
        let ln_sa = ln_weight_sum(graph, p.author_activity_exponent, top_followers, |u| {
            graph.follower_count(u)
        });
        let ln_sb = ln_weight_sum(
            graph,
            p.reader_activity_exponent,
            max_followees(graph),
            |u| graph.followee_count(u),
        );
        let ln = |x: f64| x.ln();
        FrenzyRule {
            a: p.author_activity_exponent,
            b: p.reader_activity_exponent,
            left: ln(s.workload.reads_per_sec) + ln(costs.pull.as_nanos() as f64) - ln_sb,
            right: ln(s.workload.tweets_per_sec) + ln(costs.push.as_nanos() as f64) - ln_sa,
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
        }
    }

    /// Whether an author with `followers` followers pushes to a reader who
    /// follows `followees` accounts. Monotone in both (the exponents are
    /// not negative), which makes the pulled followees a prefix.
    #[inline]
    pub fn pushes(&self, followers: u32, followees: u32) -> bool {
        let reader = self.b * f64::from(followees).ln_1p();
        let author = self.a * f64::from(followers).ln_1p();
        self.left + reader >= self.right + author
    }

    /// The fewest followees a reader needs for an author with `followers`
    /// followers to push to it ([`NEVER`] if no count does): the same rule
    /// as one integer per author, so a fan-out asks one comparison per
    /// edge. Estimated in closed form, then stepped to the exact boundary
    /// of [`FrenzyRule::pushes`] (at most a step or two from rounding).
    pub fn min_followees(&self, followers: u32) -> u64 {
        if self.pushes(followers, 0) {
            return 0;
        }
        if !self.pushes(followers, u32::MAX) {
            return NEVER;
        }
        // Both sides are finite here (a -inf side settles one of the two
        // tests above), and b > 0 (else the two tests agree).
        let need = self.right - self.left + self.a * f64::from(followers).ln_1p();
        let mut g = (need / self.b)
            .exp_m1()
            .ceil()
            .clamp(1.0, f64::from(u32::MAX)) as u32;
        if self.pushes(followers, g) {
            while self.pushes(followers, g - 1) {
                g -= 1;
            }
        } else {
            while !self.pushes(followers, g) {
                g += 1;
            }
        }
        u64::from(g)
    }

    /// [`FrenzyRule::min_followees`], remembered for the last author count
    /// asked on this thread: a fan-out asks it for every follower of one
    /// author in a row, so the closed form is paid once per post.
    #[inline]
    fn min_followees_memo(&self, followers: u32) -> u64 {
        thread_local! {
            static LAST: Cell<(u64, u32, u64)> = const { Cell::new((0, u32::MAX, 0)) };
        }
        LAST.with(|last| {
            let (id, f, g) = last.get();
            if id == self.id && f == followers {
                return g;
            }
            let g = self.min_followees(followers);
            last.set((self.id, followers, g));
            g
        })
    }
}

/// [`FrenzyRule::min_followees`] when no reader is pushed to: above every
/// possible followee count.
pub const NEVER: u64 = 1 << 32;

/// Distinguishes rules in the per-thread memo (two strategies, or two
/// scenarios, may run on one thread).
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// ln of the sum over users of (1 + degree)^x, scaled by the largest
/// degree `top` so a large x cannot overflow; summed in fixed chunks in
/// order, so the result does not depend on the thread count.
fn ln_weight_sum(graph: &Graph, x: f64, top: u32, degree: impl Fn(u32) -> u32 + Sync) -> f64 {
    let n = graph.users();
    if x == 0.0 {
        return f64::from(n).ln();
    }
    const CHUNK: u32 = 1 << 16;
    let scale = 1.0 + f64::from(top);
    let parts: Vec<f64> = (0..n.div_ceil(CHUNK))
        .into_par_iter()
        .map(|c| {
            (c * CHUNK..n.min(c.saturating_add(1).saturating_mul(CHUNK)))
                .map(|u| ((1.0 + f64::from(degree(u))) / scale).powf(x))
                .sum()
        })
        .collect();
    x * scale.ln() + parts.iter().sum::<f64>().ln()
}

/// The largest followee count of any user.
fn max_followees(graph: &Graph) -> u32 {
    (0..graph.users())
        .into_par_iter()
        .map(|u| graph.followee_count(u))
        .max()
        .unwrap_or(0)
}

/// Push or pull per edge, by the rates of its two ends.
#[derive(Clone, Debug)]
pub struct FeedingFrenzy {
    /// The rule every decision asks.
    pub rule: FrenzyRule,
    /// The largest followee count, bounding the reader side of an author's
    /// edges so [`Strategy::pushes`] can answer all or none for most authors.
    max_followees: u32,
    /// Per reader, how many of its followees are pulled (a prefix), formed
    /// once as hybrid does; empty for a sampled graph.
    pulled: Vec<u32>,
}

impl FeedingFrenzy {
    /// Feeding Frenzy with the rates and costs of `scenario`, for `graph`.
    pub fn new(scenario: &Scenario, graph: &Graph) -> FeedingFrenzy {
        let rule = FrenzyRule::new(scenario, graph);
        let pulled = match graph.mode() {
            GraphMode::Stored => (0..graph.users())
                .into_par_iter()
                .map(|u| pulled_prefix(&rule, graph, graph.followees(u), u) as u32)
                .collect(),
            GraphMode::Sampled => Vec::new(),
        };
        FeedingFrenzy {
            rule,
            max_followees: max_followees(graph),
            pulled,
        }
    }

    /// Edges pushed and edges decided: on a stored graph every edge,
    /// exactly; on a sampled one, the lists of up to `sample` readers spread
    /// evenly over the ids (an estimate of the share).
    pub fn pushed_edges(&self, graph: &Graph, sample: u32) -> (u64, u64) {
        if !self.pulled.is_empty() {
            let pulled: u64 = self.pulled.iter().map(|&k| u64::from(k)).sum();
            return (graph.edges().saturating_sub(pulled), graph.edges());
        }
        let n = graph.users();
        let k = sample.clamp(1, n.max(1));
        let mut buf = Vec::new();
        let (mut pushed, mut total) = (0u64, 0u64);
        for i in 0..k {
            let u = (u64::from(i) * u64::from(n) / u64::from(k)) as u32;
            let list = graph.followees_into(u, &mut buf);
            let pulled = pulled_prefix(&self.rule, graph, list, u);
            pushed += (list.len() - pulled) as u64;
            total += list.len() as u64;
        }
        (pushed, total)
    }
}

/// How many of `followees` (of reader `u`, largest accounts first) the
/// rule pulls: a prefix, found by binary search.
fn pulled_prefix(rule: &FrenzyRule, graph: &Graph, followees: &[u32], u: u32) -> usize {
    let g = graph.followee_count(u);
    followees.partition_point(|&v| !rule.pushes(graph.follower_count(v), g))
}

impl Strategy for FeedingFrenzy {
    fn pushes(&self, graph: &Graph, author: u32) -> Push {
        // The readers' followee counts lie in 0..=max_followees: the two
        // ends settle most authors at once.
        match self.rule.min_followees_memo(graph.follower_count(author)) {
            0 => Push::All,
            g if g > u64::from(self.max_followees) => Push::None,
            _ => Push::PerEdge,
        }
    }
    fn pushes_to(&self, graph: &Graph, author: u32, follower: u32) -> bool {
        let need = self.rule.min_followees_memo(graph.follower_count(author));
        u64::from(graph.followee_count(follower)) >= need
    }
    fn pulls<'g>(&self, graph: &'g Graph, reader: u32, scratch: &'g mut Vec<u32>) -> &'g [u32] {
        if self.pulled.is_empty() {
            let followees = graph.followees_into(reader, scratch);
            return &followees[..pulled_prefix(&self.rule, graph, followees, reader)];
        }
        &graph.followees(reader)[..self.pulled[reader as usize] as usize]
    }
    fn reads_cache(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(a: f64, b: f64, left: f64, right: f64) -> FrenzyRule {
        let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        FrenzyRule {
            a,
            b,
            left,
            right,
            id,
        }
    }

    /// The integer boundary is exactly where the rule turns, for spread
    /// constants and for the infinite sides a zero rate or cost gives.
    #[test]
    fn min_followees_is_the_exact_boundary_of_the_rule() {
        let inf = f64::INFINITY;
        let rules = [
            rule(0.5, 1.0, -3.0, 0.2),
            rule(0.165, 0.3, -12.5, -11.0),
            rule(2.0, 3.0, 0.0, 7.0),
            rule(0.0, 1.0, -1.0, 1.0),
            rule(0.5, 0.0, 0.0, -1.0),
            rule(0.5, 1.0, -inf, 0.0),
            rule(0.5, 1.0, 0.0, -inf),
            rule(0.5, 1.0, -inf, -inf),
        ];
        for r in &rules {
            for f in [0, 1, 2, 9, 100, 12_345, 999_999, u32::MAX] {
                let g = r.min_followees(f);
                assert_eq!(r.min_followees_memo(f), g);
                if g == NEVER {
                    assert!(!r.pushes(f, u32::MAX), "{r:?} f={f}");
                    continue;
                }
                let g = g as u32;
                assert!(r.pushes(f, g), "{r:?} f={f} g={g}");
                assert!(g == 0 || !r.pushes(f, g - 1), "{r:?} f={f} g={g}");
            }
        }
    }
}
