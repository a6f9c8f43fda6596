//! The users: who posts and who reads, and when.
//!
//! Posts and reads are two Poisson processes whose rate follows the
//! scenario's profile and bursts (`model::workload`), each arrival drawing
//! its author or reader from the activity-weighted samplers of the
//! [`World`]; scheduled tweets by named accounts come on top. Every draw
//! has its own stream, so the same posts and reads happen under every
//! strategy (common random numbers: strategies are compared on the same
//! workload).

use super::{Env, Event, World};
use crate::model::config::{Scenario, ScheduledEvent};
use crate::model::workload::{Arrivals, RateShape};
use crate::sim::rng::{self, SimRng};
use crate::sim::time::SimTime;

/// What the users do next.
#[derive(Clone, Copy, Debug)]
pub(super) enum WorkloadEvent {
    /// The next post of the Poisson process.
    Post,
    /// The next read of the Poisson process.
    Read,
    /// A scheduled tweet by this account.
    ScheduledTweet(u32),
}

/// The arrival processes and the draws of authors and readers.
pub(super) struct Workload {
    shape: RateShape,
    posts: Arrivals,
    reads: Arrivals,
    author_rng: SimRng,
    reader_rng: SimRng,
    /// No post or read arrives after this (the end of the window).
    end: SimTime,
}

impl Workload {
    pub(super) fn new(scenario: &Scenario, end: SimTime) -> Workload {
        let seed = scenario.seed;
        let w = &scenario.workload;
        Workload {
            shape: RateShape::new(w),
            posts: Arrivals::new(w.tweets_per_sec, rng::stream(seed, "post-arrivals")),
            reads: Arrivals::new(w.reads_per_sec, rng::stream(seed, "read-arrivals")),
            author_rng: rng::stream(seed, "authors"),
            reader_rng: rng::stream(seed, "readers"),
            end,
        }
    }

    /// Schedules the first post and the first read.
    pub(super) fn start(&mut self, env: &mut Env) {
        self.next_post(SimTime::ZERO, env);
        self.next_read(SimTime::ZERO, env);
    }

    /// Schedules the scenario's tweets by named accounts.
    pub(super) fn schedule_tweets(&self, scenario: &Scenario, world: &World, env: &mut Env) {
        for e in &scenario.workload.events {
            if let ScheduledEvent::Tweet { at, account } = e {
                // Validation resolved accounts against the graph already; an
                // account that does not exist is skipped, never guessed.
                if let Some(id) = world.resolve_account(*account) {
                    let at = SimTime::ZERO + *at;
                    if at < self.end {
                        env.schedule(at, Event::Workload(WorkloadEvent::ScheduledTweet(id)));
                    }
                }
            }
        }
    }

    /// The author of the next post.
    #[inline]
    pub(super) fn author(&mut self, world: &World) -> u32 {
        world.authors.sample(&mut self.author_rng)
    }

    /// The reader of the next read.
    #[inline]
    pub(super) fn reader(&mut self, world: &World) -> u32 {
        world.readers.sample(&mut self.reader_rng)
    }

    /// Schedules the post after `now`, if one comes before the end.
    #[inline]
    pub(super) fn next_post(&mut self, now: SimTime, env: &mut Env) {
        if let Some(t) = self.posts.next(now, &self.shape, self.end) {
            env.schedule(t, Event::Workload(WorkloadEvent::Post));
        }
    }

    /// Schedules the read after `now`, if one comes before the end.
    #[inline]
    pub(super) fn next_read(&mut self, now: SimTime, env: &mut Env) {
        if let Some(t) = self.reads.next(now, &self.shape, self.end) {
            env.schedule(t, Event::Workload(WorkloadEvent::Read));
        }
    }
}
