//! Seeded random streams, one per named component.
//!
//! One seed feeds everything, but each component draws from its own stream,
//! derived from the seed and the component's name (and an index, for
//! per-shard or per-user streams). Adding a component, or drawing more from
//! one, leaves every other component's draws unchanged (simcore's habit).
//!
//! Derivation: FNV-1a over the name, mixed with the seed and index through
//! SplitMix64 (Steele, Lea and Flood, OOPSLA 2014), which then expands into
//! the 256-bit state of a xoshiro256++ generator (Blackman and Vigna 2018).
//! Both are fixed algorithms, so streams are identical on every platform and
//! every version of this program that keeps this file.

use rand::SeedableRng;
use rand::rngs::Xoshiro256PlusPlus;

/// The generator behind every stream: fast, 256-bit state, fixed algorithm.
pub type SimRng = Xoshiro256PlusPlus;

/// One step of SplitMix64: a bijective mixer of 64-bit words.
pub fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn fnv1a(name: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01B3);
    }
    h
}

/// A 64-bit key for (seed, component, index): use it to seed a stream, or to
/// derive a seed for a sub-run (a sweep point, a repeated seed).
pub fn derive_seed(seed: u64, component: &str, index: u64) -> u64 {
    let mut s = seed ^ fnv1a(component).rotate_left(17);
    let a = splitmix64(&mut s);
    let mut t = a ^ index.wrapping_mul(0xD6E8_FEB8_6659_FD93);
    splitmix64(&mut t)
}

/// The stream of a named component.
pub fn stream(seed: u64, component: &str) -> SimRng {
    substream(seed, component, 0)
}

/// The `index`-th stream of a named component (a shard, a user, a job).
pub fn substream(seed: u64, component: &str, index: u64) -> SimRng {
    let mut s = derive_seed(seed, component, index);
    let mut bytes = [0u8; 32];
    for chunk in bytes.chunks_exact_mut(8) {
        chunk.copy_from_slice(&splitmix64(&mut s).to_le_bytes());
    }
    SimRng::from_seed(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    fn draws(mut r: SimRng) -> Vec<u64> {
        (0..4).map(|_| r.next_u64()).collect()
    }

    #[test]
    fn same_name_same_stream() {
        assert_eq!(draws(stream(7, "posts")), draws(stream(7, "posts")));
    }

    #[test]
    fn names_indices_and_seeds_separate_streams() {
        let base = draws(stream(7, "posts"));
        assert_ne!(base, draws(stream(7, "reads")));
        assert_ne!(base, draws(stream(8, "posts")));
        assert_ne!(
            draws(substream(7, "shard", 1)),
            draws(substream(7, "shard", 2))
        );
    }

    /// The first draw of stream(42, "pin"), recorded when the derivation was
    /// written; a different value means every seed now gives other results.
    const PINNED_FIRST_DRAW: u64 = 13_764_316_000_799_984_130;

    #[test]
    fn streams_are_pinned() {
        // Guards the cross-version reproducibility promise: if this changes,
        // every published result changes with it.
        let first = stream(42, "pin").next_u64();
        assert_eq!(
            first, PINNED_FIRST_DRAW,
            "the stream of (42, \"pin\") changed"
        );
        assert_eq!(derive_seed(42, "pin", 0), derive_seed(42, "pin", 0));
        assert_ne!(derive_seed(42, "pin", 0), derive_seed(42, "pin", 1));
    }
}
