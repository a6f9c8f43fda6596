//! A small SVG writer: just the elements the plots need, every number
//! printed with fixed decimals and every text escaped, so the output is
//! well-formed and byte-identical for identical inputs.

use std::fmt::Write as _;

/// The font stack of every text; widths below are estimated for it.
pub const FONT: &str = "DejaVu Sans, Verdana, Arial, Helvetica, sans-serif";

/// Colour of axes, tick labels and titles.
pub const INK: &str = "#222222";
/// Colour of secondary text (subtitles, notes).
pub const MUTED: &str = "#555555";
/// Colour of major grid lines.
pub const GRID: &str = "#dddddd";
/// Colour of minor grid lines.
pub const GRID_MINOR: &str = "#f0f0f0";

/// Colour-blind-safe palette (Okabe and Ito), in the order series take it.
pub const PALETTE: [&str; 8] = [
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#7F7F7F", "#000000",
];

/// How a text is anchored at its position.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Anchor {
    /// The text starts at x.
    Start,
    /// The text is centred on x.
    Middle,
    /// The text ends at x.
    End,
}

impl Anchor {
    fn attr(self) -> &'static str {
        match self {
            Anchor::Start => "start",
            Anchor::Middle => "middle",
            Anchor::End => "end",
        }
    }
}

/// Marker shapes, so series differ by more than colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// A filled circle.
    Circle,
    /// A filled square.
    Square,
    /// A filled triangle pointing up.
    Triangle,
    /// A filled diamond.
    Diamond,
    /// A filled triangle pointing down.
    TriangleDown,
}

/// Marker shapes in the order series take them.
pub const SHAPES: [Shape; 5] = [
    Shape::Circle,
    Shape::Square,
    Shape::Triangle,
    Shape::Diamond,
    Shape::TriangleDown,
];

/// Escapes text for use in SVG character data and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters are not allowed in XML 1.0.
            c if (c as u32) < 0x20 && c != '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A coordinate with two decimals, trailing zeros removed (`12.5`, `3`).
pub fn num(x: f64) -> String {
    if !x.is_finite() {
        return "0".into();
    }
    let s = format!("{x:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.into() }
}

/// Estimated width in pixels of `s` at font size `size`, for layout: wide
/// enough for common sans-serif fonts that labels do not collide.
pub fn text_width(s: &str, size: f64) -> f64 {
    let em: f64 = s
        .chars()
        .map(|c| match c {
            'i' | 'j' | 'l' | '.' | ',' | ':' | ';' | '\'' | '|' | '!' | ' ' => 0.32,
            'f' | 't' | 'r' | '(' | ')' | '[' | ']' | '-' | 'I' => 0.42,
            'm' | 'w' | 'M' | 'W' | '%' | '@' => 0.92,
            '0'..='9' => 0.64,
            'A'..='Z' => 0.72,
            '=' | '+' | '<' | '>' | '~' => 0.84,
            c if c.is_ascii() => 0.6,
            _ => 0.8,
        })
        .sum();
    em * size
}

/// Shortens `s` to at most `max` characters, ending it with `…` if cut.
pub fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// An axis-aligned rectangle, for layout and collision checks.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
}

impl Rect {
    /// Area of the intersection of two rectangles (0 when apart).
    pub fn overlap(&self, o: &Rect) -> f64 {
        let w = (self.x + self.w).min(o.x + o.w) - self.x.max(o.x);
        let h = (self.y + self.h).min(o.y + o.h) - self.y.max(o.y);
        if w > 0.0 && h > 0.0 { w * h } else { 0.0 }
    }
    /// True when `self` lies entirely inside `o`.
    pub fn inside(&self, o: &Rect) -> bool {
        self.x >= o.x
            && self.y >= o.y
            && self.x + self.w <= o.x + o.w
            && self.y + self.h <= o.y + o.h
    }
    /// The box a text of this size occupies when drawn at (x, baseline y).
    pub fn of_text(x: f64, y: f64, s: &str, size: f64, anchor: Anchor) -> Rect {
        let w = text_width(s, size);
        let left = match anchor {
            Anchor::Start => x,
            Anchor::Middle => x - w / 2.0,
            Anchor::End => x - w,
        };
        Rect {
            x: left,
            y: y - size * 0.8,
            w,
            h: size * 1.05,
        }
    }
}

/// Style of a text element.
#[derive(Clone, Debug)]
pub struct TextStyle<'a> {
    /// Font size in pixels.
    pub size: f64,
    /// Horizontal anchor.
    pub anchor: Anchor,
    /// Fill colour.
    pub fill: &'a str,
    /// Bold when true.
    pub bold: bool,
    /// Rotation in degrees around the anchor point (0 = none).
    pub rotate: f64,
    /// CSS class, so tests and users can find the element.
    pub class: Option<&'a str>,
}

impl<'a> TextStyle<'a> {
    /// Plain text of this size and anchor.
    pub fn new(size: f64, anchor: Anchor) -> Self {
        TextStyle {
            size,
            anchor,
            fill: INK,
            bold: false,
            rotate: 0.0,
            class: None,
        }
    }
    /// The same style, bold.
    pub fn bold(mut self) -> Self {
        self.bold = true;
        self
    }
    /// The same style in another colour.
    pub fn fill(mut self, fill: &'a str) -> Self {
        self.fill = fill;
        self
    }
    /// The same style, rotated.
    pub fn rotate(mut self, deg: f64) -> Self {
        self.rotate = deg;
        self
    }
    /// The same style with a CSS class.
    pub fn class(mut self, class: &'a str) -> Self {
        self.class = Some(class);
        self
    }
}

/// Style of a line or outline.
#[derive(Clone, Debug)]
pub struct Stroke<'a> {
    /// Colour.
    pub color: &'a str,
    /// Width in pixels.
    pub width: f64,
    /// `stroke-dasharray`, if dashed.
    pub dash: Option<&'a str>,
    /// CSS class, so tests and users can find the element.
    pub class: Option<&'a str>,
}

impl<'a> Stroke<'a> {
    /// A solid line.
    pub fn solid(color: &'a str, width: f64) -> Self {
        Stroke {
            color,
            width,
            dash: None,
            class: None,
        }
    }
    /// The same line, dashed.
    pub fn dashed(mut self, dash: &'a str) -> Self {
        self.dash = Some(dash);
        self
    }
    /// The same line with a CSS class.
    pub fn class(mut self, class: &'a str) -> Self {
        self.class = Some(class);
        self
    }
    fn attrs(&self) -> String {
        let mut s = format!(
            r#" fill="none" stroke="{}" stroke-width="{}""#,
            self.color,
            num(self.width)
        );
        if let Some(d) = self.dash {
            let _ = write!(s, r#" stroke-dasharray="{d}""#);
        }
        if let Some(c) = self.class {
            let _ = write!(s, r#" class="{}""#, esc(c));
        }
        s
    }
}

/// An SVG document being written.
pub struct Svg {
    buf: String,
    depth: usize,
    clips: usize,
}

impl Svg {
    /// Starts a document of this size, with a white background and `title`
    /// as its accessible name.
    pub fn new(width: f64, height: f64, title: &str) -> Svg {
        let mut buf = String::new();
        buf.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        let _ = writeln!(
            buf,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="{FONT}">"#,
            w = num(width),
            h = num(height)
        );
        let _ = writeln!(buf, "<title>{}</title>", esc(title));
        let _ = writeln!(
            buf,
            r#"<rect x="0" y="0" width="{}" height="{}" fill="white"/>"#,
            num(width),
            num(height)
        );
        Svg {
            buf,
            depth: 0,
            clips: 0,
        }
    }

    /// Defines a clipping rectangle and returns its id.
    pub fn clip(&mut self, r: Rect) -> String {
        self.clips += 1;
        let id = format!("clip{}", self.clips);
        let _ = writeln!(
            self.buf,
            r#"<defs><clipPath id="{id}"><rect x="{}" y="{}" width="{}" height="{}"/></clipPath></defs>"#,
            num(r.x),
            num(r.y),
            num(r.w),
            num(r.h)
        );
        id
    }

    /// Opens a group; `attrs` is raw attribute text (already escaped).
    pub fn open(&mut self, attrs: &str) {
        self.depth += 1;
        if attrs.is_empty() {
            self.buf.push_str("<g>\n");
        } else {
            let _ = writeln!(self.buf, "<g {attrs}>");
        }
    }

    /// Opens a group drawn through the clip `id`.
    pub fn open_clipped(&mut self, id: &str, class: &str) {
        self.open(&format!(r#"clip-path="url(#{id})" class="{}""#, esc(class)));
    }

    /// Closes the last group opened.
    pub fn close(&mut self) {
        if self.depth > 0 {
            self.depth -= 1;
            self.buf.push_str("</g>\n");
        }
    }

    /// A comment, to make the file easier to read.
    pub fn comment(&mut self, text: &str) {
        let safe = text.replace("--", "- -");
        let _ = writeln!(self.buf, "<!-- {} -->", esc(&safe));
    }

    /// A straight line.
    pub fn line(&mut self, x1: f64, y1: f64, x2: f64, y2: f64, s: &Stroke) {
        let _ = writeln!(
            self.buf,
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}"{}/>"#,
            num(x1),
            num(y1),
            num(x2),
            num(y2),
            s.attrs()
        );
    }

    /// A rectangle, filled and/or outlined.
    pub fn rect(&mut self, r: Rect, fill: &str, stroke: Option<&Stroke>) {
        let st = stroke
            .map(|s| s.attrs().replacen(r#" fill="none""#, "", 1))
            .unwrap_or_default();
        let _ = writeln!(
            self.buf,
            r#"<rect x="{}" y="{}" width="{}" height="{}" fill="{fill}"{st}/>"#,
            num(r.x),
            num(r.y),
            num(r.w.max(0.0)),
            num(r.h.max(0.0)),
        );
    }

    /// A polyline through `pts` as a path (nothing if fewer than 2 points).
    pub fn path(&mut self, pts: &[(f64, f64)], s: &Stroke) {
        if pts.len() < 2 {
            return;
        }
        let mut d = String::new();
        for (i, (x, y)) in pts.iter().enumerate() {
            let cmd = if i == 0 { 'M' } else { 'L' };
            let _ = write!(d, "{cmd}{},{}", num(*x), num(*y));
        }
        let _ = writeln!(
            self.buf,
            r#"<path d="{d}"{} stroke-linejoin="round"/>"#,
            s.attrs()
        );
    }

    /// The heading every plot starts with: its title, then one muted
    /// subtitle line per entry, at the same place in every kind of plot.
    pub fn heading(&mut self, title: &str, subtitles: &[&str]) {
        self.text(
            20.0,
            30.0,
            title,
            &TextStyle::new(17.0, Anchor::Start).bold().class("title"),
        );
        let st = TextStyle::new(12.0, Anchor::Start)
            .fill(MUTED)
            .class("subtitle");
        for (i, line) in subtitles.iter().enumerate() {
            self.text(20.0, 52.0 + 18.0 * i as f64, line, &st);
        }
    }

    /// A text; an empty string draws nothing.
    pub fn text(&mut self, x: f64, y: f64, s: &str, st: &TextStyle) {
        if s.is_empty() {
            return;
        }
        let mut attrs = format!(
            r#"x="{}" y="{}" font-size="{}" text-anchor="{}" fill="{}""#,
            num(x),
            num(y),
            num(st.size),
            st.anchor.attr(),
            st.fill
        );
        if st.bold {
            attrs.push_str(r#" font-weight="bold""#);
        }
        if st.rotate != 0.0 {
            let _ = write!(
                attrs,
                r#" transform="rotate({} {} {})""#,
                num(st.rotate),
                num(x),
                num(y)
            );
        }
        if let Some(c) = st.class {
            let _ = write!(attrs, r#" class="{}""#, esc(c));
        }
        let _ = writeln!(self.buf, "<text {attrs}>{}</text>", esc(s));
    }

    /// A marker of `shape` centred on (x, y) with "radius" r.
    pub fn marker(&mut self, shape: Shape, x: f64, y: f64, r: f64, fill: &str, stroke: &str) {
        let tail = format!(r#" fill="{fill}" stroke="{stroke}" stroke-width="1""#);
        let poly = |pts: &[(f64, f64)]| {
            pts.iter()
                .map(|(a, b)| format!("{},{}", num(*a), num(*b)))
                .collect::<Vec<_>>()
                .join(" ")
        };
        let el = match shape {
            Shape::Circle => format!(
                r#"<circle cx="{}" cy="{}" r="{}"{tail}/>"#,
                num(x),
                num(y),
                num(r)
            ),
            Shape::Square => {
                let h = r * 0.9;
                format!(
                    r#"<rect x="{}" y="{}" width="{}" height="{}"{tail}/>"#,
                    num(x - h),
                    num(y - h),
                    num(2.0 * h),
                    num(2.0 * h)
                )
            }
            Shape::Triangle => format!(
                r#"<polygon points="{}"{tail}/>"#,
                poly(&[
                    (x, y - r * 1.15),
                    (x + r * 1.1, y + r * 0.8),
                    (x - r * 1.1, y + r * 0.8)
                ])
            ),
            Shape::TriangleDown => format!(
                r#"<polygon points="{}"{tail}/>"#,
                poly(&[
                    (x, y + r * 1.15),
                    (x + r * 1.1, y - r * 0.8),
                    (x - r * 1.1, y - r * 0.8)
                ])
            ),
            Shape::Diamond => format!(
                r#"<polygon points="{}"{tail}/>"#,
                poly(&[
                    (x, y - r * 1.25),
                    (x + r * 1.1, y),
                    (x, y + r * 1.25),
                    (x - r * 1.1, y)
                ])
            ),
        };
        self.buf.push_str(&el);
        self.buf.push('\n');
    }

    /// Closes any open group and the document, and returns its text.
    pub fn finish(mut self) -> String {
        while self.depth > 0 {
            self.close();
        }
        self.buf.push_str("</svg>\n");
        self.buf
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_control_characters() {
        assert_eq!(
            esc(r#"a<b & "c" 'd'>"#),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;"
        );
        assert_eq!(esc("x\u{1}y"), "x y");
    }

    #[test]
    fn numbers_are_short_and_stable() {
        assert_eq!(num(12.0), "12");
        assert_eq!(num(12.5), "12.5");
        assert_eq!(num(-0.001), "0");
        assert_eq!(num(1.0 / 3.0), "0.33");
        assert_eq!(num(f64::NAN), "0");
    }

    #[test]
    fn groups_are_balanced_on_finish() {
        let mut s = Svg::new(10.0, 10.0, "t");
        s.open("");
        s.open("");
        s.close();
        let out = s.finish();
        assert_eq!(out.matches("<g").count(), out.matches("</g>").count());
        assert!(out.trim_end().ends_with("</svg>"));
    }

    #[test]
    fn rect_overlap() {
        let a = Rect {
            x: 0.0,
            y: 0.0,
            w: 10.0,
            h: 10.0,
        };
        let b = Rect {
            x: 5.0,
            y: 5.0,
            w: 10.0,
            h: 10.0,
        };
        let c = Rect {
            x: 20.0,
            y: 0.0,
            w: 1.0,
            h: 1.0,
        };
        assert_eq!(a.overlap(&b), 25.0);
        assert_eq!(a.overlap(&c), 0.0);
        assert!(!b.inside(&a));
    }

    #[test]
    fn truncates_long_text() {
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc", 4), "abc");
    }
}
