//! The strategies, one per file, behind one trait, registered in one table.
//!
//! DDIA ch. 1 frames the choice as where the work of a home timeline is done:
//! at write time (push the tweet into every follower's cached timeline) or
//! at read time (pull the followees' recent tweets and merge them). A
//! strategy here is exactly that policy, decided per edge of the follower
//! graph: which followers a post is pushed to, which followees a read pulls,
//! and whether the cache is read. Feeding Frenzy's rule (docs/references.md,
//! Silberstein et al. 2010) is per edge; DDIA's three strategies are the
//! all-or-nothing cases, and say so once per author so the fan-out job can
//! skip the per-edge question for them. The mechanics (the stations, the
//! network, the fan-out workers) are shared in `model::sim`, so strategies
//! differ only in what they decide.
//!
//! Adding a strategy is one new file, defining the type and its
//! [`StrategyInfo`], plus one line in [`STRATEGIES`]: its names, help text
//! and plot colour come from that entry, everywhere they are shown.

mod feeding_frenzy;
mod hybrid;
mod read;
mod write;

pub use feeding_frenzy::{FeedingFrenzy, FrenzyCosts, FrenzyRule};
pub use hybrid::Hybrid;
pub use read::FanoutOnRead;
pub use write::FanoutOnWrite;

use crate::model::config::Scenario;
use crate::model::graph::Graph;
use std::fmt;

/// Every strategy the simulator knows, in the order reports list them.
/// A [`StrategyKind`] is an index into this table.
pub const STRATEGIES: &[StrategyInfo] =
    &[read::INFO, write::INFO, hybrid::INFO, feeding_frenzy::INFO];

/// How a strategy is named, described, drawn and built.
pub struct StrategyInfo {
    /// The canonical name, used in reports, CSV and scenario files.
    pub name: &'static str,
    /// Other names accepted on input (`--strategy read`).
    pub aliases: &'static [&'static str],
    /// One line saying what the strategy does, for help texts.
    pub help: &'static str,
    /// Slot in the plot palette, so a strategy keeps its colour across plots.
    pub palette: usize,
    /// Whether the strategy keeps home timelines in the cache (pushes into
    /// them or reads them). One that does not (fan-out-on-read) needs no
    /// timeline cache: `model::cost` prices neither its machines nor its
    /// memory.
    pub uses_cache: bool,
    /// The strategy object, configured from the scenario for one graph:
    /// the whole scenario, since a rule may weigh the workload's rates and
    /// the cluster's costs as well as its own keys.
    pub build: fn(&Scenario, &Graph) -> Box<dyn Strategy>,
}

/// Which followers of an author a post is pushed to.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Push {
    /// None: the post is only stored, and readers pull it.
    None,
    /// Every follower (the fan-out job skips the per-edge question).
    All,
    /// The followers for which [`Strategy::pushes_to`] says so.
    PerEdge,
}

/// A fan-out policy, decided per edge of the follower graph.
pub trait Strategy: Send + Sync {
    /// Which followers of `author` a post is pushed to.
    fn pushes(&self, graph: &Graph, author: u32) -> Push;
    /// Whether a post by `author` is pushed to `follower`; asked only when
    /// [`Strategy::pushes`] says [`Push::PerEdge`].
    fn pushes_to(&self, graph: &Graph, author: u32, follower: u32) -> bool {
        let _ = (graph, author, follower);
        true
    }
    /// The followees of `reader` whose recent tweets a read pulls from the
    /// tweet store and merges. `scratch` holds the list when the graph is
    /// sampled (see [`Graph::followees_into`]); the caller keeps and reuses
    /// it so the hot path does not allocate.
    fn pulls<'g>(&self, graph: &'g Graph, reader: u32, scratch: &'g mut Vec<u32>) -> &'g [u32];
    /// Whether a read fetches the reader's cached home timeline.
    fn reads_cache(&self) -> bool;
    /// Whether the edge `author` -> `follower` is pushed: what a rebuilt
    /// timeline must hold.
    fn edge_pushed(&self, graph: &Graph, author: u32, follower: u32) -> bool {
        match self.pushes(graph, author) {
            Push::None => false,
            Push::All => true,
            Push::PerEdge => self.pushes_to(graph, author, follower),
        }
    }
}

/// One of the strategies of [`STRATEGIES`], by its index there.
#[derive(Copy, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StrategyKind(u8);

#[allow(non_upper_case_globals)]
impl StrategyKind {
    /// DDIA's approach 1: a post is one insert; a read merges the followees' tweets.
    pub const FanoutOnRead: StrategyKind = StrategyKind::named("fanout-on-read");
    /// DDIA's approach 2: a post is pushed to every follower's cached timeline.
    pub const FanoutOnWrite: StrategyKind = StrategyKind::named("fanout-on-write");
    /// Push for most accounts, pull for celebrities at read time.
    pub const Hybrid: StrategyKind = StrategyKind::named("hybrid");
    /// Feeding Frenzy: push or pull per edge, by the rates of its two ends.
    pub const FeedingFrenzy: StrategyKind = StrategyKind::named("feeding-frenzy");

    /// Every strategy, in the order reports list them.
    pub const ALL: [StrategyKind; STRATEGIES.len()] = {
        let mut out = [StrategyKind(0); STRATEGIES.len()];
        let mut i = 0;
        while i < out.len() {
            out[i] = StrategyKind(i as u8);
            i += 1;
        }
        out
    };

    /// The entry of [`STRATEGIES`] with this canonical name; a name not in
    /// the table fails the build.
    const fn named(name: &str) -> StrategyKind {
        let mut i = 0;
        while i < STRATEGIES.len() {
            if str_eq(STRATEGIES[i].name, name) {
                return StrategyKind(i as u8);
            }
            i += 1;
        }
        panic!("no strategy of that name in STRATEGIES")
    }

    /// The strategy's entry in [`STRATEGIES`].
    pub fn info(self) -> &'static StrategyInfo {
        &STRATEGIES[usize::from(self.0)]
    }

    /// Whether the strategy keeps home timelines in the cache
    /// ([`StrategyInfo::uses_cache`]).
    pub fn uses_cache(self) -> bool {
        self.info().uses_cache
    }

    /// Position in [`STRATEGIES`] (report order).
    pub fn index(self) -> usize {
        usize::from(self.0)
    }

    /// The canonical name used in reports and CSV (`fanout-on-read`, ...).
    pub fn name(self) -> &'static str {
        self.info().name
    }

    /// One line saying what the strategy does.
    pub fn help(self) -> &'static str {
        self.info().help
    }

    /// Accepts the canonical names and the aliases (`read`, `write`).
    pub fn parse(text: &str) -> Option<StrategyKind> {
        let text = text.trim();
        STRATEGIES
            .iter()
            .position(|s| s.name == text || s.aliases.contains(&text))
            .map(|i| StrategyKind(i as u8))
    }

    /// The strategy object for this kind, configured from the scenario, for
    /// the simulation of one graph.
    pub fn build(self, scenario: &Scenario, graph: &Graph) -> Box<dyn Strategy> {
        (self.info().build)(scenario, graph)
    }
}

impl fmt::Debug for StrategyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

const fn str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// The names users may type, for error and help texts:
/// `fanout-on-read (read), fanout-on-write (write), hybrid or feeding-frenzy (ff)`.
pub fn names_help() -> String {
    let names: Vec<String> = STRATEGIES
        .iter()
        .map(|s| match s.aliases {
            [] => s.name.to_string(),
            a => format!("{} ({})", s.name, a.join(", ")),
        })
        .collect();
    match names.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// The strategy object for `kind`, configured from the scenario, for the
/// simulation of one graph.
pub fn build(kind: StrategyKind, scenario: &Scenario, graph: &Graph) -> Box<dyn Strategy> {
    kind.build(scenario, graph)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_aliases_come_from_the_table() {
        assert_eq!(StrategyKind::ALL.len(), STRATEGIES.len());
        for k in StrategyKind::ALL {
            assert_eq!(StrategyKind::parse(k.name()), Some(k));
        }
        assert_eq!(
            StrategyKind::parse(" read"),
            Some(StrategyKind::FanoutOnRead)
        );
        assert_eq!(
            StrategyKind::parse("write"),
            Some(StrategyKind::FanoutOnWrite)
        );
        assert_eq!(StrategyKind::parse("hybrid"), Some(StrategyKind::Hybrid));
        assert_eq!(StrategyKind::parse("push"), None);
        assert_eq!(StrategyKind::parse("ff"), Some(StrategyKind::FeedingFrenzy));
        assert_eq!(
            names_help(),
            "fanout-on-read (read), fanout-on-write (write), hybrid or feeding-frenzy (ff)"
        );
        assert_eq!(format!("{:?}", StrategyKind::Hybrid), "hybrid");
    }
}
