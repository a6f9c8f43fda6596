//! Fan-out-on-write (DDIA's approach 2, Twitter's design until 2012): a post
//! is inserted into the store and then, by the fan-out workers, into the
//! cached home timeline of every follower, on every replica; a read is one
//! cache lookup.

use super::Strategy;
use crate::model::config::StrategyKind;
use crate::model::graph::Graph;

/// Push every post; reads only touch the cache.
#[derive(Clone, Copy, Debug, Default)]
pub struct FanoutOnWrite;

impl Strategy for FanoutOnWrite {
    fn kind(&self) -> StrategyKind {
        StrategyKind::FanoutOnWrite
    }
    fn pushes(&self, _graph: &Graph, _author: u32) -> bool {
        true
    }
    fn pulls<'g>(&self, _graph: &'g Graph, _reader: u32, _scratch: &'g mut Vec<u32>) -> &'g [u32] {
        &[]
    }
    fn reads_cache(&self) -> bool {
        true
    }
}
