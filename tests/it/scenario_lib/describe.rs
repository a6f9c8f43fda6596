//! `describe` lists every resolved key.

use super::*;

#[test]
fn describe_lists_every_resolved_key_with_units() {
    let full = ok(r#"
strategies = ["hybrid", "feeding-frenzy"]
strategy.feeding_frenzy.push_cost = "2us"
workload.profile = "diurnal"
[[workload.events]]
kind = "tweet"
at = "1s"
rank = 1
[[workload.events]]
kind = "burst"
at = "2s"
duration = "1s"
factor = 2
[[workload.events]]
kind = "tweet"
at = "1s"
id = 5
[cluster.network.jitter]
dist = "lognormal"
[cluster.tweet_store.read]
dist = "pareto"
[cluster.tweet_store]
pause.length = { dist = "lognormal" }
disk.latency = { dist = "lognormal" }
[cluster.timeline_cache]
pause.length = { dist = "lognormal" }
disk.latency = { dist = "lognormal" }
[cluster.network.cross_dc.rtt]
dist = "lognormal"
"#);
    let mean = with_sets(
        "",
        &[
            "population.users=1000",
            "population.followers.mean=10",
            "population.fanout_per_tweet=20",
            "population.followees.max=100",
            "cluster.network.jitter.dist=pareto",
            "cluster.tweet_store.write.dist=pareto",
            "cluster.tweet_store.read.dist=pareto",
            "cluster.timeline_cache.read.dist=pareto",
            "cluster.timeline_cache.write.dist=pareto",
            "cluster.fanout_workers.service.dist=pareto",
            "cluster.tweet_store.pause.length.dist=pareto",
            "cluster.tweet_store.disk.latency.dist=pareto",
            "cluster.timeline_cache.pause.length.dist=pareto",
            "cluster.timeline_cache.disk.latency.dist=pareto",
            "cluster.network.cross_dc.rtt.dist=pareto",
        ],
    )
    .unwrap();
    let resilient = ok(r#"
cluster.fanout_workers.idempotency_key = false
cluster.fanout_workers.parallelism = 4
cluster.timeline_cache.active_window = "720h"
cluster.timeline_cache.capacity = 1000
cluster.timeline_cache.bytes_per_entry = 16
cost.store_machine_hour = 0.5
cost.cache_machine_hour = 2
cost.worker_machine_hour = 0.25
cost.memory_gb_hour = 0.01
[[faults]]
kind = "crash"
target = "cache"
index = 1
at = "1s"
duration = "1s"
[[faults]]
kind = "slow"
target = "store"
factor = 2
at = "1s"
duration = "1s"
[[faults]]
kind = "crash"
target = "workers"
workers = 2
at = "1s"
duration = "1s"
[[faults]]
kind = "network"
delay = "1ms"
at = "1s"
duration = "1s"
[policy.store]
timeout = "50ms"
retries = 2
retry_budget = 0.2
hedge = "p99.9"
breaker_failures = 3
[policy.cache]
timeout = "5ms"
retries = 1
retry_budget = 0.5
hedge = "2ms"
breaker_failures = 2
failover = true
"#);
    // A graph loaded from a file lists the population.graph table.
    let file = ok(concat!(
        "population.graph = { file = \"",
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/edges-small.txt\", cache = \"off\" }"
    ));
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for s in [&ok(""), &full, &mean, &resilient, &file] {
        let d = describe(s);
        let keys: Vec<&String> = d.iter().map(|(k, _)| k).collect();
        let mut unique = keys.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), keys.len(), "a key is listed twice: {keys:?}");
        for (k, v) in d {
            // A fault is one line under `faults[i]`; a policy that is off
            // is one line under its table.
            let norm = k.replace(|c: char| c.is_ascii_digit(), "");
            let norm = norm.strip_suffix("[]").unwrap_or(&norm).to_string();
            let table = format!("{norm}.");
            assert!(
                known_keys()
                    .iter()
                    .any(|kd| kd.key == norm || kd.key.starts_with(&table)),
                "describe lists {k}, which is not a known key or table"
            );
            assert!(!v.is_empty() && !v.contains('\n'), "{k} = {v:?}");
            seen.entry(norm).or_default().push_str(&format!("{v}; "));
        }
    }
    for kd in known_keys() {
        if let Some(field) = kd.key.strip_prefix("faults[].") {
            let line = &seen["faults"];
            assert!(line.contains(&format!("{field} = ")), "{line}");
            continue;
        }
        if kd.key == "description" || kd.key == "workload.events" {
            continue;
        }
        assert!(seen.contains_key(kd.key), "describe never lists {}", kd.key);
    }
    let d: BTreeMap<String, String> = describe(&ok("")).into_iter().collect();
    assert_eq!(d["duration"], "60s");
    assert_eq!(d["workload.tweets_per_sec"], "4600 tweets/s");
    assert_eq!(d["workload.reads_per_sec"], "300000 reads/s");
    assert_eq!(d["population.users"], "1000000 users");
    assert_eq!(d["population.followers.max"], "999999 followers");
    assert_eq!(d["cluster.tweet_store.write.per_request"], "200us");
    assert_eq!(d["cluster.tweet_store.queue_limit"], "unbounded");
    assert_eq!(d["cluster.timeline_cache.replicas"], "3 copies");
    assert_eq!(d["strategy.hybrid.celebrity_threshold"], "10000 followers");
    assert_eq!(d["strategies"], "fanout-on-read, fanout-on-write, hybrid");
    // Feeding Frenzy's costs only when it runs (they would change the
    // scenario hash of every scenario without it); a derived one says so.
    assert!(!d.contains_key("strategy.feeding_frenzy.push_cost"));
    let d: BTreeMap<String, String> = describe(&full).into_iter().collect();
    assert_eq!(d["strategy.feeding_frenzy.push_cost"], "2us");
    // 10us store read per author + 100ns merge per tweet.
    assert_eq!(d["strategy.feeding_frenzy.pull_cost"], "10.1us (derived)");
    let d: BTreeMap<String, String> = describe(&mean).into_iter().collect();
    assert!(
        d["population.followers.exponent"].ends_with("(solved from the mean)"),
        "{d:?}"
    );
    assert_eq!(d["population.followers.mean"], "10 followers");
    assert_eq!(
        d["population.fanout_per_tweet"],
        "20 followers per tweet (target)"
    );
    assert!(
        d["population.author_activity_exponent"]
            .ends_with("(solved from population.fanout_per_tweet)")
    );
    assert_eq!(d["population.followees.max"], "100 followees");
    let d: BTreeMap<String, String> = describe(&ok("")).into_iter().collect();
    assert_eq!(d["faults"], "none");
    assert_eq!(d["policy.store"], "off");
    assert_eq!(d["policy.cache"], "off");
    assert_eq!(d["cluster.fanout_workers.retry_after"], "1s");
    let d: BTreeMap<String, String> = describe(&resilient).into_iter().collect();
    assert_eq!(
        d["faults[0]"],
        "kind = crash, target = cache, index = 1, at = 1s, duration = 1s, lose_data = false"
    );
    assert_eq!(
        d["faults[1]"],
        "kind = slow, target = store, index = every one, at = 1s, duration = 1s, factor = 2x, delay = 0s, probability = 1"
    );
    assert_eq!(
        d["faults[2]"],
        "kind = crash, target = workers, workers = 2, at = 1s, duration = 1s, lose_data = false"
    );
    assert_eq!(
        d["faults[3]"],
        "kind = network, at = 1s, duration = 1s, delay = 1ms per hop, drop = 0"
    );
    assert_eq!(d["policy.store.timeout"], "50ms");
    assert_eq!(d["policy.store.retries"], "2 retries");
    assert_eq!(
        d["policy.store.hedge"],
        "after p99.9 of recent response times"
    );
    assert_eq!(d["policy.cache.hedge"], "after 2ms");
    // Only the parts switched on.
    let d: BTreeMap<String, String> = describe(&ok("policy.cache.hedge = \"p95\""))
        .into_iter()
        .collect();
    let cache: Vec<&String> = d.keys().filter(|k| k.starts_with("policy.")).collect();
    assert_eq!(cache, ["policy.cache.hedge", "policy.store"]);
    assert_eq!(
        d["policy.cache.hedge"],
        "after p95 of recent response times"
    );
}
