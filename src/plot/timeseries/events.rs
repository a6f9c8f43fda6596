//! Scheduled events: where their labels go in the band above the panels,
//! and their dashed lines through every panel. Labels are placed so text
//! never overlaps text, since events (a crash and its end, a celebrity
//! tweet) often fall close together.

use super::{EVENT, EVENT_DASH, Event};
use crate::plot::axis::Axis;
use crate::plot::panel::INSET;
use crate::plot::svg::{Anchor, Stroke, Svg, TextStyle, text_width, truncate};

/// Where the event band is and how it is drawn.
pub(super) struct Band {
    /// Top of the first row of labels.
    pub(super) top: f64,
    /// Height of a row of labels.
    pub(super) row_h: f64,
    /// Font size of labels.
    pub(super) size: f64,
}

/// Draws each event's label in its row (from [`place_events`]) and its
/// dashed line from under the label down to `bottom`; `px` maps a time to
/// pixels.
pub(super) fn draw_events(
    svg: &mut Svg,
    events: &[Event],
    rows: &[(usize, bool)],
    band: &Band,
    bottom: f64,
    px: impl Fn(f64) -> f64,
) {
    svg.open(r#"class="events""#);
    let ev_stroke = Stroke::solid(EVENT, 1.2).dashed(EVENT_DASH).class("event");
    for ((t, text), &(row, leftward)) in events.iter().zip(rows) {
        let px = px(*t);
        let base = band.top + row as f64 * band.row_h + band.size;
        svg.line(px, base + 3.0, px, bottom, &ev_stroke);
        let label = truncate(text, 48);
        let anchor = if leftward { Anchor::End } else { Anchor::Start };
        let lx = if anchor == Anchor::End {
            px - 3.0
        } else {
            px + 3.0
        };
        let st = TextStyle::new(band.size, anchor)
            .fill(EVENT)
            .class("event-label");
        svg.text(lx, base, &label, &st);
    }
    svg.close();
}

/// Chooses a row for each event label (events sorted by time) so labels do
/// not overlap each other, and no event's line (which runs down from its
/// own row) crosses another label. Falls back to the least crowded row.
pub(super) fn place_events(
    events: &[Event],
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
        let px = left + INSET + x.frac(*t) * (plot_w - 2.0 * INSET);
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
