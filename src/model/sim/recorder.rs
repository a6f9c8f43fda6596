//! What a run measures, recorded in one place: the measurement window, the
//! summary [`Report`] and the time series.
//!
//! Every observation is one call (`read_done`, `delivered`, ...) that
//! updates the summary when the request belongs to the window and the open
//! time-series interval whatever the time, so the two can never disagree on
//! what was counted. Requests are measured by the time they are issued: a
//! read, post or tweet issued in `[warm-up, warm-up + duration)` is counted
//! even if it completes after the window. The run then drains, but for at
//! most as long again as it ran (the drain horizon, warm-up + window after
//! the window's end): work not done by then, such as fan-out jobs waiting
//! out a worker crash that outlasts the run, is not counted as done. Its
//! deliveries are reported as pending, never in the delivery percentiles,
//! and its timeline writes are not counted. A run whose work completes
//! within the horizon (every fault-free stable run) is not affected. The
//! time series counts an observation in the interval in which it happens
//! (see `metrics::series`).

use super::World;
use super::faults;
use crate::metrics::series::TierPeaks;
use crate::metrics::{Latency, Report, Resilience, TimeSeries};
use crate::model::config::{AccountRef, Scenario, ScheduledEvent, StrategyKind};
use crate::sim::time::{SimDuration, SimTime};

/// How a read ended.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(super) enum ReadOutcome {
    /// Every part answered.
    Full,
    /// Answered with a part missing.
    Degraded,
    /// No answer: the timeline, or every part, failed.
    Failed,
}

impl ReadOutcome {
    fn count(self, r: &mut Resilience) {
        match self {
            ReadOutcome::Full => r.full_reads += 1,
            ReadOutcome::Degraded => r.degraded_reads += 1,
            ReadOutcome::Failed => r.failed_reads += 1,
        }
    }
}

/// The window, the summary and the time series of one run.
pub(super) struct Recorder {
    window_start: SimTime,
    window_end: SimTime,
    /// Work done after this is not counted (see the module docs).
    horizon: SimTime,
    report: Report,
    series: Option<TimeSeries>,
    /// Scheduled events, described, by start time (for the time series).
    labels: Vec<(SimTime, String)>,
}

impl Recorder {
    pub(super) fn new(
        scenario: &Scenario,
        world: &World,
        kind: StrategyKind,
        timeseries: Option<SimDuration>,
    ) -> Recorder {
        let window_start = SimTime::ZERO + scenario.warmup;
        let window_end = window_start + scenario.duration;
        Recorder {
            window_start,
            window_end,
            horizon: window_end
                .checked_add(window_end - SimTime::ZERO)
                .unwrap_or(SimTime::MAX),
            series: timeseries.map(TimeSeries::new),
            labels: describe_events(scenario, world),
            report: Report {
                scenario: scenario.name.clone(),
                strategy: kind,
                seed: scenario.seed,
                sim_seconds: scenario.duration.as_secs_f64(),
                users: world.graph.users(),
                posts: 0,
                reads: 0,
                fanout_sum: 0,
                timeline_writes: 0,
                store_reads: 0,
                read_latency: Latency::default(),
                post_latency: Latency::default(),
                delivery_latency: Latency::default(),
                dropped_reads: 0,
                dropped_posts: 0,
                dropped_fanouts: 0,
                dropped_timeline_writes: 0,
                peak_fanout_backlog: 0,
                pending_deliveries: 0,
                resilience: Default::default(),
                cache: Default::default(),
                resilience_configured: scenario.has_resilience(),
                tiers: Vec::new(),
                partial: false,
                series: Vec::new(),
                events: 0,
                wall_seconds: 0.0,
                cost_per_hour: crate::model::cost::per_hour(scenario, kind),
            },
        }
    }

    /// The measured window `[start, end)`.
    pub(super) fn window(&self) -> (SimTime, SimTime) {
        (self.window_start, self.window_end)
    }

    /// The end of the drain: events after it are not processed.
    pub(super) fn horizon(&self) -> SimTime {
        self.horizon
    }

    /// Whether a request issued at `t` is measured.
    #[inline(always)]
    pub(super) fn in_window(&self, t: SimTime) -> bool {
        t >= self.window_start && t < self.window_end
    }

    /// A post by an author with `followers` followers was issued.
    pub(super) fn post_issued(&mut self, in_window: bool, followers: u32) {
        if let Some(s) = self.series.as_mut() {
            s.post();
        }
        if in_window {
            self.report.posts += 1;
            self.report.fanout_sum += u64::from(followers);
        }
    }

    /// A post was refused by the store.
    pub(super) fn post_dropped(&mut self, in_window: bool) {
        if in_window {
            self.report.dropped_posts += 1;
        }
    }

    /// A post was acknowledged after `latency`.
    pub(super) fn post_acked(&mut self, in_window: bool, latency: SimDuration) {
        if in_window {
            self.report.post_latency.record(latency);
        }
    }

    /// A tweet posted at `posted` reached every timeline it is pushed to
    /// (or, pulled, the store) at `done`; pending if that is after the
    /// drain horizon.
    pub(super) fn delivered(&mut self, in_window: bool, posted: SimTime, done: SimTime) {
        if done > self.horizon {
            return self.pending_delivery(in_window);
        }
        let latency = done - posted;
        if in_window {
            self.report.delivery_latency.record(latency);
        }
        if let Some(s) = self.series.as_mut() {
            s.delivery(latency);
        }
    }

    /// A tweet's delivery was still pending when the run stopped.
    pub(super) fn pending_delivery(&mut self, in_window: bool) {
        if in_window {
            self.report.pending_deliveries += 1;
        }
    }

    /// A fan-out job was refused by the worker queue or lost in a crash.
    pub(super) fn fanout_dropped(&mut self, in_window: bool) {
        if in_window {
            self.report.dropped_fanouts += 1;
        }
    }

    /// `n` timeline entries were written at `at` (every replica counts);
    /// not counted if that is after the drain horizon.
    pub(super) fn timeline_writes(&mut self, in_window: bool, n: u64, at: SimTime) {
        if at > self.horizon {
            return;
        }
        if in_window {
            self.report.timeline_writes += n;
        }
        if let Some(s) = self.series.as_mut() {
            s.timeline_writes(n);
        }
    }

    /// `n` timeline entries were refused or lost on the way.
    pub(super) fn timeline_writes_dropped(&mut self, in_window: bool, n: u64) {
        if in_window {
            self.report.dropped_timeline_writes += n;
        }
    }

    /// The fan-out backlog is `backlog` timelines at `now`.
    pub(super) fn backlog(&mut self, now: SimTime, backlog: u64) {
        if self.in_window(now) {
            self.report.peak_fanout_backlog = self.report.peak_fanout_backlog.max(backlog);
        }
    }

    /// A read was issued; its outcome comes with [`Recorder::read_done`].
    #[inline(always)]
    pub(super) fn read_issued(&mut self, in_window: bool) {
        if in_window {
            self.report.reads += 1;
        }
        if let Some(s) = self.series.as_mut() {
            s.read_issued();
        }
    }

    /// A read fetched `n` authors' tweets from the store.
    #[inline(always)]
    pub(super) fn store_reads(&mut self, in_window: bool, n: u64) {
        if in_window {
            self.report.store_reads += n;
        }
        if let Some(s) = self.series.as_mut() {
            s.store_reads(n);
        }
    }

    /// A read settled: its outcome, its latency if answered in full, and
    /// whether a full queue refused any of its requests.
    #[inline(always)]
    pub(super) fn read_done(
        &mut self,
        in_window: bool,
        outcome: ReadOutcome,
        latency: Option<SimDuration>,
        dropped: bool,
    ) {
        if let Some(s) = self.series.as_mut() {
            s.read_settled(latency);
            outcome.count(&mut s.resilience);
        }
        if in_window {
            outcome.count(&mut self.report.resilience);
            if dropped {
                self.report.dropped_reads += 1;
            }
            if let Some(l) = latency {
                self.report.read_latency.record(l);
            }
        }
    }

    /// Adds to a resilience counter (hedges, retries, timeouts, rebuilds,
    /// duplicates).
    pub(super) fn count(&mut self, in_window: bool, f: impl Fn(&mut Resilience)) {
        if in_window {
            f(&mut self.report.resilience);
        }
        if let Some(s) = self.series.as_mut() {
            f(&mut s.resilience);
        }
    }

    /// A read of the window found its timeline missing from the cache (not
    /// held, or lost in a crash) and rebuilds it.
    pub(super) fn cache_miss(&mut self, in_window: bool) {
        if in_window {
            self.report.cache.misses += 1;
        }
    }

    /// A fan-out of the window skipped `n` followers whose timelines are
    /// not held.
    pub(super) fn skipped_deliveries(&mut self, in_window: bool, n: u64) {
        if in_window {
            self.report.cache.skipped_deliveries += n;
        }
    }

    /// The cache at the end of the run: `timelines` held in `bytes`,
    /// whether every read looks its timeline up there, and whether some
    /// timelines may not be held (residency on).
    pub(super) fn cache_held(
        &mut self,
        timelines: u64,
        bytes: u64,
        reads_cache: bool,
        partial: bool,
    ) {
        let c = &mut self.report.cache;
        c.partial = partial;
        if reads_cache {
            c.timelines = timelines;
            c.memory_bytes = bytes;
            c.lookups = self.report.reads;
        }
    }

    /// Whether the open time-series interval ends at or before `now`.
    #[inline]
    pub(super) fn interval_due(&self, now: SimTime) -> bool {
        self.series.as_ref().is_some_and(|s| now >= s.boundary())
    }

    /// Closes every time-series interval that ends at or before `now`;
    /// `peaks` gives (and resets) each tier's peak queue of the interval.
    pub(super) fn roll(
        &mut self,
        now: SimTime,
        backlog: u64,
        peaks: &mut dyn FnMut() -> TierPeaks,
    ) {
        let Some(series) = self.series.as_mut() else {
            return;
        };
        while now >= series.boundary() {
            let peaks = peaks();
            let event = labels_in(&self.labels, series.interval_start(), series.boundary());
            series.close(backlog, peaks, event);
        }
    }

    /// The run ended at `end`: closes every interval up to it, and writes
    /// the last one, if `end` cut it short and it overlaps the measured
    /// window, as a partial interval (an interval wholly in the drain after
    /// the window is written only when complete, as the drain's length is
    /// not the scenario's).
    pub(super) fn close_series(
        &mut self,
        end: SimTime,
        backlog: u64,
        peaks: &mut dyn FnMut() -> TierPeaks,
    ) {
        self.roll(end, backlog, peaks);
        let Some(series) = self.series.as_mut() else {
            return;
        };
        if end > series.interval_start() && series.interval_start() < self.window_end {
            let event = labels_in(&self.labels, series.interval_start(), end);
            series.close_partial(end, backlog, peaks(), event);
        }
    }

    /// The run was interrupted.
    pub(super) fn mark_partial(&mut self) {
        self.report.partial = true;
    }

    /// The report, with what only the caller knows filled in.
    pub(super) fn finish(mut self, tiers: Vec<crate::metrics::TierReport>, events: u64) -> Report {
        self.report.tiers = tiers;
        self.report.events = events;
        self.report.series = self
            .series
            .take()
            .map(TimeSeries::into_rows)
            .unwrap_or_default();
        self.report
    }
}

/// The labels of the scheduled events in `[start, end)`, joined.
fn labels_in(labels: &[(SimTime, String)], start: SimTime, end: SimTime) -> String {
    labels
        .iter()
        .filter(|(at, _)| *at < end && *at >= start)
        .map(|(_, l)| l.as_str())
        .collect::<Vec<_>>()
        .join("; ")
}

/// One line per scheduled event, for the time series' `event` column.
fn describe_events(scenario: &Scenario, world: &World) -> Vec<(SimTime, String)> {
    let mut out: Vec<(SimTime, String)> = scenario
        .workload
        .events
        .iter()
        .map(|e| match e {
            ScheduledEvent::Tweet { at, account } => {
                let who = match account {
                    AccountRef::Rank(r) => format!("rank {r}"),
                    AccountRef::Id(id) => format!("user {id}"),
                };
                let followers = world
                    .resolve_account(*account)
                    .map(|u| world.graph.follower_count(u))
                    .unwrap_or(0);
                (
                    SimTime::ZERO + *at,
                    format!("tweet by {who} ({followers} followers)"),
                )
            }
            ScheduledEvent::Burst {
                at,
                duration,
                factor,
            } => (
                SimTime::ZERO + *at,
                format!("burst x{factor} for {duration}"),
            ),
        })
        .collect();
    for f in &scenario.faults {
        let start = SimTime::ZERO + f.at;
        out.push((start, faults::describe(f)));
        // Marked too, so a plot shows whether an effect outlasts its fault.
        if let Some(end) = start.checked_add(f.duration) {
            out.push((end, format!("end of {}", faults::describe_short(f))));
        }
    }
    out.sort_by_key(|(t, _)| *t);
    out
}
