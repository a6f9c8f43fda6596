//! Fan-out parallelism end to end (`cluster.fanout_workers.parallelism`)
//! and the summary's mean and rate columns, through the real binary.

use std::collections::HashMap;
use std::process::Command;

/// Runs `fanout` and returns the rows of the CSV it writes to standard output.
fn csv_rows(args: &[&str]) -> Vec<HashMap<String, String>> {
    let out = Command::new(env!("CARGO_BIN_EXE_fanout"))
        .args(args)
        .output()
        .expect("the fanout binary runs");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut reader = csv::Reader::from_reader(&out.stdout[..]);
    let header = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            header
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

fn num(row: &HashMap<String, String>, column: &str) -> f64 {
    row[column]
        .parse()
        .unwrap_or_else(|_| panic!("{column} = {:?} is not a number", row[column]))
}

/// On scenarios/celebrity.toml (one tweet of the 999,999-follower account,
/// about 256 batches of 4,000 destinations), a pool of 8 workers, few
/// reads so the cache is not what limits: the celebrity's delivery time
/// (the slowest delivery of the run, `delivery_max_ms`) falls as 1/P while
/// P workers are idle, and stops falling once P exceeds the pool.
#[test]
fn celebrity_delivery_falls_as_one_over_parallelism_until_the_pool_is_full() {
    let rows = csv_rows(&[
        "sweep",
        "scenarios/celebrity.toml",
        "--strategy",
        "write",
        "--vary",
        "cluster.fanout_workers.parallelism=1,2,4,8,32",
        "--set",
        "cluster.fanout_workers.workers=8",
        "--set",
        "workload.reads_per_sec=10000",
        "--set",
        "workload.events=[{kind=\"tweet\",at=\"10s\",rank=1}]",
        "--duration",
        "10s",
        "--csv",
        "-",
    ]);
    let slowest: HashMap<u32, f64> = rows
        .iter()
        .map(|r| {
            let p = num(r, "cluster.fanout_workers.parallelism") as u32;
            assert_eq!(num(r, "pending_deliveries"), 0.0, "P={p}");
            (p, num(r, "delivery_max_ms"))
        })
        .collect();
    let serial = slowest[&1];
    // About 3 s serially (README: delivery takes 3.2 s under full load).
    assert!((2_000.0..5_000.0).contains(&serial), "P=1: {serial} ms");
    for p in [2, 4, 8] {
        let speedup = serial / slowest[&p];
        let want = f64::from(p);
        assert!(
            (0.75 * want..=1.1 * want).contains(&speedup),
            "P={p}: {} ms, speed-up {speedup:.2} (want about {want})",
            slowest[&p]
        );
    }
    // 32 parts on 8 workers: no faster than 8 parts (1/P would be 4x faster).
    assert!(
        slowest[&32] > 0.9 * slowest[&8],
        "P=32: {} ms vs P=8: {} ms",
        slowest[&32],
        slowest[&8]
    );
}

/// Little's law, L = lambda W, per tier from the summary CSV alone: the
/// time-average number in system (`{tier}_mean_in_system`) against the
/// tier's arrival rate in the window (`store_requests_per_sec`,
/// `cache_requests_per_sec`, `workers_jobs_per_sec`) times its mean
/// sojourn (`{tier}_mean_sojourn_ms`). It holds for any stable station;
/// the slack is the CSV's rounding (3 decimals of requests and of ms) and
/// 1% for the requests straddling the window's edges. The check fails if a
/// rate counts other requests than the sojourns do, or over another span.
/// Runs with drops are skipped (the rate counts dropped requests, which
/// spend no time inside).
#[test]
fn littles_law_holds_per_tier_from_the_csv_columns() {
    let rows = csv_rows(&["run", "tests/data/perf.toml", "--quiet", "--csv", "-"]);
    let mut checked = 0;
    for r in &rows {
        let strategy = &r["strategy"];
        for m in ["read", "post", "delivery"] {
            let (mean, max) = (
                r[&format!("{m}_mean_ms")].as_str(),
                r[&format!("{m}_max_ms")].as_str(),
            );
            if max.is_empty() {
                assert!(mean.is_empty(), "{strategy}: {m} mean {mean} without a max");
                continue;
            }
            let (mean, max): (f64, f64) = (mean.parse().unwrap(), max.parse().unwrap());
            assert!(
                mean > 0.0 && mean <= max,
                "{strategy}: {m} mean {mean} ms, max {max} ms"
            );
        }
        let drops: f64 = [
            "dropped_reads",
            "dropped_posts",
            "dropped_fanouts",
            "dropped_timeline_writes",
        ]
        .iter()
        .map(|c| num(r, c))
        .sum();
        if drops > 0.0 {
            continue;
        }
        for (tier, rate_col) in [
            ("store", "store_requests_per_sec"),
            ("cache", "cache_requests_per_sec"),
            ("workers", "workers_jobs_per_sec"),
        ] {
            let rate = num(r, rate_col);
            if rate == 0.0 {
                assert_eq!(
                    num(r, &format!("{tier}_mean_in_system")),
                    0.0,
                    "{strategy} {tier}"
                );
                continue;
            }
            let in_system = num(r, &format!("{tier}_mean_in_system"));
            let sojourn_s = num(r, &format!("{tier}_mean_sojourn_ms")) * 1e-3;
            let little = rate * sojourn_s;
            let tol = 0.01 * in_system + 0.0005 + rate * 0.0005e-3;
            assert!(
                (in_system - little).abs() <= tol,
                "{strategy} {tier}: mean in system {in_system} vs rate {rate}/s x sojourn {sojourn_s} s = {little}"
            );
            checked += 1;
        }
    }
    assert!(checked >= 5, "only {checked} tiers checked");
}
