//! Regression tests of the limits a scenario must respect so that a run is
//! safe and finishes: bounded durations and sums of durations (no overflow
//! of the u64 nanosecond clock), an estimate of the work before the run, a
//! cap on the size of a scenario file, and clear messages for malformed
//! durations. Each test is named after what it guards; each checks the
//! general rule over every key it applies to, not one case.

use fanout::scenario::budget::{
    EVENTS_PER_WALL_SECOND, MAX_EVENTS, effective_seconds, estimate_events, long_run_warning,
    worst_case_ns,
};
use fanout::scenario::{
    Domain, KeyType, MAX_FILE_BYTES, RawScenario, known_keys, lookup, warnings,
};
use fanout::sim::time::SimDuration;
use proptest::prelude::*;

const SRC: &str = "scenarios/x.toml";

/// A light scenario: small, slow, short, so only the key under test can
/// push it over a bound.
const LIGHT: &str = r#"duration = "1s"
warmup = "0s"
[population]
users = 1000
[workload]
tweets_per_sec = 1.0
reads_per_sec = 1.0
"#;

fn resolve(text: &str, sets: &[String]) -> Result<fanout::model::config::Scenario, String> {
    let mut r = RawScenario::from_str(text, SRC).map_err(|e| e.to_string())?;
    for s in sets {
        r.set(s).map_err(|e| e.to_string())?;
    }
    r.resolve().map_err(|e| e.to_string())
}

/// `--set` assignments that make `key` apply (an entry around an array
/// key, the profile a diurnal key needs), then `key = value`.
fn sets_for(key: &str, value: &str) -> Vec<String> {
    let mut sets = Vec::new();
    if key.starts_with("workload.events[].") {
        sets.push(
            "workload.events[0]={ kind = \"burst\", at = \"0s\", duration = \"1s\", factor = 2 }"
                .to_string(),
        );
    }
    if key == "faults[].delay" {
        sets.push(
            "faults[0]={ kind = \"slow\", target = \"store\", factor = 2, at = \"0s\", duration = \"1s\" }"
                .to_string(),
        );
    } else if key.starts_with("faults[].") {
        sets.push(
            "faults[0]={ kind = \"crash\", target = \"cache\", index = 0, at = \"0s\", duration = \"1s\" }"
                .to_string(),
        );
    }
    if let Some(base) = key.strip_suffix(".backoff") {
        // The cap must be at least the first backoff.
        sets.push(format!("{base}.backoff_max=\"{value}\""));
    }
    if key == "workload.diurnal_period" {
        sets.push("workload.profile=diurnal".to_string());
    }
    sets.push(format!("{}=\"{value}\"", key.replace("[]", "[0]")));
    sets
}

/// Every key whose value is a duration, with its largest value.
fn duration_keys() -> Vec<(&'static str, SimDuration)> {
    known_keys()
        .iter()
        .filter_map(|k| match k.domain {
            Domain::Duration { max, .. } => Some((k.key, max)),
            _ => None,
        })
        .collect()
}

#[test]
fn every_duration_key_has_a_bound_and_refuses_more_on_one_line() {
    let keys = duration_keys();
    assert!(keys.len() > 20, "{}", keys.len());
    for (key, max) in keys {
        assert!(max <= SimDuration::from_secs(8760 * 3600), "{key}: {max}");
        let over = format!("{}us", max.as_nanos() / 1000 + 1);
        let e = resolve(LIGHT, &sets_for(key, &over)).expect_err(key);
        let shown = key.replace("[]", "[0]");
        assert!(
            !e.contains('\n')
                && e.contains(&format!("{shown} = \"{over}\""))
                && e.contains("at most"),
            "{key}: {e}"
        );
    }
}

#[test]
fn per_request_durations_are_accepted_up_to_an_hour() {
    for (key, max) in duration_keys() {
        if max != SimDuration::from_secs(3600) {
            continue;
        }
        resolve(LIGHT, &sets_for(key, "1h")).unwrap_or_else(|e| panic!("{key}: {e}"));
    }
}

#[test]
fn large_service_times_under_load_are_refused_before_they_overflow_the_clock() {
    // One hour per read is allowed alone, but 300k reads/s for a minute
    // would queue thousands of years at one cache server.
    let sets = [
        "duration=60s",
        "cluster.timeline_cache.read.per_request=\"1h\"",
    ]
    .map(String::from);
    let e = resolve("", &sets).unwrap_err();
    assert!(
        e.contains("cluster.timeline_cache.read.per_request = \"1h\""),
        "{e}"
    );
    assert!(e.contains("years of service time"), "{e}");
    // A request's mean at its largest item count is bounded too.
    let sets = [
        "cluster.fanout_workers.batch=4294967295",
        "cluster.fanout_workers.service.per_item=\"10ms\"",
    ]
    .map(String::from);
    let e = resolve(LIGHT, &sets).unwrap_err();
    assert!(
        e.contains("cluster.fanout_workers.service.per_item = \"10ms\""),
        "{e}"
    );
    assert!(e.contains("one request must take at most 8760h"), "{e}");
    let e = resolve(
        LIGHT,
        &[
            "cluster.client.merge_per_item=\"1h\"".into(),
            "population.users=100000".into(),
        ],
    )
    .unwrap_err();
    assert!(e.contains("cluster.client.merge_per_item"), "{e}");
}

#[test]
fn slow_faults_cannot_stretch_a_request_or_a_queue_past_the_clock() {
    let slow = |target: &str, factor: &str, delay: &str| {
        format!(
            "faults[0]={{ kind = \"slow\", target = \"{target}\", factor = {factor}, delay = \"{delay}\", at = \"0s\", duration = \"1s\" }}"
        )
    };
    // An hour per read, a million times slower: one request of 114 years.
    let sets = [
        "cluster.timeline_cache.read.per_request=\"1h\"".to_string(),
        slow("cache", "1e6", "0s"),
    ];
    let e = resolve(LIGHT, &sets).unwrap_err();
    assert!(
        e.contains("cluster.timeline_cache.read.per_request = \"1h\""),
        "{e}"
    );
    assert!(e.contains("slow faults on its tier"), "{e}");
    // Overlapping slow faults compound, as in the model.
    let sets = [
        "cluster.tweet_store.write.per_request=\"1s\"".to_string(),
        slow("store", "1e6", "0s"),
        slow("store", "1e6", "0s").replace("faults[0]", "faults[1]"),
    ];
    let e = resolve(LIGHT, &sets).unwrap_err();
    assert!(e.contains("cluster.tweet_store."), "{e}");
    // Factors on another tier, or faults that do not overlap, do not add up.
    let sets = [
        "cluster.tweet_store.write.per_request=\"1s\"".to_string(),
        slow("store", "1e6", "0s"),
        slow("cache", "1e6", "0s").replace("faults[0]", "faults[1]"),
    ];
    resolve(LIGHT, &sets).unwrap();
    // Under load, the factor stretches the work a station is offered.
    let e = resolve(
        "",
        &[
            "cluster.timeline_cache.read.per_request=\"10ms\"".into(),
            slow("cache", "1e6", "0s").replace("duration = \"1s\"", "duration = \"60s\""),
        ],
    )
    .unwrap_err();
    assert!(e.contains("years of service time"), "{e}");
}

#[test]
fn hedge_delays_are_bounded_like_every_other_delay() {
    let e = resolve(LIGHT, &["policy.cache.hedge=\"2h\"".into()]).unwrap_err();
    assert!(
        e.contains("policy.cache.hedge = \"2h\"") && e.contains("at most 1h"),
        "{e}"
    );
    resolve(LIGHT, &["policy.cache.hedge=\"1h\"".into()]).unwrap();
}

/// A duration as `--set` text: a nanosecond count up to twice `max`.
fn any_duration(max: SimDuration) -> impl Strategy<Value = String> {
    (0..=2 * max.as_nanos() / 1000).prop_map(|us| format!("{us}us"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn validated_scenarios_cannot_overflow_simulated_time(
        picks in proptest::collection::vec((0usize..64, 0u64..1000), 0..12),
        big in proptest::collection::vec(any_duration(SimDuration::from_secs(8760 * 3600)), 12),
        batch in prop_oneof![Just(1u64), Just(4000), Just(4_294_967_295)],
        entries in prop_oneof![Just(1u64), Just(800), Just(1_000_000)],
        retries in 0u32..=100,
    ) {
        let keys = duration_keys();
        let mut sets = vec![
            format!("cluster.fanout_workers.batch={batch}"),
            format!("cluster.timeline_cache.max_entries={entries}"),
            format!("policy.cache.retries={retries}"),
            format!("policy.store.retries={retries}"),
        ];
        for (i, (k, scale)) in picks.iter().enumerate() {
            let (key, _) = keys[k % keys.len()];
            // Mostly values near the bounds, some anywhere up to twice the longest span.
            let value = if scale % 3 == 0 { big[i % big.len()].clone() } else { format!("{}ms", scale * 3_600) };
            sets.extend(sets_for(key, &value));
        }
        if let Ok(s) = resolve(LIGHT, &sets) {
            let worst = worst_case_ns(&s);
            prop_assert!(worst < u128::from(u64::MAX) / 4, "{worst} ns with {sets:?}");
        }
    }
}

#[test]
fn overlapping_bursts_multiply_and_a_run_of_too_many_events_is_warned() {
    let burst = "{ kind = \"burst\", at = \"10s\", duration = \"10s\", factor = 1000.0 }";
    let one = resolve("", &[format!("workload.events[0]={burst}")]).unwrap();
    let two = resolve(
        "",
        &[
            format!("workload.events[0]={burst}"),
            format!("workload.events[1]={burst}"),
        ],
    )
    .unwrap();
    // 55 s at rate 1 and 10 s at rate 1000 (one burst) or 1e6 (two).
    assert_eq!(effective_seconds(&one), 55.0 + 10.0 * 1000.0);
    assert_eq!(effective_seconds(&two), 55.0 + 10.0 * 1e6);
    let e = &estimate_events(&two)[0];
    assert!(e.reads > 3e12 * 0.99 && e.events > MAX_EVENTS, "{e:?}");
    assert_eq!(e.wall_seconds(), e.events / EVENTS_PER_WALL_SECOND);
    let w = long_run_warning(&two).expect("a warning");
    assert!(w.contains("events") && !w.contains('\n'), "{w}");
    assert!(warnings(&two).contains(&w));
    // The defaults (65 s at DDIA's rates) are far below the bound.
    let plain = resolve("", &[]).unwrap();
    assert!(long_run_warning(&plain).is_none());
    for e in estimate_events(&plain) {
        assert!(e.events > 1e7 && e.events < MAX_EVENTS, "{e:?}");
    }
    // A long run at the defaults is warned as well, not only bursts.
    let long = resolve("", &["duration=1000h".into()]).unwrap();
    assert!(long_run_warning(&long).is_some());
}

#[test]
fn scenario_files_are_read_up_to_one_mib_and_directories_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.toml");
    let mut text = "# padding\n".repeat((MAX_FILE_BYTES as usize) / 10 + 1);
    text.push_str("seed = 1\n");
    std::fs::write(&big, &text).unwrap();
    let e = RawScenario::from_file(&big).unwrap_err().to_string();
    assert!(e.contains("larger than 1 MiB") && !e.contains('\n'), "{e}");
    let e = RawScenario::from_file(dir.path()).unwrap_err().to_string();
    assert!(e.contains("is a directory"), "{e}");
    // A device that never ends is cut off at the cap instead of filling memory.
    if std::path::Path::new("/dev/zero").exists() {
        let e = RawScenario::from_file(std::path::Path::new("/dev/zero"))
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("/dev/zero: ") && e.contains("larger than 1 MiB"),
            "{e}"
        );
    }
    let small = dir.path().join("ok.toml");
    std::fs::write(&small, "seed = 3\n").unwrap();
    assert_eq!(
        RawScenario::from_file(&small)
            .unwrap()
            .resolve()
            .unwrap()
            .seed,
        3
    );
}

#[test]
fn followee_exponents_near_one_are_warned_as_nearly_uniform() {
    let at = |x: f64, users: u32| {
        let s = resolve(
            "",
            &[
                format!("population.followee_exponent={x}"),
                format!("population.users={users}"),
            ],
        )
        .unwrap();
        warnings(&s)
            .into_iter()
            .find(|w| w.starts_with("population.followee_exponent"))
    };
    let w = at(1.01, 1_000_000).expect("a warning");
    assert!(
        w.contains("nearly uniform") && w.contains("at least"),
        "{w}"
    );
    assert!(at(1.1, 1000).is_some());
    assert!(at(2.28, 1_000_000).is_none());
    assert!(at(1.5, 1_000_000).is_none());
    let doc = lookup("population.followee_exponent").unwrap().doc;
    assert!(doc.contains("nearly uniform"), "{doc}");
}

#[test]
fn malformed_durations_say_what_is_wrong() {
    let cases = [
        ("1e3s", "exponents are not allowed"),
        ("2E-3ms", "exponents are not allowed"),
        ("-1s", "it must be >= 0"),
        ("-0.5ms", "it must be >= 0"),
    ];
    for key in [
        "duration",
        "cluster.network.one_way",
        "policy.store.backoff",
    ] {
        for (text, why) in cases {
            let e = resolve("", &[format!("{key}=\"{text}\"")]).unwrap_err();
            assert!(
                e.contains(why) && e.contains(&format!("{key} = \"{text}\"")),
                "{e}"
            );
        }
    }
    let e = SimDuration::parse("5 parsecs").unwrap_err().to_string();
    assert!(e.contains("the unit is not known"), "{e}");
}

#[test]
fn a_strategy_repeated_in_the_file_is_named_with_its_position() {
    let e = resolve(
        "strategies = [\"read\", \"write\", \"fanout-on-read\"]",
        &[],
    )
    .unwrap_err();
    assert!(e.contains("lists fanout-on-read twice"), "{e}");
    assert!(e.contains("strategies[2] repeats it"), "{e}");
}

#[test]
fn key_types_come_from_the_definitions() {
    assert_eq!(
        fanout::scenario::key_type("cluster.timeline_cache.write_chunk"),
        Some(KeyType::Integer)
    );
    assert_eq!(
        fanout::scenario::key_type("faults[0].duration"),
        Some(KeyType::Duration)
    );
    assert_eq!(
        fanout::scenario::key_type("workload.reads_per_sec"),
        Some(KeyType::Float)
    );
}
