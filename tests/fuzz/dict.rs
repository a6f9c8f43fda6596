//! The seed corpus and the dictionary the mutators draw from: the shipped
//! scenarios and CSVs, every scenario key (read from the library's own key
//! table, so new keys are fuzzed without editing this file), and values
//! chosen to sit on or beyond every edge a parser or a model can have.

use std::path::Path;

/// TOML value texts that stress number, duration and type handling.
pub const VALUES: &[&str] = &[
    "0",
    "-1",
    "1",
    "2",
    "3",
    "7",
    "100",
    "0.5",
    "-0.0",
    "1e6",
    "1e9",
    "1e308",
    "-1e308",
    "1.7e308",
    "5e-324",
    "1e-300",
    "nan",
    "-nan",
    "inf",
    "-inf",
    "+inf",
    "4294967295",
    "4294967296",
    "2147483648",
    "9223372036854775807",
    "-9223372036854775808",
    "18446744073709551615",
    "99999999999999999999999",
    "0x10",
    "0o7",
    "0b1",
    "1_000",
    "true",
    "false",
    "\"\"",
    "\" \"",
    "\"8000h\"",
    "\"8760h\"",
    "\"8761h\"",
    "\"1e3s\"",
    "\"1e308s\"",
    "\"0s\"",
    "\"0ns\"",
    "\"1ns\"",
    "\"-1s\"",
    "\"1.5ms\"",
    "\"250us\"",
    "\"100µs\"",
    "\"2m\"",
    "\"1h\"",
    "\"1d\"",
    "\"nans\"",
    "\"infs\"",
    "\"1 s\"",
    "\"s\"",
    "\"18446744073709551615ns\"",
    "\"18446744073709551616s\"",
    "\"9999999999999999999h\"",
    "\"0.0000000001ns\"",
    "\"😀\"",
    "\"tab\\there\"",
    "\"line\\nbreak\"",
    "\"\\u0000\"",
    "\"exp\"",
    "\"lognormal\"",
    "\"pareto\"",
    "\"const\"",
    "\"read\"",
    "\"write\"",
    "\"hybrid\"",
    "[]",
    "[1, 2]",
    "[\"read\", \"read\"]",
    "[\"hybrid\", \"write\", \"read\"]",
    "[[1], [2]]",
    "{}",
    "{ dist = \"exp\", mean = \"1ms\" }",
    "{ per_request = \"1us\", per_item = \"0us\", dist = \"const\" }",
    "{ per_request = \"1e308s\", dist = \"pareto\", alpha = 1.0000001 }",
    "1979-05-27T07:32:00Z",
    "07:32:00",
];

/// Duration texts for `--duration` and `--interval`.
pub const DURATIONS: &[&str] = &[
    "1s",
    "200ms",
    "2s",
    "0s",
    "-1s",
    "1ns",
    "1e3s",
    "8000h",
    "8760h",
    "8761h",
    "1e308s",
    "nan",
    "inf",
    "",
    " ",
    "1",
    "s",
    "1.5",
    "1m",
    "9999999999999999999h",
    "😀",
    "1 s",
    "0.001ms",
    "500us",
];

/// Unicode and control fragments inserted into text.
pub const ODD_TEXT: &[&str] = &[
    "😀", "\u{0}", "\u{feff}", "\r\n", "\r", "\t", "é", "\u{202e}", "\\", "\"", "'", "'''",
    "\"\"\"", "#", "=", "[", "]", "[[", "]]", "{", "}", ",", ".", "\n", "\u{85}", "\u{2028}",
];

/// Strategy names for `--strategy`.
pub const STRATEGIES: &[&str] = &[
    "read",
    "write",
    "hybrid",
    "fanout-on-read",
    "fanout-on-write",
    "",
    "READ",
    "push",
    " hybrid ",
    "😀",
];

/// Everything the mutators need, loaded once per process.
pub struct Dict {
    /// Shipped scenario texts (scenarios/*.toml, tests/data/*.toml), sorted by path.
    pub scenarios: Vec<String>,
    /// The same scenarios shrunk (see [`shrink`]): resolving a scenario of a
    /// million users costs tens of milliseconds, so most cases start here.
    pub small_scenarios: Vec<String>,
    /// Shipped result CSVs (results/*.csv), sorted by path.
    pub csvs: Vec<String>,
    /// Every scenario key, `[]` meaning any index (`faults[].at`).
    pub keys: Vec<String>,
    /// Per key, string values named in its documentation (`"exp"`, `"stored"`).
    pub key_values: Vec<Vec<String>>,
    /// Per key, its documented default as TOML text, when it is a literal.
    pub defaults: Vec<Option<String>>,
}

impl Dict {
    /// Loads the corpus from the repository this test is built in.
    pub fn load() -> Dict {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let scenarios = read_all(&[root.join("scenarios"), root.join("tests/data")], "toml");
        let csvs = read_all(&[root.join("results")], "csv");
        let mut keys = Vec::new();
        let mut key_values = Vec::new();
        let mut defaults = Vec::new();
        for k in crate::target::known_keys() {
            keys.push(k.0.clone());
            key_values.push(quoted(&format!("{} {}", k.1, k.2)));
            defaults.push((!k.1.starts_with('(')).then(|| k.1.clone()));
        }
        let mut small_scenarios: Vec<String> = scenarios.iter().map(|t| shrink(t, false)).collect();
        small_scenarios.extend(scenarios.iter().map(|t| shrink(t, true)));
        assert!(!scenarios.is_empty() && !csvs.is_empty() && !keys.is_empty());
        Dict {
            scenarios,
            small_scenarios,
            csvs,
            keys,
            key_values,
            defaults,
        }
    }
}

/// A scenario with a 2,000-user population (and, when `tiny`, low rates
/// and a 1 s run, so that it can be simulated for real in milliseconds).
fn shrink(text: &str, tiny: bool) -> String {
    let mut out = String::new();
    let mut top = true;
    for line in text.lines() {
        top &= !line.trim_start().starts_with('[');
        let key = line.split('=').next().unwrap_or("").trim();
        let new = match key {
            "users" => "users = 2_000",
            "max" => "max = 1_999",
            "tweets_per_sec" if tiny => "tweets_per_sec = 100",
            "reads_per_sec" if tiny => "reads_per_sec = 1_000",
            "duration" if tiny && top => "duration = \"1s\"",
            "duration" if tiny => "duration = \"200ms\"",
            "at" if tiny => "at = \"400ms\"",
            "warmup" if tiny => "warmup = \"200ms\"",
            _ => line,
        };
        out.push_str(new);
        out.push('\n');
    }
    out
}

/// The contents of every file with extension `ext` in `dirs`, sorted by path.
fn read_all(dirs: &[std::path::PathBuf], ext: &str) -> Vec<String> {
    let mut paths = Vec::new();
    for dir in dirs {
        if let Ok(entries) = std::fs::read_dir(dir) {
            for e in entries.flatten() {
                let p = e.path();
                if p.extension().is_some_and(|x| x == ext) {
                    paths.push(p);
                }
            }
        }
    }
    paths.sort();
    paths
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect()
}

/// The double-quoted words of a documentation text, as TOML strings.
fn quoted(text: &str) -> Vec<String> {
    let parts: Vec<&str> = text.split('"').collect();
    parts
        .iter()
        .skip(1)
        .step_by(2)
        .filter(|w| !w.is_empty() && w.len() < 40)
        .map(|w| format!("\"{w}\""))
        .collect()
}
