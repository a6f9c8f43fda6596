//! STAND-IN.
use crate::sim::time::{SimDuration, SimTime};
use std::collections::VecDeque;
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Visit {
    pub start: SimTime,
    pub depart: SimTime,
}
pub struct Station {
    ipeak: u64,
    free: Vec<u64>,
    limit: Option<u32>,
    starts: VecDeque<u64>,
    last: u64,
    ws: u64,
    we: u64,
    st: StationStats,
}
#[derive(Clone, Debug, Default)]
pub struct StationStats {
    pub servers: u32,
    pub window_ns: u64,
    pub arrivals: u64,
    pub drops: u64,
    pub wait_sum_ns: u128,
    pub sojourn_sum_ns: u128,
    pub busy_ns: u128,
    pub area_in_system_ns: u128,
    pub area_waiting_ns: u128,
    pub peak_waiting: u64,
    pub wait_hist: Option<hdrhistogram::Histogram<u64>>,
    pub sojourn_hist: Option<hdrhistogram::Histogram<u64>>,
}
fn clip(a: u64, b: u64, s: u64, e: u64) -> u128 {
    let lo = a.max(s);
    let hi = b.min(e);
    hi.saturating_sub(lo) as u128
}
impl StationStats {
    pub fn utilisation(&self) -> f64 {
        self.busy_ns as f64 / (self.servers as f64 * self.window_ns as f64)
    }
    pub fn mean_in_system(&self) -> f64 {
        self.area_in_system_ns as f64 / self.window_ns as f64
    }
    pub fn mean_waiting(&self) -> f64 {
        self.area_waiting_ns as f64 / self.window_ns as f64
    }
    pub fn mean_wait_ns(&self) -> f64 {
        self.wait_sum_ns as f64 / (self.arrivals - self.drops).max(1) as f64
    }
    pub fn mean_sojourn_ns(&self) -> f64 {
        self.sojourn_sum_ns as f64 / (self.arrivals - self.drops).max(1) as f64
    }
    pub fn merge(&mut self, o: &StationStats) {
        self.servers += o.servers;
        self.window_ns = self.window_ns.max(o.window_ns);
        self.arrivals += o.arrivals;
        self.drops += o.drops;
        self.wait_sum_ns += o.wait_sum_ns;
        self.sojourn_sum_ns += o.sojourn_sum_ns;
        self.busy_ns += o.busy_ns;
        self.area_in_system_ns += o.area_in_system_ns;
        self.area_waiting_ns += o.area_waiting_ns;
        self.peak_waiting = self.peak_waiting.max(o.peak_waiting);
    }
}
impl Station {
    pub fn new(servers: u32, limit: Option<u32>) -> Station {
        Station {
            ipeak: 0,
            free: vec![0; servers as usize],
            limit,
            starts: VecDeque::new(),
            last: 0,
            ws: 0,
            we: u64::MAX,
            st: StationStats {
                servers,
                ..Default::default()
            },
        }
    }
    pub fn enable_histograms(&mut self) {}
    pub fn set_window(&mut self, s: SimTime, e: SimTime) {
        self.ws = s.as_nanos();
        self.we = e.as_nanos();
        self.st.window_ns = self.we - self.ws;
    }
    pub fn servers(&self) -> u32 {
        self.free.len() as u32
    }
    pub fn waiting_at(&mut self, t: SimTime) -> usize {
        while self.starts.front().is_some_and(|&s| s <= t.as_nanos()) {
            self.starts.pop_front();
        }
        self.starts.len()
    }
    pub fn submit(&mut self, arrival: SimTime, service: SimDuration) -> Option<Visit> {
        let a = arrival.as_nanos();
        assert!(a >= self.last);
        self.last = a;
        let w = self.waiting_at(arrival) as u64;
        let inw = a >= self.ws && a < self.we;
        self.ipeak = self.ipeak.max(w);
        if inw {
            self.st.arrivals += 1;
            self.st.peak_waiting = self.st.peak_waiting.max(w);
        }
        if let Some(l) = self.limit {
            if w >= l as u64 {
                if inw {
                    self.st.drops += 1;
                }
                return None;
            }
        }
        let (i, f) = self
            .free
            .iter()
            .enumerate()
            .min_by_key(|&(_, &f)| f)
            .map(|(i, &f)| (i, f))
            .unwrap();
        let start = a.max(f);
        let dep = start + service.as_nanos();
        self.free[i] = dep;
        if start > a {
            self.starts.push_back(start);
        }
        self.st.busy_ns += clip(start, dep, self.ws, self.we);
        self.st.area_in_system_ns += clip(a, dep, self.ws, self.we);
        self.st.area_waiting_ns += clip(a, start, self.ws, self.we);
        if inw {
            self.st.wait_sum_ns += (start - a) as u128;
            self.st.sojourn_sum_ns += (dep - a) as u128;
        }
        Some(Visit {
            start: SimTime::from_nanos(start),
            depart: SimTime::from_nanos(dep),
        })
    }
    pub fn take_interval_peak(&mut self) -> u64 {
        std::mem::take(&mut self.ipeak)
    }
    pub fn stats(&self) -> StationStats {
        self.st.clone()
    }
}
