//! The supervisor (watchdog, crash recovery, summary), the worker loop and
//! the single-case replay.

use crate::dict::Dict;
use crate::oracle::{self, Verdict};
use crate::{KNOWN, Options};
use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Counters a worker keeps, written to the progress file after every case.
#[derive(Default, Clone, Copy, Debug)]
struct Counts {
    /// Index of the next case to run.
    next: u64,
    /// Cases finished.
    done: u64,
    /// Cases that ran the real CLI (not only the in-process validation).
    ran_cli: u64,
    /// Cases that ended in a refusal.
    refused: u64,
    /// Cases skipped as a known hang.
    skipped: u64,
}

const FIELDS: usize = 5;
const WIDTH: usize = 20;

impl Counts {
    fn encode(&self) -> String {
        let f = [
            self.next,
            self.done,
            self.ran_cli,
            self.refused,
            self.skipped,
        ];
        let mut s: String = f.iter().map(|x| format!("{x:0WIDTH$} ")).collect();
        s.push('\n');
        s
    }

    fn decode(text: &str) -> Option<Counts> {
        let v: Vec<u64> = text
            .split_whitespace()
            .map(|t| t.parse().ok())
            .collect::<Option<_>>()?;
        (v.len() == FIELDS).then(|| Counts {
            next: v[0],
            done: v[1],
            ran_cli: v[2],
            refused: v[3],
            skipped: v[4],
        })
    }

    fn add(&mut self, o: &Counts) {
        self.done += o.done;
        self.ran_cli += o.ran_cli;
        self.refused += o.refused;
        self.skipped += o.skipped;
    }
}

/// The worker: runs cases `start..start+cases` in this process, appending
/// findings to `OUT/findings.log` and its counters to `OUT/progress`.
pub fn worker(dict: &Dict, o: &Options) {
    oracle::install_panic_hook();
    let scratch = scratch_dir(&o.out);
    let progress = File::create(o.out.join("progress")).expect("progress file");
    let mut log = OpenOptions::new()
        .create(true)
        .append(true)
        .open(o.out.join("findings.log"))
        .expect("findings log");
    let mut c = Counts {
        next: o.start,
        ..Counts::default()
    };
    let _ = progress.write_at(c.encode().as_bytes(), 0);
    for index in o.start..o.start + o.cases {
        let v = oracle::run_case(dict, o.seed, index, &scratch);
        for f in &v.findings {
            let _ = writeln!(log, "{index}\t{}\t{}", f.signature, f.detail);
        }
        c.next = index + 1;
        c.done += 1;
        c.ran_cli += u64::from(v.ran_cli);
        c.refused += u64::from(v.refused);
        c.skipped += u64::from(v.skipped.is_some());
        let _ = progress.write_at(c.encode().as_bytes(), 0);
    }
    let _ = std::fs::remove_dir_all(&scratch);
    let _ = std::fs::remove_dir_all(scratch.with_extension("cwd"));
}

/// Runs one case here, with its output visible, and saves its reproducer.
pub fn replay(dict: &Dict, o: &Options, index: u64) {
    oracle::install_panic_hook();
    let dir = oracle::save_case(dict, o.seed, index, &o.out);
    println!("reproducer: {}", dir.display());
    print!(
        "{}",
        std::fs::read_to_string(dir.join("command.txt")).unwrap_or_default()
    );
    let v = oracle::run_case(dict, o.seed, index, &o.out.join("scratch"));
    report_verdict(&v);
}

/// Runs cases `start..start+cases` in this process and prints where the
/// time goes, by command and by whether the real CLI ran (for tuning).
pub fn profile(dict: &Dict, o: &Options) {
    oracle::install_panic_hook();
    let scratch = scratch_dir(&o.out);
    let mut by: BTreeMap<String, (u64, f64)> = BTreeMap::new();
    for index in o.start..o.start + o.cases {
        let cmd = crate::cases::case(dict, o.seed, index)
            .args
            .first()
            .cloned()
            .unwrap_or_default();
        let t = Instant::now();
        let v = oracle::run_case(dict, o.seed, index, &scratch);
        if t.elapsed() > Duration::from_millis(20) {
            println!(
                "slow: case {index} {cmd} {:.1} ms",
                t.elapsed().as_secs_f64() * 1e3
            );
        }
        if let Some(m) = &v.message {
            println!("refusal: {cmd}: {m}");
        }
        let e = by
            .entry(format!("{cmd} cli={} refused={}", v.ran_cli, v.refused))
            .or_default();
        e.0 += 1;
        e.1 += t.elapsed().as_secs_f64();
    }
    for (k, (n, secs)) in by {
        println!(
            "{k:40} {n:6} cases {:8.3} s total {:8.3} ms each",
            secs,
            secs * 1e3 / n as f64
        );
    }
}

/// The scratch directory a worker runs cases in: in memory when the machine
/// has /dev/shm (outputs are synced to disk, which is slow), else under OUT.
pub fn scratch_dir(out: &Path) -> std::path::PathBuf {
    let shm = Path::new("/dev/shm");
    if shm.is_dir() {
        shm.join(format!("fanout-fuzz-{}", std::process::id()))
    } else {
        out.join("scratch")
    }
}

fn report_verdict(v: &Verdict) {
    println!(
        "ran the CLI: {}; refused: {}; skipped: {:?}",
        v.ran_cli, v.refused, v.skipped
    );
    for f in &v.findings {
        println!("FINDING {}: {}", f.signature, f.detail);
    }
    if v.findings.is_empty() {
        println!("no finding");
    }
}

/// Runs every case in worker processes, restarting after a hang or crash;
/// prints the summary and returns the number of cases with an unknown finding.
pub fn supervise(dict: &Dict, o: &Options) -> u64 {
    let _ = std::fs::remove_dir_all(&o.out);
    std::fs::create_dir_all(&o.out).expect("output directory");
    let started = Instant::now();
    let end = o.start + o.cases;
    let mut total = Counts::default();
    let mut next = o.start;
    let mut last_note = Instant::now();
    eprintln!(
        "fuzz: seed {}, cases {}..{}, timeout {} s, output {}",
        o.seed,
        o.start,
        end,
        o.timeout,
        o.out.display()
    );
    while next < end {
        let _ = std::fs::remove_file(o.out.join("progress"));
        let mut child = Command::new(std::env::current_exe().expect("current exe"))
            .args(["--worker", "--seed", &o.seed.to_string()])
            .args([
                "--start",
                &next.to_string(),
                "--cases",
                &(end - next).to_string(),
            ])
            .arg("--out")
            .arg(&o.out)
            .arg("--timeout")
            .arg(o.timeout.to_string())
            .env("RAYON_NUM_THREADS", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn worker");
        let mut seen = Counts {
            next,
            ..Counts::default()
        };
        let mut moved = Instant::now();
        loop {
            std::thread::sleep(Duration::from_millis(50));
            let status = child.try_wait().expect("wait for worker");
            if let Some(c) = read_progress(&o.out)
                && (c.next != seen.next || c.done != seen.done)
            {
                seen = c;
                moved = Instant::now();
            }
            if last_note.elapsed() >= Duration::from_secs(30) {
                last_note = Instant::now();
                let done = total.done + seen.done;
                eprintln!(
                    "fuzz: {done} cases in {:.0} s ({:.0}/s), {} findings so far",
                    started.elapsed().as_secs_f64(),
                    done as f64 / started.elapsed().as_secs_f64(),
                    count_lines(&o.out.join("findings.log"))
                );
            }
            let stuck = moved.elapsed() >= Duration::from_secs(o.timeout);
            let late = o
                .max_seconds
                .is_some_and(|m| started.elapsed() >= Duration::from_secs(m));
            if late && status.is_none() {
                let _ = child.kill();
                let _ = child.wait();
                if let Some(c) = read_progress(&o.out) {
                    seen = c;
                }
                total.add(&seen);
                eprintln!("fuzz: stopped at the --max-seconds limit");
                next = end;
                break;
            }
            if status.is_none() && !stuck {
                continue;
            }
            if let Some(c) = read_progress(&o.out) {
                seen = c;
            }
            total.add(&seen);
            if status.is_some_and(|s| s.success()) {
                next = end;
            } else {
                let what = match status {
                    None => {
                        let at = hang_frame(child.id());
                        let _ = child.kill();
                        let _ = child.wait();
                        format!("hang (no result in {} s){at}", o.timeout)
                    }
                    Some(s) => format!("crash ({s})"),
                };
                let index = seen.next;
                let cmd = crate::cases::case(dict, o.seed, index)
                    .args
                    .first()
                    .cloned()
                    .unwrap_or_default();
                append_finding(&o.out, index, &format!("{what}: {cmd}"), "see reproducer");
                total.done += 1;
                next = index + 1;
            }
            break;
        }
        // A worker that was killed or died left its scratch directory.
        let _ = std::fs::remove_dir_all(
            Path::new("/dev/shm").join(format!("fanout-fuzz-{}", child.id())),
        );
    }
    summarise(dict, o, &total, started.elapsed())
}

/// Where a hung worker is, as " at src/FILE:LINE", when gdb is installed
/// (else empty): of every thread's innermost frame in the crate's own
/// source, the one nearest its stack's top, which is the thread at work
/// (the others wait for it, deeper down).
fn hang_frame(pid: u32) -> String {
    let out = Command::new("timeout")
        .args(["30", "gdb", "-p", &pid.to_string(), "-batch"])
        .args(["-ex", "set filename-display absolute"])
        .args(["-ex", "thread apply all bt 60"])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output();
    let Ok(out) = out else {
        return String::new();
    };
    let text = String::from_utf8_lossy(&out.stdout);
    let mut best: Option<(u32, String)> = None;
    let mut found_in_thread = false;
    for line in text.lines() {
        if line.starts_with("Thread ") {
            found_in_thread = false;
            continue;
        }
        if found_in_thread {
            continue;
        }
        let Some((head, at)) = line.rsplit_once(" at ") else {
            continue;
        };
        let Some(frame) = crate::oracle::crate_path(at.trim()) else {
            continue;
        };
        found_in_thread = true;
        let depth: u32 = head
            .trim_start_matches('#')
            .split_whitespace()
            .next()
            .and_then(|d| d.parse().ok())
            .unwrap_or(u32::MAX);
        if best.as_ref().is_none_or(|(d, _)| depth < *d) {
            best = Some((depth, frame));
        }
    }
    best.map(|(_, f)| format!(" at {f}")).unwrap_or_default()
}

fn read_progress(out: &Path) -> Option<Counts> {
    let text = std::fs::read_to_string(out.join("progress")).ok()?;
    Counts::decode(&text)
}

fn count_lines(path: &Path) -> usize {
    std::fs::read_to_string(path)
        .map(|t| t.lines().count())
        .unwrap_or(0)
}

fn append_finding(out: &Path, index: u64, signature: &str, detail: &str) {
    if let Ok(mut f) = OpenOptions::new()
        .create(true)
        .append(true)
        .open(out.join("findings.log"))
    {
        let _ = writeln!(f, "{index}\t{signature}\t{detail}");
    }
}

/// One failure class in the summary.
#[derive(Default)]
struct Class {
    count: u64,
    examples: Vec<u64>,
    detail: String,
}

/// Prints the summary and the failure classes; returns the number of cases
/// with an unknown finding.
fn summarise(dict: &Dict, o: &Options, total: &Counts, wall: Duration) -> u64 {
    let log = std::fs::read_to_string(o.out.join("findings.log")).unwrap_or_default();
    let mut classes: BTreeMap<String, Class> = BTreeMap::new();
    let mut failed_cases = std::collections::BTreeSet::new();
    for line in log.lines() {
        let mut parts = line.splitn(3, '\t');
        let (Some(index), Some(sig), detail) = (parts.next(), parts.next(), parts.next()) else {
            continue;
        };
        let Ok(index) = index.parse::<u64>() else {
            continue;
        };
        let class = classes.entry(sig.to_string()).or_default();
        class.count += 1;
        if class.examples.len() < 3 {
            class.examples.push(index);
            if class.detail.is_empty() {
                class.detail = detail.unwrap_or("").to_string();
            }
        }
        if !is_known(sig) {
            failed_cases.insert(index);
        }
    }
    let secs = wall.as_secs_f64();
    println!(
        "fuzz: {} cases (seed {}, {}..{}) in {secs:.1} s, {:.0} cases/s; {} ran the real CLI, \
         {} ended in a refusal, {} skipped as known hangs",
        total.done,
        o.seed,
        o.start,
        o.start + total.done,
        total.done as f64 / secs.max(1e-9),
        total.ran_cli,
        total.refused,
        total.skipped
    );
    for (sig, class) in &classes {
        let known = if is_known(sig) { " [known]" } else { "" };
        println!(
            "  {}x{known} {sig}\n      e.g. case {:?}: {}",
            class.count, class.examples, class.detail
        );
        for &i in &class.examples {
            oracle::save_case(dict, o.seed, i, &o.out);
        }
    }
    if !classes.is_empty() {
        println!(
            "  reproducers: {}/cases/INDEX/command.txt; replay one with \
             cargo test --release --test fuzz -- --seed {} --replay INDEX",
            o.out.display(),
            o.seed
        );
    }
    let failed = failed_cases.len() as u64;
    println!("fuzz: {} passed, {failed} failed", total.done - failed);
    failed
}

fn is_known(signature: &str) -> bool {
    KNOWN
        .iter()
        .any(|(prefix, _)| signature.starts_with(prefix))
}
