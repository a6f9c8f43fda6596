//! Reading a sweep's summary CSV back, for `fanout merge` (joining the
//! slices of a partitioned sweep) and `fanout sweep --resume` (keeping the
//! rows an interrupted run wrote). Rows say which grid item they belong to
//! (`item`, `items`) and where they came from (`fanout_version`,
//! `scenario_hash`), so files of different sweeps are refused, not mixed.

use crate::error::{FanoutError, Result};
use std::path::{Path, PathBuf};

/// A sweep's summary CSV, read whole.
pub struct SweepCsv {
    /// The file, as named on the command line.
    pub path: PathBuf,
    /// Its column names.
    pub header: Vec<String>,
    /// Its rows, field by field.
    pub records: Vec<Vec<String>>,
    item: usize,
    items: usize,
    strategy: usize,
    version: usize,
    hash: usize,
}

/// One row's identity: its grid item and strategy.
pub type RowKey = (u64, String);

impl SweepCsv {
    /// Reads `path`; `None` when the file is empty (an empty slice: more
    /// slices than grid items). `what` names it in errors (`--csv`).
    pub fn read(path: &Path, what: &str) -> Result<Option<SweepCsv>> {
        let bad = |why: String| FanoutError::input(format!("{what} {}: {why}", path.display()));
        let bytes = std::fs::read(path).map_err(|e| bad(format!("cannot read it: {e}")))?;
        if bytes.is_empty() {
            return Ok(None);
        }
        let mut reader = csv::Reader::from_reader(bytes.as_slice());
        let header: Vec<String> = reader
            .headers()
            .map_err(|e| bad(format!("not a CSV file: {e}")))?
            .iter()
            .map(String::from)
            .collect();
        let col = |name: &str| {
            header.iter().position(|h| h == name).ok_or_else(|| {
                bad(format!(
                    "no {name} column: not a summary CSV written by fanout sweep {}",
                    crate::provenance::VERSION
                ))
            })
        };
        let (item, items, strategy) = (col("item")?, col("items")?, col("strategy")?);
        let (version, hash) = (col("fanout_version")?, col("scenario_hash")?);
        let mut records = Vec::new();
        for (i, rec) in reader.records().enumerate() {
            let rec = rec.map_err(|e| bad(format!("row {}: {e}", i + 2)))?;
            if rec.len() != header.len() {
                return Err(bad(format!(
                    "row {} has {} fields, the header {}: a damaged file",
                    i + 2,
                    rec.len(),
                    header.len()
                )));
            }
            records.push(rec.iter().map(String::from).collect());
        }
        let csv = SweepCsv {
            path: path.to_path_buf(),
            header,
            records,
            item,
            items,
            strategy,
            version,
            hash,
        };
        csv.check_uniform(what)?;
        Ok(Some(csv))
    }

    /// Every row must carry one provenance and one grid size.
    fn check_uniform(&self, what: &str) -> Result<()> {
        for (i, r) in self.records.iter().enumerate() {
            let first = &self.records[0];
            for (c, name) in [
                (self.version, "fanout_version"),
                (self.hash, "scenario_hash"),
            ]
            .into_iter()
            .chain([(self.items, "items")])
            {
                if r[c] != first[c] {
                    return Err(FanoutError::input(format!(
                        "{what} {}: row {} has {name} {}, row 2 {}: rows of different sweeps",
                        self.path.display(),
                        i + 2,
                        r[c],
                        first[c]
                    )));
                }
            }
            self.key(i, what)?;
        }
        Ok(())
    }

    /// `fanout_version` and `scenario_hash` of the file.
    pub fn provenance(&self) -> (String, String) {
        self.records.first().map_or_else(Default::default, |r| {
            (r[self.version].clone(), r[self.hash].clone())
        })
    }

    /// The number of items of the sweep's grid.
    pub fn items(&self) -> u64 {
        self.records
            .first()
            .and_then(|r| r[self.items].parse().ok())
            .unwrap_or(0)
    }

    /// The item and strategy of row `i`.
    pub fn key(&self, i: usize, what: &str) -> Result<RowKey> {
        let r = &self.records[i];
        let item = r[self.item]
            .parse::<u64>()
            .ok()
            .filter(|&x| x < self.items().max(1))
            .ok_or_else(|| {
                FanoutError::input(format!(
                    "{what} {}: row {}: item '{}' is not a whole number below items ({})",
                    self.path.display(),
                    i + 2,
                    r[self.item],
                    r[self.items]
                ))
            })?;
        Ok((item, r[self.strategy].clone()))
    }
}
