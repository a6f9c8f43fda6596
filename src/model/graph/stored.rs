//! Stored mode: both directions of the graph as compressed sparse rows.
//!
//! # Who follows
//!
//! The d_u followers of u are drawn from all users with probability ∝ the
//! out-weight w (see [`super::degrees`]), without replacement, never u
//! itself: successive sampling, so the expected followee count of v grows
//! with w_v and the out-degree tail follows the weight tail (docs/references.md,
//! Kwak et al. 2010). Sampling without replacement saturates: nobody follows
//! an account twice, so the heaviest users' followee counts grow more slowly
//! than w once they follow a sizeable share of all accounts.
//!
//! How: for d_u <= users/2, draws from an alias table ([`AliasTable`], O(1)
//! each) rejecting u and duplicates (a bitset per thread), in rounds that
//! each draw exactly the number still missing. If that ever needs more than
//! 4 d_u + users/2 draws (only with extreme weights), and always for d_u >
//! users/2, the remaining followers come from an exponential race
//! (docs/references.md, Efraimidis-Spirakis 2006): every candidate v gets the
//! key E_v / w_v, E_v ~ Exp(1), and the smallest keys win, which is exactly
//! the same successive-sampling law, in O(users). So the complement of a
//! huge account (who does not follow it) costs one O(users) pass: a
//! 999,999-follower account among 1M users is not a coupon collector's wait.
//! Every user's draws come from its own stream (`graph.followers`, index u),
//! so results are independent of how users are spread over threads.
//!
//! # Storage
//!
//! `followers` (in-edges, each list sorted by id) and `followees` (out-edges,
//! each list sorted by the followee's follower count descending, ties by id:
//! the celebrities a user follows are a prefix), u32 ids, u64 offsets (graphs
//! of more than 2^32 edges stay possible), plus the users ranked by follower
//! count. The followees come from the followers by [`super::transpose`].
//! Allocations are zeroed pages from the allocator and fallible (an error,
//! not an abort, when they fail); see [`super::memory`] for the sizes.

use super::degrees::{draw_followee_weights, follower_counts};
use super::followee_cap;
use super::transpose::transpose;
use super::{Graph, GraphParams, try_zeroed, validate};
use crate::sim::alias::AliasTable;
use crate::sim::rng::{SimRng, substream};
use rand_distr::{Distribution, Exp1};
use rayon::prelude::*;

/// A follower list at least users/SCAN_DIVISOR long is emitted in id order by
/// scanning the bitset instead of sorting.
pub(super) const SCAN_DIVISOR: u64 = 1024;

impl Graph {
    /// Generates the graph described in the module doc. Deterministic in the
    /// parameters (seed included) and independent of the number of rayon
    /// threads. Errs on invalid parameters or when memory cannot be reserved.
    pub fn build(p: &GraphParams) -> Result<Graph, String> {
        validate(p)?;
        let n = p.users as usize;
        let counts = follower_counts(p)?;
        let mut in_off: Vec<u64> = try_zeroed(n + 1, "follower offsets")?;
        let mut acc = 0u64;
        for (u, &d) in counts.iter().enumerate() {
            in_off[u] = acc;
            acc += u64::from(d);
        }
        in_off[n] = acc;
        let edges = usize::try_from(acc)
            .ok()
            .filter(|e| e.checked_mul(4).is_some())
            .ok_or_else(|| format!("graph: {acc} edges do not fit in memory"))?;
        let mut weights = draw_followee_weights(p)?;
        if let Some(cap) = p.followee_max {
            followee_cap::cap_weights(&mut weights, acc, cap);
        }
        let alias = AliasTable::new(&weights).map_err(|e| format!("graph: {e}"))?;
        let mut in_adj: Vec<u32> = try_zeroed(edges, "follower lists")?;
        fill_followers(p, &counts, &in_off, &mut in_adj, &alias, &weights);
        if let Some(cap) = p.followee_max {
            followee_cap::enforce_cap(p.seed, cap, &in_off, &mut in_adj, &alias)?;
        }
        drop(alias);
        drop(weights);

        let by_rank = rank_users(&counts)?;
        drop(counts);
        let (out_off, out_adj) = transpose(n, &in_off, &in_adj, &by_rank)?;
        Ok(Graph {
            in_off,
            in_adj,
            out_off,
            out_adj,
            by_rank,
            sampled: None,
        })
    }
}

/// Per-thread scratch of the follower sampler.
struct Scratch {
    /// One bit per user: already chosen for the current account. All zero
    /// between accounts.
    bits: Vec<u64>,
    /// Exponential-race keys (f32 key bits << 32 | id), grown on demand.
    keys: Vec<u64>,
    /// The random stream of each account of the current group.
    rngs: Vec<SimRng>,
}

#[inline]
pub(super) fn bit_test(bits: &[u64], v: u32) -> bool {
    bits[(v >> 6) as usize] & (1u64 << (v & 63)) != 0
}

#[inline]
pub(super) fn bit_set(bits: &mut [u64], v: u32) {
    bits[(v >> 6) as usize] |= 1u64 << (v & 63);
}

/// How the followers of an account with `d` followers among `n` users are
/// drawn.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Method {
    /// No followers.
    Nobody,
    /// Everyone else (d = n - 1).
    Everyone,
    /// Alias-table draws with rejection (d <= n/2), falling back to the race.
    Draws,
    /// Exponential race only (d > n/2).
    Race,
}

fn method(d: usize, n: u32) -> Method {
    let (d, n) = (d as u64, u64::from(n));
    if d == 0 {
        Method::Nobody
    } else if d + 1 >= n {
        Method::Everyone
    } else if 2 * d <= n {
        Method::Draws
    } else {
        Method::Race
    }
}

/// Fills every follower list, in parallel over groups of consecutive users.
fn fill_followers(
    p: &GraphParams,
    counts: &[u32],
    in_off: &[u64],
    in_adj: &mut [u32],
    alias: &AliasTable,
    weights: &[f64],
) {
    let n = counts.len();
    // Groups of at most 4096 users or about 64k edges, whatever comes first.
    let mut groups: Vec<(usize, usize, &mut [u32])> = Vec::new();
    let mut rest: &mut [u32] = in_adj;
    let mut start = 0usize;
    while start < n {
        let mut end = start;
        while end < n && end - start < 4096 && in_off[end] - in_off[start] < (1 << 16) {
            end += 1;
        }
        let len = (in_off[end] - in_off[start]) as usize;
        let (head, tail) = std::mem::take(&mut rest).split_at_mut(len);
        groups.push((start, end, head));
        rest = tail;
        start = end;
    }
    let words = n.div_ceil(64);
    let idle = substream(p.seed, "graph.followers.idle", 0);
    groups.into_par_iter().for_each_init(
        || Scratch {
            bits: vec![0u64; words],
            keys: Vec::new(),
            rngs: Vec::new(),
        },
        |scratch, (start, end, slice)| {
            // First round for the whole group at once: every account's first
            // d draws, one tight loop of independent table lookups that
            // overlap in memory (the lookups dominate the build).
            let mut rngs = std::mem::take(&mut scratch.rngs);
            rngs.clear();
            let group = &counts[start..end];
            let mut pos = 0usize;
            for (i, &d) in group.iter().enumerate() {
                let d = d as usize;
                let how = method(d, n as u32);
                let mut rng = match how {
                    Method::Draws | Method::Race => {
                        substream(p.seed, "graph.followers", (start + i) as u64)
                    }
                    // Never drawn from: skip deriving a stream.
                    Method::Nobody | Method::Everyone => idle.clone(),
                };
                if how == Method::Draws {
                    for c in &mut slice[pos..pos + d] {
                        *c = alias.sample(&mut rng);
                    }
                }
                rngs.push(rng);
                pos += d;
            }
            // Then each account on its own: duplicates, redraws, the race.
            let mut pos = 0usize;
            for (i, (&d, rng)) in group.iter().zip(rngs.iter_mut()).enumerate() {
                let d = d as usize;
                let out = &mut slice[pos..pos + d];
                let u = (start + i) as u32;
                finish_followers(u, n as u32, out, rng, alias, weights, scratch);
                pos += d;
            }
            scratch.rngs = rngs;
        },
    );
}

/// Completes the `out.len()` distinct followers of `u` (never `u`), drawn ∝
/// weight without replacement, and writes them sorted by id. For
/// [`Method::Draws`], `out` holds the first round of draws on entry.
fn finish_followers(
    u: u32,
    n: u32,
    out: &mut [u32],
    rng: &mut SimRng,
    alias: &AliasTable,
    weights: &[f64],
    scratch: &mut Scratch,
) {
    let d = out.len();
    let how = method(d, n);
    match how {
        Method::Nobody => return,
        Method::Everyone => {
            for (slot, v) in out.iter_mut().zip((0..n).filter(|&v| v != u)) {
                *slot = v;
            }
            return;
        }
        Method::Draws | Method::Race => {}
    }
    let bits = &mut scratch.bits;
    let mut k = 0usize;
    if how == Method::Draws {
        // Keep the new candidates in place, then redraw exactly as many as
        // are still missing. A round never overshoots, so the chosen set has
        // the law of one-at-a-time successive sampling.
        let budget = 4 * d as u64 + u64::from(n) / 2 + 64;
        let mut attempts = d as u64;
        loop {
            let mut kept = k;
            for j in k..d {
                let v = out[j];
                if v == u || bit_test(bits, v) {
                    continue;
                }
                bit_set(bits, v);
                out[kept] = v;
                kept += 1;
            }
            k = kept;
            if k == d || attempts >= budget {
                break;
            }
            for c in &mut out[k..d] {
                *c = alias.sample(rng);
            }
            attempts += (d - k) as u64;
        }
    }
    if k < d {
        // Exponential race over the users not yet chosen: the d - k smallest
        // keys E/w continue the same successive sampling.
        let need = d - k;
        let keys = &mut scratch.keys;
        keys.clear();
        for v in 0..n {
            if v == u || bit_test(bits, v) {
                continue;
            }
            let e: f64 = Exp1.sample(rng);
            let key = (e / weights[v as usize]) as f32;
            keys.push((u64::from(key.to_bits()) << 32) | u64::from(v));
        }
        if need < keys.len() {
            keys.select_nth_unstable(need - 1);
        }
        for &kv in &keys[..need] {
            let v = kv as u32;
            bit_set(bits, v);
            out[k] = v;
            k += 1;
        }
        if keys.capacity() > (1 << 20) {
            // Do not hold n-sized buffers between heavy accounts.
            *keys = Vec::new();
        }
    }
    write_sorted(out, bits, n);
}

/// Writes the chosen followers (the set bits) into `out` sorted by id and
/// clears the bitset for the next account: a long list is read back from
/// the bitset in id order, a short one is sorted in place and only its own
/// words are cleared.
fn write_sorted(out: &mut [u32], bits: &mut [u64], n: u32) {
    let d = out.len();
    if d as u64 * SCAN_DIVISOR >= u64::from(n) {
        // Long list: read the ids back from the bitset, in order, clearing it.
        let mut k = 0usize;
        for (wi, word) in bits.iter_mut().enumerate() {
            let mut w = *word;
            if w == 0 {
                continue;
            }
            *word = 0;
            while w != 0 {
                out[k] = (wi as u32) * 64 + w.trailing_zeros();
                k += 1;
                w &= w - 1;
            }
        }
        debug_assert_eq!(k, d);
    } else {
        out.sort_unstable();
        for &v in out.iter() {
            bits[(v >> 6) as usize] = 0;
        }
    }
}

/// Users by follower count descending, ties by id ascending.
pub(super) fn rank_users(counts: &[u32]) -> Result<Vec<u32>, String> {
    let mut keys: Vec<u64> = try_zeroed(counts.len(), "rank keys")?;
    keys.par_iter_mut()
        .zip(counts.par_iter())
        .enumerate()
        .for_each(|(u, (k, &c))| *k = (u64::from(u32::MAX - c) << 32) | u as u64);
    keys.par_sort_unstable();
    let mut by_rank: Vec<u32> = try_zeroed(counts.len(), "rank list")?;
    by_rank
        .par_iter_mut()
        .zip(keys.par_iter())
        .for_each(|(r, &k)| *r = k as u32);
    Ok(by_rank)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::graph::testutil::{in_pool, params};
    use crate::model::graph::{solve_exponent, zipf_mean};
    use proptest::prelude::*;

    /// Every structural promise of the graph, checked exhaustively.
    fn check_invariants(g: &Graph, p: &GraphParams) {
        let n = g.users();
        assert_eq!(n, p.users);
        let counts = follower_counts(p).unwrap();
        let mut fwd: Vec<(u32, u32)> = Vec::new(); // (follower, followee)
        for u in 0..n {
            let fs = g.followers(u);
            assert_eq!(fs.len() as u32, counts[u as usize], "in-degree of {u}");
            assert_eq!(g.follower_count(u), counts[u as usize]);
            assert!(fs.len() as u32 <= p.follower_max);
            assert!(!fs.contains(&u), "self-follow of {u}");
            assert!(
                fs.windows(2).all(|w| w[0] < w[1]),
                "followers of {u} sorted and distinct"
            );
            fwd.extend(fs.iter().map(|&f| (f, u)));

            let out = g.followees(u);
            assert_eq!(out.len() as u32, g.followee_count(u));
            assert!(!out.contains(&u), "self-follow of {u}");
            let key = |v: u32| (std::cmp::Reverse(g.follower_count(v)), v);
            assert!(
                out.windows(2).all(|w| key(w[0]) < key(w[1])),
                "followees of {u} strictly in rank order"
            );
            for t in [0, 1, 2, 5, 100, u32::MAX] {
                let c = g.celebrity_prefix(u, t);
                assert_eq!(c, out.iter().filter(|&&v| g.follower_count(v) >= t).count());
            }
        }
        let mut back: Vec<(u32, u32)> = Vec::new();
        for u in 0..n {
            back.extend(g.followees(u).iter().map(|&v| (u, v)));
        }
        fwd.sort_unstable();
        back.sort_unstable();
        assert_eq!(fwd, back, "followees are the transpose of followers");
        assert_eq!(fwd.len() as u64, g.edges());
        // by_rank is a permutation in (count desc, id asc) order.
        let ranked: Vec<u32> = (1..=n).map(|r| g.by_rank(r).unwrap()).collect();
        let mut perm = ranked.clone();
        perm.sort_unstable();
        assert_eq!(perm, (0..n).collect::<Vec<_>>());
        assert!(ranked.windows(2).all(|w| {
            (std::cmp::Reverse(g.follower_count(w[0])), w[0])
                < (std::cmp::Reverse(g.follower_count(w[1])), w[1])
        }));
        assert_eq!(g.by_rank(0), None);
        assert_eq!(g.by_rank(n + 1), None);
    }

    #[test]
    fn invariants_hold_on_a_mid_sized_graph() {
        // Heavy head (max = users - 1) so the exponential race (ranks 2 and
        // 3 have 1979 and 1551 followers), the everyone-follows shortcut
        // (rank 1) and the bitset scan all run.
        let p = params(3000, 0.6, 2999, 5);
        let g = Graph::build(&p).unwrap();
        assert_eq!(g.stats().max_followers, 2999, "{:?}", g.stats());
        assert_eq!(g.follower_count(g.by_rank(2).unwrap()), 1979);
        check_invariants(&g, &p);
    }

    #[test]
    fn saturating_accounts_get_almost_everyone() {
        // Exponent 0.1: every count from 999 down to 999 * 1000^-0.1 = 500.7,
        // all above users/2 (the race).
        let p = params(1000, 0.1, 999, 9);
        let g = Graph::build(&p).unwrap();
        check_invariants(&g, &p);
        assert_eq!(g.follower_count(g.by_rank(1).unwrap()), 999);
        assert_eq!(g.follower_count(g.by_rank(1000).unwrap()), 501);
        // Exponent 0: everyone has max followers, a complete graph.
        let p = params(300, 0.0, 299, 9);
        let g = Graph::build(&p).unwrap();
        check_invariants(&g, &p);
        assert_eq!(g.edges(), 300 * 299);
    }

    #[test]
    fn extreme_followee_weights_still_terminate() {
        // Exponent near 1: weights hit the cap; exponent large: uniform.
        for x in [1.000_001, 1.5, 50.0] {
            let p = GraphParams {
                followee_exponent: x,
                followee_max: None,
                ..params(2000, 1.2, 1999, 3)
            };
            let g = Graph::build(&p).unwrap();
            check_invariants(&g, &p);
        }
    }

    /// One account's followers, exactly as `fill_followers` draws them.
    fn followers_of(u: u32, d: usize, alias: &AliasTable, w: &[f64], rng: &mut SimRng) -> Vec<u32> {
        let n = w.len() as u32;
        let mut scratch = Scratch {
            bits: vec![0u64; (n as usize).div_ceil(64)],
            keys: Vec::new(),
            rngs: Vec::new(),
        };
        let mut out = vec![0u32; d];
        if method(d, n) == Method::Draws {
            for c in &mut out {
                *c = alias.sample(rng);
            }
        }
        finish_followers(u, n, &mut out, rng, alias, w, &mut scratch);
        assert!(scratch.bits.iter().all(|&b| b == 0), "bitset left dirty");
        out
    }

    /// Exact inclusion probabilities of successive sampling of `d` among
    /// the candidates (everyone but `u`), by enumerating every order.
    fn inclusion(w: &[f64], u: usize, d: usize) -> Vec<f64> {
        fn rec(w: &[f64], taken: &mut Vec<bool>, left: usize, p: f64, acc: &mut [f64]) {
            if left == 0 {
                for (i, &t) in taken.iter().enumerate() {
                    if t {
                        acc[i] += p;
                    }
                }
                return;
            }
            let free: f64 = (0..w.len()).filter(|&i| !taken[i]).map(|i| w[i]).sum();
            for i in 0..w.len() {
                if !taken[i] {
                    taken[i] = true;
                    rec(w, taken, left - 1, p * w[i] / free, acc);
                    taken[i] = false;
                }
            }
        }
        let mut taken = vec![false; w.len()];
        taken[u] = true;
        let mut acc = vec![0.0; w.len()];
        rec(w, &mut taken, d, 1.0, &mut acc);
        acc[u] = 0.0;
        acc
    }

    #[test]
    fn both_samplers_have_the_successive_sampling_law() {
        // Account 5 among 6 users; d = 2 uses alias draws, d = 4 the race.
        // 100k trials: each frequency has sd <= 0.0016, so 0.01 is 6 sd.
        let w = [1.0, 2.0, 3.0, 4.0, 10.0, 7.0];
        let alias = AliasTable::new(&w).unwrap();
        for (d, expect) in [(2, Method::Draws), (4, Method::Race)] {
            assert!(method(d, 6) == expect);
            let exact = inclusion(&w, 5, d);
            let trials = 100_000;
            let mut hits = [0u32; 6];
            for t in 0..trials {
                let mut rng = substream(3, "law-test", t);
                let f = followers_of(5, d, &alias, &w, &mut rng);
                assert_eq!(f.len(), d);
                assert!(f.windows(2).all(|p| p[0] < p[1]) && !f.contains(&5));
                for v in f {
                    hits[v as usize] += 1;
                }
            }
            for i in 0..6 {
                let freq = f64::from(hits[i]) / trials as f64;
                assert!(
                    (freq - exact[i]).abs() < 0.01,
                    "d {d}, user {i}: {freq} vs exact {}",
                    exact[i]
                );
            }
        }
    }

    #[test]
    fn redraw_budget_falls_back_to_the_race() {
        // One follower holds almost all the weight: after it is taken, a draw
        // is new with probability ~1e-7, so the draws give up and the race
        // completes the list. The light users must be picked evenly.
        let mut w = vec![1.0; 400];
        w[7] = 1e9;
        let alias = AliasTable::new(&w).unwrap();
        let mut light_hits = 0u64;
        for t in 0..200 {
            let mut rng = substream(5, "budget-test", t);
            let f = followers_of(3, 150, &alias, &w, &mut rng);
            assert_eq!(f.len(), 150);
            assert!(f.windows(2).all(|p| p[0] < p[1]) && !f.contains(&3));
            assert!(f.contains(&7));
            light_hits += f.iter().filter(|&&v| v < 200).count() as u64;
        }
        // 149 of the 398 light users per list, uniformly: 198 of them have
        // an id below 200, so expect 200 * 149 * 198/398 = 14,825 hits
        // (hypergeometric, sd about 70).
        assert!((light_hits as f64 - 14_825.0).abs() < 500.0, "{light_hits}");
    }

    #[test]
    fn same_seed_same_graph_other_seed_other_graph() {
        let p = params(20_000, 0.9, 19_999, 42);
        let a = Graph::build(&p).unwrap();
        let b = Graph::build(&p).unwrap();
        assert_eq!(a, b);
        let c = Graph::build(&GraphParams { seed: 43, ..p }).unwrap();
        assert_ne!(a, c);
    }

    #[test]
    fn identical_whatever_the_thread_count() {
        let p = params(30_000, 0.9, 29_999, 7);
        let one = in_pool(1, || Graph::build(&p).unwrap());
        let two = in_pool(2, || Graph::build(&p).unwrap());
        let three = in_pool(3, || Graph::build(&p).unwrap());
        assert_eq!(one, two);
        assert_eq!(one, three);
        assert_eq!(
            in_pool(1, || one.weighted_mean_followers(0.5)).to_bits(),
            in_pool(2, || one.weighted_mean_followers(0.5)).to_bits()
        );
    }

    #[test]
    fn empirical_mean_matches_target() {
        // The counts are the rank-size sequence itself, so the graph's mean
        // is the model's, and the solver puts that within a step (1/users)
        // of the target.
        let users = 200_000u32;
        for (target, seed) in [(35.0, 1u64), (75.0, 2)] {
            let max = users - 1;
            let s = solve_exponent(target, max, users).unwrap();
            let g = Graph::build(&params(users, s, max, seed)).unwrap();
            let mean = g.edges() as f64 / f64::from(users);
            assert!(
                (mean - target).abs() < 1e-4 * target,
                "target {target}: mean {mean}"
            );
            assert!((mean - zipf_mean(s, max, users)).abs() < 1e-9 * mean);
            let st = g.stats();
            assert_eq!(st.edges, g.edges());
            assert_eq!(st.max_followers, max);
            assert!(st.median_followers > 0);
            assert!(st.median_followers <= st.p99_followers);
            assert!(st.p99_followers <= st.max_followers);
        }
    }

    #[test]
    fn edge_cases() {
        // One user: max must be 0.
        let g = Graph::build(&params(1, 1.5, 0, 1)).unwrap();
        assert_eq!((g.users(), g.edges()), (1, 0));
        assert!(g.followers(0).is_empty() && g.followees(0).is_empty());
        assert_eq!(g.by_rank(1), Some(0));
        assert_eq!(g.celebrity_prefix(0, 0), 0);
        let st = g.stats();
        assert_eq!((st.median_followers, st.max_followees), (0, 0));
        assert_eq!(g.weighted_mean_followers(0.5), 0.0);
        assert!(Graph::build(&params(1, 1.5, 1, 1)).is_err());
        // max = 0: no edges at all.
        let g = Graph::build(&params(500, 1.5, 0, 1)).unwrap();
        assert_eq!(g.edges(), 0);
        assert!((0..500).all(|u| g.followee_count(u) == 0));
        // Two users, both at the cap: they follow each other.
        let p = params(2, 0.0, 1, 3);
        let g = Graph::build(&p).unwrap();
        check_invariants(&g, &p);
        for users in 2..40 {
            for max in [0, 1, users / 2, users - 1] {
                let p = params(users, 0.8, max, u64::from(users));
                check_invariants(&Graph::build(&p).unwrap(), &p);
            }
        }
    }

    #[test]
    fn bad_params_are_errors_not_panics() {
        let ok = params(100, 1.5, 99, 1);
        assert!(Graph::build(&ok).is_ok());
        let bad = [
            GraphParams {
                users: 0,
                follower_max: 0,
                ..ok.clone()
            },
            GraphParams {
                follower_max: 100,
                ..ok.clone()
            },
            GraphParams {
                follower_exponent: -0.1,
                ..ok.clone()
            },
            GraphParams {
                follower_exponent: f64::NAN,
                ..ok.clone()
            },
            GraphParams {
                follower_exponent: f64::INFINITY,
                ..ok.clone()
            },
            GraphParams {
                followee_exponent: 1.0,
                ..ok.clone()
            },
            GraphParams {
                followee_exponent: 0.5,
                ..ok.clone()
            },
            GraphParams {
                followee_exponent: f64::NAN,
                ..ok.clone()
            },
            GraphParams {
                followee_exponent: f64::INFINITY,
                ..ok.clone()
            },
        ];
        for p in bad {
            let e = Graph::build(&p).unwrap_err();
            assert!(e.starts_with("graph: "), "{e}");
        }
    }

    #[test]
    fn out_degrees_follow_the_weights() {
        // Expected followee count grows with the out-weight: the heaviest
        // tenth of users by weight holds 0.1^(1 - 1/1.28) = 60% of the
        // weight, and (with a cap of 999 followers, so that saturation stays
        // small) must hold well over 40% of the edges, not the 10% of a
        // uniform choice.
        let s = solve_exponent(20.0, 999, 50_000).unwrap();
        let p = params(50_000, s, 999, 4);
        let g = Graph::build(&p).unwrap();
        let w = draw_followee_weights(&p).unwrap();
        let mut ids: Vec<u32> = (0..50_000).collect();
        ids.sort_by(|&a, &b| w[b as usize].total_cmp(&w[a as usize]));
        let top: u64 = ids[..5000]
            .iter()
            .map(|&u| u64::from(g.followee_count(u)))
            .sum();
        assert!(
            top as f64 > 0.4 * g.edges() as f64,
            "{top} of {}",
            g.edges()
        );
        let st = g.stats();
        assert!(st.max_followees > 10 * st.median_followees.max(1));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        #[test]
        fn tiny_graphs_keep_every_invariant(
            users in 1u32..80,
            max_frac in 0.0f64..=1.0,
            s in 0.0f64..4.0,
            x in 1.01f64..5.0,
            seed in any::<u64>(),
        ) {
            let max = ((f64::from(users - 1)) * max_frac) as u32;
            let p = GraphParams { users, follower_exponent: s, follower_max: max, followee_exponent: x, followee_max: None, seed };
            let g = Graph::build(&p).unwrap();
            check_invariants(&g, &p);
        }
    }
}
