//! Library-level tests of the scenario format: defaults, every key, `--set`,
//! unknown keys, every validation rule, `describe`, the docs, and a fuzz test
//! that no input panics and every error is one line naming its source.

use fanout::error::FanoutError;
use fanout::model::config::{
    AccountRef, Breaker, ClientPolicy, Fault, FaultKind, FaultTarget, GraphMode, Hedge,
    RateProfile, Scenario, ScheduledEvent, StrategyKind,
};
use fanout::scenario::{RawScenario, describe, known_keys};
use fanout::sim::dist::{ServiceDist, Shape};
use fanout::sim::time::SimDuration;
use proptest::prelude::*;
use std::collections::BTreeMap;

const SRC: &str = "scenarios/x.toml";

fn raw(text: &str) -> RawScenario {
    RawScenario::from_str(text, SRC).unwrap_or_else(|e| panic!("{e}"))
}

fn ok(text: &str) -> Scenario {
    raw(text).resolve().unwrap_or_else(|e| panic!("{e}"))
}

fn with_sets(text: &str, sets: &[&str]) -> Result<Scenario, String> {
    let mut r = RawScenario::from_str(text, SRC).map_err(|e| e.to_string())?;
    for s in sets {
        r.set(s).map_err(|e| e.to_string())?;
    }
    r.resolve().map_err(|e| e.to_string())
}

/// The error message of an input that must be refused, checked for the
/// contract: exit 2, one line, names the source.
fn err(text: &str) -> String {
    match RawScenario::from_str(text, SRC).and_then(|r| r.resolve()) {
        Ok(_) => panic!("accepted:\n{text}"),
        Err(e) => checked(e),
    }
}

fn err_set(text: &str, sets: &[&str]) -> String {
    let mut r = raw(text);
    for s in sets {
        if let Err(e) = r.set(s) {
            return checked(e);
        }
    }
    match r.resolve() {
        Ok(_) => panic!("accepted with {sets:?}:\n{text}"),
        Err(e) => checked(e),
    }
}

fn checked(e: FanoutError) -> String {
    assert_eq!(e.exit_code(), 2, "{e}");
    let m = e.to_string();
    assert!(!m.contains('\n'), "not one line: {m}");
    assert!(m.starts_with(SRC), "does not name the source: {m}");
    m
}

fn ms(n: u64) -> SimDuration {
    SimDuration::from_millis(n)
}
fn us(n: u64) -> SimDuration {
    SimDuration::from_micros(n)
}

mod defaults;
mod describe;
mod docs;
mod keys;
mod no_panic;
mod set;
mod tail_keys;
mod unknown;
mod validation;
