//! Which home timelines the cache holds, when it does not hold them all
//! (`cluster.timeline_cache.active_window`, `.capacity`).
//!
//! Twitter cached the timelines of users active in about the last 30 days
//! only; the fan-out appended to a timeline only if it was cached (Redis
//! RPUSHX), and a read of any other timeline rebuilt it from the tweet store
//! (docs/references.md, Krikorian 2012; Redis RPUSHX). This set is what the
//! fan-out and the read path ask: is this user's timeline held?
//!
//! Memory is one bit per user for membership, plus, when a capacity bounds
//! the cache, one reference bit per user and a ring of `capacity` user ids
//! per shard for CLOCK eviction (Corbató's second-chance approximation of
//! LRU): O(1) per access, nothing allocated after the start. A timeline is
//! held on every replica of its shard or on none, so the set is per
//! timeline, not per machine.

use super::tier::ShardMap;
use crate::model::config::Scenario;
use crate::model::graph::Graph;
use rand::RngExt;

/// A bitset over users.
struct Bits(Vec<u64>);

impl Bits {
    fn new(users: u32) -> Bits {
        Bits(vec![0; (users as usize).div_ceil(64)])
    }

    #[inline]
    fn get(&self, u: u32) -> bool {
        self.0[u as usize / 64] & (1 << (u % 64)) != 0
    }

    #[inline]
    fn set(&mut self, u: u32, on: bool) {
        let (w, b) = (u as usize / 64, 1u64 << (u % 64));
        if on {
            self.0[w] |= b;
        } else {
            self.0[w] &= !b;
        }
    }
}

/// The CLOCK ring of one shard: the users whose timelines it holds, in
/// the order they were admitted, and the hand that looks for a victim.
struct Ring {
    users: Vec<u32>,
    cap: usize,
    hand: usize,
}

/// The timelines the cache holds.
pub(super) struct CacheSet {
    held: Bits,
    /// Read since the hand last passed (only with a capacity).
    referenced: Option<Bits>,
    /// One ring per shard (empty: unbounded).
    rings: Vec<Ring>,
    shards: ShardMap,
    count: u64,
}

impl CacheSet {
    /// `users` users in `shards` shards, at most `per_shard` timelines held
    /// per shard (`None`: unbounded); the users for which `initially` says
    /// so are held at the start, in id order while their shard has room (ids
    /// are a seeded permutation of popularity ranks, so that order is
    /// arbitrary).
    pub(super) fn new(
        users: u32,
        shards: u32,
        per_shard: Option<u32>,
        mut initially: impl FnMut(u32) -> bool,
    ) -> CacheSet {
        let map = ShardMap::new(shards);
        let rings = match per_shard {
            None => Vec::new(),
            Some(cap) => (0..shards.max(1))
                .map(|s| {
                    // Users u with u % shards == s.
                    let in_shard = (users.saturating_sub(s)).div_ceil(shards.max(1));
                    let cap = cap.max(1).min(in_shard.max(1)) as usize;
                    Ring {
                        users: Vec::with_capacity(cap),
                        cap,
                        hand: 0,
                    }
                })
                .collect(),
        };
        let mut set = CacheSet {
            held: Bits::new(users),
            referenced: per_shard.map(|_| Bits::new(users)),
            rings,
            shards: map,
            count: 0,
        };
        for u in 0..users {
            if initially(u) && set.has_room(u) {
                set.insert(u);
            }
        }
        set
    }

    /// Whether `u`'s shard can take one more timeline without evicting.
    fn has_room(&self, u: u32) -> bool {
        self.rings.is_empty() || {
            let r = &self.rings[self.shards.of(u) as usize];
            r.users.len() < r.cap
        }
    }

    /// Whether `u`'s timeline is held.
    #[inline]
    pub(super) fn holds(&self, u: u32) -> bool {
        self.held.get(u)
    }

    /// A read of `u`'s timeline: whether it is held, and if so it counts as
    /// recently used.
    #[inline]
    pub(super) fn touch(&mut self, u: u32) -> bool {
        let hit = self.held.get(u);
        if hit && let Some(r) = self.referenced.as_mut() {
            r.set(u, true);
        }
        hit
    }

    /// `u`'s timeline was rebuilt: hold it, evicting another of its shard
    /// if the shard is full. Nothing happens if it is already held.
    pub(super) fn admit(&mut self, u: u32) {
        if !self.held.get(u) {
            self.insert(u);
        }
    }

    fn insert(&mut self, u: u32) {
        self.held.set(u, true);
        self.count += 1;
        if self.rings.is_empty() {
            return;
        }
        let ring = &mut self.rings[self.shards.of(u) as usize];
        if ring.users.len() < ring.cap {
            ring.users.push(u);
            return;
        }
        let referenced = self
            .referenced
            .as_mut()
            .expect("a bounded set keeps reference bits");
        // Each pass clears the bit it finds, so a victim turns up within
        // one turn of the ring.
        loop {
            let v = ring.users[ring.hand];
            if referenced.get(v) {
                referenced.set(v, false);
                ring.hand = (ring.hand + 1) % ring.cap;
                continue;
            }
            self.held.set(v, false);
            self.count -= 1;
            ring.users[ring.hand] = u;
            ring.hand = (ring.hand + 1) % ring.cap;
            return;
        }
    }

    /// Timelines held now.
    pub(super) fn count(&self) -> u64 {
        self.count
    }

    /// Heap bytes a set of `users` with `held` timelines at most needs,
    /// for the memory guard.
    pub(super) fn memory_bytes(users: u64, bounded: Option<u64>) -> u64 {
        let bits = users.div_ceil(64) * 8;
        match bounded {
            None => bits,
            Some(held) => 2 * bits + 4 * held.min(users),
        }
    }
}

/// The set a run starts with, or `None` when the mechanism is off (every
/// timeline held). With `active_window` W, user u, whose home-timeline
/// read rate is φ_u = reads_per_sec × w_u / Σw (w_u its reader weight,
/// `(1 + followees)^population.reader_activity_exponent`), read within the
/// window before the run with probability 1 - exp(-φ_u W) if its reads are
/// a Poisson process: it is held with that probability, drawn from the
/// stream `cache-residency` alone so no other draw moves. The base read
/// rate is used: bursts and the diurnal profile are not in the past W.
pub(super) fn for_run(scenario: &Scenario, graph: &Graph, seed: u64) -> Option<CacheSet> {
    let c = &scenario.cluster.timeline_cache;
    let r = &c.residency;
    if !r.is_active() {
        return None;
    }
    let users = graph.users();
    // Timelines per shard: each machine's capacity shared by the shard
    // replicas it hosts (at least one timeline per shard).
    let slots = u64::from(c.tier.shards) * u64::from(c.replicas);
    let per_shard = r.capacity.map(|cap| {
        (u64::from(cap) * u64::from(c.machines) / slots.max(1)).clamp(1, u64::from(u32::MAX)) as u32
    });
    let Some(window) = r.active_window else {
        return Some(CacheSet::new(users, c.tier.shards, per_shard, |_| true));
    };
    let x = scenario.population.reader_activity_exponent;
    let weight = |u: u32| {
        if x == 0.0 {
            1.0
        } else {
            (1.0 + f64::from(graph.followee_count(u))).powf(x)
        }
    };
    let total: f64 = (0..users).map(weight).sum();
    // Reads per user over the window, per unit of weight.
    let scale = scenario.workload.reads_per_sec * window.as_secs_f64() / total;
    let mut rng = crate::sim::rng::stream(seed, "cache-residency");
    Some(CacheSet::new(users, c.tier.shards, per_shard, |u| {
        let held = -(-scale * weight(u)).exp_m1();
        rng.random::<f64>() < held
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unbounded_holds_what_it_was_given_and_what_it_admits() {
        let mut s = CacheSet::new(100, 4, None, |u| u % 3 == 0);
        assert_eq!(s.count(), 34);
        assert!(s.holds(3) && !s.holds(4));
        assert!(!s.touch(4));
        s.admit(4);
        s.admit(4);
        assert!(s.holds(4) && s.touch(4));
        assert_eq!(s.count(), 35);
    }

    #[test]
    fn a_full_shard_fills_in_id_order_then_evicts_the_unread_first() {
        // Two shards of capacity 3: shard 0 holds 0, 2, 4 (6 and 8 find no room).
        let mut s = CacheSet::new(10, 2, Some(3), |_| true);
        assert_eq!(s.count(), 6);
        assert!(s.holds(0) && s.holds(2) && s.holds(4) && !s.holds(6));
        // 0 and 4 were read: 2 is the one without a second chance.
        assert!(s.touch(0) && s.touch(4));
        s.admit(6);
        assert!(s.holds(6) && !s.holds(2) && s.holds(0) && s.holds(4));
        assert_eq!(s.count(), 6);
        // The hand is at 4: its bit is cleared and 0, whose chance was
        // used, goes; then 6, admitted unread, goes before 4.
        s.admit(8);
        assert!(!s.holds(0) && s.holds(8) && s.holds(4));
        s.admit(2);
        assert!(!s.holds(6) && s.holds(2) && s.holds(4));
        // The other shard was never touched.
        assert!(s.holds(1) && s.holds(3) && s.holds(5) && !s.holds(7));
    }

    #[test]
    fn the_count_never_exceeds_the_capacity_and_is_exact() {
        let mut s = CacheSet::new(1000, 8, Some(10), |u| u % 2 == 0);
        for u in (0..1000).rev() {
            if u % 7 == 0 {
                s.touch(u);
            }
            s.admit(u);
            assert!(s.count() <= 80);
        }
        let held = (0..1000).filter(|&u| s.holds(u)).count() as u64;
        assert_eq!(held, s.count());
        assert_eq!(held, 80);
    }

    #[test]
    fn a_capacity_larger_than_the_shard_reserves_only_the_shard() {
        let s = CacheSet::new(10, 4, Some(u32::MAX), |_| true);
        assert_eq!(s.count(), 10);
        assert!(s.rings.iter().all(|r| r.cap <= 3));
    }
}
