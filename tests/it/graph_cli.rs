//! Bring your own follower graph, through the real binary: a scenario that
//! loads an edge list (`population.graph = { file = ... }`), `fanout graph
//! export` and `fanout graph fit`, and every refusal of a bad graph file.

use fanout::model::graph::{CacheMode, Direction, EdgeFormat, LoadOptions, load_graph_file};
use fanout::model::sim::World;
use fanout::scenario::RawScenario;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn fanout(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fanout"))
        .current_dir(root())
        .args(args)
        .output()
        .expect("the fanout binary runs")
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Standard output of a command that must succeed.
fn ok(args: &[&str]) -> String {
    let o = fanout(args);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{args:?} failed: {err}");
    String::from_utf8(o.stdout).unwrap()
}

/// Exit status 2 with one line on standard error containing every `names`.
fn assert_refused(args: &[&str], names: &[&str]) {
    let o = fanout(args);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{args:?} was not refused: {err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
    for n in names {
        assert!(err.contains(n), "{args:?}: {err:?} lacks {n:?}");
    }
}

/// tests/data/tiny.toml with its generated graph replaced by `graph` (the
/// value of `population.graph`), written into `dir`.
fn tiny_loading(dir: &Path, graph: &str) -> PathBuf {
    let text = std::fs::read_to_string(root().join("tests/data/tiny.toml")).unwrap();
    let mut out = String::new();
    let mut skip = false;
    for line in text.lines() {
        if line.starts_with('[') {
            skip = line == "[population.followers]";
        }
        if skip || line.starts_with("users =") {
            continue;
        }
        out.push_str(line);
        out.push('\n');
        if line == "[population]" {
            out.push_str(&format!("graph = {graph}\n"));
        }
    }
    let p = dir.join("scenario.toml");
    std::fs::write(&p, out).unwrap();
    p
}

fn opts(cache: CacheMode) -> LoadOptions {
    LoadOptions {
        format: EdgeFormat::Snap,
        direction: Direction::FollowerFollowee,
        cache,
    }
}

#[test]
fn export_loads_back_edge_for_edge() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = RawScenario::from_file(&root().join("tests/data/tiny.toml"))
        .unwrap()
        .resolve()
        .unwrap();
    let built = World::build(&scenario).unwrap();
    for name in ["e.txt", "e.txt.gz"] {
        let out = dir.path().join(name);
        ok(&["graph", "export", "tests/data/tiny.toml", "-o", s(&out)]);
        let l = load_graph_file(&out, &opts(CacheMode::Off)).unwrap();
        let (a, b) = (&*built.graph, &l.graph);
        assert_eq!((a.users(), a.edges()), (b.users(), b.edges()), "{name}");
        for u in 0..a.users() {
            assert_eq!(a.followers(u), b.followers(u), "{name}: followers of {u}");
            assert_eq!(a.followees(u), b.followees(u), "{name}: followees of {u}");
        }
        assert!(*a == *b, "{name}: rank order or offsets differ");
        assert!(l.ids.is_identity(), "{name}: ids 0..n come back as 0..n");
    }
}

/// Reads a summary CSV into rows of (column, value).
fn columns(path: &Path) -> Vec<Vec<(String, String)>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            header
                .iter()
                .cloned()
                .zip(rec.iter().map(String::from))
                .collect()
        })
        .collect()
}

/// The condition (README, "Your own graph"): the export of a generated graph
/// names every user 0..n-1 in some edge and lists each user's followers in
/// id order, so loading it gives the same dense ids and the same lists;
/// with the same seed and every other key the same, the run is the same.
#[test]
fn a_run_on_the_export_reports_what_the_generated_run_reports() {
    let dir = tempfile::tempdir().unwrap();
    let edges = dir.path().join("edges.txt");
    ok(&["graph", "export", "tests/data/tiny.toml", "-o", s(&edges)]);
    let loaded = tiny_loading(dir.path(), "{ file = \"edges.txt\", cache = \"off\" }");
    let (a, b) = (dir.path().join("a.csv"), dir.path().join("b.csv"));
    ok(&["run", "tests/data/tiny.toml", "-q", "--csv", s(&a)]);
    ok(&["run", s(&loaded), "-q", "--csv", s(&b)]);
    let (a, b) = (columns(&a), columns(&b));
    assert_eq!(a.len(), 3);
    assert_eq!(a.len(), b.len());
    for (ra, rb) in a.iter().zip(&b) {
        for ((ka, va), (kb, vb)) in ra.iter().zip(rb) {
            assert_eq!(ka, kb);
            // The wall clock, and the hash of the scenario's text (which
            // names the file instead of the generator's keys).
            if ka != "wall_seconds" && ka != "scenario_hash" {
                assert_eq!(va, vb, "column {ka}");
            }
        }
    }
}

#[test]
fn check_prints_the_statistics_and_the_dropped_pairs() {
    let dir = tempfile::tempdir().unwrap();
    // Ids far apart and past u32; one self-loop, one duplicate, comments,
    // commas and tabs.
    let text = "# a follows b\n10 20\n20,10\n30\t10\n10 20\n7 7\n99999999999 10\n";
    std::fs::write(dir.path().join("g.txt"), text).unwrap();
    let scenario = tiny_loading(dir.path(), "{ file = \"g.txt\" }");
    let out = ok(&["check", s(&scenario)]);
    for want in [
        "population.users",
        "5 users (from the file)",
        "follow edges",
        "followers per user: mean / median / p99 / max",
        "dropped self-loops                                    1",
        "dropped duplicate edges                               1",
        "written",
    ] {
        assert!(out.contains(want), "{want:?} missing:\n{out}");
    }
    // The cache was written beside the file and is used next time.
    assert!(dir.path().join("g.txt.fanout-graph").is_file());
    let again = ok(&["check", s(&scenario)]);
    assert!(
        again.contains("binary cache") && again.contains("read "),
        "{again}"
    );
    // Events name the file's own ids; an id it lacks is refused.
    let with_event = |id: &str| {
        let t = std::fs::read_to_string(&scenario).unwrap();
        let t = t.replace(
            "[workload]",
            &format!("[workload]\nevents = [{{ kind = \"tweet\", at = \"1s\", id = {id} }}]"),
        );
        let p = dir.path().join(format!("event-{id}.toml"));
        std::fs::write(&p, t).unwrap();
        p
    };
    let good = with_event("99999999999");
    let out = ok(&["check", s(&good)]);
    assert!(out.contains("workload.events[0].id") && out.contains("99999999999"));
    let bad = with_event("11");
    assert_refused(
        &["check", s(&bad)],
        &["workload.events[0].id = 11", "no user with this id"],
    );
}

#[test]
fn a_stale_cache_is_rebuilt_not_used() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("g.txt");
    let cache = dir.path().join("c.bin");
    std::fs::write(&src, "1 2\n2 3\n").unwrap();
    let scenario = tiny_loading(dir.path(), "{ file = \"g.txt\", cache = \"c.bin\" }");
    let first = ok(&["check", s(&scenario)]);
    assert!(first.contains("written") && cache.is_file(), "{first}");
    // The source changes: the cache must not be used.
    std::fs::write(&src, "1 2\n2 3\n3 1\n4 1\n").unwrap();
    let second = ok(&["check", s(&scenario)]);
    assert!(
        second.contains("rebuilt") && second.contains("not used"),
        "{second}"
    );
    assert!(second.contains("4 users (from the file)"), "{second}");
    let third = ok(&["check", s(&scenario)]);
    assert!(third.contains("read "), "{third}");
}

#[test]
fn bad_graph_files_are_refused_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let write = |name: &str, bytes: &[u8]| std::fs::write(d.join(name), bytes).unwrap();
    write("bad.txt", b"1 2\n3 4\n5 x\n");
    write("empty.txt", b"# nothing but comments\n\n");
    write("ok.txt", b"1 2\n2 3\n");
    // A truncated gzip: the first half of an export.
    let gz = d.join("full.txt.gz");
    ok(&["graph", "export", "tests/data/tiny.toml", "-o", s(&gz)]);
    let bytes = std::fs::read(&gz).unwrap();
    write("cut.txt.gz", &bytes[..bytes.len() / 2]);
    // A truncated binary graph: a cache cut short.
    let bin = d.join("g.bin");
    let l = load_graph_file(&d.join("ok.txt"), &opts(CacheMode::At(bin.clone()))).unwrap();
    assert!(l.graph.edges() == 2 && bin.is_file());
    let bytes = std::fs::read(&bin).unwrap();
    write("cut.bin", &bytes[..bytes.len() - 9]);
    let cases: [(&str, &[&str]); 8] = [
        (
            "{ file = \"bad.txt\" }",
            &["bad.txt", "line 3", "\"5 x\"", "is not an edge"],
        ),
        ("{ file = \"empty.txt\" }", &["empty.txt", "no edges"]),
        (
            "{ file = \"cut.txt.gz\" }",
            &["cut.txt.gz", "truncated or corrupt"],
        ),
        (
            "{ file = \"cut.bin\", format = \"binary\" }",
            &["cut.bin", "truncated or corrupt"],
        ),
        (
            "{ file = \"missing.txt\" }",
            &["missing.txt", "cannot read"],
        ),
        (
            "{ file = \"ok.txt\", format = \"csv2\" }",
            &["population.graph.format = \"csv2\"", "\"text.gz\""],
        ),
        (
            "{ file = \"ok.txt\", direction = \"up\" }",
            &[
                "population.graph.direction = \"up\"",
                "\"followee-follower\"",
            ],
        ),
        (
            "{ file = \"ok.txt\", format = \"text.gz\" }",
            &["ok.txt", "format is text.gz but the file is not gzip"],
        ),
    ];
    for (graph, names) in cases {
        let scenario = tiny_loading(d, graph);
        assert_refused(&["check", s(&scenario)], names);
        assert_refused(&["run", s(&scenario), "-q"], names);
    }
    // The keys a file replaces are refused, not ignored.
    let scenario = tiny_loading(d, "{ file = \"ok.txt\" }");
    assert_refused(
        &["check", s(&scenario), "--set", "population.users=10"],
        &[
            "population.users = 10",
            "not used with population.graph.file",
        ],
    );
    assert_refused(
        &["check", s(&scenario), "--set", "population.graph.fil=x"],
        &["population.graph.fil"],
    );
    // graph fit's flags.
    let ok_txt = d.join("ok.txt");
    assert_refused(
        &["graph", "fit", s(&ok_txt), "--format", "csv2"],
        &["--format csv2", "auto, text, text.gz, binary"],
    );
    assert_refused(
        &["graph", "fit", s(&ok_txt), "--direction", "up"],
        &["--direction up", "follower-followee"],
    );
    assert_refused(
        &["graph", "fit", s(&d.join("bad.txt"))],
        &["bad.txt", "line 3"],
    );
}

/// The exponent `graph fit` prints for the follower counts.
fn fitted_exponent(out: &str) -> f64 {
    let line = out
        .lines()
        .find(|l| l.starts_with("follower counts: power law, exponent "))
        .unwrap_or_else(|| panic!("no fit in:\n{out}"));
    line["follower counts: power law, exponent ".len()..]
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

/// The generator's rank-size law d_r = max r^-s has a count density with
/// exponent 1 + 1/s; fitting its export must recover it. Tolerance 0.1:
/// the fit's standard error at these tails (thousands of users) is about
/// 0.03, and flooring counts to integers bends the smallest counts, which
/// the KS cut-off removes only in part (Clauset et al. 2009 find the
/// discrete estimator's bias at about 1% for x_min near 6).
#[test]
fn fit_recovers_the_generators_exponent_and_its_section_loads() {
    let dir = tempfile::tempdir().unwrap();
    for (s_exp, want) in [(0.8, 2.25), (0.6, 1.0 + 1.0 / 0.6)] {
        let edges = dir.path().join(format!("g{s_exp}.txt.gz"));
        ok(&[
            "graph",
            "export",
            "tests/data/tiny.toml",
            "--set",
            "population.users=100000",
            "--set",
            &format!("population.followers={{ exponent = {s_exp}, max = 20000 }}"),
            "-o",
            s(&edges),
        ]);
        let out = ok(&["graph", "fit", s(&edges), "--graph-cache", "off"]);
        let alpha = fitted_exponent(&out);
        assert!(
            (alpha - want).abs() < 0.1,
            "s {s_exp}: fitted {alpha}, want {want}\n{out}"
        );
        for want in ["followees: tail exponent", "KS distance", "[population]"] {
            assert!(out.contains(want), "{want:?} missing:\n{out}");
        }
        // The printed section is a scenario's [population].
        let section = &out[out.find("# Fitted by fanout").unwrap()..];
        let p = dir.path().join("fitted.toml");
        std::fs::write(&p, section).unwrap();
        let check = ok(&["check", s(&p), "--json"]);
        assert!(check.contains("memory_estimate"), "{check}");
    }
}

/// A sweep resolves the scenario once per point: every point gets the
/// graph loaded by the first (the same allocation), and the populations
/// compare equal, so the jobs share one world.
#[test]
fn resolving_again_reuses_the_loaded_graph() {
    let path = root().join("scenarios/own-graph.toml");
    let resolve = |set: &str| {
        let mut r = RawScenario::from_file(&path).unwrap();
        r.set(set).unwrap();
        r.resolve().unwrap()
    };
    let a = resolve("workload.tweets_per_sec=100");
    let b = resolve("workload.tweets_per_sec=300");
    let (fa, fb) = (
        a.population.file.as_ref().unwrap(),
        b.population.file.as_ref().unwrap(),
    );
    assert!(std::sync::Arc::ptr_eq(&fa.graph, &fb.graph));
    assert_eq!(a.population, b.population);
    let w = World::build(&a).unwrap();
    assert!(std::sync::Arc::ptr_eq(&w.graph, &fa.graph));
    // A sweep through the binary runs every point on it.
    let out = ok(&[
        "sweep",
        "scenarios/own-graph.toml",
        "--vary",
        "workload.tweets_per_sec=100,200",
        "--duration",
        "2s",
        "-q",
        "--csv",
        "-",
    ]);
    assert_eq!(out.lines().count(), 1 + 2 * 3, "{out}");
}

/// The number after `key` in `line` (`"text load: 41.20 s"`, key
/// `"text load: "`), as written.
fn figure<'a>(line: &'a str, key: &str) -> &'a str {
    let at = line
        .find(key)
        .unwrap_or_else(|| panic!("{key:?} not in {line:?}"))
        + key.len();
    line[at..].split([' ', ',', 'x']).next().unwrap()
}

/// The loading figures the README quotes come from the shipped output of
/// the one run of `cargo bench --bench edgelist`.
#[test]
fn readme_quotes_the_edgelist_bench() {
    let bench = std::fs::read_to_string(root().join("results/edgelist-bench.txt")).unwrap();
    let line = |start: &str| {
        bench
            .lines()
            .find(|l| l.starts_with(start))
            .unwrap_or_else(|| panic!("no {start:?} line in results/edgelist-bench.txt"))
    };
    let text = line("text load: ");
    let binary = line("binary load: ");
    let peak = &text[text.find("peak RSS").expect("a peak")..];
    let secs = |l: &str| -> f64 { figure(l, "text load: ").parse().unwrap() };
    let speedup = secs(line("sparse-20m text load: ")) / secs(line("dense-20m text load: "));
    // twitter-2010's 1.47B edges at the measured bytes per edge and peak.
    let per_edge: f64 = figure(text, "GiB = ").parse().unwrap();
    let ratio: f64 = figure(peak, "GiB = ").parse().unwrap();
    let peak_gb = 1.47e9 * per_edge * ratio / 1e9;
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let readme = readme.split_whitespace().collect::<Vec<_>>().join(" ");
    let quotes = [
        format!("text load took {} s", figure(text, "text load: ")),
        format!("({} edges/s,", figure(text, "s, ")),
        format!("{}x `wc -l`", figure(text, "edges/s, ")),
        format!("{} bytes per edge", figure(text, "GiB = ")),
        format!("peaked at {}x", figure(peak, "GiB = ")),
        format!(
            "binary cache loaded in {} s",
            figure(binary, "binary load: ")
        ),
        format!("({}x `wc -l`)", figure(binary, "edges/s, ")),
        format!("{} of the samples", figure(line("perf: "), "perf: ")),
        format!("loaded {speedup:.1}x faster"),
        format!("need about {peak_gb:.1} GB"),
    ];
    for q in quotes {
        assert!(
            readme.contains(&q),
            "README.md should say {q:?} (results/edgelist-bench.txt)"
        );
    }
}
