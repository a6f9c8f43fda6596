//! Writing the results of `run` and `sweep`: warnings about unstable rows,
//! the terminal table (unless a result goes to standard output), and every
//! output file, each written atomically.

use super::config::Outputs;
use super::jobs::Finished;
use crate::error::{FanoutError, Result};
use crate::memory;
use crate::output;
use crate::report::{Exporter, Json, Row, SummaryCsv, TimeSeriesCsv, hdr};
use crate::sim::time::SimDuration;
use std::io::Write;
use std::path::PathBuf;

/// `key=value key=value` of a sweep point.
pub fn describe_point(point: &[(String, String)]) -> String {
    point
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Warns about results whose queues grew without bound.
pub fn warn_unstable(rows: &[Row]) {
    for warning in rows.iter().filter_map(unstable_warning) {
        eprintln!("{warning}");
    }
}

/// The warning for a result whose queues grew without bound, if it did.
pub fn unstable_warning(row: &Row) -> Option<String> {
    let r = &row.report;
    let t = r.unstable_tier()?;
    Some(format!(
        "fanout: warning: {} (seed {}{}): the {} tier is offered {:.2}x the capacity of its busiest \
         station, so its queue grows for as long as the run lasts and latencies depend on the \
         duration; the row is marked unstable",
        r.strategy.name(),
        r.seed,
        if row.point.is_empty() {
            String::new()
        } else {
            format!(", {}", describe_point(&row.point))
        },
        t.name,
        t.max_station_offered_load
    ))
}

/// Writes the results of finished jobs, then reports an interruption.
pub fn finish(
    outputs: &Outputs,
    done: Finished,
    table: &dyn Exporter,
    warmup: SimDuration,
) -> Result<()> {
    warn_unstable(&done.rows);
    write_results(outputs, &done.rows, table, warmup)?;
    if done.interrupted {
        return Err(FanoutError::Interrupted);
    }
    Ok(())
}

/// Writes the table (unless a result goes to stdout) and the files; with
/// no finished row, no file is touched.
fn write_results(
    outputs: &Outputs,
    rows: &[Row],
    table: &dyn Exporter,
    warmup: SimDuration,
) -> Result<()> {
    if !outputs.any_on_stdout() {
        print_table(&|w| table.export(rows, w))?;
    }
    if rows.is_empty() {
        // Interrupted before any simulation finished: an empty CSV or `[]`
        // must not replace what the files held.
        eprintln!("fanout: no simulation finished; output files left untouched");
        return Ok(());
    }
    write_with(&SummaryCsv, &outputs.csv, rows)?;
    write_with(&Json, &outputs.json, rows)?;
    write_with(&TimeSeriesCsv, &outputs.timeseries, rows)?;
    if let Some(path) = &outputs.hdr {
        let warmup = std::time::Duration::from_nanos(warmup.as_nanos());
        output::write_atomic(path, |w| hdr::write_interval_log(rows, warmup, w))?;
        output::write_atomic(&percentiles_path(path), |w| hdr::write_percentiles(rows, w))?;
    }
    Ok(())
}

/// Prints a table on standard output, then the process's peak memory.
pub fn print_table(table: &dyn Fn(&mut dyn Write) -> std::io::Result<()>) -> Result<()> {
    let stdout = std::io::stdout();
    let mut lock = stdout.lock();
    table(&mut lock)
        .and_then(|_| match memory::peak_bytes() {
            Some(b) => writeln!(
                lock,
                "peak memory of the whole process: {:.0} MiB",
                b as f64 / 1048576.0
            ),
            None => Ok(()),
        })
        .and_then(|_| lock.flush())
        .map_err(FanoutError::stdout)
}

/// The second file `--hdr PATH` writes: `PATH.percentiles.txt`.
pub fn percentiles_path(hdr: &std::path::Path) -> PathBuf {
    let mut txt = hdr.as_os_str().to_owned();
    txt.push(".percentiles.txt");
    PathBuf::from(txt)
}

fn write_with(exporter: &dyn Exporter, path: &Option<PathBuf>, rows: &[Row]) -> Result<()> {
    match path {
        Some(p) => output::write_atomic(p, |w| exporter.export(rows, w)),
        None => Ok(()),
    }
}
