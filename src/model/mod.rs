//! The feed backend: the follower graph, the workload, the cluster of queueing
//! stations and the strategies. Knows tweets and shards, not files or flags.

pub mod config;
pub mod cost;
pub mod graph;
pub mod sim;
pub mod strategy;
pub mod workload;
