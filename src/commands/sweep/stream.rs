//! A sweep's results, written row by row in grid order as simulations
//! finish, so a sweep of thousands of points never holds thousands of
//! reports: each finished row is rendered at once (CSV line, JSON object,
//! time-series lines, the few numbers the table needs) and its report
//! dropped. Rows that finish ahead of an earlier one wait, rendered, until
//! it comes. Files are replaced only when the sweep ends, and not at all
//! when no simulation finished.

use crate::commands::config::Outputs;
use crate::commands::results::{self, percentiles_path, unstable_warning};
use crate::error::{FanoutError, Result};
use crate::output::{self, Pending};
use crate::report::{
    Exporter, Json, Row, SummaryCsv, SweepSummary, SweepTable, TimeSeriesCsv, hdr,
};
use crate::sim::time::SimDuration;
use std::collections::BTreeMap;

/// What follows the last element of the JSON envelope's results array, as
/// serde_json's pretty printer writes it.
const JSON_TAIL: &[u8] = b"\n  ]\n}\n";

/// One finished row, rendered for every output.
struct Rendered {
    /// The summary CSV's header line and row line.
    csv: Option<(Vec<u8>, Vec<u8>)>,
    /// The JSON envelope's opening (up to the results array) and the
    /// object, indented as an element of the array.
    json: Option<(Vec<u8>, Vec<u8>)>,
    /// The time series' header line and its lines for this row.
    timeseries: Option<(Vec<u8>, Vec<u8>)>,
    summary: SweepSummary,
    warning: Option<String>,
    /// The whole row, kept only for `--hdr` (its histograms).
    row: Option<Row>,
}

/// An output written row by row, opened at its first row.
struct Stream {
    path: std::path::PathBuf,
    pending: Option<Pending>,
}

impl Stream {
    fn new(path: &Option<std::path::PathBuf>) -> Option<Stream> {
        path.as_ref().map(|p| Stream {
            path: p.clone(),
            pending: None,
        })
    }

    /// Writes `first` if this is the first write, then `rest`.
    fn write(&mut self, first: &[u8], rest: &[u8]) -> Result<()> {
        let opening = self.pending.is_none();
        if opening {
            self.pending = Some(Pending::create(&self.path)?);
        }
        let p = self.pending.as_mut().expect("opened above");
        let written = (|| {
            if opening {
                p.writer().write_all(first)?;
            }
            p.writer().write_all(rest)
        })();
        p.check(written)
    }

    /// Writes `tail` and replaces the target, if anything was written.
    fn commit(self, tail: &[u8]) -> Result<()> {
        let Some(mut p) = self.pending else {
            return Ok(());
        };
        let written = p.writer().write_all(tail);
        p.check(written)?;
        p.commit()
    }
}

/// The sink a sweep's rows go to.
pub struct SweepWriter<'a> {
    outputs: &'a Outputs,
    csv: Option<Stream>,
    json: Option<Stream>,
    timeseries: Option<Stream>,
    next: usize,
    waiting: BTreeMap<usize, Rendered>,
    summaries: Vec<SweepSummary>,
    held: Vec<Row>,
}

/// Splits an exporter's output for one row into its header line and the rest.
fn split_header(bytes: Vec<u8>) -> (Vec<u8>, Vec<u8>) {
    let cut = bytes.iter().position(|&b| b == b'\n').map_or(0, |i| i + 1);
    let (head, rest) = bytes.split_at(cut);
    (head.to_vec(), rest.to_vec())
}

fn render_with(exporter: &dyn Exporter, row: &Row) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    exporter
        .export(std::slice::from_ref(row), &mut buf)
        .map_err(|e| FanoutError::failure(format!("internal error rendering a row: {e}")))?;
    Ok(buf)
}

impl<'a> SweepWriter<'a> {
    /// A writer for `outputs`; nothing is opened until a row arrives.
    pub fn new(outputs: &'a Outputs) -> SweepWriter<'a> {
        SweepWriter {
            outputs,
            csv: Stream::new(&outputs.csv),
            json: Stream::new(&outputs.json),
            timeseries: Stream::new(&outputs.timeseries),
            next: 0,
            waiting: BTreeMap::new(),
            summaries: Vec::new(),
            held: Vec::new(),
        }
    }

    fn render(&self, row: Row) -> Result<Rendered> {
        let json = match self.json {
            Some(_) => {
                let text = render_with(&Json, &row)?;
                // The envelope's head up to "results": [, the element, then
                // JSON_TAIL: split so rows can be streamed between them.
                let open = b"\"results\": [\n";
                let start = text
                    .windows(open.len())
                    .position(|w| w == open)
                    .map_or(0, |i| i + open.len());
                let end = text.len().saturating_sub(JSON_TAIL.len()).max(start);
                Some((text[..start].to_vec(), text[start..end].to_vec()))
            }
            None => None,
        };
        Ok(Rendered {
            csv: match self.csv {
                Some(_) => Some(split_header(render_with(&SummaryCsv, &row)?)),
                None => None,
            },
            json,
            timeseries: match self.timeseries {
                Some(_) => Some(split_header(render_with(&TimeSeriesCsv, &row)?)),
                None => None,
            },
            summary: SweepSummary::of(&row),
            warning: unstable_warning(&row),
            row: self.outputs.hdr.is_some().then_some(row),
        })
    }

    /// Row `index` is already written in the output being resumed: take
    /// its CSV fields (`header` is that file's header) as they are.
    pub fn preset(&mut self, index: usize, header: &[String], fields: &[String]) -> Result<()> {
        let line = |record: &[String]| -> Result<Vec<u8>> {
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record(record).map_err(|e| {
                FanoutError::failure(format!("internal error rendering a row: {e}"))
            })?;
            w.into_inner()
                .map_err(|e| FanoutError::failure(format!("internal error rendering a row: {e}")))
        };
        let rendered = Rendered {
            csv: Some((line(header)?, line(fields)?)),
            json: None,
            timeseries: None,
            summary: SweepSummary::from_csv(header, fields),
            warning: None,
            row: None,
        };
        self.enqueue(index, rendered)
    }

    /// Job `index` finished with `row`: render it, and write every row
    /// that is now next in grid order.
    pub fn push(&mut self, index: usize, row: Row) -> Result<()> {
        let rendered = self.render(row)?;
        self.enqueue(index, rendered)
    }

    /// Queues a rendered row and writes every row now next in grid order.
    fn enqueue(&mut self, index: usize, rendered: Rendered) -> Result<()> {
        self.waiting.insert(index, rendered);
        while let Some(r) = self.waiting.remove(&self.next) {
            self.write(r)?;
            self.next += 1;
        }
        Ok(())
    }

    /// Writes one rendered row to every output, in grid order.
    fn write(&mut self, r: Rendered) -> Result<()> {
        if let Some(w) = r.warning {
            eprintln!("{w}");
        }
        if let (Some(s), Some((head, line))) = (self.csv.as_mut(), r.csv) {
            s.write(&head, &line)?;
        }
        if let (Some(s), Some((head, obj))) = (self.json.as_mut(), r.json) {
            let sep: &[u8] = if s.pending.is_none() { b"" } else { b",\n" };
            s.write(&head, &[sep, &obj].concat())?;
        }
        if let (Some(s), Some((head, lines))) = (self.timeseries.as_mut(), r.timeseries) {
            s.write(&head, &lines)?;
        }
        self.summaries.push(r.summary);
        self.held.extend(r.row);
        Ok(())
    }

    /// Writes the rows still waiting (after an interruption, those behind
    /// one that never finished), replaces the files, prints the table and
    /// writes the `--hdr` files. With no finished row no file is touched.
    pub fn finish(mut self, warmup: SimDuration) -> Result<()> {
        let waiting = std::mem::take(&mut self.waiting);
        for (_, r) in waiting {
            self.write(r)?;
        }
        if let Some(s) = self.csv.take() {
            s.commit(b"")?;
        }
        if let Some(s) = self.json.take() {
            s.commit(JSON_TAIL)?;
        }
        if let Some(s) = self.timeseries.take() {
            s.commit(b"")?;
        }
        if !self.outputs.any_on_stdout() {
            results::print_table(&|w| SweepTable.export_summaries(&self.summaries, w))?;
        }
        if self.summaries.is_empty() {
            eprintln!("fanout: no simulation finished; output files left untouched");
            return Ok(());
        }
        if let Some(path) = &self.outputs.hdr {
            let warmup = std::time::Duration::from_nanos(warmup.as_nanos());
            let rows = &self.held;
            output::write_atomic(path, |w| hdr::write_interval_log(rows, warmup, w))?;
            output::write_atomic(&percentiles_path(path), |w| hdr::write_percentiles(rows, w))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixtures;

    #[test]
    fn rows_streamed_out_of_order_give_the_exporters_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let mut rows = fixtures::three();
        for (i, row) in rows.iter_mut().enumerate() {
            row.point = vec![("workload.tweets_per_sec".into(), format!("{i}000.0"))];
        }
        let outputs = Outputs {
            csv: Some(dir.path().join("s.csv")),
            json: Some(dir.path().join("s.json")),
            timeseries: Some(dir.path().join("t.csv")),
            hdr: None,
            interval: None,
        };
        let mut writer = SweepWriter::new(&outputs);
        for i in [2, 0, 1] {
            writer.push(i, rows[i].clone()).unwrap();
        }
        writer.finish(SimDuration::ZERO).unwrap();
        let whole = |e: &dyn Exporter| {
            let mut buf = Vec::new();
            e.export(&rows, &mut buf).unwrap();
            buf
        };
        let read = |name: &str| std::fs::read(dir.path().join(name)).unwrap();
        assert_eq!(read("s.csv"), whole(&SummaryCsv));
        assert_eq!(read("s.json"), whole(&Json));
        assert_eq!(read("t.csv"), whole(&TimeSeriesCsv));
    }

    #[test]
    fn no_finished_row_touches_no_file() {
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("s.csv");
        std::fs::write(&csv, "OLD").unwrap();
        let outputs = Outputs {
            csv: Some(csv.clone()),
            ..Outputs::default()
        };
        SweepWriter::new(&outputs)
            .finish(SimDuration::ZERO)
            .unwrap();
        assert_eq!(std::fs::read_to_string(&csv).unwrap(), "OLD");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
