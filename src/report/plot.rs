//! `fanout plot`: draws one SVG from the CSVs the other commands write.
//!
//! The kind of CSV is recognised from its header ([`classify`]):
//!
//! - a summary (`fanout run --csv`) gives response-time percentiles per
//!   strategy: read, post and delivery p50/p99/p99.9, one panel each;
//! - a time series (`fanout run --timeseries`) gives timeline writes/s and
//!   read p99 over simulated time, with scheduled events marked, and, when
//!   faults cost reads or client policies did work (issue #5's columns),
//!   the share of reads answered in full and the policy counters;
//! - a sweep (`fanout sweep --csv`) gives the trade-off: timeline writes/s
//!   against read p99, one point per (strategy, sweep point), labelled with
//!   the varied values, and the Pareto front joined by a line.
//!
//! The SVG is written by hand (see `svg.rs`) rather than with plotters: with
//! no font backend plotters can only guess text sizes, and the plots need
//! control it does not give easily (log ticks labelled 1, 10, 100, labels
//! placed to avoid each other, a legend outside the data, event labels).
//! Every coordinate is printed with fixed decimals and nothing depends on
//! hash order or the clock, so the same CSVs give the same bytes.

mod axis;
mod legend;
mod summary;
mod svg;
mod sweep;
mod timeseries;

use crate::error::{FanoutError, Result};
use crate::output::{check_writable, write_atomic};
use std::path::{Path, PathBuf};

/// The 21 first columns of the summary CSV (DESIGN.md contract), which a
/// summary or sweep CSV starts with.
pub const SUMMARY_COLUMNS: [&str; 21] = [
    "scenario",
    "strategy",
    "seed",
    "sim_seconds",
    "users",
    "tweets_per_sec",
    "reads_per_sec",
    "mean_fanout_per_tweet",
    "timeline_writes_per_sec",
    "store_reads_per_sec",
    "read_p50_ms",
    "read_p99_ms",
    "read_p999_ms",
    "post_p50_ms",
    "post_p99_ms",
    "post_p999_ms",
    "delivery_p50_ms",
    "delivery_p99_ms",
    "delivery_p999_ms",
    "events",
    "wall_seconds",
];

/// The columns of the time-series CSV (those its exporter writes); later
/// columns are ignored. Files written before the resilience columns (the
/// last eight) existed lack them and still plot, without those panels.
pub const TIMESERIES_COLUMNS: [&str; 26] = super::series::COLUMNS;

/// What kind of CSV a header is, which decides the plot drawn from it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CsvKind {
    /// `fanout run --csv`: one row per strategy (and seed).
    Summary,
    /// `fanout run --timeseries`: one row per strategy and interval.
    TimeSeries,
    /// `fanout sweep --csv`: summary rows plus one column per varied key.
    Sweep,
}

impl CsvKind {
    /// The kind's name in error messages.
    pub fn describe(self) -> &'static str {
        match self {
            CsvKind::Summary => "a summary CSV (fanout run --csv)",
            CsvKind::TimeSeries => "a time-series CSV (fanout run --timeseries)",
            CsvKind::Sweep => "a sweep CSV (fanout sweep --csv)",
        }
    }
}

/// Recognises a CSV from its header, so `fanout plot` needs no flag saying
/// what it was given.
///
/// - Time series: the header has `t_start_s` and `t_end_s`.
/// - Summary or sweep: the header has `strategy` and `read_p99_ms`; it is a
///   sweep when it has at least one varied-key column ([`varied_columns`]).
/// - Anything else: `None`.
///
/// Names are compared after trimming spaces. Which other columns a plot
/// needs is checked when drawing it, so the error can name the one missing.
pub fn classify(header: &[String]) -> Option<CsvKind> {
    let has = |name: &str| header.iter().any(|h| h.trim() == name);
    if has("t_start_s") && has("t_end_s") {
        Some(CsvKind::TimeSeries)
    } else if has("strategy") && has("read_p99_ms") {
        if varied_columns(header).is_empty() {
            Some(CsvKind::Summary)
        } else {
            Some(CsvKind::Sweep)
        }
    } else {
        None
    }
}

/// The indices of a sweep's varied-key columns. A column is a varied key
/// iff its name is a dotted key path (contains a `.`: no summary column
/// does), or is one of the top-level scenario keys `duration` or `warmup`
/// (not summary columns either), or is a second column named `seed` (the
/// summary has its own `seed`; a varied seed repeats the name). This does
/// not depend on the number or names of the summary's extra columns, which
/// may grow.
pub fn varied_columns(header: &[String]) -> Vec<usize> {
    let mut seen_seed = false;
    let mut out = Vec::new();
    for (i, h) in header.iter().enumerate() {
        let h = h.trim();
        let varied = match h {
            "seed" => std::mem::replace(&mut seen_seed, true),
            "duration" | "warmup" => true,
            _ => h.contains('.'),
        };
        if varied {
            out.push(i);
        }
    }
    out
}

/// The Pareto front of `(cost_x, cost_y)` points where lower is better on
/// both axes: the indices of points that no other point dominates (is <= on
/// both and < on one), sorted by x then y. Points with a NaN are never on
/// the front. Equal points are all kept.
pub fn pareto_front(points: &[(f64, f64)]) -> Vec<usize> {
    let ok = |p: &(f64, f64)| !p.0.is_nan() && !p.1.is_nan();
    let mut front: Vec<usize> = (0..points.len())
        .filter(|&i| ok(&points[i]))
        .filter(|&i| {
            let (x, y) = points[i];
            !points
                .iter()
                .any(|q| ok(q) && q.0 <= x && q.1 <= y && (q.0 < x || q.1 < y))
        })
        .collect();
    front.sort_by(|&a, &b| {
        points[a]
            .0
            .total_cmp(&points[b].0)
            .then(points[a].1.total_cmp(&points[b].1))
            .then(a.cmp(&b))
    });
    front
}

/// Reads the CSVs, recognises their kind, and draws one SVG, written
/// atomically to `out` (`-` = standard output). Several inputs must be of
/// the same kind; their rows are concatenated. Bad input (missing, empty or
/// unknown file, mixed kinds, a cell that is not a number) is
/// [`FanoutError::Input`] with one line naming the file.
pub fn plot(inputs: &[PathBuf], out: &Path) -> Result<()> {
    check_writable("-o", out)?;
    let svg = render(inputs)?;
    write_atomic(out, |w| w.write_all(svg.as_bytes()))
}

/// The SVG text for `inputs`, without writing it anywhere.
pub fn render(inputs: &[PathBuf]) -> Result<String> {
    if inputs.is_empty() {
        return Err(FanoutError::input(
            "fanout plot: no CSV file given; pass one or more CSVs written by fanout run or fanout sweep",
        ));
    }
    let tables = inputs
        .iter()
        .map(|p| Table::load(p))
        .collect::<Result<Vec<_>>>()?;
    let mut kinds = Vec::with_capacity(tables.len());
    for t in &tables {
        match classify(&t.header) {
            Some(k) => kinds.push(k),
            None => {
                return Err(FanoutError::input(format!(
                    "{}: not a fanout CSV: header '{}' has none of the recognised columns \
                     (summary or sweep: strategy, read_p99_ms, ...; time series: t_start_s, t_end_s, ...)",
                    t.name,
                    svg::truncate(&t.header.join(","), 80)
                )));
            }
        }
    }
    if kinds.iter().any(|k| *k != kinds[0]) {
        let list: Vec<String> = tables
            .iter()
            .zip(&kinds)
            .map(|(t, k)| format!("{} is {}", t.name, k.describe()))
            .collect();
        return Err(FanoutError::input(format!(
            "cannot plot different kinds of CSV together: {}; plot them separately",
            list.join(", ")
        )));
    }
    match kinds[0] {
        CsvKind::Summary => summary::draw(&tables),
        CsvKind::TimeSeries => timeseries::draw(&tables),
        CsvKind::Sweep => sweep::draw(&tables),
    }
}

/// One CSV file, read whole: header and rows of text cells.
struct Table {
    /// The path as given, for error messages.
    name: String,
    header: Vec<String>,
    rows: Vec<Record>,
}

/// One data row and the line it came from.
struct Record {
    line: u64,
    cells: Vec<String>,
}

impl Table {
    fn load(path: &Path) -> Result<Table> {
        let name = path.display().to_string();
        let bytes = std::fs::read(path)
            .map_err(|e| FanoutError::input(format!("{name}: cannot read the CSV: {e}")))?;
        if bytes.iter().all(|b| b.is_ascii_whitespace()) {
            return Err(FanoutError::input(format!(
                "{name}: empty file; expected a CSV written by fanout run --csv, \
                 fanout run --timeseries or fanout sweep --csv"
            )));
        }
        let one_line = |e: csv::Error| {
            FanoutError::input(format!(
                "{name}: not a readable CSV: {}",
                e.to_string().replace('\n', " ")
            ))
        };
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(bytes.as_slice());
        let header: Vec<String> = rdr
            .headers()
            .map_err(one_line)?
            .iter()
            .map(|h| h.trim().to_string())
            .collect();
        let mut rows = Vec::new();
        for rec in rdr.records() {
            let rec = rec.map_err(one_line)?;
            let line = rec.position().map(|p| p.line()).unwrap_or(0);
            rows.push(Record {
                line,
                cells: rec.iter().map(|c| c.trim().to_string()).collect(),
            });
        }
        if rows.is_empty() {
            return Err(FanoutError::input(format!(
                "{name}: the CSV has a header but no rows to plot"
            )));
        }
        Ok(Table { name, header, rows })
    }

    /// Index of a column the plot needs.
    fn col(&self, column: &str, plot: &str) -> Result<usize> {
        self.opt_col(column).ok_or_else(|| {
            FanoutError::input(format!(
                "{}: no column '{column}', which the {plot} plot needs",
                self.name
            ))
        })
    }

    /// Index of an optional column (the first, if repeated).
    fn opt_col(&self, column: &str) -> Option<usize> {
        self.header.iter().position(|h| h == column)
    }

    /// Text of a cell ("" if the row is short).
    fn text<'a>(&self, row: &'a Record, col: usize) -> &'a str {
        row.cells.get(col).map(String::as_str).unwrap_or("")
    }

    /// A cell as a number: empty (or NaN, or infinite) means no value and
    /// gives NaN; anything else that is not a number is an input error.
    fn num(&self, row: &Record, col: usize) -> Result<f64> {
        let cell = self.text(row, col);
        if cell.is_empty() {
            return Ok(f64::NAN);
        }
        match cell.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(v),
            Ok(_) => Ok(f64::NAN),
            Err(_) => Err(FanoutError::input(format!(
                "{}: line {}, column {}: '{}' is not a number",
                self.name,
                row.line,
                self.header.get(col).map(String::as_str).unwrap_or("?"),
                svg::truncate(cell, 40)
            ))),
        }
    }
}

/// Distinct scenario names and seeds of the plotted rows, for titles.
#[derive(Default)]
struct Provenance {
    scenarios: Vec<String>,
    seeds: Vec<String>,
}

impl Provenance {
    fn add(&mut self, scenario: &str, seed: &str) {
        if !self.scenarios.iter().any(|s| s == scenario) {
            self.scenarios.push(scenario.to_string());
        }
        if !self.seeds.iter().any(|s| s == seed) {
            self.seeds.push(seed.to_string());
        }
    }

    /// `"celebrity (seed 42)"`, `"a, b (seeds 1-5)"`.
    fn describe(&self) -> String {
        let scen = match self.scenarios.len() {
            0 => "unnamed scenario".to_string(),
            1..=3 => self.scenarios.join(", "),
            n => format!("{n} scenarios"),
        };
        format!("{scen} ({})", describe_seeds(&self.seeds))
    }
}

fn describe_seeds(seeds: &[String]) -> String {
    match seeds.len() {
        0 => "no seed".into(),
        1 => format!("seed {}", seeds[0]),
        n => {
            let mut nums: Vec<u64> = seeds.iter().filter_map(|s| s.parse().ok()).collect();
            nums.sort_unstable();
            let consecutive = nums.len() == n && nums.windows(2).all(|w| w[1] == w[0] + 1);
            if consecutive && n > 2 {
                format!("seeds {}–{}", nums[0], nums[n - 1])
            } else if n <= 4 && seeds.iter().map(String::len).sum::<usize>() <= 16 {
                format!("seeds {}", seeds.join(", "))
            } else {
                // Derived seeds are 20-digit numbers: listing them would
                // run the title off the picture.
                format!("{n} seeds from {}", seeds[0])
            }
        }
    }
}

/// Colours of series: the three strategies keep fixed colours across plots
/// when each series is a different strategy; otherwise colours go in order.
fn series_colors(strategies: &[&str]) -> Vec<&'static str> {
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

/// Mean of the finite values, NaN if none.
fn mean(values: impl IntoIterator<Item = f64>) -> f64 {
    let (mut sum, mut n) = (0.0, 0u32);
    for v in values {
        if v.is_finite() {
            sum += v;
            n += 1;
        }
    }
    if n == 0 { f64::NAN } else { sum / f64::from(n) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(s: &str) -> Vec<String> {
        s.split(',').map(String::from).collect()
    }

    #[test]
    fn classifies_the_three_kinds() {
        let summary = SUMMARY_COLUMNS.join(",") + ",read_p90_ms,store_utilisation";
        assert_eq!(classify(&h(&summary)), Some(CsvKind::Summary));
        let sweep = summary.clone() + ",strategy.hybrid.celebrity_threshold";
        assert_eq!(classify(&h(&sweep)), Some(CsvKind::Sweep));
        assert_eq!(
            classify(&h(&(summary.clone() + ",seed"))),
            Some(CsvKind::Sweep)
        );
        assert_eq!(classify(&h(&(summary + ",duration"))), Some(CsvKind::Sweep));
        assert_eq!(
            classify(&h(&TIMESERIES_COLUMNS.join(","))),
            Some(CsvKind::TimeSeries)
        );
        assert_eq!(classify(&h("a,b,c")), None);
        assert_eq!(classify(&h("lambda,servers,mean_wait")), None);
        assert_eq!(classify(&[]), None);
    }

    #[test]
    fn varied_columns_rule() {
        let hdr = h(
            "scenario,strategy,seed,read_p99_ms,store_utilisation,workload.tweets_per_sec,seed,warmup",
        );
        assert_eq!(varied_columns(&hdr), vec![5, 6, 7]);
    }

    #[test]
    fn pareto_front_keeps_only_undominated_points() {
        let pts = [
            (10.0, 5.0),     // 0: front
            (5.0, 10.0),     // 1: front
            (10.0, 10.0),    // 2: dominated by 0 and 1
            (1.0, 50.0),     // 3: front
            (20.0, 5.0),     // 4: dominated by 0 (same y, more x)
            (f64::NAN, 0.0), // 5: never on the front
            (100.0, 1.0),    // 6: front
            (5.0, 10.0),     // 7: equal to 1, kept
        ];
        assert_eq!(pareto_front(&pts), vec![3, 1, 7, 0, 6]);
        assert!(pareto_front(&[]).is_empty());
        assert_eq!(pareto_front(&[(0.0, 0.0)]), vec![0]);
    }

    #[test]
    fn seeds_are_summarised() {
        let s = |v: &[&str]| describe_seeds(&v.iter().map(|x| x.to_string()).collect::<Vec<_>>());
        assert_eq!(s(&["42"]), "seed 42");
        assert_eq!(s(&["3", "1", "2"]), "seeds 1–3");
        assert_eq!(s(&["1", "7"]), "seeds 1, 7");
        assert_eq!(s(&["1", "7", "9", "11", "13"]), "5 seeds from 1");
        assert_eq!(s(&["2012", "9494881267701158876"]), "2 seeds from 2012");
    }

    #[test]
    fn strategies_keep_their_colours() {
        let c = series_colors(&["hybrid", "fanout-on-read", "other"]);
        assert_eq!(c, vec![svg::PALETTE[2], svg::PALETTE[0], svg::PALETTE[1]]);
        let c = series_colors(&["hybrid", "hybrid"]);
        assert_eq!(c, vec![svg::PALETTE[0], svg::PALETTE[1]]);
    }
}
