//! Plot (d), from a tune CSV (`fanout tune --csv`): what each evaluated
//! configuration costs against the main (first) SLO's figure, the 95%
//! bound the search judged. Feasible points are filled, the others hollow;
//! each strategy's feasible frontier (no feasible point of it is both
//! cheaper and better on the figure) is joined by a line.

use super::axis::Axis;
use super::legend::{Glyph, Legend};
use super::panel::{FrameOpts, Panel, left_margin};
use super::svg::{INK, Rect, SHAPES, Stroke, Svg, text_width};
use super::{Table, pareto_front, series_colors};
use crate::error::Result;

/// One evaluated point.
struct Point {
    series: usize,
    figure: f64,
    cost: f64,
    feasible: bool,
}

/// The main SLO's column: the first `*_bound95` of the header.
pub(super) fn figure_column(header: &[String]) -> Option<&str> {
    header
        .iter()
        .map(String::as_str)
        .find(|h| h.ends_with("_bound95"))
}

/// Reads every row: its series (the file's label and the strategy), the
/// figure, the cost and whether it was feasible.
fn read(tables: &[Table]) -> Result<(Vec<String>, Vec<Point>, String)> {
    let mut series: Vec<String> = Vec::new();
    let mut points = Vec::new();
    let mut figure_name = String::new();
    for t in tables {
        let figure = figure_column(&t.header).unwrap_or("read_p99_ms_bound95");
        figure_name = figure.trim_end_matches("_bound95").to_string();
        let (s, f, c, ok) = (
            t.col("strategy", "tune")?,
            t.col(figure, "tune")?,
            t.col("cost_per_hour", "tune")?,
            t.col("feasible", "tune")?,
        );
        for r in &t.rows {
            let name = match t.run_label() {
                "" => t.text(r, s).to_string(),
                run => format!("{run}: {}", t.text(r, s)),
            };
            let i = series.iter().position(|n| *n == name).unwrap_or_else(|| {
                series.push(name);
                series.len() - 1
            });
            points.push(Point {
                series: i,
                figure: t.num(r, f)?,
                cost: t.num(r, c)?,
                feasible: t.text(r, ok) == "1",
            });
        }
    }
    Ok((series, points, figure_name))
}

/// Draws the plot from the rows of `tables` (all tune CSVs).
pub(super) fn draw(tables: &[Table]) -> Result<String> {
    let (series, points, figure) = read(tables)?;
    let strategies: Vec<&str> = series
        .iter()
        .map(|s| s.rsplit(": ").next().unwrap_or(s))
        .collect();
    let colors = series_colors(&strategies);
    let xs: Vec<f64> = points.iter().map(|p| p.figure).collect();
    let ys: Vec<f64> = points.iter().map(|p| p.cost).collect();
    let area = Rect {
        x: 0.0,
        y: 84.0,
        w: 620.0,
        h: 420.0,
    };
    let y = Axis::fit(&ys, true, true);
    let area = Rect {
        x: left_margin(&y) + 14.0,
        ..area
    };
    let panel = Panel {
        area,
        x: Axis::fit(&xs, true, true),
        y,
    };
    let title = format!("tune: cost per hour against {figure} (its 95% bound)");
    let mut legend = Legend::default();
    legend.heading("strategy");
    for (i, name) in series.iter().enumerate() {
        legend.item(
            Glyph::Marker(SHAPES[i % SHAPES.len()], colors[i].to_string()),
            name,
        );
    }
    legend.heading("points");
    legend.item(Glyph::Line(INK.to_string(), None), "feasible frontier");
    let legend_x = area.x + area.w + 24.0;
    let width = (legend_x + legend.width() + 16.0).max(text_width(&title, 17.0) + 40.0);
    let mut svg = Svg::new(width, area.y + area.h + 58.0, &title);
    svg.heading(
        &title,
        &["filled: feasible (every SLO held, stable); hollow: not; lower cost is better"],
    );
    let x_title = format!("{figure} 95% bound{}", panel.x.scale_note());
    let y_title = format!("cost per hour{}", panel.y.scale_note());
    panel.frame(
        &mut svg,
        &FrameOpts {
            x_labels: true,
            y_labels: true,
            x_title: Some(&x_title),
            y_title: Some(&y_title),
            x_grid: true,
        },
    );
    svg.open(r#"class="data""#);
    for (s, color) in colors.iter().enumerate() {
        let mine: Vec<&Point> = points
            .iter()
            .filter(|p| p.series == s && p.feasible)
            .collect();
        let coords: Vec<(f64, f64)> = mine.iter().map(|p| (p.figure, p.cost)).collect();
        let front: Vec<(f64, f64)> = pareto_front(&coords)
            .into_iter()
            .map(|i| (panel.px(coords[i].0), panel.py(coords[i].1)))
            .collect();
        svg.path(&front, &Stroke::solid(color, 1.5).class("frontier"));
    }
    for p in points
        .iter()
        .filter(|p| p.figure.is_finite() && p.cost.is_finite())
    {
        let shape = SHAPES[p.series % SHAPES.len()];
        let (fill, ring) = if p.feasible {
            (colors[p.series], "white")
        } else {
            ("white", colors[p.series])
        };
        svg.marker(shape, panel.px(p.figure), panel.py(p.cost), 4.5, fill, ring);
    }
    svg.close();
    legend.draw(&mut svg, legend_x, area.y);
    Ok(svg.finish())
}
