//! Puts the git commit into `fanout --version` when built from a git
//! checkout (`git rev-parse --short HEAD`); without git, or outside a
//! checkout, the version is the package version alone, silently.

use std::process::Command;

/// Runs git with `args`; its trimmed output, if it succeeded.
fn git(args: &[&str]) -> Option<String> {
    Command::new("git")
        .args(args)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

fn main() {
    // HEAD and the branch it points to: in a worktree, `.git` is a file and
    // these live elsewhere, so ask git where they are.
    let head = git(&["rev-parse", "--git-path", "HEAD"]).unwrap_or_else(|| ".git/HEAD".into());
    if std::path::Path::new(&head).exists() {
        println!("cargo:rerun-if-changed={head}");
    }
    if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"])
        .and_then(|r| git(&["rev-parse", "--git-path", &r]))
        .filter(|p| std::path::Path::new(p).exists())
    {
        println!("cargo:rerun-if-changed={branch}");
    }
    println!("cargo:rerun-if-changed=build.rs");
    if let Some(c) = git(&["rev-parse", "--short", "HEAD"]) {
        println!("cargo:rustc-env=FANOUT_GIT_COMMIT={c}");
    }
}
