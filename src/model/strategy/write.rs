//! Fan-out-on-write (DDIA's approach 2, Twitter's design until 2012): a post
//! is inserted into the store and then, by the fan-out workers, into the
//! cached home timeline of every follower, on every replica; a read is one
//! cache lookup.

use super::{Push, Strategy, StrategyInfo};
use crate::model::graph::Graph;

/// Its entry in [`super::STRATEGIES`].
pub(super) const INFO: StrategyInfo = StrategyInfo {
    name: "fanout-on-write",
    aliases: &["write"],
    help: "a post is pushed into every follower's cached timeline; a read is one cache lookup",
    palette: 1,
    uses_cache: true,
    build: |_, _| Box::new(FanoutOnWrite),
};

/// Push every post; reads only touch the cache.
#[derive(Clone, Copy, Debug, Default)]
pub struct FanoutOnWrite;

impl Strategy for FanoutOnWrite {
    fn pushes(&self, _graph: &Graph, _author: u32) -> Push {
        Push::All
    }
    fn pulls<'g>(&self, _graph: &'g Graph, _reader: u32, _scratch: &'g mut Vec<u32>) -> &'g [u32] {
        &[]
    }
    fn reads_cache(&self) -> bool {
        true
    }
}
