//! The fault schedule of a run, asked by the simulation as requests go by.
//!
//! Faults are windows `[from, until)` of simulated time (DDIA ch. 1's
//! "fault, not failure": a component deviates, and what the client does
//! decides whether users see it):
//!
//! - a crashed store shard or cache machine refuses every request that
//!   arrives while it is down (a connection refused comes back after a round
//!   trip); a cache machine that lost its data restarts empty, and every
//!   timeline read from it misses until it is rebuilt (Krikorian 2012: a
//!   timeline not in cache is reconstructed from the tweet store on read);
//! - a slowed shard or machine serves a request in `service * factor + delay`,
//!   with probability `probability` per request (Dean and Barroso 2013: one
//!   server in a hundred answering slowly is enough to slow most scatter
//!   reads);
//! - a degraded network adds delay to every hop and loses a fraction of
//!   messages.
//!
//! Every random choice draws from a `faults` stream of its own (one each
//! for the store, the cache, the network and the workers), and only when a
//! fault is configured: a run without faults draws exactly what it drew
//! before this module existed, and a policy that sends more requests to one
//! tier does not change which requests another tier's fault hits.

use crate::model::config::{Fault, FaultKind, FaultTarget};
use crate::sim::rng::{self, SimRng};
use crate::sim::time::{SimDuration, SimTime};
use rand::RngExt;

/// Index of the network's stream in `Faults::rngs` (the store's and the
/// cache's are `FaultTarget as usize`).
const NETWORK: usize = 2;
/// Index of the workers' stream.
const WORKERS: usize = 3;

/// A fault's window and what it does, in the form the hot path asks.
#[derive(Clone, Debug)]
struct Window {
    from: SimTime,
    until: SimTime,
    kind: FaultKind,
}

impl Window {
    fn covers(&self, t: SimTime) -> bool {
        t >= self.from && t < self.until
    }

    fn hits(&self, target: FaultTarget, index: u32) -> bool {
        match self.kind {
            FaultKind::Crash {
                target: t,
                index: i,
                ..
            } => t == target && i == index,
            FaultKind::Slow {
                target: t,
                index: i,
                ..
            } => t == target && i.is_none_or(|i| i == index),
            _ => false,
        }
    }
}

/// Which timelines a cache machine that lost its data has rebuilt since it
/// restarted: one bit per user.
#[derive(Clone, Debug)]
struct Lost {
    /// The restart (index of the crash window) the bits belong to.
    epoch: usize,
    rebuilt: Vec<u64>,
}

/// The faults of one run.
pub(super) struct Faults {
    windows: Vec<Window>,
    /// Per cache machine, the timelines rebuilt since it restarted empty.
    lost: Vec<Option<Lost>>,
    users: u32,
    /// Streams of the store, the cache, the network and the workers.
    rngs: [SimRng; 4],
    /// Whether any slow, network or crash window exists (quick exits).
    any_slow: bool,
    any_network: bool,
    any_crash: bool,
}

impl Faults {
    /// The faults of a scenario; `None` when it has none.
    pub(super) fn new(faults: &[Fault], machines: u32, users: u32, seed: u64) -> Option<Faults> {
        if faults.is_empty() {
            return None;
        }
        let windows: Vec<Window> = faults
            .iter()
            .map(|f| {
                let from = SimTime::ZERO + f.at;
                Window {
                    from,
                    until: from.checked_add(f.duration).unwrap_or(SimTime::MAX),
                    kind: f.kind.clone(),
                }
            })
            .collect();
        let has = |p: fn(&FaultKind) -> bool| windows.iter().any(|w| p(&w.kind));
        Some(Faults {
            any_slow: has(|k| matches!(k, FaultKind::Slow { .. })),
            any_network: has(|k| matches!(k, FaultKind::Network { .. })),
            any_crash: has(|k| matches!(k, FaultKind::Crash { .. })),
            windows,
            lost: vec![None; machines as usize],
            users,
            rngs: [0, 1, 2, 3].map(|i| rng::substream(seed, "faults", i)),
        })
    }

    /// Whether `index` of `target` is down at `t`.
    pub(super) fn down(&self, target: FaultTarget, index: u32, t: SimTime) -> bool {
        self.any_crash
            && self.windows.iter().any(|w| {
                matches!(w.kind, FaultKind::Crash { .. }) && w.hits(target, index) && w.covers(t)
            })
    }

    /// The service time of a request arriving at `t` at `index` of `target`.
    pub(super) fn service(
        &mut self,
        target: FaultTarget,
        index: u32,
        t: SimTime,
        service: SimDuration,
    ) -> SimDuration {
        if !self.any_slow {
            return service;
        }
        let mut out = service;
        for w in &self.windows {
            if let FaultKind::Slow {
                factor,
                delay,
                probability,
                ..
            } = w.kind
                && w.hits(target, index)
                && w.covers(t)
                && (probability >= 1.0 || self.rngs[target as usize].random::<f64>() < probability)
            {
                let scaled = (out.as_nanos() as f64 * factor).min(u64::MAX as f64 / 2.0);
                out = SimDuration::from_nanos(scaled as u64).saturating_add(delay);
            }
        }
        out
    }

    /// Extra delay of one hop sent at `t`.
    pub(super) fn extra_delay(&self, t: SimTime) -> SimDuration {
        if !self.any_network {
            return SimDuration::ZERO;
        }
        self.windows
            .iter()
            .filter(|w| w.covers(t))
            .fold(SimDuration::ZERO, |acc, w| match w.kind {
                FaultKind::Network { delay, .. } => acc.saturating_add(delay),
                _ => acc,
            })
    }

    /// Whether a message sent at `t` is lost.
    pub(super) fn lose_message(&mut self, t: SimTime) -> bool {
        if !self.any_network {
            return false;
        }
        let mut keep = 1.0;
        for w in &self.windows {
            if let FaultKind::Network { drop, .. } = w.kind
                && w.covers(t)
            {
                keep *= 1.0 - drop;
            }
        }
        keep < 1.0 && self.rngs[NETWORK].random::<f64>() >= keep
    }

    /// Whether the timeline of `user` on cache machine `machine` is missing
    /// at `t`: the machine restarted empty at or before `t` and the timeline
    /// was not rebuilt since.
    pub(super) fn timeline_missing(&mut self, machine: u32, user: u32, t: SimTime) -> bool {
        if !self.any_crash {
            return false;
        }
        let Some(epoch) = self.last_restart_empty(machine, t) else {
            return false;
        };
        let words = (self.users as usize).div_ceil(64);
        let lost = self.lost[machine as usize].get_or_insert_with(|| Lost {
            epoch,
            rebuilt: vec![0; words],
        });
        if lost.epoch != epoch {
            lost.epoch = epoch;
            lost.rebuilt.fill(0);
        }
        lost.rebuilt[user as usize / 64] & (1 << (user % 64)) == 0
    }

    /// Records that the timeline of `user` on `machine` was rebuilt.
    pub(super) fn rebuilt(&mut self, machine: u32, user: u32) {
        if let Some(lost) = self.lost[machine as usize].as_mut() {
            lost.rebuilt[user as usize / 64] |= 1 << (user % 64);
        }
    }

    /// The latest crash of `machine` that lost its data and was over by `t`.
    fn last_restart_empty(&self, machine: u32, t: SimTime) -> Option<usize> {
        self.windows
            .iter()
            .enumerate()
            .filter(|(_, w)| {
                matches!(
                    w.kind,
                    FaultKind::Crash {
                        lose_data: true,
                        ..
                    }
                ) && w.hits(FaultTarget::Cache, machine)
                    && w.until <= t
            })
            .max_by_key(|(_, w)| w.until)
            .map(|(i, _)| i)
    }

    /// The worker crashes: (when, until, workers, lose_data), by start time.
    pub(super) fn worker_crashes(&self) -> Vec<(SimTime, SimTime, u32, bool)> {
        let mut out: Vec<_> = self
            .windows
            .iter()
            .filter_map(|w| match w.kind {
                FaultKind::CrashWorkers { workers, lose_data } => {
                    Some((w.from, w.until, workers, lose_data))
                }
                _ => None,
            })
            .collect();
        out.sort_by_key(|c| c.0);
        out
    }

    /// The fault stream, for choices the simulation makes about faults
    /// (which running jobs a worker crash interrupts).
    pub(super) fn worker_rng(&mut self) -> &mut SimRng {
        &mut self.rngs[WORKERS]
    }
}

/// One line describing a fault, for the time series' `event` column.
pub(super) fn describe(f: &Fault) -> String {
    format!("{} for {}", describe_short(f), f.duration)
}

/// What a fault does, without its duration.
pub(super) fn describe_short(f: &Fault) -> String {
    let tier = |t: FaultTarget| match t {
        FaultTarget::Store => "store shard",
        FaultTarget::Cache => "cache machine",
    };
    match &f.kind {
        FaultKind::Crash {
            target,
            index,
            lose_data,
        } => format!(
            "crash {} {index}{}",
            tier(*target),
            if *lose_data { " (data lost)" } else { "" }
        ),
        FaultKind::CrashWorkers { workers, lose_data } => format!(
            "crash {workers} workers{}",
            if *lose_data { " (jobs lost)" } else { "" }
        ),
        FaultKind::Slow {
            target,
            index,
            factor,
            delay,
            probability,
        } => {
            let which = match index {
                Some(i) => format!("{} {i}", tier(*target)),
                None => format!("every {}", tier(*target)),
            };
            let mut s = format!("slow {which} x{factor}");
            if *delay > SimDuration::ZERO {
                s.push_str(&format!(" +{delay}"));
            }
            if *probability < 1.0 {
                s.push_str(&format!(" for {}% of requests", probability * 100.0));
            }
            s
        }
        FaultKind::Network { delay, drop } => {
            format!("network +{delay} per hop, {}% lost", drop * 100.0)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fault(at: u64, secs: u64, kind: FaultKind) -> Fault {
        Fault {
            at: SimDuration::from_secs(at),
            duration: SimDuration::from_secs(secs),
            kind,
        }
    }

    fn at(s: u64) -> SimTime {
        SimTime::ZERO + SimDuration::from_secs(s)
    }

    #[test]
    fn no_faults_is_none() {
        assert!(Faults::new(&[], 4, 10, 1).is_none());
    }

    #[test]
    fn a_crash_is_down_only_in_its_window_and_only_there() {
        let f = Faults::new(
            &[fault(
                10,
                5,
                FaultKind::Crash {
                    target: FaultTarget::Cache,
                    index: 2,
                    lose_data: true,
                },
            )],
            4,
            100,
            1,
        )
        .unwrap();
        assert!(!f.down(FaultTarget::Cache, 2, at(9)));
        assert!(f.down(FaultTarget::Cache, 2, at(10)));
        assert!(f.down(FaultTarget::Cache, 2, at(14)));
        assert!(!f.down(FaultTarget::Cache, 2, at(15)));
        assert!(!f.down(FaultTarget::Cache, 1, at(12)));
        assert!(!f.down(FaultTarget::Store, 2, at(12)));
    }

    #[test]
    fn a_lost_timeline_is_missing_until_rebuilt() {
        let mut f = Faults::new(
            &[fault(
                10,
                5,
                FaultKind::Crash {
                    target: FaultTarget::Cache,
                    index: 1,
                    lose_data: true,
                },
            )],
            4,
            100,
            1,
        )
        .unwrap();
        assert!(!f.timeline_missing(1, 7, at(12)), "down, not yet empty");
        assert!(f.timeline_missing(1, 7, at(15)));
        assert!(!f.timeline_missing(0, 7, at(15)), "another machine");
        f.rebuilt(1, 7);
        assert!(!f.timeline_missing(1, 7, at(16)));
        assert!(f.timeline_missing(1, 8, at(16)));
    }

    #[test]
    fn slowing_applies_factor_delay_and_probability() {
        let slow = |p: f64| {
            fault(
                0,
                10,
                FaultKind::Slow {
                    target: FaultTarget::Store,
                    index: None,
                    factor: 10.0,
                    delay: SimDuration::from_micros(5),
                    probability: p,
                },
            )
        };
        let mut f = Faults::new(&[slow(1.0)], 1, 1, 1).unwrap();
        let s = SimDuration::from_micros(2);
        assert_eq!(
            f.service(FaultTarget::Store, 3, at(1), s).as_nanos(),
            25_000
        );
        assert_eq!(f.service(FaultTarget::Store, 3, at(10), s), s);
        assert_eq!(f.service(FaultTarget::Cache, 3, at(1), s), s);
        let mut f = Faults::new(&[slow(0.01)], 1, 1, 1).unwrap();
        let n = 100_000;
        let slowed = (0..n)
            .filter(|_| f.service(FaultTarget::Store, 0, at(1), s) > s)
            .count();
        // Binomial(100k, 1%): sd 31, so 4 sd is about 125.
        assert!((slowed as i64 - 1000).abs() < 125, "{slowed}");
    }

    #[test]
    fn the_network_delays_and_loses_in_its_window() {
        let mut f = Faults::new(
            &[fault(
                5,
                5,
                FaultKind::Network {
                    delay: SimDuration::from_millis(2),
                    drop: 0.25,
                },
            )],
            1,
            1,
            1,
        )
        .unwrap();
        assert_eq!(f.extra_delay(at(6)), SimDuration::from_millis(2));
        assert_eq!(f.extra_delay(at(4)), SimDuration::ZERO);
        assert!((0..1000).all(|_| !f.lose_message(at(11))));
        let lost = (0..100_000).filter(|_| f.lose_message(at(6))).count();
        // Binomial(100k, 25%): sd 137.
        assert!((lost as i64 - 25_000).abs() < 550, "{lost}");
    }
}
