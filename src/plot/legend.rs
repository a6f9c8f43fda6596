//! The legend: a boxed list of entries (a small glyph and a label, or a
//! heading), drawn beside the plot so it never hides data.

use super::svg::{Anchor, INK, MUTED, Rect, Shape, Stroke, Svg, TextStyle, text_width};

/// What an entry shows left of its label.
#[derive(Clone, Debug)]
pub enum Glyph {
    /// A marker shape in a colour.
    Marker(Shape, String),
    /// A line in a colour, dashed when a dash array is given.
    Line(String, Option<&'static str>),
}

/// One line of the legend.
#[derive(Clone, Debug)]
pub struct Entry {
    /// The glyph, or none for a heading.
    pub glyph: Option<Glyph>,
    /// The text.
    pub label: String,
}

/// A legend being assembled.
#[derive(Clone, Debug, Default)]
pub struct Legend {
    /// Entries, top to bottom.
    pub entries: Vec<Entry>,
}

const SIZE: f64 = 12.0;
const ROW: f64 = 18.0;
const PAD: f64 = 8.0;
const GLYPH_W: f64 = 26.0;

impl Legend {
    /// Adds a heading (bold, no glyph).
    pub fn heading(&mut self, label: &str) {
        self.entries.push(Entry {
            glyph: None,
            label: label.to_string(),
        });
    }
    /// Adds an entry.
    pub fn item(&mut self, glyph: Glyph, label: &str) {
        self.entries.push(Entry {
            glyph: Some(glyph),
            label: label.to_string(),
        });
    }
    /// Width of the drawn legend box.
    pub fn width(&self) -> f64 {
        let text = self
            .entries
            .iter()
            .map(|e| {
                let w = text_width(&e.label, SIZE);
                if e.glyph.is_some() {
                    w + GLYPH_W + 6.0
                } else {
                    w * 1.08
                }
            })
            .fold(0.0, f64::max);
        text + 2.0 * PAD
    }
    /// Height of the drawn legend box.
    pub fn height(&self) -> f64 {
        self.entries.len() as f64 * ROW + 2.0 * PAD - 4.0
    }
    /// Draws the legend with its top-left corner at (x, y).
    pub fn draw(&self, svg: &mut Svg, x: f64, y: f64) {
        if self.entries.is_empty() {
            return;
        }
        svg.open(r#"class="legend""#);
        let frame = Rect {
            x,
            y,
            w: self.width(),
            h: self.height(),
        };
        svg.rect(frame, "white", Some(&Stroke::solid("#bbbbbb", 1.0)));
        for (i, e) in self.entries.iter().enumerate() {
            let cy = y + PAD + ROW * i as f64 + ROW / 2.0 - 2.0;
            let gx = x + PAD;
            let base = cy + SIZE * 0.35;
            match &e.glyph {
                None => {
                    let st = TextStyle::new(SIZE, Anchor::Start).bold().fill(MUTED);
                    svg.text(gx, base, &e.label, &st);
                    continue;
                }
                Some(Glyph::Marker(shape, color)) => {
                    svg.marker(*shape, gx + GLYPH_W / 2.0, cy, 4.5, color, "white");
                }
                Some(Glyph::Line(color, dash)) => {
                    let mut s = Stroke::solid(color, 2.0);
                    s.dash = *dash;
                    svg.line(gx, cy, gx + GLYPH_W, cy, &s);
                }
            }
            let st = TextStyle::new(SIZE, Anchor::Start)
                .fill(INK)
                .class("legend-label");
            svg.text(gx + GLYPH_W + 6.0, base, &e.label, &st);
        }
        svg.close();
    }
}
