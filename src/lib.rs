//! fanout: a deterministic discrete-event simulator of social-feed fan-out.
//!
//! See README.md for the commands, docs/scenario.md for the scenario file,
//! docs/design.md for how a run flows and where to add a strategy, a key, a
//! tier or a column, and docs/references.md for every published figure and
//! formula the model uses. [`cli`] holds the command line's types,
//! [`commands`] one module per command; the engine ([`sim`]) knows nothing
//! of tweets, the model ([`model`]) nothing of files or flags.

#![warn(missing_docs)]

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
