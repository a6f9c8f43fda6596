//! Validation: from the raw TOML table to the model's `Scenario`.
//!
//! First every key is checked against the table of keys (unknown keys and
//! misplaced values), then each value in the order of `Scenario`'s fields.
//! The first problem is reported; nothing here panics on any input.

use super::keys::Domain;
use super::path::{self, render};
use super::{RawScenario, keys};
use crate::error::{FanoutError, Result};
use crate::model::config::{
    AccountRef, CacheConfig, ClusterConfig, CrossDc, FeedingFrenzyConfig, FollowerConfig,
    GraphMode, NetworkConfig, PopulationConfig, RateProfile, Residency, Scenario, ScheduledEvent,
    ServiceConfig, StoreConfig, StrategyConfig, StrategyKind, TailsConfig, TierConfig, TierTails,
    WorkerConfig, WorkloadConfig,
};
use crate::model::graph;
use crate::sim::dist::{ServiceDist, Shape};
use crate::sim::time::SimDuration;
use std::fmt::Display;
use toml::{Table, Value};

mod cost;
mod graph_file;
mod limits;
mod resilience;

/// Default cap of follower counts when users allow more (DDIA: over 30M).
const DEFAULT_MAX_FOLLOWERS: u32 = 30_000_000;
/// Longest `name`, in characters.
const MAX_NAME: usize = 100;

pub(crate) fn resolve(raw: &RawScenario) -> Result<Scenario> {
    let r = Reader { raw };
    r.walk(&raw.table, "", "")?;
    let name = r.name()?;
    if let Some(v) = r.given("description")
        && !v.is_str()
    {
        return Err(r.must("description", v));
    }
    let seed = r.seed()?;
    let duration = r.duration("duration")?;
    let warmup = r.duration("warmup")?;
    let end = match warmup.checked_add(duration) {
        Some(end) if end <= keys::MAX_SPAN => end,
        _ => {
            let v = r.value("duration")?.unwrap_or(Value::Integer(0));
            return Err(r.bad(
                "duration",
                &v,
                format!(
                    "warmup + duration must be at most 8760h (a simulated year); warmup is {warmup}"
                ),
            ));
        }
    };
    let strategies = r.strategies()?;
    let population = r.population()?;
    let ids = population.file.as_ref().map(|f| &*f.ids);
    let workload = r.workload((population.users, ids), end)?;
    let cluster = r.cluster()?;
    let strategy = StrategyConfig {
        celebrity_threshold: r.uint("strategy.hybrid.celebrity_threshold")? as u32,
        feeding_frenzy: FeedingFrenzyConfig {
            push_cost: r.optional("strategy.feeding_frenzy.push_cost", |k| r.duration(k))?,
            pull_cost: r.optional("strategy.feeding_frenzy.pull_cost", |k| r.duration(k))?,
        },
    };
    let faults = r.faults(&cluster, end)?;
    let policy = r.policies()?;
    let cost = r.cost()?;
    let scenario = Scenario {
        name,
        seed,
        duration,
        warmup,
        strategies,
        population,
        workload,
        cluster,
        strategy,
        faults,
        policy,
        cost,
    };
    r.time_limits(&scenario)?;
    Ok(scenario)
}

/// A float from an integer or a float.
fn as_f64(v: &Value) -> Option<f64> {
    match v {
        Value::Integer(i) => Some(*i as f64),
        Value::Float(f) => Some(*f),
        _ => None,
    }
}

/// An integer from an integer or a float with an integral value (exact
/// below 2^53).
fn as_int(v: &Value) -> Option<i128> {
    const EXACT: f64 = 9_007_199_254_740_992.0;
    match v {
        Value::Integer(i) => Some(i128::from(*i)),
        Value::Float(f) if f.is_finite() && f.fract() == 0.0 && f.abs() <= EXACT => {
            Some(*f as i128)
        }
        _ => None,
    }
}

struct Reader<'a> {
    raw: &'a RawScenario,
}

impl Reader<'_> {
    // ----- messages -------------------------------------------------------

    /// `SOURCE: msg`, marked when `path` came from `--set`.
    fn fail(&self, path: &str, msg: impl Display) -> FanoutError {
        let mut m = format!("{}: {msg}", self.raw.source);
        if self.raw.set_by_flag(path) {
            m.push_str(" (from --set)");
        }
        FanoutError::Input(path::one_line(&m))
    }

    /// `SOURCE: path = value: what`.
    fn bad(&self, path: &str, v: &Value, what: impl Display) -> FanoutError {
        self.fail(path, format!("{path} = {}: {what}", render(v)))
    }

    /// `SOURCE: path = value: must be <allowed>`.
    pub(super) fn must(&self, path: &str, v: &Value) -> FanoutError {
        self.bad(path, v, format!("must be {}", allowed(path)))
    }

    // ----- lookups --------------------------------------------------------

    /// The value written in the file or by `--set`.
    fn given(&self, path: &str) -> Option<&Value> {
        path::lookup(&self.raw.table, path)
    }

    /// The given value, else the literal default; `None` when the key has
    /// no literal default and is absent.
    fn value(&self, path: &str) -> Result<Option<Value>> {
        if let Some(v) = self.given(path) {
            return Ok(Some(v.clone()));
        }
        let doc = definition(path)?;
        if doc.computed_default() {
            return Ok(None);
        }
        doc.default.parse::<Value>().map(Some).map_err(|_| {
            FanoutError::failure(format!(
                "internal: the default of {} ({}) is not TOML",
                doc.key, doc.default
            ))
        })
    }

    /// The value, given or default; a missing required key is an error.
    fn required(&self, path: &str) -> Result<Value> {
        self.value(path)?.ok_or_else(|| {
            self.fail(
                path,
                format!("{path} is missing: it must be given, as {}", allowed(path)),
            )
        })
    }

    // ----- typed values ---------------------------------------------------

    /// A float within the bounds of the key's definition.
    fn float(&self, path: &str) -> Result<f64> {
        let domain = definition(path)?.domain;
        let v = self.required(path)?;
        match as_f64(&v) {
            Some(x) if domain.float_ok(x) => Ok(x),
            _ => Err(self.must(path, &v)),
        }
    }

    /// An integer within the range of the key's definition.
    fn uint(&self, path: &str) -> Result<u64> {
        let (lo, hi) = definition(path)?
            .domain
            .int_range()
            .ok_or_else(|| FanoutError::failure(format!("internal: {path} is no integer")))?;
        let v = self.required(path)?;
        self.uint_of(path, &v, lo, hi, &allowed(path))
    }

    fn uint_of(&self, path: &str, v: &Value, lo: u64, hi: u64, what: &str) -> Result<u64> {
        match as_int(v) {
            Some(x) if x >= i128::from(lo) && x <= i128::from(hi) => Ok(x as u64),
            _ => Err(self.bad(path, v, format!("must be {what}"))),
        }
    }

    /// A duration within the bounds of the key's definition.
    fn duration(&self, path: &str) -> Result<SimDuration> {
        let domain = definition(path)?.domain;
        let v = self.required(path)?;
        match &v {
            Value::String(s) => match SimDuration::parse(s) {
                Ok(d) if domain.duration_ok(d) => Ok(d),
                Ok(_) => Err(self.must(path, &v)),
                Err(e) => Err(self.bad(path, &v, e)),
            },
            _ => Err(self.bad(
                path,
                &v,
                format!(
                    "must be {} (a duration is a quoted string with a unit)",
                    allowed(path)
                ),
            )),
        }
    }

    /// `true` or `false`.
    fn boolean(&self, path: &str) -> Result<bool> {
        let v = self.required(path)?;
        v.as_bool().ok_or_else(|| self.must(path, &v))
    }

    /// `read(path)` when the key is given; `None` when it is absent (a key
    /// whose absence means "none", such as a timeout).
    fn optional<T>(&self, path: &str, read: impl Fn(&str) -> Result<T>) -> Result<Option<T>> {
        self.given(path).map(|_| read(path)).transpose()
    }

    /// One of the options of the key's definition, returned as its index.
    fn choice(&self, path: &str) -> Result<usize> {
        let Domain::Choice(options) = definition(path)?.domain else {
            return Err(FanoutError::failure(format!(
                "internal: {path} is no choice"
            )));
        };
        let v = self.required(path)?;
        v.as_str()
            .and_then(|s| options.iter().position(|o| *o == s))
            .ok_or_else(|| self.must(path, &v))
    }

    /// Refuses `path` when given: it only applies in another case.
    fn only_with(&self, path: &str, condition: &str) -> Result<()> {
        match self.given(path) {
            Some(v) => Err(self.bad(path, v, format!("only used with {condition}"))),
            None => Ok(()),
        }
    }

    // ----- key check ------------------------------------------------------

    /// Refuses unknown keys, and values where a table belongs.
    fn walk(&self, t: &Table, actual: &str, norm: &str) -> Result<()> {
        for (k, v) in t {
            let shown = path::join(actual, &path::render_key(k));
            let nk = path::join(norm, k);
            if keys::array(&nk).is_some() {
                self.walk_array(v, &shown, &nk)?;
            } else if keys::find(&nk).is_some() && !(v.is_table() && keys::is_section(&nk)) {
                // A value; its type is checked when it is read (a key that
                // is also a table, population.graph, is walked when it is
                // given as one).
            } else if keys::is_section(&nk) {
                let Value::Table(st) = v else {
                    return Err(self.bad(
                        &shown,
                        v,
                        format!(
                            "must be a table with keys {} (a [{nk}] section or an inline {{ ... }})",
                            keys::children(&nk).join(", ")
                        ),
                    ));
                };
                self.walk(st, &shown, &nk)?;
            } else {
                return Err(self.fail(&shown, path::unknown_key(&shown, actual, norm, k)));
            }
        }
        Ok(())
    }

    /// Checks each entry of an array of tables (`workload.events`, `faults`)
    /// against the keys of its entries.
    fn walk_array(&self, v: &Value, shown: &str, norm: &str) -> Result<()> {
        let Value::Array(items) = v else {
            return Err(self.must(shown, v));
        };
        let inner = format!("{norm}[]");
        for (i, item) in items.iter().enumerate() {
            let at = format!("{shown}[{i}]");
            let Value::Table(t) = item else {
                return Err(self.bad(
                    &at,
                    item,
                    format!(
                        "must be a table with keys {}",
                        keys::children(&inner).join(", ")
                    ),
                ));
            };
            self.walk(t, &at, &inner)?;
        }
        Ok(())
    }

    /// Resolves each entry of an array of tables with `entry(index, path)`,
    /// where `path` is the entry's key path (`faults[1]`).
    fn entries<T>(
        &self,
        array: &keys::ArrayKey,
        entry: impl Fn(usize, &str) -> Result<T>,
    ) -> Result<Vec<T>> {
        let count = match self.given(array.key) {
            None => 0,
            Some(Value::Array(a)) => a.len(),
            Some(v) => return Err(self.must(array.key, v)),
        };
        (0..count)
            .map(|i| entry(i, &format!("{}[{i}]", array.key)))
            .collect()
    }

    /// A start time (`at`) from the start of the run, before its `end`.
    fn start(&self, path: &str, end: SimDuration) -> Result<SimDuration> {
        let at = self.duration(path)?;
        if at >= end {
            let v = self.required(path)?;
            return Err(self.bad(
                path,
                &v,
                format!("must be before the end of the run, warmup + duration = {end}"),
            ));
        }
        Ok(at)
    }

    // ----- top level ------------------------------------------------------

    fn name(&self) -> Result<String> {
        if let Some(v) = self.given("name") {
            return match v.as_str() {
                Some(s)
                    if !s.trim().is_empty()
                        && s.chars().count() <= MAX_NAME
                        && !s.chars().any(char::is_control) =>
                {
                    Ok(s.to_string())
                }
                _ => Err(self.must("name", v)),
            };
        }
        let stem = std::path::Path::new(&self.raw.source)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let stem: String = stem
            .chars()
            .filter(|c| !c.is_control())
            .take(MAX_NAME)
            .collect();
        Ok(if stem.trim().is_empty() {
            "scenario".to_string()
        } else {
            stem
        })
    }

    fn seed(&self) -> Result<u64> {
        let v = self.required("seed")?;
        let seed = match &v {
            Value::String(s) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => {
                s.parse::<u64>().ok()
            }
            _ => as_int(&v).and_then(|x| u64::try_from(x).ok()),
        };
        seed.ok_or_else(|| self.must("seed", &v))
    }

    fn strategies(&self) -> Result<Vec<StrategyKind>> {
        let key = "strategies";
        let v = self.required(key)?;
        let items: Vec<(String, Value)> = match &v {
            Value::Array(a) => a
                .iter()
                .enumerate()
                .map(|(i, x)| (format!("{key}[{i}]"), x.clone()))
                .collect(),
            // A comma-separated string, so `--set strategies=read,write` works.
            Value::String(s) => s
                .split(',')
                .enumerate()
                .map(|(i, x)| (format!("{key}[{i}]"), Value::String(x.trim().to_string())))
                .collect(),
            _ => return Err(self.must(key, &v)),
        };
        if items.is_empty() {
            return Err(self.must(key, &v));
        }
        let mut out = Vec::new();
        for (at, item) in &items {
            let kind = item
                .as_str()
                .and_then(StrategyKind::parse)
                .ok_or_else(|| self.bad(at, item, format!("must be {}", allowed(key))))?;
            if out.contains(&kind) {
                return Err(self.bad(
                    key,
                    &v,
                    format!(
                        "lists {} twice ({at} repeats it; each strategy is simulated once, so remove the repeat); must be {}",
                        kind.name(),
                        allowed(key)
                    ),
                ));
            }
            out.push(kind);
        }
        Ok(out)
    }

    // ----- population -----------------------------------------------------

    fn population(&self) -> Result<PopulationConfig> {
        if let Some(Value::Table(_)) = self.given("population.graph") {
            return self.file_population();
        }
        let users = self.uint("population.users")? as u32;
        let followee_exponent = self.float("population.followee_exponent")?;
        let reader_activity_exponent = self.float("population.reader_activity_exponent")?;
        let followers = self.followers(users)?;
        let (author_activity_exponent, fanout_per_tweet) =
            self.author_activity(users, &followers)?;
        let followee_max = self.followee_max(users, &followers)?;
        let graph = match self.choice("population.graph")? {
            0 => GraphMode::Stored,
            _ => GraphMode::Sampled,
        };
        Ok(PopulationConfig {
            users,
            graph,
            file: None,
            followers,
            followee_exponent,
            author_activity_exponent,
            reader_activity_exponent,
            fanout_per_tweet,
            followee_max,
        })
    }

    /// The author-activity exponent as given, or solved for
    /// `population.fanout_per_tweet` (and that target).
    fn author_activity(
        &self,
        users: u32,
        followers: &FollowerConfig,
    ) -> Result<(f64, Option<f64>)> {
        const X: &str = "population.author_activity_exponent";
        const TARGET: &str = "population.fanout_per_tweet";
        let Some(v) = self.given(TARGET) else {
            return Ok((self.float(X)?, None));
        };
        if let Some(x) = self.given(X) {
            return Err(self.fail(
                "population",
                format!(
                    "{X} = {} and {TARGET} = {}: give one or the other, not both (the exponent is solved from the target)",
                    render(x),
                    render(v)
                ),
            ));
        }
        let target = self.float(TARGET)?;
        let (s, max) = (followers.exponent, followers.max);
        let x = graph::solve_activity_exponent(target, s, max, users).map_err(|e| {
            self.bad(
                TARGET,
                v,
                format!(
                    "{e} (with population.followers.max = {max} and population.users = {users})"
                ),
            )
        })?;
        Ok((x, Some(target)))
    }

    /// `population.followees.max`, refused at or below the mean follower
    /// count: the follows must fit under the cap.
    fn followee_max(&self, users: u32, followers: &FollowerConfig) -> Result<Option<u32>> {
        const CAP: &str = "population.followees.max";
        let Some(v) = self.given(CAP) else {
            return Ok(None);
        };
        let cap = self.uint(CAP)? as u32;
        let mean = graph::zipf_mean(followers.exponent, followers.max, users);
        if f64::from(cap) <= mean {
            return Err(self.bad(
                CAP,
                v,
                format!(
                    "must be above the mean follower count {mean:.2} (every follow needs a follower under the cap)"
                ),
            ));
        }
        Ok(Some(cap))
    }

    fn followers(&self, users: u32) -> Result<FollowerConfig> {
        const EXP: &str = "population.followers.exponent";
        const MEAN: &str = "population.followers.mean";
        const MAX: &str = "population.followers.max";
        let top = users - 1;
        let max = match self.given(MAX) {
            Some(v) => {
                let what = format!("an integer from 0 to population.users - 1 = {top}");
                let m = self.uint_of(MAX, v, 0, u32::MAX.into(), &what)? as u32;
                if m > top {
                    return Err(self.bad(
                        MAX,
                        v,
                        format!("must be at most population.users - 1 = {top}"),
                    ));
                }
                m
            }
            None => top.min(DEFAULT_MAX_FOLLOWERS),
        };
        match (self.given(EXP), self.given(MEAN)) {
            (Some(e), Some(m)) => Err(self.fail(
                "population.followers",
                format!(
                    "{EXP} = {} and {MEAN} = {}: give one or the other, not both (the exponent is solved from the mean)",
                    render(e),
                    render(m)
                ),
            )),
            (Some(_), None) => Ok(FollowerConfig {
                exponent: self.float(EXP)?,
                mean: None,
                max,
            }),
            (None, None) if max == 0 => Ok(FollowerConfig {
                // Nobody can have a follower: any exponent gives all zeros.
                exponent: 1.0,
                mean: None,
                max,
            }),
            (None, given) => {
                // The mean as given, else its default (Kwak et al.'s 35),
                // lowered to half the cap for populations too small for it.
                let mut mean = self.float(MEAN)?;
                if given.is_none() {
                    mean = mean.min(f64::from(max) / 2.0);
                }
                let m = given.cloned().unwrap_or(Value::Float(mean));
                let exponent = graph::solve_exponent(mean, max, users).map_err(|e| {
                    self.bad(
                        MEAN,
                        &m,
                        format!(
                            "{} (with population.followers.max = {max} and population.users = {users})",
                            e.trim_end_matches('.')
                        ),
                    )
                })?;
                Ok(FollowerConfig {
                    exponent,
                    mean: Some(mean),
                    max,
                })
            }
        }
    }

    // ----- workload -------------------------------------------------------

    fn workload(
        &self,
        (users, ids): (u32, Option<&graph::IdMap>),
        end: SimDuration,
    ) -> Result<WorkloadConfig> {
        let tweets_per_sec = self.float("workload.tweets_per_sec")?;
        let reads_per_sec = self.float("workload.reads_per_sec")?;
        let profile = match self.choice("workload.profile")? {
            0 => {
                let cond = "workload.profile = \"diurnal\" (the profile is \"constant\")";
                self.only_with("workload.diurnal_period", cond)?;
                self.only_with("workload.peak_factor", cond)?;
                RateProfile::Constant
            }
            _ => RateProfile::Diurnal {
                period: self.duration("workload.diurnal_period")?,
                peak_factor: self.float("workload.peak_factor")?,
            },
        };
        let events = self.entries(&keys::EVENTS, |_, base| self.event(base, (users, ids), end))?;
        Ok(WorkloadConfig {
            tweets_per_sec,
            reads_per_sec,
            profile,
            events,
        })
    }

    fn event(
        &self,
        base: &str,
        (users, ids): (u32, Option<&graph::IdMap>),
        end: SimDuration,
    ) -> Result<ScheduledEvent> {
        let key = |k: &str| format!("{base}.{k}");
        let kind = self.choice(&key("kind"))?;
        let at = self.start(&key("at"), end)?;
        if kind == 0 {
            let cond = format!("{base}.kind = \"burst\"");
            self.only_with(&key("duration"), &cond)?;
            self.only_with(&key("factor"), &cond)?;
            let (rank_key, id_key) = (key("rank"), key("id"));
            let account = match (self.given(&rank_key), self.given(&id_key)) {
                (Some(r), Some(d)) => {
                    return Err(self.fail(
                        base,
                        format!(
                            "{rank_key} = {} and {id_key} = {}: give rank or id, not both",
                            render(r),
                            render(d)
                        ),
                    ));
                }
                (Some(r), None) => {
                    let what = format!("an integer from 1 to population.users = {users}");
                    AccountRef::Rank(self.uint_of(&rank_key, r, 1, users.into(), &what)? as u32)
                }
                (None, Some(d)) if ids.is_some() => self.original_id(&id_key, d, ids)?,
                (None, Some(d)) => {
                    let top = users - 1;
                    let what = format!("an integer from 0 to population.users - 1 = {top}");
                    AccountRef::Id(self.uint_of(&id_key, d, 0, top.into(), &what)? as u32)
                }
                (None, None) => {
                    return Err(self.fail(
                        base,
                        format!(
                            "{base}: a tweet event needs rank (1 = the account with the most followers) or id (a user id)"
                        ),
                    ));
                }
            };
            Ok(ScheduledEvent::Tweet { at, account })
        } else {
            let cond = format!("{base}.kind = \"tweet\"");
            self.only_with(&key("rank"), &cond)?;
            self.only_with(&key("id"), &cond)?;
            let duration = self.duration(&key("duration"))?;
            let factor = self.float(&key("factor"))?;
            Ok(ScheduledEvent::Burst {
                at,
                duration,
                factor,
            })
        }
    }

    // ----- cluster --------------------------------------------------------

    fn cluster(&self) -> Result<ClusterConfig> {
        let network = NetworkConfig {
            one_way: self.duration("cluster.network.one_way")?,
            jitter: self.jitter("cluster.network.jitter")?,
        };
        let tweet_store = StoreConfig {
            tier: self.tier("cluster.tweet_store")?,
            write: self.service("cluster.tweet_store.write")?,
            read: self.service("cluster.tweet_store.read")?,
        };
        let cache_tier = self.tier("cluster.timeline_cache")?;
        let replicas = self.uint("cluster.timeline_cache.replicas")? as u32;
        let slots = u64::from(cache_tier.shards) * u64::from(replicas);
        const MACHINES: &str = "cluster.timeline_cache.machines";
        let machines = match self.given(MACHINES) {
            None => slots as u32,
            Some(v) => {
                let m = self.uint_of(
                    MACHINES,
                    v,
                    1,
                    slots,
                    &format!("an integer from 1 to shards x replicas = {slots}"),
                )? as u32;
                if m < replicas {
                    return Err(self.fail(
                        MACHINES,
                        format!(
                            "cluster.timeline_cache.replicas = {replicas} is more than {MACHINES} = {m}: \
                             the copies of a timeline would share a machine; use at most {m} replicas \
                             or at least {replicas} machines"
                        ),
                    ));
                }
                m
            }
        };
        let timeline_cache = CacheConfig {
            tier: cache_tier,
            replicas,
            machines,
            max_entries: self.uint("cluster.timeline_cache.max_entries")? as u32,
            write_chunk: self.uint("cluster.timeline_cache.write_chunk")? as u32,
            read: self.service("cluster.timeline_cache.read")?,
            write: self.service("cluster.timeline_cache.write")?,
            residency: Residency {
                active_window: self
                    .optional("cluster.timeline_cache.active_window", |p| self.duration(p))?,
                capacity: self.queue_limit("cluster.timeline_cache.capacity")?,
                bytes_per_entry: self.uint("cluster.timeline_cache.bytes_per_entry")? as u32,
            },
        };
        let fanout_workers = WorkerConfig {
            workers: self.uint("cluster.fanout_workers.workers")? as u32,
            batch: self.uint("cluster.fanout_workers.batch")? as u32,
            service: self.service("cluster.fanout_workers.service")?,
            queue_limit: self.queue_limit("cluster.fanout_workers.queue_limit")?,
            retry_after: self.duration("cluster.fanout_workers.retry_after")?,
            idempotency_key: self.boolean("cluster.fanout_workers.idempotency_key")?,
            parallelism: self.uint("cluster.fanout_workers.parallelism")? as u32,
        };
        Ok(ClusterConfig {
            network,
            tweet_store,
            timeline_cache,
            fanout_workers,
            merge_per_item: self.duration("cluster.client.merge_per_item")?,
            tails: self.tails()?,
        })
    }

    /// The tail mechanisms of the store and the cache, the cross-datacentre
    /// hop and hydration (each off by default).
    fn tails(&self) -> Result<TailsConfig> {
        Ok(TailsConfig {
            store: self.tier_tails("cluster.tweet_store")?,
            cache: self.tier_tails("cluster.timeline_cache")?,
            cross_dc: CrossDc {
                fraction: self.float("cluster.network.cross_dc.fraction")?,
                rtt: self.delay_dist("cluster.network.cross_dc.rtt")?,
            },
            hydration_page: self.uint("cluster.hydration.page")? as u32,
        })
    }

    fn tier_tails(&self, base: &str) -> Result<TierTails> {
        Ok(TierTails {
            pause_every: self.duration(&format!("{base}.pause.every"))?,
            pause_length: self.delay_dist(&format!("{base}.pause.length"))?,
            disk_fraction: self.float(&format!("{base}.disk.fraction"))?,
            disk_latency: self.delay_dist(&format!("{base}.disk.latency"))?,
        })
    }

    /// A random delay: `mean` and the shape at `base`.
    fn delay_dist(&self, base: &str) -> Result<ServiceDist> {
        let mean = self.duration(&format!("{base}.mean"))?;
        let shape = self.shape(base)?;
        self.dist(base, mean, shape)
    }

    fn queue_limit(&self, path: &str) -> Result<Option<u32>> {
        let n = self.uint(path)? as u32;
        Ok((n > 0).then_some(n))
    }

    fn tier(&self, base: &str) -> Result<TierConfig> {
        Ok(TierConfig {
            shards: self.uint(&format!("{base}.shards"))? as u32,
            servers: self.uint(&format!("{base}.servers"))? as u32,
            queue_limit: self.queue_limit(&format!("{base}.queue_limit"))?,
        })
    }

    /// The shape of a service or jitter table: `dist`, with `cv` only for
    /// lognormal and `alpha` only for pareto.
    fn shape(&self, base: &str) -> Result<Shape> {
        use keys::DISTS;
        let dist = self.choice(&format!("{base}.dist"))?;
        let (cv_key, alpha_key) = (format!("{base}.cv"), format!("{base}.alpha"));
        let is = format!("{base}.dist is \"{}\"", DISTS[dist]);
        if dist != 2 {
            self.only_with(&cv_key, &format!("dist = \"lognormal\" ({is})"))?;
        }
        if dist != 3 {
            self.only_with(&alpha_key, &format!("dist = \"pareto\" ({is})"))?;
        }
        Ok(match dist {
            0 => Shape::Const,
            1 => Shape::Exp,
            2 => Shape::LogNormal {
                cv: self.float(&cv_key)?,
            },
            _ => Shape::Pareto {
                alpha: self.float(&alpha_key)?,
            },
        })
    }

    /// A distribution of `mean` and the shape at `base`; the dist library's
    /// own refusal is reported against `base.dist`.
    fn dist(&self, base: &str, mean: SimDuration, shape: Shape) -> Result<ServiceDist> {
        match shape {
            Shape::Const => return Ok(ServiceDist::constant(mean)),
            Shape::Exp => return Ok(ServiceDist::exp(mean)),
            Shape::LogNormal { .. } | Shape::Pareto { .. } => {}
        }
        ServiceDist::new(mean, shape).map_err(|e| {
            let key = format!("{base}.dist");
            let v = self
                .given(&key)
                .cloned()
                .unwrap_or(Value::String(String::new()));
            self.bad(&key, &v, e)
        })
    }

    fn service(&self, base: &str) -> Result<ServiceConfig> {
        let per_request = self.duration(&format!("{base}.per_request"))?;
        let per_item = self.duration(&format!("{base}.per_item"))?;
        let shape = self.shape(base)?;
        Ok(ServiceConfig {
            per_request,
            per_item,
            shape: self.dist(base, SimDuration::from_secs(1), shape)?,
        })
    }

    fn jitter(&self, base: &str) -> Result<ServiceDist> {
        let mean = self.duration(&format!("{base}.mean"))?;
        let shape = self.shape(base)?;
        if mean == SimDuration::ZERO {
            return Ok(ServiceDist::constant(SimDuration::ZERO));
        }
        self.dist(base, mean, shape)
    }
}

/// The definition of the key at `path` (indices ignored); a path the table
/// lacks is a bug of the resolver, reported without a panic.
fn definition(path: &str) -> Result<&'static keys::KeyDoc> {
    keys::find(&path::normalize(path))
        .ok_or_else(|| FanoutError::failure(format!("internal: no key {path}")))
}

/// The allowed text of the key at `path` (indices ignored).
fn allowed(path: &str) -> String {
    let norm = path::normalize(path);
    let norm = norm.strip_suffix("[]").unwrap_or(&norm);
    keys::find(norm).map_or("a valid value (see docs/scenario.md)".to_string(), |k| {
        k.allowed()
    })
}
