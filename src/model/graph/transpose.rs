//! The followee lists of a stored graph, by transposing the follower lists
//! without sorting.
//!
//! Why: sorting 750M edges (10M users at mean 75) by followee would take
//! longer than drawing them. Instead, the non-empty follower lists are
//! visited in rank order, split into contiguous rank blocks (four per
//! thread); each block counts its edges per follower, which gives every
//! block a disjoint sub-range of each followee list, then writes its
//! sub-ranges in rank order. The lists come out sorted by rank and identical
//! for any thread count. Each block walks its lists partition by partition
//! of follower ids (about 1 MB of cursors and 32 MB of output each), which
//! keeps the scatter in cache instead of spread over gigabytes.
//!
//! Peak memory during the transposition is the final graph plus about (20 +
//! 4 per block) bytes per user: 10M users at mean 75 hold 6.25 GB and peak
//! at about 6.6 GB (see [`super::memory`]).

use super::memory::rank_blocks_wanted;
use super::try_zeroed;
use rayon::prelude::*;

/// A shared view of the followee array for the parallel scatter. Each rank
/// block writes only its own disjoint sub-ranges (see `transpose`).
struct ScatterTarget {
    ptr: *mut u32,
    len: usize,
}

// SAFETY: the pointer is only used through `write`, whose callers write
// disjoint positions, and the target outlives the scoped parallel loop.
unsafe impl Send for ScatterTarget {}
unsafe impl Sync for ScatterTarget {}

impl ScatterTarget {
    /// Writes `v` at `pos`.
    ///
    /// # Safety
    /// No other thread may read or write `pos` during the scatter.
    #[inline]
    unsafe fn write(&self, pos: usize, v: u32) {
        assert!(pos < self.len, "scatter out of bounds");
        // SAFETY: in bounds (checked above); exclusive by the caller's contract.
        unsafe { self.ptr.add(pos).write(v) }
    }
}

/// Builds the followee CSR from the follower CSR, each list in rank order.
///
/// The non-empty follower lists, in rank order, are split into contiguous
/// blocks of about equal cost. Each block walks its lists twice
/// (see `walk`): once counting its edges per follower f, which gives it a
/// disjoint sub-range of every followee list, once writing them. Blocks
/// write in rank order into sub-ranges laid out in block order, so every
/// list comes out in rank order whatever the number of blocks.
pub(super) fn transpose(
    n: usize,
    in_off: &[u64],
    in_adj: &[u32],
    by_rank: &[u32],
) -> Result<(Vec<u64>, Vec<u32>), String> {
    let edges = in_adj.len();
    // Users with no follower rank last; their empty lists are skipped.
    let live = by_rank.partition_point(|&v| in_off[v as usize + 1] > in_off[v as usize]);
    let ranked = &by_rank[..live];

    // f-partitions: cursors of one partition fit in L2 (1 MB), its followee
    // lists in about 32 MB.
    let parts = (n * 8)
        .div_ceil(1 << 20)
        .max((edges * 4).div_ceil(32 << 20))
        .clamp(1, n.max(1));
    let width = n.div_ceil(parts).max(1);

    // Contiguous rank blocks of about equal cost, four per thread so that
    // work stealing can even out the rest. A list costs its edges plus, for
    // every partition it has an edge in, about six edges' worth of cache
    // misses (fitted on a 10M-user build): light lists cost more per edge.
    let cost = |v: u32| {
        let d = in_off[v as usize + 1] - in_off[v as usize];
        d + 6 * d.min(parts as u64)
    };
    let total_cost: u64 = ranked.par_iter().map(|&v| cost(v)).sum();
    let blocks_wanted = rank_blocks_wanted().min(live.max(1));
    let mut blocks: Vec<(usize, usize)> = Vec::with_capacity(blocks_wanted);
    let mut start = 0usize;
    let mut acc = 0u64;
    for b in 1..=blocks_wanted {
        let target = total_cost * b as u64 / blocks_wanted as u64;
        let mut end = start;
        while end < live && (acc < target || b == blocks_wanted) {
            acc += cost(ranked[end]);
            end += 1;
        }
        if end > start {
            blocks.push((start, end));
        }
        start = end;
    }

    // Per block, how many edges it gives each follower; then, in place, the
    // offset within each list where the block writes its first edge.
    let mut cursors: Vec<Vec<u32>> = Vec::with_capacity(blocks.len());
    for _ in &blocks {
        cursors.push(try_zeroed(n, "transposition cursors")?);
    }
    blocks
        .par_iter()
        .zip(cursors.par_iter_mut())
        .map(|(&(r0, r1), cnt)| {
            walk(&ranked[r0..r1], in_off, in_adj, n, width, |f, _| {
                cnt[f as usize] += 1;
            })
        })
        .collect::<Result<Vec<()>, String>>()?;
    let mut out_off: Vec<u64> = try_zeroed(n + 1, "followee offsets")?;
    let mut total = 0u64;
    for f in 0..n {
        out_off[f] = total;
        // A followee count is below n, so it fits in u32.
        let mut within = 0u32;
        for cnt in cursors.iter_mut() {
            let c = cnt[f];
            cnt[f] = within;
            within += c;
        }
        total += u64::from(within);
    }
    out_off[n] = total;
    debug_assert_eq!(total, edges as u64);

    let mut out_adj: Vec<u32> = try_zeroed(edges, "followee lists")?;
    let target = ScatterTarget {
        ptr: out_adj.as_mut_ptr(),
        len: out_adj.len(),
    };
    blocks
        .par_iter()
        .zip(cursors.par_iter_mut())
        .map(|(&(r0, r1), cur)| {
            walk(&ranked[r0..r1], in_off, in_adj, n, width, |f, v| {
                let c = &mut cur[f as usize];
                let pos = out_off[f as usize] + u64::from(*c);
                *c += 1;
                // SAFETY: this block owns positions [start_b(f), start_b(f) +
                // count_b(f)) of every list f, disjoint from every other
                // block's, and writes each exactly once.
                unsafe { target.write(pos as usize, v) };
            })
        })
        .collect::<Result<Vec<()>, String>>()?;
    Ok((out_off, out_adj))
}

/// Calls `visit(f, v)` for every edge "f follows v" of the follower lists of
/// `lists` (ids, in rank order), partition by partition of f (ids in
/// `[q * width, (q + 1) * width)`), each partition's edges in list order.
///
/// Why: visiting in f-partitions keeps the transposition's writes in a few
/// MB of cursors and tens of MB of output at a time instead of scattering
/// over the whole graph. Each list keeps a read position and the id it
/// points at, scanned sequentially, so a partition touches only the lists
/// with an edge in it.
fn walk(
    lists: &[u32],
    in_off: &[u64],
    in_adj: &[u32],
    n: usize,
    width: usize,
    mut visit: impl FnMut(u32, u32),
) -> Result<(), String> {
    let m = lists.len();
    // The id each list points at next (u32::MAX when done), scanned once per
    // partition; the rest of a list's state is only touched when it has an
    // edge in the partition.
    let mut next: Vec<u32> = try_zeroed(m, "transposition state")?;
    let mut state: Vec<ListState> = Vec::new();
    state.try_reserve_exact(m).map_err(|_| {
        format!(
            "graph: cannot allocate {} MB for the transposition state",
            (m * 16) >> 20
        )
    })?;
    for (i, &v) in lists.iter().enumerate() {
        let (a, b) = (in_off[v as usize], in_off[v as usize + 1]);
        next[i] = if a < b { in_adj[a as usize] } else { u32::MAX };
        state.push(ListState {
            pos: a,
            left: (b - a) as u32,
            v,
        });
    }
    let mut lo = 0usize;
    while lo < n {
        // Ids are below n <= u32::MAX, so the done mark u32::MAX is never
        // below hi.
        let hi = (lo + width).min(n) as u32;
        for i in 0..m {
            // Prefetch the read position of a list a few ahead, if it has
            // an edge in this partition.
            if let Some(&ahead) = next.get(i + PREFETCH_AHEAD)
                && ahead < hi
            {
                prefetch(in_adj, state[i + PREFETCH_AHEAD].pos as usize);
            }
            let (nx, st) = (&mut next[i], &mut state[i]);
            let mut f = *nx;
            if f >= hi {
                continue;
            }
            let v = st.v;
            let mut p = st.pos as usize;
            let mut left = st.left;
            loop {
                visit(f, v);
                p += 1;
                left -= 1;
                if left == 0 {
                    f = u32::MAX;
                    break;
                }
                f = in_adj[p];
                if f >= hi {
                    break;
                }
            }
            st.pos = p as u64;
            st.left = left;
            *nx = f;
        }
        lo += width;
    }
    Ok(())
}

/// How many lists ahead `walk` prefetches the next follower id of: one cache
/// miss per list and partition otherwise, which dominates the transposition
/// once most users have a few dozen followers.
const PREFETCH_AHEAD: usize = 16;

/// Hints the cache to load `a[i]` (no-op off x86-64 or out of bounds).
#[inline(always)]
fn prefetch(a: &[u32], i: usize) {
    #[cfg(target_arch = "x86_64")]
    if i < a.len() {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        // SAFETY: a prefetch never faults; the address is in bounds anyway.
        unsafe { _mm_prefetch::<_MM_HINT_T0>(a.as_ptr().add(i).cast::<i8>()) };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (a, i);
}

/// Where the transposition stands in one follower list.
struct ListState {
    /// Position in the follower array of the next edge to visit.
    pos: u64,
    /// Edges of the list not yet visited.
    left: u32,
    /// The followed account.
    v: u32,
}
