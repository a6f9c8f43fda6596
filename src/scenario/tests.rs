//! Unit tests of the key table and the internals of `RawScenario`.

use super::*;

#[test]
fn keys_are_unique_and_complete() {
    let mut seen = std::collections::HashSet::new();
    for k in known_keys() {
        assert!(seen.insert(k.key), "{} is listed twice", k.key);
        assert!(
            !k.kind.is_empty() && !k.allowed().is_empty() && !k.doc.is_empty(),
            "{}",
            k.key
        );
        assert_eq!(k.kind, k.ty.name(), "{}", k.key);
    }
}

#[test]
fn every_literal_default_parses_and_computed_ones_are_marked() {
    for k in known_keys() {
        let computed = k.computed_default();
        assert_eq!(computed, k.default.ends_with(')'), "{}", k.key);
        if !computed {
            assert!(
                k.default.parse::<Value>().is_ok(),
                "{}: {}",
                k.key,
                k.default
            );
        }
    }
}

#[test]
fn every_literal_default_is_within_its_own_bounds() {
    for k in known_keys().iter().filter(|k| !k.computed_default()) {
        let v: Value = k.default.parse().unwrap();
        let ok = match k.domain {
            Domain::Float { .. } => k
                .domain
                .float_ok(v.as_float().or(v.as_integer().map(|i| i as f64)).unwrap()),
            Domain::Int { lo, hi, .. } => (lo..=hi).contains(&(v.as_integer().unwrap() as u64)),
            Domain::Duration { .. } => k
                .domain
                .duration_ok(crate::sim::time::SimDuration::parse(v.as_str().unwrap()).unwrap()),
            Domain::Choice(options) => options.contains(&v.as_str().unwrap()),
            Domain::Bool => v.is_bool(),
            Domain::Tables | Domain::Rule(..) | Domain::Strategies => true,
        };
        assert!(ok, "{} = {} is outside {}", k.key, k.default, k.allowed());
    }
}

#[test]
fn allowed_text_is_generated_from_the_bounds() {
    let text = |k: &str| keys::find(k).unwrap().allowed();
    assert_eq!(
        text("workload.tweets_per_sec"),
        "a finite number > 0 and at most 1e8 (posts per simulated second)"
    );
    assert_eq!(
        text("faults[].drop"),
        "a number >= 0 and below 1; only with kind = \"network\""
    );
    assert_eq!(
        text("cluster.tweet_store.queue_limit"),
        "an integer from 0 (unbounded) to 4294967295"
    );
    assert_eq!(text("population.followee_exponent"), "a finite number > 1");
    assert_eq!(
        text("faults[].factor"),
        "a finite number from 1 to 1e6; only with kind = \"slow\""
    );
}

#[test]
fn key_type_ignores_indices_and_knows_no_tables() {
    assert_eq!(
        key_type("strategy.hybrid.celebrity_threshold"),
        Some(KeyType::Integer)
    );
    assert_eq!(key_type("faults[3].at"), Some(KeyType::Duration));
    assert_eq!(key_type("workload.tweets_per_sec"), Some(KeyType::Float));
    assert_eq!(key_type("cluster.network"), None);
    assert_eq!(key_type("nonsense"), None);
}

#[test]
fn sections_and_children() {
    assert!(keys::is_section("cluster"));
    assert!(keys::is_section("cluster.tweet_store.write"));
    assert!(keys::is_section("workload.events[]"));
    assert!(!keys::is_section("workload.events"));
    assert!(keys::is_section("faults[]"));
    assert!(keys::is_section("policy.cache"));
    assert!(!keys::is_section("faults"));
    assert_eq!(keys::array("faults"), Some(&keys::FAULTS));
    assert_eq!(keys::array("workload.events"), Some(&keys::EVENTS));
    assert_eq!(keys::array("faults[]"), None);
    assert!(!keys::is_section("seed"));
    assert!(!keys::is_section(""));
    assert_eq!(
        keys::children(""),
        [
            "name",
            "description",
            "seed",
            "duration",
            "warmup",
            "strategies",
            "population",
            "workload",
            "cluster",
            "strategy",
            "faults",
            "policy",
            "cost"
        ]
    );
    assert_eq!(
        keys::children("population.followers"),
        ["exponent", "mean", "max"]
    );
}

#[test]
fn line_and_column_count_characters() {
    assert_eq!(line_col("ab\ncd", 0), (1, 1));
    assert_eq!(line_col("ab\ncd", 4), (2, 2));
    assert_eq!(line_col("é\nx", 1), (1, 1));
    assert_eq!(line_col("ab", 99), (1, 3));
}

#[test]
fn from_set_marks_paths_inside_and_around() {
    let mut r = RawScenario::from_str("", "s.toml").unwrap();
    r.set("workload.events[0]={kind=\"tweet\"}").unwrap();
    assert!(r.set_by_flag("workload.events[0].at"));
    assert!(r.set_by_flag("workload.events[0]"));
    assert!(r.set_by_flag("workload.events"));
    assert!(!r.set_by_flag("workload.events[1]"));
    assert!(!r.set_by_flag("workload.tweets_per_sec"));
}

#[test]
fn set_values_fall_back_to_bare_strings() {
    let mut r = RawScenario::from_str("", "s.toml").unwrap();
    r.set("duration=30s").unwrap();
    r.set("name = my run ").unwrap();
    r.set("seed=12").unwrap();
    r.set("strategies=[\"read\"]").unwrap();
    assert_eq!(r.table["duration"], Value::String("30s".into()));
    assert_eq!(r.table["name"], Value::String("my run".into()));
    assert_eq!(r.table["seed"], Value::Integer(12));
    assert!(r.table["strategies"].is_array());
}
