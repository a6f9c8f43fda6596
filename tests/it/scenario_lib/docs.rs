//! The docs agree with the key definitions.

use super::*;

#[test]
fn docs_table_matches_known_keys() {
    let doc =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/scenario.md")).unwrap();
    let rows: Vec<Vec<String>> = doc
        .lines()
        .filter(|l| l.starts_with("| `"))
        .map(|l| {
            l.trim_matches('|')
                .split(" | ")
                .map(|c| c.trim().to_string())
                .collect()
        })
        .collect();
    let keys: Vec<String> = rows
        .iter()
        .map(|r| r[0].trim_matches('`').to_string())
        .collect();
    let known: Vec<String> = known_keys().iter().map(|k| k.key.to_string()).collect();
    assert_eq!(
        keys, known,
        "docs/scenario.md lists other keys, or in another order"
    );
    for (row, kd) in rows.iter().zip(known_keys()) {
        assert_eq!(row[1], kd.kind, "kind of {}", kd.key);
        let default = row[2].trim_matches('`').replace("\\|", "|");
        assert_eq!(default, kd.default, "default of {}", kd.key);
    }
}

#[test]
fn every_literal_default_is_what_resolves() {
    // Writing every literal default into the file changes nothing.
    let mut r = raw("");
    for kd in known_keys() {
        // Computed defaults, and keys only allowed with another value.
        let conditional = [
            "workload.diurnal_period",
            "workload.peak_factor",
            "cluster.network.jitter.cv",
            // Only inside a population.graph table, which needs a file.
            "population.graph.format",
            "population.graph.direction",
            // Log-normal only by choice: these delays default to exp or const.
            "cluster.tweet_store.pause.length.cv",
            "cluster.tweet_store.disk.latency.cv",
            "cluster.timeline_cache.pause.length.cv",
            "cluster.timeline_cache.disk.latency.cv",
            "cluster.network.cross_dc.rtt.cv",
        ];
        // Keys of array entries exist only inside an entry.
        if kd.default.starts_with('(')
            || conditional.contains(&kd.key)
            || kd.key.ends_with(".alpha")
            || kd.key.contains("[]")
        {
            continue;
        }
        r.set_value(kd.key, kd.default)
            .unwrap_or_else(|e| panic!("{e}"));
    }
    assert_eq!(r.resolve().unwrap(), ok(""));
}
