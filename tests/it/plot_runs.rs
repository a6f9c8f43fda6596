//! `fanout plot a.csv b.csv` never mixes runs: two files holding the same
//! scenario, strategy and seed (a run and the same run with a policy set,
//! say) are two series each, labelled by file name, not averaged into one
//! value or joined into one zig-zag line; one file holding a run twice is
//! refused. Uses the shipped tail-at-scale results, the case that showed
//! the defect.

use crate::plot_support;

use std::path::{Path, PathBuf};

/// The shipped CSV `results/NAME`, its scenario renamed to
/// `tail-at-scale` (as a run with `--set` but without `--set name=...`
/// writes it), copied to `dir/as_name`.
fn as_unrenamed_run(dir: &Path, name: &str, as_name: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("results")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    let text = text.replace("tail-at-scale-hedged,", "tail-at-scale,");
    plot_support::write(dir, as_name, &text)
}

/// The x coordinates of each `<path>` of class `class`, in drawing order.
fn path_xs(svg: &str, class: &str) -> Vec<Vec<f64>> {
    let needle = format!("class=\"{class}\"");
    svg.lines()
        .filter(|l| l.starts_with("<path") && l.contains(&needle))
        .map(|l| {
            let d = l.split("d=\"").nth(1).unwrap().split('"').next().unwrap();
            d.split(['M', 'L'])
                .filter(|p| !p.is_empty())
                .map(|p| p.split(',').next().unwrap().parse::<f64>().unwrap())
                .collect()
        })
        .collect()
}

#[test]
fn summary_keeps_two_runs_of_one_scenario_apart() {
    let dir = tempfile::tempdir().unwrap();
    let plain = as_unrenamed_run(dir.path(), "tail-at-scale.csv", "plain.csv");
    let hedged = as_unrenamed_run(dir.path(), "tail-at-scale-hedged.csv", "hedged.csv");
    let svg = plot_support::plot_to_string(dir.path(), &[plain, hedged]);
    plot_support::assert_svg(&svg);
    let legend = plot_support::texts(&svg, "legend-label");
    for want in ["plain.csv: fanout-on-read", "hedged.csv: hybrid"] {
        assert!(legend.iter().any(|l| l == want), "{want}: {legend:?}");
    }
    let values = plot_support::texts(&svg, "value");
    // fan-out-on-read's read p99 without and with hedging, as the plot
    // labels them (three significant digits), and never their mean.
    let p99 = |name: &str| -> f64 {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("results")
            .join(name);
        let mut r = csv::Reader::from_path(&path).unwrap();
        let head = r.headers().unwrap().clone();
        let col = |c: &str| head.iter().position(|h| h == c).unwrap();
        r.records()
            .map(|rec| rec.unwrap())
            .find(|rec| &rec[col("strategy")] == "fanout-on-read")
            .map(|rec| rec[col("read_p99_ms")].parse().unwrap())
            .unwrap()
    };
    let label = fanout::plot::fmt_sig;
    let (plain, hedged) = (p99("tail-at-scale.csv"), p99("tail-at-scale-hedged.csv"));
    assert!(values.contains(&label(plain)), "{values:?}");
    assert!(values.contains(&label(hedged)), "{values:?}");
    assert!(
        !values.contains(&label((plain + hedged) / 2.0)),
        "{values:?}"
    );
    assert!(!svg.contains("mean over 2 seeds"));
}

#[test]
fn time_series_keeps_two_runs_of_one_scenario_apart() {
    let dir = tempfile::tempdir().unwrap();
    let plain = as_unrenamed_run(dir.path(), "tail-at-scale-timeseries.csv", "plain.csv");
    let hedged = as_unrenamed_run(
        dir.path(),
        "tail-at-scale-hedged-timeseries.csv",
        "hedged.csv",
    );
    let svg = plot_support::plot_to_string(dir.path(), &[plain, hedged]);
    plot_support::assert_svg(&svg);
    // Three strategies in each of two files: six lines, each running
    // forward in time (one line through both runs went back and forth).
    let lines = path_xs(&svg, "read-p99");
    assert_eq!(lines.len(), 6, "{lines:?}");
    for xs in &lines {
        assert!(xs.windows(2).all(|w| w[0] < w[1]), "zig-zag: {xs:?}");
    }
    let legend = plot_support::texts(&svg, "legend-label");
    assert!(legend.iter().any(|l| l == "hedged.csv: fanout-on-read"));
}

#[test]
fn one_file_holding_a_run_twice_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o.svg");
    let ts = plot_support::timeseries_csv();
    let body: String = ts.lines().skip(1).map(|l| format!("{l}\n")).collect();
    let p = plot_support::write(dir.path(), "twice.csv", &(ts.clone() + &body));
    let m = plot_support::input_error(&[p], &out);
    assert!(
        m.contains("twice.csv") && m.contains("line 92") && m.contains("first at line 2"),
        "{m}"
    );
    let sum = plot_support::summary_csv();
    let first = sum.lines().nth(1).unwrap();
    let p = plot_support::write(dir.path(), "sum.csv", &format!("{sum}{first}\n"));
    let m = plot_support::input_error(&[p], &out);
    assert!(
        m.contains("sum.csv") && m.contains("line 5") && m.contains("first at line 2"),
        "{m}"
    );
}

#[test]
fn the_same_file_given_twice_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let p = plot_support::write(dir.path(), "a.csv", &plot_support::summary_csv());
    let m = plot_support::input_error(&[p.clone(), p], &dir.path().join("o.svg"));
    assert!(m.contains("a.csv") && m.contains("twice"), "{m}");
}
