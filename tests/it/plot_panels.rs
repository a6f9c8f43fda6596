//! Time-series plots of the shipped fault runs: the availability panel is
//! drawn whenever faults or policies acted (even when every read was
//! whole), and the time axis ends where the data end.

use crate::plot_support;

use std::path::{Path, PathBuf};

/// The shipped CSV `results/NAME`.
fn shipped(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("results")
        .join(name)
}

/// (x, label) of each x-axis tick label (centred under its tick).
fn x_ticks(svg: &str) -> Vec<(f64, String)> {
    svg.lines()
        .filter(|l| l.contains(r#"class="tick""#) && l.contains(r#"text-anchor="middle""#))
        .map(|l| {
            let x = l.split("x=\"").nth(1).unwrap().split('"').next().unwrap();
            let label = l.split('>').nth(1).unwrap().split('<').next().unwrap();
            (x.parse().unwrap(), label.to_string())
        })
        .collect()
}

/// Right edge of the first panel's frame.
fn frame_right(svg: &str) -> f64 {
    let l = svg
        .lines()
        .find(|l| l.starts_with("<rect") && l.contains(r##"fill="none" stroke="#222222""##))
        .unwrap();
    let attr = |name: &str| -> f64 {
        let key = format!(" {name}=\"");
        l.split(&key)
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    attr("x") + attr("width")
}

/// replica-crash with failover (as shipped) keeps every read whole: its
/// availability is 100% throughout, yet the run had a crash and 12,604
/// failovers, and the README promises the availability panel for it.
#[test]
fn fault_run_with_full_availability_shows_the_availability_panel() {
    let dir = tempfile::tempdir().unwrap();
    let svg = plot_support::plot_to_string(dir.path(), &[shipped("replica-crash-timeseries.csv")]);
    plot_support::assert_svg(&svg);
    let titles = plot_support::texts(&svg, "axis-title");
    for want in [
        "reads answered in full (%)",
        "count per interval",
        "store reads/s",
    ] {
        assert!(
            titles.iter().any(|t| t.starts_with(want)),
            "{want}: {titles:?}"
        );
    }
}

/// retry-storm has 32 s of data; its time axis ran to 40 s. It now ends
/// at 32 s (the frame's right edge, less the inset), ticks every 10 s.
#[test]
fn time_axis_ends_where_the_data_end() {
    let dir = tempfile::tempdir().unwrap();
    let svg = plot_support::plot_to_string(dir.path(), &[shipped("retry-storm-timeseries.csv")]);
    let ticks = x_ticks(&svg);
    let labels: Vec<&str> = ticks.iter().map(|t| t.1.as_str()).collect();
    assert_eq!(labels, ["0", "10", "20", "30"]);
    let per_second = (ticks[1].0 - ticks[0].0) / 10.0;
    let end = ticks[0].0 + 32.0 * per_second;
    let inset = 8.0;
    assert!(
        (end - (frame_right(&svg) - inset)).abs() < 0.05,
        "32 s at {end}, axis ends at {}",
        frame_right(&svg) - inset
    );
}
