//! The tiers of the cluster: the tweet store, the timeline cache and the
//! network, each owning its configuration, its stations and its random
//! stream (DDIA ch. 1's Twitter example, with Krikorian's 2012 figures for
//! the cache: docs/references.md, Krikorian 2012).
//!
//! A tier answers questions about one request at a time (which station,
//! how long to serve, when the answer is back); it knows nothing of reads,
//! posts or jobs, which the read path and the fan-out pool build from these
//! operations. Every random draw of a tier comes from its own stream, so a
//! change in one tier's traffic does not move another tier's draws.

use super::cache_set::CacheSet;
use super::faults::Faults;
use super::tails::Pauses;
use crate::metrics::TierReport;
use crate::model::config::{CacheConfig, FaultTarget, NetworkConfig, ServiceConfig, StoreConfig};
use crate::sim::dist::ServiceDist;
use crate::sim::rng::SimRng;
use crate::sim::station::{Station, StationStats, Visit};
use crate::sim::time::{SimDuration, SimTime};
use rand::RngExt;

/// Mean service time of a request of `items` items.
fn service_mean(cfg: &ServiceConfig, items: u64) -> SimDuration {
    cfg.per_request.saturating_add(SimDuration::from_nanos(
        cfg.per_item.as_nanos().saturating_mul(items),
    ))
}

/// A service time of a request of `items` items.
pub(super) fn sample(cfg: &ServiceConfig, items: u64, rng: &mut SimRng) -> SimDuration {
    cfg.shape.sample_with_mean(service_mean(cfg, items), rng)
}

/// `user % shards` without a division on the hot path (Lemire, Kaser and
/// Kurz, "Faster remainder by direct computation", 2019): a read under
/// fan-out-on-read maps dozens of followees to their shards.
#[derive(Clone, Copy, Debug)]
pub(super) struct ShardMap {
    shards: u32,
    magic: u64,
}

impl ShardMap {
    pub(super) fn new(shards: u32) -> ShardMap {
        let shards = shards.max(1);
        ShardMap {
            shards,
            magic: (u64::MAX / u64::from(shards)).wrapping_add(1),
        }
    }

    #[inline]
    pub(super) fn of(self, user: u32) -> u32 {
        let low = self.magic.wrapping_mul(u64::from(user));
        ((u128::from(low) * u128::from(self.shards)) >> 64) as u32
    }
}

/// Users grouped by shard, so a request carries every user of one shard:
/// the scatter of a read and the batches of a fan-out job. Reused across
/// events so the hot path never allocates.
#[derive(Default)]
pub(super) struct ShardGroups {
    counts: Vec<u32>,
    touched: Vec<u32>,
}

impl ShardGroups {
    pub(super) fn new(shards: u32) -> ShardGroups {
        ShardGroups {
            counts: vec![0; shards as usize],
            touched: Vec::with_capacity(shards as usize),
        }
    }

    /// One more user on `shard`.
    #[inline]
    pub(super) fn add(&mut self, shard: u32) {
        let s = shard as usize;
        if self.counts[s] == 0 {
            self.touched.push(shard);
        }
        self.counts[s] += 1;
    }

    /// Shards touched so far.
    #[inline]
    pub(super) fn len(&self) -> usize {
        self.touched.len()
    }

    /// The `i`-th shard touched and its users, which it forgets; call
    /// [`ShardGroups::clear`] once every group is taken.
    #[inline]
    pub(super) fn take(&mut self, i: usize) -> (u32, u32) {
        let s = self.touched[i];
        (s, std::mem::take(&mut self.counts[s as usize]))
    }

    /// Forgets the shards touched (their counts were taken).
    #[inline]
    pub(super) fn clear(&mut self) {
        self.touched.clear();
    }

    /// Calls `f(shard, users)` for every shard touched, in the order first
    /// touched, and empties the groups.
    #[inline]
    pub(super) fn drain(&mut self, mut f: impl FnMut(u32, u32)) {
        for &s in &self.touched {
            f(s, std::mem::take(&mut self.counts[s as usize]));
        }
        self.touched.clear();
    }
}

/// The stations of a tier and the random stream of their service times.
pub(super) struct Stations {
    pub(super) stations: Vec<Station>,
    pub(super) rng: SimRng,
    /// The stations' pauses, if the tier has any (`tails.rs`).
    pauses: Option<Box<Pauses>>,
}

impl Stations {
    pub(super) fn new(
        count: u32,
        servers: u32,
        limit: Option<u32>,
        window: (SimTime, SimTime),
        rng: SimRng,
    ) -> Stations {
        let stations = (0..count)
            .map(|_| {
                let mut s = Station::new(servers, limit);
                s.set_window(window.0, window.1);
                s
            })
            .collect();
        Stations {
            stations,
            rng,
            pauses: None,
        }
    }

    /// Gives the stations pauses (garbage collection, compaction).
    pub(super) fn set_pauses(&mut self, pauses: Option<Box<Pauses>>) {
        self.pauses = pauses;
    }

    /// How long a request arriving at station `index` at `arrival` with
    /// `service` of work holds its server: the work, stretched by the
    /// station's pauses if it has any.
    #[inline]
    pub(super) fn held(
        &mut self,
        index: u32,
        arrival: SimTime,
        service: SimDuration,
    ) -> SimDuration {
        if self.pauses.is_none() {
            return service;
        }
        self.paused(index, arrival, service)
    }

    /// [`Stations::held`] for a tier with pauses.
    #[inline(never)]
    fn paused(&mut self, index: u32, arrival: SimTime, service: SimDuration) -> SimDuration {
        let start = self.stations[index as usize].peek_start(arrival);
        match self.pauses.as_mut() {
            Some(p) => p.stretch(index, start, service),
            None => service,
        }
    }

    /// The tier's statistics over the window, its stations merged.
    pub(super) fn report(&self, name: &'static str) -> TierReport {
        let mut total: Option<StationStats> = None;
        let mut max_util: f64 = 0.0;
        let mut max_offered: f64 = 0.0;
        for s in &self.stations {
            let st = s.stats();
            max_util = max_util.max(st.utilisation());
            max_offered = max_offered.max(st.offered_load());
            match total.as_mut() {
                None => total = Some(st),
                Some(t) => t.merge(&st),
            }
        }
        TierReport {
            name,
            stations: self.stations.len() as u32,
            total: total.expect("a tier has at least one station"),
            max_station_utilisation: max_util,
            max_station_offered_load: max_offered,
        }
    }

    /// Most requests waiting at any one station since the last call.
    pub(super) fn interval_peak(&mut self) -> u64 {
        self.stations
            .iter_mut()
            .map(|s| s.take_interval_peak())
            .max()
            .unwrap_or(0)
    }

    /// A request of `service` at station `index`, unless it is down (a
    /// fault) or its queue is full.
    pub(super) fn visit(
        &mut self,
        target: FaultTarget,
        index: u32,
        arrival: SimTime,
        mut service: SimDuration,
        faults: &mut Option<Faults>,
    ) -> Option<Visit> {
        let mut down = false;
        if let Some(f) = faults.as_mut() {
            // Drawn after the service time, so the other draws stay aligned
            // with a run without the fault.
            down = f.down(target, index, arrival);
            service = f.service(target, index, arrival, service);
        }
        if down {
            return None;
        }
        let service = self.held(index, arrival, service);
        self.stations[index as usize].submit(arrival, service)
    }
}

/// The tweet store: one FIFO station per shard, tweets sharded by author.
pub(super) struct Store {
    cfg: StoreConfig,
    shards: ShardMap,
    /// The shards.
    pub(super) tier: Stations,
}

impl Store {
    pub(super) fn new(cfg: &StoreConfig, window: (SimTime, SimTime), rng: SimRng) -> Store {
        let t = &cfg.tier;
        Store {
            shards: ShardMap::new(t.shards),
            tier: Stations::new(t.shards, t.servers, t.queue_limit, window, rng),
            cfg: cfg.clone(),
        }
    }

    /// The shard holding `author`'s tweets.
    #[inline]
    pub(super) fn shard_of(&self, author: u32) -> u32 {
        self.shards.of(author)
    }

    /// Inserts one tweet of `author`, arriving at `arrival`.
    pub(super) fn write(
        &mut self,
        author: u32,
        arrival: SimTime,
        faults: &mut Option<Faults>,
    ) -> Option<Visit> {
        let shard = self.shard_of(author);
        let service = sample(&self.cfg.write, 1, &mut self.tier.rng);
        self.tier
            .visit(FaultTarget::Store, shard, arrival, service, faults)
    }

    /// A service time of a fetch of `items` authors' recent tweets.
    #[inline]
    pub(super) fn read_service(&mut self, items: u32) -> SimDuration {
        sample(&self.cfg.read, u64::from(items), &mut self.tier.rng)
    }
}

/// The home-timeline cache, sharded by reader, `replicas` copies of every
/// shard, slots spread over `machines` single-threaded cache processes.
pub(super) struct Cache {
    cfg: CacheConfig,
    shards: ShardMap,
    /// The machines.
    pub(super) tier: Stations,
    /// Which replica a read goes to.
    replica_rng: SimRng,
    /// The timelines held, when not all are (see `cache_set.rs`).
    set: Option<CacheSet>,
}

impl Cache {
    pub(super) fn new(
        cfg: &CacheConfig,
        window: (SimTime, SimTime),
        rng: SimRng,
        replica_rng: SimRng,
        set: Option<CacheSet>,
    ) -> Cache {
        Cache {
            shards: ShardMap::new(cfg.tier.shards),
            tier: Stations::new(
                cfg.machines,
                cfg.tier.servers,
                cfg.tier.queue_limit,
                window,
                rng,
            ),
            cfg: cfg.clone(),
            replica_rng,
            set,
        }
    }

    /// Whether some timelines may not be held (residency is on).
    #[inline]
    pub(super) fn partial(&self) -> bool {
        self.set.is_some()
    }

    /// Whether `user`'s timeline is held (always, with residency off).
    #[inline]
    pub(super) fn holds(&self, user: u32) -> bool {
        self.set.as_ref().is_none_or(|s| s.holds(user))
    }

    /// A read of `user`'s timeline: whether it is held, marking it
    /// recently read if so.
    #[inline]
    pub(super) fn touch(&mut self, user: u32) -> bool {
        self.set.as_mut().is_none_or(|s| s.touch(user))
    }

    /// `user`'s timeline was rebuilt from the store: it is held from now on
    /// (another may be evicted to make room).
    pub(super) fn admit(&mut self, user: u32) {
        if let Some(s) = self.set.as_mut() {
            s.admit(user);
        }
    }

    /// Bytes the held timelines take, every replica counted: each held
    /// timeline is taken as full (`max_entries` entries), as the read cost
    /// is; a timeline is capped there, and an active user's fills within
    /// days at Twitter's rates. `users`: all users, held when residency is
    /// off.
    pub(super) fn memory_bytes(&self, users: u32) -> (u64, u64) {
        let held = self.set.as_ref().map_or(u64::from(users), CacheSet::count);
        let per = u64::from(self.cfg.max_entries)
            .saturating_mul(u64::from(self.cfg.residency.bytes_per_entry))
            .saturating_mul(u64::from(self.cfg.replicas));
        (held, held.saturating_mul(per))
    }

    /// The shard holding `user`'s timeline.
    #[inline]
    pub(super) fn shard_of(&self, user: u32) -> u32 {
        self.shards.of(user)
    }

    /// Copies of each timeline.
    pub(super) fn replicas(&self) -> u32 {
        self.cfg.replicas
    }

    /// Entries of a full timeline (what a read fetches).
    pub(super) fn max_entries(&self) -> u32 {
        self.cfg.max_entries
    }

    /// The replica a read goes to, drawn uniformly.
    pub(super) fn pick_replica(&mut self) -> u32 {
        self.replica_rng.random_range(0..self.cfg.replicas)
    }

    /// The machine that holds replica `replica` of `shard`: consecutive
    /// slots on consecutive machines, so the replicas of a shard are on
    /// distinct machines whenever there are at least `replicas`.
    #[inline]
    pub(super) fn station(&self, shard: u32, replica: u32) -> u32 {
        ((u64::from(shard) * u64::from(self.cfg.replicas) + u64::from(replica))
            % u64::from(self.cfg.machines)) as u32
    }

    /// A service time of a timeline read of `items` entries.
    #[inline]
    pub(super) fn read_service(&mut self, items: u32) -> SimDuration {
        sample(&self.cfg.read, u64::from(items), &mut self.tier.rng)
    }

    /// Applies the next `write_chunk` entries of an insert request of `left`
    /// entries at `station`: the entries applied, and the visit unless the
    /// machine is down or its queue full (Redis reads a client's pipeline
    /// 16 KB at a time and serves other clients in between).
    pub(super) fn insert_chunk(
        &mut self,
        station: u32,
        left: u32,
        arrival: SimTime,
        faults: &mut Option<Faults>,
    ) -> (u32, Option<Visit>) {
        let size = left.min(self.cfg.write_chunk);
        let service = sample(&self.cfg.write, u64::from(size), &mut self.tier.rng);
        let visit = self
            .tier
            .visit(FaultTarget::Cache, station, arrival, service, faults);
        (size, visit)
    }

    /// Writes a rebuilt timeline of `items` entries back to `station`.
    pub(super) fn write_back(
        &mut self,
        station: u32,
        items: u32,
        arrival: SimTime,
        faults: &Option<Faults>,
    ) {
        if faults
            .as_ref()
            .is_some_and(|f| f.down(FaultTarget::Cache, station, arrival))
        {
            return;
        }
        let service = sample(&self.cfg.write, u64::from(items), &mut self.tier.rng);
        let service = self.tier.held(station, arrival, service);
        let _ = self.tier.stations[station as usize].submit(arrival, service);
    }
}

/// The network: every hop costs a fixed `one_way` delay, and each round
/// trip a random jitter, drawn on the way back (after the queue, so it
/// changes response times, not the order requests reach a station).
pub(super) struct Network {
    one_way: SimDuration,
    jitter: ServiceDist,
    rng: SimRng,
}

impl Network {
    pub(super) fn new(cfg: &NetworkConfig, rng: SimRng) -> Network {
        Network {
            one_way: cfg.one_way,
            jitter: cfg.jitter.clone(),
            rng,
        }
    }

    /// Fixed one-way delay of every hop.
    #[inline]
    pub(super) fn one_way(&self) -> SimDuration {
        self.one_way
    }

    /// Delay of a response on its way back: one hop plus the round trip's jitter.
    #[inline]
    pub(super) fn back(&mut self) -> SimDuration {
        self.one_way + self.jitter.sample(&mut self.rng)
    }

    /// Delay of an answer leaving at `t`: one hop, the round trip's jitter,
    /// and any extra delay a network fault adds to both hops.
    pub(super) fn back_at(&mut self, t: SimTime, faults: &Option<Faults>) -> SimDuration {
        let extra = faults
            .as_ref()
            .map_or(SimDuration::ZERO, |f| f.extra_delay(t));
        self.back().saturating_add(extra).saturating_add(extra)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shard_map_is_the_remainder() {
        for shards in [1u32, 2, 3, 7, 16, 48, 1000, 65_535, 100_000] {
            let m = ShardMap::new(shards);
            for user in [0u32, 1, 2, 15, 16, 17, 999_999, u32::MAX - 1, u32::MAX] {
                assert_eq!(m.of(user), user % shards, "{user} % {shards}");
            }
        }
    }

    #[test]
    fn groups_come_out_in_first_touch_order_and_reset() {
        let mut g = ShardGroups::new(4);
        for s in [2, 0, 2, 3, 2] {
            g.add(s);
        }
        let mut out = Vec::new();
        g.drain(|s, n| out.push((s, n)));
        assert_eq!(out, [(2, 3), (0, 1), (3, 1)]);
        g.add(1);
        out.clear();
        g.drain(|s, n| out.push((s, n)));
        assert_eq!(out, [(1, 1)]);
    }
}
