//! Walker's alias method (Vose's construction): draw an index with probability
//! proportional to a fixed weight in O(1), from one 64-bit random word.
//!
//! Used wherever a weighted choice is repeated many times: who follows an
//! account (hundreds of millions of draws while building the graph), which
//! author posts next, which reader reads next.
//!
//! Construction (Vose, IEEE TSE 1991) is O(n), sequential and uses only plain
//! f64 arithmetic in a fixed order, so the same weights give the same table on
//! every run and platform. Each slot holds a 32-bit acceptance threshold and
//! an alias, 8 bytes per weight, so one draw touches one cache line.
//!
//! Sampling: the 128-bit product of the random word and n gives the slot in its
//! high 64 bits (Lemire's multiply-shift, bias below n / 2^64) and a uniform
//! fraction in its low 64 bits, whose top 32 bits are compared with the
//! slot's threshold. Probabilities are thus exact to within 2^-32 per slot.

/// One slot: keep the slot's own index when the fraction is below `threshold`
/// (out of 2^32), else return `alias`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Slot {
    threshold: u32,
    alias: u32,
}

/// A table for O(1) weighted sampling of indices `0..len()`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AliasTable {
    slots: Vec<Slot>,
}

impl AliasTable {
    /// Builds the table for `weights` (index i drawn with probability
    /// w_i / sum w). Refuses an empty list, more than u32::MAX entries, and
    /// negative, NaN, infinite or all-zero weights, so a sample is always
    /// well defined.
    pub fn new(weights: &[f64]) -> Result<AliasTable, String> {
        let n = weights.len();
        if n == 0 {
            return Err("alias table: no weights given".to_string());
        }
        if n > u32::MAX as usize {
            return Err(format!(
                "alias table: {n} weights, at most {} allowed",
                u32::MAX
            ));
        }
        let mut max = 0.0f64;
        for (i, &w) in weights.iter().enumerate() {
            if !w.is_finite() || w < 0.0 {
                return Err(format!(
                    "alias table: weight {i} is {w}; weights must be finite and >= 0"
                ));
            }
            max = max.max(w);
        }
        if max <= 0.0 {
            return Err("alias table: all weights are zero".to_string());
        }
        // Scale by the largest weight first so the sum cannot overflow.
        let sum: f64 = weights.iter().map(|&w| w / max).sum();
        let scale = n as f64 / (sum * max);
        let mut prob: Vec<f64> = weights.iter().map(|&w| w * scale).collect();

        // One work list of n entries: "small" (prob < 1) grows from the front,
        // "large" (prob >= 1) from the back. An index is in at most one list.
        let mut work = vec![0u32; n];
        let (mut ns, mut nl) = (0usize, 0usize);
        for (i, &p) in prob.iter().enumerate() {
            if p < 1.0 {
                work[ns] = i as u32;
                ns += 1;
            } else {
                nl += 1;
                work[n - nl] = i as u32;
            }
        }
        let mut slots: Vec<Slot> = (0..n as u32)
            .map(|i| Slot {
                threshold: u32::MAX,
                alias: i,
            })
            .collect();
        while ns > 0 && nl > 0 {
            ns -= 1;
            let s = work[ns] as usize;
            let l = work[n - nl];
            slots[s] = Slot {
                threshold: to_threshold(prob[s]),
                alias: l,
            };
            let rest = (prob[l as usize] + prob[s]) - 1.0;
            prob[l as usize] = rest;
            if rest < 1.0 {
                nl -= 1;
                work[ns] = l;
                ns += 1;
            }
        }
        // Whatever is left (the large list, or small entries stranded by
        // rounding) has probability 1 of keeping its own index: the initial
        // slot already says so.
        Ok(AliasTable { slots })
    }

    /// Draws one index, with one 64-bit word from `rng`.
    #[inline]
    pub fn sample<R: rand::Rng + ?Sized>(&self, rng: &mut R) -> u32 {
        let m = u128::from(rng.next_u64()) * self.slots.len() as u128;
        let i = (m >> 64) as usize;
        let frac = ((m as u64) >> 32) as u32;
        // i < len because the random word is < 2^64.
        let slot = self.slots[i];
        // Branch-free: the outcome is a coin flip a predictor cannot learn,
        // and a mispredicted branch would also cancel the table lookups of
        // the next draws that are already in flight.
        std::hint::select_unpredictable(frac < slot.threshold, i as u32, slot.alias)
    }

    /// Number of indices the table draws from.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// Always false: construction refuses an empty table (kept for the
    /// `len`/`is_empty` convention).
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// Heap bytes held, for memory accounting.
    pub fn memory_bytes(&self) -> usize {
        self.slots.capacity() * std::mem::size_of::<Slot>()
    }

    /// The probability the table actually assigns to `index` (threshold
    /// rounding included), for tests and diagnostics. O(n).
    pub fn probability(&self, index: u32) -> f64 {
        let n = self.slots.len() as f64;
        let two32 = 4_294_967_296.0;
        let mut p = 0.0;
        for (i, s) in self.slots.iter().enumerate() {
            let keep = if s.threshold == u32::MAX && s.alias == i as u32 {
                1.0
            } else {
                f64::from(s.threshold) / two32
            };
            if i as u32 == index {
                p += keep;
            }
            if s.alias == index && s.alias != i as u32 {
                p += 1.0 - keep;
            }
        }
        p / n
    }
}

/// Maps a keep-probability in [0, 1) to a 32-bit threshold; 1 or more keeps
/// always (the caller then also points the alias at the slot itself).
fn to_threshold(p: f64) -> u32 {
    if p >= 1.0 {
        u32::MAX
    } else if p <= 0.0 {
        0
    } else {
        (p * 4_294_967_296.0) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::rng::stream;

    #[test]
    fn refuses_bad_weights() {
        assert!(AliasTable::new(&[]).is_err());
        assert!(AliasTable::new(&[1.0, -0.5]).is_err());
        assert!(AliasTable::new(&[1.0, f64::NAN]).is_err());
        assert!(AliasTable::new(&[1.0, f64::INFINITY]).is_err());
        assert!(AliasTable::new(&[0.0, 0.0, 0.0]).is_err());
        assert!(AliasTable::new(&[0.0, 2.0]).is_ok());
    }

    #[test]
    fn exact_probabilities_match_weights() {
        let w = [1.0, 2.0, 0.0, 7.0, 0.5, 3.25, 1e-9, 100.0];
        let t = AliasTable::new(&w).unwrap();
        let total: f64 = w.iter().sum();
        for (i, &wi) in w.iter().enumerate() {
            let p = t.probability(i as u32);
            assert!(
                (p - wi / total).abs() < 1e-8,
                "index {i}: table {p}, weight {}",
                wi / total
            );
        }
    }

    #[test]
    fn frequencies_match_weights() {
        // 2M draws over 5 outcomes: each frequency has sd <= sqrt(p(1-p)/N) <
        // 3.6e-4, so 5e-3 is over 13 sd (a wrong table fails, chance does not).
        let w = [5.0, 1.0, 0.0, 3.0, 11.0];
        let t = AliasTable::new(&w).unwrap();
        let mut rng = stream(11, "alias-test");
        let n = 2_000_000;
        let mut hits = [0u64; 5];
        for _ in 0..n {
            hits[t.sample(&mut rng) as usize] += 1;
        }
        let total: f64 = w.iter().sum();
        for i in 0..5 {
            let f = hits[i] as f64 / n as f64;
            assert!((f - w[i] / total).abs() < 5e-3, "index {i}: {f}");
        }
        assert_eq!(hits[2], 0, "a zero weight is never drawn");
    }

    #[test]
    fn heavy_tailed_weights_and_single_entry() {
        let w: Vec<f64> = (1..=10_000).map(|k| (k as f64).powf(-1.5)).collect();
        let t = AliasTable::new(&w).unwrap();
        let total: f64 = w.iter().sum();
        for i in [0u32, 1, 10, 9_999] {
            let p = t.probability(i);
            assert!((p - w[i as usize] / total).abs() < 1e-9 + 1e-6 * p);
        }
        let one = AliasTable::new(&[3.0]).unwrap();
        let mut rng = stream(1, "alias-one");
        assert!((0..100).all(|_| one.sample(&mut rng) == 0));
        assert_eq!(one.len(), 1);
        assert!(!one.is_empty());
    }

    #[test]
    fn construction_is_deterministic() {
        let w: Vec<f64> = (0..1000).map(|k| ((k * 7919) % 113) as f64).collect();
        assert_eq!(AliasTable::new(&w).unwrap(), AliasTable::new(&w).unwrap());
    }
}
