//! The discrete-event engine: integer-nanosecond time, an event queue keyed by
//! (time, sequence number), seeded random streams, service-time distributions
//! and FIFO queueing stations. No I/O, no clap, no serde, and no tweets.

pub mod alias;
pub mod dist;
pub mod queue;
pub mod rng;
pub mod station;
pub mod theory;
pub mod time;
