//! Hydration: a timeline holds tweet ids, and a read returns a page of
//! tweets, so once the ids are known the page's tweet bodies are fetched by
//! id from the tweet store (docs/references.md, Krikorian 2012: the
//! timeline service "hydrates" the ids it reads from the timeline cache
//! with a multi-get to the tweet service).
//!
//! The cost is the same for every strategy: fan-out-on-write reads its ids
//! from the cache, fan-out-on-read merges its followees' recent ids, and
//! either way the page's `page` tweets are fetched afterwards, so
//! fan-out-on-write's read is not made artificially cheap by leaving the
//! bodies out. The fetch is a multi-get per store shard holding some of
//! the page's tweets. The model does not track which tweets make up a
//! page, so each tweet's shard is drawn uniformly: tweets are found by id,
//! and a page's tweets come from as many authors as it has tweets in the
//! common case, spread over the shards by the author hash. The calls are
//! plain ones (no retry, hedge or fault check, as `read::Plain` makes
//! them) whatever client policy the timeline read went through; they pass
//! through the store's tail mechanisms like any other store read.
//!
//! The second leg starts when the first has answered, which is later than
//! the event that issued the read, so it is its own event (one per read,
//! and only when hydration is on): a station must see its arrivals in time
//! order.

use super::read::{Policy, ReadState, Tailed, Target};
use super::resilient::CallTier;
use super::{Event, Simulation};
use crate::sim::rng::SimRng;
use crate::sim::time::SimTime;
use rand::RngExt;

/// Reads waiting for their page's tweets, and the draws of the page.
pub(super) struct Hydration {
    /// Tweets per page.
    page: u32,
    /// Reads parked until their ids are back, by slot.
    parked: Vec<ReadState>,
    /// Free slots of `parked`.
    free: Vec<u32>,
    /// Where each tweet of a page is stored.
    rng: SimRng,
}

impl Hydration {
    /// Hydration of `page` tweets per read, or `None` when it is off.
    pub(super) fn new(page: u32, rng: SimRng) -> Option<Box<Hydration>> {
        (page > 0).then(|| {
            Box::new(Hydration {
                page,
                parked: Vec::new(),
                free: Vec::new(),
                rng,
            })
        })
    }

    /// Keeps a read until its hydration event; its slot.
    fn park(&mut self, r: ReadState) -> u32 {
        match self.free.pop() {
            Some(id) => {
                self.parked[id as usize] = r;
                id
            }
            None => {
                self.parked.push(r);
                (self.parked.len() - 1) as u32
            }
        }
    }

    /// Gives back the read in slot `id`, freeing the slot.
    fn take(&mut self, id: u32) -> ReadState {
        self.free.push(id);
        self.parked[id as usize]
    }
}

impl Simulation<'_> {
    /// A read by `reader` at `now` in a run with tail mechanisms or
    /// hydration, out of line so the loop's plain reads stay as compact as
    /// in a run without them.
    #[inline(never)]
    pub(super) fn read_tailed(&mut self, now: SimTime, reader: u32) {
        self.read::<Tailed>(now, reader);
    }

    /// Parks a read whose ids are known at `done`, to fetch its page then.
    #[inline(never)]
    pub(super) fn hydrate_later(&mut self, mut r: ReadState, done: SimTime) {
        // A rebuilt timeline is written back once the rebuild is merged.
        if let Some(machine) = r.rebuild.take() {
            let items = r.merge_items.min(u64::from(self.cache.max_entries()));
            self.write_back_later(done, machine, items as u32);
        }
        let Some(h) = self.hydration.as_mut() else {
            return;
        };
        r.hydrated = true;
        // The merge is paid: `done` includes it.
        r.done = done;
        r.merge_items = 0;
        let id = h.park(r);
        self.env.schedule(done, Event::Hydrate(id));
    }

    /// The ids of parked read `id` are back at `now`: fetch the page's
    /// tweets, one multi-get per shard, and finish the read.
    pub(super) fn hydrate(&mut self, now: SimTime, id: u32) {
        let Some(h) = self.hydration.as_mut() else {
            return;
        };
        let mut r = h.take(id);
        let shards = self.scenario.cluster.tweet_store.tier.shards;
        for _ in 0..h.page {
            self.groups.add(h.rng.random_range(0..shards));
        }
        for i in 0..self.groups.len() {
            let (shard, items) = self.groups.take(i);
            let target = Target {
                tier: CallTier::Store,
                shard,
                replica: 0,
                items,
            };
            Tailed::call(self, &mut r, now, target);
        }
        self.groups.clear();
        self.finish_read(r);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::rng::stream;

    #[test]
    fn off_builds_nothing_and_slots_are_reused() {
        assert!(Hydration::new(0, stream(1, "h")).is_none());
        let mut h = Hydration::new(20, stream(1, "h")).unwrap();
        let r = ReadState::new(7, SimTime::from_nanos(5), true);
        let a = h.park(r);
        let b = h.park(r);
        assert_ne!(a, b);
        assert_eq!(h.take(a).reader, 7);
        assert_eq!(h.park(r), a);
    }
}
