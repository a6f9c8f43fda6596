//! `fanout plot`: each CSV kind gives a well-formed, deterministic SVG with
//! the expected series, axis labels, log ticks, event labels and Pareto
//! front; bad inputs give one-line input errors naming the file.

use fanout::error::FanoutError;
use fanout::plot::{self, CsvKind};
use std::path::{Path, PathBuf};

const SUMMARY_HEADER: &str = "scenario,strategy,seed,sim_seconds,users,tweets_per_sec,reads_per_sec,\
mean_fanout_per_tweet,timeline_writes_per_sec,store_reads_per_sec,read_p50_ms,read_p99_ms,read_p999_ms,\
post_p50_ms,post_p99_ms,post_p999_ms,delivery_p50_ms,delivery_p99_ms,delivery_p999_ms,events,wall_seconds,\
read_p90_ms,read_max_ms,dropped_reads,peak_fanout_backlog,store_utilisation,store_peak_queue";

const TS_HEADER: &str = "scenario,strategy,seed,t_start_s,t_end_s,posts_per_sec,reads_per_sec,\
timeline_writes_per_sec,store_reads_per_sec,read_p50_ms,read_p99_ms,read_p999_ms,delivery_p99_ms,\
fanout_backlog,store_peak_queue,cache_peak_queue,workers_peak_queue,event";

/// A summary row: `lat` is read, post, delivery p50/p99/p99.9 in ms.
fn summary_row(scenario: &str, strategy: &str, seed: u64, writes: f64, lat: [f64; 9]) -> String {
    let lat: Vec<String> = lat.iter().map(|v| format!("{v:.3}")).collect();
    format!(
        "{scenario},{strategy},{seed},60.000,10000,4600.0,300000.0,75.00,{writes:.1},1200.0,{},123456,1.234,\
         2.000,3.000,0,17,0.4321,5",
        lat.join(",")
    )
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn summary_csv() -> String {
    let mut s = format!("{SUMMARY_HEADER}\n");
    // Read p99.9 650 ms vs post p50 0.6 ms: four decades, so a log axis.
    s += &summary_row(
        "celebrity",
        "fanout-on-read",
        42,
        0.0,
        [12.0, 180.0, 650.0, 0.6, 2.0, 5.0, 0.7, 2.2, 6.0],
    );
    s += "\n";
    s += &summary_row(
        "celebrity",
        "fanout-on-write",
        42,
        345000.0,
        [1.2, 8.5, 25.0, 0.8, 3.0, 9.0, 150.0, 3500.0, 12000.0],
    );
    s += "\n";
    // Delivery p99.9 missing: an empty cell is no value, not an error.
    let mut r = summary_row(
        "celebrity",
        "hybrid",
        42,
        290000.0,
        [2.1, 35.0, 120.0, 0.7, 2.6, 7.0, 80.0, 900.0, 0.0],
    );
    r = r.replacen("900.000,0.000", "900.000,", 1);
    s += &r;
    s += "\n";
    s
}

fn timeseries_csv() -> String {
    let mut s = format!("{TS_HEADER}\n");
    for strategy in ["fanout-on-read", "fanout-on-write", "hybrid"] {
        for t in 0..30 {
            let posts = if (20..25).contains(&t) {
                13800.0
            } else {
                4600.0
            };
            let (writes, p99) = match strategy {
                "fanout-on-read" => (0.0, 180.0 + t as f64),
                "fanout-on-write" => (
                    posts * 75.0 + if t == 10 { 2_999_997.0 } else { 0.0 },
                    if (10..13).contains(&t) { 80.0 } else { 8.5 },
                ),
                _ => (posts * 60.0, 35.0),
            };
            let event = match t {
                10 => "\"tweet by rank 1 (999,999 followers)\"",
                20 => "burst x3 for 5s",
                _ => "",
            };
            s += &format!(
                "celebrity,{strategy},7,{t}.000,{}.000,{posts:.1},300000.0,{writes:.1},100.0,1.000,{p99:.3},250.000,99.000,0,1,2,3,{event}\n",
                t + 1
            );
        }
    }
    s
}

/// The resilience columns of the time-series CSV, after `event`.
const TS_RESILIENCE: &str =
    "availability,failed_reads,degraded_reads,timeouts,retries,hedges,duplicates,rebuilds";

/// [`timeseries_csv`] in today's format: the resilience columns appended,
/// from `cells(strategy, t)`.
fn timeseries_csv_with(cells: impl Fn(&str, u32) -> String) -> String {
    let text = timeseries_csv();
    let mut lines = text.lines();
    let mut s = format!("{},{TS_RESILIENCE}\n", lines.next().unwrap());
    for line in lines {
        let strategy = line.split(',').nth(1).unwrap();
        let t: u32 = line.split(',').nth(3).unwrap().parse::<f64>().unwrap() as u32;
        s += &format!("{line},{}\n", cells(strategy, t));
    }
    s
}

fn sweep_csv() -> String {
    let mut s = format!("{SUMMARY_HEADER},strategy.hybrid.celebrity_threshold\n");
    for seed in [1, 2] {
        for (i, th) in [1000, 100000].iter().enumerate() {
            let off = seed as f64;
            let rows = [
                ("fanout-on-read", 0.0, 180.0 + off),
                ("fanout-on-write", 345000.0 + off, 8.0 + off),
                (
                    "hybrid",
                    200000.0 + 100000.0 * i as f64,
                    90.0 - 60.0 * i as f64 + off,
                ),
            ];
            for (strategy, writes, p99) in rows {
                let lat = [1.0, p99, p99 * 2.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
                s += &summary_row("threshold-sweep", strategy, seed, writes, lat);
                s += &format!(",{th}\n");
            }
        }
    }
    s
}

fn plot_to_string(dir: &Path, inputs: &[PathBuf]) -> String {
    let out = dir.join("out.svg");
    plot::plot(inputs, &out).unwrap_or_else(|e| panic!("plot failed: {e}"));
    std::fs::read_to_string(out).unwrap()
}

fn input_error(inputs: &[PathBuf], out: &Path) -> String {
    match plot::plot(inputs, out) {
        Err(FanoutError::Input(m)) => {
            assert!(!m.contains('\n'), "error must be one line: {m}");
            m
        }
        Err(e) => panic!("expected an input error, got {e:?}"),
        Ok(()) => panic!("expected an input error, got success"),
    }
}

// ---------------------------------------------------------------------------
// A tiny XML well-formedness check: balanced and properly nested tags,
// quoted and unique attributes, valid entities, one root element.

fn check_entities(s: &str, what: &str) -> Result<(), String> {
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        rest = &rest[i + 1..];
        let end = rest.find(';').ok_or(format!("bare & in {what}"))?;
        let ent = &rest[..end];
        let ok = matches!(ent, "amp" | "lt" | "gt" | "quot" | "apos")
            || (ent.starts_with('#')
                && ent.len() > 1
                && ent[1..].chars().all(|c| c.is_ascii_digit()))
            || (ent.starts_with("#x")
                && ent.len() > 2
                && ent[2..].chars().all(|c| c.is_ascii_hexdigit()));
        if !ok {
            return Err(format!("bad entity &{ent}; in {what}"));
        }
    }
    Ok(())
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | ':' | '-' | '.')
}

/// Parses one start (or empty-element) tag at the head of `rest`,
/// checking its attributes; returns what follows the tag.
fn start_tag<'a>(
    rest: &'a str,
    stack: &mut Vec<String>,
    roots: &mut usize,
) -> Result<&'a str, String> {
    let r = &rest[1..];
    let name_len = r.find(|c: char| !is_name_char(c)).unwrap_or(r.len());
    if name_len == 0 {
        return Err(format!("bad tag start: {:?}", &rest[..rest.len().min(20)]));
    }
    let name = &r[..name_len];
    let mut a = &r[name_len..];
    let mut attrs: Vec<&str> = Vec::new();
    loop {
        let trimmed = a.trim_start();
        let had_space = trimmed.len() < a.len();
        a = trimmed;
        if let Some(x) = a.strip_prefix("/>") {
            a = x;
            if stack.is_empty() {
                *roots += 1;
            }
            break;
        }
        if let Some(x) = a.strip_prefix('>') {
            a = x;
            if stack.is_empty() {
                *roots += 1;
            }
            stack.push(name.to_string());
            break;
        }
        if !had_space {
            return Err(format!("<{name}>: attributes must be separated by space"));
        }
        let n = a.find(|c: char| !is_name_char(c)).unwrap_or(a.len());
        if n == 0 {
            return Err(format!(
                "<{name}>: bad attribute at {:?}",
                &a[..a.len().min(20)]
            ));
        }
        let attr = &a[..n];
        if attrs.contains(&attr) {
            return Err(format!("<{name}>: attribute {attr} repeated"));
        }
        attrs.push(attr);
        a = a[n..].trim_start();
        a = a
            .strip_prefix('=')
            .ok_or(format!("<{name}>: {attr} has no ="))?
            .trim_start();
        let q = a.chars().next().ok_or("eof in attribute")?;
        if q != '"' && q != '\'' {
            return Err(format!("<{name}>: {attr} value not quoted"));
        }
        let end = a[1..].find(q).ok_or("unterminated attribute")?;
        let value = &a[1..1 + end];
        if value.contains('<') {
            return Err(format!("<{name}>: < in attribute {attr}"));
        }
        check_entities(value, attr)?;
        a = &a[end + 2..];
    }
    Ok(a)
}

fn xml_well_formed(doc: &str) -> Result<(), String> {
    let mut stack: Vec<String> = Vec::new();
    let mut roots = 0;
    let mut rest = doc;
    if !(rest.starts_with("<?xml") || rest.starts_with("<svg")) {
        return Err("does not start with <?xml or <svg".into());
    }
    loop {
        let Some(lt) = rest.find('<') else {
            if !rest.trim().is_empty() {
                return Err("text after the root element".into());
            }
            break;
        };
        let text = &rest[..lt];
        if stack.is_empty() && !text.trim().is_empty() {
            return Err(format!("text outside the root: {text:?}"));
        }
        check_entities(text, "text")?;
        rest = &rest[lt..];
        if let Some(r) = rest.strip_prefix("<?") {
            let end = r.find("?>").ok_or("unterminated <?")?;
            rest = &r[end + 2..];
        } else if let Some(r) = rest.strip_prefix("<!--") {
            let end = r.find("-->").ok_or("unterminated comment")?;
            if r[..end].contains("--") {
                return Err("-- inside a comment".into());
            }
            rest = &r[end + 3..];
        } else if let Some(r) = rest.strip_prefix("</") {
            let end = r.find('>').ok_or("unterminated end tag")?;
            let name = r[..end].trim();
            match stack.pop() {
                Some(open) if open == name => {}
                other => return Err(format!("</{name}> closes {other:?}")),
            }
            rest = &r[end + 1..];
        } else {
            rest = start_tag(rest, &mut stack, &mut roots)?;
        }
    }
    if !stack.is_empty() {
        return Err(format!("unclosed elements: {stack:?}"));
    }
    if roots != 1 {
        return Err(format!("{roots} root elements"));
    }
    Ok(())
}

fn assert_svg(doc: &str) {
    if let Err(e) = xml_well_formed(doc) {
        panic!("not well-formed: {e}");
    }
    assert!(doc.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""));
}

/// The texts of `<text>` elements with this class, unescaped.
fn texts(doc: &str, class: &str) -> Vec<String> {
    let needle = format!("class=\"{class}\"");
    doc.lines()
        .filter(|l| l.starts_with("<text") && l.contains(&needle))
        .filter_map(|l| {
            let start = l.find('>')? + 1;
            let end = l.rfind("</text>")?;
            Some(
                l[start..end]
                    .replace("&lt;", "<")
                    .replace("&gt;", ">")
                    .replace("&quot;", "\"")
                    .replace("&apos;", "'")
                    .replace("&amp;", "&"),
            )
        })
        .collect()
}

#[test]
fn the_xml_checker_can_fail() {
    assert!(xml_well_formed("<svg><g></svg>").is_err());
    assert!(xml_well_formed("<svg><g></g>").is_err());
    assert!(xml_well_formed("<svg a=\"1\" a=\"2\"/>").is_err());
    assert!(xml_well_formed("<svg a=1/>").is_err());
    assert!(xml_well_formed("<svg>a & b</svg>").is_err());
    assert!(xml_well_formed("<svg/><svg/>").is_err());
    assert!(xml_well_formed("<svg><text>a &amp; b</text></svg>").is_ok());
}

// ---------------------------------------------------------------------------

#[test]
fn summary_plot_has_strategies_units_and_log_ticks() {
    let dir = tempfile::tempdir().unwrap();
    let csv = write(dir.path(), "summary.csv", &summary_csv());
    let svg = plot_to_string(dir.path(), std::slice::from_ref(&csv));
    assert_svg(&svg);
    let legend = texts(&svg, "legend-label");
    for s in [
        "fanout-on-read",
        "fanout-on-write",
        "hybrid",
        "p50",
        "p99",
        "p99.9",
    ] {
        assert!(
            legend.iter().any(|l| l == s),
            "legend lacks {s}: {legend:?}"
        );
    }
    let axis = texts(&svg, "axis-title");
    assert!(
        axis.iter()
            .any(|a| a.contains("(ms") && a.contains("log scale")),
        "{axis:?}"
    );
    let ticks = texts(&svg, "tick");
    for t in ["1", "10", "100", "1000"] {
        assert!(ticks.iter().any(|x| x == t), "no log tick {t}: {ticks:?}");
    }
    let title = texts(&svg, "title");
    assert!(
        title[0].contains("celebrity") && title[0].contains("seed 42"),
        "{title:?}"
    );
    for p in ["home-timeline read", "post", "delivery to followers"] {
        assert!(
            texts(&svg, "panel-title").iter().any(|t| t == p),
            "no panel {p}"
        );
    }
    // Values are printed beside their markers.
    assert!(texts(&svg, "value").iter().any(|v| v == "3500"));
}

#[test]
fn narrow_summary_uses_a_linear_axis() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = format!("{SUMMARY_HEADER}\n");
    s += &summary_row(
        "s",
        "hybrid",
        1,
        10.0,
        [10.0, 20.0, 30.0, 11.0, 21.0, 31.0, 12.0, 22.0, 40.0],
    );
    s += "\n";
    let csv = write(dir.path(), "a.csv", &s);
    let svg = plot_to_string(dir.path(), &[csv]);
    assert_svg(&svg);
    assert!(!svg.contains("log scale"));
    let ticks = texts(&svg, "tick");
    assert!(
        ticks.contains(&"0".to_string()) && ticks.contains(&"40".to_string()),
        "{ticks:?}"
    );
}

#[test]
fn several_seeds_are_averaged_and_files_concatenated() {
    let dir = tempfile::tempdir().unwrap();
    let lat = |x: f64| [x, x * 10.0, x * 20.0, x, x, x, x, x, x];
    let a = format!(
        "{SUMMARY_HEADER}\n{}\n",
        summary_row("s", "hybrid", 1, 1.0, lat(1.0))
    );
    let b = format!(
        "{SUMMARY_HEADER}\n{}\n{}\n",
        summary_row("s", "hybrid", 2, 1.0, lat(3.0)),
        summary_row("s", "fanout-on-write", 2, 1.0, lat(3.0))
    );
    let pa = write(dir.path(), "a.csv", &a);
    let pb = write(dir.path(), "b.csv", &b);
    let svg = plot_to_string(dir.path(), &[pa, pb]);
    assert_svg(&svg);
    // hybrid read p99: mean of 10 and 30.
    assert!(
        texts(&svg, "value").iter().any(|v| v == "20.0"),
        "{:?}",
        texts(&svg, "value")
    );
    assert!(
        texts(&svg, "legend-label")
            .iter()
            .any(|l| l == "fanout-on-write")
    );
    assert!(texts(&svg, "title")[0].contains("seeds 1, 2"));
}

#[test]
fn timeseries_plot_has_panels_units_and_events() {
    let dir = tempfile::tempdir().unwrap();
    let csv = write(dir.path(), "ts.csv", &timeseries_csv());
    let svg = plot_to_string(dir.path(), &[csv]);
    assert_svg(&svg);
    let legend = texts(&svg, "legend-label");
    for s in [
        "fanout-on-read",
        "fanout-on-write",
        "hybrid",
        "timeline writes/s",
        "scheduled event",
    ] {
        assert!(
            legend.iter().any(|l| l.starts_with(s)),
            "legend lacks {s}: {legend:?}"
        );
    }
    let axis = texts(&svg, "axis-title");
    assert!(axis.iter().any(|a| a.contains("writes/s")), "{axis:?}");
    assert!(
        axis.iter().any(|a| a.starts_with("read p99 (ms")),
        "{axis:?}"
    );
    assert!(axis.iter().any(|a| a == "simulated time (s)"), "{axis:?}");
    let events = texts(&svg, "event-label");
    assert_eq!(
        events,
        vec!["tweet by rank 1 (999,999 followers)", "burst x3 for 5s"]
    );
    // One dashed line per distinct event, not one per strategy.
    assert_eq!(svg.matches("class=\"event\"").count(), 2);
    // Writes span 0 .. 3M: log axis with decade ticks, zeros noted.
    assert!(
        axis.iter()
            .any(|a| a.contains("writes/s") && a.contains("log scale"))
    );
    assert!(texts(&svg, "tick").iter().any(|t| t == "100k"));
    assert!(texts(&svg, "subtitle")[0].contains("0 is drawn at the mark labelled 0"));
    // Posts/s is the same for all strategies: drawn once.
    assert_eq!(svg.matches("class=\"posts\"").count(), 1);
    assert_eq!(svg.matches("class=\"read-p99\"").count(), 3);
}

#[test]
fn timeseries_with_neutral_resilience_columns_plots_as_before() {
    let dir = tempfile::tempdir().unwrap();
    let old = write(dir.path(), "old.csv", &timeseries_csv());
    let new = write(
        dir.path(),
        "new.csv",
        &timeseries_csv_with(|_, _| "1.0000,0,0,0,0,0,0,0".into()),
    );
    let a = plot_to_string(dir.path(), &[old]);
    let b = plot_to_string(dir.path(), &[new]);
    assert_eq!(a, b);
    assert!(!a.contains("reads answered in full"));
}

#[test]
fn timeseries_plot_shows_resilience_when_faults_bite() {
    let dir = tempfile::tempdir().unwrap();
    let text = timeseries_csv_with(|strategy, t| {
        let hit = (15..18).contains(&t);
        let avail = match (hit, strategy) {
            (true, "fanout-on-read") => "0.9500",
            (true, _) => "0.9990",
            _ => "1.0000",
        };
        let retries = if hit { 1200 } else { 0 };
        let rebuilds = if hit && strategy == "hybrid" { 4 } else { 0 };
        format!("{avail},10,0,0,{retries},0,0,{rebuilds}")
    });
    let csv = write(dir.path(), "ts.csv", &text);
    assert_eq!(
        plot::classify(
            &text
                .lines()
                .next()
                .unwrap()
                .split(',')
                .map(String::from)
                .collect::<Vec<_>>()
        ),
        Some(CsvKind::TimeSeries)
    );
    let svg = plot_to_string(dir.path(), &[csv]);
    assert_svg(&svg);
    let axis = texts(&svg, "axis-title");
    assert!(
        axis.iter().any(|a| a == "reads answered in full (%)"),
        "{axis:?}"
    );
    assert!(
        axis.iter().any(|a| a.starts_with("count per interval")),
        "{axis:?}"
    );
    assert_eq!(
        axis.iter().filter(|a| *a == "simulated time (s)").count(),
        1,
        "{axis:?}"
    );
    let legend = texts(&svg, "legend-label");
    for s in ["retries + failovers", "timeline rebuilds"] {
        assert!(
            legend.iter().any(|l| l == s),
            "legend lacks {s}: {legend:?}"
        );
    }
    assert!(!legend.iter().any(|l| l == "hedges"), "{legend:?}");
    assert_eq!(svg.matches("class=\"availability\"").count(), 3);
    assert_eq!(svg.matches("class=\"retries\"").count(), 3);
    // Event lines run through every panel, still one per event.
    assert_eq!(svg.matches("class=\"event\"").count(), 2);
    let again = plot_to_string(dir.path(), &[write(dir.path(), "ts2.csv", &text)]);
    assert_eq!(svg, again);
}

#[test]
fn timeseries_gap_for_missing_values() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = format!("{TS_HEADER},extra_unknown\n");
    for t in 0..6 {
        let p99 = if t == 3 {
            String::new()
        } else {
            "5.000".into()
        };
        s += &format!(
            "x,hybrid,1,{t},{},10,10,10,10,1,{p99},1,1,0,0,0,0,,zzz\n",
            t + 1
        );
    }
    let csv = write(dir.path(), "ts.csv", &s);
    let svg = plot_to_string(dir.path(), &[csv]);
    assert_svg(&svg);
    assert_eq!(
        svg.matches("class=\"read-p99\"").count(),
        2,
        "line broken at the gap"
    );
    assert!(texts(&svg, "event-label").is_empty());
}

#[test]
fn sweep_plot_has_labels_and_pareto_front() {
    let dir = tempfile::tempdir().unwrap();
    let csv = write(dir.path(), "sweep.csv", &sweep_csv());
    let svg = plot_to_string(dir.path(), &[csv]);
    assert_svg(&svg);
    let labels = texts(&svg, "point-label");
    assert!(
        labels.iter().any(|l| l == "celebrity_threshold=1000"),
        "{labels:?}"
    );
    assert!(
        labels.iter().any(|l| l == "celebrity_threshold=100000"),
        "{labels:?}"
    );
    // Strategies the key does not affect: coinciding points share a label.
    assert!(
        labels
            .iter()
            .any(|l| l == "celebrity_threshold=1000,100000"),
        "{labels:?}"
    );
    let legend = texts(&svg, "legend-label");
    for s in [
        "fanout-on-read",
        "fanout-on-write",
        "hybrid",
        "Pareto front",
    ] {
        assert!(
            legend.iter().any(|l| l == s),
            "legend lacks {s}: {legend:?}"
        );
    }
    let axis = texts(&svg, "axis-title");
    assert!(axis.iter().any(|a| a.contains("(writes/s")), "{axis:?}");
    assert!(axis.iter().any(|a| a.contains("(ms")), "{axis:?}");
    assert!(texts(&svg, "subtitle")[0].contains("strategy.hybrid.celebrity_threshold"));
    assert!(texts(&svg, "subtitle")[0].contains("mean over 2 seeds"));
    // Front: read (0 writes), both hybrid points, and write (fewest ms).
    let path = svg
        .lines()
        .find(|l| l.contains("class=\"pareto\""))
        .expect("a Pareto path");
    assert!(path.starts_with("<path d=\"M"));
    assert_eq!(path.matches('L').count(), 3, "{path}");
}

#[test]
fn output_is_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in [
        ("s.csv", summary_csv()),
        ("t.csv", timeseries_csv()),
        ("w.csv", sweep_csv()),
    ] {
        let csv = write(dir.path(), name, &text);
        let a = plot_to_string(dir.path(), std::slice::from_ref(&csv));
        let b = plot_to_string(dir.path(), std::slice::from_ref(&csv));
        assert_eq!(a, b, "{name}");
    }
}

#[test]
fn classify_recognises_headers() {
    let h = |s: &str| s.split(',').map(String::from).collect::<Vec<_>>();
    assert_eq!(plot::classify(&h(SUMMARY_HEADER)), Some(CsvKind::Summary));
    assert_eq!(
        plot::classify(&h(&format!("{SUMMARY_HEADER},workload.tweets_per_sec"))),
        Some(CsvKind::Sweep)
    );
    assert_eq!(plot::classify(&h(TS_HEADER)), Some(CsvKind::TimeSeries));
    assert_eq!(
        plot::classify(&h(&format!("{TS_HEADER},{TS_RESILIENCE}"))),
        Some(CsvKind::TimeSeries)
    );
    assert_eq!(
        plot::classify(&h(&plot::TIMESERIES_COLUMNS.join(","))),
        Some(CsvKind::TimeSeries)
    );
    assert_eq!(
        format!("{TS_HEADER},{TS_RESILIENCE}"),
        plot::TIMESERIES_COLUMNS.join(",")
    );
    assert_eq!(plot::classify(&h("lambda,servers,wait_ms")), None);
}

#[test]
fn pareto_front_is_public_and_correct() {
    let pts = [
        (0.0, 180.0),
        (345000.0, 9.0),
        (300000.0, 30.0),
        (350000.0, 30.0),
    ];
    assert_eq!(plot::pareto_front(&pts), vec![0, 2, 1]);
}

// ---------------------------------------------------------------------------
// Errors.

#[test]
fn missing_file_is_an_input_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("nope.csv");
    let m = input_error(&[p], &dir.path().join("o.svg"));
    assert!(m.contains("nope.csv"), "{m}");
    assert!(!dir.path().join("o.svg").exists());
}

#[test]
fn empty_file_is_an_input_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "empty.csv", "");
    let m = input_error(&[p], &dir.path().join("o.svg"));
    assert!(m.contains("empty.csv") && m.contains("empty"), "{m}");
    let p = write(
        dir.path(),
        "header_only.csv",
        &format!("{SUMMARY_HEADER}\n"),
    );
    let m = input_error(&[p], &dir.path().join("o.svg"));
    assert!(
        m.contains("header_only.csv") && m.contains("no rows"),
        "{m}"
    );
}

#[test]
fn unknown_csv_is_an_input_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "queue.csv", "lambda,servers,mean_wait\n1,2,3\n");
    let m = input_error(&[p], &dir.path().join("o.svg"));
    assert!(
        m.contains("queue.csv") && m.contains("not a fanout CSV"),
        "{m}"
    );
}

#[test]
fn mixed_kinds_are_an_input_error_naming_the_files() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(dir.path(), "sum.csv", &summary_csv());
    let b = write(dir.path(), "ts.csv", &timeseries_csv());
    let m = input_error(&[a, b], &dir.path().join("o.svg"));
    assert!(m.contains("sum.csv") && m.contains("ts.csv"), "{m}");
    assert!(m.contains("summary") && m.contains("time-series"), "{m}");
}

#[test]
fn bad_number_names_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let text = summary_csv().replacen("180.000", "fast", 1);
    let p = write(dir.path(), "bad.csv", &text);
    let m = input_error(&[p], &dir.path().join("o.svg"));
    assert!(
        m.contains("bad.csv")
            && m.contains("line 2")
            && m.contains("read_p99_ms")
            && m.contains("'fast'"),
        "{m}"
    );
}

#[test]
fn missing_needed_column_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let text = "scenario,strategy,seed,read_p99_ms\ns,hybrid,1,5\n";
    let p = write(dir.path(), "short.csv", text);
    let m = input_error(&[p], &dir.path().join("o.svg"));
    assert!(m.contains("short.csv") && m.contains("read_p50_ms"), "{m}");
}

#[test]
fn ragged_or_binary_input_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let ragged = format!("{SUMMARY_HEADER}\na,b,c\n");
    let p = write(dir.path(), "ragged.csv", &ragged);
    let m = input_error(&[p], &dir.path().join("o.svg"));
    assert!(m.contains("ragged.csv"), "{m}");
    let bin = dir.path().join("bin.csv");
    std::fs::write(&bin, [0xff, 0xfe, 0x00, b'\n', 0x80, b',', b'\n']).unwrap();
    let m = input_error(&[bin], &dir.path().join("o.svg"));
    assert!(m.contains("bin.csv"), "{m}");
    let dirpath = dir.path().to_path_buf();
    let m = input_error(std::slice::from_ref(&dirpath), &dir.path().join("o.svg"));
    assert!(m.contains(&dirpath.display().to_string()), "{m}");
}

#[test]
fn odd_but_valid_values_do_not_panic() {
    let dir = tempfile::tempdir().unwrap();
    // All values empty, negative, huge, or markup in names.
    let mut s = format!("{SUMMARY_HEADER}\n");
    s += &summary_row("<&'>", "a<b>&c", 1, -5.0, [f64::NAN; 9]).replace("NaN", "");
    s += "\n";
    s += &summary_row(
        "x",
        "y",
        2,
        1e300,
        [-1.0, 0.0, 1e12, 0.0, 0.0, 0.0, 1e-9, 1.0, 2.0],
    );
    s += "\n";
    let p = write(dir.path(), "odd.csv", &s);
    let svg = plot_to_string(dir.path(), std::slice::from_ref(&p));
    assert_svg(&svg);
    let sweep = format!(
        "{SUMMARY_HEADER},a.b\n{},\n",
        summary_row("x", "y", 1, f64::NAN, [1.0; 9]).replace("NaN", "")
    );
    let p = write(dir.path(), "oddsweep.csv", &sweep);
    let svg = plot_to_string(dir.path(), &[p]);
    assert_svg(&svg);
    let ts = format!("{TS_HEADER}\nx,y,1,5,5,,,,,,,,,,,,,\n");
    let p = write(dir.path(), "oddts.csv", &ts);
    let svg = plot_to_string(dir.path(), &[p]);
    assert_svg(&svg);
}

#[test]
fn bad_output_directory_is_an_input_error() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "s.csv", &summary_csv());
    let m = input_error(&[p], Path::new("/no/such/dir/out.svg"));
    assert!(m.contains("/no/such/dir/out.svg"), "{m}");
}

#[test]
fn no_inputs_is_an_input_error() {
    let dir = tempfile::tempdir().unwrap();
    input_error(&[], &dir.path().join("o.svg"));
}
