//! Tests of loading, caching and exporting edge lists (beside
//! `edgelist.rs`, `cache.rs` and `export.rs`, which they exercise together).

use super::cache::{self, CacheOutcome};
use super::edgelist::*;
use super::export::export_edges;
use super::testutil::{in_pool, params};
use super::{Graph, solve_exponent};
use std::io::Write;
use std::path::{Path, PathBuf};

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn opts(direction: Direction, cache: CacheMode) -> LoadOptions {
    LoadOptions {
        format: EdgeFormat::Snap,
        direction,
        cache,
    }
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

/// A generated graph where every user has an edge (the round-trip
/// condition of `export`).
fn generated() -> Graph {
    let users = 3000;
    let s = solve_exponent(20.0, users - 1, users).unwrap();
    let g = Graph::build(&params(users, s, users - 1, 5)).unwrap();
    assert!((0..users).all(|u| g.follower_count(u) + g.followee_count(u) > 0));
    g
}

#[test]
fn export_then_load_gives_the_same_graph() {
    let dir = tempfile::tempdir().unwrap();
    let g = generated();
    for gz in [false, true] {
        let path = dir.path().join(if gz { "g.txt.gz" } else { "g.txt" });
        let n = export_edges(&g, None, std::fs::File::create(&path).unwrap(), gz).unwrap();
        assert_eq!(n, g.edges());
        for threads in [1, 2] {
            let l = in_pool(threads, || {
                load_graph_file(&path, &opts(Direction::FollowerFollowee, CacheMode::Off))
            })
            .unwrap();
            assert_eq!(l.graph, g, "gz {gz}, {threads} threads");
            assert!(l.ids.is_identity());
            assert_eq!(l.stats.edges, g.edges());
            assert_eq!((l.stats.self_loops, l.stats.duplicates), (0, 0));
            assert_eq!(l.stats.lines, g.edges() + 2);
        }
    }
    // Edge for edge: the text is "follower followee", sorted by followee.
    let mut out = Vec::new();
    export_edges(&g, None, &mut out, false).unwrap();
    let text = String::from_utf8(out).unwrap();
    let pairs: Vec<(u32, u32)> = text
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| {
            let (a, b) = l.split_once(' ').unwrap();
            (a.parse().unwrap(), b.parse().unwrap())
        })
        .collect();
    let want: Vec<(u32, u32)> = (0..g.users())
        .flat_map(|v| g.followers(v).iter().map(move |&a| (a, v)))
        .collect();
    assert_eq!(pairs, want);
}

#[test]
fn ids_directions_self_loops_and_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let text = "# a comment\n900 20\n20 900\n900 900\n900 20\n7,900\n\n";
    let p = write(dir.path(), "e.csv", text.as_bytes());
    let l = load_graph_file(&p, &opts(Direction::FollowerFollowee, CacheMode::Off)).unwrap();
    assert_eq!(
        l.stats,
        LoadStats {
            lines: 7,
            edges: 3,
            self_loops: 1,
            duplicates: 1,
            users: 3
        }
    );
    // Dense ids by ascending original id: 7 -> 0, 20 -> 1, 900 -> 2.
    assert_eq!((l.ids.original_id(0), l.ids.original_id(2)), (7, 900));
    assert_eq!((l.ids.dense_id(20), l.ids.dense_id(21)), (Some(1), None));
    assert_eq!(l.graph.followers(1), &[2]);
    assert_eq!(l.graph.followers(2), &[0, 1]);
    assert_eq!(l.graph.followees(2), &[1]);
    let r = load_graph_file(&p, &opts(Direction::FolloweeFollower, CacheMode::Off)).unwrap();
    assert_eq!(r.graph.followees(2), &[0, 1]);
    assert_eq!(r.graph.followers(0), &[2]);
    assert_eq!(r.graph.followees(1), &[2]);
    // Huge ids take the sorted-runs path; exporting with the map names them.
    let big = format!("{} 3\n3 {}\n", u64::MAX, u64::MAX - 1);
    let p = write(dir.path(), "big.txt", big.as_bytes());
    let l = load_graph_file(&p, &opts(Direction::FollowerFollowee, CacheMode::Off)).unwrap();
    assert_eq!(l.ids.original_id(2), u64::MAX);
    let mut out = Vec::new();
    export_edges(&l.graph, Some(&l.ids), &mut out, false).unwrap();
    let s = String::from_utf8(out).unwrap();
    assert!(s.contains(&format!("3 {}\n", u64::MAX - 1)), "{s}");
    assert!(s.contains(&format!("{} 3\n", u64::MAX)), "{s}");
    // Small ids for many pieces, then one past u32: the one-pass load gives
    // way to two passes and the graph is the same as with small ids only.
    let mut text = String::new();
    for i in 0..100_000u64 {
        text.push_str(&format!("{} {}\n", i % 5000, (i * 7) % 5003));
    }
    let p = write(dir.path(), "narrow.txt", text.as_bytes());
    let narrow = load_graph_file(&p, &opts(Direction::FollowerFollowee, CacheMode::Off)).unwrap();
    text.push_str(&format!("{} 0\n", 1u64 << 40));
    let p = write(dir.path(), "mixed.txt", text.as_bytes());
    let mixed = load_graph_file(&p, &opts(Direction::FollowerFollowee, CacheMode::Off)).unwrap();
    let n = narrow.graph.users();
    assert_eq!(mixed.graph.users(), n + 1);
    assert_eq!(mixed.ids.original_id(n), 1 << 40);
    assert_eq!(mixed.graph.followers(0).last(), Some(&n));
    for u in 1..n {
        assert_eq!(mixed.graph.followers(u), narrow.graph.followers(u));
    }
    assert_eq!(
        (mixed.stats.self_loops, mixed.stats.duplicates),
        (narrow.stats.self_loops, narrow.stats.duplicates)
    );
}

#[test]
fn block_size_does_not_matter() {
    // Lines cut across blocks (and longer than a block) give the same graph
    // and the same errors, in one pass and in two.
    let dir = tempfile::tempdir().unwrap();
    let g = generated();
    let mut text = Vec::new();
    export_edges(&g, None, &mut text, false).unwrap();
    let p = write(dir.path(), "g.txt", &text);
    let z = write(dir.path(), "g.gz", &gzip(&text));
    let wide = format!("{} 0\n", 1u64 << 40);
    let w = write(dir.path(), "w.txt", &[&text[..], wide.as_bytes()].concat());
    let whole = parse_text(&w, false, Direction::FollowerFollowee).unwrap();
    for block in [7, 64, 1000, 65_536] {
        for (path, gz) in [(&p, false), (&z, true)] {
            let (graph, _, stats) =
                parse_text_in_blocks(path, gz, Direction::FollowerFollowee, block).unwrap();
            assert_eq!(graph, g, "block {block}, gz {gz}");
            assert_eq!(stats.lines, g.edges() + 2);
        }
        let (graph, ids, _) =
            parse_text_in_blocks(&w, false, Direction::FollowerFollowee, block).unwrap();
        assert_eq!(
            (graph, ids),
            (whole.0.clone(), whole.1.clone()),
            "block {block}"
        );
    }
    let bad = write(dir.path(), "b.txt", b"1 2\n3 4\n5 6\n77 x\n8 9\n");
    for block in [3, 5, 8, 100] {
        let e = parse_text_in_blocks(&bad, false, Direction::FollowerFollowee, block)
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 4: \"77 x\""), "block {block}: {e}");
    }
}

fn err(p: &Path) -> String {
    load_graph_file(p, &opts(Direction::FollowerFollowee, CacheMode::Off))
        .unwrap_err()
        .to_string()
}

#[test]
fn bad_files_are_one_line_errors() {
    let dir = tempfile::tempdir().unwrap();
    // A malformed line far into the file (many parse pieces before it).
    let mut text = String::from("# header\n");
    for i in 0..150_000u32 {
        text.push_str(&format!("{i} {}\n", i + 1));
    }
    text.push_str("12 x13\n1 2\n");
    let p = write(dir.path(), "bad.txt", text.as_bytes());
    let e = err(&p);
    assert!(
        e.contains("bad.txt: line 150002: \"12 x13\" is not an edge"),
        "{e}"
    );
    assert!(!e.contains('\n'));
    let p = write(dir.path(), "bad.gz", &gzip(text.as_bytes()));
    assert!(err(&p).contains("line 150002"));
    let long = format!("1 2\n{}\n", "9".repeat(300));
    let e = err(&write(dir.path(), "long.txt", long.as_bytes()));
    assert!(
        e.contains("line 2") && e.contains("...") && e.len() < 400,
        "{e}"
    );
    for (name, bytes) in [("empty.txt", &b""[..]), ("comments.txt", b"# x\n\n# y\n")] {
        let e = err(&write(dir.path(), name, bytes));
        assert!(e.contains(name) && e.contains("no edges"), "{e}");
    }
    let e = err(&write(dir.path(), "empty.gz", &gzip(b"")));
    assert!(e.contains("no edges"), "{e}");
    // A cut gzip stream.
    let z = gzip(text.as_bytes());
    let e = err(&write(dir.path(), "cut.gz", &z[..z.len() / 2]));
    assert!(
        e.contains("cut.gz") && e.contains("truncated or corrupt"),
        "{e}"
    );
    let e = err(&dir.path().join("missing.txt"));
    assert!(e.contains("missing.txt: cannot read"), "{e}");
    let e = load_graph_file(
        &write(dir.path(), "t.txt", b"1 2\n"),
        &LoadOptions {
            format: EdgeFormat::Binary,
            ..LoadOptions::default()
        },
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("not start with a fanout binary header"), "{e}");
}

#[test]
fn cache_is_written_reused_and_rebuilt_when_stale() {
    let dir = tempfile::tempdir().unwrap();
    let g = generated();
    let src = dir.path().join("g.txt");
    export_edges(&g, None, std::fs::File::create(&src).unwrap(), false).unwrap();
    let o = opts(Direction::FollowerFollowee, CacheMode::Beside);
    let first = load_graph_file(&src, &o).unwrap();
    let cpath = cache::cache_path(&src);
    assert_eq!(
        first.cache,
        CacheOutcome::Written {
            path: cpath.clone(),
            previous: None
        }
    );
    let second = load_graph_file(&src, &o).unwrap();
    assert_eq!(second.cache, CacheOutcome::Hit(cpath.clone()));
    assert_eq!(second.graph, g);
    assert_eq!(second.stats, first.stats);
    // The other direction is another graph: the cache is not used.
    let other = load_graph_file(&src, &opts(Direction::FolloweeFollower, CacheMode::Beside));
    assert!(matches!(
        other.unwrap().cache,
        CacheOutcome::Written {
            previous: Some(_),
            ..
        }
    ));
    // Edit the source: stale, rebuilt.
    let mut f = std::fs::OpenOptions::new().append(true).open(&src).unwrap();
    writeln!(f, "0 1").unwrap();
    drop(f);
    let third = load_graph_file(&src, &o).unwrap();
    match &third.cache {
        CacheOutcome::Written { previous, .. } => {
            assert!(
                previous.as_deref().unwrap().contains("stale"),
                "{previous:?}"
            )
        }
        c => panic!("{c:?}"),
    }
    // The binary form as an input of its own, and damaged copies of it.
    let bin = std::fs::read(&cpath).unwrap();
    let b = write(dir.path(), "g.bin", &bin);
    let l = load_graph_file(&b, &LoadOptions::default()).unwrap();
    assert_eq!((l.cache, l.graph), (CacheOutcome::Binary, third.graph));
    let e = err(&write(dir.path(), "short.bin", &bin[..bin.len() - 3]));
    assert!(e.contains("short.bin: truncated or corrupt"), "{e}");
    for at in [20, 200, bin.len() / 2, bin.len() - 10] {
        let mut bad = bin.clone();
        bad[at] ^= 0x40;
        let e = err(&write(dir.path(), "flip.bin", &bad));
        assert!(e.contains("truncated or corrupt"), "byte {at}: {e}");
    }
    let e = err(&write(dir.path(), "hdr.bin", &bin[..30]));
    assert!(e.contains("header"), "{e}");
    // A cache that cannot be written is not an error.
    let o = opts(
        Direction::FollowerFollowee,
        CacheMode::At(dir.path().join("no/such/dir/c")),
    );
    let l = load_graph_file(&src, &o).unwrap();
    assert!(matches!(l.cache, CacheOutcome::WriteFailed { .. }));
    // A cache path naming the source itself is ignored, never written.
    let before = std::fs::read(&src).unwrap();
    let o = opts(Direction::FollowerFollowee, CacheMode::At(src.clone()));
    assert_eq!(load_graph_file(&src, &o).unwrap().cache, CacheOutcome::Off);
    assert_eq!(std::fs::read(&src).unwrap(), before);
}

#[test]
fn crafted_binary_with_valid_checksums_is_refused() {
    // Unsorted follower list, rewritten with correct checksums.
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "e.txt", b"1 0\n2 0\n0 1\n");
    let l = load_graph_file(&p, &opts(Direction::FollowerFollowee, CacheMode::Off)).unwrap();
    let mut g = l.graph.clone();
    g.in_adj.swap(0, 1);
    let b = dir.path().join("x.bin");
    cache::write_binary(&b, &g, &l.ids, &l.stats, None).unwrap();
    let e = err(&b);
    assert!(e.contains("follower list is unsorted"), "{e}");
    let mut g = l.graph.clone();
    g.out_adj[0] = 7;
    cache::write_binary(&b, &g, &l.ids, &l.stats, None).unwrap();
    assert!(err(&b).contains("followee list"));
}

/// The shipped example `tests/data/edges-small.txt`: 2,000 users, mean 10
/// followers, max 1,999, followee exponent 2.28, seed 1, exported by
/// [`export_edges`] after two comment lines. Regenerate with
/// `FANOUT_REGENERATE=1 cargo test --release --lib shipped_example`.
#[test]
fn shipped_example_is_current_and_loads_back() {
    let users = 2000;
    let s = solve_exponent(10.0, users - 1, users).unwrap();
    let g = Graph::build(&params(users, s, users - 1, 1)).unwrap();
    let mut text =
        b"# Example follower graph generated by fanout (src/model/graph/load_tests.rs,\n\
# shipped_example_is_current_and_loads_back): 2000 users, mean 10 followers,\n\
# max 1999, followee exponent 2.28, seed 1.\n"
            .to_vec();
    export_edges(&g, None, &mut text, false).unwrap();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/edges-small.txt");
    if std::env::var_os("FANOUT_REGENERATE").is_some() {
        std::fs::write(&path, &text).unwrap();
    }
    let shipped = std::fs::read(&path).unwrap();
    assert!(
        shipped == text,
        "{} is stale: regenerate it",
        path.display()
    );
    let l = load_graph_file(&path, &opts(Direction::FollowerFollowee, CacheMode::Off)).unwrap();
    assert_eq!(l.graph, g);
    let fit = super::fit::fit_graph(&l.graph).unwrap();
    assert_eq!(fit.synthetic.users, users);
}
