//! STAND-IN.
use crate::sim::time::{SimDuration, SimTime};
use std::cmp::Reverse;
use std::collections::BinaryHeap;
pub struct EventQueue<E> {
    heap: BinaryHeap<Reverse<(u64, u64, usize)>>,
    slots: Vec<Option<E>>,
    free: Vec<usize>,
    seq: u64,
    now: SimTime,
    popped: u64,
}
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleError {
    pub now: SimTime,
    pub at: SimTime,
}
impl std::fmt::Display for ScheduleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "past {:?} {:?}", self.now, self.at)
    }
}
impl std::error::Error for ScheduleError {}
impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        Self::new()
    }
}
impl<E> EventQueue<E> {
    pub fn new() -> Self {
        EventQueue {
            heap: BinaryHeap::new(),
            slots: vec![],
            free: vec![],
            seq: 0,
            now: SimTime::ZERO,
            popped: 0,
        }
    }
    pub fn now(&self) -> SimTime {
        self.now
    }
    pub fn schedule(&mut self, at: SimTime, e: E) -> Result<(), ScheduleError> {
        if at < self.now {
            return Err(ScheduleError { now: self.now, at });
        }
        let slot = if let Some(s) = self.free.pop() {
            self.slots[s] = Some(e);
            s
        } else {
            self.slots.push(Some(e));
            self.slots.len() - 1
        };
        self.heap.push(Reverse((at.as_nanos(), self.seq, slot)));
        self.seq += 1;
        Ok(())
    }
    pub fn schedule_after(&mut self, d: SimDuration, e: E) -> Result<(), ScheduleError> {
        let at = self.now.checked_add(d).ok_or(ScheduleError {
            now: self.now,
            at: SimTime::MAX,
        })?;
        self.schedule(at, e)
    }
    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        let Reverse((t, _, slot)) = self.heap.pop()?;
        self.now = SimTime::from_nanos(t);
        self.popped += 1;
        self.free.push(slot);
        Some((self.now, self.slots[slot].take().unwrap()))
    }
    pub fn peek_time(&self) -> Option<SimTime> {
        self.heap.peek().map(|r| SimTime::from_nanos(r.0.0))
    }
    pub fn len(&self) -> usize {
        self.heap.len()
    }
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
    pub fn popped(&self) -> u64 {
        self.popped
    }
}
