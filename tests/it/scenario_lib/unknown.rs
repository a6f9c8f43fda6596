//! Unknown keys and their suggestions.

use super::*;

#[test]
fn unknown_keys_name_the_dotted_path() {
    let m = err("seeed = 1");
    assert!(m.starts_with("scenarios/x.toml: unknown key 'seeed'; did you mean 'seed'? (top-level keys: name, description, seed,"), "{m}");
    let m = err("[workload]\ntweet_per_sec = 5");
    assert_eq!(
        m,
        "scenarios/x.toml: unknown key 'workload.tweet_per_sec'; did you mean 'workload.tweets_per_sec'? (keys in [workload]: tweets_per_sec, reads_per_sec, profile, diurnal_period, peak_factor, events)"
    );
    let m = err("[cluster.timeline_cache]\nreplica = 2");
    assert!(
        m.contains(
            "'cluster.timeline_cache.replica'; did you mean 'cluster.timeline_cache.replicas'?"
        ),
        "{m}"
    );
    let m = err("[cluster.tweet_store.write]\nmean = \"1ms\"");
    assert!(
        m.contains("unknown key 'cluster.tweet_store.write.mean'"),
        "{m}"
    );
    assert!(
        m.contains("keys in [cluster.tweet_store.write]: per_request, per_item, dist, cv, alpha"),
        "{m}"
    );
    let m =
        err("[cluster.network]\njitter = { dist = \"exp\", mean = \"1ms\", per_item = \"1us\" }");
    assert!(
        m.contains("unknown key 'cluster.network.jitter.per_item'"),
        "{m}"
    );
    let m = err(
        "[[workload.events]]\nkind = \"tweet\"\nat = \"1s\"\nrank = 1\n[[workload.events]]\nkind = \"tweet\"\nwhen = \"1s\"\n",
    );
    assert!(m.contains("unknown key 'workload.events[1].when'"), "{m}");
    assert!(
        m.contains("(keys in [[workload.events]]: kind, at, rank, id, duration, factor)"),
        "{m}"
    );
    let m = err("[workload]\nusers = 5");
    assert!(m.contains("did you mean 'population.users'?"), "{m}");
    let m = err("[strategy.hybird]\ncelebrity_threshold = 5");
    assert!(
        m.contains("unknown key 'strategy.hybird'; did you mean 'strategy.hybrid'?"),
        "{m}"
    );
    let m = err("\"odd key\" = 1");
    assert!(m.contains("unknown key '\"odd key\"'"), "{m}");
}

#[test]
fn values_where_tables_belong_are_refused() {
    let m = err("population = 5");
    assert!(
        m.contains("population = 5: must be a table with keys users,"),
        "{m}"
    );
    let m = err("[population]\nfollowers = 35");
    assert!(
        m.contains("population.followers = 35: must be a table with keys exponent, mean, max"),
        "{m}"
    );
    let m = err("[cluster.tweet_store]\nwrite = \"exp\"");
    assert!(
        m.contains("cluster.tweet_store.write = \"exp\": must be a table"),
        "{m}"
    );
    let m = err("[workload]\nevents = 3");
    assert!(
        m.contains("workload.events = 3: must be zero or more [[workload.events]] tables"),
        "{m}"
    );
    let m = err("[workload]\nevents = [1]");
    assert!(
        m.contains("workload.events[0] = 1: must be a table with keys kind, at"),
        "{m}"
    );
}
