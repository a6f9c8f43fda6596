//! A progress bar on standard error for long runs and sweeps.
//!
//! Shown only after the first second (short runs stay quiet), only when
//! standard error is a terminal (indicatif hides itself otherwise), and never
//! with `--quiet`. It reports simulated time reached, events per wall second,
//! simulations finished and the estimated time left. Progress is reported
//! from the simulations' own threads through atomics; it never feeds back
//! into results.
//!
//! The time left is estimated per simulation, not from the bar's overall
//! rate: the overall rate of simulated time ran high (an ETA of 5 s with
//! 10 s to go) because simulations run in parallel only while there are
//! more of them than threads (the last one runs alone), strategies differ
//! several-fold in cost per simulated second (the fast ones finish first),
//! and a simulation starts fast while its caches and queues fill. So each
//! running simulation extrapolates from its own recent rate, one not yet
//! started is assumed to take as long as the average started one, and the
//! work left is spread over the threads ([`eta_secs`]).

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Progress of a set of simulations run in parallel.
pub struct Progress {
    bar: Option<ProgressBar>,
    shown: Mutex<bool>,
    started: Instant,
    /// Simulated nanoseconds reached by each simulation.
    reached: Vec<AtomicU64>,
    /// Events processed by each simulation.
    events: Vec<AtomicU64>,
    finished: AtomicUsize,
    per_job_ns: u64,
    /// Wall-clock history of each simulation, for the time left.
    clocks: Mutex<Vec<JobClock>>,
    threads: usize,
}

/// Wall-clock history of one simulation.
#[derive(Clone, Copy, Default)]
struct JobClock {
    /// When it first reported progress.
    started: Option<Instant>,
    /// The start of the current rate window: (when, simulated ns reached).
    mark: Option<(Instant, u64)>,
    /// Simulated ns per wall second over the last full window.
    rate: Option<f64>,
    /// Simulated ns reached at the last report.
    reached: u64,
    done: bool,
}

/// Length of the window a simulation's recent rate is measured over.
const RATE_WINDOW: Duration = Duration::from_secs(2);

impl JobClock {
    fn update(&mut self, now: Instant, sim_ns: u64) {
        let started = *self.started.get_or_insert(now);
        let (at, from) = *self.mark.get_or_insert((started, 0));
        let span = now.duration_since(at);
        if span >= RATE_WINDOW {
            self.rate = Some(sim_ns.saturating_sub(from) as f64 / span.as_secs_f64());
            self.mark = Some((now, sim_ns));
        } else if self.rate.is_none() && now > started {
            self.rate = Some(sim_ns as f64 / now.duration_since(started).as_secs_f64());
        }
        self.reached = sim_ns;
    }

    /// (wall seconds left, wall seconds in all), if the rate is known.
    fn estimate(&self, now: Instant, per_job_ns: u64) -> Option<(f64, f64)> {
        let rate = self.rate.filter(|r| *r > 0.0)?;
        let left = per_job_ns.saturating_sub(self.reached) as f64 / rate;
        let spent = now.duration_since(self.started?).as_secs_f64();
        Some((left, spent + left))
    }
}

/// Seconds left for the simulations not finished: `running` holds the
/// estimated seconds left of each started one, `waiting` counts those not
/// started, each assumed to take `typical` seconds; `threads` run at once,
/// and each waiting simulation starts on the first thread to come free.
pub fn eta_secs(running: &[f64], waiting: usize, typical: f64, threads: usize) -> f64 {
    let mut free: Vec<f64> = running.to_vec();
    while free.len() < threads.max(1) {
        free.push(0.0);
    }
    for _ in 0..waiting {
        let first = free
            .iter()
            .enumerate()
            .min_by(|a, b| a.1.total_cmp(b.1))
            .map_or(0, |(i, _)| i);
        free[first] += typical;
    }
    free.into_iter().fold(0.0, f64::max)
}

impl Progress {
    /// Progress of `jobs` simulations of `per_job_ns` simulated ns each.
    pub fn new(jobs: usize, per_job_ns: u64, quiet: bool) -> Progress {
        let bar = (!quiet).then(|| {
            let bar = ProgressBar::with_draw_target(
                Some(jobs as u64 * 1000),
                ProgressDrawTarget::hidden(),
            );
            let style = ProgressStyle::with_template(
                "{spinner} {elapsed:>4} [{bar:30}] {percent:>3}%  {msg}  ETA {prefix}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
            bar.set_style(style);
            bar
        });
        Progress {
            bar,
            shown: Mutex::new(false),
            started: Instant::now(),
            reached: (0..jobs).map(|_| AtomicU64::new(0)).collect(),
            events: (0..jobs).map(|_| AtomicU64::new(0)).collect(),
            finished: AtomicUsize::new(0),
            per_job_ns: per_job_ns.max(1),
            clocks: Mutex::new(vec![JobClock::default(); jobs]),
            threads: rayon::current_num_threads().max(1),
        }
    }

    /// Simulation `job` reached `sim_ns` after `events` events.
    pub fn update(&self, job: usize, sim_ns: u64, events: u64) {
        let Some(bar) = &self.bar else { return };
        if let (Some(r), Some(e)) = (self.reached.get(job), self.events.get(job)) {
            r.store(sim_ns.min(self.per_job_ns), Ordering::Relaxed);
            e.store(events, Ordering::Relaxed);
        }
        let now = Instant::now();
        if let Ok(mut clocks) = self.clocks.lock()
            && let Some(c) = clocks.get_mut(job)
        {
            c.update(now, sim_ns.min(self.per_job_ns));
        }
        let elapsed = self.started.elapsed();
        if elapsed < Duration::from_secs(1) {
            return;
        }
        if let Ok(mut shown) = self.shown.lock()
            && !*shown
        {
            *shown = true;
            bar.set_draw_target(ProgressDrawTarget::stderr());
            bar.enable_steady_tick(Duration::from_millis(200));
        }
        let done_ns: u64 = self.reached.iter().map(|r| r.load(Ordering::Relaxed)).sum();
        let events: u64 = self.events.iter().map(|e| e.load(Ordering::Relaxed)).sum();
        let jobs = self.reached.len();
        bar.set_position(done_ns.saturating_mul(1000) / self.per_job_ns);
        bar.set_message(format!(
            "simulated {:.1}/{:.1} s  {:.1}M events/s  {}/{} simulations done",
            done_ns as f64 * 1e-9,
            (self.per_job_ns * jobs as u64) as f64 * 1e-9,
            events as f64 / elapsed.as_secs_f64() / 1e6,
            self.finished.load(Ordering::Relaxed),
            jobs
        ));
        bar.set_prefix(self.eta_text(now));
    }

    /// The estimated time left, as shown: `12s`, `3m 05s`, `?` when unknown.
    fn eta_text(&self, now: Instant) -> String {
        let Ok(clocks) = self.clocks.lock() else {
            return "?".into();
        };
        let mut running = Vec::new();
        let mut totals = Vec::new();
        let mut waiting = 0;
        for c in clocks.iter().filter(|c| !c.done) {
            match (c.started, c.estimate(now, self.per_job_ns)) {
                (_, Some((left, total))) => {
                    running.push(left);
                    totals.push(total);
                }
                (Some(_), None) => return "?".into(),
                (None, _) => waiting += 1,
            }
        }
        if running.is_empty() {
            return "?".into();
        }
        let typical = totals.iter().sum::<f64>() / totals.len() as f64;
        let secs = eta_secs(&running, waiting, typical, self.threads).round() as u64;
        if secs >= 60 {
            format!("{}m {:02}s", secs / 60, secs % 60)
        } else {
            format!("{secs}s")
        }
    }

    /// Simulation `job` finished.
    pub fn finish_job(&self, job: usize) {
        self.finished.fetch_add(1, Ordering::Relaxed);
        if let Some(r) = self.reached.get(job) {
            r.store(self.per_job_ns, Ordering::Relaxed);
        }
        if let Ok(mut clocks) = self.clocks.lock()
            && let Some(c) = clocks.get_mut(job)
        {
            c.done = true;
        }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eta_waits_for_the_simulations_that_cannot_start_yet() {
        // Two threads, two simulations 5 s from the end, a third of about
        // 10 s waiting: it starts in 5 s and ends 10 s later, so 15 s, not
        // the 5 s the two running ones alone suggest.
        assert_eq!(eta_secs(&[5.0, 5.0], 1, 10.0, 2), 15.0);
        assert_eq!(eta_secs(&[2.0, 6.0], 2, 3.0, 2), 8.0);
        // One slow simulation left alone: its own time, not the average.
        assert_eq!(eta_secs(&[1.0, 12.0], 0, 5.0, 2), 12.0);
        assert_eq!(eta_secs(&[], 0, 0.0, 2), 0.0);
    }

    #[test]
    fn a_simulation_that_slows_down_is_extrapolated_from_its_recent_rate() {
        let t0 = Instant::now();
        let mut c = JobClock::default();
        c.update(t0, 0);
        // Fast start: 8 simulated s in the first 2 wall s, then 1 per s.
        c.update(t0 + Duration::from_secs(2), 8_000_000_000);
        c.update(t0 + Duration::from_secs(4), 10_000_000_000);
        let (left, total) = c
            .estimate(t0 + Duration::from_secs(4), 20_000_000_000)
            .unwrap();
        assert!((left - 10.0).abs() < 1e-9, "{left}");
        assert!((total - 14.0).abs() < 1e-9, "{total}");
    }
}
