//! Writing result files safely.
//!
//! Every output is written to a temporary file beside its target and renamed
//! over it only when complete, so an existing file is never left truncated
//! and a failed run leaves no half-written file. A path of `-` is standard
//! output. Paths are checked before a simulation starts, so a typo in a
//! directory name, a read-only file, two outputs sharing one file or an
//! output that is also an input is reported at once, not after an hour. A
//! replaced file keeps its permissions.

use crate::error::{FanoutError, Result};
use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// True when `path` means standard output.
pub fn is_stdout(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// Checks, before any work, that `path` can be written: its directory exists
/// and is a directory, the path itself is not a directory, and an existing
/// file is one the user may write (the rename would otherwise replace a
/// read-only file). `flag` names the option in the error (`--csv`).
pub fn check_writable(flag: &str, path: &Path) -> Result<()> {
    if is_stdout(path) {
        return Ok(());
    }
    if fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
        // A device or pipe (/dev/null): written in place, nothing to probe.
        return Ok(());
    }
    if path.is_dir() {
        return Err(FanoutError::input(format!(
            "{flag} {}: is a directory; give a file path, or - for standard output",
            path.display()
        )));
    }
    let dir = parent_dir(path);
    if !dir.is_dir() {
        return Err(FanoutError::input(format!(
            "{flag} {}: directory '{}' does not exist",
            path.display(),
            dir.display()
        )));
    }
    if path.is_file() {
        // access(2) without libc: open for writing, without truncating.
        if let Err(e) = fs::OpenOptions::new().write(true).open(path) {
            return Err(FanoutError::input(format!(
                "{flag} {}: cannot write the existing file: {e}",
                path.display()
            )));
        }
    }
    // Probe with a real temporary file: permissions, read-only mounts and
    // full disks all show up here rather than after the run.
    match tempfile_in(&dir) {
        Ok((file, tmp)) => {
            drop(file);
            let _ = fs::remove_file(tmp);
            Ok(())
        }
        Err(e) => Err(FanoutError::input(format!(
            "{flag} {}: cannot write in directory '{}': {e}",
            path.display(),
            dir.display()
        ))),
    }
}

/// Writes an output through `body`: to standard output for `-`, else to a
/// temporary file renamed over `path` once `body` and the flush succeed.
pub fn write_atomic<F>(path: &Path, body: F) -> Result<()>
where
    F: FnOnce(&mut dyn Write) -> io::Result<()>,
{
    let mut pending = Pending::create(path)?;
    let written = body(pending.writer());
    pending.check(written)?;
    pending.commit()
}

/// Where a [`Pending`] output goes.
enum Sink {
    /// Standard output (`-`).
    Stdout(io::Stdout),
    /// A device, pipe or other special file, written in place.
    InPlace(fs::File),
    /// A temporary file beside the target, renamed over it on commit.
    Temporary(BufWriter<fs::File>, PathBuf),
}

/// An output being written, possibly row by row over a long sweep, that
/// replaces its target only on [`Pending::commit`]. Dropped uncommitted
/// (an error, an interruption with nothing to write), it leaves the
/// target as it was and removes its temporary file.
pub struct Pending {
    path: PathBuf,
    sink: Option<Sink>,
}

impl Pending {
    /// Opens the output: standard output for `-`; a device or pipe in
    /// place (renaming over it would replace the device with a plain file);
    /// else a new temporary file in the target's directory. Symbolic links
    /// are followed, so the link stays and its target changes.
    pub fn create(path: &Path) -> Result<Pending> {
        if is_stdout(path) {
            return Ok(Pending {
                path: path.to_path_buf(),
                sink: Some(Sink::Stdout(io::stdout())),
            });
        }
        let path = fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        let fail = |e: io::Error| FanoutError::failure(format!("{}: {e}", path.display()));
        let sink = if fs::metadata(&path).is_ok_and(|m| !m.is_file()) {
            Sink::InPlace(
                fs::OpenOptions::new()
                    .write(true)
                    .open(&path)
                    .map_err(fail)?,
            )
        } else {
            let (file, tmp) = tempfile_in(&parent_dir(&path)).map_err(|e| {
                FanoutError::failure(format!(
                    "{}: cannot create a temporary file: {e}",
                    path.display()
                ))
            })?;
            Sink::Temporary(BufWriter::new(file), tmp)
        };
        Ok(Pending {
            path,
            sink: Some(sink),
        })
    }

    /// Where to write.
    pub fn writer(&mut self) -> &mut dyn Write {
        match self.sink.as_mut() {
            Some(Sink::Stdout(w)) => w,
            Some(Sink::InPlace(w)) => w,
            Some(Sink::Temporary(w, _)) => w,
            None => unreachable!("a committed output is not written again"),
        }
    }

    /// Maps the result of a write to this output to the error it means.
    pub fn check(&self, written: io::Result<()>) -> Result<()> {
        written.map_err(|e| self.error(e))
    }

    fn error(&self, e: io::Error) -> FanoutError {
        match self.sink {
            Some(Sink::Stdout(_)) => FanoutError::stdout(e),
            _ => FanoutError::failure(format!("{}: {e}", self.path.display())),
        }
    }

    /// Flushes what is written and, for a temporary file, syncs it to disk,
    /// without replacing the target: a caller writing several outputs syncs
    /// them all before committing any, so a failure replaces none.
    pub fn sync(&mut self) -> Result<()> {
        let done = match self.sink.as_mut() {
            Some(Sink::Stdout(w)) => return w.flush().map_err(FanoutError::stdout),
            Some(Sink::InPlace(f)) => f.flush(),
            Some(Sink::Temporary(w, _)) => w.flush().and_then(|_| w.get_ref().sync_all()),
            None => Ok(()),
        };
        done.map_err(|e| self.error(e))
    }

    /// Flushes and, for a temporary file, syncs it and renames it over the
    /// target, keeping the replaced file's permissions.
    pub fn commit(mut self) -> Result<()> {
        match self.sink.take() {
            Some(Sink::Stdout(mut w)) => w.flush().map_err(FanoutError::stdout),
            Some(Sink::InPlace(mut f)) => f.flush().map_err(|e| self.error(e)),
            Some(Sink::Temporary(mut w, tmp)) => {
                let written = w.flush().and_then(|_| w.get_ref().sync_all());
                drop(w);
                if let Err(e) = written {
                    let _ = fs::remove_file(&tmp);
                    return Err(self.error(e));
                }
                if let Ok(meta) = fs::metadata(&self.path) {
                    // A 0600 file stays private.
                    let _ = fs::set_permissions(&tmp, meta.permissions());
                }
                fs::rename(&tmp, &self.path).map_err(|e| {
                    let _ = fs::remove_file(&tmp);
                    FanoutError::failure(format!(
                        "{}: cannot replace the file: {e}",
                        self.path.display()
                    ))
                })
            }
            None => Ok(()),
        }
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        if let Some(Sink::Temporary(w, tmp)) = self.sink.take() {
            drop(w);
            let _ = fs::remove_file(tmp);
        }
    }
}

/// The file `path` names, for comparing paths: canonical when it exists,
/// else its canonical directory joined with its name. `None` for standard
/// output and for devices and pipes (writing one twice is harmless).
pub fn identity(path: &Path) -> Option<PathBuf> {
    if is_stdout(path) {
        return None;
    }
    match fs::metadata(path) {
        Ok(m) if !m.is_file() => None,
        Ok(_) => fs::canonicalize(path).ok(),
        Err(_) => {
            let dir = fs::canonicalize(parent_dir(path)).ok()?;
            Some(dir.join(path.file_name()?))
        }
    }
}

/// Refuses two outputs that name one file (the second would silently
/// replace the first) and an output that names an input (it would be
/// overwritten). Each entry is (what names it, path): `("--csv", x)`.
pub fn refuse_clashes(outputs: &[(String, PathBuf)], inputs: &[(String, PathBuf)]) -> Result<()> {
    let ids: Vec<(&String, &PathBuf, PathBuf)> = outputs
        .iter()
        .filter_map(|(n, p)| identity(p).map(|id| (n, p, id)))
        .collect();
    for (i, (name, path, id)) in ids.iter().enumerate() {
        if let Some((other, other_path, _)) = ids[..i].iter().find(|(_, _, o)| o == id) {
            return Err(FanoutError::input(format!(
                "{other} {} and {name} {}: the same file; give each output its own path",
                other_path.display(),
                path.display()
            )));
        }
        for (input, input_path) in inputs {
            if identity(input_path).as_ref() == Some(id) {
                return Err(FanoutError::input(format!(
                    "{name} {}: is also {input}, which is read; give the output another path",
                    path.display()
                )));
            }
        }
    }
    Ok(())
}

fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Creates a new, uniquely named hidden file in `dir`.
fn tempfile_in(dir: &Path) -> io::Result<(fs::File, PathBuf)> {
    let pid = std::process::id();
    for attempt in 0..1000u32 {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let tmp = dir.join(format!(".fanout-{pid}-{nanos}-{attempt}.tmp"));
        match fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(f) => return Ok((f, tmp)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::other(
        "could not find a free temporary file name",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_whole_file_or_leaves_old_one() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.csv");
        write_atomic(&p, |w| w.write_all(b"old\n")).unwrap();
        let failed = write_atomic(&p, |w| {
            w.write_all(b"half")?;
            Err(io::Error::other("boom"))
        });
        assert!(failed.is_err());
        assert_eq!(fs::read_to_string(&p).unwrap(), "old\n");
        let leftovers: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "temporary file left behind");
    }

    #[test]
    fn special_files_are_written_in_place_and_links_followed() {
        // /dev/null must stay a device even when we run as root.
        write_atomic(Path::new("/dev/null"), |w| w.write_all(b"x")).unwrap();
        assert!(!fs::metadata("/dev/null").unwrap().is_file());
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("target.csv");
        let link = dir.path().join("link.csv");
        fs::write(&target, "old").unwrap();
        std::os::unix::fs::symlink(&target, &link).unwrap();
        write_atomic(&link, |w| w.write_all(b"new")).unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read_to_string(&target).unwrap(), "new");
    }

    #[test]
    fn replacing_a_file_keeps_its_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("private.csv");
        fs::write(&p, "old").unwrap();
        fs::set_permissions(&p, fs::Permissions::from_mode(0o600)).unwrap();
        write_atomic(&p, |w| w.write_all(b"new")).unwrap();
        assert_eq!(fs::read_to_string(&p).unwrap(), "new");
        let mode = fs::metadata(&p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }

    #[test]
    fn a_read_only_target_is_refused_up_front() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("ro.csv");
        fs::write(&p, "old").unwrap();
        fs::set_permissions(&p, fs::Permissions::from_mode(0o444)).unwrap();
        if fs::OpenOptions::new().write(true).open(&p).is_ok() {
            // Running as root: permissions do not bind; the integration test
            // checks the refusal as an unprivileged user where it can.
            return;
        }
        let e = check_writable("--csv", &p).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(
            e.to_string().contains("cannot write the existing file"),
            "{e}"
        );
    }

    #[test]
    fn outputs_sharing_a_file_or_naming_an_input_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let x = dir.path().join("x");
        let same = dir.path().join(".").join("x");
        let named = |n: &str, p: &Path| (n.to_string(), p.to_path_buf());
        let e = refuse_clashes(&[named("--csv", &x), named("--json", &same)], &[]).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(e.to_string().contains("the same file"), "{e}");
        let e = refuse_clashes(&[named("--csv", &x)], &[named("the scenario", &x)]);
        fs::write(&x, "input").unwrap();
        let e2 = refuse_clashes(&[named("--csv", &same)], &[named("the scenario", &x)]);
        assert!(e.is_err() && e2.is_err());
        let dev = Path::new("/dev/null");
        refuse_clashes(&[named("--csv", dev), named("--json", dev)], &[]).unwrap();
        refuse_clashes(
            &[named("--csv", Path::new("-"))],
            &[named("-", Path::new("-"))],
        )
        .unwrap();
    }

    #[test]
    fn missing_directory_is_reported_up_front() {
        let e = check_writable("--csv", Path::new("/no/such/dir/out.csv")).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(e.to_string().contains("--csv /no/such/dir/out.csv"), "{e}");
        assert!(check_writable("--csv", Path::new("-")).is_ok());
    }
}
