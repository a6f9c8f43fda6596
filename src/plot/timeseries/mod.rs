//! Plot (b), from a time-series CSV: two stacked panels sharing simulated
//! time, timeline writes/s (and posts/s) on top and read p99 below, one
//! line per strategy, with scheduled events as labelled dashed verticals,
//! so a celebrity tweet's write spike and its read-latency echo line up.
//!
//! When the CSV has the resilience columns and they show that faults or
//! client policies acted (some interval's availability under 100%, a failed
//! or degraded read, or a nonzero counter: see `Axes::fit`), up to three
//! more panels follow on the same time axis: the tweet store's reads/s,
//! where a fault's load lands (a cache machine that comes back empty has
//! its timelines rebuilt from the store); the share of reads answered in
//! full, drawn even when it stays at 100%, since that a policy kept every
//! read whole is the result to show (failover in `replica-crash`); and the
//! policy counters per interval (retries, timeouts, hedges, rebuilds,
//! duplicates), each drawn only when it is nonzero somewhere. A fault-free
//! run, or a CSV written before those columns, gives the two-panel plot.

mod draw;
mod events;
#[cfg(test)]
mod tests;

use super::axis::Axis;
use super::legend::{Glyph, Legend};
use super::panel::{Panel, left_margin};
use super::svg::{MUTED, Rect, Svg, text_width, truncate};
use super::{Provenance, Table, series_colors, series_heading};
use crate::error::{FanoutError, Result};
use events::{Band, place_events};

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

/// One interval of one series.
struct Point {
    /// The CSV line it came from, for errors.
    line: u64,
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
    /// Reads that failed, and that were answered with a part missing, in
    /// the interval (NaN when the CSV has no such column): nonzero even
    /// when `avail` rounds to 1.0000.
    failed: f64,
    degraded: f64,
    /// The [`COUNTERS`] of the interval, in that order (NaN when absent).
    counts: [f64; 5],
}

/// One line of each panel: a strategy of a scenario under one seed (of
/// one file when files are kept apart).
struct Series {
    /// The file's label when runs of different files are kept apart, else "".
    run: String,
    /// The file its rows came from, for errors (one file: rows of one run
    /// in two files are kept apart by `run`).
    file: String,
    scenario: String,
    strategy: String,
    seed: String,
    points: Vec<Point>,
}

/// The axes of the panels; the resilience panels' are `None` when not
/// drawn.
struct Axes {
    /// Simulated time, shared by every panel.
    x: Axis,
    /// Timeline writes/s and posts/s.
    top: Axis,
    /// Read p99 in ms.
    p99: Axis,
    store: Option<Axis>,
    avail: Option<Axis>,
    counts: Option<Axis>,
    /// The [`COUNTERS`] drawn (nonzero somewhere), by index.
    active: Vec<usize>,
}

/// The panels, top to bottom, and the event band above them.
struct Layout {
    upper: Panel,
    lower: Panel,
    store: Option<Panel>,
    avail: Option<Panel>,
    count: Option<Panel>,
    /// Bottom of the lowest panel.
    bottom: f64,
    band: Band,
    /// Each event's label row and side (true = left of its line).
    rows: Vec<(usize, bool)>,
}

/// A scheduled event: its time (s) and its text.
type Event = (f64, String);

/// Width of the panels.
const PLOT_W: f64 = 720.0;

/// Draws this plot from the rows of `tables` (all of this kind).
pub(super) fn draw(tables: &[Table]) -> Result<String> {
    let mut prov = Provenance::default();
    let (series, events) = read_series(tables, &mut prov)?;
    let names = series_names(&series, &prov);
    let strategies: Vec<&str> = series.iter().map(|s| s.strategy.as_str()).collect();
    let colors = series_colors(&strategies);
    let shared_posts = shared_posts(&series);
    let axes = Axes::fit(&series);
    let lay = Layout::new(&axes, &events);

    let by_file = series.iter().any(|s| !s.run.is_empty());
    let series_title = series_heading(by_file, prov.scenarios.len() > 1);
    let marks = Marks {
        shared_posts,
        active: &axes.active,
        has_events: !events.is_empty(),
    };
    let legend = legend(&names, &colors, series_title, &marks);
    let title = format!(
        "Timeline writes and read p99 over time — {}",
        prov.describe()
    );
    let legend_x = lay.upper.area.x + PLOT_W + 24.0;
    let width = (legend_x + legend.width() + 16.0).max(text_width(&title, 17.0) + 40.0);
    let height = lay.bottom + 56.0;
    let mut svg = Svg::new(width, height, &title);
    heading(&mut svg, &title, &series, &axes);
    draw::frames(&mut svg, &lay);
    events::draw_events(&mut svg, &events, &lay.rows, &lay.band, lay.bottom, |t| {
        lay.upper.px(t)
    });
    let style = draw::Style {
        names: &names,
        colors: &colors,
    };
    draw::data(&mut svg, &lay, &series, &style, shared_posts, &axes.active);
    legend.draw(&mut svg, legend_x, lay.upper.area.y);
    Ok(svg.finish())
}

/// The series of every table (points sorted by time) and the scheduled
/// events, each (time, text) once.
fn read_series(tables: &[Table], prov: &mut Provenance) -> Result<(Vec<Series>, Vec<Event>)> {
    let mut series: Vec<Series> = Vec::new();
    let mut events: Vec<Event> = Vec::new();
    for t in tables {
        read_table(t, prov, &mut series, &mut events)?;
    }
    for s in &mut series {
        s.points.sort_by(|a, b| a.t0.total_cmp(&b.t0));
        refuse_repeated_intervals(s)?;
    }
    // Every strategy sees the same events: keep each (time, text) once.
    events.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    events.dedup();
    Ok((series, events))
}

/// Adds the rows of `t` to their series, and its events to `events`.
fn read_table(
    t: &Table,
    prov: &mut Provenance,
    series: &mut Vec<Series>,
    events: &mut Vec<Event>,
) -> Result<()> {
    const PLOT: &str = "time-series";
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
    let failed = t.opt_col("failed_reads");
    let degraded = t.opt_col("degraded_reads");
    let counters = COUNTERS.map(|c| t.opt_col(c.0));
    let opt = |r, c: Option<usize>| c.map_or(Ok(f64::NAN), |c| t.num(r, c));
    for r in &t.rows {
        let mut counts = [f64::NAN; 5];
        for (v, c) in counts.iter_mut().zip(counters) {
            *v = opt(r, c)?;
        }
        let p = Point {
            line: r.line,
            t0: t.num(r, t0)?,
            t1: t.num(r, t1)?,
            posts: t.num(r, posts)?,
            writes: t.num(r, writes)?,
            p99: t.num(r, p99)?,
            store: opt(r, store)?,
            avail: opt(r, avail)?,
            failed: opt(r, failed)?,
            degraded: opt(r, degraded)?,
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
        let run = t.run_label();
        match series
            .iter_mut()
            .find(|s| s.run == run && s.scenario == sc && s.strategy == st && s.seed == sd)
        {
            Some(s) => s.points.push(p),
            None => series.push(Series {
                run: run.to_string(),
                file: t.name.clone(),
                scenario: sc.to_string(),
                strategy: st.to_string(),
                seed: sd.to_string(),
                points: vec![p],
            }),
        }
    }
    Ok(())
}

/// A series has one row per interval: a second row starting at the same
/// time (two runs pasted into one file) would draw one zig-zag line
/// through both runs, so it is refused.
fn refuse_repeated_intervals(s: &Series) -> Result<()> {
    for w in s.points.windows(2) {
        if w[0].t0 == w[1].t0 {
            let (first, again) = (w[0].line.min(w[1].line), w[0].line.max(w[1].line));
            return Err(FanoutError::input(format!(
                "{}: line {again}: scenario '{}', strategy '{}', seed {} at t_start_s {} again \
                 (first at line {first}); a time series has one row per interval: \
                 plot different runs from separate files",
                s.file,
                truncate(&s.scenario, 40),
                truncate(&s.strategy, 40),
                truncate(&s.seed, 40),
                w[0].t0
            )));
        }
    }
    Ok(())
}

/// Each series' name: its strategy, prefixed by its scenario when there
/// are several and by its file when files are kept apart, followed by its
/// seed when there are several.
fn series_names(series: &[Series], prov: &Provenance) -> Vec<String> {
    let multi_scenario = prov.scenarios.len() > 1;
    let multi_seed = prov.seeds.len() > 1;
    series
        .iter()
        .map(|s| {
            let mut n = s.strategy.clone();
            if multi_scenario {
                n = format!("{}: {n}", s.scenario);
            }
            if !s.run.is_empty() {
                n = format!("{}: {n}", s.run);
            }
            if multi_seed {
                n = format!("{n} (seed {})", s.seed);
            }
            n
        })
        .collect()
}

/// True when every series has the same posts/s (the same workload and
/// seed): it is then drawn once in grey instead of once per strategy.
fn shared_posts(series: &[Series]) -> bool {
    series.len() > 1
        && series.iter().all(|s| {
            s.points.len() == series[0].points.len()
                && s.points.iter().zip(&series[0].points).all(|(a, b)| {
                    a.t0 == b.t0 && (a.posts == b.posts || (a.posts.is_nan() && b.posts.is_nan()))
                })
        })
}

impl Axes {
    /// Fits every panel's axis to the series, and decides which
    /// resilience panels are drawn. The run had faults or policies at work
    /// when some interval's availability is under 1, or it failed or
    /// degraded a read, or some counter is nonzero; then the store and
    /// availability panels are drawn (when the CSV has those columns), and
    /// the count panel with the counters that are nonzero. Otherwise none
    /// is, and the plot is the fault-free two-panel one.
    fn fit(series: &[Series]) -> Axes {
        let pts = || series.iter().flat_map(|s| s.points.iter());
        let times: Vec<f64> = pts().flat_map(|p| [p.t0, p.t1]).collect();
        let rates: Vec<f64> = pts().flat_map(|p| [p.writes, p.posts]).collect();
        let lat: Vec<f64> = pts().map(|p| p.p99).collect();
        let active: Vec<usize> = (0..COUNTERS.len())
            .filter(|&c| pts().any(|p| p.counts[c] > 0.0))
            .collect();
        let faults = !active.is_empty()
            || pts().any(|p| p.avail < 1.0 || p.failed > 0.0 || p.degraded > 0.0);
        let show_avail = faults && pts().any(|p| p.avail.is_finite());
        let avail = show_avail.then(|| {
            // 100% is always on the axis, so a dip reads against it, and is
            // its top. When every read was whole, 95% is its foot: a flat
            // line at the top, not in the middle of a range padded past 100%.
            let mut pcts: Vec<f64> = pts().map(|p| p.avail * 100.0).chain([100.0]).collect();
            if !pcts.iter().any(|v| *v < 100.0) {
                pcts.push(95.0);
            }
            Axis::fit(&pcts, false, false)
        });
        let counts = (!active.is_empty()).then(|| {
            let counts: Vec<f64> = pts()
                .flat_map(|p| active.iter().map(|&c| p.counts[c]))
                .collect();
            Axis::fit(&counts, true, true)
        });
        // The store's reads/s, only beside the resilience panels: that is
        // where a fault's load shows, and fault-free plots stay as they were.
        let show_store = faults && pts().any(|p| p.store.is_finite());
        let store = show_store.then(|| {
            let store: Vec<f64> = pts().map(|p| p.store).collect();
            Axis::fit(&store, true, true)
        });
        Axes {
            // Ends where the data end, not at the next tick.
            x: Axis::fit_exact(&times),
            top: Axis::fit(&rates, true, true),
            p99: Axis::fit(&lat, true, true),
            store,
            avail,
            counts,
            active,
        }
    }
}

impl Layout {
    /// Stacks the panels under the event band, which has as many rows as
    /// the event labels need.
    fn new(axes: &Axes, events: &[Event]) -> Layout {
        let mut left = left_margin(&axes.top).max(left_margin(&axes.p99));
        for a in axes.store.iter().chain(&axes.avail).chain(&axes.counts) {
            left = left.max(left_margin(a));
        }
        let left = left + 12.0;
        let panel_h = 240.0;
        let extra_h = 180.0;
        let gap = 16.0;
        let band = Band {
            top: 78.0,
            row_h: 13.0,
            size: 10.0,
        };
        let rows = place_events(events, &axes.x, left, PLOT_W, band.size);
        let n_rows = rows.iter().map(|r| r.0 + 1).max().unwrap_or(0);
        let top = band.top + n_rows as f64 * band.row_h + 10.0;
        let top_area = Rect {
            x: left,
            y: top,
            w: PLOT_W,
            h: panel_h,
        };
        let panel = |area: Rect, y: &Axis| Panel {
            area,
            x: axes.x.clone(),
            y: y.clone(),
        };
        let upper = panel(top_area, &axes.top);
        let lower = panel(
            Rect {
                y: top + panel_h + gap,
                ..top_area
            },
            &axes.p99,
        );
        // Extra panels stack below the p99 panel, in this order.
        let mut below = lower.area.y + panel_h;
        let mut extra = |y: &Axis| {
            let area = Rect {
                y: below + gap,
                h: extra_h,
                ..top_area
            };
            below = area.y + area.h;
            panel(area, y)
        };
        let store = axes.store.as_ref().map(&mut extra);
        let avail = axes.avail.as_ref().map(&mut extra);
        let count = axes.counts.as_ref().map(&mut extra);
        Layout {
            upper,
            lower,
            store,
            avail,
            count,
            bottom: below,
            band,
            rows,
        }
    }
}

/// What the legend lists besides the series.
struct Marks<'a> {
    /// Posts/s drawn once for all series.
    shared_posts: bool,
    /// The [`COUNTERS`] drawn.
    active: &'a [usize],
    /// Some event is marked.
    has_events: bool,
}

/// The legend: series by colour, the top panel's two kinds of line, the
/// counters drawn (by dash), and the event mark.
fn legend(names: &[String], colors: &[&str], heading: &str, marks: &Marks) -> Legend {
    let mut legend = Legend::default();
    legend.heading(heading);
    for (name, c) in names.iter().zip(colors) {
        legend.item(Glyph::Line(c.to_string(), None), name);
    }
    legend.heading("top panel");
    legend.item(Glyph::Line(MUTED.to_string(), None), "timeline writes/s");
    if marks.shared_posts {
        legend.item(
            Glyph::Line(MUTED.to_string(), Some(POSTS_DASH)),
            "posts/s (all strategies)",
        );
    } else {
        legend.item(Glyph::Line(MUTED.to_string(), Some(POSTS_DASH)), "posts/s");
    }
    if !marks.active.is_empty() {
        legend.heading("count panel");
        for &c in marks.active {
            let (_, label, _, dash) = COUNTERS[c];
            legend.item(Glyph::Line(MUTED.to_string(), dash), label);
        }
    }
    if marks.has_events {
        legend.heading("marks");
        legend.item(
            Glyph::Line(EVENT.to_string(), Some(EVENT_DASH)),
            "scheduled event",
        );
    }
    legend
}

/// Title and subtitle: the interval length, and the zero note when a log
/// axis has a `0` mark.
fn heading(svg: &mut Svg, title: &str, series: &[Series], axes: &Axes) {
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
    let extra_clamped = axes.store.iter().chain(&axes.counts).any(|a| a.clamped);
    if axes.top.clamped || axes.p99.clamped || extra_clamped {
        sub.push_str("; ");
        sub.push_str(super::axis::ZERO_NOTE);
    }
    svg.heading(title, &[&sub]);
}
