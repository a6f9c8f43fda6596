//! The client policies of the read path, for runs with faults or policies
//! configured: the [`Resilient`] way of making a read's calls.
//!
//! A call is one attempt at a time; an attempt may be hedged (a second copy
//! after a delay, the loser cancelled), may time out, may fail (refused by a
//! crashed machine, a full queue, an open circuit breaker), and a failed
//! attempt may be retried after a backoff or failed over to the next
//! replica. A read ends when all its calls have (see `read.rs` for the
//! path every read takes, and the rule that says how it ended).
//!
//! Answers are still computed when a request is sent (Lindley); an event is
//! scheduled only where the client must decide something later: a hedge, a
//! retry, a rebuild after a cache miss, the write-back of a rebuilt
//! timeline. A call whose answer needs no decision costs no event, so a
//! 100-way scatter with a 1% hedge rate costs about one extra event per
//! read.
//!
//! A timeline lost in a crash, or never cached (`cluster.timeline_cache.
//! active_window`, `.capacity`: a read of a timeline the cache does not hold
//! takes this path), is rebuilt on its next read (docs/references.md,
//! Krikorian 2012, "reconstruction"): the client fetches the recent tweets
//! of every followee whose tweets the strategy pushes to the reader from
//! the tweet store, merges them, answers, and writes the timeline back to
//! the cache machine.

use super::client::{CircuitBreaker, RecentLatency, RetryBudget};
use super::read::{Policy, ReadState, Target};
use super::{Event, Simulation};
use crate::model::config::{ClientPolicy, FaultTarget, Hedge};
use crate::sim::rng::SimRng;
use crate::sim::station::Visit;
use crate::sim::time::{SimDuration, SimTime};
use rand::RngExt;

#[cfg(test)]
mod tests;

/// What happens to a read the client is still working on.
#[derive(Clone, Copy, Debug)]
pub(super) enum ClientEvent {
    /// A call is sent again (retry or failover).
    Retry(u32),
    /// A call is due its hedge.
    Hedge(u32),
    /// A read found its timeline lost: rebuild it from the store.
    Rebuild(u32),
    /// A rebuilt timeline of `items` entries is written back to a cache machine.
    WriteBack {
        /// The cache machine.
        station: u32,
        /// Entries written.
        items: u32,
    },
}

/// The tier a call goes to.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(super) enum CallTier {
    Store,
    Cache,
}

impl From<CallTier> for FaultTarget {
    fn from(t: CallTier) -> FaultTarget {
        match t {
            CallTier::Store => FaultTarget::Store,
            CallTier::Cache => FaultTarget::Cache,
        }
    }
}

/// What one copy of a request brought back, as the client sees it.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(super) enum Answer {
    /// An answer at `at`; `miss`: the cache no longer had the timeline.
    Ok { at: SimTime, miss: bool },
    /// An error at `at` (refused: crashed, full queue, open breaker).
    Err { at: SimTime },
    /// The client gave up at `at`.
    Timeout { at: SimTime },
    /// Nothing ever comes back, and no timeout is set.
    Hang,
}

impl Answer {
    /// When the client knows how the copy went; `None`: never.
    fn at(self) -> Option<SimTime> {
        match self {
            Answer::Ok { at, .. } | Answer::Err { at } | Answer::Timeout { at } => Some(at),
            Answer::Hang => None,
        }
    }

    /// The answer, or a timeout at `deadline` if it comes later (or never).
    fn by(self, deadline: Option<SimTime>) -> Answer {
        match (self.at(), deadline) {
            (Some(at), Some(d)) if at > d => Answer::Timeout { at: d },
            (None, Some(d)) => Answer::Timeout { at: d },
            _ => self,
        }
    }
}

/// One call (a request and its retries and hedges) of a read.
#[derive(Clone, Debug)]
pub(super) struct Call {
    read: u32,
    /// Where the current attempt goes (failover moves the replica).
    target: Target,
    retries: u32,
    failovers: u32,
    /// When the current attempt was sent.
    sent: SimTime,
    /// The first copy's answer, while a hedge is pending.
    first: Answer,
    /// Where the first copy is served, to cancel it if the hedge wins.
    first_visit: Option<(u32, Visit)>,
}

/// The client's state for one tier.
pub(super) struct TierClient {
    policy: ClientPolicy,
    breakers: Vec<CircuitBreaker>,
    budget: RetryBudget,
    recent: Option<RecentLatency>,
    rng: SimRng,
}

impl TierClient {
    fn new(policy: &ClientPolicy, stations: u32, rng: SimRng) -> TierClient {
        let breakers = if policy.breaker.is_some() {
            (0..stations).map(|_| CircuitBreaker::default()).collect()
        } else {
            Vec::new()
        };
        TierClient {
            budget: RetryBudget::new(policy.retry_budget),
            recent: match policy.hedge {
                Some(Hedge::Quantile(q)) => Some(RecentLatency::new(q)),
                _ => None,
            },
            policy: policy.clone(),
            breakers,
            rng,
        }
    }

    /// The hedging delay in force at `now`, if any.
    fn hedge_delay(&mut self, now: SimTime) -> Option<SimDuration> {
        match self.policy.hedge? {
            Hedge::After(d) => Some(d),
            Hedge::Quantile(_) => self.recent.as_mut()?.quantile(now),
        }
    }

    /// Whether the breaker of `station` lets a request through at `now`.
    fn allows(&mut self, station: u32, now: SimTime) -> bool {
        match &self.policy.breaker {
            Some(cfg) => self.breakers[station as usize].allow(now, cfg),
            None => true,
        }
    }

    /// Files how a request to `station` went, as the client learns it.
    fn learn(&mut self, station: u32, sent: SimTime, answer: Answer) {
        if let Some(r) = self.recent.as_mut()
            && let Answer::Ok { at, .. } = answer
        {
            r.record(at, at - sent);
        }
        if let Some(cfg) = &self.policy.breaker {
            // A request that never answers (lost, no timeout) counts as a
            // failure once the breaker's own wait has passed, so a lost
            // probe cannot hold a half-open breaker shut for ever.
            let at = answer.at().unwrap_or(sent + cfg.open_for);
            let ok = matches!(answer, Answer::Ok { .. });
            self.breakers[station as usize].record(at, ok);
        }
    }

    /// The wait before retry number `n` (1-based): the backoff doubled
    /// `n - 1` times, capped, and with full jitter a uniform draw below it
    /// (Brooker, "Exponential Backoff And Jitter", AWS 2015).
    fn backoff(&mut self, n: u32) -> SimDuration {
        let p = &self.policy;
        let doubled = p
            .backoff
            .as_nanos()
            .saturating_mul(1u64 << (n - 1).min(40))
            .min(p.backoff_max.as_nanos());
        let wait = if p.jitter && doubled > 0 {
            self.rng.random_range(0..=doubled)
        } else {
            doubled
        };
        SimDuration::from_nanos(wait)
    }
}

/// Everything the resilient read path keeps between events.
pub(super) struct Clients {
    reads: Vec<ReadState>,
    free_reads: Vec<u32>,
    calls: Vec<Call>,
    free_calls: Vec<u32>,
    store: TierClient,
    cache: TierClient,
}

impl Clients {
    pub(super) fn new(sim_seed: u64, scenario: &crate::model::config::Scenario) -> Clients {
        use crate::sim::rng;
        let c = &scenario.cluster;
        Clients {
            reads: Vec::new(),
            free_reads: Vec::new(),
            calls: Vec::new(),
            free_calls: Vec::new(),
            store: TierClient::new(
                &scenario.policy.store,
                c.tweet_store.tier.shards,
                rng::stream(sim_seed, "client-store"),
            ),
            cache: TierClient::new(
                &scenario.policy.cache,
                c.timeline_cache.machines,
                rng::stream(sim_seed, "client-cache"),
            ),
        }
    }

    fn tier(&mut self, t: CallTier) -> &mut TierClient {
        match t {
            CallTier::Store => &mut self.store,
            CallTier::Cache => &mut self.cache,
        }
    }
}

/// Takes a slot from a pool with a free list.
fn take<T: Clone>(pool: &mut Vec<T>, free: &mut Vec<u32>, value: T) -> u32 {
    match free.pop() {
        Some(id) => {
            pool[id as usize] = value;
            id
        }
        None => {
            pool.push(value);
            (pool.len() - 1) as u32
        }
    }
}

/// Faults or client policies configured: calls go through the client's
/// state machine, and a read settles when its last call does.
pub(super) struct Resilient;

impl Policy for Resilient {
    type Read = u32;
    const RESILIENT: bool = true;

    fn open(sim: &mut Simulation<'_>, state: ReadState) -> u32 {
        // Held until every call is sent, so none settles the read early.
        let mut state = state;
        state.pending = 1;
        let c = sim.clients();
        take(&mut c.reads, &mut c.free_reads, state)
    }

    fn state<'r>(sim: &'r mut Simulation<'_>, read: &'r mut u32) -> &'r mut ReadState {
        &mut sim.clients().reads[*read as usize]
    }

    fn call(sim: &mut Simulation<'_>, read: &mut u32, now: SimTime, target: Target) {
        sim.call(now, *read, target);
    }

    fn close(sim: &mut Simulation<'_>, read: u32) {
        sim.settle_part(read);
    }
}

impl Simulation<'_> {
    fn clients(&mut self) -> &mut Clients {
        self.clients
            .as_mut()
            .expect("the resilient path runs only with clients")
    }

    /// Handles an event of a read the client is still working on.
    pub(super) fn client_event(&mut self, now: SimTime, event: ClientEvent) {
        match event {
            ClientEvent::Retry(call) => self.attempt(now, call),
            ClientEvent::Hedge(call) => self.hedge(now, call),
            ClientEvent::Rebuild(read) => self.rebuild(now, read),
            ClientEvent::WriteBack { station, items } => {
                let arrival = now + self.env.net.one_way();
                self.cache
                    .write_back(station, items, arrival, &self.env.faults);
            }
        }
    }

    /// Schedules the write-back of a rebuilt timeline.
    pub(super) fn write_back_later(&mut self, at: SimTime, station: u32, items: u32) {
        let event = ClientEvent::WriteBack { station, items };
        self.env.schedule(at, Event::Client(event));
    }

    /// Starts a call of `read` and its first attempt.
    fn call(&mut self, now: SimTime, read: u32, target: Target) {
        let call = Call {
            read,
            target,
            retries: 0,
            failovers: 0,
            sent: now,
            first: Answer::Hang,
            first_visit: None,
        };
        let c = self.clients();
        c.reads[read as usize].pending += 1;
        c.tier(target.tier).budget.deposit();
        let id = take(&mut c.calls, &mut c.free_calls, call);
        self.attempt(now, id);
    }

    /// Sends the current attempt of a call at `now`.
    fn attempt(&mut self, now: SimTime, id: u32) {
        let call = self.clients().calls[id as usize].clone();
        let station = self.station_of(call.target);
        let tc = self.clients().tier(call.target.tier);
        if !tc.allows(station, now) {
            // The breaker is open: fail at once, send nothing.
            return self.retry_or_fail(now, id, Answer::Err { at: now }, false);
        }
        let deadline = tc.policy.timeout.map(|t| now + t);
        let hedge = tc.hedge_delay(now);
        let reader = self.clients().reads[call.read as usize].reader;
        let (answer, visit, dropped) =
            self.send_copy::<Resilient>(now, call.target, station, reader, None);
        self.clients().reads[call.read as usize].dropped |= dropped;
        let answer = answer.by(deadline);
        let c = &mut self.clients().calls[id as usize];
        c.sent = now;
        c.first = answer;
        c.first_visit = visit.map(|v| (station, v));
        let early_error = matches!(answer, Answer::Err { .. });
        if let Some(h) = hedge
            && !early_error
            && answer.at().is_none_or(|at| at > now + h)
        {
            return self
                .env
                .schedule(now + h, Event::Client(ClientEvent::Hedge(id)));
        }
        self.clients()
            .tier(call.target.tier)
            .learn(station, now, answer);
        self.settle_attempt(now, id, answer);
    }

    /// A hedge falls due: the first copy has not answered by now.
    fn hedge(&mut self, now: SimTime, id: u32) {
        let call = self.clients().calls[id as usize].clone();
        let replicas = self.cache.replicas();
        let mut copy = call.target;
        if copy.tier == CallTier::Cache {
            copy.replica = (copy.replica + 1) % replicas;
        }
        let station = self.station_of(copy);
        let r = &self.clients().reads[call.read as usize];
        let (reader, in_window) = (r.reader, r.in_window);
        self.env.recorder.count(in_window, |r| r.hedges += 1);
        let tc = self.clients().tier(call.target.tier);
        let deadline = tc.policy.timeout.map(|t| call.sent + t);
        // If the first copy answers, the hedge is cancelled one hop later.
        let cancel = match call.first {
            Answer::Ok { at, .. } => Some(at + self.env.net.one_way()),
            _ => None,
        };
        let (second, _, dropped) = self.send_copy::<Resilient>(now, copy, station, reader, cancel);
        self.clients().reads[call.read as usize].dropped |= dropped;
        let second = second.by(deadline);
        let answer = self.race(&call, second, deadline);
        // The client learns from what reaches it: not from a losing answer,
        // which is cancelled or ignored.
        let first_station = self.station_of(call.target);
        let tc = self.clients().tier(call.target.tier);
        for (copy_station, sent, got) in [
            (first_station, call.sent, call.first),
            (station, now, second),
        ] {
            if !(matches!(got, Answer::Ok { .. }) && got != answer) {
                tc.learn(copy_station, sent, got);
            }
        }
        // The winner decides which replica answered (a miss is its own).
        if copy.tier == CallTier::Cache && matches!(answer, Answer::Ok { .. }) && answer == second {
            self.clients().calls[id as usize].target.replica = copy.replica;
        }
        self.settle_attempt(now, id, answer);
    }

    /// Which of a call's two copies wins: the earlier answer (the loser is
    /// cancelled), else both errors, else nothing by the deadline.
    fn race(&mut self, call: &Call, second: Answer, deadline: Option<SimTime>) -> Answer {
        match (call.first, second) {
            (Answer::Ok { at: a, .. }, Answer::Ok { at: b, .. }) if b < a => {
                self.cancel_first(call, b);
                second
            }
            (Answer::Ok { .. }, _) => call.first,
            (_, Answer::Ok { at, .. }) => {
                self.cancel_first(call, at);
                second
            }
            (a, b) => match (a.at(), b.at()) {
                (Some(x), Some(y))
                    if matches!(a, Answer::Err { .. }) && matches!(b, Answer::Err { .. }) =>
                {
                    Answer::Err { at: x.max(y) }
                }
                _ => Answer::Hang.by(deadline),
            },
        }
    }

    /// Cancels the first copy of a call when the hedge's answer `won_at`
    /// tells the client it is no longer needed (one hop to the station).
    fn cancel_first(&mut self, call: &Call, won_at: SimTime) {
        if let Some((station, visit)) = call.first_visit {
            let at = won_at + self.env.net.one_way();
            self.tier_mut(call.target.tier).stations[station as usize].cancel(visit, at);
        }
    }

    /// The current attempt of a call ended with `answer`.
    fn settle_attempt(&mut self, now: SimTime, id: u32, answer: Answer) {
        match answer {
            Answer::Ok { at, miss } => self.settle_call(id, Some((at, miss))),
            Answer::Timeout { .. } | Answer::Err { .. } => {
                if matches!(answer, Answer::Timeout { .. }) {
                    let read = self.clients().calls[id as usize].read;
                    let in_window = self.clients().reads[read as usize].in_window;
                    self.env.recorder.count(in_window, |r| r.timeouts += 1);
                }
                self.retry_or_fail(now, id, answer, true)
            }
            Answer::Hang => self.settle_call(id, None),
        }
    }

    /// After a failed attempt: fail over to the next replica, retry after
    /// a backoff, or give up. `retryable` is false for a request the open
    /// breaker never sent (only failover applies then).
    fn retry_or_fail(&mut self, now: SimTime, id: u32, answer: Answer, retryable: bool) {
        let at = answer.at().unwrap_or(now);
        let replicas = self.cache.replicas();
        let c = self.clients();
        let call = c.calls[id as usize].clone();
        let (tier, read) = (call.target.tier, call.read);
        let in_window = c.reads[read as usize].in_window;
        let tc = c.tier(tier);
        let wait = if tier == CallTier::Cache && tc.policy.failover && call.failovers + 1 < replicas
        {
            let call = &mut c.calls[id as usize];
            call.failovers += 1;
            call.target.replica = (call.target.replica + 1) % replicas;
            Some(SimDuration::ZERO)
        } else if retryable && call.retries < tc.policy.retries && tc.budget.try_spend() {
            let n = call.retries + 1;
            let wait = tc.backoff(n);
            c.calls[id as usize].retries = n;
            Some(wait)
        } else {
            None
        };
        match wait {
            Some(w) => {
                self.env.recorder.count(in_window, |r| r.retries += 1);
                self.env
                    .schedule(at + w, Event::Client(ClientEvent::Retry(id)));
            }
            None => self.settle_call(id, None),
        }
    }

    /// A call is over: answered at a time (and maybe a cache miss), or failed.
    fn settle_call(&mut self, id: u32, answer: Option<(SimTime, bool)>) {
        let c = self.clients();
        c.free_calls.push(id);
        let call = c.calls[id as usize].clone();
        let (read, target) = (call.read, call.target);
        let machine = match target.tier {
            CallTier::Cache => Some(self.cache.station(target.shard, target.replica)),
            CallTier::Store => None,
        };
        let r = &mut self.clients().reads[read as usize];
        match answer {
            Some((at, miss)) => {
                r.answered(at);
                if miss {
                    r.rebuild = machine;
                    r.pending += 1;
                    self.env
                        .schedule(at, Event::Client(ClientEvent::Rebuild(read)));
                }
            }
            None => r.failed(target.tier),
        }
        self.settle_part(read);
    }

    /// One part of a read settled; the read ends with its last part.
    fn settle_part(&mut self, read: u32) {
        let c = self.clients();
        let r = &mut c.reads[read as usize];
        r.pending -= 1;
        if r.pending == 0 {
            let r = *r;
            c.free_reads.push(read);
            self.finish_read(r);
        }
    }

    /// The cache had lost this read's timeline: rebuild it from the store,
    /// fetching every followee whose tweets are pushed to the reader.
    fn rebuild(&mut self, now: SimTime, read: u32) {
        let r = &self.clients().reads[read as usize];
        let (reader, in_window, machine) = (r.reader, r.in_window, r.rebuild);
        self.env.recorder.count(in_window, |r| r.rebuilds += 1);
        self.env.recorder.cache_miss(in_window);
        if let (Some(f), Some(m)) = (self.env.faults.as_mut(), machine) {
            f.rebuilt(m, reader);
        }
        // Held from now on, as the lost timeline above: later reads hit.
        self.cache.admit(reader);
        let (graph, strategy) = (&self.world.graph, self.strategy);
        let mut buf = std::mem::take(&mut self.list_buf);
        let followees = graph.followees_into(reader, &mut buf);
        let mut pushed = std::mem::take(&mut self.rebuild_buf);
        pushed.clear();
        pushed.extend(
            followees
                .iter()
                .copied()
                .filter(|&f| strategy.edge_pushed(graph, f, reader)),
        );
        self.list_buf = buf;
        let mut id = read;
        self.fetch_by_shard::<Resilient>(now, &mut id, in_window, &pushed);
        self.rebuild_buf = pushed;
        self.settle_part(read);
    }
}
