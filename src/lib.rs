//! fanout: a deterministic discrete-event simulator of social-feed fan-out.
//!
//! See README.md for the commands and docs/scenario.md for the scenario
//! file. [`cli`] holds the command line's types, [`commands`] one module
//! per command, and the model, simulation core and reports live below.

pub mod cli;
pub mod commands;
pub mod error;
pub mod interrupt;
pub mod memory;
pub mod metrics;
pub mod model;
pub mod output;
pub mod plot;
pub mod progress;
pub mod provenance;
pub mod report;
pub mod scenario;
pub mod sim;
