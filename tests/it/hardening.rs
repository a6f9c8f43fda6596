//! Integration tests of the hardening issue (7): refusals with one clear
//! line, warnings, unstable results, the memory guard, atomic outputs,
//! Ctrl-C, and extreme but valid scenarios, all through the real binary.

use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

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

fn refused(sets: &[&str], names: &[&str]) {
    let mut args = vec!["run", "tests/data/tiny.toml", "--quiet"];
    for s in sets {
        args.push("--set");
        args.push(s);
    }
    let o = fanout(&args);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{sets:?} was not refused: {err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{sets:?}: {err}");
    for n in names {
        assert!(err.contains(n), "{sets:?}: {err:?} lacks {n:?}");
    }
}

#[test]
fn meaningless_values_are_refused_naming_the_key() {
    refused(
        &["workload.tweets_per_sec=0"],
        &["workload.tweets_per_sec", "0"],
    );
    refused(
        &["workload.reads_per_sec=-1"],
        &["workload.reads_per_sec", "-1"],
    );
    refused(&["population.users=0"], &["population.users"]);
    refused(
        &["cluster.tweet_store.shards=0"],
        &["cluster.tweet_store.shards"],
    );
    refused(
        &["workload.tweets_per_sec=nan"],
        &["workload.tweets_per_sec", "nan"],
    );
    refused(
        &["workload.tweets_per_sec=inf"],
        &["workload.tweets_per_sec", "inf"],
    );
    refused(
        &["population.followee_exponent=0.5"],
        &["population.followee_exponent"],
    );
    refused(
        &["population.followers.mean=1e9"],
        &["population.followers.mean"],
    );
    refused(&["duration=\"0s\""], &["duration"]);
    refused(&["population.users=1e12"], &["population.users"]);
    refused(
        &["cluster.timeline_cache.machines=2"],
        &["cluster.timeline_cache.replicas = 3 is more than cluster.timeline_cache.machines = 2"],
    );
}

#[test]
fn suspicious_values_warn_and_still_run() {
    let o = fanout(&[
        "run",
        "tests/data/tiny.toml",
        "--quiet",
        "--set",
        "strategy.hybrid.celebrity_threshold=100000",
        "--set",
        "warmup=\"3s\"",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("warning: strategy.hybrid.celebrity_threshold = 100000"),
        "{err}"
    );
    assert!(
        err.contains("warning: warmup = 3s is longer than duration = 2s"),
        "{err}"
    );
}

#[test]
fn overload_is_warned_and_marked_unstable_in_table_and_csv() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("u.csv");
    let o = fanout(&[
        "run",
        "tests/data/tiny.toml",
        "--set",
        "cluster.fanout_workers.workers=1",
        "--set",
        "cluster.fanout_workers.service.per_item=\"100us\"",
        "--csv",
        csv.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("warning: fanout-on-write") && err.contains("workers tier"),
        "{err}"
    );
    let table = String::from_utf8_lossy(&o.stdout);
    assert!(table.contains("UNSTABLE (workers"), "{table}");
    let mut r = csv::Reader::from_path(&csv).unwrap();
    let h = r.headers().unwrap().clone();
    let col = h.iter().position(|c| c == "unstable").unwrap();
    let flags: Vec<String> = r.records().map(|x| x.unwrap()[col].to_string()).collect();
    assert_eq!(
        flags,
        ["0", "1", "0"],
        "read and hybrid stable, write unstable"
    );
}

#[test]
fn memory_guard_refuses_before_building_unless_forced() {
    // 200M users at mean 1000 followers would need terabytes.
    let o = fanout(&[
        "check",
        "tests/data/tiny.toml",
        "--set",
        "population.users=200000000",
        "--set",
        "population.followers.mean=1000",
        "--set",
        "population.followers.max=30000000",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("GiB") && err.contains("--force") && err.contains("population.users"),
        "{err}"
    );
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("memory estimate"),
        "check shows the estimate: {out}"
    );
}

#[test]
fn an_unwritable_output_is_refused_before_the_simulation() {
    let started = Instant::now();
    let o = fanout(&[
        "run",
        "scenarios/twitter-2012.toml",
        "--timeseries",
        "/no/such/dir/ts.csv",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--timeseries /no/such/dir/ts.csv"),
        "{}",
        stderr(&o)
    );
    // Refused up front: no 1M-user graph was built, no simulation ran.
    assert!(!stderr(&o).contains("building the follower graph"));
    let _ = started;
}

#[test]
fn ctrl_c_writes_finished_points_and_exits_130() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("partial.csv");
    // Three short points finish at once; the long one runs until interrupted.
    let child = Command::new(env!("CARGO_BIN_EXE_fanout"))
        .args([
            "sweep",
            "tests/data/tiny.toml",
            "--strategy",
            "write",
            "--vary",
            "duration=1s,1s,1s,10h",
            "--vary",
            "workload.reads_per_sec=3000,3001,3002,3003",
            "--csv",
            csv.to_str().unwrap(),
        ])
        .env("RAYON_NUM_THREADS", "2")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (code, err) = crate::support::signal_and_wait(child, "INT", Duration::from_millis(2500));
    assert_eq!(code, Some(130), "{err}");
    assert!(err.contains("interrupted"), "{err}");
    let text = std::fs::read_to_string(&csv).expect("finished points were written");
    let rows: Vec<&str> = text.lines().skip(1).collect();
    assert!(!rows.is_empty(), "no finished point written");
    assert!(
        rows.iter().all(|r| !r.contains(",10h,")),
        "the interrupted point was written: {text}"
    );
}

fn runs(sets: &[&str]) -> String {
    let mut args = vec!["run", "tests/data/tiny.toml", "--quiet", "--csv", "-"];
    for s in sets {
        args.push("--set");
        args.push(s);
    }
    let o = fanout(&args);
    assert!(o.status.success(), "{sets:?}: {}", stderr(&o));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn column(csv: &str, name: &str) -> Vec<String> {
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let i = header.iter().position(|h| *h == name).unwrap();
    lines
        .map(|l| l.split(',').nth(i).unwrap().to_string())
        .collect()
}

#[test]
fn one_user_and_no_follows_work() {
    let csv = runs(&[
        "population.users=1",
        "population.followers={ exponent = 1.0, max = 0 }",
    ]);
    assert_eq!(
        column(&csv, "timeline_writes_per_sec"),
        ["0.0", "0.0", "0.0"]
    );
    assert_eq!(column(&csv, "users"), ["1", "1", "1"]);
    let csv = runs(&["population.followers={ exponent = 1.0, max = 0 }"]);
    assert_eq!(
        column(&csv, "mean_fanout_per_tweet"),
        ["0.00", "0.00", "0.00"]
    );
}

#[test]
fn every_account_a_celebrity_and_no_account_a_celebrity() {
    let csv = runs(&["strategy.hybrid.celebrity_threshold=0"]);
    let writes = column(&csv, "timeline_writes_per_sec");
    let pulls = column(&csv, "store_reads_per_sec");
    assert_eq!(writes[2], "0.0", "threshold 0: hybrid writes no timeline");
    assert_eq!(
        pulls[2], pulls[0],
        "threshold 0: hybrid pulls like fanout-on-read"
    );
    let csv = runs(&["strategy.hybrid.celebrity_threshold=4000000000"]);
    let writes = column(&csv, "timeline_writes_per_sec");
    assert_eq!(column(&csv, "store_reads_per_sec")[2], "0.0");
    assert_eq!(
        writes[2], writes[1],
        "threshold above all: hybrid pushes like fanout-on-write"
    );
}

#[test]
fn twelve_simulated_hours_and_a_rate_of_one_per_hour() {
    let csv = runs(&[
        "duration=\"12h\"",
        "warmup=\"0s\"",
        "workload.tweets_per_sec=0.000277777",
        "workload.reads_per_sec=0.01",
    ]);
    assert_eq!(
        column(&csv, "sim_seconds"),
        ["43200.000", "43200.000", "43200.000"]
    );
    let posts: f64 = column(&csv, "tweets_per_sec")[0].parse().unwrap();
    // About 12 posts in 12 hours (Poisson): the rate rounds to 0.0 at one decimal.
    assert!(posts < 0.05, "{posts}");
    let reads = column(&csv, "read_p50_ms");
    assert!(
        reads.iter().all(|r| !r.is_empty()),
        "reads happened and were timed: {reads:?}"
    );
}

#[test]
fn fewer_cache_machines_share_their_load() {
    // tiny.toml: 4 cache shards x 3 replicas = 12 slots, one machine each by
    // default; on 3 machines every machine carries four slots.
    let spread = runs(&["strategies=[\"write\"]"]);
    let packed = runs(&[
        "strategies=[\"write\"]",
        "cluster.timeline_cache.machines=3",
    ]);
    let util = |csv: &str| -> f64 { column(csv, "cache_utilisation")[0].parse().unwrap() };
    let ratio = util(&packed) / util(&spread);
    assert!((3.5..4.5).contains(&ratio), "utilisation ratio {ratio}");
    assert_eq!(
        column(&packed, "timeline_writes_per_sec"),
        column(&spread, "timeline_writes_per_sec")
    );
}
