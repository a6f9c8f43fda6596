//! `fanout queue` through the real binary: reproducible CSV, and bad flags
//! refused with exit status 2 and one line naming the flag (the README's exit-status contract).

use std::path::Path;
use std::process::{Command, Output};

fn fanout(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fanout"))
        .args(args)
        .output()
        .expect("the fanout binary runs")
}

fn queue_csv(dir: &Path, name: &str, seed: &str, service: &str) -> String {
    let path = dir.join(name);
    let out = fanout(&[
        "queue",
        "--lambda",
        "0.7",
        "--servers",
        "2",
        "--service",
        service,
        "--customers",
        "50000",
        "--seed",
        seed,
        "--csv",
        path.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("model M/M/2"), "{stdout}");
    assert!(stdout.contains("events per second"), "{stdout}");
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let a = queue_csv(dir.path(), "a.csv", "11", "exp:1");
    let b = queue_csv(dir.path(), "b.csv", "11", "exp:1");
    let c = queue_csv(dir.path(), "c.csv", "12", "exp:1");
    assert_eq!(a, b, "same seed, different CSV");
    assert_ne!(a, c, "another seed gave the same CSV");
    let lines: Vec<&str> = a.lines().collect();
    assert_eq!(lines[0], "model,metric,simulated,theory,rel_error");
    let metrics: Vec<&str> = lines[1..]
        .iter()
        .map(|l| l.split(',').nth(1).unwrap())
        .collect();
    assert_eq!(
        metrics,
        [
            "mean_wait",
            "prob_wait",
            "wait_p50",
            "wait_p99",
            "wait_p999",
            "mean_sojourn",
            "sojourn_p50",
            "sojourn_p99",
            "sojourn_p999",
            "mean_in_system",
            "utilisation",
        ]
    );
    // M/M/2: sojourn quantiles have no closed form, so their theory is empty.
    let soj99: Vec<&str> = lines[8].split(',').collect();
    assert_eq!((soj99[1], soj99[3], soj99[4]), ("sojourn_p99", "", ""));
    let util: Vec<&str> = lines[11].split(',').collect();
    assert_eq!(util[3].parse::<f64>().unwrap(), 0.35);
}

#[test]
fn bad_flags_exit_2_with_one_line_naming_the_flag() {
    let base = ["queue", "--servers", "1", "--customers", "1000"];
    for (extra, flag) in [
        (&["--lambda", "2", "--service", "exp:1"][..], "--lambda"),
        (
            &["--lambda", "0.5", "--service", "gamma:1"][..],
            "--service",
        ),
        (
            &["--lambda", "0.5", "--service", "lognormal:1,-1"][..],
            "--service",
        ),
        (&["--lambda", "-1", "--service", "exp:1"][..], "--lambda"),
        (&["--lambda=-0.5", "--service", "exp:1"][..], "--lambda"),
    ] {
        let args: Vec<&str> = base.iter().chain(extra).copied().collect();
        let out = fanout(&args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.contains(flag), "{args:?}: {stderr}");
        assert!(out.stdout.is_empty(), "{args:?} printed results");
    }
    let out = fanout(&[
        "queue",
        "--lambda",
        "2",
        "--servers",
        "1",
        "--service",
        "exp:1",
        "--customers",
        "10",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("rho = 2.000 >= 1"), "{stderr}");
}

#[test]
fn csv_directory_missing_is_refused_before_work() {
    let out = fanout(&[
        "queue",
        "--lambda",
        "0.5",
        "--servers",
        "1",
        "--service",
        "exp:1",
        "--customers",
        "10",
        "--csv",
        "/no/such/dir/q.csv",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--csv"));
    assert!(out.stdout.is_empty());
}

#[test]
fn fork_refusals_exit_2_and_fork_csv_marks_its_theory() {
    let base = [
        "queue",
        "--lambda",
        "0.5",
        "--servers",
        "1",
        "--service",
        "exp:1",
        "--customers",
        "1000",
    ];
    for bad in ["0", "1025"] {
        let args: Vec<&str> = base.iter().copied().chain(["--fork", bad]).collect();
        let out = fanout(&args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
        assert!(stderr.contains(&format!("--fork {bad}")), "{stderr}");
        assert!(out.stdout.is_empty());
    }
    let args: Vec<&str> = base
        .iter()
        .copied()
        .chain(["--fork", "3", "--csv", "-"])
        .collect();
    let out = fanout(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let csv = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "model,metric,simulated,theory,rel_error,theory_kind"
    );
    assert!(
        lines[1].starts_with("M/M/1 fork-join K=3,mean_response,")
            && lines[1].ends_with(",approximation"),
        "{csv}"
    );
    // --fork 1 is the single station: its five-column CSV.
    let args: Vec<&str> = base
        .iter()
        .copied()
        .chain(["--fork", "1", "--csv", "-"])
        .collect();
    let one = fanout(&args);
    let plain: Vec<&str> = base.iter().copied().chain(["--csv", "-"]).collect();
    assert_eq!(one.stdout, fanout(&plain).stdout);
}
