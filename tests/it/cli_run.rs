//! Integration tests: the real binary on tiny scenarios.

use std::path::Path;
use std::process::{Command, Output};

fn fanout(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fanout"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the fanout binary runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The CSV with the `wall_seconds` column blanked (the one column that is
/// not a pure function of scenario and seed).
fn csv_without_wall(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let wall = header.iter().position(|h| *h == "wall_seconds").unwrap();
    let mut out = header.join(",") + "\n";
    for line in lines {
        let mut cells: Vec<&str> = line.split(',').collect();
        cells[wall] = "";
        out += &(cells.join(",") + "\n");
    }
    out
}

/// Runs tiny.toml with `extra` flags on `threads` rayon threads, writing
/// the summary to `csv`; returns it without `wall_seconds`.
fn tiny_csv_with_threads(extra: &[&str], threads: &str, csv: &Path) -> String {
    let mut args = vec!["run", "tests/data/tiny.toml", "--quiet"];
    args.extend_from_slice(extra);
    args.extend_from_slice(&["--csv", csv.to_str().unwrap()]);
    let o = Command::new(env!("CARGO_BIN_EXE_fanout"))
        .args(&args)
        .env("RAYON_NUM_THREADS", threads)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    csv_without_wall(csv)
}

#[test]
fn run_prints_a_table_and_writes_the_contract_csv() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("out.csv");
    let o = fanout(&[
        "run",
        "tests/data/tiny.toml",
        "--quiet",
        "--csv",
        csv.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let table = String::from_utf8_lossy(&o.stdout);
    for s in [
        "fanout-on-read",
        "fanout-on-write",
        "hybrid",
        "read p99 (ms)",
        "(best)",
    ] {
        assert!(table.contains(s), "table lacks {s:?}:\n{table}");
    }
    assert!(stderr(&o).is_empty(), "--quiet printed: {}", stderr(&o));
    let text = std::fs::read_to_string(&csv).unwrap();
    let header = text.lines().next().unwrap();
    let contract = "scenario,strategy,seed,sim_seconds,users,tweets_per_sec,reads_per_sec,mean_fanout_per_tweet,\
timeline_writes_per_sec,store_reads_per_sec,read_p50_ms,read_p99_ms,read_p999_ms,\
post_p50_ms,post_p99_ms,post_p999_ms,delivery_p50_ms,delivery_p99_ms,delivery_p999_ms,\
events,wall_seconds";
    assert!(header.starts_with(contract), "{header}");
    assert_eq!(text.lines().count(), 4, "header + one row per strategy");
    assert!(
        text.lines()
            .nth(1)
            .unwrap()
            .starts_with("tiny,fanout-on-read,11,2.000,3000,")
    );
}

#[test]
fn same_seed_same_bytes_whatever_the_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let mut outputs = Vec::new();
    for threads in ["1", "2"] {
        let csv = dir.path().join(format!("t{threads}.csv"));
        outputs.push(tiny_csv_with_threads(&[], threads, &csv));
    }
    assert_eq!(outputs[0], outputs[1]);
    let csv = dir.path().join("other.csv");
    let o = fanout(&[
        "run",
        "tests/data/tiny.toml",
        "--quiet",
        "--seed",
        "12",
        "--csv",
        csv.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_ne!(
        csv_without_wall(&csv),
        outputs[0],
        "another seed gave the same rows"
    );
}

#[test]
fn strategy_and_duration_flags_override_the_scenario() {
    let o = fanout(&[
        "run",
        "tests/data/tiny.toml",
        "--quiet",
        "--strategy",
        "write",
        "--duration",
        "1s",
        "--csv",
        "-",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = String::from_utf8_lossy(&o.stdout);
    assert_eq!(text.lines().count(), 2, "{text}");
    assert!(
        text.lines()
            .nth(1)
            .unwrap()
            .starts_with("tiny,fanout-on-write,11,1.000,"),
        "{text}"
    );
}

fn assert_bad_input(args: &[&str], names: &[&str]) {
    let o = fanout(args);
    assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
    let err = stderr(&o);
    assert_eq!(
        err.trim_end().lines().count(),
        1,
        "{args:?}: not one line: {err}"
    );
    for n in names {
        assert!(err.contains(n), "{args:?}: {err:?} does not name {n:?}");
    }
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn bad_input_exits_2_with_one_line() {
    assert_bad_input(
        &["run", "tests/data/tiny.toml", "--strategy", "sideways"],
        &["--strategy", "sideways"],
    );
    assert_bad_input(
        &["run", "tests/data/tiny.toml", "--duration", "60"],
        &["--duration", "60"],
    );
    assert_bad_input(
        &["run", "tests/data/tiny.toml", "--seed", "-3"],
        &["--seed"],
    );
    assert_bad_input(&["run", "tests/data/no-such.toml"], &["no-such.toml"]);
    assert_bad_input(
        &[
            "run",
            "tests/data/tiny.toml",
            "--set",
            "workload.tweets_per_sec=-5",
        ],
        &["workload.tweets_per_sec", "-5"],
    );
    assert_bad_input(
        &[
            "run",
            "tests/data/tiny.toml",
            "--set",
            "workload.tweet_per_sec=5",
        ],
        &["workload.tweet_per_sec"],
    );
    assert_bad_input(
        &["run", "tests/data/tiny.toml", "--csv", "/no/such/dir/x.csv"],
        &["--csv", "/no/such/dir"],
    );
    assert_bad_input(
        &["run", "tests/data/tiny.toml", "--frobnicate"],
        &["--frobnicate"],
    );
    assert_bad_input(&["queue", "--lambda", "1"], &["--servers"]);
}

#[test]
fn a_failed_run_leaves_an_existing_output_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("keep.csv");
    std::fs::write(&csv, "precious\n").unwrap();
    let o = fanout(&[
        "run",
        "tests/data/tiny.toml",
        "--set",
        "population.users=0",
        "--csv",
        csv.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&csv).unwrap(), "precious\n");
}

#[test]
fn check_prints_parameters_and_graph_statistics() {
    let o = fanout(&["check", "tests/data/tiny.toml"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    for s in [
        "population.users",
        "workload.tweets_per_sec",
        "follow edges",
        "mean fan-out per tweet",
        "graph memory",
    ] {
        assert!(out.contains(s), "check output lacks {s:?}:\n{out}");
    }
}

#[test]
fn sampled_graph_runs_and_is_reproducible() {
    let dir = tempfile::tempdir().unwrap();
    let mut outputs = Vec::new();
    for threads in ["1", "2", "2"] {
        let csv = dir.path().join(format!("s{}.csv", outputs.len()));
        outputs.push(tiny_csv_with_threads(
            &["--set", "population.graph=sampled"],
            threads,
            &csv,
        ));
    }
    assert_eq!(outputs[0], outputs[1]);
    assert_eq!(outputs[1], outputs[2]);
    assert_eq!(outputs[0].lines().count(), 4, "{}", outputs[0]);
    // Same degree sequence as the stored graph: the same posts and the same
    // fan-out per tweet, but other lists (so other latencies).
    let csv = dir.path().join("stored.csv");
    let o = fanout(&[
        "run",
        "tests/data/tiny.toml",
        "--quiet",
        "--csv",
        csv.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let stored = csv_without_wall(&csv);
    let col = |text: &str, name: &str| -> Vec<String> {
        let mut lines = text.lines();
        let header: Vec<&str> = lines.next().unwrap().split(',').collect();
        let i = header.iter().position(|h| *h == name).unwrap();
        lines
            .map(|l| l.split(',').nth(i).unwrap().to_string())
            .collect()
    };
    assert_eq!(
        col(&stored, "mean_fanout_per_tweet"),
        col(&outputs[0], "mean_fanout_per_tweet")
    );
    assert_ne!(stored, outputs[0]);
}

#[test]
fn check_reports_both_memory_estimates_and_150m_sampled_fits_16_gb() {
    // Only the estimate: `check` prints it before building anything, and
    // the run is stopped by the memory guard or a too-large build, so use a
    // scenario whose graph is small but ask about 150M through the library.
    let o = fanout(&["check", "tests/data/tiny.toml"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("memory estimate (graph build peak + one simulation): stored ")
            && out.contains(" MiB, sampled ")
            && out.contains("(population.graph = stored)"),
        "{out}"
    );
    let mut raw = fanout::scenario::RawScenario::from_file(Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/twitter-2012-full.toml"
    )))
    .unwrap();
    raw.set("population.users=150_000_000").unwrap();
    raw.set("population.followers.max=30_000_000").unwrap();
    let s = raw.resolve().unwrap();
    assert_eq!(
        s.population.graph,
        fanout::model::config::GraphMode::Sampled
    );
    let gb = 1_000_000_000u64;
    let sampled = fanout::model::sim::World::estimate_memory_bytes(&s, 1);
    assert!(sampled < 16 * gb, "{sampled}");
    let stored = fanout::model::sim::World::estimate_memory_bytes_in(
        &s,
        1,
        fanout::model::config::GraphMode::Stored,
    );
    assert!(stored > 40 * gb, "{stored}");
}
