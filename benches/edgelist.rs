//! Edge-list loading benchmark: generates a SNAP-style text file of
//! 200M edges (about 3.3 GB, outside the repository), then times `wc -l`
//! on it, the text load, writing the binary cache and loading the cache,
//! and reports edges/s, the ratio to `wc -l`, the loaded graph's bytes per
//! edge and the peak resident memory of each load.
//!
//! `cargo bench --bench edgelist` (a few minutes). Environment:
//! `FANOUT_BENCH_DIR` (default `/work/tmp/fanout-edgelist`, else
//! `target/edgelist-bench`), `FANOUT_BENCH_EDGES` (default 200000000) and
//! `FANOUT_BENCH_DENSE` (set: ids 0..users as in SNAP's files, instead of
//! ids scrambled over all of u32, the worst case for the seen-id bitmap).
//! The file is kept between runs and regenerated only when missing.
//!
//! Each load runs in a child process (this executable again, told so by
//! `FANOUT_EDGELIST_CHILD`), so its peak (VmHWM from /proc/self/status) is
//! the load's alone, not the generator's.
//!
//! The generated graph: about 35 follows per user (Kwak's mean,
//! docs/references.md, Kwak et al. 2010), users in id order as SNAP's files
//! are, followees skewed towards a few heavy accounts, every id scrambled by
//! an odd multiplier modulo 2^32 so ids are sparse and non-contiguous; a few
//! self-loops and duplicates occur naturally.

use fanout::model::graph::cache::write_binary;
use fanout::model::graph::export::push_u64;
use fanout::model::graph::{CacheMode, Direction, EdgeFormat, LoadOptions, load_graph_file};
use fanout::sim::rng::substream;
use rand::RngExt;
use rayon::prelude::*;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// Lines generated per parallel task.
const TASK_LINES: u64 = 1 << 20;

/// A sparse, non-contiguous id for dense index `x` (a bijection of u32),
/// or `x` itself with `FANOUT_BENCH_DENSE` set (SNAP-like small ids).
fn scramble(x: u64) -> u64 {
    if std::env::var_os("FANOUT_BENCH_DENSE").is_some() {
        return x;
    }
    (x.wrapping_mul(0x9E37_79B1)) & 0xFFFF_FFFF
}

fn generate(path: &Path, edges: u64) -> std::io::Result<()> {
    let users = (edges / 35).max(2);
    let tmp = path.with_extension("partial");
    let mut w = std::io::BufWriter::with_capacity(8 << 20, std::fs::File::create(&tmp)?);
    writeln!(
        w,
        "# fanout edgelist bench: {edges} lines \"follower followee\", {users} users"
    )?;
    let tasks = edges.div_ceil(TASK_LINES);
    let mut t = 0u64;
    while t < tasks {
        let round: Vec<u64> = (t..tasks.min(t + 16)).collect();
        let texts: Vec<Vec<u8>> = round
            .par_iter()
            .map(|&task| {
                let mut rng = substream(1, "bench.edgelist", task);
                let mut text = Vec::with_capacity(TASK_LINES as usize * 20);
                for i in task * TASK_LINES..edges.min((task + 1) * TASK_LINES) {
                    let follower = i * users / edges;
                    let r: f64 = rng.random();
                    let followee = ((users as f64) * r.powf(3.0)) as u64 % users;
                    push_u64(&mut text, scramble(follower));
                    text.push(b' ');
                    push_u64(&mut text, scramble(followee));
                    text.push(b'\n');
                }
                text
            })
            .collect();
        for text in texts {
            w.write_all(&text)?;
        }
        t += 16;
    }
    w.into_inner().map_err(|e| e.into_error())?.sync_all()?;
    std::fs::rename(&tmp, path)
}

fn vm_hwm_bytes() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

/// One measured step in this process; prints `RESULT key=value ...`.
fn child(step: &str, path: &Path) {
    let opts = LoadOptions {
        format: EdgeFormat::Snap,
        direction: Direction::FollowerFollowee,
        cache: CacheMode::Off,
    };
    let t = Instant::now();
    let l = load_graph_file(path, &opts).unwrap_or_else(|e| panic!("{e}"));
    let secs = t.elapsed().as_secs_f64();
    let peak = vm_hwm_bytes();
    let held = l.graph.memory_bytes() + l.ids.memory_bytes();
    let mut line = format!(
        "RESULT step={step} secs={secs:.3} edges={} users={} lines={} self_loops={} duplicates={} \
         held={held} peak={peak}",
        l.graph.edges(),
        l.graph.users(),
        l.stats.lines,
        l.stats.self_loops,
        l.stats.duplicates
    );
    if step == "text" {
        let bin = path.with_extension("fanout-graph");
        let t = Instant::now();
        write_binary(&bin, &l.graph, &l.ids, &l.stats, None).expect("cache written");
        line.push_str(&format!(" write_secs={:.3}", t.elapsed().as_secs_f64()));
    }
    println!("{line}");
}

fn run_child(step: &str, path: &Path) -> std::collections::HashMap<String, String> {
    let exe = std::env::current_exe().expect("own path");
    let out = Command::new(exe)
        .env(
            "FANOUT_EDGELIST_CHILD",
            format!("{step}:{}", path.display()),
        )
        .output()
        .expect("child runs");
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .find(|l| l.starts_with("RESULT "))
        .unwrap_or_else(|| {
            panic!(
                "child {step} failed: {}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
    line.split_whitespace()
        .skip(1)
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn bench_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("FANOUT_BENCH_DIR") {
        return PathBuf::from(d);
    }
    if Path::new("/work/tmp").is_dir() || std::fs::create_dir_all("/work/tmp").is_ok() {
        return PathBuf::from("/work/tmp/fanout-edgelist");
    }
    PathBuf::from("target/edgelist-bench")
}

fn main() {
    if let Some(v) = std::env::var_os("FANOUT_EDGELIST_CHILD") {
        let v = v.to_string_lossy().to_string();
        let (step, path) = v.split_once(':').expect("step:path");
        child(step, Path::new(path));
        return;
    }
    let edges: u64 = std::env::var("FANOUT_BENCH_EDGES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(200_000_000);
    let dir = bench_dir();
    std::fs::create_dir_all(&dir).expect("bench directory");
    let dense = if std::env::var_os("FANOUT_BENCH_DENSE").is_some() {
        "-dense"
    } else {
        ""
    };
    let path = dir.join(format!("edges-{edges}{dense}.txt"));
    if !path.exists() {
        let t = Instant::now();
        generate(&path, edges).expect("file generated");
        eprintln!(
            "generated {} in {:.1} s",
            path.display(),
            t.elapsed().as_secs_f64()
        );
    }
    let bytes = std::fs::metadata(&path).expect("file").len();
    let wc = || {
        let t = Instant::now();
        let out = Command::new("wc")
            .arg("-l")
            .arg(&path)
            .output()
            .expect("wc runs");
        assert!(out.status.success());
        t.elapsed().as_secs_f64()
    };
    wc(); // Warm the page cache: every step below reads a cached file.
    let wc_secs = wc();
    let text = run_child("text", &path);
    let bin = run_child("binary", &path.with_extension("fanout-graph"));
    let f = |m: &std::collections::HashMap<String, String>, k: &str| -> f64 {
        m.get(k).and_then(|v| v.parse().ok()).unwrap_or(f64::NAN)
    };
    let e = f(&text, "edges");
    let gib = |b: f64| b / f64::from(1u32 << 30);
    println!(
        "edgelist bench: {} ({:.2} GB, {} lines), {} users, {} edges kept ({} self-loops, {} duplicates)",
        path.display(),
        bytes as f64 / 1e9,
        text["lines"],
        text["users"],
        text["edges"],
        text["self_loops"],
        text["duplicates"]
    );
    println!(
        "wc -l: {wc_secs:.2} s ({:.0} lines/s)",
        f(&text, "lines") / wc_secs
    );
    for (name, m) in [("text load", &text), ("binary load", &bin)] {
        let secs = f(m, "secs");
        println!(
            "{name}: {secs:.2} s, {:.2e} edges/s, {:.1}x wc -l, held {:.2} GiB = {:.2} bytes/edge, \
             peak RSS {:.2} GiB = {:.2}x held",
            e / secs,
            secs / wc_secs,
            gib(f(m, "held")),
            f(m, "held") / e,
            gib(f(m, "peak")),
            f(m, "peak") / f(m, "held")
        );
    }
    println!("binary cache write: {:.2} s", f(&text, "write_secs"));
}
