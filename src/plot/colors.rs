//! Series colours: strategies keep one colour across every plot.
//!
//! Kept apart, and small, so the colour rule lives in one place; each
//! strategy's colour comes from its line in the strategy table
//! (`crate::model::strategy::STRATEGIES`).

use super::svg;

/// Colours of series: the three strategies keep fixed colours across plots
/// when each series is a different strategy; otherwise colours go in order.
pub(super) fn series_colors(strategies: &[&str]) -> Vec<&'static str> {
    let fixed = |s: &str| {
        crate::model::strategy::STRATEGIES
            .iter()
            .find(|i| i.name == s)
            .map(|i| i.palette)
    };
    let distinct = strategies
        .iter()
        .enumerate()
        .all(|(i, s)| !strategies[..i].contains(s));
    if !distinct {
        return (0..strategies.len())
            .map(|i| svg::PALETTE[i % svg::PALETTE.len()])
            .collect();
    }
    let mut used: Vec<usize> = strategies.iter().filter_map(|s| fixed(s)).collect();
    let mut next = 0;
    strategies
        .iter()
        .map(|s| {
            let i = fixed(s).unwrap_or_else(|| {
                while used.contains(&next) && next < svg::PALETTE.len() {
                    next += 1;
                }
                used.push(next);
                next
            });
            svg::PALETTE[i % svg::PALETTE.len()]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strategies_keep_their_colours() {
        let c = series_colors(&["hybrid", "fanout-on-read", "other"]);
        assert_eq!(c, vec![svg::PALETTE[2], svg::PALETTE[0], svg::PALETTE[1]]);
        let c = series_colors(&["hybrid", "hybrid"]);
        assert_eq!(c, vec![svg::PALETTE[0], svg::PALETTE[1]]);
    }
}
