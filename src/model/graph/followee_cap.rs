//! The follow limit (`population.followees.max`): nobody follows more than
//! `cap` accounts (docs/references.md, Twitter follow limits: 5,000 until a
//! ratio to one's own followers applies).
//!
//! Why: out-weights are Pareto (Kwak's exponent 2.28), so without a limit a
//! few users follow a large share of all accounts (446,634 of 1M in the
//! 1M-user scenario, 189 users above 5,000), and their reads dominate
//! fan-out-on-read's store load.
//!
//! How, in two steps that leave every follower count, and so the mean, as
//! they were:
//!
//! 1. [`cap_weights`]: the heaviest out-weights are lowered to the c at which
//!    a user's expected followee count, E c / W(c) (E edges, W(c) the sum of
//!    the weights once capped at c), is `cap - 3 sqrt(cap)`: three standard
//!    deviations of a Poisson count below the limit, so few users are drawn
//!    above it. The follows the heavy users lose go to everyone else in
//!    proportion to their weights. (Sampling without replacement saturates,
//!    so capped users end somewhat below that figure.)
//! 2. [`enforce_cap`] (stored mode): the follows of the few users still above
//!    the limit are handed, one by one, to other users drawn ∝ weight who are
//!    below it and do not yet follow that account. Sequential and from one
//!    stream, so independent of the number of threads. In sampled mode the
//!    expected followee counts are capped instead.

use super::DRAW_CHUNK;
use crate::sim::alias::AliasTable;
use crate::sim::rng::substream;
use rayon::prelude::*;

/// Buckets of the log-weight histogram [`cap_weights`] solves on.
const BUCKETS: usize = 8192;

/// The expected followee count the weight cap aims at: three Poisson
/// standard deviations below `cap` (at least half of it).
pub fn weight_cap_target(cap: u32) -> f64 {
    let c = f64::from(cap);
    (c - 3.0 * c.sqrt()).max(c / 2.0)
}

/// Lowers every out-weight above c to c, for the c at which E c / W(c) is
/// [`weight_cap_target`] (`edges` follows in all); nothing changes when no
/// user is expected above it. Deterministic whatever the number of threads.
pub fn cap_weights(weights: &mut [f64], edges: u64, cap: u32) {
    let target = weight_cap_target(cap);
    let e = edges as f64;
    let w_max = weights.iter().copied().fold(1.0f64, f64::max);
    let total: f64 = chunk_sums(weights, &|w| w);
    if e <= 0.0 || e * w_max / total <= target {
        return;
    }
    // Histogram of ln w over [0, ln w_max]: count and sum per bucket.
    let top = w_max.ln().max(f64::MIN_POSITIVE);
    let bucket = |w: f64| ((w.max(1.0).ln() / top * BUCKETS as f64) as usize).min(BUCKETS - 1);
    let parts: Vec<Vec<(f64, f64)>> = weights
        .par_chunks(DRAW_CHUNK)
        .map(|chunk| {
            let mut h = vec![(0.0, 0.0); BUCKETS];
            for &w in chunk {
                let b = &mut h[bucket(w)];
                b.0 += 1.0;
                b.1 += w;
            }
            h
        })
        .collect();
    let mut hist = vec![(0.0f64, 0.0f64); BUCKETS];
    for h in &parts {
        for (a, b) in hist.iter_mut().zip(h) {
            a.0 += b.0;
            a.1 += b.1;
        }
    }
    // W(c): buckets wholly below c by their sums, the rest at c (each
    // bucket's weights taken at their mean, well within the 1/8192 of ln w
    // the bucket spans).
    let capped_total = |c: f64| -> f64 {
        hist.iter()
            .map(|&(n, s)| if n > 0.0 { (s / n).min(c) * n } else { 0.0 })
            .sum()
    };
    // E c / W(c) grows with c: bisection on ln c.
    let (mut lo, mut hi) = (0.0f64, top);
    for _ in 0..100 {
        let mid = 0.5 * (lo + hi);
        let c = mid.exp();
        if e * c / capped_total(c) > target {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    let c = lo.exp().max(1.0);
    weights.par_iter_mut().for_each(|w| *w = w.min(c));
}

/// Σ f(w), per chunk then in order (the same for any number of threads).
fn chunk_sums(weights: &[f64], f: &(dyn Fn(f64) -> f64 + Sync)) -> f64 {
    let parts: Vec<f64> = weights
        .par_chunks(DRAW_CHUNK)
        .map(|c| c.iter().map(|&w| f(w)).sum())
        .collect();
    parts.iter().sum()
}

/// Makes every followee count at most `cap` in stored follower lists
/// (`in_adj[in_off[u]..in_off[u + 1]]`, each sorted by id): scanning the
/// accounts in id order, each follow by a user still above the limit is
/// handed to a user drawn ∝ weight (from `alias`) who is below it, is not
/// the account, and does not follow it yet; the lists are sorted again.
/// Errs when no such user can be found (a limit barely above the mean).
pub fn enforce_cap(
    seed: u64,
    cap: u32,
    in_off: &[u64],
    in_adj: &mut [u32],
    alias: &AliasTable,
) -> Result<(), String> {
    let n = in_off.len() - 1;
    let mut follows = vec![0u32; n];
    for &v in in_adj.iter() {
        follows[v as usize] += 1;
    }
    let mut over: Vec<u32> = follows.iter().map(|&c| c.saturating_sub(cap)).collect();
    if over.iter().all(|&x| x == 0) {
        return Ok(());
    }
    let mut rng = substream(seed, "graph.followee_cap", 0);
    // Passes until every user is within the limit: a follow of an account
    // nobody else can take (everyone follows it already) is kept, and
    // another follow of the same user goes in a later account or pass.
    while over.iter().any(|&x| x > 0) {
        let moved = one_pass(
            cap,
            in_off,
            in_adj,
            alias,
            &mut rng,
            &mut follows,
            &mut over,
        );
        if moved == 0 {
            let v = over.iter().position(|&x| x > 0).unwrap_or(0);
            return Err(format!(
                "graph: the follow limit {cap} cannot be met: no other user is free to take \
                 any of the {} follows of user {v} above it",
                over[v]
            ));
        }
    }
    Ok(())
}

/// One scan of the accounts in id order for [`enforce_cap`]; returns how
/// many follows moved.
fn one_pass(
    cap: u32,
    in_off: &[u64],
    in_adj: &mut [u32],
    alias: &AliasTable,
    rng: &mut crate::sim::rng::SimRng,
    follows: &mut [u32],
    over: &mut [u32],
) -> u64 {
    let n = follows.len();
    let mut moved = 0u64;
    // The replacements of the current account: (slot, new follower).
    let mut swaps: Vec<(usize, u32)> = Vec::new();
    for u in 0..n {
        let (a, b) = (in_off[u] as usize, in_off[u + 1] as usize);
        let list = &mut in_adj[a..b];
        swaps.clear();
        for i in 0..list.len() {
            let v = list[i] as usize;
            if over[v] == 0 {
                continue;
            }
            // The list is left as it was (sorted) until the account is done;
            // a user above the limit is never eligible.
            let eligible = |w: u32, swaps: &[(usize, u32)]| {
                w as usize != u
                    && follows[w as usize] < cap
                    && list.binary_search(&w).is_err()
                    && !swaps.iter().any(|s| s.1 == w)
            };
            let mut pick = None;
            for _ in 0..4096 {
                let w = alias.sample(rng);
                if eligible(w, &swaps) {
                    pick = Some(w);
                    break;
                }
            }
            if pick.is_none() {
                pick = (0..n as u32).find(|&w| eligible(w, &swaps));
            }
            let Some(w) = pick else {
                continue;
            };
            over[v] -= 1;
            follows[v] -= 1;
            follows[w as usize] += 1;
            swaps.push((i, w));
        }
        if !swaps.is_empty() {
            moved += swaps.len() as u64;
            for &(i, w) in &swaps {
                list[i] = w;
            }
            list.sort_unstable();
        }
    }
    moved
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::graph::Graph;
    use crate::model::graph::testutil::params;

    #[test]
    fn enforce_cap_moves_follows_and_keeps_follower_lists_valid() {
        // An uncapped graph whose heaviest users follow far more than 40.
        let g = Graph::build(&params(3000, 0.9, 2999, 5)).unwrap();
        let n = g.users() as usize;
        let cap = 40u32;
        let before = (0..n as u32).map(|v| g.followee_count(v)).max().unwrap();
        assert!(before > cap, "{before}");
        let alias = AliasTable::new(&vec![1.0; n]).unwrap();
        let mut adj = g.in_adj.clone();
        enforce_cap(9, cap, &g.in_off, &mut adj, &alias).unwrap();
        let mut follows = vec![0u32; n];
        for u in 0..n {
            let list = &adj[g.in_off[u] as usize..g.in_off[u + 1] as usize];
            assert!(list.windows(2).all(|w| w[0] < w[1]), "account {u}");
            assert!(!list.contains(&(u as u32)));
            for &v in list {
                follows[v as usize] += 1;
            }
        }
        assert_eq!(*follows.iter().max().unwrap(), cap);
        // The same from the same seed.
        let mut again = g.in_adj.clone();
        enforce_cap(9, cap, &g.in_off, &mut again, &alias).unwrap();
        assert_eq!(adj, again);
        // A limit nobody can meet is an error, not a panic.
        let mut adj = g.in_adj.clone();
        assert!(enforce_cap(9, 1, &g.in_off, &mut adj, &alias).is_err());
    }

    #[test]
    fn capped_weights_aim_below_the_limit() {
        let mut w: Vec<f64> = (1..=100_000).map(|i| 1e6 / f64::from(i)).collect();
        let edges = 3_500_000;
        cap_weights(&mut w, edges, 5000);
        let total: f64 = w.iter().sum();
        let top = w.iter().copied().fold(0.0, f64::max);
        let expected = edges as f64 * top / total;
        assert!(
            (expected - weight_cap_target(5000)).abs() < 5.0,
            "{expected}"
        );
    }
}
