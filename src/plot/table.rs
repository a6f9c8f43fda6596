//! Reading the CSVs: each file whole, as text cells with their line
//! numbers, so every error can name the file, line and column; and the
//! small summaries of rows (provenance for titles, means over seeds) that
//! every plot shares.

use super::axis::{MAX_MAGNITUDE, MIN_MAGNITUDE, plottable};
use super::svg;
use crate::error::{FanoutError, Result};
use std::path::Path;

/// One CSV file, read whole: header and rows of text cells.
pub(super) struct Table {
    /// The path as given, for error messages.
    pub(super) name: String,
    /// Column names, trimmed.
    pub(super) header: Vec<String>,
    /// Data rows, in file order.
    pub(super) rows: Vec<Record>,
    /// The label of this file's series when its runs must be kept apart
    /// from another file's (see `separate_runs` in `mod.rs`); `None`
    /// when rows of all files may be grouped together.
    pub(super) run: Option<String>,
}

/// One data row and the line it came from.
pub(super) struct Record {
    /// Line number in the file, for error messages.
    pub(super) line: u64,
    /// Cells, trimmed.
    pub(super) cells: Vec<String>,
}

impl Table {
    /// Reads and parses `path`; an empty file, a header without rows or
    /// an unreadable CSV is an input error naming the file.
    pub(super) fn load(path: &Path) -> Result<Table> {
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
        Ok(Table {
            name,
            header,
            rows,
            run: None,
        })
    }

    /// Index of a column the plot needs.
    pub(super) fn col(&self, column: &str, plot: &str) -> Result<usize> {
        self.opt_col(column).ok_or_else(|| {
            FanoutError::input(format!(
                "{}: no column '{column}', which the {plot} plot needs",
                self.name
            ))
        })
    }

    /// Index of an optional column (the first, if repeated).
    pub(super) fn opt_col(&self, column: &str) -> Option<usize> {
        self.header.iter().position(|h| h == column)
    }

    /// The label of this file's runs, "" when files are not kept apart.
    pub(super) fn run_label(&self) -> &str {
        self.run.as_deref().unwrap_or("")
    }

    /// Text of a cell ("" if the row is short).
    pub(super) fn text<'a>(&self, row: &'a Record, col: usize) -> &'a str {
        row.cells.get(col).map(String::as_str).unwrap_or("")
    }

    /// A cell as a number: empty means no value and gives NaN (fanout's
    /// exporters write a value they do not have as an empty cell). A
    /// number the axes cannot hold ([`plottable`]: infinite, NaN, or beyond
    /// the magnitudes an axis can scale) is an input error naming the file,
    /// line, column and value, as is anything that is not a number. `-0`
    /// reads as 0.
    pub(super) fn num(&self, row: &Record, col: usize) -> Result<f64> {
        let cell = self.text(row, col);
        if cell.is_empty() {
            return Ok(f64::NAN);
        }
        let bad = |why: &str| {
            FanoutError::input(format!(
                "{}: line {}, column {}: '{}' {why}",
                self.name,
                row.line,
                self.header.get(col).map(String::as_str).unwrap_or("?"),
                svg::truncate(cell, 40)
            ))
        };
        match cell.parse::<f64>() {
            // Adding 0 turns -0 into 0, so no label reads "-0".
            Ok(v) if plottable(v) => Ok(v + 0.0),
            Ok(_) => Err(bad(&format!(
                "cannot be plotted: allowed are 0, numbers of magnitude \
                 {MIN_MAGNITUDE:e} to {MAX_MAGNITUDE:e}, or an empty cell for no value"
            ))),
            Err(_) => Err(bad("is not a number")),
        }
    }
}

/// Distinct scenario names and seeds of the plotted rows, for titles.
#[derive(Default)]
pub(super) struct Provenance {
    /// Scenario names, in order of appearance.
    pub(super) scenarios: Vec<String>,
    /// Seeds, in order of appearance.
    pub(super) seeds: Vec<String>,
}

impl Provenance {
    /// Records one row's scenario and seed.
    pub(super) fn add(&mut self, scenario: &str, seed: &str) {
        if !self.scenarios.iter().any(|s| s == scenario) {
            self.scenarios.push(scenario.to_string());
        }
        if !self.seeds.iter().any(|s| s == seed) {
            self.seeds.push(seed.to_string());
        }
    }

    /// `"celebrity (seed 42)"`, `"a, b (seeds 1-5)"`.
    pub(super) fn describe(&self) -> String {
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
/// Mean of the finite values, NaN if none.
pub(super) fn mean(values: impl IntoIterator<Item = f64>) -> f64 {
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

    #[test]
    fn seeds_are_summarised() {
        let s = |v: &[&str]| describe_seeds(&v.iter().map(|x| x.to_string()).collect::<Vec<_>>());
        assert_eq!(s(&["42"]), "seed 42");
        assert_eq!(s(&["3", "1", "2"]), "seeds 1–3");
        assert_eq!(s(&["1", "7"]), "seeds 1, 7");
        assert_eq!(s(&["1", "7", "9", "11", "13"]), "5 seeds from 1");
        assert_eq!(s(&["2012", "9494881267701158876"]), "2 seeds from 2012");
    }
}
