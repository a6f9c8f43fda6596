//! Which user gets which rank: a seeded pseudo-random permutation of the
//! ids.
//!
//! Why: shards are ids modulo the shard count, so ids must carry no rank
//! information (the celebrities must not all land on one shard), and the
//! rank of one user must be computable on its own, in O(1) memory, so the
//! counts cannot depend on how users are spread over threads. A Feistel
//! network (docs/references.md, Luby-Rackoff 1988) is a bijection by
//! construction whatever its round function; the rounds
//! use the SplitMix64 finaliser (docs/references.md, SplitMix64 and
//! xoshiro256++) as that function, and cycle-walking keeps values in 0..n.

use crate::sim::rng::{derive_seed, splitmix64};

/// A seeded pseudo-random permutation of 0..n: a balanced Feistel network
/// (six rounds of a SplitMix64 mixer with keys from the seed) on the
/// smallest 4^h >= n, cycle-walked back into 0..n. O(1) memory, and each
/// value is computed on its own, so the result cannot depend on threads.
pub struct RankPermutation {
    n: u64,
    half_bits: u32,
    keys: [u64; 6],
}

impl RankPermutation {
    /// The permutation of 0..n (n >= 1) for `seed`.
    pub fn new(n: u64, seed: u64) -> Self {
        let bits = 64 - n.saturating_sub(1).leading_zeros();
        let mut keys = [0u64; 6];
        for (i, k) in keys.iter_mut().enumerate() {
            *k = derive_seed(seed, "graph.follower_ranks", i as u64);
        }
        RankPermutation {
            n,
            half_bits: bits.div_ceil(2).max(1),
            keys,
        }
    }

    /// The image of `i` (< n).
    #[inline]
    pub fn apply(&self, i: u64) -> u64 {
        debug_assert!(i < self.n);
        let h = self.half_bits;
        let mask = (1u64 << h) - 1;
        let mut v = i;
        loop {
            let (mut l, mut r) = (v >> h, v & mask);
            for &k in &self.keys {
                let mut z = r ^ k;
                let f = splitmix64(&mut z) & mask;
                (l, r) = (r, l ^ f);
            }
            v = (l << h) | r;
            if v < self.n {
                return v;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rank_permutation_is_a_bijection() {
        for n in [1u64, 2, 3, 4, 5, 17, 64, 1000, 65_537] {
            let p = RankPermutation::new(n, 11);
            let mut seen = vec![false; n as usize];
            for i in 0..n {
                let v = p.apply(i) as usize;
                assert!(v < n as usize && !seen[v], "n {n}: {i} -> {v}");
                seen[v] = true;
            }
        }
        // Seeds differ, and ids carry no rank information: the top 8% of
        // ranks spread evenly over the ids modulo 8 (1000 each, sd 30).
        let n = 100_000;
        let (a, b) = (RankPermutation::new(n, 1), RankPermutation::new(n, 2));
        assert!((0..n).filter(|&i| a.apply(i) != b.apply(i)).count() > 99_000);
        let mut per_shard = [0i32; 8];
        for i in 0..n {
            if a.apply(i) < 8000 {
                per_shard[(i % 8) as usize] += 1;
            }
        }
        assert!(
            per_shard.iter().all(|&c| (c - 1000).abs() < 150),
            "{per_shard:?}"
        );
    }
}
