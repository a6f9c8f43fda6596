//! Issue #5: each shipped fault scenario reproduces its known effect, run
//! through the real binary (or, where a number needs the histogram, the
//! library on the shipped file), with the policy off and on.

use fanout::model::config::StrategyKind;
use fanout::model::sim::{SimOptions, World, simulate};
use fanout::scenario::RawScenario;
use fanout::sim::time::SimDuration;
use std::collections::HashMap;
use std::process::Command;

/// Runs `fanout run FILE --quiet ARGS... --csv -` and returns the rows
/// (column name -> cell) of the summary CSV.
fn summary(file: &str, args: &[&str]) -> Vec<HashMap<String, String>> {
    let mut all = vec!["run", file, "--quiet", "--csv", "-"];
    all.extend_from_slice(args);
    parse_csv(&run(&all))
}

/// Runs `fanout run FILE --quiet ARGS... --timeseries -` and returns the rows.
fn series(file: &str, args: &[&str]) -> Vec<HashMap<String, String>> {
    let mut all = vec!["run", file, "--quiet", "--timeseries", "-"];
    all.extend_from_slice(args);
    parse_csv(&run(&all))
}

fn run(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_fanout"))
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "fanout {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The CSV that starts at the line beginning with `scenario,` (a table may
/// come before it on stdout).
fn parse_csv(text: &str) -> Vec<HashMap<String, String>> {
    let start = text.find("scenario,strategy,").expect("a CSV header");
    let mut lines = text[start..].lines().filter(|l| !l.is_empty());
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    lines
        .map(|l| {
            header
                .iter()
                .zip(l.split(','))
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

fn num(row: &HashMap<String, String>, col: &str) -> f64 {
    row[col]
        .parse()
        .unwrap_or_else(|_| panic!("{col} = {:?}", row[col]))
}

fn row<'a>(rows: &'a [HashMap<String, String>], strategy: &str) -> &'a HashMap<String, String> {
    rows.iter()
        .find(|r| r["strategy"] == strategy)
        .unwrap_or_else(|| panic!("no {strategy} row"))
}

/// Rows of one strategy whose interval starts in [from, to) seconds.
fn window<'a>(
    rows: &'a [HashMap<String, String>],
    strategy: &str,
    from: f64,
    to: f64,
) -> Vec<&'a HashMap<String, String>> {
    rows.iter()
        .filter(|r| r["strategy"] == strategy)
        .filter(|r| (from..to).contains(&num(r, "t_start_s")))
        .collect()
}

/// Dean and Barroso: with 1% of answers slow, a read that waits for ~100
/// servers is slow with probability 1 - 0.99^k for its k shards: about 63%.
#[test]
fn tail_at_scale_one_slow_server_in_a_hundred_slows_most_reads() {
    let mut raw = RawScenario::from_file("scenarios/tail-at-scale.toml".as_ref()).unwrap();
    raw.set("duration=5s").unwrap();
    let s = raw.resolve().unwrap();
    let world = World::build(&s).unwrap();
    // What the graph predicts: each reader's shards touched (readers are
    // uniform in this scenario).
    let shards = s.cluster.tweet_store.tier.shards;
    let mut buf = Vec::new();
    let mut expected = 0.0;
    for u in 0..world.graph.users() {
        let mut touched = vec![false; shards as usize];
        for &f in world.graph.followees_into(u, &mut buf) {
            touched[(f % shards) as usize] = true;
        }
        let k = touched.iter().filter(|&&t| t).count() as i32;
        expected += 1.0 - 0.99f64.powi(k);
    }
    expected /= f64::from(world.graph.users());
    assert!((0.60..0.64).contains(&expected), "{expected}");
    let r = simulate(
        &s,
        &world,
        StrategyKind::FanoutOnRead,
        &SimOptions::default(),
        &mut |_, _| {},
    );
    // A slowed fetch takes 50x ~160 us = 8 ms on average; an unslowed read
    // finishes well within 3 ms.
    let slow = r.read_latency.fraction_above(SimDuration::from_millis(3));
    // 5,000 reads: binomial sd 0.7 points; 3 points allows the few slowed
    // fetches that still finish under 3 ms.
    eprintln!("slow reads {slow:.4}, predicted 1 - 0.99^k = {expected:.4}");
    assert!(
        (slow - expected).abs() < 0.03,
        "slow {slow:.3} vs 1 - 0.99^k = {expected:.3}"
    );
}

#[test]
fn tail_at_scale_hedging_cuts_the_tail_for_a_few_percent_more_requests() {
    let file = "scenarios/tail-at-scale.toml";
    let off = summary(file, &["--duration", "10s"]);
    let on = summary(
        file,
        &[
            "--duration",
            "10s",
            "--set",
            "policy.store.hedge=p95",
            "--set",
            "policy.cache.hedge=p95",
        ],
    );
    for strategy in ["fanout-on-read", "fanout-on-write"] {
        let (a, b) = (row(&off, strategy), row(&on, strategy));
        let (before, after) = (num(a, "read_p999_ms"), num(b, "read_p999_ms"));
        assert!(
            after * 2.5 < before,
            "{strategy}: p99.9 {before} -> {after} ms"
        );
        assert_eq!(num(a, "hedges"), 0.0);
    }
    // A hedge per ~5% of requests: fan-out-on-read sends one per store shard
    // touched (~100 per read).
    let b = row(&on, "fanout-on-read");
    let requests = num(b, "reads_per_sec") * num(b, "sim_seconds") * 100.0;
    let extra = num(b, "hedges") / requests;
    assert!((0.02..0.08).contains(&extra), "{extra}");
    // The median read of fan-out-on-read is slow without hedging (63% > 50%).
    assert!(num(row(&off, "fanout-on-read"), "read_p50_ms") > 3.0);
    assert!(num(b, "read_p50_ms") < 3.0);
}

#[test]
fn retry_storm_outlasts_the_fault_unless_backoff_jitter_and_a_budget() {
    let file = "scenarios/retry-storm.toml";
    // The fault is over at 15 s; look at 20-30 s.
    let storm = series(file, &[]);
    for r in window(&storm, "fanout-on-read", 20.0, 30.0) {
        assert!(num(r, "availability") < 0.5, "{r:?}");
        assert!(num(r, "retries") > 1000.0);
    }
    let calm = series(
        file,
        &[
            "--set",
            "policy.store.backoff=20ms",
            "--set",
            "policy.store.jitter=full",
            "--set",
            "policy.store.retry_budget=0.02",
        ],
    );
    for r in window(&calm, "fanout-on-read", 20.0, 30.0) {
        assert!(num(r, "availability") > 0.999, "{r:?}");
    }
    // Both suffered while the shard was slow.
    for rows in [&storm, &calm] {
        for r in window(rows, "fanout-on-read", 11.0, 15.0) {
            assert!(num(r, "availability") < 0.9);
        }
    }
}

#[test]
fn replica_crash_failover_keeps_reads_available_and_rebuilds_load_the_store() {
    let file = "scenarios/replica-crash.toml";
    let with = series(file, &[]);
    let w = "fanout-on-write";
    // Failover: no read fails, even while machine 0 is down (10-20 s).
    for r in window(&with, w, 0.0, 42.0) {
        assert_eq!(num(r, "failed_reads"), 0.0, "{r:?}");
    }
    // Fan-out-on-write never reads the store until the machine restarts
    // empty at 20 s; then the rebuilds land on it.
    for r in window(&with, w, 0.0, 20.0) {
        assert_eq!(num(r, "store_reads_per_sec"), 0.0);
        assert_eq!(num(r, "rebuilds"), 0.0);
    }
    let after = window(&with, w, 20.0, 22.0);
    assert!(
        after
            .iter()
            .all(|r| num(r, "store_reads_per_sec") > 10_000.0)
    );
    assert!(after.iter().all(|r| num(r, "rebuilds") > 500.0));
    // The cascade: the store queues, and posts (which write to it) slow down.
    let peak = window(&with, w, 20.0, 30.0)
        .iter()
        .map(|r| num(r, "store_peak_queue"))
        .fold(0.0, f64::max);
    assert!(peak > 100.0, "{peak}");
    let summary_with = summary(file, &[]);
    let s = row(&summary_with, w);
    assert!(num(s, "post_p99_ms") > 100.0, "{}", num(s, "post_p99_ms"));
    assert_eq!(num(s, "availability"), 1.0);
    // Without failover, reads of the dead machine fail while it is down.
    let without = series(file, &["--set", "policy.cache.failover=false"]);
    for r in window(&without, w, 11.0, 19.0) {
        assert!(num(r, "failed_reads") > 500.0, "{r:?}");
        assert!(num(r, "availability") < 0.99);
    }
}

#[test]
fn duplicate_fanout_without_an_idempotency_key_and_none_with_it() {
    let file = "scenarios/duplicate-fanout.toml";
    let without = summary(file, &[]);
    let with = summary(
        file,
        &["--set", "cluster.fanout_workers.idempotency_key=true"],
    );
    let w = "fanout-on-write";
    // Each crash catches a celebrity's fan-out mid-way: its sent batches
    // are written again (hundreds of thousands of entries).
    assert!(num(row(&without, w), "duplicates") > 100_000.0);
    for rows in [&without, &with] {
        for r in rows {
            // Retried, not lost.
            assert_eq!(num(r, "dropped_timeline_writes"), 0.0);
        }
    }
    for r in &with {
        assert_eq!(num(r, "duplicates"), 0.0);
    }
    // The same work either way: the key prevents the duplicate, not the retry.
    assert_eq!(
        num(row(&without, w), "timeline_writes_per_sec"),
        num(row(&with, w), "timeline_writes_per_sec")
    );
    // Hybrid pulls the celebrities, so its crashes catch only small jobs.
    let h = num(row(&without, "hybrid"), "duplicates");
    assert!(h < num(row(&without, w), "duplicates") / 100.0, "{h}");
}

/// No fault and no policy: the table and the CSV are byte-identical to a
/// run whose file spells out the defaults (apart from wall-clock figures),
/// and the new columns hold their neutral values. The golden test pins the
/// rest against results from before faults existed.
#[test]
fn no_change_when_unused() {
    let off = [
        "--set",
        "faults=[]",
        "--set",
        "policy.store.retries=0",
        "--set",
        "policy.cache.failover=false",
        "--set",
        "policy.store.hedge=off",
    ];
    let plain = summary("tests/data/tiny.toml", &[]);
    let explicit = summary("tests/data/tiny.toml", &off);
    assert_eq!(plain.len(), explicit.len());
    for (x, y) in plain.iter().zip(&explicit) {
        for (k, v) in x {
            if k != "wall_seconds" {
                assert_eq!(v, &y[k], "{k}");
            }
        }
        assert_eq!(x["availability"], "1.0000");
        assert_eq!(x["retries"], "0");
    }
    let table = |args: &[&str]| {
        let mut all = vec!["run", "tests/data/tiny.toml", "--quiet"];
        all.extend_from_slice(args);
        run(&all)
            .lines()
            .filter(|l| !l.contains("wall") && !l.contains("peak memory"))
            .map(String::from)
            .collect::<Vec<_>>()
    };
    let t = table(&[]);
    assert_eq!(t, table(&off));
    assert!(!t.iter().any(|l| l.contains("availability")));
}

/// Faults and policies draw from their own streams inside one
/// single-threaded simulation: the thread count changes nothing.
#[test]
fn fault_runs_do_not_depend_on_the_thread_count() {
    let csv = |threads: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_fanout"))
            .args([
                "run",
                "scenarios/replica-crash.toml",
                "--quiet",
                "--duration",
                "20s",
                "--strategy",
                "write",
                "--strategy",
                "hybrid",
                "--set",
                "faults[0].at=12s",
                "--set",
                "faults[0].duration=3s",
                "--set",
                "policy.store.hedge=p95",
                "--timeseries",
                "-",
            ])
            .env("RAYON_NUM_THREADS", threads)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let one = csv("1");
    assert!(one.contains("crash cache machine 0"));
    assert_eq!(one, csv("2"));
}
