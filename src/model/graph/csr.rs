//! A [`Graph`] from a loaded edge array: counting scatter into follower
//! lists, per-list sort and deduplication, then the same ranking and
//! transposition as a generated graph, so a loaded graph keeps every
//! invariant of [`Graph::build`] (lists sorted and distinct, no self-follow,
//! followees in rank order, `by_rank` by follower count then id).
//!
//! Memory: the edge array (8 bytes per raw edge) and the raw follower lists
//! (4 bytes per raw edge) coexist during the scatter, plus 12 bytes per user
//! of offsets and cursors: about 12 bytes per edge at the peak, against 8 in
//! the final graph. The edge array is freed before the transposition, whose
//! peak is the final graph plus its cursors (see [`super::transpose`]).

use super::stored::rank_users;
use super::transpose::transpose;
use super::{Graph, cumulative, try_zeroed};
use rayon::prelude::*;
use std::sync::atomic::{AtomicU32, Ordering};

/// Edges per parallel task.
const TASK: usize = 1 << 20;

/// A shared view of the raw follower array for the parallel scatter: each
/// position is claimed exactly once through an atomic cursor.
struct Scatter {
    ptr: *mut u32,
    len: usize,
}

// SAFETY: positions are claimed by `fetch_add` on per-list cursors, so no two
// threads write the same position, and nobody reads during the scatter.
unsafe impl Send for Scatter {}
unsafe impl Sync for Scatter {}

impl Scatter {
    /// Writes `v` at `pos` (bounds checked).
    ///
    /// # Safety
    /// No other thread may access `pos` during the scatter.
    #[inline]
    unsafe fn write(&self, pos: usize, v: u32) {
        assert!(pos < self.len, "scatter out of bounds");
        // SAFETY: in bounds; exclusive by the caller's contract.
        unsafe { self.ptr.add(pos).write(v) }
    }
}

/// Builds the graph of `n` users from `edges` ([follower, followee] pairs,
/// ids < n, no self-loops, duplicates allowed). Returns the graph and the
/// number of duplicate edges dropped. Deterministic whatever the order of
/// `edges` and the thread count.
pub(super) fn graph_from_edges(n: u32, edges: Vec<[u32; 2]>) -> Result<(Graph, u64), String> {
    let nu = n as usize;
    let raw = edges.len();
    // Raw in-degrees (duplicates included): a count past u32 is refused.
    let counts: Vec<AtomicU32> = (0..nu).into_par_iter().map(|_| AtomicU32::new(0)).collect();
    let overflow = edges.par_chunks(TASK).any(|c| {
        c.iter()
            .any(|e| counts[e[1] as usize].fetch_add(1, Ordering::Relaxed) == u32::MAX)
    });
    if overflow {
        return Err("an account has more than 4294967295 follow lines".to_string());
    }
    let plain: Vec<u32> = counts
        .par_iter()
        .map(|c| c.swap(0, Ordering::Relaxed))
        .collect();
    let raw_off = cumulative(&plain, "raw follower offsets")?;
    drop(plain);
    let mut adj: Vec<u32> = try_zeroed(raw, "raw follower lists")?;
    let target = Scatter {
        ptr: adj.as_mut_ptr(),
        len: adj.len(),
    };
    edges.par_chunks(TASK).for_each(|c| {
        for &[f, v] in c {
            let k = counts[v as usize].fetch_add(1, Ordering::Relaxed);
            let pos = raw_off[v as usize] + u64::from(k);
            // SAFETY: k is unique per list, and pos stays inside list v.
            unsafe { target.write(pos as usize, f) };
        }
    });
    drop(counts);
    drop(edges);
    let kept = sort_dedup_lists(&raw_off, &mut adj)?;
    let (in_off, in_adj) = compact(&raw_off, adj, &kept)?;
    drop(raw_off);
    let duplicates = raw as u64 - in_off[nu];
    let by_rank = rank_users(&kept)?;
    drop(kept);
    let (out_off, out_adj) = transpose(nu, &in_off, &in_adj, &by_rank)?;
    Ok((
        Graph {
            in_off,
            in_adj,
            out_off,
            out_adj,
            by_rank,
            sampled: None,
        },
        duplicates,
    ))
}

/// Sorts every raw list and moves its distinct ids to its front; returns
/// each list's distinct count.
fn sort_dedup_lists(off: &[u64], adj: &mut [u32]) -> Result<Vec<u32>, String> {
    let n = off.len() - 1;
    let mut kept: Vec<u32> = try_zeroed(n, "follower counts")?;
    // Groups of consecutive users holding about TASK edges each.
    let mut groups: Vec<(usize, &mut [u32], &mut [u32])> = Vec::new();
    let (mut rest, mut rest_kept) = (adj, &mut kept[..]);
    let mut start = 0usize;
    while start < n {
        let mut end = start + 1;
        while end < n && off[end] - off[start] < TASK as u64 {
            end += 1;
        }
        let len = (off[end] - off[start]) as usize;
        let (head, tail) = std::mem::take(&mut rest).split_at_mut(len);
        let (khead, ktail) = std::mem::take(&mut rest_kept).split_at_mut(end - start);
        groups.push((start, head, khead));
        rest = tail;
        rest_kept = ktail;
        start = end;
    }
    groups.into_par_iter().for_each(|(start, slice, k)| {
        let base = off[start];
        for (i, slot) in k.iter_mut().enumerate() {
            let a = (off[start + i] - base) as usize;
            let b = (off[start + i + 1] - base) as usize;
            let list = &mut slice[a..b];
            list.sort_unstable();
            let mut w = 0usize;
            for r in 0..list.len() {
                if w == 0 || list[r] != list[w - 1] {
                    list[w] = list[r];
                    w += 1;
                }
            }
            *slot = w as u32;
        }
    });
    Ok(kept)
}

/// Closes the gaps the duplicates left: the final offsets and lists.
fn compact(
    raw_off: &[u64],
    mut adj: Vec<u32>,
    kept: &[u32],
) -> Result<(Vec<u64>, Vec<u32>), String> {
    let in_off = cumulative(kept, "follower offsets")?;
    let n = kept.len();
    if in_off[n] != raw_off[n] {
        for u in 0..n {
            let src = raw_off[u] as usize;
            let dst = in_off[u] as usize;
            let len = kept[u] as usize;
            if src != dst && len > 0 {
                adj.copy_within(src..src + len, dst);
            }
        }
        adj.truncate(in_off[n] as usize);
        adj.shrink_to_fit();
    }
    Ok((in_off, adj))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicates_dropped_and_lists_sorted() {
        let edges = vec![[2, 0], [1, 0], [2, 0], [0, 1], [3, 1], [1, 0], [0, 3]];
        let (g, dups) = graph_from_edges(4, edges).unwrap();
        assert_eq!(dups, 2);
        assert_eq!(g.edges(), 5);
        assert_eq!(g.followers(0), &[1, 2]);
        assert_eq!(g.followers(1), &[0, 3]);
        assert!(g.followers(2).is_empty());
        assert_eq!(g.followers(3), &[0]);
        // Followees by follower count descending, ties by id.
        assert_eq!(g.followees(0), &[1, 3]);
        assert_eq!(g.by_rank(1), Some(0));
        assert_eq!(g.by_rank(4), Some(2));
    }
}
