//! Drawing the time-series panels: their frames (only the lowest labels
//! the shared time axis) and one line per series in each, clipped to its
//! panel and broken where a value is missing.

use super::{AVAILABILITY_TITLE, COUNTERS, Layout, POSTS_DASH, Point, STORE_TITLE, Series};
use crate::plot::panel::{FrameOpts, Panel};
use crate::plot::svg::{MUTED, Stroke, Svg, esc};

/// How series are named and coloured, in series order.
pub(super) struct Style<'a> {
    pub(super) names: &'a [String],
    pub(super) colors: &'a [&'static str],
}

/// The frames of every panel, top to bottom.
pub(super) fn frames(svg: &mut Svg, lay: &Layout) {
    let top_title = format!("timeline writes/s, posts/s{}", lay.upper.y.scale_note());
    let bot_title = format!("read p99 (ms{})", lay.lower.y.scale_note());
    lay.upper.frame(
        svg,
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
        Some((&lay.lower, bot_title)),
        lay.store
            .as_ref()
            .map(|p| (p, format!("{STORE_TITLE}{}", p.y.scale_note()))),
        lay.avail
            .as_ref()
            .map(|p| (p, AVAILABILITY_TITLE.to_string())),
        lay.count
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
            svg,
            &FrameOpts {
                x_labels: is_last,
                y_labels: true,
                x_title: is_last.then_some(time_title),
                y_title: Some(title),
                x_grid: true,
            },
        );
    }
}

/// The data of every panel, each clipped to its panel.
pub(super) fn data(
    svg: &mut Svg,
    lay: &Layout,
    series: &[Series],
    style: &Style,
    shared_posts: bool,
    active: &[usize],
) {
    let clip_top = svg.clip(lay.upper.area);
    let clip_bot = svg.clip(lay.lower.area);
    top_panel(svg, &clip_top, &lay.upper, series, style, shared_posts);
    lines(
        svg,
        &clip_bot,
        &lay.lower,
        series,
        style,
        "read-p99",
        &|p| p.p99,
    );
    if let Some(panel) = &lay.store {
        let clip = svg.clip(panel.area);
        lines(svg, &clip, panel, series, style, "store-reads", &|p| {
            p.store
        });
    }
    if let Some(panel) = &lay.avail {
        let clip = svg.clip(panel.area);
        let f = &|p: &Point| p.avail * 100.0;
        lines(svg, &clip, panel, series, style, "availability", f);
    }
    if let Some(panel) = &lay.count {
        let clip = svg.clip(panel.area);
        counts(svg, &clip, panel, series, style, active);
    }
}

/// The top panel: timeline writes/s per series, and posts/s dashed, once
/// in grey when every series shares it.
fn top_panel(
    svg: &mut Svg,
    clip: &str,
    upper: &Panel,
    series: &[Series],
    style: &Style,
    shared_posts: bool,
) {
    svg.open_clipped(clip, "data");
    if shared_posts {
        let line = segments(&series[0].points, |p| p.posts, upper);
        draw_segments(
            svg,
            &line,
            &Stroke::solid(MUTED, 1.5).dashed(POSTS_DASH).class("posts"),
        );
    }
    for (i, s) in series.iter().enumerate() {
        open_series(svg, &style.names[i]);
        if !shared_posts {
            let line = segments(&s.points, |p| p.posts, upper);
            draw_segments(
                svg,
                &line,
                &Stroke::solid(style.colors[i], 1.2)
                    .dashed(POSTS_DASH)
                    .class("posts"),
            );
        }
        let line = segments(&s.points, |p| p.writes, upper);
        let stroke = Stroke::solid(style.colors[i], 2.0).class("writes");
        draw_segments(svg, &line, &stroke);
        svg.close();
    }
    svg.close();
}

/// A panel of one line per series: `f` of each point, clipped to `clip`.
fn lines(
    svg: &mut Svg,
    clip: &str,
    panel: &Panel,
    series: &[Series],
    style: &Style,
    class: &str,
    f: &dyn Fn(&Point) -> f64,
) {
    svg.open_clipped(clip, "data");
    for (i, s) in series.iter().enumerate() {
        open_series(svg, &style.names[i]);
        let line = segments(&s.points, f, panel);
        let stroke = Stroke::solid(style.colors[i], 2.0).class(class);
        draw_segments(svg, &line, &stroke);
        svg.close();
    }
    svg.close();
}

/// The count panel: per series, one line per active counter, told apart
/// by its dash.
fn counts(
    svg: &mut Svg,
    clip: &str,
    panel: &Panel,
    series: &[Series],
    style: &Style,
    active: &[usize],
) {
    svg.open_clipped(clip, "data");
    for (i, s) in series.iter().enumerate() {
        open_series(svg, &style.names[i]);
        for &c in active {
            let (_, _, class, dash) = COUNTERS[c];
            let line = segments(&s.points, |p| p.counts[c], panel);
            let mut stroke = Stroke::solid(style.colors[i], 1.6).class(class);
            stroke.dash = dash;
            draw_segments(svg, &line, &stroke);
        }
        svg.close();
    }
    svg.close();
}

/// Opens the group of one series, named for scripts and tests.
fn open_series(svg: &mut Svg, name: &str) {
    svg.open(&format!(r#"class="series" data-series="{}""#, esc(name)));
}

/// Polylines through each interval's midpoint, broken where a value is
/// missing. A lone point becomes a short horizontal tick over its interval.
pub(super) fn segments(
    points: &[Point],
    f: impl Fn(&Point) -> f64,
    panel: &Panel,
) -> Vec<Vec<(f64, f64)>> {
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
