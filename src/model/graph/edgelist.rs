//! Bring your own follower graph: load an edge list (SNAP text, CSV, either
//! gzip-compressed, or this project's binary form) into a [`Graph`].
//!
//! # Pipeline and memory
//!
//! The text is streamed in blocks of [`BLOCK`] bytes cut at newlines, each
//! parsed in parallel pieces (see `parse`):
//!
//! - **One pass** while every id fits in u32 (SNAP's files, and every file
//!   [`super::export`] writes): the pairs go straight into one
//!   `[follower, followee]` array of u32 (8 bytes per pair) and their ids
//!   into a bitmap of seen ids; then each id is renumbered in place by its
//!   rank in the bitmap (a per-word prefix count plus a popcount, see
//!   [`super::idmap`]).
//! - **Two passes** otherwise (an id past u32, or ids too sparse for a
//!   bitmap): pass 1 collects the distinct ids (sorted runs), pass 2 parses
//!   again and remaps through a hash table of the ids (about one cache miss
//!   per id, see [`super::idmap`]) into the same array, reserved
//!   exactly from pass 1's count. This costs a second parse (and a second
//!   gzip decode) but never holds u64 pairs (16 bytes per edge).
//!
//! Then the graph is built from the array (see `csr`). The peak is about
//! 12 bytes per edge plus about 28 per user (the edge array, the raw
//! follower lists, offsets, cursors and ids; plus the bitmap, at most 512
//! MB in one pass), against about 8 per edge plus 28 per user for the
//! loaded graph and its [`IdMap`]: within 1.5× the final size. A 1.5B-edge
//! file (Twitter 2010, docs/references.md, Kwak et al. 2010) thus peaks
//! near 19 GB and holds 13 GB.
//!
//! The result is independent of the thread count and of how the file is
//! cut into blocks: ids are numbered in ascending order, and every list is
//! sorted before use. Gzip is recognized by its magic bytes, whatever the
//! file's name, and so is the binary form (see [`super::cache`]).

use super::Graph;
use super::cache::{self, CacheOutcome, SourceKey};
use super::csr::graph_from_edges;
use super::idmap::{IdCollector, IdMap, Remap};
use super::parse::{BadLine, ChunkCounts, SHOWN_BYTES, parse_chunk, split_lines};
use crate::error::FanoutError;
use rayon::prelude::*;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// Bytes of text read and parsed at a time.
pub const BLOCK: usize = 64 << 20;
/// Longest line kept whole (a longer one is refused as malformed).
const MAX_LINE: usize = 64 << 20;
/// Bytes per parallel parse task.
const PIECE: usize = 1 << 20;
/// Gzip's magic bytes.
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Why a graph file could not be loaded. Every variant is bad input (exit
/// status 2): its message is one line naming the file and what is wrong.
#[derive(Debug, thiserror::Error)]
pub enum GraphFileError {
    /// The file cannot be opened or read.
    #[error("{path}: cannot read: {source}")]
    Io {
        /// The file.
        path: String,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// A line is not a pair of ids.
    #[error(
        "{path}: line {line}: {content} is not an edge: expected two non-negative integer ids \
         (at most 18446744073709551615) separated by spaces, tabs or a comma; lines starting \
         with # are comments"
    )]
    Malformed {
        /// The file.
        path: String,
        /// 1-based line number.
        line: u64,
        /// The line, quoted, escaped and cut to 80 bytes.
        content: String,
    },
    /// No edge at all.
    #[error("{path}: no edges: the file is empty or holds only comments")]
    Empty {
        /// The file.
        path: String,
    },
    /// A compressed stream or binary file is cut short or damaged.
    #[error("{path}: truncated or corrupt: {detail}")]
    Corrupt {
        /// The file.
        path: String,
        /// What is wrong.
        detail: String,
    },
    /// The graph is too large for the graph's u32 ids or for memory.
    #[error("{path}: too large: {detail}")]
    TooLarge {
        /// The file.
        path: String,
        /// What does not fit.
        detail: String,
    },
    /// The file changed between the two passes.
    #[error("{path}: the file changed while it was being read; load it again")]
    Changed {
        /// The file.
        path: String,
    },
}

impl From<GraphFileError> for FanoutError {
    /// Every graph file error is the user's input: exit status 2.
    fn from(e: GraphFileError) -> FanoutError {
        FanoutError::Input(e.to_string())
    }
}

/// How the file is written (`population.graph.format`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum EdgeFormat {
    /// SNAP's text: "a b" pairs, `#` comments (blanks or a comma accepted).
    #[default]
    Snap,
    /// Comma-separated pairs, an optional header line (blanks accepted).
    Csv,
    /// Plain text pairs only (`text`): a gzip or binary file is refused
    /// rather than recognized, for a caller that wants to be sure what it
    /// reads.
    Text,
    /// Text pairs compressed with gzip (`text.gz`): refused if the file
    /// does not start with gzip's magic bytes, so a mislabelled file is
    /// named instead of being parsed as text.
    Gzip,
    /// This project's binary form (see [`super::cache`]).
    Binary,
}

impl EdgeFormat {
    /// Parses the key's values: `auto` (SNAP text, gzip and binary
    /// recognized by their magic bytes), `text`, `text.gz`, `binary`, and
    /// the older names `snap` (= auto) and `csv`.
    pub fn parse(text: &str) -> Option<EdgeFormat> {
        match text.trim() {
            "auto" | "snap" => Some(EdgeFormat::Snap),
            "text" => Some(EdgeFormat::Text),
            "csv" => Some(EdgeFormat::Csv),
            "text.gz" => Some(EdgeFormat::Gzip),
            "binary" => Some(EdgeFormat::Binary),
            _ => None,
        }
    }
}

/// What a pair means (`population.graph.direction`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Direction {
    /// "a b": a follows b (SNAP's Twitter and ego sets).
    #[default]
    FollowerFollowee,
    /// "a b": b follows a.
    FolloweeFollower,
}

impl Direction {
    /// Parses `follower-followee` or `followee-follower`.
    pub fn parse(text: &str) -> Option<Direction> {
        match text.trim() {
            "follower-followee" => Some(Direction::FollowerFollowee),
            "followee-follower" => Some(Direction::FolloweeFollower),
            _ => None,
        }
    }

    /// The key's value.
    pub fn name(self) -> &'static str {
        match self {
            Direction::FollowerFollowee => "follower-followee",
            Direction::FolloweeFollower => "followee-follower",
        }
    }
}

/// Where the binary cache of a text file lives.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum CacheMode {
    /// No cache: always parse.
    Off,
    /// Beside the file: `FILE.fanout-graph` (see [`cache::cache_path`]).
    #[default]
    Beside,
    /// At this path.
    At(PathBuf),
}

/// How to load (the `population.graph` table's keys).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LoadOptions {
    /// The file's format (the magic bytes win: a gzip or binary file is
    /// recognized whatever this says).
    pub format: EdgeFormat,
    /// What a pair means.
    pub direction: Direction,
    /// Where the binary cache is read and written.
    pub cache: CacheMode,
}

/// What loading found, for the report.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LoadStats {
    /// Lines read (comments included).
    pub lines: u64,
    /// Distinct follow edges kept.
    pub edges: u64,
    /// Pairs dropped because both ids are the same user.
    pub self_loops: u64,
    /// Pairs dropped because the same edge came earlier.
    pub duplicates: u64,
    /// Distinct ids named (every id of every pair, self-loops included).
    pub users: u32,
}

/// A loaded graph with its id map.
#[derive(Debug)]
pub struct LoadedGraph {
    /// The graph, dense ids 0..users.
    pub graph: Graph,
    /// Dense ↔ original ids.
    pub ids: IdMap,
    /// What loading found.
    pub stats: LoadStats,
    /// Whether the binary cache was used or written.
    pub cache: CacheOutcome,
}

/// What the first bytes say the file is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Gzip,
    Binary,
}

fn io_err(path: &Path, source: std::io::Error) -> GraphFileError {
    GraphFileError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// Opens `path` and tells its kind from the magic bytes.
fn open(path: &Path) -> Result<(Kind, BufReader<File>), GraphFileError> {
    let file = File::open(path).map_err(|e| io_err(path, e))?;
    let mut r = BufReader::with_capacity(1 << 20, file);
    let head = r.fill_buf().map_err(|e| io_err(path, e))?;
    let kind = if head.starts_with(&GZIP_MAGIC) {
        Kind::Gzip
    } else if head.starts_with(cache::MAGIC) {
        Kind::Binary
    } else {
        Kind::Text
    };
    Ok((kind, r))
}

/// The text stream of `path` (decompressed if gzip).
fn text_stream(path: &Path) -> Result<Box<dyn Read + Send>, GraphFileError> {
    let (kind, r) = open(path)?;
    Ok(match kind {
        Kind::Gzip => Box::new(flate2::read::MultiGzDecoder::new(r)),
        _ => Box::new(r),
    })
}

/// Loads the graph in `path` as `opts` says, using or refreshing the binary
/// cache. Deterministic; independent of the thread count. A binary file
/// (recognized by its magic bytes) is read as it is: it already holds the
/// graph in its final direction, so `opts.direction` does not apply to it.
pub fn load_graph_file(path: &Path, opts: &LoadOptions) -> Result<LoadedGraph, GraphFileError> {
    let (kind, _) = open(path)?;
    if kind == Kind::Binary && matches!(opts.format, EdgeFormat::Text | EdgeFormat::Gzip) {
        return Err(GraphFileError::Corrupt {
            path: path.display().to_string(),
            detail: "the file is a fanout binary graph, not text; format = \"auto\" or \"binary\" reads it"
                .to_string(),
        });
    }
    if kind == Kind::Binary {
        let (graph, ids, stats) = cache::read_binary(path, None)?;
        return Ok(LoadedGraph {
            graph,
            ids,
            stats,
            cache: CacheOutcome::Binary,
        });
    }
    if opts.format == EdgeFormat::Binary {
        return Err(GraphFileError::Corrupt {
            path: path.display().to_string(),
            detail: "format is binary but the file does not start with a fanout binary header"
                .to_string(),
        });
    }
    let mislabelled = match (opts.format, kind) {
        (EdgeFormat::Gzip, Kind::Text) => Some("format is text.gz but the file is not gzip"),
        (EdgeFormat::Text, Kind::Gzip) => Some("format is text but the file is gzip-compressed"),
        _ => None,
    };
    if let Some(detail) = mislabelled {
        return Err(GraphFileError::Corrupt {
            path: path.display().to_string(),
            detail: format!("{detail}; format = \"auto\" recognizes either"),
        });
    }
    let cache_file = match &opts.cache {
        CacheMode::Off => None,
        CacheMode::Beside => Some(cache::cache_path(path)),
        CacheMode::At(p) => Some(p.clone()),
    };
    // Never overwrite the source with its own cache.
    let same = |c: &Path| match (std::fs::canonicalize(c), std::fs::canonicalize(path)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    let cache_file = cache_file.filter(|c| !same(c));
    let Some(cache_file) = cache_file else {
        let (graph, ids, stats) = parse_text(path, kind == Kind::Gzip, opts.direction)?;
        return Ok(LoadedGraph {
            graph,
            ids,
            stats,
            cache: CacheOutcome::Off,
        });
    };
    let key = SourceKey::of(path, opts.direction)?;
    let previous = if cache_file.exists() {
        match cache::read_binary(&cache_file, Some(&key)) {
            Ok((graph, ids, stats)) => {
                return Ok(LoadedGraph {
                    graph,
                    ids,
                    stats,
                    cache: CacheOutcome::Hit(cache_file),
                });
            }
            Err(e) => Some(e.to_string()),
        }
    } else {
        None
    };
    let (graph, ids, stats) = parse_text(path, kind == Kind::Gzip, opts.direction)?;
    let outcome = match cache::write_binary(&cache_file, &graph, &ids, &stats, Some(&key)) {
        Ok(()) => CacheOutcome::Written {
            path: cache_file,
            previous,
        },
        Err(e) => CacheOutcome::WriteFailed {
            path: cache_file,
            reason: e.to_string(),
        },
    };
    Ok(LoadedGraph {
        graph,
        ids,
        stats,
        cache: outcome,
    })
}

/// Why a piece failed.
enum PieceError {
    Bad(BadLine),
    Changed,
}

/// Parses a text edge list (gzip-decoded if `gz`): one pass when every id
/// fits in u32 and the seen-id bitmap stays small, two otherwise (see the
/// module doc).
pub fn parse_text(
    path: &Path,
    gz: bool,
    direction: Direction,
) -> Result<(Graph, IdMap, LoadStats), GraphFileError> {
    parse_text_in_blocks(path, gz, direction, BLOCK)
}

/// [`parse_text`] reading `block` bytes at a time (tests use small blocks
/// to cross block boundaries; the result does not depend on it).
pub(super) fn parse_text_in_blocks(
    path: &Path,
    gz: bool,
    direction: Direction,
    block: usize,
) -> Result<(Graph, IdMap, LoadStats), GraphFileError> {
    let name = || path.display().to_string();
    let too_large = |detail: String| GraphFileError::TooLarge {
        path: name(),
        detail,
    };
    let size = std::fs::metadata(path).map_err(|e| io_err(path, e))?.len();
    let hint = if gz { size.saturating_mul(4) } else { size };
    let swap = direction == Direction::FolloweeFollower;
    // Pass 1: the distinct ids, and the pairs themselves while they fit.
    let mut collector = IdCollector::new(hint);
    let mut narrow: Option<Vec<[u32; 2]>> = Some(Vec::new());
    let pass1 = run_pass(
        path,
        text_stream(path)?,
        block,
        |chunk, first| {
            let mut out = Piece {
                pairs: Vec::with_capacity(chunk.len() / 12),
                wide: Vec::new(),
            };
            let c = parse_chunk(chunk, first, |a, b| {
                match (u32::try_from(a), u32::try_from(b)) {
                    (Ok(x), Ok(y)) if out.wide.is_empty() => {
                        out.pairs.push(if swap { [y, x] } else { [x, y] })
                    }
                    _ => out.wide.extend([a, b]),
                }
            })
            .map_err(PieceError::Bad)?;
            Ok((c, out))
        },
        |pieces| {
            if let Some(edges) = &mut narrow
                && pieces.iter().all(|p| p.wide.is_empty())
            {
                let pairs: Vec<Vec<[u32; 2]>> = pieces.into_iter().map(|p| p.pairs).collect();
                if collector.add_pairs(&pairs).map_err(too_large)? {
                    for p in pairs {
                        edges
                            .try_reserve(p.len())
                            .map_err(|_| too_large("cannot allocate the edge array".into()))?;
                        edges.extend_from_slice(&p);
                    }
                } else {
                    narrow = None;
                }
                return Ok(());
            }
            narrow = None;
            let ids = pieces
                .into_iter()
                .map(|p| {
                    let mut v: Vec<u64> = p.pairs.iter().flatten().map(|&x| x.into()).collect();
                    v.extend(p.wide);
                    v
                })
                .collect();
            collector.add(ids).map_err(too_large)
        },
    )?;
    if pass1.pairs == 0 {
        return Err(GraphFileError::Empty { path: name() });
    }
    let want = (pass1.pairs - pass1.self_loops) as usize;
    let (ids, edges) = match narrow {
        Some(mut edges) => {
            let (ids, rank) = collector.finish_ranked().map_err(too_large)?;
            let rank = rank.ok_or_else(|| too_large("id bitmap lost".into()))?;
            edges.par_iter_mut().for_each(|e| {
                *e = [rank.rank(e[0]), rank.rank(e[1])];
            });
            drop(rank);
            edges.retain(|e| e[0] != e[1]);
            edges.shrink_to_fit();
            (dense_map(ids).map_err(too_large)?, edges)
        }
        None => {
            let ids = dense_map(collector.finish().map_err(too_large)?).map_err(too_large)?;
            let edges = second_pass(path, &ids, swap, (want, block), &pass1)?;
            (ids, edges)
        }
    };
    if edges.len() != want {
        return Err(GraphFileError::Changed { path: name() });
    }
    let (graph, duplicates) = graph_from_edges(ids.users(), edges).map_err(too_large)?;
    let stats = LoadStats {
        lines: pass1.lines,
        edges: graph.edges(),
        self_loops: pass1.self_loops,
        duplicates,
        users: ids.users(),
    };
    Ok((graph, ids, stats))
}

/// One parse piece of pass 1: its pairs while every id fits in u32, then
/// the raw ids of the rest.
struct Piece {
    pairs: Vec<[u32; 2]>,
    wide: Vec<u64>,
}

/// The map of the sorted distinct ids, refused past u32.
fn dense_map(ids: Vec<u64>) -> Result<IdMap, String> {
    let users = ids.len();
    IdMap::from_sorted(ids)
        .ok_or_else(|| format!("{users} distinct ids; the graph holds at most 4294967294 users"))
}

/// Pass 2 (ids past u32 or a sparse id space): parses the file again into
/// dense `[follower, followee]` pairs, self-loops dropped; `want` of them
/// (pass 1's count), or the file changed.
fn second_pass(
    path: &Path,
    ids: &IdMap,
    swap: bool,
    (want, block): (usize, usize),
    pass1: &ChunkCounts,
) -> Result<Vec<[u32; 2]>, GraphFileError> {
    let name = || path.display().to_string();
    let too_large = |detail: String| GraphFileError::TooLarge {
        path: name(),
        detail,
    };
    let mut edges: Vec<[u32; 2]> = Vec::new();
    edges.try_reserve_exact(want).map_err(|_| {
        too_large(format!(
            "cannot allocate {} MB for {want} edges",
            (want as u64 * 8) >> 20
        ))
    })?;
    let remap = Remap::new(ids).map_err(too_large)?;
    let pass2 = run_pass(
        path,
        text_stream(path)?,
        block,
        |chunk, first| {
            // Parse the whole piece first, then look the ids up in a loop
            // of independent lookups, so the processor overlaps their cache
            // misses instead of waiting for each between two lines' parsing.
            let mut raw: Vec<[u64; 2]> = Vec::with_capacity(chunk.len() / 8);
            let c = parse_chunk(chunk, first, |a, b| {
                if a != b {
                    raw.push([a, b]);
                }
            })
            .map_err(PieceError::Bad)?;
            let out = remap_pairs(&remap, &raw, swap).ok_or(PieceError::Changed)?;
            Ok((c, out))
        },
        |pieces| {
            for p in pieces {
                if edges.len() + p.len() > want {
                    return Err(GraphFileError::Changed { path: name() });
                }
                edges.extend_from_slice(&p);
            }
            Ok(())
        },
    )?;
    if pass2 != *pass1 {
        return Err(GraphFileError::Changed { path: name() });
    }
    Ok(edges)
}

/// The dense pairs of `raw` (swapped if `swap`), None if an id is unknown
/// (the file changed since pass 1). The last id of each column is
/// remembered: files listed by follower (SNAP's) repeat it line after line,
/// and a repeat needs no lookup.
fn remap_pairs(remap: &Remap, raw: &[[u64; 2]], swap: bool) -> Option<Vec<[u32; 2]>> {
    let mut out: Vec<[u32; 2]> = Vec::with_capacity(raw.len());
    // Seeded with a real lookup, so no id is mistaken for the seed.
    let seed = (u64::MAX, remap.get(u64::MAX));
    let mut last = [seed; 2];
    let mut look = |col: usize, x: u64| {
        if last[col].0 != x {
            last[col] = (x, remap.get(x));
        }
        last[col].1
    };
    for &[a, b] in raw {
        let (x, y) = (look(0, a)?, look(1, b)?);
        out.push(if swap { [y, x] } else { [x, y] });
    }
    Some(out)
}

/// Streams `src` in blocks of whole lines, parses each block's pieces in
/// parallel with `piece(bytes, starts_file)`, hands each block's results,
/// in order, to `sink`, and returns the totals. The first malformed line (in
/// file order) is the error.
fn run_pass<T: Send>(
    path: &Path,
    src: Box<dyn Read + Send>,
    block_bytes: usize,
    piece: impl Fn(&[u8], bool) -> Result<(ChunkCounts, T), PieceError> + Sync,
    mut sink: impl FnMut(Vec<T>) -> Result<(), GraphFileError>,
) -> Result<ChunkCounts, GraphFileError> {
    let mut total = ChunkCounts::default();
    let mut first = true;
    std::thread::scope(|scope| {
        let blocks = read_ahead(scope, path, src, block_bytes);
        for msg in &blocks.full {
            let (block, eof) = msg?;
            if !block.is_empty() {
                let pieces = split_lines(&block, PIECE);
                let results: Vec<Result<(ChunkCounts, T), PieceError>> = pieces
                    .par_iter()
                    .enumerate()
                    .map(|(i, p)| piece(p, first && i == 0))
                    .collect();
                let mut outs = Vec::with_capacity(results.len());
                for r in results {
                    match r {
                        Ok((c, t)) => {
                            total.lines += c.lines;
                            total.pairs += c.pairs;
                            total.self_loops += c.self_loops;
                            outs.push(t);
                        }
                        Err(PieceError::Bad(bad)) => return Err(malformed(path, &total, &bad)),
                        Err(PieceError::Changed) => {
                            return Err(GraphFileError::Changed {
                                path: path.display().to_string(),
                            });
                        }
                    }
                }
                sink(outs)?;
                first = false;
            }
            // Hand the buffer back for reuse (the reader may have stopped).
            let _ = blocks.empty.send(block);
            if eof {
                return Ok(total);
            }
        }
        // The reader stops early only after sending an error.
        Err(GraphFileError::Corrupt {
            path: path.display().to_string(),
            detail: "the reader stopped before the end of the file".to_string(),
        })
    })
}

/// The two ends of the reader thread: blocks read, and buffers to reuse.
struct ReadAhead {
    full: std::sync::mpsc::Receiver<Result<(Vec<u8>, bool), GraphFileError>>,
    empty: std::sync::mpsc::SyncSender<Vec<u8>>,
}

/// Reads (and decompresses) blocks on a thread of its own, one block ahead
/// of the parse, so reading and gzip decoding overlap the parsing. At most
/// three blocks exist at once: one parsed, one queued, one being read.
fn read_ahead<'s>(
    scope: &'s std::thread::Scope<'s, '_>,
    path: &'s Path,
    mut src: Box<dyn Read + Send>,
    block_bytes: usize,
) -> ReadAhead {
    let (full_tx, full) = std::sync::mpsc::sync_channel(1);
    // Never full: at most three buffers ever exist (see above).
    let (empty, empty_rx) = std::sync::mpsc::sync_channel::<Vec<u8>>(4);
    scope.spawn(move || {
        let mut carry = Vec::new();
        loop {
            let mut block = empty_rx.try_recv().unwrap_or_default();
            let r = next_block(path, &mut src, (&mut block, block_bytes), &mut carry);
            let more = matches!(r, Ok(false));
            // A closed channel: the parse stopped (an error); stop too.
            if full_tx.send(r.map(|eof| (block, eof))).is_err() || !more {
                return;
            }
        }
    });
    ReadAhead { full, empty }
}

fn malformed(path: &Path, before: &ChunkCounts, bad: &BadLine) -> GraphFileError {
    let text = String::from_utf8_lossy(&bad.content);
    let cut = if bad.content.len() >= SHOWN_BYTES {
        "..."
    } else {
        ""
    };
    GraphFileError::Malformed {
        path: path.display().to_string(),
        line: before.lines + bad.line,
        content: format!("{text:?}{cut}"),
    }
}

/// Reads the next block of whole lines into `buf` (reused, so pages are
/// not faulted in again for every block): about `block` bytes ending at
/// a newline, after the partial line `carry` left by the previous block
/// (longer only if a line is; a line longer than [`MAX_LINE`] is handed
/// over cut, so the parser refuses it). Returns whether the stream ended.
fn next_block(
    path: &Path,
    src: &mut Box<dyn Read + Send>,
    (buf, block): (&mut Vec<u8>, usize),
    carry: &mut Vec<u8>,
) -> Result<bool, GraphFileError> {
    buf.clear();
    buf.append(carry);
    let mut scanned = 0usize;
    loop {
        let want = block
            .saturating_sub(buf.len())
            .max(block.min(1 << 20))
            .max(1);
        // read_to_end fills spare capacity without zeroing it first.
        let got = src
            .by_ref()
            .take(want as u64)
            .read_to_end(buf)
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::InvalidInput
                | std::io::ErrorKind::InvalidData
                | std::io::ErrorKind::UnexpectedEof => GraphFileError::Corrupt {
                    path: path.display().to_string(),
                    detail: format!("gzip stream: {e}"),
                },
                _ => io_err(path, e),
            })?;
        if got < want {
            return Ok(true);
        }
        if let Some(p) = buf[scanned..].iter().rposition(|&b| b == b'\n') {
            let p = scanned + p;
            carry.extend_from_slice(&buf[p + 1..]);
            buf.truncate(p + 1);
            return Ok(false);
        }
        // No newline yet: a line longer than a block. Keep reading up to
        // MAX_LINE bytes, past which the line is handed over (and refused).
        scanned = buf.len();
        if buf.len() >= MAX_LINE {
            return Ok(false);
        }
    }
}
