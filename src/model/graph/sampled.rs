//! Scale mode: only the degree sequence is stored, and every list is
//! redrawn from the seed when asked for.
//!
//! Why: Twitter's 2012 graph (docs/references.md, Krikorian 2012: 150M
//! users, accounts with over 30M followers) has billions of edges, more than
//! a stored graph can hold on one machine; a simulation only ever needs the
//! lists of the users it touches. Each direction keeps its marginal: who
//! follows is drawn ∝ out-weight as in stored mode, whom to follow ∝
//! follower count (preferential attachment, docs/references.md,
//! Barabási-Albert 1999), both without replacement (docs/references.md,
//! Efraimidis-Spirakis 2006). The two directions are not transposes of each
//! other.

use super::degrees::{draw_followee_weights, follower_counts};
use super::followee_cap;
use super::stored::{SCAN_DIVISOR, bit_set, bit_test, rank_users};
use super::{DRAW_CHUNK, Graph, GraphParams, cumulative, validate};
use crate::sim::alias::AliasTable;
use crate::sim::rng::{SimRng, derive_seed, splitmix64, substream};
use rand_distr::{Distribution, Exp1};
use rayon::prelude::*;

/// What a sampled graph keeps besides the degree sequence.
#[derive(Clone, PartialEq, Eq)]
pub(super) struct Sampled {
    /// Seed of the graph (lists come from its `sampled.*` streams).
    seed: u64,
    /// Out-weight of each user (f32 bits), for the exponential race.
    weights: Vec<u32>,
    /// Who follows: users ∝ out-weight.
    follow: AliasTable,
    /// Whom to follow: users ∝ follower count (None without edges).
    followee: Option<AliasTable>,
    /// Users with at least one follower (the only possible followees).
    followable: u32,
}

impl Graph {
    /// Scale mode: the same follower counts as [`Graph::build`] (same
    /// rank-size law and rank permutation), but no edge is stored. Each user
    /// keeps its follower count d_u and an expected followee count e_v, and
    /// two alias tables: who follows (∝ out-weight w, as in stored mode) and
    /// whom to follow (∝ follower count, preferential attachment, so the
    /// followee marginal matches the in-degrees). The followers of u are
    /// d_u distinct users drawn ∝ w from the stream (seed,
    /// "sampled.followers", u), sorted by id; the followees of v are e_v
    /// distinct users drawn ∝ follower count from (seed,
    /// "sampled.followees", v), sorted like stored followees. Both are the
    /// same on every access and for any thread count.
    ///
    /// e_v: the probability that v is among the d_u followers drawn ∝ w is
    /// about 1 - exp(-d_u w_v / W) (W = Σ w), so E\[e_v\] ≈ Σ_u (1 - exp(-d_u
    /// w_v / W)), which saturates for heavy users as stored mode's sampling
    /// without replacement does. It is tabulated on a log grid of w,
    /// scaled so the total matches the total follower count, capped at the
    /// users with followers and at the follow limit, if any (with the
    /// out-weights capped first, [`super::followee_cap`]), and rounded
    /// stochastically (seeded per user).
    ///
    /// What it approximates: each direction has the right marginal, but the
    /// two are not transposes of each other (v may be drawn among u's
    /// followers without u among v's followees).
    pub fn build_sampled(p: &GraphParams) -> Result<Graph, String> {
        validate(p)?;
        let n = p.users as usize;
        let counts = follower_counts(p)?;
        let in_off = cumulative(&counts, "follower counts")?;
        let edges = in_off[n];
        let followable = counts.par_iter().filter(|&&c| c > 0).count() as u32;
        let followee = if edges > 0 {
            let cw: Vec<f64> = counts.par_iter().map(|&c| f64::from(c)).collect();
            Some(AliasTable::new(&cw).map_err(|e| format!("graph: {e}"))?)
        } else {
            None
        };
        let mut weights = draw_followee_weights(p)?;
        if let Some(cap) = p.followee_max {
            followee_cap::cap_weights(&mut weights, edges, cap);
        }
        let follow = AliasTable::new(&weights).map_err(|e| format!("graph: {e}"))?;
        let by_rank = rank_users(&counts)?;
        let expected = expected_followees(p, &counts, &by_rank, &weights, edges, followable);
        let out_off = cumulative(&expected, "followee counts")?;
        drop(expected);
        let w32: Vec<u32> = weights.par_iter().map(|&w| (w as f32).to_bits()).collect();
        drop(weights);
        drop(counts);
        Ok(Graph {
            in_off,
            in_adj: Vec::new(),
            out_off,
            out_adj: Vec::new(),
            by_rank,
            sampled: Some(Box::new(Sampled {
                seed: p.seed,
                weights: w32,
                follow,
                followee,
                followable,
            })),
        })
    }
}

/// Points of the log-w grid on which the expected followee count is
/// tabulated.
const FOLLOWEE_GRID: usize = 1024;

/// Expected followee count per user of a sampled graph (see
/// [`Graph::build_sampled`]).
fn expected_followees(
    p: &GraphParams,
    counts: &[u32],
    by_rank: &[u32],
    weights: &[f64],
    edges: u64,
    followable: u32,
) -> Vec<u32> {
    let n = counts.len();
    if edges == 0 {
        return vec![0; n];
    }
    // Distinct follower counts with their multiplicities (rank order).
    let mut hist: Vec<(f64, f64)> = Vec::new();
    for &u in by_rank {
        let d = counts[u as usize];
        if d == 0 {
            break;
        }
        match hist.last_mut() {
            Some((v, m)) if *v == f64::from(d) => *m += 1.0,
            _ => hist.push((f64::from(d), 1.0)),
        }
    }
    // Deterministic sums: per chunk, then in order.
    let chunked = |f: &(dyn Fn(usize) -> f64 + Sync)| -> f64 {
        let parts: Vec<f64> = (0..n.div_ceil(DRAW_CHUNK))
            .into_par_iter()
            .map(|c| (c * DRAW_CHUNK..n.min((c + 1) * DRAW_CHUNK)).map(f).sum())
            .collect();
        parts.iter().sum()
    };
    let total_w = chunked(&|v| weights[v]);
    let w_max = weights.iter().copied().fold(1.0f64, f64::max);
    let top = w_max.ln();
    let grid: Vec<f64> = (0..FOLLOWEE_GRID)
        .into_par_iter()
        .map(|i| {
            let w = (top * i as f64 / (FOLLOWEE_GRID - 1) as f64).exp();
            hist.iter()
                .map(|&(d, m)| -m * (-d * w / total_w).exp_m1())
                .sum()
        })
        .collect();
    let f = |w: f64| -> f64 {
        if top <= 0.0 {
            return grid[0];
        }
        let t = (w.ln() / top * (FOLLOWEE_GRID - 1) as f64).clamp(0.0, (FOLLOWEE_GRID - 1) as f64);
        let i = (t as usize).min(FOLLOWEE_GRID - 2);
        let a = t - i as f64;
        grid[i] * (1.0 - a) + grid[i + 1] * a
    };
    let sum_f = chunked(&|v| f(weights[v]));
    let scale = edges as f64 / sum_f;
    let mut out = vec![0u32; n];
    out.par_iter_mut().enumerate().for_each(|(v, e)| {
        let cap = (followable - u32::from(counts[v] > 0)).min(p.followee_max.unwrap_or(u32::MAX));
        let x = (scale * f(weights[v])).min(f64::from(cap));
        let mut s = derive_seed(p.seed, "sampled.followee_round", v as u64);
        let u = (splitmix64(&mut s) >> 11) as f64 * (1.0 / (1u64 << 53) as f64);
        let r = x.floor() + if u < x - x.floor() { 1.0 } else { 0.0 };
        *e = (r as u32).min(cap);
    });
    out
}

impl Sampled {
    /// Heap bytes held besides the degree sequence (the struct itself
    /// included), for [`Graph::memory_bytes`].
    pub(super) fn memory_bytes(&self) -> usize {
        std::mem::size_of::<Sampled>()
            + self.weights.capacity() * 4
            + self.follow.memory_bytes()
            + self.followee.as_ref().map_or(0, AliasTable::memory_bytes)
    }

    /// The followers of `u`, drawn into `buf`, sorted by id.
    pub(super) fn followers(&self, g: &Graph, u: u32, buf: &mut Vec<u32>) {
        let d = g.follower_count(u) as usize;
        let n = g.users();
        if d == 0 {
            buf.clear();
            return;
        }
        let mut rng = substream(self.seed, "sampled.followers", u64::from(u));
        let weight = |v: u32| f64::from(f32::from_bits(self.weights[v as usize]));
        draw_distinct(n, u, d, n - 1, &mut rng, &self.follow, &weight, buf);
    }

    /// The followees of `v`, drawn into `buf`, sorted by follower count
    /// descending, ties by id.
    pub(super) fn followees(&self, g: &Graph, v: u32, buf: &mut Vec<u32>) {
        let e = g.followee_count(v) as usize;
        let Some(table) = self.followee.as_ref().filter(|_| e > 0) else {
            buf.clear();
            return;
        };
        let n = g.users();
        let pool = self.followable - u32::from(g.follower_count(v) > 0);
        let mut rng = substream(self.seed, "sampled.followees", u64::from(v));
        let weight = |x: u32| f64::from(g.follower_count(x));
        draw_distinct(n, v, e, pool, &mut rng, table, &weight, buf);
        buf.sort_unstable_by_key(|&x| (std::cmp::Reverse(g.follower_count(x)), x));
    }
}

/// `d` distinct ids of 0..n drawn ∝ weight without replacement (successive
/// sampling, as in stored mode), never `skip` nor an id of weight 0, into
/// `out`, sorted by id. `pool` is how many ids are eligible (d <= pool).
/// Alias draws with rejection while d <= pool/2 (short lists deduplicated by
/// sorting, long ones in a bitset), falling back to (or, above pool/2,
/// replaced by) an exponential race over all ids.
#[allow(clippy::too_many_arguments)]
fn draw_distinct(
    n: u32,
    skip: u32,
    d: usize,
    pool: u32,
    rng: &mut SimRng,
    alias: &AliasTable,
    weight: &dyn Fn(u32) -> f64,
    out: &mut Vec<u32>,
) {
    out.clear();
    if d == 0 {
        return;
    }
    if d as u64 >= u64::from(pool) {
        out.extend((0..n).filter(|&v| v != skip && weight(v) > 0.0));
        return;
    }
    let race_only = 2 * d as u64 > u64::from(pool);
    let budget = 4 * d as u64 + u64::from(n) / 2 + 64;
    let mut attempts = 0u64;
    if !race_only && (d as u64) * SCAN_DIVISOR < u64::from(n) {
        // Short list: rounds of exactly the missing number of draws,
        // deduplicated by sorting.
        loop {
            let k = out.len();
            for _ in k..d {
                out.push(alias.sample(rng));
            }
            attempts += (d - k) as u64;
            out.sort_unstable();
            out.dedup();
            out.retain(|&v| v != skip);
            if out.len() == d || attempts >= budget {
                break;
            }
        }
        if out.len() < d {
            let need = d - out.len();
            let mut keys = race_keys(n, skip, rng, weight, |v| out.binary_search(&v).is_ok());
            take_smallest(&mut keys, need, |v| out.push(v));
            out.sort_unstable();
        }
        return;
    }
    let mut bits = vec![0u64; (n as usize).div_ceil(64)];
    let mut k = 0usize;
    if !race_only {
        let mut round: Vec<u32> = Vec::with_capacity(d.min(4096));
        while k < d && attempts < budget {
            round.clear();
            for _ in 0..(d - k).min(4096) {
                round.push(alias.sample(rng));
            }
            attempts += round.len() as u64;
            for &v in &round {
                if v == skip || bit_test(&bits, v) {
                    continue;
                }
                bit_set(&mut bits, v);
                k += 1;
            }
        }
    }
    if k < d {
        let mut keys = race_keys(n, skip, rng, weight, |v| bit_test(&bits, v));
        take_smallest(&mut keys, d - k, |v| bit_set(&mut bits, v));
    }
    out.reserve(d);
    for (wi, &word) in bits.iter().enumerate() {
        let mut w = word;
        while w != 0 {
            out.push((wi as u32) * 64 + w.trailing_zeros());
            w &= w - 1;
        }
    }
    debug_assert_eq!(out.len(), d);
}

/// Exponential-race keys (f32 key bits << 32 | id) of the eligible ids not
/// yet chosen.
fn race_keys(
    n: u32,
    skip: u32,
    rng: &mut SimRng,
    weight: &dyn Fn(u32) -> f64,
    chosen: impl Fn(u32) -> bool,
) -> Vec<u64> {
    let mut keys = Vec::new();
    for v in 0..n {
        let w = weight(v);
        if v == skip || w <= 0.0 || chosen(v) {
            continue;
        }
        let e: f64 = Exp1.sample(rng);
        let key = (e / w) as f32;
        keys.push((u64::from(key.to_bits()) << 32) | u64::from(v));
    }
    keys
}

/// Calls `take` on the ids of the `need` smallest keys.
fn take_smallest(keys: &mut [u64], need: usize, mut take: impl FnMut(u32)) {
    if need < keys.len() {
        keys.select_nth_unstable(need - 1);
    }
    for &kv in &keys[..need.min(keys.len())] {
        take(kv as u32);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::graph::degrees::follower_counts;
    use crate::model::graph::testutil::{in_pool, params};
    use crate::model::graph::{GraphMode, GraphParams, solve_exponent};

    /// Every promise of a sampled graph's lists, for every user.
    fn check_sampled(g: &Graph, p: &GraphParams) {
        let n = g.users();
        let counts = follower_counts(p).unwrap();
        let (mut a, mut b) = (Vec::new(), Vec::new());
        for u in 0..n {
            let fs = g.followers_into(u, &mut a).to_vec();
            assert_eq!(fs.len() as u32, counts[u as usize], "in-degree of {u}");
            assert!(!fs.contains(&u), "self-follow of {u}");
            assert!(fs.windows(2).all(|w| w[0] < w[1]), "followers of {u}");
            assert!(fs.iter().all(|&v| v < n));
            assert_eq!(g.followers_into(u, &mut b), &fs[..], "redrawn followers");
            let es = g.followees_into(u, &mut a).to_vec();
            assert_eq!(es.len() as u32, g.followee_count(u), "out-degree of {u}");
            assert!(!es.contains(&u), "self-follow of {u}");
            assert!(es.iter().all(|&v| g.follower_count(v) > 0));
            let key = |v: u32| (std::cmp::Reverse(g.follower_count(v)), v);
            assert!(
                es.windows(2).all(|w| key(w[0]) < key(w[1])),
                "followees of {u}"
            );
            assert_eq!(g.followees_into(u, &mut b), &es[..], "redrawn followees");
        }
    }

    #[test]
    fn sampled_lists_are_reproducible_and_well_formed() {
        let s = solve_exponent(20.0, 999, 20_000).unwrap();
        let p = params(20_000, s, 999, 9);
        let g = Graph::build_sampled(&p).unwrap();
        assert_eq!(g.mode(), GraphMode::Sampled);
        check_sampled(&g, &p);
        // The same counts, ranks and lists for any thread count.
        let g1 = in_pool(1, || Graph::build_sampled(&p).unwrap());
        let g3 = in_pool(3, || Graph::build_sampled(&p).unwrap());
        assert!(g == g1 && g1 == g3);
        let stored = Graph::build(&p).unwrap();
        assert_eq!(stored.mode(), GraphMode::Stored);
        assert_eq!(g.edges(), stored.edges());
        assert_eq!(g.by_rank, stored.by_rank);
        let mut buf = Vec::new();
        let lists = |g: &Graph, buf: &mut Vec<u32>| -> Vec<Vec<u32>> {
            (0..20_000)
                .map(|u| g.followers_into(u, buf).to_vec())
                .collect()
        };
        let here = lists(&g, &mut buf);
        assert_eq!(in_pool(2, || lists(&g1, &mut Vec::new())), here);
        // Stored lists through the same accessor, buffer untouched.
        buf.clear();
        assert_eq!(stored.followers_into(7, &mut buf), stored.followers(7));
        assert_eq!(stored.followees_into(7, &mut buf), stored.followees(7));
        assert!(buf.is_empty());
        // Followee counts: total within 0.5% of the edges, heavy users
        // follow more.
        let total: u64 = (0..20_000).map(|u| u64::from(g.followee_count(u))).sum();
        assert!(total.abs_diff(g.edges()) * 200 < g.edges(), "{total}");
        let st = g.stats();
        assert!(st.max_followees > 10 * st.median_followees.max(1), "{st:?}");
        assert!(g.memory_bytes() < stored.memory_bytes());
        // Tiny and degenerate graphs keep every promise.
        let p = params(1, 0.8, 0, 1);
        check_sampled(&Graph::build_sampled(&p).unwrap(), &p);
        for users in 2..40 {
            for max in [0, 1, users / 2, users - 1] {
                for s in [0.0, 0.8] {
                    let p = params(users, s, max, u64::from(users));
                    check_sampled(&Graph::build_sampled(&p).unwrap(), &p);
                }
            }
        }
    }

    #[test]
    fn sampled_fanout_matches_stored() {
        // The same degree sequence, so exactly the same weighted mean.
        let users = 200_000u32;
        let s = solve_exponent(35.0, users - 1, users).unwrap();
        let p = params(users, s, users - 1, 5);
        let stored = Graph::build(&p).unwrap();
        let sampled = Graph::build_sampled(&p).unwrap();
        for x in [0.0, 0.165, 0.5] {
            assert_eq!(
                stored.weighted_mean_followers(x),
                sampled.weighted_mean_followers(x)
            );
            assert_eq!(stored.author_weights(x), sampled.author_weights(x));
        }
        // The largest account (199,999 followers: more than users/2, the
        // race) is drawn whole and the same each time.
        let top = sampled.by_rank(1).unwrap();
        let mut buf = Vec::new();
        let first = sampled.followers_into(top, &mut buf).to_vec();
        assert_eq!(first.len(), (users - 1) as usize);
        assert_eq!(sampled.followers_into(top, &mut buf), &first[..]);
        let second = sampled.by_rank(2).unwrap();
        let d = sampled.follower_count(second) as usize;
        let list = sampled.followers_into(second, &mut buf).to_vec();
        assert_eq!(list.len(), d);
        assert!(list.windows(2).all(|w| w[0] < w[1]) && !list.contains(&second));
        // Mean followee count close to the mean follower count.
        let st = sampled.stats();
        assert!((st.mean_followees - st.mean_followers).abs() < 0.01 * st.mean_followers);
    }
}
