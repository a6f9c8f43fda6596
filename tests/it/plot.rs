//! `fanout plot`: each CSV kind gives a well-formed, deterministic SVG with
//! the expected series, axis labels, log ticks, event labels and Pareto
//! front; bad inputs give one-line input errors naming the file.

use crate::plot_support::*;
use fanout::plot::{self, CsvKind};
use std::path::Path;

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
