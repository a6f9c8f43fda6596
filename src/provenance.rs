//! Where a result came from: the fanout version and a stable hash of what
//! was simulated, written into every output (the summary CSV's last two
//! columns, the JSON envelope, the table's header line), so a file read
//! months later says which scenario made it, and `fanout merge` and
//! `fanout sweep --resume` can refuse to mix results of different sweeps.
//!
//! The hash is FNV-1a, 64 bits, over a canonical text of the resolved
//! scenario: every resolved key and its value, one per line, as `fanout
//! check` lists them ([`crate::scenario::describe`]), never paths or wall
//! time, so the same scenario hashes the same on any machine and in any
//! directory, and a refactoring of the model's structs does not change it
//! (only a key or a value does). std's `DefaultHasher` is not used: its
//! output may change between releases.

use crate::model::config::Scenario;

/// The package version written into outputs (`fanout_version`). The git
/// commit is left out on purpose: it would change the golden files'
/// bytes at every commit. `fanout --version` shows it.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// `fanout --version`: the package version and, when built from a git
/// checkout, the short commit (set by build.rs).
pub const LONG_VERSION: &str = match option_env!("FANOUT_GIT_COMMIT") {
    Some(_) => concat!(
        env!("CARGO_PKG_VERSION"),
        " (",
        env!("FANOUT_GIT_COMMIT"),
        ")"
    ),
    None => env!("CARGO_PKG_VERSION"),
};

/// FNV-1a over `bytes`, 64 bits: tiny, stable by definition, and enough to
/// tell scenarios apart (not a cryptographic hash).
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The hash of one resolved scenario, as 16 hex digits.
pub fn scenario_hash(s: &Scenario) -> String {
    format!("{:016x}", fnv1a64(canonical(s).as_bytes()))
}

/// The hash of a sweep: the base scenario, every `--vary` key with its
/// values in order, and the number of seeds. Slices of one sweep share it
/// whatever `--partition` they ran; any other sweep differs.
pub fn sweep_hash(base: &Scenario, varies: &[(String, Vec<String>)], seeds: u32) -> String {
    let mut text = format!("sweep\n{}\nseeds={seeds}\n", canonical(base));
    for (key, values) in varies {
        text.push_str(&format!("vary {key}={}\n", values.join("\u{1f}")));
    }
    format!("{:016x}", fnv1a64(text.as_bytes()))
}

/// The canonical text of a resolved scenario.
fn canonical(s: &Scenario) -> String {
    crate::scenario::describe(s)
        .into_iter()
        .map(|(key, value)| format!("{key}={value}\n"))
        .collect()
}

/// The provenance of one output: the columns appended at the end of every
/// summary row, in this order.
#[derive(Clone, Debug, PartialEq)]
pub struct Provenance {
    /// [`VERSION`].
    pub version: String,
    /// [`scenario_hash`] or [`sweep_hash`].
    pub hash: String,
}

impl Provenance {
    /// The provenance of results made by this build with `hash`.
    pub fn new(hash: String) -> Provenance {
        Provenance {
            version: VERSION.to_string(),
            hash,
        }
    }

    /// The two CSV columns, `fanout_version` and `scenario_hash`.
    pub fn columns(&self) -> Vec<(String, String)> {
        vec![
            ("fanout_version".to_string(), self.version.clone()),
            ("scenario_hash".to_string(), self.hash.clone()),
        ]
    }

    /// The line printed above a table.
    pub fn header_line(&self) -> String {
        format!("fanout {}, scenario hash {}", self.version, self.hash)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_matches_the_published_test_vectors() {
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x8594_4171_f739_67e8);
    }
}
