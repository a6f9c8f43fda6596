//! A progress bar on standard error for long runs and sweeps.
//!
//! Shown only after the first second (short runs stay quiet), only when
//! standard error is a terminal (indicatif hides itself otherwise), and never
//! with `--quiet`. It reports simulated time reached, events per wall second,
//! simulations finished and the estimated time left. Progress is reported
//! from the simulations' own threads through atomics; it never feeds back
//! into results.

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
                "{spinner} {elapsed:>4} [{bar:30}] {percent:>3}%  {msg}  ETA {eta}",
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
        }
    }

    /// Simulation `job` reached `sim_ns` after `events` events.
    pub fn update(&self, job: usize, sim_ns: u64, events: u64) {
        let Some(bar) = &self.bar else { return };
        if let (Some(r), Some(e)) = (self.reached.get(job), self.events.get(job)) {
            r.store(sim_ns.min(self.per_job_ns), Ordering::Relaxed);
            e.store(events, Ordering::Relaxed);
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
    }

    /// Simulation `job` finished.
    pub fn finish_job(&self, job: usize) {
        self.finished.fetch_add(1, Ordering::Relaxed);
        if let Some(r) = self.reached.get(job) {
            r.store(self.per_job_ns, Ordering::Relaxed);
        }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
