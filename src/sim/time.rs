//! Simulated time as integer nanoseconds.
//!
//! Floating-point clocks drift and make ties depend on rounding; an integer
//! nanosecond clock (as in nexosim and simcore) is exact, totally ordered and
//! covers 584 years in a `u64`. [`SimTime`] is an instant since the start of a
//! run; [`SimDuration`] is a span. The `+` operators saturate at `MAX`,
//! which stands for "never" (a random draw from a heavy-tailed shape is not
//! bounded by validation, and must not panic a run); the `checked_*`
//! methods report overflow as `None` where a caller must know.

use std::fmt;
use std::ops::{Add, AddAssign, Sub};

/// An instant of simulated time, in nanoseconds since the start of the run.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SimTime(u64);

/// A span of simulated time, in nanoseconds.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SimDuration(u64);

impl SimTime {
    /// The start of every run.
    pub const ZERO: SimTime = SimTime(0);
    /// The latest representable instant.
    pub const MAX: SimTime = SimTime(u64::MAX);

    /// An instant `ns` nanoseconds after the start.
    pub const fn from_nanos(ns: u64) -> Self {
        SimTime(ns)
    }
    /// Nanoseconds since the start.
    pub const fn as_nanos(self) -> u64 {
        self.0
    }
    /// Seconds since the start, as a float (for reports only).
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / 1e9
    }
    /// `self + d`, or `None` on overflow.
    pub fn checked_add(self, d: SimDuration) -> Option<SimTime> {
        self.0.checked_add(d.0).map(SimTime)
    }
    /// The span from `earlier` to `self`, or `None` if `earlier` is later.
    pub fn checked_since(self, earlier: SimTime) -> Option<SimDuration> {
        self.0.checked_sub(earlier.0).map(SimDuration)
    }
    /// The span from `earlier` to `self`, zero if `earlier` is later.
    pub fn saturating_since(self, earlier: SimTime) -> SimDuration {
        SimDuration(self.0.saturating_sub(earlier.0))
    }
}

impl SimDuration {
    /// No time at all.
    pub const ZERO: SimDuration = SimDuration(0);
    /// The longest representable span.
    pub const MAX: SimDuration = SimDuration(u64::MAX);

    /// A span of `ns` nanoseconds.
    pub const fn from_nanos(ns: u64) -> Self {
        SimDuration(ns)
    }
    /// A span of `us` microseconds.
    pub const fn from_micros(us: u64) -> Self {
        SimDuration(us * 1_000)
    }
    /// A span of `ms` milliseconds.
    pub const fn from_millis(ms: u64) -> Self {
        SimDuration(ms * 1_000_000)
    }
    /// A span of `s` seconds.
    pub const fn from_secs(s: u64) -> Self {
        SimDuration(s * 1_000_000_000)
    }
    /// A span of `s` seconds rounded to the nearest nanosecond; `None` when
    /// `s` is negative, not finite, or too large.
    pub fn try_from_secs_f64(s: f64) -> Option<Self> {
        let ns = (s * 1e9).round();
        if !ns.is_finite() || ns < 0.0 || ns >= u64::MAX as f64 {
            return None;
        }
        Some(SimDuration(ns as u64))
    }
    /// A span of `s` seconds, saturating at zero and at [`SimDuration::MAX`]
    /// (for sampled delays, where a huge draw means "effectively forever").
    pub fn from_secs_f64_saturating(s: f64) -> Self {
        let ns = (s * 1e9).round();
        if ns.is_nan() || ns <= 0.0 {
            SimDuration(0)
        } else if ns >= u64::MAX as f64 {
            SimDuration::MAX
        } else {
            SimDuration(ns as u64)
        }
    }
    /// Nanoseconds in the span.
    pub const fn as_nanos(self) -> u64 {
        self.0
    }
    /// Seconds in the span, as a float.
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / 1e9
    }
    /// Milliseconds in the span, as a float.
    pub fn as_millis_f64(self) -> f64 {
        self.0 as f64 / 1e6
    }
    /// `self + other`, or `None` on overflow.
    pub fn checked_add(self, other: SimDuration) -> Option<SimDuration> {
        self.0.checked_add(other.0).map(SimDuration)
    }
    /// `self * k`, or `None` on overflow.
    pub fn checked_mul(self, k: u64) -> Option<SimDuration> {
        self.0.checked_mul(k).map(SimDuration)
    }
    /// `self + other`, saturating at [`SimDuration::MAX`].
    pub fn saturating_add(self, other: SimDuration) -> SimDuration {
        SimDuration(self.0.saturating_add(other.0))
    }

    /// Parses a duration with a unit: `60s`, `250ms`, `40us`, `1.5s`, `2m`,
    /// `1h`, `100ns` (also `µs`). A bare number is refused, because a missing
    /// unit is the commonest way to be off by a factor of a thousand.
    pub fn parse(text: &str) -> Result<SimDuration, ParseDurationError> {
        let t = text.trim();
        if t.starts_with('-') {
            return Err(ParseDurationError::new(
                text,
                "it must be >= 0: a span of time is never negative",
            ));
        }
        let split = t
            .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '_'))
            .ok_or_else(|| ParseDurationError::new(text, "a unit is missing"))?;
        let (num, unit) = t.split_at(split);
        let num: String = num.chars().filter(|&c| c != '_').collect();
        if num.is_empty() {
            return Err(ParseDurationError::new(text, "a number is missing"));
        }
        let value: f64 = num
            .parse()
            .map_err(|_| ParseDurationError::new(text, "the number is not valid"))?;
        let scale = match unit.trim() {
            "ns" => 1.0,
            "us" | "µs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" | "min" => 60e9,
            "h" => 3600e9,
            u if exponent(u) => {
                return Err(ParseDurationError::new(
                    text,
                    "exponents are not allowed; write the number in full or pick a larger unit, as in 1000s or 1h",
                ));
            }
            _ => return Err(ParseDurationError::new(text, "the unit is not known")),
        };
        let ns = (value * scale).round();
        if !ns.is_finite() || ns >= u64::MAX as f64 {
            return Err(ParseDurationError::new(text, "it is too long"));
        }
        Ok(SimDuration(ns as u64))
    }
}

/// True when `unit` is the exponent of a number in scientific notation
/// (`e3s`, `E-6ms`, `e+2h`), which the parser does not take: a reader of
/// `1e3s` should not have to wonder whether `e3s` is a unit.
fn exponent(unit: &str) -> bool {
    let mut c = unit.trim().chars();
    matches!(c.next(), Some('e' | 'E')) && matches!(c.next(), Some('0'..='9' | '+' | '-'))
}

/// Why a duration string was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseDurationError {
    text: String,
    why: &'static str,
}

impl ParseDurationError {
    fn new(text: &str, why: &'static str) -> Self {
        ParseDurationError {
            text: text.to_string(),
            why,
        }
    }
}

impl fmt::Display for ParseDurationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "'{}' is not a duration ({}); use a number and a unit: ns, us, ms, s, m or h, as in 250ms or 1.5s",
            self.text, self.why
        )
    }
}

impl std::error::Error for ParseDurationError {}

impl fmt::Display for SimDuration {
    /// The shortest exact form with a unit, e.g. `1.5s`, `250ms`, `40us`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ns = self.0;
        let units: [(u64, &str); 4] = [
            (1_000_000_000, "s"),
            (1_000_000, "ms"),
            (1_000, "us"),
            (1, "ns"),
        ];
        if ns == 0 {
            return write!(f, "0s");
        }
        for (scale, unit) in units {
            if ns >= scale {
                let whole = ns / scale;
                let frac = ns % scale;
                if frac == 0 {
                    return write!(f, "{whole}{unit}");
                }
                let digits = scale.ilog10() as usize;
                let frac = format!("{frac:0digits$}");
                return write!(f, "{whole}.{}{unit}", frac.trim_end_matches('0'));
            }
        }
        unreachable!("ns > 0 is at least one nanosecond")
    }
}

impl fmt::Display for SimTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "t={}", SimDuration(self.0))
    }
}

impl Add<SimDuration> for SimTime {
    type Output = SimTime;
    /// Saturates at [`SimTime::MAX`] (584 years), which stands for "never".
    ///
    /// Validation bounds every configured duration and every sum of them
    /// (scenario::resolve's limits), but a random draw from a heavy-tailed
    /// shape (Pareto with alpha near 1, log-normal with a large cv) is not
    /// bounded by its mean: a single draw can be 1e16 times it. Saturating
    /// keeps such a run from panicking; an event at `MAX` lies past every
    /// run's drain horizon, so it is never processed, and the work behind it
    /// is reported as pending. Use [`SimTime::checked_add`] to detect it.
    #[inline]
    fn add(self, d: SimDuration) -> SimTime {
        SimTime(self.0.saturating_add(d.0))
    }
}

impl AddAssign<SimDuration> for SimTime {
    fn add_assign(&mut self, d: SimDuration) {
        *self = *self + d;
    }
}

impl Add for SimDuration {
    type Output = SimDuration;
    /// Saturates at [`SimDuration::MAX`], for the reason given on
    /// `SimTime + SimDuration`.
    #[inline]
    fn add(self, d: SimDuration) -> SimDuration {
        self.saturating_add(d)
    }
}

impl Sub for SimTime {
    type Output = SimDuration;
    /// Panics if `rhs` is later than `self`.
    fn sub(self, rhs: SimTime) -> SimDuration {
        self.checked_since(rhs)
            .expect("subtracted a later simulated time from an earlier one")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adding_past_584_years_saturates_instead_of_panicking() {
        let late = SimTime::from_nanos(u64::MAX - 5);
        assert_eq!(late + SimDuration::from_nanos(10), SimTime::MAX);
        assert_eq!(
            SimDuration::MAX + SimDuration::from_nanos(1),
            SimDuration::MAX
        );
        assert_eq!(late.checked_add(SimDuration::from_nanos(10)), None);
    }

    #[test]
    fn parses_the_documented_forms() {
        assert_eq!(SimDuration::parse("60s"), Ok(SimDuration::from_secs(60)));
        assert_eq!(
            SimDuration::parse("250ms"),
            Ok(SimDuration::from_millis(250))
        );
        assert_eq!(SimDuration::parse("40us"), Ok(SimDuration::from_micros(40)));
        assert_eq!(
            SimDuration::parse("1.5s"),
            Ok(SimDuration::from_millis(1500))
        );
        assert_eq!(SimDuration::parse("2m"), Ok(SimDuration::from_secs(120)));
        assert_eq!(
            SimDuration::parse("12h"),
            Ok(SimDuration::from_secs(43_200))
        );
        assert_eq!(
            SimDuration::parse("100ns"),
            Ok(SimDuration::from_nanos(100))
        );
        assert_eq!(SimDuration::parse("1_000ms"), Ok(SimDuration::from_secs(1)));
    }

    #[test]
    fn refuses_nonsense() {
        for bad in ["", "60", "s", "1.2.3s", "5 parsecs", "-1s", "1e400s", "ms5"] {
            assert!(SimDuration::parse(bad).is_err(), "{bad:?} was accepted");
        }
        let msg = SimDuration::parse("60").unwrap_err().to_string();
        assert!(msg.contains("'60'") && msg.contains("unit"), "{msg}");
    }

    #[test]
    fn displays_round_trip() {
        for text in ["1.5s", "250ms", "40us", "7ns", "2.000001s", "0s"] {
            let d = SimDuration::parse(text).unwrap();
            assert_eq!(d.to_string(), text);
            assert_eq!(SimDuration::parse(&d.to_string()).unwrap(), d);
        }
    }

    #[test]
    fn arithmetic_is_checked() {
        assert_eq!(SimTime::MAX.checked_add(SimDuration::from_nanos(1)), None);
        assert_eq!(SimTime::ZERO.checked_since(SimTime::from_nanos(1)), None);
        let t = SimTime::from_nanos(5) + SimDuration::from_nanos(7);
        assert_eq!(t.as_nanos(), 12);
        assert_eq!(t - SimTime::from_nanos(2), SimDuration::from_nanos(10));
        assert_eq!(SimDuration::try_from_secs_f64(-1.0), None);
        assert_eq!(SimDuration::try_from_secs_f64(f64::NAN), None);
        assert_eq!(
            SimDuration::from_secs_f64_saturating(1e30),
            SimDuration::MAX
        );
    }
}
