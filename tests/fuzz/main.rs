//! Fuzzing fanout's whole input surface: scenario text, `--set`, `--vary`,
//! `fanout queue` flags and `fanout plot` CSVs. See docs/fuzzing.md.
//!
//! `cargo test --release` runs 2,000 cases (seed 1). A long run:
//!
//! ```text
//! cargo test --release --test fuzz -- --cases 1000000 --seed 1
//! cargo test --release --test fuzz -- --seed 1 --replay 12345
//! ```
//!
//! This process is the supervisor: it runs the cases in a child process (this
//! same executable with `--worker`), which reports its progress through a
//! file. A case that takes longer than `--timeout` seconds is a hang: the
//! child is killed and restarted after it. A child that dies (an abort, a
//! stack overflow) is a crash, and likewise restarted. Findings go to
//! `OUT/findings.log`, with up to three reproducers per failure class in
//! `OUT/cases/INDEX/`.

mod cases;
mod cases_other;
mod dict;
mod oracle;
mod rng;
mod supervise;
mod target;

use std::path::PathBuf;

/// Failure classes known and being fixed elsewhere: (signature prefix, note).
/// A finding whose signature starts with one is counted but does not fail
/// the run. Remove an entry once its defect is fixed.
pub const KNOWN: &[(&str, &str)] = &[(
    "known: runaway sweep",
    "a --vary product of more than 100,000 points: the CLI lists them all before running, for minutes or until memory runs out",
)];

/// The command-line options of the fuzzer.
#[derive(Clone, Debug)]
pub struct Options {
    /// Number of cases.
    pub cases: u64,
    /// First case index.
    pub start: u64,
    /// Run seed: with a case index, it determines the input.
    pub seed: u64,
    /// Seconds without progress after which a case counts as a hang.
    pub timeout: u64,
    /// Where findings, reproducers and the progress file go.
    pub out: PathBuf,
    /// Stop (and summarise) after this many seconds of wall time, if set.
    pub max_seconds: Option<u64>,
    /// Run only this case, in this process, and show what happened.
    pub replay: Option<u64>,
    /// Run the cases in this process and print where the time goes.
    pub profile: bool,
    /// Internal: this process is a worker.
    pub worker: bool,
    /// A libtest-style name filter; the fuzzer runs only if "fuzz" matches it.
    pub filter: Option<String>,
}

fn parse_options() -> Options {
    let mut o = Options {
        cases: 2_000,
        start: 0,
        seed: 1,
        timeout: 10,
        out: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/fuzz"),
        replay: None,
        max_seconds: None,
        worker: false,
        profile: false,
        filter: None,
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    let num = |i: usize| -> u64 {
        let v = args.get(i + 1).map(String::as_str).unwrap_or("");
        v.parse().unwrap_or_else(|_| {
            eprintln!("fuzz: {} needs a whole number, got '{v}'", args[i]);
            std::process::exit(2)
        })
    };
    while i < args.len() {
        match args[i].as_str() {
            "--cases" => o.cases = num(i),
            "--start" => o.start = num(i),
            "--seed" => o.seed = num(i),
            "--timeout" => o.timeout = num(i),
            "--replay" => o.replay = Some(num(i)),
            "--max-seconds" => o.max_seconds = Some(num(i)),
            "--out" => o.out = PathBuf::from(args.get(i + 1).cloned().unwrap_or_default()),
            "--profile" => {
                o.profile = true;
                i += 1;
                continue;
            }
            "--worker" => {
                o.worker = true;
                i += 1;
                continue;
            }
            // libtest's own flags (cargo test passes some through): ignored.
            a if a.starts_with('-') => {
                i += 1;
                continue;
            }
            a => {
                o.filter = Some(a.to_string());
                i += 1;
                continue;
            }
        }
        i += 2;
    }
    o
}

fn main() {
    let mut o = parse_options();
    // Cases run with their own working directory (oracle::enter_cwd), so
    // every path the harness keeps must not depend on it.
    o.out = std::path::absolute(&o.out).expect("absolute --out path");
    if o.filter.as_deref().is_some_and(|f| !"fuzz".contains(f)) {
        println!("fuzz: 0 passed, 0 failed (filtered out)");
        return;
    }
    let dict = dict::Dict::load();
    if o.worker {
        supervise::worker(&dict, &o);
    } else if o.profile {
        supervise::profile(&dict, &o);
    } else if let Some(index) = o.replay {
        supervise::replay(&dict, &o, index);
    } else {
        let failed = supervise::supervise(&dict, &o);
        if failed > 0 {
            std::process::exit(1);
        }
    }
}
