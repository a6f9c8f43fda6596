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
    // Every file is written in full before any target is replaced, so a
    // failure (a full disk, `--json /dev/full`) leaves every existing file
    // as it was, not some replaced and some not.
    let mut staged = Vec::new();
    let hdr = outputs.hdr.as_deref();
    let warmup = std::time::Duration::from_nanos(warmup.as_nanos());
    let percentiles = hdr.map(percentiles_path);
    stage(&mut staged, "--csv", outputs.csv.as_deref(), &|w| {
        SummaryCsv.export(rows, w)
    })?;
    stage(&mut staged, "--json", outputs.json.as_deref(), &|w| {
        Json.export(rows, w)
    })?;
    stage(
        &mut staged,
        "--timeseries",
        outputs.timeseries.as_deref(),
        &|w| TimeSeriesCsv.export(rows, w),
    )?;
    stage(&mut staged, "--hdr", hdr, &|w| {
        hdr::write_interval_log(rows, warmup, w)
    })?;
    stage(&mut staged, "--hdr", percentiles.as_deref(), &|w| {
        hdr::write_percentiles(rows, w)
    })?;
    for (flag, pending) in staged {
        pending.commit().map_err(|e| e.for_flag(flag))?;
    }
    Ok(())
}

/// Writes one output to its pending file (not yet replacing the target)
/// and keeps it for the commit; a failure names the flag.
fn stage(
    staged: &mut Vec<(&'static str, output::Pending)>,
    flag: &'static str,
    path: Option<&std::path::Path>,
    body: &dyn Fn(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    let Some(path) = path else {
        return Ok(());
    };
    let mut pending = output::Pending::create(path).map_err(|e| e.for_flag(flag))?;
    let written = body(pending.writer());
    pending.check(written).map_err(|e| e.for_flag(flag))?;
    pending.sync().map_err(|e| e.for_flag(flag))?;
    staged.push((flag, pending));
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
