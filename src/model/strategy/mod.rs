//! The strategies, one per file, behind one trait.
//!
//! DDIA ch. 1 frames the choice as where the work of a home timeline is done:
//! at write time (push the tweet into every follower's cached timeline) or
//! at read time (pull the followees' recent tweets and merge them). A
//! strategy here is exactly that policy: which posts are pushed, which
//! followees are pulled, and whether the cache is read. The mechanics (the
//! stations, the network, the fan-out workers) are shared in `model::sim`,
//! so strategies differ only in what they decide, and a new one (for
//! example Feeding Frenzy's per-edge rule, REFERENCE.md §4) is one file.

mod hybrid;
mod read;
mod write;

pub use hybrid::Hybrid;
pub use read::FanoutOnRead;
pub use write::FanoutOnWrite;

use crate::model::config::{StrategyConfig, StrategyKind};
use crate::model::graph::Graph;

/// A fan-out policy.
pub trait Strategy: Send + Sync {
    /// Which strategy this is (for reports).
    fn kind(&self) -> StrategyKind;
    /// Whether a post by `author` is pushed into its followers' timelines.
    fn pushes(&self, graph: &Graph, author: u32) -> bool;
    /// The followees of `reader` whose recent tweets a read pulls from the
    /// tweet store and merges. `scratch` holds the list when the graph is
    /// sampled (see [`Graph::followees_into`]); the caller keeps and reuses
    /// it so the hot path does not allocate.
    fn pulls<'g>(&self, graph: &'g Graph, reader: u32, scratch: &'g mut Vec<u32>) -> &'g [u32];
    /// Whether a read fetches the reader's cached home timeline.
    fn reads_cache(&self) -> bool;
}

/// The strategy object for `kind`, configured from the scenario, for the
/// simulation of one graph.
pub fn build(kind: StrategyKind, config: &StrategyConfig, graph: &Graph) -> Box<dyn Strategy> {
    match kind {
        StrategyKind::FanoutOnRead => Box::new(FanoutOnRead),
        StrategyKind::FanoutOnWrite => Box::new(FanoutOnWrite),
        StrategyKind::Hybrid => Box::new(Hybrid::new(config.celebrity_threshold, graph)),
    }
}
