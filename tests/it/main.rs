//! The integration tests, in one binary so the suite links once instead of
//! once per file. Each module is what used to be its own file under tests/;
//! the modules that run the real `fanout` binary find it through
//! `CARGO_BIN_EXE_fanout`. Two suites stay separate on purpose:
//! `tests/alloc.rs` installs a counting global allocator, which would count
//! every other test's allocations too, and `tests/fuzz/` has its own `main`
//! (it supervises worker processes).

mod cache;
mod cli_features;
mod cli_hostile;
mod cli_run;
mod cluster_ops;
mod defects;
mod faults;
mod feeding_frenzy;
mod fork_columns;
mod golden;
mod graph_cli;
mod hardening;
mod model;
mod plot;
mod plot_input;
mod plot_panels;
mod plot_runs;
mod plot_support;
mod queue_cli;
mod readme_figures;
mod scenario_lib;
mod scenario_limits;
mod strategy_per_edge;
mod support;
mod tails;
mod tune;
