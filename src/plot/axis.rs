//! Axes: choosing linear or log scale, a padded range, "nice" ticks and
//! their labels. Pure arithmetic on data values; drawing them is
//! `panel.rs`'s job, so the scale rules can be tested without an SVG.

/// The largest magnitude a plotted value may have. Far beyond anything a
/// run writes (rates, counts, milliseconds, seconds), and small enough
/// that a range, its padding and its ticks stay finite: past it a CSV
/// holding 1.7e308 once made tick generation loop for ever.
pub const MAX_MAGNITUDE: f64 = 1e100;

/// The smallest magnitude a nonzero plotted value may have, so that a log
/// axis's decades (10^k) neither underflow to 0 nor number in the
/// thousands.
pub const MIN_MAGNITUDE: f64 = 1e-100;

/// Most labelled ticks on a linear axis. Nice steps give 3 to 12; the
/// cap only matters if rounding ever says otherwise, and keeps tick
/// generation bounded whatever the range.
const MAX_TICKS: i64 = 24;

/// Most labelled decades on a log axis; past it only every k-th decade is
/// labelled and minor ticks are left out, so labels do not overprint.
const MAX_DECADE_LABELS: usize = 12;

/// True when an axis can place `v`: 0, or finite with a magnitude between
/// [`MIN_MAGNITUDE`] and [`MAX_MAGNITUDE`].
pub fn plottable(v: f64) -> bool {
    v == 0.0 || (v.is_finite() && (MIN_MAGNITUDE..=MAX_MAGNITUDE).contains(&v.abs()))
}

/// A log scale is used when positive data spans more than this ratio
/// (two decades): below it a linear axis reads more easily.
pub const LOG_RATIO: f64 = 100.0;

/// Fraction of a log axis's length kept below its lowest value for the
/// `0` mark, when the data include zeros (fan-out-on-read writes nothing).
pub const ZERO_GAP: f64 = 0.07;

/// The note plots add when a log axis has a `0` mark.
pub const ZERO_NOTE: &str = "0 is drawn at the mark labelled 0 at the foot of the log axis";

/// One labelled tick.
#[derive(Clone, Debug, PartialEq)]
pub struct Tick {
    /// Data value.
    pub value: f64,
    /// Text under or beside the tick.
    pub label: String,
}

/// A scale from data values to [0, 1], with its ticks.
#[derive(Clone, Debug)]
pub struct Axis {
    /// Lowest value shown.
    pub lo: f64,
    /// Highest value shown.
    pub hi: f64,
    /// Logarithmic when true.
    pub log: bool,
    /// Labelled ticks, ascending.
    pub ticks: Vec<Tick>,
    /// Unlabelled minor ticks (log axes only).
    pub minor: Vec<f64>,
    /// True when some data were <= 0 on a log axis: they are drawn at a
    /// tick labelled `0` at the foot of the axis, [`ZERO_GAP`] below the
    /// lowest log value, and the plot says so in a note.
    pub clamped: bool,
    /// False when the axis had no finite data at all.
    pub has_data: bool,
}

impl Axis {
    /// An axis covering `values` (values that are not [`plottable`], NaN
    /// among them, are ignored: the CSV reader refuses them, so only
    /// computed values can get here). Log scale when the positive values
    /// span more than [`LOG_RATIO`], none is negative, and `allow_log`
    /// (zeros go to the `0` mark; a negative value has no place on a log
    /// axis, so it keeps the axis linear); a linear axis starts at zero
    /// when `from_zero` and the data are >= 0.
    pub fn fit(values: &[f64], from_zero: bool, allow_log: bool) -> Axis {
        let finite: Vec<f64> = values.iter().copied().filter(|v| plottable(*v)).collect();
        let pos: Vec<f64> = finite.iter().copied().filter(|v| *v > 0.0).collect();
        let pmin = pos.iter().copied().fold(f64::INFINITY, f64::min);
        let pmax = pos.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let negative = finite.iter().any(|v| *v < 0.0);
        if allow_log && !negative && pos.len() >= 2 && pmax / pmin > LOG_RATIO {
            let clamped = finite.iter().any(|v| *v <= 0.0);
            return Axis::log(pmin, pmax, clamped);
        }
        if finite.is_empty() {
            let mut a = Axis::linear(0.0, 1.0, true);
            a.has_data = false;
            return a;
        }
        let min = finite.iter().copied().fold(f64::INFINITY, f64::min);
        let max = finite.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        Axis::linear(min, max, from_zero)
    }

    /// A linear axis from the lowest to the highest of `values` exactly,
    /// with nice ticks inside: for simulated time, where running the axis
    /// past the data's end (to 40 s for 32 s of data) suggests the run
    /// went on with nothing to show. Values that are not [`plottable`] are
    /// ignored; with fewer than two distinct values this is [`Axis::fit`]'s
    /// linear axis.
    pub fn fit_exact(values: &[f64]) -> Axis {
        let finite: Vec<f64> = values.iter().copied().filter(|v| plottable(*v)).collect();
        let min = finite.iter().copied().fold(f64::INFINITY, f64::min);
        let max = finite.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        if finite.is_empty() || max - min <= 1e-9 * max.abs().max(min.abs()).max(1.0) {
            return Axis::fit(values, false, false);
        }
        let step = nice_step((max - min) / 5.0);
        let lo_i = (min / step - 1e-9).ceil() as i64;
        let hi_i = (max / step + 1e-9).floor() as i64;
        let hi_i = hi_i.clamp(lo_i, lo_i + MAX_TICKS);
        let ticks = (lo_i..=hi_i)
            .map(|i| {
                let v = i as f64 * step;
                Tick {
                    value: v,
                    label: fmt_tick(v, step),
                }
            })
            .collect();
        Axis {
            lo: min,
            hi: max,
            log: false,
            ticks,
            minor: Vec::new(),
            clamped: false,
            has_data: true,
        }
    }

    fn linear(mut min: f64, mut max: f64, from_zero: bool) -> Axis {
        if from_zero && min >= 0.0 {
            min = 0.0;
        }
        // Values within a billionth of each other are one value: ticks
        // between them would need more digits than a label can hold.
        if max - min <= 1e-9 * max.abs().max(min.abs()).max(1.0) {
            // One value: show it in the middle of a sensible range.
            if max == 0.0 {
                max = 1.0;
            } else {
                let pad = max.abs() * 0.1;
                if !(from_zero && min == 0.0) {
                    min -= pad;
                }
                max += pad;
                if from_zero && min > 0.0 {
                    min = 0.0;
                }
            }
        }
        let step = nice_step((max - min) / 5.0);
        let lo_i = (min / step + 1e-9).floor() as i64;
        let hi_i = (max / step - 1e-9).ceil() as i64;
        // At least one step, at most MAX_TICKS, whatever rounding says.
        let hi_i = lo_i + (hi_i - lo_i).clamp(1, MAX_TICKS);
        let ticks = (lo_i..=hi_i)
            .map(|i| {
                let v = i as f64 * step;
                Tick {
                    value: v,
                    label: fmt_tick(v, step),
                }
            })
            .collect();
        Axis {
            lo: lo_i as f64 * step,
            hi: hi_i as f64 * step,
            log: false,
            ticks,
            minor: Vec::new(),
            clamped: false,
            has_data: true,
        }
    }

    fn log(pmin: f64, pmax: f64, clamped: bool) -> Axis {
        // Pad a little beyond the data, to a 1-2-5 boundary.
        let lo = nice_125_floor(pmin / 1.2);
        let hi = nice_125_ceil(pmax * 1.2);
        let d0 = lo.log10().floor() as i32;
        let d1 = hi.log10().ceil() as i32;
        let in_range = |v: f64| v >= lo * (1.0 - 1e-9) && v <= hi * (1.0 + 1e-9);
        let decades: Vec<f64> = (d0..=d1).map(pow10).filter(|v| in_range(*v)).collect();
        // Very wide data: label every k-th decade only, and no minor ticks.
        let every = decades.len().div_ceil(MAX_DECADE_LABELS).max(1);
        let mut labelled: Vec<f64> = decades.iter().copied().step_by(every).collect();
        if decades.len() < 4 {
            // Few decades: label 2 and 5 as well, so the axis can be read.
            for d in d0..=d1 {
                for m in [2.0, 5.0] {
                    let v = m * pow10(d);
                    if in_range(v) {
                        labelled.push(v);
                    }
                }
            }
        }
        labelled.sort_by(f64::total_cmp);
        if clamped {
            labelled.insert(0, 0.0);
        }
        let mut minor = Vec::new();
        for d in (d0..=d1).filter(|_| every == 1) {
            for m in 2..=9 {
                let v = m as f64 * pow10(d);
                if in_range(v) && !labelled.iter().any(|l| (l / v - 1.0).abs() < 1e-9) {
                    minor.push(v);
                }
            }
        }
        Axis {
            lo,
            hi,
            log: true,
            ticks: labelled
                .into_iter()
                .map(|v| Tick {
                    value: v,
                    label: if v == 0.0 {
                        "0".into()
                    } else {
                        fmt_log_tick(v)
                    },
                })
                .collect(),
            minor,
            clamped,
            has_data: true,
        }
    }

    /// Position of `v` in [0, 1] along the axis; values <= 0 on a log axis
    /// go to 0 (the lower edge); NaN stays NaN.
    pub fn frac(&self, v: f64) -> f64 {
        if v.is_nan() {
            return f64::NAN;
        }
        if self.log {
            if v <= 0.0 {
                return 0.0;
            }
            let f = (v.ln() - self.lo.ln()) / (self.hi.ln() - self.lo.ln());
            if self.clamped {
                ZERO_GAP + (1.0 - ZERO_GAP) * f
            } else {
                f
            }
        } else {
            (v - self.lo) / (self.hi - self.lo)
        }
    }

    /// " (log scale)" for log axes, to append to an axis title.
    pub fn scale_note(&self) -> &'static str {
        if self.log { ", log scale" } else { "" }
    }
}

fn pow10(d: i32) -> f64 {
    10f64.powi(d)
}

/// The smallest of 1, 2, 2.5, 5 x 10^k that is >= `raw`.
pub fn nice_step(raw: f64) -> f64 {
    if !(raw.is_finite() && raw > 0.0) {
        return 1.0;
    }
    let e = raw.log10().floor() as i32;
    let base = pow10(e);
    for m in [1.0, 2.0, 2.5, 5.0, 10.0] {
        if m * base >= raw * (1.0 - 1e-9) {
            return m * base;
        }
    }
    10.0 * base
}

fn nice_125_floor(v: f64) -> f64 {
    let e = v.log10().floor() as i32;
    let base = pow10(e);
    for m in [5.0, 2.0, 1.0] {
        if m * base <= v * (1.0 + 1e-9) {
            return m * base;
        }
    }
    base
}

fn nice_125_ceil(v: f64) -> f64 {
    let e = v.log10().floor() as i32;
    let base = pow10(e);
    for m in [1.0, 2.0, 5.0, 10.0] {
        if m * base >= v * (1.0 - 1e-9) {
            return m * base;
        }
    }
    10.0 * base
}

/// Label of a linear tick `v` on an axis of step `step`: as many decimals
/// as the step needs, and `k`/`M` suffixes for large values; steps of a
/// billion or more, or under a ten-thousandth, as `2.5e12`, so no label
/// runs to dozens of digits.
pub fn fmt_tick(v: f64, step: f64) -> String {
    if !(1e-4..1e9).contains(&step) {
        if v.abs() < step * 1e-9 {
            return "0".into();
        }
        let e = step.log10().floor() as i32;
        return format!("{}e{e}", trim_float(v / pow10(e)));
    }
    let (div, suffix) = if step >= 1e6 {
        (1e6, "M")
    } else if step >= 1e3 && step.max(v.abs()) >= 1e4 {
        (1e3, "k")
    } else {
        (1.0, "")
    };
    let s = step / div;
    // Fewest decimals that show the step exactly (0.25 -> 2, 2.5 -> 1).
    let decimals = (0..=9usize)
        .find(|d| {
            let scaled = s * 10f64.powi(*d as i32);
            (scaled - scaled.round()).abs() < 1e-6 * scaled.max(1.0)
        })
        .unwrap_or(9);
    let x = v / div;
    if x.abs() < s * 1e-9 {
        return "0".into();
    }
    format!("{x:.decimals$}{suffix}")
}

/// Label of a log tick: `0.01`, `1`, `500`, `10k`, `2M`, `1e9`.
pub fn fmt_log_tick(v: f64) -> String {
    if !(1e-4..1e9).contains(&v) {
        let e = v.log10().floor() as i32;
        let m = v / pow10(e);
        return if (m - 1.0).abs() < 1e-9 {
            format!("1e{e}")
        } else {
            format!("{}e{e}", m.round())
        };
    }
    if v >= 1e6 {
        format!("{}M", trim_float(v / 1e6))
    } else if v >= 1e4 {
        format!("{}k", trim_float(v / 1e3))
    } else {
        trim_float(v)
    }
}

fn trim_float(v: f64) -> String {
    let s = format!("{v:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

/// A value with about three significant digits, for point labels
/// (`0.0123`, `4.56`, `78.9`, `1234`).
pub fn fmt_sig(v: f64) -> String {
    if !v.is_finite() {
        return "-".into();
    }
    let a = v.abs();
    if a >= 1e9 || (a > 0.0 && a < 1e-6) {
        return format!("{v:.2e}");
    }
    let decimals = if a >= 100.0 || a == 0.0 {
        0
    } else if a >= 10.0 {
        1
    } else if a >= 1.0 {
        2
    } else {
        ((-a.log10()).floor() as usize + 3).min(9)
    };
    format!("{v:.decimals$}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(a: &Axis) -> Vec<&str> {
        a.ticks.iter().map(|t| t.label.as_str()).collect()
    }

    #[test]
    fn wide_positive_data_get_a_log_axis_with_decade_labels() {
        let a = Axis::fit(&[1.5, 30.0, 900.0], true, true);
        assert!(a.log);
        let l = labels(&a);
        for want in ["1", "10", "100", "1000"] {
            assert!(l.contains(&want), "{l:?}");
        }
        assert!(a.lo <= 1.5 && a.hi >= 900.0);
        assert!(!a.clamped);
    }

    #[test]
    fn narrow_data_get_a_linear_axis_from_zero() {
        let a = Axis::fit(&[12.0, 37.0], true, true);
        assert!(!a.log);
        assert_eq!(a.lo, 0.0);
        assert!(a.hi >= 37.0);
        assert_eq!(labels(&a)[0], "0");
        let a = Axis::fit(&[0.0, 60.0], false, false);
        assert_eq!((a.lo, a.hi), (0.0, 60.0));
        let a = Axis::fit(&[0.0, 345_000.0], true, false);
        assert_eq!(a.lo, 0.0);
        assert_eq!(labels(&a)[0], "0");
        assert!(labels(&a).contains(&"100k"), "{:?}", labels(&a));
    }

    #[test]
    fn zeros_on_a_log_axis_are_clamped_and_flagged() {
        let a = Axis::fit(&[0.0, 5.0, 50_000.0], true, true);
        assert!(a.log && a.clamped);
        assert_eq!(a.frac(0.0), 0.0);
        assert!(a.frac(a.lo) >= ZERO_GAP - 1e-9);
        assert_eq!(labels(&a)[0], "0");
        assert!(labels(&a).contains(&"10k"));
    }

    #[test]
    fn degenerate_inputs_do_not_panic() {
        for v in [
            vec![],
            vec![f64::NAN],
            vec![0.0],
            vec![7.0],
            vec![-3.0, -3.0],
        ] {
            let a = Axis::fit(&v, true, true);
            assert!(a.hi > a.lo, "{v:?}");
            assert!(!a.ticks.is_empty());
        }
        assert!(!Axis::fit(&[], true, true).has_data);
    }

    /// A CSV holding 1.7e308 once made tick generation loop for ever. Any
    /// input, however wide or extreme, gives a few ticks with short labels
    /// (the loops are bounded; were they not, this test would hang).
    #[test]
    fn tick_generation_is_bounded_for_any_range() {
        let cases: Vec<Vec<f64>> = vec![
            vec![1.7e308, 1.0],
            vec![f64::MAX, -f64::MAX],
            vec![f64::INFINITY, f64::NEG_INFINITY, 3.0],
            vec![5e-324, 1.0],
            vec![MIN_MAGNITUDE, MAX_MAGNITUDE],
            vec![0.0, MIN_MAGNITUDE, MAX_MAGNITUDE],
            vec![-MAX_MAGNITUDE, MAX_MAGNITUDE],
            vec![MAX_MAGNITUDE, MAX_MAGNITUDE],
            vec![MIN_MAGNITUDE, MIN_MAGNITUDE],
            vec![1e99, 1e99 * (1.0 + 1e-15)],
            vec![-0.0, -0.0],
            vec![-1e-100, 1e-100],
        ];
        for v in &cases {
            for (from_zero, allow_log) in [(true, true), (false, false), (true, false)] {
                let a = Axis::fit(v, from_zero, allow_log);
                let what = format!("{v:?} from_zero={from_zero} log={allow_log}");
                assert!(
                    a.lo.is_finite() && a.hi.is_finite() && a.hi > a.lo,
                    "{what}"
                );
                assert!((2..=26).contains(&a.ticks.len()), "{what}: {:?}", a.ticks);
                assert!(a.minor.len() <= 8 * 4, "{what}: {} minor", a.minor.len());
                for t in &a.ticks {
                    assert!(t.value.is_finite(), "{what}");
                    assert!(t.label.chars().count() <= 12, "{what}: {}", t.label);
                }
            }
        }
    }

    /// The time axis of 32 s of data ran to 40 s. It now ends where the
    /// data end, with nice ticks inside.
    #[test]
    fn exact_axis_ends_at_the_data() {
        let a = Axis::fit_exact(&[0.0, 1.0, 31.0, 32.0]);
        assert_eq!((a.lo, a.hi), (0.0, 32.0));
        assert_eq!(labels(&a), ["0", "10", "20", "30"]);
        let a = Axis::fit_exact(&[2.5, 22.0]);
        assert_eq!((a.lo, a.hi), (2.5, 22.0));
        assert_eq!(labels(&a), ["5", "10", "15", "20"]);
        assert!(a.ticks.iter().all(|t| t.value >= a.lo && t.value <= a.hi));
        // One instant: a padded range, as for any single value.
        let a = Axis::fit_exact(&[5.0, 5.0]);
        assert!(a.lo < 5.0 && a.hi > 5.0);
        assert!(!Axis::fit_exact(&[]).has_data);
        let a = Axis::fit_exact(&[-MAX_MAGNITUDE, MAX_MAGNITUDE, f64::INFINITY]);
        assert!(a.ticks.len() >= 2 && a.ticks.len() <= 26);
    }

    #[test]
    fn negative_values_keep_the_axis_linear() {
        let a = Axis::fit(&[-5.0, 1.0, 1000.0], true, true);
        assert!(!a.log && !a.clamped);
        assert!(a.lo <= -5.0 && a.hi >= 1000.0);
    }

    #[test]
    fn tick_labels() {
        assert_eq!(fmt_tick(0.5, 0.5), "0.5");
        assert_eq!(fmt_tick(2.5, 2.5), "2.5");
        assert_eq!(fmt_tick(0.25, 0.25), "0.25");
        assert_eq!(fmt_tick(20_000.0, 5000.0), "20k");
        assert_eq!(fmt_tick(2_500.0, 500.0), "2500");
        assert_eq!(fmt_tick(3_000_000.0, 1e6), "3M");
        assert_eq!(fmt_log_tick(0.01), "0.01");
        assert_eq!(fmt_log_tick(100_000.0), "100k");
        assert_eq!(fmt_log_tick(1e10), "1e10");
        assert_eq!(fmt_sig(0.012345), "0.0123");
        assert_eq!(fmt_sig(123.4), "123");
    }

    #[test]
    fn nice_steps() {
        assert_eq!(nice_step(0.7), 1.0);
        assert_eq!(nice_step(1.7), 2.0);
        assert_eq!(nice_step(2.2), 2.5);
        assert_eq!(nice_step(4000.0), 5000.0);
    }
}
