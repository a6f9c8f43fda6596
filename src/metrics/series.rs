//! Interval time series: what happened in each slice of simulated time.
//!
//! Only the current interval is held open; when simulated time passes its
//! end, its row is computed (rates, percentiles) and its histograms reset,
//! so memory stays constant however long the run (12 simulated hours at 1 s
//! intervals is 43,200 small rows, not 43,200 histograms).
//!
//! Requests are counted in the interval in which they are issued (reads,
//! posts) or in which their effect lands (timeline writes, deliveries).
//! With faults or client policies a read's outcome (its latency, and the
//! resilience counts) lands in the interval in which it settles, which may
//! be after a retry or a rebuild.

use crate::metrics::Latency;
use crate::sim::time::{SimDuration, SimTime};

/// The per-tier peak queue depths of an interval: store, cache, workers.
pub type TierPeaks = [u64; 3];

/// One interval's measurements.
#[derive(Clone, Debug, PartialEq)]
pub struct SeriesRow {
    /// Start of the interval, seconds from the start of the run.
    pub t_start_s: f64,
    /// End of the interval, seconds from the start of the run.
    pub t_end_s: f64,
    /// Posts issued per second.
    pub posts_per_sec: f64,
    /// Reads issued per second.
    pub reads_per_sec: f64,
    /// Timeline entries written per second (every replica).
    pub timeline_writes_per_sec: f64,
    /// Store fetches per second.
    pub store_reads_per_sec: f64,
    /// Read latency percentiles of reads issued in the interval, ms (NaN: none).
    pub read_p50_ms: f64,
    /// See `read_p50_ms`.
    pub read_p99_ms: f64,
    /// See `read_p50_ms`.
    pub read_p999_ms: f64,
    /// p99 delivery latency of tweets whose delivery completed in the interval, ms.
    pub delivery_p99_ms: f64,
    /// Timelines waiting to be written at the end of the interval.
    pub fanout_backlog: u64,
    /// Most requests waiting at any one station of each tier during the interval.
    pub peak_queue: TierPeaks,
    /// Read outcomes and policy work settled in the interval.
    pub resilience: crate::metrics::Resilience,
    /// Scheduled events and faults that start in the interval, described.
    pub event: String,
}

/// Accumulates the open interval and the finished rows.
#[derive(Clone, Debug)]
pub struct TimeSeries {
    interval: SimDuration,
    start: SimTime,
    posts: u64,
    reads: u64,
    timeline_writes: u64,
    store_reads: u64,
    read: Latency,
    delivery: Latency,
    /// Read outcomes and policy work of the open interval.
    pub resilience: crate::metrics::Resilience,
    rows: Vec<SeriesRow>,
}

impl TimeSeries {
    /// A series of `interval`-long rows starting at time zero.
    pub fn new(interval: SimDuration) -> TimeSeries {
        TimeSeries {
            interval,
            start: SimTime::ZERO,
            posts: 0,
            reads: 0,
            timeline_writes: 0,
            store_reads: 0,
            read: Latency::default(),
            delivery: Latency::default(),
            resilience: Default::default(),
            rows: Vec::new(),
        }
    }

    /// Start of the open interval.
    pub fn interval_start(&self) -> SimTime {
        self.start
    }

    /// End of the open interval.
    pub fn boundary(&self) -> SimTime {
        self.start
            .checked_add(self.interval)
            .unwrap_or(SimTime::MAX)
    }

    /// Closes the open interval; the caller supplies what only it knows.
    pub fn close(&mut self, backlog: u64, peak_queue: TierPeaks, event: String) {
        let end = self.boundary();
        self.close_at(end, backlog, peak_queue, event);
    }

    /// Closes the open interval early, at `end` (the end of the run), so
    /// the last partial interval is written rather than lost; its `event`
    /// says it is partial, and its rates are over its actual length. Does
    /// nothing if the interval is empty (`end` at its start).
    pub fn close_partial(
        &mut self,
        end: SimTime,
        backlog: u64,
        peak_queue: TierPeaks,
        event: String,
    ) {
        if end <= self.start || end >= self.boundary() {
            return;
        }
        let mark = format!(
            "partial interval (the run ended at {:.3} s)",
            end.as_secs_f64()
        );
        let event = match event.is_empty() {
            true => mark,
            false => format!("{event}; {mark}"),
        };
        self.close_at(end, backlog, peak_queue, event);
    }

    fn close_at(&mut self, end: SimTime, backlog: u64, peak_queue: TierPeaks, event: String) {
        let secs = (end - self.start).as_secs_f64();
        let per = |n: u64| n as f64 / secs;
        self.rows.push(SeriesRow {
            t_start_s: self.start.as_secs_f64(),
            t_end_s: end.as_secs_f64(),
            posts_per_sec: per(self.posts),
            reads_per_sec: per(self.reads),
            timeline_writes_per_sec: per(self.timeline_writes),
            store_reads_per_sec: per(self.store_reads),
            read_p50_ms: self.read.quantile_ms(0.5),
            read_p99_ms: self.read.quantile_ms(0.99),
            read_p999_ms: self.read.quantile_ms(0.999),
            delivery_p99_ms: self.delivery.quantile_ms(0.99),
            fanout_backlog: backlog,
            peak_queue,
            resilience: std::mem::take(&mut self.resilience),
            event,
        });
        self.start = end;
        self.posts = 0;
        self.reads = 0;
        self.timeline_writes = 0;
        self.store_reads = 0;
        self.read.reset();
        self.delivery.reset();
    }

    /// A post was issued.
    pub fn post(&mut self) {
        self.posts += 1;
    }
    /// A read was issued; `latency` is `None` when it was dropped.
    pub fn read(&mut self, latency: Option<SimDuration>) {
        self.reads += 1;
        if let Some(l) = latency {
            self.read.record(l);
        }
    }
    /// A read was issued whose outcome is settled later
    /// ([`TimeSeries::read_settled`]).
    pub fn read_issued(&mut self) {
        self.reads += 1;
    }
    /// A read issued earlier settled; `latency` is `None` unless it was
    /// answered in full. It counts in the interval it settles in.
    pub fn read_settled(&mut self, latency: Option<SimDuration>) {
        if let Some(l) = latency {
            self.read.record(l);
        }
    }
    /// Timeline entries were written.
    pub fn timeline_writes(&mut self, n: u64) {
        self.timeline_writes += n;
    }
    /// Store fetches were made.
    pub fn store_reads(&mut self, n: u64) {
        self.store_reads += n;
    }
    /// A tweet's delivery completed.
    pub fn delivery(&mut self, latency: SimDuration) {
        self.delivery.record(latency);
    }
    /// The finished rows.
    pub fn rows(&self) -> &[SeriesRow] {
        &self.rows
    }
    /// Takes the finished rows.
    pub fn into_rows(self) -> Vec<SeriesRow> {
        self.rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_hold_their_interval_only() {
        let mut ts = TimeSeries::new(SimDuration::from_millis(500));
        ts.post();
        ts.post();
        ts.read(Some(SimDuration::from_millis(3)));
        ts.timeline_writes(10);
        ts.close(4, [1, 2, 3], "burst".into());
        ts.read(None);
        ts.close(0, [0, 0, 0], String::new());
        let rows = ts.rows();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].posts_per_sec, 4.0);
        assert_eq!(rows[0].timeline_writes_per_sec, 20.0);
        assert!((rows[0].read_p99_ms - 3.0).abs() < 0.01);
        assert_eq!(rows[0].event, "burst");
        assert_eq!(rows[1].t_start_s, 0.5);
        assert_eq!(rows[1].posts_per_sec, 0.0);
        assert_eq!(rows[1].reads_per_sec, 2.0);
        assert!(
            rows[1].read_p99_ms.is_nan(),
            "dropped reads have no latency"
        );
    }

    #[test]
    fn the_last_partial_interval_is_kept_and_marked() {
        let mut ts = TimeSeries::new(SimDuration::from_millis(700));
        ts.post();
        ts.close(0, [0; 3], String::new());
        ts.post();
        ts.post();
        let end = SimTime::ZERO + SimDuration::from_millis(1050);
        ts.close_partial(end, 0, [0; 3], "burst".into());
        let rows = ts.rows();
        assert_eq!(rows.len(), 2);
        assert_eq!((rows[1].t_start_s, rows[1].t_end_s), (0.7, 1.05));
        // Two posts over 0.35 s, not over a whole 0.7 s interval.
        assert!((rows[1].posts_per_sec - 2.0 / 0.35).abs() < 1e-9);
        assert!(
            rows[1].event.starts_with("burst; partial interval"),
            "{}",
            rows[1].event
        );
        // Nothing left open: a second call adds nothing.
        ts.close_partial(end, 0, [0; 3], String::new());
        assert_eq!(ts.rows().len(), 2);
    }
}
