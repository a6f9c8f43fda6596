//! The fan-out worker pool and its jobs: a tweet pushed into its
//! followers' cached timelines (DDIA ch. 1's approach 2; docs/references.md,
//! Krikorian 2012: 4,000 destinations per pipelined insert, every replica).
//!
//! The pool is one station whose servers are the workers. When the store
//! has a tweet that the strategy pushes, its job is planned (the followers
//! it goes to, grouped by cache shard, `batch` destinations per request),
//! queued for a worker, and its batches are sent one by one, each to every
//! replica of its shard; a cache machine applies an insert `write_chunk`
//! entries at a time so reads are not stuck behind a whole batch. A job is
//! delivered when its last chunk lands. A worker crash stops the jobs it was
//! running mid-batch; they are retried after the queue's lease, or lost.
//!
//! With `parallelism` P above 1 a planned job's batches are split in up to
//! P contiguous parts (by batch count), and each part is queued for a worker
//! on its own, as its own job slot with its own batch sequence, retries and
//! crash handling; the first part keeps the job's slot and the others point
//! back to it. The job is delivered when the last insert of its last part
//! lands (the latest of its followers' own insert times), and is lost (one
//! dropped fan-out) if any part is lost. So a celebrity's job uses up to P
//! idle workers at once, and gains nothing once the pool is busy.
//!
//! The strategy decides per edge. For DDIA's strategies every follower of a
//! pushed author is a destination, and the plan skips the per-edge question.

use super::tier::{Cache, ShardGroups, Stations, sample};
use super::{Env, Event};
use crate::model::config::WorkerConfig;
use crate::model::graph::Graph;
use crate::model::strategy::Strategy;
use crate::sim::rng::SimRng;
use crate::sim::time::{SimDuration, SimTime};
use rand::RngExt;

/// What happens to a fan-out job.
#[derive(Clone, Copy, Debug)]
pub(super) enum FanoutEvent {
    /// The store acknowledged the tweet of this job: plan and queue it.
    StoreWritten(u32),
    /// A worker sends the next batch of a job (ignored if the job's
    /// attempt changed since: its worker crashed).
    Batch {
        /// The fan-out job.
        job: u32,
        /// The attempt the batch belongs to.
        attempt: u32,
    },
    /// A job interrupted by a worker crash is taken up again.
    Retry {
        /// The fan-out job.
        job: u32,
        /// The attempt it resumes as.
        attempt: u32,
    },
    /// A cache station takes the next chunk of an insert request.
    CacheChunk {
        /// The fan-out job.
        job: u32,
        /// The cache station (shard x replica).
        station: u32,
        /// Timelines of the request not yet applied.
        left: u32,
    },
}

/// One pipelined insert request: destinations on one cache shard.
#[derive(Clone, Copy, Debug)]
struct BatchPlan {
    shard: u32,
    /// Destinations: what the worker pipelines.
    size: u32,
    /// Of those, timelines held: what the cache machines append to (all
    /// of them unless residency is on).
    held: u32,
    worker_cost: SimDuration,
}

/// A tweet being pushed to its followers' timelines.
#[derive(Debug, Default)]
struct Job {
    author: u32,
    posted: SimTime,
    in_window: bool,
    /// The strategy decides per follower (else: every follower).
    per_edge: bool,
    batches: Vec<BatchPlan>,
    next: usize,
    dispatch_at: SimTime,
    delivered: SimTime,
    /// Insert requests still being applied chunk by chunk.
    pending_chunks: u32,
    /// Bumped whenever the job is (re)started, so events of an attempt a
    /// crash ended are recognised and ignored; never reset, as slots are reused.
    attempt: u32,
    /// Batches sent by earlier attempts (a retried job sends them again).
    sent_before: usize,
    /// When the job's worker took it and will be done with it.
    worker_start: SimTime,
    worker_done: SimTime,
    /// A worker crash lost the job; it is freed once its last chunk lands.
    lost: bool,
    /// The slot holds a job not yet delivered, lost or freed.
    live: bool,
    /// For a part of a split job (`parallelism` > 1), the slot of its first
    /// part, which records the delivery; [`NO_PARENT`] otherwise.
    parent: u32,
    /// On a first part: the other parts not yet finished or lost.
    parts_left: u32,
    /// On a first part: another part was lost, so the job is.
    part_lost: bool,
}

/// [`Job::parent`] of a job that is not a later part of a split job.
const NO_PARENT: u32 = u32::MAX;

/// A worker crash: (start, end, workers, jobs lost).
type Crash = (SimTime, SimTime, u32, bool);

/// The worker pool, its jobs and their backlog.
pub(super) struct Fanout {
    cfg: WorkerConfig,
    /// The one station whose servers are the workers.
    pub(super) workers: Stations,
    jobs: Vec<Job>,
    free_jobs: Vec<u32>,
    /// Timelines waiting to be written.
    backlog: u64,
    /// Worker crashes, by start.
    crashes: Vec<Crash>,
    /// Destinations by cache shard, and a sampled graph's follower list.
    groups: ShardGroups,
    followers: Vec<u32>,
    /// The slots of a job's later parts, while it is being split.
    split_scratch: Vec<u32>,
    /// Per cache shard, destinations whose timeline is held (residency on).
    held: Vec<u32>,
}

impl Fanout {
    pub(super) fn new(
        cfg: &WorkerConfig,
        cache_shards: u32,
        window: (SimTime, SimTime),
        rng: SimRng,
    ) -> Fanout {
        Fanout {
            workers: Stations::new(1, cfg.workers, cfg.queue_limit, window, rng),
            cfg: cfg.clone(),
            jobs: Vec::new(),
            free_jobs: Vec::new(),
            backlog: 0,
            crashes: Vec::new(),
            groups: ShardGroups::new(cache_shards),
            followers: Vec::new(),
            split_scratch: Vec::new(),
            held: vec![0; cache_shards as usize],
        }
    }

    /// Timelines waiting to be written now.
    pub(super) fn backlog(&self) -> u64 {
        self.backlog
    }

    /// Schedules the fault schedule's worker crashes that start before `end`.
    pub(super) fn schedule_crashes(&mut self, env: &mut Env, end: SimTime) {
        self.crashes = env
            .faults
            .as_ref()
            .map(|f| f.worker_crashes())
            .unwrap_or_default();
        for (i, c) in self.crashes.iter().enumerate() {
            if c.0 < end {
                env.schedule(c.0, Event::Fault(super::FaultEvent::WorkerCrash(i as u32)));
            }
        }
    }

    /// A job for a tweet by `author` posted at `posted`, started when the
    /// store acknowledges it ([`FanoutEvent::StoreWritten`]).
    pub(super) fn open(
        &mut self,
        author: u32,
        posted: SimTime,
        in_window: bool,
        per_edge: bool,
    ) -> u32 {
        let id = match self.free_jobs.pop() {
            Some(id) => id,
            None => {
                self.jobs.push(Job::default());
                (self.jobs.len() - 1) as u32
            }
        };
        let job = &mut self.jobs[id as usize];
        job.author = author;
        job.posted = posted;
        job.in_window = in_window;
        job.per_edge = per_edge;
        job.batches.clear();
        job.next = 0;
        job.pending_chunks = 0;
        job.delivered = posted;
        job.attempt = job.attempt.wrapping_add(1);
        job.sent_before = 0;
        job.lost = false;
        job.live = true;
        job.parent = NO_PARENT;
        job.parts_left = 0;
        job.part_lost = false;
        id
    }

    /// The run stopped: every job of the window not delivered (nor lost)
    /// is a pending delivery.
    pub(super) fn count_pending(&self, env: &mut Env) {
        for job in self
            .jobs
            .iter()
            .filter(|j| j.live && !j.lost && j.parent == NO_PARENT)
        {
            env.recorder.pending_delivery(job.in_window);
        }
    }

    /// Frees a job's slot for reuse.
    fn free(&mut self, id: u32) {
        self.jobs[id as usize].live = false;
        self.free_jobs.push(id);
    }

    /// Handles an event of a job.
    pub(super) fn handle(
        &mut self,
        now: SimTime,
        event: FanoutEvent,
        cache: &mut Cache,
        env: &mut Env,
        push: (&Graph, &dyn Strategy),
    ) {
        match event {
            FanoutEvent::StoreWritten(job) => self.start(now, job, cache, env, push),
            FanoutEvent::Batch { job, attempt } => {
                if self.jobs[job as usize].attempt == attempt {
                    self.send_batch(now, job, cache, env);
                }
            }
            FanoutEvent::Retry { job, attempt } => {
                if self.jobs[job as usize].attempt == attempt {
                    self.submit(now, job, env);
                }
            }
            FanoutEvent::CacheChunk { job, station, left } => {
                self.jobs[job as usize].pending_chunks -= 1;
                self.send_chunk(now, job, station, left, cache, env);
                self.finish_if_done(job, env);
            }
        }
    }

    /// The store has the tweet: plan its batches and queue it for a worker.
    fn start(
        &mut self,
        now: SimTime,
        id: u32,
        cache: &Cache,
        env: &mut Env,
        (graph, strategy): (&Graph, &dyn Strategy),
    ) {
        let (author, per_edge) = {
            let j = &self.jobs[id as usize];
            (j.author, j.per_edge)
        };
        let followers = graph.followers_into(author, &mut self.followers);
        let partial = cache.partial();
        if partial {
            // RPUSHX: the worker sends every destination, the cache appends
            // only to the timelines it holds.
            for &f in followers {
                if !per_edge || strategy.pushes_to(graph, author, f) {
                    let shard = cache.shard_of(f);
                    self.groups.add(shard);
                    self.held[shard as usize] += u32::from(cache.holds(f));
                }
            }
        } else if per_edge {
            for &f in followers {
                if strategy.pushes_to(graph, author, f) {
                    self.groups.add(cache.shard_of(f));
                }
            }
        } else {
            for &f in followers {
                self.groups.add(cache.shard_of(f));
            }
        }
        let mut batches = std::mem::take(&mut self.jobs[id as usize].batches);
        let (cfg, rng, held) = (&self.cfg, &mut self.workers.rng, &mut self.held);
        let mut skipped = 0u64;
        self.groups.drain(|shard, total| {
            let held = match partial {
                true => std::mem::take(&mut held[shard as usize]),
                false => total,
            };
            skipped += u64::from(total - held);
            let mut left = total;
            while left > 0 {
                let size = left.min(cfg.batch);
                left -= size;
                let worker_cost = sample(&cfg.service, u64::from(size), rng);
                batches.push(BatchPlan {
                    shard,
                    size,
                    held: match partial {
                        true => {
                            spread(held, total, total - left)
                                - spread(held, total, total - left - size)
                        }
                        false => size,
                    },
                    worker_cost,
                });
            }
        });
        if partial {
            let job = &mut self.jobs[id as usize];
            env.recorder.skipped_deliveries(job.in_window, skipped);
            // A follower whose timeline is not held sees the tweet when it
            // is rebuilt from the store: delivered to those at the store
            // write, like a pulled tweet (and to nobody else if none is held).
            job.delivered = now;
        }
        let empty = batches.is_empty();
        self.jobs[id as usize].batches = batches;
        if empty {
            // The strategy pushed to none of the followers: readable once
            // in the store, like a pulled tweet.
            let job = &self.jobs[id as usize];
            env.recorder.delivered(job.in_window, job.posted, now);
            self.free(id);
            return;
        }
        if self.cfg.parallelism > 1 && self.jobs[id as usize].batches.len() > 1 {
            return self.split(now, id, env);
        }
        self.submit(now, id, env);
    }

    /// Splits a planned job's batches in up to `parallelism` contiguous
    /// parts of nearly equal batch counts; the first stays in the job's
    /// slot, each other gets a slot pointing back to it, and every part is
    /// queued for a worker of its own.
    fn split(&mut self, now: SimTime, id: u32, env: &mut Env) {
        let n = self.jobs[id as usize].batches.len();
        let parts = (self.cfg.parallelism as usize).min(n);
        let (author, posted, in_window, per_edge) = {
            let j = &self.jobs[id as usize];
            (j.author, j.posted, j.in_window, j.per_edge)
        };
        let first_end = n / parts;
        let mut children = std::mem::take(&mut self.split_scratch);
        children.clear();
        for p in 1..parts {
            let (from, to) = (p * n / parts, (p + 1) * n / parts);
            let child = self.open(author, posted, in_window, per_edge);
            let mut batches = std::mem::take(&mut self.jobs[child as usize].batches);
            batches.extend_from_slice(&self.jobs[id as usize].batches[from..to]);
            let c = &mut self.jobs[child as usize];
            c.batches = batches;
            c.parent = id;
            children.push(child);
        }
        let job = &mut self.jobs[id as usize];
        job.batches.truncate(first_end);
        job.parts_left = (parts - 1) as u32;
        self.submit(now, id, env);
        for &child in &children {
            self.submit(now, child, env);
        }
        self.split_scratch = children;
    }

    /// Queues a planned job for a worker: first after its store write, and
    /// again, from its first batch, after a worker crash ended an attempt.
    fn submit(&mut self, now: SimTime, id: u32, env: &mut Env) {
        let job = &self.jobs[id as usize];
        let destinations: u64 = job.batches.iter().map(|b| u64::from(b.size)).sum();
        let total = job
            .batches
            .iter()
            .fold(SimDuration::ZERO, |t, b| t.saturating_add(b.worker_cost));
        let arrival = now + env.net.one_way();
        match self.workers.stations[0].submit(arrival, total) {
            None => self.lose(id, env),
            Some(visit) => {
                self.backlog += destinations;
                env.recorder.backlog(now, self.backlog);
                let job = &mut self.jobs[id as usize];
                let first = visit.start + job.batches[0].worker_cost;
                job.next = 0;
                job.dispatch_at = first;
                job.worker_start = visit.start;
                job.worker_done = visit.depart;
                let attempt = job.attempt;
                env.schedule(
                    first,
                    Event::Fanout(FanoutEvent::Batch { job: id, attempt }),
                );
            }
        }
    }

    /// `workers` fan-out workers die at `now` until the crash ends: the
    /// jobs running on them stop mid-batch (which of the running jobs is
    /// drawn at random: workers are identical), and are retried after the
    /// queue's lease (`retry_after`) unless the crash loses them.
    pub(super) fn crash(&mut self, now: SimTime, i: usize, env: &mut Env) {
        let (_, until, workers, lose) = self.crashes[i];
        let mut running: Vec<u32> = (0..self.jobs.len() as u32)
            .filter(|&id| {
                let j = &self.jobs[id as usize];
                !j.lost && j.next < j.batches.len() && j.worker_start <= now && j.worker_done > now
            })
            .collect();
        let k = (workers as usize).min(running.len());
        if let Some(f) = env.faults.as_mut() {
            for j in 0..k {
                let r = f.worker_rng().random_range(j..running.len());
                running.swap(j, r);
            }
        }
        for &id in &running[..k] {
            self.interrupt(now, id, until, lose, env);
        }
        for _ in k..workers as usize {
            self.workers.stations[0].hold_earliest(until);
        }
    }

    fn interrupt(&mut self, now: SimTime, id: u32, until: SimTime, lose: bool, env: &mut Env) {
        let job = &mut self.jobs[id as usize];
        job.attempt = job.attempt.wrapping_add(1);
        let unsent: u64 = job.batches[job.next..]
            .iter()
            .map(|b| u64::from(b.size))
            .sum();
        job.sent_before = job.sent_before.max(job.next);
        // Nothing more of this attempt is sent; the job is unfinished.
        job.next = 0;
        let (done, attempt) = (job.worker_done, job.attempt);
        self.backlog -= unsent;
        // The dead worker is back only when the crash ends.
        if !self.workers.stations[0].reschedule_server(done.as_nanos(), until.as_nanos()) {
            self.workers.stations[0].hold_earliest(until);
        }
        if lose {
            self.lose(id, env);
        } else {
            let at = now + self.cfg.retry_after;
            env.schedule(at, Event::Fanout(FanoutEvent::Retry { job: id, attempt }));
        }
    }

    /// A worker sends one pipelined insert to every replica of one cache shard.
    fn send_batch(&mut self, now: SimTime, id: u32, cache: &mut Cache, env: &mut Env) {
        let replicas = cache.replicas();
        let job = &self.jobs[id as usize];
        let plan = job.batches[job.next];
        let repeated = job.next < job.sent_before;
        let in_window = job.in_window;
        self.backlog -= u64::from(plan.size);
        if repeated && !self.cfg.idempotency_key {
            // Sent before the crash: these entries are now in twice.
            let n = u64::from(plan.held) * u64::from(replicas);
            env.recorder.count(in_window, |r| r.duplicates += n);
        }
        // A batch with no held timeline costs the cache nothing.
        let written = if plan.held > 0 { replicas } else { 0 };
        for r in 0..written {
            let station = cache.station(plan.shard, r);
            if env.faults.as_mut().is_some_and(|f| f.lose_message(now)) {
                env.recorder
                    .timeline_writes_dropped(in_window, u64::from(plan.held));
                continue;
            }
            self.send_chunk(now, id, station, plan.held, cache, env);
        }
        let job = &mut self.jobs[id as usize];
        job.next += 1;
        if job.next < job.batches.len() {
            job.dispatch_at += job.batches[job.next].worker_cost;
            let (at, attempt) = (job.dispatch_at, job.attempt);
            env.schedule(at, Event::Fanout(FanoutEvent::Batch { job: id, attempt }));
        } else {
            self.finish_if_done(id, env);
        }
    }

    /// A cache station applies the next chunk of an insert request; the
    /// rest rejoins its queue one hop after this chunk is done.
    fn send_chunk(
        &mut self,
        now: SimTime,
        id: u32,
        station: u32,
        left: u32,
        cache: &mut Cache,
        env: &mut Env,
    ) {
        let arrival = now + env.net.one_way();
        let in_window = self.jobs[id as usize].in_window;
        let (size, visit) = cache.insert_chunk(station, left, arrival, &mut env.faults);
        let Some(v) = visit else {
            // The rest of the request is lost with this chunk.
            env.recorder
                .timeline_writes_dropped(in_window, u64::from(left));
            return;
        };
        env.recorder
            .timeline_writes(in_window, u64::from(size), v.depart);
        let job = &mut self.jobs[id as usize];
        if left > size {
            job.pending_chunks += 1;
            let rest = FanoutEvent::CacheChunk {
                job: id,
                station,
                left: left - size,
            };
            env.schedule(v.depart, Event::Fanout(rest));
        } else {
            job.delivered = job.delivered.max(v.depart);
        }
    }

    /// A job (or a part of one) is lost: the queue refused it or a crash
    /// lost it. A whole job counts as one dropped fan-out, once, and a lost
    /// part makes its job lost when the other parts end.
    fn lose(&mut self, id: u32, env: &mut Env) {
        let job = &mut self.jobs[id as usize];
        job.lost = true;
        if job.parent == NO_PARENT {
            env.recorder.fanout_dropped(job.in_window);
        }
        self.finish_if_done(id, env);
    }

    /// Records the delivery and frees the job once every batch was sent and
    /// every chunk applied (for a split job, of every part).
    fn finish_if_done(&mut self, id: u32, env: &mut Env) {
        let job = &self.jobs[id as usize];
        if job.lost {
            if job.pending_chunks == 0 && job.parts_left == 0 {
                // Freed once; `lost` stays set until the slot is reused.
                self.jobs[id as usize].pending_chunks = u32::MAX;
                self.free(id);
                self.part_ended(id, true, env);
            }
            return;
        }
        if job.next < job.batches.len() || job.pending_chunks > 0 || job.parts_left > 0 {
            return;
        }
        if job.parent != NO_PARENT {
            self.free(id);
            return self.part_ended(id, false, env);
        }
        if job.part_lost {
            env.recorder.fanout_dropped(job.in_window);
        } else {
            env.recorder
                .delivered(job.in_window, job.posted, job.delivered);
        }
        self.free(id);
    }

    /// A later part of a split job ended (its slot already freed but not
    /// yet reused): its first part takes its delivery time, or its loss,
    /// and finishes the job if it was the last part.
    fn part_ended(&mut self, id: u32, lost: bool, env: &mut Env) {
        let (parent, delivered) = {
            let j = &self.jobs[id as usize];
            (j.parent, j.delivered)
        };
        if parent == NO_PARENT {
            return;
        }
        let first = &mut self.jobs[parent as usize];
        first.parts_left -= 1;
        first.part_lost |= lost;
        first.delivered = first.delivered.max(delivered);
        self.finish_if_done(parent, env);
    }
}

/// The held destinations among the first `done` of a shard's `total`, when
/// `held` of them are held: spread evenly over its batches (which ones are
/// held is not tracked, only how many).
fn spread(held: u32, total: u32, done: u32) -> u32 {
    (u64::from(held) * u64::from(done) / u64::from(total.max(1))) as u32
}

#[cfg(test)]
mod tests {
    use super::super::tests::small;
    use super::super::{SimOptions, World, simulate};
    use crate::metrics::Report;
    use crate::model::config::{AccountRef, Scenario, ScheduledEvent};
    use crate::model::strategy::StrategyKind;
    use crate::sim::time::SimDuration;

    fn write_run(s: &Scenario, world: &World) -> Report {
        let kind = StrategyKind::FanoutOnWrite;
        simulate(s, world, kind, &SimOptions::default(), &mut |_, _| {})
    }

    /// Splitting jobs changes when timelines are written, not which: the
    /// same posts, deliveries and timeline writes; the slowest delivery (a
    /// job of many batches) comes sooner on an idle pool; and a pool of
    /// one worker gains nothing from splitting.
    #[test]
    fn split_jobs_deliver_the_same_writes_sooner() {
        let mut s = small(20_000, 100.0, 100.0);
        // The most-followed account tweets once: a job of many batches.
        s.workload.events = vec![ScheduledEvent::Tweet {
            at: SimDuration::from_secs(3),
            account: AccountRef::Rank(1),
        }];
        s.cluster.fanout_workers.batch = 100;
        s.cluster.fanout_workers.workers = 64;
        let world = World::build(&s).unwrap();
        let one = write_run(&s, &world);
        s.cluster.fanout_workers.parallelism = 8;
        let eight = write_run(&s, &world);
        assert_eq!(one.posts, eight.posts);
        assert_eq!(one.timeline_writes, eight.timeline_writes);
        assert_eq!(one.delivery_latency.count(), eight.delivery_latency.count());
        assert_eq!((one.dropped_fanouts, eight.dropped_fanouts), (0, 0));
        let (slow1, slow8) = (
            one.delivery_latency.max_ms(),
            eight.delivery_latency.max_ms(),
        );
        assert!(slow8 < 0.5 * slow1, "max delivery {slow8} ms vs {slow1} ms");
        eprintln!("max delivery: parallelism 1 {slow1} ms, 8 {slow8} ms");
        s.cluster.fanout_workers.workers = 1;
        s.cluster.fanout_workers.parallelism = 1;
        let serial = write_run(&s, &world);
        s.cluster.fanout_workers.parallelism = 8;
        let split = write_run(&s, &world);
        assert_eq!(serial.timeline_writes, split.timeline_writes);
        let ratio = split.delivery_latency.max_ms() / serial.delivery_latency.max_ms();
        assert!(ratio > 0.8, "one worker, split: {ratio}");
    }

    /// With a queue limit, a part refused by the worker queue loses its
    /// whole job, counted once, and the job is not delivered.
    #[test]
    fn a_lost_part_loses_its_job_once() {
        let mut s = small(20_000, 100.0, 100.0);
        s.cluster.fanout_workers.batch = 50;
        s.cluster.fanout_workers.workers = 1;
        s.cluster.fanout_workers.queue_limit = Some(2);
        s.cluster.fanout_workers.parallelism = 16;
        let world = World::build(&s).unwrap();
        let r = write_run(&s, &world);
        assert!(r.dropped_fanouts > 0, "no job was dropped");
        let ended = r.delivery_latency.count() + r.dropped_fanouts + r.pending_deliveries;
        assert!(ended <= r.posts, "{ended} jobs ended for {} posts", r.posts);
    }
}
