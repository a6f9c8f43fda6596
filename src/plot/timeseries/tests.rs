//! Which panels a time-series plot draws, and where event labels go.

use super::*;
use crate::plot::table::Record;

/// The resilience cells of a row, from its strategy and interval.
type Cells<'a> = Option<&'a dyn Fn(&str, u32) -> String>;

/// A time-series table of two strategies over four 1-s intervals, with
/// the resilience columns when `resilience` gives each row's cells.
fn table(resilience: Cells) -> Table {
    let mut header: Vec<String> = crate::plot::TIMESERIES_COLUMNS[..18]
        .iter()
        .map(|c| c.to_string())
        .collect();
    if resilience.is_some() {
        header.extend(crate::report::RESILIENCE_COLUMNS.map(String::from));
    }
    let mut rows = Vec::new();
    for strategy in ["fanout-on-read", "hybrid"] {
        for t in 0..4u32 {
            let mut line = format!(
                "x,{strategy},1,{t},{},10,100,500,20,1,2,3,4,0,1,2,3,",
                t + 1
            );
            if let Some(f) = resilience {
                line += ",";
                line += &f(strategy, t);
            }
            rows.push(Record {
                line: u64::from(t) + 2,
                cells: line.split(',').map(String::from).collect(),
            });
        }
    }
    Table {
        name: "ts.csv".into(),
        header,
        rows,
        run: None,
    }
}

fn axis_titles(svg: &str) -> Vec<&str> {
    svg.lines()
        .filter(|l| l.contains(r#"class="axis-title""#))
        .filter_map(|l| l.split('>').nth(1)?.split('<').next())
        .collect()
}

#[test]
fn resilience_panels_only_when_they_say_something() {
    let old = draw(&[table(None)]).unwrap();
    let neutral = draw(&[table(Some(&|_, _| "1.0000,0,0,0,0,0,0,0".into()))]).unwrap();
    // A fault-free run draws exactly what a CSV without the columns does.
    assert_eq!(old, neutral);
    assert!(!old.contains(AVAILABILITY_TITLE));
    assert!(!old.contains("count panel"));
    // No read settled at all: still nothing to show.
    let empty = draw(&[table(Some(&|_, _| ",0,0,0,0,0,0,0".into()))]).unwrap();
    assert_eq!(old, empty);
}

/// Retries alone (a policy at work, every read whole) draw the count
/// panel with only the retries, and the availability panel at 100%.
#[test]
fn retries_draw_the_count_panel_and_full_availability() {
    let svg = draw(&[table(Some(&|s, t| {
        let retries = if s == "hybrid" && t == 2 { 40 } else { 0 };
        format!("1.0000,0,0,0,{retries},0,0,0")
    }))])
    .unwrap();
    let titles = axis_titles(&svg);
    assert!(titles.contains(&AVAILABILITY_TITLE), "{titles:?}");
    assert!(titles.contains(&"count per interval"), "{titles:?}");
    // One time-axis title, under the lowest panel.
    assert_eq!(
        titles
            .iter()
            .filter(|t| **t == "simulated time (s)")
            .count(),
        1
    );
    assert!(svg.contains("retries + failovers"));
    assert!(!svg.contains("timeouts"), "zero counters stay out");
    assert_eq!(svg.matches(r#"class="retries""#).count(), 2);
}

#[test]
fn lost_reads_draw_the_availability_panel() {
    let svg = draw(&[table(Some(&|s, t| {
        let a = if s == "fanout-on-read" && t == 1 {
            "0.9500"
        } else {
            "1.0000"
        };
        format!("{a},5,0,3,0,0,0,0")
    }))])
    .unwrap();
    let titles = axis_titles(&svg);
    assert!(titles.contains(&AVAILABILITY_TITLE), "{titles:?}");
    assert!(titles.contains(&"count per interval"), "{titles:?}");
    assert_eq!(svg.matches(r#"class="availability""#).count(), 2);
    assert_eq!(svg.matches(r#"class="timeouts""#).count(), 2);
    assert!(!svg.contains(r#"class="retries""#));
}

#[test]
fn store_panel_only_beside_the_resilience_panels() {
    let quiet = draw(&[table(Some(&|_, _| "1.0000,0,0,0,0,0,0,0".into()))]).unwrap();
    assert!(!quiet.contains(STORE_TITLE));
    assert!(!quiet.contains(r#"class="store-reads""#));
    let svg = draw(&[table(Some(&|s, t| {
        let a = if s == "hybrid" && t == 3 {
            "0.9000"
        } else {
            "1.0000"
        };
        format!("{a},1,0,0,0,0,0,0")
    }))])
    .unwrap();
    let titles = axis_titles(&svg);
    let at = |title: &str| titles.iter().position(|t| *t == title);
    // Between the p99 panel and the availability panel, which keeps
    // the one time-axis title.
    let store = at(STORE_TITLE).unwrap_or_else(|| panic!("{titles:?}"));
    assert!(at("read p99 (ms)") < Some(store), "{titles:?}");
    assert!(Some(store) < at(AVAILABILITY_TITLE), "{titles:?}");
    let time = "simulated time (s)";
    assert_eq!(titles.iter().filter(|t| **t == time).count(), 1);
    assert!(at(time) > Some(store), "{titles:?}");
    // One line per strategy.
    assert_eq!(svg.matches(r#"class="store-reads""#).count(), 2);
    // A CSV without the store column draws no store panel.
    let mut t = table(Some(&|_, _| "0.5000,1,0,0,0,0,0,0".into()));
    let col = t.opt_col("store_reads_per_sec").unwrap();
    t.header[col] = "renamed".into();
    let svg = draw(&[t]).unwrap();
    assert!(svg.contains(AVAILABILITY_TITLE));
    assert!(!svg.contains(STORE_TITLE));
}

#[test]
fn close_events_go_to_different_rows() {
    let x = Axis::fit(&[0.0, 100.0], false, false);
    let ev = vec![
        (10.0, "tweet by rank 1 (999,999 followers)".to_string()),
        (12.0, "burst x3 for 10s".to_string()),
        (80.0, "far away".to_string()),
    ];
    let rows = place_events(&ev, &x, 0.0, 700.0, 10.0);
    assert_eq!(rows[0].0, 0);
    assert_ne!(rows[1].0, rows[0].0);
    assert_eq!(rows[2].0, 0);
}

/// duplicate-fanout's marks: three groups of three, each too close for
/// every line to miss every label; labels may be crossed by a line but
/// never written over each other.
#[test]
fn crowded_events_never_overlap_text() {
    let x = Axis::fit(&[0.0, 40.0], false, false);
    let mut ev = Vec::new();
    for (t, n) in [(9.8, 199_999), (17.8, 110_818), (25.8, 78_455)] {
        ev.push((t, format!("tweet by rank 1 ({n} followers)")));
        ev.push((t + 0.2, "crash 4 workers for 2s".to_string()));
        ev.push((t + 2.2, "end of crash 4 workers".to_string()));
    }
    let rows = place_events(&ev, &x, 0.0, 700.0, 10.0);
    let span = |i: usize| {
        let px = super::super::panel::INSET
            + x.frac(ev[i].0) * (700.0 - 2.0 * super::super::panel::INSET);
        let w = text_width(&ev[i].1, 10.0);
        if rows[i].1 {
            (px - 3.0 - w, px)
        } else {
            (px, px + 3.0 + w)
        }
    };
    for i in 0..ev.len() {
        for j in 0..i {
            let (a, b) = (span(i), span(j));
            let overlap = rows[i].0 == rows[j].0 && a.0 < b.1 && b.0 < a.1;
            assert!(!overlap, "{:?} and {:?} overlap: {rows:?}", ev[i], ev[j]);
        }
    }
}

/// A failed read in an interval whose availability rounds to 1.0000 is a
/// fault at work: the availability panel is drawn, the count panel is not
/// (no counter is nonzero).
#[test]
fn failed_or_degraded_reads_alone_draw_the_availability_panel() {
    for cells in ["1.0000,1,0,0,0,0,0,0", "1.0000,0,1,0,0,0,0,0"] {
        let svg = draw(&[table(Some(&|s, t| {
            if s == "hybrid" && t == 1 {
                cells.to_string()
            } else {
                "1.0000,0,0,0,0,0,0,0".to_string()
            }
        }))])
        .unwrap();
        let titles = axis_titles(&svg);
        assert!(titles.contains(&AVAILABILITY_TITLE), "{cells}: {titles:?}");
        assert!(
            !titles.contains(&"count per interval"),
            "{cells}: {titles:?}"
        );
    }
}

/// When every read was whole, the availability axis still ends at 100%,
/// with the flat line along its top.
#[test]
fn full_availability_tops_its_axis_at_100() {
    let t = table(Some(&|_, t| format!("1.0000,0,0,0,{t},0,0,0")));
    let (series, _) = read_series(&[t], &mut Provenance::default()).unwrap();
    let avail = Axes::fit(&series).avail.expect("availability panel");
    assert_eq!(avail.hi, 100.0);
    assert!(avail.lo < 100.0 && avail.lo >= 90.0, "{avail:?}");
}
