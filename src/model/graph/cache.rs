//! The binary form of a loaded graph: written beside a text edge list after
//! its first load, so later loads read arrays at disk speed instead of
//! parsing; also an input format of its own (`format = "binary"`).
//!
//! # Layout (little-endian)
//!
//! A header of [`HEADER_WORDS`] u64 words: the 8 magic bytes [`MAGIC`], the
//! version, users, edges, whether the ids are 0..n, the load statistics
//! (lines, self-loops, duplicates), the source's key (present, size,
//! modification time in ns, sampled content hash, direction), then the hash
//! of those words. Then six sections, each its raw array followed by the
//! u64 hash of its bytes: original ids (absent for 0..n), follower offsets,
//! follower lists, followee offsets, followee lists, users by rank. The
//! file's exact length follows from the header, so a cut file is refused
//! before anything large is allocated.
//!
//! # Staleness
//!
//! A cache is used only if its source key equals the source's now: same
//! size, same modification time, same [`sample_hash`] (64 windows of 64 KiB
//! spread over the file, the whole file below 4 MiB) and same direction.
//! Sampling keeps the check at a few milliseconds for a 25 GB source; an
//! edit that keeps the size and the modification time and touches no
//! window would go unseen, which takes a deliberate `touch -d`. Anything
//! else (missing, stale, corrupt cache) makes the caller parse the source
//! and rewrite the cache, never use it.
//!
//! # Integrity
//!
//! [`hash64`] (a multiply-rotate hash over 8-byte words, 1 MiB chunks in
//! parallel, combined in order) checks every section; then the structure is
//! validated (offsets monotone, ids in range, lists sorted, no self-follow,
//! `by_rank` a permutation in rank order) so that even a crafted file
//! cannot make a lookup panic.

use super::edgelist::{Direction, GraphFileError, LoadStats};
use super::idmap::IdMap;
use super::{Graph, try_zeroed};
use rayon::prelude::*;
use std::fs::File;
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// The first bytes of a binary graph file.
pub const MAGIC: &[u8; 8] = b"FANOUTG\x01";
/// Format version.
const VERSION: u64 = 1;
/// Header words, the hash excluded.
pub const HEADER_WORDS: usize = 14;

/// What happened with the binary cache during a load (for the report).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CacheOutcome {
    /// Caching was off.
    Off,
    /// The file itself was a binary graph.
    Binary,
    /// A valid cache was read.
    Hit(PathBuf),
    /// The source was parsed and the cache written; `previous` says why an
    /// existing cache was not used.
    Written {
        /// The cache file.
        path: PathBuf,
        /// Why the old cache was refused (None: there was none).
        previous: Option<String>,
    },
    /// The source was parsed but the cache could not be written (not an
    /// error: the next load parses again).
    WriteFailed {
        /// The cache file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
}

/// The default cache of `source`: `SOURCE.fanout-graph` beside it.
pub fn cache_path(source: &Path) -> PathBuf {
    let mut name = source.as_os_str().to_owned();
    name.push(".fanout-graph");
    PathBuf::from(name)
}

/// What identifies a source file's content for the cache.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SourceKey {
    /// Size in bytes.
    pub size: u64,
    /// Modification time, ns since the epoch (0 if unknown).
    pub mtime_ns: u64,
    /// [`sample_hash`] of the content.
    pub hash: u64,
    /// How pairs were read.
    pub direction: Direction,
}

impl SourceKey {
    /// The key of `path` now.
    pub fn of(path: &Path, direction: Direction) -> Result<SourceKey, GraphFileError> {
        let err = |e| GraphFileError::Io {
            path: path.display().to_string(),
            source: e,
        };
        let meta = std::fs::metadata(path).map_err(err)?;
        let mtime_ns = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos() as u64);
        let hash = sample_hash(path, meta.len()).map_err(err)?;
        Ok(SourceKey {
            size: meta.len(),
            mtime_ns,
            hash,
            direction,
        })
    }
}

/// Hash of 64 windows of 64 KiB spread evenly over a file of `size` bytes
/// (the whole file when it is at most 4 MiB).
pub fn sample_hash(path: &Path, size: u64) -> std::io::Result<u64> {
    const WINDOWS: u64 = 64;
    const WINDOW: u64 = 64 << 10;
    let mut f = File::open(path)?;
    let mut buf = Vec::new();
    if size <= WINDOWS * WINDOW {
        f.read_to_end(&mut buf)?;
    } else {
        let mut w = vec![0u8; WINDOW as usize];
        for i in 0..WINDOWS {
            let at = (size - WINDOW) * i / (WINDOWS - 1);
            f.seek(SeekFrom::Start(at))?;
            f.read_exact(&mut w)?;
            buf.extend_from_slice(&w);
        }
    }
    Ok(hash64(&buf) ^ size.rotate_left(17))
}

/// A fast 64-bit hash of `bytes` for integrity checks (not cryptographic):
/// a multiply-rotate chain over 8-byte words in 1 MiB chunks hashed in
/// parallel, chunk hashes combined in order. Independent of the thread count.
pub fn hash64(bytes: &[u8]) -> u64 {
    const P1: u64 = 0x9E37_79B9_7F4A_7C15;
    const P2: u64 = 0xC2B2_AE3D_27D4_EB4F;
    let chunk_hash = |(i, c): (usize, &[u8])| {
        let mut h = (i as u64).wrapping_mul(P2) ^ (c.len() as u64);
        let mut words = c.chunks_exact(8);
        for w in &mut words {
            let x = u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]);
            h = (h ^ x).wrapping_mul(P1).rotate_left(29);
        }
        let mut tail = [0u8; 8];
        tail[..words.remainder().len()].copy_from_slice(words.remainder());
        (h ^ u64::from_le_bytes(tail)).wrapping_mul(P2)
    };
    let parts: Vec<u64> = bytes
        .par_chunks(1 << 20)
        .enumerate()
        .map(chunk_hash)
        .collect();
    let mut h = bytes.len() as u64 ^ P1;
    for p in parts {
        h = (h ^ p).wrapping_mul(P1).rotate_left(31);
    }
    h ^ (h >> 29)
}

/// Elements stored raw: u32 and u64.
trait Word: Copy + Send + Sync + 'static {
    const SIZE: usize;
    fn swap(self) -> Self;
}
impl Word for u32 {
    const SIZE: usize = 4;
    fn swap(self) -> Self {
        self.swap_bytes()
    }
}
impl Word for u64 {
    const SIZE: usize = 8;
    fn swap(self) -> Self {
        self.swap_bytes()
    }
}

/// The bytes of `v` as stored (little-endian).
fn le_bytes<T: Word>(v: &[T]) -> std::borrow::Cow<'_, [u8]> {
    if cfg!(target_endian = "little") {
        // SAFETY: u32/u64 have no padding; any initialized value is valid
        // bytes, and the slice covers exactly v's memory.
        std::borrow::Cow::Borrowed(unsafe {
            std::slice::from_raw_parts(v.as_ptr().cast::<u8>(), std::mem::size_of_val(v))
        })
    } else {
        let mut out = Vec::with_capacity(std::mem::size_of_val(v));
        for &x in v {
            let s = x.swap();
            // SAFETY: as above, for one element.
            out.extend_from_slice(unsafe {
                std::slice::from_raw_parts((&raw const s).cast::<u8>(), T::SIZE)
            });
        }
        std::borrow::Cow::Owned(out)
    }
}

/// Writes `graph` (with its map and stats, and the source key if a cache)
/// to `path` atomically: a temporary file beside it, then a rename.
pub fn write_binary(
    path: &Path,
    graph: &Graph,
    ids: &IdMap,
    stats: &LoadStats,
    key: Option<&SourceKey>,
) -> std::io::Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(format!(".tmp{}", std::process::id()));
    let tmp = PathBuf::from(tmp);
    let result = (|| {
        let mut w = BufWriter::with_capacity(8 << 20, File::create(&tmp)?);
        let header = header_words(graph, ids, stats, key);
        let hb = le_bytes(&header[..]).into_owned();
        w.write_all(&hb)?;
        w.write_all(&hash64(&hb).to_le_bytes())?;
        section(&mut w, ids.raw())?;
        section(&mut w, &graph.in_off)?;
        section(&mut w, &graph.in_adj)?;
        section(&mut w, &graph.out_off)?;
        section(&mut w, &graph.out_adj)?;
        section(&mut w, &graph.by_rank)?;
        w.into_inner().map_err(|e| e.into_error())?.sync_all()
    })();
    match result {
        Ok(()) => std::fs::rename(&tmp, path),
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    }
}

fn section<T: Word>(w: &mut impl Write, v: &[T]) -> std::io::Result<()> {
    let b = le_bytes(v);
    w.write_all(&b)?;
    w.write_all(&hash64(&b).to_le_bytes())
}

fn header_words(
    graph: &Graph,
    ids: &IdMap,
    stats: &LoadStats,
    key: Option<&SourceKey>,
) -> [u64; HEADER_WORDS] {
    let k = key.copied().unwrap_or(SourceKey {
        size: 0,
        mtime_ns: 0,
        hash: 0,
        direction: Direction::FollowerFollowee,
    });
    [
        u64::from_le_bytes(*MAGIC),
        VERSION,
        u64::from(graph.users()),
        graph.edges(),
        u64::from(ids.is_identity()),
        stats.lines,
        stats.self_loops,
        stats.duplicates,
        u64::from(key.is_some()),
        k.size,
        k.mtime_ns,
        k.hash,
        u64::from(k.direction == Direction::FolloweeFollower),
        0,
    ]
}

/// Reads a binary graph. With `key`, refuses (as stale) a file written for
/// another source state. Every damage is an error, never a panic.
pub fn read_binary(
    path: &Path,
    key: Option<&SourceKey>,
) -> Result<(Graph, IdMap, LoadStats), GraphFileError> {
    let corrupt = |detail: String| GraphFileError::Corrupt {
        path: path.display().to_string(),
        detail,
    };
    let io = |e: std::io::Error| GraphFileError::Io {
        path: path.display().to_string(),
        source: e,
    };
    let mut f = File::open(path).map_err(io)?;
    let len = f.metadata().map_err(io)?.len();
    let mut hb = vec![0u8; HEADER_WORDS * 8 + 8];
    f.read_exact(&mut hb).map_err(|_| {
        corrupt(format!(
            "binary graph shorter than its {}-byte header",
            hb.len()
        ))
    })?;
    let h: Vec<u64> = hb
        .chunks_exact(8)
        .map(|c| u64::from_le_bytes(c.try_into().unwrap_or([0; 8])))
        .collect();
    if hb[..8] != MAGIC[..] {
        return Err(corrupt(
            "not a fanout binary graph (bad magic bytes)".into(),
        ));
    }
    if h[1] != VERSION {
        return Err(corrupt(format!(
            "binary graph version {} (this build reads {VERSION})",
            h[1]
        )));
    }
    if hash64(&hb[..HEADER_WORDS * 8]) != h[HEADER_WORDS] {
        return Err(corrupt("binary graph header checksum mismatch".into()));
    }
    if let Some(k) = key {
        let dir = u64::from(k.direction == Direction::FolloweeFollower);
        if h[8] != 1 || [h[9], h[10], h[11], h[12]] != [k.size, k.mtime_ns, k.hash, dir] {
            return Err(corrupt(
                "stale cache: its source changed since it was written".into(),
            ));
        }
    }
    let (users, edges, identity) = (h[2], h[3], h[4] == 1);
    if users == 0 || users >= u64::from(u32::MAX) {
        return Err(corrupt(format!("binary graph with {users} users")));
    }
    let id_words = if identity { 0 } else { users };
    let want = (HEADER_WORDS as u128 + 1) * 8
        + 6 * 8
        + u128::from(id_words) * 8
        + 2 * (u128::from(users) + 1) * 8
        + 2 * u128::from(edges) * 4
        + u128::from(users) * 4;
    if u128::from(len) != want {
        return Err(corrupt(format!(
            "binary graph is {len} bytes, its header says {want}"
        )));
    }
    let n = users as usize;
    let e = usize::try_from(edges).map_err(|_| corrupt("too many edges".into()))?;
    let mut r = std::io::BufReader::with_capacity(1 << 20, f);
    let fail = |e: SectionError| match e {
        SectionError::Io(x) => io(x),
        SectionError::Bad(d) => corrupt(d),
    };
    let ids_raw = read_section::<u64>(&mut r, id_words as usize, "original ids").map_err(fail)?;
    let in_off = read_section::<u64>(&mut r, n + 1, "follower offsets").map_err(fail)?;
    let in_adj = read_section::<u32>(&mut r, e, "follower lists").map_err(fail)?;
    let out_off = read_section::<u64>(&mut r, n + 1, "followee offsets").map_err(fail)?;
    let out_adj = read_section::<u32>(&mut r, e, "followee lists").map_err(fail)?;
    let by_rank = read_section::<u32>(&mut r, n, "rank list").map_err(fail)?;
    let ids = if identity {
        IdMap::identity(users as u32)
    } else {
        IdMap::from_sorted(ids_raw).ok_or_else(|| corrupt("original ids not sorted".into()))?
    };
    let graph = Graph {
        in_off,
        in_adj,
        out_off,
        out_adj,
        by_rank,
        sampled: None,
    };
    check_structure(&graph).map_err(corrupt)?;
    let stats = LoadStats {
        lines: h[5],
        edges,
        self_loops: h[6],
        duplicates: h[7],
        users: users as u32,
    };
    Ok((graph, ids, stats))
}

enum SectionError {
    Io(std::io::Error),
    Bad(String),
}

/// Reads `len` words and the section hash, checking it.
fn read_section<T: Word + ZeroOk>(
    r: &mut impl Read,
    len: usize,
    what: &str,
) -> Result<Vec<T>, SectionError> {
    let mut v: Vec<T> = T::zeroed(len).map_err(SectionError::Bad)?;
    {
        // SAFETY: the Vec holds len initialized words; any bytes are a valid
        // u32/u64.
        let bytes =
            unsafe { std::slice::from_raw_parts_mut(v.as_mut_ptr().cast::<u8>(), len * T::SIZE) };
        r.read_exact(bytes).map_err(SectionError::Io)?;
        let mut hb = [0u8; 8];
        r.read_exact(&mut hb).map_err(SectionError::Io)?;
        if hash64(bytes) != u64::from_le_bytes(hb) {
            return Err(SectionError::Bad(format!("{what}: checksum mismatch")));
        }
    }
    if cfg!(target_endian = "big") {
        v.par_iter_mut().for_each(|x| *x = x.swap());
    }
    Ok(v)
}

/// Word types with a zero-filled fallible allocation.
trait ZeroOk: Sized {
    fn zeroed(len: usize) -> Result<Vec<Self>, String>;
}
impl ZeroOk for u32 {
    fn zeroed(len: usize) -> Result<Vec<u32>, String> {
        try_zeroed(len, "binary graph section")
    }
}
impl ZeroOk for u64 {
    fn zeroed(len: usize) -> Result<Vec<u64>, String> {
        try_zeroed(len, "binary graph section")
    }
}

/// The structural promises every lookup relies on, checked in O(edges) in
/// parallel: offsets start at 0, never decrease and end at the edge count;
/// follower lists strictly ascending, followee lists in rank order, ids in
/// range, nobody follows themself; `by_rank` a permutation ordered by
/// follower count descending then id.
fn check_structure(g: &Graph) -> Result<(), String> {
    let n = g.by_rank.len();
    let e = g.in_adj.len() as u64;
    for (what, off, adj) in [
        ("follower", &g.in_off, &g.in_adj),
        ("followee", &g.out_off, &g.out_adj),
    ] {
        if off.len() != n + 1 || off[0] != 0 || off[n] != adj.len() as u64 || off[n] != e {
            return Err(format!("{what} offsets do not match the edge count"));
        }
        if !off.par_windows(2).all(|w| w[0] <= w[1]) {
            return Err(format!("{what} offsets decrease"));
        }
    }
    let in_ok = (0..n).into_par_iter().all(|u| {
        let l = g.followers(u as u32);
        l.windows(2).all(|w| w[0] < w[1])
            && l.last().is_none_or(|&v| (v as usize) < n)
            && !l.contains(&(u as u32))
    });
    if !in_ok {
        return Err("a follower list is unsorted, out of range or holds its own user".into());
    }
    let mut seen: Vec<u64> = try_zeroed(n.div_ceil(64), "rank check")?;
    for &u in &g.by_rank {
        let (w, b) = ((u / 64) as usize, 1u64 << (u % 64));
        if u as usize >= n || seen[w] & b != 0 {
            return Err("the rank list is not a permutation of the users".into());
        }
        seen[w] |= b;
    }
    let key = |v: u32| (std::cmp::Reverse(g.follower_count(v)), v);
    if !g.by_rank.par_windows(2).all(|w| key(w[0]) < key(w[1])) {
        return Err("the rank list is not in follower-count order".into());
    }
    let out_ok = (0..n).into_par_iter().all(|u| {
        let l = g.followees(u as u32);
        l.iter().all(|&v| (v as usize) < n && v != u as u32)
            && l.windows(2).all(|w| key(w[0]) < key(w[1]))
    });
    if !out_ok {
        return Err("a followee list is out of range, unordered or holds its own user".into());
    }
    Ok(())
}
