//! Where slow requests come from (docs/references.md, Dean and Barroso
//! 2013): the mechanisms that make a few requests of a tier much slower
//! than the rest, each modelled as what it is rather than as a heavier
//! service-time distribution. Each is off by default and, when off, is not
//! built at all (the tiers hold `None`), so a run without them draws the
//! same numbers and pays one branch per request.
//!
//! - [`Pauses`]: a station (a store shard, a cache machine: one process)
//!   stops every server for a pause of drawn length at drawn intervals:
//!   garbage collection (docs/references.md, Gidra 2013; Krikorian 2012 on
//!   the JVM services behind the timeline), compaction, a fork for a
//!   snapshot. Every request in service, queued, or arriving during the
//!   pause waits for its end.
//! - [`Disk`]: a fraction of reads misses memory and waits for the device.
//!   In the tweet store the read holds its server meanwhile, as a thread
//!   blocked in a synchronous read does in a thread-per-request store
//!   (MySQL, the store behind Twitter's tweets in 2012), so the device
//!   time also delays the requests queued behind it when threads run out.
//!   The timeline cache (Redis: one thread, memory only) never waits for a
//!   disk itself: a timeline missing from its memory is answered as a miss
//!   and read back from disk-backed storage by the timeline service
//!   (Krikorian 2012's "reconstruction"), so there the device time is
//!   added to the response, after the queue, and holds no cache server.
//! - [`CrossDc`]: a fraction of requests is answered by another
//!   datacentre and pays its round trip. The round trip is added on the way
//!   back, after the queue, as the network's jitter is: the station sees
//!   requests in the order they were sent, and the response time is the
//!   same as if the request had travelled there first.
//!
//! Every leg of a scatter draws its own: a read of `n` shards meets a pause
//! or a device read `n` times as often as one request does, which is the
//! point Dean and Barroso make about fan-out.

use crate::model::config::{CrossDc as CrossDcConfig, TierTails};
use crate::sim::dist::ServiceDist;
use crate::sim::rng::SimRng;
use crate::sim::time::{SimDuration, SimTime};
use rand::RngExt;
use std::collections::VecDeque;

/// The pauses of every station of one tier, drawn lazily: each station's
/// pauses are a renewal process (exponential gaps from the end of one pause
/// to the start of the next, lengths from the configured distribution),
/// drawn only as far as the requests that reach the station need. No event
/// is spent on a pause: a request's time on its server is stretched by the
/// pauses that fall in it when it is submitted (Lindley's recursion then
/// delays everything queued behind it).
pub(super) struct Pauses {
    gap: ServiceDist,
    length: ServiceDist,
    /// Per station, the pauses drawn and not yet over, as `(start, end)`
    /// in ns, start ascending.
    upcoming: Vec<VecDeque<(u64, u64)>>,
    /// Per station, the end of the last pause drawn (0 before the first).
    last_end: Vec<u64>,
    rng: SimRng,
}

impl Pauses {
    /// The pauses of `stations` stations, or `None` if the tier has none.
    pub(super) fn new(cfg: &TierTails, stations: u32, rng: SimRng) -> Option<Box<Pauses>> {
        (cfg.pause_every > SimDuration::ZERO).then(|| {
            Box::new(Pauses {
                gap: ServiceDist::exp(cfg.pause_every),
                length: cfg.pause_length.clone(),
                upcoming: (0..stations).map(|_| VecDeque::new()).collect(),
                last_end: vec![0; stations as usize],
                rng,
            })
        })
    }

    /// Draws the next pause of `station`, a gap after the end of its last.
    fn draw(&mut self, station: usize) {
        let from = self.last_end[station];
        let start = from.saturating_add(self.gap.sample(&mut self.rng).as_nanos());
        let end = start.saturating_add(self.length.sample(&mut self.rng).as_nanos().max(1));
        self.last_end[station] = end;
        self.upcoming[station].push_back((start, end));
    }

    /// How long a request that a server of `station` takes at `start` and
    /// that needs `service` of work holds that server: its work, plus the
    /// part of every pause of the station from `start` until the work is
    /// done. Starts at a station never decrease (FIFO), so pauses over
    /// before `start` are forgotten.
    pub(super) fn stretch(
        &mut self,
        station: u32,
        start: SimTime,
        service: SimDuration,
    ) -> SimDuration {
        let s = station as usize;
        let begin = start.as_nanos();
        let q = &mut self.upcoming[s];
        while q.front().is_some_and(|&(_, end)| end <= begin) {
            q.pop_front();
        }
        // An idle station's pauses went on while nobody looked: draw them
        // up to the first that is not over by `begin`.
        while self.upcoming[s].is_empty() {
            self.draw(s);
            if self.last_end[s] <= begin {
                self.upcoming[s].clear();
            }
        }
        let (mut t, mut left) = (begin, service.as_nanos());
        let mut i = 0;
        loop {
            if i == self.upcoming[s].len() {
                self.draw(s);
            }
            let (p_start, p_end) = self.upcoming[s][i];
            if p_start > t {
                let before = p_start - t;
                if left <= before {
                    break;
                }
                left -= before;
                t = p_start;
            }
            t = t.max(p_end);
            i += 1;
        }
        SimDuration::from_nanos(t.saturating_add(left) - begin)
    }
}

/// Reads of one tier that miss memory and wait for the device.
pub(super) struct Disk {
    fraction: f64,
    latency: ServiceDist,
    rng: SimRng,
}

impl Disk {
    /// The device reads of a tier, or `None` if it has none.
    pub(super) fn new(cfg: &TierTails, rng: SimRng) -> Option<Disk> {
        (cfg.disk_fraction > 0.0).then(|| Disk {
            fraction: cfg.disk_fraction,
            latency: cfg.disk_latency.clone(),
            rng,
        })
    }

    /// The device time one read adds to its service: zero for most, a
    /// drawn latency for the fraction that misses memory.
    #[inline]
    pub(super) fn extra(&mut self) -> SimDuration {
        if self.rng.random_bool(self.fraction) {
            self.latency.sample(&mut self.rng)
        } else {
            SimDuration::ZERO
        }
    }
}

/// Requests answered by another datacentre.
pub(super) struct CrossDc {
    fraction: f64,
    rtt: ServiceDist,
    rng: SimRng,
}

impl CrossDc {
    /// The cross-datacentre hop, or `None` if no request takes it.
    pub(super) fn new(cfg: &CrossDcConfig, rng: SimRng) -> Option<CrossDc> {
        (cfg.fraction > 0.0).then(|| CrossDc {
            fraction: cfg.fraction,
            rtt: cfg.rtt.clone(),
            rng,
        })
    }

    /// The extra round trip of one request: zero unless it is served
    /// remotely.
    #[inline]
    pub(super) fn extra(&mut self) -> SimDuration {
        if self.rng.random_bool(self.fraction) {
            self.rtt.sample(&mut self.rng)
        } else {
            SimDuration::ZERO
        }
    }
}

/// The per-request tail mechanisms of the read path: device reads of the
/// store and the cache, and the cross-datacentre hop. Pauses belong to the
/// stations (`tier::Stations`), which every path through a tier meets; a
/// read's calls ask them only when this is built, so that with every
/// mechanism off a call pays one branch.
pub(super) struct Tails {
    /// Device reads of the tweet store.
    pub(super) store_disk: Option<Disk>,
    /// Device reads of the timeline cache.
    pub(super) cache_disk: Option<Disk>,
    /// Requests served by another datacentre.
    pub(super) cross_dc: Option<CrossDc>,
}

impl Tails {
    /// The read path's tail mechanisms, or `None` if none is on.
    pub(super) fn new(cfg: &crate::model::config::TailsConfig, seed: u64) -> Option<Box<Tails>> {
        use crate::sim::rng::stream;
        let t = Tails {
            store_disk: Disk::new(&cfg.store, stream(seed, "store-disk")),
            cache_disk: Disk::new(&cfg.cache, stream(seed, "cache-disk")),
            cross_dc: CrossDc::new(&cfg.cross_dc, stream(seed, "cross-dc")),
        };
        let on = cfg.store.is_active() || cfg.cache.is_active() || cfg.cross_dc.is_active();
        on.then(|| Box::new(t))
    }
}

impl super::Simulation<'_> {
    /// A read call's service with its device read and its station's pauses,
    /// and the extra delay of its answer (a timeline read back from disk, a
    /// remote datacentre), for a call to station `station` of `tier`
    /// arriving at `arrival`. Only called when [`Tails`] is built.
    #[inline(never)]
    pub(super) fn tail_delays(
        &mut self,
        tier: super::resilient::CallTier,
        station: u32,
        arrival: SimTime,
        mut service: SimDuration,
    ) -> (SimDuration, SimDuration) {
        use super::resilient::CallTier;
        let mut remote = SimDuration::ZERO;
        if let Some(t) = self.tails.as_mut() {
            // A store thread waits for its disk read (it holds the server);
            // a timeline missing from the cache's memory is read back by
            // the timeline service while the cache serves others.
            match tier {
                CallTier::Store => {
                    if let Some(d) = t.store_disk.as_mut() {
                        service = service.saturating_add(d.extra());
                    }
                }
                CallTier::Cache => {
                    if let Some(d) = t.cache_disk.as_mut() {
                        remote = d.extra();
                    }
                }
            }
            if let Some(x) = t.cross_dc.as_mut() {
                remote = remote.saturating_add(x.extra());
            }
        }
        let service = self.tier_mut(tier).held(station, arrival, service);
        (service, remote)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::rng::stream;

    fn pauses(every_ms: u64, length: ServiceDist) -> Box<Pauses> {
        let cfg = TierTails {
            pause_every: SimDuration::from_millis(every_ms),
            pause_length: length,
            ..TierTails::default()
        };
        Pauses::new(&cfg, 2, stream(1, "t")).unwrap()
    }

    #[test]
    fn off_builds_nothing() {
        let cfg = TierTails::default();
        assert!(Pauses::new(&cfg, 4, stream(1, "t")).is_none());
        assert!(Disk::new(&cfg, stream(1, "t")).is_none());
        assert!(Tails::new(&Default::default(), 1).is_none());
        // Pauses alone build it: a read's calls then ask the stations.
        let mut cfg = crate::model::config::TailsConfig::default();
        cfg.cache.pause_every = SimDuration::from_secs(1);
        assert!(Tails::new(&cfg, 1).is_some());
    }

    #[test]
    fn a_request_waits_for_the_pause_it_meets() {
        let mut p = pauses(100, ServiceDist::constant(SimDuration::from_millis(30)));
        // Put one known pause on station 0: [1 s, 1.03 s), the next far off.
        p.upcoming[0].push_back((1_000_000_000, 1_030_000_000));
        p.upcoming[0].push_back((9_000_000_000, 9_030_000_000));
        p.last_end[0] = 9_030_000_000;
        let ms = SimDuration::from_millis;
        let at = |x: u64| SimTime::from_nanos(x * 1_000_000);
        // Done before the pause starts: unchanged.
        assert_eq!(p.stretch(0, at(990), ms(5)), ms(5));
        // Starts during the pause: waits for its end, then works.
        assert_eq!(p.stretch(0, at(1_010), ms(1)), ms(21));
        // Station 1 has its own pauses.
        assert!(p.upcoming[1].is_empty());
    }

    #[test]
    fn a_request_running_into_a_pause_is_stopped_by_it() {
        let mut p = pauses(100, ServiceDist::constant(SimDuration::from_millis(30)));
        p.upcoming[0].push_back((1_000_000_000, 1_030_000_000));
        p.upcoming[0].push_back((9_000_000_000, 9_030_000_000));
        p.last_end[0] = 9_030_000_000;
        let ms = SimDuration::from_millis;
        // Starts 2 ms before, needs 5 ms: 2 ms, the 30 ms pause, 3 ms.
        let got = p.stretch(0, SimTime::from_nanos(998_000_000), ms(5));
        assert_eq!(got, ms(35));
    }

    #[test]
    fn the_fraction_of_time_paused_is_length_over_cycle() {
        // Pauses of 10 ms every 90 ms on average: 10% of the time. A probe
        // of 1 us at random-ish times waits with probability about 0.1.
        let mut p = pauses(90, ServiceDist::exp(SimDuration::from_millis(10)));
        let n = 200_000u64;
        let mut waited = 0;
        for k in 0..n {
            let t = SimTime::from_nanos(k * 997_003);
            if p.stretch(1, t, SimDuration::from_micros(1)) > SimDuration::from_micros(1) {
                waited += 1;
            }
        }
        let share = waited as f64 / n as f64;
        assert!((share - 0.1).abs() < 0.01, "paused share {share}");
    }

    #[test]
    fn disk_and_cross_dc_hit_their_fraction() {
        let cfg = TierTails {
            disk_fraction: 0.2,
            disk_latency: ServiceDist::constant(SimDuration::from_millis(5)),
            ..TierTails::default()
        };
        let mut d = Disk::new(&cfg, stream(3, "d")).unwrap();
        let hits = (0..100_000)
            .filter(|_| d.extra() > SimDuration::ZERO)
            .count();
        assert!((hits as f64 / 1e5 - 0.2).abs() < 0.01, "{hits}");
        let x = CrossDcConfig {
            fraction: 0.5,
            rtt: ServiceDist::constant(SimDuration::from_millis(70)),
        };
        let mut c = CrossDc::new(&x, stream(3, "c")).unwrap();
        let remote = (0..100_000)
            .filter(|_| c.extra() > SimDuration::ZERO)
            .count();
        assert!((remote as f64 / 1e5 - 0.5).abs() < 0.01, "{remote}");
    }
}
