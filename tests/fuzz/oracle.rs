//! Runs one case in-process and judges it.
//!
//! The oracle: every input ends in success or a refusal (exit status 2)
//! whose message is one non-empty line; never a panic, never another exit
//! status, never a pre-existing output file changed (or a stray file left)
//! by a command that failed. Hangs and aborts are caught one level up, by
//! the supervisor in `main.rs`, which watches this process.

use crate::cases::{self, OUTPUTS};
use crate::dict::Dict;
use crate::target::{self, Outcome};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The last panic seen by the hook: "message at file:line".
static LAST_PANIC: Mutex<Option<(String, String)>> = Mutex::new(None);

/// Installs a silent panic hook that records the message and location.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let msg = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let at = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        // A panic inside std (capacity overflow, unwrap on None) is located
        // by the first frame of the crate's own source on the stack.
        let at = if at.starts_with("src/") {
            at
        } else {
            crate_frame().map_or(at.clone(), |f| format!("{f} (in {at})"))
        };
        if let Ok(mut last) = LAST_PANIC.lock() {
            *last = Some((msg, at));
        }
    }));
}

/// The innermost `src/FILE:LINE` of the crate on the current stack.
fn crate_frame() -> Option<String> {
    let trace = std::backtrace::Backtrace::force_capture().to_string();
    trace
        .lines()
        .find_map(|l| crate_path(l.trim().strip_prefix("at ")?))
}

/// `src/FILE:LINE` when `path` (`FILE:LINE[:COL]`) is in the crate's own
/// `src/`, else `None`. The crate's files are named absolutely (gdb) or
/// from `./` (a Rust backtrace); a dependency's are absolute elsewhere, or
/// from its own `src/` in gdb's default display, which is not used.
pub fn crate_path(path: &str) -> Option<String> {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/");
    let rel = path
        .strip_prefix(root)
        .or_else(|| path.strip_prefix("./"))?;
    if !rel.starts_with("src/") {
        return None;
    }
    // file:line, without the column.
    let cut = rel.rfind(':').filter(|&i| rel[..i].contains(':'));
    Some(cut.map_or(rel, |i| &rel[..i]).to_string())
}

/// One defect found in one case.
#[derive(Debug, Clone)]
pub struct Finding {
    /// The failure class: stable across inputs that hit the same defect.
    pub signature: String,
    /// The message or panic text, on one line.
    pub detail: String,
}

/// What happened to one case.
pub struct Verdict {
    /// The findings (empty when the case passed).
    pub findings: Vec<Finding>,
    /// The real CLI ran (not only the in-process validation).
    pub ran_cli: bool,
    /// The final outcome was a refusal.
    pub refused: bool,
    /// Skipped, because it matches a known hang (the reason).
    pub skipped: Option<&'static str>,
    /// The final refusal message, if any (for tuning the generator).
    pub message: Option<String>,
}

/// Real runs of big valid scenarios: one case in this many, clamped first.
pub const SAMPLE_EVERY: u64 = 16;

/// Runs case `index` in `dir` (emptied first) and judges it.
pub fn run_case(dict: &Dict, seed: u64, index: u64, dir: &Path) -> Verdict {
    let case = cases::case(dict, seed, index);
    prepare(dir, &case.files);
    enter_cwd(dir);
    let dir_text = dir.display().to_string();
    let args: Vec<String> = case
        .args
        .iter()
        .map(|a| a.replace("@DIR@", &dir_text))
        .collect();
    let mut v = Verdict {
        findings: Vec::new(),
        ran_cli: false,
        refused: false,
        skipped: None,
        message: None,
    };
    let before = listing(dir);
    let cmd = case.args.first().cloned().unwrap_or_default();
    let validation = guarded(&cmd, &dir_text, &mut v.findings, || {
        let val = target::validate(&args);
        let o = val.outcome.clone();
        (o, Some(val))
    });
    let Some(val) = validation.1 else {
        return v;
    };
    judge(&cmd, &dir_text, &validation.0, &mut v.findings);
    let real_args = if val.runaway {
        v.findings.push(Finding {
            signature: "known: runaway sweep".into(),
            detail: format!("more than {} sweep points", target::RUNAWAY_POINTS),
        });
        None
    } else if !val.scenario_command {
        // Clap refused it (final), or plot/queue: always cheap enough.
        matches!(validation.0, Outcome::Success).then(|| args.clone())
    } else if !matches!(validation.0, Outcome::Success) || val.small {
        Some(args.clone())
    } else if crate::rng::mix(seed, index).is_multiple_of(SAMPLE_EVERY) {
        let clamped = target::clamp(&args);
        let again = target::validate(&clamped);
        (again.outcome == Outcome::Success && again.small).then_some(clamped)
    } else {
        None
    };
    if let Some(real) = real_args {
        v.ran_cli = true;
        let (outcome, _) = guarded(&cmd, &dir_text, &mut v.findings, || {
            (target::run_cli(&real), Some(()))
        });
        judge(&cmd, &dir_text, &outcome, &mut v.findings);
        if outcome == Outcome::Success && validation.0 != Outcome::Success {
            // The CLI accepted what validation refused: `target.rs` no
            // longer mirrors the CLI, and such a case may simulate for long.
            v.findings.push(Finding {
                signature: format!("harness: validation refused a {cmd} the CLI accepts"),
                detail: format!("{:?}", validation.0),
            });
        }
        v.refused = matches!(outcome, Outcome::Refused(_));
        if let Outcome::Refused(m) = &outcome {
            v.message = Some(normalise(m, &dir_text));
        }
        if outcome != Outcome::Success {
            damage(&cmd, dir, &before, &mut v.findings);
        }
    } else {
        v.refused = matches!(validation.0, Outcome::Refused(_));
        if let Outcome::Refused(m) = &validation.0 {
            v.message = Some(normalise(m, &dir_text));
        }
    }
    v
}

/// Runs `f`, turning a panic into a finding (signature: the location).
fn guarded<T>(
    cmd: &str,
    dir: &str,
    findings: &mut Vec<Finding>,
    f: impl FnOnce() -> (Outcome, Option<T>),
) -> (Outcome, Option<T>) {
    if let Ok(mut last) = LAST_PANIC.lock() {
        *last = None;
    }
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(_) => {
            let (msg, at) = LAST_PANIC
                .lock()
                .ok()
                .and_then(|mut l| l.take())
                .unwrap_or_default();
            findings.push(Finding {
                signature: format!("panic at {at}"),
                detail: format!("{cmd}: {}", one_line(&msg.replace(dir, "@DIR@"))),
            });
            (Outcome::Failed(101, msg), None)
        }
    }
}

/// The exit-status and one-line checks.
fn judge(cmd: &str, dir: &str, outcome: &Outcome, findings: &mut Vec<Finding>) {
    match outcome {
        Outcome::Success => {}
        Outcome::Refused(msg) => {
            if msg.trim().is_empty() {
                findings.push(Finding {
                    signature: format!("empty refusal: {cmd}"),
                    detail: String::new(),
                });
            } else if msg.contains(['\n', '\r']) {
                // The class is the flag the message starts with, or a path.
                let head = msg.split_whitespace().next().unwrap_or("");
                let what = if head.starts_with('-') {
                    head.trim_end_matches(':')
                } else {
                    "a path or value"
                };
                findings.push(Finding {
                    signature: format!("multi-line refusal: {cmd} {what}"),
                    detail: format!("{msg:?}").replace(dir, "@DIR@"),
                });
            }
        }
        Outcome::Failed(101, _) => {} // a panic, already recorded
        Outcome::Failed(code, msg) => findings.push(Finding {
            signature: format!("exit {code}: {cmd}: {}", normalise(msg, dir)),
            detail: one_line(msg),
        }),
    }
}

/// After a failed command: every pre-created output file still holds its
/// sentinel, and no file appeared.
fn damage(cmd: &str, dir: &Path, before: &[String], findings: &mut Vec<Finding>) {
    for name in OUTPUTS {
        let text = std::fs::read_to_string(dir.join(name)).unwrap_or_default();
        if text != sentinel(name) {
            findings.push(Finding {
                signature: format!("output damaged by a failed {cmd}: {name}"),
                detail: format!("{name} now holds {} bytes", text.len()),
            });
        }
    }
    let after = listing(dir);
    for name in after.iter().filter(|n| !before.contains(n)) {
        findings.push(Finding {
            signature: format!("file left by a failed {cmd}"),
            detail: name.clone(),
        });
    }
}

/// The known content of a pre-created output file.
fn sentinel(name: &str) -> String {
    format!("sentinel: {name} must survive a failed command\n")
}

/// Makes an empty `DIR.cwd` beside the scratch directory the working
/// directory. A mutated placeholder (`@DI\tR@/out.csv`) is not replaced by
/// the scratch path, so the command sees a relative path: it must land in
/// a directory emptied before every case, never in the one `cargo test`
/// ran from (the repository), and never be read by a later case.
fn enter_cwd(dir: &Path) {
    let cwd = dir.with_extension("cwd");
    let _ = std::fs::remove_dir_all(&cwd);
    std::fs::create_dir_all(&cwd).expect("fuzz working directory");
    std::env::set_current_dir(&cwd).expect("fuzz working directory");
}

/// Empties `dir`, then writes the case's files and the sentinel outputs.
fn prepare(dir: &Path, files: &[(String, Vec<u8>)]) {
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                let _ = std::fs::remove_dir_all(&p);
            } else {
                let _ = std::fs::remove_file(&p);
            }
        }
    }
    std::fs::create_dir_all(dir).expect("scratch directory");
    for (name, bytes) in files {
        std::fs::write(dir.join(name), bytes).expect("write case file");
    }
    for name in OUTPUTS {
        std::fs::write(dir.join(name), sentinel(name)).expect("write sentinel");
    }
}

/// The sorted file names in `dir`.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|it| {
            it.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// A message folded to one line.
pub fn one_line(msg: &str) -> String {
    msg.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A message reduced to its class: the scratch path named, numbers and
/// quoted values blanked, cut to 70 characters.
fn normalise(msg: &str, dir: &str) -> String {
    let msg = one_line(&msg.replace(dir, "@DIR@"));
    let mut out = String::new();
    let mut quoted = false;
    for c in msg.chars() {
        if c == '\'' || c == '"' {
            quoted = !quoted;
            out.push(c);
        } else if quoted {
            continue;
        } else if c.is_ascii_digit() {
            if !out.ends_with('#') {
                out.push('#');
            }
        } else {
            out.push(c);
        }
    }
    out.chars().take(70).collect()
}

/// Where a finding's reproducer is written: `OUT/cases/INDEX/`.
pub fn save_case(dict: &Dict, seed: u64, index: u64, out: &Path) -> PathBuf {
    let case = cases::case(dict, seed, index);
    let dir = out.join("cases").join(index.to_string());
    let _ = std::fs::create_dir_all(&dir);
    for (name, bytes) in &case.files {
        let _ = std::fs::write(dir.join(name), bytes);
    }
    let quoted: Vec<String> = case
        .args
        .iter()
        .map(|a| shell_quote(&a.replace("@DIR@", ".")))
        .collect();
    let _ = std::fs::write(
        dir.join("command.txt"),
        format!(
            "# in this directory (seed {seed}, case {index}):\nfanout {}\n",
            quoted.join(" ")
        ),
    );
    dir
}

/// `s` quoted for a POSIX shell.
fn shell_quote(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,@".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}
