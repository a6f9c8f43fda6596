//! `population.graph = { file = ... }`: a follower graph loaded from an
//! edge list instead of generated.
//!
//! The file decides the users, so the keys that shape a generated graph
//! (`population.users`, `population.followers.*`,
//! `population.followee_exponent`) are refused rather than silently
//! ignored; the activity exponents still apply. Relative paths are taken
//! from the scenario file's directory, so a scenario and its graph can
//! move together. The graph is loaded here, once per process
//! (`model::graph::shared`), because resolving needs its user count and id
//! map; every later resolution (sweep points, seeds) reuses it.

use super::{Reader, as_int};
use crate::error::Result;
use crate::model::config::{AccountRef, FollowerConfig, GraphMode, PopulationConfig};
use crate::model::graph::{self, CacheMode, Direction, EdgeFormat, IdMap, LoadOptions};
use crate::scenario::path::render;
use std::path::{Path, PathBuf};
use toml::Value;

/// The keys a loaded graph replaces.
const GENERATOR_KEYS: [&str; 7] = [
    "population.users",
    "population.followers.exponent",
    "population.followers.mean",
    "population.followers.max",
    "population.followee_exponent",
    "population.followees.max",
    // Solved from the generator's rank-size closed form, which a loaded
    // graph does not follow.
    "population.fanout_per_tweet",
];

impl Reader<'_> {
    /// The population of a scenario whose graph is loaded from a file.
    pub(super) fn file_population(&self) -> Result<PopulationConfig> {
        for key in GENERATOR_KEYS {
            if let Some(v) = self.given(key) {
                return Err(self.bad(
                    key,
                    v,
                    "not used with population.graph.file: the users and their follows are \
                     those of the graph file; remove it",
                ));
            }
        }
        let author_activity_exponent = self.float("population.author_activity_exponent")?;
        let reader_activity_exponent = self.float("population.reader_activity_exponent")?;
        let path = self.scenario_path("population.graph.file")?;
        let format = match self.choice("population.graph.format")? {
            0 => EdgeFormat::Snap,
            1 => EdgeFormat::Text,
            2 => EdgeFormat::Gzip,
            _ => EdgeFormat::Binary,
        };
        let direction = match self.choice("population.graph.direction")? {
            0 => Direction::FollowerFollowee,
            _ => Direction::FolloweeFollower,
        };
        let cache = match self.given("population.graph.cache") {
            None => CacheMode::Beside,
            Some(Value::String(s)) if s == "off" => CacheMode::Off,
            Some(_) => CacheMode::At(self.scenario_path("population.graph.cache")?),
        };
        let options = LoadOptions {
            format,
            direction,
            cache,
        };
        let file = graph::load_shared(&path, &options)?;
        let g = &file.graph;
        let users = g.users();
        let max = g.by_rank(1).map_or(0, |u| g.follower_count(u));
        let mean = g.edges() as f64 / f64::from(users.max(1));
        // What the generator would need for this mean and max: only used by
        // estimates (memory, event budget), never to build.
        let exponent = graph::solve_exponent(mean, max, users).unwrap_or(1.0);
        Ok(PopulationConfig {
            users,
            graph: GraphMode::Stored,
            file: Some(file),
            followers: FollowerConfig {
                exponent,
                mean: Some(mean),
                max,
            },
            followee_exponent: 2.28,
            author_activity_exponent,
            reader_activity_exponent,
            fanout_per_tweet: None,
            followee_max: None,
        })
    }

    /// A non-empty string key naming a file, relative to the scenario's
    /// directory.
    fn scenario_path(&self, key: &str) -> Result<PathBuf> {
        let v = self.required(key)?;
        match v.as_str() {
            Some(s) if !s.trim().is_empty() && !s.contains('\0') => {
                let p = Path::new(s);
                let dir = Path::new(self.raw.source()).parent();
                Ok(match dir {
                    Some(d) if p.is_relative() => d.join(p),
                    _ => p.to_path_buf(),
                })
            }
            _ => Err(self.must(key, &v)),
        }
    }

    /// A tweet event's `id` when the graph comes from a file: an original
    /// id of the file, mapped to its dense id.
    pub(super) fn original_id(
        &self,
        key: &str,
        v: &Value,
        ids: Option<&IdMap>,
    ) -> Result<AccountRef> {
        let id = as_int(v).and_then(|x| u64::try_from(x).ok());
        let dense = id.and_then(|x| ids.and_then(|m| m.dense_id(x)));
        match (id, dense) {
            (Some(_), Some(d)) => Ok(AccountRef::Id(d)),
            (Some(_), None) => Err(self.bad(
                key,
                v,
                "no user with this id in the graph file (ids are those the file names)",
            )),
            (None, _) => Err(self.bad(
                key,
                v,
                format!(
                    "must be a non-negative integer id named in the graph file, not {}",
                    render(v)
                ),
            )),
        }
    }
}
