//! Values that are valid but probably not what the user meant: printed as
//! warnings on standard error, and the run goes on.

use crate::model::config::{Scenario, StrategyKind};

/// Warnings about a resolved scenario, one line each, naming the keys.
pub fn warnings(s: &Scenario) -> Vec<String> {
    let mut out = Vec::new();
    let threshold = s.strategy.celebrity_threshold;
    let max = s.population.followers.max;
    if s.strategies.contains(&StrategyKind::Hybrid) && threshold > max {
        out.push(format!(
            "strategy.hybrid.celebrity_threshold = {threshold} is above population.followers.max = {max}: \
             no account can be a celebrity, so hybrid pushes every tweet like fanout-on-write"
        ));
    }
    if s.warmup > s.duration {
        out.push(format!(
            "warmup = {} is longer than duration = {}: most of the simulated time is not measured",
            s.warmup, s.duration
        ));
    }
    out
}
