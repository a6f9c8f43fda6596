//! `fanout merge`: joins the slices of a partitioned sweep (`fanout sweep
//! --partition K/N --csv part-K.csv`) into the CSV the unpartitioned sweep
//! writes, rows in grid order (by their `item` column; an item's rows keep
//! their order), and prints the sweep's table. Slices of different sweeps
//! (provenance or columns differ), a missing item (a slice not given, or
//! one cut short) and a duplicate (a slice given twice) are refused before
//! anything is written; the output replaces its target atomically.

use super::results;
use super::sweep_csv::SweepCsv;
use crate::cli::MergeArgs;
use crate::error::{FanoutError, Result};
use crate::output;
use crate::report::{SweepSummary, SweepTable};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// `merge`'s flags, validated.
pub struct MergeConfig {
    /// The slices, as named.
    pub parts: Vec<PathBuf>,
    /// Where the merged CSV goes (`-`: standard output).
    pub output: PathBuf,
}

impl MergeConfig {
    /// Checks that the output can be written and is none of the parts.
    pub fn from_args(args: &MergeArgs) -> Result<MergeConfig> {
        output::check_writable("-o", &args.output)?;
        let inputs: Vec<(String, PathBuf)> = args
            .parts
            .iter()
            .map(|p| (format!("the slice {}", p.display()), p.clone()))
            .collect();
        output::refuse_clashes(&[("-o".to_string(), args.output.clone())], &inputs)?;
        Ok(MergeConfig {
            parts: args.parts.clone(),
            output: args.output.clone(),
        })
    }
}

/// Items listed in an error: the first few, then how many more.
fn list(items: &[u64]) -> String {
    let shown: Vec<String> = items.iter().take(12).map(u64::to_string).collect();
    let more = items.len().saturating_sub(12);
    if more > 0 {
        format!("{} and {more} more", shown.join(", "))
    } else {
        shown.join(", ")
    }
}

/// The parts' rows in grid order, after every check.
fn join(parts: &[SweepCsv]) -> Result<Vec<(usize, usize)>> {
    let first = &parts[0];
    let (version, hash) = first.provenance();
    for p in &parts[1..] {
        if p.provenance() != (version.clone(), hash.clone()) || p.header != first.header {
            let (v, h) = p.provenance();
            return Err(FanoutError::input(format!(
                "merge: {} and {} are slices of different sweeps (fanout {version}, scenario_hash \
                 {hash} vs fanout {v}, scenario_hash {h}{})",
                first.path.display(),
                p.path.display(),
                if p.header != first.header {
                    ", and their columns differ"
                } else {
                    ""
                }
            )));
        }
    }
    // item -> (part, its rows in file order, strategies seen)
    let mut by_item: BTreeMap<u64, (usize, Vec<usize>, Vec<String>)> = BTreeMap::new();
    for (pi, p) in parts.iter().enumerate() {
        for ri in 0..p.records.len() {
            let (item, strategy) = p.key(ri, "merge:")?;
            let entry = by_item.entry(item).or_insert((pi, Vec::new(), Vec::new()));
            if entry.0 != pi || entry.2.contains(&strategy) {
                return Err(FanoutError::input(format!(
                    "merge: item {item} ({strategy}) is in {} and in {}: a slice given twice, or \
                     slices of two different --partition counts",
                    parts[entry.0].path.display(),
                    p.path.display()
                )));
            }
            entry.1.push(ri);
            entry.2.push(strategy);
        }
    }
    let total = first.items();
    let missing: Vec<u64> = (0..total).filter(|i| !by_item.contains_key(i)).collect();
    if !missing.is_empty() {
        return Err(FanoutError::input(format!(
            "merge: missing item{} {} of the sweep's {total} (item = point x seeds + seed number, \
             from 0; see sweep --list): a slice is not given, or was cut short",
            if missing.len() == 1 { "" } else { "s" },
            list(&missing)
        )));
    }
    let per_item = by_item.values().map(|e| e.1.len()).max().unwrap_or(0);
    let short: Vec<u64> = by_item
        .iter()
        .filter(|(_, e)| e.1.len() < per_item)
        .map(|(&i, _)| i)
        .collect();
    if !short.is_empty() {
        return Err(FanoutError::input(format!(
            "merge: item{} {} lack{} some of the {per_item} strategies' rows: a slice was cut short \
             (rerun it with sweep --resume)",
            if short.len() == 1 { "" } else { "s" },
            list(&short),
            if short.len() == 1 { "s" } else { "" }
        )));
    }
    Ok(by_item
        .into_values()
        .flat_map(|(pi, rows, _)| rows.into_iter().map(move |r| (pi, r)))
        .collect())
}

/// Reads every part, checks and joins them, writes the CSV, prints the table.
pub fn execute(cfg: &MergeConfig) -> Result<()> {
    let mut parts = Vec::new();
    for path in &cfg.parts {
        if let Some(p) = SweepCsv::read(path, "merge:")? {
            parts.push(p);
        }
    }
    if parts.is_empty() {
        return Err(FanoutError::input(
            "merge: every slice given is empty: nothing to merge",
        ));
    }
    let order = join(&parts)?;
    let header = parts[0].header.clone();
    output::write_atomic(&cfg.output, |w| {
        let mut csv = csv::Writer::from_writer(w);
        csv.write_record(&header)?;
        for &(pi, ri) in &order {
            csv.write_record(&parts[pi].records[ri])?;
        }
        csv.flush()
    })?;
    if !output::is_stdout(&cfg.output) {
        let summaries: Vec<SweepSummary> = order
            .iter()
            .map(|&(pi, ri)| SweepSummary::from_csv(&header, &parts[pi].records[ri]))
            .collect();
        results::print_table(&|w| SweepTable.export_summaries(&summaries, w))?;
    }
    Ok(())
}
