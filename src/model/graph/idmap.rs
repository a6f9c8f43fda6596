//! Original ids of a loaded edge list and their dense numbering.
//!
//! A file names users by arbitrary u64 ids, not contiguous; the graph needs
//! 0..n. The map is deterministic: the distinct ids sorted ascending get
//! 0..n in that order, so the same file always gives the same graph.
//!
//! # Why no general-purpose hash map
//!
//! A `HashMap<u64, u32>` costs about 24 bytes per user plus its rehash
//! peaks, and it would be grown while ids arrive. Instead:
//!
//! - **Collecting** the ids ([`IdCollector`], first pass): while the largest
//!   id stays below max(2^26, 4 × the input's bytes, 16 × ids read so far)
//!   bits (and below 2^36), so the bitmap never outgrows about half the
//!   text (a text edge list takes about twice the final graph's bytes),
//!   a bitmap of seen ids (one bit per possible id: SNAP's ids are small);
//!   past that, sorted deduplicated runs merged like a log-structured tree
//!   (each block's ids sorted once, runs merged when a newer one grows to
//!   half an older one's size). Peak: the bitmap, or about twice the
//!   distinct ids × 8 bytes.
//! - **Keeping** them ([`IdMap`]): the sorted ids, 8 bytes per user (none
//!   when the ids are already 0..n).
//! - **Renumbering in one pass** ([`BitRank`]): while every id fits in u32
//!   and the bitmap is kept, the rank of an id among the set bits (a u32
//!   prefix count per 64-bit word plus one popcount) is its dense id: 0.5
//!   bit per bit of the bitmap, freed after loading.
//! - **Remapping** ([`Remap`], second pass): the dense ids are already
//!   fixed by the sorted ids (ascending order), so the second pass only
//!   looks each id up. A fixed-size open-addressing table of `(id, dense
//!   id)` slots, 1.5 slots per user (18 bytes per user, freed after
//!   loading), filled once from the sorted ids before the pass and only
//!   read during it, with linear probing from a multiplicative hash: about
//!   one cache miss per id. (A bucket index over the sorted ids, 4 bytes
//!   per user, needed two: the bucket, then the ids; on a 20M-edge file
//!   with ids scattered over u32, those misses were the largest share of
//!   the load's time.)

use rayon::prelude::*;
use std::sync::atomic::{AtomicU64, Ordering};

/// Dense ids 0..n ↔ the file's original u64 ids (sorted ascending).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdMap {
    /// The original id of each dense id, ascending; empty when the original
    /// ids are exactly 0..n (`identity`).
    ids: Vec<u64>,
    /// Number of users.
    n: u32,
}

impl IdMap {
    /// The map whose original ids are 0..n themselves (a graph the project
    /// generated, or a file already numbered densely).
    pub fn identity(n: u32) -> IdMap {
        IdMap { ids: Vec::new(), n }
    }

    /// The map of `ids`, which must be sorted ascending and distinct (checked:
    /// None otherwise, or when there are more than u32::MAX - 1).
    pub fn from_sorted(ids: Vec<u64>) -> Option<IdMap> {
        let n = u32::try_from(ids.len()).ok().filter(|&n| n < u32::MAX)?;
        if !ids.par_windows(2).all(|w| w[0] < w[1]) {
            return None;
        }
        if ids.par_iter().enumerate().all(|(i, &v)| v == i as u64) {
            return Some(IdMap::identity(n));
        }
        Some(IdMap { ids, n })
    }

    /// Number of users.
    pub fn users(&self) -> u32 {
        self.n
    }

    /// Whether the original ids are 0..n (dense ids equal original ids).
    pub fn is_identity(&self) -> bool {
        self.ids.is_empty()
    }

    /// The id the file used for dense id `u` (for reports). Panics if
    /// `u >= users()`.
    pub fn original_id(&self, u: u32) -> u64 {
        assert!(u < self.n, "dense id {u} out of range 0..{}", self.n);
        if self.ids.is_empty() {
            u64::from(u)
        } else {
            self.ids[u as usize]
        }
    }

    /// The dense id of a file's id, None if the file never named it.
    /// Binary search: for occasional lookups (reports, scenario keys).
    pub fn dense_id(&self, original: u64) -> Option<u32> {
        if self.ids.is_empty() {
            return u32::try_from(original).ok().filter(|&u| u < self.n);
        }
        self.ids.binary_search(&original).ok().map(|i| i as u32)
    }

    /// The sorted original ids (empty for an identity map).
    pub(super) fn raw(&self) -> &[u64] {
        &self.ids
    }

    /// Heap bytes held.
    pub fn memory_bytes(&self) -> usize {
        self.ids.capacity() * 8
    }
}

/// Fast lookups from original to dense ids while loading (see the module
/// doc): an open-addressing table built once from the sorted ids and only
/// read during the parallel second pass.
pub(super) struct Remap {
    /// Slots of `[id low 32 bits, id high 32 bits, dense id]`, `EMPTY` as
    /// the dense id of a free slot. 12 bytes, so one slot rarely straddles a
    /// cache line and a probe sequence usually stays in one.
    slots: Vec<[u32; 3]>,
    /// Number of users (for the identity map, which needs no table).
    n: u64,
}

/// The dense id of a free slot (never a user's: at most u32::MAX - 1 users).
const EMPTY: u32 = u32::MAX;
/// Slots per user, as a fraction: 3/2 keeps the table 2/3 full, so a
/// linear probe averages about two slots on a hit (one cache line) while
/// the table takes 18 bytes per user.
const SLOTS_NUM: u64 = 3;
/// See [`SLOTS_NUM`].
const SLOTS_DEN: u64 = 2;

impl Remap {
    /// Builds the table over `map`'s ids.
    pub(super) fn new(map: &IdMap) -> Result<Remap, String> {
        let ids = map.raw();
        let n = u64::from(map.users());
        let mut slots: Vec<[u32; 3]> = Vec::new();
        if ids.is_empty() {
            return Ok(Remap { slots, n });
        }
        let len = (ids.len() as u64 * SLOTS_NUM / SLOTS_DEN + 1) as usize;
        slots
            .try_reserve_exact(len)
            .map_err(|_| format!("cannot allocate {} MB for the id table", (len * 12) >> 20))?;
        slots.resize(len, [0, 0, EMPTY]);
        for (dense, &x) in ids.iter().enumerate() {
            let mut i = slot_of(x, len);
            while slots[i][2] != EMPTY {
                i = if i + 1 == len { 0 } else { i + 1 };
            }
            slots[i] = [x as u32, (x >> 32) as u32, dense as u32];
        }
        Ok(Remap { slots, n })
    }

    /// The dense id of `x`, None if unknown.
    #[inline]
    pub(super) fn get(&self, x: u64) -> Option<u32> {
        let len = self.slots.len();
        if len == 0 {
            return (x < self.n).then_some(x as u32);
        }
        let key = [x as u32, (x >> 32) as u32];
        let mut i = slot_of(x, len);
        loop {
            let s = self.slots[i];
            if s[2] == EMPTY {
                return None;
            }
            if s[..2] == key {
                return Some(s[2]);
            }
            i = if i + 1 == len { 0 } else { i + 1 };
        }
    }
}

/// The home slot of `x` among `len`: a multiplicative hash (the 64-bit
/// golden-ratio constant, after folding the high half in so ids differing
/// only there spread too), scaled to 0..len by its high bits
/// (multiply-shift, no division and any `len`).
#[inline]
fn slot_of(x: u64, len: usize) -> usize {
    let h = (x ^ (x >> 32)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    ((u128::from(h) * len as u128) >> 64) as usize
}

/// The bitmap may hold at most max(2^26, 4 × input bytes, this × ids read)
/// bits...
const BITMAP_PER_ID: u64 = 16;
/// ... and never more than this many.
const BITMAP_MAX_BITS: u64 = 1 << 36;

/// Collects the distinct ids of the first pass (see the module doc).
pub(super) struct IdCollector {
    /// Seen ids while in bitmap mode (None once switched to runs).
    bitmap: Option<Vec<AtomicU64>>,
    /// Sorted distinct runs, sizes decreasing (runs mode).
    runs: Vec<Vec<u64>>,
    /// Ids read so far (with repeats).
    read: u64,
    /// About how many bytes the input holds (uncompressed).
    input_bytes: u64,
}

impl IdCollector {
    /// An empty collector, in bitmap mode, for an input of about
    /// `input_bytes` bytes of text.
    pub(super) fn new(input_bytes: u64) -> IdCollector {
        IdCollector {
            bitmap: Some(Vec::new()),
            runs: Vec::new(),
            read: 0,
            input_bytes,
        }
    }

    /// Counts `count` more ids up to `max`, switches to runs if the bitmap
    /// would outgrow its limit, and grows the bitmap to cover `max`.
    /// Returns the bitmap if still in bitmap mode.
    fn prepare(&mut self, count: u64, max: u64) -> Result<Option<&[AtomicU64]>, String> {
        self.read += count;
        let limit = BITMAP_MAX_BITS.min(
            (1u64 << 26)
                .max(BITMAP_PER_ID.saturating_mul(self.read))
                .max(self.input_bytes.saturating_mul(4)),
        );
        if self.bitmap.is_some() && max >= limit {
            let bits = self.bitmap.take().unwrap_or_default();
            let run = bitmap_ids(&bits)?;
            drop(bits);
            self.push_run(run)?;
        }
        let Some(bits) = &mut self.bitmap else {
            return Ok(None);
        };
        let words = (max / 64 + 1) as usize;
        if bits.len() < words {
            bits.try_reserve(words - bits.len()).map_err(|_| {
                format!("cannot allocate {} MB for the id bitmap", (words * 8) >> 20)
            })?;
            bits.resize_with(words, || AtomicU64::new(0));
        }
        Ok(self.bitmap.as_deref())
    }

    /// Adds one block's ids (each piece's in any order, repeats allowed).
    pub(super) fn add(&mut self, pieces: Vec<Vec<u64>>) -> Result<(), String> {
        let count: u64 = pieces.iter().map(|p| p.len() as u64).sum();
        let max = pieces
            .par_iter()
            .map(|p| p.iter().copied().max().unwrap_or(0))
            .max()
            .unwrap_or(0);
        if let Some(bits) = self.prepare(count, max)? {
            pieces.par_iter().for_each(|p| {
                for &x in p {
                    bits[(x / 64) as usize].fetch_or(1 << (x % 64), Ordering::Relaxed);
                }
            });
            return Ok(());
        }
        let mut all = Vec::new();
        all.try_reserve_exact(count as usize)
            .map_err(|_| "cannot allocate memory for the ids".to_string())?;
        for p in pieces {
            all.extend_from_slice(&p);
        }
        all.par_sort_unstable();
        all.dedup();
        self.push_run(all)
    }

    /// Adds the ids of one block's u32 pairs. Returns whether the collector
    /// is still a bitmap (so the pairs can later be renumbered in place by
    /// [`IdCollector::finish_ranked`]).
    pub(super) fn add_pairs(&mut self, pieces: &[Vec<[u32; 2]>]) -> Result<bool, String> {
        let count: u64 = pieces.iter().map(|p| 2 * p.len() as u64).sum();
        let max = pieces
            .par_iter()
            .map(|p| p.iter().map(|e| e[0].max(e[1])).max().unwrap_or(0))
            .max()
            .unwrap_or(0);
        if let Some(bits) = self.prepare(count, u64::from(max))? {
            pieces.par_iter().for_each(|p| {
                for &x in p.iter().flatten() {
                    bits[(x / 64) as usize].fetch_or(1 << (x % 64), Ordering::Relaxed);
                }
            });
            return Ok(true);
        }
        self.read -= count;
        let ids = pieces
            .iter()
            .map(|p| p.iter().flatten().map(|&x| u64::from(x)).collect())
            .collect();
        self.add(ids)?;
        Ok(false)
    }

    /// The distinct ids, sorted ascending, and (in bitmap mode) the rank
    /// directory that renumbers them.
    pub(super) fn finish_ranked(mut self) -> Result<(Vec<u64>, Option<BitRank>), String> {
        let Some(bits) = self.bitmap.take() else {
            return Ok((self.finish()?, None));
        };
        let ids = bitmap_ids(&bits)?;
        let words: Vec<u64> = bits.into_iter().map(AtomicU64::into_inner).collect();
        let mut ranks: Vec<u32> = Vec::new();
        ranks
            .try_reserve_exact(words.len())
            .map_err(|_| "cannot allocate memory for the rank directory".to_string())?;
        let mut acc = 0u32;
        for w in &words {
            ranks.push(acc);
            acc += w.count_ones();
        }
        Ok((ids, Some(BitRank { words, ranks })))
    }

    fn push_run(&mut self, run: Vec<u64>) -> Result<(), String> {
        self.runs.push(run);
        while self.runs.len() >= 2 {
            let k = self.runs.len();
            if self.runs[k - 1].len() * 2 < self.runs[k - 2].len() {
                break;
            }
            let b = self.runs.pop().unwrap_or_default();
            let a = self.runs.pop().unwrap_or_default();
            self.runs.push(merge(a, b)?);
        }
        Ok(())
    }

    /// The distinct ids, sorted ascending.
    pub(super) fn finish(mut self) -> Result<Vec<u64>, String> {
        if let Some(bits) = self.bitmap.take() {
            return bitmap_ids(&bits);
        }
        let mut acc = self.runs.pop().unwrap_or_default();
        while let Some(older) = self.runs.pop() {
            acc = merge(older, acc)?;
        }
        Ok(acc)
    }
}

/// The set bits of `bits`, ascending.
fn bitmap_ids(bits: &[AtomicU64]) -> Result<Vec<u64>, String> {
    let total: u64 = bits
        .par_iter()
        .map(|w| u64::from(w.load(Ordering::Relaxed).count_ones()))
        .sum();
    let mut ids = Vec::new();
    ids.try_reserve_exact(total as usize)
        .map_err(|_| format!("cannot allocate {} MB for the ids", (total * 8) >> 20))?;
    for (i, w) in bits.iter().enumerate() {
        let mut w = w.load(Ordering::Relaxed);
        while w != 0 {
            ids.push(i as u64 * 64 + u64::from(w.trailing_zeros()));
            w &= w - 1;
        }
    }
    Ok(ids)
}

/// Dense ids from the bitmap of seen ids: the rank of an id is the number
/// of set bits below it (a per-word prefix count plus one popcount).
pub(super) struct BitRank {
    words: Vec<u64>,
    ranks: Vec<u32>,
}

impl BitRank {
    /// The dense id of `x`, which must have been seen (unchecked beyond
    /// bounds: the pairs renumbered are the ones that set the bits).
    #[inline]
    pub(super) fn rank(&self, x: u32) -> u32 {
        let w = (x / 64) as usize;
        self.ranks[w] + (self.words[w] & ((1u64 << (x % 64)) - 1)).count_ones()
    }
}

/// Union of two sorted distinct runs.
fn merge(a: Vec<u64>, b: Vec<u64>) -> Result<Vec<u64>, String> {
    let mut out = Vec::new();
    out.try_reserve_exact(a.len() + b.len())
        .map_err(|_| "cannot allocate memory for the ids".to_string())?;
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        let (x, y) = (a[i], b[j]);
        out.push(x.min(y));
        i += usize::from(x <= y);
        j += usize::from(y <= x);
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collector_and_remap_agree_in_both_modes() {
        for scale in [1u64, 1 << 40] {
            let mut c = IdCollector::new(0);
            let mut all = Vec::new();
            for block in 0..5u64 {
                let pieces: Vec<Vec<u64>> = (0..3u64)
                    .map(|p| {
                        (0..200u64)
                            .map(|i| ((i * 7919 + p * 31 + block * 13) % 997) * scale + 5)
                            .collect()
                    })
                    .collect();
                all.extend(pieces.iter().flatten().copied());
                c.add(pieces).unwrap();
            }
            all.sort_unstable();
            all.dedup();
            let ids = c.finish().unwrap();
            assert_eq!(ids, all);
            let map = IdMap::from_sorted(ids).unwrap();
            assert!(!map.is_identity());
            let r = Remap::new(&map).unwrap();
            for (i, &x) in all.iter().enumerate() {
                assert_eq!(r.get(x), Some(i as u32));
                assert_eq!(map.dense_id(x), Some(i as u32));
                assert_eq!(map.original_id(i as u32), x);
            }
            for x in [
                0,
                4,
                6,
                5 + scale,
                7 + scale,
                u64::MAX,
                all[all.len() - 1] + 1,
            ] {
                let want = all.binary_search(&x).ok().map(|i| i as u32);
                assert_eq!(r.get(x), want, "{x}");
                assert_eq!(map.dense_id(x), want);
            }
        }
    }

    #[test]
    fn identity_and_bad_runs() {
        let map = IdMap::from_sorted((0..10).collect()).unwrap();
        assert!(map.is_identity());
        assert_eq!(map.memory_bytes(), 0);
        assert_eq!((map.dense_id(9), map.dense_id(10)), (Some(9), None));
        assert_eq!(map.original_id(3), 3);
        let r = Remap::new(&map).unwrap();
        assert_eq!((r.get(9), r.get(10)), (Some(9), None));
        assert!(IdMap::from_sorted(vec![1, 1]).is_none());
        assert!(IdMap::from_sorted(vec![2, 1]).is_none());
        assert_eq!(
            merge(vec![1, 3, 5], vec![2, 3, 6]).unwrap(),
            vec![1, 2, 3, 5, 6]
        );
    }

    #[test]
    fn remap_finds_every_id_and_no_other_at_any_size() {
        // Ids that differ only in their high half, and small tables, so
        // probes collide and wrap around the end.
        for n in 1..60u64 {
            let ids: Vec<u64> = (0..n).map(|i| (i << 32) | 7).collect();
            let map = IdMap::from_sorted(ids.clone()).unwrap();
            let r = Remap::new(&map).unwrap();
            for (i, &x) in ids.iter().enumerate() {
                assert_eq!(r.get(x), Some(i as u32), "{n} {x}");
                assert_eq!(r.get(x + 1), None);
                assert_eq!(r.get(x ^ (1 << 63)), None);
            }
            assert_eq!(r.get(7 + (n << 32)), None);
        }
    }
}
