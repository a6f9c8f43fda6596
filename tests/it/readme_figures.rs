//! The README's figures are the shipped results': every number README.md
//! quotes from `results/` is recomputed here from the file and column it
//! comes from, formatted the way the README writes it, and looked up in the
//! README. A regenerated result that moves a quoted figure, or a README edit
//! that misquotes one, fails with the figure, its source and the expected
//! text, so prose and data cannot drift apart.
//!
//! Prose is compared with whitespace collapsed (a quote may wrap lines);
//! the twitter-2012 table block is compared line by line with
//! `results/twitter-2012.txt`.
//!
//! Not checked, on purpose: wall times, events per wall second and peak
//! memory (they depend on the machine and the load at the time: the
//! Performance section and the table's last lines); the `fanout queue` table
//! and the scale-mode build figures (not in `results/`: the commands that
//! produce them are quoted beside them, and `src/commands/queue/` tests the
//! closed forms); the tail-at-scale test's 63.3%/62.1% (computed by
//! `tests/it/faults.rs` at test time); and the retry-storm figures for budgets
//! of 0.1 and 0.05 (runs by hand, not shipped). The graph figures (median,
//! p99, bytes per edge) are not in `results/` either; they are recomputed
//! from the library, as `fanout check` and the graph bench compute them.

use fanout::model::graph::{Graph, GraphParams, solve_exponent};
use fanout::scenario::RawScenario;
use fanout::sim::rng::derive_seed;
use std::collections::HashMap;
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Collapses every run of whitespace to one space.
fn norm(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The README, whitespace collapsed.
fn readme() -> String {
    norm(&read("README.md"))
}

/// Asserts that the README quotes `quote` (whitespace collapsed), naming
/// the figure's source when it does not.
fn quoted(readme: &str, quote: &str, source: &str) {
    assert!(
        readme.contains(&norm(quote)),
        "README.md should say \"{quote}\" (from {source})"
    );
}

/// A CSV of `results/`, rows as column -> value.
struct Csv {
    path: String,
    rows: Vec<HashMap<String, String>>,
}

impl Csv {
    fn open(name: &str) -> Csv {
        let path = format!("results/{name}");
        let mut r = csv::Reader::from_path(root().join(&path)).expect(&path);
        let head: Vec<String> = r.headers().expect(&path).iter().map(String::from).collect();
        let rows = r
            .records()
            .map(|rec| {
                let rec = rec.expect(&path);
                head.iter()
                    .cloned()
                    .zip(rec.iter().map(String::from))
                    .collect()
            })
            .collect();
        Csv { path, rows }
    }

    /// The rows of `strategy`, in file order.
    fn of(&self, strategy: &str) -> Vec<&HashMap<String, String>> {
        self.rows
            .iter()
            .filter(|r| r["strategy"] == strategy)
            .collect()
    }

    /// `column` of the only (or first) row of `strategy`, as a number.
    fn get(&self, strategy: &str, column: &str) -> f64 {
        let row = self.of(strategy);
        let row = row
            .first()
            .unwrap_or_else(|| panic!("{}: no row for {strategy}", self.path));
        num(row, column, &self.path)
    }

    /// `column` of every row of `strategy`, as numbers.
    fn series(&self, strategy: &str, column: &str) -> Vec<f64> {
        self.of(strategy)
            .iter()
            .map(|r| num(r, column, &self.path))
            .collect()
    }

    /// Where a figure comes from, for failure messages.
    fn src(&self, strategy: &str, column: &str) -> String {
        format!("{}, {strategy}, column {column}", self.path)
    }
}

fn num(row: &HashMap<String, String>, column: &str, path: &str) -> f64 {
    let v = row
        .get(column)
        .unwrap_or_else(|| panic!("{path}: no column {column}"));
    v.parse()
        .unwrap_or_else(|_| panic!("{path}: {column} = {v:?} is not a number"))
}

/// 1234567.4 -> "1,234,567".
fn thousands(x: f64) -> String {
    let digits = format!("{:.0}", x.round());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// x in millions with `d` decimals: "10.5M".
fn mega(x: f64, d: usize) -> String {
    format!("{:.d$}M", x / 1e6)
}

/// x in thousands with `d` decimals: "340k", "4.6k".
fn kilo(x: f64, d: usize) -> String {
    format!("{:.d$}k", x / 1e3)
}

/// A share in percent with `d` decimals: "97.9%".
fn pct(x: f64, d: usize) -> String {
    format!("{:.d$}%", 100.0 * x)
}

const READ: &str = "fanout-on-read";
const WRITE: &str = "fanout-on-write";
const HYBRID: &str = "hybrid";

#[test]
fn the_twitter_2012_block_is_the_shipped_output() {
    let text = read("README.md");
    let start = text
        .find("```\nscenario twitter-2012, seed 2012")
        .expect("README.md quotes the twitter-2012 table")
        + 4;
    let len = text[start..].find("```").expect("the block ends");
    let machine = ["wall time", "events per wall second", "peak memory"];
    let keep = |s: &str| -> Vec<String> {
        s.lines()
            .filter(|l| !machine.iter().any(|m| l.starts_with(m)))
            .map(str::to_string)
            .collect()
    };
    assert_eq!(
        keep(&text[start..start + len]),
        keep(&read("results/twitter-2012.txt")),
        "README.md's twitter-2012 block differs from results/twitter-2012.txt"
    );
}

#[test]
fn twitter_2012_prose() {
    let r = readme();
    let c = Csv::open("twitter-2012.csv");
    let replicas = 3.0; // scenarios/twitter-2012.toml, cluster.timeline_cache.replicas
    let toml = read("scenarios/twitter-2012.toml");
    assert!(toml.contains("replicas = 3"), "twitter-2012 has 3 replicas");
    let writes = c.get(WRITE, "timeline_writes_per_sec");
    quoted(
        &r,
        &format!(
            "{} tweets/s with {:.0} followers each, three replicas, is {} timeline writes/s \
             under fan-out-on-write ({} per replica;",
            kilo(c.get(WRITE, "tweets_per_sec"), 1),
            c.get(WRITE, "mean_fanout_per_tweet"),
            thousands(writes),
            kilo(writes / replicas, 0)
        ),
        &c.src(
            WRITE,
            "tweets_per_sec, mean_fanout_per_tweet, timeline_writes_per_sec",
        ),
    );
    let fetches = c.get(READ, "store_reads_per_sec");
    quoted(
        &r,
        &format!(
            "makes {} store fetches/s to serve {} reads/s and reads slower at every percentile",
            mega(fetches, 1),
            kilo(c.get(READ, "reads_per_sec"), 0)
        ),
        &c.src(READ, "store_reads_per_sec, reads_per_sec"),
    );
    for col in ["read_p50_ms", "read_p99_ms", "read_p999_ms"] {
        let on_read = c.get(READ, col);
        assert!(
            on_read > c.get(WRITE, col) && on_read > c.get(HYBRID, col),
            "{col}"
        );
    }
    quoted(
        &r,
        &format!(
            "writes {:.0}% of fan-out-on-write's timeline entries, cuts the store fetches to \
             {:.0}% of fan-out-on-read's",
            100.0 * c.get(HYBRID, "timeline_writes_per_sec") / writes,
            100.0 * c.get(HYBRID, "store_reads_per_sec") / fetches
        ),
        &c.src(HYBRID, "timeline_writes_per_sec, store_reads_per_sec"),
    );
    let p999 = |s| c.get(s, "read_p999_ms");
    let p99 = |s| c.get(s, "read_p99_ms");
    assert!(p999(WRITE) < p999(HYBRID) && p999(HYBRID) < p999(READ));
    assert!(p99(WRITE) < p99(HYBRID) && p99(WRITE) < p99(READ));
    quoted(
        &r,
        &format!(
            "the shortest read at every percentile (p99.9 {:.1} ms against {:.1} ms under \
             hybrid): the largest account's tweets take {:.1} s",
            p999(WRITE),
            p999(HYBRID),
            c.get(WRITE, "delivery_max_ms") / 1000.0
        ),
        &c.src(WRITE, "read_p999_ms, delivery_max_ms"),
    );
    // Store requests/s by Little's law (mean in system over mean sojourn),
    // less the posts (one store insert each), per read.
    let requests = c.get(READ, "store_mean_in_system") / c.get(READ, "store_mean_sojourn_ms")
        * 1000.0
        - c.get(READ, "tweets_per_sec");
    quoted(
        &r,
        &format!(
            "a scatter to about {:.0} of the 16 store shards",
            requests / c.get(READ, "reads_per_sec")
        ),
        &c.src(READ, "store_mean_in_system / store_mean_sojourn_ms"),
    );
}

#[test]
fn peak_prose() {
    let r = readme();
    let c = Csv::open("peak.csv");
    let base = Csv::open("twitter-2012.csv");
    let (before, after) = (base.get(WRITE, "read_p99_ms"), c.get(WRITE, "read_p99_ms"));
    assert!(
        (1.3..1.6).contains(&(after / before)),
        "grows by about half"
    );
    assert!(after < c.get(READ, "read_p99_ms"));
    quoted(
        &r,
        &format!(
            "timeline writes grow with the post rate ({}/s), its cache shards get busier and \
             its read p99 grows by about half ({before:.2} ms to {after:.2} ms, still below \
             fan-out-on-read's {:.2} ms)",
            mega(c.get(WRITE, "timeline_writes_per_sec"), 1),
            c.get(READ, "read_p99_ms")
        ),
        &c.src(
            WRITE,
            "timeline_writes_per_sec, read_p99_ms (and twitter-2012.csv)",
        ),
    );
}

#[test]
fn celebrity_prose() {
    let r = readme();
    let c = Csv::open("celebrity.csv");
    let ts = Csv::open("celebrity-timeseries.csv");
    let max = |v: Vec<f64>| v.into_iter().fold(f64::MIN, f64::max);
    let min = |v: Vec<f64>| v.into_iter().fold(f64::MAX, f64::min);
    let events: Vec<&str> = ts.of(WRITE).iter().map(|r| r["event"].as_str()).collect();
    assert!(events.contains(&"tweet by rank 1 (999999 followers)"));
    quoted(
        &r,
        "the account with 999,999 followers tweets at 20 s and 40 s",
        &ts.src(WRITE, "event"),
    );
    // Read p99 of the quiet intervals (the lower quartile) and of the
    // intervals after each tweet.
    let t = ts.series(WRITE, "t_start_s");
    let p99 = ts.series(WRITE, "read_p99_ms");
    let mut sorted = p99.clone();
    sorted.sort_by(f64::total_cmp);
    let after = |from: f64| {
        max(t
            .iter()
            .zip(&p99)
            .filter(|(t, _)| (from..from + 10.0).contains(*t))
            .map(|(_, p)| *p)
            .collect())
    };
    quoted(
        &r,
        &format!(
            "timeline writes/s jump to {}, the fan-out backlog reaches {} timelines, delivery \
             takes {:.1} s, and everyone's read p99 rises from about {:.1} ms to {:.1} ms and \
             {:.1} ms",
            mega(max(ts.series(WRITE, "timeline_writes_per_sec")), 1),
            mega(c.get(WRITE, "peak_fanout_backlog"), 1),
            c.get(WRITE, "delivery_max_ms") / 1000.0,
            sorted[sorted.len() / 4],
            after(20.0),
            after(40.0)
        ),
        &ts.src(
            WRITE,
            "timeline_writes_per_sec, read_p99_ms (and celebrity.csv)",
        ),
    );
    let hybrid = ts.series(HYBRID, "read_p99_ms");
    quoted(
        &r,
        &format!(
            "its read p99 stays at {:.2}-{:.2} ms throughout",
            min(hybrid.clone()),
            max(hybrid)
        ),
        &ts.src(HYBRID, "read_p99_ms"),
    );
}

/// Hybrid's rows of the threshold sweep: (threshold, column) -> mean over
/// seeds, thresholds ascending.
fn sweep_means(c: &Csv, column: &str) -> Vec<(f64, f64)> {
    let key = "strategy.hybrid.celebrity_threshold";
    let mut acc: Vec<(f64, f64, f64)> = Vec::new();
    for row in c.of(HYBRID) {
        let (t, v) = (num(row, key, &c.path), num(row, column, &c.path));
        match acc.iter_mut().find(|a| a.0 == t) {
            Some(a) => (a.1, a.2) = (a.1 + v, a.2 + 1.0),
            None => acc.push((t, v, 1.0)),
        }
    }
    acc.sort_by(|a, b| a.0.total_cmp(&b.0));
    acc.into_iter().map(|(t, s, n)| (t, s / n)).collect()
}

#[test]
fn threshold_sweep_prose() {
    let r = readme();
    let c = Csv::open("hybrid-threshold-sweep.csv");
    let writes = sweep_means(&c, "timeline_writes_per_sec");
    let fetches = sweep_means(&c, "store_reads_per_sec");
    let p99 = sweep_means(&c, "read_p99_ms");
    let p999 = sweep_means(&c, "read_p999_ms");
    let at = |v: &[(f64, f64)], t: f64| v.iter().find(|p| p.0 == t).expect("threshold").1;
    quoted(
        &r,
        &format!(
            "at 1,000 followers hybrid writes {} timeline entries/s and fetches {} authors/s; \
             at 100,000 it writes {} and fetches {}.",
            kilo(at(&writes, 1e3), 0),
            mega(at(&fetches, 1e3), 1),
            kilo(at(&writes, 1e5), 0),
            mega(at(&fetches, 1e5), 2)
        ),
        &c.src(
            HYBRID,
            "timeline_writes_per_sec, store_reads_per_sec (mean of 2 seeds)",
        ),
    );
    // Above the largest account (200,000 followers) nobody is pulled, so
    // the last points are the same configuration: p99 never rises.
    assert!(
        p99.windows(2).all(|w| w[1].1 <= w[0].1),
        "p99 falls the whole way: {p99:?}"
    );
    quoted(
        &r,
        &format!(
            "{:.2} ms at 1,000, {:.2} ms at 100,000, {:.2} ms at 316,228, above the largest \
             account, where nobody is pulled",
            at(&p99, 1e3),
            at(&p99, 1e5),
            at(&p99, 316_228.0)
        ),
        &c.src(HYBRID, "read_p99_ms (mean of 2 seeds)"),
    );
    let turn = p999.iter().position(|p| p.0 == 1e5).expect("100,000");
    assert!(
        p999[..=turn].windows(2).all(|w| w[1].1 <= w[0].1),
        "{p999:?}"
    );
    assert!(
        p999[turn..].windows(2).all(|w| w[1].1 >= w[0].1),
        "{p999:?}"
    );
    let mid = p999[turn + 1];
    assert!(mid.1 > p999[turn].1, "{p999:?}");
    quoted(
        &r,
        &format!(
            "p99.9 falls to {:.2} ms at 100,000, then rises again ({:.2} ms at {})",
            p999[turn].1,
            mid.1,
            thousands(mid.0),
        ),
        &c.src(HYBRID, "read_p999_ms (mean of 2 seeds)"),
    );
    // The ±: the sweep table's 95% interval of that last p99.9.
    let txt = read("results/hybrid-threshold-sweep.txt");
    let line = txt
        .lines()
        .find(|l| l.contains("celebrity_threshold=1000000 ") && l.contains(" hybrid "))
        .expect("the last point's hybrid line");
    let ci = line
        .split_whitespace()
        .filter(|w| w.starts_with('±'))
        .nth(4)
        .expect("p99.9 ±");
    quoted(
        &r,
        &format!("{ci} ms at 1,000,000)"),
        "results/hybrid-threshold-sweep.txt, read p99.9 ms",
    );
    // Every point up to the largest account on the Pareto front: more
    // writes always buy a lower p99.
    assert!(writes.windows(2).all(|w| w[1].1 >= w[0].1), "{writes:?}");
    quoted(
        &r,
        "Every threshold up to the largest account is on the timeline-writes/p99 Pareto front",
        &c.path,
    );
}

#[test]
fn tail_at_scale_prose() {
    let r = readme();
    let plain = Csv::open("tail-at-scale.csv");
    let hedged = Csv::open("tail-at-scale-hedged.csv");
    let row = |c: &Csv, label: &str| {
        let cells: Vec<String> = [READ, WRITE, HYBRID]
            .iter()
            .map(|s| {
                let p = |col| c.get(s, col);
                format!(
                    "{:.3} / {:.3} / {:.3}",
                    p("read_p50_ms"),
                    p("read_p99_ms"),
                    p("read_p999_ms")
                )
            })
            .collect();
        format!("| {label} | {} |", cells.join(" | "))
    };
    quoted(
        &r,
        &row(&plain, "no hedging"),
        &plain.src("each", "read_p50_ms, read_p99_ms, read_p999_ms"),
    );
    quoted(
        &r,
        &row(&hedged, "hedge at p95"),
        &hedged.src("each", "read_p50_ms, read_p99_ms, read_p999_ms"),
    );
    let per_s = |s: &str| hedged.get(s, "hedges") / hedged.get(s, "sim_seconds");
    let rate = |x: f64| {
        if x < 1000.0 {
            format!("{x:.0}")
        } else {
            thousands(x)
        }
    };
    quoted(
        &r,
        &format!(
            "| hedges sent | {}/s | {}/s | {}/s |",
            rate(per_s(READ)),
            rate(per_s(WRITE)),
            rate(per_s(HYBRID))
        ),
        &hedged.src("each", "hedges / sim_seconds"),
    );
    // Requests sent unhedged: fan-out-on-read's store requests by Little's
    // law; fan-out-on-write's one cache read per read.
    let store =
        plain.get(READ, "store_mean_in_system") / plain.get(READ, "store_mean_sojourn_ms") * 1000.0;
    let reads = plain.get(WRITE, "reads_per_sec");
    let gain = |s: &str| plain.get(s, "read_p999_ms") / hedged.get(s, "read_p999_ms");
    quoted(
        &r,
        &format!(
            "p99.9 falls {:.1}x for fan-out-on-read and {:.1}x for fan-out-on-write, for {} and {} \
             more requests",
            gain(READ),
            gain(WRITE),
            pct(per_s(READ) / store, 1),
            pct(per_s(WRITE) / reads, 1)
        ),
        &hedged.src("each", "read_p999_ms, hedges (and tail-at-scale.csv)"),
    );
    quoted(
        &r,
        &format!(
            "fan-out-on-read's {} reads/s each scatter to all {:.0} store shards, {} store requests/s",
            thousands(plain.get(READ, "reads_per_sec")),
            store / plain.get(READ, "reads_per_sec"),
            kilo(store, 0)
        ),
        &plain.src(READ, "store_mean_in_system / store_mean_sojourn_ms"),
    );
    quoted(
        &r,
        &format!("sends one cache read per read, {}/s", thousands(reads)),
        &plain.src(WRITE, "reads_per_sec"),
    );
    quoted(
        &r,
        &format!(
            "Fan-out-on-read's p99.9 stays at {:.0} ms",
            hedged.get(READ, "read_p999_ms")
        ),
        &hedged.src(READ, "read_p999_ms"),
    );
}

#[test]
fn retry_storm_prose() {
    let r = readme();
    let c = Csv::open("retry-storm.csv");
    let storm = Csv::open("retry-storm-timeseries.csv");
    let calm = Csv::open("retry-storm-backoff-timeseries.csv");
    // The interval in which an event (the fault's start or end) happens.
    let when = |ts: &Csv, event: &str| {
        let rows = ts.of(READ);
        let row = rows
            .iter()
            .find(|r| r["event"].starts_with(event))
            .expect(event);
        num(row, "t_start_s", &ts.path)
    };
    let fault_end = |ts: &Csv| when(ts, "end of slow");
    let first_full = when(&storm, "slow store") + 1.0;
    let t = storm.series(READ, "t_start_s");
    let avail = storm.series(READ, "availability");
    let ends = storm.series(READ, "t_end_s");
    let stormy: Vec<f64> = t
        .iter()
        .zip(&avail)
        .filter(|(t, _)| **t >= first_full)
        .map(|(_, a)| *a)
        .collect();
    assert!(
        stormy.iter().all(|a| (0.295..0.325).contains(a)),
        "{stormy:?}"
    );
    quoted(
        &r,
        &format!(
            "availability of fan-out-on-read's reads stays at {} until the run ends, {:.0} s \
             after the fault, and posts to that shard wait {:.0} s (post p99)",
            pct(stormy.iter().sum::<f64>() / stormy.len() as f64, 0),
            ends[ends.len() - 1] - fault_end(&storm),
            c.get(READ, "post_p99_ms") / 1000.0
        ),
        &storm.src(
            READ,
            "availability, t_end_s, event (and retry-storm.csv post_p99_ms)",
        ),
    );
    let end = fault_end(&calm);
    let back = calm
        .of(READ)
        .iter()
        .zip(calm.series(READ, "availability"))
        .skip_while(|(r, a)| num(r, "t_start_s", &calm.path) <= end || *a < 1.0)
        .map(|(r, _)| num(r, "t_start_s", &calm.path))
        .next()
        .expect("recovers");
    assert!(
        calm.of(READ)
            .iter()
            .filter(|r| num(r, "t_start_s", &calm.path) >= back)
            .all(|r| num(r, "availability", &calm.path) == 1.0)
    );
    quoted(
        &r,
        &format!(
            "a retry budget of 2%, the shard drains its queue within {:.0} s of the fault's end \
             and availability is back to 100%",
            back - end
        ),
        &calm.src(READ, "availability, event"),
    );
}

#[test]
fn replica_crash_prose() {
    let r = readme();
    let on = Csv::open("replica-crash.csv");
    let off = Csv::open("replica-crash-no-failover.csv");
    let ts = Csv::open("replica-crash-timeseries.csv");
    let ts_off = Csv::open("replica-crash-no-failover-timeseries.csv");
    assert_eq!(on.get(WRITE, "failed_reads"), 0.0);
    quoted(
        &r,
        &format!(
            "{} failovers, no failed read",
            thousands(on.get(WRITE, "retries"))
        ),
        &on.src(WRITE, "retries, failed_reads"),
    );
    // The crash's intervals: those with failed reads in the no-failover run.
    let crash: Vec<&HashMap<String, String>> = ts_off
        .of(WRITE)
        .into_iter()
        .filter(|row| num(row, "failed_reads", &ts_off.path) > 0.0)
        .collect();
    let during = crash
        .iter()
        .map(|row| num(row, "availability", &ts_off.path))
        .sum::<f64>()
        / crash.len() as f64;
    let failed = off.get(WRITE, "failed_reads");
    quoted(
        &r,
        &format!(
            "the {} reads sent to it while it is down fail ({}/s: availability {} during the \
             crash, {} over the run)",
            thousands(failed),
            thousands(failed / crash.len() as f64),
            pct(during, 1),
            pct(off.get(WRITE, "availability"), 2)
        ),
        &off.src(WRITE, "failed_reads, availability (and its time series)"),
    );
    let t = ts.series(WRITE, "t_start_s");
    let fetches = ts.series(WRITE, "store_reads_per_sec");
    let p999 = ts.series(WRITE, "read_p999_ms");
    let restart = t[fetches.iter().position(|&f| f > 0.0).expect("rebuilds")];
    assert!(p999.iter().fold(0.0f64, |a, &b| a.max(b)) > 500.0);
    assert!(on.get(WRITE, "post_p99_ms") > 500.0);
    let settled = t
        .iter()
        .zip(&p999)
        .find(|(t, p)| **t > restart && **p < 20.0)
        .expect("the rebuilds thin out")
        .0;
    quoted(
        &r,
        &format!(
            "store fetches jump from 0 to {}/s, the store's queues reach {} requests, and \
             everything that uses the store slows with it: read p99.9 and post p99 go past \
             0.5 s until the rebuilds thin out at ~{settled:.0} s",
            kilo(fetches.iter().fold(0.0f64, |a, &b| a.max(b)), 0),
            thousands(on.get(WRITE, "store_peak_queue"))
        ),
        &ts.src(
            WRITE,
            "store_reads_per_sec, read_p999_ms (and replica-crash.csv)",
        ),
    );
}

#[test]
fn duplicate_fanout_prose() {
    let r = readme();
    let c = Csv::open("duplicate-fanout.csv");
    let keyed = Csv::open("duplicate-fanout-keyed.csv");
    let ts = Csv::open("duplicate-fanout-timeseries.csv");
    let events: Vec<String> = ts.of(WRITE).iter().map(|r| r["event"].clone()).collect();
    let crashes = events
        .iter()
        .filter(|e| e.starts_with("crash 4 workers"))
        .count();
    assert_eq!(crashes, 3, "{events:?}");
    quoted(
        &r,
        "4 of 8 fan-out workers die three times",
        &ts.src(WRITE, "event"),
    );
    let top: f64 = events
        .iter()
        .find_map(|e| e.strip_prefix("tweet by rank 1 ("))
        .and_then(|e| e.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .expect("the largest account's tweet");
    quoted(
        &r,
        &format!("(up to {} followers)", thousands(top)),
        &ts.src(WRITE, "event"),
    );
    quoted(
        &r,
        &format!(
            "{} duplicate timeline entries under fan-out-on-write",
            thousands(c.get(WRITE, "duplicates"))
        ),
        &c.src(WRITE, "duplicates"),
    );
    quoted(
        &r,
        &format!(
            "its crashes catch only small jobs: {} duplicates",
            thousands(c.get(HYBRID, "duplicates"))
        ),
        &c.src(HYBRID, "duplicates"),
    );
    assert_eq!(
        keyed.get(WRITE, "duplicates") + keyed.get(HYBRID, "duplicates"),
        0.0
    );
    quoted(
        &r,
        "the cache recognises the tweet id and there are none",
        &keyed.src("each", "duplicates"),
    );
}

#[test]
fn fault_plots_show_what_the_readme_says() {
    let r = readme();
    // The availability panel is drawn whenever faults or policies acted:
    // the failover-on run alone has it (flat at 100%), and the shipped plot
    // pairs it with the no-failover run.
    let svg = read("results/replica-crash-timeseries.svg");
    for title in [
        "reads answered in full (%)",
        "store reads/s",
        "retries + failovers",
        "timeline rebuilds",
    ] {
        assert!(
            svg.contains(title),
            "results/replica-crash-timeseries.svg lacks {title:?}"
        );
    }
    let on = Csv::open("replica-crash-timeseries.csv");
    assert!(on.series(WRITE, "availability").iter().all(|&a| a == 1.0));
    let alone = fanout::plot::render(&[root().join("results/replica-crash-timeseries.csv")])
        .expect("the failover-on time series plots");
    assert!(
        alone.contains("reads answered in full (%)"),
        "the failover-on run plotted alone lacks the availability panel"
    );
    quoted(
        &r,
        "So a replica-crash run with failover on (every read answered) still shows the \
         availability panel, flat at 100%, beside its retries and rebuilds",
        &on.src(WRITE, "availability"),
    );
}

/// The graph of a scenario, built as `fanout check` builds it.
fn scenario_graph(name: &str) -> Graph {
    let path = root().join(format!("scenarios/{name}.toml"));
    let s = RawScenario::from_file(&path)
        .and_then(|r| r.resolve())
        .expect(name);
    let p = &s.population;
    Graph::build(&GraphParams {
        users: p.users,
        follower_exponent: p.followers.exponent,
        follower_max: p.followers.max,
        followee_exponent: p.followee_exponent,
        followee_max: None,
        seed: derive_seed(s.seed, "graph", 0),
    })
    .expect(name)
}

#[test]
#[cfg_attr(debug_assertions, ignore = "builds 1M-user graphs: run with --release")]
fn graph_figures() {
    let r = readme();
    let g = scenario_graph("twitter-2012");
    let st = g.stats();
    quoted(
        &r,
        &format!(
            "mean {:.0} gives median {}, p99 {}",
            st.mean_followers, st.median_followers, st.p99_followers
        ),
        "fanout check scenarios/twitter-2012.toml, followers per user",
    );
    let per_edge = |g: &Graph| g.memory_bytes() as f64 / g.edges() as f64;
    // The graph bench's graph (benches/graph.rs): 1M users, mean 75.
    let users = 1_000_000;
    let bench = Graph::build(&GraphParams {
        users,
        follower_exponent: solve_exponent(75.0, users - 1, users).expect("mean 75"),
        follower_max: users - 1,
        followee_exponent: 2.28,
        followee_max: None,
        seed: 1,
    })
    .expect("bench graph");
    quoted(
        &r,
        &format!(
            "{:.2} bytes per edge at the shipped mean of {:.0} (what `fanout check \
             scenarios/twitter-2012.toml` prints), {:.2} at mean 75 (the graph bench)",
            per_edge(&g),
            st.mean_followers,
            per_edge(&bench)
        ),
        "Graph::memory_bytes / edges, as fanout check and benches/graph.rs print it",
    );
    quoted(
        &r,
        &format!("followers ({}M edges) build in", bench.edges() / 1_000_000),
        "benches/graph.rs graph, Graph::edges",
    );
    quoted(
        &r,
        &format!("{:.2} bytes per edge, both directions", per_edge(&bench)),
        "benches/graph.rs",
    );
}

/// One strategy's answer in `results/sizing-tune.txt`: its searched
/// values, cost, and the points and simulations it took, with the grid's.
#[derive(Default)]
struct TuneAnswer {
    values: HashMap<String, f64>,
    cost: f64,
    points: u64,
    simulations: u64,
    grid_points: u64,
    grid_simulations: u64,
}

/// Reads the tune table: `STRATEGY: cheapest feasible configuration`, then
/// `  KEY  VALUE` lines, `cost_per_hour`, and the `evaluated` line.
fn tune_answers(text: &str) -> HashMap<String, TuneAnswer> {
    let mut out: HashMap<String, TuneAnswer> = HashMap::new();
    let mut current: Option<String> = None;
    let count = |s: &str| s.trim().replace(',', "").parse::<u64>().unwrap();
    for line in text.lines() {
        if let Some(s) = line.strip_suffix(": cheapest feasible configuration") {
            current = Some(s.to_string());
            continue;
        }
        let Some(s) = &current else { continue };
        let a = out.entry(s.clone()).or_default();
        let mut words = line.split_whitespace();
        match words.next() {
            Some("cost_per_hour") => a.cost = words.next().unwrap().parse().unwrap(),
            Some("evaluated") => {
                // N points, M simulations (exhaustive grid: G points, S simulations)
                let rest: Vec<&str> = words.collect();
                a.points = count(rest[0]);
                a.simulations = count(rest[2]);
                a.grid_points = count(rest[6]);
                a.grid_simulations = count(rest[8]);
                current = None;
            }
            Some(key) if key.starts_with("cluster.") => {
                a.values
                    .insert(key.to_string(), words.next().unwrap().parse().unwrap());
            }
            _ => {}
        }
    }
    out
}

#[test]
fn sizing_tune_prose() {
    let r = readme();
    let path = "results/sizing-tune.txt";
    let answers = tune_answers(&read(path));
    assert_eq!(answers.len(), 3, "{path}: three strategies answered");
    let a = |s: &str| answers.get(s).unwrap_or_else(|| panic!("{path}: no {s}"));
    let (w, h, rd) = (a("fanout-on-write"), a("hybrid"), a("fanout-on-read"));
    let store = rd.values["cluster.tweet_store.shards"] * rd.values["cluster.tweet_store.servers"];
    quoted(
        &r,
        &format!(
            "the cheapest answers are fan-out-on-write at {:.2}, hybrid at {:.2} and \
             fan-out-on-read at {:.2} (it needs {store:.0} store machines",
            w.cost, h.cost, rd.cost
        ),
        path,
    );
    let points: u64 = answers.values().map(|a| a.points).sum();
    let sims: u64 = answers.values().map(|a| a.simulations).sum();
    assert!(answers.values().all(|a| a.grid_points == w.grid_points));
    quoted(
        &r,
        &format!(
            "Tune evaluated {points} points ({sims} simulations) for the three strategies, \
             where the exhaustive grid has {} points per strategy ({} simulations with 3 seeds)",
            thousands(w.grid_points as f64),
            thousands(w.grid_simulations as f64)
        ),
        path,
    );
    // The CSV beside it holds every evaluated point.
    let csv = read("results/sizing-tune.csv");
    assert_eq!(
        csv.lines().count() as u64 - 1,
        points,
        "results/sizing-tune.csv"
    );
}

/// The calibration table: each strategy's read percentiles and the
/// slowest delivery, from the shipped run of the calibrated scenario.
#[test]
fn production_calibration_table() {
    let r = readme();
    let c = Csv::open("twitter-2012-production.csv");
    let cells = |col: &str, d: usize, unit: &str| -> String {
        [WRITE, READ, HYBRID]
            .iter()
            .map(|s| format!("{:.d$} {unit}", c.get(s, col)))
            .collect::<Vec<_>>()
            .join(" | ")
    };
    let rows = [
        format!(
            "| home-timeline read p50 | 5 ms | {} |",
            cells("read_p50_ms", 1, "ms")
        ),
        format!("| read p99 | 100 ms | {} |", cells("read_p99_ms", 0, "ms")),
        format!(
            "| read p99.9 | \"a couple of hundred\" ms | {} |",
            cells("read_p999_ms", 0, "ms")
        ),
    ];
    for row in rows {
        quoted(
            &r,
            &row,
            &c.src("each", "read_p50_ms, read_p99_ms, read_p999_ms"),
        );
    }
    let secs = [WRITE, READ, HYBRID]
        .iter()
        .map(|s| format!("{:.1} s", c.get(s, "delivery_max_ms") / 1000.0))
        .collect::<Vec<_>>()
        .join(" | ");
    quoted(
        &r,
        &format!("| delivery of the 1M-follower account's tweet | about 3.5 s (p50) | {secs} |"),
        &c.src("each", "delivery_max_ms"),
    );
}
