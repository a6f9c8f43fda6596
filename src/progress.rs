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
//! work left is spread over the threads ([`eta_secs`]). Until every running
//! simulation has reported once (they report every million events or so,
//! which can take seconds) the time left is shown as `?`: guessing it from
//! a cheaper strategy is how the old estimate ran low.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
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
    /// When the estimate says the work ends (`None`: not known yet).
    deadline: Arc<Mutex<Option<Instant>>>,
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

/// A duration as the bar shows it: `12s`, `3m 05s`.
fn format_secs(d: Duration) -> String {
    let secs = d.as_secs_f64().round() as u64;
    if secs >= 60 {
        format!("{}m {:02}s", secs / 60, secs % 60)
    } else {
        format!("{secs}s")
    }
}

/// Length of the window a simulation's recent rate is measured over.
const RATE_WINDOW: Duration = Duration::from_secs(2);

impl JobClock {
    fn update(&mut self, now: Instant, sim_ns: u64) {
        // Started by `start_job`; else measured from the first report.
        self.started.get_or_insert(now);
        let (at, from) = *self.mark.get_or_insert((now, sim_ns));
        let span = now.duration_since(at);
        let rate = || sim_ns.saturating_sub(from) as f64 / span.as_secs_f64();
        if span >= RATE_WINDOW {
            self.rate = Some(rate());
            self.mark = Some((now, sim_ns));
        } else if self.rate.is_none() && !span.is_zero() {
            self.rate = Some(rate());
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
        let deadline: Arc<Mutex<Option<Instant>>> = Arc::new(Mutex::new(None));
        let bar = (!quiet).then(|| {
            let bar = ProgressBar::with_draw_target(
                Some(jobs as u64 * 1000),
                ProgressDrawTarget::hidden(),
            );
            let shown = deadline.clone();
            let style = ProgressStyle::with_template(
                "{spinner} {elapsed:>4} [{bar:30}] {percent:>3}%  {msg}  ETA {left}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .with_key(
                "left",
                move |_: &ProgressState, w: &mut dyn std::fmt::Write| {
                    // Counts down between the simulations' reports.
                    let text = match shown.lock().ok().and_then(|d| *d) {
                        Some(end) => format_secs(end.saturating_duration_since(Instant::now())),
                        None => "?".to_string(),
                    };
                    let _ = w.write_str(&text);
                },
            )
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
            deadline,
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
        let end = self
            .eta(now)
            .map(|secs| now + Duration::from_secs_f64(secs));
        if let Ok(mut d) = self.deadline.lock() {
            *d = end;
        }
    }

    /// The estimated seconds left, if every running simulation has a rate.
    fn eta(&self, now: Instant) -> Option<f64> {
        let clocks = self.clocks.lock().ok()?;
        let mut running = Vec::new();
        let mut totals = Vec::new();
        let mut waiting = 0;
        for c in clocks.iter().filter(|c| !c.done) {
            match (c.started, c.estimate(now, self.per_job_ns)) {
                (_, Some((left, total))) => {
                    running.push(left);
                    totals.push(total);
                }
                (Some(_), None) => return None,
                (None, _) => waiting += 1,
            }
        }
        if running.is_empty() {
            return None;
        }
        let typical = totals.iter().sum::<f64>() / totals.len() as f64;
        let secs = eta_secs(&running, waiting, typical, self.threads);
        secs.is_finite().then_some(secs.min(1e9))
    }

    /// Simulation `job` starts now (its rate is measured from here: the
    /// simulations report only every million events or so).
    pub fn start_job(&self, job: usize) {
        if self.bar.is_none() {
            return;
        }
        if let Ok(mut clocks) = self.clocks.lock()
            && let Some(c) = clocks.get_mut(job)
        {
            let now = Instant::now();
            c.started = Some(now);
            c.mark = Some((now, 0));
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
        let mut c = JobClock {
            started: Some(t0),
            mark: Some((t0, 0)),
            ..JobClock::default()
        };
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
