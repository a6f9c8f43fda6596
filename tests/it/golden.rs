//! Golden results: the model's output for every shipped scenario is pinned.
//!
//! results/golden/NAME.args holds the arguments of a short `fanout run` of
//! scenarios/NAME.toml (one per line) and results/golden/NAME.csv its
//! summary CSV, both written by scripts/regenerate-golden.sh. This test
//! replays each run with the real binary and compares every column of the
//! golden file but `wall_seconds` exactly, by column name, so any change of
//! the numbers,
//! including the simulator's own `events` count, fails with the scenario,
//! strategy, column and both values. If the change is deliberate, run
//! scripts/regenerate-golden.sh and give the reason in the commit. Columns
//! added since a golden file was written must hold the values that mean
//! "unused" (see [`NEUTRAL`]), which pins that the shipped scenarios,
//! configuring no faults, are not changed by them.
//!
//! The 1M-user scenarios take seconds optimised and minutes unoptimised, so
//! the comparison runs in release builds (`cargo test --release`, the
//! project's test command); a debug build says that it skipped it.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The one column that is not a function of the scenario and seed.
const IGNORED: &[&str] = &["wall_seconds"];

const REGENERATE: &str = "If the change is deliberate, run scripts/regenerate-golden.sh \
                          and give the reason in the commit.";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn stems(dir: &Path, ext: &str) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect()
}

struct Csv {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

fn read_csv(path: &Path) -> Csv {
    let mut r = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let header = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r
        .records()
        .map(|rec| rec.unwrap().iter().map(String::from).collect())
        .collect();
    Csv { header, rows }
}

impl Csv {
    fn column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }
    /// The row of each strategy (scenario and seed are the same in a file).
    fn strategy_of(&self, row: &[String]) -> String {
        self.column("strategy")
            .map(|i| row[i].clone())
            .unwrap_or_default()
    }
}

/// The columns a fresh CSV may have beyond a golden file written before
/// them (the resilience columns of README, Faults and resilience), each with the value it must hold
/// in a scenario that configures no fault or client policy. Availability
/// is empty instead when the run settled no read.
const NEUTRAL: &[(&str, &str)] = &[
    ("availability", "1.0000"),
    ("failed_reads", "0"),
    ("degraded_reads", "0"),
    ("timeouts", "0"),
    ("retries", "0"),
    ("hedges", "0"),
    ("duplicates", "0"),
    ("rebuilds", "0"),
];

/// Every difference between the golden CSV and a fresh one, one line each.
/// Columns are matched by name: every golden column must be there with the
/// same value; a fresh column the golden file lacks is a difference unless
/// it is in [`NEUTRAL`] and holds its neutral value in every row.
fn differences(name: &str, old: &Csv, new: &Csv) -> Vec<String> {
    let mut out = Vec::new();
    for h in &old.header {
        if new.column(h).is_none() {
            out.push(format!("{name}: column {h} disappeared"));
        }
    }
    for (j, h) in new.header.iter().enumerate() {
        if old.column(h).is_some() {
            continue;
        }
        let Some(&(_, neutral)) = NEUTRAL.iter().find(|(n, _)| n == h) else {
            out.push(format!("{name}: column {h} appeared"));
            continue;
        };
        for row in &new.rows {
            let no_reads = new
                .column("reads_per_sec")
                .and_then(|i| row[i].parse::<f64>().ok())
                == Some(0.0);
            let want = if h == "availability" && no_reads {
                ""
            } else {
                neutral
            };
            if row[j] != want {
                out.push(format!(
                    "{name} / {} / {h}: new column, {} where a run without faults \
                     or client policies has {}",
                    new.strategy_of(row),
                    show(&row[j]),
                    show(want)
                ));
            }
        }
    }
    let old_strategies: Vec<String> = old.rows.iter().map(|r| old.strategy_of(r)).collect();
    let new_strategies: Vec<String> = new.rows.iter().map(|r| new.strategy_of(r)).collect();
    if old_strategies != new_strategies {
        out.push(format!(
            "{name}: rows (strategies) were {old_strategies:?}, now {new_strategies:?}"
        ));
    }
    for old_row in &old.rows {
        let strategy = old.strategy_of(old_row);
        let Some(new_row) = new.rows.iter().find(|r| new.strategy_of(r) == strategy) else {
            continue;
        };
        for (i, h) in old.header.iter().enumerate() {
            if IGNORED.contains(&h.as_str()) {
                continue;
            }
            let Some(j) = new.column(h) else { continue };
            if old_row[i] != new_row[j] {
                out.push(format!(
                    "{name} / {strategy} / {h}: was {}, now {}",
                    show(&old_row[i]),
                    show(&new_row[j])
                ));
            }
        }
    }
    out
}

fn show(cell: &str) -> &str {
    if cell.is_empty() { "(empty)" } else { cell }
}

/// A replayed run: its arguments and the CSV it wrote, or what went wrong.
type Replayed = Result<(Vec<String>, PathBuf), String>;

/// Runs `fanout run ARGS --csv OUT` as the golden file's args say.
fn replay(name: &str, dir: &Path) -> Replayed {
    let args_path = root().join(format!("results/golden/{name}.args"));
    let text = std::fs::read_to_string(&args_path).map_err(|e| {
        format!(
            "{}: {e}; run scripts/regenerate-golden.sh",
            args_path.display()
        )
    })?;
    let args: Vec<String> = text.lines().map(String::from).collect();
    let out = dir.join(format!("{name}.csv"));
    let o = Command::new(env!("CARGO_BIN_EXE_fanout"))
        .arg("run")
        .args(&args)
        .arg("--csv")
        .arg(&out)
        .current_dir(root())
        .output()
        .map_err(|e| format!("cannot run fanout: {e}"))?;
    if !o.status.success() {
        return Err(format!(
            "{name}: fanout run {} failed ({}):\n{}\n(if the scenario changed so that these \
             arguments no longer apply, adjust scripts/regenerate-golden.sh and run it)",
            args.join(" "),
            o.status,
            String::from_utf8_lossy(&o.stderr)
        ));
    }
    Ok((args, out))
}

#[test]
fn shipped_scenarios_reproduce_their_golden_results() {
    let root = root();
    let golden_dir = root.join("results/golden");
    let scenarios = stems(&root.join("scenarios"), "toml");
    let golden = stems(&golden_dir, "csv");
    let missing: Vec<_> = scenarios.difference(&golden).collect();
    let stale: Vec<_> = golden.difference(&scenarios).collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "golden results out of step with scenarios/: no results/golden/NAME.csv for {missing:?}; \
         golden files without a scenario: {stale:?}. Run scripts/regenerate-golden.sh."
    );
    if cfg!(debug_assertions) {
        eprintln!(
            "golden: SKIPPED the comparison in this unoptimised build (the 1M-user scenarios \
             take minutes); run `cargo test --release --test it golden`"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // One process per scenario, all at once: each is mostly single-threaded
    // after its graph build, so this fills the cores.
    let results: Vec<(String, Replayed)> = std::thread::scope(|s| {
        let handles: Vec<_> = golden
            .iter()
            .map(|name| {
                let dir = dir.path();
                (name.clone(), s.spawn(move || replay(name, dir)))
            })
            .collect();
        handles
            .into_iter()
            .map(|(name, h)| (name, h.join().unwrap()))
            .collect()
    });
    let mut problems = Vec::new();
    for (name, result) in results {
        match result {
            Err(e) => problems.push(e),
            Ok((args, fresh)) => {
                let old = read_csv(&golden_dir.join(format!("{name}.csv")));
                let new = read_csv(&fresh);
                let diffs = differences(&name, &old, &new);
                if !diffs.is_empty() {
                    problems.push(format!(
                        "results/golden/{name}.csv differs from `fanout run {} --csv ...`:\n  {}",
                        args.join(" "),
                        diffs.join("\n  ")
                    ));
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "the model's output changed:\n{}\n\n{REGENERATE}",
        problems.join("\n")
    );
}

#[test]
fn the_comparison_names_what_changed() {
    let csv = |text: &str| {
        let mut r = csv::Reader::from_reader(text.as_bytes());
        Csv {
            header: r.headers().unwrap().iter().map(String::from).collect(),
            rows: r
                .records()
                .map(|x| x.unwrap().iter().map(String::from).collect())
                .collect(),
        }
    };
    let old = csv("scenario,strategy,events,wall_seconds\nx,hybrid,10,1.0\n");
    let same = csv("scenario,strategy,events,wall_seconds\nx,hybrid,10,2.5\n");
    assert!(differences("x", &old, &same).is_empty());
    let changed = csv("scenario,strategy,events,wall_seconds,extra\nx,hybrid,11,1.0,5\n");
    assert_eq!(
        differences("x", &old, &changed),
        [
            "x: column extra appeared",
            "x / hybrid / events: was 10, now 11"
        ]
    );
    // The resilience columns may appear, holding their neutral values...
    let neutral = csv(
        "scenario,strategy,events,wall_seconds,reads_per_sec,availability,failed_reads,rebuilds\n\
         x,hybrid,10,1.0,5.0,1.0000,0,0\n",
    );
    let with_reads =
        csv("scenario,strategy,events,wall_seconds,reads_per_sec\nx,hybrid,10,1.0,5.0\n");
    assert!(differences("x", &with_reads, &neutral).is_empty());
    let no_reads = csv(
        "scenario,strategy,events,wall_seconds,reads_per_sec,availability,timeouts\n\
         x,hybrid,10,1.0,0.0,,0\n",
    );
    let golden_no_reads =
        csv("scenario,strategy,events,wall_seconds,reads_per_sec\nx,hybrid,10,1.0,0.0\n");
    assert!(differences("x", &golden_no_reads, &no_reads).is_empty());
    // ...but not other values.
    let used = csv(
        "scenario,strategy,events,wall_seconds,reads_per_sec,availability,retries\n\
         x,hybrid,10,1.0,5.0,0.9990,3\n",
    );
    assert_eq!(
        differences("x", &with_reads, &used),
        [
            "x / hybrid / availability: new column, 0.9990 where a run without faults or \
             client policies has 1.0000",
            "x / hybrid / retries: new column, 3 where a run without faults or client \
             policies has 0"
        ]
    );
    // A golden file that has them compares them like any other column
    // (failed_reads and rebuilds appear with their neutral values).
    assert_eq!(
        differences("x", &used, &neutral),
        [
            "x: column retries disappeared",
            "x / hybrid / availability: was 0.9990, now 1.0000"
        ]
    );
    let fewer = csv("scenario,strategy,wall_seconds\nx,hybrid,1.0\nx,fanout-on-read,1.0\n");
    assert_eq!(
        differences("x", &old, &fewer),
        [
            "x: column events disappeared",
            "x: rows (strategies) were [\"hybrid\"], now [\"hybrid\", \"fanout-on-read\"]"
        ]
    );
}
