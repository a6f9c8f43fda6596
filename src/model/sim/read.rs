//! The home-timeline read path, the one path every read takes.
//!
//! A read is a set of calls: one to its timeline's cache replica (if the
//! strategy keeps timelines) and one per store shard holding a followee it
//! pulls, all sent when the read is issued. How a call is made is the
//! client policy's business ([`Policy`]): with no fault and no client
//! policy configured, [`Direct`] sends each request once and takes its
//! answer as it comes, so a read is one event and the code is what a plain
//! scatter-gather costs; with faults or policies, `resilient::Resilient`
//! adds timeouts, retries, hedges, breakers and rebuilds, and a read may
//! settle later. The read path is generic over the policy, chosen once per
//! read, so the fault-free case pays nothing for the resilient machinery.
//!
//! Either way a read settles by the one rule of [`ReadState::outcome`]:
//! in full, degraded (some part missing, such as a pull that timed out
//! under hybrid) or failed (no timeline, or no part at all), and is
//! recorded by one call to the recorder.
//!
//! Answers are computed when a request is sent (Lindley's recursion: every
//! request of a read leaves at the same time and travels the same fixed
//! delay, so stations see arrivals in time order), and the random part of
//! the network delay is added on the way back.

use super::Simulation;
use super::recorder::ReadOutcome;
use super::resilient::{Answer, CallTier};
use crate::model::config::FaultTarget;
use crate::sim::station::Visit;
use crate::sim::time::{SimDuration, SimTime};

/// One read in flight: what its settled calls brought back.
#[derive(Copy, Clone, Debug, Default)]
pub(super) struct ReadState {
    pub(super) reader: u32,
    pub(super) issued: SimTime,
    pub(super) in_window: bool,
    /// Calls (and a rebuild) not yet settled (resilient reads only).
    pub(super) pending: u32,
    /// Latest answer so far.
    pub(super) done: SimTime,
    /// Tweets merged at the client.
    pub(super) merge_items: u64,
    answered: u32,
    failed: u32,
    timeline_failed: bool,
    /// Some request of the read was refused by a full queue.
    pub(super) dropped: bool,
    /// The cache machine whose lost timeline this read rebuilds.
    pub(super) rebuild: Option<u32>,
    /// The page's tweets have been fetched (or hydration is off).
    pub(super) hydrated: bool,
}

impl ReadState {
    /// A read by `reader` issued at `issued`.
    pub(super) fn new(reader: u32, issued: SimTime, in_window: bool) -> ReadState {
        ReadState {
            reader,
            issued,
            in_window,
            done: issued,
            ..ReadState::default()
        }
    }

    /// A call to `tier` was answered at `at`.
    #[inline]
    pub(super) fn answered(&mut self, at: SimTime) {
        self.done = self.done.max(at);
        self.answered += 1;
    }

    /// A call to `tier` failed for good.
    #[inline]
    pub(super) fn failed(&mut self, tier: CallTier) {
        self.failed += 1;
        self.timeline_failed |= tier == CallTier::Cache;
    }

    /// How the read ended, once every call has settled. A read with
    /// nothing to fetch (no followees) is answered, empty.
    pub(super) fn outcome(&self) -> ReadOutcome {
        if self.timeline_failed || (self.answered == 0 && self.failed > 0) {
            ReadOutcome::Failed
        } else if self.failed > 0 {
            ReadOutcome::Degraded
        } else {
            ReadOutcome::Full
        }
    }
}

/// Where one call of a read goes.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(super) struct Target {
    /// Store or cache.
    pub(super) tier: CallTier,
    /// Store shard, or cache shard.
    pub(super) shard: u32,
    /// Cache replica (0 for the store).
    pub(super) replica: u32,
    /// Authors fetched, or timeline entries read.
    pub(super) items: u32,
}

/// How a read's calls are made and settled: the client policy.
pub(super) trait Policy {
    /// A read in flight, as the policy holds it.
    type Read;
    /// Whether faults and client policies may be configured: errors are
    /// then timed (the client may act on them) and faults consulted.
    const RESILIENT: bool;
    /// Whether the calls may meet the tail mechanisms (`tails.rs`), which
    /// are then asked whether they are on; a plain read of a run without
    /// them does not even ask.
    const TAILS: bool = true;
    /// Starts holding a read.
    fn open(sim: &mut Simulation<'_>, state: ReadState) -> Self::Read;
    /// The state of a read in flight.
    fn state<'r>(sim: &'r mut Simulation<'_>, read: &'r mut Self::Read) -> &'r mut ReadState;
    /// Makes one call of a read.
    fn call(sim: &mut Simulation<'_>, read: &mut Self::Read, now: SimTime, target: Target);
    /// Every call of the read has been sent.
    fn close(sim: &mut Simulation<'_>, read: Self::Read);
}

/// No faults and no client policy: each request is sent once and the read
/// settles as soon as it is issued, in the event that issues it. `TAILS`:
/// the run has tail mechanisms or hydration on ([`Direct`] when not).
pub(super) struct Plain<const TAILS: bool>;

/// A plain read of a run without tail mechanisms or hydration.
pub(super) type Direct = Plain<false>;

/// A plain read of a run with tail mechanisms or hydration on.
pub(super) type Tailed = Plain<true>;

impl<const T: bool> Policy for Plain<T> {
    type Read = ReadState;
    const RESILIENT: bool = false;
    const TAILS: bool = T;

    #[inline]
    fn open(_: &mut Simulation<'_>, state: ReadState) -> ReadState {
        state
    }

    #[inline]
    fn state<'r>(_: &'r mut Simulation<'_>, read: &'r mut ReadState) -> &'r mut ReadState {
        read
    }

    #[inline(always)]
    fn call(sim: &mut Simulation<'_>, read: &mut ReadState, now: SimTime, target: Target) {
        let station = sim.station_of(target);
        let (answer, _, dropped) = sim.send_copy::<Self>(now, target, station, read.reader, None);
        read.dropped |= dropped;
        match answer {
            Answer::Ok { at, .. } => read.answered(at),
            _ => read.failed(target.tier),
        }
    }

    #[inline(always)]
    fn close(sim: &mut Simulation<'_>, read: ReadState) {
        match T {
            true => sim.finish_read(read),
            false => sim.record_read(read),
        }
    }
}

impl Simulation<'_> {
    /// A home-timeline read by `reader` at `now`.
    #[inline(always)]
    pub(super) fn read<P: Policy>(&mut self, now: SimTime, reader: u32) {
        let in_window = self.env.recorder.in_window(now);
        self.env.recorder.read_issued(in_window);
        let mut read = P::open(self, ReadState::new(reader, now, in_window));
        let (world, strategy) = (self.world, self.strategy);
        if strategy.reads_cache() {
            let replica = self.cache.pick_replica();
            let target = Target {
                tier: CallTier::Cache,
                shard: self.cache.shard_of(reader),
                replica,
                items: self.cache.max_entries(),
            };
            P::call(self, &mut read, now, target);
        }
        let mut buf = std::mem::take(&mut self.list_buf);
        let pulls = strategy.pulls(&world.graph, reader, &mut buf);
        self.fetch_by_shard::<P>(now, &mut read, in_window, pulls);
        self.list_buf = buf;
        P::close(self, read);
    }

    /// Sends one store call per shard holding some of `authors`, and counts
    /// the fetches.
    #[inline(always)]
    pub(super) fn fetch_by_shard<P: Policy>(
        &mut self,
        now: SimTime,
        read: &mut P::Read,
        in_window: bool,
        authors: &[u32],
    ) {
        if authors.is_empty() {
            return;
        }
        for &f in authors {
            self.groups.add(self.store.shard_of(f));
        }
        // By index, not by a closure: each call needs the whole simulation.
        for i in 0..self.groups.len() {
            let (shard, items) = self.groups.take(i);
            let target = Target {
                tier: CallTier::Store,
                shard,
                replica: 0,
                items,
            };
            P::call(self, read, now, target);
        }
        self.groups.clear();
        let n = authors.len() as u64;
        P::state(self, read).merge_items += n;
        self.env.recorder.store_reads(in_window, n);
    }

    /// The station a call to `target` goes to.
    #[inline]
    pub(super) fn station_of(&self, target: Target) -> u32 {
        match target.tier {
            CallTier::Store => target.shard,
            CallTier::Cache => self.cache.station(target.shard, target.replica),
        }
    }

    /// Sends one copy of a request to `station` at `now`: its answer as the
    /// client will see it, where it is served, and whether a full queue
    /// refused it. With `cancel_at`, the copy is cancelled when that
    /// reaches the station (another copy answered): it takes no server time
    /// if it has not started by then, and is cut short if it has.
    #[inline(always)]
    pub(super) fn send_copy<P: Policy>(
        &mut self,
        now: SimTime,
        target: Target,
        station: u32,
        reader: u32,
        cancel_at: Option<SimTime>,
    ) -> (Answer, Option<Visit>, bool) {
        let arrival = now + self.env.net.one_way();
        let fault = FaultTarget::from(target.tier);
        let mut miss = false;
        if P::RESILIENT
            && let Some(f) = self.env.faults.as_mut()
        {
            if f.lose_message(now) {
                return (Answer::Hang, None, false);
            }
            if f.down(fault, station, arrival) {
                let at = arrival + self.env.back_at(arrival);
                return (Answer::Err { at }, None, false);
            }
            miss = target.tier == CallTier::Cache && f.timeline_missing(station, reader, arrival);
        }
        // Or the cache never held it (residency): only reads that do not
        // find their timeline take this path.
        if P::RESILIENT && target.tier == CallTier::Cache && !self.cache.holds(reader) {
            miss = true;
        }
        // A miss is a lookup that finds nothing: no entries to read.
        let items = if miss { 0 } else { target.items };
        let mut service = match target.tier {
            CallTier::Store => self.store.read_service(items),
            CallTier::Cache => self.cache.read_service(items),
        };
        if P::RESILIENT
            && let Some(f) = self.env.faults.as_mut()
        {
            service = f.service(fault, station, arrival, service);
        }
        let mut remote = SimDuration::ZERO;
        if P::TAILS && self.tails.is_some() {
            (service, remote) = self.tail_delays(target.tier, station, arrival, service);
        }
        let st = &mut self.tier_mut(target.tier).stations[station as usize];
        if let Some(cancel) = cancel_at {
            let start = st.peek_start(arrival);
            if start >= cancel {
                return (Answer::Hang, None, false);
            }
            if start + service > cancel {
                let cut = cancel - start;
                let _ = st.submit(arrival, cut);
                return (Answer::Hang, None, false);
            }
        }
        let Some(v) = st.submit(arrival, service) else {
            // Only a client that may act on the error needs its time.
            let at = match P::RESILIENT {
                true => arrival + self.env.back_at(arrival),
                false => arrival,
            };
            return (Answer::Err { at }, None, true);
        };
        if P::RESILIENT
            && self
                .env
                .faults
                .as_mut()
                .is_some_and(|f| f.lose_message(v.depart))
        {
            return (Answer::Hang, Some(v), false);
        }
        let mut back = match P::RESILIENT {
            true => self.env.back_at(v.depart),
            false => self.env.net.back(),
        };
        if P::TAILS {
            back = back.saturating_add(remote);
        }
        (
            Answer::Ok {
                at: v.depart + back,
                miss,
            },
            Some(v),
            false,
        )
    }

    /// The stations of a call's tier.
    pub(super) fn tier_mut(&mut self, t: CallTier) -> &mut super::tier::Stations {
        match t {
            CallTier::Store => &mut self.store.tier,
            CallTier::Cache => &mut self.cache.tier,
        }
    }

    /// Every call of a read has settled: record it, and write a rebuilt
    /// timeline back to its cache machine.
    #[inline(always)]
    pub(super) fn finish_read(&mut self, r: ReadState) {
        if self.hydration.is_some() && !r.hydrated && r.outcome() != ReadOutcome::Failed {
            // The ids are known once merged: fetch the page's tweets then.
            let merge = self.scenario.cluster.merge_per_item;
            let merge = SimDuration::from_nanos(merge.as_nanos().saturating_mul(r.merge_items));
            self.hydrate_later(r, r.done + merge);
            return;
        }
        self.record_read(r);
    }

    /// [`Simulation::finish_read`] for a read with nothing left to fetch:
    /// record it, and write a rebuilt timeline back to its cache machine.
    #[inline(always)]
    pub(super) fn record_read(&mut self, r: ReadState) {
        let merge = self.scenario.cluster.merge_per_item;
        let merge = SimDuration::from_nanos(merge.as_nanos().saturating_mul(r.merge_items));
        let done = r.done + merge;
        let outcome = r.outcome();
        let latency = (outcome == ReadOutcome::Full).then(|| done - r.issued);
        self.env
            .recorder
            .read_done(r.in_window, outcome, latency, r.dropped);
        if let Some(machine) = r.rebuild.filter(|_| outcome != ReadOutcome::Failed) {
            self.write_back_rebuilt(done, machine, &r);
        }
    }

    /// Schedules the write-back of the timeline read `r` rebuilt, at `done`,
    /// to the machine that had lost it; with residency on, where it was
    /// not held on any replica (a timeline is held on all or none), to
    /// every replica, as a fan-out would. Out of line: the plain read path
    /// never rebuilds.
    #[cold]
    #[inline(never)]
    fn write_back_rebuilt(&mut self, done: SimTime, machine: u32, r: &ReadState) {
        let items = r.merge_items.min(u64::from(self.cache.max_entries())) as u32;
        if !self.cache.partial() {
            return self.write_back_later(done, machine, items);
        }
        let shard = self.cache.shard_of(r.reader);
        for replica in 0..self.cache.replicas() {
            let station = self.cache.station(shard, replica);
            self.write_back_later(done, station, items);
        }
    }
}
