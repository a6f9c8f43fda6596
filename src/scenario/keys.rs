//! Every key of the scenario format, defined once.
//!
//! ======================================================================
//! A KEY IS DEFINED HERE, AND ONLY HERE.
//! ======================================================================
//! Each [`KeyDoc`] holds a key's path, type, default, allowed values
//! ([`Domain`]), unit and meaning. Everything else is derived from it, so a
//! bound or a default can never disagree between two places:
//! - the resolver reads a value's type and checks its bounds generically
//!   ([`Domain::float_ok`], [`Domain::int_range`], [`Domain::duration_ok`]);
//! - the message "must be ..." is [`KeyDoc::allowed`], generated from the
//!   bounds, so messages, `fanout check` and the docs cannot drift;
//! - `--set` and "did you mean" know the paths; the sweep asks
//!   [`key_type`](super::key_type) whether a key takes integers;
//! - the table of docs/scenario.md is generated from this list
//!   (`cargo run --example scenario-doc`; a test fails when it is stale).
//!
//! `default` is the TOML text of the value used when the key is absent
//! (`"60s"`, `4600.0`, `1_000_000`); the resolver parses it like a value from
//! the file. A default in parentheses, such as `(file stem)`, is not a
//! literal: the resolver computes it, or the key is absent by default.
//! Cross-key rules (replicas <= machines, exponent or mean) are code in the
//! resolver, and their keys use [`Domain::Rule`] with the text to print.
//!
//! The table itself is in `keys/model.rs` (run, population, workload,
//! cluster), `keys/resilience.rs` (faults, client policies) and
//! `keys/cost.rs` (the prices of the `[cost]` section).

use crate::sim::time::SimDuration;

mod cost;
mod model;
mod resilience;

pub(crate) use model::DISTS;
pub(crate) use resilience::FAULT_KINDS;

/// The type of a key's value, as the sweep and the docs need it.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum KeyType {
    /// A whole number (a float with an integral value is accepted too).
    Integer,
    /// A number (an integer is accepted too).
    Float,
    /// A quoted string with a unit (`"250ms"`).
    Duration,
    /// A string, often one of a fixed set.
    String,
    /// `true` or `false`.
    Boolean,
    /// A list of strings.
    Strings,
    /// An array of tables (`[[faults]]`).
    Tables,
}

impl KeyType {
    /// The name printed in the docs' type column and in `fanout check`.
    pub const fn name(self) -> &'static str {
        match self {
            KeyType::Integer => "integer",
            KeyType::Float => "float",
            KeyType::Duration => "duration",
            KeyType::String => "string",
            KeyType::Boolean => "boolean",
            KeyType::Strings => "array of strings",
            KeyType::Tables => "array of tables",
        }
    }
}

/// One end of a range of numbers.
#[derive(Copy, Clone, Debug, PartialEq)]
pub enum Bound {
    /// No bound on this side (a float must still be finite).
    Open,
    /// The value may equal it; two of them read "from A to B".
    Incl(f64),
    /// A lower bound the value may equal, read ">= A" even when the upper
    /// bound is inclusive too (the messages of `reads_per_sec` say so).
    AtLeast(f64),
    /// The value must be strictly beyond it.
    Excl(f64),
}

/// The lower end of a duration: durations are never negative, so the only
/// question is whether zero is allowed and whether the text says so.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum DurationMin {
    /// Zero is allowed, and the text does not say `>= 0` (a cross-key
    /// rule says what matters, as for `backoff_max`).
    Unstated,
    /// `>= 0`.
    Zero,
    /// `> 0`.
    Positive,
}

/// The values a key allows; the resolver checks them generically and
/// [`KeyDoc::allowed`] says them in words.
#[derive(Copy, Clone, Debug, PartialEq)]
pub enum Domain {
    /// An integer in `lo..=hi`; `zero` says what 0 means (`unbounded`), if
    /// anything.
    Int {
        /// Smallest value.
        lo: u64,
        /// Largest value.
        hi: u64,
        /// What 0 means, shown as `from 0 (unbounded)`; empty for nothing.
        zero: &'static str,
    },
    /// A finite float between two bounds.
    Float {
        /// How the text names it: `a number` or `a finite number`.
        noun: &'static str,
        /// Lower bound.
        lo: Bound,
        /// Upper bound.
        hi: Bound,
    },
    /// A duration with a unit, at most `max`.
    Duration {
        /// Whether zero is allowed.
        min: DurationMin,
        /// Largest value.
        max: SimDuration,
        /// An example for the text (`20us`), or empty.
        example: &'static str,
    },
    /// One of these strings.
    Choice(&'static [&'static str]),
    /// `true` or `false`.
    Bool,
    /// An array of tables, each checked against the keys `<key>[].*`.
    Tables,
    /// Checked by code in the resolver (a cross-key rule, or a format of
    /// its own such as a seed or a hedge); the text says what is allowed.
    Rule(KeyType, &'static str),
    /// A list of distinct strategy names; the names and aliases come from
    /// the strategy table, so a new strategy is allowed without editing
    /// this file.
    Strategies,
}

impl Domain {
    /// True when `x` is finite and within the bounds of a float domain.
    pub fn float_ok(&self, x: f64) -> bool {
        let Domain::Float { lo, hi, .. } = *self else {
            return false;
        };
        let above = match lo {
            Bound::Open => true,
            Bound::Incl(b) | Bound::AtLeast(b) => x >= b,
            Bound::Excl(b) => x > b,
        };
        let below = match hi {
            Bound::Open => true,
            Bound::Incl(b) | Bound::AtLeast(b) => x <= b,
            Bound::Excl(b) => x < b,
        };
        x.is_finite() && above && below
    }

    /// The inclusive range of an integer domain.
    pub fn int_range(&self) -> Option<(u64, u64)> {
        match *self {
            Domain::Int { lo, hi, .. } => Some((lo, hi)),
            _ => None,
        }
    }

    /// True when `d` is within the bounds of a duration domain.
    pub fn duration_ok(&self, d: SimDuration) -> bool {
        match *self {
            Domain::Duration { min, max, .. } => {
                (min != DurationMin::Positive || d > SimDuration::ZERO) && d <= max
            }
            _ => false,
        }
    }
}

/// One key of the format: the single definition of its path, type, default,
/// allowed values, unit and meaning.
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct KeyDoc {
    /// Dotted path; `[]` stands for any index (`workload.events[].at`).
    pub key: &'static str,
    /// Value type; see [`KeyType`].
    pub ty: KeyType,
    /// The type's name (`integer`, `duration`, ...), as [`KeyType::name`].
    pub kind: &'static str,
    /// TOML text of the default, or a description in parentheses when the
    /// default is computed or absent (`(file stem)`, `(required)`).
    pub default: &'static str,
    /// What is allowed, checked by the resolver.
    pub domain: Domain,
    /// Unit of a number, shown after its range (`posts per simulated
    /// second`); empty when the range says enough.
    pub unit: &'static str,
    /// Text appended to the allowed values: conditions such as `; only
    /// with dist = "lognormal"`, including its leading separator.
    pub note: &'static str,
    /// One-line meaning, with the source of the default where there is one.
    pub doc: &'static str,
}

impl KeyDoc {
    /// A key with no unit and no note.
    pub(crate) const fn new(
        key: &'static str,
        domain: Domain,
        default: &'static str,
        doc: &'static str,
    ) -> KeyDoc {
        let ty = match domain {
            Domain::Int { .. } => KeyType::Integer,
            Domain::Float { .. } => KeyType::Float,
            Domain::Duration { .. } => KeyType::Duration,
            Domain::Choice(_) => KeyType::String,
            Domain::Bool => KeyType::Boolean,
            Domain::Tables => KeyType::Tables,
            Domain::Rule(ty, _) => ty,
            Domain::Strategies => KeyType::Strings,
        };
        KeyDoc {
            key,
            ty,
            kind: ty.name(),
            default,
            domain,
            unit: "",
            note: "",
            doc,
        }
    }

    /// The same key with a note after its allowed values.
    pub(crate) const fn note(mut self, note: &'static str) -> KeyDoc {
        self.note = note;
        self
    }

    /// The same key with a unit after its range.
    pub(crate) const fn unit(mut self, unit: &'static str) -> KeyDoc {
        self.unit = unit;
        self
    }

    /// True when the default is computed or absent rather than a literal.
    pub fn computed_default(&self) -> bool {
        self.default.starts_with('(')
    }

    /// What is allowed, in words; completes "must be ..." in error messages,
    /// and is the allowed column of docs/scenario.md.
    pub fn allowed(&self) -> String {
        let mut s = match self.domain {
            Domain::Int { lo, hi, zero } => {
                let zero = if zero.is_empty() {
                    String::new()
                } else {
                    format!(" ({zero})")
                };
                format!("an integer from {lo}{zero} to {hi}")
            }
            Domain::Float { noun, lo, hi } => format!("{noun} {}", range(lo, hi)),
            Domain::Duration { min, max, example } => {
                let min = match min {
                    DurationMin::Unstated => "",
                    DurationMin::Zero => " >= 0",
                    DurationMin::Positive => " > 0",
                };
                let example = if example.is_empty() {
                    String::new()
                } else {
                    format!(", as in \"{example}\"")
                };
                let max = format!(", at most {}", hours(max));
                format!("a duration{min} with a unit{example}{max}")
            }
            Domain::Choice(options) => {
                let quoted: Vec<String> = options.iter().map(|o| format!("\"{o}\"")).collect();
                format!("one of {}", quoted.join(", "))
            }
            Domain::Bool => "true or false".to_string(),
            Domain::Tables => format!("zero or more [[{}]] tables", self.key),
            Domain::Rule(_, text) => text.to_string(),
            Domain::Strategies => {
                let names: Vec<String> = crate::model::strategy::STRATEGIES
                    .iter()
                    .map(|s| match s.aliases {
                        [] => format!("\"{}\"", s.name),
                        a => format!("\"{}\" (or \"{}\")", s.name, a.join("\", \"")),
                    })
                    .collect();
                format!(
                    "a non-empty list of distinct names from {}",
                    names.join(", ")
                )
            }
        };
        if !self.unit.is_empty() {
            s.push_str(&format!(" ({})", self.unit));
        }
        s.push_str(self.note);
        s
    }
}

/// A whole number of hours as `1h`, anything else as [`SimDuration`] shows it.
fn hours(d: SimDuration) -> String {
    let ns = d.as_nanos();
    let hour = 3_600_000_000_000;
    if ns.is_multiple_of(hour) {
        format!("{}h", ns / hour)
    } else {
        d.to_string()
    }
}

/// `from 1 to 100`, `> 0 and at most 1e8`, `>= 0 and below 1`, `> 1`.
fn range(lo: Bound, hi: Bound) -> String {
    if let (Bound::Incl(a), Bound::Incl(b)) = (lo, hi) {
        return format!("from {} to {}", number(a), number(b));
    }
    let low = match lo {
        Bound::Open => String::new(),
        Bound::Incl(a) | Bound::AtLeast(a) => format!(">= {}", number(a)),
        Bound::Excl(a) => format!("> {}", number(a)),
    };
    let high = match hi {
        Bound::Open => String::new(),
        Bound::Incl(b) | Bound::AtLeast(b) => format!("at most {}", number(b)),
        Bound::Excl(b) => format!("below {}", number(b)),
    };
    match (low.is_empty(), high.is_empty()) {
        (false, false) => format!("{low} and {high}"),
        (true, _) => high,
        (false, true) => low,
    }
}

/// A bound as people write it: powers of ten from a million up as `1e6`,
/// others in plain decimal.
fn number(x: f64) -> String {
    if x >= 1e6 {
        let e = x.log10().round();
        if 10f64.powi(e as i32) == x {
            return format!("1e{e}");
        }
    }
    format!("{x}")
}

/// An integer from `lo` to `hi`.
pub(crate) const fn int(lo: u64, hi: u64) -> Domain {
    Domain::Int { lo, hi, zero: "" }
}

/// An integer from 0 to `hi`, where 0 means `zero`.
pub(crate) const fn int0(zero: &'static str, hi: u64) -> Domain {
    Domain::Int { lo: 0, hi, zero }
}

/// A float between `lo` and `hi`, named "a number".
pub(crate) const fn number_in(lo: Bound, hi: Bound) -> Domain {
    Domain::Float {
        noun: "a number",
        lo,
        hi,
    }
}

/// A float between `lo` and `hi`, named "a finite number".
pub(crate) const fn finite_in(lo: Bound, hi: Bound) -> Domain {
    Domain::Float {
        noun: "a finite number",
        lo,
        hi,
    }
}

/// Longest time one request, hop or wait may take: an hour. A service time,
/// network delay, timeout or backoff longer than that is an outage, which
/// `[[faults]]` models; the bound keeps every sum the model forms from them
/// (a request's hops, service, merge, retries and backoffs) far inside the
/// 584 years a u64 nanosecond clock holds.
pub const MAX_DELAY: SimDuration = SimDuration::from_secs(3600);

/// Longest span: a simulated year (the run, warm-up included, a burst, a
/// fault, a diurnal period, one request at its largest item count).
pub const MAX_SPAN: SimDuration = SimDuration::from_secs(8760 * 3600);

/// A duration of at least `min` and at most [`MAX_DELAY`], shown with
/// `example`: a time one request, hop or wait takes.
pub(crate) const fn delay(min: DurationMin, example: &'static str) -> Domain {
    Domain::Duration {
        min,
        max: MAX_DELAY,
        example,
    }
}

/// A duration of at least `min` and at most [`MAX_SPAN`], shown with
/// `example`: a length of (part of) the run.
pub(crate) const fn span(min: DurationMin, example: &'static str) -> Domain {
    Domain::Duration {
        min,
        max: MAX_SPAN,
        example,
    }
}

/// A key that holds an array of tables (`[[workload.events]]`): each entry
/// is a table whose keys are `<key>[].<name>` in the table of keys.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) struct ArrayKey {
    /// The dotted path of the array (`workload.events`).
    pub key: &'static str,
    /// What one entry is called in messages (`event`).
    pub item: &'static str,
    /// A key of an entry, for examples in messages (`at`).
    pub example: &'static str,
}

/// The list of scheduled events.
pub(crate) const EVENTS: ArrayKey = ArrayKey {
    key: "workload.events",
    item: "event",
    example: "at",
};

/// The list of injected faults.
pub(crate) const FAULTS: ArrayKey = ArrayKey {
    key: "faults",
    item: "fault",
    example: "at",
};

/// Every array of tables of the format.
const ARRAYS: [ArrayKey; 2] = [EVENTS, FAULTS];

/// The array of tables at the normalised path `norm`, if it is one.
pub(crate) fn array(norm: &str) -> Option<&'static ArrayKey> {
    ARRAYS.iter().find(|a| a.key == norm)
}

/// Copies the parts into one array at compile time.
const fn concat_all<const N: usize>(parts: &[&[KeyDoc]]) -> [KeyDoc; N] {
    let mut out = [KeyDoc::new("", Domain::Bool, "", ""); N];
    let mut n = 0;
    let mut p = 0;
    while p < parts.len() {
        let mut i = 0;
        while i < parts[p].len() {
            out[n] = parts[p][i];
            n += 1;
            i += 1;
        }
        p += 1;
    }
    assert!(n == N, "KEYS length mismatch");
    out
}

/// How many keys there are.
const COUNT: usize = model::KEYS.len() + resilience::KEYS.len() + cost::KEYS.len();

/// The table, in the order of the documentation.
pub(crate) static KEYS: [KeyDoc; COUNT] =
    concat_all(&[&model::KEYS, &resilience::KEYS, &cost::KEYS]);

/// The entry for a normalised key path (`workload.events[].at`).
pub(crate) fn find(norm: &str) -> Option<&'static KeyDoc> {
    KEYS.iter().find(|k| k.key == norm)
}

/// True when `norm` names a table of the format (`cluster`,
/// `cluster.tweet_store.write`, `workload.events[]`), i.e. a proper prefix of
/// some key.
pub(crate) fn is_section(norm: &str) -> bool {
    !norm.is_empty()
        && KEYS.iter().any(|k| {
            k.key.len() > norm.len()
                && k.key.starts_with(norm)
                && matches!(k.key.as_bytes()[norm.len()], b'.')
        })
}

/// The names directly inside a section (`""` is the top level), in table
/// order, without duplicates; subsections are included by name.
pub(crate) fn children(section: &str) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for k in KEYS.iter() {
        let rest = if section.is_empty() {
            Some(k.key)
        } else {
            k.key
                .strip_prefix(section)
                .and_then(|r| r.strip_prefix('.'))
        };
        if let Some(rest) = rest {
            let name = rest.split('.').next().unwrap_or(rest);
            let name = name.strip_suffix("[]").unwrap_or(name);
            if !name.is_empty() && !out.contains(&name) {
                out.push(name);
            }
        }
    }
    out
}
