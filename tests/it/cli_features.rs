//! Integration tests of the exploration features (issue 4): sweeps, time
//! series, JSON, HDR histogram logs, through the real binary.

use std::path::Path;
use std::process::{Command, Output};

fn fanout(args: &[&str], threads: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fanout"))
        .args(args)
        .env("RAYON_NUM_THREADS", threads)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the fanout binary runs")
}

fn ok(o: &Output) {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// Rows of a CSV as maps column -> value, with wall_seconds dropped.
fn rows(path: &Path) -> Vec<Vec<(String, String)>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    r.records()
        .map(|rec| {
            header
                .iter()
                .cloned()
                .zip(rec.unwrap().iter().map(String::from))
                .filter(|(k, _)| k != "wall_seconds")
                .collect()
        })
        .collect()
}

#[test]
fn sweep_rows_equal_single_runs_at_the_same_points() {
    let dir = tempfile::tempdir().unwrap();
    let sweep = dir.path().join("sweep.csv");
    ok(&fanout(
        &[
            "sweep",
            "tests/data/tiny.toml",
            "--vary",
            "strategy.hybrid.celebrity_threshold=100,1000",
            "--vary",
            "workload.tweets_per_sec=200..400:lin:2",
            "--quiet",
            "--csv",
            sweep.to_str().unwrap(),
        ],
        "2",
    ));
    let swept = rows(&sweep);
    assert_eq!(swept.len(), 2 * 2 * 3, "points x strategies");
    for (threshold, rate) in [("100", "200.0"), ("1000", "400.0")] {
        let single = dir.path().join(format!("{threshold}-{rate}.csv"));
        ok(&fanout(
            &[
                "run",
                "tests/data/tiny.toml",
                "--set",
                &format!("strategy.hybrid.celebrity_threshold={threshold}"),
                "--set",
                &format!("workload.tweets_per_sec={rate}"),
                "--quiet",
                "--csv",
                single.to_str().unwrap(),
            ],
            "1",
        ));
        for one in rows(&single) {
            let matching = swept.iter().find(|s| {
                s.iter()
                    .any(|(k, v)| k == "strategy.hybrid.celebrity_threshold" && v == threshold)
                    && s.iter()
                        .any(|(k, v)| k == "workload.tweets_per_sec" && v == rate)
                    && s.iter().any(|(k, v)| k == "strategy" && *v == one[1].1)
            });
            let s = matching.expect("the sweep has this point");
            // The sweep row is the run row (its provenance aside: a run and
            // a sweep hash different things) plus the varied-key columns,
            // the item columns and the sweep's provenance.
            let n = one.len() - 2;
            assert_eq!(one[n].0, "fanout_version");
            assert_eq!(one[n + 1].0, "scenario_hash");
            assert_eq!(&s[..n], &one[..n], "threshold {threshold}, rate {rate}");
            assert_eq!(s.len(), n + 2 + 2 + 2);
            assert_eq!(s[s.len() - 2], one[n]);
        }
    }
}

#[test]
fn sweep_output_does_not_depend_on_threads_and_seeds_differ() {
    let dir = tempfile::tempdir().unwrap();
    let mut outs = Vec::new();
    for threads in ["1", "2"] {
        let csv = dir.path().join(format!("s{threads}.csv"));
        let o = fanout(
            &[
                "sweep",
                "tests/data/tiny.toml",
                "--vary",
                "workload.reads_per_sec=1000,2000",
                "--seeds",
                "3",
                "--strategy",
                "hybrid",
                "--csv",
                csv.to_str().unwrap(),
            ],
            threads,
        );
        ok(&o);
        let table = String::from_utf8_lossy(&o.stdout).into_owned();
        assert!(
            table.contains("±"),
            "3 seeds give a confidence interval:\n{table}"
        );
        outs.push(rows(&csv));
    }
    assert_eq!(outs[0], outs[1]);
    let seeds: std::collections::BTreeSet<String> =
        outs[0].iter().map(|r| r[2].1.clone()).collect();
    assert_eq!(seeds.len(), 3, "three distinct seeds per point");
    assert!(seeds.contains("11"), "the scenario's own seed comes first");
}

#[test]
fn bad_vary_specs_exit_2_naming_the_flag() {
    for (spec, needle) in [
        ("workload.nonsense=1,2", "workload.nonsense"),
        ("workload.tweets_per_sec=1..10:cubic:3", "cubic"),
        ("workload.tweets_per_sec=0..10:log:3", "log"),
        ("workload.tweets_per_sec=-5,5", "workload.tweets_per_sec"),
    ] {
        let o = fanout(&["sweep", "tests/data/tiny.toml", "--vary", spec], "2");
        assert_eq!(o.status.code(), Some(2), "{spec}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(err.trim_end().lines().count(), 1, "{spec}: {err}");
        assert!(
            err.contains("--vary") && err.contains(needle),
            "{spec}: {err}"
        );
    }
}

#[test]
fn time_series_has_a_row_per_interval_and_strategy_and_marks_events() {
    let dir = tempfile::tempdir().unwrap();
    let ts = dir.path().join("ts.csv");
    ok(&fanout(
        &[
            "run",
            "tests/data/tiny.toml",
            "--set",
            "workload.events=[{ kind = \"tweet\", at = \"1s\", rank = 1 }, { kind = \"burst\", at = \"1500ms\", duration = \"500ms\", factor = 4.0 }]",
            "--interval",
            "500ms",
            "--quiet",
            "--timeseries",
            ts.to_str().unwrap(),
        ],
        "2",
    ));
    let r = rows(&ts);
    // 2.5 s of simulated time (warm-up included) in 500 ms rows, 3 strategies.
    assert_eq!(r.len(), 5 * 3, "{r:?}");
    let get =
        |row: &Vec<(String, String)>, k: &str| row.iter().find(|(c, _)| c == k).unwrap().1.clone();
    let events: Vec<String> = r
        .iter()
        .map(|row| get(row, "event"))
        .filter(|e| !e.is_empty())
        .collect();
    assert!(
        events.iter().any(|e| e.contains("tweet by rank 1")),
        "{events:?}"
    );
    assert!(events.iter().any(|e| e.contains("burst x4")), "{events:?}");
    // The burst quadruples the post rate in its interval.
    let rate = |t: &str| -> f64 {
        let row = r
            .iter()
            .find(|row| get(row, "strategy") == "fanout-on-write" && get(row, "t_start_s") == t)
            .unwrap();
        get(row, "posts_per_sec").parse().unwrap()
    };
    assert!(
        rate("1.500") > 2.5 * rate("0.500"),
        "{} vs {}",
        rate("1.500"),
        rate("0.500")
    );
}

#[test]
fn json_has_the_same_numbers_as_the_csv() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("s.csv");
    let json = dir.path().join("s.json");
    ok(&fanout(
        &[
            "run",
            "tests/data/tiny.toml",
            "--quiet",
            "--csv",
            csv.to_str().unwrap(),
            "--json",
            json.to_str().unwrap(),
        ],
        "2",
    ));
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let arr = v["results"].as_array().unwrap();
    let csv_rows = rows(&csv);
    assert_eq!(arr.len(), csv_rows.len());
    for (obj, row) in arr.iter().zip(&csv_rows) {
        for (k, value) in row {
            let j = &obj[k.as_str()];
            let text = match j {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Null => String::new(),
                other => other.to_string(),
            };
            let same = text == *value
                || (text.parse::<f64>().ok().zip(value.parse::<f64>().ok()))
                    .is_some_and(|(a, b)| a == b);
            assert!(same, "{k}: json {text} vs csv {value}");
        }
    }
}

#[test]
fn hdr_log_reads_back_to_the_same_percentiles() {
    use hdrhistogram::serialization::Deserializer;
    use hdrhistogram::serialization::interval_log::{IntervalLogIterator, LogEntry};
    let dir = tempfile::tempdir().unwrap();
    let hdr = dir.path().join("lat.hlog");
    let csv = dir.path().join("s.csv");
    ok(&fanout(
        &[
            "run",
            "tests/data/tiny.toml",
            "--quiet",
            "--hdr",
            hdr.to_str().unwrap(),
            "--csv",
            csv.to_str().unwrap(),
        ],
        "2",
    ));
    let bytes = std::fs::read(&hdr).unwrap();
    let mut found = 0;
    let csv_rows = rows(&csv);
    for entry in IntervalLogIterator::new(&bytes) {
        let LogEntry::Interval(h) = entry.unwrap() else {
            continue;
        };
        let tag = h.tag().unwrap().as_str().to_string();
        let (strategy, kind) = tag.split_once('/').unwrap();
        let decoded = base64_decode(h.encoded_histogram());
        let hist: hdrhistogram::Histogram<u64> = Deserializer::new()
            .deserialize(&mut decoded.as_slice())
            .unwrap();
        let row = csv_rows.iter().find(|r| r[1].1 == strategy).unwrap();
        let p99: f64 = row
            .iter()
            .find(|(k, _)| *k == format!("{kind}_p99_ms"))
            .unwrap()
            .1
            .parse()
            .unwrap();
        let back = hist.value_at_quantile(0.99) as f64 * 1e-6;
        assert!((back - p99).abs() < 0.0015, "{tag}: {back} vs {p99}");
        found += 1;
    }
    assert_eq!(found, 9, "three histograms per strategy");
    let txt = std::fs::read_to_string(format!("{}.percentiles.txt", hdr.display())).unwrap();
    assert!(txt.contains("fanout-on-read/read latency (ms)") && txt.contains("1/(1-Percentile)"));
}

fn base64_decode(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let mut buf = 0u32;
    let mut bits = 0;
    for c in text.bytes() {
        if c == b'=' {
            break;
        }
        let v = ALPHABET.iter().position(|&a| a == c).expect("base64") as u32;
        buf = (buf << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buf >> bits) as u8);
            buf &= (1 << bits) - 1;
        }
    }
    out
}

#[test]
fn plot_draws_each_kind_from_real_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("s.csv");
    let ts = dir.path().join("ts.csv");
    ok(&fanout(
        &[
            "run",
            "tests/data/tiny.toml",
            "--quiet",
            "--csv",
            csv.to_str().unwrap(),
            "--timeseries",
            ts.to_str().unwrap(),
        ],
        "2",
    ));
    for (input, needle) in [(&csv, "delivery"), (&ts, "read p99")] {
        let svg = dir.path().join("out.svg");
        ok(&fanout(
            &["plot", input.to_str().unwrap(), "-o", svg.to_str().unwrap()],
            "2",
        ));
        let text = std::fs::read_to_string(&svg).unwrap();
        assert!(text.contains("<svg") && text.trim_end().ends_with("</svg>"));
        assert!(text.contains("hybrid") && text.contains(needle), "{needle}");
    }
}
