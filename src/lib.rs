//! fanout: a deterministic discrete-event simulator of social-feed fan-out.
//!
//! See README.md for the commands and DESIGN.md (in the project's shared
//! notes) for the contracts.

pub mod cli;
pub mod error;
pub mod metrics;
pub mod model;
pub mod output;
pub mod plot;
pub mod progress;
pub mod queuecmd;
pub mod report;
pub mod scenario;
pub mod sim;
pub mod sweep;
