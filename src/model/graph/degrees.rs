//! The two degree laws of the graph: follower counts by Zipf's rank-size
//! law, and Pareto out-weights that decide who follows.
//!
//! # Follower counts (docs/references.md, Zipf rank-size law)
//!
//! The account of rank r = 1..=N (N users) has
//!
//!    d_r = floor(max · r^-s + 0.5),   s = `follower_exponent` >= 0,
//!
//! so rank 1 has exactly `max` followers (at most N - 1), the counts fall
//! smoothly with rank, and the count distribution has a power-law tail with
//! density exponent 1 + 1/s (P(d >= k) ∝ k^-1/s). Their mean is
//! [`zipf_mean`]; [`solve_exponent`] inverts it, so a scenario can give
//! Kwak's mean of 35 (docs/references.md, Kwak et al. 2010) instead of an
//! exponent. A seeded permutation ([`super::RankPermutation`]) gives each
//! user its rank, so ids carry no rank information and the counts do not
//! depend on the number of threads. With max 999,999, N = 1M and mean 35
//! (s about 0.88), the median is 9 and the smallest count 5.
//!
//! Why not i.i.d. Zipf draws (this generator's first version): with them
//! over half the users had no follower at all, and the mean fan-out per
//! tweet swung from 64 to 98 across seeds because it rested on a handful of
//! randomly huge accounts. The rank-size form keeps the same power-law tail
//! but makes the celebrity sizes deterministic (the seed only decides who
//! they are), so every statistic of the counts, fan-out per tweet included,
//! is the same for every seed, and the median is not 0. Kwak's head, heavier
//! than a power law, is approximated: the head is the pure rank-size curve,
//! pinned at `max` for rank 1.
//!
//! The sums over millions of ranks are taken term by term for the head,
//! count by count for the tail, and by Euler-Maclaurin summation
//! (docs/references.md, Euler-Maclaurin summation) in between, so a mean
//! costs O(65,536 + 4096) powers whatever N.
//!
//! # Out-weights (docs/references.md, Kwak et al. 2010)
//!
//! Each user v draws an out-weight w_v with density ∝ w^-x on w >= 1 (x =
//! `followee_exponent`, Kwak's 2.28; Pareto with shape x - 1), capped at the
//! number of users (a numerical guard that only binds when x < 2, where the
//! Pareto mean is infinite). Followers are then drawn ∝ w, so expected
//! followee counts follow the weights' power-law tail.

use super::permutation::RankPermutation;
use super::{DRAW_CHUNK, GraphParams, try_zeroed, validate};
use crate::sim::rng::{SimRng, substream};
use rand::Rng;
use rayon::prelude::*;

/// [`zipf_mean`] and [`activity_weighted_mean`] sum the first HEAD_RANKS
/// ranks term by term...
const HEAD_RANKS: u64 = 1 << 16;
/// ... and the counts below LOW_COUNTS count by count (how many ranks have at
/// least k followers); only ranks beyond HEAD_RANKS with at least LOW_COUNTS
/// followers are summed by Euler-Maclaurin, where rounding to an integer
/// moves a count by at most 1/(2 LOW_COUNTS) relative.
const LOW_COUNTS: u64 = 1 << 12;

/// Follower count of the account of rank `r` (1 = largest):
/// floor(max r^-s + 0.5). The one formula behind the graph and the sums.
#[inline]
pub(super) fn rank_size_count(max: f64, s: f64, r: f64) -> f64 {
    (max * r.powf(-s) + 0.5).floor()
}

/// Mean follower count of the model: (1/N) Σ_{r=1}^{N} floor(max r^-s + 0.5)
/// with N = `users`. Nonincreasing in the exponent, from max at exponent 0
/// to max/N once every rank but the first rounds to 0. Exact (up to float
/// sums) when N <= 65,536 or when counts of 4096 and more stop before rank
/// 65,537; otherwise those ranks are summed by Euler-Maclaurin, within about
/// 1e-4 relative (far less in practice). O(65,536 + 4096) power evaluations,
/// whatever N. NaN for a negative or non-finite exponent, 0 without users.
pub fn zipf_mean(exponent: f64, max: u32, users: u32) -> f64 {
    activity_weighted_mean(exponent, max, users, 0.0)
}

/// Mean follower count of a tweet's author when users post at rates
/// ∝ (1 + followers)^x: the model's expected mean fan-out per tweet,
/// Σ_r d_r (1 + d_r)^x / Σ_r (1 + d_r)^x, computed like [`zipf_mean`]. What
/// [`Graph::weighted_mean_followers`](super::Graph::weighted_mean_followers) gives on a built graph (the same
/// counts, so the same value up to float sums). NaN for a negative or
/// non-finite exponent or a non-finite x, 0 without users.
pub fn activity_weighted_mean(exponent: f64, max: u32, users: u32, x: f64) -> f64 {
    let (num, den) = rank_size_sums(exponent, max, users, x, HEAD_RANKS, LOW_COUNTS);
    if den > 0.0 { num / den } else { num }
}

/// The second moment of a tweet's fan-out, Σ_r d_r^2 w_r / Σ_r w_r with
/// w_r ∝ (1 + d_r)^x, computed like [`activity_weighted_mean`]: with it, the
/// variance of the fan-out of one tweet, and so the standard error of the
/// mean fan-out a run of n tweets measures.
pub fn activity_weighted_second_moment(exponent: f64, max: u32, users: u32, x: f64) -> f64 {
    let (num, den) = rank_size_moment_sums(exponent, max, users, x, HEAD_RANKS, LOW_COUNTS, 2);
    if den > 0.0 { num / den } else { num }
}

/// The author-activity exponent x in [0, 3] (the key's range) whose
/// [`activity_weighted_mean`] is `target`, the mean fan-out per tweet: the
/// mean grows with x, from the mean follower count at x = 0 towards the
/// largest count, so bisection finds it (to 1e-9). Errs when the target is
/// not finite or outside what x in [0, 3] reaches.
pub fn solve_activity_exponent(
    target: f64,
    exponent: f64,
    max: u32,
    users: u32,
) -> Result<f64, String> {
    const TOP: f64 = 3.0;
    let at = |x: f64| activity_weighted_mean(exponent, max, users, x);
    let (low, high) = (at(0.0), at(TOP));
    if !(target.is_finite() && target >= low && target <= high) {
        return Err(format!(
            "mean fan-out per tweet {target} is unreachable: author activity exponents 0 to {TOP} \
             give {low:.2} to {high:.2} (the mean follower count when authors are uniform, up to \
             nearly the largest follower count)"
        ));
    }
    let (mut lo, mut hi) = (0.0f64, TOP);
    while hi - lo > 1e-9 {
        let mid = 0.5 * (lo + hi);
        if at(mid) < target {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Ok(0.5 * (lo + hi))
}

/// (Σ_r d_r w_r, Σ_r w_r) over ranks r = 1..=n, d_r = floor(max r^-s + 0.5),
/// w_r = ((1 + d_r)/(1 + max))^x: ranks up to `head` term by term, then
/// counts below `low` count by count, the ranks in between (counts >= `low`)
/// by Euler-Maclaurin on the unrounded counts. (NaN, NaN) on bad input.
fn rank_size_sums(s: f64, max: u32, n: u32, x: f64, head: u64, low: u64) -> (f64, f64) {
    rank_size_moment_sums(s, max, n, x, head, low, 1)
}

/// (Σ_r d_r^power w_r, Σ_r w_r) for power = 1 or 2, as [`rank_size_sums`].
fn rank_size_moment_sums(
    s: f64,
    max: u32,
    n: u32,
    x: f64,
    head: u64,
    low: u64,
    power: i32,
) -> (f64, f64) {
    // d^power, exactly d when power = 1.
    let dk = |d: f64| if power == 2 { d * d } else { d };
    if !(s.is_finite() && s >= 0.0 && x.is_finite()) {
        return (f64::NAN, f64::NAN);
    }
    if n == 0 {
        return (0.0, 0.0);
    }
    let m = f64::from(max);
    let nn = u64::from(n);
    let weight = |d: f64| {
        if x == 0.0 {
            1.0
        } else {
            ((1.0 + d) / (1.0 + m)).powf(x)
        }
    };
    if s == 0.0 || max == 0 {
        // Every count is max.
        return (nn as f64 * dk(m) * weight(m), nn as f64 * weight(m));
    }
    let d = |r: u64| rank_size_count(m, s, r as f64);
    let (mut num, mut den) = (0.0, 0.0);

    // 1. The head, rank by rank.
    let a = nn.min(head.max(1));
    for r in 1..=a {
        let v = d(r);
        let w = weight(v);
        num += dk(v) * w;
        den += w;
    }
    if a == nn {
        return (num, den);
    }

    let ranks_at_least = |k: f64| ranks_at_least(m, s, nn, k);

    // 2. Ranks beyond the head with at least `low` followers: rounding
    // ignored, d ≈ f = max r^-s, and w expanded in 1/f <= 1/low:
    // w = c r^-sx (1 + x/f + x(x-1)/(2 f^2) + ...), c = (max/(1 + max))^x.
    let mut done = a;
    let low = low.max(1) as f64;
    if d(a + 1) >= low {
        let b = ranks_at_least(low);
        let (lo_r, hi_r) = ((a + 1) as f64, b as f64);
        let sum = |p: f64| power_sum(lo_r, hi_r, p);
        let c = if x == 0.0 {
            1.0
        } else {
            (m / (1.0 + m)).powf(x)
        };
        let (t1, t2) = (x / m, x * (x - 1.0) / (2.0 * m * m));
        den += c * (sum(s * x) + t1 * sum(s * (x - 1.0)) + t2 * sum(s * (x - 2.0)));
        // The exponents of d^power w's three terms, x + power down to
        // x + power - 2 (written out, so power 1 keeps its exact floats).
        let (e0, e1, e2) = if power == 2 {
            (x + 2.0, x + 1.0, x)
        } else {
            (x + 1.0, x, x - 1.0)
        };
        num += dk(m) * c * (sum(s * e0) + t1 * sum(s * e1) + t2 * sum(s * e2));
        done = b;
    }

    // 3. The rest, count by count: every rank beyond `done` has fewer than
    // `low` followers.
    if done < nn {
        let top = d(done + 1);
        let mut above = 0u64; // ranks beyond `done` with more than k followers
        let mut k = top;
        while k >= 1.0 {
            let at_least = ranks_at_least(k).saturating_sub(done);
            let c = (at_least - above) as f64;
            let w = weight(k);
            num += c * dk(k) * w;
            den += c * w;
            above = at_least;
            k -= 1.0;
        }
        den += (nn - done - above) as f64 * weight(0.0);
    }
    (num, den)
}

/// How many ranks (up to n) have at least k >= 1 followers under the
/// rank-size law with largest count `m` and exponent `s`: d_r >= k iff
/// m r^-s >= k - 0.5. The closed form, checked against [`rank_size_count`]
/// itself so that rounding cannot make it disagree with the graph.
fn ranks_at_least(m: f64, s: f64, nn: u64, k: f64) -> u64 {
    let d = |r: u64| rank_size_count(m, s, r as f64);
    let guess = (m / (k - 0.5)).powf(1.0 / s);
    let g = if guess >= nn as f64 {
        nn
    } else {
        guess.max(0.0) as u64
    };
    let slack = 2 + g / (1 << 30);
    let mut lo = g.saturating_sub(slack);
    let mut hi = (g + slack).min(nn);
    if lo > 0 && d(lo) < k {
        lo = 0;
    }
    if hi < nn && d(hi + 1) >= k {
        hi = nn;
    }
    // The last r in [lo, hi] with d_r >= k (r = 0 stands for none).
    while lo < hi {
        let mid = lo + (hi - lo).div_ceil(2);
        if d(mid) >= k {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    lo
}

/// The rank-size exponent whose [`zipf_mean`] with `users` users is `mean`,
/// by bisection on s in [0, log2(2 max) + 1] (at the top only rank 1 keeps
/// followers). The realized mean of a graph differs by the rounding of a
/// step function (jumps of 1/users) and the Euler-Maclaurin error of
/// [`zipf_mean`], both far below 0.1%. Errs when no exponent reaches the
/// mean: mean <= 0 or not finite, mean >= max (exponent 0 gives every user
/// max followers), mean < max/users (only the largest account has
/// followers), max = 0 or no users.
pub fn solve_exponent(mean: f64, max: u32, users: u32) -> Result<f64, String> {
    if !mean.is_finite() || mean <= 0.0 {
        return Err(format!(
            "follower mean {mean} is unreachable: it must be a finite number > 0"
        ));
    }
    if users == 0 {
        return Err(format!("follower mean {mean} is unreachable without users"));
    }
    if max == 0 {
        return Err(format!(
            "follower mean {mean} is unreachable with follower max 0: every count is 0"
        ));
    }
    let m = f64::from(max);
    if mean >= m {
        return Err(format!(
            "follower mean {mean} is unreachable with follower max {max}: \
             it must be below the max (exponent 0 gives every user max followers)"
        ));
    }
    let floor = m / f64::from(users);
    if mean < floor {
        return Err(format!(
            "follower mean {mean} is unreachable with follower max {max} and {users} users: \
             it must be at least max/users = {floor} (only the largest account has followers)"
        ));
    }
    let mut lo = 0.0f64;
    let mut hi = (2.0 * m).log2() + 1.0;
    if zipf_mean(hi, max, users) >= mean {
        return Ok(hi);
    }
    // zipf_mean(lo) > mean > zipf_mean(hi).
    while hi - lo > 1e-12 * hi {
        let mid = 0.5 * (lo + hi);
        if zipf_mean(mid, max, users) > mean {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Ok(0.5 * (lo + hi))
}

/// The follower counts d_u, exactly as
/// [`Graph::build`](super::Graph::build) sets them: user u has rank 1 + π(u)
/// for the seeded permutation π ([`RankPermutation`]) and the rank-size
/// count of that rank.
pub(crate) fn follower_counts(p: &GraphParams) -> Result<Vec<u32>, String> {
    validate(p)?;
    let mut counts: Vec<u32> = try_zeroed(p.users as usize, "follower counts")?;
    if p.follower_max == 0 {
        return Ok(counts);
    }
    let max = f64::from(p.follower_max);
    let s = p.follower_exponent;
    let perm = RankPermutation::new(u64::from(p.users), p.seed);
    counts
        .par_chunks_mut(DRAW_CHUNK)
        .enumerate()
        .for_each(|(c, chunk)| {
            let first = (c * DRAW_CHUNK) as u64;
            for (i, d) in chunk.iter_mut().enumerate() {
                let rank = perm.apply(first + i as u64) + 1;
                // At most max: r^-s <= 1.
                *d = rank_size_count(max, s, rank as f64) as u32;
            }
        });
    Ok(counts)
}

/// Uniform in (0, 1], never 0, from one 64-bit word.
#[inline]
fn unit_open0(rng: &mut SimRng) -> f64 {
    ((rng.next_u64() >> 11) + 1) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// Out-weights w_v >= 1, Pareto with shape followee_exponent - 1, capped at
/// the number of users.
pub(super) fn draw_followee_weights(p: &GraphParams) -> Result<Vec<f64>, String> {
    let mut w: Vec<f64> = try_zeroed(p.users as usize, "followee weights")?;
    let inv_shape = 1.0 / (p.followee_exponent - 1.0);
    let cap = f64::from(p.users).max(1.0);
    w.par_chunks_mut(DRAW_CHUNK)
        .enumerate()
        .for_each(|(c, chunk)| {
            let mut rng = substream(p.seed, "graph.followee_weights", c as u64);
            for x in chunk {
                let v = unit_open0(&mut rng).powf(-inv_shape);
                *x = if v.is_nan() { cap } else { v.clamp(1.0, cap) };
            }
        });
    Ok(w)
}

/// Σ_{k=a}^{b} k^-p for integers 1 <= a <= b (as floats) and real p, by
/// Euler-Maclaurin with corrections up to the fifth derivative: accurate to
/// about 1e-12 relative once a is in the tens (callers start at 65,537).
/// 0 when b < a.
fn power_sum(a: f64, b: f64, p: f64) -> f64 {
    if b < a {
        return 0.0;
    }
    let t = 1.0 - p;
    let l = (b / a).ln();
    let integral = if t == 0.0 {
        l
    } else {
        a.powf(t) * (t * l).exp_m1() / t
    };
    let f = |x: f64| x.powf(-p);
    // m-th derivative of x^-p.
    let deriv = |m: i32, x: f64| {
        let mut c = 1.0;
        for i in 0..m {
            c *= -p - f64::from(i);
        }
        c * x.powf(-p - f64::from(m))
    };
    let b2 = 1.0 / 6.0;
    let b4 = -1.0 / 30.0;
    let b6 = 1.0 / 42.0;
    integral
        + 0.5 * (f(a) + f(b))
        + b2 / 2.0 * (deriv(1, b) - deriv(1, a))
        + b4 / 24.0 * (deriv(3, b) - deriv(3, a))
        + b6 / 720.0 * (deriv(5, b) - deriv(5, a))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::graph::nearest_rank;
    use crate::model::graph::testutil::{in_pool, params};

    /// (Σ_r d_r w_r, Σ_r w_r) term by term, w_r = ((1 + d_r)/(1 + max))^x,
    /// in blocks of 1024 ranks (so that millions of tiny terms added to a
    /// large sum do not lose 1e-10).
    fn direct_sums(s: f64, max: u32, n: u32, x: f64) -> (f64, f64) {
        let m = f64::from(max);
        let (mut num, mut den) = (0.0, 0.0);
        let n = u64::from(n);
        for start in (1..=n).step_by(1024) {
            let (mut bn, mut bd) = (0.0, 0.0);
            for r in start..=n.min(start + 1023) {
                let d = rank_size_count(m, s, r as f64);
                let w = ((1.0 + d) / (1.0 + m)).powf(x);
                bn += d * w;
                bd += w;
            }
            num += bn;
            den += bd;
        }
        (num, den)
    }

    #[test]
    fn zipf_mean_matches_direct_sums() {
        // (s, max, users, exact): exact (but for the order of float sums)
        // when no rank beyond 65,536 has 4096 followers or more; otherwise
        // the middle is Euler-Maclaurin.
        for &(s, max, n, exact) in &[
            (0.0, 10u32, 11u32, true),
            (0.5, 10, 11, true),
            (1.0, 5000, 5001, true),
            (0.883, 999_999, 1_000_000, true),
            (0.7, 77_777, 200_000, true),
            (3.0, 1_000_000, 3_000_000, true),
            (40.0, 1_000_000, 3_000_000, true),
            (0.3, 2_999_999, 3_000_000, false),
            (0.9, 4_000_000_000, 3_000_000, false),
            (0.05, 2_000_000, 2_500_000, false),
        ] {
            for x in [0.0, 0.5, 1.7] {
                let (num, den) = direct_sums(s, max, n, x);
                let direct = num / den;
                let fast = activity_weighted_mean(s, max, n, x);
                let tol = if exact { 1e-10 } else { 1e-6 };
                assert!(
                    (fast - direct).abs() <= tol * direct,
                    "s {s} max {max} n {n} x {x}: {fast} vs {direct} ({:e})",
                    (fast - direct) / direct
                );
            }
        }
        assert_eq!(zipf_mean(1.3, 0, 10), 0.0);
        assert_eq!(zipf_mean(1.3, 5, 0), 0.0);
        assert_eq!(zipf_mean(0.0, 999_999, 1_000_000), 999_999.0);
        assert_eq!(zipf_mean(1e300, 100, 200), 0.5);
        assert!(zipf_mean(-0.1, 10, 11).is_nan());
        assert!(zipf_mean(f64::NAN, 10, 11).is_nan());
        assert!(activity_weighted_mean(1.0, 10, 11, f64::INFINITY).is_nan());
    }

    #[test]
    fn every_summation_path_matches_direct_sums() {
        // Tiny cut-offs push most ranks through each path: errors stay small
        // even when the Euler-Maclaurin middle starts at rank 65 and counts
        // of 16 (rounding then moves a count by up to 3% relative).
        for &(s, max, n) in &[
            (0.883, 999_999u32, 1_000_000u32),
            (0.5, 99_999, 100_000),
            (1.5, 99_999, 100_000),
            (0.1, 50_000, 60_000),
        ] {
            for x in [0.0, 0.5, 3.0] {
                let (num, den) = direct_sums(s, max, n, x);
                for (head, low) in [(64, 16), (64, 1 << 30), (1 << 40, 16), (1000, 300)] {
                    let (fnum, fden) = rank_size_sums(s, max, n, x, head, low);
                    let err = (fnum / fden - num / den).abs() / (num / den);
                    assert!(
                        err < 2e-4,
                        "s {s} n {n} x {x} head {head} low {low}: {err:e}"
                    );
                    assert!((fden - den).abs() < 2e-4 * den);
                }
            }
        }
    }

    #[test]
    fn power_sum_matches_direct_sums() {
        for &(a, b) in &[(65_537u64, 70_000u64), (30, 5000), (100, 100)] {
            for p in [-2.0, -0.5, 0.0, 0.883, 1.0, 2.5] {
                let direct: f64 = (a..=b).map(|k| (k as f64).powf(-p)).sum();
                let fast = power_sum(a as f64, b as f64, p);
                assert!((fast - direct).abs() < 1e-11 * direct, "{a} {b} {p}");
            }
        }
        assert_eq!(power_sum(10.0, 9.0, 1.0), 0.0);
    }

    #[test]
    fn solve_exponent_round_trips() {
        for &(max, users) in &[
            (1u32, 2u32),
            (10, 11),
            (1000, 1001),
            (1000, 100_000),
            (199_999, 200_000),
            (999_999, 1_000_000),
            (999_999, 10_000_000),
            (199_999_999, 200_000_000),
            (4_000_000_000, u32::MAX),
        ] {
            let floor = f64::from(max) / f64::from(users);
            for mean in [1e-6, 0.1, 0.5, 0.9, 1.0, 5.0, 35.0, 75.0, 1000.0] {
                if mean >= f64::from(max) || mean < floor {
                    assert!(solve_exponent(mean, max, users).is_err(), "{mean} {max}");
                    continue;
                }
                let s = solve_exponent(mean, max, users).unwrap();
                let back = zipf_mean(s, max, users);
                // A step function: jumps of 1/users.
                assert!(
                    (back - mean).abs() <= 1e-9 * mean + 1.0 / f64::from(users),
                    "{mean} {max} {users}: {s} -> {back}"
                );
            }
        }
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert!(solve_exponent(bad, 1000, 1001).is_err());
        }
        assert!(solve_exponent(1.0, 0, 1000).is_err());
        assert!(solve_exponent(1.0, 10, 0).is_err());
        assert!(solve_exponent(1000.0, 1000, 1001).is_err());
        assert!(solve_exponent(999.9, 1000, 1001).is_ok());
        assert!(solve_exponent(0.09, 1000, 10_000).is_err());
        assert!(solve_exponent(0.1, 1000, 10_000).is_ok());
        let e = solve_exponent(0.05, 1000, 10_000).unwrap_err();
        assert!(e.contains("at least max/users = 0.1"), "{e}");
    }

    #[test]
    fn twitter_scale_figures() {
        // max 999,999 among 1M users, mean 35: the figures the module doc
        // quotes.
        let (max, users) = (999_999u32, 1_000_000u32);
        let s = solve_exponent(35.0, max, users).unwrap();
        assert!((0.87..0.90).contains(&s), "{s}");
        let at = |r: u32| rank_size_count(f64::from(max), s, f64::from(r));
        let n = users as usize;
        // Rank r is the (n - r + 1)-th smallest.
        let median = at(users - nearest_rank(0.5, n) as u32);
        assert_eq!((median, at(users)), (9.0, 5.0));
        assert_eq!(at(1), 999_999.0);
    }

    #[test]
    fn counts_are_the_rank_size_sequence() {
        let p = params(70_000, 0.8, 69_999, 3);
        let counts = follower_counts(&p).unwrap();
        let mut sorted = counts.clone();
        sorted.sort_unstable_by(|a, b| b.cmp(a));
        for (r, &c) in sorted.iter().enumerate() {
            assert_eq!(f64::from(c), rank_size_count(69_999.0, 0.8, (r + 1) as f64));
        }
        assert_eq!(
            in_pool(1, || follower_counts(&p).unwrap()),
            in_pool(3, || follower_counts(&p).unwrap())
        );
        let other = follower_counts(&GraphParams {
            seed: 4,
            ..p.clone()
        })
        .unwrap();
        assert_ne!(counts, other);
    }
}
