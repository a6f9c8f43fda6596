//! Plot (a), from a summary CSV: read, post and delivery response-time
//! percentiles (p50, p99, p99.9) per strategy, one panel per operation,
//! sharing one y axis in ms (log when the values span decades), so the
//! three operations and the strategies compare at a glance.

use super::axis::{Axis, fmt_sig};
use super::legend::{Glyph, Legend};
use super::panel::{FrameOpts, Panel, TICK_SIZE, left_margin};
use super::svg::truncate;
use super::svg::{Anchor, MUTED, Rect, Shape, Stroke, Svg, TextStyle, text_width};
use super::{Provenance, Table, mean, series_colors, series_heading};
use crate::error::{FanoutError, Result};
use std::collections::HashMap;

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

/// One series: a strategy (of a scenario, of a file when files are kept
/// apart), its values averaged over seeds.
struct Series {
    /// The file's label when runs of different files are kept apart, else "".
    run: String,
    scenario: String,
    strategy: String,
    /// `[op][percentile]` in ms, NaN when missing.
    values: [[f64; 3]; 3],
    seeds: usize,
}

/// One row of the CSVs: which run it is, and its nine percentiles.
struct Row {
    /// The file's label when runs of different files are kept apart, else "".
    run: String,
    /// Where the row is, for errors: file name and line.
    file: String,
    line: u64,
    scenario: String,
    strategy: String,
    seed: String,
    /// `[op][percentile]` in ms, NaN when missing.
    values: [[f64; 3]; 3],
}

/// Sizes and positions of the three panels, from the names under them.
struct Layout {
    /// Names too long for their slot are written rotated.
    rotate: bool,
    slot_w: f64,
    panel_w: f64,
    gap: f64,
    left: f64,
    top: f64,
    panel_h: f64,
    /// Room under the panels for the category names.
    below: f64,
}

/// Draws this plot from the rows of `tables` (all of this kind).
pub(super) fn draw(tables: &[Table]) -> Result<String> {
    let mut prov = Provenance::default();
    let rows = read_rows(tables, &mut prov)?;
    let series = average(&rows);
    let multi_scenario = prov.scenarios.len() > 1;
    let by_file = series.iter().any(|s| !s.run.is_empty());
    let (names, colors) = names_and_colors(&series, multi_scenario);

    // One y axis shared by the three panels.
    let all: Vec<f64> = series
        .iter()
        .flat_map(|s| s.values.iter().flatten().copied())
        .collect();
    let y = Axis::fit(&all, true, true);
    let lay = Layout::new(&names, &y, series.len().max(1));
    let legend = legend(&names, &colors, series_heading(by_file, multi_scenario));
    let plots_right = lay.left + 3.0 * lay.panel_w + 2.0 * lay.gap;
    let title = format!(
        "Response-time percentiles by strategy — {}",
        prov.describe()
    );
    let width = (plots_right + 24.0 + legend.width() + 16.0).max(text_width(&title, 17.0) + 40.0);
    let height = (lay.top + lay.panel_h + lay.below + 16.0).max(lay.top + legend.height() + 16.0);

    let mut svg = Svg::new(width, height, &title);
    heading(&mut svg, &title, &series, &y);
    let y_title = format!("response time (ms{})", y.scale_note());
    for o in 0..OPS.len() {
        let panel = lay.panel(o, &y);
        draw_panel(&mut svg, &lay, &panel, o, &y_title);
        for (i, s) in series.iter().enumerate() {
            let cx = panel.area.x + 8.0 + lay.slot_w * (i as f64 + 0.5);
            draw_slot(&mut svg, &panel, cx, &s.values[o], colors[i], &names[i]);
            lay.category(&mut svg, cx, &names[i]);
        }
    }
    legend.draw(&mut svg, plots_right + 24.0, lay.top);
    Ok(svg.finish())
}

/// The rows of every table, with the columns this plot needs.
fn read_rows(tables: &[Table], prov: &mut Provenance) -> Result<Vec<Row>> {
    const PLOT: &str = "summary";
    let mut rows = Vec::new();
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
            rows.push(Row {
                run: t.run_label().to_string(),
                file: t.name.clone(),
                line: r.line,
                scenario: t.text(r, scen).to_string(),
                strategy: t.text(r, strat).to_string(),
                seed: t.text(r, seed).to_string(),
                values: v,
            });
        }
    }
    refuse_repeated_runs(&rows)?;
    Ok(rows)
}

/// A summary holds one row per run (scenario, strategy, seed): a second
/// row of the same run in one file (two files pasted together) would be
/// averaged as if it were another seed, so it is refused. Rows of the same
/// run in two files were kept apart by file before getting here.
fn refuse_repeated_runs(rows: &[Row]) -> Result<()> {
    let mut seen: HashMap<(&str, &str, &str, &str), u64> = HashMap::new();
    for r in rows {
        let key = (
            r.run.as_str(),
            r.scenario.as_str(),
            r.strategy.as_str(),
            r.seed.as_str(),
        );
        if let Some(first) = seen.insert(key, r.line) {
            return Err(FanoutError::input(format!(
                "{}: line {}: scenario '{}', strategy '{}', seed {} again (first at line {first}); \
                 a summary has one row per run: plot different runs from separate files",
                r.file,
                r.line,
                truncate(&r.scenario, 40),
                truncate(&r.strategy, 40),
                truncate(&r.seed, 40)
            )));
        }
    }
    Ok(())
}

/// One series per (file when kept apart, scenario, strategy), in order of
/// appearance, its values the means over its seeds.
fn average(rows: &[Row]) -> Vec<Series> {
    let mut keys: Vec<(&str, &str, &str)> = Vec::new();
    for r in rows {
        let k = (r.run.as_str(), r.scenario.as_str(), r.strategy.as_str());
        if !keys.contains(&k) {
            keys.push(k);
        }
    }
    keys.into_iter()
        .map(|(run, scen, strat)| {
            let mine: Vec<&Row> = rows
                .iter()
                .filter(|r| r.run == run && r.scenario == scen && r.strategy == strat)
                .collect();
            let mut values = [[f64::NAN; 3]; 3];
            for (o, row) in values.iter_mut().enumerate() {
                for (p, cell) in row.iter_mut().enumerate() {
                    *cell = mean(mine.iter().map(|r| r.values[o][p]));
                }
            }
            let mut seeds: Vec<&str> = mine.iter().map(|r| r.seed.as_str()).collect();
            seeds.sort_unstable();
            seeds.dedup();
            Series {
                run: run.to_string(),
                scenario: scen.to_string(),
                strategy: strat.to_string(),
                values,
                seeds: seeds.len(),
            }
        })
        .collect()
}

/// Each series' name (prefixed by its scenario when there are several, and
/// by its file when files are kept apart) and colour.
fn names_and_colors(series: &[Series], multi_scenario: bool) -> (Vec<String>, Vec<&'static str>) {
    let names: Vec<String> = series
        .iter()
        .map(|s| {
            let name = if multi_scenario {
                format!("{}: {}", s.scenario, s.strategy)
            } else {
                s.strategy.clone()
            };
            if s.run.is_empty() {
                name
            } else {
                format!("{}: {name}", s.run)
            }
        })
        .collect();
    let by_file = series.iter().any(|s| !s.run.is_empty());
    let colors = if multi_scenario || by_file {
        series_colors(&names.iter().map(String::as_str).collect::<Vec<_>>())
    } else {
        series_colors(
            &series
                .iter()
                .map(|s| s.strategy.as_str())
                .collect::<Vec<_>>(),
        )
    };
    (names, colors)
}

impl Layout {
    /// Room for `n` slots named `names` and for the y axis's labels.
    fn new(names: &[String], y: &Axis, n: usize) -> Layout {
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
        // A rotated first name runs left of its panel: make room for it.
        let first_reach = label_w * 0.87 - (8.0 + slot_w / 2.0 + 4.0);
        let below = if rotate {
            (label_w + 8.0) * 0.5 + TICK_SIZE + 18.0
        } else {
            TICK_SIZE + 22.0
        };
        Layout {
            rotate,
            slot_w,
            panel_w: slot_w * n as f64 + 16.0,
            gap: 22.0,
            left: (left_margin(y) + 10.0).max(if rotate { first_reach + 16.0 } else { 0.0 }),
            top: 98.0,
            panel_h: 340.0,
            below,
        }
    }

    /// The panel of operation `o`.
    fn panel(&self, o: usize, y: &Axis) -> Panel {
        Panel {
            area: Rect {
                x: self.left + o as f64 * (self.panel_w + self.gap),
                y: self.top,
                w: self.panel_w,
                h: self.panel_h,
            },
            x: Axis::fit(&[0.0, 1.0], true, false),
            y: y.clone(),
        }
    }

    /// A series' name under its slot centred at `cx`.
    fn category(&self, svg: &mut Svg, cx: f64, name: &str) {
        let base = self.top + self.panel_h + 6.0 + TICK_SIZE;
        if self.rotate {
            let st = TextStyle::new(TICK_SIZE, Anchor::End)
                .rotate(-30.0)
                .class("category");
            svg.text(cx + 4.0, base, name, &st);
        } else {
            let st = TextStyle::new(TICK_SIZE, Anchor::Middle).class("category");
            svg.text(cx, base, name, &st);
        }
    }
}

/// The legend: series by colour, then percentiles by marker shape.
fn legend(names: &[String], colors: &[&str], heading: &str) -> Legend {
    let mut legend = Legend::default();
    legend.heading(heading);
    for (name, c) in names.iter().zip(colors) {
        legend.item(Glyph::Line(c.to_string(), None), name);
    }
    legend.heading("percentile");
    for (p, shape) in PCTS {
        legend.item(Glyph::Marker(shape, MUTED.to_string()), p);
    }
    legend
}

/// Title, subtitle (units, scale, seeds averaged) and the zero note.
fn heading(svg: &mut Svg, title: &str, series: &[Series], y: &Axis) {
    let seeds_note = match series.iter().map(|s| s.seeds).max().unwrap_or(1) {
        0 | 1 => String::new(),
        k => format!("; each value the mean over {k} seeds"),
    };
    let sub = format!(
        "p50, p99 and p99.9 response time per strategy, in ms{}{seeds_note}",
        if y.log { " (log scale)" } else { "" }
    );
    svg.heading(title, &[&sub]);
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
}

/// The frame and title of operation `o`'s panel; only the first has y
/// labels and the y title.
fn draw_panel(svg: &mut Svg, lay: &Layout, panel: &Panel, o: usize, y_title: &str) {
    let (op, panel_title, _) = OPS[o];
    svg.comment(&format!("panel: {op}"));
    panel.frame(
        svg,
        &FrameOpts {
            x_labels: false,
            y_labels: o == 0,
            x_title: None,
            y_title: if o == 0 { Some(y_title) } else { None },
            x_grid: false,
        },
    );
    svg.text(
        panel.area.x + lay.panel_w / 2.0,
        lay.top - 8.0,
        panel_title,
        &TextStyle::new(13.0, Anchor::Middle)
            .bold()
            .class("panel-title"),
    );
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
