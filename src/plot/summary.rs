//! Plot (a), from a summary CSV: read, post and delivery response-time
//! percentiles (p50, p99, p99.9) per strategy, one panel per operation,
//! sharing one y axis in ms (log when the values span decades), so the
//! three operations and the strategies compare at a glance.

use super::axis::{Axis, FrameOpts, Panel, TICK_SIZE, fmt_sig, left_margin};
use super::legend::{Glyph, Legend};
use super::svg::{Anchor, MUTED, Rect, Shape, Stroke, Svg, TextStyle, text_width};
use super::{Provenance, Table, mean, series_colors};
use crate::error::Result;

/// The operations, their panel titles and their three percentile columns.
const OPS: [(&str, &str, [&str; 3]); 3] = [
    (
        "read",
        "home-timeline read",
        ["read_p50_ms", "read_p99_ms", "read_p999_ms"],
    ),
    (
        "post",
        "post",
        ["post_p50_ms", "post_p99_ms", "post_p999_ms"],
    ),
    (
        "delivery",
        "delivery to followers",
        ["delivery_p50_ms", "delivery_p99_ms", "delivery_p999_ms"],
    ),
];

/// Percentile names and their marker shapes.
const PCTS: [(&str, Shape); 3] = [
    ("p50", Shape::Circle),
    ("p99", Shape::Square),
    ("p99.9", Shape::Triangle),
];

/// One series: a strategy (of a scenario), its values averaged over seeds.
struct Series {
    scenario: String,
    strategy: String,
    /// `[op][percentile]` in ms, NaN when missing.
    values: [[f64; 3]; 3],
    seeds: usize,
}

/// Draws this plot from the rows of `tables` (all of this kind).
pub(super) fn draw(tables: &[Table]) -> Result<String> {
    const PLOT: &str = "summary";
    let mut prov = Provenance::default();
    // (scenario, strategy, seed, values) per row.
    let mut rows: Vec<(String, String, String, [[f64; 3]; 3])> = Vec::new();
    for t in tables {
        let scen = t.col("scenario", PLOT)?;
        let strat = t.col("strategy", PLOT)?;
        let seed = t.col("seed", PLOT)?;
        let mut cols = [[0usize; 3]; 3];
        for (o, (_, _, names)) in OPS.iter().enumerate() {
            for (p, name) in names.iter().enumerate() {
                cols[o][p] = t.col(name, PLOT)?;
            }
        }
        for r in &t.rows {
            let mut v = [[f64::NAN; 3]; 3];
            for o in 0..3 {
                for p in 0..3 {
                    v[o][p] = t.num(r, cols[o][p])?;
                }
            }
            prov.add(t.text(r, scen), t.text(r, seed));
            rows.push((
                t.text(r, scen).to_string(),
                t.text(r, strat).to_string(),
                t.text(r, seed).to_string(),
                v,
            ));
        }
    }

    // Average over seeds per (scenario, strategy), in order of appearance.
    let mut series: Vec<Series> = Vec::new();
    let mut keys: Vec<(String, String)> = Vec::new();
    for (scen, strat, _, _) in &rows {
        let k = (scen.clone(), strat.clone());
        if !keys.contains(&k) {
            keys.push(k);
        }
    }
    for (scen, strat) in keys {
        let mine: Vec<_> = rows
            .iter()
            .filter(|r| r.0 == scen && r.1 == strat)
            .collect();
        let mut values = [[f64::NAN; 3]; 3];
        for (o, row) in values.iter_mut().enumerate() {
            for (p, cell) in row.iter_mut().enumerate() {
                *cell = mean(mine.iter().map(|r| r.3[o][p]));
            }
        }
        let mut seeds: Vec<&str> = mine.iter().map(|r| r.2.as_str()).collect();
        seeds.sort_unstable();
        seeds.dedup();
        series.push(Series {
            scenario: scen,
            strategy: strat,
            values,
            seeds: seeds.len(),
        });
    }
    let multi_scenario = prov.scenarios.len() > 1;
    let names: Vec<String> = series
        .iter()
        .map(|s| {
            if multi_scenario {
                format!("{}: {}", s.scenario, s.strategy)
            } else {
                s.strategy.clone()
            }
        })
        .collect();
    let strategies: Vec<&str> = series.iter().map(|s| s.strategy.as_str()).collect();
    let colors = if multi_scenario {
        series_colors(&names.iter().map(String::as_str).collect::<Vec<_>>())
    } else {
        series_colors(&strategies)
    };

    // One y axis shared by the three panels.
    let all: Vec<f64> = series
        .iter()
        .flat_map(|s| s.values.iter().flatten().copied())
        .collect();
    let y = Axis::fit(&all, true, true);
    let n = series.len().max(1);

    // Layout.
    let label_w = names
        .iter()
        .map(|s| text_width(s, TICK_SIZE))
        .fold(0.0, f64::max);
    // Names that fit under their slot are written flat; longer ones are
    // rotated under narrow slots, which keeps the figure a sensible width.
    let rotate = label_w + 14.0 > 140.0;
    let slot_w = if rotate {
        86.0
    } else {
        (label_w + 14.0).max(86.0)
    };
    let panel_w = slot_w * n as f64 + 16.0;
    let gap = 22.0;
    // A rotated first name runs left of its panel: make room for it.
    let first_reach = label_w * 0.87 - (8.0 + slot_w / 2.0 + 4.0);
    let left = (left_margin(&y) + 10.0).max(if rotate { first_reach + 16.0 } else { 0.0 });
    let top = 98.0;
    let panel_h = 340.0;
    let below = if rotate {
        (label_w + 8.0) * 0.5 + TICK_SIZE + 18.0
    } else {
        TICK_SIZE + 22.0
    };

    let mut legend = Legend::default();
    legend.heading(if multi_scenario {
        "scenario: strategy"
    } else {
        "strategy"
    });
    for (name, c) in names.iter().zip(&colors) {
        legend.item(Glyph::Line(c.to_string(), None), name);
    }
    legend.heading("percentile");
    for (p, shape) in PCTS {
        legend.item(Glyph::Marker(shape, MUTED.to_string()), p);
    }
    let plots_right = left + 3.0 * panel_w + 2.0 * gap;
    let title = format!(
        "Response-time percentiles by strategy — {}",
        prov.describe()
    );
    let width = (plots_right + 24.0 + legend.width() + 16.0).max(text_width(&title, 17.0) + 40.0);
    let height = (top + panel_h + below + 16.0).max(top + legend.height() + 16.0);

    let mut svg = Svg::new(width, height, &title);
    let seeds_note = match series.iter().map(|s| s.seeds).max().unwrap_or(1) {
        0 | 1 => String::new(),
        k => format!("; each value the mean over {k} seeds"),
    };
    let sub = format!(
        "p50, p99 and p99.9 response time per strategy, in ms{}{seeds_note}",
        if y.log { " (log scale)" } else { "" }
    );
    svg.heading(&title, &[&sub]);
    if y.clamped {
        svg.text(
            20.0,
            70.0,
            super::axis::ZERO_NOTE,
            &TextStyle::new(11.0, Anchor::Start)
                .fill(MUTED)
                .class("note"),
        );
    }

    let y_title = format!("response time (ms{})", y.scale_note());
    for (o, (op, panel_title, _)) in OPS.iter().enumerate() {
        let x0 = left + o as f64 * (panel_w + gap);
        let panel = Panel {
            area: Rect {
                x: x0,
                y: top,
                w: panel_w,
                h: panel_h,
            },
            x: Axis::fit(&[0.0, 1.0], true, false),
            y: y.clone(),
        };
        svg.comment(&format!("panel: {op}"));
        panel.frame(
            &mut svg,
            &FrameOpts {
                x_labels: false,
                y_labels: o == 0,
                x_title: None,
                y_title: if o == 0 { Some(&y_title) } else { None },
                x_grid: false,
            },
        );
        svg.text(
            x0 + panel_w / 2.0,
            top - 8.0,
            panel_title,
            &TextStyle::new(13.0, Anchor::Middle)
                .bold()
                .class("panel-title"),
        );
        for (i, s) in series.iter().enumerate() {
            let cx = x0 + 8.0 + slot_w * (i as f64 + 0.5);
            draw_slot(&mut svg, &panel, cx, &s.values[o], colors[i], &names[i]);
            // Category label under the slot.
            let base = top + panel_h + 6.0 + TICK_SIZE;
            if rotate {
                let st = TextStyle::new(TICK_SIZE, Anchor::End)
                    .rotate(-30.0)
                    .class("category");
                svg.text(cx + 4.0, base, &names[i], &st);
            } else {
                let st = TextStyle::new(TICK_SIZE, Anchor::Middle).class("category");
                svg.text(cx, base, &names[i], &st);
            }
        }
    }
    legend.draw(&mut svg, plots_right + 24.0, top);
    Ok(svg.finish())
}

/// One strategy in one panel: a line from p50 to p99.9, a marker per
/// percentile, and its value beside it (moved apart when close).
fn draw_slot(svg: &mut Svg, panel: &Panel, cx: f64, v: &[f64; 3], color: &str, name: &str) {
    let mx = cx - 12.0;
    svg.open(&format!(
        r#"class="series" data-series="{}""#,
        super::svg::esc(name)
    ));
    let ys: Vec<(usize, f64)> = (0..3)
        .filter(|&p| v[p].is_finite())
        .map(|p| (p, panel.py(v[p])))
        .collect();
    if ys.is_empty() {
        let st = TextStyle::new(10.0, Anchor::Middle).fill(MUTED);
        svg.text(cx, panel.area.y + panel.area.h / 2.0, "no data", &st);
        svg.close();
        return;
    }
    if ys.len() >= 2 {
        let lo = ys.iter().map(|p| p.1).fold(f64::INFINITY, f64::min);
        let hi = ys.iter().map(|p| p.1).fold(f64::NEG_INFINITY, f64::max);
        svg.line(mx, lo, mx, hi, &Stroke::solid(color, 2.0));
    }
    for &(p, y) in &ys {
        svg.marker(PCTS[p].1, mx, y, 5.0, color, "white");
    }
    // Value labels: keep 11 px apart, in the order of the markers.
    let size = 10.0;
    let mut placed: Vec<(usize, f64)> = ys.clone();
    placed.sort_by(|a, b| b.1.total_cmp(&a.1)); // bottom first
    for i in 1..placed.len() {
        let prev = placed[i - 1].1;
        if placed[i].1 > prev - 11.0 {
            placed[i].1 = prev - 11.0;
        }
    }
    let st = TextStyle::new(size, Anchor::Start).class("value");
    for (p, y) in placed {
        svg.text(mx + 9.0, y + size * 0.35, &fmt_sig(v[p]), &st);
    }
    svg.close();
}
