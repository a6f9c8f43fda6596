//! `fanout tune`: the real binary against an exhaustive `sweep` of the same
//! space, an SLO nothing meets, determinism across thread counts, and the
//! refusals.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};

/// The small space the tests search: store servers and fan-out workers of
/// tiny.toml, one simulated second, two seeds.
const SPACE: [&str; 4] = [
    "--search",
    "cluster.tweet_store.servers=1..6",
    "--search",
    "cluster.fanout_workers.workers=1..4",
];

/// tiny.toml loaded enough that the store's servers matter.
const LOAD: [&str; 4] = [
    "--set",
    "workload.reads_per_sec=8000",
    "--set",
    "workload.tweets_per_sec=1500",
];

/// The SLOs of the comparison, chosen so fan-out-on-read's answer is
/// inside the space (neither the smallest nor the largest point).
const SLO: &str = "read_p99<=2500us";
const SLO2: &str = "delivery_p99<=20ms";
/// The same limits in the CSV's unit (ms), by column.
const LIMITS: [(&str, f64); 2] = [("read_p99_ms", 2.5), ("delivery_p99_ms", 20.0)];

fn fanout(args: &[&str], threads: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fanout"))
        .args(args)
        .env("RAYON_NUM_THREADS", threads)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the fanout binary runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Runs tune on the loaded tiny.toml with the test space and `extra` flags.
fn tune(extra: &[&str], csv: &Path, threads: &str) -> Output {
    let mut args = vec![
        "tune",
        "tests/data/tiny.toml",
        "--duration",
        "1s",
        "--seeds",
        "2",
        "--quiet",
        "--csv",
        csv.to_str().unwrap(),
    ];
    args.extend_from_slice(&SPACE);
    args.extend_from_slice(&LOAD);
    args.extend_from_slice(extra);
    fanout(&args, threads)
}

/// The 0.975 quantile of Student's t with one degree of freedom.
const T975_1: f64 = 12.706;

/// The figures of each seed, whether every seed was stable, and the cost.
type Seeds = (Vec<Vec<f64>>, bool, f64);

/// Per strategy, the cheapest cost of the sweep's points that are stable
/// in both seeds and whose figures' 95% upper bounds are within [`LIMITS`].
fn cheapest_feasible(sweep_csv: &str) -> BTreeMap<String, f64> {
    let mut rdr = csv::Reader::from_reader(sweep_csv.as_bytes());
    let header = rdr.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (strategy, unstable, cost) = (col("strategy"), col("unstable"), col("cost_per_hour"));
    let figures: Vec<(usize, f64)> = LIMITS.iter().map(|(c, l)| (col(c), *l)).collect();
    let (servers, workers) = (
        col("cluster.tweet_store.servers"),
        col("cluster.fanout_workers.workers"),
    );
    let mut points: BTreeMap<(String, String, String), Seeds> = BTreeMap::new();
    for r in rdr.records() {
        let r = r.unwrap();
        let key = (
            r[strategy].to_string(),
            r[servers].to_string(),
            r[workers].to_string(),
        );
        let e = points.entry(key).or_insert((Vec::new(), true, 0.0));
        e.0.push(
            figures
                .iter()
                .map(|(c, _)| r[*c].parse().unwrap_or(f64::NAN))
                .collect(),
        );
        e.1 &= &r[unstable] == "0";
        e.2 = r[cost].parse().unwrap();
    }
    let mut best: BTreeMap<String, f64> = BTreeMap::new();
    for ((s, _, _), (seeds, stable, cost)) in points {
        assert_eq!(seeds.len(), 2);
        let holds = figures.iter().enumerate().all(|(k, (_, limit))| {
            let (a, b) = (seeds[0][k], seeds[1][k]);
            let mean = (a + b) / 2.0;
            let sd = ((a - mean).powi(2) + (b - mean).powi(2)).sqrt();
            mean + T975_1 * sd / 2f64.sqrt() <= *limit
        });
        if stable && holds {
            let b = best.entry(s).or_insert(f64::INFINITY);
            *b = b.min(cost);
        }
    }
    best
}

/// Per strategy, the cost tune's table gives for its answer.
fn tune_costs(stdout: &str) -> BTreeMap<String, f64> {
    let mut out = BTreeMap::new();
    let mut current = None;
    for line in stdout.lines() {
        if let Some(s) = line.strip_suffix(": cheapest feasible configuration") {
            current = Some(s.to_string());
        } else if let (Some(s), Some(c)) = (&current, line.trim().strip_prefix("cost_per_hour")) {
            out.insert(s.clone(), c.trim().parse().unwrap());
            current = None;
        }
    }
    out
}

/// The value of `key` in `strategy`'s answer, from tune's table.
fn answer_value(stdout: &str, strategy: &str, key: &str) -> u64 {
    let block = stdout
        .split(&format!("{strategy}: cheapest feasible configuration"))
        .nth(1)
        .unwrap_or_else(|| panic!("no answer for {strategy}: {stdout}"));
    let line = block
        .lines()
        .find_map(|l| l.trim().strip_prefix(key))
        .unwrap_or_else(|| panic!("no {key} for {strategy}: {stdout}"));
    line.trim().parse().unwrap()
}

#[test]
fn tune_finds_the_cheapest_feasible_point_of_the_exhaustive_sweep_in_fewer_simulations() {
    let dir = tempfile::tempdir().unwrap();
    let tune_csv = dir.path().join("tune.csv");
    let slos = ["--slo", SLO, "--slo", SLO2];
    let strategies = ["--strategy", "write", "--strategy", "read"];
    let o = tune(&[&slos[..], &strategies[..]].concat(), &tune_csv, "2");
    assert!(o.status.success(), "{}", text(&o.stderr));
    let stdout = text(&o.stdout);
    let sweep_csv = dir.path().join("sweep.csv");
    let mut args = vec![
        "sweep",
        "tests/data/tiny.toml",
        "--duration",
        "1s",
        "--seeds",
        "2",
        "--quiet",
        "--vary",
        "cluster.tweet_store.servers=1,2,3,4,5,6",
        "--vary",
        "cluster.fanout_workers.workers=1,2,3,4",
        "--csv",
        sweep_csv.to_str().unwrap(),
    ];
    args.extend_from_slice(&LOAD);
    args.extend_from_slice(&strategies);
    let s = fanout(&args, "2");
    assert!(s.status.success(), "{}", text(&s.stderr));
    let want = cheapest_feasible(&std::fs::read_to_string(&sweep_csv).unwrap());
    let got = tune_costs(&stdout);
    assert_eq!(got.len(), 2, "{stdout}");
    assert_eq!(got, want, "{stdout}");
    // Fan-out-on-read's answer is no corner of the space (else the test
    // would show little): more store servers than the least (1), fewer than
    // the largest (6).
    let servers = answer_value(&stdout, "fanout-on-read", "cluster.tweet_store.servers");
    assert!(servers > 1 && servers < 6, "{stdout}");
    assert!(
        stdout.contains("yes (branch and bound finished)"),
        "{stdout}"
    );
    // Fewer points than the grid's 24 per strategy.
    let rows = std::fs::read_to_string(&tune_csv).unwrap().lines().count() - 1;
    assert!(rows < 2 * 24, "tune evaluated {rows} points");
    // fanout plot recognises the tune CSV: cost against the main SLO.
    let svg = dir.path().join("tune.svg");
    let p = fanout(
        &[
            "plot",
            tune_csv.to_str().unwrap(),
            "-o",
            svg.to_str().unwrap(),
        ],
        "2",
    );
    assert!(p.status.success(), "{}", text(&p.stderr));
    let svg = std::fs::read_to_string(&svg).unwrap();
    assert!(svg.contains("cost per hour against read_p99_ms"), "{svg}");
    assert!(svg.contains("feasible frontier") && svg.contains("frontier"));
}

#[test]
fn an_slo_nothing_meets_is_refused_with_the_closest_miss() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("tune.csv");
    let o = tune(
        &["--slo", "read_p99<=1us", "--strategy", "write"],
        &csv,
        "2",
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    let err = text(&o.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(
        err.contains("no configuration") && err.contains("closest"),
        "{err}"
    );
    assert!(err.contains("read_p99<=1us misses by"), "{err}");
    // The largest point is the closest: every size at its maximum.
    assert!(err.contains("cluster.tweet_store.servers=6"), "{err}");
    assert!(text(&o.stdout).contains("no configuration in the space meets the SLOs"));
    // One evaluation says so: nothing in the space can do better.
    assert_eq!(std::fs::read_to_string(&csv).unwrap().lines().count(), 2);
}

#[test]
fn the_same_seed_gives_the_same_answer_on_one_thread_or_two() {
    let dir = tempfile::tempdir().unwrap();
    let run = |threads: &str| {
        let csv = dir.path().join(format!("t{threads}.csv"));
        let o = tune(&["--slo", SLO, "--strategy", "hybrid"], &csv, threads);
        assert!(o.status.success(), "{}", text(&o.stderr));
        // The last line is the process's peak memory, which may differ.
        let stdout: Vec<String> = text(&o.stdout)
            .lines()
            .filter(|l| !l.starts_with("peak memory"))
            .map(String::from)
            .collect();
        (stdout, std::fs::read_to_string(&csv).unwrap())
    };
    assert_eq!(run("1"), run("2"));
}

#[test]
fn bad_slos_and_ranges_are_refused_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("x.csv");
    for (args, says) in [
        (
            vec!["--slo", "read_p98<=1ms"],
            "unknown metric 'read_p98'; use one of read_p50",
        ),
        (vec!["--slo", "read_p99=1ms"], "expected METRIC<=VALUE"),
        (vec!["--slo", "read_p99<=1"], "duration with a unit"),
        (
            vec![
                "--slo",
                SLO,
                "--search",
                "cluster.fanout_workers.workers=0..4",
            ],
            "cluster.fanout_workers.workers cannot be 0",
        ),
        (
            vec!["--slo", SLO, "--search", "cluster.tweet_store.servers=5..2"],
            "LO 5 is above HI 2",
        ),
        (vec!["--slo", SLO, "--seeds", "1"], "--seeds 1: must be"),
    ] {
        let mut all = vec!["tune", "tests/data/tiny.toml", "--quiet"];
        all.extend_from_slice(&args);
        all.extend_from_slice(&["--csv", csv.to_str().unwrap()]);
        let o = fanout(&all, "2");
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
        assert_eq!(err.trim().lines().count(), 1, "{err}");
        assert!(!csv.exists(), "nothing is written for a refusal");
    }
}

/// Ctrl-C keeps what tune found: the table is printed with its header
/// marked PARTIAL, every point evaluated so far is in the CSV, and the exit
/// status is 130, as for the other commands.
#[test]
fn tune_interrupted_prints_the_best_so_far_marked_partial() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("tune.csv");
    let stdout = dir.path().join("stdout.txt");
    // The default search space of the sizing example takes minutes.
    let child = Command::new(env!("CARGO_BIN_EXE_fanout"))
        .args(["tune", "scenarios/sizing.toml", "--quiet"])
        .args(["--slo", "read_p99<=3ms", "--slo", "delivery_p99<=50ms"])
        .arg("--csv")
        .arg(&csv)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(std::fs::File::create(&stdout).unwrap())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let (code, err) =
        crate::support::signal_and_wait(child, "INT", std::time::Duration::from_millis(3000));
    assert_eq!(code, Some(130), "{err}");
    let out = std::fs::read_to_string(&stdout).unwrap();
    assert!(
        out.starts_with("tune sizing (PARTIAL: interrupted)"),
        "{out}"
    );
    let rows = std::fs::read_to_string(&csv).unwrap();
    assert!(rows.starts_with("strategy,"), "{rows}");
}
