//! Integration tests of the cluster-facing commands, through the real
//! binary: `sweep --partition/--list/--resume`, `merge`, `check --json`,
//! SIGTERM, provenance, and the conveniences (`completions`, `man`,
//! `schema`). Each test is named after what it guards.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_fanout"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

fn fanout(args: &[&str]) -> Output {
    bin().args(args).output().expect("the fanout binary runs")
}

fn ok(args: &[&str]) -> String {
    let o = fanout(args);
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

/// Exit status 2 with one line on standard error containing every `names`.
fn assert_refused(args: &[&str], names: &[&str]) {
    let o = fanout(args);
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(2), "{args:?} was not refused: {err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
    for n in names {
        assert!(err.contains(n), "{args:?}: {err:?} lacks {n:?}");
    }
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The CSV's header and rows with the `wall_seconds` column removed: the
/// one column that is not a function of scenario, grid and seed.
fn without_wall(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    let wall = header.iter().position(|h| h == "wall_seconds").unwrap();
    let drop = |v: Vec<String>| -> Vec<String> {
        v.into_iter()
            .enumerate()
            .filter(|(i, _)| *i != wall)
            .map(|(_, x)| x)
            .collect()
    };
    let rows = r
        .records()
        .map(|rec| drop(rec.unwrap().iter().map(String::from).collect()))
        .collect();
    (drop(header), rows)
}

const TINY: &str = "tests/data/tiny.toml";

/// A sweep's flags: hybrid-only (the reuse path) or a general key.
fn sweep_args(hybrid_only: bool) -> Vec<&'static str> {
    let mut a = vec!["sweep", TINY, "--quiet", "--seeds", "2"];
    if hybrid_only {
        a.extend(["--vary", "strategy.hybrid.celebrity_threshold=10,100,1000"]);
    } else {
        a.extend(["--vary", "workload.tweets_per_sec=200,300,400"]);
    }
    a
}

#[test]
fn slices_merge_into_the_unpartitioned_sweep() {
    for hybrid_only in [true, false] {
        let dir = tempfile::tempdir().unwrap();
        let full = dir.path().join("full.csv");
        let mut args = sweep_args(hybrid_only);
        args.extend(["--csv", s(&full)]);
        ok(&args);
        let (header, rows) = without_wall(&full);
        assert_eq!(rows.len(), 3 * 2 * 3);
        let n = 4;
        let parts: Vec<_> = (1..=n)
            .map(|k| dir.path().join(format!("p{k}.csv")))
            .collect();
        for (k, part) in parts.iter().enumerate() {
            let slice = format!("{}/{n}", k + 1);
            let mut args = sweep_args(hybrid_only);
            args.extend(["--partition", &slice, "--csv", s(part)]);
            ok(&args);
            // Each row is the unpartitioned sweep's row of the same item.
            let (h, part_rows) = without_wall(part);
            assert_eq!(h, header);
            let item = header.iter().position(|c| c == "item").unwrap();
            for row in &part_rows {
                let i: usize = row[item].parse().unwrap();
                assert_eq!(i % n, k, "item {i} in slice {slice}");
                assert!(
                    rows.contains(row),
                    "slice {slice}: {row:?} not in the full sweep"
                );
            }
        }
        let merged = dir.path().join("merged.csv");
        let mut margs = vec!["merge"];
        margs.extend(parts.iter().rev().map(|p| s(p)));
        margs.extend(["-o", s(&merged)]);
        let table = ok(&margs);
        assert!(table.contains("sweep of scenario tiny"), "{table}");
        assert!(table.contains("scenario hash"), "{table}");
        assert_eq!(without_wall(&merged), (header, rows));
    }
}

#[test]
fn list_prints_the_grid_or_the_slice_without_simulating() {
    let mut args = sweep_args(false);
    args.push("--list");
    let all = ok(&args);
    assert_eq!(all.lines().count(), 6, "{all}");
    assert!(
        all.lines()
            .next()
            .unwrap()
            .starts_with("0 point=0 workload.tweets_per_sec=200 seed=11")
    );
    args.extend(["--partition", "2/4"]);
    let slice = ok(&args);
    let items: Vec<&str> = slice
        .lines()
        .map(|l| l.split(' ').next().unwrap())
        .collect();
    assert_eq!(items, ["1", "5"]);
    for bad in ["0/4", "5/4", "1/0", "x/2", "3"] {
        let mut a = sweep_args(false);
        a.extend(["--list", "--partition", bad]);
        assert_refused(&a, &["--partition", bad]);
    }
    let mut a = sweep_args(false);
    a[6] = "workload.tweets_per_sec=200,-1";
    a.push("--list");
    assert_refused(&a, &["workload.tweets_per_sec"]);
}

#[test]
fn an_empty_slice_writes_an_empty_part_that_merge_accepts() {
    let dir = tempfile::tempdir().unwrap();
    let base = [
        "sweep",
        TINY,
        "--quiet",
        "--vary",
        "workload.tweets_per_sec=200",
    ];
    let parts: Vec<_> = (1..=2)
        .map(|k| dir.path().join(format!("p{k}.csv")))
        .collect();
    for (k, p) in parts.iter().enumerate() {
        let slice = format!("{}/2", k + 1);
        let mut a = base.to_vec();
        a.extend(["--partition", &slice, "--csv", s(p)]);
        ok(&a);
    }
    assert_eq!(std::fs::metadata(&parts[1]).unwrap().len(), 0);
    let merged = dir.path().join("m.csv");
    ok(&["merge", s(&parts[0]), s(&parts[1]), "-o", s(&merged)]);
    assert_eq!(
        std::fs::read(&merged).unwrap(),
        std::fs::read(&parts[0]).unwrap()
    );
}

#[test]
fn merge_refuses_missing_duplicate_and_foreign_slices() {
    let dir = tempfile::tempdir().unwrap();
    let part = |k: usize, extra: &[&str]| {
        let p = dir.path().join(format!("p{k}-{}.csv", extra.len()));
        let slice = format!("{k}/3");
        let mut a = sweep_args(false);
        a.extend(["--partition", &slice, "--csv", s(&p)]);
        a.extend(extra);
        ok(&a);
        p
    };
    let (p1, p2, p3) = (part(1, &[]), part(2, &[]), part(3, &[]));
    let foreign = part(3, &["--duration", "1s"]);
    let out = dir.path().join("out.csv");
    std::fs::write(&out, "OLD\n").unwrap();
    let o = s(&out);
    assert_refused(&["merge", s(&p1), s(&p2), "-o", o], &["missing", "2, 5"]);
    assert_refused(
        &["merge", s(&p1), s(&p2), s(&p2), s(&p3), "-o", o],
        &["item 1", "twice"],
    );
    assert_refused(
        &["merge", s(&p1), s(&p2), s(&foreign), "-o", o],
        &["different sweeps"],
    );
    assert_refused(&["merge", s(&p1), s(&p2), s(&p3), "-o", s(&p1)], &["-o"]);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "OLD\n");
}

#[test]
fn check_json_prints_the_memory_estimate_without_building_the_graph() {
    // 200M users: building the graph would take minutes and far more
    // memory than any test machine has; the estimate alone is instant.
    let started = Instant::now();
    let text = ok(&[
        "check",
        "--json",
        TINY,
        "--set",
        "population.users=200_000_000",
    ]);
    assert!(started.elapsed() < Duration::from_secs(20));
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let m = &v["memory_estimate"];
    for k in [
        "bytes",
        "stored_bytes",
        "sampled_bytes",
        "per_simulation_bytes",
    ] {
        assert!(m[k].as_u64().is_some_and(|b| b > 0), "{k}: {text}");
    }
    assert_eq!(v["graph"], "stored");
    assert_eq!(m["bytes"], m["stored_bytes"]);
    assert_eq!(v["fanout_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(v["scenario_hash"].as_str().unwrap().len(), 16);
}

#[test]
fn provenance_is_in_the_csv_the_json_and_the_table() {
    let dir = tempfile::tempdir().unwrap();
    let (csv, json) = (dir.path().join("r.csv"), dir.path().join("r.json"));
    let table = ok(&["run", TINY, "--quiet", "--csv", s(&csv), "--json", s(&json)]);
    let mut r = csv::Reader::from_path(&csv).unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    let n = header.len();
    assert_eq!(header[n - 2..], ["fanout_version", "scenario_hash"]);
    let row = r.records().next().unwrap().unwrap();
    let hash = row[n - 1].to_string();
    assert_eq!(&row[n - 2], env!("CARGO_PKG_VERSION"));
    assert!(table.lines().next().unwrap().contains(&hash), "{table}");
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(v["scenario_hash"], hash.as_str());
    assert_eq!(v["fanout_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(v["results"].as_array().unwrap().len(), 3);
    // Another seed is another scenario; the same one hashes the same from
    // another directory (no path enters the hash).
    let other = dir.path().join("o.csv");
    ok(&["run", TINY, "--quiet", "--seed", "12", "--csv", s(&other)]);
    let copy = dir.path().join("tiny.toml");
    std::fs::copy(TINY, &copy).unwrap();
    let again = dir.path().join("a.csv");
    ok(&["run", s(&copy), "--quiet", "--csv", s(&again)]);
    let last = |p: &Path| {
        let text = std::fs::read_to_string(p).unwrap();
        text.lines()
            .nth(1)
            .unwrap()
            .rsplit(',')
            .next()
            .unwrap()
            .to_string()
    };
    assert_ne!(last(&other), hash);
    assert_eq!(last(&again), hash);
    let version = ok(&["--version"]);
    assert!(version.starts_with(&format!("fanout {}", env!("CARGO_PKG_VERSION"))));
}

/// Starts a sweep whose last item takes seconds while the first two
/// finish at once, sends SIGTERM after `after`, and returns (status, stderr).
fn terminated(args: &[&str], after: Duration) -> (Option<i32>, String) {
    let child = bin()
        .args(args)
        .env("RAYON_NUM_THREADS", "2")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    crate::support::signal_and_wait(child, "TERM", after)
}

#[test]
fn sigterm_writes_finished_rows_and_resume_completes_the_sweep() {
    let dir = tempfile::tempdir().unwrap();
    let (csv, full) = (dir.path().join("s.csv"), dir.path().join("full.csv"));
    let args = |out: &Path| {
        vec![
            "sweep".to_string(),
            TINY.into(),
            "--strategy".into(),
            "read".into(),
            "--vary".into(),
            "duration=1s,2s,5000s".into(),
            "--csv".into(),
            s(out).into(),
        ]
    };
    let a = args(&csv);
    let a: Vec<&str> = a.iter().map(String::as_str).collect();
    let (code, err) = terminated(&a, Duration::from_millis(1500));
    assert_eq!(code, Some(130), "{err}");
    assert!(err.contains("interrupted"), "{err}");
    let (_, rows) = without_wall(&csv);
    assert_eq!(rows.len(), 2, "the two short items are written: {err}");
    // A file of another sweep is refused, not mixed in.
    let mut other = a.clone();
    other[5] = "duration=1s,2s,3s";
    other.push("--resume");
    assert_refused(&other, &["--resume", "another sweep"]);
    let mut resume = a.clone();
    resume.extend(["--resume", "--quiet"]);
    ok(&resume);
    let f = args(&full);
    let mut f: Vec<&str> = f.iter().map(String::as_str).collect();
    f.push("--quiet");
    ok(&f);
    assert_eq!(without_wall(&csv), without_wall(&full));
}

#[test]
fn resume_refuses_what_it_cannot_resume() {
    let mut a = sweep_args(false);
    a.push("--resume");
    assert_refused(&a, &["--resume", "--csv"]);
    let mut b = a.clone();
    b.extend(["--csv", "-"]);
    assert_refused(&b, &["--resume", "standard output"]);
    let dir = tempfile::tempdir().unwrap();
    let (c, j) = (dir.path().join("c.csv"), dir.path().join("j.json"));
    let mut c2 = a.clone();
    c2.extend(["--csv", s(&c), "--json", s(&j)]);
    assert_refused(&c2, &["--resume", "--json"]);
}

#[test]
fn completions_and_man_page_are_generated() {
    for shell in ["bash", "zsh", "fish"] {
        let text = ok(&["completions", shell]);
        assert!(
            text.contains("fanout") && text.contains("partition"),
            "{shell}"
        );
    }
    assert_refused(&["completions", "tcsh"], &["tcsh", "bash, zsh or fish"]);
    let man = ok(&["man"]);
    assert!(
        man.starts_with(".ie") || man.contains(".TH"),
        "{}",
        &man[..200]
    );
    assert!(man.contains("fanout"));
}

/// A structural check of `value` against `schema`: the keywords `fanout
/// schema` uses (type, properties, additionalProperties, items, enum,
/// minimum, maximum, exclusiveMinimum, exclusiveMaximum, pattern aside).
fn validate(
    schema: &serde_json::Value,
    value: &serde_json::Value,
    at: &str,
    errors: &mut Vec<String>,
) {
    use serde_json::Value;
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    let is = |t: &str| match t {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "boolean" => value.is_boolean(),
        "number" => value.is_number(),
        "integer" => value.as_f64().is_some_and(|x| x.fract() == 0.0),
        _ => false,
    };
    if !types.is_empty() && !types.iter().any(|t| is(t)) {
        errors.push(format!("{at}: {value} is not of type {types:?}"));
        return;
    }
    if let Some(e) = schema["enum"].as_array()
        && !e.contains(value)
    {
        errors.push(format!("{at}: {value} not in {e:?}"));
    }
    if let Some(x) = value.as_f64() {
        let check = |k: &str, ok: &dyn Fn(f64, f64) -> bool, errors: &mut Vec<String>| {
            if let Some(b) = schema[k].as_f64()
                && !ok(x, b)
            {
                errors.push(format!("{at}: {x} breaks {k} {b}"));
            }
        };
        check("minimum", &|x, b| x >= b, errors);
        check("maximum", &|x, b| x <= b, errors);
        check("exclusiveMinimum", &|x, b| x > b, errors);
        check("exclusiveMaximum", &|x, b| x < b, errors);
    }
    if let Some(obj) = value.as_object() {
        for (k, v) in obj {
            match schema["properties"].get(k) {
                Some(sub) => validate(sub, v, &format!("{at}.{k}"), errors),
                None if schema["additionalProperties"] == Value::Bool(false) => {
                    errors.push(format!("{at}: unknown key {k}"))
                }
                None => {}
            }
        }
    }
    if let Some(items) = value.as_array() {
        for (i, v) in items.iter().enumerate() {
            validate(&schema["items"], v, &format!("{at}[{i}]"), errors);
        }
    }
}

#[test]
fn every_shipped_scenario_validates_against_the_schema() {
    let schema: serde_json::Value = serde_json::from_str(&ok(&["schema"])).unwrap();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    let mut files: Vec<_> =
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
    files.push(Path::new(env!("CARGO_MANIFEST_DIR")).join(TINY));
    assert!(files.len() > 5);
    for f in files {
        let table: toml::Table = std::fs::read_to_string(&f).unwrap().parse().unwrap();
        let value = serde_json::to_value(&table).unwrap();
        let mut errors = Vec::new();
        validate(&schema, &value, "", &mut errors);
        assert!(errors.is_empty(), "{}: {errors:#?}", f.display());
    }
    // A wrong key, a wrong type, a value out of range are caught.
    for bad in [
        "unknown_key = 1",
        "seed = true",
        "[population]\nusers = 0",
        "strategies = [1]",
    ] {
        let table: toml::Table = bad.parse().unwrap();
        let mut errors = Vec::new();
        validate(
            &schema,
            &serde_json::to_value(&table).unwrap(),
            "",
            &mut errors,
        );
        assert!(!errors.is_empty(), "{bad} passed");
    }
}

#[test]
fn every_known_key_is_in_the_schema() {
    let schema: serde_json::Value = serde_json::from_str(&ok(&["schema"])).unwrap();
    for key in fanout::scenario::known_keys() {
        let mut node = &schema;
        for seg in key.key.split('.') {
            node = match seg.strip_suffix("[]") {
                Some(name) => &node["properties"][name]["items"],
                None => &node["properties"][seg],
            };
        }
        assert!(node.is_object(), "{} missing from the schema", key.key);
        assert!(
            node["description"].is_string(),
            "{} has no description",
            key.key
        );
    }
}
