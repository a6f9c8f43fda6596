//! The read path when faults or client policies are configured.
//!
//! A read becomes a set of calls: one to its timeline's cache replica (if
//! the strategy keeps timelines) and one per store shard it pulls from. A
//! call is one attempt at a time; an attempt may be hedged (a second copy
//! after a delay, the loser cancelled), may time out, may fail (refused by a
//! crashed machine, a full queue, an open circuit breaker), and a failed
//! attempt may be retried after a backoff or failed over to the next
//! replica. A read ends when all its calls have: in full, degraded (some
//! part missing, such as a pull that timed out under hybrid) or failed (no
//! timeline, or no part at all).
//!
//! Answers are still computed when a request is sent (Lindley); an event is
//! scheduled only where the client must decide something later: a hedge, a
//! retry, a rebuild after a cache miss, the write-back of a rebuilt
//! timeline. A call whose answer needs no decision costs no event, so a
//! 100-way scatter with a 1% hedge rate costs about one extra event per
//! read.
//!
//! A timeline lost in a crash is rebuilt on its next read (Krikorian 2012,
//! "reconstruction"): the client fetches the recent tweets of every
//! followee the strategy pushes from the tweet store, merges them, answers,
//! and writes the timeline back to the cache machine.

use super::client::{CircuitBreaker, RecentLatency, RetryBudget};
use super::{ReadOutcome, Simulation};
use crate::model::config::{ClientPolicy, FaultTarget, Hedge};
use crate::sim::rng::SimRng;
use crate::sim::station::Visit;
use crate::sim::time::{SimDuration, SimTime};
use rand::RngExt;

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
enum Answer {
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

/// One read in flight.
#[derive(Clone, Debug, Default)]
pub(super) struct ReadState {
    reader: u32,
    issued: SimTime,
    in_window: bool,
    /// Calls (and a rebuild) not yet settled.
    pending: u32,
    /// Latest answer so far.
    done: SimTime,
    /// Tweets merged at the client.
    merge_items: u64,
    answered: u32,
    failed: u32,
    timeline_failed: bool,
    /// Some request of the read was refused by a full queue.
    dropped: bool,
    /// The cache machine whose lost timeline this read rebuilds.
    rebuild: Option<u32>,
}

/// One call (a request and its retries and hedges) of a read.
#[derive(Clone, Debug)]
pub(super) struct Call {
    read: u32,
    tier: CallTier,
    /// Store shard, or cache shard.
    shard: u32,
    /// Cache replica tried now.
    replica: u32,
    items: u32,
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

impl Simulation<'_> {
    fn clients(&mut self) -> &mut Clients {
        self.clients
            .as_mut()
            .expect("the resilient path runs only with clients")
    }

    /// A home-timeline read on the resilient path.
    pub(super) fn read_resilient(&mut self, now: SimTime, reader: u32) {
        let in_window = self.in_window(now);
        if in_window {
            self.report.reads += 1;
        }
        if let Some(s) = self.series.as_mut() {
            s.read_issued();
        }
        let state = ReadState {
            reader,
            issued: now,
            in_window,
            // Held until every call is sent, so none settles the read early.
            pending: 1,
            done: now,
            ..ReadState::default()
        };
        let c = self.clients();
        let read = take(&mut c.reads, &mut c.free_reads, state);
        if self.strategy.reads_cache() {
            let cache = &self.scenario.cluster.timeline_cache;
            let replica = self.replica_rng.random_range(0..cache.replicas);
            let (shard, items) = (self.cache_shard.of(reader), cache.max_entries);
            self.call(now, read, CallTier::Cache, shard, replica, items);
        }
        let mut buf = std::mem::take(&mut self.list_buf);
        let pulls = self.strategy.pulls(&self.world.graph, reader, &mut buf);
        self.fetch_by_shard(now, read, pulls);
        self.list_buf = buf;
        self.settle_part(read);
    }

    /// Sends one store call per shard holding some of `authors`.
    fn fetch_by_shard(&mut self, now: SimTime, read: u32, authors: &[u32]) {
        if authors.is_empty() {
            return;
        }
        for &f in authors {
            let s = self.store_shard.of(f) as usize;
            if self.shard_counts[s] == 0 {
                self.touched.push(s as u32);
            }
            self.shard_counts[s] += 1;
        }
        let touched = std::mem::take(&mut self.touched);
        for &s in &touched {
            let items = std::mem::take(&mut self.shard_counts[s as usize]);
            self.call(now, read, CallTier::Store, s, 0, items);
        }
        self.touched = touched;
        self.touched.clear();
        let n = authors.len() as u64;
        self.clients().reads[read as usize].merge_items += n;
        if self.clients().reads[read as usize].in_window {
            self.report.store_reads += n;
        }
        if let Some(s) = self.series.as_mut() {
            s.store_reads(n);
        }
    }

    /// Starts a call of `read` and its first attempt.
    fn call(
        &mut self,
        now: SimTime,
        read: u32,
        tier: CallTier,
        shard: u32,
        replica: u32,
        items: u32,
    ) {
        let call = Call {
            read,
            tier,
            shard,
            replica,
            items,
            retries: 0,
            failovers: 0,
            sent: now,
            first: Answer::Hang,
            first_visit: None,
        };
        let c = self.clients();
        c.reads[read as usize].pending += 1;
        c.tier(tier).budget.deposit();
        let id = take(&mut c.calls, &mut c.free_calls, call);
        self.attempt(now, id);
    }

    /// The stations (and service stream) of a call's tier.
    fn tier_mut(&mut self, t: CallTier) -> &mut super::Tier {
        match t {
            CallTier::Store => &mut self.store,
            CallTier::Cache => &mut self.cache,
        }
    }

    /// The station a call's current attempt goes to.
    fn station_of(&self, call: &Call) -> u32 {
        match call.tier {
            CallTier::Store => call.shard,
            CallTier::Cache => self.cache_station(call.shard, call.replica),
        }
    }

    /// Sends the current attempt of a call at `now`.
    pub(super) fn attempt(&mut self, now: SimTime, id: u32) {
        let call = self.clients().calls[id as usize].clone();
        let station = self.station_of(&call);
        let tc = self.clients().tier(call.tier);
        if !tc.allows(station, now) {
            // The breaker is open: fail at once, send nothing.
            return self.retry_or_fail(now, id, Answer::Err { at: now }, false);
        }
        let deadline = tc.policy.timeout.map(|t| now + t);
        let hedge = tc.hedge_delay(now);
        let reader = self.clients().reads[call.read as usize].reader;
        let (answer, visit) = self.send_copy(now, &call, station, reader, None);
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
            return self.schedule(now + h, super::Event::Hedge(id));
        }
        self.clients().tier(call.tier).learn(station, now, answer);
        self.settle_attempt(now, id, answer);
    }

    /// Sends one copy of a call's request to `station` at `now`. With
    /// `cancel_at`, the copy is cancelled when that reaches the station (the
    /// other copy answered): it takes no server time if it has not started
    /// by then, and is cut short if it has.
    fn send_copy(
        &mut self,
        now: SimTime,
        call: &Call,
        station: u32,
        reader: u32,
        cancel_at: Option<SimTime>,
    ) -> (Answer, Option<Visit>) {
        let arrival = now + self.one_way();
        let target = FaultTarget::from(call.tier);
        let mut miss = false;
        if let Some(f) = self.faults.as_mut() {
            if f.lose_message(now) {
                return (Answer::Hang, None);
            }
            if f.down(target, station, arrival) {
                let at = arrival + self.back_at(arrival);
                return (Answer::Err { at }, None);
            }
            miss = call.tier == CallTier::Cache && f.timeline_missing(station, reader, arrival);
        }
        let cluster = &self.scenario.cluster;
        let (cfg, items) = match call.tier {
            CallTier::Store => (&cluster.tweet_store.read, call.items),
            // A miss is a lookup that finds nothing: no entries to read.
            CallTier::Cache => (
                &cluster.timeline_cache.read,
                if miss { 0 } else { call.items },
            ),
        };
        let mut service = super::sample(cfg, u64::from(items), &mut self.tier_mut(call.tier).rng);
        if let Some(f) = self.faults.as_mut() {
            service = f.service(target, station, arrival, service);
        }
        let st = &mut self.tier_mut(call.tier).stations[station as usize];
        if let Some(cancel) = cancel_at {
            let start = st.peek_start(arrival);
            if start >= cancel {
                return (Answer::Hang, None);
            }
            if start + service > cancel {
                let cut = cancel - start;
                let _ = st.submit(arrival, cut);
                return (Answer::Hang, None);
            }
        }
        let Some(v) = st.submit(arrival, service) else {
            let read = call.read as usize;
            self.clients().reads[read].dropped = true;
            let at = arrival + self.back_at(arrival);
            return (Answer::Err { at }, None);
        };
        if self
            .faults
            .as_mut()
            .is_some_and(|f| f.lose_message(v.depart))
        {
            return (Answer::Hang, Some(v));
        }
        let at = v.depart + self.back_at(v.depart);
        (Answer::Ok { at, miss }, Some(v))
    }

    /// Delay of an answer leaving at `t`: one hop, the round trip's jitter,
    /// and any extra delay a network fault adds to both hops.
    pub(super) fn back_at(&mut self, t: SimTime) -> SimDuration {
        let extra = self
            .faults
            .as_ref()
            .map_or(SimDuration::ZERO, |f| f.extra_delay(t));
        self.back().saturating_add(extra).saturating_add(extra)
    }

    /// A hedge falls due: the first copy has not answered by now.
    pub(super) fn hedge(&mut self, now: SimTime, id: u32) {
        let call = self.clients().calls[id as usize].clone();
        let replicas = self.scenario.cluster.timeline_cache.replicas;
        let mut copy = call.clone();
        if call.tier == CallTier::Cache {
            copy.replica = (call.replica + 1) % replicas;
        }
        let station = self.station_of(&copy);
        let reader = self.clients().reads[call.read as usize].reader;
        let in_window = self.clients().reads[call.read as usize].in_window;
        self.count(in_window, |r| r.hedges += 1);
        let tc = self.clients().tier(call.tier);
        let deadline = tc.policy.timeout.map(|t| call.sent + t);
        // If the first copy answers, the hedge is cancelled one hop later.
        let cancel = match call.first {
            Answer::Ok { at, .. } => Some(at + self.one_way()),
            _ => None,
        };
        let (second, _) = self.send_copy(now, &copy, station, reader, cancel);
        let second = second.by(deadline);
        let first_station = self.station_of(&call);
        let answer = match (call.first, second) {
            (Answer::Ok { at: a, .. }, Answer::Ok { at: b, .. }) if b < a => {
                self.cancel_first(&call, b);
                second
            }
            (Answer::Ok { .. }, _) => call.first,
            (_, Answer::Ok { at, .. }) => {
                self.cancel_first(&call, at);
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
        };
        // The client learns from what reaches it: not from a losing answer,
        // which is cancelled or ignored.
        let tc = self.clients().tier(call.tier);
        for (copy_station, sent, got) in [
            (first_station, call.sent, call.first),
            (station, now, second),
        ] {
            if !(matches!(got, Answer::Ok { .. }) && got != answer) {
                tc.learn(copy_station, sent, got);
            }
        }
        // The winner decides which replica answered (a miss is its own).
        if call.tier == CallTier::Cache && matches!(answer, Answer::Ok { .. }) && answer == second {
            self.clients().calls[id as usize].replica = copy.replica;
        }
        self.settle_attempt(now, id, answer);
    }

    /// Cancels the first copy of a call when the hedge's answer `won_at`
    /// tells the client it is no longer needed (one hop to the station).
    fn cancel_first(&mut self, call: &Call, won_at: SimTime) {
        if let Some((station, visit)) = call.first_visit {
            let at = won_at + self.one_way();
            self.tier_mut(call.tier).stations[station as usize].cancel(visit, at);
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
                    self.count(in_window, |r| r.timeouts += 1);
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
        let replicas = self.scenario.cluster.timeline_cache.replicas;
        let c = self.clients();
        let call = c.calls[id as usize].clone();
        let (tier, read) = (call.tier, call.read);
        let in_window = c.reads[read as usize].in_window;
        let tc = c.tier(tier);
        let wait = if tier == CallTier::Cache && tc.policy.failover && call.failovers + 1 < replicas
        {
            let call = &mut c.calls[id as usize];
            call.failovers += 1;
            call.replica = (call.replica + 1) % replicas;
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
                self.count(in_window, |r| r.retries += 1);
                self.schedule(at + w, super::Event::Retry(id));
            }
            None => self.settle_call(id, None),
        }
    }

    /// A call is over: answered at a time (and maybe a cache miss), or failed.
    fn settle_call(&mut self, id: u32, answer: Option<(SimTime, bool)>) {
        let c = self.clients();
        c.free_calls.push(id);
        let call = c.calls[id as usize].clone();
        let (read, tier) = (call.read, call.tier);
        let machine = match tier {
            CallTier::Cache => Some(self.cache_station(call.shard, call.replica)),
            CallTier::Store => None,
        };
        let r = &mut self.clients().reads[read as usize];
        match answer {
            Some((at, miss)) => {
                r.done = r.done.max(at);
                r.answered += 1;
                if miss {
                    r.rebuild = machine;
                    r.pending += 1;
                    self.schedule(at, super::Event::Rebuild(read));
                }
            }
            None => {
                r.failed += 1;
                r.timeline_failed |= tier == CallTier::Cache;
            }
        }
        self.settle_part(read);
    }

    /// One part of a read settled; the read ends with its last part.
    fn settle_part(&mut self, read: u32) {
        let r = &mut self.clients().reads[read as usize];
        r.pending -= 1;
        if r.pending == 0 {
            self.finish_read(read);
        }
    }

    /// The cache had lost this read's timeline: rebuild it from the store.
    pub(super) fn rebuild(&mut self, now: SimTime, read: u32) {
        let r = &self.clients().reads[read as usize];
        let (reader, in_window, machine) = (r.reader, r.in_window, r.rebuild);
        self.count(in_window, |r| r.rebuilds += 1);
        if let (Some(f), Some(m)) = (self.faults.as_mut(), machine) {
            f.rebuilt(m, reader);
        }
        let graph = &self.world.graph;
        let mut buf = std::mem::take(&mut self.list_buf);
        let followees = graph.followees_into(reader, &mut buf);
        let mut pushed = std::mem::take(&mut self.rebuild_buf);
        pushed.clear();
        pushed.extend(
            followees
                .iter()
                .copied()
                .filter(|&f| self.strategy.pushes(graph, f)),
        );
        self.list_buf = buf;
        self.fetch_by_shard(now, read, &pushed);
        self.rebuild_buf = pushed;
        self.settle_part(read);
    }

    /// Every part of a read has settled: count it and free it.
    fn finish_read(&mut self, read: u32) {
        let merge = self.scenario.cluster.merge_per_item;
        let c = self.clients();
        c.free_reads.push(read);
        let r = c.reads[read as usize].clone();
        let merge = SimDuration::from_nanos(merge.as_nanos().saturating_mul(r.merge_items));
        let done = r.done + merge;
        let outcome = if r.timeline_failed || (r.answered == 0 && r.failed > 0) {
            ReadOutcome::Failed
        } else if r.failed > 0 {
            ReadOutcome::Degraded
        } else {
            ReadOutcome::Full
        };
        let latency = (outcome == ReadOutcome::Full).then(|| done - r.issued);
        if let Some(s) = self.series.as_mut() {
            s.read_settled(latency);
            outcome.count(&mut s.resilience);
        }
        if r.in_window {
            outcome.count(&mut self.report.resilience);
            if r.dropped {
                self.report.dropped_reads += 1;
            }
            if let Some(l) = latency {
                self.report.read_latency.record(l);
            }
        }
        if let Some(machine) = r.rebuild.filter(|_| outcome != ReadOutcome::Failed) {
            let items = r
                .merge_items
                .min(u64::from(self.scenario.cluster.timeline_cache.max_entries));
            self.schedule(
                done,
                super::Event::WriteBack {
                    station: machine,
                    items: items as u32,
                },
            );
        }
    }

    /// A rebuilt timeline is written back to its cache machine.
    pub(super) fn write_back(&mut self, now: SimTime, station: u32, items: u32) {
        let cfg = &self.scenario.cluster.timeline_cache.write;
        let arrival = now + self.one_way();
        if self
            .faults
            .as_ref()
            .is_some_and(|f| f.down(FaultTarget::Cache, station, arrival))
        {
            return;
        }
        let service = super::sample(cfg, u64::from(items), &mut self.cache.rng);
        let _ = self.cache.stations[station as usize].submit(arrival, service);
    }
}

#[cfg(test)]
mod tests {
    use crate::metrics::Report;
    use crate::model::config::*;
    use crate::model::sim::tests::small;
    use crate::model::sim::{SimOptions, World, simulate};
    use crate::sim::time::SimDuration;

    fn run(s: &Scenario, world: &World, kind: StrategyKind) -> Report {
        simulate(s, world, kind, &SimOptions::default(), &mut |_, _| {})
    }

    fn secs(n: u64) -> SimDuration {
        SimDuration::from_secs(n)
    }

    /// A fault that lasts the whole of a test run.
    fn whole_run(kind: FaultKind) -> Fault {
        Fault {
            at: SimDuration::ZERO,
            duration: secs(100),
            kind,
        }
    }

    fn quantiles(r: &Report) -> Vec<f64> {
        [0.5, 0.9, 0.99, 0.999, 1.0]
            .iter()
            .map(|&q| r.read_latency.quantile_ms(q))
            .collect()
    }

    #[test]
    fn a_policy_that_never_fires_changes_no_read() {
        let plain = small(5_000, 200.0, 2_000.0);
        let world = World::build(&plain).unwrap();
        let mut idle = plain.clone();
        idle.policy.store.timeout = Some(secs(3600));
        idle.policy.cache.timeout = Some(secs(3600));
        idle.policy.cache.failover = true;
        assert!(idle.has_resilience());
        for kind in StrategyKind::ALL {
            let (a, b) = (run(&plain, &world, kind), run(&idle, &world, kind));
            assert_eq!(quantiles(&a), quantiles(&b), "{kind:?}");
            assert_eq!(a.reads, b.reads);
            assert_eq!(a.store_reads, b.store_reads);
            assert_eq!(a.resilience.full_reads, b.resilience.full_reads);
            assert_eq!(b.resilience.full_reads, b.reads);
            assert!(!a.resilience_configured && b.resilience_configured);
        }
    }

    #[test]
    fn a_slow_shard_makes_timeouts_and_retries_and_degraded_pulls() {
        let mut s = small(5_000, 200.0, 2_000.0);
        s.faults = vec![whole_run(FaultKind::Slow {
            target: FaultTarget::Store,
            index: Some(0),
            factor: 1.0,
            delay: SimDuration::from_millis(50),
            probability: 1.0,
        })];
        s.policy.store.timeout = Some(SimDuration::from_millis(10));
        s.policy.store.retries = 2;
        let world = World::build(&s).unwrap();
        let r = run(&s, &world, StrategyKind::FanoutOnRead);
        let res = r.resilience;
        assert!(res.timeouts > 0 && res.retries > 0, "{res:?}");
        // Every attempt at shard 0 times out: two retries, then degraded.
        assert_eq!(
            res.timeouts,
            res.retries + res.degraded_reads + res.failed_reads
        );
        assert!(res.degraded_reads > 0);
        assert_eq!(
            res.full_reads + res.degraded_reads + res.failed_reads,
            r.reads
        );
        // Reads that avoid shard 0 are fast.
        assert!(r.read_latency.quantile_ms(0.5) < 10.0);
        let w = run(&s, &world, StrategyKind::FanoutOnWrite);
        assert_eq!(w.resilience.timeouts, 0, "fan-out-on-write reads no store");
    }

    #[test]
    fn a_retry_budget_bounds_retries() {
        let mut s = small(5_000, 200.0, 2_000.0);
        s.faults = vec![whole_run(FaultKind::Crash {
            target: FaultTarget::Store,
            index: 1,
            lose_data: false,
        })];
        s.policy.store.retries = 3;
        s.policy.store.backoff = SimDuration::from_millis(1);
        let world = World::build(&s).unwrap();
        let unbounded = run(&s, &world, StrategyKind::FanoutOnRead).resilience;
        // A budget of 0.2% of first attempts: about 60k calls in the run.
        s.policy.store.retry_budget = Some(0.002);
        let bounded = run(&s, &world, StrategyKind::FanoutOnRead).resilience;
        assert!(unbounded.retries > 0);
        assert!(
            bounded.retries * 3 < unbounded.retries,
            "{} vs {}",
            bounded.retries,
            unbounded.retries
        );
    }

    #[test]
    fn a_crashed_replica_fails_reads_unless_they_fail_over_and_its_lost_timelines_are_rebuilt() {
        let mut s = small(5_000, 200.0, 4_000.0);
        s.faults = vec![Fault {
            at: secs(2),
            duration: secs(1),
            kind: FaultKind::Crash {
                target: FaultTarget::Cache,
                index: 0,
                lose_data: true,
            },
        }];
        let world = World::build(&s).unwrap();
        let without = run(&s, &world, StrategyKind::FanoutOnWrite);
        s.policy.cache.failover = true;
        let with = run(&s, &world, StrategyKind::FanoutOnWrite);
        assert!(without.resilience.failed_reads > 0);
        assert_eq!(with.resilience.failed_reads, 0);
        assert!(with.resilience.retries > 0, "failovers count as retries");
        for r in [&without, &with] {
            assert!(r.resilience.rebuilds > 0);
            // Rebuilds read the store, which fan-out-on-write never does otherwise.
            assert!(r.store_reads > 0);
        }
        // Fan-out-on-read keeps no timelines: nothing to lose.
        let read = run(&s, &world, StrategyKind::FanoutOnRead);
        assert_eq!(read.resilience.rebuilds, 0);
        assert_eq!(read.resilience.failed_reads, 0);
    }

    #[test]
    fn hedging_cuts_the_tail_of_a_slow_one_percent() {
        let mut s = small(5_000, 100.0, 2_000.0);
        s.faults = vec![whole_run(FaultKind::Slow {
            target: FaultTarget::Store,
            index: None,
            factor: 1.0,
            delay: SimDuration::from_millis(20),
            probability: 0.01,
        })];
        let world = World::build(&s).unwrap();
        let before = run(&s, &world, StrategyKind::FanoutOnRead);
        s.policy.store.hedge = Some(Hedge::Quantile(0.95));
        let after = run(&s, &world, StrategyKind::FanoutOnRead);
        let p99 = |r: &Report| r.read_latency.quantile_ms(0.99);
        assert!(p99(&before) > 20.0, "{}", p99(&before));
        assert!(
            p99(&after) < p99(&before) / 2.0,
            "{} -> {}",
            p99(&before),
            p99(&after)
        );
        let hedged = after.resilience.hedges as f64 / after.store_reads as f64;
        assert!(hedged > 0.0 && hedged < 0.15, "{hedged}");
    }

    #[test]
    fn a_worker_crash_duplicates_entries_unless_inserts_carry_a_key() {
        let mut s = small(5_000, 400.0, 100.0);
        s.cluster.fanout_workers.workers = 2;
        // Slow workers, so jobs are running when the crash comes.
        s.cluster.fanout_workers.service.per_item = SimDuration::from_micros(800);
        s.faults = (2..6)
            .map(|t| Fault {
                at: secs(t),
                duration: SimDuration::from_millis(200),
                kind: FaultKind::CrashWorkers {
                    workers: 2,
                    lose_data: false,
                },
            })
            .collect();
        s.cluster.fanout_workers.idempotency_key = false;
        let world = World::build(&s).unwrap();
        let dup = run(&s, &world, StrategyKind::FanoutOnWrite);
        s.cluster.fanout_workers.idempotency_key = true;
        let keyed = run(&s, &world, StrategyKind::FanoutOnWrite);
        assert!(dup.resilience.duplicates > 0);
        assert_eq!(keyed.resilience.duplicates, 0);
        // Retried, not lost: every pushed post is delivered.
        assert_eq!(dup.delivery_latency.count(), dup.posts);
        assert_eq!(dup.dropped_fanouts, 0);
        for f in &mut s.faults {
            f.kind = FaultKind::CrashWorkers {
                workers: 2,
                lose_data: true,
            };
        }
        let lost = run(&s, &world, StrategyKind::FanoutOnWrite);
        assert!(lost.dropped_fanouts > 0);
        assert_eq!(lost.resilience.duplicates, 0);
        assert_eq!(
            lost.delivery_latency.count() + lost.dropped_fanouts,
            lost.posts
        );
    }

    #[test]
    fn a_network_fault_delays_answers_and_loses_messages() {
        let mut s = small(5_000, 200.0, 2_000.0);
        let world = World::build(&s).unwrap();
        let base = run(&s, &world, StrategyKind::FanoutOnWrite);
        s.faults = vec![whole_run(FaultKind::Network {
            delay: SimDuration::from_millis(5),
            drop: 0.0,
        })];
        let slow = run(&s, &world, StrategyKind::FanoutOnWrite);
        // Both hops of the one cache round trip: 10 ms more at every percentile.
        for q in [0.5, 0.99] {
            let d = slow.read_latency.quantile_ms(q) - base.read_latency.quantile_ms(q);
            assert!((d - 10.0).abs() < 0.05, "q{q}: +{d} ms");
        }
        s.faults[0].kind = FaultKind::Network {
            delay: SimDuration::ZERO,
            drop: 0.05,
        };
        // Without a timeout a lost message is a read that never answers.
        let lossy = run(&s, &world, StrategyKind::FanoutOnWrite).resilience;
        let lost = lossy.failed_reads as f64 / (lossy.full_reads + lossy.failed_reads) as f64;
        // Request or answer lost: 1 - 0.95^2 = 9.75%.
        assert!((lost - 0.0975).abs() < 0.01, "{lost}");
        // A timeout and a retry on another replica bring most back.
        s.policy.cache.timeout = Some(SimDuration::from_millis(20));
        s.policy.cache.failover = true;
        let kept = run(&s, &world, StrategyKind::FanoutOnWrite).resilience;
        assert!(kept.timeouts > 0);
        // All three replicas lost: about 0.0975^3 = 0.09%.
        assert!(kept.failed_reads * 50 < lossy.failed_reads, "{kept:?}");
    }

    #[test]
    fn a_fixed_hedge_fires_after_its_delay_only() {
        let mut s = small(5_000, 100.0, 2_000.0);
        s.policy.cache.hedge = Some(Hedge::After(SimDuration::from_millis(50)));
        let world = World::build(&s).unwrap();
        let r = run(&s, &world, StrategyKind::FanoutOnWrite);
        assert_eq!(r.resilience.hedges, 0, "nothing takes 50 ms");
        s.policy.cache.hedge = Some(Hedge::After(SimDuration::from_micros(1)));
        let r = run(&s, &world, StrategyKind::FanoutOnWrite);
        // Every read is still unanswered after 1 us: one hedge each.
        assert_eq!(r.resilience.hedges, r.reads);
    }

    #[test]
    fn a_breaker_stops_sending_to_a_failing_shard() {
        let mut s = small(5_000, 200.0, 2_000.0);
        s.faults = vec![whole_run(FaultKind::Slow {
            target: FaultTarget::Store,
            index: Some(2),
            factor: 1.0,
            delay: SimDuration::from_millis(100),
            probability: 1.0,
        })];
        s.policy.store.timeout = Some(SimDuration::from_millis(10));
        let world = World::build(&s).unwrap();
        let open = run(&s, &world, StrategyKind::FanoutOnRead);
        s.policy.store.breaker = Some(Breaker {
            failures: 5,
            open_for: secs(1),
        });
        let guarded = run(&s, &world, StrategyKind::FanoutOnRead);
        // The same reads lose their shard-2 part either way...
        assert_eq!(
            open.resilience.degraded_reads,
            guarded.resilience.degraded_reads
        );
        // ...but with the breaker open they fail at once instead of waiting
        // out a timeout: a probe per second, and a few in flight.
        assert!(
            guarded.resilience.timeouts * 20 < open.resilience.timeouts,
            "{} vs {}",
            guarded.resilience.timeouts,
            open.resilience.timeouts
        );
    }

    #[test]
    fn a_pull_that_times_out_under_hybrid_is_a_degraded_read() {
        let mut s = small(5_000, 200.0, 2_000.0);
        let world = World::build(&s).unwrap();
        // The shard of the most followed account, whom hybrid pulls.
        let shard = world.graph.by_rank(1).unwrap() % s.cluster.tweet_store.tier.shards;
        s.faults = vec![whole_run(FaultKind::Slow {
            target: FaultTarget::Store,
            index: Some(shard),
            factor: 1.0,
            delay: SimDuration::from_millis(100),
            probability: 1.0,
        })];
        s.policy.store.timeout = Some(SimDuration::from_millis(10));
        let r = run(&s, &world, StrategyKind::Hybrid).resilience;
        // The cached timeline answers; the celebrities on that shard are missing.
        assert!(r.degraded_reads > 0, "{r:?}");
        assert_eq!(r.failed_reads, 0);
        assert_eq!(r.timeouts, r.degraded_reads, "one timed-out pull each");
        assert!(r.full_reads > 0);
    }

    #[test]
    fn a_request_that_never_answers_counts_against_the_breaker() {
        use super::{Answer, TierClient};
        let policy = ClientPolicy {
            breaker: Some(Breaker {
                failures: 1,
                open_for: SimDuration::from_millis(10),
            }),
            ..ClientPolicy::default()
        };
        let mut tc = TierClient::new(&policy, 2, crate::sim::rng::stream(1, "t"));
        let t0 = crate::sim::time::SimTime::ZERO + secs(1);
        let ms = SimDuration::from_millis;
        assert!(tc.allows(0, t0));
        tc.learn(0, t0, Answer::Hang);
        assert!(tc.allows(0, t0 + ms(9)), "not known to have failed yet");
        assert!(!tc.allows(0, t0 + ms(10)), "given up on: the breaker opens");
        assert!(tc.allows(1, t0 + ms(10)), "per station");
        // Half-open 10 ms later: one probe; if it is lost too, the breaker
        // opens again rather than waiting for it for ever.
        assert!(tc.allows(0, t0 + ms(20)));
        tc.learn(0, t0 + ms(20), Answer::Hang);
        assert!(!tc.allows(0, t0 + ms(25)));
        assert!(!tc.allows(0, t0 + ms(35)));
        assert!(tc.allows(0, t0 + ms(40)));
    }
}
