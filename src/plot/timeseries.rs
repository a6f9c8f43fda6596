//! Plot (b), from a time-series CSV: two stacked panels sharing simulated
//! time, timeline writes/s (and posts/s) on top and read p99 below, one
//! line per strategy, with scheduled events as labelled dashed verticals,
//! so a celebrity tweet's write spike and its read-latency echo line up.
//!
//! When the CSV has the resilience columns (issue #5) and they say
//! something, up to two more panels follow on the same time axis: the share
//! of reads answered in full, drawn when some interval fell below 100%, and
//! the policy counters per interval (retries, timeouts, hedges, rebuilds,
//! duplicates), each drawn only when it is nonzero somewhere. Either of
//! them brings a third, drawn between the p99 panel and them: the tweet
//! store's reads/s, where a fault's load lands (a cache machine that comes
//! back empty has its timelines rebuilt from the store). A fault-free run,
//! or a CSV written before those columns, gives the two-panel plot.

use super::axis::{Axis, FrameOpts, Panel, left_margin};
use super::legend::{Glyph, Legend};
use super::svg::{Anchor, MUTED, Rect, Stroke, Svg, TextStyle, esc, text_width, truncate};
use super::{Provenance, Table, series_colors};
use crate::error::Result;

/// Colour of event lines and labels.
const EVENT: &str = "#8a5a00";
/// Dash pattern of posts/s lines.
const POSTS_DASH: &str = "5,3";
/// Dash pattern of event lines.
const EVENT_DASH: &str = "4,4";

/// Title of the availability panel.
pub const AVAILABILITY_TITLE: &str = "reads answered in full (%)";
/// Title of the store panel (before the axis's scale note).
pub const STORE_TITLE: &str = "store reads/s";

/// The counters of the count panel: CSV column, legend label, CSS class and
/// dash pattern (the colour is the strategy's, so the dash tells which
/// counter a line is).
const COUNTERS: [(&str, &str, &str, Option<&str>); 5] = [
    ("retries", "retries + failovers", "retries", None),
    ("timeouts", "timeouts", "timeouts", Some("7,3")),
    ("hedges", "hedges", "hedges", Some("2,3")),
    (
        "rebuilds",
        "timeline rebuilds",
        "rebuilds",
        Some("10,3,2,3"),
    ),
    ("duplicates", "duplicate writes", "duplicates", Some("1,3")),
];

struct Point {
    t0: f64,
    t1: f64,
    posts: f64,
    writes: f64,
    p99: f64,
    /// Reads of the tweet store per second (NaN when the CSV has no such
    /// column).
    store: f64,
    /// Reads answered in full over reads settled in the interval; NaN when
    /// none settled or the CSV has no such column.
    avail: f64,
    /// The [`COUNTERS`] of the interval, in that order (NaN when absent).
    counts: [f64; 5],
}

struct Series {
    scenario: String,
    strategy: String,
    seed: String,
    points: Vec<Point>,
}

/// Draws this plot from the rows of `tables` (all of this kind).
pub(super) fn draw(tables: &[Table]) -> Result<String> {
    const PLOT: &str = "time-series";
    let mut prov = Provenance::default();
    let mut series: Vec<Series> = Vec::new();
    let mut events: Vec<(f64, String)> = Vec::new();
    for t in tables {
        let scen = t.col("scenario", PLOT)?;
        let strat = t.col("strategy", PLOT)?;
        let seed = t.col("seed", PLOT)?;
        let t0 = t.col("t_start_s", PLOT)?;
        let t1 = t.col("t_end_s", PLOT)?;
        let posts = t.col("posts_per_sec", PLOT)?;
        let writes = t.col("timeline_writes_per_sec", PLOT)?;
        let p99 = t.col("read_p99_ms", PLOT)?;
        let event = t.opt_col("event");
        let store = t.opt_col("store_reads_per_sec");
        // Older CSVs have no resilience columns: their values are NaN.
        let avail = t.opt_col("availability");
        let counters = COUNTERS.map(|c| t.opt_col(c.0));
        let opt = |r, c: Option<usize>| c.map_or(Ok(f64::NAN), |c| t.num(r, c));
        for r in &t.rows {
            let mut counts = [f64::NAN; 5];
            for (v, c) in counts.iter_mut().zip(counters) {
                *v = opt(r, c)?;
            }
            let p = Point {
                t0: t.num(r, t0)?,
                t1: t.num(r, t1)?,
                posts: t.num(r, posts)?,
                writes: t.num(r, writes)?,
                p99: t.num(r, p99)?,
                store: opt(r, store)?,
                avail: opt(r, avail)?,
                counts,
            };
            let (sc, st, sd) = (t.text(r, scen), t.text(r, strat), t.text(r, seed));
            prov.add(sc, sd);
            if let Some(e) = event {
                let text = t.text(r, e);
                if !text.is_empty() && p.t0.is_finite() {
                    events.push((p.t0, text.to_string()));
                }
            }
            match series
                .iter_mut()
                .find(|s| s.scenario == sc && s.strategy == st && s.seed == sd)
            {
                Some(s) => s.points.push(p),
                None => series.push(Series {
                    scenario: sc.to_string(),
                    strategy: st.to_string(),
                    seed: sd.to_string(),
                    points: vec![p],
                }),
            }
        }
    }
    for s in &mut series {
        s.points.sort_by(|a, b| a.t0.total_cmp(&b.t0));
    }
    // Every strategy sees the same events: keep each (time, text) once.
    events.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    events.dedup();

    let multi_scenario = prov.scenarios.len() > 1;
    let multi_seed = prov.seeds.len() > 1;
    let names: Vec<String> = series
        .iter()
        .map(|s| {
            let mut n = s.strategy.clone();
            if multi_scenario {
                n = format!("{}: {n}", s.scenario);
            }
            if multi_seed {
                n = format!("{n} (seed {})", s.seed);
            }
            n
        })
        .collect();
    let strategies: Vec<&str> = series.iter().map(|s| s.strategy.as_str()).collect();
    let colors = series_colors(&strategies);

    // When every series has the same posts/s (the same workload and seed),
    // draw it once in grey instead of once per strategy.
    let shared_posts = series.len() > 1
        && series.iter().all(|s| {
            s.points.len() == series[0].points.len()
                && s.points.iter().zip(&series[0].points).all(|(a, b)| {
                    a.t0 == b.t0 && (a.posts == b.posts || (a.posts.is_nan() && b.posts.is_nan()))
                })
        });

    let pts = || series.iter().flat_map(|s| s.points.iter());
    let times: Vec<f64> = pts().flat_map(|p| [p.t0, p.t1]).collect();
    let x = Axis::fit(&times, false, false);
    let rates: Vec<f64> = pts().flat_map(|p| [p.writes, p.posts]).collect();
    let y_top = Axis::fit(&rates, true, true);
    let lat: Vec<f64> = pts().map(|p| p.p99).collect();
    let y_bot = Axis::fit(&lat, true, true);
    // The resilience panels, when they have something to show.
    let show_avail = pts().any(|p| p.avail < 1.0);
    let active: Vec<usize> = (0..COUNTERS.len())
        .filter(|&c| pts().any(|p| p.counts[c] > 0.0))
        .collect();
    let y_avail = show_avail.then(|| {
        // 100% is always on the axis, so a dip reads against it.
        let pcts: Vec<f64> = pts().map(|p| p.avail * 100.0).chain([100.0]).collect();
        Axis::fit(&pcts, false, false)
    });
    let y_counts = (!active.is_empty()).then(|| {
        let counts: Vec<f64> = pts()
            .flat_map(|p| active.iter().map(|&c| p.counts[c]))
            .collect();
        Axis::fit(&counts, true, true)
    });
    // The store's reads/s, only beside the resilience panels: that is where
    // a fault's load shows, and fault-free plots stay as they were.
    let show_store = (show_avail || !active.is_empty()) && pts().any(|p| p.store.is_finite());
    let y_store = show_store.then(|| {
        let store: Vec<f64> = pts().map(|p| p.store).collect();
        Axis::fit(&store, true, true)
    });

    // Layout.
    let mut left = left_margin(&y_top).max(left_margin(&y_bot));
    for a in y_store.iter().chain(&y_avail).chain(&y_counts) {
        left = left.max(left_margin(a));
    }
    let left = left + 12.0;
    let plot_w = 720.0;
    let panel_h = 240.0;
    let extra_h = 180.0;
    let gap = 16.0;
    let band_top = 78.0;
    let event_size = 10.0;
    let row_h = 13.0;
    let rows = place_events(&events, &x, left, plot_w, event_size);
    let n_rows = rows.iter().map(|r| r.0 + 1).max().unwrap_or(0);
    let top = band_top + n_rows as f64 * row_h + 10.0;
    let top_area = Rect {
        x: left,
        y: top,
        w: plot_w,
        h: panel_h,
    };
    let bot_area = Rect {
        y: top + panel_h + gap,
        ..top_area
    };
    let upper = Panel {
        area: top_area,
        x: x.clone(),
        y: y_top.clone(),
    };
    let lower = Panel {
        area: bot_area,
        x: x.clone(),
        y: y_bot.clone(),
    };
    // Extra panels stack below the p99 panel, in this order.
    let mut below = bot_area.y + panel_h;
    let mut extra = |y: &Axis| {
        let area = Rect {
            y: below + gap,
            h: extra_h,
            ..top_area
        };
        below = area.y + area.h;
        Panel {
            area,
            x: x.clone(),
            y: y.clone(),
        }
    };
    let store_panel = y_store.as_ref().map(&mut extra);
    let avail_panel = y_avail.as_ref().map(&mut extra);
    let count_panel = y_counts.as_ref().map(&mut extra);
    let bottom = below;

    let mut legend = Legend::default();
    legend.heading("strategy");
    for (name, c) in names.iter().zip(&colors) {
        legend.item(Glyph::Line(c.to_string(), None), name);
    }
    legend.heading("top panel");
    legend.item(Glyph::Line(MUTED.to_string(), None), "timeline writes/s");
    if shared_posts {
        legend.item(
            Glyph::Line(MUTED.to_string(), Some(POSTS_DASH)),
            "posts/s (all strategies)",
        );
    } else {
        legend.item(Glyph::Line(MUTED.to_string(), Some(POSTS_DASH)), "posts/s");
    }
    if !active.is_empty() {
        legend.heading("count panel");
        for &c in &active {
            let (_, label, _, dash) = COUNTERS[c];
            legend.item(Glyph::Line(MUTED.to_string(), dash), label);
        }
    }
    if !events.is_empty() {
        legend.heading("marks");
        legend.item(
            Glyph::Line(EVENT.to_string(), Some(EVENT_DASH)),
            "scheduled event",
        );
    }

    let title = format!(
        "Timeline writes and read p99 over time — {}",
        prov.describe()
    );
    let legend_x = left + plot_w + 24.0;
    let width = (legend_x + legend.width() + 16.0).max(text_width(&title, 17.0) + 40.0);
    let height = bottom + 56.0;
    let mut svg = Svg::new(width, height, &title);
    let dt = series
        .first()
        .and_then(|s| s.points.first())
        .map(|p| p.t1 - p.t0)
        .filter(|d| d.is_finite() && *d > 0.0);
    let mut sub = "per interval of simulated time".to_string();
    if let Some(dt) = dt {
        sub = format!(
            "per interval of {} s of simulated time",
            super::axis::fmt_sig(dt)
        );
    }
    let extra_clamped = y_store.iter().chain(&y_counts).any(|a| a.clamped);
    if y_top.clamped || y_bot.clamped || extra_clamped {
        sub.push_str("; ");
        sub.push_str(super::axis::ZERO_NOTE);
    }
    svg.heading(&title, &[&sub]);

    let top_title = format!("timeline writes/s, posts/s{}", y_top.scale_note());
    let bot_title = format!("read p99 (ms{})", y_bot.scale_note());
    upper.frame(
        &mut svg,
        &FrameOpts {
            x_labels: false,
            y_labels: true,
            x_title: None,
            y_title: Some(&top_title),
            x_grid: true,
        },
    );
    // The panels below the top one, top to bottom, with their titles. Only
    // the lowest labels the shared time axis.
    let stacked: Vec<(&Panel, String)> = [
        Some((&lower, bot_title)),
        store_panel
            .as_ref()
            .map(|p| (p, format!("{STORE_TITLE}{}", p.y.scale_note()))),
        avail_panel
            .as_ref()
            .map(|p| (p, AVAILABILITY_TITLE.to_string())),
        count_panel
            .as_ref()
            .map(|p| (p, format!("count per interval{}", p.y.scale_note()))),
    ]
    .into_iter()
    .flatten()
    .collect();
    let time_title = "simulated time (s)";
    for (i, (p, title)) in stacked.iter().enumerate() {
        let is_last = i + 1 == stacked.len();
        p.frame(
            &mut svg,
            &FrameOpts {
                x_labels: is_last,
                y_labels: true,
                x_title: is_last.then_some(time_title),
                y_title: Some(title),
                x_grid: true,
            },
        );
    }

    // Events: dashed lines through both panels, labels in rows above.
    svg.open(r#"class="events""#);
    let ev_stroke = Stroke::solid(EVENT, 1.2).dashed(EVENT_DASH).class("event");
    for ((t, text), &(row, leftward)) in events.iter().zip(&rows) {
        let px = upper.px(*t);
        let base = band_top + row as f64 * row_h + event_size;
        svg.line(px, base + 3.0, px, bottom, &ev_stroke);
        let label = truncate(text, 48);
        let anchor = if leftward { Anchor::End } else { Anchor::Start };
        let lx = if anchor == Anchor::End {
            px - 3.0
        } else {
            px + 3.0
        };
        let st = TextStyle::new(event_size, anchor)
            .fill(EVENT)
            .class("event-label");
        svg.text(lx, base, &label, &st);
    }
    svg.close();

    // Data, clipped to each panel.
    let clip_top = svg.clip(top_area);
    let clip_bot = svg.clip(bot_area);
    svg.open_clipped(&clip_top, "data");
    if shared_posts {
        let line = segments(&series[0].points, |p| p.posts, &upper);
        draw_segments(
            &mut svg,
            &line,
            &Stroke::solid(MUTED, 1.5).dashed(POSTS_DASH).class("posts"),
        );
    }
    for (i, s) in series.iter().enumerate() {
        svg.open(&format!(
            r#"class="series" data-series="{}""#,
            esc(&names[i])
        ));
        if !shared_posts {
            let line = segments(&s.points, |p| p.posts, &upper);
            draw_segments(
                &mut svg,
                &line,
                &Stroke::solid(colors[i], 1.2)
                    .dashed(POSTS_DASH)
                    .class("posts"),
            );
        }
        let line = segments(&s.points, |p| p.writes, &upper);
        draw_segments(
            &mut svg,
            &line,
            &Stroke::solid(colors[i], 2.0).class("writes"),
        );
        svg.close();
    }
    svg.close();
    // A panel of one line per series: `f` of each point, clipped to `clip`.
    let lines =
        |svg: &mut Svg, clip: &str, panel: &Panel, class: &str, f: &dyn Fn(&Point) -> f64| {
            svg.open_clipped(clip, "data");
            for (i, s) in series.iter().enumerate() {
                svg.open(&format!(
                    r#"class="series" data-series="{}""#,
                    esc(&names[i])
                ));
                let line = segments(&s.points, f, panel);
                draw_segments(svg, &line, &Stroke::solid(colors[i], 2.0).class(class));
                svg.close();
            }
            svg.close();
        };
    lines(&mut svg, &clip_bot, &lower, "read-p99", &|p| p.p99);
    if let Some(panel) = &store_panel {
        let clip = svg.clip(panel.area);
        lines(&mut svg, &clip, panel, "store-reads", &|p| p.store);
    }
    if let Some(panel) = &avail_panel {
        let clip = svg.clip(panel.area);
        lines(&mut svg, &clip, panel, "availability", &|p| p.avail * 100.0);
    }
    if let Some(panel) = &count_panel {
        let clip = svg.clip(panel.area);
        svg.open_clipped(&clip, "data");
        for (i, s) in series.iter().enumerate() {
            svg.open(&format!(
                r#"class="series" data-series="{}""#,
                esc(&names[i])
            ));
            for &c in &active {
                let (_, _, class, dash) = COUNTERS[c];
                let line = segments(&s.points, |p| p.counts[c], panel);
                let mut stroke = Stroke::solid(colors[i], 1.6).class(class);
                stroke.dash = dash;
                draw_segments(&mut svg, &line, &stroke);
            }
            svg.close();
        }
        svg.close();
    }
    legend.draw(&mut svg, legend_x, top);
    Ok(svg.finish())
}

/// Polylines through each interval's midpoint, broken where a value is
/// missing. A lone point becomes a short horizontal tick over its interval.
fn segments(points: &[Point], f: impl Fn(&Point) -> f64, panel: &Panel) -> Vec<Vec<(f64, f64)>> {
    let mut out: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut cur: Vec<(f64, f64)> = Vec::new();
    let flush = |cur: &mut Vec<(f64, f64)>, out: &mut Vec<Vec<(f64, f64)>>| {
        if !cur.is_empty() {
            out.push(std::mem::take(cur));
        }
    };
    for p in points {
        let v = f(p);
        let mid = (p.t0 + p.t1) / 2.0;
        if v.is_finite() && mid.is_finite() {
            cur.push((panel.px(mid), panel.py(v)));
        } else {
            flush(&mut cur, &mut out);
        }
    }
    flush(&mut cur, &mut out);
    for seg in &mut out {
        if seg.len() == 1 {
            let (x, y) = seg[0];
            *seg = vec![(x - 2.0, y), (x + 2.0, y)];
        }
    }
    out
}

fn draw_segments(svg: &mut Svg, segs: &[Vec<(f64, f64)>], stroke: &Stroke) {
    for s in segs {
        svg.path(s, stroke);
    }
}

/// Chooses a row for each event label (events sorted by time) so labels do
/// not overlap each other, and no event's line (which runs down from its
/// own row) crosses another label. Falls back to the least crowded row.
fn place_events(
    events: &[(f64, String)],
    x: &Axis,
    left: f64,
    plot_w: f64,
    size: f64,
) -> Vec<(usize, bool)> {
    const MAX_ROWS: usize = 6;
    // (row, line x, label span)
    let mut placed: Vec<(usize, f64, (f64, f64))> = Vec::new();
    let mut rows = Vec::with_capacity(events.len());
    for (t, text) in events {
        let px = left + super::axis::INSET + x.frac(*t) * (plot_w - 2.0 * super::axis::INSET);
        let w = text_width(&truncate(text, 48), size);
        let (right, leftward) = ((px, px + 3.0 + w), (px - 3.0 - w, px));
        // The label goes right of its line unless it would leave the plot;
        // the other side is tried when no row is free on this one.
        let right_fits = right.1 <= left + plot_w;
        let sides: &[bool] = match (right_fits, leftward.0 >= left) {
            (true, true) => &[false, true],
            (true, false) => &[false],
            _ => &[true],
        };
        // Text over text is unreadable; a dashed line through a label is
        // only untidy, so it weighs far less when no place is clean.
        let conflicts = |row: usize, span: (f64, f64)| -> usize {
            placed
                .iter()
                .map(|(r, lx, s)| {
                    if *r == row && s.0 < span.1 + 6.0 && span.0 < s.1 + 6.0 {
                        100
                    } else if (*r < row && *lx >= span.0 - 2.0 && *lx <= span.1 + 2.0)
                        || (*r > row && px >= s.0 - 2.0 && px <= s.1 + 2.0)
                    {
                        1
                    } else {
                        0
                    }
                })
                .sum()
        };
        let span_of = |left_side: bool| if left_side { leftward } else { right };
        let choices = || {
            sides
                .iter()
                .flat_map(|&side| (0..MAX_ROWS).map(move |r| (r, side)))
        };
        let (row, side) = choices()
            .find(|&(r, side)| conflicts(r, span_of(side)) == 0)
            .or_else(|| choices().min_by_key(|&(r, side)| conflicts(r, span_of(side))))
            .unwrap_or((0, sides[0]));
        placed.push((row, px, span_of(side)));
        rows.push((row, side));
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plot::Record;

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

    #[test]
    fn retries_draw_the_count_panel_only() {
        let svg = draw(&[table(Some(&|s, t| {
            let retries = if s == "hybrid" && t == 2 { 40 } else { 0 };
            format!("1.0000,0,0,0,{retries},0,0,0")
        }))])
        .unwrap();
        let titles = axis_titles(&svg);
        assert!(!titles.contains(&AVAILABILITY_TITLE), "{titles:?}");
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
            let px = super::super::axis::INSET
                + x.frac(ev[i].0) * (700.0 - 2.0 * super::super::axis::INSET);
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
}
