//! Fan-out-on-read (DDIA's approach 1): a post is one insert into the tweet
//! store; a read looks up the reader's followees, fetches their recent
//! tweets from the store shards that hold them, and merges them by time.

use super::Strategy;
use crate::model::config::StrategyKind;
use crate::model::graph::Graph;

/// Pull everything at read time; never write a timeline.
#[derive(Clone, Copy, Debug, Default)]
pub struct FanoutOnRead;

impl Strategy for FanoutOnRead {
    fn kind(&self) -> StrategyKind {
        StrategyKind::FanoutOnRead
    }
    fn pushes(&self, _graph: &Graph, _author: u32) -> bool {
        false
    }
    fn pulls<'g>(&self, graph: &'g Graph, reader: u32, scratch: &'g mut Vec<u32>) -> &'g [u32] {
        graph.followees_into(reader, scratch)
    }
    fn reads_cache(&self) -> bool {
        false
    }
}
