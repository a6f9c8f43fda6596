//! Fan-out-on-read (DDIA's approach 1): a post is one insert into the tweet
//! store; a read looks up the reader's followees, fetches their recent
//! tweets from the store shards that hold them, and merges them by time.

use super::{Push, Strategy, StrategyInfo};
use crate::model::graph::Graph;

/// Its entry in [`super::STRATEGIES`].
pub(super) const INFO: StrategyInfo = StrategyInfo {
    name: "fanout-on-read",
    aliases: &["read"],
    help: "a post is one store insert; a read pulls and merges every followee's tweets",
    palette: 0,
    uses_cache: false,
    build: |_, _| Box::new(FanoutOnRead),
};

/// Pull everything at read time; never write a timeline.
#[derive(Clone, Copy, Debug, Default)]
pub struct FanoutOnRead;

impl Strategy for FanoutOnRead {
    fn pushes(&self, _graph: &Graph, _author: u32) -> Push {
        Push::None
    }
    fn pulls<'g>(&self, graph: &'g Graph, reader: u32, scratch: &'g mut Vec<u32>) -> &'g [u32] {
        graph.followees_into(reader, scratch)
    }
    fn reads_cache(&self) -> bool {
        false
    }
}
