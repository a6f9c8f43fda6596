//! A FIFO queueing station with `c` identical servers, computed directly.
//!
//! Lindley's recursion (Lindley, "The theory of queues with a single server",
//! Proc. Cambridge Phil. Soc. 1952), generalised to `c` servers as in Kiefer
//! and Wolfowitz (1955): with jobs taken in arrival order,
//!
//! ```text
//! start_n  = max(arrival_n, earliest time a server is free)
//! depart_n = start_n + service_n,   and that server is free from depart_n
//! ```
//!
//! This is exactly FIFO service by the first free server, so a caller gets
//! each job's start and departure at submission time and schedules a
//! departure event only when something must react to it. Start times are
//! nondecreasing, which keeps the waiting jobs in a simple FIFO of start
//! times: the number waiting at `t` is the number of those starts after `t`.
//!
//! Statistics are kept for a measurement window `[start, end)`: per-job sums
//! count the jobs *arriving* in the window; time integrals (busy time, number
//! in system, number waiting) are exact integrals of the step functions,
//! clipped to the window, so they include jobs left over from a warm-up.

use crate::sim::time::{SimDuration, SimTime};
use hdrhistogram::Histogram;

/// When one job was served: it waited from its arrival to `start` and left
/// at `depart`.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Visit {
    /// When a server took the job.
    pub start: SimTime,
    /// When the job left the station.
    pub depart: SimTime,
}

/// A FIFO station with `c` identical servers and an optional bound on the
/// number of waiting jobs; see the module docs for the recursion.
pub struct Station {
    servers: u32,
    queue_limit: Option<u32>,
    /// Min-heap of the times each server becomes free.
    free: Vec<u64>,
    /// (arrival, start) of jobs that may still be waiting, start ascending.
    waiting: StartFifo,
    last_arrival: u64,
    win_start: u64,
    win_end: u64,
    max_depart: u64,
    arrivals: u64,
    drops: u64,
    wait_sum_ns: u128,
    sojourn_sum_ns: u128,
    busy_ns: u128,
    offered_ns: u128,
    area_in_system_ns: u128,
    area_waiting_ns: u128,
    peak_waiting: u64,
    /// Most jobs waiting at once since the last `take_interval_peak`.
    interval_peak: u64,
    wait_hist: Option<Histogram<u64>>,
    sojourn_hist: Option<Histogram<u64>>,
}

/// A FIFO of (arrival, start) pairs with nondecreasing starts: a `Vec` and
/// a head index, cheaper than a `VecDeque` (no wrap-around arithmetic); it
/// resets when it empties, which it does whenever the station catches up,
/// and compacts when the dead prefix is large.
#[derive(Default)]
struct StartFifo {
    items: Vec<(u64, u64)>,
    head: usize,
}

impl StartFifo {
    /// Forgets the jobs that started at or before `t`.
    #[inline]
    fn drop_started(&mut self, t: u64) {
        let n = self.items.len();
        while self.head < n && self.items[self.head].1 <= t {
            self.head += 1;
        }
        if self.head == n {
            self.items.clear();
            self.head = 0;
        } else if self.head >= 4096 && self.head * 2 >= n {
            self.items.drain(..self.head);
            self.head = 0;
        }
    }
    #[inline]
    fn len(&self) -> usize {
        self.items.len() - self.head
    }
    #[inline]
    fn push(&mut self, job: (u64, u64)) {
        self.items.push(job);
    }
    fn live(&self) -> &[(u64, u64)] {
        &self.items[self.head..]
    }
}

/// Highest value the histograms are sized for up front (one hour in ns);
/// they resize themselves beyond it.
const HIST_HIGH_NS: u64 = 3_600_000_000_000;

fn new_hist() -> Histogram<u64> {
    let mut h = Histogram::new_with_bounds(1, HIST_HIGH_NS, 3)
        .expect("constant histogram bounds are valid");
    h.auto(true);
    h
}

/// Records `v`, growing the histogram as needed; clamps only if growing
/// fails (a value near `u64::MAX`).
#[inline]
fn record(h: &mut Histogram<u64>, v: u64) {
    if h.record(v).is_err() {
        h.saturating_record(v);
    }
}

/// Length of `[a, b) ∩ [lo, hi)`.
#[inline]
fn clip(a: u64, b: u64, lo: u64, hi: u64) -> u128 {
    let s = a.max(lo);
    let e = b.min(hi);
    u128::from(e.saturating_sub(s))
}

impl Station {
    /// A station with `servers` (>= 1) identical servers and at most
    /// `queue_limit` waiting jobs (`None`: unbounded; `Some(0)`: a loss
    /// system, Erlang's M/M/c/c). Panics if `servers` is 0: a config bug.
    pub fn new(servers: u32, queue_limit: Option<u32>) -> Station {
        assert!(servers >= 1, "a station needs at least one server");
        Station {
            servers,
            queue_limit,
            free: vec![0; servers as usize],
            waiting: StartFifo::default(),
            last_arrival: 0,
            win_start: 0,
            win_end: u64::MAX,
            max_depart: 0,
            arrivals: 0,
            drops: 0,
            wait_sum_ns: 0,
            sojourn_sum_ns: 0,
            busy_ns: 0,
            offered_ns: 0,
            area_in_system_ns: 0,
            area_waiting_ns: 0,
            peak_waiting: 0,
            interval_peak: 0,
            wait_hist: None,
            sojourn_hist: None,
        }
    }

    /// Records each measured job's wait and sojourn (ns, 3 significant
    /// digits, sized for an hour and growing beyond) for percentiles.
    pub fn enable_histograms(&mut self) {
        self.wait_hist.get_or_insert_with(new_hist);
        self.sojourn_hist.get_or_insert_with(new_hist);
    }

    /// Sets the measurement window `[start, end)` (default `[0, MAX)`), to
    /// leave a warm-up out of the statistics. Set it before submitting.
    pub fn set_window(&mut self, start: SimTime, end: SimTime) {
        self.win_start = start.as_nanos();
        self.win_end = end.as_nanos().max(self.win_start);
    }

    /// The most jobs waiting at once since the last call (time series use
    /// it to report each interval's peak queue depth), and starts afresh.
    pub fn take_interval_peak(&mut self) -> u64 {
        std::mem::take(&mut self.interval_peak)
    }

    /// Submits a job arriving at `arrival` and needing `service`, and returns
    /// when it starts and leaves; `None` when the waiting room is full (the
    /// job is dropped and counted). Arrivals must come in nondecreasing order
    /// (asserted: out-of-order submission is a caller bug).
    #[inline]
    pub fn submit(&mut self, arrival: SimTime, service: SimDuration) -> Option<Visit> {
        let a = arrival.as_nanos();
        assert!(
            a >= self.last_arrival,
            "station arrivals out of order: {arrival} after t={}ns",
            self.last_arrival
        );
        self.last_arrival = a;
        // Jobs that started by now are no longer waiting.
        self.waiting.drop_started(a);
        let in_window = a >= self.win_start && a < self.win_end;
        let ahead = self.waiting.len();
        if let Some(limit) = self.queue_limit
            && ahead >= limit as usize
        {
            self.interval_peak = self.interval_peak.max(ahead as u64);
            if in_window {
                self.arrivals += 1;
                self.drops += 1;
                self.offered_ns += u128::from(service.as_nanos());
                self.peak_waiting = self.peak_waiting.max(ahead as u64);
            }
            return None;
        }
        let start = a.max(self.free[0]);
        let depart = start.saturating_add(service.as_nanos());
        self.replace_earliest(depart);
        if start > a {
            self.waiting.push((a, start));
            self.interval_peak = self.interval_peak.max(self.waiting.len() as u64);
        }
        self.max_depart = self.max_depart.max(depart);
        let (lo, hi) = (self.win_start, self.win_end);
        self.busy_ns += clip(start, depart, lo, hi);
        self.area_in_system_ns += clip(a, depart, lo, hi);
        self.area_waiting_ns += clip(a, start, lo, hi);
        if in_window {
            self.arrivals += 1;
            self.offered_ns += u128::from(service.as_nanos());
            let wait = start - a;
            let sojourn = depart - a;
            self.wait_sum_ns += u128::from(wait);
            self.sojourn_sum_ns += u128::from(sojourn);
            self.peak_waiting = self.peak_waiting.max(self.waiting.len() as u64);
            if let Some(h) = &mut self.wait_hist {
                record(h, wait);
            }
            if let Some(h) = &mut self.sojourn_hist {
                record(h, sojourn);
            }
        }
        Some(Visit {
            start: SimTime::from_nanos(start),
            depart: SimTime::from_nanos(depart),
        })
    }

    /// Gives the earliest-free server (the heap root) the free time `t` and
    /// restores the heap (`t` >= the old root, so only a sift-down).
    #[inline]
    fn replace_earliest(&mut self, t: u64) {
        let free = &mut self.free;
        let n = free.len();
        let mut i = 0;
        loop {
            let l = 2 * i + 1;
            if l >= n {
                break;
            }
            let r = l + 1;
            let m = if r < n && free[r] < free[l] { r } else { l };
            if free[m] >= t {
                break;
            }
            free[i] = free[m];
            i = m;
        }
        free[i] = t;
    }

    /// When a job arriving at `arrival` would start, without submitting it
    /// (a hedged copy checks whether it would start before its cancel).
    pub fn peek_start(&self, arrival: SimTime) -> SimTime {
        SimTime::from_nanos(arrival.as_nanos().max(self.free[0]))
    }

    /// Cancels a job at `at` (a hedged request whose copy won): the server
    /// holding it is free from `max(at, start)` instead of its departure.
    /// That is only possible while nothing queues behind the job on its
    /// server (its free time is still the job's departure); otherwise the
    /// job is served anyway and `false` comes back. Busy time is corrected;
    /// the job still counts as an arrival.
    pub fn cancel(&mut self, visit: Visit, at: SimTime) -> bool {
        let (start, depart) = (visit.start.as_nanos(), visit.depart.as_nanos());
        let new = at.as_nanos().max(start);
        if new >= depart || !self.reschedule_server(depart, new) {
            return false;
        }
        self.busy_ns -= clip(new, depart, self.win_start, self.win_end);
        true
    }

    /// Gives a server that is free at `old` the free time `new` (a crashed
    /// server is free only once it restarts; a cancelled job frees its
    /// server early). Returns `false` when no server is free at `old`.
    pub fn reschedule_server(&mut self, old: u64, new: u64) -> bool {
        let Some(i) = self.free.iter().position(|&f| f == old) else {
            return false;
        };
        self.free[i] = new;
        self.sift_up(i);
        self.sift_down(i);
        true
    }

    /// Keeps the earliest-free server busy until `until` at least (a worker
    /// that crashed while idle).
    pub fn hold_earliest(&mut self, until: SimTime) {
        let t = self.free[0].max(until.as_nanos());
        self.replace_earliest(t);
    }

    fn sift_up(&mut self, mut i: usize) {
        while i > 0 {
            let p = (i - 1) / 2;
            if self.free[p] <= self.free[i] {
                break;
            }
            self.free.swap(p, i);
            i = p;
        }
    }

    fn sift_down(&mut self, mut i: usize) {
        let n = self.free.len();
        loop {
            let l = 2 * i + 1;
            if l >= n {
                break;
            }
            let r = l + 1;
            let m = if r < n && self.free[r] < self.free[l] {
                r
            } else {
                l
            };
            if self.free[m] >= self.free[i] {
                break;
            }
            self.free.swap(m, i);
            i = m;
        }
    }

    /// Jobs that arrived by `t` and are still waiting (not in service) at
    /// `t`. Exact for `t` at or after the latest submitted arrival, which is
    /// how an event loop asks; for an earlier `t`, jobs that started between
    /// `t` and the latest arrival are no longer tracked and are not counted.
    pub fn waiting_at(&mut self, t: SimTime) -> usize {
        let t = t.as_nanos();
        let bound = t.min(self.last_arrival);
        self.waiting.drop_started(bound);
        // Starts ascend, and so do arrivals: those still waiting at t are
        // the entries that start after t and arrived by t.
        let live = self.waiting.live();
        let first_after = live.partition_point(|&(_, s)| s <= t);
        let arrived = live.partition_point(|&(a, _)| a <= t);
        arrived.saturating_sub(first_after)
    }

    /// Number of servers.
    pub fn servers(&self) -> u32 {
        self.servers
    }

    /// A snapshot of the statistics (clones the histograms).
    pub fn stats(&self) -> StationStats {
        let window_ns = if self.win_end == u64::MAX {
            self.max_depart
                .max(self.last_arrival)
                .saturating_sub(self.win_start)
        } else {
            self.win_end - self.win_start
        };
        StationStats {
            servers: self.servers,
            window_ns,
            arrivals: self.arrivals,
            drops: self.drops,
            wait_sum_ns: self.wait_sum_ns,
            sojourn_sum_ns: self.sojourn_sum_ns,
            busy_ns: self.busy_ns,
            offered_ns: self.offered_ns,
            area_in_system_ns: self.area_in_system_ns,
            area_waiting_ns: self.area_waiting_ns,
            peak_waiting: self.peak_waiting,
            wait_hist: self.wait_hist.clone(),
            sojourn_hist: self.sojourn_hist.clone(),
        }
    }
}

/// What a station measured over its window; sums, so shards of a tier can be
/// merged. Means return NaN when nothing was measured.
#[derive(Clone, Debug)]
pub struct StationStats {
    /// Servers (summed over merged stations).
    pub servers: u32,
    /// Window length in ns: `end - start`, or, for an open window (end =
    /// MAX), from `start` to the last departure (or arrival) seen.
    pub window_ns: u64,
    /// Jobs arriving in the window, served or dropped.
    pub arrivals: u64,
    /// Jobs arriving in the window and dropped because the queue was full.
    pub drops: u64,
    /// Sum of waits (arrival to start) of the served jobs arriving in the window.
    pub wait_sum_ns: u128,
    /// Sum of sojourns (arrival to departure) of the same jobs.
    pub sojourn_sum_ns: u128,
    /// Server-busy time in the window: sum over all jobs of `|[start, depart) ∩ window|`.
    pub busy_ns: u128,
    /// Service demanded by the arrivals in the window, served or not: the
    /// offered load, which (unlike `busy_ns`) can exceed the capacity.
    pub offered_ns: u128,
    /// Integral over the window of the number in system: sum over all jobs
    /// of `|[arrival, depart) ∩ window|`.
    pub area_in_system_ns: u128,
    /// Integral over the window of the number waiting: sum of `|[arrival, start) ∩ window|`.
    pub area_waiting_ns: u128,
    /// Most jobs waiting at once, seen at arrivals in the window (the count
    /// only rises at arrivals); for merged stations, the largest single one.
    pub peak_waiting: u64,
    /// Waits in ns, when histograms are enabled.
    pub wait_hist: Option<Histogram<u64>>,
    /// Sojourns in ns, when histograms are enabled.
    pub sojourn_hist: Option<Histogram<u64>>,
}

fn ratio(num: u128, den: u128) -> f64 {
    if den == 0 {
        f64::NAN
    } else {
        num as f64 / den as f64
    }
}

impl StationStats {
    /// Jobs served (arrivals minus drops).
    pub fn served(&self) -> u64 {
        self.arrivals - self.drops
    }
    /// Fraction of server capacity used: busy / (servers * window).
    pub fn utilisation(&self) -> f64 {
        ratio(
            self.busy_ns,
            u128::from(self.servers) * u128::from(self.window_ns),
        )
    }
    /// Offered load over capacity: service demanded by the window's
    /// arrivals / (servers * window). At 1 or more the queue grows without
    /// bound and latencies depend on how long the run is.
    pub fn offered_load(&self) -> f64 {
        ratio(
            self.offered_ns,
            u128::from(self.servers) * u128::from(self.window_ns),
        )
    }
    /// Time-average number of jobs in the station (waiting or in service).
    pub fn mean_in_system(&self) -> f64 {
        ratio(self.area_in_system_ns, u128::from(self.window_ns))
    }
    /// Time-average number of jobs waiting.
    pub fn mean_waiting(&self) -> f64 {
        ratio(self.area_waiting_ns, u128::from(self.window_ns))
    }
    /// Mean wait of served jobs, ns.
    pub fn mean_wait_ns(&self) -> f64 {
        ratio(self.wait_sum_ns, u128::from(self.served()))
    }
    /// Mean sojourn (wait + service) of served jobs, ns.
    pub fn mean_sojourn_ns(&self) -> f64 {
        ratio(self.sojourn_sum_ns, u128::from(self.served()))
    }
    /// Adds another station's statistics (a tier of shards over the same
    /// window): counts, sums and servers add; the window is the longer one;
    /// the peak is the larger one; histograms are added.
    pub fn merge(&mut self, other: &StationStats) {
        self.servers += other.servers;
        self.window_ns = self.window_ns.max(other.window_ns);
        self.arrivals += other.arrivals;
        self.drops += other.drops;
        self.wait_sum_ns += other.wait_sum_ns;
        self.sojourn_sum_ns += other.sojourn_sum_ns;
        self.busy_ns += other.busy_ns;
        self.offered_ns += other.offered_ns;
        self.area_in_system_ns += other.area_in_system_ns;
        self.area_waiting_ns += other.area_waiting_ns;
        self.peak_waiting = self.peak_waiting.max(other.peak_waiting);
        merge_hist(&mut self.wait_hist, &other.wait_hist);
        merge_hist(&mut self.sojourn_hist, &other.sojourn_hist);
    }
}

fn merge_hist(into: &mut Option<Histogram<u64>>, from: &Option<Histogram<u64>>) {
    match (into.as_mut(), from) {
        (Some(a), Some(b)) => {
            // Both auto-resize, so adding cannot run out of range.
            a.add(b).expect("auto-resizing histograms always add");
        }
        (None, Some(b)) => *into = Some(b.clone()),
        _ => {}
    }
}

#[cfg(test)]
mod tests;
