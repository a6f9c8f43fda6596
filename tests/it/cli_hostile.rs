//! Integration tests of hostile or careless use, through the real binary:
//! interrupted runs, clashing and unwritable output paths, closed pipes,
//! repeated flags, runaway sweeps. Each test is named after what it guards.

use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_fanout"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

fn fanout(args: &[&str]) -> Output {
    bin().args(args).output().expect("the fanout binary runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Exit status 2 with one line on standard error containing every `names`.
fn assert_refused(args: &[&str], names: &[&str]) {
    let o = fanout(args);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{args:?} was not refused: {err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
    for n in names {
        assert!(err.contains(n), "{args:?}: {err:?} lacks {n:?}");
    }
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Sends SIGINT after `after`, waits, and returns (status code, stderr).
fn interrupt(child: Child, after: Duration) -> (Option<i32>, String) {
    crate::support::signal_and_wait(child, "INT", after)
}

#[test]
fn interrupting_before_any_result_leaves_existing_outputs_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let (csv, json) = (dir.path().join("r.csv"), dir.path().join("r.json"));
    std::fs::write(&csv, "OLD\n").unwrap();
    std::fs::write(&json, "OLD\n").unwrap();
    let child = bin()
        .args(["run", "tests/data/tiny.toml", "--duration", "10h"])
        .args(["--csv", s(&csv), "--json", s(&json)])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (code, err) = interrupt(child, Duration::from_millis(1500));
    assert_eq!(code, Some(130), "{err}");
    assert!(err.contains("left untouched"), "{err}");
    assert_eq!(std::fs::read_to_string(&csv).unwrap(), "OLD\n");
    assert_eq!(std::fs::read_to_string(&json).unwrap(), "OLD\n");
}

#[test]
fn two_outputs_naming_one_file_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let x = dir.path().join("x");
    let same = dir.path().join(".").join("x");
    let run = |extra: &[&str]| {
        let mut args = vec!["run", "tests/data/tiny.toml", "--quiet"];
        args.extend_from_slice(extra);
        args.iter().map(|a| a.to_string()).collect::<Vec<_>>()
    };
    for extra in [
        vec!["--csv", s(&x), "--json", s(&same)],
        vec!["--csv", s(&x), "--timeseries", s(&x)],
        vec!["--json", s(&x), "--hdr", s(&x)],
    ] {
        let args = run(&extra);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        assert_refused(&args, &["the same file"]);
    }
    let txt = dir.path().join("h.percentiles.txt");
    let hdr = dir.path().join("h");
    assert_refused(
        &run(&["--csv", s(&txt), "--hdr", s(&hdr)])
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
        &["--hdr (its .percentiles.txt)", "the same file"],
    );
    assert!(!x.exists() && !txt.exists());
}

#[test]
fn an_output_that_is_also_an_input_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("s.toml");
    std::fs::copy("tests/data/tiny.toml", &scenario).unwrap();
    let before = std::fs::read(&scenario).unwrap();
    assert_refused(
        &["run", s(&scenario), "--quiet", "--csv", s(&scenario)],
        &["--csv", "the scenario file"],
    );
    assert_refused(
        &[
            "sweep",
            s(&scenario),
            "--vary",
            "seed=1,2",
            "--json",
            s(&scenario),
        ],
        &["--json", "the scenario file"],
    );
    let csv = dir.path().join("g.csv");
    std::fs::write(&csv, "scenario,strategy\n").unwrap();
    assert_refused(&["plot", s(&csv), "-o", s(&csv)], &["-o", "input CSV"]);
    assert_eq!(std::fs::read(&scenario).unwrap(), before);
    assert_eq!(
        std::fs::read_to_string(&csv).unwrap(),
        "scenario,strategy\n"
    );
}

#[test]
fn a_read_only_target_is_refused_for_an_unprivileged_user() {
    use std::os::unix::fs::PermissionsExt;
    // Root writes anything, so the refusal is checked as `nobody` when
    // setpriv is available (the permission check also has a unit test).
    let privileged = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    let setpriv = Path::new("/usr/bin/setpriv");
    if !privileged || !setpriv.exists() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
    let ro = dir.path().join("ro.csv");
    std::fs::write(&ro, "OLD\n").unwrap();
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o444)).unwrap();
    let scenario = dir.path().join("tiny.toml");
    std::fs::copy("tests/data/tiny.toml", &scenario).unwrap();
    std::fs::set_permissions(&scenario, std::fs::Permissions::from_mode(0o644)).unwrap();
    let o = Command::new(setpriv)
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(env!("CARGO_BIN_EXE_fanout"))
        .args(["run", s(&scenario), "--quiet", "--csv", s(&ro)])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let err = stderr(&o);
    if err.contains("setpriv")
        || err.contains("Permission denied (os error 13)") && err.contains("exec")
    {
        return; // the binary itself is not reachable as nobody
    }
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("cannot write the existing file"), "{err}");
    assert_eq!(std::fs::read_to_string(&ro).unwrap(), "OLD\n");
    let mode = std::fs::metadata(&ro).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o444);
}

#[test]
fn hdr_percentiles_path_is_checked_before_simulating() {
    let dir = tempfile::tempdir().unwrap();
    let hdr = dir.path().join("h.hlog");
    std::fs::create_dir(dir.path().join("h.hlog.percentiles.txt")).unwrap();
    let started = Instant::now();
    assert_refused(
        &[
            "run",
            "tests/data/tiny.toml",
            "--quiet",
            "--duration",
            "10h",
        ]
        .into_iter()
        .chain(["--hdr", s(&hdr)])
        .collect::<Vec<_>>(),
        &["percentiles.txt", "is a directory"],
    );
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "it simulated first"
    );
    assert!(!hdr.exists());
}

#[test]
fn a_closed_standard_output_ends_the_run_quietly() {
    let mut child = bin()
        .args(["run", "tests/data/tiny.toml", "--quiet"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        !err.contains("Broken pipe") && !err.contains("panicked"),
        "{err}"
    );
}

#[test]
fn queue_csv_to_standard_output_prints_only_the_csv() {
    let o = fanout(&[
        "queue",
        "--lambda",
        "0.5",
        "--servers",
        "1",
        "--service",
        "exp:1",
        "--customers",
        "2000",
        "--csv",
        "-",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.starts_with("model,metric,simulated,theory,rel_error\n"),
        "{out}"
    );
    assert!(
        !out.contains("rel. error"),
        "the table was printed too: {out}"
    );
}

#[test]
fn a_repeated_strategy_flag_is_refused_like_a_repeated_scenario_entry() {
    assert_refused(
        &[
            "run",
            "tests/data/tiny.toml",
            "--strategy",
            "read",
            "--strategy",
            "fanout-on-read",
        ],
        &["--strategy", "fanout-on-read", "twice"],
    );
}

#[test]
fn a_scenario_from_standard_input_is_refused_plainly() {
    assert_refused(&["run", "-"], &["standard input", "not supported"]);
    assert_refused(&["check", "-"], &["standard input", "not supported"]);
}

#[test]
fn varying_seed_with_several_seeds_is_refused() {
    assert_refused(
        &[
            "sweep",
            "tests/data/tiny.toml",
            "--vary",
            "seed=1,2",
            "--seeds",
            "2",
        ],
        &["--vary seed=1,2", "--seeds 2"],
    );
}

#[test]
fn a_runaway_sweep_grid_is_refused_before_it_is_built() {
    let started = Instant::now();
    assert_refused(
        &[
            "sweep",
            "tests/data/tiny.toml",
            "--vary",
            "workload.tweets_per_sec=100..200:lin:10000",
            "--vary",
            "workload.reads_per_sec=1000..2000:lin:10000",
            "--vary",
            "population.users=1000..3000:lin:10000",
        ],
        &["--vary", "10000 x 10000 x", "more than 10000", "--force"],
    );
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "the grid was built"
    );
}

fn queue_stdout_stderr(args: &[&str]) -> (String, String) {
    let mut all = vec!["queue"];
    all.extend_from_slice(args);
    let o = fanout(&all);
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    (String::from_utf8_lossy(&o.stdout).into_owned(), stderr(&o))
}

#[test]
fn queue_measures_the_steady_state_not_the_fill_and_the_drain() {
    // 100,000 servers at rho 0.9: filling them and draining them again took
    // a third of the run, and utilisation came out 0.578.
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("q.csv");
    queue_stdout_stderr(&[
        "--lambda",
        "90000",
        "--servers",
        "100000",
        "--service",
        "exp:1",
        "--customers",
        "2000000",
        "--csv",
        s(&csv),
    ]);
    let text = std::fs::read_to_string(&csv).unwrap();
    let util: f64 = text
        .lines()
        .find(|l| l.contains(",utilisation,"))
        .and_then(|l| l.split(',').nth(2))
        .and_then(|x| x.parse().ok())
        .unwrap();
    assert!((util - 0.9).abs() < 0.01, "utilisation {util}: {text}");
}

#[test]
fn a_queue_run_too_short_for_steady_state_is_warned_about() {
    let (out, err) = queue_stdout_stderr(&[
        "--lambda",
        "0.999999",
        "--servers",
        "1",
        "--service",
        "exp:1",
        "--customers",
        "20000",
    ]);
    assert!(
        err.contains("warning") && err.contains("relaxation time"),
        "{err}"
    );
    assert!(
        out.contains("measured customers 2001 to 18000 of 20000"),
        "{out}"
    );
    let (_, err) = queue_stdout_stderr(&[
        "--lambda",
        "0.5",
        "--servers",
        "1",
        "--service",
        "exp:1",
        "--customers",
        "20000",
    ]);
    assert!(!err.contains("warning"), "{err}");
}

/// The summary CSV with `wall_seconds` blanked: everything else is a pure
/// function of scenario and seed.
fn rows_without_wall(text: &str) -> Vec<Vec<String>> {
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let wall = header.iter().position(|h| *h == "wall_seconds").unwrap();
    let mut out = vec![header.iter().map(|h| h.to_string()).collect()];
    for line in lines {
        let mut cells: Vec<String> = line.split(',').map(str::to_string).collect();
        cells[wall].clear();
        out.push(cells);
    }
    out
}

#[test]
fn a_hybrid_threshold_sweep_reuses_the_other_strategies_rows() {
    let dir = tempfile::tempdir().unwrap();
    let sweep = dir.path().join("sweep.csv");
    let o = fanout(&[
        "sweep",
        "tests/data/tiny.toml",
        "--vary",
        "strategy.hybrid.celebrity_threshold=10,100",
        "--seeds",
        "2",
        "--csv",
        s(&sweep),
    ]);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(err.contains("reused at every point"), "{err}");
    assert!(err.contains("sweeping 8 simulations"), "{err}");
    let rows = rows_without_wall(&std::fs::read_to_string(&sweep).unwrap());
    // 2 points x 2 seeds x 3 strategies, grid order as always.
    assert_eq!(rows.len(), 1 + 12);
    for seed_index in 0..2 {
        // What re-simulating the second point would give, byte for byte.
        let single = dir.path().join(format!("one-{seed_index}.csv"));
        let seed = &rows[1 + 3 * seed_index][2];
        let o = fanout(&[
            "sweep",
            "tests/data/tiny.toml",
            "--quiet",
            "--seed",
            seed,
            "--vary",
            "strategy.hybrid.celebrity_threshold=100",
            "--csv",
            s(&single),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        let alone = rows_without_wall(&std::fs::read_to_string(&single).unwrap());
        assert_eq!(alone[0], rows[0]);
        // Every column but the last four: the item, the grid's size and
        // the sweep's hash differ between a one-point sweep and this one.
        let n = rows[0].len() - 4;
        assert_eq!(
            rows[0][n..],
            ["item", "items", "fanout_version", "scenario_hash"]
        );
        for k in 0..3 {
            assert_eq!(
                alone[1 + k][..n],
                rows[1 + 6 + 3 * seed_index + k][..n],
                "strategy {k}"
            );
        }
    }
}

#[test]
fn a_failed_output_replaces_no_other_output() {
    // `--json /dev/full` fails while writing; the CSV written before it in
    // the same run must not have replaced the file already there.
    if !Path::new("/dev/full").exists() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("out.csv");
    std::fs::write(&csv, "OLD\n").unwrap();
    let o = fanout(&[
        "run",
        "tests/data/tiny.toml",
        "--quiet",
        "--strategy",
        "write",
        "--csv",
        s(&csv),
        "--json",
        "/dev/full",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&csv).unwrap(), "OLD\n");
    let err = stderr(&o);
    assert!(err.contains("--json /dev/full"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(left.len(), 1, "a temporary file was left behind");
}

#[test]
fn a_newline_in_a_flag_value_is_refused_on_one_line() {
    let o = fanout(&["run", "tests/data/tiny.toml", "--strategy", "re\nad"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert_eq!(err.trim_end().lines().count(), 1, "{err:?}");
    assert!(err.contains("re\\nad"), "{err}");
}

#[test]
fn a_worker_crash_over_the_whole_run_reports_pending_deliveries_not_writes() {
    // Every worker is down for longer than the run: nothing is fanned out,
    // so no timeline write is counted and no delivery is measured; the
    // posts of the window are reported as pending in the CSV.
    let o = fanout(&[
        "run",
        "tests/data/tiny.toml",
        "--quiet",
        "--strategy",
        "write",
        "--set",
        "faults[0]={kind=\"crash\",target=\"workers\",workers=4,at=\"0s\",duration=\"1h\"}",
        "--csv",
        "-",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    let mut rows = csv::Reader::from_reader(text.as_bytes());
    let header = rows.headers().unwrap().clone();
    let row = rows.records().next().unwrap().unwrap();
    let get = |name: &str| {
        let i = header.iter().position(|h| h == name).unwrap();
        row[i].to_string()
    };
    assert_eq!(get("timeline_writes_per_sec"), "0.0");
    assert_eq!(get("delivery_p50_ms"), "");
    let posts: f64 = get("tweets_per_sec").parse().unwrap();
    let pending: f64 = get("pending_deliveries").parse().unwrap();
    let seconds: f64 = get("sim_seconds").parse().unwrap();
    assert_eq!(
        pending,
        posts * seconds,
        "every post of the window is pending"
    );
}
