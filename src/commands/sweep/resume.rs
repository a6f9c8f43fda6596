//! `sweep --resume` and `sweep --list`: what an earlier run of the same
//! sweep already wrote, and the grid printed without simulating.

use super::SweepConfig;
use super::plan::{Done, items};
use crate::commands::results::describe_point;
use crate::commands::sweep_csv::SweepCsv;
use crate::error::{FanoutError, Result};
use crate::provenance::VERSION;
use std::io::Write;

/// The rows already in the `--csv` file with `--resume`, and that file's
/// header; nothing when not resuming or when the file does not exist yet.
/// A file of another sweep or another fanout version is refused.
pub fn previous(cfg: &SweepConfig) -> Result<(Vec<String>, Done)> {
    let mut done = Done::new();
    let path = match &cfg.outputs.csv {
        Some(p) if cfg.resume && p.exists() => p,
        _ => return Ok((Vec::new(), done)),
    };
    let Some(csv) = SweepCsv::read(path, "--resume: --csv")? else {
        return Ok((Vec::new(), done));
    };
    let (version, hash) = csv.provenance();
    if (version.as_str(), hash.as_str()) != (VERSION, cfg.hash.as_str()) {
        return Err(FanoutError::input(format!(
            "--resume: --csv {} holds results of another sweep (fanout {version}, scenario_hash \
             {hash}; this one is fanout {VERSION}, scenario_hash {}): use another --csv, or \
             delete the file to start over",
            path.display(),
            cfg.hash
        )));
    }
    for i in 0..csv.records.len() {
        let key = csv.key(i, "--resume: --csv")?;
        if done.insert(key.clone(), csv.records[i].clone()).is_some() {
            return Err(FanoutError::input(format!(
                "--resume: --csv {}: item {} ({}) appears twice: a damaged file",
                path.display(),
                key.0,
                key.1
            )));
        }
    }
    Ok((csv.header, done))
}

/// Prints the grid, or the slice's part of it: one line per item,
/// `ITEM point=P KEY=VALUE... seed=SEED`, without simulating anything.
pub fn list(cfg: &SweepConfig) -> Result<()> {
    let mut text = String::new();
    for item in items(cfg)? {
        text.push_str(&format!(
            "{} point={} {} seed={}\n",
            item.index,
            item.point_index,
            describe_point(&item.point),
            item.scenario.seed
        ));
    }
    let stdout = std::io::stdout();
    let mut lock = stdout.lock();
    lock.write_all(text.as_bytes())
        .and_then(|_| lock.flush())
        .map_err(FanoutError::stdout)
}
