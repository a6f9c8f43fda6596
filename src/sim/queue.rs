//! The event queue: a monotone priority queue ordered by (time, insertion
//! sequence), adaptive between a small binary heap and a radix heap.
//!
//! A discrete-event simulation only ever schedules at or after the current
//! time, so the queue is *monotone* and a radix heap (Ahuja, Mehlhorn, Orlin
//! and Tarjan, "Faster algorithms for the shortest path problem", JACM 1990)
//! beats a binary heap once many events are pending: push is O(1) and each
//! event is moved at most once per bit of the time range (64), in sequential
//! passes over flat vectors, instead of O(log n) cache-missing sift steps per
//! operation. With only a handful pending (an M/M/1 queue), a binary heap in
//! L1 cache is cheaper than the radix heap's redistributions, so the queue
//! starts as a binary heap keyed on (time, sequence) and switches to the
//! radix heap above [`TO_RADIX`] pending events, and back below
//! [`TO_SMALL`] (the gap between the two makes switching rare; each switch
//! moves the events in order, so FIFO among equal times is kept).
//!
//! Radix layout: `now_ring` holds the events due exactly at `last` (the time
//! of the last popped event) in FIFO order; `buckets[i]` holds events whose
//! time first differs from `last` at bit `i`, as `(time, payload)` pairs in
//! a `Vec`. Every bucket below `i` holds only earlier times than bucket `i`,
//! a bitmask finds the lowest non-empty bucket in one instruction, and a
//! per-bucket minimum gives `peek_time` in O(1). When `now_ring` runs dry,
//! the lowest non-empty bucket is emptied into the lower ones with `last`
//! set to its minimum; those due at the new `last` land in `now_ring`.
//!
//! FIFO for equal times needs no stored sequence number in the radix heap:
//! all events with the same time always sit in the same bucket (the bucket
//! index depends only on the time and `last`, and moving `last` up to a
//! bucket minimum never changes the bucket of events in higher buckets),
//! pushes append, and redistribution is a stable pass into buckets that were
//! empty. So events leave in exactly (time, insertion sequence) order, which
//! the tests check against a binary heap keyed on (time, seq).

use crate::sim::time::{SimDuration, SimTime};
use std::cmp::Ordering;
use std::collections::{BinaryHeap, VecDeque};
use std::fmt;

/// Number of radix buckets: one per bit of a `u64` time.
const BUCKETS: usize = 64;
/// Pending events above which the binary heap hands over to the radix heap.
pub const TO_RADIX: usize = 128;
/// Pending events below which the radix heap hands back to the binary heap.
pub const TO_SMALL: usize = 32;

/// A binary-heap entry: ordered by (time, seq) reversed, for a min-heap.
struct Entry<E> {
    key: u128,
    event: E,
}

impl<E> PartialEq for Entry<E> {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}
impl<E> Eq for Entry<E> {}
impl<E> PartialOrd for Entry<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<E> Ord for Entry<E> {
    #[inline]
    fn cmp(&self, other: &Self) -> Ordering {
        other.key.cmp(&self.key)
    }
}

/// The pending events of one simulation, popped in (time, insertion order).
pub struct EventQueue<E> {
    /// True while the binary heap holds the events.
    small_mode: bool,
    /// The binary heap, keyed on `time << 64 | seq`.
    small: BinaryHeap<Entry<E>>,
    /// Next sequence number for the binary heap.
    seq: u64,
    /// Radix heap: events due exactly at `last`, in insertion order.
    now_ring: VecDeque<E>,
    /// Radix heap: `buckets[i]` holds events whose time first differs from
    /// `last` at bit `i`.
    buckets: [Vec<(u64, E)>; BUCKETS],
    /// Smallest time in each bucket (meaningless when the bucket is empty).
    mins: [u64; BUCKETS],
    /// Bit `i` set when `buckets[i]` is not empty.
    mask: u64,
    /// Time of the last popped event; no event may be scheduled earlier.
    last: u64,
    len: usize,
    popped: u64,
    /// Switching thresholds ([`TO_RADIX`], [`TO_SMALL`]; tests vary them).
    to_radix: usize,
    to_small: usize,
}

/// An event was scheduled before the current time, or past the end of time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleError {
    /// The queue's clock when the event was refused.
    pub now: SimTime,
    /// The requested time ([`SimTime::MAX`] when `now + delay` overflowed).
    pub at: SimTime,
}

impl fmt::Display for ScheduleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.at < self.now {
            write!(
                f,
                "cannot schedule an event at {} in the past: the clock is at {}",
                self.at, self.now
            )
        } else {
            write!(
                f,
                "cannot schedule an event after {}: simulated time would overflow 584 years",
                self.now
            )
        }
    }
}

impl std::error::Error for ScheduleError {}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E> EventQueue<E> {
    /// An empty queue with its clock at [`SimTime::ZERO`].
    pub fn new() -> Self {
        EventQueue {
            small_mode: true,
            small: BinaryHeap::new(),
            seq: 0,
            now_ring: VecDeque::new(),
            buckets: std::array::from_fn(|_| Vec::new()),
            mins: [u64::MAX; BUCKETS],
            mask: 0,
            last: 0,
            len: 0,
            popped: 0,
            to_radix: TO_RADIX,
            to_small: TO_SMALL,
        }
    }

    /// A queue with other switching thresholds, to test every mode.
    #[cfg(test)]
    fn with_thresholds(to_radix: usize, to_small: usize) -> Self {
        assert!(to_small <= to_radix);
        EventQueue {
            to_radix,
            to_small,
            ..Self::new()
        }
    }

    /// The time of the last popped event: the simulation's clock.
    #[inline]
    pub fn now(&self) -> SimTime {
        SimTime::from_nanos(self.last)
    }

    /// Schedules `event` at `at`; refused (never clamped) when `at` is before
    /// [`now`](Self::now), because that is a causality bug in the caller.
    #[inline]
    pub fn schedule(&mut self, at: SimTime, event: E) -> Result<(), ScheduleError> {
        let t = at.as_nanos();
        if t < self.last {
            return Err(ScheduleError {
                now: self.now(),
                at,
            });
        }
        self.push(t, event);
        Ok(())
    }

    /// Schedules `event` `delay` after [`now`](Self::now); refused when the
    /// sum overflows.
    #[inline]
    pub fn schedule_after(&mut self, delay: SimDuration, event: E) -> Result<(), ScheduleError> {
        match self.now().checked_add(delay) {
            Some(at) => {
                self.push(at.as_nanos(), event);
                Ok(())
            }
            None => Err(ScheduleError {
                now: self.now(),
                at: SimTime::MAX,
            }),
        }
    }

    #[inline]
    fn push(&mut self, t: u64, event: E) {
        self.len += 1;
        if self.small_mode {
            self.push_small(t, event);
            if self.len > self.to_radix {
                self.switch_to_radix();
            }
        } else {
            self.push_radix(t, event);
        }
    }

    #[inline]
    fn push_small(&mut self, t: u64, event: E) {
        let key = (u128::from(t) << 64) | u128::from(self.seq);
        self.seq += 1;
        self.small.push(Entry { key, event });
    }

    #[inline]
    fn push_radix(&mut self, t: u64, event: E) {
        let x = t ^ self.last;
        if x == 0 {
            self.now_ring.push_back(event);
            return;
        }
        let i = 63 - x.leading_zeros() as usize;
        let b = &mut self.buckets[i];
        if b.is_empty() {
            self.mins[i] = t;
            self.mask |= 1 << i;
        } else if t < self.mins[i] {
            self.mins[i] = t;
        }
        b.push((t, event));
    }

    /// Moves every event from the binary heap to the radix heap, in order.
    #[cold]
    fn switch_to_radix(&mut self) {
        self.small_mode = false;
        while let Some(Entry { key, event }) = self.small.pop() {
            self.push_radix((key >> 64) as u64, event);
        }
    }

    /// Moves every event from the radix heap to the binary heap, in order
    /// (fresh, increasing sequence numbers keep FIFO among equal times).
    #[cold]
    fn switch_to_small(&mut self) {
        let clock = self.last;
        while let Some((t, e)) = self.pop_radix() {
            self.push_small(t, e);
        }
        self.last = clock;
        self.small_mode = true;
    }

    /// Removes and returns the earliest event (the first scheduled among
    /// equal times) and advances the clock to its time.
    #[inline]
    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        let (t, e) = if self.small_mode {
            let Entry { key, event } = self.small.pop()?;
            ((key >> 64) as u64, event)
        } else {
            let got = self.pop_radix()?;
            if self.len <= self.to_small {
                // `len` still counts the popped event.
                self.switch_to_small();
            }
            got
        };
        self.last = t;
        self.len -= 1;
        self.popped += 1;
        Some((SimTime::from_nanos(t), e))
    }

    /// The radix heap's earliest event; sets `last` to its time.
    #[inline]
    fn pop_radix(&mut self) -> Option<(u64, E)> {
        if let Some(e) = self.now_ring.pop_front() {
            return Some((self.last, e));
        }
        if self.mask == 0 {
            return None;
        }
        let i = self.mask.trailing_zeros() as usize;
        let bucket = &mut self.buckets[i];
        if bucket.len() == 1 {
            // A lone event: no redistribution.
            let (t, e) = bucket.pop().expect("length is 1");
            self.mask &= !(1u64 << i);
            self.last = t;
            return Some((t, e));
        }
        self.refill(i);
        let e = self.now_ring.pop_front().expect("refill fills now_ring");
        Some((self.last, e))
    }

    /// Empties bucket `i`, the lowest non-empty one, into the lower ones,
    /// with `last` raised to its minimum; at least one event lands in
    /// `now_ring`.
    fn refill(&mut self, i: usize) {
        let last = self.mins[i];
        self.last = last;
        self.mask &= !(1u64 << i);
        // Every target bucket is below i, hence empty: build each afresh.
        // The source keeps its allocation for later events.
        let (lower, upper) = self.buckets.split_at_mut(i);
        for (t, e) in upper[0].drain(..) {
            let x = t ^ last;
            if x == 0 {
                self.now_ring.push_back(e);
            } else {
                let j = 63 - x.leading_zeros() as usize;
                let bit = 1u64 << j;
                if self.mask & bit == 0 {
                    self.mask |= bit;
                    self.mins[j] = t;
                } else if t < self.mins[j] {
                    self.mins[j] = t;
                }
                lower[j].push((t, e));
            }
        }
    }

    /// The time of the next event, if any, without removing it.
    #[inline]
    pub fn peek_time(&self) -> Option<SimTime> {
        if self.small_mode {
            self.small
                .peek()
                .map(|e| SimTime::from_nanos((e.key >> 64) as u64))
        } else if !self.now_ring.is_empty() {
            Some(SimTime::from_nanos(self.last))
        } else if self.mask == 0 {
            None
        } else {
            Some(SimTime::from_nanos(
                self.mins[self.mask.trailing_zeros() as usize],
            ))
        }
    }

    /// Number of pending events.
    #[inline]
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when no event is pending: the simulation has run out of work.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Events popped so far (the simulator's own work, for events/s).
    #[inline]
    pub fn popped(&self) -> u64 {
        self.popped
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;

    fn t(ns: u64) -> SimTime {
        SimTime::from_nanos(ns)
    }

    /// Switching thresholds to test: the defaults, always radix, never
    /// radix, and switching every few events.
    const MODES: [(usize, usize); 5] = [
        (TO_RADIX, TO_SMALL),
        (0, 0),
        (usize::MAX, 0),
        (6, 2),
        (3, 3),
    ];

    fn queues<E>() -> impl Iterator<Item = EventQueue<E>> {
        MODES
            .into_iter()
            .map(|(hi, lo)| EventQueue::with_thresholds(hi, lo))
    }

    #[test]
    fn equal_times_pop_fifo() {
        for mut q in queues() {
            for i in 0..10 {
                q.schedule(t(5), i).unwrap();
                q.schedule(t(3), 100 + i).unwrap();
            }
            let got: Vec<_> = std::iter::from_fn(|| q.pop()).collect();
            let mut want: Vec<_> = (0..10).map(|i| (t(3), 100 + i)).collect();
            want.extend((0..10).map(|i| (t(5), i)));
            assert_eq!(got, want);
            assert_eq!(q.popped(), 20);
        }
    }

    #[test]
    fn fifo_survives_redistribution_and_same_time_pushes() {
        for mut q in queues() {
            q.schedule(t(1000), "a").unwrap();
            q.schedule(t(7), "x").unwrap();
            q.schedule(t(1000), "b").unwrap();
            assert_eq!(q.pop(), Some((t(7), "x")));
            q.schedule(t(1000), "c").unwrap();
            assert_eq!(q.pop(), Some((t(1000), "a")));
            q.schedule(t(1000), "d").unwrap();
            q.schedule_after(SimDuration::ZERO, "e").unwrap();
            let rest: Vec<_> = std::iter::from_fn(|| q.pop()).map(|(_, e)| e).collect();
            assert_eq!(rest, ["b", "c", "d", "e"]);
            assert!(q.is_empty());
            assert_eq!(q.pop(), None);
        }
    }

    #[test]
    fn the_past_is_refused_not_clamped() {
        let mut q = EventQueue::new();
        q.schedule(t(10), 1).unwrap();
        assert_eq!(q.pop(), Some((t(10), 1)));
        assert_eq!(q.now(), t(10));
        let e = q.schedule(t(9), 2).unwrap_err();
        assert_eq!(
            e,
            ScheduleError {
                now: t(10),
                at: t(9)
            }
        );
        assert!(e.to_string().contains("past"), "{e}");
        assert!(q.is_empty());
        q.schedule(t(10), 3).unwrap();
        let e = q.schedule_after(SimDuration::MAX, 4).unwrap_err();
        assert_eq!(e.at, SimTime::MAX);
        assert!(e.to_string().contains("overflow"), "{e}");
        assert_eq!(q.len(), 1);
    }

    #[test]
    fn extreme_times() {
        for mut q in queues() {
            q.schedule(SimTime::MAX, 2).unwrap();
            q.schedule(t(0), 0).unwrap();
            q.schedule(t(1 << 63), 1).unwrap();
            assert_eq!(q.peek_time(), Some(t(0)));
            assert_eq!(q.pop(), Some((t(0), 0)));
            assert_eq!(q.peek_time(), Some(t(1 << 63)));
            assert_eq!(q.pop(), Some((t(1 << 63), 1)));
            assert_eq!(q.pop(), Some((SimTime::MAX, 2)));
            assert_eq!(q.peek_time(), None);
        }
    }

    /// Ops: Some(delay) schedules at now + delay (delay drawn from a few
    /// scales so ties and long jumps both occur); None pops.
    fn run_both(ops: &[Option<u64>]) {
        for q in queues() {
            run_with(ops, q);
        }
    }

    fn run_with(ops: &[Option<u64>], mut q: EventQueue<u64>) {
        let mut h = BinaryHeap::new();
        let mut seq = 0u64;
        let mut now = 0u64;
        for op in ops {
            match op {
                Some(d) => {
                    let at = now + d;
                    q.schedule(t(at), seq).unwrap();
                    h.push(Reverse((at, seq)));
                    seq += 1;
                }
                None => {
                    let want = h.pop().map(|Reverse((at, s))| (t(at), s));
                    assert_eq!(q.peek_time(), want.map(|w| w.0));
                    let got = q.pop();
                    assert_eq!(got, want);
                    if let Some((at, _)) = got {
                        now = at.as_nanos();
                        assert_eq!(q.now(), at);
                    }
                }
            }
            assert_eq!(q.len(), h.len());
        }
        while let Some(Reverse((at, s))) = h.pop() {
            assert_eq!(q.pop(), Some((t(at), s)));
        }
        assert_eq!(q.pop(), None);
    }

    fn op() -> impl Strategy<Value = Option<u64>> {
        prop_oneof![
            2 => Just(None),
            1 => (0u64..4).prop_map(Some),
            1 => (0u64..1_000).prop_map(Some),
            1 => (0u64..(1 << 40)).prop_map(Some),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]
        #[test]
        fn order_equals_a_binary_heap(ops in proptest::collection::vec(op(), 0..400)) {
            run_both(&ops);
        }
    }

    #[test]
    fn order_equals_a_binary_heap_on_a_long_hold_run() {
        use crate::sim::rng::stream;
        use rand::RngExt;
        let mut rng = stream(9, "queue-test");
        let mut ops = Vec::new();
        for _ in 0..2000 {
            ops.push(Some(rng.random_range(0..1_000_000u64)));
        }
        for _ in 0..100_000 {
            ops.push(None);
            let d = if rng.random_bool(0.1) {
                0
            } else {
                rng.random_range(0..1_000_000u64)
            };
            ops.push(Some(d));
        }
        run_both(&ops);
    }
}
