//! No input panics.

use super::*;

const BASE: &str = r#"name = "t"
seed = 1
duration = "10s"
warmup = "1s"
strategies = ["read", "write", "hybrid"]
[population]
users = 1000
followee_exponent = 2.28
[population.followers]
exponent = 1.9
max = 999
[workload]
tweets_per_sec = 4600.0
reads_per_sec = 300000.0
profile = "diurnal"
peak_factor = 2.6
[[workload.events]]
kind = "tweet"
at = "3s"
rank = 1
[[workload.events]]
kind = "burst"
at = "2s"
duration = "1s"
factor = 3.0
[cluster.network]
one_way = "100us"
jitter = { dist = "exp", mean = "100us" }
[cluster.tweet_store]
shards = 16
write = { per_request = "200us", per_item = "0us", dist = "lognormal", cv = 1.0 }
[cluster.timeline_cache]
replicas = 3
[strategy.hybrid]
celebrity_threshold = 10_000
[[faults]]
kind = "crash"
target = "cache"
index = 1
at = "2s"
duration = "1s"
lose_data = true
[[faults]]
kind = "slow"
target = "store"
factor = 2.0
at = "1s"
duration = "3s"
[policy.cache]
timeout = "10ms"
retries = 2
hedge = "p95"
breaker_failures = 3
failover = true
"#;

/// Pieces that make interesting values and keys when spliced in.
const PIECES: &[&str] = &[
    "",
    "0",
    "-1",
    "1e400",
    "nan",
    "inf",
    "-inf",
    "\"\"",
    "\"1s\"",
    "\"60\"",
    "[",
    "]",
    "{",
    "}",
    "=",
    ".",
    "[[",
    "]]",
    "\n",
    "\"",
    "'",
    "#",
    "1_000",
    "18446744073709551616",
    "true",
    "1979-05-27",
    "[]",
    "{}",
    "[1, \"a\"]",
    "µs",
    "é",
    "\u{0}",
    "workload.events",
    "x.y.z",
    "4294967296",
    "9223372036854775807",
    "0.5",
    "1.0",
    "\"lognormal\"",
    "\"pareto\"",
    "h",
    "\"p99.9\"",
    "\"crash\"",
    "\"workers\"",
    "false",
];

fn keys_and_junk() -> impl Strategy<Value = String> {
    let known: Vec<String> = known_keys()
        .iter()
        .map(|k| k.key.replace("[]", "[0]"))
        .chain(
            [
                "workload.events[1]",
                "workload.events[2].at",
                "faults[1]",
                "faults[2].kind",
                "faults",
                "policy.store",
                "a..b",
                "seed[0]",
                " ",
                "x[99999999999999999999]",
            ]
            .map(String::from),
        )
        .collect();
    prop_oneof![proptest::sample::select(known), "[a-z_.\\[\\]0-9]{0,20}",]
}

fn values() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::sample::select(PIECES.to_vec()).prop_map(String::from),
        any::<i64>().prop_map(|i| i.to_string()),
        any::<f64>().prop_map(|f| f.to_string()),
        "[ -~]{0,12}",
        "[0-9]{1,4}(ns|us|ms|s|m|h)",
    ]
}

#[derive(Debug, Clone)]
enum Edit {
    Insert(usize, String),
    Delete(usize, usize),
}

fn edits() -> impl Strategy<Value = Vec<Edit>> {
    let edit = prop_oneof![
        (any::<usize>(), values()).prop_map(|(i, s)| Edit::Insert(i, s)),
        (any::<usize>(), 0usize..8).prop_map(|(i, n)| Edit::Delete(i, n)),
    ];
    proptest::collection::vec(edit, 0..6)
}

fn mutate(base: &str, edits: &[Edit]) -> String {
    let mut chars: Vec<char> = base.chars().collect();
    for e in edits {
        match e {
            Edit::Insert(i, s) => {
                let at = i % (chars.len() + 1);
                chars.splice(at..at, s.chars());
            }
            Edit::Delete(i, n) => {
                let at = i % (chars.len() + 1);
                let end = (at + n).min(chars.len());
                chars.drain(at..end);
            }
        }
    }
    chars.into_iter().collect()
}

fn assert_contract(source: &str, r: Result<Scenario, FanoutError>) {
    if let Err(e) = r {
        assert_eq!(e.exit_code(), 2, "{e}");
        let m = e.to_string();
        assert!(
            !m.contains('\n') && !m.contains('\r'),
            "not one line: {m:?}"
        );
        assert!(m.contains(source), "does not name {source}: {m}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn mutated_files_never_panic(edits in edits()) {
        let text = mutate(BASE, &edits);
        let source = "fuzz/case.toml";
        assert_contract(source, RawScenario::from_str(&text, source).and_then(|r| r.resolve()));
    }

    #[test]
    fn random_sets_never_panic(sets in proptest::collection::vec((keys_and_junk(), values()), 0..5)) {
        let source = "fuzz/set.toml";
        let mut r = RawScenario::from_str(BASE, source).unwrap();
        let mut result = Ok(());
        for (k, v) in &sets {
            let assignment = format!("{k}={v}");
            result = result.and_then(|_| r.set(&assignment));
        }
        assert_contract(source, result.and_then(|_| r.resolve()));
    }

    #[test]
    fn random_text_never_panics(text in "[ -~\n]{0,200}") {
        let source = "fuzz/text.toml";
        assert_contract(source, RawScenario::from_str(&text, source).and_then(|r| r.resolve()));
    }
}

#[test]
fn docs_table_is_generated_from_the_definitions() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/scenario.md");
    let doc = std::fs::read_to_string(path).unwrap();
    let fresh = fanout::scenario::doc::render_doc(&doc).expect("marker lines in docs/scenario.md");
    assert!(
        fresh == doc,
        "docs/scenario.md is stale: run `cargo run --example scenario-doc`"
    );
}
