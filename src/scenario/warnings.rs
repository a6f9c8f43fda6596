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
    if let Some(w) = super::budget::long_run_warning(s) {
        out.push(w);
    }
    let p = &s.population;
    // Out-weights are Pareto with shape exponent - 1, capped at `users`; the
    // share of users at the cap is users^-(exponent - 1). When it is large,
    // most users draw the same weight and followee counts are nearly
    // uniform (1.01 at 1M users: 87% capped, the largest count 39).
    let capped = f64::from(p.users).powf(1.0 - p.followee_exponent);
    // A loaded graph (population.graph.file) does not use the exponent.
    if capped > CAPPED_SHARE && p.file.is_none() {
        out.push(format!(
            "population.followee_exponent = {} with population.users = {}: {:.0}% of users draw the \
             largest followee weight, so followee counts are nearly uniform, not a power law; use \
             an exponent of at least {:.2}",
            p.followee_exponent,
            p.users,
            capped * 100.0,
            1.0 + (1.0 / CAPPED_SHARE).ln() / f64::from(p.users.max(2)).ln()
        ));
    }
    out
}

/// Share of users at the followee-weight cap above which the followee
/// distribution is flagged as flat: 1%.
const CAPPED_SHARE: f64 = 0.01;
