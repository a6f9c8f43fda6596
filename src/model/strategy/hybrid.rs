//! Hybrid (DDIA ch. 1; Krikorian, "Timelines at Scale", 2012): accounts with
//! at least `celebrity_threshold` followers are not fanned out; a read fetches
//! the cached timeline and pulls the celebrities the reader follows from the
//! store, merging the two. A global follower-count threshold is the coarse
//! special case of Feeding Frenzy's per-edge push/pull rule (docs/references.md,
//! Silberstein et al. 2010).
//!
//! Threshold 0 makes every account a celebrity (fan-out-on-read's pulls, no
//! timeline writes); a threshold above every follower count makes hybrid
//! push everything (fan-out-on-write's writes, no pulls).

use super::{Push, Strategy, StrategyInfo};
use crate::model::graph::{Graph, GraphMode};
use rayon::prelude::*;

/// Its entry in [`super::STRATEGIES`].
pub(super) const INFO: StrategyInfo = StrategyInfo {
    name: "hybrid",
    aliases: &[],
    help: "push for accounts below the celebrity threshold, pull celebrities at read time",
    palette: 2,
    uses_cache: true,
    build: |s, graph| Box::new(Hybrid::new(s.strategy.celebrity_threshold, graph)),
};

/// Push ordinary accounts, pull celebrities.
#[derive(Clone, Debug)]
pub struct Hybrid {
    /// Accounts with at least this many followers are pulled, not pushed.
    pub celebrity_threshold: u32,
    /// Per reader, how many of its followees are celebrities, computed once:
    /// looking it up on every read would cost a binary search of cache
    /// misses (4 bytes per user). Empty for a sampled graph, whose lists are
    /// drawn on every read anyway.
    celebrities_followed: Vec<u32>,
}

impl Hybrid {
    /// Hybrid with this threshold, for the simulation of `graph`.
    pub fn new(celebrity_threshold: u32, graph: &Graph) -> Hybrid {
        let celebrities_followed = match graph.mode() {
            GraphMode::Stored => (0..graph.users())
                .into_par_iter()
                .map(|u| graph.celebrity_prefix(u, celebrity_threshold) as u32)
                .collect(),
            GraphMode::Sampled => Vec::new(),
        };
        Hybrid {
            celebrity_threshold,
            celebrities_followed,
        }
    }
}

impl Strategy for Hybrid {
    fn pushes(&self, graph: &Graph, author: u32) -> Push {
        match graph.follower_count(author) < self.celebrity_threshold {
            true => Push::All,
            false => Push::None,
        }
    }
    fn pulls<'g>(&self, graph: &'g Graph, reader: u32, scratch: &'g mut Vec<u32>) -> &'g [u32] {
        // Followees are sorted by follower count, largest first, so the
        // celebrities a reader follows are a prefix of the list.
        if self.celebrities_followed.is_empty() {
            let followees = graph.followees_into(reader, scratch);
            let k =
                followees.partition_point(|&v| graph.follower_count(v) >= self.celebrity_threshold);
            return &followees[..k];
        }
        let followees = graph.followees(reader);
        &followees[..self.celebrities_followed[reader as usize] as usize]
    }
    fn reads_cache(&self) -> bool {
        true
    }
}
