//! A panel: a rectangle of the picture with an x and a y [`Axis`], which
//! maps data values to pixels and draws its own grid, frame, ticks and
//! titles, so every plot frames its data the same way.

use super::axis::Axis;
use super::svg::{Anchor, GRID, GRID_MINOR, INK, MUTED, Rect, Stroke, Svg, TextStyle};

/// A plotting area and its two axes.
#[derive(Clone, Debug)]
pub struct Panel {
    /// The area inside the axes, in pixels.
    pub area: Rect,
    /// Horizontal axis.
    pub x: Axis,
    /// Vertical axis.
    pub y: Axis,
}

/// Pixels between the frame and the ends of the axes, so markers and
/// lines at the ends of the range are not drawn over the frame.
pub const INSET: f64 = 8.0;

/// Which parts of a panel's frame to draw.
#[derive(Clone, Debug, Default)]
pub struct FrameOpts<'a> {
    /// Draw tick labels under the x axis.
    pub x_labels: bool,
    /// Draw tick labels left of the y axis.
    pub y_labels: bool,
    /// Title under the x axis.
    pub x_title: Option<&'a str>,
    /// Title left of the y axis, rotated.
    pub y_title: Option<&'a str>,
    /// Draw vertical grid lines (off for categorical x).
    pub x_grid: bool,
}

/// Font size of tick labels.
pub const TICK_SIZE: f64 = 11.0;
/// Font size of axis titles.
pub const AXIS_TITLE_SIZE: f64 = 12.0;

impl Panel {
    /// Pixel x of data value `v`.
    pub fn px(&self, v: f64) -> f64 {
        self.area.x + INSET + self.x.frac(v) * (self.area.w - 2.0 * INSET)
    }
    /// Pixel y of data value `v`.
    pub fn py(&self, v: f64) -> f64 {
        self.area.y + self.area.h - INSET - self.y.frac(v) * (self.area.h - 2.0 * INSET)
    }

    /// Draws grid, frame, ticks, tick labels and axis titles.
    pub fn frame(&self, svg: &mut Svg, o: &FrameOpts) {
        self.grid(svg, o.x_grid);
        svg.open(r#"class="axes""#);
        svg.rect(self.area, "none", Some(&Stroke::solid(INK, 1.0)));
        self.y_ticks(svg, o.y_labels);
        if o.x_grid {
            self.x_ticks(svg, o.x_labels);
        }
        self.titles(svg, o);
        if !self.y.has_data {
            let a = self.area;
            let st = TextStyle::new(12.0, Anchor::Middle).fill(MUTED);
            svg.text(a.x + a.w / 2.0, a.y + a.h / 2.0, "no data", &st);
        }
        svg.close();
    }

    /// Grid lines, minor under major; vertical ones only with `x_grid`.
    fn grid(&self, svg: &mut Svg, x_grid: bool) {
        let a = self.area;
        let (left, right, top, bottom) = (a.x, a.x + a.w, a.y, a.y + a.h);
        let minor = Stroke::solid(GRID_MINOR, 1.0);
        let major = Stroke::solid(GRID, 1.0);
        svg.open(r#"class="grid""#);
        for v in &self.y.minor {
            let y = self.py(*v);
            svg.line(left, y, right, y, &minor);
        }
        if x_grid {
            for v in &self.x.minor {
                let x = self.px(*v);
                svg.line(x, top, x, bottom, &minor);
            }
        }
        for t in &self.y.ticks {
            let y = self.py(t.value);
            svg.line(left, y, right, y, &major);
        }
        if x_grid {
            for t in &self.x.ticks {
                let x = self.px(t.value);
                svg.line(x, top, x, bottom, &major);
            }
        }
        svg.close();
    }

    /// Tick marks left of the frame, labelled when `labels`.
    fn y_ticks(&self, svg: &mut Svg, labels: bool) {
        let left = self.area.x;
        let tick = Stroke::solid(INK, 1.0);
        let ts = TextStyle::new(TICK_SIZE, Anchor::End).class("tick");
        for t in &self.y.ticks {
            let y = self.py(t.value);
            svg.line(left - 4.0, y, left, y, &tick);
            if labels {
                svg.text(left - 6.0, y + TICK_SIZE * 0.35, &t.label, &ts);
            }
        }
        for v in &self.y.minor {
            let y = self.py(*v);
            svg.line(left - 2.0, y, left, y, &tick);
        }
    }

    /// Tick marks under the frame, labelled when `labels`.
    fn x_ticks(&self, svg: &mut Svg, labels: bool) {
        let bottom = self.area.y + self.area.h;
        let tick = Stroke::solid(INK, 1.0);
        let ts = TextStyle::new(TICK_SIZE, Anchor::Middle).class("tick");
        for t in &self.x.ticks {
            let x = self.px(t.value);
            svg.line(x, bottom, x, bottom + 4.0, &tick);
            if labels {
                svg.text(x, bottom + 6.0 + TICK_SIZE, &t.label, &ts);
            }
        }
        for v in &self.x.minor {
            let x = self.px(*v);
            svg.line(x, bottom, x, bottom + 2.0, &tick);
        }
    }

    /// The x title under the tick labels and the rotated y title left of
    /// them, when given.
    fn titles(&self, svg: &mut Svg, o: &FrameOpts) {
        let a = self.area;
        if let Some(title) = o.x_title {
            let st = TextStyle::new(AXIS_TITLE_SIZE, Anchor::Middle).class("axis-title");
            let y = a.y + a.h + 14.0 + TICK_SIZE + AXIS_TITLE_SIZE;
            svg.text(a.x + a.w / 2.0, y, title, &st);
        }
        if let Some(title) = o.y_title {
            let width = self.y_label_width();
            let x = a.x - 12.0 - width - AXIS_TITLE_SIZE * 0.4;
            let y = a.y + a.h / 2.0;
            let st = TextStyle::new(AXIS_TITLE_SIZE, Anchor::Middle)
                .rotate(-90.0)
                .class("axis-title");
            svg.text(x, y, title, &st);
        }
    }

    /// Width of the widest y tick label.
    pub fn y_label_width(&self) -> f64 {
        y_label_width(&self.y)
    }
}

/// Width of the widest tick label of `axis`, drawn vertically.
pub fn y_label_width(axis: &Axis) -> f64 {
    axis.ticks
        .iter()
        .map(|t| super::svg::text_width(&t.label, TICK_SIZE))
        .fold(0.0, f64::max)
}

/// Left margin a panel needs for its y tick labels and rotated title.
pub fn left_margin(axis: &Axis) -> f64 {
    y_label_width(axis) + 12.0 + AXIS_TITLE_SIZE * 1.6 + 6.0
}
