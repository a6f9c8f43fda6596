//! Plot (c), from a sweep CSV: the trade-off DDIA describes, timeline
//! writes/s (the cost of pushing) against read p99 (the cost of pulling).
//! One point per (strategy, sweep point), averaged over seeds and labelled
//! with its varied values; the Pareto front (lower is better on both axes)
//! is joined by a dashed line.

use super::axis::Axis;
use super::legend::{Glyph, Legend};
use super::panel::{FrameOpts, Panel, left_margin};
use super::svg::{Anchor, INK, Rect, SHAPES, Stroke, Svg, TextStyle, esc, text_width};
use super::{Provenance, Table, mean, pareto_front, series_colors, series_heading, varied_columns};
use crate::error::Result;

/// One averaged point.
struct Point {
    series: usize,
    /// Values of the varied keys, in the order of `keys` ("" if absent).
    values: Vec<String>,
    writes: f64,
    p99: f64,
}

/// One row of the CSVs.
struct Raw {
    /// The file's label when runs of different files are kept apart, else "".
    run: String,
    scenario: String,
    strategy: String,
    /// Values of the varied keys, by key name.
    point: Vec<(String, String)>,
    writes: f64,
    p99: f64,
}

/// A series: (file label or "", scenario, strategy).
type SeriesKey = (String, String, String);

/// The rows grouped: series, and their points, each averaged over its
/// seeds.
struct Grouped {
    series: Vec<SeriesKey>,
    points: Vec<Point>,
    /// The most rows averaged into one point.
    max_seeds: usize,
}

const LABEL_SIZE: f64 = 10.0;

/// Draws this plot from the rows of `tables` (all of this kind).
pub(super) fn draw(tables: &[Table]) -> Result<String> {
    let mut prov = Provenance::default();
    let (keys, raw) = read_rows(tables, &mut prov)?;
    let Grouped {
        series,
        points,
        max_seeds,
    } = group(&raw, &keys);
    let multi_scenario = prov.scenarios.len() > 1;
    let by_file = series.iter().any(|s| !s.0.is_empty());
    let (names, colors) = names_and_colors(&series, multi_scenario);

    let xs: Vec<f64> = points.iter().map(|p| p.writes).collect();
    let ys: Vec<f64> = points.iter().map(|p| p.p99).collect();
    let x = Axis::fit(&xs, true, true);
    let y = Axis::fit(&ys, true, true);

    // Layout.
    let left = left_margin(&y) + 14.0;
    let top = 96.0;
    let area = Rect {
        x: left,
        y: top,
        w: 660.0,
        h: 440.0,
    };
    let panel = Panel { area, x, y };
    let legend = legend(&names, &colors, series_heading(by_file, multi_scenario));
    let title = format!(
        "Trade-off: timeline writes/s vs read p99 — {}",
        prov.describe()
    );
    let legend_x = area.x + area.w + 24.0;
    let width = (legend_x + legend.width() + 16.0).max(text_width(&title, 17.0) + 40.0);
    let height = area.y + area.h + 58.0;
    let mut svg = Svg::new(width, height, &title);
    heading(&mut svg, &title, &panel, &keys, max_seeds);
    frame(&mut svg, &panel);

    let pos: Vec<Option<(f64, f64)>> = points
        .iter()
        .map(|p| {
            (p.writes.is_finite() && p.p99.is_finite())
                .then(|| (panel.px(p.writes), panel.py(p.p99)))
        })
        .collect();
    let obstacles = draw_data(&mut svg, &area, &points, &pos, &colors, keys.len() == 1);
    draw_labels(
        &mut svg,
        &area,
        &points,
        &pos,
        &colors,
        &short_keys(&keys),
        obstacles,
    );
    svg.comment(&format!(
        "series: {}",
        names.iter().map(|n| esc(n)).collect::<Vec<_>>().join(", ")
    ));
    legend.draw(&mut svg, legend_x, top);
    Ok(svg.finish())
}

/// The varied keys (in order of first appearance) and the rows of every
/// table, with the columns this plot needs.
fn read_rows(tables: &[Table], prov: &mut Provenance) -> Result<(Vec<String>, Vec<Raw>)> {
    const PLOT: &str = "sweep";
    let mut keys: Vec<String> = Vec::new();
    let mut raw: Vec<Raw> = Vec::new();
    for t in tables {
        let scen = t.col("scenario", PLOT)?;
        let strat = t.col("strategy", PLOT)?;
        let seed = t.col("seed", PLOT)?;
        let writes = t.col("timeline_writes_per_sec", PLOT)?;
        let p99 = t.col("read_p99_ms", PLOT)?;
        let varied = varied_columns(&t.header);
        for &c in &varied {
            if !keys.contains(&t.header[c]) {
                keys.push(t.header[c].clone());
            }
        }
        for r in &t.rows {
            let (sc, sd) = (t.text(r, scen), t.text(r, seed));
            prov.add(sc, sd);
            let point = varied
                .iter()
                .map(|&c| (t.header[c].clone(), t.text(r, c).to_string()))
                .collect();
            raw.push(Raw {
                run: t.run_label().to_string(),
                scenario: sc.to_string(),
                strategy: t.text(r, strat).to_string(),
                point,
                writes: t.num(r, writes)?,
                p99: t.num(r, p99)?,
            });
        }
    }
    Ok((keys, raw))
}

/// Series = (file when kept apart, scenario, strategy); points = distinct varied values of a
/// series, averaged over the rows (seeds) that share them.
fn group(raw: &[Raw], keys: &[String]) -> Grouped {
    let mut series: Vec<SeriesKey> = Vec::new();
    let mut points: Vec<Point> = Vec::new();
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (i, r) in raw.iter().enumerate() {
        let key = (r.run.clone(), r.scenario.clone(), r.strategy.clone());
        let s = match series.iter().position(|k| *k == key) {
            Some(s) => s,
            None => {
                series.push(key);
                series.len() - 1
            }
        };
        let values: Vec<String> = keys
            .iter()
            .map(|k| {
                r.point
                    .iter()
                    .find(|(name, _)| name == k)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default()
            })
            .collect();
        match points
            .iter()
            .position(|p| p.series == s && p.values == values)
        {
            Some(j) => groups[j].push(i),
            None => {
                points.push(Point {
                    series: s,
                    values,
                    writes: f64::NAN,
                    p99: f64::NAN,
                });
                groups.push(vec![i]);
            }
        }
    }
    let mut max_seeds = 1;
    for (p, g) in points.iter_mut().zip(&groups) {
        p.writes = mean(g.iter().map(|&i| raw[i].writes));
        p.p99 = mean(g.iter().map(|&i| raw[i].p99));
        max_seeds = max_seeds.max(g.len());
    }
    Grouped {
        series,
        points,
        max_seeds,
    }
}

/// Each series' name (prefixed by its scenario when there are several,
/// and by its file when files are kept apart) and colour.
fn names_and_colors(
    series: &[SeriesKey],
    multi_scenario: bool,
) -> (Vec<String>, Vec<&'static str>) {
    let names: Vec<String> = series
        .iter()
        .map(|(run, sc, st)| {
            let name = if multi_scenario {
                format!("{sc}: {st}")
            } else {
                st.clone()
            };
            if run.is_empty() {
                name
            } else {
                format!("{run}: {name}")
            }
        })
        .collect();
    let by_file = series.iter().any(|s| !s.0.is_empty());
    let colors = if multi_scenario || by_file {
        series_colors(&names.iter().map(String::as_str).collect::<Vec<_>>())
    } else {
        series_colors(&series.iter().map(|s| s.2.as_str()).collect::<Vec<_>>())
    };
    (names, colors)
}

/// The legend: series by marker shape and colour, then the front.
fn legend(names: &[String], colors: &[&str], heading: &str) -> Legend {
    let mut legend = Legend::default();
    legend.heading(heading);
    for (i, name) in names.iter().enumerate() {
        legend.item(
            Glyph::Marker(SHAPES[i % SHAPES.len()], colors[i].to_string()),
            name,
        );
    }
    legend.heading("front");
    legend.item(Glyph::Line(INK.to_string(), Some("6,4")), "Pareto front");
    legend
}

/// Title and the two subtitles: what varied, and what the front means.
fn heading(svg: &mut Svg, title: &str, panel: &Panel, keys: &[String], max_seeds: usize) {
    let seeds = if max_seeds > 1 {
        format!("; each point the mean over {max_seeds} seeds")
    } else {
        String::new()
    };
    let sub1 = format!("varied: {}{seeds}", keys.join(", "));
    let mut sub2 = "Pareto front (dashed): points no other point beats on both writes/s and read p99; lower is better on both".to_string();
    if panel.x.clamped || panel.y.clamped {
        sub2.push_str("; ");
        sub2.push_str(super::axis::ZERO_NOTE);
    }
    svg.heading(title, &[&sub1, &sub2]);
}

/// The panel's frame, with both axes labelled and titled.
fn frame(svg: &mut Svg, panel: &Panel) {
    let x_title = format!("timeline writes (writes/s{})", panel.x.scale_note());
    let y_title = format!("read p99 response time (ms{})", panel.y.scale_note());
    panel.frame(
        svg,
        &FrameOpts {
            x_labels: true,
            y_labels: true,
            x_title: Some(&x_title),
            y_title: Some(&y_title),
            x_grid: true,
        },
    );
}

/// Series lines (when one key varies), the Pareto front and the markers,
/// clipped to a little beyond the panel. Returns what labels must avoid.
fn draw_data(
    svg: &mut Svg,
    area: &Rect,
    points: &[Point],
    pos: &[Option<(f64, f64)>],
    colors: &[&str],
    one_key: bool,
) -> Vec<Rect> {
    let clip = svg.clip(Rect {
        x: area.x - 8.0,
        y: area.y - 8.0,
        w: area.w + 16.0,
        h: area.h + 16.0,
    });
    svg.open_clipped(&clip, "data");
    let mut lines: Vec<Vec<(f64, f64)>> = Vec::new();
    if one_key {
        lines = draw_series_lines(svg, points, pos, colors);
    }
    let front_pts = draw_front(svg, points, pos);
    // Markers (and the rings of front points) are obstacles for labels.
    let mut obstacles: Vec<Rect> = front_pts
        .iter()
        .map(|&(x, y)| Rect {
            x: x - 9.0,
            y: y - 9.0,
            w: 18.0,
            h: 18.0,
        })
        .collect();
    lines.push(front_pts);
    for line in &lines {
        obstacles.extend(sample_line(line));
    }
    for (i, p) in points.iter().enumerate() {
        if let Some((px, py)) = pos[i] {
            let shape = SHAPES[p.series % SHAPES.len()];
            svg.marker(shape, px, py, 5.0, colors[p.series], "white");
            obstacles.push(Rect {
                x: px - 6.0,
                y: py - 6.0,
                w: 12.0,
                h: 12.0,
            });
        }
    }
    svg.close();
    obstacles
}

/// Thin lines joining each series' points in sweep order (sorted by the
/// one varied key's value, numerically when it is a number).
fn draw_series_lines(
    svg: &mut Svg,
    points: &[Point],
    pos: &[Option<(f64, f64)>],
    colors: &[&str],
) -> Vec<Vec<(f64, f64)>> {
    let mut lines = Vec::new();
    for (s, color) in colors.iter().enumerate() {
        let mut mine: Vec<usize> = (0..points.len())
            .filter(|&i| points[i].series == s && pos[i].is_some())
            .collect();
        mine.sort_by(|&a, &b| {
            let (va, vb) = (&points[a].values[0], &points[b].values[0]);
            match (va.parse::<f64>(), vb.parse::<f64>()) {
                (Ok(x), Ok(y)) => x.total_cmp(&y),
                _ => std::cmp::Ordering::Equal,
            }
        });
        let line: Vec<(f64, f64)> = mine.iter().filter_map(|&i| pos[i]).collect();
        let mut stroke = Stroke::solid(color, 1.0).class("series-line");
        stroke.dash = Some("2,2");
        svg.path(&line, &stroke);
        lines.push(line);
    }
    lines
}

/// The Pareto front: a dashed line through its points and a ring round
/// each. Returns the front's pixel points.
fn draw_front(svg: &mut Svg, points: &[Point], pos: &[Option<(f64, f64)>]) -> Vec<(f64, f64)> {
    let coords: Vec<(f64, f64)> = points.iter().map(|p| (p.writes, p.p99)).collect();
    let front = pareto_front(&coords);
    let mut front_pts: Vec<(f64, f64)> = front.iter().filter_map(|&i| pos[i]).collect();
    front_pts.dedup();
    svg.open(r#"class="pareto-front""#);
    if front_pts.len() >= 2 {
        svg.path(
            &front_pts,
            &Stroke::solid(INK, 2.0).dashed("6,4").class("pareto"),
        );
    }
    for &(px, py) in &front_pts {
        svg.marker(super::svg::Shape::Circle, px, py, 8.5, "none", INK);
    }
    svg.close();
    front_pts
}

/// Labels: one per group of coinciding points of a series, placed where
/// they overlap nothing drawn (or least).
fn draw_labels(
    svg: &mut Svg,
    area: &Rect,
    points: &[Point],
    pos: &[Option<(f64, f64)>],
    colors: &[&str],
    short: &[String],
    mut obstacles: Vec<Rect>,
) {
    svg.open(r#"class="point-labels""#);
    let mut done = vec![false; points.len()];
    let bounds = Rect {
        x: area.x + 2.0,
        y: area.y + 2.0,
        w: area.w - 4.0,
        h: area.h - 4.0,
    };
    for i in 0..points.len() {
        let Some((px, py)) = pos[i] else { continue };
        if done[i] {
            continue;
        }
        let same: Vec<usize> = (i..points.len())
            .filter(|&j| {
                points[j].series == points[i].series
                    && !done[j]
                    && pos[j].is_some_and(|(qx, qy)| (qx - px).abs() < 1.5 && (qy - py).abs() < 1.5)
            })
            .collect();
        for &j in &same {
            done[j] = true;
        }
        let vals: Vec<&Vec<String>> = same.iter().map(|&j| &points[j].values).collect();
        let text = label_text(short, &vals);
        if text.is_empty() {
            continue;
        }
        let (lx, ly, anchor) = place_label(px, py, &text, &bounds, &obstacles);
        obstacles.push(Rect::of_text(lx, ly, &text, LABEL_SIZE, anchor));
        let st = TextStyle::new(LABEL_SIZE, anchor)
            .fill(colors[points[i].series])
            .class("point-label");
        svg.text(lx, ly, &text, &st);
    }
    svg.close();
}

/// Small boxes every few pixels along a polyline, so labels avoid lines.
fn sample_line(pts: &[(f64, f64)]) -> Vec<Rect> {
    let mut out = Vec::new();
    for w in pts.windows(2) {
        let ((x0, y0), (x1, y1)) = (w[0], w[1]);
        let len = ((x1 - x0).powi(2) + (y1 - y0).powi(2)).sqrt();
        let n = (len / 4.0).ceil().clamp(1.0, 2000.0) as usize;
        for k in 0..=n {
            let t = k as f64 / n as f64;
            out.push(Rect {
                x: x0 + t * (x1 - x0) - 1.5,
                y: y0 + t * (y1 - y0) - 1.5,
                w: 3.0,
                h: 3.0,
            });
        }
    }
    out
}

/// The shortest dotted suffix of each key that tells it apart from the
/// others: `strategy.hybrid.celebrity_threshold` -> `celebrity_threshold`.
fn short_keys(keys: &[String]) -> Vec<String> {
    keys.iter()
        .map(|k| {
            let parts: Vec<&str> = k.split('.').collect();
            for n in 1..=parts.len() {
                let suffix = parts[parts.len() - n..].join(".");
                let unique = keys
                    .iter()
                    .filter(|o| *o == &suffix || o.ends_with(&format!(".{suffix}")))
                    .count()
                    == 1;
                if unique {
                    return suffix;
                }
            }
            k.clone()
        })
        .collect()
}

/// `key=value` labels of one marker. Coinciding points of a series (a
/// strategy the varied key does not affect) share one label: keys with one
/// value among them as `key=value`, the others listing their values.
fn label_text(short: &[String], vals: &[&Vec<String>]) -> String {
    let mut parts = Vec::new();
    for (k, key) in short.iter().enumerate() {
        let mut list: Vec<&str> = Vec::new();
        for v in vals {
            let x = v.get(k).map(String::as_str).unwrap_or("");
            if !x.is_empty() && !list.contains(&x) {
                list.push(x);
            }
        }
        match list.len() {
            0 => {}
            1 => parts.push(format!("{key}={}", list[0])),
            n => {
                let joined = list.join(",");
                if joined.chars().count() <= 28 {
                    parts.push(format!("{key}={joined}"));
                } else {
                    parts.push(format!("{key}={}…{} ({n} values)", list[0], list[n - 1]));
                }
            }
        }
    }
    parts.join(", ")
}

/// Where to put a label beside the marker at (px, py): the first of eight
/// positions that stays inside `bounds` and overlaps nothing; else the one
/// overlapping least. Returns (x, baseline y, anchor).
fn place_label(
    px: f64,
    py: f64,
    text: &str,
    bounds: &Rect,
    obstacles: &[Rect],
) -> (f64, f64, Anchor) {
    let s = LABEL_SIZE;
    let cands = [
        (px + 11.0, py + s * 0.35, Anchor::Start),
        (px - 11.0, py + s * 0.35, Anchor::End),
        (px, py - 9.0, Anchor::Middle),
        (px, py + 9.0 + s * 0.8, Anchor::Middle),
        (px + 6.0, py - 7.0, Anchor::Start),
        (px + 6.0, py + 7.0 + s * 0.8, Anchor::Start),
        (px - 6.0, py - 7.0, Anchor::End),
        (px - 6.0, py + 7.0 + s * 0.8, Anchor::End),
        (px + 8.0, py - 18.0, Anchor::Start),
        (px + 8.0, py + 20.0 + s * 0.8, Anchor::Start),
        (px - 8.0, py - 18.0, Anchor::End),
        (px - 8.0, py + 20.0 + s * 0.8, Anchor::End),
    ];
    let mut best = (f64::INFINITY, cands[0]);
    for c in cands {
        let r = Rect::of_text(c.0, c.1, text, s, c.2);
        let outside = if r.inside(bounds) { 0.0 } else { 1e6 };
        let cost: f64 = outside + obstacles.iter().map(|o| r.overlap(o)).sum::<f64>();
        if cost == 0.0 {
            return c;
        }
        if cost < best.0 {
            best = (cost, c);
        }
    }
    best.1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_shortened_only_while_unambiguous() {
        let k = |v: &[&str]| short_keys(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(
            k(&[
                "strategy.hybrid.celebrity_threshold",
                "workload.tweets_per_sec"
            ]),
            vec!["celebrity_threshold", "tweets_per_sec"]
        );
        assert_eq!(k(&["a.x", "b.x"]), vec!["a.x", "b.x"]);
        assert_eq!(k(&["seed"]), vec!["seed"]);
    }

    #[test]
    fn coinciding_points_share_a_label() {
        let short = vec!["t".to_string()];
        let a = vec!["1".to_string()];
        let b = vec!["10".to_string()];
        assert_eq!(label_text(&short, &[&a]), "t=1");
        assert_eq!(label_text(&short, &[&a, &b]), "t=1,10");
        let short = vec!["t".to_string(), "k".to_string()];
        let a = vec!["1".to_string(), "5".to_string()];
        let b = vec!["1".to_string(), "6".to_string()];
        assert_eq!(label_text(&short, &[&a, &b]), "t=1, k=5,6");
    }

    #[test]
    fn labels_avoid_obstacles() {
        let bounds = Rect {
            x: 0.0,
            y: 0.0,
            w: 500.0,
            h: 500.0,
        };
        let right = Rect {
            x: 105.0,
            y: 90.0,
            w: 100.0,
            h: 20.0,
        };
        let (x, _, a) = place_label(100.0, 100.0, "k=v", &bounds, &[right]);
        assert_eq!((x, a), (89.0, Anchor::End));
        // Near the right edge the label goes left.
        let (_, _, a) = place_label(495.0, 100.0, "key=value", &bounds, &[]);
        assert_eq!(a, Anchor::End);
    }
}
