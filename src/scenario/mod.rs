//! The scenario file format: TOML text plus `--set` overrides, validated into
//! a [`Scenario`](crate::model::config::Scenario) in one step.
//!
//! Every key is optional; the defaults reproduce DDIA's Twitter example.
//! Each key is defined once, in `keys.rs` (path, type, default, bounds,
//! unit, meaning); validation, messages, `--set`, "did you mean", the
//! sweep's value typing ([`key_type`]) and the table of docs/scenario.md
//! ([`doc`]) are all derived from that definition, so adding a key touches
//! its definition and the code that uses its value, nothing else.
//!
//! Errors are [`FanoutError::Input`] (exit status 2), one line naming the
//! source, the dotted key, the bad value and what is allowed:
//!
//! ```text
//! scenarios/x.toml: workload.tweets_per_sec = -5: must be a finite number > 0 and at most 1e8 (posts per simulated second)
//! ```
//!
//! Numbers: an integer is accepted wherever a float is; a float with an
//! integral value (`1e6`) is accepted wherever an integer is. Durations are
//! strings with a unit (`"250ms"`). Entries of an array of tables (events,
//! faults) are numbered from 0, in messages and in `--set` paths
//! (`workload.events[0].at`, `faults[1].index`).

mod warnings;
pub use warnings::warnings;
pub mod budget;
mod describe;
pub mod doc;
mod keys;
mod path;
mod resolve;

pub use describe::describe;

use crate::error::{FanoutError, Result};
use crate::model::config::Scenario;
use toml::{Table, Value};

pub use keys::{Bound, Domain, DurationMin, KeyDoc, KeyType, MAX_DELAY, MAX_SPAN};

/// Every key path the format knows, in documentation order.
pub fn known_keys() -> &'static [KeyDoc] {
    &keys::KEYS
}

/// The definition of the key at `path`; indices are ignored
/// (`faults[2].at` finds `faults[].at`). `None` for tables and unknown paths.
pub fn lookup(path: &str) -> Option<&'static KeyDoc> {
    keys::find(&path::normalize(path))
}

/// The type of the key at `path` (see [`lookup`]), so a sweep knows
/// whether to round the values of a range to integers.
pub fn key_type(path: &str) -> Option<KeyType> {
    lookup(path).map(|k| k.ty)
}

/// Largest scenario file read: 1 MiB. The largest realistic scenario (a
/// few hundred events and faults) is tens of kilobytes; the cap keeps a
/// device or a wrong file from being read until memory runs out.
pub const MAX_FILE_BYTES: u64 = 1 << 20;

/// A scenario as parsed TOML, before validation; `--set` and sweeps edit it.
#[derive(Clone, Debug)]
pub struct RawScenario {
    /// The parsed document.
    table: Table,
    /// Where it came from (a path, for messages), on one line.
    source: String,
    /// Paths assigned by `--set`, so messages can say so.
    overrides: Vec<String>,
}

impl RawScenario {
    /// Reads and parses a scenario file; the path is the source in messages.
    /// At most [`MAX_FILE_BYTES`] are read, so `/dev/zero` or a log file
    /// given by mistake is refused at once instead of filling memory; a
    /// directory is refused by name. Pipes and devices are read (through the
    /// same cap), so `fanout check <(generate)` works.
    pub fn from_file(path: &std::path::Path) -> Result<RawScenario> {
        use std::io::Read;
        let source = path.display().to_string();
        let fail = |why: String| FanoutError::input(path::one_line(&format!("{source}: {why}")));
        let too_big = || {
            fail(format!(
                "the file is larger than {} MiB; a scenario is a short TOML text (see docs/scenario.md)",
                MAX_FILE_BYTES >> 20
            ))
        };
        let meta = std::fs::metadata(path).map_err(|e| fail(format!("cannot read: {e}")))?;
        if meta.is_dir() {
            return Err(fail("is a directory, not a scenario file".to_string()));
        }
        if meta.is_file() && meta.len() > MAX_FILE_BYTES {
            return Err(too_big());
        }
        let file = std::fs::File::open(path).map_err(|e| fail(format!("cannot read: {e}")))?;
        let mut bytes = Vec::new();
        file.take(MAX_FILE_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| fail(format!("cannot read: {e}")))?;
        if bytes.len() as u64 > MAX_FILE_BYTES {
            return Err(too_big());
        }
        let text = String::from_utf8(bytes)
            .map_err(|_| fail("cannot read: the file is not UTF-8 text".to_string()))?;
        RawScenario::from_str(&text, &source)
    }

    /// Parses scenario text; `source` names it in messages (a path, `-`).
    /// A syntax error is one line: `SOURCE: line L, column C: <what>`.
    #[allow(clippy::should_implement_trait)]
    pub fn from_str(text: &str, source: &str) -> Result<RawScenario> {
        let source = path::one_line(source);
        match text.parse::<Table>() {
            Ok(table) => Ok(RawScenario {
                table,
                source,
                overrides: Vec::new(),
            }),
            Err(e) => {
                let at = match e.span() {
                    Some(span) => {
                        let (line, col) = line_col(text, span.start);
                        format!("line {line}, column {col}: ")
                    }
                    None => String::new(),
                };
                let what = e.message().trim().trim_end_matches('.');
                Err(FanoutError::input(path::one_line(&format!(
                    "{source}: {at}invalid TOML: {what}"
                ))))
            }
        }
    }

    /// Applies `KEY=VALUE` from `--set` (see [`RawScenario::set_value`]).
    pub fn set(&mut self, assignment: &str) -> Result<()> {
        match assignment.split_once('=') {
            Some((key, value)) if !key.trim().is_empty() => self.set_value(key, value),
            _ => Err(FanoutError::input(path::one_line(&format!(
                "{}: --set {assignment}: expected KEY=VALUE, as in --set workload.tweets_per_sec=12000 or --set duration=30s",
                self.source
            )))),
        }
    }

    /// Sets the dotted `key` (`workload.tweets_per_sec`,
    /// `workload.events[0].at`, `faults[0]`, `faults`) to `value`, read as a TOML value (`12000`,
    /// `1.5`, `"x"`, `[1, 2]`, `{ dist = "exp", mean = "1ms" }`) or, when it is
    /// not valid TOML, as a bare string (so `duration=30s` works). Missing
    /// tables are created; index `n` of an array with `n` entries appends.
    /// The key must be one the format knows; the value is checked by
    /// [`RawScenario::resolve`].
    pub fn set_value(&mut self, key: &str, value: &str) -> Result<()> {
        let fail = |why: String| {
            FanoutError::input(path::one_line(&format!(
                "{}: --set {}={}: {why}",
                self.source,
                key.trim(),
                value.trim()
            )))
        };
        let segs = path::parse_path(key).map_err(|why| {
            fail(format!(
                "{why}; a key is a dotted path such as workload.tweets_per_sec or workload.events[0].at"
            ))
        })?;
        check_known(&segs).map_err(fail)?;
        let text = value.trim();
        let parsed = text
            .parse::<Value>()
            .unwrap_or_else(|_| Value::String(text.to_string()));
        let mut table = self.table.clone();
        path::insert(&mut table, &segs, parsed).map_err(fail)?;
        self.table = table;
        self.overrides.push(path::actual(&segs));
        Ok(())
    }

    /// Validates every key and value and builds the scenario.
    pub fn resolve(&self) -> Result<Scenario> {
        resolve::resolve(self)
    }

    /// Where the scenario came from, as given (a file path).
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The free-text `description`, if it is given and is a string.
    pub fn description(&self) -> Option<&str> {
        self.table.get("description").and_then(Value::as_str)
    }

    /// True when `path` (or a table around it, or a key inside it) was set by `--set`.
    fn set_by_flag(&self, path: &str) -> bool {
        let inside = |outer: &str, inner: &str| {
            inner == outer
                || (inner.starts_with(outer)
                    && matches!(inner.as_bytes().get(outer.len()), Some(b'.') | Some(b'[')))
        };
        self.overrides
            .iter()
            .any(|o| inside(o, path) || inside(path, o))
    }
}

/// Refuses a `--set` path the format does not know, naming the first unknown part.
fn check_known(segs: &[path::Seg]) -> std::result::Result<(), String> {
    let mut norm = String::new();
    for (i, seg) in segs.iter().enumerate() {
        let section = norm.clone();
        norm = path::join(&norm, &seg.name);
        let name_known = keys::find(&norm).is_some() || keys::is_section(&norm);
        if !name_known {
            let shown = path::actual(&segs[..=i]);
            let prefix = path::actual(&segs[..i]);
            return Err(path::unknown_key(&shown, &prefix, &section, &seg.name));
        }
        let array = keys::array(&norm);
        if seg.index.is_some() {
            if array.is_none() {
                return Err(format!(
                    "'{}' is not an array, so it cannot be indexed",
                    path::join(&path::actual(&segs[..i]), &seg.name)
                ));
            }
            norm.push_str("[]");
        } else if i + 1 < segs.len() && !keys::is_section(&norm) {
            let hint = array.map_or(String::new(), |a| {
                format!("; name one {}, as in {}[0].{}", a.item, a.key, a.example)
            });
            return Err(format!(
                "'{}' is a value, not a table, so it has no keys inside{hint}",
                path::actual(&segs[..=i])
            ));
        }
    }
    Ok(())
}

/// 1-based line and column (in characters) of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[start..].chars().count() + 1)
}

#[cfg(test)]
mod tests;
